import { describe, expect, it } from 'vitest';
import { ibm3624Offset, ibm3624ValidationData, naturalPin } from '../../libs/hsm/src/software/ibm3624.js';
import { TdesKey } from '../../libs/hsm/src/software/tdes.js';
import { visaPvv } from '../../libs/hsm/src/software/visa-pvv.js';
import { vectors } from './vectors.js';

interface IbmVector {
  pvk: string;
  decimalizationTable: string;
  pin: string;
  validationData: string;
  start: number;
  length: number;
  pad: string;
  offset: string;
  encrypted?: string;
  naturalPin?: string;
  source?: string;
}
interface PvvVector {
  pvk: string;
  pvki: string;
  pin: string;
  pan: string;
  pvv: string;
  tsp?: string;
  source?: string;
}
type File = { ibm3624Offset: IbmVector[]; visaPvv: PvvVector[] };

const files: [string, File][] = [
  ['shared/vectors/pin-verification.json', vectors<File>('pin-verification.json')],
  ['payments-facts.md §4 (rows not in the JSON)', vectors<File>('pin-verification-notes.json')],
];
const key = (h: string) => new TdesKey(Buffer.from(h, 'hex'));

for (const [source, file] of files) {
  describe(`IBM 3624 offset (${source})`, () => {
    for (const v of file.ibm3624Offset) {
      it(`table ${v.decimalizationTable}, PIN ${v.pin}, data ${v.validationData}[${v.start}+${v.length}] pad ${v.pad} → offset ${v.offset}`, () => {
        const data = ibm3624ValidationData(v.validationData, v.start, v.length, v.pad);
        expect(ibm3624Offset(key(v.pvk), data, v.decimalizationTable, v.pin)).toBe(v.offset);
        if (v.naturalPin) expect(naturalPin(key(v.pvk), data, v.decimalizationTable, 4)).toBe(v.naturalPin);
        if (v.encrypted) expect(key(v.pvk).encrypt(Buffer.from(data, 'hex')).toString('hex').toUpperCase()).toBe(v.encrypted);
      });
    }
  });

  describe(`Visa PVV (${source})`, () => {
    for (const v of file.visaPvv) {
      it(`PVKI ${v.pvki}, PIN ${v.pin}, PAN ${v.pan} → PVV ${v.pvv}`, () => {
        expect(visaPvv(key(v.pvk), v.pan, Number(v.pvki), v.pin)).toBe(v.pvv);
      });
    }
  });
}

describe('PVV details', () => {
  const pvk = key('0123456789ABCDEFFEDCBA9876543210');

  it('uses only the first 4 PIN digits (Visa definition)', () => {
    expect(visaPvv(pvk, '1122334455667788', 1, '452499')).toBe('8523');
  });

  it('always yields 4 digits, including when the second pass (A-F → 0-5) is needed', () => {
    for (let i = 0; i < 2000; i++) {
      const pin = String(i).padStart(4, '0');
      expect(visaPvv(pvk, '4111111111111111', 1, pin)).toMatch(/^\d{4}$/);
    }
  });
});
