import { describe, expect, it } from 'vitest';
import type { SmsLanguage } from '../../libs/channels/src/sms/sms-command.js';
import {
  balanceMessages,
  formatAmount,
  helpMessage,
  languageChangedMessage,
  miniStatementMessage,
  noSuchCardMessage,
  pickCardMessage,
  rateLimitedMessage,
  unavailableMessage,
  unregisteredMessage,
  type CardBalanceLine,
  type CardRefusalLine,
  type TransactionLine,
} from '../../libs/channels/src/sms/sms-replies.js';
import { isGsm7, smsSegments, toGsm7 } from '../../libs/channels/src/sms/sms-segments.js';

const LANGUAGES: SmsLanguage[] = ['en', 'zh'];
/** 14:05 in New York (EST) and 03:05 the next day in Shanghai. */
const AS_OF = new Date('2025-11-28T19:05:00Z');
const NEW_YORK = 'America/New_York';
const SHANGHAI = 'Asia/Shanghai';

function expectOneSegment(lang: SmsLanguage, text: string): void {
  const count = smsSegments(text);
  if (lang === 'en') {
    expect(count.encoding, text).toBe('GSM-7');
    expect(count.units, text).toBeLessThanOrEqual(160);
  } else {
    expect(count.encoding, text).toBe('UCS-2');
    expect(count.units, text).toBeLessThanOrEqual(70);
  }
  expect(count.segments).toBe(1);
}

const card = (last4: string, available: bigint, ledger: bigint, currency = 'USD'): CardBalanceLine => ({
  last4,
  issuerName: 'Demo Bank',
  balances: [{ type: 'DEFAULT', currency, available, ledger }],
});
const cards = (count: number) =>
  Array.from({ length: count }, (_, i) => card(String(i + 1).padStart(4, '0'), 123_456n * BigInt(i + 1), 130_000n * BigInt(i + 1)));

describe('smsSegments (GSM 03.38 / UCS-2)', () => {
  it.each([
    ['160 GSM characters: one segment', 'a'.repeat(160), 'GSM-7', 160, 1],
    ['161: two parts of 153', 'a'.repeat(161), 'GSM-7', 161, 2],
    ['306: still two parts', 'a'.repeat(306), 'GSM-7', 306, 2],
    ['307: three parts', 'a'.repeat(307), 'GSM-7', 307, 3],
    ['80 euro signs are 160 septets', '€'.repeat(80), 'GSM-7', 160, 1],
    ['80 euro signs and a letter', `${'€'.repeat(80)}a`, 'GSM-7', 161, 2],
    ['every extension character counts 2', '^{}\\[~]|€', 'GSM-7', 18, 1],
    ['an escape pair never straddles two parts', `${'a'.repeat(152)}€${'a'.repeat(152)}`, 'GSM-7', 306, 3],
    ['70 Chinese characters: one segment', '中'.repeat(70), 'UCS-2', 70, 1],
    ['71: two parts of 67', '中'.repeat(71), 'UCS-2', 71, 2],
    ['134: two parts', '中'.repeat(134), 'UCS-2', 134, 2],
    ['135: three parts', '中'.repeat(135), 'UCS-2', 135, 3],
    ['one Chinese character turns 100 letters into UCS-2', `${'a'.repeat(100)}中`, 'UCS-2', 101, 2],
    ['an emoji is a surrogate pair: two units', '😀', 'UCS-2', 2, 1],
    ['35 emoji fill one segment', '😀'.repeat(35), 'UCS-2', 70, 1],
    ['36 emoji need two', '😀'.repeat(36), 'UCS-2', 72, 2],
    ['a surrogate pair never straddles two parts', `${'中'.repeat(66)}😀${'中'.repeat(66)}`, 'UCS-2', 134, 3],
    ['the full-width yen sign forces UCS-2', '￥1', 'UCS-2', 2, 1],
    ['the half-width yen sign is GSM-7', '¥1', 'GSM-7', 2, 1],
  ])('%s', (_name, text, encoding, units, segments) => {
    expect(smsSegments(text)).toEqual({ encoding, units, segments });
  });

  it('accepts the whole basic set and the extension table, nothing else', () => {
    const basic = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
    expect(basic).toHaveLength(127);
    expect(isGsm7(basic)).toBe(true);
    expect(isGsm7('^{}\\[~]|€\f')).toBe(true);
    for (const ch of ['\u001b', '\u2206', '\u2126', '`', '’', '“', '…', '中', '😀', '￥', 'ā', '\t']) expect(isGsm7(ch), ch).toBe(false);
  });

  it('toGsm7 folds typography and accents and drops what has no GSM-7 form', () => {
    expect(toGsm7('“Ｃａｆé” – ā… 星巴克☕ ¥5 ￥6')).toBe('"Café" - a...  ¥5 ¥6');
  });
});

