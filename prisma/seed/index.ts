export * from './seed.js';
export * from './demo-data.js';
