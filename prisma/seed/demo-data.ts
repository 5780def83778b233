/**
 * The demo dataset (README "Demo data"). Ids are fixed so the seed can upsert: running it twice
 * leaves exactly this. Card numbers live here and in the README only — never in a log line.
 */

export const DEMO_ISSUERS = [
  { id: '0b6f3a2e-0000-4000-8000-000000000001', code: 'HARBOR', name: 'Harbor Bank', bin: '476173', currency: 'USD', locale: 'en-US' },
  { id: '0b6f3a2e-0000-4000-8000-000000000002', code: 'LOTUS', name: 'Lotus Bank', bin: '621700', currency: 'CNY', locale: 'zh-CN' },
] as const;

export const DEMO_CARDHOLDERS = [
  { id: '1c7e4b3f-0000-4000-8000-000000000001', name: 'Alice Harbor', phone: '+15555550100', locale: 'en-US', phonePin: '135790' },
  { id: '1c7e4b3f-0000-4000-8000-000000000002', name: 'Li Wei', phone: '+8613800138000', locale: 'zh-CN', phonePin: '246802' },
] as const;

type AccountSpec = { id: string; type: 'CHECKING' | 'SAVINGS'; currency: 'USD' | 'CNY'; available: bigint; ledger: bigint };

export interface DemoCard {
  id: string;
  pan: string;
  holder: (typeof DEMO_CARDHOLDERS)[number]['id'];
  issuer: (typeof DEMO_ISSUERS)[number]['id'];
  expiry: string;
  pin: string;
  status: 'ACTIVE' | 'LOST';
  accounts: AccountSpec[];
}

const ALICE = DEMO_CARDHOLDERS[0].id;
const LI = DEMO_CARDHOLDERS[1].id;
const HARBOR = DEMO_ISSUERS[0].id;
const LOTUS = DEMO_ISSUERS[1].id;

export const DEMO_CARDS: DemoCard[] = [
  {
    id: '2d8f5c40-0000-4000-8000-000000000001',
    pan: '4761739001010010',
    holder: ALICE,
    issuer: HARBOR,
    expiry: '3012',
    pin: '1234',
    status: 'ACTIVE',
    accounts: [
      { id: '3e9a6d51-0000-4000-8000-000000000001', type: 'CHECKING', currency: 'USD', available: 123_456n, ledger: 130_000n },
      { id: '3e9a6d51-0000-4000-8000-000000000002', type: 'SAVINGS', currency: 'USD', available: 1_000_000n, ledger: 1_000_000n },
    ],
  },
  {
    id: '2d8f5c40-0000-4000-8000-000000000002',
    pan: '4761739001010028',
    holder: ALICE,
    issuer: HARBOR,
    expiry: '2001',
    pin: '1234',
    status: 'ACTIVE',
    accounts: [{ id: '3e9a6d51-0000-4000-8000-000000000003', type: 'CHECKING', currency: 'USD', available: 5_000n, ledger: 5_000n }],
  },
  {
    id: '2d8f5c40-0000-4000-8000-000000000003',
    pan: '4761739001010036',
    holder: ALICE,
    issuer: HARBOR,
    expiry: '3012',
    pin: '4321',
    status: 'LOST',
    accounts: [{ id: '3e9a6d51-0000-4000-8000-000000000004', type: 'CHECKING', currency: 'USD', available: 7_500n, ledger: 7_500n }],
  },
  {
    id: '2d8f5c40-0000-4000-8000-000000000004',
    pan: '6217000000000014',
    holder: LI,
    issuer: LOTUS,
    expiry: '3012',
    pin: '8888',
    status: 'ACTIVE',
    accounts: [{ id: '3e9a6d51-0000-4000-8000-000000000005', type: 'SAVINGS', currency: 'CNY', available: 888_888n, ledger: 900_000n }],
  },
  {
    id: '2d8f5c40-0000-4000-8000-000000000005',
    pan: '6217000000000022',
    holder: ALICE,
    issuer: LOTUS,
    expiry: '3012',
    pin: '0000',
    status: 'ACTIVE',
    accounts: [{ id: '3e9a6d51-0000-4000-8000-000000000006', type: 'CHECKING', currency: 'CNY', available: 10_000n, ledger: 10_000n }],
  },
];

export const DEMO_PARTNERS = [
  { id: '4fab7e62-0000-4000-8000-000000000001', clientId: 'harbor-app', name: 'Harbor mobile app', secret: 'harbor-app-secret', allIssuers: false, issuers: [HARBOR] },
  { id: '4fab7e62-0000-4000-8000-000000000002', clientId: 'wallet-app', name: 'Wallet aggregator', secret: 'wallet-app-secret', allIssuers: true, issuers: [] },
] as const;

export const PARTNER_SCOPES = ['balances:read', 'transactions:read'];

/** Key references the seed installs (values generated or, for demo terminals, the published demo keys). */
export const DEMO_KEY_REFS = {
  panHash: 'PAN_HASH',
  pvk: 'PVK',
  phonePvk: 'PHONE_PVK',
  /** The seed acts as a PIN pad: demo PINs reach the crypto service as blocks under this key. */
  seedPinEntry: 'TPK.SEED',
  /** The voice menu's PIN entry key (VOICE_PIN_KEY_REF): phone-banking PINs keyed in by callers. */
  voicePinEntry: 'TPK.IVR',
} as const;

/** Published demo keys (issue 3's table): installed with their KCVs checked, for the demo terminals. */
export const DEMO_TERMINAL_KEYS = [
  { ref: 'BDK.TDES.DEMO', type: 'BDK', algorithm: 'TDES', clearHex: '0123456789ABCDEFFEDCBA9876543210' },
  { ref: 'BDK.AES.DEMO', type: 'BDK', algorithm: 'AES', clearHex: 'FEDCBA9876543210F1F1F1F1F1F1F1F1' },
  { ref: 'TPK.SALDO003', type: 'TPK', algorithm: 'TDES', clearHex: 'DDDDEEEEFFFFAAAABBBBCCCCDDDDEEEE', expectedKcv: '06332B' },
  { ref: 'TAK.SALDO003', type: 'TAK', algorithm: 'TDES', clearHex: '0123456789ABCDEFFEDCBA9876543210', expectedKcv: '08D7B4' },
] as const;

export const DEMO_TERMINALS = [
  { tid: 'SALDO001', mid: 'SALDOMERCHANT01', pinMode: 'DUKPT_TDES', pinBlockFormat: 'ISO-0', pinKeyRef: 'BDK.TDES.DEMO', dukptInitialId: 'FFFF9876543210E00000', macRequired: false, macKeyRef: null },
  { tid: 'SALDO002', mid: 'SALDOMERCHANT01', pinMode: 'DUKPT_AES', pinBlockFormat: 'ISO-4', pinKeyRef: 'BDK.AES.DEMO', dukptInitialId: '1234567890123456', macRequired: false, macKeyRef: null },
  { tid: 'SALDO003', mid: 'SALDOMERCHANT01', pinMode: 'FIXED_KEY', pinBlockFormat: 'ISO-0', pinKeyRef: 'TPK.SALDO003', dukptInitialId: null, macRequired: true, macKeyRef: 'TAK.SALDO003' },
] as const;
