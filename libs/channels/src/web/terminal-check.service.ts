import { Inject, Injectable } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { CardTokens, type IssuedCardToken } from '#pipeline';
import { RateLimitService } from '#platform';
import type { CardOnFileEntry } from '#channels/telephony';
import type { RememberedTerminalCode } from './auth/web-sessions.js';

export type TerminalCheckIssue = ({ ok: true; validSeconds: number } & IssuedCardToken) | { ok: false; retryAfterMs: number };

/**
 * "Check at a terminal": a single-use QR token for one card of the signed-in cardholder, which
 * the POS channel takes in field 48. Issuing is counted per cardholder (the phone limit, 10 a
 * minute by default), so a session cannot mint tokens without end.
 */
@Injectable()
export class TerminalCheck {
  constructor(
    @Inject(CardTokens) private readonly tokens: CardTokens,
    @Inject(RateLimitService) private readonly limits: RateLimitService,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  async issue(cardholderId: string, card: CardOnFileEntry): Promise<TerminalCheckIssue> {
    const decision = await this.limits.consume('phone', `web-qr:${cardholderId}`);
    if (!decision.allowed) return { ok: false, retryAfterMs: decision.retryAfterMs };
    const issued = await this.tokens.issue({ card: card.onFile, cardholderId });
    return { ok: true, validSeconds: this.config.qrTokens.ttlSeconds, ...issued };
  }

  /** How long a code works from when it is made. */
  get validSeconds(): number {
    return this.config.qrTokens.ttlSeconds;
  }

  /** A code the session remembers, while it still works: not expired and not yet used at a terminal. */
  async stillWorking(code: RememberedTerminalCode | undefined): Promise<RememberedTerminalCode | undefined> {
    if (!code || Date.parse(code.expiresAt) <= Date.now()) return undefined;
    return (await this.tokens.isLive(code.token)) ? code : undefined;
  }
}
