import { Inject, Injectable } from '@nestjs/common';
import { SaldoConfig } from '#config';
import { CryptoPort } from '#hsm';
import { Pan } from '#domain';
import { BalancePipeline, type OutcomeCode, type RequesterClaim } from '#pipeline';
import { RateLimitService } from '#platform';
import { CardholderDirectory, CardholderQueries, PhonePinVerifier, type Speech, type VoiceTurn } from '#channels/telephony';
import { balanceSentences, transactionSentences } from './balance-speech.js';
import type { CallState, Stage } from './call-state.js';
import { LANGUAGE_CHOICE, PROMPTS } from './prompts.js';
import { digitsInWords } from '../speech/amount-words.js';

const MAX_FAILURES = 3;
const RECENT_TRANSACTIONS = 3;
const MENU_TIMEOUT_S = 6;
const ENTRY_TIMEOUT_S = 10;

/**
 * The voice menu as a state machine over CallState: each method takes the caller's keys for one
 * stage and answers the next turn. Balances go through the one pipeline (channel "voice"), and
 * every refused authentication is audited there too.
 */
@Injectable()
export class IvrFlow {
  constructor(
    @Inject(CardholderDirectory) private readonly cardholders: CardholderDirectory,
    @Inject(CardholderQueries) private readonly queries: CardholderQueries,
    @Inject(PhonePinVerifier) private readonly pins: PhonePinVerifier,
    @Inject(CryptoPort) private readonly crypto: CryptoPort,
    @Inject(BalancePipeline) private readonly pipeline: BalancePipeline,
    @Inject(RateLimitService) private readonly limits: RateLimitService,
    @Inject(SaldoConfig) private readonly config: SaldoConfig,
  ) {}

  /** A known caller (caller id on file) goes straight to the PIN; anyone else picks a language first. */
  async start(state: CallState): Promise<VoiceTurn> {
    const holder = await this.cardholders.byPhone(state.caller);
    if (!holder) return this.ask(state, 'language', [], this.languageChoice());
    state.cardholderId = holder.id;
    state.knownCaller = true;
    state.language = holder.language;
    const p = PROMPTS[holder.language];
    return this.ask(state, 'pin', [this.speak(state, p.welcome)], [this.speak(state, p.askPin)], { finishOnKey: '#', numDigits: 6 });
  }

  async onLanguage(state: CallState, digits: string): Promise<VoiceTurn> {
    if (digits !== '1' && digits !== '2') return this.retry(state, digits, this.languageChoice());
    state.language = digits === '1' ? 'zh' : 'en';
    state.failures = 0;
    const p = PROMPTS[state.language];
    return this.ask(state, 'card', [this.speak(state, p.welcome)], [this.speak(state, p.askCard)], { finishOnKey: '#' });
  }

  async onCard(state: CallState, digits: string): Promise<VoiceTurn> {
    const p = PROMPTS[state.language];
    const parsed = Pan.parse(digits);
    if (!parsed.ok) {
      const said = digits ? [this.speak(state, p.invalidCard)] : [];
      return this.retry(state, digits, [this.speak(state, p.askCard)], { finishOnKey: '#' }, said);
    }
    // Only the holder is kept: the card number leaves this request as its keyed hash. Failures are
    // not forgiven here: a call gets three tries at card and PIN together, not three per card.
    const holder = await this.cardholders.byCard(await this.crypto.hashPan(parsed.pan));
    state.cardholderId = holder?.id;
    return this.ask(state, 'pin', [], [this.speak(state, p.askPin)], { finishOnKey: '#', numDigits: 6 });
  }

