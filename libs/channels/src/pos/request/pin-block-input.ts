import type { EncryptedPinBlock } from '#hsm';
import type { PosTerminal } from '../terminal.directory.js';

/**
 * An AES PIN block (ISO 9564 format 4) is 16 bytes and field 52 holds 8, so format-4 terminals
 * send it in field 62 behind this tag (see docs/pos.md).
 */
export const ISO4_TAG = 'PINBLOCK4=';

export type PinBlockFromMessage =
  | { readonly ok: true; readonly pinBlock: EncryptedPinBlock }
  | { readonly ok: false; readonly outcome: 'FORMAT_ERROR' | 'SECURITY_ERROR' | 'REQUESTER_NOT_PERMITTED'; readonly problem: string };

const TDES_COUNTER_BITS = 0x1fffffn;

/**
 * The encrypted PIN block of a request under its terminal's key: a fixed TPK, or the terminal's
 * BDK with the KSN of field 53, which must belong to this terminal's device (a KSN of another
 * device under the same BDK is a security violation, not a format error).
 */
export function pinBlockFromMessage(fields: ReadonlyMap<number, string>, terminal: PosTerminal): PinBlockFromMessage {
  const { pinMode, pinBlockFormat: format, pinKeyRef: keyRef } = terminal;
  if (pinMode === 'NONE' || !format || !keyRef) {
    return { ok: false, outcome: 'REQUESTER_NOT_PERMITTED', problem: 'the terminal has no PIN key' };
  }
  const block = format === 'ISO-4' ? iso4Block(fields.get(62)) : fields.get(52);
  if (block === undefined) {
    const where = format === 'ISO-4' ? `field 62: ${ISO4_TAG} and 32 hex digits` : 'field 52';
    return { ok: false, outcome: 'FORMAT_ERROR', problem: `${where}: a PIN block is required` };
  }
  if (pinMode === 'FIXED_KEY') return { ok: true, pinBlock: { format, block, keyRef } };

  const ksn = fields.get(53)?.toUpperCase();
  const length = pinMode === 'DUKPT_TDES' ? 20 : 24;
  if (ksn === undefined || !new RegExp(`^[0-9A-F]{${length}}$`).test(ksn)) {
    return { ok: false, outcome: 'FORMAT_ERROR', problem: `field 53: the key serial number (${length} hex digits) is required` };
  }
  if (!sameDevice(pinMode, ksn, terminal.dukptInitialId)) {
    return { ok: false, outcome: 'SECURITY_ERROR', problem: 'field 53: the key serial number is not this terminal’s' };
  }
  return { ok: true, pinBlock: { format, block, keyRef, ksn } };
}

function iso4Block(field62: string | undefined): string | undefined {
  if (!field62?.startsWith(ISO4_TAG)) return undefined;
  const block = field62.slice(ISO4_TAG.length);
  return /^[0-9A-Fa-f]{32}$/.test(block) ? block.toUpperCase() : undefined;
}

function sameDevice(mode: 'DUKPT_TDES' | 'DUKPT_AES', ksn: string, initialId: string | null): boolean {
  if (!initialId) return false;
  if (mode === 'DUKPT_AES') return ksn.slice(0, 16) === initialId.toUpperCase();
  const clear = (hex: string) => BigInt(`0x${hex}`) & ~TDES_COUNTER_BITS;
  return initialId.length === 20 && clear(ksn) === clear(initialId);
}
