import type { INestApplicationContext } from '@nestjs/common';
import { hash } from '@node-rs/argon2';
import type { SaldoConfig } from '#config';
import { Pan } from '#domain';
import { PrismaClient } from '#db';
import { CryptoPort, encryptPinBlockForSeed, KeyAdmin, KeyStore, type KeyType } from '#hsm';
import {
  DEMO_CARDHOLDERS,
  DEMO_CARDS,
  DEMO_ISSUERS,
  DEMO_KEY_REFS,
  DEMO_PARTNERS,
  DEMO_TERMINAL_KEYS,
  DEMO_TERMINALS,
  PARTNER_SCOPES,
} from './demo-data.js';
import { demoTransactions } from './demo-transactions.js';

export interface SeedDeps {
  readonly prisma: PrismaClient;
  readonly crypto: CryptoPort;
  readonly keyAdmin: KeyAdmin;
  readonly keyStore: KeyStore;
  readonly lmkHex: string;
  readonly operatorPasswords: { readonly admin: string; readonly support: string; readonly auditor: string };
}

/** The seed's dependencies, taken from a running application (the demo start, the tests). */
export function seedDepsFrom(app: INestApplicationContext, config: SaldoConfig): SeedDeps {
  return {
    prisma: app.get(PrismaClient),
    crypto: app.get(CryptoPort),
    keyAdmin: app.get(KeyAdmin),
    keyStore: app.get(KeyStore),
    lmkHex: config.hsm.lmkHex,
    operatorPasswords: config.demoPasswords,
  };
}

export interface SeedReport {
  readonly keys: { ref: string; kcv: string }[];
  readonly cards: number;
  readonly transactions: number;
}

/**
 * Installs the demo dataset (README "Demo data"). Idempotent: records have fixed ids and are
 * upserted; secrets and PIN data are computed only when missing; operator state (PIN tries, locks)
 * is left as it is. Every crypto value comes from the crypto port.
 */
