export * from './record-source.js';
export * from './stream-source.js';
export * from './follow-position.js';
export * from './follow-source.js';
export * from './kafka-source.js';
