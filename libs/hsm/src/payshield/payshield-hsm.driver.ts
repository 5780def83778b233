import { Logger } from '@nestjs/common';
import type { Pan } from '#domain';
import {
  CryptoError,
  CryptoPort,
  type CryptoHealth,
  type EncryptedPinBlock,
  type MacAlgorithm,
  type MacCheck,
  type MacKey,
  type PinBlockFormat,
  type PinCheck,
  type PinMethod,
  type PinVerificationData,
} from '../crypto.port.js';
import { parseAesKsn } from '../software/dukpt-aes.js';
import { parseTdesKsn } from '../software/dukpt-tdes.js';
import { checkDecimalizationTable } from '../software/ibm3624.js';
import type { KeyStore } from '../software/key-store.js';
import { checkKeyRef } from '../software/key-types.js';
import { accountNumber12, panDigits } from '../software/pan-fields.js';
import { pinBlockAlgorithm } from '../software/pin-cipher.js';
import {
  CodecError,
  decodeResponse,
  encodeRequest,
  HASH_SHA256,
  ksnDescriptorFor,
  MAC_ALGORITHM,
  MAC_KEY_TYPE,
  PIN_BLOCK_FORMAT_CODES,
  type CommandCode,
  type DecodedResponse,
  type RequestOf,
  type Values,
} from './codec.js';
import { ConnectionPool, type PoolStatus } from './connection-pool.js';
import type { HsmLogger } from './connection.js';
import { HeaderMatching, type RequestMatching } from './correlation.js';
import { IBM_WARNING_COMMANDS, meaningOf, OK, PVK_NOT_SINGLE_LENGTH, VERIFICATION_FAILURE } from './error-codes.js';
import { lengthPrefixFraming, type Framing } from './framing.js';
import { KeyTokens, type KeyTokenEntry, type TokenExpectation } from './key-tokens.js';

export interface PayShieldHsmOptions {
  readonly host: string;
  readonly port: number;
  /** Where the key records (LMK-wrapped, with KCV) are read; they travel to the HSM as key tokens. */
  readonly keyStore: KeyStore;
  /** payShield message header length, configured alike on the HSM. Default 4. */
  readonly headerLength?: number;
  /** TCP connections kept open. Default 2. */
  readonly poolSize?: number;
  /** Per command. Default 2,000 ms. */
  readonly timeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Reconnect back-off. Default 100 ms doubling to 5 s. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly maxQueued?: number;
  /** How long a key token read from the store is reused. Default 5 min (as the software HSM). */
  readonly keyCacheTtlMs?: number;
  readonly logger?: HsmLogger;
  /** Injected framing and request matching (default: payShield's 2-byte length and header). */
  readonly framing?: Framing;
  readonly matching?: () => RequestMatching;

  // The same verification settings as the software HSM (SoftwareHsmOptions), so both drivers agree.
  /** HMAC key (type PAN_HASH) for hashPan. Default "PAN_HASH". */
  readonly panHashKeyRef?: string;
  /** PVK for Visa PVV. Default "PVK". */
  readonly pvkRef?: string;
  /** PVKI written into new PVV references and accepted when verifying. Default 1. */
  readonly pvki?: number;
  readonly ibm3624?: {
    /** Default: pvkRef. */
    readonly pvkRef?: string;
    /** Default "0123456789012345". Sent in DA/EA/GO/BK; fixed here, never taken from a request. */
    readonly decimalizationTable?: string;
  };
}

