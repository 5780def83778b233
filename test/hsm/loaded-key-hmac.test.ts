import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacKcv } from '../../libs/hsm/src/software/kcv.js';
import { LoadedKey } from '../../libs/hsm/src/software/loaded-key.js';

// The PAN hash key's HMAC-SHA-256 must equal the standard one for every key length: short, one
// block, and longer than a block (hashed first).
describe('LoadedKey.hmacSha256', () => {
  it.each([1, 16, 32, 63, 64, 65, 100])('equals createHmac for a %i-byte key', (length) => {
    const clear = randomBytes(length);
    const key = LoadedKey.fromClear({ ref: 'test-hmac', type: 'PAN_HASH', usage: 'M7', algorithm: 'HMAC', kcv: hmacKcv(clear) }, clear);
    for (const data of ['', '4761739001010010', 'x'.repeat(200)]) {
      expect(key.hmacSha256(data)).toEqual(createHmac('sha256', clear).update(data).digest());
      expect(key.hmacSha256(Buffer.from(data))).toEqual(createHmac('sha256', clear).update(data).digest());
    }
  });
});
