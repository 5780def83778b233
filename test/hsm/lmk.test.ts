import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Lmk, type KeyLabel } from '../../libs/hsm/src/software/lmk.js';
import { cryptoError, OTHER_LMK, TEST_LMK } from './helpers.js';

const KEY = Buffer.from('0123456789ABCDEFFEDCBA9876543210', 'hex');
const LABEL: KeyLabel = { ref: 'PVK', type: 'PVK', usage: 'V0', algorithm: 'TDES' };

describe('LMK key wrapping (AES-256-GCM, label as AAD)', () => {
  const lmk = new Lmk(TEST_LMK);

  it('wraps to "v1:" + base64(iv | tag | ciphertext) and unwraps to the same bytes', () => {
    const wrapped = lmk.wrap(KEY, LABEL);
    expect(wrapped).toMatch(/^v1:[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(wrapped.slice(3), 'base64')).toHaveLength(12 + 16 + KEY.length);
    expect(lmk.unwrap(wrapped, LABEL)).toEqual(KEY);
  });

  it('uses a fresh IV each time (same key wraps differently), and the clear key is not visible', () => {
    const a = lmk.wrap(KEY, LABEL);
    const b = lmk.wrap(KEY, LABEL);
    expect(a).not.toBe(b);
    for (const w of [a, b]) {
      expect(w.toUpperCase()).not.toContain(KEY.toString('hex').toUpperCase());
      expect(Buffer.from(w.slice(3), 'base64').includes(KEY)).toBe(false);
    }
  });

  const relabels: [string, KeyLabel][] = [
    ['ref', { ...LABEL, ref: 'PVK2' }],
    ['type', { ...LABEL, type: 'TPK' }],
    ['usage', { ...LABEL, usage: 'P0' }],
    ['algorithm', { ...LABEL, algorithm: 'AES' }],
  ];
  for (const [field, label] of relabels) {
    it(`refuses a record whose ${field} was changed (AAD mismatch)`, async () => {
      const wrapped = lmk.wrap(KEY, LABEL);
      const error = await cryptoError(() => lmk.unwrap(wrapped, label));
      expect(error.code).toBe('INTERNAL');
      expect(error.message).toContain(`"${label.ref}"`);
    });
  }

  it('refuses a flipped bit anywhere in iv, tag or ciphertext', async () => {
    const wrapped = lmk.wrap(KEY, LABEL);
    const raw = Buffer.from(wrapped.slice(3), 'base64');
    for (let i = 0; i < raw.length; i++) {
      const bad = Buffer.from(raw);
      bad[i] ^= 0x01;
      expect((await cryptoError(() => lmk.unwrap(`v1:${bad.toString('base64')}`, LABEL))).code).toBe('INTERNAL');
    }
  });

  it('refuses under another LMK', async () => {
    const wrapped = lmk.wrap(KEY, LABEL);
    expect((await cryptoError(() => new Lmk(OTHER_LMK).unwrap(wrapped, LABEL))).code).toBe('INTERNAL');
  });

  it.each([['', 'empty'], ['v2:AAAA', 'unknown version'], ['v1:', 'no body'], ['v1:AAAA', 'truncated'], ['v1:!!!!', 'not base64'], ['v1:AA:BB', 'extra part']])(
    'refuses a malformed value (%s: %s)',
    async (value) => {
      expect((await cryptoError(() => lmk.unwrap(value, LABEL))).code).toBe('INTERNAL');
    },
  );

  it('error messages and the Lmk object show no key material', async () => {
    const wrapped = lmk.wrap(KEY, LABEL);
    const error = await cryptoError(() => new Lmk(OTHER_LMK).unwrap(wrapped, LABEL));
    for (const text of [error.message, String(error.stack), inspect(error)]) {
      expect(text.toUpperCase()).not.toContain(KEY.toString('hex').toUpperCase());
      expect(text.toUpperCase()).not.toContain(TEST_LMK);
      expect(text.toUpperCase()).not.toContain(OTHER_LMK);
    }
    for (const text of [inspect(lmk, { showHidden: true }), JSON.stringify({ lmk }), lmk.toString()]) {
      expect(text.toUpperCase()).not.toContain(TEST_LMK);
    }
    expect(lmk.kcv).toMatch(/^[0-9A-F]{6}$/);
  });

  it('refuses an LMK that is not 64 hex digits', async () => {
    expect((await cryptoError(() => new Lmk('00'))).code).toBe('BAD_INPUT');
    expect((await cryptoError(() => new Lmk(TEST_LMK.slice(0, 63) + 'G'))).code).toBe('BAD_INPUT');
  });
});
