export type { Encoder } from './encoder.js';
export { ascii } from './ascii.encoder.js';
export { bcd, bcdRightPadded } from './bcd.encoder.js';
export { binary } from './binary.encoder.js';
export { ebcdic } from './ebcdic.encoder.js';
export { hexAscii } from './hex-ascii.encoder.js';
