import { parseArgs } from 'node:util';
import { MESSAGE_SPECS_BY_NAME } from '../../../libs/channels/src/pos/iso8583/index.js';
import { POS_FRAMINGS_BY_NAME } from '../../../libs/channels/src/pos/pos-framing.js';
import type { LoadCard } from './load-test.js';
import { ACCOUNT_CHOICES, type AccountChoice, type BalanceInquiryInput, type NetworkAction } from './simulated-terminal.js';
import { DEFAULT_STATE_FILE } from './terminal-state.js';

export const USAGE = `saldo-pos — a POS terminal for Saldo's ISO 8583 listener (demo terminals SALDO001-003)

usage: saldo-pos [connection] [card] [options]
       saldo-pos --echo | --sign-on | --sign-off
       saldo-pos --load N [--concurrency C] [card]

connection
  --host HOST          default 127.0.0.1
  --port PORT          default $POS_PORT, else 8583
  --tls                TLS instead of plain TCP; --ca FILE to trust a private CA
  --timeout MS         answer timeout, default 10000
  --profile NAME       iso87a | iso87b: the listener's message profile (default $POS_PROFILE, else iso87a)
  --framing NAME       binary2 | ascii4 | bcd2-tpdu: its length header (default $POS_FRAMING, else binary2)
card (one of)
  --pan DIGITS         key entry (field 2); --expiry YYMM adds field 14
  --track2 DATA        swipe, PAN=YYMM... (field 35); --chip reads it from the chip instead
  --qr TOKEN           a QR token from the cardholder page's "Check at a terminal"
                       (field 48, no card and no PIN; with a card the gateway answers 30)
  --pin DIGITS         encrypted by the terminal's PIN pad (DUKPT or fixed key)
request
  --terminal TID       default SALDO001
  --account TYPE       ${ACCOUNT_CHOICES.join(' | ')} (default: default)
  --mti 0100|0200      default 0200
network management
  --echo | --sign-on | --sign-off
load test
  --load N             N inquiries; without --pan, the active demo cards in turn
  --concurrency C      requests in flight (default 10), over min(C, 64) connections
output and state
  --json               one JSON object on stdout
  --state FILE         STAN and KSN counters, default ${DEFAULT_STATE_FILE}
  --help

exit status: 0 approved (00), 1 anything else or no answer, 2 bad flags`;

/** A flag the simulator cannot act on (exit status 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly profile: keyof typeof MESSAGE_SPECS_BY_NAME;
  readonly framing: keyof typeof POS_FRAMINGS_BY_NAME;
  readonly tls: boolean;
  readonly caFile?: string;
  readonly timeoutMs: number;
}

interface Common {
  readonly connection: ConnectionOptions;
  readonly terminal: string;
  readonly statePath: string;
  readonly json: boolean;
}

export type CliCommand =
  | { readonly kind: 'help' }
  | ({ readonly kind: 'inquiry'; readonly inquiry: BalanceInquiryInput } & Common)
  | ({ readonly kind: 'network'; readonly action: NetworkAction } & Common)
  | ({ readonly kind: 'load'; readonly requests: number; readonly concurrency: number; readonly card?: LoadCard; readonly account?: AccountChoice } & Common);

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  tls: { type: 'boolean' },
  ca: { type: 'string' },
  timeout: { type: 'string' },
  profile: { type: 'string' },
  framing: { type: 'string' },
  terminal: { type: 'string' },
  pan: { type: 'string' },
  expiry: { type: 'string' },
  track2: { type: 'string' },
  chip: { type: 'boolean' },
  qr: { type: 'string' },
  pin: { type: 'string' },
  account: { type: 'string' },
  mti: { type: 'string' },
  echo: { type: 'boolean' },
  'sign-on': { type: 'boolean' },
  'sign-off': { type: 'boolean' },
  load: { type: 'string' },
  concurrency: { type: 'string' },
  state: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What the gateway's own settings in this shell say about its main listener (POS_PORT, POS_PROFILE, POS_FRAMING). */
export interface ListenerDefaults {
  readonly port?: string;
  readonly profile?: string;
  readonly framing?: string;
}

