import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ISO87A, pack, unpack, type Iso8583Message } from '#channels/pos';
import { macForTerminal } from '#hsm';
import { demoTerminalProfile } from '../../apps/pos-simulator/src/terminal-profile.js';
import { frame, DEFAULT_POS_FRAMING } from '#channels/pos';
import type { PosClient } from '../../apps/pos-simulator/src/pos-client.js';
import { amounts, connectPos, demoTerminal, MemoryTerminalState, rawPos } from '../support/pos.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const storage = inject('storage');

describe(`POS channel over TCP (${storage})`, () => {
  let t: TestApp;
  let client: PosClient;
  const state = new MemoryTerminalState();
  const saldo001 = demoTerminal('SALDO001', state);
  const saldo002 = demoTerminal('SALDO002', state);
  const saldo003 = demoTerminal('SALDO003', state);

  beforeAll(async () => {
    t = await startTestApp('pos', storage, { RATE_CARD_PER_MINUTE: '1000', RATE_TERMINAL_PER_MINUTE: '100000' });
    client = await connectPos(t);
  });
  afterAll(async () => {
    await client?.close();
    await t?.close();
  });

  it('answers a TDES DUKPT balance inquiry with field 54, echoing the matching fields and never the card', async () => {
    const request = await saldo001.balanceInquiry({ pan: '4761739001010010', pin: '1234' });
    const response = await client.request(request);
    expect(response.mti).toBe('0210');
    expect(response.fields.get(39)).toBe('00');
    for (const n of [3, 7, 11, 12, 13, 41, 42]) expect(response.fields.get(n)).toBe(request.fields.get(n));
    expect(response.fields.get(37)).toMatch(/^\d{12}$/);
    expect(response.fields.has(2)).toBe(false);
    expect(response.fields.has(52)).toBe(false);
    expect(amounts(response.fields.get(54))).toEqual([
      { account: '20', amount: '02', currency: '840', minor: 123456n },
      { account: '20', amount: '01', currency: '840', minor: 130000n },
      { account: '10', amount: '02', currency: '840', minor: 1000000n },
      { account: '10', amount: '01', currency: '840', minor: 1000000n },
    ]);
    const row = await t.prisma.auditEvent.findFirst({ where: { channel: 'pos', outcome: 'APPROVED' }, orderBy: { id: 'desc' } });
    expect(row).toMatchObject({ requester: 'terminal:SALDO001', cardMasked: '476173******0010', issuerCode: 'HARBOR' });
  });

  it('answers 0100 with 0110, a track 2 swipe, a chip read, and one account type from the processing code', async () => {
    const auth = await client.request(await saldo001.balanceInquiry({ pan: '6217000000000014', pin: '8888', mti: '0100' }));
    expect(auth.mti).toBe('0110');
    expect(auth.fields.get(39)).toBe('00');
    expect(amounts(auth.fields.get(54))).toEqual([
      { account: '10', amount: '02', currency: '156', minor: 888888n },
      { account: '10', amount: '01', currency: '156', minor: 900000n },
    ]);
    const swipe = await client.request(await saldo001.balanceInquiry({ track2: '4761739001010010=30121011234567890', pin: '1234', account: 'savings' }));
    expect(swipe.fields.get(39)).toBe('00');
    expect(amounts(swipe.fields.get(54)).map((a) => a.account)).toEqual(['10', '10']);
    const chip = await client.request(await saldo001.balanceInquiry({ track2: '4761739001010010D3012101', chip: true, pin: '1234', account: 'checking' }));
    expect(chip.fields.get(39)).toBe('00');
    expect(amounts(chip.fields.get(54)).map((a) => a.account)).toEqual(['20', '20']);
  });

  it('answers an AES DUKPT terminal with an ISO 4 PIN block', async () => {
    const response = await client.request(await saldo002.balanceInquiry({ pan: '6217000000000022', pin: '0000' }));
    expect(response.fields.get(39)).toBe('00');
    expect(amounts(response.fields.get(54))[0]).toEqual({ account: '20', amount: '02', currency: '156', minor: 10000n });
  });

  it('maps every refusal to its field 39', async () => {
    const code = async (input: Parameters<typeof saldo001.balanceInquiry>[0]) =>
      (await client.request(await saldo001.balanceInquiry(input))).fields.get(39);
    expect(await code({ pan: '4761739001010028', pin: '1234' })).toBe('54');
    expect(await code({ pan: '4761739001010036', pin: '4321' })).toBe('62');
    expect(await code({ pan: '4000000000000002', pin: '1234' })).toBe('15');
    expect(await code({ pan: '4761739001010044', pin: '1234' })).toBe('14');
    expect(await code({ pan: '4761739001010010', pin: '9999' })).toBe('55');
    expect(await code({ pan: '4761739001010010', pin: '1234', account: 'credit' })).toBe('57');
    expect(await code({ pan: '4761739001010010', pin: '1234', expiry: '2901' })).toBe('14');
    expect(await code({ pan: '4761739001010010' })).toBe('30');
    // Right PIN again: the wrong one above must not stay counted.
    expect(await code({ pan: '4761739001010010', pin: '1234' })).toBe('00');
  });

  it('refuses a card number failing Luhn (30) and an unknown terminal (58), both audited', async () => {
    const request = await saldo001.balanceInquiry({ pan: '4761739001010010', pin: '1234' });
    const badLuhn = new Map(request.fields).set(2, '4761739001010011');
    expect((await client.request({ mti: '0200', fields: badLuhn })).fields.get(39)).toBe('30');
    const stranger = new Map(request.fields).set(11, '999001').set(41, 'NOBODY01');
    expect((await client.request({ mti: '0200', fields: stranger })).fields.get(39)).toBe('58');
    const otherMerchant = new Map(request.fields).set(11, '999002').set(42, 'SOMEONEELSE0001');
    expect((await client.request({ mti: '0200', fields: otherMerchant })).fields.get(39)).toBe('58');
    const rows = await t.prisma.auditEvent.findMany({ where: { requester: 'terminal:NOBODY01' } });
    expect(rows.map((r) => r.outcome)).toEqual(['UNAUTHENTICATED']);
  });

  it('locks the card after three wrong PINs on any terminal, until an operator unlocks it', async () => {
    const pan = '6217000000000022';
    const codes = [];
    codes.push((await client.request(await saldo001.balanceInquiry({ pan, pin: '1111' }))).fields.get(39));
    codes.push((await client.request(await saldo002.balanceInquiry({ pan, pin: '2222' }))).fields.get(39));
    codes.push((await client.request(await saldo003.balanceInquiry({ pan, pin: '3333' }))).fields.get(39));
    codes.push((await client.request(await saldo001.balanceInquiry({ pan, pin: '0000' }))).fields.get(39));
    expect(codes).toEqual(['55', '55', '75', '75']);
    await t.prisma.card.updateMany({ where: { last4: '0022' }, data: { pinTries: 0, pinLockedAt: null } });
    expect((await client.request(await saldo001.balanceInquiry({ pan, pin: '0000' }))).fields.get(39)).toBe('00');
  });

  it('checks the MAC of a MAC terminal: answers 63 to a bad or missing one, and MACs its own answers', async () => {
    const good = await saldo003.balanceInquiry({ pan: '4761739001010010', pin: '1234' });
    const approved = await client.request(good);
    expect(approved.fields.get(39)).toBe('00');
    expect(saldo003.verifyResponseMac(approved)).toBe('VERIFIED');

    const tampered = await saldo003.balanceInquiry({ pan: '4761739001010010', pin: '1234' });
    const fields = new Map(tampered.fields).set(3, '311000');
    const refused = await client.request({ mti: tampered.mti, fields });
    expect(refused.fields.get(39)).toBe('63');
    expect(refused.fields.has(54)).toBe(false);
    expect(saldo003.verifyResponseMac(refused)).toBe('VERIFIED');

    const unsigned = await saldo003.balanceInquiry({ pan: '4761739001010010', pin: '1234' });
    const withoutMac = new Map(unsigned.fields);
    withoutMac.delete(64);
    expect((await client.request({ mti: unsigned.mti, fields: withoutMac })).fields.get(39)).toBe('63');
    const rows = await t.prisma.auditEvent.findMany({ where: { requester: 'terminal:SALDO003', outcome: 'SECURITY_ERROR' } });
    expect(rows).toHaveLength(2);
  });

  it('checks a MAC over the bytes as the terminal sent them, signs its 30s, and refuses a MAC terminal with no MAC key', async () => {
    const exchange = (message: Buffer) => exchangeOn(t, message);
    const request = await saldo003.balanceInquiry({ pan: '4761739001010010', pin: '1234' });
    // The same message with its hex (bitmap, PIN block) in lower case, MACed over those bytes.
    const upper = pack(ISO87A, request);
    const hexBitmap = [4, 20] as const;
    const lower = Buffer.from(upper);
    lower.write(upper.subarray(...hexBitmap).toString('latin1').toLowerCase(), hexBitmap[0], 'latin1');
    const pinBlock = request.fields.get(52) ?? '';
    const at = lower.indexOf(pinBlock, 0, 'latin1');
    expect(at).toBeGreaterThan(0);
    lower.write(pinBlock.toLowerCase(), at, 'latin1');
    expect(lower.equals(upper)).toBe(false);
    const macBytes = 16;
    const signed = lower.subarray(0, lower.length - macBytes);
    const mac = macForTerminal({ keyHex: demoTerminalProfile('SALDO003')?.mac?.keyHex ?? '', algorithm: 'ISO9797-1-ALG3', data: signed, direction: 'request' });
    expect(await exchange(Buffer.concat([signed, Buffer.from(mac, 'latin1')]))).toMatchObject({ code: '00' });

    // A format error (a non-hex PIN block, read after the terminal id) still carries the terminal's MAC.
    const malformed = await saldo003.balanceInquiry({ pan: '4761739001010010', pin: '1234' });
    const bad = pack(ISO87A, malformed);
    bad.write('Z', bad.indexOf(malformed.fields.get(52) ?? '', 0, 'latin1'), 'latin1');
    const formatError = await exchange(bad);
    expect(formatError.code).toBe('30');
    expect(saldo003.verifyResponseMac(formatError.message)).toBe('VERIFIED');

    // Set to require a MAC but given no key (the console refuses that; the table does not): refused, not let through.
    await t.prisma.terminal.create({
      data: { tid: 'NOKEY003', mid: 'SALDOMERCHANT01', pinMode: 'FIXED_KEY', pinBlockFormat: 'ISO-0', pinKeyRef: 'TPK.SALDO003', macRequired: true, macKeyRef: null },
    });
    const keyless = await saldo003.balanceInquiry({ pan: '4761739001010010', pin: '1234' });
    const refused = await client.request({ mti: keyless.mti, fields: new Map(keyless.fields).set(41, 'NOKEY003') });
    expect(refused.fields.get(39)).toBe('96');
    expect(refused.fields.has(54)).toBe(false);
    // With no MAC at all too: the missing key is the problem to report, not the missing MAC.
    const bare = await saldo003.balanceInquiry({ pan: '4761739001010010', pin: '1234' });
    const withoutMac = new Map(bare.fields).set(41, 'NOKEY003');
    withoutMac.delete(64);
    expect((await client.request({ mti: bare.mti, fields: withoutMac })).fields.get(39)).toBe('96');
    expect((await client.request(await saldo003.balanceInquiry({ pan: '4761739001010010', pin: '1234' }))).fields.get(39)).toBe('00');
  });

  it('replays the first answer to a repeated message and answers 94 to other content under the same key', async () => {
    const request = await saldo001.balanceInquiry({ pan: '4761739001010010', pin: '1234' });
    const first = await client.request(request);
    const again = await client.request(request);
    expect(pack(ISO87A, again)).toEqual(pack(ISO87A, first));
    const reused = new Map(request.fields).set(3, '311000');
    const conflict = await client.request({ mti: request.mti, fields: reused });
    expect(conflict.fields.get(39)).toBe('94');
    const replays = await t.prisma.auditEvent.findMany({ where: { channel: 'pos', detail: { path: ['replay'], equals: true } } });
    expect(replays).toHaveLength(1);
    expect(replays[0].outcome).toBe('APPROVED');
    expect(await t.prisma.auditEvent.count({ where: { channel: 'pos', outcome: 'DUPLICATE' } })).toBe(1);
  });

  it('answers many requests in flight on one connection, each to its own STAN', async () => {
    const cards = [
      { pan: '4761739001010010', pin: '1234', currency: '840' },
      { pan: '6217000000000014', pin: '8888', currency: '156' },
    ];
    const requests = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => ({ card: cards[i % 2], message: await saldo001.balanceInquiry(cards[i % 2]) })),
    );
    const responses = await Promise.all(requests.map((r) => client.request(r.message)));
    responses.forEach((response, i) => {
      expect(response.fields.get(11)).toBe(requests[i].message.fields.get(11));
      expect(response.fields.get(39)).toBe('00');
      expect(amounts(response.fields.get(54))[0].currency).toBe(requests[i].card.currency);
    });
  });

  it('answers 0800 echo, sign-on and sign-off (MACed both ways for a MAC terminal), and 58 to an unknown terminal', async () => {
    for (const action of ['echo', 'sign-on', 'sign-off'] as const) {
      const request = await saldo001.networkManagement(action);
      const response = await client.request(request);
      expect(response.mti).toBe('0810');
      expect(response.fields.get(39)).toBe('00');
      expect(response.fields.get(70)).toBe(request.fields.get(70));
    }
    const signed = await saldo003.networkManagement('echo');
    const signedAnswer = await client.request(signed);
    expect(signedAnswer.fields.get(39)).toBe('00');
    expect(saldo003.verifyResponseMac(signedAnswer)).toBe('VERIFIED');
    const unsigned = await saldo003.networkManagement('sign-on');
    const stripped = new Map(unsigned.fields);
    stripped.delete(128);
    expect((await client.request({ mti: '0800', fields: stripped })).fields.get(39)).toBe('63');

    const echo = await saldo001.networkManagement('echo');
    const stranger = await client.request({ mti: '0800', fields: new Map(echo.fields).set(41, 'NOBODY02').set(11, '999003') });
    expect(stranger.fields.get(39)).toBe('58');
  });

  it('answers 30 where the MTI can be read, closes the connection where it cannot, and keeps serving others', async () => {
    const request = await saldo001.balanceInquiry({ pan: '4761739001010010', pin: '1234' });
    const bytes = pack(ISO87A, request);
    // Field 3 is the first field after the bitmap: put a letter in it.
    const bitmapEnd = 4 + 16;
    const bad = Buffer.from(bytes);
    bad[bitmapEnd + 2] = 0x41;
    const unknownMti = Buffer.from(bytes);
    unknownMti.write('0300', 0, 'latin1');

    const raw = await rawPos(t);
    raw.socket.write(frame(DEFAULT_POS_FRAMING, Buffer.alloc(0), bad));
    raw.socket.write(frame(DEFAULT_POS_FRAMING, Buffer.alloc(0), unknownMti));
    await waitFor(() => Buffer.concat(raw.received).length > 0 && countFrames(Buffer.concat(raw.received)) === 2);
    const answers = splitFrames(Buffer.concat(raw.received)).map((m) => unpack(ISO87A, m));
    const byMti = new Map(answers.map((a) => [a.mti, a]));
    expect(byMti.get('0210')?.fields.get(39)).toBe('30');
    expect(byMti.get('0310')?.fields.get(39)).toBe('30');
    expect(byMti.get('0310')?.fields.get(11)).toBe(request.fields.get(11));
    for (const a of answers) expect(a.fields.has(2)).toBe(false);

    raw.socket.write(frame(DEFAULT_POS_FRAMING, Buffer.alloc(0), Buffer.from('XXXX0000')));
    await raw.closed;
    const oversize = await rawPos(t);
    oversize.socket.write(Buffer.from([0xff, 0xff, 0x30]));
    await oversize.closed;

    expect((await client.request(await saldo001.balanceInquiry({ pan: '4761739001010010', pin: '1234' }))).fields.get(39)).toBe('00');
  });

  it('answers the frames that came before a bad length, then hangs up; closes on a reserved MTI and ignores a notification', async () => {
    const first = pack(ISO87A, await saldo001.balanceInquiry({ pan: '4761739001010010', pin: '1234' }));
    const second = pack(ISO87A, await saldo001.balanceInquiry({ pan: '4761739001010010', pin: '1234' }));
    const raw = await rawPos(t);
    // Two whole frames and a bad length header in one write.
    raw.socket.write(Buffer.concat([frame(DEFAULT_POS_FRAMING, Buffer.alloc(0), first), frame(DEFAULT_POS_FRAMING, Buffer.alloc(0), second), Buffer.from([0xff, 0xff])]));
    await raw.closed;
    const answers = splitFrames(Buffer.concat(raw.received)).map((m) => unpack(ISO87A, m));
    expect(answers.map((a) => a.fields.get(39))).toEqual(['00', '00']);

    const notification = Buffer.from(first);
    notification.write('0240', 0, 'latin1');
    const reserved = Buffer.from(first);
    reserved.write('0250', 0, 'latin1');
    const other = await rawPos(t);
    other.socket.write(frame(DEFAULT_POS_FRAMING, Buffer.alloc(0), notification));
    other.socket.write(frame(DEFAULT_POS_FRAMING, Buffer.alloc(0), reserved));
    await other.closed;
    expect(Buffer.concat(other.received)).toHaveLength(0);
  });

  it('never writes a card number, PIN block or track data to the log', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const log = readFileSync(t.logFile, 'utf8');
    for (const pan of ['4761739001010010', '6217000000000014', '6217000000000022', '4761739001010028']) expect(log).not.toContain(pan);
    expect(log).not.toMatch(/=3012101/);
  });
});

/** One raw message over its own connection, and its answer. */
async function exchangeOn(t: TestApp, message: Buffer): Promise<{ code: string | undefined; message: Iso8583Message }> {
  const raw = await rawPos(t);
  try {
    raw.socket.write(frame(DEFAULT_POS_FRAMING, Buffer.alloc(0), message));
    await waitFor(() => countFrames(Buffer.concat(raw.received)) === 1);
    const answer = unpack(ISO87A, splitFrames(Buffer.concat(raw.received))[0] ?? Buffer.alloc(0));
    return { code: answer.fields.get(39), message: answer };
  } finally {
    raw.socket.destroy();
  }
}

function splitFrames(data: Buffer): Buffer[] {
  const frames = [];
  let i = 0;
  while (i + 2 <= data.length) {
    const length = data.readUInt16BE(i);
    frames.push(data.subarray(i + 2, i + 2 + length));
    i += 2 + length;
  }
  return frames;
}

function countFrames(data: Buffer): number {
  let i = 0;
  let n = 0;
  while (i + 2 <= data.length && i + 2 + data.readUInt16BE(i) <= data.length) {
    i += 2 + data.readUInt16BE(i);
    n++;
  }
  return n;
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
