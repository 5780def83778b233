import { e164, httpUrl, integer, parseFlags, UsageError } from './cli-flags.js';
import { DEFAULT_BANK_NUMBER } from './webhook-client.js';

export const USAGE = `saldo-sms — a text message to Saldo's SMS channel, delivered as Twilio would deliver it

usage: saldo-sms --from E164 [options] TEXT...

  e.g. saldo-sms --from +15555550100 "BAL"         (Alice: every card)
       saldo-sms --from +15555550100 BAL 0010      (one card; the words are joined)
       saldo-sms --from +8613800138000 余额

message
  --from E164          the cardholder's phone, e.g. +15555550100
  --to E164            the bank's number, default ${DEFAULT_BANK_NUMBER}
  --wait-ms MS         how long to wait for a reply, default 10000
server
  --url URL            where the server listens, default http://127.0.0.1:3000
  --public-url URL     the server's PUBLIC_BASE_URL (Twilio signs over it), default --url
  --token TOKEN        the server's TWILIO_AUTH_TOKEN, default the development token
replies
                       read from the server's outbox (no Twilio account configured, npm start), or
  --fake-api-port N    received on a fake of Twilio's Messages API on 127.0.0.1:N, for a server
                       started with TWILIO_ACCOUNT_SID=AC... TWILIO_API_BASE_URL=http://127.0.0.1:N
  --help

exit status: 0 a reply arrived, 1 none arrived in time (or the server refused), 2 bad flags`;

export type CliCommand =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'send';
      readonly from: string;
      readonly to: string;
      readonly body: string;
      readonly url: string;
      readonly publicUrl: string;
      readonly token: string;
      readonly waitMs: number;
      readonly fakeApiPort?: number;
    };

const OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  'wait-ms': { type: 'string' },
  url: { type: 'string' },
  'public-url': { type: 'string' },
  token: { type: 'string' },
  'fake-api-port': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseCli(argv: readonly string[], defaultToken: string): CliCommand {
  const { values: v, positionals } = parseFlags(argv, OPTIONS);
  if (v.help) return { kind: 'help' };
  if (v.from === undefined) throw new UsageError('--from is needed: the cardholder\'s phone, e.g. +15555550100');
  const body = positionals.join(' ');
  if (!body.trim()) throw new UsageError('the message text is needed after the options, e.g. "BAL"');
  if (v.token === '') throw new UsageError('--token must not be empty');
  const url = httpUrl('--url', v.url ?? 'http://127.0.0.1:3000');
  return {
    kind: 'send',
    from: e164('--from', v.from),
    to: e164('--to', v.to ?? DEFAULT_BANK_NUMBER),
    body,
    url,
    publicUrl: v['public-url'] === undefined ? url : httpUrl('--public-url', v['public-url']),
    token: v.token ?? defaultToken,
    waitMs: integer('--wait-ms', v['wait-ms'] ?? '10000', 1, 600_000),
    ...(v['fake-api-port'] === undefined ? {} : { fakeApiPort: integer('--fake-api-port', v['fake-api-port'], 1, 65_535) }),
  };
}
