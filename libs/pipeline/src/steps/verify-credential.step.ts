import { Inject, Injectable, Logger } from '@nestjs/common';
import { IssuerCorePort } from '#bank-core';
import { CryptoError, CryptoPort } from '#hsm';
import type { QueryContext } from '../context.js';
import type { PipelineStep } from '../step.js';

export const MAX_PIN_TRIES = 3;

/**
 * A query is authorised by its requester alone (a partner app acting under its contract, a
 * cardholder's own phone), by a card token redeemed by the channel (the cardholder signed in
 * elsewhere; the token names the card and its holder), or by the cardholder's PIN, verified in
 * the crypto service. The PIN-try counter lives with the
 * card in the issuer core, so every channel and every gateway instance shares it.
 */
@Injectable()
export class VerifyCredentialStep implements PipelineStep {
  readonly name = 'verify-credential';
  private readonly logger = new Logger('VerifyCredential');

  constructor(
    @Inject(CryptoPort) private readonly crypto: CryptoPort,
    @Inject(IssuerCorePort) private readonly core: IssuerCorePort,
  ) {}

  async run(ctx: QueryContext): Promise<void> {
    const credential = ctx.query.credential;
    if (credential.kind === 'requester') return;
    if (credential.kind === 'card-token') {
      if (!ctx.card) throw new Error('verify-credential step needs a card');
      ctx.auditDetail = { ...ctx.auditDetail, credential: 'card-token' };
      // The token was issued for this holder's card; anything else is not the card it names.
      if (ctx.card.cardholderId !== credential.cardholderId) return ctx.end('UNKNOWN_CARD');
      return;
    }
    const { card, pan } = ctx;
    if (!card || !pan) throw new Error('verify-credential step needs a card');
    if (card.pinLocked) return ctx.end('PIN_TRIES_EXCEEDED');
    if (!card.pinMethod || !card.pinVerificationData) return ctx.end('NOT_PERMITTED', { reason: 'no PIN on file' });

    let verdict;
    try {
      verdict = await this.crypto.verifyPin({
        pan,
        pinBlock: credential.pinBlock,
        reference: { method: card.pinMethod, value: card.pinVerificationData },
      });
    } catch (err) {
      if (!(err instanceof CryptoError)) throw err;
      this.logger.warn(`PIN verification refused (${err.code}) for query ${ctx.query.correlationId}`);
      const unavailable = err.code === 'TIMEOUT' || err.code === 'UNAVAILABLE' || err.code === 'INTERNAL';
      return ctx.end(unavailable ? 'SYSTEM_ERROR' : 'SECURITY_ERROR', { reason: err.code });
    }
    if (verdict === 'VERIFIED') {
      if (card.pinTries > 0) await this.core.resetPinTries(card.id);
      return;
    }
    const { locked } = await this.core.recordPinFailure(card.id, MAX_PIN_TRIES);
    ctx.end(locked ? 'PIN_TRIES_EXCEEDED' : 'WRONG_PIN');
  }
}
