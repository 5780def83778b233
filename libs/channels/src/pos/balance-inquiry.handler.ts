import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AccountType } from '#bank-core';
import { BalancePipeline, CardTokens, type BalanceQuery, type Credential, type OutcomeCode, type QueryResult } from '#pipeline';
import { accountTypeFromProcessingCode, additionalAmounts } from './additional-amounts.js';
import { DuplicateGuard } from './duplicates/duplicate-guard.js';
import { pack, type Iso8583Message, type MessageSpec } from './iso8583/index.js';
import { posResponseCode } from './pos-response-code.js';
import { responseTo } from './pos-response.js';
import { cardFromMessage, type CardFromMessage } from './request/card-input.js';
import { pinBlockFromMessage } from './request/pin-block-input.js';
import { MessageMac } from './security/message-mac.js';
import { TerminalDirectory, type PosTerminal } from './terminal.directory.js';

export interface PosAnswer {
  readonly bytes: Buffer;
  readonly outcome: OutcomeCode;
}

type AuditDetail = Record<string, string | number | boolean>;

const BALANCE_PROCESSING_CODE = /^3[01]\d{2}00$/;
/** Never used: a query that carries it ends as a format error before any PIN step. */
const NO_PIN: Credential = { kind: 'pin-block', pinBlock: { format: 'ISO-0', block: '', keyRef: '' } };

/**
 * 0100/0200 balance inquiries: the terminal must be known, active and under its own merchant;
 * its MAC must verify; a repeated message is answered from memory; everything else is one
 * pipeline query with the PIN block under the terminal's key — or, for a QR token from the
 * cardholder page (field 48), the card the token names, with the token as the credential.
 */
@Injectable()
export class BalanceInquiryHandler {
  constructor(
    @Inject(BalancePipeline) private readonly pipeline: BalancePipeline,
    @Inject(TerminalDirectory) private readonly terminals: TerminalDirectory,
    @Inject(MessageMac) private readonly mac: MessageMac,
    @Inject(DuplicateGuard) private readonly duplicates: DuplicateGuard,
    @Inject(CardTokens) private readonly cardTokens: CardTokens,
  ) {}

  async answer(request: Iso8583Message, raw: Buffer, spec: MessageSpec, deadline: number): Promise<PosAnswer> {
    const receivedAt = new Date();
    const tid = (request.fields.get(41) ?? '').trim();
    const card = cardFromMessage(request.fields);
    const query: BalanceQuery = {
      channel: 'pos',
      correlationId: randomUUID(),
      requester: { kind: 'terminal', tid: tid || 'unknown' },
      card: card.ok && 'pan' in card ? { pan: card.pan, expiry: card.expiry } : { pan: '' },
      credential: NO_PIN,
      question: { kind: 'balance' },
    };
    const terminal = tid ? await this.terminals.find(tid) : undefined;
    const refuse = (outcome: OutcomeCode, detail?: AuditDetail) => this.refuse(request, spec, query, receivedAt, outcome, terminal, detail);

    if (!terminal || !terminal.active) return refuse('UNAUTHENTICATED');
    if ((request.fields.get(42) ?? '').trim() !== terminal.mid) return refuse('REQUESTER_NOT_PERMITTED', { reason: 'merchant id' });
    if (this.mac.applies(terminal)) {
      const verdict = await this.mac.verify(terminal, spec, request, raw);
      if (verdict === 'UNAVAILABLE') return refuse('SYSTEM_ERROR', { mac: verdict });
      if (verdict !== 'VERIFIED') return refuse('SECURITY_ERROR', { mac: verdict });
    }

    const stan = request.fields.get(11);
    const transmitted = request.fields.get(7);
    const seen = stan && transmitted ? await this.duplicates.check({ tid, stan, transmitted }, raw, deadline) : undefined;
    switch (seen?.kind) {
      case 'replay': {
        // The same way every channel gives a stored answer again: the requester checked, the replay audited.
        const result = await this.pipeline.replay(query, seen.outcome);
        if (result.outcome === seen.outcome) return { bytes: seen.response, outcome: seen.outcome };
        return this.answered(request, spec, receivedAt, terminal, result);
      }
      case 'conflict':
        return refuse('DUPLICATE');
      case 'unanswered':
        return refuse('ISSUER_UNAVAILABLE', { replay: 'first still unanswered' });
    }
    try {
      const answer = await this.inquire(request, spec, query, receivedAt, terminal, card);
      seen?.remember(answer.bytes, answer.outcome);
      return answer;
    } catch (err) {
      seen?.forget();
      throw err;
    }
  }