describe('formatAmount (bigint minor units)', () => {
  it.each([
    [0n, 'USD', '0.00'],
    [5n, 'USD', '0.05'],
    [-100n, 'USD', '-1.00'],
    [123_456n, 'USD', '1,234.56'],
    [-130_000n, 'CNY', '-1,300.00'],
    [123_456_789_012_345_678_901n, 'EUR', '1,234,567,890,123,456,789.01'],
    [1234n, 'JPY', '1,234'],
    [-999n, 'JPY', '-999'],
  ])('%s %s → %s', (minor, currency, expected) => {
    expect(formatAmount(minor, currency)).toBe(expected);
  });

  it('an unknown currency is refused, not guessed', () => {
    expect(() => formatAmount(1n, 'XXX')).toThrow(RangeError);
  });
});

describe('balanceMessages', () => {
  it('one card in English: masked card, both balances, date and time in the caller zone', () => {
    expect(balanceMessages('en', [card('0010', 123_456n, 130_000n)], AS_OF, NEW_YORK)).toEqual([
      'Bal 11/28 14:05\n*0010 Avl USD 1,234.56 Ldg USD 1,300.00',
    ]);
  });

  it('one card in Chinese: 元 for CNY, the ISO code for others, Shanghai time', () => {
    expect(balanceMessages('zh', [card('0010', 123_456n, 130_000n, 'CNY')], AS_OF, SHANGHAI)).toEqual([
      '截至11/29 03:05\n尾号0010 可用1,234.56元 账面1,300.00元',
    ]);
    expect(balanceMessages('zh', [card('0020', 5_000n, 5_000n)], AS_OF, SHANGHAI)).toEqual(['截至11/29 03:05\n尾号0020 可用USD50.00 账面USD50.00']);
  });

  it('two cards fit one message in each language', () => {
    const two = [card('0010', 123_456n, 130_000n, 'CNY'), card('0020', 5_000n, 5_000n, 'CNY')];
    expect(balanceMessages('en', two, AS_OF, NEW_YORK)).toEqual([
      'Bal 11/28 14:05\n*0010 Avl CNY 1,234.56 Ldg CNY 1,300.00\n*0020 Avl CNY 50.00 Ldg CNY 50.00',
    ]);
    expect(balanceMessages('zh', two, AS_OF, SHANGHAI)).toEqual(['截至11/29 03:05\n尾号0010 可用1,234.56元 账面1,300.00元\n尾号0020 可用50.00元 账面50.00元']);
  });

  it('drops the date, never the time, when the cards need the room', () => {
    const two = [card('0010', 123_456n, 130_000n, 'CNY'), card('0020', 12_345n, 12_345n, 'CNY')];
    expect(balanceMessages('zh', two, AS_OF, SHANGHAI)).toEqual(['截至03:05\n尾号0010 可用1,234.56元 账面1,300.00元\n尾号0020 可用123.45元 账面123.45元']);
  });

  it('shows a negative ledger with a minus sign', () => {
    const [en] = balanceMessages('en', [card('0010', 0n, -4_250n)], AS_OF, NEW_YORK);
    expect(en).toContain('Ldg USD -42.50');
    const [zh] = balanceMessages('zh', [card('0010', 0n, -4_250n, 'CNY')], AS_OF, SHANGHAI);
    expect(zh).toContain('账面-42.50元');
  });

  it('lists each account of a card on the card line', () => {
    const line: CardBalanceLine = {
      last4: '0010',
      issuerName: 'Demo Bank',
      balances: [
        { type: 'CHECKING', currency: 'USD', available: 123_456n, ledger: 130_000n },
        { type: 'SAVINGS', currency: 'USD', available: 500_000n, ledger: 500_000n },
      ],
    };
    expect(balanceMessages('en', [line], AS_OF, NEW_YORK)).toEqual([
      'Bal 11/28 14:05\n*0010 CHK Avl USD 1,234.56 Ldg USD 1,300.00; SAV Avl USD 5,000.00 Ldg USD 5,000.00',
    ]);
    const zh = balanceMessages('zh', [{ ...line, balances: line.balances.map((b) => ({ ...b, currency: 'CNY' })) }], AS_OF, SHANGHAI);
    expect(zh).toEqual(['截至03:05\n尾号0010 活期可用1,234.56元 账面1,300.00元；储蓄可用5,000.00元 账面5,000.00元']);
  });

  it('a card with more accounts than one line holds gets a line per account, named once per message', () => {
    const line: CardBalanceLine = {
      last4: '0010',
      issuerName: 'Demo Bank',
      balances: (['CHECKING', 'SAVINGS', 'CREDIT', 'DEFAULT'] as const).map((type) => ({ type, currency: 'CNY', available: 123_456n, ledger: 130_000n })),
    };
    expect(balanceMessages('zh', [line], AS_OF, SHANGHAI)).toEqual([
      '截至03:05\n尾号0010 活期可用1,234.56元 账面1,300.00元\n储蓄可用1,234.56元 账面1,300.00元',
      '截至03:05\n尾号0010 信用可用1,234.56元 账面1,300.00元\n账户可用1,234.56元 账面1,300.00元',
    ]);
    const en = balanceMessages('en', [line], AS_OF, NEW_YORK);
    expect(en).toHaveLength(1);
    expect(en[0]).toBe(
      'Bal 11/28 14:05\n*0010 CHK Avl CNY 1,234.56 Ldg 1,300.00; SAV Avl CNY 1,234.56 Ldg 1,300.00; CRD Avl CNY 1,234.56 Ldg 1,300.00; ACC Avl CNY 1,234.56 Ldg 1,300.00',
    );
  });

  it('stays within the limits for a card with four accounts of large amounts', () => {
    const line: CardBalanceLine = {
      last4: '0010',
      issuerName: 'Demo Bank',
      balances: (['CHECKING', 'SAVINGS', 'CREDIT', 'DEFAULT'] as const).map((type) => ({ type, currency: 'CNY', available: 1_234_567_89n, ledger: -1_234_567_89n })),
    };
    for (const lang of LANGUAGES) {
      const messages = balanceMessages(lang, [line], AS_OF, SHANGHAI);
      expect(messages.length).toBeLessThanOrEqual(3);
      for (const message of messages) expectOneSegment(lang, message);
    }
    expect(balanceMessages('en', [line], AS_OF, SHANGHAI).join('\n').match(/Ldg CNY -1,234,567\.89/g)).toHaveLength(4);
  });

  it('says why a card has no balance, next to the cards that have one', () => {
    const refused: CardRefusalLine[] = [
      { last4: '0020', refusal: 'CARD_BLOCKED' },
      { last4: '0030', refusal: 'ISSUER_UNAVAILABLE' },
    ];
    expect(balanceMessages('en', [card('0010', 100n, 100n), ...refused], AS_OF, NEW_YORK)).toEqual([
      'Bal 11/28 14:05\n*0010 Avl USD 1.00 Ldg USD 1.00\n*0020 card blocked\n*0030 bank unavailable, try later',
    ]);
    const zh = balanceMessages('zh', refused, AS_OF, SHANGHAI);
    expect(zh).toEqual(['截至11/29 03:05\n尾号0020 卡已冻结\n尾号0030 发卡行暂不可用']);
  });

  it.each(['CARD_BLOCKED', 'EXPIRED_CARD', 'RATE_LIMITED', 'ISSUER_UNAVAILABLE', 'SYSTEM_ERROR', 'NOT_FOUND', 'OTHER'] as const)(
    'has a reply line for %s in both languages',
    (refusal) => {
      for (const lang of LANGUAGES) {
        const [message] = balanceMessages(lang, [{ last4: '0010', refusal }], AS_OF, SHANGHAI);
        expectOneSegment(lang, message);
        expect(message).toMatch(lang === 'en' ? /\n\*0010 \w/ : /\n尾号0010 \p{Script=Han}/u);
      }
    },
  );

  describe.each(LANGUAGES)('packing in %s', (lang) => {
    const hint = lang === 'en' ? /\n\+(\d+) more: reply BAL \d{4} for one card$/ : /\n另有(\d+)张卡，回复余额\+尾号查询单卡$/;
    const shownCards = (messages: string[]) => messages.join('\n').match(lang === 'en' ? /\*\d{4}/g : /尾号\d{4}/g) ?? [];

    it.each([1, 3, 8, 20])('%i cards: at most 3 one-segment messages, every card shown or counted in the hint', (count) => {
      const messages = balanceMessages(lang, cards(count), AS_OF, NEW_YORK);
      expect(messages.length).toBeGreaterThanOrEqual(1);
      expect(messages.length).toBeLessThanOrEqual(3);
      for (const message of messages) {
        expectOneSegment(lang, message);
        expect(message.match(/\d{1,2}:\d{2}/g), 'the time once per message').toHaveLength(1);
      }
      for (const message of messages.slice(0, -1)) expect(message).not.toMatch(hint);
      const omitted = Number(hint.exec(messages.at(-1) ?? '')?.[1] ?? 0);
      expect(shownCards(messages).length + omitted).toBe(count);
      expect(new Set(shownCards(messages)).size).toBe(shownCards(messages).length);
    });

    it('20 cards end with the hint', () => {
      const messages = balanceMessages(lang, cards(20), AS_OF, NEW_YORK);
      expect(messages).toHaveLength(3);
      expect(messages[2]).toMatch(hint);
    });

    it('the hint in English names the first card left out', () => {
      if (lang !== 'en') return;
      const messages = balanceMessages(lang, cards(20), AS_OF, NEW_YORK);
      const shown = shownCards(messages).length;
      expect(messages[2]).toContain(`+${20 - shown} more: reply BAL ${String(shown + 1).padStart(4, '0')} for one card`);
    });
  });

  it('1 card never needs the hint; 8 cards fit in English without it and need it in Chinese', () => {
    expect(balanceMessages('en', cards(8), AS_OF, NEW_YORK).join('\n')).not.toContain('more:');
    expect(balanceMessages('zh', cards(8), AS_OF, NEW_YORK).at(-1)).toContain('回复余额+尾号查询单卡');
  });

  it('refuses to show anything but the last 4 digits', () => {
    expect(() => balanceMessages('en', [card('4111111111111111', 1n, 1n)], AS_OF, NEW_YORK)).toThrow(/last 4/);
    expect(() => balanceMessages('en', [card('4111111111111111', 1n, 1n)], AS_OF, NEW_YORK)).not.toThrow(/4111/);
    expect(() => balanceMessages('en', [{ last4: '12', refusal: 'OTHER' }], AS_OF, NEW_YORK)).toThrow(RangeError);
  });

  it('writes midnight as 00:00, not 24:00', () => {
    expect(balanceMessages('en', [card('0010', 1n, 1n)], new Date('2025-11-28T05:00:00Z'), NEW_YORK)[0]).toMatch(/^Bal 11\/28 00:00\n/);
  });

  it('refuses an empty card list and an unknown time zone', () => {
    expect(() => balanceMessages('en', [], AS_OF, NEW_YORK)).toThrow(RangeError);
    expect(() => balanceMessages('en', [card('0010', 1n, 1n)], AS_OF, 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('miniStatementMessage', () => {
  const tx = (day: number, amount: bigint, description: string, currency = 'USD'): TransactionLine => ({
    postedAt: new Date(Date.UTC(2025, 10, day, 15, 0)),
    amount,
    currency,
    description,
  });
  const seven = [
    tx(20, -1_250n, 'Coffee'),
    tx(28, -4_599n, 'Grocery Mart'),
    tx(21, -800n, 'Bus'),
    tx(27, 250_000n, 'Salary'),
    tx(26, -12_000n, 'Electricity bill'),
    tx(25, -350n, 'Parking'),
    tx(22, -999n, 'Books'),
  ];

  it('shows the five newest, newest first, in English', () => {
    expect(miniStatementMessage('en', '0010', seven, NEW_YORK)).toBe(
      '*0010 last 5 (USD):\n11/28 -45.99 Grocery Mart\n11/27 +2,500.00 Salary\n11/26 -120.00 Electricity bill\n11/25 -3.50 Parking\n11/22 -9.99 Books',
    );
  });

  it('fits one segment in Chinese, shortening the date before dropping lines', () => {
    const cny = seven.map((t) => ({ ...t, currency: 'CNY', description: '星巴克咖啡' }));
    const message = miniStatementMessage('zh', '0010', cny, SHANGHAI);
    expectOneSegment('zh', message);
    expect(message).toMatch(/^尾号0010近\d笔\(元\)\n/);
    expect(message.split('\n')[1]).toMatch(/^(11\/28|28日) -45\.99/);
  });

  it('keeps an English statement GSM-7 when descriptions hold emoji and Chinese', () => {
    const items = [tx(28, -1_250n, '星巴克 Starbucks ☕🙂'), tx(27, -500n, '“Café” — naïve'), tx(26, -100n, '全家便利店')];
    const message = miniStatementMessage('en', '0010', items, NEW_YORK);
    expect(isGsm7(message)).toBe(true);
    expectOneSegment('en', message);
    expect(message).toBe('*0010 last 3 (USD):\n11/28 -12.50 Starbucks\n11/27 -5.00 "Café" - naive\n11/26 -1.00');
  });

  it.each(LANGUAGES)('truncates long descriptions to fit in %s', (lang) => {
    const long = Array.from({ length: 5 }, (_, i) => tx(20 + i, -123_456n, `${lang === 'en' ? 'A very long merchant name' : '一个非常非常长的商户名称'} ${i} `.repeat(6)));
    const message = miniStatementMessage(lang, '0010', long, SHANGHAI);
    expectOneSegment(lang, message);
    expect(message.split('\n').length).toBeGreaterThan(lang === 'en' ? 5 : 3);
  });

  it.each(LANGUAGES)('names the currency on each line when they differ, in %s', (lang) => {
    const message = miniStatementMessage(lang, '0010', [tx(28, -1_250n, 'Taxi', 'EUR'), tx(27, -500n, 'Tea', 'CNY')], SHANGHAI);
    expectOneSegment(lang, message);
    expect(message).toContain(lang === 'en' ? '-12.50 EUR' : '-12.50EUR');
    expect(message).toContain(lang === 'en' ? '-5.00 CNY' : '-5.00元');
  });

  it.each(LANGUAGES)('says so when there is nothing to show, in %s', (lang) => {
    const message = miniStatementMessage(lang, '0010', [], NEW_YORK);
    expectOneSegment(lang, message);
    expect(message).toContain('0010');
  });

  it('uses the caller time zone for the date', () => {
    const late = [{ postedAt: new Date('2025-11-28T20:00:00Z'), amount: -100n, currency: 'USD', description: 'x' }];
    expect(miniStatementMessage('en', '0010', late, NEW_YORK)).toContain('11/28 -1.00');
    expect(miniStatementMessage('en', '0010', late, SHANGHAI)).toContain('11/29 -1.00');
  });

  it('refuses a card shown by more than its last 4', () => {
    expect(() => miniStatementMessage('en', '411111', [], NEW_YORK)).toThrow(RangeError);
  });
});

describe('one-segment replies', () => {
  describe.each(LANGUAGES)('in %s', (lang) => {
    it.each([
      ['help', () => helpMessage(lang)],
      ['unregistered', () => unregisteredMessage(lang)],
      ['language changed', () => languageChangedMessage(lang)],
      ['no such card', () => noSuchCardMessage(lang, '0010')],
      ['pick a card (2)', () => pickCardMessage(lang, ['0010', '0020'])],
      ['pick a card (40)', () => pickCardMessage(lang, Array.from({ length: 40 }, (_, i) => String(i).padStart(4, '0')))],
      ['rate limited', () => rateLimitedMessage(lang)],
      ['unavailable', () => unavailableMessage(lang)],
    ])('%s', (_name, reply) => {
      expectOneSegment(lang, reply());
    });
  });

  it('help lists the commands of each language', () => {
    for (const command of ['BAL', 'BAL 1234', 'BAL ALL', 'MINI 1234', 'LANG ZH', 'LANG EN', '?']) expect(helpMessage('en')).toContain(command);
    for (const command of ['余额', '余额+尾号', '明细+尾号', 'LANG EN', '帮助']) expect(helpMessage('zh')).toContain(command);
  });

  it('help never suggests a carrier keyword as one of our commands', () => {
    expect(helpMessage('en')).not.toMatch(/\b(STOP|START|HELP|INFO)\b/);
  });

  it('the unregistered reply carries no account data', () => {
    expect(unregisteredMessage('en')).toBe('This number is not registered for balance alerts. Please contact your bank.');
    expect(unregisteredMessage('zh')).not.toMatch(/\d/);
  });

  it('pickCardMessage lists the cards, and says when it could not list them all', () => {
    expect(pickCardMessage('en', ['0010', '0020'])).toBe('Which card? Reply MINI and its last 4 digits: 0010, 0020');
    expect(pickCardMessage('zh', ['0010', '0020'])).toBe('请回复明细+尾号选择卡片：0010、0020');
    const many = Array.from({ length: 40 }, (_, i) => String(i).padStart(4, '0'));
    expect(pickCardMessage('en', many)).toMatch(/ \.\.\.$/);
    expect(pickCardMessage('zh', many)).toMatch(/等$/);
    expect(() => pickCardMessage('en', [])).toThrow(RangeError);
  });

  it('noSuchCardMessage validates the last 4 it echoes', () => {
    expect(noSuchCardMessage('en', '0010')).toContain('0010');
    expect(noSuchCardMessage('zh', '0010')).toContain('尾号0010');
    expect(() => noSuchCardMessage('en', '0010 or something')).toThrow(RangeError);
  });

  it('an unsupported language is refused', () => {
    expect(() => helpMessage('fr' as SmsLanguage)).toThrow(RangeError);
  });
});
