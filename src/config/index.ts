/**
 * Configuration: the schema, merging file < environment < flags with errors that name the
 * bad key and where it was set, and redaction for display. Reading files is Node-only
 * (`agentbox/node`: `loadConfig`).
 */
export * from './config-schema.js';
export * from './config-environment.js';
export * from './resolve-config.js';
export * from './redact-config.js';
