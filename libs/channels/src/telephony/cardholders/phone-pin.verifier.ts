import { Inject, Injectable, Logger } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { CryptoError, CryptoPort } from '#hsm';
import { CardholderDirectory } from './cardholder-directory.js';

export const MAX_PHONE_PIN_TRIES = 3;

export type PhonePinVerdict = 'VERIFIED' | 'WRONG' | 'LOCKED' | 'NOT_SET' | 'UNAVAILABLE';

/**
 * The phone-banking PIN (6 digits, separate from the card PIN, which is never asked on a phone):
 * the keyed-in digits become a PIN block in the crypto service at once and are verified there
 * against the cardholder's verification data. Three wrong in a row lock phone access until an
 * operator unlocks it.
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
    const state = await this.cardholders.phonePin(cardholderId);
    if (!state?.reference) return { verdict: 'NOT_SET' };
    if (state.locked) return { verdict: 'LOCKED' };
    let check;
    try {
      const pinBlock = await this.crypto.encryptEnteredPin({ pin: digits, keyRef: this.config.voice.pinKeyRef });
      check = await this.crypto.verifyPhonePin({ subject: cardholderId, pinBlock, reference: state.reference });
    } catch (err) {
      if (!(err instanceof CryptoError)) throw err;
      // Digits that are not a PIN at all (too short, letters) count as a wrong PIN, not an outage.
      if (err.code !== 'BAD_INPUT') {
        this.logger.warn(`phone-PIN verification unavailable (${err.code})`);
        return { verdict: 'UNAVAILABLE' };
      }
      check = 'MISMATCH' as const;
    }
    if (check === 'VERIFIED') {
      await this.cardholders.resetPhonePinTries(cardholderId);
      return { verdict: 'VERIFIED' };
    }
    const { tries, locked } = await this.cardholders.recordPhonePinFailure(cardholderId, MAX_PHONE_PIN_TRIES);
    return locked ? { verdict: 'LOCKED' } : { verdict: 'WRONG', triesLeft: MAX_PHONE_PIN_TRIES - tries };
  }
}
