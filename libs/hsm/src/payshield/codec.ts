import type { PinBlockFormat } from '../crypto.port.js';
import {
  a,
  decodeFields,
  encodeFields,
  FieldError,
  h,
  key,
  literal,
  n,
  optional,
  prefixed,
  type Field,
  type Values,
  type ValuesOf,
} from './fields.js';
import { keyTokenAlgorithm } from './key-token.js';

/*
 * payShield host-command codec: the body of each command and response (after the message header),
 * as data. It knows nothing of sockets, headers or pending requests (connection.ts) and nothing of
 * keys or verdicts (payshield-hsm.driver.ts, emulator.ts). Layouts follow the payShield 9000/10K
 * legacy host commands (shared/notes/payments-facts.md §5; field-by-field as in
 * softwaregroup-bg/ut-codec-payshield messages.json and the Thales command texts), with the end
 * delimiter (X'19), trailer and %LMK-id never sent.
 *
 * Where Saldo's model differs from a real payShield — deviations, on purpose:
 *  1. Keys travel as Saldo key tokens ("SZ…", key-token.ts), the stored LMK-wrapped record, in the
 *     place of a Thales key block ("S0…"/"S1…"). A real payShield refuses them (key-block version);
 *     pointing Saldo at one needs the key store migrated to real key blocks under its LMK.
 *  2. PIN blocks are 16H, or 32H when the key that encrypts them is AES (ISO 9564 format 4), the
 *     length taken from the key token's algorithm, as payShield 10K does for AES key blocks.
 *  3. Format 4 (code 48) needs the whole PAN, so when a command's PIN block format is 48 the
 *     12-digit account field is replaced by 2N length + the PAN (12-19 digits). Formats 0/1/3
 *     use the 12-digit account field as on a payShield.
 *  4. LQ (HMAC) is used with hash identifier 06 (SHA-256), which later firmware lists; the early
 *     text lists SHA-1 (01) only. The "HMAC key" is a key token, key-block format 00.
 *  5. M6/M8: MAC algorithm 3 (ISO 9797-1 algorithm 3) with padding 1 (zeros, ANSI X9.19), and
 *     MAC algorithm 5 = ISO 9797-1:2011 algorithm 5, CMAC, for AES keys (padding 0: CMAC pads
 *     itself). The CMAC value is our assumption — check it against the firmware's manual. Key type
 *     003 TAK / 008 ZAK. Input format 0 (binary), MAC size 1 (16H, 8 bytes).
 *  6. BU: key type code FF and key length flag F for a key block, then ";" key type FFF ";" 0 0 and
 *     KCV type 1 (6H); the emulator computes the KCV the way Saldo does (kcv.ts: CMAC for AES).
 *  7. G0: KSN descriptor = hex(BDK-ID length) + "0" + "5", so the KSN field is that many + 5
 *     counter digits (12-20H). The emulator accepts the formats the software HSM translates; a
 *     payShield takes only source 01 and destination 01/04.
 *  8. IBM 3624 (DA/EA/GO/BK): the emulator accepts only PIN validation data equal to the 12-digit
 *     account number, right-padded to 16 with F, and checks the whole PIN against an offset of the
 *     PIN's length (the check length must be 4-12 but is not otherwise used) — the software HSM's
 *     scheme. A payShield takes any validation data and checks `check length` digits.
 *  9. CB/CD/G1 PIN length: the emulator answers 00 (the software HSM does not reveal a PIN's
 *     length); the driver does not use the field.
 * 10. GO/GQ (DUKPT PIN verification) are sent in mode 0 (PIN only); their optional MAC fields
 *     (mode 1) are not in this codec.
 * 11. GW (DUKPT MAC): the MAC to verify is sent as 16H (the text says "32B or 64B"), and the
 *     generated MAC is returned for the generate modes 4-6 (the text lists 1-3, which verify).
 *     Data must be whole 8-byte blocks: the driver zero-pads, which is ISO 9797-1 padding 1.
 * 12. Absent from this codec (no caller needs them): message trailers, multi-block MACs (M6 modes
 *     1-3 are encoded but the emulator serves mode 0 only), EC's optional verification PAN.
 */

export type { Values } from './fields.js';

/** payShield PIN block format codes. */
export const PIN_BLOCK_FORMAT_CODES: Readonly<Record<PinBlockFormat, string>> = {
  'ISO-0': '01',
  'ISO-1': '05',
  'ISO-3': '47',
  'ISO-4': '48',
};
const FORMAT_BY_CODE = new Map(Object.entries(PIN_BLOCK_FORMAT_CODES).map(([format, code]) => [code, format as PinBlockFormat]));

