export * from './pan.js';
export * from './money.js';
