/** `@palisade/collector/sources`: where `collect` reads records from (files, followed files, streams). */
export * from './sources/record-source.js';
export * from './sources/stream-source.js';
export * from './sources/follow-position.js';
export * from './sources/follow-source.js';
