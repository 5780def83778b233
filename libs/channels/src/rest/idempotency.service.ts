import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { isUniqueViolation, Prisma, PrismaClient } from '#db';
import { SaldoConfig } from '#config';
import { OUTCOMES, type OutcomeCode } from '#pipeline';
import { problem } from './http/problem.js';
import type { RestReply } from './http/rest-reply.js';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key`: the same key with the same body replays the stored answer; with another body
 * it is refused (422). Bodies hold PANs, so they are compared by a keyed hash, never stored.
 * Transient answers (429, 5xx) are not stored, so a retry can still succeed. A replay goes past
 * `admitReplay` first (the channel's check that the client may still ask, and its audit row):
 * what it answers instead is sent instead.
 */
@Injectable()
export class IdempotencyService {
  private readonly hashKey: Buffer;
  private readonly ttlMs: number;

  constructor(
    @Inject(PrismaClient) private readonly prisma: PrismaClient,
    @Inject(SaldoConfig) config: SaldoConfig,
  ) {
    this.hashKey = createHmac('sha256', config.tokens.secret).update('idempotency-body').digest();
    this.ttlMs = config.idempotencyTtlHours * 3_600_000;
  }

  async run(
    clientId: string,
    key: string | undefined,
    body: unknown,
    exec: () => Promise<RestReply>,
    admitReplay: (outcome: OutcomeCode) => Promise<RestReply | undefined>,
  ): Promise<RestReply> {
    if (key === undefined) return exec();
    if (!KEY_FORMAT.test(key)) {
      return { status: 400, body: problem(400, 'FORMAT_ERROR', 'Invalid Idempotency-Key', { errors: ['Idempotency-Key: 1 to 255 visible ASCII characters'] }) };
    }
    const requestHash = createHmac('sha256', this.hashKey).update(canonicalJson(body)).digest('hex');
    const stored = await this.find(clientId, key);
    if (stored) return this.replay(stored, requestHash, admitReplay);

    const reply = await exec();
    if (reply.status === 429 || reply.status >= 500) return reply;
    try {
      await this.prisma.idempotencyRecord.create({
        data: {
          clientId,
          key,
          requestHash,
          status: reply.status,
          body: { body: reply.body, headers: reply.headers ?? {} } as Prisma.InputJsonValue,
          expiresAt: new Date(Date.now() + this.ttlMs),
        },
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // A concurrent request with the same key stored its answer first: answer as it did.
      const winner = await this.find(clientId, key);
      if (winner) return this.replay(winner, requestHash, admitReplay);
    }
    return reply;
  }

  private find(clientId: string, key: string) {
    return this.prisma.idempotencyRecord.findFirst({ where: { clientId, key, expiresAt: { gt: new Date() } } });
  }

  private async replay(
    stored: { requestHash: string; status: number; body: Prisma.JsonValue },
    requestHash: string,
    admitReplay: (outcome: OutcomeCode) => Promise<RestReply | undefined>,
  ): Promise<RestReply> {
    if (stored.requestHash !== requestHash) {
      return {
        status: 422,
        body: problem(422, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key already used with another body'),
      };
    }
    const saved = stored.body as { body: unknown; headers: Record<string, string> };
    const refused = await admitReplay(storedOutcome(stored.status, saved.body));
    if (refused) return refused;
    return { status: stored.status, body: saved.body, headers: { ...saved.headers, 'idempotent-replayed': 'true' } };
  }
}

/** The outcome a stored answer gave: approved, or the code of its problem document. */
function storedOutcome(status: number, body: unknown): OutcomeCode {
  if (status === 200) return 'APPROVED';
  const code = (body as { code?: unknown } | null)?.code;
  return (OUTCOMES as readonly unknown[]).includes(code) ? (code as OutcomeCode) : 'SYSTEM_ERROR';
}

/** JSON with object keys sorted, so the same body sent with another key order counts as the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
