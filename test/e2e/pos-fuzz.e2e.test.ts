import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ISO87A, macInput, pack, unpack, unpackPartial, type FieldType, type Iso8583Message, type Iso8583MessageInput } from '#channels/pos';
import { macForTerminal } from '#hsm';
import { PosListener } from '../../apps/api/src/pos/pos-listener.js';
import type { PosClient } from '../../apps/pos-simulator/src/pos-client.js';
import { demoTerminalProfile } from '../../apps/pos-simulator/src/terminal-profile.js';
import { connectPos, demoTerminal, MemoryTerminalState, posPort } from '../support/pos.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The POS listener under mutated traffic: valid frames from the three demo terminals, mutated
 * (bytes, lengths, bitmaps, fields, MTI, terminal id), concatenated and split across writes, each
 * connection checked against what the server must do with exactly those bytes — one valid
 * answer per readable request, a close for an unreadable MTI or a bad length header, nothing
 * else — while a well-behaved terminal keeps getting its 00. Reproduce a failure with
 * POS_FUZZ_SEED (and POS_FUZZ_PATH from the report); POS_FUZZ_TIME_MS runs it longer.
 *
 * Both storage projects: the embedded run fuzzes the in-process twins (duplicate memory, rate
 * limiter, PGlite audit writes) that the postgres run replaces with Redis and PostgreSQL. It gets
 * a shorter time limit, since its start-up (PGlite migrations and seed) takes ~9 s of the budget.
 */

const storage = inject('storage');

const SEED = envInt('POS_FUZZ_SEED', 0x5a1d0);
const TIME_LIMIT_MS = envInt('POS_FUZZ_TIME_MS', storage === 'postgres' ? 15_000 : 8_000);
const PATH = process.env.POS_FUZZ_PATH;

/** The server's time budget (default 5 s) and a margin: past it a request is hanging. */
const ANSWER_DEADLINE_MS = 8_000;
/** How long a connection that should get nothing back is watched. */
const QUIET_MS = 60;
const MAX_FRAME = 8192;

const PROBE_PAN = '6217000000000022';
const DEMO_PANS = ['4761739001010010', '4761739001010028', '4761739001010036', '6217000000000014', '6217000000000022'];
/** Field 39 codes the gateway answers with. */
const CODES = new Set(['00', '14', '15', '30', '54', '55', '57', '58', '62', '63', '65', '75', '91', '94', '96']);
/** What a response may carry: the echoed fields, RRN, response code, amounts and a MAC. */
const RESPONSE_FIELDS = new Set([3, 7, 11, 12, 13, 37, 39, 41, 42, 54, 64, 70, 128]);
const CARD_FIELDS = [2, 14, 35, 45, 52, 55, 62];

