import { createHash } from 'node:crypto';

export interface GeneratedTransaction {
  id: string;
  accountId: string;
  postedAt: Date;
  type: 'PURCHASE' | 'DEPOSIT' | 'WITHDRAWAL' | 'TRANSFER_IN' | 'TRANSFER_OUT' | 'FEE' | 'REFUND';
  amount: bigint;
  currency: string;
  description: string;
}

const MERCHANTS: Record<string, string[]> = {
  USD: ['Harbor Grocers', 'Bayside Coffee', 'Metro Transit', 'City Pharmacy', 'Pier 9 Books', 'Online Streaming'],
  CNY: ['华联超市', '瑞幸咖啡', '地铁出行', '京东商城', '美团外卖', '中国电信'],
};
const DEPOSIT: Record<string, string> = { USD: 'Payroll deposit', CNY: '工资入账' };
const TRANSFER_IN: Record<string, string> = { USD: 'Transfer from savings', CNY: '转账收入' };
const TRANSFER_OUT: Record<string, string> = { USD: 'Transfer to J. Smith', CNY: '转账支出' };
const FEE: Record<string, string> = { USD: 'Monthly account fee', CNY: '账户管理费' };
const ATM: Record<string, string> = { USD: 'ATM withdrawal', CNY: 'ATM取款' };
const REFUND: Record<string, string> = { USD: 'Refund Pier 9 Books', CNY: '退款 京东商城' };

/** UUID-shaped id from a name, so re-seeding finds the same rows. */
function stableId(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A small deterministic generator (mulberry32), seeded per account. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** About four weeks of plausible activity ending `until`: purchases, a payroll, transfers, a fee. */
export function demoTransactions(accountId: string, currency: string, until: Date, days = 28): GeneratedTransaction[] {
  const rnd = random(parseInt(createHash('sha256').update(accountId).digest('hex').slice(0, 8), 16));
  const merchants = MERCHANTS[currency] ?? MERCHANTS.USD;
  const txs: GeneratedTransaction[] = [];
  const dayMs = 86_400_000;
  const start = Date.UTC(until.getUTCFullYear(), until.getUTCMonth(), until.getUTCDate()) - days * dayMs;
  const add = (n: number, day: number, type: GeneratedTransaction['type'], amount: bigint, description: string) => {
    const postedAt = new Date(start + day * dayMs + Math.floor(rnd() * 14 + 8) * 3_600_000 + Math.floor(rnd() * 3_600_000));
    if (postedAt > until) return;
    txs.push({ id: stableId(`${accountId}:${n}`), accountId, postedAt, type, amount, currency, description });
  };
  let n = 0;
  for (let day = 0; day < days; day++) {
    if (rnd() < 0.6) {
      const merchant = merchants[Math.floor(rnd() * merchants.length)];
      add(n++, day, 'PURCHASE', -BigInt(Math.floor(rnd() * 8_000) + 250), merchant);
    }
    if (day % 14 === 3) add(n++, day, 'DEPOSIT', BigInt(Math.floor(rnd() * 50_000) + 150_000), DEPOSIT[currency] ?? DEPOSIT.USD);
    if (day === 9) add(n++, day, 'TRANSFER_OUT', -BigInt(Math.floor(rnd() * 20_000) + 5_000), TRANSFER_OUT[currency] ?? '');
    if (day === 17) add(n++, day, 'TRANSFER_IN', BigInt(Math.floor(rnd() * 20_000) + 5_000), TRANSFER_IN[currency] ?? '');
    if (day === 12) add(n++, day, 'WITHDRAWAL', -BigInt(Math.floor(rnd() * 4 + 1) * 2_000), ATM[currency] ?? '');
    if (day === 20) add(n++, day, 'REFUND', BigInt(Math.floor(rnd() * 2_000) + 500), REFUND[currency] ?? '');
    if (day === 1) add(n++, day, 'FEE', -500n, FEE[currency] ?? '');
  }
  return txs;
}