const PIN_KEY: TokenExpectation = { types: ['TPK', 'ZPK'], algorithms: ['TDES', 'AES'], purpose: 'PIN block decryption' };
const BDK: TokenExpectation = { types: ['BDK'], algorithms: ['TDES', 'AES'], purpose: 'DUKPT' };
const PVK: TokenExpectation = { types: ['PVK'], algorithms: ['TDES'], purpose: 'PIN verification' };
const PAN_HASH: TokenExpectation = { types: ['PAN_HASH'], algorithms: ['HMAC'], purpose: 'PAN hashing' };
const ZPK: TokenExpectation = { types: ['ZPK'], algorithms: ['TDES', 'AES'], purpose: 'a payShield PIN translation' };
const MAC_KEYS: Readonly<Record<MacAlgorithm, TokenExpectation>> = {
  'ISO9797-1-ALG3': { types: ['TAK', 'ZAK'], algorithms: ['TDES'], purpose: 'ISO 9797-1 algorithm 3 MAC' },
  'AES-CMAC': { types: ['TAK', 'ZAK'], algorithms: ['AES'], purpose: 'AES-CMAC' },
};
const ANY_KEY: TokenExpectation = {
  types: ['PVK', 'TPK', 'ZPK', 'BDK', 'TAK', 'ZAK', 'TMK', 'ZMK', 'PAN_HASH', 'PHONE_PVK'],
  algorithms: ['TDES', 'AES', 'HMAC'],
  purpose: 'a key check value',
};

const PVV_REFERENCE = /^(\d):(\d{4})$/;
const IBM_OFFSET = /^\d{4,12}$/;
const MAX_PIN_LENGTH = '12';
/** M6/M8 data beyond this is refused here rather than by the 64 KiB frame limit. */
const MAX_MAC_DATA = 32 * 1024;

/**
 * CryptoPort over a Thales payShield (or Saldo's emulator of one) speaking host commands on TCP
 * (DESIGN.md §4: the production driver when HSM_URL is set). The codec (codec.ts) and the
 * connections (connection-pool.ts, framing.ts, correlation.ts) are separate; this class maps each
 * port operation to commands, keys to key tokens, and error codes to verdicts and CryptoErrors.
 *
 * | port operation               | command(s)                                                      |
 * |------------------------------|-----------------------------------------------------------------|
 * | hashPan                      | LQ, HMAC-SHA-256 (one round trip per query; never cached, as a   |
 * |                              | cache would hold clear PANs in memory)                          |
 * | verifyPin                    | DC / EC (PVV, TPK / ZPK), DA / EA (IBM 3624), GQ / GO (DUKPT)    |
 * | createPinVerificationData    | FW (PVV), BK (IBM 3624 offset) of a customer-selected PIN        |
 * | translatePinBlock            | CA (TPK→ZPK), CC (ZPK→ZPK), G0 (TDES DUKPT→ZPK)                  |
 * | generateMac / verifyMac      | M6 / M8 (ISO 9797-1 alg. 3 under a TDES TAK/ZAK, CMAC under AES) |
 * | keyCheckValue                | BU                                                              |
 * | health                       | NC                                                              |
 * | createPhonePinData,          | none: no payShield command computes Saldo's phone-PIN data (an   |
 * | verifyPhonePin,              | HMAC over the PIN): CryptoError UNAVAILABLE                     |
 * | encryptEnteredPin            |                                                                 |
 * | MAC with a KSN (DUKPT MAC)   | none here (payShield's GW is not implemented): UNAVAILABLE      |
 * | PIN data from a DUKPT block  | none (FW/BK take TPK/ZPK blocks): UNAVAILABLE                   |
 *
 * Keys: key references cross the port; the driver reads each record from the KeyStore once per
 * `keyCacheTtlMs`, and sends it as a key token (key-token.ts), the stored LMK-wrapped value. The
 * driver holds no LMK and never sees a clear key or PIN.
 */
export class PayShieldHsm extends CryptoPort {
  readonly #pool: ConnectionPool;
  readonly #tokens: KeyTokens;
  readonly #where: string;
  readonly #panHashRef: string;
  readonly #pvkRef: string;
  readonly #pvki: number;
  readonly #ibm: { readonly pvkRef: string; readonly decimalizationTable: string };