const WAIT = { pauseMs: 0, ending: 'wait' } as const;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe(`POS listener under fuzzed frames (${storage})`, () => {
  let t: TestApp;
  let probe: PosClient;
  const state = new MemoryTerminalState();
  const saldo001 = demoTerminal('SALDO001', state);
  const saldo002 = demoTerminal('SALDO002', state);
  const saldo003 = demoTerminal('SALDO003', state);
  let corpus: Iso8583MessageInput[] = [];
  /** Every card number and track 2 the fuzz sent: none may reach the log. */
  const sentCardData = new Set<string>();
  const faults: string[] = [];
  const onRejection = (reason: unknown) => faults.push(`unhandledRejection: ${describeError(reason)}`);
  const onException = (err: Error) => faults.push(`uncaughtException: ${describeError(err)}`);

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
    t = await startTestApp('pos-fuzz', storage, { RATE_CARD_PER_MINUTE: '1000000', RATE_TERMINAL_PER_MINUTE: '1000000' });
    probe = await connectPos(t);

    const keyed = await saldo001.balanceInquiry({ pan: '4761739001010010', pin: '1234' });
    // A chip read: the PAN and expiry in field 55 (BER-TLV), under the same PIN block binding.
    const chipFields = new Map((await saldo001.balanceInquiry({ pan: '4761739001010010', pin: '1234' })).fields);
    chipFields.delete(2);
    chipFields.set(22, '051').set(55, '5A0847617390010100105F2403301231');
    corpus = [
      keyed,
      { mti: '0200', fields: chipFields },
      await saldo001.balanceInquiry({ pan: '6217000000000014', pin: '8888', mti: '0100', account: 'savings' }),
      await saldo001.balanceInquiry({ track2: '4761739001010010=30121011234567890', pin: '1234', account: 'checking' }),
      await saldo002.balanceInquiry({ pan: '6217000000000014', pin: '8888' }),
      await saldo003.balanceInquiry({ pan: '4761739001010010', pin: '1234' }),
      await saldo001.networkManagement('echo'),
      // MAC over a message with field 70: field 128 and a secondary bitmap.
      await saldo003.networkManagement('sign-on'),
    ];
  });

  afterAll(async () => {
    await probe?.close();
    await t?.close();
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  });

  it('answers every mutated frame with a valid response or a close, and keeps serving', async () => {
    // The unmutated corpus first: the oracle below must agree with the server on good frames.
    for (const message of corpus) {
      const stream = withHeader(pack(ISO87A, message), { kind: 'exact' });
      const result = await exchange(posPort(t), [stream], WAIT, predict(stream), saldo003);
      expect(result.problems).toEqual([]);
      expect({ mti: message.mti, codes: result.codes }).toEqual({ mti: message.mti, codes: ['00'] });
    }
    await unlockCorpusCards(t);

    const listener = t.app.get(PosListener);
    const gc = exposeGc();
    await settle(gc);
    const before = process.memoryUsage();

    let probing = true;
    const probeCodes: string[] = [];
    let probeError: unknown;
    const probeLoop = (async () => {
      while (probing) {
        const response = await probe.request(await saldo001.balanceInquiry({ pan: PROBE_PAN, pin: '0000' }), { timeoutMs: ANSWER_DEADLINE_MS });
        probeCodes.push(response.fields.get(39) ?? '(none)');
        await sleep(200);
      }
    })().catch((err: unknown) => {
      probeError = err;
    });

    const stats = { runs: 0, connections: 0, answers: 0, closes: 0, quiet: 0, slowestMs: 0, codes: new Map<string, number>() };
    const property = fc.asyncProperty(fc.array(connectionCase(corpus.length), { minLength: 1, maxLength: 3 }), async (cases) => {
      stats.runs++;
      // Mutated PIN blocks lock the corpus cards after three tries: unlock them now and then so
      // the PIN path keeps being fuzzed (the probe's card is not in the corpus).
      if (stats.runs % 25 === 0) await unlockCorpusCards(t);
      const results = await Promise.all(
        cases.map(async (c) => {
          const chunks = build(c, corpus);
          const stream = Buffer.concat(chunks);
          const prediction = predict(stream);
          for (const value of prediction.cardData) if (sentCardData.size < 20_000) sentCardData.add(value);
          const result = await exchange(posPort(t), chunks, c, prediction, saldo003);
          return { chunks, prediction, result };
        }),
      );
      for (const { chunks, prediction, result } of results) {
        stats.connections++;
        stats.slowestMs = Math.max(stats.slowestMs, result.elapsedMs);
        if (result.serverClosed) stats.closes++;
        else if (result.codes.length === 0) stats.quiet++;
        for (const code of result.codes) {
          stats.answers++;
          stats.codes.set(code, (stats.codes.get(code) ?? 0) + 1);
        }
        if (result.problems.length > 0) {
          throw new Error(
            [
              ...result.problems,
              `sent ${chunks.map((c) => c.length).join('+')} bytes: ${hexPreview(Buffer.concat(chunks))}`,
              `expected ${prediction.close ? 'a close' : 'no close'}, answers ${JSON.stringify([...prediction.answers])}`,
              `received ${hexPreview(result.received)}`,
            ].join('\n'),
          );
        }
      }
      if (faults.length > 0) throw new Error(faults.join('\n'));
    });

    try {
      await fc.assert(property, {
        seed: SEED,
        ...(PATH ? { path: PATH } : {}),
        numRuns: 1_000_000,
        interruptAfterTimeLimit: TIME_LIMIT_MS,
        markInterruptAsFailure: false,
        endOnFailure: false,
      });
    } catch (err) {
      throw new Error(`POS fuzz failed (reproduce with POS_FUZZ_SEED=${SEED} and the path below)\n${describeError(err)}`, { cause: err });
    } finally {
      probing = false;
      await probeLoop;
    }

    // A last inquiry after all of it, on the connection that was open the whole time.
    const last = await probe.request(await saldo001.balanceInquiry({ pan: PROBE_PAN, pin: '0000' }), { timeoutMs: ANSWER_DEADLINE_MS });
    probeCodes.push(last.fields.get(39) ?? '(none)');

    console.info(
      `POS fuzz: seed ${SEED}, ${stats.runs} runs, ${stats.connections} connections, ${stats.answers} answers ` +
        `(${[...stats.codes].sort().map(([c, n]) => `${c}:${n}`).join(' ')}), ${stats.closes} closed by the server, ` +
        `${stats.quiet} quiet, slowest ${stats.slowestMs} ms, ${probeCodes.length} probe inquiries`,
    );
    expect(probeError).toBeUndefined();
    expect(probeCodes.length).toBeGreaterThanOrEqual(5);
    expect(probeCodes.filter((c) => c !== '00')).toEqual([]);
    expect(stats.runs).toBeGreaterThan(50);
    expect(faults).toEqual([]);

    // Every fuzz connection is gone on the server side: only the probe's remains.
    await waitFor(() => connectionCount(listener) === 1, 5_000);
    await probe.close();
    await waitFor(() => connectionCount(listener) === 0, 5_000);

    await settle(gc);
    const after = process.memoryUsage();
    const growthMb = (after.heapUsed - before.heapUsed) / 2 ** 20;
    const buffersMb = (after.arrayBuffers - before.arrayBuffers) / 2 ** 20;
    console.info(`POS fuzz memory: heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)} MB, buffers ${mb(before.arrayBuffers)} → ${mb(after.arrayBuffers)} MB${gc ? '' : ' (no gc)'}`);
    expect(growthMb).toBeLessThan(64);
    expect(buffersMb).toBeLessThan(64);
  }, TIME_LIMIT_MS + 45_000);

  it('answers a burst of pipelined frames in one write, past the in-flight limit (256)', async () => {
    const echo = corpus[6];
    const keyed = corpus[0];
    const frames: Buffer[] = [];
    for (let i = 0; i < 400; i++) {
      const stan = String(200_000 + i);
      if (i % 4 === 3) {
        // A letter in field 3 (the first field after the bitmap): a 30, audited.
        const body = pack(ISO87A, { mti: keyed.mti, fields: new Map(keyed.fields).set(11, stan) });
        body[4 + 16 + 2] = 0x41;
        frames.push(withHeader(body, { kind: 'exact' }));
      } else {
        frames.push(withHeader(pack(ISO87A, { mti: echo.mti, fields: new Map(echo.fields).set(11, stan) }), { kind: 'exact' }));
      }
    }
    const stream = Buffer.concat(frames);
    const prediction = predict(stream);
    expect(prediction).toMatchObject({ close: false, total: 400 });
    const result = await exchange(posPort(t), [stream], WAIT, prediction, saldo003);
    expect(result.problems).toEqual([]);
    expect(result.codes.filter((c) => c === '00')).toHaveLength(300);
    expect(result.codes.filter((c) => c === '30')).toHaveLength(100);
  });

  it('wrote no card number to the audit trail or the log', async () => {
    const rows = await t.prisma.auditEvent.findMany({ select: { cardMasked: true, cardLast4: true } });
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) {
      if (row.cardMasked === null) continue;
      expect(row.cardMasked).toMatch(/^\d{6}\*{2,9}\d{4}$/);
      expect(row.cardMasked.replace(/\D/g, '').length).toBeLessThanOrEqual(10);
    }
    await sleep(200);
    const log = readFileSync(t.logFile, 'utf8');
    for (const pan of DEMO_PANS) expect(log).not.toContain(pan);
    // Nor any of the PIN blocks, KSN-bound blocks, track or chip data of the corpus.
    for (const message of corpus) {
      for (const n of CARD_FIELDS) {
        const value = message.fields.get(n);
        if (value !== undefined && value.length >= 8) expect(log).not.toContain(value);
      }
    }
    expect(log).not.toMatch(/=3012101/);
    // A fault the connection's catch-all swallowed (answered 96, or the socket destroyed) is logged at error level.
    expect(log.split('\n').filter((line) => /"level":(50|60)\b/.test(line))).toEqual([]);
    expect(sentCardData.size).toBeGreaterThanOrEqual(5);
    const leaked = [...sentCardData].filter((value) => log.includes(value));
    expect(leaked).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Cases

type MessageMutation =
  | { readonly op: 'set'; readonly field: number; readonly value: string }
  | { readonly op: 'drop'; readonly field: number }
  | { readonly op: 'mti'; readonly mti: string }
  | { readonly op: 'luhn' };

type ByteMutation =
  | { readonly op: 'flip'; readonly at: number; readonly mask: number }
  | { readonly op: 'byte'; readonly at: number; readonly value: number }
  | { readonly op: 'char-in-field'; readonly slot: number; readonly at: number; readonly char: number }
  | { readonly op: 'length-prefix'; readonly slot: number; readonly text: string }
  | { readonly op: 'bitmap'; readonly bit: number; readonly set: boolean }
  | { readonly op: 'truncate'; readonly keep: number }
  | { readonly op: 'extend'; readonly bytes: Uint8Array }
  | { readonly op: 'extend-big'; readonly count: number; readonly value: number }
  | { readonly op: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly op: 'delete'; readonly at: number; readonly count: number };

type Header =
  | { readonly kind: 'exact' }
  | { readonly kind: 'delta'; readonly delta: number }
  | { readonly kind: 'value'; readonly value: number }
  | { readonly kind: 'none' };

type FrameCase =
  | {
      readonly source: 'corpus';
      readonly seed: number;
      /**
       * A new STAN (field 11): the corpus frames were answered once already, and the same
       * terminal + STAN + field 7 with other bytes stops at the duplicate check (94).
       */
      readonly stan: number | null;
      readonly message: MessageMutation[];
      /** Sign the mutated message again (MAC terminals), so it gets past the MAC check. */
      readonly remac: boolean;
      readonly bytes: ByteMutation[];
      readonly header: Header;
    }
  | { readonly source: 'garbage'; readonly body: Uint8Array; readonly header: Header };

interface ConnectionCase {
  readonly frames: FrameCase[];
  /** Where the byte stream is cut into separate writes. */
  readonly cuts: number[];
  readonly pauseMs: number;
  /**
   * What the client does once everything is written: wait for the answers (or the close), end
   * its side at once (FIN), or reset the connection (RST) with answers still in flight.
   */
  readonly ending: Ending;
}

type Ending = 'wait' | 'end' | 'reset';

const MAC_KEY = demoTerminalProfile('SALDO003')!.mac!.keyHex;
const DIGITS = [...'0123456789'];
const AN = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '];
const ANS = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
const CHARSETS: Readonly<Record<Exclude<FieldType, 'b'>, string[]>> = { n: DIGITS, z: [...DIGITS, '=', 'D'], an: AN, ans: ANS };
const SPEC_FIELDS = Object.keys(ISO87A.fields).map(Number);
/** Bytes that are not digits: letters, separators, controls, DEL, high bytes. */
const NON_DIGITS = [0x41, 0x7a, 0x20, 0x3d, 0x44, 0x2d, 0x2e, 0x00, 0x0a, 0x7f, 0x80, 0xff, 0x3f];

function valueFor(n: number): fc.Arbitrary<string> {
  const field = ISO87A.fields[n];
  if (!field) return fc.constant('');
  const fixed = field.prefix.digits === 0;
  const max = fixed ? field.length : Math.min(field.length, 48);
  if (field.type === 'b') {
    return fc.uint8Array({ minLength: fixed ? field.length : 0, maxLength: max }).map((b) => Buffer.from(b).toString('hex').toUpperCase());
  }
  const unit = fc.constantFrom(...CHARSETS[field.type]);
  if (fixed && (field.type === 'n' || field.type === 'z')) return fc.string({ unit, minLength: field.length, maxLength: field.length });
  // Fixed text fields are space-padded on the wire; a trailing space would not survive the round trip.
  return fc.string({ unit, maxLength: max }).map((v) => (fixed ? v.replace(/ +$/, '') : v));
}

const SPECIAL_VALUES: Readonly<Record<number, string[]>> = {
  2: ['4761739001010011', '4761739001010028', '4761739001010036', '4000000000000002', '47617390', '4761739001010010000'],
  3: ['311000', '312000', '313000', '314000', '000000', '301000'],
  41: ['NOBODY01', 'SALDO001', 'SALDO002', 'SALDO003', 'saldo001', ''],
  42: ['SOMEONEELSE0001', ''],
  62: ['PINBLOCK4=', 'PINBLOCK4=XYZ', `PINBLOCK4=${'0'.repeat(32)}`],
  70: ['301', '001', '002', '999'],
};

const messageMutation: fc.Arbitrary<MessageMutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(...SPEC_FIELDS).chain((field) =>
      (SPECIAL_VALUES[field] ? fc.oneof(valueFor(field), fc.constantFrom(...SPECIAL_VALUES[field])) : valueFor(field)).map(
        (value): MessageMutation => ({ op: 'set', field, value }),
      ),
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom(...SPEC_FIELDS).map((field): MessageMutation => ({ op: 'drop', field })) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.constantFrom('0100', '0200', '0800', '0110', '0210', '0220', '0230', '0300', '0400', '0420', '0820', '0000', '9999', '1200', '0120'),
        fc.string({ unit: fc.constantFrom(...DIGITS), minLength: 4, maxLength: 4 }),
      )
      .map((mti): MessageMutation => ({ op: 'mti', mti })),
  },
  { weight: 1, arbitrary: fc.constant<MessageMutation>({ op: 'luhn' }) },
);

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('byte' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }) },
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant('char-in-field' as const),
      slot: fc.nat(),
      at: fc.nat(),
      char: fc.oneof(fc.constantFrom(...NON_DIGITS), fc.integer({ min: 0x30, max: 0x39 })),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('length-prefix' as const),
      slot: fc.nat(),
      text: fc.oneof(fc.constantFrom('00', '99', '999', '000', '9', 'A1', ' 1', '-1'), fc.string({ unit: fc.constantFrom(...DIGITS), minLength: 2, maxLength: 3 })),
    }),
  },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('bitmap' as const), bit: fc.integer({ min: 1, max: 128 }), set: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('truncate' as const), keep: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('extend-big' as const), count: fc.integer({ min: 7_000, max: 9_000 }), value: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }) },
);

