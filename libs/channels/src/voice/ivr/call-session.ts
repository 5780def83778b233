import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { VoiceProvider, type VoiceTurn } from '#channels/telephony';
import { CallStateStore, type CallState, type Stage } from './call-state.js';
import { IvrFlow } from './ivr-flow.js';

/** How long a repeated step waits for the first copy's answer before answering it itself. */
const REPEAT_WAIT_MS = 5_000;

export interface CallRequest {
  readonly CallSid?: string;
  readonly From?: string;
  readonly Digits?: string;
}

/**
 * One webhook of a call: loads the call's state, makes sure each step is processed once (Twilio
 * repeats a request it got no answer to; a repeat gets the same document again), runs the flow,
 * stores the state and renders the turn.
 */
@Injectable()
export class CallSession {
  private readonly logger = new Logger('CallSession');

  constructor(
    @Inject(CallStateStore) private readonly store: CallStateStore,
    @Inject(IvrFlow) private readonly flow: IvrFlow,
    @Inject(VoiceProvider) private readonly voice: VoiceProvider,
  ) {}

  get contentType(): string {
    return this.voice.contentType;
  }

  async start(call: CallRequest): Promise<string> {
    const callSid = call.CallSid ?? '';
    const existing = await this.store.get(callSid);
    if (existing) return existing.lastTurn;
    if (!(await this.store.claimStep(callSid, 0))) return this.awaitTurn(callSid, 0);
    const state: CallState = {
      callSid,
      caller: call.From ?? '',
      language: 'en',
      stage: 'language',
      step: 0,
      lastTurn: '',
      failures: 0,
      knownCaller: false,
      authenticated: false,
    };
    return this.finish(state, await this.flow.start(state));
  }

  async step(stage: Stage, step: number, call: CallRequest): Promise<string | undefined> {
    const callSid = call.CallSid ?? '';
    const state = await this.store.get(callSid);
    if (!state) return undefined;
    if (step !== state.step || stage !== state.stage) return state.lastTurn;
    if (!(await this.store.claimStep(callSid, step))) return this.awaitTurn(callSid, step);
    // Digits arrive only from the key pad: anything else is treated as no entry.
    const digits = /^[0-9*#]{0,32}$/.test(call.Digits ?? '') ? (call.Digits ?? '') : '';
    if (stage === 'menu' && !state.authenticated) return state.lastTurn;
    let turn: VoiceTurn;
    try {
      turn = await this.run(stage, state, digits);
    } catch (err) {
      // The step is claimed: a retry of it gets this goodbye, not a wait for an answer that never comes.
      this.logger.error(`voice step ${stage} failed for call ${callSid}: ${err instanceof Error ? `${err.name}: ${err.message}` : 'error'}`);
      turn = this.flow.failed(state);
    }
    return this.finish(state, turn);
  }

  private run(stage: Stage, state: CallState, digits: string): Promise<VoiceTurn> {
    switch (stage) {
      case 'language':
        return this.flow.onLanguage(state, digits);
      case 'card':
        return this.flow.onCard(state, digits);
      case 'pin':
        return this.flow.onPin(state, digits);
      case 'menu':
        return this.flow.onMenu(state, digits);
    }
  }

  private async finish(state: CallState, turn: VoiceTurn): Promise<string> {
    state.lastTurn = this.voice.render(turn);
    await this.store.save(state);
    return state.lastTurn;
  }

  /** The same step is being answered by another request: give its answer once it is stored. */
  private async awaitTurn(callSid: string, step: number): Promise<string> {
    const deadline = Date.now() + REPEAT_WAIT_MS;
    while (Date.now() < deadline) {
      const state = await this.store.get(callSid);
      if (state && state.step > step) return state.lastTurn;
      await sleep(25);
    }
    return (await this.store.get(callSid))?.lastTurn || this.voice.render({ say: [], hangup: true });
  }
}