export function parseCli(argv: readonly string[], server: ListenerDefaults = {}): CliCommand {
  const { values: v, positionals } = parse(argv);
  if (v.help) return { kind: 'help' };
  // A stray word is often a value whose flag was forgotten, maybe a card number: never echo it.
  if (positionals.length > 0) throw new UsageError('unexpected argument without a flag (every option starts with --)');

  const common: Common = {
    connection: {
      host: v.host ?? '127.0.0.1',
      port: integer('--port', v.port ?? server.port ?? '8583', 1, 65_535),
      profile: oneOf('--profile', MESSAGE_SPECS_BY_NAME, v.profile ?? server.profile ?? 'iso87a'),
      framing: oneOf('--framing', POS_FRAMINGS_BY_NAME, v.framing ?? server.framing ?? 'binary2'),
      tls: v.tls === true || v.ca !== undefined,
      ...(v.ca === undefined ? {} : { caFile: v.ca }),
      timeoutMs: integer('--timeout', v.timeout ?? '10000', 1, 600_000),
    },
    terminal: v.terminal ?? 'SALDO001',
    statePath: v.state ?? DEFAULT_STATE_FILE,
    json: v.json === true,
  };
  const account = accountChoice(v.account);
  const network = (['echo', 'sign-on', 'sign-off'] as const).filter((a) => v[a] === true);
  const cardGiven = [v.pan, v.expiry, v.track2, v.qr, v.pin, v.mti, v.chip].some((x) => x !== undefined);
  if (network.length > 1) throw new UsageError('give one of --echo, --sign-on, --sign-off');
  if (network.length === 1 && (cardGiven || v.load !== undefined || account)) throw new UsageError(`--${network[0]} takes no card, account or load options`);
  if (network.length === 1) return { kind: 'network', action: network[0], ...common };
  if (v.concurrency !== undefined && v.load === undefined) throw new UsageError('--concurrency goes with --load');

  if (v.load !== undefined) {
    if ([v.expiry, v.track2, v.qr, v.mti, v.chip].some((x) => x !== undefined)) throw new UsageError('--load sends key-entered cards: use --pan and --pin only');
    if (v.pin !== undefined && v.pan === undefined) throw new UsageError('--pin goes with --pan');
    return {
      kind: 'load',
      requests: integer('--load', v.load, 1, 100_000_000),
      concurrency: integer('--concurrency', v.concurrency ?? '10', 1, 100_000),
      ...(v.pan === undefined ? {} : { card: { pan: v.pan, ...(v.pin === undefined ? {} : { pin: v.pin }) } }),
      ...(account ? { account } : {}),
      ...common,
    };
  }

  if (v.mti !== undefined && v.mti !== '0100' && v.mti !== '0200') throw new UsageError('--mti is 0100 or 0200');
  const inquiry: BalanceInquiryInput = {
    ...(v.pan === undefined ? {} : { pan: v.pan }),
    ...(v.expiry === undefined ? {} : { expiry: v.expiry }),
    ...(v.track2 === undefined ? {} : { track2: v.track2 }),
    ...(v.chip ? { chip: true } : {}),
    ...(v.qr === undefined ? {} : { qr: v.qr }),
    ...(v.pin === undefined ? {} : { pin: v.pin }),
    ...(account ? { account } : {}),
    ...(v.mti === undefined ? {} : { mti: v.mti }),
  };
  return { kind: 'inquiry', inquiry, ...common };
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    // Node's messages name the flag ("Unknown option '--x'", "Option '--pan <value>' argument missing").
    throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
  return value;
}

function oneOf<T extends object>(flag: string, choices: T, text: string): keyof T & string {
  const names = Object.keys(choices);
  if (!names.includes(text)) throw new UsageError(`${flag} is one of ${names.join(', ')}`);
  return text as keyof T & string;
}

function accountChoice(text: string | undefined): AccountChoice | undefined {
  if (text === undefined) return undefined;
  const choice = ACCOUNT_CHOICES.find((a) => a === text);
  if (!choice) throw new UsageError(`--account is one of ${ACCOUNT_CHOICES.join(', ')}`);
  return choice;
}
