import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { Pan } from '#domain';
import { CryptoError, type MacAlgorithm, type PinBlockFormat } from '../crypto.port.js';
import { constantTimeEqual } from '../software/constant-time.js';
import { KeyStore, type KeyListing, type NewStoredKey, type StoredKey } from '../software/key-store.js';
import type { KeyType } from '../software/key-types.js';
import { LoadedKey } from '../software/loaded-key.js';
import { Lmk } from '../software/lmk.js';
import { SoftwareHsm } from '../software/software-hsm.driver.js';
import {
  CodecError,
  decodeRequest,
  encodeResponse,
  HASH_SHA256,
  isCommandCode,
  MAC_ALGORITHM,
  MAC_KEY_TYPE,
  pinBlockFormatOf,
  responseCodeOf,
  type CommandCode,
  type DecodedRequest,
  type ResponseOf,
  type Values,
} from './codec.js';
import type { HsmLogger } from './connection.js';
import { HeaderMatching } from './correlation.js';
import { errorCodeFor, OK, PVK_NOT_SINGLE_LENGTH, VERIFICATION_FAILURE } from './error-codes.js';
import { lengthPrefixFraming } from './framing.js';
import { KeyTokenError, parseKeyToken } from './key-token.js';

export interface PayShieldEmulatorOptions {
  /** The LMK the key tokens are wrapped under (HSM_LMK), 64 hex digits. */
  readonly lmkHex: string;
  /** Message header length, as the clients use. Default 4. */
  readonly headerLength?: number;
  /**
   * Test hook: milliseconds to wait before answering a command (by command code and header).
   * Varying delays make replies leave out of order, as a real HSM's parallel engines do.
   */
  readonly latency?: (command: string, header: string) => number;
  /** NC's firmware number, 9 characters. */
  readonly firmware?: string;
  /** Pad for IBM 3624 validation data (the software HSM's default, F). */
  readonly ibm3624Pad?: string;
  readonly logger?: HsmLogger;
}

export interface EmulatorStats {
  readonly connections: number;
  readonly received: number;
  readonly replied: number;
  /** Replies written while an earlier command on the same connection was still unanswered. */
  readonly outOfOrder: number;
}

/** An outcome the handlers return: an error code (and the response fields on success). */
type Outcome = { [C in CommandCode]: { readonly errorCode: string; readonly values?: ResponseOf<C> } }[CommandCode];

class CommandError extends Error {
  constructor(readonly errorCode: string) {
    super(`payShield error ${errorCode}`);
  }
}

/** Which software-HSM key types each key field of each command takes (payShield's LMK pairs). */
const PIN_KEY_OF: Partial<Record<CommandCode, KeyType>> = { DA: 'TPK', DC: 'TPK', EA: 'ZPK', EC: 'ZPK' };

interface Connection {
  readonly socket: Socket;
  seq: number;
  readonly unanswered: Set<number>;
}

/**
 * A payShield emulator: Saldo's software HSM served over the payShield host-command protocol
 * (codec.ts), for development (`npm run hsm:emulator`), tests and the benchmark. It listens on
 * 127.0.0.1 only.
 *
 * Each command is decoded, its key tokens resolved by unwrapping them under this emulator's LMK
 * (a token that does not unwrap is the key "parity error" 10/11 of a payShield), and the work done
 * by SoftwareHsm methods — the emulator does no cryptography of its own. SoftwareHsm refers to keys
 * by ref, so each token gets an internal ref (a hash of the token) in an in-memory KeyStore, and
 * SoftwareHsm instances are made per verification profile (PVK, PVKI, decimalization table).
 * Commands run concurrently and may be answered out of order (see `latency`).
 */
export class PayShieldEmulator {
  readonly #options: PayShieldEmulatorOptions;
  readonly #lmk: Lmk;
  readonly #tokens: TokenKeyStore;
  readonly #hsms = new Map<string, SoftwareHsm>();
  readonly #matching: HeaderMatching;
  readonly #logger: HsmLogger;
  readonly #connections = new Set<Connection>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #server: Server | undefined;
  #port = 0;
  #received = 0;
  #replied = 0;
  #outOfOrder = 0;

  constructor(options: PayShieldEmulatorOptions) {
    this.#options = options;
    this.#lmk = new Lmk(options.lmkHex);
    this.#tokens = new TokenKeyStore(this.#lmk);
    this.#matching = new HeaderMatching(options.headerLength ?? 4);
    this.#logger = options.logger ?? new Logger('PayShieldEmulator');
    if (options.firmware !== undefined && !/^[\x20-\x7e]{9}$/.test(options.firmware)) {
      throw new CryptoError('BAD_INPUT', 'the firmware number is 9 printable characters');
    }
  }

