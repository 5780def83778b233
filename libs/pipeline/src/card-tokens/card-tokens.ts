import { createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { MessageMemory } from '#platform';
import type { CardOnFile } from '../query.js';

/** RFC 4648 base32: upper-case letters and 2-7, all in a QR code's compact alphanumeric mode. */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const PREFIX = 'SQ';
/** 26 base32 characters: 130 bits of randomness, beyond guessing within a token's lifetime. */
const RANDOM_CHARS = 26;
/** Optional provider of the clock CardTokens reads (milliseconds since the epoch). */
export const CARD_TOKEN_CLOCK = Symbol('CARD_TOKEN_CLOCK');
export const CARD_TOKEN_PATTERN = /^SQ[A-Z2-7]{26}$/;

/** What a token stands for: one card on file and the cardholder it was issued to. Never a PAN. */
export interface CardTokenGrant {
  readonly card: CardOnFile['onFile'];
  readonly cardholderId: string;
}

interface StoredGrant extends CardTokenGrant {
  /** Checked on redemption too: the store's own expiry is the first guard, not the only one. */
  readonly until: number;
}

export interface IssuedCardToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/**
 * Single-use, short-lived tokens that stand for one card on file of a cardholder the issuing
 * channel authenticated (the cardholder page: phone and SMS code). A terminal that scans one gets
 * that card's balance without ever seeing its number. Only a keyed hash of the token is stored
 * (Redis, or memory when embedded), so a read of the store does not yield a token that works;
 * redemption takes the entry atomically, so a token answers once, whichever instance gets it.
 */
@Injectable()
export class CardTokens {
  private readonly hashKey: Buffer;
  private readonly ttlMs: number;

  constructor(
    @Inject(MessageMemory) private readonly memory: MessageMemory,
    @Inject(SaldoConfig) config: SaldoConfig,
    // Tests move time on; the application uses the system clock.
    @Optional() @Inject(CARD_TOKEN_CLOCK) private readonly now: () => number = Date.now,
  ) {
    this.hashKey = createHmac('sha256', config.tokens.secret).update('card-token').digest();
    this.ttlMs = config.qrTokens.ttlSeconds * 1000;
  }

  /**
   * A new token for a card ends the cardholder's previous one for that card: one live code per
   * card, so a code left on a screen or in a photo stops working once another is asked for.
   */
  async issue(grant: CardTokenGrant): Promise<IssuedCardToken> {
    const token = PREFIX + base32(randomBytes(17)).slice(0, RANDOM_CHARS);
    const until = this.now() + this.ttlMs;
    const stored: StoredGrant = { card: grant.card, cardholderId: grant.cardholderId, until };
    const key = this.key(token);
    await this.memory.set(key, JSON.stringify(stored), this.ttlMs);
    const latest = this.latestKey(grant);
    const previous = await this.memory.take(latest);
    await this.memory.set(latest, key, this.ttlMs);
    if (previous) await this.memory.delete(previous);
    return { token, expiresAt: new Date(until) };
  }

  /** The grant of a live token, which is used up by this call; undefined for unknown, used or expired. */
  async redeem(token: string): Promise<CardTokenGrant | undefined> {
    if (!CARD_TOKEN_PATTERN.test(token)) return undefined;
    const raw = await this.memory.take(this.key(token));
    if (!raw) return undefined;
    const stored = JSON.parse(raw) as StoredGrant;
    if (stored.until <= this.now()) return undefined;
    return { card: stored.card, cardholderId: stored.cardholderId };
  }

  /**
   * Whether `token` would still answer (issued, not used, not expired), without using it up: the
   * page that showed it shows it again only while this holds.
   */
  async isLive(token: string): Promise<boolean> {
    if (!CARD_TOKEN_PATTERN.test(token)) return false;
    const raw = await this.memory.get(this.key(token));
    return raw !== null && (JSON.parse(raw) as StoredGrant).until > this.now();
  }

  private key(token: string): string {
    return `card-token:${createHmac('sha256', this.hashKey).update(token).digest('hex')}`;
  }

  /** Where the store keeps which token is a cardholder's live one for a card (a hash, never the token). */
  private latestKey(grant: CardTokenGrant): string {
    const id = createHmac('sha256', this.hashKey).update(`${grant.cardholderId}\n${grant.card.panHash}`).digest('hex');
    return `card-token:latest:${id}`;
  }
}

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}
