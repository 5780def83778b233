import { describe, expect, it } from 'vitest';
import {
  ascii,
  bcd,
  binary,
  ebcdic,
  fixedField,
  hexAscii,
  ISO87A,
  ISO87B,
  lengthPrefix,
  pack,
  unpack,
  variableField,
  type MessageSpec,
} from '../../libs/channels/src/pos/iso8583/index.js';
import { hex } from './fixtures.js';

describe('encoders', () => {
  it('EBCDIC cp037: known bytes (the table of IBM code page 037)', () => {
    expect(ebcdic.encode('TERM0001')).toEqual(hex('E3C5D9D4F0F0F0F1'));
    expect(ebcdic.encode('Hello, World!')).toEqual(hex('C885939396 6B40 E69699 9384 5A'));
    expect(ebcdic.encode('[]^|{}~')).toEqual(hex('BABBB04FC0D0A1'));
    expect(ebcdic.decode(hex('E3C5D9D4F0F0F0F1'), 8)).toBe('TERM0001');
  });

  it('EBCDIC: every printable ASCII character round trips; a byte outside the table is refused', () => {
    const printable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
    const bytes = ebcdic.encode(printable);
    expect(new Set(bytes).size).toBe(printable.length);
    expect(ebcdic.decode(bytes, bytes.length)).toBe(printable);
    expect(ebcdic.decode(hex('00'), 1)).toBeUndefined();
  });

  it('BCD: odd lengths get a leading 0 nibble, which must be 0 when read', () => {
    expect(bcd.encode('123')).toEqual(hex('0123'));
    expect(bcd.decode(hex('0123'), 3)).toBe('123');
    expect(bcd.decode(hex('1123'), 3)).toBeUndefined();
    expect(bcd.decode(hex('12AF'), 4)).toBeUndefined();
    expect(bcd.wireLength(19)).toBe(10);
  });

  it('binary and hex-ASCII: the API value is upper-case hex', () => {
    expect(binary.encode('0aff')).toEqual(hex('0AFF'));
    expect(binary.decode(hex('0AFF'), 2)).toBe('0AFF');
    expect(hexAscii.encode('0aff').toString('latin1')).toBe('0AFF');
    expect(hexAscii.decode(Buffer.from('0aFf', 'latin1'), 2)).toBe('0AFF');
    expect(hexAscii.decode(Buffer.from('0G', 'latin1'), 1)).toBeUndefined();
    expect(ascii.decode(hex('41C1'), 2)).toBeUndefined();
  });
});

describe('length prefixes', () => {
  it.each([
    ['ascii LL', lengthPrefix.ascii.LL, 7, '3037'],
    ['ascii LLL', lengthPrefix.ascii.LLL, 120, '313230'],
    ['bcd LL', lengthPrefix.bcd.LL, 19, '19'],
    ['bcd LLL', lengthPrefix.bcd.LLL, 123, '0123'],
    ['binary LL', lengthPrefix.binary.LL, 19, '13'],
    ['binary LLL', lengthPrefix.binary.LLL, 255, '00FF'],
    ['ebcdic LL', lengthPrefix.ebcdic.LL, 19, 'F1F9'],
  ] as const)('%s: %i ↔ %s', (_name, prefix, length, wire) => {
    expect(prefix.encode(length)).toEqual(hex(wire));
    expect(prefix.size).toBe(hex(wire).length);
    expect(prefix.decode(hex(wire))).toBe(length);
  });

  it('a prefix that is not a number in its encoding decodes to undefined', () => {
    expect(lengthPrefix.ascii.LL.decode(Buffer.from('1x', 'latin1'))).toBeUndefined();
    expect(lengthPrefix.bcd.LL.decode(hex('1A'))).toBeUndefined();
    expect(lengthPrefix.bcd.LLL.decode(hex('1123'))).toBeUndefined();
    expect(lengthPrefix.ebcdic.LL.decode(hex('F1C1'))).toBeUndefined();
  });
});

describe('an EBCDIC profile built from the pieces', () => {
  // Not a default profile: ISO87B with its text fields and their lengths in EBCDIC.
  const EBCDIC_SPEC: MessageSpec = {
    ...ISO87B,
    name: 'ISO87B-EBCDIC',
    fields: {
      ...ISO87B.fields,
      41: fixedField('ans', 8, ebcdic, 'Card acceptor terminal identification'),
      48: variableField('ans', 999, lengthPrefix.ebcdic.LLL, ebcdic, 'Additional data, private'),
    },
  };

  it('packs and unpacks EBCDIC text with an EBCDIC LLL', () => {
    const fields = new Map([
      [41, 'T1'],
      [48, 'Hi!'],
    ]);
    const frame = pack(EBCDIC_SPEC, { mti: '0200', fields });
    expect(frame).toEqual(hex('0200 0000000000810000 E3F1404040404040 F0F0F3 C8895A'));
    expect(unpack(EBCDIC_SPEC, frame).fields).toEqual(fields);
  });
});

describe('the default profiles are consistent data', () => {
  it.each([ISO87A, ISO87B])('$name: every variable maximum fits its length prefix; field 1 is undefined', (spec) => {
    expect(spec.fields[1]).toBeUndefined();
    for (const field of Object.values(spec.fields)) {
      if (field === undefined || field.prefix.digits === 0) continue;
      expect(field.prefix.encode(field.length).length, field.description).toBe(field.prefix.size);
      expect(field.prefix.decode(field.prefix.encode(field.length)), field.description).toBe(field.length);
    }
  });
});
