export * from './bounded-channel.js';
export * from './event-bus.js';
export * from './events.js';
export * from './messages.js';
export * from './session.js';
export * from './session-state.js';
export * from './session-recorder.js';
export * from './copy-json.js';
