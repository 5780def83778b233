import { describe, expect, it } from 'vitest';
import { SaldoConfig } from '#config';
import { cardFromMessage } from '../../libs/channels/src/pos/request/card-input.js';
import { readEmvTags } from '../../libs/channels/src/pos/request/emv-tlv.js';
import { ISO4_TAG, pinBlockFromMessage } from '../../libs/channels/src/pos/request/pin-block-input.js';
import { responseMti, responseTo, retrievalReference } from '../../libs/channels/src/pos/pos-response.js';
import { DuplicateGuard } from '../../libs/channels/src/pos/duplicates/duplicate-guard.js';
import { InMemoryMessageMemory } from '#platform';
import type { PosTerminal } from '../../libs/channels/src/pos/terminal.directory.js';

const PAN = '4761739001010010';
const fields = (entries: Array<[number, string]>) => new Map(entries);

describe('card of a request', () => {
  it('takes field 2 with field 14, track 2, or the chip, in that order', () => {
    expect(cardFromMessage(fields([[2, PAN], [14, '3012']]))).toEqual({ ok: true, pan: PAN, expiry: '3012', source: 'keyed' });
    expect(cardFromMessage(fields([[35, `${PAN}=30121011234`]]))).toEqual({ ok: true, pan: PAN, expiry: '3012', source: 'track2' });
    expect(cardFromMessage(fields([[35, `${PAN}D3012`]]))).toMatchObject({ ok: true, pan: PAN, expiry: '3012' });
    // 9F26 (cryptogram), then 5F24 expiry 301231, then 5A PAN.
    const chip = '9F2608AABBCCDDEEFF0011' + '5F2403301231' + '5A08' + PAN;
    expect(cardFromMessage(fields([[55, chip]]))).toEqual({ ok: true, pan: PAN, expiry: '3012', source: 'chip' });
  });

  it('reads a PAN padded with F and a track 2 equivalent (tag 57) inside a template', () => {
    const pan15 = '476173900101001';
    expect(cardFromMessage(fields([[55, `5A08${pan15}F`]]))).toMatchObject({ ok: true, pan: pan15 });
    expect(cardFromMessage(fields([[55, `70125710${PAN}D30121010000000F`]]))).toMatchObject({ ok: true, pan: PAN, expiry: '3012' });
  });

  it('refuses a field 2 and a track 2 naming different cards, without quoting either', () => {
    const result = cardFromMessage(fields([[2, PAN], [35, '4761739001010028=3012']]));
    expect(result).toEqual({ ok: false, problem: 'fields 2 and 35: name different cards' });
  });

  it('names what is missing or malformed', () => {
    expect(cardFromMessage(fields([]))).toEqual({ ok: false, problem: 'no card: field 2, 35, 55 or a QR token in 48 is required' });
    expect(cardFromMessage(fields([[35, '=3012']]))).toMatchObject({ ok: false, problem: expect.stringContaining('field 35') });
    expect(cardFromMessage(fields([[55, '5A08476173']]))).toEqual({ ok: false, problem: 'field 55: not BER-TLV data' });
    expect(cardFromMessage(fields([[55, '9F02060000000001009F2701']]))).toMatchObject({ ok: false });
    expect(cardFromMessage(fields([[48, 'QRTOKEN']]))).toEqual({ ok: false, problem: 'field 48: not a Saldo QR token' });
  });

  it('takes a QR token from field 48 alone, and refuses it beside a card as ambiguous', () => {
    const token = `SQ${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'}`;
    expect(cardFromMessage(fields([[48, token]]))).toEqual({ ok: true, qrToken: token, source: 'qr' });
    // Scanners may add a newline or lower-case what they read.
    expect(cardFromMessage(fields([[48, ` ${token.toLowerCase()}\r`]]))).toEqual({ ok: true, qrToken: token, source: 'qr' });
    for (const n of [2, 35, 55]) {
      const card = n === 2 ? PAN : n === 35 ? `${PAN}=3012` : `5A08${PAN}`;
      expect(cardFromMessage(fields([[48, token], [n, card]]))).toEqual({ ok: false, problem: 'field 48 with 2, 35 or 55: give a QR token or a card, not both' });
    }
  });

  it('walks BER-TLV with two-byte tags, long lengths and padding', () => {
    const long = 'AB'.repeat(130);
    const tags = readEmvTags(`00FF9F3681${(130).toString(16)}${long}5A02${'1234'}`);
    expect(tags?.get('9F36')?.length).toBe(130);
    expect(tags?.get('5A')?.toString('hex')).toBe('1234');
    expect(readEmvTags('5A')).toBeUndefined();
    expect(readEmvTags('ZZ')).toBeUndefined();
  });
});

const TDES_TERMINAL: PosTerminal = {
  tid: 'SALDO001',
  mid: 'SALDOMERCHANT01',
  active: true,
  pinMode: 'DUKPT_TDES',
  pinBlockFormat: 'ISO-0',
  pinKeyRef: 'BDK.TDES.DEMO',
  dukptInitialId: 'FFFF9876543210E00000',
  macRequired: false,
  macKeyRef: null,
};

