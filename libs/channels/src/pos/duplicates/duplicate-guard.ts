import { createHmac, hash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SaldoConfig } from '#config';
import type { OutcomeCode } from '#pipeline';
import { MessageMemory } from '#platform';

/** How long a terminal + STAN + transmission time identifies one request. */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;
const POLL_MS = 20;

export type DuplicateCheck =
  | { readonly kind: 'first'; remember(response: Buffer, outcome: OutcomeCode): void; forget(): void }
  | { readonly kind: 'replay'; readonly response: Buffer; readonly outcome: OutcomeCode }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'unanswered' };

interface Remembered {
  /** Keyed hash of the request bytes (which hold a PAN and a PIN block: never stored). */
  readonly h: string;
  /** The response frame (base64) and its outcome, once answered. */
  readonly r?: string;
  readonly o?: OutcomeCode;
}

/**
 * Terminal + STAN + field 7 seen again within the window: the same bytes get the first answer
 * again (no second query); other bytes under the same key are a reused key (94). A repeat that
 * arrives while the first is still being answered waits for that answer.
 */
@Injectable()
export class DuplicateGuard {
  private readonly logger = new Logger('PosDuplicates');
  private readonly hashKey: Buffer;

  constructor(
    @Inject(MessageMemory) private readonly memory: MessageMemory,
    @Inject(SaldoConfig) config: SaldoConfig,
  ) {
    this.hashKey = createHmac('sha256', config.tokens.secret).update('pos-duplicate-content').digest();
  }

  async check(identity: { tid: string; stan: string; transmitted: string }, request: Buffer, deadline: number): Promise<DuplicateCheck> {
    const key = `pos:dup:${identity.tid}:${identity.stan}:${identity.transmitted}`;
    // A secret-prefixed SHA-256 is enough to compare two requests (one call, no HMAC object per message).
    const h = hash('sha256', Buffer.concat([this.hashKey, request]), 'base64url').slice(0, 22);
    let existing = await this.memory.claim(key, JSON.stringify({ h } satisfies Remembered), DUPLICATE_WINDOW_MS);
    if (existing === null) return this.first(key, h);

    for (;;) {
      const seen = parse(existing);
      if (!seen || seen.h !== h) return { kind: 'conflict' };
      if (seen.r !== undefined && seen.o !== undefined) return { kind: 'replay', response: Buffer.from(seen.r, 'base64'), outcome: seen.o };
      if (Date.now() + POLL_MS >= deadline) return { kind: 'unanswered' };
      await sleep(POLL_MS);
      existing = await this.memory.get(key);
      // The first attempt gave up without an answer worth keeping: this one is the first now.
      if (existing === null) return (await this.check(identity, request, deadline));
    }
  }

  private first(key: string, h: string): DuplicateCheck {
    return {
      kind: 'first',
      remember: (response, outcome) => {
        const value: Remembered = { h, r: response.toString('base64'), o: outcome };
        this.memory.set(key, JSON.stringify(value), DUPLICATE_WINDOW_MS).catch((err: unknown) => this.warn('remember', err));
      },
      forget: () => {
        this.memory.delete(key).catch((err: unknown) => this.warn('forget', err));
      },
    };
  }

  private warn(what: string, err: unknown): void {
    this.logger.warn(`could not ${what} a POS answer: ${err instanceof Error ? err.message : 'unknown error'}`);
  }
}

function parse(value: string): Remembered | undefined {
  try {
    const parsed = JSON.parse(value) as Remembered;
    return typeof parsed.h === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
