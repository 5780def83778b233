import { describe, expect, it } from 'vitest';
import { AesKey } from '../../libs/hsm/src/software/aes.js';
import { AesDukpt, parseAesKsn } from '../../libs/hsm/src/software/dukpt-aes.js';
import { parseTdesKsn, TdesDukpt, type TdesDukptUsage } from '../../libs/hsm/src/software/dukpt-tdes.js';
import { decodePinBlock } from '../../libs/hsm/src/software/pin-block.js';
import { TdesKey } from '../../libs/hsm/src/software/tdes.js';
import { cryptoError } from './helpers.js';
import { vectors } from './vectors.js';

interface DukptVectors {
  tdes: {
    bdk: string;
    initialKsn: string;
    ipek: string;
    pin: string;
    pan: string;
    clearPinBlockFormat0: string;
    variantMasks: Record<TdesDukptUsage, string>;
    transactions: { ksn: string; currentKey: string; encryptedPinBlock: string; variants?: Record<TdesDukptUsage, string> }[];
  };
  aes: {
    bdk: string;
    initialKeyId: string;
    initialKeyDerivationData: string;
    initialKey: string;
    transactions: { ksn: string; derivationKey: string; pinKey?: string; macGenerationKey?: string; dataEncryptionKey?: string }[];
  };
}

const { tdes, aes } = vectors<DukptVectors>('dukpt.json');
const hex = (s: string) => Buffer.from(s, 'hex');
const upper = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

describe('TDES DUKPT, ANSI X9.24-1 (shared/vectors/dukpt.json "tdes": moov-io/dukpt des_test.go A.4.2, J8k3/CyberChef)', () => {
  const dukpt = new TdesDukpt(new TdesKey(hex(tdes.bdk)));

  it(`IPEK: BDK ${tdes.bdk}, KSN ${tdes.initialKsn} → ${tdes.ipek}`, () => {
    // The initial KSN has counter 0, which no transaction uses: ask with counter 1 (same device, same IPEK).
    expect(upper(dukpt.initialKey(tdes.initialKsn.slice(0, -1) + '1'))).toBe(tdes.ipek);
  });

  for (const t of tdes.transactions) {
    it(`X9.24-1 A.4.2 (moov-io/dukpt des_test.go): KSN ${t.ksn} → current key ${t.currentKey}`, () => {
      expect(upper(dukpt.transactionKey(t.ksn))).toBe(t.currentKey);
    });

    it(`X9.24-1 A.4.2 (moov-io/dukpt des_test.go): KSN ${t.ksn}, PIN ${tdes.pin}, PAN ${tdes.pan}, ISO-0 → ${t.encryptedPinBlock}`, () => {
      const pinKey = dukpt.cipher(t.ksn, 'pin');
      expect(upper(pinKey.encrypt(hex(tdes.clearPinBlockFormat0)))).toBe(t.encryptedPinBlock);
      const clear = pinKey.decrypt(hex(t.encryptedPinBlock));
      expect(upper(clear)).toBe(tdes.clearPinBlockFormat0);
      expect(decodePinBlock('ISO-0', clear, tdes.pan)).toBe(tdes.pin);
    });

    if (t.variants) {
      for (const [usage, key] of Object.entries(t.variants) as [TdesDukptUsage, string][]) {
        it(`variant ${usage} (mask ${tdes.variantMasks[usage]}; J8k3/CyberChef Payment.mjs): KSN ${t.ksn} → ${key}`, () => {
          expect(upper(dukpt.workingKey(t.ksn, usage))).toBe(key);
        });
      }
    }
  }

  it('a device with another initial KSN gets another IPEK (and the cache keeps them apart)', () => {
    const a = dukpt.transactionKey('FFFF9876543210E00001');
    const b = dukpt.transactionKey('FFFF9876543211E00001');
    expect(a.equals(b)).toBe(false);
    expect(upper(dukpt.transactionKey('FFFF9876543210E00001'))).toBe(tdes.transactions[0].currentKey);
  });

  it('KSN counters: 10 one-bits is the last usable, 11 is KSN_EXHAUSTED, so are 0 and all 21 bits set', async () => {
    expect(parseTdesKsn('FFFF9876543210FFF800').counter).toBe(0x1ff800); // 10 ones, the highest valid counter
    expect(() => dukpt.transactionKey('FFFF9876543210FFF800')).not.toThrow();
    for (const ksn of ['FFFF9876543210FFFC00', 'FFFF9876543210E007FF', 'FFFF9876543210E00000', 'FFFF9876543210FFFFFF']) {
      expect((await cryptoError(() => dukpt.transactionKey(ksn))).code).toBe('KSN_EXHAUSTED');
    }
  });

  it('malformed KSNs → BAD_INPUT: wrong length (an AES KSN), odd length, non-hex, not a string', async () => {
    for (const ksn of ['123456789012345600000001', 'FFFF9876543210E0001', 'FFFF9876543210E0000G', ' FFFF9876543210E0001', 42]) {
      expect((await cryptoError(() => dukpt.transactionKey(ksn as string))).code).toBe('BAD_INPUT');
    }
  });

  it('a triple-length TDES BDK is refused (X9.24-1 derives from a double-length BDK) → WRONG_KEY_TYPE', async () => {
    expect((await cryptoError(() => new TdesDukpt(new TdesKey(Buffer.alloc(24, 1))))).code).toBe('WRONG_KEY_TYPE');
  });
});

