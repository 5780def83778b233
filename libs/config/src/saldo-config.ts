import { envSchema, DEV_LMK, DEV_TOKEN_SECRET, DEV_TWILIO_AUTH_TOKEN, POS_FRAMINGS, POS_PROFILES } from './config.schema.js';

export class ConfigError extends Error {}

/** The one typed configuration object, built once at start-up from the environment. */
export class SaldoConfig {
  readonly production: boolean;
  /** `publicOrigin`: the scheme, host and port of PUBLIC_BASE_URL, what a browser sends as Origin with our own forms. */
  readonly http: { host: string; port: number; publicBaseUrl: string; publicOrigin: string; trustedProxies: string[] };
  readonly logging: { level: string; file: string | undefined };
  readonly database:
    | { driver: 'postgres'; url: string; poolSize: number }
    | { driver: 'pglite'; dataDir: string };
  readonly redis: { url: string; prefix: string } | undefined;
  /** True when the job processors run inside the API process (no Redis, or an embedded database). */
  readonly workerInProcess: boolean;
  readonly hsm: {
    lmkHex: string;
    usesDevelopmentLmk: boolean;
    /** payShield-compatible HSM over TCP; undefined → the in-process software HSM. */
    url: string | undefined;
    headerLength: number;
    poolSize: number;
    timeoutMs: number;
    emulatorPort: number;
  };
  readonly tokens: { secret: string; ttlSeconds: number; usesDevelopmentSecret: boolean };
  /** Single-use card tokens the cardholder page issues for a POS terminal to scan. */
  readonly qrTokens: { ttlSeconds: number };
  readonly rateLimits: {
    cardPerMinute: number;
    partnerPerSecond: number;
    terminalPerMinute: number;
    phonePerMinute: number;
    authFailuresPer15Minutes: number;
  };
  readonly pos: {
    enabled: boolean;
    host: string;
    port: number;
    profile: PosProfileName;
    framing: PosFramingName;
    /** Listeners for terminal groups with another profile or framing (POS_GROUP_LISTENERS). */
    groupListeners: ReadonlyArray<{ port: number; profile: PosProfileName; framing: PosFramingName }>;
    requestBudgetMs: number;
    idleTimeoutMs: number;
    maxInFlight: number;
    maxConnections: number;
    tls: { certFile: string; keyFile: string } | undefined;
  };
  readonly twilio: {
    /** Undefined: no account (embedded default): nothing is sent to Twilio. */
    accountSid: string | undefined;
    /** Undefined in production without TWILIO_AUTH_TOKEN: every webhook is refused. */
    authToken: string | undefined;
    usesDevelopmentAuthToken: boolean;
    apiBaseUrl: string | undefined;
    phoneNumber: string;
  };
  readonly sms: {
    provider: 'twilio' | 'aliyun' | 'outbox';
    validitySeconds: number;
    aliyun: { accessKeyId: string; accessKeySecret: string; signName: string; templateCode: string; endpoint: string } | undefined;
  };
  readonly voice: {
    agentNumber: string;
    locales: Record<'en' | 'zh', { voice: string; language: string }>;
    pinKeyRef: string;
  };
  readonly timeZones: Record<'en' | 'zh', string>;
  readonly audit: { batchMax: number };
  readonly issuerTimeoutMs: number;
  readonly idempotencyTtlHours: number;
  readonly demoPasswords: { admin: string; support: string; auditor: string };
  readonly demoMode: boolean;