describe('PIN block of a request', () => {
  it('takes field 52 with the KSN of field 53 for a DUKPT terminal', () => {
    const result = pinBlockFromMessage(fields([[52, '1B9C1845EB993A7A'], [53, 'FFFF9876543210E00001']]), TDES_TERMINAL);
    expect(result).toEqual({ ok: true, pinBlock: { format: 'ISO-0', block: '1B9C1845EB993A7A', keyRef: 'BDK.TDES.DEMO', ksn: 'FFFF9876543210E00001' } });
  });

  it('refuses a KSN of another device as a security violation, and a missing one as a format error', () => {
    const other = pinBlockFromMessage(fields([[52, '1B9C1845EB993A7A'], [53, 'FFFF9876543211E00001']]), TDES_TERMINAL);
    expect(other).toMatchObject({ ok: false, outcome: 'SECURITY_ERROR' });
    expect(pinBlockFromMessage(fields([[52, '1B9C1845EB993A7A']]), TDES_TERMINAL)).toMatchObject({ ok: false, outcome: 'FORMAT_ERROR' });
    expect(pinBlockFromMessage(fields([[53, 'FFFF9876543210E00001']]), TDES_TERMINAL)).toMatchObject({ ok: false, outcome: 'FORMAT_ERROR' });
  });

  it('takes an ISO 4 block from field 62 for an AES terminal, and refuses a terminal with no PIN key', () => {
    const aes: PosTerminal = { ...TDES_TERMINAL, pinMode: 'DUKPT_AES', pinBlockFormat: 'ISO-4', pinKeyRef: 'BDK.AES.DEMO', dukptInitialId: '1234567890123456' };
    const block = 'A912150391AB65A67E52883D81CE2D15';
    const ok = pinBlockFromMessage(fields([[62, ISO4_TAG + block], [53, '123456789012345600000001']]), aes);
    expect(ok).toMatchObject({ ok: true, pinBlock: { format: 'ISO-4', block, ksn: '123456789012345600000001' } });
    expect(pinBlockFromMessage(fields([[52, '1B9C1845EB993A7A'], [53, '123456789012345600000001']]), aes)).toMatchObject({ ok: false, outcome: 'FORMAT_ERROR' });
    expect(pinBlockFromMessage(fields([[52, '1B9C1845EB993A7A']]), { ...TDES_TERMINAL, pinMode: 'NONE' })).toMatchObject({
      ok: false,
      outcome: 'REQUESTER_NOT_PERMITTED',
    });
  });
});

describe('response', () => {
  it('answers requests and advices with the next function digit, and nothing else', () => {
    expect(['0100', '0200', '0800', '0220', '0400'].map(responseMti)).toEqual(['0110', '0210', '0810', '0230', '0410']);
    expect(['0110', '0210', '0810', '0230'].map(responseMti)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('echoes the matching fields, never the card, and makes the RRN from the date and the STAN', () => {
    const request = { mti: '0200', fields: fields([[2, PAN], [3, '310000'], [11, '000042'], [41, 'SALDO001'], [52, 'AB'.repeat(8)]]) };
    const response = responseTo(request, '00', new Date('2026-02-01T13:05:00Z'));
    expect(response?.mti).toBe('0210');
    expect([...(response?.fields.keys() ?? [])].sort((a, b) => a - b)).toEqual([3, 11, 37, 39, 41]);
    expect(response?.fields.get(37)).toBe('603213000042');
    expect(retrievalReference(new Date('2026-12-31T23:00:00Z'), undefined)).toBe('636523000000');
  });
});

describe('duplicate guard (in-memory twin)', () => {
  const guard = () => new DuplicateGuard(new InMemoryMessageMemory(), new SaldoConfig({}));
  const id = { tid: 'SALDO001', stan: '000001', transmitted: '1202101500' };
  const deadline = () => Date.now() + 1_000;

  it('replays the first answer to the same bytes and refuses other bytes under the same key', async () => {
    const g = guard();
    const first = await g.check(id, Buffer.from('request'), deadline());
    expect(first.kind).toBe('first');
    if (first.kind === 'first') first.remember(Buffer.from('answer'), 'APPROVED');
    await new Promise((resolve) => setImmediate(resolve));
    const again = await g.check(id, Buffer.from('request'), deadline());
    expect(again).toEqual({ kind: 'replay', response: Buffer.from('answer'), outcome: 'APPROVED' });
    expect((await g.check(id, Buffer.from('other'), deadline())).kind).toBe('conflict');
    expect((await g.check({ ...id, stan: '000002' }, Buffer.from('other'), deadline())).kind).toBe('first');
  });

  it('makes a repeat wait for the first answer, and gives up at the deadline', async () => {
    const g = guard();
    const first = await g.check(id, Buffer.from('request'), deadline());
    const waiting = g.check(id, Buffer.from('request'), deadline());
    setTimeout(() => first.kind === 'first' && first.remember(Buffer.from('late answer'), 'WRONG_PIN'), 60);
    expect(await waiting).toMatchObject({ kind: 'replay', outcome: 'WRONG_PIN' });
    const other = { ...id, stan: '000003' };
    await g.check(other, Buffer.from('request'), deadline());
    expect((await g.check(other, Buffer.from('request'), Date.now() + 50)).kind).toBe('unanswered');
  });

  it('lets a repeat be the first again when the first attempt was forgotten', async () => {
    const g = guard();
    const first = await g.check(id, Buffer.from('request'), deadline());
    if (first.kind === 'first') first.forget();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await g.check(id, Buffer.from('request'), deadline())).kind).toBe('first');
  });
});
