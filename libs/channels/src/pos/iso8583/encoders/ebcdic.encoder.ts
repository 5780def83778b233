import type { Encoder } from './encoder.js';

/**
 * EBCDIC code page 037 (IBM US/Canada; jPOS IFE_*), for the printable ASCII range 0x20-0x7E only:
 * that covers every an/ans value a POS message carries, and a byte outside the table is refused
 * rather than mapped to a guess. Index i holds the cp037 byte of ASCII character 0x20 + i.
 */
const CP037_FROM_ASCII_20 = Buffer.from(
  '405a7f7b5b6c507d4d5d5c4e6b604b61f0f1f2f3f4f5f6f7f8f97a5e4c7e6e6f' +
    '7cc1c2c3c4c5c6c7c8c9d1d2d3d4d5d6d7d8d9e2e3e4e5e6e7e8e9bae0bbb06d' +
    '79818283848586878889919293949596979899a2a3a4a5a6a7a8a9c04fd0a1',
  'hex',
);

const TO_EBCDIC = new Map<number, number>();
const FROM_EBCDIC = new Map<number, number>();
CP037_FROM_ASCII_20.forEach((e, i) => {
  TO_EBCDIC.set(0x20 + i, e);
  FROM_EBCDIC.set(e, 0x20 + i);
});

export const ebcdic: Encoder = {
  name: 'ebcdic-cp037',
  wireLength: (units) => units,
  encode: (value) => {
    const out = Buffer.alloc(value.length);
    for (let i = 0; i < value.length; i++) {
      const e = TO_EBCDIC.get(value.charCodeAt(i));
      // The field's character set is checked before encoding; this only guards a spec that pairs
      // EBCDIC with a wider set than printable ASCII.
      if (e === undefined) throw new RangeError('character outside the cp037 printable table');
      out[i] = e;
    }
    return out;
  },
  decode: (bytes) => {
    let text = '';
    for (const byte of bytes) {
      const a = FROM_EBCDIC.get(byte);
      if (a === undefined) return undefined;
      text += String.fromCharCode(a);
    }
    return text;
  },
};