  async onPin(state: CallState, digits: string): Promise<VoiceTurn> {
    const p = PROMPTS[state.language];
    const again = [this.speak(state, p.askPin)];
    if (!digits) return this.retry(state, digits, again, { finishOnKey: '#', numDigits: 6 });
    // Every PIN attempt counts against the phone's limit: one caller cannot guess across cardholders.
    const limit = await this.limits.consume('phone', state.caller || `call:${state.callSid}`);
    if (!limit.allowed) {
      await this.audit(state, 'RATE_LIMITED');
      return this.end(state, p.rateLimited);
    }
    if (!state.knownCaller) return this.unknownCallerPin(state, digits);
    const { verdict, triesLeft } = await this.pins.verify(state.cardholderId!, digits);
    switch (verdict) {
      case 'VERIFIED':
        state.authenticated = true;
        state.failures = 0;
        return this.balances(state);
      case 'WRONG':
        await this.audit(state, 'WRONG_PIN');
        return this.retry(state, 'wrong', again, { finishOnKey: '#', numDigits: 6 }, [this.speak(state, p.wrongPin(triesLeft ?? 0))]);
      case 'LOCKED':
        await this.audit(state, 'PIN_TRIES_EXCEEDED');
        return this.end(state, p.locked);
      case 'NOT_SET':
        await this.audit(state, 'NOT_PERMITTED');
        return this.end(state, p.noPinSet);
      case 'UNAVAILABLE':
        await this.audit(state, 'SYSTEM_ERROR');
        return this.end(state, p.unavailable);
    }
  }

  /**
   * An unknown caller hears the same answer whatever went wrong — no such card, wrong PIN, locked,
   * no phone PIN — after the same crypto work, so the menu cannot be used to find out which card
   * numbers are real. Each case is audited as what it was.
   */
  private async unknownCallerPin(state: CallState, digits: string): Promise<VoiceTurn> {
    const p = PROMPTS[state.language];
    let outcome: OutcomeCode;
    if (!state.cardholderId) {
      await this.pins.verifyNobody(digits);
      outcome = 'UNKNOWN_CARD';
    } else {
      const { verdict } = await this.pins.verify(state.cardholderId, digits);
      if (verdict === 'VERIFIED') {
        state.authenticated = true;
        state.failures = 0;
        return this.balances(state);
      }
      if (verdict === 'UNAVAILABLE') {
        await this.audit(state, 'SYSTEM_ERROR');
        return this.end(state, p.unavailable);
      }
      outcome = verdict === 'WRONG' ? 'WRONG_PIN' : verdict === 'LOCKED' ? 'PIN_TRIES_EXCEEDED' : 'NOT_PERMITTED';
    }
    await this.audit(state, outcome);
    state.cardholderId = undefined;
    return this.retry(state, 'wrong', [this.speak(state, p.askCard)], { finishOnKey: '#' }, [this.speak(state, p.notRecognised)], 'card');
  }

  /** A step that failed unexpectedly: the caller hears an apology and the call ends cleanly. */
  failed(state: CallState): VoiceTurn {
    return this.end(state, PROMPTS[state.language].unavailable);
  }

  async onMenu(state: CallState, digits: string): Promise<VoiceTurn> {
    const p = PROMPTS[state.language];
    switch (digits) {
      case '1':
        return this.menu(state, (state.lastReport ?? []).map((r) => this.speak(state, r.text)));
      case '2':
        return this.transactions(state);
      case '0':
        state.step++;
        return { say: [this.speak(state, p.transferring)], dial: this.config.voice.agentNumber };
      case '9':
        return this.menu(state, []);
      case '*':
        // Back to the balances as they were said: no new query for what the caller already heard.
        state.lastReport = state.balanceReport;
        return this.menu(state, (state.balanceReport ?? []).map((r) => this.speak(state, r.text)));
      default:
        return this.retry(state, digits, [this.speak(state, p.menu)], { numDigits: 1 });
    }
  }

  private async balances(state: CallState): Promise<VoiceTurn> {
    const p = PROMPTS[state.language];
    const cards = await this.cardholders.cards(state.cardholderId!);
    if (!cards.length) return this.end(state, p.noCards);
    const answers = await this.queries.balances('voice', this.requester(state), cards, `${state.callSid}:${state.step}`);
    state.lastReport = balanceSentences(state.language, answers).map((text) => ({ text }));
    state.balanceReport = state.lastReport;
    return this.menu(state, state.lastReport.map((r) => this.speak(state, r.text)));
  }

