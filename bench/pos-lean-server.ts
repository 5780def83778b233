import { createServer, type AddressInfo, type Socket } from 'node:net';
import pg from 'pg';
import { SaldoConfig } from '../libs/config/src/saldo-config.js';
import { ISO87A, pack, unpack } from '../libs/channels/src/pos/iso8583/index.js';
import { responseTo } from '../libs/channels/src/pos/pos-response.js';
import type { PosResponseCode } from '../libs/channels/src/pos/pos-response-code.js';
import { TdesDukpt } from '../libs/hsm/src/software/dukpt-tdes.js';
import { KeyRing } from '../libs/hsm/src/software/key-ring.js';
import { KeyStore, type KeyListing, type StoredKey } from '../libs/hsm/src/software/key-store.js';
import { Lmk } from '../libs/hsm/src/software/lmk.js';
import { decodePinBlock } from '../libs/hsm/src/software/pin-block.js';
import { visaPvv } from '../libs/hsm/src/software/visa-pvv.js';
import { RespConnection, RespScript } from '../libs/platform/src/redis/resp-connection.js';
import { onFrames } from './framed-tcp.js';

/**
 * The POS bench's same-run yardstick for "the practical ceiling of this machine"
 * (shared/notes/lean-limit.md): the lean plain-Node server of that note, rebuilt on the gateway's
 * own database, keys and building blocks. Per request: the ISO 8583 codec, the PAN's HMAC, then
 * at the same time one Redis script (a per-card counter) and one prepared PostgreSQL statement
 * (the card and its accounts), the TDES DUKPT PIN decryption and the Visa PVV check while both
 * are in flight, one audit row by group commit, and the answer with its balances in field 54.
 * What it leaves out is what the gateway adds: the framework, the pipeline and its steps, the
 * terminal checks, duplicate detection, the terminal counter, issuer routing, time budgets.
 *
 * Forked by `bench/pos-inquiry.bench.ts` with DATABASE_URL, REDIS_URL and REDIS_PREFIX of the
 * seeded gateway database; sends its port over IPC once the keys are loaded and it listens.
 */