  constructor(options: PayShieldHsmOptions) {
    super();
    if (typeof options.host !== 'string' || options.host === '' || !Number.isInteger(options.port)) {
      throw new CryptoError('BAD_INPUT', 'the payShield driver needs a host and a port');
    }
    this.#where = `${options.host}:${options.port}`;
    this.#panHashRef = options.panHashKeyRef ?? 'PAN_HASH';
    this.#pvkRef = options.pvkRef ?? 'PVK';
    this.#pvki = options.pvki ?? 1;
    this.#ibm = {
      pvkRef: options.ibm3624?.pvkRef ?? this.#pvkRef,
      decimalizationTable: options.ibm3624?.decimalizationTable ?? '0123456789012345',
    };
    for (const ref of [this.#panHashRef, this.#pvkRef, this.#ibm.pvkRef]) checkKeyRef(ref);
    if (!Number.isInteger(this.#pvki) || this.#pvki < 0 || this.#pvki > 9) throw new CryptoError('BAD_INPUT', 'pvki is one digit');
    checkDecimalizationTable(this.#ibm.decimalizationTable);
    const headerLength = options.headerLength ?? 4;
    this.#tokens = new KeyTokens(options.keyStore, options.keyCacheTtlMs ?? 5 * 60_000);
    this.#pool = new ConnectionPool({
      host: options.host,
      port: options.port,
      size: options.poolSize ?? 2,
      framing: options.framing ?? lengthPrefixFraming,
      matching: options.matching ?? (() => new HeaderMatching(headerLength)),
      logger: options.logger ?? new Logger('PayShieldHsm'),
      timeoutMs: options.timeoutMs ?? 2_000,
      connectTimeoutMs: options.connectTimeoutMs,
      backoff: options.backoff,
      maxQueued: options.maxQueued,
    });
  }

  /** Starts connecting (requests also do it). */
  start(): this {
    this.#pool.start();
    return this;
  }

  /** Resolves once a connection is up; CryptoError UNAVAILABLE after `timeoutMs`. */
  whenConnected(timeoutMs = 5_000): Promise<void> {
    return this.#pool.whenConnected(timeoutMs);
  }

  status(): PoolStatus {
    return this.#pool.status();
  }

  /** Closes the connections; pending requests fail with UNAVAILABLE. */
  close(): void {
    this.#pool.close();
  }

  /** Nest calls this on shutdown. */
  onApplicationShutdown(): void {
    this.close();
  }

  /** Drops cached key tokens (all, or one ref), e.g. after a rotation. */
  evictKeys(ref?: string): void {
    this.#tokens.evict(ref);
  }

  /** LQ: HMAC-SHA-256 of the PAN's ASCII digits under the PAN_HASH key, lower-case hex (as the software HSM). */
  async hashPan(pan: Pan): Promise<string> {
    const digits = panDigits(pan);
    const key = await this.#tokens.get(this.#panHashRef, PAN_HASH);
    const res = await this.#call('LQ', {
      hashId: HASH_SHA256,
      hmacLength: '0032',
      keyFormat: '00',
      key: key.token,
      data: digits,
    });
    if (!res.ok) throw this.#error('LQ', res.errorCode, [key.ref]);
    if (res.values.hmac.length !== 32) throw new CryptoError('INTERNAL', 'LQ: the HSM returned an HMAC of the wrong length');
    return Buffer.from(res.values.hmac, 'latin1').toString('hex');
  }

