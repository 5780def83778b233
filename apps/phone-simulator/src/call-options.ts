import { isKeypadEntry } from './call-client.js';
import { e164, httpUrl, parseFlags, UsageError } from './cli-flags.js';
import { DEFAULT_BANK_NUMBER } from './webhook-client.js';

export const USAGE = `saldo-call — a phone call to Saldo's voice menu, placed as Twilio would place it

usage: saldo-call --from E164 [options]

call
  --from E164          the caller id, e.g. +15555550100 (Alice's verified phone)
  --to E164            the number called, default ${DEFAULT_BANK_NUMBER}
  --digits LIST        the keys for each prompt in turn, comma separated; an empty entry is
                       no input (e.g. 135790,1,,0). When they run out the caller hangs up.
                       Without --digits, one line per prompt from the keyboard: an empty line
                       is no input, Ctrl-D hangs up.
server
  --url URL            where the server listens, default http://127.0.0.1:3000
  --public-url URL     the server's PUBLIC_BASE_URL (Twilio signs over it), default --url
  --token TOKEN        the server's TWILIO_AUTH_TOKEN, default the development token
  --help

exit status: 0 the call ended (hung up or transferred), 1 a webhook failed, 2 bad flags`;

export type CliCommand =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'call';
      readonly from: string;
      readonly to: string;
      readonly url: string;
      readonly publicUrl: string;
      readonly token: string;
      /** Undefined: read the keys from the keyboard. */
      readonly digits?: readonly string[];
    };

const OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  digits: { type: 'string' },
  url: { type: 'string' },
  'public-url': { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseCli(argv: readonly string[], defaultToken: string): CliCommand {
  const { values: v, positionals } = parseFlags(argv, OPTIONS);
  if (v.help) return { kind: 'help' };
  // A stray word may be a PIN whose flag was forgotten: never echo it.
  if (positionals.length > 0) throw new UsageError('unexpected argument without a flag (every option starts with --)');
  if (v.from === undefined) throw new UsageError('--from is needed: the caller id, e.g. +15555550100');
  const url = httpUrl('--url', v.url ?? 'http://127.0.0.1:3000');
  const digits = v.digits?.split(',').map((d) => d.trim());
  if (digits?.some((d) => !isKeypadEntry(d))) throw new UsageError('--digits takes keypad keys (0-9, * and #) separated by commas');
  if (v.token === '') throw new UsageError('--token must not be empty');
  return {
    kind: 'call',
    from: e164('--from', v.from),
    to: e164('--to', v.to ?? DEFAULT_BANK_NUMBER),
    url,
    publicUrl: v['public-url'] === undefined ? url : httpUrl('--public-url', v['public-url']),
    token: v.token ?? defaultToken,
    ...(digits ? { digits } : {}),
  };
}