export function pinBlockFormatOf(code: string): PinBlockFormat | undefined {
  return FORMAT_BY_CODE.get(code);
}

export const ISO4_FORMAT_CODE = PIN_BLOCK_FORMAT_CODES['ISO-4'];
export const MAC_ALGORITHM = { ISO9797_ALG3: '3', CMAC: '5' } as const;
export const MAC_KEY_TYPE = { TAK: '003', ZAK: '008', KEY_BLOCK: 'FFF' } as const;
export const HASH_SHA256 = '06';

/** A PIN block is 32 hex digits under an AES key (format 4), else 16 (deviation 2). */
const pinBlockUnder =
  (keyField: string, from: 'values' | 'request' = 'values') =>
  (context: { values: Values; request: Values }): number =>
    keyTokenAlgorithm(context[from][keyField] ?? '') === 'AES' ? 32 : 16;

/** The account field: 12N, or 2N length + PAN when a format field of the command is 48 (deviation 3). */
function account(...formatFields: string[]) {
  const iso4 = ({ values }: { values: Values }) => formatFields.some((f) => values[f] === ISO4_FORMAT_CODE);
  return [
    optional(n('panLength', 2), iso4),
    n('account', (context) => (iso4(context) ? Number(context.values.panLength) : 12)),
  ] as const;
}

function command<const Code extends string, const Req extends readonly Field[], const Res extends readonly Field[]>(
  code: Code,
  request: Req,
  response: Res,
  /** Error codes after which the response fields follow; on any other code there are none. */
  dataOn: readonly string[] = ['00'],
) {
  return { code, responseCode: responseCodeOf(code), request, response, dataOn } as const;
}

/** The response code of a command: its second character + 1 (NC→ND, G0→G1, M6→M7). */
export function responseCodeOf(code: string): string {
  return code[0] + String.fromCharCode(code.charCodeAt(1) + 1);
}

const pinVerifyIbm = <const Code extends string>(code: Code) =>
  command(
    code,
    [
      key('pinKey'),
      key('pvk'),
      n('maxPinLength', 2),
      h('pinBlock', pinBlockUnder('pinKey')),
      n('format', 2),
      n('checkLength', 2),
      ...account('format'),
      n('decimalizationTable', 16),
      a('validationData', 12),
      h('offset', 12),
    ],
    [],
  );

const pinVerifyPvv = <const Code extends string>(code: Code) =>
  command(
    code,
    [key('pinKey'), key('pvk'), h('pinBlock', pinBlockUnder('pinKey')), n('format', 2), ...account('format'), n('pvki', 1), n('pvv', 4)],
    [],
  );

const translate = <const Code extends string>(code: Code) =>
  command(
    code,
    [
      key('sourceKey'),
      key('destinationKey'),
      n('maxPinLength', 2),
      h('pinBlock', pinBlockUnder('sourceKey')),
      n('sourceFormat', 2),
      n('destinationFormat', 2),
      ...account('sourceFormat', 'destinationFormat'),
    ],
    [n('pinLength', 2), h('pinBlock', pinBlockUnder('destinationKey', 'request')), n('format', 2)],
  );

const macSize = ({ request, values }: { request: Values; values: Values }) =>
  (request.macSize ?? values.macSize) === '1' ? 16 : 8;

