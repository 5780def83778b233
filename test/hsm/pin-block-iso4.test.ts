import { describe, expect, it } from 'vitest';
import { AesKey } from '../../libs/hsm/src/software/aes.js';
import { decipherIso4, encipherIso4, iso4PanField } from '../../libs/hsm/src/software/pin-block-iso4.js';
import { cryptoError } from './helpers.js';
import { vectors } from './vectors.js';

interface PinBlockVectors {
  format4_fields: { pin?: string; pinFieldPrefix?: string; pan?: string; panField?: string }[];
  encrypted: { format: number; key: string; pin: string; pan: string; fill?: string; encrypted: string; note?: string }[];
}
const { format4_fields: fields, encrypted } = vectors<PinBlockVectors>('pinblock.json');
const hex = (s: string) => Buffer.from(s, 'hex');

describe('ISO 9564-1:2017 format 4 (shared/vectors/pinblock.json; psec test_pinblock.py, moov-io/pinblock iso4_test.go, joinforage)', () => {
  for (const f of fields.filter((x) => x.pan)) {
    it(`PAN field (moov-io/pinblock, psec): ${f.pan} → ${f.panField}`, () => {
      expect(iso4PanField(f.pan!).toString('hex').toUpperCase()).toBe(f.panField);
    });
  }

  it('PAN field of a 12-digit PAN has M = 0; of a 19-digit PAN M = 7', () => {
    expect(iso4PanField('123456789012').toString('hex').toUpperCase()).toBe('01234567890120000000000000000000');
    expect(iso4PanField('1234567890123456789').toString('hex').toUpperCase()).toBe('71234567890123456789000000000000');
  });

  for (const v of encrypted.filter((e) => e.format === 4)) {
    const source = v.note ? 'joinforage PinBlockIso4Test (X9.24-3 supplement)' : 'psec test_encipher_pinblock_iso_4_det';
    it(`${source}: PIN ${v.pin}, PAN ${v.pan}, fill ${v.fill} under ${v.key} ↔ ${v.encrypted}`, () => {
      const key = new AesKey(hex(v.key));
      expect(encipherIso4(key, v.pin, v.pan, hex(v.fill!)).toString('hex').toUpperCase()).toBe(v.encrypted);
      expect(decipherIso4(key, hex(v.encrypted), v.pan)).toBe(v.pin);
    });
  }

  it('payments-facts.md §2.3: the same PIN under the AES DUKPT PIN key for counter 2 (joinforage) → 52A00503BD34BA1383F6A7EE9FE2547F', () => {
    const key = new AesKey(hex('D30BDC73EC9714B000BEC66BDB7B6D09'));
    expect(encipherIso4(key, '1234', '4111111111111111', hex('2F69ADDE2E9E7ACE')).toString('hex').toUpperCase()).toBe('52A00503BD34BA1383F6A7EE9FE2547F');
  });

  it(`random fill: the plain PIN field starts ${fields[0].pinFieldPrefix} and every block differs`, () => {
    const key = new AesKey(hex('00112233445566778899AABBCCDDEEFF'));
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const block = encipherIso4(key, '1234', '4111111111111111');
      seen.add(block.toString('hex'));
      const field = key.decrypt(Buffer.from(key.decrypt(block).map((b, j) => b ^ iso4PanField('4111111111111111')[j])));
      expect(field.toString('hex', 0, 8).toUpperCase()).toBe(fields[0].pinFieldPrefix);
      expect(decipherIso4(key, block, '4111111111111111')).toBe('1234');
    }
    expect(seen.size).toBe(20);
  });

  it('another PAN, another key or a damaged block → BAD_PIN_BLOCK, one message naming nothing', async () => {
    const key = new AesKey(hex('00112233445566778899AABBCCDDEEFF'));
    const block = encipherIso4(key, '1234', '4111111111111111');
    const damaged = Buffer.from(block);
    damaged[3] ^= 1;
    const errors = [
      await cryptoError(() => decipherIso4(key, block, '4111111111111129')),
      await cryptoError(() => decipherIso4(new AesKey(Buffer.alloc(16, 7)), block, '4111111111111111')),
      await cryptoError(() => decipherIso4(key, damaged, '4111111111111111')),
      await cryptoError(() => decipherIso4(key, block.subarray(0, 8), '4111111111111111')),
    ];
    expect(new Set(errors.map((e) => `${e.code}:${e.message}`))).toEqual(new Set(['BAD_PIN_BLOCK:PIN block does not decode as ISO-4']));
  });

  it('bad PIN or PAN → BAD_INPUT', async () => {
    const key = new AesKey(hex('00112233445566778899AABBCCDDEEFF'));
    expect((await cryptoError(() => encipherIso4(key, '123', '4111111111111111'))).code).toBe('BAD_INPUT');
    expect((await cryptoError(() => encipherIso4(key, '1234', '41111111111'))).code).toBe('BAD_INPUT');
  });
});