  async verifyPin(req: { pan: Pan; pinBlock: EncryptedPinBlock; reference: PinVerificationData }): Promise<PinCheck> {
    const pan = panDigits(req.pan);
    const { method, value } = req.reference ?? {};
    switch (method) {
      case 'VISA_PVV': {
        const match = typeof value === 'string' ? PVV_REFERENCE.exec(value) : null;
        if (!match) throw new CryptoError('BAD_INPUT', 'PVV verification data is not "PVKI:PVV"');
        const pvki = Number(match[1]);
        if (pvki !== this.#pvki) throw new CryptoError('UNKNOWN_KEY', `no PVK is configured for PVKI ${pvki}`);
        const pvk = await this.#tokens.get(this.#pvkRef, PVK);
        const block = await this.#pinBlock(req.pinBlock);
        const common = { pvk: pvk.token, pinBlock: block.hex, format: block.formatCode, ...accountFields(pan, block.format), pvki: match[1], pvv: match[2] };
        if (block.ksn !== undefined) {
          const code = 'GQ';
          return this.#verdict(code, await this.#call(code, { mode: '0', bdk: block.key.token, ...ksnFields(block.ksn), ...common }), [block.key.ref, pvk.ref]);
        }
        const code = block.key.type === 'TPK' ? 'DC' : 'EC';
        return this.#verdict(code, await this.#call(code, { pinKey: block.key.token, ...common }), [block.key.ref, pvk.ref]);
      }
      case 'IBM_3624_OFFSET': {
        if (typeof value !== 'string' || !IBM_OFFSET.test(value)) {
          throw new CryptoError('BAD_INPUT', 'an IBM 3624 offset is 4 to 12 digits');
        }
        const pvk = await this.#tokens.get(this.#ibm.pvkRef, PVK);
        const block = await this.#pinBlock(req.pinBlock);
        const common = {
          pvk: pvk.token,
          pinBlock: block.hex,
          format: block.formatCode,
          checkLength: String(value.length).padStart(2, '0'),
          ...accountFields(pan, block.format),
          decimalizationTable: this.#ibm.decimalizationTable,
          validationData: accountNumber12(pan),
          offset: value.padEnd(12, 'F'),
        };
        if (block.ksn !== undefined) {
          const code = 'GO';
          return this.#verdict(code, await this.#call(code, { mode: '0', bdk: block.key.token, ...ksnFields(block.ksn), ...common }), [block.key.ref, pvk.ref]);
        }
        const code = block.key.type === 'TPK' ? 'DA' : 'EA';
        return this.#verdict(code, await this.#call(code, { pinKey: block.key.token, maxPinLength: MAX_PIN_LENGTH, ...common }), [block.key.ref, pvk.ref]);
      }
      default:
        throw new CryptoError('BAD_INPUT', 'unknown PIN verification method');
    }
  }

  async createPinVerificationData(req: { pan: Pan; pinBlock: EncryptedPinBlock; method: PinMethod }): Promise<PinVerificationData> {
    const pan = panDigits(req.pan);
    if (req.method !== 'VISA_PVV' && req.method !== 'IBM_3624_OFFSET') throw new CryptoError('BAD_INPUT', 'unknown PIN verification method');
    const pvk = await this.#tokens.get(req.method === 'VISA_PVV' ? this.#pvkRef : this.#ibm.pvkRef, PVK);
    const block = await this.#pinBlock(req.pinBlock);
    if (block.ksn !== undefined) {
      throw new CryptoError('UNAVAILABLE', 'PIN verification data from a DUKPT PIN block is not supported over the payShield driver');
    }
    const keyType = block.key.type === 'ZPK' ? '001' : '002';
    const common = { keyType, pinKey: block.key.token, pvk: pvk.token, pinBlock: block.hex, format: block.formatCode, ...accountFields(pan, block.format) };
    if (req.method === 'VISA_PVV') {
      const res = await this.#call('FW', { ...common, pvki: String(this.#pvki) });
      if (!res.ok) throw this.#error('FW', res.errorCode, [block.key.ref, pvk.ref]);
      return { method: 'VISA_PVV', value: `${this.#pvki}:${res.values.pvv}` };
    }
    const res = await this.#call('BK', {
      ...common,
      checkLength: '04',
      decimalizationTable: this.#ibm.decimalizationTable,
      validationData: accountNumber12(pan),
    });
    if (!res.ok) throw this.#error('BK', res.errorCode, [block.key.ref, pvk.ref]);
    const offset = res.values.offset.replace(/F+$/, '');
    if (!IBM_OFFSET.test(offset)) throw new CryptoError('INTERNAL', 'BK: the HSM returned a malformed offset');
    return { method: 'IBM_3624_OFFSET', value: offset };
  }

  async createPhonePinData(_req: { subject: string; pinBlock: EncryptedPinBlock; pan?: Pan }): Promise<string> {
    throw new CryptoError('UNAVAILABLE', 'createPhonePinData is not supported over the payShield driver');
  }

  async encryptEnteredPin(_req: { pin: string; keyRef: string }): Promise<EncryptedPinBlock> {
    throw new CryptoError('UNAVAILABLE', 'encryptEnteredPin is not supported over the payShield driver');
  }

  async verifyPhonePin(_req: { subject: string; pinBlock: EncryptedPinBlock; pan?: Pan; reference: string }): Promise<PinCheck> {
    throw new CryptoError('UNAVAILABLE', 'verifyPhonePin is not supported over the payShield driver');
  }

  async translatePinBlock(req: { pan: Pan; from: EncryptedPinBlock; toKeyRef: string; toFormat: PinBlockFormat }): Promise<EncryptedPinBlock> {
    const pan = panDigits(req.pan);
    const toFormatCode = formatCode(req.toFormat);
    if (typeof req.toKeyRef !== 'string') throw new CryptoError('BAD_INPUT', 'a destination key ref is required');
    const block = await this.#pinBlock(req.from);
    const destination = await this.#tokens.get(req.toKeyRef, ZPK);
    const common = {
      destinationKey: destination.token,
      pinBlock: block.hex,
      sourceFormat: block.formatCode,
      destinationFormat: toFormatCode,
      ...accountFields(pan, block.format, req.toFormat),
    };
    const refs = [block.key.ref, destination.ref];
    let res: DecodedResponse<'CA' | 'CC' | 'G0'>;
    let code: 'CA' | 'CC' | 'G0';
    if (block.ksn !== undefined) {
      code = 'G0';
      res = await this.#call(code, { bdk: block.key.token, ...ksnFields(block.ksn), ...common });
    } else {
      code = block.key.type === 'TPK' ? 'CA' : 'CC';
      res = await this.#call(code, { sourceKey: block.key.token, maxPinLength: MAX_PIN_LENGTH, ...common });
    }
    if (!res.ok) throw this.#error(code, res.errorCode, refs);
    if (res.values.format !== toFormatCode) throw new CryptoError('INTERNAL', `${code}: the HSM returned another PIN block format`);
    return { format: req.toFormat, block: res.values.pinBlock, keyRef: destination.ref };
  }

  async generateMac(req: { key: MacKey; algorithm: MacAlgorithm; data: Uint8Array }): Promise<string> {
    const values = await this.#macFields(req.key, req.algorithm, req.data);
    const res = await this.#call('M6', { ...values.fields, mode: '0', macSize: '1' });
    if (!res.ok) throw this.#error('M6', res.errorCode, [values.ref]);
    return res.values.mac;
  }

  async verifyMac(req: { key: MacKey; algorithm: MacAlgorithm; data: Uint8Array; mac: string }): Promise<MacCheck> {
    if (typeof req.mac !== 'string' || !/^(?:[0-9A-Fa-f]{8}|[0-9A-Fa-f]{16})$/.test(req.mac)) {
      throw new CryptoError('BAD_INPUT', 'a MAC is 8 or 16 hex digits');
    }
    const values = await this.#macFields(req.key, req.algorithm, req.data);
    const macSize = req.mac.length === 16 ? '1' : '0';
    return this.#verdict('M8', await this.#call('M8', { ...values.fields, mode: '0', macSize, mac: req.mac.toUpperCase() }), [values.ref]);
  }

  /** BU: the KCV the HSM computes for the key (6 hex), which proves it can use the stored key. */
  async keyCheckValue(keyRef: string): Promise<string> {
    const key = await this.#tokens.get(keyRef, ANY_KEY);
    const res = await this.#call('BU', {
      keyTypeCode: 'FF',
      keyLengthFlag: 'F',
      key: key.token,
      keyType: MAC_KEY_TYPE.KEY_BLOCK,
      reserved1: '0',
      reserved2: '0',
      kcvType: '1',
    });
    if (!res.ok) throw this.#error('BU', res.errorCode, [key.ref]);
    return res.values.kcv;
  }

  /** NC round trip, and the PAN hashing key (needed by every query) readable from the key store. */
  async health(): Promise<CryptoHealth> {
    const { connected, size } = this.#pool.status();
    const where = `payShield at ${this.#where} (${connected}/${size} connections)`;
    try {
      const res = await this.#call('NC', {});
      if (!res.ok) {
        return { ok: false, driver: 'payshield', detail: `${where}: NC error ${res.errorCode} (${meaningOf('NC', res.errorCode).text})` };
      }
      await this.#tokens.get(this.#panHashRef, PAN_HASH);
      const firmware = res.values.firmware.trim();
      return { ok: true, driver: 'payshield', detail: `${where}, LMK check ${res.values.lmkCheckValue}, firmware ${firmware}` };
    } catch (error) {
      const why = error instanceof CryptoError ? `${error.code}: ${error.message}` : 'key store unreachable';
      return { ok: false, driver: 'payshield', detail: `${where}: ${why}` };
    }
  }

  async #macFields(key: MacKey, algorithm: MacAlgorithm, data: Uint8Array) {
    if (typeof key !== 'object' || key === null) throw new CryptoError('BAD_INPUT', 'a MAC key is required');
    if (key.ksn !== undefined) throw new CryptoError('UNAVAILABLE', 'DUKPT MACs (a key with a KSN) are not supported over the payShield driver');
    const expected = MAC_KEYS[algorithm];
    if (!expected) throw new CryptoError('BAD_INPUT', 'unknown MAC algorithm');
    if (!(data instanceof Uint8Array)) throw new CryptoError('BAD_INPUT', 'MAC data must be bytes');
    if (data.length > MAX_MAC_DATA) throw new CryptoError('BAD_INPUT', `MAC data is at most ${MAX_MAC_DATA} bytes over the payShield driver`);
    const entry = await this.#tokens.get(key.keyRef, expected);
    const cmac = algorithm === 'AES-CMAC';
    return {
      ref: entry.ref,
      fields: {
        inputFormat: '0',
        macAlgorithm: cmac ? MAC_ALGORITHM.CMAC : MAC_ALGORITHM.ISO9797_ALG3,
        padding: cmac ? '0' : '1',
        keyType: entry.type === 'ZAK' ? MAC_KEY_TYPE.ZAK : MAC_KEY_TYPE.TAK,
        key: entry.token,
        data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1'),
      },
    };
  }

  /** Checks a PIN block as the software HSM does, and resolves the key it is under. */
  async #pinBlock(pinBlock: EncryptedPinBlock): Promise<{
    key: KeyTokenEntry;
    hex: string;
    format: PinBlockFormat;
    formatCode: string;
    ksn: string | undefined;
  }> {
    if (typeof pinBlock !== 'object' || pinBlock === null) throw new CryptoError('BAD_PIN_BLOCK', 'no PIN block');
    const code = formatCode(pinBlock.format);
    checkKeyRef(pinBlock.keyRef);
    const ksn = pinBlock.ksn;
    if (ksn !== undefined && (typeof ksn !== 'string' || !/^[0-9A-Fa-f]{12,20}$/.test(ksn))) {
      throw new CryptoError('BAD_INPUT', 'a KSN is 12 to 20 hex digits');
    }
    const key = await this.#tokens.get(pinBlock.keyRef, ksn === undefined ? PIN_KEY : BDK);
    const digits = key.algorithm === 'AES' ? 32 : 16;
    if (typeof pinBlock.block !== 'string' || pinBlock.block.length !== digits || !/^[0-9A-Fa-f]+$/.test(pinBlock.block)) {
      throw new CryptoError('BAD_PIN_BLOCK', `an ${pinBlock.format} PIN block under key "${key.ref}" must be ${digits} hex digits`);
    }
    // The KSN counter, checked here as the software HSM does: a payShield reports an exhausted one
    // only as "error in input data" (15), which would reach the caller as BAD_INPUT.
    if (ksn !== undefined && pinBlockAlgorithm(pinBlock.format) === key.algorithm) {
      if (key.algorithm === 'AES') parseAesKsn(ksn);
      else parseTdesKsn(ksn);
    }
    return { key, hex: pinBlock.block.toUpperCase(), format: pinBlock.format, formatCode: code, ksn: ksn?.toUpperCase() };
  }

  async #call<C extends CommandCode>(code: C, values: RequestOf<C>): Promise<DecodedResponse<C>> {
    let body: string;
    try {
      body = encodeRequest(code, values);
    } catch (error) {
      if (error instanceof CodecError) throw new CryptoError('BAD_INPUT', error.message, { cause: error });
      throw error;
    }
    const reply = await this.#pool.request(code, body);
    try {
      return decodeResponse(code, reply, values as Values);
    } catch (error) {
      if (error instanceof CodecError) {
        throw new CryptoError('INTERNAL', `malformed response from the HSM (${error.message})`, { cause: error });
      }
      throw error;
    }
  }

  #verdict(code: CommandCode, res: { errorCode: string }, refs: readonly string[]): 'VERIFIED' | 'MISMATCH' {
    if (res.errorCode === OK) return 'VERIFIED';
    if (res.errorCode === PVK_NOT_SINGLE_LENGTH && IBM_WARNING_COMMANDS.has(code)) return 'VERIFIED';
    if (res.errorCode === VERIFICATION_FAILURE) return 'MISMATCH';
    throw this.#error(code, res.errorCode, refs);
  }

  #error(code: CommandCode, errorCode: string, refs: readonly string[] = []): CryptoError {
    const meaning = meaningOf(code, errorCode);
    const index = errorCode === '10' ? 0 : errorCode === '11' ? 1 : -1;
    const which = index >= 0 && refs[index] !== undefined ? `, key "${refs[index]}"` : '';
    return new CryptoError(meaning.code, `${code}: HSM error ${errorCode} (${meaning.text}${which})`);
  }
}

