export * from './agentbox-error.js';
export * from './llm-error.js';
export * from './config-error.js';
export * from './parse-input.js';
export * from './validation-issue.js';
