import { describe, expect, it } from 'vitest';
import { ISO87A, pack, unpack } from '../../libs/channels/src/pos/iso8583/index.js';
import { ADDITIONAL_AMOUNTS, balanceAnswer, balanceInquiry, latin1, PAN, PIN_BLOCK } from './fixtures.js';

// An 0200 balance inquiry written out the way jPOS ISO87APackager lays it out: all ASCII.
const INQUIRY_0200 = latin1(
  [
    '0200',
    // Bitmap, bits 2 3 4 7 | 11 12 13 14 | 22 | 25 | - | 41 42 | 49 52 53 | -
    //   72 = 0111 0010, 3C = 0011 1100, 04 = 0000 0100, 80, 00, C0 = 1100 0000, 98 = 1001 1000, 00
    '723C048000C09800',
    '16' + PAN, //              2  LLVAR n..19
    '310000', //                3  n6 balance inquiry, default accounts
    '000000000000', //          4  n12
    '0612143015', //            7  n10
    '000123', //                11 n6
    '143015', //                12 n6
    '0612', //                  13 n4
    '2812', //                  14 n4
    '021', //                   22 n3
    '00', //                    25 n2
    'TERM0001', //              41 ans8
    'MERCHANT0000001', //       42 ans15
    '978', //                   49 n3
    PIN_BLOCK, //               52 b8 as 16 hex characters
    '16' + '2001010100000000', // 53 LLVAR ans..48
  ].join(''),
);

const ANSWER_0210 = latin1(
  [
    '0210',
    // Bitmap, bits 2 3 4 7 | 11 12 13 | - | 25 | 39 | 41 42 | 49 54 | -
    '7238008002C08400',
    '16' + PAN,
    '310000',
    '000000000000',
    '0612143015',
    '000123',
    '143015',
    '0612',
    '00',
    '00', //                    39 an2
    'TERM0001',
    'MERCHANT0000001',
    '978',
    '040' + ADDITIONAL_AMOUNTS, // 54 LLLVAR an..120
  ].join(''),
);

describe('ISO87A (jPOS ISO87APackager layout)', () => {
  it('packs the 0200 balance inquiry byte for byte', () => {
    expect(pack(ISO87A, { mti: '0200', fields: balanceInquiry() }).toString('latin1')).toBe(INQUIRY_0200.toString('latin1'));
  });

  it('unpacks the 0200 balance inquiry into its field values', () => {
    const message = unpack(ISO87A, INQUIRY_0200);
    expect(message.mti).toBe('0200');
    expect(message.fields).toEqual(balanceInquiry());
  });

  it('packs and unpacks the 0210 answer with fields 39 and 54', () => {
    expect(pack(ISO87A, { mti: '0210', fields: balanceAnswer() })).toEqual(ANSWER_0210);
    const message = unpack(ISO87A, ANSWER_0210);
    expect(message.fields.get(39)).toBe('00');
    expect(message.fields.get(54)).toBe(ADDITIONAL_AMOUNTS);
    expect(pack(ISO87A, message)).toEqual(ANSWER_0210);
  });

  it('pads fixed an/ans fields with trailing spaces and returns them trimmed', () => {
    const fields = new Map([
      [41, 'T1'],
      [42, 'SHOP 42'],
    ]);
    const bytes = pack(ISO87A, { mti: '0200', fields });
    expect(bytes.toString('latin1')).toBe('0200' + '0000000000C00000' + 'T1      ' + 'SHOP 42        ');
    expect(unpack(ISO87A, bytes).fields).toEqual(fields);
  });

  it('reads lower-case hex in bitmaps and binary fields and returns upper case', () => {
    const bytes = latin1('0800' + '0000000000c01000' + 'TERM0001' + 'MERCHANT0000001' + 'a1b2c3d4e5f60718');
    const message = unpack(ISO87A, bytes);
    expect(message.fields.get(52)).toBe(PIN_BLOCK);
    // Packing writes the canonical upper case: byte-for-byte round trips hold for canonical frames.
    expect(pack(ISO87A, message).toString('latin1')).toBe(bytes.toString('latin1').toUpperCase());
  });

  it('track 2 (z): "=" and "D" separators are both accepted and kept as sent', () => {
    for (const track2 of ['4761739001010119=2812201', '4761739001010119D2812201']) {
      const bytes = pack(ISO87A, { mti: '0200', fields: new Map([[35, track2]]) });
      expect(bytes.toString('latin1')).toBe('0200' + '0000000020000000' + '24' + track2);
      expect(unpack(ISO87A, bytes).fields.get(35)).toBe(track2);
    }
  });

  it('ICC data (55) as jPOS IFA_LLLCHAR: three ASCII digits counting the bytes, then the raw bytes', () => {
    const emv = '9F2608' + '1122334455667788';
    const bytes = pack(ISO87A, { mti: '0200', fields: new Map([[55, emv]]) });
    expect(bytes).toEqual(Buffer.concat([Buffer.from('0200' + '0000000000000200' + '011', 'latin1'), Buffer.from(emv, 'hex')]));
    expect(unpack(ISO87A, bytes).fields.get(55)).toBe(emv);
  });
});
