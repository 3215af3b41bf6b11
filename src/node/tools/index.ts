/**
 * Native tools for Node: files under granted roots and HTTP to granted hosts. They hold
 * their own confinement (roots, hosts, size and time caps) and also honour a call's
 * effective capabilities, so RBAC can only narrow them further.
 */
export * from './create-fs-tools.js';
export * from './fs-list-tool.js';
export * from './fs-read-tool.js';
export * from './fs-write-tool.js';
export * from '../../agent/tools/fetch/http-fetch-tool.js';