  /** Listens on 127.0.0.1:`port` (0 = any free port); resolves with the port. */
  async start(port = 0): Promise<number> {
    if (this.#server) throw new Error('the emulator is already started');
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#port = (server.address() as AddressInfo).port;
    return this.#port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.dropConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get port(): number {
    return this.#port;
  }

  /** The LMK's check value, as NC reports it. */
  get lmkCheckValue(): string {
    return this.#lmk.kcv.padEnd(16, '0');
  }

  get stats(): EmulatorStats {
    return { connections: this.#connections.size, received: this.#received, replied: this.#replied, outOfOrder: this.#outOfOrder };
  }

  /** Test hook: destroys every client connection now (their pending commands go unanswered). */
  dropConnections(): void {
    for (const connection of this.#connections) connection.socket.destroy();
    this.#connections.clear();
  }

  /** Test hook: writes `message` (header included), framed, to every client, as if it were a reply. */
  broadcast(message: string): void {
    const bytes = lengthPrefixFraming.frame(Buffer.from(message, 'latin1'));
    for (const connection of this.#connections) connection.socket.write(bytes);
  }

  #accept(socket: Socket): void {
    socket.setNoDelay(true);
    const connection: Connection = { socket, seq: 0, unanswered: new Set() };
    this.#connections.add(connection);
    const decoder = lengthPrefixFraming.decoder();
    socket.on('data', (chunk: Buffer) => {
      for (const message of decoder.push(chunk)) this.#command(connection, message);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => this.#logger.debug(`client socket: ${error.code ?? error.message}`));
    socket.once('close', () => this.#connections.delete(connection));
  }

  #command(connection: Connection, message: Buffer): void {
    const read = this.#matching.read(message);
    if (!read || read.body.length < 2) {
      this.#logger.warn(`dropped a ${message.length}-byte message without a header and command code`);
      return;
    }
    this.#received++;
    const seq = ++connection.seq;
    connection.unanswered.add(seq);
    const code = read.body.slice(0, 2);
    this.#execute(read.body).then(
      (response) => this.#reply(connection, seq, code, read.id, response),
      (error: unknown) => {
        this.#logger.error(`${printable(code)}: ${error instanceof Error ? error.message : 'failed'}`);
        this.#reply(connection, seq, code, read.id, responseCodeOf(code) + '41');
      },
    );
  }

  #reply(connection: Connection, seq: number, code: string, header: string, response: string): void {
    const delay = this.#options.latency?.(code, header) ?? 0;
    const write = () => {
      const { socket, unanswered } = connection;
      if (unanswered.values().next().value !== seq) this.#outOfOrder++;
      unanswered.delete(seq);
      if (socket.destroyed) return;
      this.#replied++;
      socket.write(lengthPrefixFraming.frame(this.#matching.stamp(header, response)));
    };
    if (delay <= 0) return write();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      write();
    }, delay);
    this.#timers.add(timer);
  }

  /** One command body → one response body. */
  async #execute(body: string): Promise<string> {
    let request: DecodedRequest;
    try {
      request = decodeRequest(body);
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      const code = body.slice(0, 2);
      // An unknown command is refused as disabled; a known one with bad fields as bad input.
      return responseCodeOf(code) + (isCommandCode(code) ? '15' : '68');
    }
    const outcome = await this.#outcome(request);
    return encodeResponse(request.code, outcome.errorCode, outcome.values as never, request.values as Values);
  }

  async #outcome(request: DecodedRequest): Promise<Outcome> {
    try {
      return await this.#handle(request);
    } catch (error) {
      if (error instanceof CommandError) return { errorCode: error.errorCode };
      if (error instanceof CryptoError) return { errorCode: errorCodeFor(request.code, error.code) };
      throw error;
    }
  }

  async #handle(request: DecodedRequest): Promise<Outcome> {
    switch (request.code) {
      case 'NC':
        return { errorCode: OK, values: { lmkCheckValue: this.lmkCheckValue, firmware: this.#options.firmware ?? 'SALDO-EMU' } };
      case 'LQ': {
        const v = request.values;
        if (v.hashId !== HASH_SHA256) throw new CommandError('05');
        const length = Number(v.hmacLength);
        if (length < 16 || length > 32) throw new CommandError('04');
        if (v.keyFormat !== '00') throw new CommandError('07');
        if (!/^[\x00-\x7f]*$/.test(v.data)) throw new CommandError('15');
        const key = this.#key(request.code, v.key, 0);
        const data = v.data;
        const hex = await this.#hsm({ panHashKeyRef: key }).hashPan(panOf(data));
        return { errorCode: OK, values: { hmac: Buffer.from(hex, 'hex').subarray(0, length).toString('latin1') } };
      }
      case 'DC':
      case 'EC':
      case 'GQ': {
        const v = request.values;
        const pinKey = 'pinKey' in v ? this.#key(request.code, v.pinKey, 0, [PIN_KEY_OF[request.code]!]) : this.#key(request.code, v.bdk, 0, ['BDK']);
        const pvk = this.#key(request.code, v.pvk, 1, ['PVK']);
        const verdict = await this.#hsm({ pvkRef: pvk, pvki: Number(v.pvki) }).verifyPin({
          pan: panOf(accountOf(v)),
          pinBlock: { format: formatOf(v.format), block: v.pinBlock, keyRef: pinKey, ksn: 'ksn' in v ? v.ksn : undefined },
          reference: { method: 'VISA_PVV', value: `${v.pvki}:${v.pvv}` },
        });
        return { errorCode: verdict === 'VERIFIED' ? OK : VERIFICATION_FAILURE };
      }
      case 'DA':
      case 'EA':
      case 'GO': {
        const v = request.values;
        const pinKey = 'pinKey' in v ? this.#key(request.code, v.pinKey, 0, [PIN_KEY_OF[request.code]!]) : this.#key(request.code, v.bdk, 0, ['BDK']);
        const pvk = this.#key(request.code, v.pvk, 1, ['PVK']);
        const offset = v.offset.replace(/F+$/, '');
        const checkLength = Number(v.checkLength);
        if (!/^\d{4,12}$/.test(offset) || checkLength < 4 || checkLength > 12) throw new CommandError('15');
        this.#checkIbmInputs(v);
        const verdict = await this.#hsm({ pvkRef: pvk, decimalizationTable: v.decimalizationTable }).verifyPin({
          pan: panOf(accountOf(v)),
          pinBlock: { format: formatOf(v.format), block: v.pinBlock, keyRef: pinKey, ksn: 'ksn' in v ? v.ksn : undefined },
          reference: { method: 'IBM_3624_OFFSET', value: offset },
        });
        // Saldo's PVKs are double length: a payShield completes with warning 02 (TDES used).
        return { errorCode: verdict === 'VERIFIED' ? PVK_NOT_SINGLE_LENGTH : VERIFICATION_FAILURE };
      }
      case 'FW':
      case 'BK': {
        const v = request.values;
        const pinKeyType: KeyType | undefined = v.keyType === '001' ? 'ZPK' : v.keyType === '002' ? 'TPK' : undefined;
        if (!pinKeyType) throw new CommandError('15');
        const pinKey = this.#key(request.code, v.pinKey, 0, [pinKeyType]);
        const pvk = this.#key(request.code, v.pvk, 1, ['PVK']);
        const pinBlock = { format: formatOf(v.format), block: v.pinBlock, keyRef: pinKey };
        if ('pvki' in v) {
          const data = await this.#hsm({ pvkRef: pvk, pvki: Number(v.pvki) }).createPinVerificationData({
            pan: panOf(accountOf(v)),
            pinBlock,
            method: 'VISA_PVV',
          });
          return { errorCode: OK, values: { pvv: data.value.slice(-4) } };
        }
        const checkLength = Number(v.checkLength);
        if (checkLength < 4 || checkLength > 12) throw new CommandError('15');
        this.#checkIbmInputs(v);
        const data = await this.#hsm({ pvkRef: pvk, decimalizationTable: v.decimalizationTable }).createPinVerificationData({
          pan: panOf(accountOf(v)),
          pinBlock,
          method: 'IBM_3624_OFFSET',
        });
        return { errorCode: PVK_NOT_SINGLE_LENGTH, values: { offset: data.value.padEnd(12, 'F') } };
      }
      case 'CA':
      case 'CC':
      case 'G0': {
        const v = request.values;
        const source =
          'sourceKey' in v
            ? this.#key(request.code, v.sourceKey, 0, [request.code === 'CA' ? 'TPK' : 'ZPK'])
            : this.#key(request.code, v.bdk, 0, ['BDK']);
        const destination = this.#key(request.code, v.destinationKey, 1, ['ZPK']);
        const toFormat = formatOf(v.destinationFormat);
        const translated = await this.#hsm({}).translatePinBlock({
          pan: panOf(accountOf(v)),
          from: { format: formatOf(v.sourceFormat), block: v.pinBlock, keyRef: source, ksn: 'ksn' in v ? v.ksn : undefined },
          toKeyRef: destination,
          toFormat,
        });
        return { errorCode: OK, values: { pinLength: '00', pinBlock: translated.block.toUpperCase(), format: v.destinationFormat } };
      }
      case 'M6':
      case 'M8': {
        const v = request.values;
        if (v.mode !== '0') throw new CommandError('02');
        if (v.inputFormat !== '0') throw new CommandError('03');
        const algorithm = macAlgorithmOf(v.macAlgorithm, v.padding);
        const types: KeyType[] =
          v.keyType === MAC_KEY_TYPE.TAK ? ['TAK'] : v.keyType === MAC_KEY_TYPE.ZAK ? ['ZAK'] : v.keyType === MAC_KEY_TYPE.KEY_BLOCK ? ['TAK', 'ZAK'] : [];
        if (types.length === 0) throw new CommandError('05');
        const key = { keyRef: this.#key(request.code, v.key, 0, types) };
        const data = Buffer.from(v.data, 'latin1');
        const hexLength = v.macSize === '1' ? 16 : 8;
        if ('mac' in v) {
          const verdict =
            hexLength === 16
              ? await this.#hsm({}).verifyMac({ key, algorithm, data, mac: v.mac })
              : constantTimeEqual((await this.#hsm({}).generateMac({ key, algorithm, data })).slice(0, 8).toUpperCase(), v.mac)
                ? 'VERIFIED'
                : 'MISMATCH';
          return { errorCode: verdict === 'VERIFIED' ? OK : VERIFICATION_FAILURE };
        }
        const mac = await this.#hsm({}).generateMac({ key, algorithm, data });
        return { errorCode: OK, values: { mac: mac.toUpperCase().slice(0, hexLength) } };
      }
      case 'GW': {
        const v = request.values;
        if (v.macMethod !== '1' || (v.macMode !== '1' && v.macMode !== '4') || v.data.length % 8 !== 0) throw new CommandError('15');
        const key = { keyRef: this.#key(request.code, v.bdk, 0, ['BDK']), ksn: v.ksn, direction: 'request' as const };
        const data = Buffer.from(v.data, 'latin1');
        if (v.macMode === '1') {
          const verdict = await this.#hsm({}).verifyMac({ key, algorithm: 'ISO9797-1-ALG3', data, mac: v.mac ?? '' });
          return { errorCode: verdict === 'VERIFIED' ? OK : VERIFICATION_FAILURE };
        }
        const mac = await this.#hsm({}).generateMac({ key, algorithm: 'ISO9797-1-ALG3', data });
        return { errorCode: OK, values: { mac: mac.toUpperCase() } };
      }
      case 'BU': {
        const v = request.values;
        if (v.kcvType !== '1') throw new CommandError('15');
        const key = this.#key(request.code, v.key, 0);
        return { errorCode: OK, values: { kcv: (await this.#hsm({}).keyCheckValue(key)).toUpperCase() } };
      }
    }
  }

  /** IBM 3624 inputs the software HSM's scheme can serve (codec deviation 8), and payShield's table rule. */
  #checkIbmInputs(v: { account: string; panLength?: string; decimalizationTable: string; validationData: string }): void {
    if (!decimalizationTableAccepted(v.decimalizationTable)) throw new CommandError('25');
    const account12 = v.panLength === undefined ? v.account : v.account.slice(0, -1).slice(-12).padStart(12, '0');
    if (v.validationData !== account12) throw new CommandError('15');
  }

  /**
   * Resolves a key token to the internal ref of an in-memory key record, after checking that it
   * unwraps under this LMK (else the field's parity error: 10 for the first key, 11 for the second)
   * and, when `types` is given, that it is a key this field takes.
   */
  #key(command: CommandCode, token: string, position: 0 | 1, types?: readonly KeyType[]): string {
    let resolved: { ref: string; type: KeyType };
    try {
      resolved = this.#tokens.resolve(token);
    } catch (error) {
      if (error instanceof KeyTokenError) throw new CommandError(error.reason === 'VERSION' ? '26' : '15');
      if (error instanceof CryptoError) throw new CommandError(position === 0 ? '10' : '11');
      throw error;
    }
    if (types && !types.includes(resolved.type)) throw new CommandError(errorCodeFor(command, 'WRONG_KEY_TYPE'));
    return resolved.ref;
  }

  /** One SoftwareHsm per verification profile, its key cache shared by every command using it. */
  #hsm(profile: { pvkRef?: string; pvki?: number; decimalizationTable?: string; panHashKeyRef?: string }): SoftwareHsm {
    const id = `${profile.pvkRef ?? ''}|${profile.pvki ?? ''}|${profile.decimalizationTable ?? ''}|${profile.panHashKeyRef ?? ''}`;
    let hsm = this.#hsms.get(id);
    if (!hsm) {
      if (this.#hsms.size >= 1_000) this.#hsms.clear();
      hsm = new SoftwareHsm(this.#options.lmkHex, this.#tokens, {
        panHashKeyRef: profile.panHashKeyRef,
        pvkRef: profile.pvkRef,
        pvki: profile.pvki,
        ibm3624: { pvkRef: profile.pvkRef, decimalizationTable: profile.decimalizationTable, pad: this.#options.ibm3624Pad },
        // Refs are content hashes of the tokens: a cached key can never be stale.
        keyCacheTtlMs: 24 * 60 * 60_000,
      });
      this.#hsms.set(id, hsm);
    }
    return hsm;
  }
}

/**
 * The emulator's key store: key tokens, each checked once (it must unwrap under the LMK and match
 * its KCV) and filed under an internal ref, a hash of the token, that SoftwareHsm options can name.
 * The record keeps the key's own ref and label, which the LMK wrapping authenticates.
 */
class TokenKeyStore extends KeyStore {
  readonly #byToken = new Map<string, { ref: string; type: KeyType }>();
  readonly #byRef = new Map<string, StoredKey>();

  constructor(private readonly lmk: Lmk) {
    super();
  }

  resolve(token: string): { ref: string; type: KeyType } {
    const known = this.#byToken.get(token);
    if (known) return known;
    const fields = parseKeyToken(token);
    const stored: StoredKey = { ...fields, status: 'ACTIVE' };
    const clear = this.lmk.unwrap(stored.encryptedValue, stored);
    try {
      LoadedKey.fromClear(stored, clear);
    } finally {
      clear.fill(0);
    }
    const ref = `tok.${createHash('sha256').update(token, 'latin1').digest('hex').slice(0, 40)}`;
    if (this.#byToken.size >= 10_000) {
      this.#byToken.clear();
      this.#byRef.clear();
    }
    const entry = { ref, type: fields.type };
    this.#byToken.set(token, entry);
    this.#byRef.set(ref, stored);
    return entry;
  }

  async find(ref: string): Promise<StoredKey | undefined> {
    return this.#byRef.get(ref);
  }

  async save(_key: NewStoredKey): Promise<void> {
    throw new CryptoError('BAD_INPUT', 'the emulator stores no keys: they arrive in the commands');
  }

  async list(): Promise<KeyListing[]> {
    return [];
  }

  async retire(_ref: string): Promise<void> {
    throw new CryptoError('BAD_INPUT', 'the emulator stores no keys: they arrive in the commands');
  }
}

/**
 * The PAN as SoftwareHsm reads it (digits() only). From a 12-digit account number a stand-in PAN
 * with the same account number is made (account + a check-digit placeholder): ISO-0/3 blocks, the
 * PVV and the IBM validation data use only those 12 digits, exactly as on a payShield.
 */
function panOf(digits: string): Pan {
  return { digits: () => digits } as unknown as Pan;
}

function accountOf(v: { account: string; panLength?: string }): string {
  return v.panLength === undefined ? `${v.account}0` : v.account;
}

function formatOf(code: string): PinBlockFormat {
  const format = pinBlockFormatOf(code);
  if (!format) throw new CommandError('23');
  return format;
}

function macAlgorithmOf(algorithm: string, padding: string): MacAlgorithm {
  if (algorithm === MAC_ALGORITHM.ISO9797_ALG3) {
    if (padding !== '1') throw new CommandError('09');
    return 'ISO9797-1-ALG3';
  }
  if (algorithm === MAC_ALGORITHM.CMAC) {
    if (padding !== '0') throw new CommandError('09');
    return 'AES-CMAC';
  }
  throw new CommandError('04');
}

/** payShield's rule (error 25): at least 8 different digits, none more than 4 times. */
function decimalizationTableAccepted(table: string): boolean {
  const counts = new Map<string, number>();
  for (const digit of table) counts.set(digit, (counts.get(digit) ?? 0) + 1);
  return counts.size >= 8 && [...counts.values()].every((count) => count <= 4);
}

function printable(code: string): string {
  return /^[\x20-\x7e]*$/.test(code) ? code : '(binary)';
}
