import { describe, expect, it } from 'vitest';
import { Iso8583Error, ISO87A, ISO87B, pack, unpack, type MessageSpec } from '../../libs/channels/src/pos/iso8583/index.js';
import { randomMessage, rng } from './random.js';

const PROFILES: readonly MessageSpec[] = [ISO87A, ISO87B];
const MESSAGES = 500;
const MUTATIONS = 2000;

describe.each(PROFILES)('$name round trips (seeded random messages)', (spec) => {
  it('unpack(pack(m)) is m and pack(unpack(frame)) is the frame', () => {
    const r = rng(0x8583 + spec.name.length);
    for (let i = 0; i < MESSAGES; i++) {
      const message = randomMessage(r, spec);
      const frame = pack(spec, message);
      const back = unpack(spec, frame);
      expect(back, `message #${i}`).toEqual(message);
      expect(pack(spec, back).equals(frame), `message #${i}`).toBe(true);
    }
  });

  it('a truncated or mutated frame either unpacks and repacks to itself, or throws Iso8583Error', () => {
    const r = rng(0x0200 + spec.name.length);
    let refused = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const frame = Buffer.from(pack(spec, randomMessage(r, spec)));
      const mutated = r.bool() ? frame.subarray(0, r.int(frame.length)) : frame;
      if (mutated === frame) frame[r.int(frame.length)] = r.int(256);
      try {
        const again = pack(spec, unpack(spec, mutated));
        // ISO87A reads hex in either case and writes it upper case: only a frame holding lower-case
        // a-f (a mutation can move a text field's letters into a hex field) may come back in upper case.
        const lowerHex = spec.bitmap === 'hex' && /[a-f]/.test(mutated.toString('latin1'));
        const canonical = (bytes: Buffer): string => (lowerHex ? bytes.toString('latin1').toUpperCase() : bytes.toString('hex'));
        expect(canonical(again), `mutation #${i}`).toBe(canonical(mutated));
      } catch (error) {
        expect(error, `mutation #${i}`).toBeInstanceOf(Iso8583Error);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(MUTATIONS / 4);
  });
});
