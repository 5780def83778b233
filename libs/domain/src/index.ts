export * from './pan.js';
export * from './money.js';
export * from './phone.js';