const env = process.env;
const config = new SaldoConfig({ DEMO_MODE: 'true', DATABASE_URL: env.DATABASE_URL ?? '', REDIS_URL: env.REDIS_URL });
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 16 });
const redis = new RespConnection(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const PREFIX = `${env.REDIS_PREFIX ?? 'saldo'}:lean:rl:`;
const CARD_LIMIT = 1_000_000_000;

const COUNT = new RespScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`);

const FIND_CARD = `
  SELECT c.status::text AS status, c.pin_verification_data, c.pin_locked_at IS NOT NULL AS pin_locked,
         c.last4, a.type::text AS account_type, a.currency, a.available, a.ledger
    FROM cards c
    LEFT JOIN card_accounts ca ON ca.card_id = c.id
    LEFT JOIN accounts a ON a.id = ca.account_id
   WHERE c.pan_hash = $1
   ORDER BY ca.position`;

const INSERT_AUDIT = `
  INSERT INTO audit_events (at, channel, requester, card_masked, card_last4, issuer_code, outcome, latency_micros, correlation_id)
  SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[])`;

/** ISO 4217 numeric codes of the demo currencies. */
const CURRENCY: Record<string, string> = { USD: '840', CNY: '156', EUR: '978' };
const ACCOUNT: Record<string, string> = { DEFAULT: '00', SAVINGS: '10', CHECKING: '20', CREDIT: '30' };

interface CardRow {
  status: string;
  pin_verification_data: string | null;
  pin_locked: boolean;
  last4: string;
  account_type: string | null;
  currency: string | null;
  available: string | null;
  ledger: string | null;
}

class PgKeyStore extends KeyStore {
  async find(ref: string): Promise<StoredKey | undefined> {
    const { rows } = await pool.query<{ ref: string; type: string; usage: string; algorithm: string; encrypted_value: string; kcv: string; status: string }>(
      'SELECT ref, type, usage, algorithm, encrypted_value, kcv, status::text AS status FROM keys WHERE ref = $1',
      [ref],
    );
    const r = rows[0];
    return r && ({ ref: r.ref, type: r.type, usage: r.usage, algorithm: r.algorithm, encryptedValue: r.encrypted_value, kcv: r.kcv, status: r.status } as StoredKey);
  }
  save(): Promise<void> {
    throw new Error('read only');
  }
  list(): Promise<KeyListing[]> {
    throw new Error('read only');
  }
  retire(): Promise<void> {
    throw new Error('read only');
  }
}

const ANY = { types: ['PAN_HASH', 'PVK', 'BDK'], algorithms: ['HMAC', 'TDES'], purpose: 'the lean reference' } as const;

/** Audit rows wait here and go to PostgreSQL in one INSERT, at most two batches in flight. */
class GroupCommit {
  private rows: Array<{ values: unknown[]; done: () => void }> = [];
  private inFlight = 0;
  private scheduled = false;

  add(values: unknown[], done: () => void): void {
    this.rows.push({ values, done });
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= 2 || !this.rows.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.rows.splice(0, 500);
      this.inFlight++;
      const columns = batch[0].values.map((_, c) => batch.map((r) => r.values[c]));
      pool
        .query({ name: 'lean-audit', text: INSERT_AUDIT, values: columns })
        .then(
          () => batch.forEach((r) => r.done()),
          (err: unknown) => console.error('lean audit failed:', err),
        )
        .finally(() => {
          this.inFlight--;
          this.schedule();
        });
    });
  }
}

async function main(): Promise<void> {
  const keys = new KeyRing(new Lmk(config.hsm.lmkHex), new PgKeyStore(), 3_600_000);
  const panKey = await keys.get('PAN_HASH', ANY);
  const pvk = (await keys.get('PVK', ANY)).tdes();
  const dukpt = new TdesDukpt((await keys.get('BDK.TDES.DEMO', ANY)).tdes());
  const audit = new GroupCommit();

  const answer = async (raw: Buffer, socket: Socket): Promise<void> => {
    const started = process.hrtime.bigint();
    const receivedAt = new Date();
    const request = unpack(ISO87A, raw);
    const pan = request.fields.get(2) ?? '';
    const hash = panKey.hmacSha256(pan).toString('hex');
    const counted = redis.evalScript(COUNT, [PREFIX + hash.slice(0, 24)], [60_000]);
    const card = pool.query<CardRow>({ name: 'lean-card', text: FIND_CARD, values: [hash] });
    const cipher = dukpt.cipher(request.fields.get(53) ?? '', 'pin');
    const clear = cipher.decrypt(Buffer.from(request.fields.get(52) ?? '', 'hex'));
    cipher.wipe();
    const pin = decodePinBlock('ISO-0', clear, pan);
    clear.fill(0);
    const [count, { rows }] = await Promise.all([counted, card]);
    const first = rows[0];
    let code: PosResponseCode = '00';
    if ((count as number) > CARD_LIMIT) code = '65';
    else if (!first) code = '14';
    else if (first.status !== 'ACTIVE') code = '62';
    else if (first.pin_locked) code = '75';
    else if (visaPvv(pvk, pan, 1, pin) !== first.pin_verification_data?.slice(2)) code = '55';
    const response = responseTo(request, code, receivedAt);
    if (!response) return;
    if (code === '00') {
      let amounts = '';
      for (const r of rows) {
        if (!r.account_type || !r.currency) continue;
        const type = ACCOUNT[r.account_type] ?? '00';
        const currency = CURRENCY[r.currency] ?? '000';
        for (const [kind, value] of [['01', r.ledger], ['02', r.available]] as const) {
          const minor = BigInt(value ?? 0);
          amounts += `${type}${kind}${currency}${minor < 0n ? 'D' : 'C'}${(minor < 0n ? -minor : minor).toString().padStart(12, '0')}`;
        }
      }
      response.fields.set(54, amounts);
    }
    const latency = Number((process.hrtime.bigint() - started) / 1000n);
    const masked = `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`;
    audit.add([receivedAt, 'pos', `terminal:${request.fields.get(41)?.trim()}`, masked, pan.slice(-4), 'lean', code === '00' ? 'APPROVED' : `CODE_${code}`, latency, `lean-${request.fields.get(11)}`], () => {
      const body = pack(ISO87A, response);
      const framed = Buffer.allocUnsafe(2 + body.length);
      framed.writeUInt16BE(body.length, 0);
      body.copy(framed, 2);
      socket.write(framed);
    });
  };

  const server = createServer((socket) =>
    onFrames(socket, (frame) =>
      answer(frame.subarray(2), socket).catch((err: unknown) => {
        console.error('lean request failed:', err);
        socket.destroy();
      }),
    ),
  );
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
}

process.on('SIGTERM', () => process.exit(0));
main().catch((err: unknown) => {
  console.error('lean reference server failed to start:', err);
  process.exit(1);
});