  private async inquire(
    request: Iso8583Message,
    spec: MessageSpec,
    base: BalanceQuery,
    receivedAt: Date,
    terminal: PosTerminal,
    card: CardFromMessage,
  ): Promise<PosAnswer> {
    const fields = request.fields;
    const problems = [7, 11, 42].filter((n) => !fields.has(n)).map((n) => `field ${n}: required`);
    const processingCode = fields.get(3) ?? '';
    let accountType: AccountType | undefined;
    if (!BALANCE_PROCESSING_CODE.test(processingCode)) {
      problems.push('field 3: only balance inquiries (30xx00, 31xx00) are answered');
    } else {
      const asked = accountTypeFromProcessingCode(processingCode);
      if (asked === 'UNSUPPORTED') problems.push(`field 3: account type ${processingCode.slice(2, 4)} is not supported`);
      else if (asked !== 'ANY') accountType = asked;
    }
    if (!card.ok) problems.push(card.problem);
    if (card.ok && 'qrToken' in card) return this.inquireByToken(request, spec, base, receivedAt, terminal, card.qrToken, accountType, problems);
    const pin = pinBlockFromMessage(fields, terminal);
    if (!pin.ok && pin.outcome !== 'FORMAT_ERROR') return this.refuse(request, spec, base, receivedAt, pin.outcome, terminal, { reason: pin.problem });
    if (!pin.ok) problems.push(pin.problem);

    const result = await this.pipeline.run({
      ...base,
      credential: pin.ok ? { kind: 'pin-block', pinBlock: pin.pinBlock } : NO_PIN,
      question: { kind: 'balance', accountType },
      problems: problems.length ? problems : undefined,
    });
    return this.answered(request, spec, receivedAt, terminal, result);
  }

  /**
   * A QR token is the cardholder's credential: they signed in on the cardholder page (phone and
   * SMS code) to get it, and the terminal never sees the card's number, so no PIN block can be
   * checked — one in field 52 is ignored, never read or logged. The token is used up only by a
   * well-formed request from a verified terminal; unknown, used or expired answers as an unknown card.
   */
  private async inquireByToken(
    request: Iso8583Message,
    spec: MessageSpec,
    base: BalanceQuery,
    receivedAt: Date,
    terminal: PosTerminal,
    token: string,
    accountType: AccountType | undefined,
    problems: readonly string[],
  ): Promise<PosAnswer> {
    if (problems.length) return this.refuse(request, spec, base, receivedAt, 'FORMAT_ERROR', terminal, { problem: problems.join('; '), card: 'qr' });
    const grant = await this.cardTokens.redeem(token);
    if (!grant) return this.refuse(request, spec, base, receivedAt, 'UNKNOWN_CARD', terminal, { card: 'qr', qr: 'unknown, used or expired' });
    const result = await this.pipeline.run({
      ...base,
      card: { onFile: grant.card },
      credential: { kind: 'card-token', cardholderId: grant.cardholderId },
      question: { kind: 'balance', accountType },
    });
    return this.answered(request, spec, receivedAt, terminal, result);
  }

  private async answered(request: Iso8583Message, spec: MessageSpec, receivedAt: Date, terminal: PosTerminal, result: QueryResult): Promise<PosAnswer> {
    const response = responseTo(request, posResponseCode(result.outcome), receivedAt);
    if (!response) throw new Error('a balance inquiry MTI always has a response MTI');
    if (result.outcome === 'APPROVED' && result.balances?.length) response.fields.set(54, additionalAmounts(result.balances));
    if (this.mac.applies(terminal)) await this.mac.sign(terminal, spec, response, request.fields.get(53));
    return { bytes: pack(spec, response), outcome: result.outcome };
  }

  private async refuse(
    request: Iso8583Message,
    spec: MessageSpec,
    query: BalanceQuery,
    receivedAt: Date,
    outcome: OutcomeCode,
    terminal: PosTerminal | undefined,
    detail?: AuditDetail,
  ): Promise<PosAnswer> {
    const result = await this.pipeline.record(query, outcome, detail);
    const response = responseTo(request, posResponseCode(result.outcome), receivedAt);
    if (!response) throw new Error('a balance inquiry MTI always has a response MTI');
    if (terminal?.active && this.mac.applies(terminal)) await this.mac.sign(terminal, spec, response, request.fields.get(53));
    return { bytes: pack(spec, response), outcome: result.outcome };
  }
}
