import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { MessageMemory, RateLimitService } from '#platform';
import { CardholderDirectory, OutboundMessages, SendSmsJob, SmsProvider, type Cardholder } from '#channels/telephony';

/** A code is good for 5 minutes and 5 tries. */
export const CODE_TTL_MS = 5 * 60_000;
export const CODE_TRIES = 5;

export type CodeRequest = 'sent' | 'rate-limited';
export type CodeCheck = { ok: true; cardholder: Cardholder } | { ok: false; reason: 'wrong' | 'expired' | 'rate-limited' };

interface StoredCode {
  /** Keyed hash of the code: the code itself is only in the text message. */
  readonly h: string;
  readonly tries: number;
  readonly until: number;
}

const WORDING = {
  en: (code: string) => `Your Saldo sign-in code is ${code}. It expires in 5 minutes. Never share it.`,
  zh: (code: string) => `您的余额查询登录验证码为${code}，5分钟内有效。请勿告诉他人。`,
} as const;

/**
 * One-time sign-in codes for the cardholder page, sent by SMS through the outbound SMS pipe (in
 * embedded mode they show in the outbox). Requests are limited per phone and per address, and an
 * unknown number is told exactly what a known one is, so the page cannot list who banks here.
 */
@Injectable()
export class SignInCodes {
  private readonly hashKey: Buffer;

  constructor(
    @Inject(CardholderDirectory) private readonly cardholders: CardholderDirectory,
    @Inject(MessageMemory) private readonly memory: MessageMemory,
    @Inject(RateLimitService) private readonly limits: RateLimitService,
    @Inject(OutboundMessages) private readonly messages: OutboundMessages,
    @Inject(SendSmsJob) private readonly sender: SendSmsJob,
    @Inject(SmsProvider) private readonly provider: SmsProvider,
    @Inject(SaldoConfig) config: SaldoConfig,
  ) {
    this.hashKey = createHmac('sha256', config.tokens.secret).update('web-sign-in-code').digest();
  }

  async request(phone: string, address: string, correlationId: string): Promise<CodeRequest> {
    const [byPhone, byAddress] = await Promise.all([
      this.limits.consume('auth-failure', `web:${phone}`),
      this.limits.consume('auth-failure-ip', `web:${address}`),
    ]);
    if (!byPhone.allowed || !byAddress.allowed) return 'rate-limited';
    const holder = await this.cardholders.byPhone(phone);
    if (!holder) return 'sent';
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const stored: StoredCode = { h: this.hash(phone, code), tries: CODE_TRIES, until: Date.now() + CODE_TTL_MS };
    await this.memory.set(key(phone), JSON.stringify(stored), CODE_TTL_MS);
    const [id] = await this.messages.create({ to: phone, bodies: [WORDING[holder.language](code)], language: holder.language, provider: this.provider.name, correlationId });
    if (id) await this.sender.enqueue(id);
    return 'sent';
  }

  async check(phone: string, code: string): Promise<CodeCheck> {
    const raw = await this.memory.get(key(phone));
    const stored = raw ? (JSON.parse(raw) as StoredCode) : undefined;
    if (!stored || stored.until <= Date.now() || stored.tries <= 0) return { ok: false, reason: 'expired' };
    const given = Buffer.from(this.hash(phone, code));
    if (given.length === stored.h.length && timingSafeEqual(given, Buffer.from(stored.h))) {
      await this.memory.delete(key(phone));
      const cardholder = await this.cardholders.byPhone(phone);
      return cardholder ? { ok: true, cardholder } : { ok: false, reason: 'expired' };
    }
    const left = stored.tries - 1;
    if (left <= 0) await this.memory.delete(key(phone));
    else await this.memory.set(key(phone), JSON.stringify({ ...stored, tries: left }), Math.max(stored.until - Date.now(), 1));
    return { ok: false, reason: left <= 0 ? 'expired' : 'wrong' };
  }

  private hash(phone: string, code: string): string {
    return createHmac('sha256', this.hashKey).update(`${phone}\0${code}`).digest('hex');
  }
}

function key(phone: string): string {
  return `web:code:${phone}`;
}