  /** The last few transactions of the caller's first card that answers. */
  private async transactions(state: CallState): Promise<VoiceTurn> {
    const p = PROMPTS[state.language];
    const [card] = await this.cardholders.cards(state.cardholderId!);
    if (!card) return this.end(state, p.noCards);
    if (!(await this.limits.consume('phone', state.caller || `call:${state.callSid}`)).allowed) {
      await this.audit(state, 'RATE_LIMITED');
      return this.end(state, p.rateLimited);
    }
    const { result } = await this.queries.recentTransactions('voice', this.requester(state), card, RECENT_TRANSACTIONS, `${state.callSid}:${state.step}`);
    const spokenCard = digitsInWords(card.last4, state.language);
    const items = result.transactions?.items ?? [];
    const lines =
      result.outcome !== 'APPROVED'
        ? balanceSentences(state.language, [{ card, result }])
        : items.length
          ? [p.transactionsHeader(spokenCard), ...transactionSentences(state.language, items, this.config.timeZones[state.language])]
          : [p.noTransactions(spokenCard)];
    state.lastReport = lines.map((text) => ({ text }));
    return this.menu(state, lines.map((text) => this.speak(state, text)));
  }

  private menu(state: CallState, said: Speech[]): VoiceTurn {
    state.failures = 0;
    return this.ask(state, 'menu', said, [this.speak(state, PROMPTS[state.language].menu)], { numDigits: 1 }, MENU_TIMEOUT_S);
  }

  /**
   * A failed try: say why and ask again, or, at the third failure in a row, say goodbye and hang up.
   */
  private retry(
    state: CallState,
    digits: string,
    prompt: Speech[],
    keys: { numDigits?: number; finishOnKey?: '#' } = { numDigits: 1 },
    said?: Speech[],
    stage: Stage = state.stage,
  ): VoiceTurn {
    state.failures++;
    const p = PROMPTS[state.language];
    if (state.failures >= MAX_FAILURES) return this.end(state, p.goodbye, said);
    const why = said ?? [this.speak(state, digits ? p.invalidChoice : p.noInput)];
    return this.ask(state, stage, why, prompt, keys);
  }

  private ask(
    state: CallState,
    stage: Stage,
    said: Speech[],
    prompt: Speech[],
    keys: { numDigits?: number; finishOnKey?: '#' } = { numDigits: 1 },
    timeoutSeconds = ENTRY_TIMEOUT_S,
  ): VoiceTurn {
    state.stage = stage;
    state.step++;
    const action = `${this.config.http.publicBaseUrl}/twilio/voice/${stage}?s=${state.step}`;
    return { say: said, gather: { action, prompt, timeoutSeconds, ...keys } };
  }

  private end(state: CallState, text: string, before: Speech[] = []): VoiceTurn {
    state.step++;
    return { say: [...before, this.speak(state, text)], hangup: true };
  }

  private languageChoice(): Speech[] {
    return [
      { text: LANGUAGE_CHOICE.zh, language: 'zh' },
      { text: LANGUAGE_CHOICE.en, language: 'en' },
    ];
  }

  private speak(state: CallState, text: string): Speech {
    return { text, language: state.language };
  }

  private requester(state: CallState): RequesterClaim {
    return state.knownCaller
      ? { kind: 'phone', e164: state.caller }
      : { kind: 'caller', e164: state.caller, cardholderId: state.cardholderId! };
  }

  private async audit(state: CallState, outcome: OutcomeCode): Promise<void> {
    await this.pipeline.record(
      {
        channel: 'voice',
        correlationId: `${state.callSid}:${state.step}`,
        requester: state.knownCaller || !state.cardholderId ? { kind: 'phone', e164: state.caller } : this.requester(state),
        card: { pan: '' },
        credential: { kind: 'requester' },
        question: { kind: 'balance' },
      },
      outcome,
      { step: 'phone-pin' },
    );
  }
}