  constructor(env: Record<string, string | undefined>) {
    const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
    const parsed = envSchema.safeParse(cleaned);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
      throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
    }
    const e = parsed.data;
    this.production = e.NODE_ENV === 'production';
    this.http = {
      host: e.HOST,
      port: e.PORT,
      publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, ''),
      publicOrigin: new URL(e.PUBLIC_BASE_URL ?? `http://${e.HOST}:${e.PORT}`).origin,
      trustedProxies: e.TRUST_PROXY?.split(',') ?? [],
    };
    this.logging = { level: e.LOG_LEVEL, file: e.LOG_FILE };
    this.database = e.DATABASE_URL
      ? { driver: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { driver: 'pglite', dataDir: e.DATA_DIR };
    this.redis = e.REDIS_URL ? { url: e.REDIS_URL, prefix: e.REDIS_PREFIX } : undefined;
    // An embedded (PGlite) data directory must have exactly one process, so its jobs run in it.
    this.workerInProcess = e.WORKER_IN_PROCESS ?? (!this.redis || this.database.driver === 'pglite');
    if (!this.workerInProcess && !this.redis) throw new ConfigError('WORKER_IN_PROCESS: false needs REDIS_URL');
    if (!this.workerInProcess && this.database.driver === 'pglite') {
      throw new ConfigError('WORKER_IN_PROCESS: false needs DATABASE_URL (an embedded database has one process)');
    }
    const usesDevelopmentLmk = e.HSM_LMK.toUpperCase() === DEV_LMK;
    if (this.production && usesDevelopmentLmk) {
      throw new ConfigError('HSM_LMK: the built-in development master key is refused in production');
    }
    this.hsm = {
      lmkHex: e.HSM_LMK.toUpperCase(),
      usesDevelopmentLmk,
      url: e.HSM_URL,
      headerLength: e.HSM_HEADER_LENGTH,
      poolSize: e.HSM_POOL_SIZE,
      timeoutMs: e.HSM_TIMEOUT_MS,
      emulatorPort: e.HSM_EMULATOR_PORT,
    };
    const usesDevelopmentSecret = e.TOKEN_SECRET === DEV_TOKEN_SECRET;
    if (this.production && usesDevelopmentSecret) {
      throw new ConfigError('TOKEN_SECRET: the built-in development secret is refused in production');
    }
    this.tokens = { secret: e.TOKEN_SECRET, ttlSeconds: e.TOKEN_TTL_SECONDS, usesDevelopmentSecret };
    this.qrTokens = { ttlSeconds: e.QR_TOKEN_TTL_SECONDS };
    this.rateLimits = {
      cardPerMinute: e.RATE_CARD_PER_MINUTE,
      partnerPerSecond: e.RATE_PARTNER_PER_SECOND,
      terminalPerMinute: e.RATE_TERMINAL_PER_MINUTE,
      phonePerMinute: e.RATE_PHONE_PER_MINUTE,
      authFailuresPer15Minutes: e.RATE_AUTH_FAILURES_PER_15_MINUTES,
    };
    if ((e.POS_TLS_CERT === undefined) !== (e.POS_TLS_KEY === undefined)) {
      throw new ConfigError('POS_TLS_CERT and POS_TLS_KEY: set both (TLS) or neither (plain TCP)');
    }
    this.pos = {
      enabled: e.POS_ENABLED,
      host: e.POS_HOST,
      port: e.POS_PORT,
      profile: e.POS_PROFILE,
      framing: e.POS_FRAMING,
      groupListeners: groupListeners(e.POS_GROUP_LISTENERS, e.POS_PORT),
      requestBudgetMs: e.POS_REQUEST_BUDGET_MS,
      idleTimeoutMs: e.POS_IDLE_TIMEOUT_MS,
      maxInFlight: e.POS_MAX_IN_FLIGHT,
      maxConnections: e.POS_MAX_CONNECTIONS,
      tls: e.POS_TLS_CERT && e.POS_TLS_KEY ? { certFile: e.POS_TLS_CERT, keyFile: e.POS_TLS_KEY } : undefined,
    };
    const usesDevelopmentAuthToken = e.TWILIO_AUTH_TOKEN === undefined && !this.production;
    if (e.TWILIO_ACCOUNT_SID && !e.TWILIO_AUTH_TOKEN) throw new ConfigError('TWILIO_AUTH_TOKEN: needed with TWILIO_ACCOUNT_SID');
    this.twilio = {
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN ?? (usesDevelopmentAuthToken ? DEV_TWILIO_AUTH_TOKEN : undefined),
      usesDevelopmentAuthToken,
      apiBaseUrl: e.TWILIO_API_BASE_URL?.replace(/\/$/, ''),
      phoneNumber: e.TWILIO_PHONE_NUMBER,
    };
    const provider = e.SMS_PROVIDER ?? (e.TWILIO_ACCOUNT_SID ? 'twilio' : 'outbox');
    if (this.production && provider === 'outbox' && e.TWILIO_AUTH_TOKEN && e.SMS_PROVIDER === undefined) {
      // Webhooks would be answered into a table nobody reads: a missing account SID, not a choice.
      throw new ConfigError('TWILIO_ACCOUNT_SID: needed in production with TWILIO_AUTH_TOKEN (or set SMS_PROVIDER explicitly)');
    }
    if (this.production && e.TWILIO_API_BASE_URL?.startsWith('http:')) {
      throw new ConfigError('TWILIO_API_BASE_URL: production sends the account credentials over https only');
    }
    if (provider === 'twilio' && !e.TWILIO_ACCOUNT_SID) throw new ConfigError('SMS_PROVIDER: twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN');
    const aliyun =
      e.ALIYUN_SMS_ACCESS_KEY_ID && e.ALIYUN_SMS_ACCESS_KEY_SECRET && e.ALIYUN_SMS_SIGN_NAME && e.ALIYUN_SMS_TEMPLATE_CODE
        ? {
            accessKeyId: e.ALIYUN_SMS_ACCESS_KEY_ID,
            accessKeySecret: e.ALIYUN_SMS_ACCESS_KEY_SECRET,
            signName: e.ALIYUN_SMS_SIGN_NAME,
            templateCode: e.ALIYUN_SMS_TEMPLATE_CODE,
            endpoint: e.ALIYUN_SMS_ENDPOINT.replace(/\/$/, ''),
          }
        : undefined;
    if (provider === 'aliyun' && !aliyun) {
      throw new ConfigError('SMS_PROVIDER: aliyun needs ALIYUN_SMS_ACCESS_KEY_ID, ALIYUN_SMS_ACCESS_KEY_SECRET, ALIYUN_SMS_SIGN_NAME and ALIYUN_SMS_TEMPLATE_CODE');
    }
    this.sms = { provider, validitySeconds: e.SMS_VALIDITY_SECONDS, aliyun };
    this.voice = {
      agentNumber: e.VOICE_AGENT_NUMBER,
      locales: { en: { voice: e.VOICE_EN_VOICE, language: e.VOICE_EN_LANGUAGE }, zh: { voice: e.VOICE_ZH_VOICE, language: e.VOICE_ZH_LANGUAGE } },
      pinKeyRef: e.VOICE_PIN_KEY_REF,
    };
    for (const zone of [e.TIME_ZONE_EN, e.TIME_ZONE_ZH]) {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
      } catch {
        throw new ConfigError(`TIME_ZONE_EN/TIME_ZONE_ZH: unknown time zone ${zone}`);
      }
    }
    this.timeZones = { en: e.TIME_ZONE_EN, zh: e.TIME_ZONE_ZH };
    this.audit = { batchMax: e.AUDIT_BATCH_MAX };
    this.issuerTimeoutMs = e.ISSUER_TIMEOUT_MS;
    this.idempotencyTtlHours = e.IDEMPOTENCY_TTL_HOURS;
    this.demoPasswords = { admin: e.ADMIN_PASSWORD, support: e.SUPPORT_PASSWORD, auditor: e.AUDITOR_PASSWORD };
    if (this.production && e.DEMO_MODE) {
      throw new ConfigError('DEMO_MODE: refused in production (it seeds operators with demo passwords and opens the demo outbox)');
    }
    this.demoMode = e.DEMO_MODE;
  }
}

