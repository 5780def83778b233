import { describe, expect, it } from 'vitest';
import {
  Iso8583Error,
  Iso8583ErrorCode,
  ISO87A,
  ISO87B,
  pack,
  padNumeric,
  unpack,
  type MessageSpec,
} from '../../libs/channels/src/pos/iso8583/index.js';
import { balanceInquiry, hex, latin1, PAN, PIN_BLOCK, TRACK2 } from './fixtures.js';

const SECRETS = [PAN, PAN.slice(0, 6), PAN.slice(-4), PIN_BLOCK, PIN_BLOCK.toLowerCase(), TRACK2];

function caught(run: () => unknown): Iso8583Error {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Iso8583Error);
    return error as Iso8583Error;
  }
  throw new Error('expected an Iso8583Error');
}

/** Nothing a log could print from the error carries card data. */
function expectNoSecrets(error: Iso8583Error, extra: readonly string[] = []): void {
  // The stack's frame lines are code locations (file:line), not data: a line number may well read "100".
  const stackText = (error.stack ?? '').split('\n').filter((line) => !/^\s+at /.test(line)).join('\n');
  const printed = [error.message, String(error), JSON.stringify(error), stackText].join('\n');
  for (const secret of [...SECRETS, ...extra]) expect(printed).not.toContain(secret);
}

const inquiryA = latin1(pack(ISO87A, { mti: '0200', fields: balanceInquiry() }).toString('latin1'));
const replaceAt = (frame: Buffer, offset: number, text: string): Buffer =>
  Buffer.concat([frame.subarray(0, offset), latin1(text), frame.subarray(offset + text.length)]);

interface UnpackCase {
  readonly name: string;
  readonly spec: MessageSpec;
  readonly frame: Buffer;
  readonly code: Iso8583ErrorCode;
  readonly field: number | undefined;
  readonly offset: number;
}

// ISO87A 0200 layout: MTI 0-3, bitmap 4-19, field 2 prefix 20-21 and PAN 22-37, field 3 at 38 ...
// field 25 at 89, 41 at 91, 42 at 99, 49 at 114, 52 at 117, 53 at 133, end at 151.
const UNPACK_CASES: readonly UnpackCase[] = [
  { name: 'frame cut inside the PAN', spec: ISO87A, frame: inquiryA.subarray(0, 30), code: 'TRUNCATED', field: 2, offset: 22 },
  { name: 'frame cut inside a length prefix', spec: ISO87A, frame: inquiryA.subarray(0, 21), code: 'TRUNCATED', field: 2, offset: 20 },
  { name: 'frame cut inside the MTI', spec: ISO87A, frame: latin1('02'), code: 'TRUNCATED', field: undefined, offset: 0 },
  { name: 'frame cut inside the bitmap', spec: ISO87B, frame: hex('0200 7234'), code: 'TRUNCATED', field: undefined, offset: 2 },
  { name: 'LL prefix not digits', spec: ISO87A, frame: replaceAt(inquiryA, 20, '1x'), code: 'BAD_LENGTH', field: 2, offset: 20 },
  { name: 'BCD LL prefix with a hex nibble', spec: ISO87B, frame: hex('0200 4000000000000000 1A 4761739001010119'), code: 'BAD_LENGTH', field: 2, offset: 10 },
  { name: 'MTI not digits', spec: ISO87A, frame: replaceAt(inquiryA, 0, '02A0'), code: 'BAD_MTI', field: undefined, offset: 0 },
  { name: 'BCD MTI with a hex nibble', spec: ISO87B, frame: hex('020F 0000000000000000'), code: 'BAD_MTI', field: undefined, offset: 0 },
  { name: 'hex bitmap with a non-hex character', spec: ISO87A, frame: replaceAt(inquiryA, 8, 'ZZ'), code: 'BAD_BITMAP', field: undefined, offset: 4 },
  {
    name: 'secondary bitmap flagged but empty',
    spec: ISO87B,
    frame: hex('0800 8000000000000000 0000000000000000'),
    code: 'BAD_BITMAP',
    field: undefined,
    offset: 10,
  },
  { name: 'letter in the PAN', spec: ISO87A, frame: replaceAt(inquiryA, 30, 'X'), code: 'NON_NUMERIC', field: 2, offset: 22 },
  { name: 'BCD nibble above 9 in field 3', spec: ISO87B, frame: hex('0200 2000000000000000 31000F'), code: 'NON_NUMERIC', field: 3, offset: 10 },
  { name: 'BCD pad nibble not 0 (field 22)', spec: ISO87B, frame: hex('0200 0000040000000000 1021'), code: 'NON_NUMERIC', field: 22, offset: 10 },
  { name: 'control character in field 41', spec: ISO87A, frame: replaceAt(inquiryA, 94, '\x01'), code: 'BAD_CHARACTER', field: 41, offset: 91 },
  { name: 'non-hex in the PIN block', spec: ISO87A, frame: replaceAt(inquiryA, 122, 'G'), code: 'BAD_CHARACTER', field: 52, offset: 117 },
  { name: 'byte above 0x7F in field 42', spec: ISO87A, frame: replaceAt(inquiryA, 102, '\xC9'), code: 'BAD_CHARACTER', field: 42, offset: 99 },
  { name: 'PAN length above 19', spec: ISO87A, frame: replaceAt(inquiryA, 20, '20'), code: 'FIELD_TOO_LONG', field: 2, offset: 20 },
  { name: 'field 5 is not in the spec', spec: ISO87A, frame: latin1('0200' + '0800000000000000' + '000000000100'), code: 'UNKNOWN_FIELD', field: 5, offset: 20 },
  { name: 'a byte after the last field', spec: ISO87A, frame: Buffer.concat([inquiryA, latin1('0')]), code: 'TRAILING_BYTES', field: undefined, offset: 151 },
];

