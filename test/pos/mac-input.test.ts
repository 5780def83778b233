import { describe, expect, it } from 'vitest';
import { ISO87A, ISO87B, macInput, pack } from '../../libs/channels/src/pos/iso8583/index.js';
import { balanceInquiry, latin1 } from './fixtures.js';

const MAC = '0123456789ABCDEF';

describe('macInput: the bytes a terminal MACs', () => {
  it('ISO87A: the whole message before field 64, with bit 64 set in the bitmap', () => {
    const fields = new Map([...balanceInquiry(), [64, MAC]]);
    const frame = pack(ISO87A, { mti: '0200', fields });
    const input = macInput(ISO87A, { mti: '0200', fields });
    expect(input).toEqual(frame.subarray(0, frame.length - 16));
    expect(input.subarray(4, 20).toString('latin1')).toBe('723C048000C09801');
    // Hand-built: the inquiry without a MAC, its bitmap's last byte 00 → 01.
    const withoutMac = pack(ISO87A, { mti: '0200', fields: balanceInquiry() });
    expect(input).toEqual(Buffer.concat([latin1('0200723C048000C09801'), withoutMac.subarray(20)]));
  });

  it('the same bytes before the MAC is computed (no field 64 yet)', () => {
    const fields = new Map([...balanceInquiry(), [64, MAC]]);
    expect(macInput(ISO87A, { mti: '0200', fields: balanceInquiry() })).toEqual(macInput(ISO87A, { mti: '0200', fields }));
  });

  it('with a secondary bitmap the MAC is field 128 (ISO87B: 8 raw bytes)', () => {
    const fields = new Map([
      [7, '0612143015'],
      [11, '000124'],
      [70, '301'],
      [128, MAC],
    ]);
    const frame = pack(ISO87B, { mti: '0800', fields });
    expect(macInput(ISO87B, { mti: '0800', fields })).toEqual(frame.subarray(0, frame.length - 8));
  });
});