export const COMMANDS = {
  /** Diagnostics: LMK check value and firmware number. */
  NC: command('NC', [], [h('lmkCheckValue', 16), a('firmware', 9)]),
  /** Translate a PIN block from a TPK to a ZPK. */
  CA: translate('CA'),
  /** Translate a PIN block from one ZPK to another. */
  CC: translate('CC'),
  /** Translate a PIN block from TDES DUKPT (BDK + KSN) to a ZPK. */
  G0: command(
    'G0',
    [
      key('bdk'),
      key('destinationKey'),
      h('ksnDescriptor', 3),
      h('ksn', ({ values }) => ksnLengthOf(values.ksnDescriptor ?? '')),
      h('pinBlock', pinBlockUnder('bdk')),
      n('sourceFormat', 2),
      n('destinationFormat', 2),
      ...account('sourceFormat', 'destinationFormat'),
    ],
    [n('pinLength', 2), h('pinBlock', pinBlockUnder('destinationKey', 'request')), n('format', 2)],
  ),
  /** Verify a terminal PIN (TPK), IBM 3624 offset. */
  DA: pinVerifyIbm('DA'),
  /** Verify an interchange PIN (ZPK), IBM 3624 offset. */
  EA: pinVerifyIbm('EA'),
  /** Verify a terminal PIN (TPK), Visa PVV. */
  DC: pinVerifyPvv('DC'),
  /** Verify an interchange PIN (ZPK), Visa PVV. */
  EC: pinVerifyPvv('EC'),
  /** Verify a PIN from a TDES DUKPT PIN pad (BDK + KSN), IBM 3624 offset; mode 0 = PIN only. */
  GO: command(
    'GO',
    [
      n('mode', 1),
      key('bdk'),
      key('pvk'),
      h('ksnDescriptor', 3),
      h('ksn', ({ values }) => ksnLengthOf(values.ksnDescriptor ?? '')),
      h('pinBlock', pinBlockUnder('bdk')),
      n('format', 2),
      n('checkLength', 2),
      ...account('format'),
      n('decimalizationTable', 16),
      a('validationData', 12),
      h('offset', 12),
    ],
    [],
  ),
  /** Verify a PIN from a TDES DUKPT PIN pad (BDK + KSN), Visa PVV; mode 0 = PIN only. */
  GQ: command(
    'GQ',
    [
      n('mode', 1),
      key('bdk'),
      key('pvk'),
      h('ksnDescriptor', 3),
      h('ksn', ({ values }) => ksnLengthOf(values.ksnDescriptor ?? '')),
      h('pinBlock', pinBlockUnder('bdk')),
      n('format', 2),
      ...account('format'),
      n('pvki', 1),
      n('pvv', 4),
    ],
    [],
  ),
  /** Generate a Visa PVV of a customer-selected PIN (PIN block under a TPK or ZPK). */
  FW: command(
    'FW',
    [n('keyType', 3), key('pinKey'), key('pvk'), h('pinBlock', pinBlockUnder('pinKey')), n('format', 2), ...account('format'), n('pvki', 1)],
    [n('pvv', 4)],
  ),
  /** Generate an IBM 3624 offset of a customer-selected PIN (PIN block under a TPK or ZPK). */
  BK: command(
    'BK',
    [
      n('keyType', 3),
      key('pinKey'),
      key('pvk'),
      h('pinBlock', pinBlockUnder('pinKey')),
      n('format', 2),
      n('checkLength', 2),
      ...account('format'),
      n('decimalizationTable', 16),
      a('validationData', 12),
    ],
    [h('offset', 12)],
    ['00', '02'],
  ),
  /** Generate an HMAC on a block of data. */
  LQ: command(
    'LQ',
    [n('hashId', 2), n('hmacLength', 4), n('keyFormat', 2), prefixed('key', 'N', 4, 'A'), literal(';'), prefixed('data', 'N', 5)],
    [prefixed('hmac', 'N', 4)],
  ),
  /** Generate a MAC. */
  M6: command(
    'M6',
    [
      n('mode', 1),
      n('inputFormat', 1),
      n('macSize', 1),
      n('macAlgorithm', 1),
      n('padding', 1),
      h('keyType', 3),
      key('key'),
      optional(h('iv', 16), ({ values }) => values.mode === '2' || values.mode === '3'),
      prefixed('data', 'H', 4),
    ],
    [h('mac', macSize)],
  ),
  /** Verify a MAC. */
  M8: command(
    'M8',
    [
      n('mode', 1),
      n('inputFormat', 1),
      n('macSize', 1),
      n('macAlgorithm', 1),
      n('padding', 1),
      h('keyType', 3),
      key('key'),
      optional(h('iv', 16), ({ values }) => values.mode === '2' || values.mode === '3'),
      prefixed('data', 'H', 4),
      h('mac', macSize),
    ],
    [],
  ),
  /** Generate (mode 4) or verify (mode 1) an 8-byte X9.19 MAC under a TDES DUKPT MAC key (request variant). */
  GW: command(
    'GW',
    [
      n('macMode', 1),
      n('macMethod', 1),
      key('bdk'),
      h('ksnDescriptor', 3),
      h('ksn', ({ values }) => ksnLengthOf(values.ksnDescriptor ?? '')),
      optional(h('mac', ({ values }) => (values.macMode === '1' ? 16 : 8)), ({ values }) => ['1', '2', '3'].includes(values.macMode ?? '')),
      prefixed('data', 'N', 4),
    ],
    [
      optional(
        h('mac', ({ request }) => (request.macMode === '4' ? 16 : 8)),
        ({ request }) => ['4', '5', '6'].includes(request.macMode ?? ''),
      ),
    ],
  ),
  /** Generate a key check value. */
  BU: command(
    'BU',
    [
      h('keyTypeCode', 2),
      a('keyLengthFlag', 1),
      key('key'),
      literal(';'),
      h('keyType', 3),
      literal(';'),
      a('reserved1', 1),
      a('reserved2', 1),
      a('kcvType', 1),
    ],
    [h('kcv', ({ request }) => (request.kcvType === '1' ? 6 : 16))],
  ),
} as const;

