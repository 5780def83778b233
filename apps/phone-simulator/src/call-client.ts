import { randomBytes } from 'node:crypto';
import { parseTwiml, type GatherVerb } from './twiml.js';
import { DEFAULT_BANK_NUMBER, SIMULATOR_ACCOUNT_SID, WebhookClient, WebhookClientError, type WebhookServer } from './webhook-client.js';

/** The server (`url`, `publicUrl`, `token`) and each webhook's answer time limit (`timeoutMs`, default 15 s). */
export interface CallOptions extends WebhookServer {
  /** The caller id. */
  readonly from: string;
  /** The number called; default +15555550000 (the demo bank number). */
  readonly to?: string;
  /** Default: a random CA + 32 hex. */
  readonly callSid?: string;
  /** Webhooks at most per call (a guard against redirect loops); default 100. */
  readonly maxTurns?: number;
}

/** Where the caller's keys come from: the entry for this Gather ('' = no input), or undefined to hang up. */
export interface Keypad {
  next(gather: GatherVerb): Promise<string | undefined>;
}

/** How a call ended: the server hung up, transferred it, the caller hung up, or the TwiML ran out of verbs. */
export type CallEnd = { readonly kind: 'hangup' } | { readonly kind: 'dial'; readonly number: string } | { readonly kind: 'caller-hung-up' } | { readonly kind: 'document-ended' };

export type CallEvent =
  | { readonly kind: 'say'; readonly text: string; readonly language?: string; readonly voice?: string }
  | { readonly kind: 'keys'; readonly digits: string }
  | { readonly kind: 'redirect'; readonly url: string }
  | { readonly kind: 'skipped'; readonly verb: string }
  | CallEnd;

export interface Transcript {
  readonly callSid: string;
  readonly events: readonly CallEvent[];
  readonly end: CallEnd;
}

/** A webhook failed (HTTP status, unreachable server, bad TwiML, a URL outside the server). */
export class CallClientError extends WebhookClientError {
  override name = 'CallClientError';
}

/** Keys a caller can press. */
export function isKeypadEntry(text: string): boolean {
  return /^[0-9*#]{0,64}$/.test(text);
}

/** A keypad that answers each Gather with the next scripted entry, then hangs up. */
export function scriptedKeypad(entries: readonly string[]): Keypad {
  const queue = [...entries];
  return { next: async () => queue.shift() };
}

/**
 * Plays one call as Twilio would: posts the call to /twilio/voice, reads each TwiML answer verb by
 * verb, sends the keypad's entry to each Gather's action, and follows until the server hangs up or
 * transfers, the caller hangs up, or a document ends without a next step. Every webhook is signed
 * over its public URL; it is sent to the same path and query under `url`.
 */
export async function playCall(options: CallOptions, keypad: Keypad, onEvent: (event: CallEvent) => void = () => {}): Promise<Transcript> {
  const callSid = options.callSid ?? `CA${randomBytes(16).toString('hex')}`;
  const webhooks = new SignedWebhooks(options);
  const events: CallEvent[] = [];
  const emit = (event: CallEvent) => {
    events.push(event);
    onEvent(event);
  };
  const finish = (end: CallEnd): Transcript => {
    emit(end);
    return { callSid, events, end };
  };
  const call = {
    AccountSid: SIMULATOR_ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    CallSid: callSid,
    Direction: 'inbound',
    From: options.from,
    Caller: options.from,
    To: options.to ?? DEFAULT_BANK_NUMBER,
    Called: options.to ?? DEFAULT_BANK_NUMBER,
  };

  let current = `${webhooks.publicBase}/twilio/voice`;
  let document = await webhooks.send(current, 'POST', { ...call, CallStatus: 'ringing' });
  for (let turn = 1; ; turn++) {
    let next: { url: string; method: 'GET' | 'POST'; params: Record<string, string> } | undefined;
    for (const verb of parseTwimlOrThrow(document, current)) {
      if (verb.verb === 'Say') emit(spoken(verb));
      else if (verb.verb === 'Gather') {
        for (const prompt of verb.prompts) emit(spoken(prompt));
        const entry = await keypad.next(verb);
        if (entry === undefined) return finish({ kind: 'caller-hung-up' });
        const { digits, finishedOnKey } = keyed(entry, verb);
        emit({ kind: 'keys', digits });
        // No input and no actionOnEmptyResult: Twilio goes on to the verb after the Gather.
        if (digits === '' && !verb.actionOnEmptyResult) continue;
        const params = { ...call, CallStatus: 'in-progress', Digits: digits, FinishedOnKey: finishedOnKey };
        next = { url: resolve(verb.action ?? current, current), method: verb.method, params };
        break;
      } else if (verb.verb === 'Dial') return finish({ kind: 'dial', number: verb.number });
      else if (verb.verb === 'Hangup') return finish({ kind: 'hangup' });
      else if (verb.verb === 'Redirect') {
        next = { url: resolve(verb.url, current), method: verb.method, params: { ...call, CallStatus: 'in-progress' } };
        emit({ kind: 'redirect', url: next.url });
        break;
      } else emit({ kind: 'skipped', verb: verb.name });
    }
    if (!next) return finish({ kind: 'document-ended' });
    if (turn >= (options.maxTurns ?? 100)) throw new CallClientError(`still talking after ${turn} webhooks: giving up`);
    current = next.url;
    document = await webhooks.send(next.url, next.method, next.params);
  }
}

/** Everything the caller heard, in order. */
export function spokenTexts(transcript: Transcript): string[] {
  return transcript.events.flatMap((e) => (e.kind === 'say' ? [e.text] : []));
}

function spoken(say: { text: string; language?: string; voice?: string }): CallEvent {
  return { kind: 'say', text: say.text, ...(say.language ? { language: say.language } : {}), ...(say.voice ? { voice: say.voice } : {}) };
}

/** What Twilio posts for an entry: up to the finishing key, at most numDigits keys. */
function keyed(entry: string, gather: GatherVerb): { digits: string; finishedOnKey: string } {
  if (!isKeypadEntry(entry)) throw new CallClientError(`not keypad keys: ${JSON.stringify(entry)} (0-9, * and # only)`);
  let digits = entry;
  let finishedOnKey = '';
  const end = gather.finishOnKey ? digits.indexOf(gather.finishOnKey) : -1;
  if (end >= 0) {
    finishedOnKey = gather.finishOnKey;
    digits = digits.slice(0, end);
  }
  if (gather.numDigits !== undefined && digits.length > gather.numDigits) digits = digits.slice(0, gather.numDigits);
  return { digits, finishedOnKey };
}

function parseTwimlOrThrow(document: string, url: string) {
  try {
    return parseTwiml(document);
  } catch (error) {
    throw new CallClientError(`the answer to ${url} is not TwiML: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** An absolute URL as written; a relative one resolved against the document's URL, as Twilio does. */
function resolve(reference: string, base: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(reference) ? reference : new URL(reference, base).href;
}

/** Twilio's side of the webhooks: each answer must be 200 and is the next TwiML document. */
class SignedWebhooks {
  private readonly client: WebhookClient;

  constructor(options: CallOptions) {
    this.client = new WebhookClient(options, { error: CallClientError });
  }

  get publicBase(): string {
    return this.client.publicBase;
  }

  async send(publicUrl: string, method: 'GET' | 'POST', params: Record<string, string>): Promise<string> {
    const { response: res, target } = await this.client.request(method, publicUrl, params);
    const text = await res.text();
    if (res.status === 200) return text;
    throw this.client.refused(`${method} ${new URL(target).pathname}`, res.status);
  }
}
