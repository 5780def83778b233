import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { BalancePipeline, type BalanceQuery, type RequesterClaim } from '#pipeline';
import { JobHandlers, JobQueue, RateLimitService } from '#platform';
import { CardholderDirectory, CardholderQueries, OutboundMessages, SendSmsJob, SmsProvider, type Cardholder, type Language } from '#channels/telephony';
import type { SmsCommand } from './sms-command.js';
import { balanceLine, transactionLines } from './sms-answers.js';
import {
  balanceMessages,
  helpMessage,
  languageChangedMessage,
  MINI_STATEMENT_SIZE,
  miniStatementMessage,
  noSuchCardMessage,
  pickCardMessage,
  rateLimitedMessage,
  unavailableMessage,
  unregisteredMessage,
} from './sms-replies.js';

export const SMS_ANSWER_JOB = 'sms.answer';

export interface SmsAnswerData {
  readonly correlationId: string;
  readonly from: string;
  /** The parsed command, never the raw text (a cardholder may text anything, a card number included). */
  readonly command: SmsCommand;
}

/**
 * Answers one inbound text (worker side): runs the cardholder's queries through the pipeline,
 * words the reply in their language, stores each message and queues its sending.
 */
@Injectable()
export class SmsAnswerJob implements OnModuleInit {
  constructor(
    @Inject(JobHandlers) private readonly handlers: JobHandlers,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(CardholderDirectory) private readonly cardholders: CardholderDirectory,
    @Inject(CardholderQueries) private readonly queries: CardholderQueries,
    @Inject(BalancePipeline) private readonly pipeline: BalancePipeline,
    @Inject(RateLimitService) private readonly limits: RateLimitService,
    @Inject(OutboundMessages) private readonly messages: OutboundMessages,
    @Inject(SendSmsJob) private readonly sender: SendSmsJob,
    @Inject(SmsProvider) private readonly provider: SmsProvider,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  onModuleInit(): void {
    this.handlers.register(SMS_ANSWER_JOB, (data) => this.run(data as SmsAnswerData));
  }

  async enqueue(data: SmsAnswerData): Promise<void> {
    await this.queue.enqueue(SMS_ANSWER_JOB, data, { attempts: 3, backoffMs: 500 });
  }

  async run(data: SmsAnswerData): Promise<void> {
    if (await this.messages.answered(data.correlationId)) return;
    const holder = await this.cardholders.byPhone(data.from);
    if (!holder) return this.unregistered(data);
    // One text, one count against the phone, whatever it asks and however many cards it covers.
    let texts: string[];
    if ((await this.limits.consume('phone', data.from)).allowed) texts = await this.answer(data, holder);
    else {
      await this.pipeline.record(refusedQuery(data), 'RATE_LIMITED', { reason: 'phone' });
      texts = [rateLimitedMessage(holder.language)];
    }
    const language = data.command.kind === 'language' ? data.command.language : holder.language;
    await this.reply(data, language, texts);
  }

  private async answer(data: SmsAnswerData, holder: Cardholder): Promise<string[]> {
    const { command } = data;
    const lang = holder.language;
    const requester: RequesterClaim = { kind: 'phone', e164: data.from };
    switch (command.kind) {
      case 'help':
      case 'unknown':
        return [helpMessage(lang)];
      case 'language':
        await this.cardholders.setLanguage(holder.id, command.language);
        return [languageChangedMessage(command.language)];
      case 'balance': {
        const all = await this.cardholders.cards(holder.id);
        const wanted = command.card === 'all' ? undefined : command.card.last4;
        const cards = wanted === undefined ? all : all.filter((c) => c.last4 === wanted);
        if (!cards.length) return [wanted === undefined ? unavailableMessage(lang) : noSuchCardMessage(lang, wanted)];
        const answers = await this.queries.balances('sms', requester, cards, data.correlationId);
        return balanceMessages(lang, answers.map(balanceLine), answers[0]?.result.asOf ?? new Date(), this.config.timeZones[lang]);
      }
      case 'mini': {
        const all = await this.cardholders.cards(holder.id);
        const wanted = command.card === 'default' ? undefined : command.card.last4;
        const cards = wanted === undefined ? all : all.filter((c) => c.last4 === wanted);
        const card = cards[0];
        if (!card) return [wanted === undefined ? unavailableMessage(lang) : noSuchCardMessage(lang, wanted)];
        if (cards.length > 1) return [pickCardMessage(lang, cards.map((c) => c.last4))];
        const { result } = await this.queries.recentTransactions('sms', requester, card, MINI_STATEMENT_SIZE, data.correlationId);
        if (result.outcome === 'RATE_LIMITED') return [rateLimitedMessage(lang)];
        if (result.outcome !== 'APPROVED') return balanceMessages(lang, [balanceLine({ card, result })], result.asOf, this.config.timeZones[lang]);
        return [miniStatementMessage(lang, card.last4, transactionLines(result), this.config.timeZones[lang])];
      }
      default: {
        const never: never = command;
        return never;
      }
    }
  }

  /**
   * A number not on file gets one polite answer with no account data, audited as an
   * unauthenticated query; past the phone rate limit it gets nothing (no SMS pumping through us).
   */
  private async unregistered(data: SmsAnswerData): Promise<void> {
    await this.pipeline.record(refusedQuery(data), 'UNAUTHENTICATED');
    const decision = await this.limits.consume('phone', data.from);
    if (!decision.allowed) return;
    const lang: Language = data.from.startsWith('+86') ? 'zh' : 'en';
    await this.reply(data, lang, [unregisteredMessage(lang)]);
  }

  private async reply(data: SmsAnswerData, language: Language, bodies: string[]): Promise<void> {
    const ids = await this.messages.create({ to: data.from, bodies, language, provider: this.provider.name, correlationId: data.correlationId });
    for (const id of ids) await this.sender.enqueue(id);
  }
}

/** The audit form of a text refused before any card was asked about. */
function refusedQuery(data: SmsAnswerData): BalanceQuery {
  return { channel: 'sms', correlationId: data.correlationId, requester: { kind: 'phone', e164: data.from }, card: { pan: '' }, credential: { kind: 'requester' }, question: { kind: 'balance' } };
}
