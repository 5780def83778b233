import type { AccountType, CoreTransaction } from '#bank-core';
import { assertNever, type QueryResult } from '#pipeline';
import type { CardAnswer, Language } from '#channels/telephony';
import { amountInWords, digitsInWords } from '../speech/amount-words.js';

const ACCOUNT: Record<Language, Record<AccountType, string>> = {
  en: { DEFAULT: 'Account', SAVINGS: 'Savings account', CHECKING: 'Checking account', CREDIT: 'Credit account' },
  zh: { DEFAULT: '账户', SAVINGS: '储蓄账户', CHECKING: '活期账户', CREDIT: '信用账户' },
};

/** One sentence per card: its accounts' available and ledger balances, or why they cannot be said. */
export function balanceSentences(language: Language, answers: readonly CardAnswer[]): string[] {
  return answers.map(({ card, result }) => {
    const digits = digitsInWords(card.last4, language);
    if (result.outcome !== 'APPROVED') return refusal(language, digits, result);
    const accounts = (result.balances ?? []).map((b) => {
      const available = amountInWords(b.available, b.currency, language);
      const ledger = amountInWords(b.ledger, b.currency, language);
      return language === 'en'
        ? `${ACCOUNT.en[b.type]}: available balance ${available}, ledger balance ${ledger}.`
        : `${ACCOUNT.zh[b.type]}，可用余额${available}，账面余额${ledger}。`;
    });
    return language === 'en'
      ? `Card ending ${digits}, ${card.issuerName}. ${accounts.join(' ')}`
      : `尾号${digits}的卡，${accounts.join('')}`;
  });
}

/** The last transactions, newest first: date, credit or debit, amount, description. */
export function transactionSentences(language: Language, items: readonly CoreTransaction[], timeZone: string): string[] {
  return items.map((t) => {
    const date = new Intl.DateTimeFormat(language === 'en' ? 'en-US' : 'zh-CN', { month: 'long', day: 'numeric', timeZone }).format(t.postedAt);
    const debit = t.amount < 0n;
    const amount = amountInWords(debit ? -t.amount : t.amount, t.currency, language);
    return language === 'en'
      ? `${date}, ${debit ? 'debit' : 'credit'} of ${amount}, ${t.description}.`
      : `${date}，${debit ? '支出' : '存入'}${amount}，${t.description}。`;
  });
}

function refusal(language: Language, digits: string, result: QueryResult): string {
  const en = (why: string) => `The card ending ${digits} ${why}.`;
  const zh = (why: string) => `尾号${digits}的卡${why}。`;
  const say = (e: string, z: string) => (language === 'en' ? en(e) : zh(z));
  switch (result.outcome) {
    case 'CARD_BLOCKED':
      return say('is blocked', '已冻结');
    case 'EXPIRED_CARD':
      return say('has expired', '已过期');
    case 'RATE_LIMITED':
      return say('cannot be checked again yet', '暂时无法再次查询');
    case 'ISSUER_UNAVAILABLE':
    case 'SYSTEM_ERROR':
    case 'SECURITY_ERROR':
      return say('cannot be checked right now', '暂时无法查询');
    case 'APPROVED':
    case 'FORMAT_ERROR':
    case 'UNAUTHENTICATED':
    case 'REQUESTER_NOT_PERMITTED':
    case 'NO_SUCH_ISSUER':
    case 'UNKNOWN_CARD':
    case 'WRONG_PIN':
    case 'PIN_TRIES_EXCEEDED':
    case 'NOT_PERMITTED':
    case 'DUPLICATE':
      return say('cannot be checked by phone', '无法通过电话查询');
    default:
      return assertNever(result.outcome);
  }
}
