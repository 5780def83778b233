import { timingSafeEqual } from 'node:crypto';
import { Pan } from '#domain';
import { encryptPinBlockForSeed, macForTerminal } from '#hsm';
import { ISO87A, macFieldOf, macInput, type Iso8583Message, type Iso8583MessageInput, type MessageSpec } from '../../../libs/channels/src/pos/iso8583/index.js';
import { advanceKsnCounter, ksnFor, nextKsnCounter, type DukptScheme } from './ksn.js';
import type { TerminalProfile } from './terminal-profile.js';
import type { TerminalCounters, TerminalStateStore } from './terminal-state.js';

export { describeResponse, summariseResponse } from './response-summary.js';

export type AccountChoice = 'default' | 'savings' | 'checking' | 'credit';
export const ACCOUNT_CHOICES: readonly AccountChoice[] = ['default', 'savings', 'checking', 'credit'];
export type NetworkAction = 'echo' | 'sign-on' | 'sign-off';
export type MacVerdict = 'VERIFIED' | 'MISMATCH' | 'MISSING' | 'NO_MAC_KEY';

export interface BalanceInquiryInput {
  /** Key entry (field 2), with `expiry` (YYMM, field 14) if given. */
  readonly pan?: string;
  readonly expiry?: string;
  /** Swiped track 2 data, `PAN=YYMM…` (field 35); with `chip`, the chip's track 2 equivalent, sent as EMV data in field 55. */
  readonly track2?: string;
  readonly chip?: boolean;
  /** A QR token scanned instead of, or beside, a card (field 48). */
  readonly qr?: string;
  readonly pin?: string;
  readonly account?: AccountChoice;
  readonly mti?: '0100' | '0200';
}

export interface SimulatedTerminalOptions {
  /** The wire profile the client packs with: the MAC is over these bytes. Default ISO87A. */
  readonly spec?: MessageSpec;
  /** Counters reserved per write of the state file when the reserve runs out. Default 1. */
  readonly reserveBlock?: number;
  readonly now?: () => Date;
}

/** A request the terminal refuses to build; the message names the flag, never its value. */
export class TerminalInputError extends Error {
  override name = 'TerminalInputError';
}

const PROCESSING_ACCOUNT: Readonly<Record<AccountChoice, string>> = { default: '00', savings: '10', checking: '20', credit: '30' };
const NETWORK_CODES: Readonly<Record<NetworkAction, string>> = { echo: '301', 'sign-on': '001', 'sign-off': '002' };
/** Field 22: PAN entry mode (01 keyed, 02 stripe, 03 bar code, 05 chip) + PIN entry capability. */
const ENTRY_MODE = { keyed: '012', swipe: '021', chip: '051', barcode: '031' } as const;
const MAX_STAN = 999_999;
const PAN_DIGITS = /^\d{12,19}$/;
const TRACK2 = /^(\d{12,19})[=D]\d{0,24}$/;

type CounterKind = 'stan' | 'ksn';
interface CounterReserve {
  last: number;
  remaining: number;
}

/**
 * A POS terminal with its PIN pad: builds the messages a real one sends — STAN and DUKPT counter
 * taken from a reserve kept in the state store, the PIN encrypted as the PED would, the MAC under
 * its TAK — and checks the host's MAC. Counters are reserved before use, in blocks, so a load test
 * does not write the state file per request.
 */
export class SimulatedTerminal {
  readonly #profile: TerminalProfile;
  readonly #state: TerminalStateStore;
  readonly #spec: MessageSpec;
  readonly #reserveBlock: number;
  readonly #now: () => Date;
  readonly #scheme: DukptScheme | undefined;
  readonly #reserves: Record<CounterKind, CounterReserve> = { stan: { last: 0, remaining: 0 }, ksn: { last: 0, remaining: 0 } };
  readonly #refills: Partial<Record<CounterKind, Promise<void>>> = {};

  constructor(profile: TerminalProfile, state: TerminalStateStore, options: SimulatedTerminalOptions = {}) {
    this.#profile = profile;
    this.#state = state;
    this.#spec = options.spec ?? ISO87A;
    this.#reserveBlock = Math.max(1, Math.floor(options.reserveBlock ?? 1));
    this.#now = options.now ?? (() => new Date());
    this.#scheme = profile.pin.mode === 'DUKPT_TDES' ? 'TDES' : profile.pin.mode === 'DUKPT_AES' ? 'AES' : undefined;
  }

  get tid(): string {
    return this.#profile.tid;
  }