const header: fc.Arbitrary<Header> = fc.oneof(
  { weight: 16, arbitrary: fc.constant<Header>({ kind: 'exact' }) },
  { weight: 1, arbitrary: fc.integer({ min: -12, max: 12 }).map((delta): Header => ({ kind: 'delta', delta })) },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.constantFrom(0, 1, 2, MAX_FRAME, MAX_FRAME + 1, 0xffff), fc.integer({ min: 0, max: 0xffff })).map((value): Header => ({ kind: 'value', value })),
  },
  { weight: 1, arbitrary: fc.constant<Header>({ kind: 'none' }) },
);

function frameCase(corpusSize: number): fc.Arbitrary<FrameCase> {
  return fc.oneof(
    {
      weight: 14,
      arbitrary: fc.record({
        source: fc.constant('corpus' as const),
        seed: fc.integer({ min: 0, max: corpusSize - 1 }),
        // Far above the probe's STANs (which count up from the corpus's), so they never collide.
        stan: fc.option(fc.integer({ min: 100_000, max: 999_999 }), { freq: 4, nil: null }),
        message: fc.array(messageMutation, { maxLength: 2 }),
        remac: fc.boolean(),
        bytes: fc.array(byteMutation, { maxLength: 3 }),
        header,
      }),
    },
    { weight: 1, arbitrary: fc.record({ source: fc.constant('garbage' as const), body: fc.uint8Array({ maxLength: 64 }), header }) },
  );
}