export type Commands = typeof COMMANDS;
export type CommandCode = keyof Commands;
export type RequestOf<C extends CommandCode> = ValuesOf<Commands[C]['request']>;
export type ResponseOf<C extends CommandCode> = ValuesOf<Commands[C]['response']>;

/** A decoded request, narrowed by its code (the emulator switches on it). */
export type DecodedRequest = { [C in CommandCode]: { readonly code: C; readonly values: RequestOf<C> } }[CommandCode];

export type DecodedResponse<C extends CommandCode> =
  | { readonly ok: true; readonly errorCode: string; readonly values: ResponseOf<C> }
  | { readonly ok: false; readonly errorCode: string };

/** A message the codec cannot read or write; names the command and field, never a value. */
export class CodecError extends Error {
  constructor(
    message: string,
    readonly command?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CodecError';
  }
}

export function isCommandCode(code: string): code is CommandCode {
  return Object.hasOwn(COMMANDS, code);
}

/** Command code + fields (the part after the message header). */
export function encodeRequest<C extends CommandCode>(code: C, values: RequestOf<C>): string {
  const spec: { readonly request: readonly Field[] } = COMMANDS[code];
  return code + guard(code, () => encodeFields(spec.request, values as Values));
}

/** Reads a request body (command code + fields). Throws CodecError for an unknown code or bad fields. */
export function decodeRequest(body: string): DecodedRequest {
  const code = body.slice(0, 2);
  if (!isCommandCode(code)) throw new CodecError('unknown command code', code);
  const spec: { readonly request: readonly Field[] } = COMMANDS[code];
  const values = guard(code, () => decodeFields(spec.request, body, 2));
  return { code, values } as DecodedRequest;
}

/** Response code + error code + (on a data-bearing error code) the response fields. */
export function encodeResponse<C extends CommandCode>(
  code: C,
  errorCode: string,
  values?: ResponseOf<C>,
  request: Values = {},
): string {
  if (!/^[0-9A-Z]{2}$/.test(errorCode)) throw new CodecError('an error code is 2 characters', code);
  const spec: { readonly responseCode: string; readonly response: readonly Field[]; readonly dataOn: readonly string[] } =
    COMMANDS[code];
  if (!spec.dataOn.includes(errorCode) || spec.response.length === 0) return spec.responseCode + errorCode;
  if (values === undefined) throw new CodecError('response fields missing', code);
  return spec.responseCode + errorCode + guard(code, () => encodeFields(spec.response, values as Values, request));
}

/**
 * Reads a response body (response code + error code + fields). `request` is the request's values,
 * for fields whose length the request decides (M7's MAC, BV's KCV, CB's PIN block).
 */
export function decodeResponse<C extends CommandCode>(code: C, body: string, request: Values = {}): DecodedResponse<C> {
  const spec: { readonly responseCode: string; readonly response: readonly Field[]; readonly dataOn: readonly string[] } =
    COMMANDS[code];
  if (body.slice(0, 2) !== spec.responseCode) throw new CodecError('unexpected response code', code);
  const errorCode = body.slice(2, 4);
  if (!/^[0-9A-Z]{2}$/.test(errorCode)) throw new CodecError('malformed error code', code);
  if (!spec.dataOn.includes(errorCode)) {
    // An error response carries nothing useful after its code; some firmware adds diagnostics.
    return { ok: false, errorCode };
  }
  const values = guard(code, () => decodeFields(spec.response, body, 4, request)) as ResponseOf<C>;
  return { ok: true, errorCode, values };
}

/** Length of the KSN field from its 3H descriptor: BDK-ID + sub-key + device-ID digits + 5 (deviation 7). */
export function ksnLengthOf(descriptor: string): number {
  if (!/^[0-9A-F]{3}$/.test(descriptor)) return -1;
  return parseInt(descriptor[0], 16) + parseInt(descriptor[1], 16) + parseInt(descriptor[2], 16) + 5;
}

/** The descriptor the driver sends for a KSN of 12-20 hex digits (BDK ID = the first length-10). */
export function ksnDescriptorFor(ksn: string): string {
  return (ksn.length - 10).toString(16).toUpperCase() + '05';
}

function guard<T>(code: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof FieldError) throw new CodecError(`${code}: ${error.message}`, code, { cause: error });
    throw error;
  }
}