describe('AES DUKPT, ANSI X9.24-3:2017 (shared/vectors/dukpt.json "aes": moov-io/dukpt aes_test.go, J8k3/CyberChef, x9.org test vectors)', () => {
  const dukpt = new AesDukpt(new AesKey(hex(aes.bdk)));

  it(`initial key: BDK ${aes.bdk}, IKID ${aes.initialKeyId} (derivation data ${aes.initialKeyDerivationData}) → ${aes.initialKey}`, () => {
    expect(upper(dukpt.initialKey(aes.initialKeyId + '00000001'))).toBe(aes.initialKey);
    // The derivation data as published, through the BDK directly.
    expect(upper(new AesKey(hex(aes.bdk)).encrypt(hex(aes.initialKeyDerivationData)))).toBe(aes.initialKey);
  });

  for (const t of aes.transactions) {
    it(`X9.24-3 (moov-io/dukpt aes_test.go): KSN ${t.ksn} → transaction derivation key ${t.derivationKey}`, () => {
      expect(upper(dukpt.transactionKey(t.ksn))).toBe(t.derivationKey);
    });
    if (t.pinKey) {
      it(`X9.24-3 PIN encryption key (usage 1000; moov-io/dukpt, CyberChef): KSN ${t.ksn} → ${t.pinKey}`, () => {
        expect(upper(dukpt.workingKey(t.ksn, 'pin'))).toBe(t.pinKey);
      });
    }
    if (t.macGenerationKey) {
      it(`X9.24-3 MAC generation key (usage 2000; CyberChef): KSN ${t.ksn} → ${t.macGenerationKey}`, () => {
        expect(upper(dukpt.workingKey(t.ksn, 'macGeneration'))).toBe(t.macGenerationKey);
      });
    }
    if (t.dataEncryptionKey) {
      it(`X9.24-3 data encryption key (usage 3000; CyberChef): KSN ${t.ksn} → ${t.dataEncryptionKey}`, () => {
        expect(upper(dukpt.workingKey(t.ksn, 'dataEncrypt'))).toBe(t.dataEncryptionKey);
      });
    }
  }

  it('payments-facts.md §3.3 rows not in dukpt.json: counters 00020000 and 00845FED → PIN keys (CyberChef)', () => {
    expect(upper(dukpt.workingKey('123456789012345600020000', 'pin'))).toBe('AB828BE7B58C7EC5D5ED0D5D320A0C9D');
    expect(upper(dukpt.workingKey('123456789012345600845FED', 'pin'))).toBe('D1DDA386AA4A556AF0119FDCB5D132C6');
  });

  it('MAC verification key (usage 2001) differs from the generation key', () => {
    expect(dukpt.workingKey('123456789012345600000001', 'macVerification').equals(dukpt.workingKey('123456789012345600000001', 'macGeneration'))).toBe(false);
  });

  it('KSN counters: 16 one-bits is the last usable (FFFF0000), 17 is KSN_EXHAUSTED, so are 0 and FFFFFFFF', async () => {
    expect(parseAesKsn('1234567890123456FFFF0000').counter).toBe(0xffff0000);
    expect(() => dukpt.transactionKey('1234567890123456FFFF0000')).not.toThrow();
    for (const ksn of ['1234567890123456FFFF8000', '12345678901234560001FFFF', '123456789012345600000000', '1234567890123456FFFFFFFF']) {
      expect((await cryptoError(() => dukpt.transactionKey(ksn))).code).toBe('KSN_EXHAUSTED');
    }
  });

  it('malformed KSNs → BAD_INPUT: a TDES-length KSN, too long, non-hex', async () => {
    for (const ksn of ['FFFF9876543210E00001', '12345678901234560000000100', '12345678901234560000000Z']) {
      expect((await cryptoError(() => dukpt.transactionKey(ksn))).code).toBe('BAD_INPUT');
    }
  });

  it('AES-256 BDK: derived keys are 32 bytes (payments-facts.md §3.3 IK CE9CE0C1…, copied there unrecomputed)', () => {
    const bdk256 = new AesDukpt(new AesKey(hex('FEDCBA9876543210F1F1F1F1F1F1F1F1FEDCBA9876543210F1F1F1F1F1F1F1F1')));
    expect(upper(bdk256.initialKey('123456789012345600000001'))).toBe('CE9CE0C101D1138F97FB6CAD4DF045A7083D4EAE2D35A31789D01CCF0949550F');
    expect(bdk256.workingKey('123456789012345600000001', 'pin')).toHaveLength(32);
  });
});