function connectionCase(corpusSize: number): fc.Arbitrary<ConnectionCase> {
  return fc.record({
    frames: fc.array(frameCase(corpusSize), { minLength: 1, maxLength: 3 }),
    cuts: fc.array(fc.nat(), { maxLength: 3 }),
    pauseMs: fc.constantFrom(0, 0, 1, 5),
    ending: fc.oneof({ weight: 8, arbitrary: fc.constant<Ending>('wait') }, fc.constant<Ending>('end'), fc.constant<Ending>('reset')),
  });
}

/** The writes for one connection. */
function build(c: ConnectionCase, corpus: readonly Iso8583MessageInput[]): Buffer[] {
  const stream = Buffer.concat(c.frames.map((f) => (f.source === 'garbage' ? withHeader(Buffer.from(f.body), f.header) : mutatedFrame(f, corpus))));
  const cuts = [...new Set(c.cuts.map((n) => n % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    if (cut > from) chunks.push(stream.subarray(from, cut));
    from = Math.max(from, cut);
  }
  return chunks;
}

function mutatedFrame(f: Extract<FrameCase, { source: 'corpus' }>, corpus: readonly Iso8583MessageInput[]): Buffer {
  const original = corpus[f.seed];
  let mti = original.mti;
  const fields = new Map(original.fields);
  if (f.stan !== null) fields.set(11, String(f.stan));
  for (const m of f.message) {
    switch (m.op) {
      case 'set':
        fields.set(m.field, m.value);
        break;
      case 'drop':
        fields.delete(m.field);
        break;
      case 'mti':
        mti = m.mti;
        break;
      case 'luhn': {
        const pan = fields.get(2);
        if (pan) fields.set(2, pan.slice(0, -1) + String((Number(pan.slice(-1)) + 1) % 10));
        break;
      }
    }
  }
  let message: Iso8583MessageInput = { mti, fields };
  let body: Buffer;
  try {
    if (f.remac && (original.fields.has(64) || original.fields.has(128))) {
      fields.delete(64);
      fields.delete(128);
      const macField = [...fields.keys()].some((n) => n > 64) ? 128 : 64;
      const data = macInput(ISO87A, message);
      fields.set(macField, macForTerminal({ keyHex: MAC_KEY, algorithm: 'ISO9797-1-ALG3', data, direction: 'request' }));
    }
    body = pack(ISO87A, message);
  } catch {
    message = original;
    body = pack(ISO87A, original);
  }
  const slots = layout(message);
  for (const m of f.bytes) body = mutate(body, m, slots);
  return withHeader(body, f.header);
}

interface Slot {
  readonly field: number;
  readonly prefixStart: number;
  readonly dataStart: number;
  readonly end: number;
}

/** Where each field's length prefix and data sit in the packed ISO87A message. */
function layout(message: Iso8583MessageInput): Slot[] {
  const numbers = [...message.fields.keys()].sort((a, b) => a - b);
  let offset = 4 + (numbers.some((n) => n > 64) ? 32 : 16);
  const slots: Slot[] = [];
  for (const n of numbers) {
    const field = ISO87A.fields[n]!;
    const value = message.fields.get(n) ?? '';
    const fixed = field.prefix.digits === 0;
    const units = fixed ? field.length : field.type === 'b' ? value.length / 2 : value.length;
    const dataStart = offset + field.prefix.size;
    const end = dataStart + field.encoder.wireLength(units);
    slots.push({ field: n, prefixStart: offset, dataStart, end });
    offset = end;
  }
  return slots;
}

function mutate(body: Buffer, m: ByteMutation, slots: readonly Slot[]): Buffer {
  const out = Buffer.from(body);
  switch (m.op) {
    case 'flip':
      if (out.length > 0) out[m.at % out.length] ^= m.mask;
      return out;
    case 'byte':
      if (out.length > 0) out[m.at % out.length] = m.value;
      return out;
    case 'char-in-field': {
      const slot = slots.length > 0 ? slots[m.slot % slots.length] : undefined;
      if (!slot || slot.end <= slot.dataStart) return out;
      const at = slot.dataStart + (m.at % (slot.end - slot.dataStart));
      if (at < out.length) out[at] = m.char;
      return out;
    }
    case 'length-prefix': {
      const variable = slots.filter((s) => s.dataStart > s.prefixStart);
      const slot = variable.length > 0 ? variable[m.slot % variable.length] : undefined;
      if (!slot) return out;
      const size = slot.dataStart - slot.prefixStart;
      const text = m.text.padStart(size, '0').slice(-size);
      if (slot.prefixStart + size <= out.length) out.write(text, slot.prefixStart, 'latin1');
      return out;
    }
    case 'bitmap':
      return setBitmapBit(out, m.bit, m.set);
    case 'truncate':
      return out.subarray(0, m.keep % (out.length + 1));
    case 'extend':
      return Buffer.concat([out, Buffer.from(m.bytes)]);
    case 'extend-big':
      return Buffer.concat([out, Buffer.alloc(m.count, m.value)]);
    case 'insert': {
      const at = m.at % (out.length + 1);
      return Buffer.concat([out.subarray(0, at), Buffer.from(m.bytes), out.subarray(at)]);
    }
    case 'delete': {
      const at = m.at % (out.length + 1);
      return Buffer.concat([out.subarray(0, at), out.subarray(at + m.count)]);
    }
  }
}

/** Sets or clears one bit of the hex bitmaps; a bit past 64 without a secondary bitmap sets bit 1 only. */
function setBitmapBit(body: Buffer, bit: number, set: boolean): Buffer {
  const primary = body.toString('latin1', 4, 20);
  if (!/^[0-9A-Fa-f]{16}$/.test(primary)) return body;
  const hasSecondary = (parseInt(primary[0], 16) & 0x8) !== 0 && /^[0-9A-Fa-f]{16}$/.test(body.toString('latin1', 20, 36));
  const target = bit <= 64 ? 4 : hasSecondary ? 20 : 4;
  const index = bit <= 64 || hasSecondary ? (bit - 1) % 64 : 0;
  const at = target + (index >> 2);
  const nibble = parseInt(body.toString('latin1', at, at + 1), 16);
  const mask = 0x8 >> (index & 3);
  const out = Buffer.from(body);
  out.write(((set ? nibble | mask : nibble & ~mask) & 0xf).toString(16).toUpperCase(), at, 'latin1');
  return out;
}

function withHeader(body: Buffer, h: Header): Buffer {
  if (h.kind === 'none') return body;
  const length = h.kind === 'exact' ? body.length : h.kind === 'delta' ? body.length + h.delta : h.value;
  const out = Buffer.alloc(2);
  out.writeUInt16BE(Math.max(0, Math.min(0xffff, length)));
  return Buffer.concat([out, body]);
}

// ---------------------------------------------------------------------------------------------
// The oracle: what the server must do with these bytes, whatever their chunking

interface Prediction {
  /** A bad length header, an unreadable MTI or a reserved function digit: the connection must be closed. */
  readonly close: boolean;
  /**
   * Expected answers by "MTI|STAN|TID": how many must be 30 (the request does not decode) and
   * how many may carry any code of the gateway (it decodes; the server decides).
   */
  readonly answers: Map<string, { formatErrors: number; decoded: number }>;
  readonly total: number;
  /** Card numbers and track data sent (as far as the frames decode), for the log check. */
  readonly cardData: string[];
}

/**
 * The frames the 2-byte big-endian length header cuts (1..8192, else the connection closes), and
 * for each readable request the answer it must get: the response MTI (function digit + 1), with
 * the STAN and terminal id as far as the request could be read. Responses and notifications are
 * not answered; a reserved function digit (5-9) closes the connection.
 */
function predict(stream: Buffer): Prediction {
  const answers = new Map<string, { formatErrors: number; decoded: number }>();
  const cardData: string[] = [];
  let total = 0;
  let close = false;
  let i = 0;
  while (stream.length - i >= 2) {
    const length = stream.readUInt16BE(i);
    if (length < 1 || length > MAX_FRAME) {
      close = true;
      break;
    }
    if (stream.length - i - 2 < length) break;
    const read = unpackPartial(ISO87A, stream.subarray(i + 2, i + 2 + length));
    i += 2 + length;
    if (read.mti === undefined) {
      close = true;
      continue;
    }
    for (const n of [2, 35]) {
      const value = read.fields.get(n);
      const pan = value?.split(/[=D]/)[0];
      if (value !== undefined && pan !== undefined && pan.length >= 12) cardData.push(value, pan);
    }
    const mti = responseMti(read.mti);
    // Responses, advice responses and notifications (1, 3, 4) get nothing; a reserved function digit closes.
    if (mti === undefined) {
      if (!'134'.includes(read.mti[2] ?? '')) close = true;
      continue;
    }
    const key = answerKey(mti, read.fields);
    const slot = answers.get(key) ?? { formatErrors: 0, decoded: 0 };
    if (read.error) slot.formatErrors++;
    else slot.decoded++;
    answers.set(key, slot);
    total++;
  }
  return { close, answers, total, cardData };
}

function responseMti(mti: string): string | undefined {
  const fn = Number(mti[2]);
  return fn === 0 || fn === 2 ? `${mti.slice(0, 2)}${fn + 1}${mti[3]}` : undefined;
}

const answerKey = (mti: string, fields: ReadonlyMap<number, string>) => `${mti}|${fields.get(11) ?? '-'}|${fields.get(41) ?? '-'}`;

// ---------------------------------------------------------------------------------------------
// One connection

interface Exchange {
  readonly problems: string[];
  readonly codes: string[];
  readonly serverClosed: boolean;
  readonly received: Buffer;
  readonly elapsedMs: number;
}

async function exchange(
  port: number,
  chunks: readonly Buffer[],
  { pauseMs, ending }: Pick<ConnectionCase, 'pauseMs' | 'ending'>,
  prediction: Prediction,
  macTerminal: ReturnType<typeof demoTerminal>,
): Promise<Exchange> {
  const started = Date.now();
  const problems: string[] = [];
  const socket = connect(port, '127.0.0.1');
  // A reset when the server hangs up on us is expected; it must not throw.
  socket.on('error', () => undefined);
  let received = Buffer.alloc(0);
  let ended = false;
  let closed = false;
  let serverClosed = false;
  socket.on('data', (d: Buffer) => {
    received = Buffer.concat([received, d]);
  });
  const closing = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closed = true;
      serverClosed = !ended;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });

  for (const [i, chunk] of chunks.entries()) {
    if (closed) break;
    if (i > 0 && pauseMs > 0) await sleep(pauseMs);
    socket.write(chunk);
  }

  const expected = prediction.total;
  if (ending === 'reset' && !closed) {
    socket.resetAndDestroy();
    await closing;
  } else if (ending === 'end' && !closed) {
    ended = true;
    socket.end();
    await Promise.race([closing, sleep(ANSWER_DEADLINE_MS)]);
    if (!closed) {
      problems.push('the server kept the connection open after the client ended it');
      socket.destroy();
      await closing;
    }
  }
  const waited = ending !== 'wait';
  const deadline = Date.now() + (prediction.close || expected > 0 ? ANSWER_DEADLINE_MS : QUIET_MS);
  for (;;) {
    if (closed) break;
    if (!prediction.close && expected > 0 && completeFrames(received) >= expected) break;
    if (Date.now() >= deadline) break;
    await sleep(2);
  }
  if (!closed) {
    if (prediction.close) problems.push(`the server did not close the connection within ${ANSWER_DEADLINE_MS} ms`);
    else if (expected > 0 && completeFrames(received) < expected) problems.push(`no answer within ${ANSWER_DEADLINE_MS} ms (hang)`);
    ended = true;
    socket.end();
    await Promise.race([closing, sleep(2_000)]);
    if (!closed) {
      problems.push('the server kept the connection open after the client ended it');
      socket.destroy();
      await closing;
    }
  } else if (serverClosed && !prediction.close && !waited) {
    problems.push('the server closed the connection instead of answering');
  }

  const remaining = new Map([...prediction.answers].map(([key, slot]) => [key, { ...slot }]));
  const codes: string[] = [];
  const keys: Array<{ key: string; code: string }> = [];
  let i = 0;
  while (i < received.length) {
    if (received.length - i < 2 || received.length - i - 2 < received.readUInt16BE(i)) {
      // Cut short by our own reset, or not.
      if (ending !== 'reset') problems.push(`a truncated answer frame at byte ${i}`);
      break;
    }
    const length = received.readUInt16BE(i);
    const body = received.subarray(i + 2, i + 2 + length);
    i += 2 + length;
    let answer: Iso8583Message;
    try {
      answer = unpack(ISO87A, body);
    } catch (err) {
      problems.push(`an answer that does not unpack: ${describeError(err)}`);
      continue;
    }
    const code = answer.fields.get(39) ?? '(none)';
    codes.push(code);
    if (!CODES.has(code)) problems.push(`field 39 ${JSON.stringify(code)} is not a code of the gateway`);
    for (const n of answer.fields.keys()) if (!RESPONSE_FIELDS.has(n)) problems.push(`the answer carries field ${n}`);
    if (answer.fields.has(54) && code !== '00') problems.push(`field 54 on a ${code} answer`);
    keys.push({ key: answerKey(answer.mti, answer.fields), code });
    if (answer.fields.get(41) === macTerminal.tid && (answer.fields.has(64) || answer.fields.has(128))) {
      const verdict = macTerminal.verifyResponseMac(answer);
      if (verdict !== 'VERIFIED') problems.push(`the MAC of an answer to ${macTerminal.tid}: ${verdict}`);
    }
  }
  // Answers other than 30 can only be for requests that decoded; a 30 may be for either kind.
  keys.sort((a, b) => Number(a.code === '30') - Number(b.code === '30'));
  for (const { key, code } of keys) {
    const slot = remaining.get(key);
    if (slot && code === '30' && slot.formatErrors > 0) slot.formatErrors--;
    else if (slot && slot.decoded > 0) slot.decoded--;
    else if (slot && slot.formatErrors > 0) problems.push(`${key}: answered ${code} to a request that does not decode (30 expected)`);
    else problems.push(`an answer no request asked for: ${key} (${code})`);
  }
  // A client that hung up early gets what was ready, if anything.
  if (!prediction.close && ending === 'wait') {
    const missing = [...remaining].filter(([, slot]) => slot.formatErrors + slot.decoded > 0);
    if (missing.length > 0) problems.push(`unanswered: ${JSON.stringify(missing)}`);
  }
  return { problems, codes, serverClosed, received, elapsedMs: Date.now() - started };
}

function completeFrames(data: Buffer): number {
  let i = 0;
  let n = 0;
  while (data.length - i >= 2 && data.length - i - 2 >= data.readUInt16BE(i)) {
    i += 2 + data.readUInt16BE(i);
    n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Helpers

async function unlockCorpusCards(t: TestApp): Promise<void> {
  await t.prisma.card.updateMany({ where: { last4: { in: ['0010', '0014'] } }, data: { pinTries: 0, pinLockedAt: null } });
}

function connectionCount(listener: PosListener): number {
  return (listener as unknown as { connections: Set<unknown> }).connections.size;
}

/** `gc()` without --expose-gc: the flag can be set at run time, and a new context sees it. */
function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

async function settle(gc: (() => void) | undefined): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await sleep(100);
    gc?.();
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(20);
  }
}

function envInt(name: string, fallback: number): number {
  const value = process.env[name];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : fallback;
}

function hexPreview(data: Buffer): string {
  const hex = data.toString('hex');
  return hex.length > 400 ? `${hex.slice(0, 400)}… (${data.length} bytes)` : hex || '(nothing)';
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