export async function seedDemo(deps: SeedDeps): Promise<SeedReport> {
  const { prisma, crypto } = deps;
  const keys = [
    await ensureGenerated(deps, DEMO_KEY_REFS.panHash, 'PAN_HASH', 'HMAC'),
    await ensureGenerated(deps, DEMO_KEY_REFS.pvk, 'PVK', 'TDES'),
    await ensureGenerated(deps, DEMO_KEY_REFS.phonePvk, 'PHONE_PVK', 'HMAC'),
    await ensureGenerated(deps, DEMO_KEY_REFS.seedPinEntry, 'TPK', 'TDES'),
    await ensureGenerated(deps, DEMO_KEY_REFS.voicePinEntry, 'TPK', 'TDES'),
  ];
  for (const key of DEMO_TERMINAL_KEYS) {
    const { ref, kcv } = await deps.keyAdmin.ensureKey(key);
    keys.push({ ref, kcv });
  }
  for (const terminal of DEMO_TERMINALS) {
    await prisma.terminal.upsert({ where: { tid: terminal.tid }, create: terminal, update: terminal });
  }
  const pinPad = { keyRef: DEMO_KEY_REFS.seedPinEntry, lmkHex: deps.lmkHex, keyStore: deps.keyStore };

  for (const i of DEMO_ISSUERS) {
    const data = { code: i.code, name: i.name, currency: i.currency, locale: i.locale };
    await prisma.issuer.upsert({ where: { id: i.id }, create: { id: i.id, ...data }, update: data });
    await prisma.binRange.upsert({
      where: { low_high: { low: i.bin, high: i.bin } },
      create: { issuerId: i.id, low: i.bin, high: i.bin },
      update: { issuerId: i.id },
    });
  }

  for (const h of DEMO_CARDHOLDERS) {
    const existing = await prisma.cardholder.findUnique({ where: { id: h.id }, select: { phonePinData: true } });
    const phonePinData =
      existing?.phonePinData ??
      (await crypto.createPhonePinData({
        subject: h.id,
        pinBlock: await encryptPinBlockForSeed({ pin: h.phonePin, format: 'ISO-1', ...pinPad }),
      }));
    const data = { name: h.name, locale: h.locale, phonePinData };
    await prisma.cardholder.upsert({ where: { id: h.id }, create: { id: h.id, ...data }, update: data });
    await prisma.phoneNumber.upsert({
      where: { e164: h.phone },
      create: { cardholderId: h.id, e164: h.phone, verifiedAt: new Date() },
      update: { cardholderId: h.id },
    });
  }

  let transactions = 0;
  const now = new Date();
  for (const c of DEMO_CARDS) {
    const pan = Pan.fromTrusted(c.pan);
    const panHash = await crypto.hashPan(pan);
    const existing = await prisma.card.findUnique({ where: { id: c.id }, select: { pinVerificationData: true } });
    const pinVerificationData =
      existing?.pinVerificationData ??
      (
        await crypto.createPinVerificationData({
          pan,
          method: 'VISA_PVV',
          pinBlock: await encryptPinBlockForSeed({ pin: c.pin, pan, format: 'ISO-0', ...pinPad }),
        })
      ).value;
    const data = {
      issuerId: c.issuer,
      cardholderId: c.holder,
      panHash,
      bin: pan.bin,
      last4: pan.last4,
      expiry: c.expiry,
      status: c.status,
      pinMethod: 'VISA_PVV' as const,
      pinVerificationData,
    };
    await prisma.card.upsert({ where: { id: c.id }, create: { id: c.id, ...data }, update: data });

    for (const [position, a] of c.accounts.entries()) {
      const balances = { available: a.available, ledger: a.ledger, pending: a.ledger - a.available };
      await prisma.account.upsert({
        where: { id: a.id },
        create: { id: a.id, issuerId: c.issuer, reference: `${c.issuer.slice(-4)}-${a.id.slice(-6)}`, type: a.type, currency: a.currency, ...balances },
        update: { type: a.type, currency: a.currency, ...balances },
      });
      await prisma.cardAccount.upsert({
        where: { cardId_accountId: { cardId: c.id, accountId: a.id } },
        create: { cardId: c.id, accountId: a.id, position },
        update: { position },
      });
      const history = demoTransactions(a.id, a.currency, now);
      const { count } = await prisma.transaction.createMany({ data: history, skipDuplicates: true });
      transactions += count;
    }
  }

  for (const p of DEMO_PARTNERS) {
    const existing = await prisma.partnerClient.findUnique({ where: { id: p.id }, select: { id: true } });
    const data = { clientId: p.clientId, name: p.name, scopes: PARTNER_SCOPES, allIssuers: p.allIssuers, status: 'ACTIVE' as const };
    if (existing) await prisma.partnerClient.update({ where: { id: p.id }, data });
    else await prisma.partnerClient.create({ data: { id: p.id, ...data, secretHash: await hash(p.secret) } });
    for (const issuerId of p.issuers) {
      await prisma.partnerClientIssuer.upsert({
        where: { partnerClientId_issuerId: { partnerClientId: p.id, issuerId } },
        create: { partnerClientId: p.id, issuerId },
        update: {},
      });
    }
  }

  for (const [username, role, password] of [
    ['admin', 'ADMIN', deps.operatorPasswords.admin],
    ['support', 'SUPPORT', deps.operatorPasswords.support],
    ['auditor', 'AUDITOR', deps.operatorPasswords.auditor],
  ] as const) {
    if (!(await prisma.operator.findUnique({ where: { username } }))) {
      await prisma.operator.create({ data: { username, role, passwordHash: await hash(password) } });
    }
  }

  return { keys, cards: DEMO_CARDS.length, transactions };
}

/** Seeds only a database that has no issuers yet (`npm start` on a fresh machine). */
export async function seedDemoIfEmpty(deps: SeedDeps): Promise<SeedReport | undefined> {
  if ((await deps.prisma.issuer.count()) > 0) return undefined;
  return seedDemo(deps);
}

async function ensureGenerated(deps: SeedDeps, ref: string, type: KeyType, algorithm: 'TDES' | 'HMAC') {
  const existing = await deps.keyStore.find(ref);
  if (existing) return { ref, kcv: existing.kcv };
  return deps.keyAdmin.generateKey({ ref, type, algorithm });
}
