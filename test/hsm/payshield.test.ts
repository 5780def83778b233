import { createHmac } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Pan } from '../../libs/domain/src/pan.js';
import { CryptoError, type EncryptedPinBlock, type MacAlgorithm, type PinBlockFormat } from '../../libs/hsm/src/crypto.port.js';
import type { HsmLogger } from '../../libs/hsm/src/payshield/connection.js';
import { PayShieldEmulator } from '../../libs/hsm/src/payshield/emulator.js';
import { PayShieldHsm, type PayShieldHsmOptions } from '../../libs/hsm/src/payshield/payshield-hsm.driver.js';
import { KeyAdmin } from '../../libs/hsm/src/software/key-admin.js';
import { MemoryKeyStore } from '../../libs/hsm/src/software/key-store.js';
import { encryptPinBlockForSeed } from '../../libs/hsm/src/software/pin-pad.js';
import { SoftwareHsm } from '../../libs/hsm/src/software/software-hsm.driver.js';
import { cryptoError, pan, TEST_LMK, vectorPan } from './helpers.js';
import { terminalPinBlock } from './terminal.js';

/*
 * PayShieldHsm (the payShield host-command driver) against PayShieldEmulator over a real loopback
 * socket, compared answer for answer with the in-process SoftwareHsm on the same key store.
 */

// Published keys: shared/vectors/pinblock.json, pin-verification.json, dukpt.json, mac.json.
const TPK_HEX = 'DDDDEEEEFFFFAAAABBBBCCCCDDDDEEEE'; // KCV 06332B
const ZPK_HEX = 'AABBCCDDEEFF00112233445566778899'; // KCV C4F0A4
const PVK_HEX = '0123456789ABCDEFFEDCBA9876543210'; // KCV 08D7B4
const BDK_HEX = '0123456789ABCDEFFEDCBA9876543210'; // X9.24-1 A.4.2 test BDK
const TAK_HEX = '41414141414141414242424242424242'; // psec test_mac.py
const ZAK_HEX = '0123456789ABCDEFFEDCBA9876543210'; // CyberChef retail MAC
const TAK_AES_HEX = '2B7E151628AED2A6ABF7158809CF4F3C'; // RFC 4493
const ZAK_AES_HEX = '00112233445566778899AABBCCDDEEFF'; // CyberChef CMAC, KCV 53E107
const PAN_HASH_HEX = '6B1E2F5A9C3D4E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F';
const KEY_HEX = [TPK_HEX, ZPK_HEX, PVK_HEX, BDK_HEX, TAK_HEX, ZAK_HEX, TAK_AES_HEX, ZAK_AES_HEX, PAN_HASH_HEX];

/** pinblock.json "encrypted"/"translate": PIN 1234, PAN 5432101234567890 (fails Luhn: a stand-in Pan). */
const VECTOR_PAN = vectorPan('5432101234567890');
const TPK_BLOCK: EncryptedPinBlock = { format: 'ISO-0', block: '7F381DBF9F6906C4', keyRef: 'TPK-T1' };
const ZPK_BLOCK: EncryptedPinBlock = { format: 'ISO-0', block: '06C0408B869B2CEB', keyRef: 'ZPK-NET' };
/** dukpt.json "tdes" (X9.24-1 A.4.2, moov-io/dukpt): PIN 1234, PAN 4012345678909, KSN …E00001. */
const DUKPT_PAN = vectorPan('4012345678909');
const DUKPT_KSN = 'FFFF9876543210E00001';
const DUKPT_BLOCK: EncryptedPinBlock = { format: 'ISO-0', block: '1B9C1845EB993A7A', keyRef: 'BDK-T', ksn: DUKPT_KSN };

const CARD = pan('4111111111111111');
const ALL_PANS = ['5432101234567890', '4012345678909', '4111111111111111'];

