import { Inject, Injectable } from '@nestjs/common';
import { isUniqueViolation, PrismaClient, type TerminalPinMode } from '#db';
import { done, refused, type Change } from './form.js';

/** How long a running gateway may keep using a terminal's old settings (the POS terminal and requester caches). */
export const TERMINAL_CACHE_SECONDS = 5;

export const PIN_MODES: readonly TerminalPinMode[] = ['NONE', 'FIXED_KEY', 'DUKPT_TDES', 'DUKPT_AES'];
export const PIN_BLOCK_FORMATS = ['ISO-0', 'ISO-1', 'ISO-3', 'ISO-4'] as const;

export interface TerminalRow {
  readonly id: string;
  readonly tid: string;
  readonly mid: string;
  readonly status: 'ACTIVE' | 'DISABLED';
  readonly pinMode: TerminalPinMode;
  readonly pinBlockFormat: string | null;
  readonly pinKeyRef: string | null;
  readonly dukptInitialId: string | null;
  readonly macRequired: boolean;
  readonly macKeyRef: string | null;
  readonly profile: string;
  readonly createdAt: Date;
}

/** The security settings of a terminal, as typed into a form (empty strings for "none"). */
export interface TerminalKeysInput {
  readonly pinMode: string;
  readonly pinBlockFormat: string;
  readonly pinKeyRef: string;
  readonly dukptInitialId: string;
  readonly macRequired: boolean;
  readonly macKeyRef: string;
}

export interface NewTerminalInput extends TerminalKeysInput {
  readonly tid: string;
  readonly mid: string;
}

type TerminalKeys = Pick<TerminalRow, 'pinMode' | 'pinBlockFormat' | 'pinKeyRef' | 'dukptInitialId' | 'macRequired' | 'macKeyRef'>;

/** A key the terminal may name: what the HSM driver will demand of it when the terminal's messages arrive. */
interface KeyNeed {
  readonly role: string;
  readonly types: readonly string[];
  readonly algorithm: 'TDES' | 'AES';
  readonly usage: string;
}

// ISO 8583 fields 41 and 42 are "ans": letters, digits and symbols. A space is refused too, so an id is never padded by mistake.
const TID = /^[\x21-\x7e]{8}$/;
const MID = /^[\x21-\x7e]{15}$/;

/**
 * Terminals as the admin manages them. The rules here are the POS channel's and the HSM driver's
 * (libs/channels/src/pos/request/pin-block-input.ts, message-mac.ts; the software HSM's key checks):
 * a PIN mode needs exactly the fields it uses, and every key reference names an ACTIVE key of the
 * type, algorithm and TR-31 usage the driver will ask of it, so a mistake is refused here and not
 * found by the first cardholder at the terminal.
 */
@Injectable()
export class TerminalAdmin {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  async list(): Promise<TerminalRow[]> {
    return this.prisma.terminal.findMany({ orderBy: { tid: 'asc' } });
  }

  async find(id: string): Promise<TerminalRow | undefined> {
    return (await this.prisma.terminal.findUnique({ where: { id } })) ?? undefined;
  }

  /** Refs of active keys a terminal could name, by role (for the form's suggestions). */
  async keyChoices(): Promise<{ pin: string[]; bdk: string[]; mac: string[] }> {
    const keys = await this.prisma.key.findMany({ where: { status: 'ACTIVE', type: { in: ['TPK', 'ZPK', 'BDK', 'TAK', 'ZAK'] } }, select: { ref: true, type: true }, orderBy: { ref: 'asc' } });
    const of = (...types: string[]) => keys.filter((k) => types.includes(k.type)).map((k) => k.ref);
    return { pin: of('TPK', 'ZPK'), bdk: of('BDK'), mac: of('TAK', 'ZAK') };
  }

  async add(input: NewTerminalInput): Promise<Change<TerminalRow>> {
    if (!TID.test(input.tid)) return refused(400, 'The terminal id (TID) is exactly 8 letters, digits or symbols, without spaces.');
    if (!MID.test(input.mid)) return refused(400, 'The merchant id (MID) is exactly 15 letters, digits or symbols, without spaces.');
    const keys = await this.keys(input);
    if (!keys.ok) return keys;
    if (await this.prisma.terminal.findUnique({ where: { tid: input.tid }, select: { id: true } })) {
      return refused(409, `Terminal ${input.tid} already exists: pick another TID, or change that terminal below.`);
    }
    try {
      return done(await this.prisma.terminal.create({ data: { tid: input.tid, mid: input.mid, ...keys.value } }));
    } catch (err) {
      if (isUniqueViolation(err)) return refused(409, `Terminal ${input.tid} already exists: pick another TID, or change that terminal below.`);
      throw err;
    }
  }

  async setKeys(id: string, input: TerminalKeysInput): Promise<Change<TerminalRow>> {
    const keys = await this.keys(input);
    if (!keys.ok) return keys;
    if (!(await this.prisma.terminal.findUnique({ where: { id }, select: { id: true } }))) return refused(404, 'No such terminal.');
    return done(await this.prisma.terminal.update({ where: { id }, data: keys.value }));
  }

