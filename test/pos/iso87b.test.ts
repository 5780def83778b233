import { describe, expect, it } from 'vitest';
import { ISO87B, pack, unpack } from '../../libs/channels/src/pos/iso8583/index.js';
import { ADDITIONAL_AMOUNTS, balanceAnswer, balanceInquiry, hex, latin1, PIN_BLOCK } from './fixtures.js';

const ascii = (text: string): string => latin1(text).toString('hex');

// The same 0200 as ISO87BPackager lays it out: BCD numbers and lengths, raw bitmap and PIN block.
const INQUIRY_0200 = hex(
  [
    '0200', //                     MTI, 2 bytes BCD
    '723C048000C09800', //         primary bitmap, 8 raw bytes (same bits as the ASCII frame)
    '16 4761739001010119', //      2  LL = 0x16, 16 digits in 8 bytes
    '310000', //                   3
    '000000000000', //             4
    '0612143015', //               7
    '000123', //                   11
    '143015', //                   12
    '0612', //                     13
    '2812', //                     14
    '0021', //                     22 n3: odd length, a 0 nibble in front
    '00', //                       25
    ascii('TERM0001'), //          41 ASCII
    ascii('MERCHANT0000001'), //   42 ASCII
    ascii('978'), //               49 IF_CHAR: 3 ASCII characters
    PIN_BLOCK, //                  52 8 raw bytes
    '16' + ascii('2001010100000000'), // 53 LL BCD, ASCII text
  ].join(''),
);

const ANSWER_0210 = hex(
  [
    '0210',
    '7238008002C08400',
    '16 4761739001010119',
    '310000',
    '000000000000',
    '0612143015',
    '000123',
    '143015',
    '0612',
    '00',
    ascii('00'), //                39
    ascii('TERM0001'),
    ascii('MERCHANT0000001'),
    ascii('978'),
    '0040' + ascii(ADDITIONAL_AMOUNTS), // 54 LLL in 2 BCD bytes
  ].join(''),
);

describe('ISO87B (jPOS ISO87BPackager layout)', () => {
  it('packs and unpacks the 0200 balance inquiry byte for byte', () => {
    expect(pack(ISO87B, { mti: '0200', fields: balanceInquiry() }).toString('hex')).toBe(INQUIRY_0200.toString('hex'));
    const message = unpack(ISO87B, INQUIRY_0200);
    expect(message).toEqual({ mti: '0200', fields: balanceInquiry() });
  });

  it('packs and unpacks the 0210 answer with fields 39 and 54', () => {
    expect(pack(ISO87B, { mti: '0210', fields: balanceAnswer() })).toEqual(ANSWER_0210);
    expect(unpack(ISO87B, ANSWER_0210)).toEqual({ mti: '0210', fields: balanceAnswer() });
  });

  it('an odd-length PAN (IFB_LLNUM): LL counts digits, the pad nibble 0 comes last; another pad is refused', () => {
    const pan = '6212345678901234567'; // 19 digits
    const bytes = pack(ISO87B, { mti: '0200', fields: new Map([[2, pan]]) });
    expect(bytes).toEqual(hex('0200 4000000000000000 19 62123456789012345670'));
    expect(unpack(ISO87B, bytes).fields.get(2)).toBe(pan);
    expect(() => unpack(ISO87B, hex('0200 4000000000000000 19 62123456789012345675'))).toThrow(/field 2/);
    // F, the other pad terminals use, reads the same (and re-packs with 0).
    expect(unpack(ISO87B, hex('0200 4000000000000000 19 6212345678901234567F')).fields.get(2)).toBe(pan);
  });

  it('an odd-length track 2 is right-padded too; fixed numeric fields stay left-padded', () => {
    const bytes = pack(ISO87B, { mti: '0200', fields: new Map([[22, '021'], [35, '4761739001010119=281220']]) });
    expect(bytes).toEqual(hex('0200 0000040020000000 0021 23 4761739001010119D2812200'));
    expect(unpack(ISO87B, bytes).fields.get(35)).toBe('4761739001010119=281220');
  });

  it('track 2 in BCD: the separator is nibble D, read back as "="', () => {
    const bytes = pack(ISO87B, { mti: '0200', fields: new Map([[35, '4761739001010119=2812201']]) });
    expect(bytes).toEqual(hex('0200 0000000020000000 24 4761739001010119D2812201'));
    expect(unpack(ISO87B, bytes).fields.get(35)).toBe('4761739001010119=2812201');
    // 'D' given by a caller packs to the same bytes.
    expect(pack(ISO87B, { mti: '0200', fields: new Map([[35, '4761739001010119D2812201']]) })).toEqual(bytes);
  });

  it('binary LLLVAR (55): 2-byte BCD byte count, raw bytes', () => {
    const bytes = pack(ISO87B, { mti: '0200', fields: new Map([[55, '9F26081122334455667788']]) });
    expect(bytes).toEqual(hex('0200 0000000000000200 0011 9F26081122334455667788'));
  });
});
