import { describe, expect, it, vi } from 'vitest';
import { RespError, RespProtocolError, RespReader, type RespValue } from '../../libs/platform/src/redis/resp-reader.js';

const STREAM = Buffer.from(
  '+OK\r\n' + ':42\r\n' + ':-7\r\n' + '$4\r\nhé!\r\n' + '$-1\r\n' + '$0\r\n\r\n' + '-NOSCRIPT No matching script\r\n' + '*3\r\n:1\r\n$2\r\nab\r\n*1\r\n$-1\r\n' + '*-1\r\n' + '*0\r\n',
);
const EXPECTED: unknown[] = ['OK', 42, -7, 'hé!', null, '', 'error:NOSCRIPT No matching script', [1, 'ab', [null]], null, []];

function readAll(chunks: Buffer[]): unknown[] {
  const got: RespValue[] = [];
  const reader = new RespReader((v) => got.push(v));
  for (const chunk of chunks) reader.push(chunk);
  return got.map((v) => (v instanceof RespError ? `error:${v.message}` : v));
}

describe('RespReader', () => {
  it('reads every reply type from one chunk, in order', () => {
    expect(readAll([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same replies wherever the stream is cut, and one byte at a time', () => {
    for (let cut = 1; cut < STREAM.length; cut++) {
      expect(readAll([STREAM.subarray(0, cut), STREAM.subarray(cut)]), `cut at ${cut}`).toEqual(EXPECTED);
    }
    expect(readAll([...STREAM].map((b) => Buffer.from([b])))).toEqual(EXPECTED);
  });

  it('gives integers beyond 2^53 as their digits rather than a wrong number', () => {
    expect(readAll([Buffer.from(':9007199254740993\r\n:-9007199254740993\r\n:9007199254740991\r\n')])).toEqual([
      '9007199254740993',
      '-9007199254740993',
      9007199254740991,
    ]);
  });

  it('joins a large value once, not once per chunk (an audit export read back in 4 kB pieces)', () => {
    const value = 'x'.repeat(4 << 20);
    const stream = Buffer.from(`$${value.length}\r\n${value}\r\n:1\r\n`);
    const concat = vi.spyOn(Buffer, 'concat');
    try {
      const chunks = [];
      for (let at = 0; at < stream.length; at += 4096) chunks.push(stream.subarray(at, at + 4096));
      const got = readAll(chunks);
      expect(got).toHaveLength(2);
      expect(got[0] === value && got[1] === 1).toBe(true);
      expect(concat.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      concat.mockRestore();
    }
  });

  it('refuses a stream it cannot trust', () => {
    expect(() => readAll([Buffer.from(':\r\n')])).toThrow(/without digits/);
    expect(() => readAll([Buffer.from(':12\rx')])).toThrow(/line end/);
    expect(() => readAll([Buffer.from('+OK\rx')])).toThrow(/line feed/);
    expect(() => readAll([Buffer.from('?what\r\n')])).toThrow(RespProtocolError);
    expect(() => readAll([Buffer.from(':12a\r\n')])).toThrow(/non-digit/);
    expect(() => readAll([Buffer.from('$2\r\nabc\r\n')])).toThrow(/longer than its length/);
  });
});
