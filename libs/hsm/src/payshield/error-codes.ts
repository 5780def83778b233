import type { CryptoErrorCode } from '../crypto.port.js';
import type { CommandCode } from './codec.js';

/**
 * payShield error codes (payments-facts.md §5.3; command-specific codes from the Thales command
 * texts and ut-codec-payshield) and what each means to Saldo. Both directions live here so the
 * driver and the emulator cannot drift: the driver turns a code into a CryptoError code, the
 * emulator turns a software-HSM CryptoError into the code a payShield would give.
 *
 * Verdict codes are not errors: 01 on a verify command is MISMATCH, and 02 on an IBM 3624 command is the
 * warning "PVK not single length, TDES used" with which a payShield completes the
 * operation (DA/EA/GO/BK) under a double-length PVK (Saldo's PVKs are all double length).
 */
interface Meaning {
  readonly text: string;
  readonly code: CryptoErrorCode;
}

const COMMON: Readonly<Record<string, Meaning>> = {
  '10': { text: 'source key parity error (key not under this HSM’s LMK?)', code: 'INTERNAL' },
  '11': { text: 'destination key parity error (key not under this HSM’s LMK?)', code: 'INTERNAL' },
  '12': { text: 'no keys loaded in user storage', code: 'UNKNOWN_KEY' },
  '13': { text: 'LMK error', code: 'INTERNAL' },
  '14': { text: 'error in PIN under LMK', code: 'BAD_INPUT' },
  '15': { text: 'error in input data', code: 'BAD_INPUT' },
  '20': { text: 'PIN block does not contain valid values', code: 'BAD_PIN_BLOCK' },
  '21': { text: 'invalid user storage index', code: 'UNKNOWN_KEY' },
  '22': { text: 'invalid account number', code: 'BAD_INPUT' },
  '23': { text: 'invalid PIN block format code', code: 'BAD_INPUT' },
  '24': { text: 'PIN is fewer than 4 or more than 12 digits', code: 'BAD_PIN_BLOCK' },
  '25': { text: 'decimalization table error', code: 'BAD_INPUT' },
  '26': { text: 'invalid key scheme', code: 'WRONG_KEY_TYPE' },
  '27': { text: 'incompatible key length', code: 'WRONG_KEY_TYPE' },
  '28': { text: 'invalid key type', code: 'WRONG_KEY_TYPE' },
  '29': { text: 'key function not permitted', code: 'WRONG_KEY_TYPE' },
  '41': { text: 'internal hardware/software error', code: 'INTERNAL' },
  '42': { text: 'DES failure', code: 'INTERNAL' },
  '47': { text: 'DSP error', code: 'INTERNAL' },
  '51': { text: 'invalid message header', code: 'INTERNAL' },
  '67': { text: 'command not licensed', code: 'UNAVAILABLE' },
  '68': { text: 'command has been disabled', code: 'UNAVAILABLE' },
  '69': { text: 'PIN block format has been disabled', code: 'BAD_INPUT' },
  '80': { text: 'data length error', code: 'BAD_INPUT' },
  '81': { text: 'data length error', code: 'BAD_INPUT' },
};

const MAC_COMMAND: Readonly<Record<string, Meaning>> = {
  '02': { text: 'invalid mode flag', code: 'BAD_INPUT' },
  '03': { text: 'invalid input format flag', code: 'BAD_INPUT' },
  '04': { text: 'invalid MAC algorithm', code: 'BAD_INPUT' },
  '05': { text: 'invalid key type', code: 'WRONG_KEY_TYPE' },
  '06': { text: 'invalid message length', code: 'BAD_INPUT' },
  '09': { text: 'invalid padding method', code: 'BAD_INPUT' },
  '10': { text: 'MAC key parity error (key not under this HSM’s LMK?)', code: 'INTERNAL' },
};

const BY_COMMAND: Partial<Record<CommandCode, Readonly<Record<string, Meaning>>>> = {
  M6: MAC_COMMAND,
  M8: MAC_COMMAND,
  LQ: {
    '04': { text: 'HMAC length error', code: 'BAD_INPUT' },
    '05': { text: 'invalid hash identifier', code: 'BAD_INPUT' },
    '06': { text: 'invalid key usage', code: 'WRONG_KEY_TYPE' },
    '07': { text: 'invalid key block format', code: 'BAD_INPUT' },
    '08': { text: 'HMAC key block error (key not under this HSM’s LMK?)', code: 'INTERNAL' },
  },
};

/** Commands whose error code 01 is a verdict ("verification failure"). */
export const VERIFY_COMMANDS: ReadonlySet<CommandCode> = new Set<CommandCode>(['DA', 'EA', 'DC', 'EC', 'GO', 'GQ', 'M8', 'GW']);
/** Commands for which 02 is a warning and the operation completed. */
export const IBM_WARNING_COMMANDS: ReadonlySet<CommandCode> = new Set<CommandCode>(['DA', 'EA', 'GO', 'BK']);

export const OK = '00';
export const VERIFICATION_FAILURE = '01';
export const PVK_NOT_SINGLE_LENGTH = '02';

/** What a (non-verdict) error code means for a command: a CryptoError code and a text for messages and logs. */
export function meaningOf(command: CommandCode, errorCode: string): Meaning {
  const meaning = BY_COMMAND[command]?.[errorCode] ?? COMMON[errorCode];
  if (meaning) return meaning;
  if (/^[AB][0-9]$/.test(errorCode)) return { text: 'key block error', code: 'WRONG_KEY_TYPE' };
  return { text: 'unknown error code', code: 'INTERNAL' };
}

/**
 * The error code the emulator answers for a software-HSM CryptoError. KSN_EXHAUSTED has no
 * payShield code of its own: a payShield reports a bad KSN as error in input data (15), so over
 * this protocol it comes back as BAD_INPUT (the driver checks the counter before sending, so its
 * callers get KSN_EXHAUSTED, as from the software HSM).
 */
export function errorCodeFor(command: CommandCode, code: CryptoErrorCode): string {
  const mac = command === 'M6' || command === 'M8';
  switch (code) {
    case 'BAD_PIN_BLOCK':
      return '20';
    case 'BAD_INPUT':
    case 'KSN_EXHAUSTED':
      return '15';
    case 'WRONG_KEY_TYPE':
      return mac ? '05' : command === 'LQ' ? '06' : '28';
    case 'UNKNOWN_KEY':
      return '12';
    case 'TIMEOUT':
    case 'UNAVAILABLE':
    case 'INTERNAL':
      return '41';
  }
}
