import type { PosResponseCode } from './pos-response-code.js';

/** Request fields a response carries back unchanged, so the terminal can match it. */
const ECHOED = [3, 7, 11, 12, 13, 41, 42, 70] as const;

export interface PosResponse {
  mti: string;
  fields: Map<number, string>;
}

/** The response MTI: the function digit of a request or advice (0 or 2) plus one (0200 → 0210). */
export function responseMti(mti: string): string | undefined {
  const fn = Number(mti[2]);
  if (fn !== 0 && fn !== 2) return undefined;
  return `${mti.slice(0, 2)}${fn + 1}${mti[3]}`;
}

/**
 * The response to a request: its echoed fields, a retrieval reference number (37) and the
 * response code (39). Field 54 and the MAC are the caller's to add.
 */
export function responseTo(request: { mti: string; fields: ReadonlyMap<number, string> }, code: PosResponseCode, receivedAt: Date): PosResponse | undefined {
  const mti = responseMti(request.mti);
  if (mti === undefined) return undefined;
  const fields = new Map<number, string>();
  for (const n of ECHOED) {
    const value = request.fields.get(n);
    if (value !== undefined) fields.set(n, value);
  }
  if (!fields.has(70)) fields.set(37, retrievalReference(receivedAt, request.fields.get(11)));
  fields.set(39, code);
  return { mti, fields };
}

/**
 * The usual RRN convention: last digit of the year, day of the year (3), hour (2), then the
 * STAN (6), all UTC. A replayed answer carries the RRN of the first one.
 */
export function retrievalReference(at: Date, stan: string | undefined): string {
  const startOfYear = Date.UTC(at.getUTCFullYear(), 0, 1);
  const day = Math.floor((at.getTime() - startOfYear) / 86_400_000) + 1;
  const digits = stan !== undefined && /^\d{6}$/.test(stan) ? stan : '000000';
  return `${at.getUTCFullYear() % 10}${String(day).padStart(3, '0')}${String(at.getUTCHours()).padStart(2, '0')}${digits}`;
}