export type PosProfileName = (typeof POS_PROFILES)[number];
export type PosFramingName = (typeof POS_FRAMINGS)[number];

/** `8584:iso87b:binary2,8585:iso87a:bcd2-tpdu` → one listener each; every mistake named. */
function groupListeners(list: string | undefined, mainPort: number): SaldoConfig['pos']['groupListeners'] {
  if (list === undefined || list.trim() === '') return [];
  const ports = new Set(mainPort === 0 ? [] : [mainPort]);
  return list.split(',').map((entry) => {
    const [portText = '', profile = '', framing = '', ...rest] = entry.trim().split(':');
    const problem = (why: string) => new ConfigError(`POS_GROUP_LISTENERS: "${entry.trim()}" ${why} (each entry is port:profile:framing)`);
    const port = Number(portText);
    if (rest.length > 0 || !/^\d{1,5}$/.test(portText) || port > 65535) throw problem('has no valid port');
    if (!isOneOf(POS_PROFILES, profile)) throw problem(`names profile "${profile}"; known: ${POS_PROFILES.join(', ')}`);
    if (!isOneOf(POS_FRAMINGS, framing)) throw problem(`names framing "${framing}"; known: ${POS_FRAMINGS.join(', ')}`);
    if (port !== 0 && ports.has(port)) throw problem(`uses port ${port} twice`);
    ports.add(port);
    return { port, profile, framing };
  });
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}