describe('Iso8583Error', () => {
  it('the ISO87A inquiry has the layout the offsets below assume', () => {
    expect(inquiryA.length).toBe(151);
    expect(inquiryA.subarray(117, 133).toString('latin1')).toBe(PIN_BLOCK);
  });

  it.each(UNPACK_CASES)('unpack: $name → $code, field $field, byte $offset', ({ spec, frame, code, field, offset }) => {
    const error = caught(() => unpack(spec, frame));
    expect({ code: error.code, field: error.field, offset: error.offset, direction: error.direction }).toEqual({
      code,
      field,
      offset,
      direction: 'unpack',
    });
    expect(error.message).toContain(code);
    if (field !== undefined) expect(error.message).toContain(`field ${field}`);
    expect(error.message).toContain(`byte ${offset}`);
    expectNoSecrets(error);
  });

  it('every error code is produced by some unpack case', () => {
    expect(new Set(UNPACK_CASES.map((c) => c.code))).toEqual(new Set(Object.values(Iso8583ErrorCode)));
  });

  it('lengths are named, contents never', () => {
    const error = caught(() => unpack(ISO87A, inquiryA.subarray(0, 30)));
    expect(error.message).toBe('ISO 8583 unpack TRUNCATED (field 2 at byte 22): frame ends too early (expected 16, got 8)');
  });
});

describe('pack errors', () => {
  const packOne = (spec: MessageSpec, field: number, value: string) => caught(() => pack(spec, { mti: '0200', fields: new Map([[field, value]]) }));

  it.each([
    { name: 'a 20-digit PAN', field: 2, value: `${PAN}0119`, code: 'FIELD_TOO_LONG' },
    { name: 'a PAN with a letter', field: 2, value: `${PAN.slice(0, 15)}X`, code: 'NON_NUMERIC' },
    { name: 'track 2 with a stray character', field: 35, value: TRACK2.replace('=', '^'), code: 'NON_NUMERIC' },
    { name: 'a PIN block with a non-hex character', field: 52, value: PIN_BLOCK.replace('A', 'Z'), code: 'BAD_CHARACTER' },
    { name: 'a PIN block with an odd number of hex digits', field: 52, value: PIN_BLOCK.slice(1), code: 'BAD_LENGTH' },
    { name: 'a short PIN block', field: 52, value: PIN_BLOCK.slice(2), code: 'BAD_LENGTH' },
    { name: 'a short amount (no silent zero padding)', field: 4, value: '100', code: 'BAD_LENGTH' },
    { name: 'an an field with punctuation', field: 39, value: 'A-', code: 'BAD_CHARACTER' },
    { name: 'a terminal id longer than 8', field: 41, value: 'TERMINAL9', code: 'FIELD_TOO_LONG' },
    { name: 'field 5, not in the spec', field: 5, value: '000000000100', code: 'UNKNOWN_FIELD' },
    { name: 'field 1, the secondary-bitmap flag', field: 1, value: '0000000000000000', code: 'UNKNOWN_FIELD' },
    { name: 'field 129', field: 129, value: '00', code: 'UNKNOWN_FIELD' },
  ] as const)('$name → $code, naming the field and its offset', ({ field, value, code }) => {
    for (const spec of [ISO87A, ISO87B]) {
      const error = packOne(spec, field, value);
      expect({ code: error.code, field: error.field, direction: error.direction }).toEqual({ code, field, direction: 'pack' });
      // The only field comes right after the MTI and the primary bitmap.
      if (field !== 129) expect(error.offset).toBe(spec === ISO87A ? 20 : 10);
      expectNoSecrets(error, [value]);
    }
  });

  it('an MTI that is not 4 digits', () => {
    const error = caught(() => pack(ISO87A, { mti: '200', fields: new Map() }));
    expect(error).toMatchObject({ code: 'BAD_MTI', offset: 0, direction: 'pack' });
  });

  it('padNumeric is the explicit way to zero-fill a fixed numeric field', () => {
    expect(padNumeric(ISO87A, 4, '100')).toBe('000000000100');
    expect(padNumeric(ISO87A, 11, '7')).toBe('000007');
    expect(padNumeric(ISO87A, 2, '4761')).toBe('4761'); // variable: unchanged
    expect(caught(() => padNumeric(ISO87A, 5, '1')).code).toBe('UNKNOWN_FIELD');
  });
});