/** "tcp://host:port" (HSM_URL) → host and port. */
export function parsePayShieldUrl(url: string): { host: string; port: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CryptoError('BAD_INPUT', 'HSM_URL must be tcp://host:port');
  }
  const port = Number(parsed.port);
  if (parsed.protocol !== 'tcp:' || parsed.hostname === '' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CryptoError('BAD_INPUT', 'HSM_URL must be tcp://host:port');
  }
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port };
}

function formatCode(format: PinBlockFormat): string {
  const code = Object.hasOwn(PIN_BLOCK_FORMAT_CODES, format) ? PIN_BLOCK_FORMAT_CODES[format] : undefined;
  if (code === undefined) throw new CryptoError('BAD_INPUT', 'unknown PIN block format');
  return code;
}

/** The account field: the 12-digit account number, or for format 4 the whole PAN (codec deviation 3). */
function accountFields(pan: string, ...formats: PinBlockFormat[]): { account: string; panLength?: string } {
  if (formats.includes('ISO-4')) return { panLength: String(pan.length).padStart(2, '0'), account: pan };
  return { account: accountNumber12(pan) };
}

function ksnFields(ksn: string): { ksnDescriptor: string; ksn: string } {
  return { ksnDescriptor: ksnDescriptorFor(ksn), ksn };
}
