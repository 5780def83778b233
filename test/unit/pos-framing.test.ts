import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POS_FRAMING,
  frame,
  posFrameDecoder,
  PosFramingError,
  replyTpdu,
  type PosFramingProfile,
} from '../../libs/channels/src/pos/pos-framing.js';

const msg = (text: string) => Buffer.from(text, 'latin1');
const CUP: PosFramingProfile = { lengthHeader: 'bcd2', tpduBytes: 5, maxFrameBytes: 8192 };

describe('POS framing', () => {
  it('default profile: 2-byte big-endian length, frames split and joined across chunks', () => {
    const a = frame(DEFAULT_POS_FRAMING, Buffer.alloc(0), msg('0800A'));
    expect(a.subarray(0, 2)).toEqual(Buffer.from([0x00, 0x05]));
    const b = frame(DEFAULT_POS_FRAMING, Buffer.alloc(0), msg('0200' + 'x'.repeat(300)));
    const stream = Buffer.concat([a, b]);
    const decoder = posFrameDecoder(DEFAULT_POS_FRAMING);
    const got = [...decoder.push(stream.subarray(0, 1)), ...decoder.push(stream.subarray(1, 9)), ...decoder.push(stream.subarray(9))];
    expect(got.map((f) => f.message.toString('latin1'))).toEqual(['0800A', '0200' + 'x'.repeat(300)]);
  });

  it('ascii4 and bcd2 length headers', () => {
    expect(frame({ lengthHeader: 'ascii4', tpduBytes: 0, maxFrameBytes: 8192 }, Buffer.alloc(0), msg('0800')).toString('latin1')).toBe('00040800');
    expect(frame({ lengthHeader: 'bcd2', tpduBytes: 0, maxFrameBytes: 8192 }, Buffer.alloc(0), msg('x'.repeat(1234))).subarray(0, 2)).toEqual(Buffer.from([0x12, 0x34]));
  });

  it('CUP style: BCD length counts the TPDU; the reply TPDU swaps destination and source', () => {
    const tpdu = Buffer.from('6000030000', 'hex');
    const bytes = frame(CUP, tpdu, msg('0200'));
    expect(bytes.toString('hex')).toBe('0009' + '6000030000' + Buffer.from('0200').toString('hex'));
    const [f] = posFrameDecoder(CUP).push(bytes);
    expect(f.tpdu.toString('hex')).toBe('6000030000');
    expect(f.message.toString('latin1')).toBe('0200');
    expect(replyTpdu(f.tpdu).toString('hex')).toBe('6000000003');
  });

  it('a length of 0, beyond 8,192, or a non-digit header is a framing error (the connection is closed)', () => {
    expect(() => posFrameDecoder(DEFAULT_POS_FRAMING).push(Buffer.from([0, 0]))).toThrow(PosFramingError);
    expect(() => posFrameDecoder(DEFAULT_POS_FRAMING).push(Buffer.from([0x20, 0x01]))).toThrow(/outside 1\.\.8192/);
    expect(() => posFrameDecoder({ lengthHeader: 'ascii4', tpduBytes: 0, maxFrameBytes: 8192 }).push(msg('00a4'))).toThrow(/4 ASCII digits/);
    expect(() => frame(DEFAULT_POS_FRAMING, Buffer.alloc(0), Buffer.alloc(8193))).toThrow(/at most 8192/);
  });

  it('a framing error carries the whole frames that came before the bad length, which are still owed answers', () => {
    const good = Buffer.concat([frame(DEFAULT_POS_FRAMING, Buffer.alloc(0), msg('0800')), frame(DEFAULT_POS_FRAMING, Buffer.alloc(0), msg('0200'))]);
    let caught: unknown;
    try {
      posFrameDecoder(DEFAULT_POS_FRAMING).push(Buffer.concat([good, Buffer.from([0x20, 0x01])]));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PosFramingError);
    expect((caught as PosFramingError).framesBefore.map((f) => f.message.toString('latin1'))).toEqual(['0800', '0200']);
  });

  it('a partial frame waits for the rest and keeps only its own bytes', () => {
    const decoder = posFrameDecoder(DEFAULT_POS_FRAMING);
    expect(decoder.push(Buffer.from([0x00, 0x04, 0x30]))).toEqual([]);
    expect(decoder.push(Buffer.from('800', 'latin1')).map((f) => f.message.toString('latin1'))).toEqual(['0800']);
  });
});
