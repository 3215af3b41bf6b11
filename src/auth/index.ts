/**
 * Role-based access control, portable: permission rules, the `auth` config section, the
 * authorizer that turns (principal, permission) into a decision, and capability
 * intersection for tools. Decisions are data; front ends and the tool executor act on them.
 */
export * from './auth-config-schema.js';
export * from './authorizer.js';
export * from './capabilities.js';
export * from './host-pattern.js';
export * from './parse-auth-config.js';
export * from './permission.js';
export * from './create-tool-call-authorizer.js';
