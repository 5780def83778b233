import type { PinBlockFormat } from '#hsm';
import { DEMO_TERMINAL_KEYS, DEMO_TERMINALS } from '../../../prisma/seed/demo-data.js';

/**
 * How the PIN pad protects a PIN, with the clear key it holds (simulator only: a real PED keeps
 * its key inside tamper-responsive hardware).
 * - DUKPT_TDES: X9.24-1, the BDK stands in for the initial key it derives; `initialId` is the
 *   20-digit initial KSN.
 * - DUKPT_AES: X9.24-3, `initialId` is the 16-digit initial key ID.
 * - FIXED_KEY: one TPK for every PIN block.
 */
export type PinProtection =
  | { readonly mode: 'DUKPT_TDES' | 'DUKPT_AES'; readonly keyRef: string; readonly keyHex: string; readonly initialId: string; readonly format: PinBlockFormat }
  | { readonly mode: 'FIXED_KEY'; readonly keyRef: string; readonly keyHex: string; readonly format: PinBlockFormat };

/** A terminal as the simulator plays it: its ids, its PIN key and, when the host wants MACs, its TAK. */
export interface TerminalProfile {
  readonly tid: string;
  readonly mid: string;
  readonly pin: PinProtection;
  /** ISO 9797-1 algorithm 3 under a fixed double-length TDES TAK. */
  readonly mac?: { readonly keyRef: string; readonly keyHex: string };
}

export const DEMO_TERMINAL_IDS: readonly string[] = DEMO_TERMINALS.map((t) => t.tid);

/** The seeded demo terminal `tid` with the published demo keys its PIN pad holds; undefined if unknown. */
export function demoTerminalProfile(tid: string): TerminalProfile | undefined {
  const terminal = DEMO_TERMINALS.find((t) => t.tid === tid);
  if (!terminal) return undefined;
  const keyHex = clearKey(terminal.pinKeyRef);
  const pin: PinProtection =
    terminal.pinMode === 'FIXED_KEY'
      ? { mode: 'FIXED_KEY', keyRef: terminal.pinKeyRef, keyHex, format: terminal.pinBlockFormat }
      : { mode: terminal.pinMode, keyRef: terminal.pinKeyRef, keyHex, initialId: terminal.dukptInitialId, format: terminal.pinBlockFormat };
  const mac = terminal.macKeyRef === null ? undefined : { keyRef: terminal.macKeyRef, keyHex: clearKey(terminal.macKeyRef) };
  return { tid: terminal.tid, mid: terminal.mid, pin, ...(mac ? { mac } : {}) };
}

function clearKey(ref: string): string {
  const key = DEMO_TERMINAL_KEYS.find((k) => k.ref === ref);
  if (!key) throw new Error(`the demo data names key ${ref} but does not publish it`);
  return key.clearHex;
}
