import { Inject, Injectable } from '@nestjs/common';
import { MessageMemory } from '#platform';
import type { Language } from '#channels/telephony';

/** A call lasts at most this long in our memory (Twilio's own limit is 4 hours). */
const CALL_TTL_MS = 4 * 3_600_000;

export type Stage = 'language' | 'card' | 'pin' | 'menu';

/**
 * What the menu remembers between turns, keyed by CallSid: never card digits or a PIN. An unknown
 * caller's card number is hashed at once and only its holder is kept.
 */
export interface CallState {
  readonly callSid: string;
  readonly caller: string;
  language: Language;
  stage: Stage;
  /** The step the next request must carry (?s=): an older one is a replay and gets `lastTurn` again. */
  step: number;
  lastTurn: string;
  /** Failed tries (no input, invalid input, wrong PIN) in a row; three end the call. */
  failures: number;
  /** The cardholder on file for the caller id, or the holder of the card the caller keyed in. */
  cardholderId?: string;
  knownCaller: boolean;
  authenticated: boolean;
  /** What "1 repeat" says again: the last balances or transactions spoken. */
  lastReport?: { text: string }[];
  /** What "* back" returns to: the balances as they were last said. */
  balanceReport?: { text: string }[];
}

@Injectable()
export class CallStateStore {
  constructor(@Inject(MessageMemory) private readonly memory: MessageMemory) {}

  async get(callSid: string): Promise<CallState | undefined> {
    const raw = await this.memory.get(key(callSid));
    return raw ? (JSON.parse(raw) as CallState) : undefined;
  }

  async save(state: CallState): Promise<void> {
    await this.memory.set(key(state.callSid), JSON.stringify(state), CALL_TTL_MS);
  }

  /** One request per step is processed, even when Twilio sends the same step twice at once. */
  async claimStep(callSid: string, step: number): Promise<boolean> {
    return (await this.memory.claim(`${key(callSid)}:step:${step}`, '1', CALL_TTL_MS)) === null;
  }
}

function key(callSid: string): string {
  return `voice:call:${callSid}`;
}
