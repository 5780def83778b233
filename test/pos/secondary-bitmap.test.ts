import { describe, expect, it } from 'vitest';
import { fixedField, ascii, Iso8583Error, ISO87A, ISO87B, pack, unpack, type MessageSpec } from '../../libs/channels/src/pos/iso8583/index.js';
import { hex, latin1 } from './fixtures.js';

describe('secondary bitmap (fields 65-128)', () => {
  it('0800 echo with field 70: bit 1 set, secondary bitmap follows (ISO87A)', () => {
    const fields = new Map([
      [7, '0612143015'],
      [11, '000124'],
      [70, '301'],
    ]);
    // Primary 82 = bits 1 and 7, 20 = bit 11; secondary 04 = bit 70 (6th bit of the secondary).
    const frame = latin1('0800' + '8220000000000000' + '0400000000000000' + '0612143015' + '000124' + '301');
    expect(pack(ISO87A, { mti: '0800', fields })).toEqual(frame);
    expect(unpack(ISO87A, frame)).toEqual({ mti: '0800', fields });
  });

  it('0400 reversal with field 90 (n42) in ISO87B', () => {
    const original = '0200' + '000123' + '0612143015' + '00000000000' + '00000000000';
    const fields = new Map([
      [11, '000125'],
      [90, original],
    ]);
    const frame = hex('0400 8020000000000000 0000004000000000 000125' + original);
    expect(pack(ISO87B, { mti: '0400', fields })).toEqual(frame);
    expect(unpack(ISO87B, frame)).toEqual({ mti: '0400', fields });
  });

  it('field 128 is the last bit of the secondary bitmap', () => {
    const fields = new Map([
      [70, '301'],
      [128, '0102030405060708'],
    ]);
    const frame = hex('0810 8000000000000000 0400000000000001 0301 0102030405060708');
    expect(pack(ISO87B, { mti: '0810', fields })).toEqual(frame);
    expect(unpack(ISO87B, frame).fields).toEqual(fields);
  });

  it('no field above 64: no secondary bitmap, bit 1 clear', () => {
    const frame = pack(ISO87A, { mti: '0200', fields: new Map([[64, '0102030405060708']]) });
    expect(frame.toString('latin1')).toBe('0200' + '0000000000000001' + '0102030405060708');
  });
});

describe('field 1 is the secondary-bitmap flag (ISO 8583:1987), never a user field', () => {
  it('unpack never reports field 1', () => {
    const message = unpack(ISO87A, latin1('0800' + '8000000000000000' + '0400000000000000' + '301'));
    expect([...message.fields.keys()]).toEqual([70]);
  });

  it('pack refuses field 1, even when a spec defines it', () => {
    const withField1: MessageSpec = { ...ISO87A, fields: { ...ISO87A.fields, 1: fixedField('b', 8, ascii, 'not a field') } };
    for (const spec of [ISO87A, withField1]) {
      expect(() => pack(spec, { mti: '0800', fields: new Map([[1, '0000000000000000']]) })).toThrow(
        expect.objectContaining({ code: 'UNKNOWN_FIELD', field: 1 }) as Iso8583Error,
      );
    }
  });

  it('bit 1 is read as the flag whatever the spec says: the next 16 characters are a bitmap', () => {
    const withField1: MessageSpec = { ...ISO87A, fields: { ...ISO87A.fields, 1: fixedField('ans', 3, ascii, 'not a field') } };
    expect(unpack(withField1, latin1('0800' + '8000000000000000' + '0400000000000000' + '301')).fields).toEqual(new Map([[70, '301']]));
  });
});
