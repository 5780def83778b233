import { Inject, Injectable, Logger } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { CryptoError, CryptoPort } from '#hsm';
import { CardholderDirectory } from './cardholder-directory.js';

export const MAX_PHONE_PIN_TRIES = 3;
const NOBODY = 'nobody';
const NOBODY_REFERENCE = `v1:${'0'.repeat(32)}`;

export type PhonePinVerdict = 'VERIFIED' | 'WRONG' | 'LOCKED' | 'NOT_SET' | 'UNAVAILABLE';

/**
 * The phone-banking PIN (6 digits, separate from the card PIN, which is never asked on a phone):
 * the keyed-in digits become a PIN block in the crypto service at once and are verified there
 * against the cardholder's verification data. Three wrong in a row lock phone access until an
 * operator unlocks it. Each attempt is counted before it is verified, so parallel calls share the
 * three tries.
 */
@Injectable()
export class PhonePinVerifier {
  private readonly logger = new Logger('PhonePin');

  constructor(
    @Inject(CryptoPort) private readonly crypto: CryptoPort,
    @Inject(CardholderDirectory) private readonly cardholders: CardholderDirectory,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  async verify(cardholderId: string, digits: string): Promise<{ verdict: PhonePinVerdict; triesLeft?: number }> {
    const attempt = await this.cardholders.countPhonePinAttempt(cardholderId, MAX_PHONE_PIN_TRIES);
    if (!attempt.counted) return { verdict: attempt.why };
    const check = await this.check(cardholderId, digits, attempt.reference);
    if (check === 'UNAVAILABLE') return { verdict: 'UNAVAILABLE' };
    if (check === 'VERIFIED') {
      await this.cardholders.clearPhonePinTries(cardholderId, attempt.tries);
      return { verdict: 'VERIFIED' };
    }
    const triesLeft = MAX_PHONE_PIN_TRIES - attempt.tries;
    return triesLeft > 0 ? { verdict: 'WRONG', triesLeft } : { verdict: 'LOCKED' };
  }

  /**
   * The same crypto work for a card that is not on file, so an unknown caller cannot tell a real
   * card from a made-up one by how long the answer takes.
   */
  async verifyNobody(digits: string): Promise<void> {
    await this.check(NOBODY, digits, NOBODY_REFERENCE);
  }

  private async check(subject: string, digits: string, reference: string): Promise<'VERIFIED' | 'MISMATCH' | 'UNAVAILABLE'> {
    try {
      const pinBlock = await this.crypto.encryptEnteredPin({ pin: digits, keyRef: this.config.voice.pinKeyRef });
      return await this.crypto.verifyPhonePin({ subject, pinBlock, reference });
    } catch (err) {
      if (!(err instanceof CryptoError)) throw err;
      // Digits that are not a PIN at all (too short, letters) count as a wrong PIN, not an outage.
      if (err.code === 'BAD_INPUT') return 'MISMATCH';
      this.logger.warn(`phone-PIN verification unavailable (${err.code})`);
      return 'UNAVAILABLE';
    }
  }
}