  /** Holds `count` STANs (and DUKPT counters) in memory with one write; what was held before is skipped. */
  async reserve(count: number): Promise<void> {
    await this.#reserve(this.#scheme ? ['stan', 'ksn'] : ['stan'], count);
  }

  async balanceInquiry(input: BalanceInquiryInput): Promise<Iso8583MessageInput> {
    const card = checkInquiry(input);
    const now = this.#now();
    const fields = new Map<number, string>([
      [3, `31${PROCESSING_ACCOUNT[input.account ?? 'default']}00`],
      [4, '000000000000'],
      [7, transmissionTime(now)],
      [11, await this.#stan()],
      [12, localTime(now)],
      [13, localDate(now)],
      [22, input.chip ? ENTRY_MODE.chip : input.track2 ? ENTRY_MODE.swipe : input.pan ? ENTRY_MODE.keyed : ENTRY_MODE.barcode],
      [25, '00'],
      [41, this.#profile.tid],
      [42, this.#profile.mid],
    ]);
    if (input.track2 !== undefined) fields.set(input.chip ? 55 : 35, input.chip ? chipData(input.track2) : input.track2);
    if (input.pan !== undefined) fields.set(2, input.pan);
    if (input.pan !== undefined && input.expiry !== undefined) fields.set(14, input.expiry);
    if (input.qr !== undefined) fields.set(48, input.qr);
    if (input.pin !== undefined && card) await this.#addPinBlock(fields, input.pin, card);
    return this.#withMac({ mti: input.mti ?? '0200', fields });
  }

  async networkManagement(action: NetworkAction): Promise<Iso8583MessageInput> {
    const fields = new Map<number, string>([
      [7, transmissionTime(this.#now())],
      [11, await this.#stan()],
      [41, this.#profile.tid],
      [42, this.#profile.mid],
      [70, NETWORK_CODES[action]],
    ]);
    return this.#withMac({ mti: '0800', fields });
  }

  /** The host's MAC (field 64, or 128 with a secondary bitmap) checked under the TAK. */
  verifyResponseMac(response: Iso8583Message): MacVerdict {
    if (!this.#profile.mac) return 'NO_MAC_KEY';
    const macField = macFieldOf(response);
    const received = response.fields.get(macField);
    if (received === undefined) return 'MISSING';
    const expected = macForTerminal({
      keyHex: this.#profile.mac.keyHex,
      algorithm: 'ISO9797-1-ALG3',
      data: macInput(this.#spec, response),
      direction: 'response',
    });
    const a = Buffer.from(expected, 'hex');
    const b = Buffer.from(received, 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? 'VERIFIED' : 'MISMATCH';
  }

  async #addPinBlock(fields: Map<number, string>, pin: string, pan: Pan): Promise<void> {
    const key = this.#profile.pin;
    const ksn = this.#scheme && key.mode !== 'FIXED_KEY' ? ksnFor(this.#scheme, key.initialId, await this.#take('ksn')) : undefined;
    const block = await encryptPinBlockForSeed({ keyHex: key.keyHex, keyRef: key.keyRef, format: key.format, pin, pan, ...(ksn ? { ksn } : {}) });
    // Field 52 holds 8 bytes; an ISO-4 block is 16, so it travels in field 62 (docs/pos.md).
    if (block.format === 'ISO-4') fields.set(62, `PINBLOCK4=${block.block}`);
    else fields.set(52, block.block);
    if (ksn) fields.set(53, ksn);
  }

  #withMac(message: Iso8583MessageInput): Iso8583MessageInput {
    if (!this.#profile.mac) return message;
    const macField = macFieldOf(message);
    const mac = macForTerminal({ keyHex: this.#profile.mac.keyHex, algorithm: 'ISO9797-1-ALG3', data: macInput(this.#spec, message), direction: 'request' });
    return { mti: message.mti, fields: new Map([...message.fields, [macField, mac]]) };
  }

  async #stan(): Promise<string> {
    return String(await this.#take('stan')).padStart(6, '0');
  }

  async #take(kind: CounterKind): Promise<number> {
    while (this.#reserves[kind].remaining === 0) {
      await (this.#refills[kind] ??= this.#reserve([kind], this.#reserveBlock).finally(() => delete this.#refills[kind]));
    }
    const reserve = this.#reserves[kind];
    reserve.remaining--;
    reserve.last = kind === 'stan' ? (reserve.last % MAX_STAN) + 1 : nextKsnCounter(this.#scheme ?? 'TDES', reserve.last);
    return reserve.last;
  }

  async #reserve(kinds: readonly CounterKind[], count: number): Promise<void> {
    if (!Number.isSafeInteger(count) || count < 1) throw new RangeError('reserve at least one counter');
    const ksnBase = this.#profile.pin.mode === 'FIXED_KEY' ? undefined : this.#profile.pin.initialId;
    const scheme = this.#scheme;
    let before: TerminalCounters = { stan: 0, ksnCounter: 0 };
    await this.#state.update(this.#profile.tid, (current) => {
      // A new initial key (another KSN base) starts its counter again.
      before = current.ksnBase === ksnBase ? current : { stan: current.stan, ksnCounter: 0 };
      return {
        stan: kinds.includes('stan') ? ((before.stan + count - 1) % MAX_STAN) + 1 : before.stan,
        ksnCounter: kinds.includes('ksn') && scheme ? advanceKsnCounter(scheme, before.ksnCounter, count) : before.ksnCounter,
        ...(ksnBase ? { ksnBase } : {}),
      };
    });
    for (const kind of kinds) this.#reserves[kind] = { last: kind === 'stan' ? before.stan : before.ksnCounter, remaining: count };
  }
}

const two = (n: number): string => String(n).padStart(2, '0');
/** Field 7, MMDDhhmmss in UTC (GMT, as ISO 8583 defines it). */
const transmissionTime = (d: Date): string =>
  two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(d.getUTCSeconds());
/** Fields 12 and 13: the terminal's local time and date. */
const localTime = (d: Date): string => two(d.getHours()) + two(d.getMinutes()) + two(d.getSeconds());
const localDate = (d: Date): string => two(d.getMonth() + 1) + two(d.getDate());

/** Validates an inquiry before any counter is spent; returns the card a PIN block binds to. */
function checkInquiry(input: BalanceInquiryInput): Pan | undefined {
  if (input.pan === undefined && input.track2 === undefined && input.qr === undefined) throw new TerminalInputError('give a card (--pan or --track2) or a QR token (--qr)');
  if (input.pan !== undefined && input.track2 !== undefined) throw new TerminalInputError('give --pan or --track2, not both');
  if (input.pan !== undefined && !PAN_DIGITS.test(input.pan)) throw new TerminalInputError('--pan must be 12 to 19 digits');
  if (input.expiry !== undefined && (input.pan === undefined || !/^\d{2}(0[1-9]|1[0-2])$/.test(input.expiry))) {
    throw new TerminalInputError('--expiry is YYMM and goes with --pan (track 2 carries its own)');
  }
  const trackPan = input.track2 === undefined || input.track2.length > 37 ? undefined : TRACK2.exec(input.track2)?.[1];
  if (input.track2 !== undefined && trackPan === undefined) throw new TerminalInputError('--track2 must be PAN=YYMM… (digits, "=" or "D", at most 37 characters)');
  if (input.chip && input.track2 === undefined) throw new TerminalInputError('a chip read needs --track2 (the chip\'s track 2 equivalent data)');
  if (input.qr !== undefined && !/^[\x20-\x7E]{1,999}$/.test(input.qr)) throw new TerminalInputError('--qr must be 1 to 999 printable ASCII characters');
  if (input.account !== undefined && !ACCOUNT_CHOICES.includes(input.account)) throw new TerminalInputError(`--account is one of ${ACCOUNT_CHOICES.join(', ')}`);
  if (input.mti !== undefined && input.mti !== '0100' && input.mti !== '0200') throw new TerminalInputError('--mti is 0100 or 0200');
  const digits = input.pan ?? trackPan;
  if (input.pin === undefined) return undefined;
  if (!/^\d{4,12}$/.test(input.pin)) throw new TerminalInputError('--pin must be 4 to 12 digits');
  const parsed = digits === undefined ? undefined : Pan.parse(digits);
  if (!parsed?.ok) throw new TerminalInputError('a PIN needs a card whose number passes the Luhn check (--pan or --track2)');
  return parsed.pan;
}

/**
 * Field 55 as a chip read gives it: tag 57 (track 2 equivalent, `D` separator, F-padded), 5A (PAN,
 * F-padded) and 5F24 (expiry YYMMDD; the chip's day is the month's last, 31 stands in).
 */
function chipData(track2: string): string {
  const [pan, rest = ''] = track2.split(/[=D]/);
  const tlv = (tag: string, value: string) => {
    const padded = value.length % 2 ? `${value}F` : value;
    return tag + (padded.length / 2).toString(16).padStart(2, '0').toUpperCase() + padded;
  };
  const expiry = rest.slice(0, 4);
  return tlv('57', `${pan}D${rest}`) + tlv('5A', pan) + (expiry.length === 4 ? tlv('5F24', `${expiry}31`) : '');
}