class CapturingLogger implements HsmLogger {
  readonly lines: { level: string; message: string }[] = [];
  log(message: string): void {
    this.lines.push({ level: 'log', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  matching(pattern: RegExp): string[] {
    return this.lines.map((l) => l.message).filter((m) => pattern.test(m));
  }
}

let store: MemoryKeyStore;
let soft: SoftwareHsm;

beforeAll(async () => {
  store = new MemoryKeyStore();
  const admin = new KeyAdmin(TEST_LMK, store);
  await admin.importKey({ ref: 'TPK-T1', type: 'TPK', algorithm: 'TDES', clearHex: TPK_HEX, expectedKcv: '06332B' });
  await admin.importKey({ ref: 'ZPK-NET', type: 'ZPK', algorithm: 'TDES', clearHex: ZPK_HEX, expectedKcv: 'C4F0A4' });
  // The TPK's value again, as a zone key: the ZPK→ZPK (CC) leg of pinblock.json "translate".
  await admin.importKey({ ref: 'ZPK-ACQ', type: 'ZPK', algorithm: 'TDES', clearHex: TPK_HEX, expectedKcv: '06332B' });
  await admin.importKey({ ref: 'PVK', type: 'PVK', algorithm: 'TDES', clearHex: PVK_HEX, expectedKcv: '08D7B4' });
  await admin.importKey({ ref: 'BDK-T', type: 'BDK', algorithm: 'TDES', clearHex: BDK_HEX, expectedKcv: '08D7B4' });
  await admin.importKey({ ref: 'TAK-T', type: 'TAK', algorithm: 'TDES', clearHex: TAK_HEX });
  await admin.importKey({ ref: 'ZAK-T', type: 'ZAK', algorithm: 'TDES', clearHex: ZAK_HEX });
  await admin.importKey({ ref: 'TAK-AES', type: 'TAK', algorithm: 'AES', clearHex: TAK_AES_HEX });
  await admin.importKey({ ref: 'ZAK-AES', type: 'ZAK', algorithm: 'AES', clearHex: ZAK_AES_HEX, expectedKcv: '53E107' });
  await admin.importKey({ ref: 'PAN_HASH', type: 'PAN_HASH', algorithm: 'HMAC', clearHex: PAN_HASH_HEX });
  soft = new SoftwareHsm(TEST_LMK, store);
});

// Per test: an emulator on a free port, the drivers made by `driver()`, and their loggers.
let emulator: PayShieldEmulator;
let port: number;
let latency: (command: string, header: string) => number;
let emulatorLog: CapturingLogger;
let driverLogs: CapturingLogger[];
let drivers: PayShieldHsm[];
let extraPans: string[];

beforeEach(async () => {
  latency = () => 0;
  emulatorLog = new CapturingLogger();
  driverLogs = [];
  drivers = [];
  extraPans = [];
  emulator = new PayShieldEmulator({ lmkHex: TEST_LMK, logger: emulatorLog, latency: (c, h) => latency(c, h) });
  port = await emulator.start(0);
});

afterEach(async () => {
  for (const d of drivers) d.close();
  await emulator.stop();
  // No PAN (nor its account number) in any log line of the driver or the emulator.
  const text = [...emulatorLog.lines, ...driverLogs.flatMap((l) => l.lines)].map((l) => l.message).join('\n');
  for (const digits of [...ALL_PANS, ...extraPans]) {
    expect(text).not.toContain(digits);
    expect(text).not.toContain(digits.slice(0, -1).slice(-12));
  }
});

function driver(options: Partial<PayShieldHsmOptions> = {}): { hsm: PayShieldHsm; log: CapturingLogger } {
  const log = new CapturingLogger();
  const hsm = new PayShieldHsm({
    host: '127.0.0.1',
    port,
    keyStore: store,
    timeoutMs: 5_000,
    connectTimeoutMs: 1_000,
    backoff: { initialMs: 20, maxMs: 200 },
    logger: log,
    ...options,
  });
  drivers.push(hsm);
  driverLogs.push(log);
  return { hsm, log };
}

function pinPad(pin: string, keyRef: 'TPK-T1' | 'ZPK-NET', card: Pan = CARD, format: PinBlockFormat = 'ISO-0') {
  return encryptPinBlockForSeed({ pin, pan: card, format, keyRef, keyHex: keyRef === 'TPK-T1' ? TPK_HEX : ZPK_HEX });
}

function dukptBlock(pin: string, ksn: string, card = DUKPT_PAN): EncryptedPinBlock {
  return terminalPinBlock({ bdkHex: BDK_HEX, keyRef: 'BDK-T', ksn, pin, pan: card.digits(), format: 'ISO-0' });
}

/** A Luhn-valid 16-digit PAN from a number. */
function cardNumber(i: number): string {
  const body = '411111' + String(i).padStart(9, '0');
  let sum = 0;
  for (let k = 0; k < body.length; k++) {
    let d = Number(body[body.length - 1 - k]);
    if (k % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** Settles a promise into a value, counting how often it settled (must be once). */
function track<T>(promise: Promise<T>) {
  const t = { settles: 0, value: undefined as T | undefined, error: undefined as unknown };
  const done = promise.then(
    (value) => {
      t.settles++;
      t.value = value;
    },
    (error: unknown) => {
      t.settles++;
      t.error = error;
    },
  );
  return Object.assign(t, { done });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('parity with the in-process SoftwareHsm, over loopback TCP', () => {
  it('hashPan (LQ): HMAC-SHA-256 of the digits under PAN_HASH, as the software HSM computes it', async () => {
    const { hsm } = driver();
    for (const card of [CARD, VECTOR_PAN, pan('4012888888881881')]) {
      const expected = createHmac('sha256', Buffer.from(PAN_HASH_HEX, 'hex')).update(card.digits()).digest('hex');
      expect(await soft.hashPan(card)).toBe(expected);
      expect(await hsm.hashPan(card)).toBe(expected);
    }
  });

  const cases = [
    { name: 'TPK (DC / DA), pinblock.json ISO-0 7F381DBF9F6906C4 under TPK DDDD…EEEE KCV 06332B', right: TPK_BLOCK, card: VECTOR_PAN },
    { name: 'ZPK (EC / EA), pinblock.json ISO-0 06C0408B869B2CEB under ZPK AABB…8899 KCV C4F0A4', right: ZPK_BLOCK, card: VECTOR_PAN },
    { name: 'TDES DUKPT (GQ / GO), dukpt.json X9.24-1 A.4.2 block 1B9C1845EB993A7A, BDK 0123…3210, KSN FFFF9876543210E00001', right: DUKPT_BLOCK, card: DUKPT_PAN },
  ];
  for (const { name, right, card } of cases) {
    it(`verifyPin under a ${name}: Visa PVV and IBM 3624 offset, VERIFIED / MISMATCH as the software HSM`, async () => {
      const { hsm } = driver();
      const wrong =
        right.ksn !== undefined
          ? dukptBlock('1235', 'FFFF9876543210E00002')
          : await pinPad('1235', right.keyRef as 'TPK-T1' | 'ZPK-NET', card);
      for (const method of ['VISA_PVV', 'IBM_3624_OFFSET'] as const) {
        const reference = await soft.createPinVerificationData({ pan: card, pinBlock: right, method });
        if (method === 'VISA_PVV' && right.ksn === undefined) expect(reference.value).toBe('1:6776'); // pin-verification, software-hsm.test.ts
        for (const [pinBlock, verdict] of [
          [right, 'VERIFIED'],
          [wrong, 'MISMATCH'],
        ] as const) {
          expect(await soft.verifyPin({ pan: card, pinBlock, reference })).toBe(verdict);
          expect(await hsm.verifyPin({ pan: card, pinBlock, reference })).toBe(verdict);
        }
        // The right PIN against another card's verification data.
        const other = method === 'VISA_PVV' ? { method, value: '1:0000' } : { method, value: '0000' };
        const expected = await soft.verifyPin({ pan: card, pinBlock: right, reference: other });
        expect(await hsm.verifyPin({ pan: card, pinBlock: right, reference: other })).toBe(expected);
      }
    });
  }

  it('createPinVerificationData (FW / BK) gives the software HSM’s PVV and offset', async () => {
    const { hsm } = driver();
    for (const pinBlock of [TPK_BLOCK, ZPK_BLOCK]) {
      for (const method of ['VISA_PVV', 'IBM_3624_OFFSET'] as const) {
        const expected = await soft.createPinVerificationData({ pan: VECTOR_PAN, pinBlock, method });
        expect(await hsm.createPinVerificationData({ pan: VECTOR_PAN, pinBlock, method })).toEqual(expected);
      }
    }
  });

  it('translatePinBlock TPK→ZPK (CA) and ZPK→ZPK (CC): pinblock.json "translate" 7F381DBF9F6906C4 → 06C0408B869B2CEB', async () => {
    const { hsm } = driver();
    for (const from of [TPK_BLOCK, { ...TPK_BLOCK, keyRef: 'ZPK-ACQ' }]) {
      const req = { pan: VECTOR_PAN, from, toKeyRef: 'ZPK-NET', toFormat: 'ISO-0' as const };
      const expected = await soft.translatePinBlock(req);
      expect(expected).toEqual(ZPK_BLOCK);
      expect(await hsm.translatePinBlock(req)).toEqual(expected);
    }
    // ISO-1 → ISO-0 (deterministic both ways), from the PIN pad.
    const iso1 = await pinPad('918273', 'TPK-T1', CARD, 'ISO-1');
    const req = { pan: CARD, from: iso1, toKeyRef: 'ZPK-NET', toFormat: 'ISO-0' as const };
    expect(await hsm.translatePinBlock(req)).toEqual(await soft.translatePinBlock(req));
  });

  it('translatePinBlock TDES DUKPT→ZPK (G0): dukpt.json block 1B9C1845EB993A7A (KSN …E00001) as the software HSM, then verifies under the ZPK', async () => {
    const { hsm } = driver();
    const req = { pan: DUKPT_PAN, from: DUKPT_BLOCK, toKeyRef: 'ZPK-NET', toFormat: 'ISO-0' as const };
    const expected = await soft.translatePinBlock(req);
    const translated = await hsm.translatePinBlock(req);
    expect(translated).toEqual(expected);
    const reference = await soft.createPinVerificationData({ pan: DUKPT_PAN, pinBlock: DUKPT_BLOCK, method: 'VISA_PVV' });
    expect(await hsm.verifyPin({ pan: DUKPT_PAN, pinBlock: translated, reference })).toBe('VERIFIED');
  });

  const macs: { name: string; keyRef: string; algorithm: MacAlgorithm; data: Buffer; mac: string }[] = [
    { name: 'ISO9797-1-ALG3 under a TAK (mac.json, psec test_mac.py)', keyRef: 'TAK-T', algorithm: 'ISO9797-1-ALG3', data: Buffer.from('hello world'), mac: '3DDE5C5511661CBF' },
    { name: 'ISO9797-1-ALG3 under a ZAK (mac.json, J8k3/CyberChef)', keyRef: 'ZAK-T', algorithm: 'ISO9797-1-ALG3', data: Buffer.from('1122334455667788', 'hex'), mac: '3EB3B72576BBBE83' },
    { name: 'AES-CMAC under a TAK, empty message (mac.json, RFC 4493)', keyRef: 'TAK-AES', algorithm: 'AES-CMAC', data: Buffer.alloc(0), mac: 'BB1D6929E9593728' },
    { name: 'AES-CMAC under a TAK, 40 bytes (mac.json, RFC 4493)', keyRef: 'TAK-AES', algorithm: 'AES-CMAC', data: Buffer.from('6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E5130C81C46A35CE411', 'hex'), mac: 'DFA66747DE9AE630' },
    { name: 'AES-CMAC under a ZAK (payments-facts.md §6.2, J8k3/CyberChef)', keyRef: 'ZAK-AES', algorithm: 'AES-CMAC', data: Buffer.from('1122334455667788', 'hex'), mac: '339AF1AD1650E908' },
  ];
  for (const { name, keyRef, algorithm, data, mac } of macs) {
    it(`generateMac / verifyMac (M6 / M8) ${name} → ${mac}; a tampered MAC or message is MISMATCH`, async () => {
      const { hsm } = driver();
      const key = { keyRef };
      expect(await soft.generateMac({ key, algorithm, data })).toBe(mac);
      expect(await hsm.generateMac({ key, algorithm, data })).toBe(mac);
      const tampered = (mac[0] === '0' ? '1' : '0') + mac.slice(1);
      const otherData = Buffer.concat([data, Buffer.from([0x01])]);
      for (const [m, d] of [
        [mac, data],
        [mac.toLowerCase(), data],
        [tampered, data],
        [mac, otherData],
      ] as const) {
        const expected = await soft.verifyMac({ key, algorithm, data: d, mac: m });
        expect(await hsm.verifyMac({ key, algorithm, data: d, mac: m })).toBe(expected);
      }
      expect(await hsm.verifyMac({ key, algorithm, data, mac: tampered })).toBe('MISMATCH');
      expect(await hsm.verifyMac({ key, algorithm, data, mac })).toBe('VERIFIED');
    });
  }

  it('keyCheckValue (BU): mac.json "kcv" (06332B, C4F0A4, 08D7B4, AES 53E107) and every other key, as the software HSM', async () => {
    const { hsm } = driver();
    const published: Record<string, string> = { 'TPK-T1': '06332B', 'ZPK-NET': 'C4F0A4', PVK: '08D7B4', 'BDK-T': '08D7B4', 'ZAK-AES': '53E107' };
    for (const { ref } of await store.list()) {
      const expected = await soft.keyCheckValue(ref);
      if (published[ref]) expect(expected).toBe(published[ref]);
      expect(await hsm.keyCheckValue(ref)).toBe(expected);
    }
  });

  it('health (NC): ok with the emulator’s LMK check value, which is the software HSM’s LMK KCV; not ok without the PAN hashing key', async () => {
    const { hsm } = driver();
    const softHealth = await soft.health();
    const health = await hsm.health();
    expect(health).toMatchObject({ ok: softHealth.ok, driver: 'payshield' });
    const lmkKcv = /LMK KCV ([0-9A-F]{6})/.exec(softHealth.detail)![1];
    expect(emulator.lmkCheckValue.startsWith(lmkKcv)).toBe(true);
    expect(health.detail).toContain(emulator.lmkCheckValue);
    const { hsm: noHashKey } = driver({ panHashKeyRef: 'PAN_HASH_NOPE' });
    const softNoKey = await new SoftwareHsm(TEST_LMK, store, { panHashKeyRef: 'PAN_HASH_NOPE' }).health();
    const bad = await noHashKey.health();
    expect(bad.ok).toBe(softNoKey.ok);
    expect(bad.ok).toBe(false);
    expect(bad.detail).toContain('UNKNOWN_KEY');
  });

  it('what no payShield command serves is UNAVAILABLE, not a wrong answer (phone PINs, DUKPT MACs)', async () => {
    const { hsm } = driver();
    const pinBlock = await pinPad('246810', 'TPK-T1', CARD, 'ISO-1');
    expect((await cryptoError(() => hsm.createPhonePinData({ subject: 'ch-1', pinBlock }))).code).toBe('UNAVAILABLE');
    expect((await cryptoError(() => hsm.verifyPhonePin({ subject: 'ch-1', pinBlock, reference: `v1:${'0'.repeat(32)}` }))).code).toBe('UNAVAILABLE');
    const key = { keyRef: 'BDK-T', ksn: DUKPT_KSN };
    expect((await cryptoError(() => hsm.generateMac({ key, algorithm: 'ISO9797-1-ALG3', data: Buffer.alloc(8) }))).code).toBe('UNAVAILABLE');
  });
});

describe('pipelining on one connection', () => {
  it('1,000 hashPan requests in flight at once on ONE socket, answered out of order, each matched to its own request', async () => {
    const { hsm, log } = driver({ poolSize: 1, timeoutMs: 20_000 });
    await hsm.whenConnected(2_000);
    await hsm.hashPan(CARD); // key token loaded, connection up
    const before = emulator.stats;
    let maxInFlight = 0;
    // Every reply waits ≥ 1 s (so all 1,000 are outstanding together), plus a jitter by header.
    latency = (_code, header) => {
      maxInFlight = Math.max(maxInFlight, hsm.status().inFlight);
      return 1_000 + ((Number(header) * 37) % 97);
    };
    const pans = Array.from({ length: 1_000 }, (_, i) => cardNumber(i));
    extraPans = pans;
    expect(new Set(pans).size).toBe(1_000);
    const expected = await Promise.all(pans.map((digits) => soft.hashPan(pan(digits))));
    const tracked = pans.map((digits) => track(hsm.hashPan(pan(digits))));
    await Promise.all(tracked.map((t) => t.done));

    for (const [i, t] of tracked.entries()) {
      expect(t.error).toBeUndefined();
      expect(t.settles).toBe(1);
      expect(t.value).toBe(expected[i]);
    }
    const after = emulator.stats;
    expect(after.connections).toBe(1);
    expect(after.received - before.received).toBe(1_000);
    expect(after.replied - before.replied).toBe(1_000);
    expect(after.outOfOrder - before.outOfOrder).toBeGreaterThan(0);
    expect(maxInFlight).toBeGreaterThan(900);
    expect(hsm.status()).toMatchObject({ size: 1, connected: 1, inFlight: 0, queued: 0 });
    expect(log.matching(/matching no pending request|late reply/)).toEqual([]);
  });

  it('400 PIN verifications (DC, EC, GQ) with alternating right and wrong PINs, out of order: every verdict its own', async () => {
    const { hsm } = driver({ poolSize: 1, timeoutMs: 20_000 });
    await hsm.whenConnected(2_000);
    latency = (_code, header) => (Number(header) * 53) % 61;
    const reference = await soft.createPinVerificationData({ pan: VECTOR_PAN, pinBlock: TPK_BLOCK, method: 'VISA_PVV' });
    const dukptReference = await soft.createPinVerificationData({ pan: DUKPT_PAN, pinBlock: DUKPT_BLOCK, method: 'VISA_PVV' });
    const wrongTpk = await pinPad('1235', 'TPK-T1', VECTOR_PAN);
    const wrongZpk = await pinPad('1235', 'ZPK-NET', VECTOR_PAN);
    const wrongDukpt = dukptBlock('1235', 'FFFF9876543210E00002');
    const before = emulator.stats.outOfOrder;
    const requests = Array.from({ length: 400 }, (_, i) => {
      const right = i % 2 === 0;
      switch (i % 3) {
        case 0:
          return { right, req: { pan: VECTOR_PAN, pinBlock: right ? TPK_BLOCK : wrongTpk, reference } };
        case 1:
          return { right, req: { pan: VECTOR_PAN, pinBlock: right ? ZPK_BLOCK : wrongZpk, reference } };
        default:
          return { right, req: { pan: DUKPT_PAN, pinBlock: right ? DUKPT_BLOCK : wrongDukpt, reference: dukptReference } };
      }
    });
    const verdicts = await Promise.all(requests.map(({ req }) => hsm.verifyPin(req)));
    verdicts.forEach((verdict, i) => expect(verdict).toBe(requests[i].right ? 'VERIFIED' : 'MISMATCH'));
    expect(emulator.stats.outOfOrder - before).toBeGreaterThan(0);
    expect(emulator.stats.connections).toBe(1);
  });
});

describe('timeouts', () => {
  it('a reply slower than timeoutMs fails with TIMEOUT; its late reply is dropped; later requests get their own answers', async () => {
    const { hsm, log } = driver({ poolSize: 1, timeoutMs: 200 });
    await hsm.whenConnected(2_000);
    const hash = await hsm.hashPan(CARD);
    latency = (code) => (code === 'BU' ? 1_500 : 0);

    const started = Date.now();
    const slow = track(hsm.keyCheckValue('TPK-T1'));
    // Requests on the same connection while the slow one is out, and after it timed out.
    expect(await hsm.hashPan(CARD)).toBe(hash);
    await slow.done;
    expect(Date.now() - started).toBeLessThan(1_400);
    expect(slow.error).toBeInstanceOf(CryptoError);
    expect((slow.error as CryptoError).code).toBe('TIMEOUT');
    expect(await hsm.verifyPin({ pan: VECTOR_PAN, pinBlock: TPK_BLOCK, reference: { method: 'VISA_PVV', value: '1:6776' } })).toBe('VERIFIED');

    // The late BU reply arrives, is recognised as late and dropped: it answers nobody.
    const replied = emulator.stats.replied;
    await vi.waitFor(() => expect(emulator.stats.replied).toBeGreaterThan(replied), { timeout: 5_000, interval: 20 });
    await vi.waitFor(() => expect(log.matching(/late reply/)).toHaveLength(1), { timeout: 2_000, interval: 20 });
    expect(log.matching(/matching no pending request/)).toEqual([]);
    latency = () => 0;
    const [kcv, again] = await Promise.all([hsm.keyCheckValue('ZPK-NET'), hsm.hashPan(CARD)]);
    expect(kcv).toBe('C4F0A4');
    expect(again).toBe(hash);
    expect(slow.settles).toBe(1);
    expect(emulator.stats.connections).toBe(1);
  });

  it('when the HSM stops answering altogether, the connection is replaced once enough replies are overdue, and service resumes', async () => {
    const { hsm, log } = driver({ poolSize: 1, timeoutMs: 200 });
    await hsm.whenConnected(2_000);
    const hash = await hsm.hashPan(CARD);
    latency = () => 60_000; // a hung HSM: stop() clears these timers
    // More than the connection's allowance of overdue replies (100), some of them sent later.
    const first = Array.from({ length: 90 }, () => track(hsm.keyCheckValue('TPK-T1')));
    await sleep(50);
    const second = Array.from({ length: 30 }, () => track(hsm.keyCheckValue('TPK-T1')));
    await Promise.all([...first, ...second].map((t) => t.done));
    for (const t of [...first, ...second]) {
      expect(t.settles).toBe(1);
      expect((t.error as CryptoError).code).toBe('TIMEOUT');
    }
    latency = () => 0;
    // A fresh connection takes over (the old one could never get its replies back).
    await vi.waitFor(async () => expect(await hsm.hashPan(CARD)).toBe(hash), { timeout: 3_000, interval: 50 });
    expect(log.matching(/overdue/).length).toBeGreaterThan(0);
    expect(emulator.stats.connections).toBe(1);
  });
  it('a connection being replaced still delivers its pending replies, and requests made meanwhile go to its replacement', async () => {
    const { hsm, log } = driver({ poolSize: 1, timeoutMs: 2_000 });
    await hsm.whenConnected(2_000);
    const hash = await hsm.hashPan(CARD);
    let lqDelay = 0;
    let buDelay = 60_000;
    latency = (code) => (code === 'BU' ? buDelay : code === 'LQ' ? lqDelay : 0);
    // 1. 110 commands that will time out at ~2 s (over the 100 overdue replies a connection allows).
    const overdue = Array.from({ length: 110 }, () => track(hsm.keyCheckValue('TPK-T1')));
    // 2. At ~1 s, one whose reply comes at ~2.5 s: still pending when the connection starts draining.
    await sleep(1_000);
    lqDelay = 1_500;
    const received = emulator.stats.received;
    const pendingWhileDraining = track(hsm.hashPan(CARD));
    await vi.waitFor(() => expect(emulator.stats.received).toBe(received + 1), { timeout: 1_000, interval: 5 });
    lqDelay = 0;
    await Promise.all(overdue.map((t) => t.done));
    expect(overdue.every((t) => (t.error as CryptoError).code === 'TIMEOUT')).toBe(true);
    expect(log.matching(/overdue/)).toHaveLength(1);
    buDelay = 0;
    // 3. Made while draining: waits for the replacement connection rather than failing.
    const madeWhileDraining = [track(hsm.hashPan(CARD)), track(hsm.keyCheckValue('ZPK-NET'))];
    await Promise.all([pendingWhileDraining, ...madeWhileDraining].map((t) => t.done));
    expect(pendingWhileDraining.error).toBeUndefined();
    expect(pendingWhileDraining.value).toBe(hash);
    expect(madeWhileDraining.map((t) => t.error)).toEqual([undefined, undefined]);
    expect(madeWhileDraining.map((t) => t.value)).toEqual([hash, 'C4F0A4']);
    expect(emulator.stats.connections).toBe(1);
  });
});

describe('connection loss', () => {
  it('dropConnections() with requests in flight: each fails once with UNAVAILABLE, none hangs; the driver reconnects and serves again', async () => {
    const { hsm, log } = driver({ poolSize: 1, timeoutMs: 10_000 });
    await hsm.whenConnected(2_000);
    const hash = await hsm.hashPan(CARD);
    latency = () => 2_000;
    const before = emulator.stats.received;
    const inFlight = [
      ...Array.from({ length: 10 }, () => track(hsm.hashPan(CARD))),
      ...Array.from({ length: 10 }, () => track(hsm.verifyPin({ pan: VECTOR_PAN, pinBlock: TPK_BLOCK, reference: { method: 'VISA_PVV', value: '1:6776' } }))),
    ];
    await vi.waitFor(() => expect(emulator.stats.received - before).toBe(20), { timeout: 3_000, interval: 10 });
    const dropped = Date.now();
    emulator.dropConnections();
    await Promise.all(inFlight.map((t) => t.done));
    expect(Date.now() - dropped).toBeLessThan(1_500);
    for (const t of inFlight) {
      expect(t.settles).toBe(1);
      expect(t.value).toBeUndefined();
      expect(t.error).toBeInstanceOf(CryptoError);
      expect((t.error as CryptoError).code).toBe('UNAVAILABLE');
    }
    latency = () => 0;
    await vi.waitFor(() => expect(log.matching(/connected again/)).toHaveLength(1), { timeout: 3_000, interval: 20 });
    expect(await hsm.hashPan(CARD)).toBe(hash);
    expect(log.matching(/connection lost/)).toHaveLength(1);
    // Nothing settled a second time after the reconnect.
    await sleep(50);
    for (const t of inFlight) expect(t.settles).toBe(1);
  });

  it('with two connections, a lost one fails only its own requests; the other keeps serving', async () => {
    const { hsm } = driver({ poolSize: 2, timeoutMs: 10_000 });
    hsm.start();
    await vi.waitFor(() => expect(hsm.status().connected).toBe(2), { timeout: 3_000, interval: 10 });
    const hash = await hsm.hashPan(CARD);
    latency = () => 1_000;
    const inFlight = Array.from({ length: 10 }, () => track(hsm.hashPan(CARD)));
    await vi.waitFor(() => expect(hsm.status().inFlight).toBe(10), { timeout: 3_000, interval: 10 });
    emulator.dropConnections();
    await Promise.all(inFlight.map((t) => t.done));
    expect(inFlight.every((t) => t.settles === 1 && (t.error as CryptoError).code === 'UNAVAILABLE')).toBe(true);
    latency = () => 0;
    await vi.waitFor(() => expect(hsm.status().connected).toBe(2), { timeout: 3_000, interval: 20 });
    expect(await Promise.all([hsm.hashPan(CARD), hsm.hashPan(CARD), hsm.hashPan(CARD)])).toEqual([hash, hash, hash]);
  });

  it('close() fails what is in flight with UNAVAILABLE, and later requests at once', async () => {
    const { hsm } = driver({ poolSize: 1 });
    await hsm.whenConnected(2_000);
    latency = () => 2_000;
    const pending = track(hsm.hashPan(CARD));
    await vi.waitFor(() => expect(hsm.status().inFlight).toBe(1), { timeout: 2_000, interval: 10 });
    hsm.close();
    await pending.done;
    expect((pending.error as CryptoError).code).toBe('UNAVAILABLE');
    expect((await cryptoError(() => hsm.hashPan(CARD))).code).toBe('UNAVAILABLE');
  });
});

describe('unsolicited responses', () => {
  it('a response whose header matches no request is dropped and logged, answers nobody, and breaks nothing', async () => {
    const { hsm, log } = driver({ poolSize: 1 });
    await hsm.whenConnected(2_000);
    const hash = await hsm.hashPan(CARD);
    // Nothing in flight: a stray reply.
    emulator.broadcast('9999ND00' + emulator.lmkCheckValue + 'SALDO-EMU');
    await vi.waitFor(() => expect(log.matching(/matching no pending request/)).toHaveLength(1), { timeout: 2_000, interval: 10 });
    // With requests in flight: stray replies, one with a non-numeric header, one too short for a header.
    latency = () => 300;
    const inFlight = Array.from({ length: 5 }, () => track(hsm.hashPan(CARD)));
    const health = track(hsm.health());
    await vi.waitFor(() => expect(hsm.status().inFlight).toBe(6), { timeout: 2_000, interval: 10 });
    emulator.broadcast('9998LR000032' + 'x'.repeat(32));
    emulator.broadcast('\x00\x01\xffzND00');
    emulator.broadcast('ab');
    await Promise.all([...inFlight, health].map((t) => t.done));
    for (const t of inFlight) {
      expect(t.settles).toBe(1);
      expect(t.value).toBe(hash);
    }
    expect(health.value).toMatchObject({ ok: true });
    expect(log.matching(/matching no pending request/)).toHaveLength(3);
    expect(log.matching(/too short for a header/)).toHaveLength(1);
    expect(log.matching(/\(binary\)/)).toHaveLength(1);
    latency = () => 0;
    expect(await hsm.hashPan(CARD)).toBe(hash);
    expect(emulator.stats.connections).toBe(1);
  });
});

describe('bad input over the driver: the software HSM’s error codes, no secret in any message', () => {
  const visa = { method: 'VISA_PVV', value: '1:6776' } as const;
  /** The driver's errors of the running test; afterEach checks that none holds a secret. */
  let collected: CryptoError[] = [];
  let secrets: string[] = [];

  beforeAll(async () => {
    const stored = await Promise.all((await store.list()).map((k) => store.find(k.ref)));
    secrets = [
      ...ALL_PANS,
      ...ALL_PANS.map((p) => p.slice(0, -1).slice(-12)),
      '918273',
      TPK_BLOCK.block,
      ZPK_BLOCK.block,
      DUKPT_BLOCK.block,
      ...KEY_HEX,
      TEST_LMK,
      ...stored.map((k) => k!.encryptedValue),
    ].map((s) => s.toUpperCase());
  });

  beforeEach(() => {
    collected = [];
  });

  afterEach(() => {
    // No PAN, account number, PIN, PIN block, key or key token in any error message.
    expect(collected.length).toBeGreaterThan(0);
    for (const error of collected) {
      expect(error).toBeInstanceOf(CryptoError);
      for (const text of [error.message, String(error.stack), inspect(error, { depth: 5 }), JSON.stringify(error)]) {
        for (const secret of secrets) expect(text.toUpperCase()).not.toContain(secret);
      }
    }
  });

  /** Both drivers refuse with the same code; returns the driver's error. */
  async function sameRefusal(call: (hsm: SoftwareHsm | PayShieldHsm) => Promise<unknown>, hsm: PayShieldHsm, code: string) {
    const expected = await cryptoError(() => call(soft));
    const error = await cryptoError(() => call(hsm));
    expect(expected.code).toBe(code);
    expect(error.code).toBe(code);
    collected.push(error);
    return error;
  }

  it('malformed PIN blocks (length, hex, a block that decodes to nothing) → BAD_PIN_BLOCK', async () => {
    const { hsm } = driver();
    for (const block of ['', '7F381DBF9F6906C', '7F381DBF9F6906C4AA', '7F381DBF9F6906CG', ' 7F381DBF9F6906C', '7F381DBF9F6906C47F381DBF9F6906C4', '0123456789ABCDEF']) {
      for (const method of ['VISA_PVV', 'IBM_3624_OFFSET'] as const) {
        const reference = method === 'VISA_PVV' ? visa : { method, value: '1234' };
        await sameRefusal((d) => d.verifyPin({ pan: VECTOR_PAN, pinBlock: { ...TPK_BLOCK, block }, reference }), hsm, 'BAD_PIN_BLOCK');
      }
      await sameRefusal((d) => d.translatePinBlock({ pan: VECTOR_PAN, from: { ...TPK_BLOCK, block }, toKeyRef: 'ZPK-NET', toFormat: 'ISO-0' }), hsm, 'BAD_PIN_BLOCK');
    }
    // Under another PAN (ISO-0 binds the PIN to the PAN) and under another key: decodes to nothing.
    await sameRefusal((d) => d.verifyPin({ pan: CARD, pinBlock: TPK_BLOCK, reference: visa }), hsm, 'BAD_PIN_BLOCK');
    await sameRefusal((d) => d.verifyPin({ pan: VECTOR_PAN, pinBlock: { ...ZPK_BLOCK, keyRef: 'TPK-T1' }, reference: visa }), hsm, 'BAD_PIN_BLOCK');
    await sameRefusal((d) => d.verifyPin({ pan: DUKPT_PAN, pinBlock: { ...DUKPT_BLOCK, ksn: 'FFFF9876543210E00002' }, reference: visa }), hsm, 'BAD_PIN_BLOCK');
  });

  it('unknown key refs → UNKNOWN_KEY (PIN key, BDK, destination ZPK, PVK, PAN hashing key, MAC key, KCV)', async () => {
    const { hsm } = driver();
    await sameRefusal((d) => d.verifyPin({ pan: VECTOR_PAN, pinBlock: { ...TPK_BLOCK, keyRef: 'TPK-NOPE' }, reference: visa }), hsm, 'UNKNOWN_KEY');
    await sameRefusal((d) => d.verifyPin({ pan: DUKPT_PAN, pinBlock: { ...DUKPT_BLOCK, keyRef: 'BDK-NOPE' }, reference: visa }), hsm, 'UNKNOWN_KEY');
    await sameRefusal((d) => d.translatePinBlock({ pan: VECTOR_PAN, from: TPK_BLOCK, toKeyRef: 'ZPK-NOPE', toFormat: 'ISO-0' }), hsm, 'UNKNOWN_KEY');
    await sameRefusal((d) => d.generateMac({ key: { keyRef: 'TAK-NOPE' }, algorithm: 'ISO9797-1-ALG3', data: Buffer.alloc(8) }), hsm, 'UNKNOWN_KEY');
    await sameRefusal((d) => d.keyCheckValue('NOPE'), hsm, 'UNKNOWN_KEY');
    await sameRefusal((d) => d.verifyPin({ pan: VECTOR_PAN, pinBlock: TPK_BLOCK, reference: { method: 'VISA_PVV', value: '2:6776' } }), hsm, 'UNKNOWN_KEY');
    const softNoPvk = new SoftwareHsm(TEST_LMK, store, { pvkRef: 'PVK-NOPE', panHashKeyRef: 'HASH-NOPE' });
    const { hsm: noPvk } = driver({ pvkRef: 'PVK-NOPE', panHashKeyRef: 'HASH-NOPE' });
    for (const [s, d] of [
      [() => softNoPvk.verifyPin({ pan: VECTOR_PAN, pinBlock: TPK_BLOCK, reference: visa }), () => noPvk.verifyPin({ pan: VECTOR_PAN, pinBlock: TPK_BLOCK, reference: visa })],
      [() => softNoPvk.hashPan(CARD), () => noPvk.hashPan(CARD)],
    ] as const) {
      expect((await cryptoError(s)).code).toBe('UNKNOWN_KEY');
      const error = await cryptoError(d);
      expect(error.code).toBe('UNKNOWN_KEY');
      collected.push(error);
    }
  });

  it('keys of the wrong type → WRONG_KEY_TYPE (PIN block under a PVK, KSN on a TPK, MAC under a TPK, CMAC under a TDES key, TPK as PVK)', async () => {
    const { hsm } = driver();
    await sameRefusal((d) => d.verifyPin({ pan: VECTOR_PAN, pinBlock: { ...TPK_BLOCK, keyRef: 'PVK' }, reference: visa }), hsm, 'WRONG_KEY_TYPE');
    await sameRefusal((d) => d.verifyPin({ pan: VECTOR_PAN, pinBlock: { ...TPK_BLOCK, ksn: DUKPT_KSN }, reference: visa }), hsm, 'WRONG_KEY_TYPE');
    await sameRefusal((d) => d.translatePinBlock({ pan: VECTOR_PAN, from: TPK_BLOCK, toKeyRef: 'PVK', toFormat: 'ISO-0' }), hsm, 'WRONG_KEY_TYPE');
    await sameRefusal((d) => d.generateMac({ key: { keyRef: 'TPK-T1' }, algorithm: 'ISO9797-1-ALG3', data: Buffer.alloc(8) }), hsm, 'WRONG_KEY_TYPE');
    await sameRefusal((d) => d.generateMac({ key: { keyRef: 'TAK-T' }, algorithm: 'AES-CMAC', data: Buffer.alloc(8) }), hsm, 'WRONG_KEY_TYPE');
    await sameRefusal((d) => d.verifyMac({ key: { keyRef: 'TAK-AES' }, algorithm: 'ISO9797-1-ALG3', data: Buffer.alloc(8), mac: '0'.repeat(16) }), hsm, 'WRONG_KEY_TYPE');
    const softTpkAsPvk = new SoftwareHsm(TEST_LMK, store, { pvkRef: 'TPK-T1', panHashKeyRef: 'PVK' });
    const { hsm: tpkAsPvk } = driver({ pvkRef: 'TPK-T1', panHashKeyRef: 'PVK' });
    expect((await cryptoError(() => softTpkAsPvk.verifyPin({ pan: VECTOR_PAN, pinBlock: TPK_BLOCK, reference: visa }))).code).toBe('WRONG_KEY_TYPE');
    expect((await cryptoError(() => softTpkAsPvk.hashPan(CARD))).code).toBe('WRONG_KEY_TYPE');
    for (const run of [() => tpkAsPvk.verifyPin({ pan: VECTOR_PAN, pinBlock: TPK_BLOCK, reference: visa }), () => tpkAsPvk.hashPan(CARD)]) {
      const error = await cryptoError(run);
      expect(error.code).toBe('WRONG_KEY_TYPE');
      collected.push(error);
    }
  });

  it('an exhausted or unusable KSN counter → KSN_EXHAUSTED (X9.24-1: 11 one-bits, counter 0); a malformed KSN → BAD_INPUT', async () => {
    const { hsm } = driver();
    for (const ksn of ['FFFF9876543210FFFC00', 'FFFF9876543210E00000', 'FFFF9876543210FFFFFF']) {
      const pinBlock = { ...DUKPT_BLOCK, ksn };
      await sameRefusal((d) => d.verifyPin({ pan: DUKPT_PAN, pinBlock, reference: visa }), hsm, 'KSN_EXHAUSTED');
      await sameRefusal((d) => d.verifyPin({ pan: DUKPT_PAN, pinBlock, reference: { method: 'IBM_3624_OFFSET', value: '1234' } }), hsm, 'KSN_EXHAUSTED');
      await sameRefusal((d) => d.translatePinBlock({ pan: DUKPT_PAN, from: pinBlock, toKeyRef: 'ZPK-NET', toFormat: 'ISO-0' }), hsm, 'KSN_EXHAUSTED');
    }
    // The last usable counter (10 one-bits) still works.
    const last = dukptBlock('1234', 'FFFF9876543210FFF800');
    const reference = await soft.createPinVerificationData({ pan: DUKPT_PAN, pinBlock: DUKPT_BLOCK, method: 'VISA_PVV' });
    expect(await hsm.verifyPin({ pan: DUKPT_PAN, pinBlock: last, reference })).toBe('VERIFIED');
    for (const ksn of ['FFFF9876543210E0000G', 'FFFF9876543210E0001', '123456789012345600000001']) {
      await sameRefusal((d) => d.verifyPin({ pan: DUKPT_PAN, pinBlock: { ...DUKPT_BLOCK, ksn }, reference: visa }), hsm, 'BAD_INPUT');
    }
  });

  it('malformed requests → BAD_INPUT (verification data, format, PAN, MAC)', async () => {
    const { hsm } = driver();
    for (const reference of [
      { method: 'VISA_PVV', value: '6776' },
      { method: 'IBM_3624_OFFSET', value: '12a4' },
      { method: 'CVV', value: '123' },
    ]) {
      await sameRefusal((d) => d.verifyPin({ pan: VECTOR_PAN, pinBlock: TPK_BLOCK, reference: reference as never }), hsm, 'BAD_INPUT');
    }
    await sameRefusal((d) => d.verifyPin({ pan: VECTOR_PAN, pinBlock: { ...TPK_BLOCK, format: 'ISO-9' as never }, reference: visa }), hsm, 'BAD_INPUT');
    await sameRefusal((d) => d.translatePinBlock({ pan: VECTOR_PAN, from: TPK_BLOCK, toKeyRef: 'ZPK-NET', toFormat: 'ISO-1' }), hsm, 'BAD_INPUT');
    await sameRefusal((d) => d.verifyMac({ key: { keyRef: 'TAK-T' }, algorithm: 'ISO9797-1-ALG3', data: Buffer.alloc(8), mac: 'XYZ' }), hsm, 'BAD_INPUT');
    const error = await cryptoError(() => hsm.hashPan(vectorPan('12345')));
    expect(error.code).toBe('BAD_INPUT');
    collected.push(error);
  });

  it('HSM down at start: UNAVAILABLE at once (well before the timeout), health not ok, then service once it is up', async () => {
    // A port with nothing listening.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const { hsm, log } = driver({ port: deadPort, timeoutMs: 5_000, backoff: { initialMs: 50, maxMs: 200 } });
    const started = Date.now();
    const first = await cryptoError(() => hsm.hashPan(CARD));
    expect(first.code).toBe('UNAVAILABLE');
    const second = await cryptoError(() => hsm.verifyPin({ pan: VECTOR_PAN, pinBlock: TPK_BLOCK, reference: visa }));
    expect(second.code).toBe('UNAVAILABLE');
    const health = await hsm.health();
    expect(health.ok).toBe(false);
    expect(health.detail).toContain('UNAVAILABLE');
    const waited = await cryptoError(() => hsm.whenConnected(300));
    expect(waited.code).toBe('UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(2_500);
    collected.push(first, second, waited);
    expect(log.lines.some((l) => /ECONNREFUSED/.test(l.message))).toBe(true);

    // The HSM comes up on that port: the back-off reconnects and requests are served.
    const late = new PayShieldEmulator({ lmkHex: TEST_LMK, logger: emulatorLog });
    await late.start(deadPort);
    try {
      await hsm.whenConnected(3_000);
      expect(await hsm.hashPan(CARD)).toBe(await soft.hashPan(CARD));
    } finally {
      hsm.close();
      await late.stop();
    }
  });

  it('timeouts and connection losses carry no secret either', async () => {
    const { hsm } = driver({ poolSize: 1, timeoutMs: 150 });
    await hsm.whenConnected(2_000);
    latency = () => 1_000;
    collected.push(await cryptoError(() => hsm.verifyPin({ pan: VECTOR_PAN, pinBlock: TPK_BLOCK, reference: visa })));
    latency = () => 5_000;
    const lost = track(hsm.translatePinBlock({ pan: VECTOR_PAN, from: TPK_BLOCK, toKeyRef: 'ZPK-NET', toFormat: 'ISO-0' }));
    await vi.waitFor(() => expect(hsm.status().inFlight).toBe(1), { timeout: 2_000, interval: 10 });
    emulator.dropConnections();
    await lost.done;
    collected.push(lost.error as CryptoError);
    expect(collected.at(-2)!.code).toBe('TIMEOUT');
    expect(collected.at(-1)!.code).toBe('UNAVAILABLE');
  });
});

afterAll(async () => {
  for (const d of drivers) d.close();
  await emulator?.stop();
});
