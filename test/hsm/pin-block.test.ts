import { describe, expect, it } from 'vitest';
import { CryptoError } from '../../libs/hsm/src/crypto.port.js';
import { decodePinBlock, encodePinBlock, type TdesPinBlockFormat } from '../../libs/hsm/src/software/pin-block.js';
import { vectors } from './vectors.js';

interface ClearVector {
  format: 0 | 1 | 3;
  pin: string;
  pan?: string;
  fill?: string;
  clear: string;
  note?: string;
}
const { clear } = vectors<{ clear: ClearVector[] }>('pinblock.json');
const FORMAT = { 0: 'ISO-0', 1: 'ISO-1', 3: 'ISO-3' } as const;
const hex = (s: string) => Buffer.from(s, 'hex');

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof CryptoError ? error.code : `not a CryptoError: ${String(error)}`;
  }
  return undefined;
}

describe('clear ISO 9564-1 PIN blocks (shared/vectors/pinblock.json "clear"; moov-io/pinblock, psec, CyberChef, EFTlab)', () => {
  for (const v of clear) {
    const format: TdesPinBlockFormat = FORMAT[v.format];
    const decodeOnly = v.format === 3; // format 3 fill is random A-F
    it(`${format} PIN ${v.pin}${v.pan ? ` PAN ${v.pan}` : ''} ↔ ${v.clear}`, () => {
      if (!decodeOnly) {
        const block = encodePinBlock({ format, pin: v.pin, pan: v.pan, fill: v.fill });
        expect(block.toString('hex').toUpperCase()).toBe(v.clear);
      }
      expect(decodePinBlock(format, hex(v.clear), v.pan)).toBe(v.pin);
    });
  }
});

describe('random fill (formats 1 and 3)', () => {
  it('format 1: PIN field 1 N PIN + random nibbles, decodes back', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const block = encodePinBlock({ format: 'ISO-1', pin: '2468' });
      expect(block.toString('hex').toUpperCase()).toMatch(/^142468[0-9A-F]{10}$/);
      expect(decodePinBlock('ISO-1', block)).toBe('2468');
      seen.add(block.toString('hex'));
    }
    expect(seen.size).toBeGreaterThan(45);
  });

  it('format 3: fill A-F, XOR PAN field, decodes back', () => {
    const pan = '5555555551234567';
    for (let i = 0; i < 50; i++) {
      const block = encodePinBlock({ format: 'ISO-3', pin: '123456789', pan });
      const field = Buffer.from(block);
      const panField = hex('0000' + pan.slice(0, -1).slice(-12));
      for (let j = 0; j < 8; j++) field[j] ^= panField[j];
      expect(field.toString('hex').toUpperCase()).toMatch(/^39123456789[A-F]{5}$/);
      expect(decodePinBlock('ISO-3', block, pan)).toBe('123456789');
    }
  });
});

describe('strict decoding → BAD_PIN_BLOCK', () => {
  const pan = '5432101234567891';
  // PIN field nibbles XOR the PAN field 0000210123456789 gives the clear block for format 0/3.
  const withPan = (pinField: string) => {
    const out = hex(pinField);
    const panField = hex('0000210123456789');
    for (let j = 0; j < 8; j++) out[j] ^= panField[j];
    return out;
  };

  const cases: [string, TdesPinBlockFormat, Buffer][] = [
    ['control nibble 1 in a format 0 block', 'ISO-0', withPan('141234FFFFFFFFFF')],
    ['PIN length 3', 'ISO-0', withPan('03123FFFFFFFFFFF')],
    ['PIN length 13 (D)', 'ISO-0', withPan('0D1234567890123F')],
    ['a non-decimal PIN digit', 'ISO-0', withPan('04123AFFFFFFFFFF')],
    ['format 0 fill that is not all F', 'ISO-0', withPan('041234FFFFFFFFFE')],
    ['format 3 fill with a decimal digit', 'ISO-3', withPan('341234AAAAAAAAA9')],
    ['control nibble 0 in a format 3 block', 'ISO-3', withPan('041234FFFFFFFFFF')],
    ['control nibble 0 in a format 1 block', 'ISO-1', hex('041234FFFFFFFFFF')],
    ['PIN length 0 in a format 1 block', 'ISO-1', hex('10FFFFFFFFFFFFFF')],
    ['a 7-byte block', 'ISO-1', hex('141234FFFFFFFF')],
  ];
  for (const [name, format, block] of cases) {
    it(name, () => expect(code(() => decodePinBlock(format, block, pan))).toBe('BAD_PIN_BLOCK'));
  }

  it('a format 0 block decoded with another PAN (differs in the fill positions) is refused', () => {
    const block = encodePinBlock({ format: 'ISO-0', pin: '1234', pan });
    expect(code(() => decodePinBlock('ISO-0', block, '5432101234567883'))).toBe('BAD_PIN_BLOCK');
  });

  it('every failure has the same message, naming no block, PIN or PAN', () => {
    const messages = new Set<string>();
    for (const [, format, block] of cases) {
      try {
        decodePinBlock(format, block, pan);
      } catch (error) {
        messages.add(`${format}:${(error as Error).message}`);
        expect((error as Error).message).not.toContain(block.toString('hex'));
        expect((error as Error).message.toUpperCase()).not.toContain(block.toString('hex').toUpperCase());
        expect((error as Error).message).not.toContain(pan);
        expect((error as Error).message).not.toContain('1234');
      }
    }
    expect([...messages].sort()).toEqual([
      'ISO-0:PIN block does not decode as ISO-0',
      'ISO-1:PIN block does not decode as ISO-1',
      'ISO-3:PIN block does not decode as ISO-3',
    ]);
  });
});

describe('encoding input checks → BAD_INPUT', () => {
  it.each([
    ['a 3-digit PIN', { format: 'ISO-0' as const, pin: '123', pan: '4111111111111111' }],
    ['a 13-digit PIN', { format: 'ISO-0' as const, pin: '1234567890123', pan: '4111111111111111' }],
    ['a PIN with a letter', { format: 'ISO-1' as const, pin: '12a4' }],
    ['format 0 without a PAN', { format: 'ISO-0' as const, pin: '1234' }],
    ['an 11-digit PAN', { format: 'ISO-3' as const, pin: '1234', pan: '41111111111' }],
    ['a format 3 fill outside A-F', { format: 'ISO-3' as const, pin: '1234', pan: '4111111111111111', fill: '0' }],
  ])('%s', (_name, req) => {
    expect(code(() => encodePinBlock(req))).toBe('BAD_INPUT');
  });
});