  async setStatus(id: string, status: 'ACTIVE' | 'DISABLED'): Promise<Change<TerminalRow>> {
    if (!(await this.prisma.terminal.findUnique({ where: { id }, select: { id: true } }))) return refused(404, 'No such terminal.');
    return done(await this.prisma.terminal.update({ where: { id }, data: { status } }));
  }

  /** The PIN mode's fields, checked together, and each key reference against the key store. */
  private async keys(input: TerminalKeysInput): Promise<Change<TerminalKeys>> {
    const pinMode = PIN_MODES.find((m) => m === input.pinMode);
    if (!pinMode) return refused(400, `Pick a PIN mode: ${PIN_MODES.join(', ')}.`);
    const format = input.pinBlockFormat || null;
    const pinKeyRef = input.pinKeyRef || null;
    const initial = input.dukptInitialId ? input.dukptInitialId.toUpperCase() : null;
    const macKeyRef = input.macKeyRef || null;

    if (pinMode === 'NONE') {
      if (format || pinKeyRef || initial) return refused(400, 'A terminal without PIN entry (PIN mode NONE) has no PIN block format, PIN key or DUKPT id: leave them empty.');
    } else {
      if (!format || !(PIN_BLOCK_FORMATS as readonly string[]).includes(format)) return refused(400, `PIN mode ${pinMode} needs a PIN block format: ${PIN_BLOCK_FORMATS.join(', ')}.`);
      if (pinMode === 'DUKPT_TDES' && format === 'ISO-4') return refused(400, 'TDES DUKPT (ANSI X9.24-1) carries PIN block formats ISO-0, ISO-1 or ISO-3; ISO-4 needs AES DUKPT.');
      if (pinMode === 'DUKPT_AES' && format !== 'ISO-4') return refused(400, 'AES DUKPT (ANSI X9.24-3) carries PIN block format ISO-4 only.');
      if (!pinKeyRef) return refused(400, `PIN mode ${pinMode} needs a PIN key reference (${pinMode === 'FIXED_KEY' ? 'a TPK or ZPK' : 'a BDK'}).`);
      const need: KeyNeed =
        pinMode === 'FIXED_KEY'
          ? { role: 'the PIN key of a fixed-key terminal', types: ['TPK', 'ZPK'], algorithm: format === 'ISO-4' ? 'AES' : 'TDES', usage: 'P0' }
          : { role: `the base derivation key of a ${pinMode === 'DUKPT_TDES' ? 'TDES' : 'AES'} DUKPT terminal`, types: ['BDK'], algorithm: pinMode === 'DUKPT_TDES' ? 'TDES' : 'AES', usage: 'B0' };
      const problem = await this.keyProblem(pinKeyRef, need);
      if (problem) return refused(400, problem);
      if (pinMode === 'FIXED_KEY' && initial) return refused(400, 'A fixed-key terminal has no DUKPT id: leave it empty.');
      if (pinMode === 'DUKPT_TDES' && !/^[0-9A-F]{20}$/.test(initial ?? '')) return refused(400, 'A TDES DUKPT terminal needs its initial key serial number (KSN): 20 hex digits.');
      if (pinMode === 'DUKPT_AES' && !/^[0-9A-F]{16}$/.test(initial ?? '')) return refused(400, 'An AES DUKPT terminal needs its initial key ID: 16 hex digits.');
    }

    if (input.macRequired && !macKeyRef) return refused(400, 'A terminal whose messages must carry a MAC needs a MAC key reference.');
    // A DUKPT terminal may MAC under its own BDK (the X9.24 MAC variants); any other MAC key is a TDES TAK or ZAK
    // (ISO 9797-1 algorithm 3, the only fixed-key MAC the POS channel checks).
    if (macKeyRef && !(pinMode.startsWith('DUKPT') && macKeyRef === pinKeyRef)) {
      const problem = await this.keyProblem(macKeyRef, { role: 'a terminal MAC key', types: ['TAK', 'ZAK'], algorithm: 'TDES', usage: 'M3' });
      if (problem) return refused(400, problem);
    }
    return done({ pinMode, pinBlockFormat: format, pinKeyRef, dukptInitialId: initial, macRequired: input.macRequired, macKeyRef });
  }

  private async keyProblem(ref: string, need: KeyNeed): Promise<string | undefined> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(ref)) return 'A key reference is 1-64 letters, digits, dots, underscores, colons or dashes.';
    const key = await this.prisma.key.findUnique({ where: { ref }, select: { type: true, algorithm: true, usage: true, status: true } });
    if (!key) return `There is no key "${ref}" in the key store (keys are added with the key ceremony, npm run keys).`;
    if (key.status !== 'ACTIVE') return `Key "${ref}" is retired: name an active key.`;
    if (!need.types.includes(key.type)) return `Key "${ref}" is a ${key.type} key; ${need.role} must be a ${need.types.join(' or ')}.`;
    if (key.algorithm !== need.algorithm) return `Key "${ref}" is ${key.algorithm}; ${need.role} must be ${need.algorithm} here.`;
    if (key.usage !== need.usage) return `Key "${ref}" has TR-31 usage ${key.usage}; ${need.role} needs usage ${need.usage}.`;
    return undefined;
  }
}
