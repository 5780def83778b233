import { z } from 'zod';
import { isE164 } from '#domain';

/** The development master key. Start-up refuses it in production and warns loudly otherwise. */
export const DEV_LMK = '0123456789ABCDEFFEDCBA98765432100123456789ABCDEFFEDCBA9876543210';
export const DEV_TOKEN_SECRET = 'saldo-development-token-secret-do-not-use-in-production';
/** Signs and checks the Twilio webhooks when no Twilio account is configured (the simulators use it too). */
export const DEV_TWILIO_AUTH_TOKEN = 'saldo-development-twilio-auth-token';

/** ISO 8583 message profiles and TCP framings a POS listener can talk. */
export const POS_PROFILES = ['iso87a', 'iso87b'] as const;
export const POS_FRAMINGS = ['binary2', 'ascii4', 'bcd2-tpdu'] as const;

const e164 = z.string().refine(isE164, 'must be an E.164 number, e.g. +15555550100');

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL (${protocols.join(' or ')})`);

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: int(0, 65535).default(3000),
  PUBLIC_BASE_URL: url(['http:', 'https:']).optional(),
  /** The reverse proxies whose X-Forwarded-For names the client (comma-separated addresses or CIDRs). */
  TRUST_PROXY: z
    .string()
    .regex(/^[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*$/, 'comma-separated IP addresses or CIDR ranges, e.g. 10.0.0.0/8,127.0.0.1')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Write logs to this file instead of standard output. */
  LOG_FILE: z.string().optional(),

  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  DATABASE_POOL_SIZE: int(1, 200).default(16),
  DATA_DIR: z.string().default('./data'),

  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_PREFIX: z.string().regex(/^[a-zA-Z0-9:_-]+$/).default('saldo'),
  WORKER_IN_PROCESS: bool.optional(),

  HSM_LMK: z.string().regex(/^[0-9A-Fa-f]{64}$/, 'must be 64 hex digits (an AES-256 key)').default(DEV_LMK),
  HSM_URL: url(['tcp:']).optional(),
  /** payShield message header length (the correlation id of each command). */
  HSM_HEADER_LENGTH: int(1, 16).default(4),
  HSM_POOL_SIZE: int(1, 64).default(2),
  HSM_TIMEOUT_MS: int(50, 60_000).default(2_000),
  /** `npm run hsm:emulator`: the payShield emulator's port (127.0.0.1). */
  HSM_EMULATOR_PORT: int(0, 65535).default(1500),

  TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_TOKEN_SECRET),
  TOKEN_TTL_SECONDS: int(30, 86_400).default(900),
  /** How long a "check at a terminal" QR token from the cardholder page can be redeemed (single use). */
  QR_TOKEN_TTL_SECONDS: int(1, 600).default(120),

  RATE_CARD_PER_MINUTE: int(1, 1_000_000_000).default(20),
  RATE_PARTNER_PER_SECOND: int(1, 1_000_000_000).default(100),
  RATE_TERMINAL_PER_MINUTE: int(1, 1_000_000_000).default(120),
  RATE_PHONE_PER_MINUTE: int(1, 1_000_000_000).default(10),
  RATE_AUTH_FAILURES_PER_15_MINUTES: int(1, 1_000_000_000).default(10),

  /** POS terminals (ISO 8583 over TCP). `POS_PORT=0` picks a free port (tests). */
  POS_ENABLED: bool.default(true),
  POS_HOST: z.string().default('127.0.0.1'),
  POS_PORT: int(0, 65535).default(8583),
  /** The listener's message profile: ISO87A (hex bitmap, ASCII numerics) or ISO87B (binary bitmap, BCD). */
  POS_PROFILE: z.enum(POS_PROFILES).default('iso87a'),
  /** Length header: 2-byte binary, 4 ASCII digits, or 2-byte BCD followed by a 5-byte TPDU. */
  POS_FRAMING: z.enum(POS_FRAMINGS).default('binary2'),
  /**
   * Listeners for terminal groups that talk another profile or framing, beside the main one:
   * `port:profile:framing` entries, comma-separated (`8584:iso87b:binary2,8585:iso87a:bcd2-tpdu`),
   * on POS_HOST with the same TLS, budget and limits.
   */
  POS_GROUP_LISTENERS: z.string().optional(),
  /** Each request's time budget: past it the terminal gets 91 and the late answer is dropped. */
  POS_REQUEST_BUDGET_MS: int(100, 60_000).default(5_000),
  /** A connection with no traffic for this long is closed (terminals send 0800 echoes to stay up). */
  POS_IDLE_TIMEOUT_MS: int(1_000, 86_400_000).default(300_000),
  /** Requests a connection may have in flight before its socket stops being read. */
  POS_MAX_IN_FLIGHT: int(1, 10_000).default(256),
  /** Connections the listener holds at once; more are refused (a terminal fleet's size, with room). */
  POS_MAX_CONNECTIONS: int(1, 1_000_000).default(2_000),
  /** PEM files: when both are set the listener speaks TLS. */
  POS_TLS_CERT: z.string().optional(),
  POS_TLS_KEY: z.string().optional(),

  /** Twilio (SMS and voice). Without an account SID, replies go to the outbox table. */
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits').optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16).optional(),
  /** Send the REST calls here instead of api.twilio.com (a local fake of Twilio's API, the simulators). */
  TWILIO_API_BASE_URL: url(['http:', 'https:']).optional(),
  /** The bank's number cardholders text and call; replies are sent from it. */
  TWILIO_PHONE_NUMBER: e164.default('+15555550000'),
  /** Which driver sends SMS: twilio, aliyun (mainland China) or outbox. Default: twilio with an account, else outbox. */
  SMS_PROVIDER: z.enum(['twilio', 'aliyun', 'outbox']).optional(),
  /** Seconds a reply may wait at the provider before it is dropped rather than delivered stale. */
  SMS_VALIDITY_SECONDS: int(1, 36_000).default(300),
  ALIYUN_SMS_ACCESS_KEY_ID: z.string().optional(),
  ALIYUN_SMS_ACCESS_KEY_SECRET: z.string().optional(),
  ALIYUN_SMS_SIGN_NAME: z.string().optional(),
  ALIYUN_SMS_TEMPLATE_CODE: z.string().optional(),
  ALIYUN_SMS_ENDPOINT: url(['http:', 'https:']).default('https://dysmsapi.aliyuncs.com'),
  /** Voice menu: "0" transfers the caller here. */
  VOICE_AGENT_NUMBER: e164.default('+15555550199'),
  VOICE_EN_VOICE: z.string().default('Polly.Joanna'),
  VOICE_EN_LANGUAGE: z.string().default('en-US'),
  VOICE_ZH_VOICE: z.string().default('Polly.Zhiyu'),
  VOICE_ZH_LANGUAGE: z.string().default('cmn-CN'),
  /** The key under which the crypto service takes the phone-banking PIN a caller keys in. */
  VOICE_PIN_KEY_REF: z.string().default('TPK.IVR'),
  /** Times in SMS replies and spoken dates, per language. */
  TIME_ZONE_EN: z.string().default('America/New_York'),
  TIME_ZONE_ZH: z.string().default('Asia/Shanghai'),

  /** Set by `npm start`: apply migrations, seed the demo data into an empty database, print the demo credentials. */
  DEMO_MODE: bool.default(false),

  /** How long the pipeline waits for the issuer core before answering ISSUER_UNAVAILABLE. */
  ISSUER_TIMEOUT_MS: int(50, 60_000).default(2_000),

  AUDIT_BATCH_MAX: int(1, 10_000).default(200),
  IDEMPOTENCY_TTL_HOURS: int(1, 24 * 30).default(24),

  ADMIN_PASSWORD: z.string().min(8).default('saldo-admin-demo'),
  AUDITOR_PASSWORD: z.string().min(8).default('saldo-auditor-demo'),
  SUPPORT_PASSWORD: z.string().min(8).default('saldo-support-demo'),
});

export type Env = z.infer<typeof envSchema>;
