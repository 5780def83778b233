import { describe, expect, it } from 'vitest';
import { amountInWords, digitsInWords, type SpeechLanguage } from '../../libs/channels/src/voice/speech/amount-words.js';

// Amounts are integer minor units written major_minor: 1_234_56n is 1,234.56; JPY has no minor part.
describe('amountInWords, English', () => {
  it.each([
    [0n, 'USD', 'zero dollars'],
    [5n, 'USD', 'five cents'],
    [50n, 'USD', 'fifty cents'],
    [1_00n, 'USD', 'one dollar'],
    [1_01n, 'USD', 'one dollar and one cent'],
    [10_10n, 'USD', 'ten dollars and ten cents'],
    [19_99n, 'USD', 'nineteen dollars and ninety-nine cents'],
    [21_00n, 'USD', 'twenty-one dollars'],
    [100_00n, 'USD', 'one hundred dollars'],
    [101_00n, 'USD', 'one hundred one dollars'],
    [110_00n, 'USD', 'one hundred ten dollars'],
    [1_005_00n, 'USD', 'one thousand five dollars'],
    [1_234_56n, 'USD', 'one thousand two hundred thirty-four dollars and fifty-six cents'],
    [10_000_00n, 'USD', 'ten thousand dollars'],
    [20_000_000_00n, 'USD', 'twenty million dollars'],
    [100_000_000_00n, 'USD', 'one hundred million dollars'],
    [100_010_000_00n, 'USD', 'one hundred million ten thousand dollars'],
    [999_999_999_99n, 'USD', 'nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine dollars and ninety-nine cents'],
    [
      999_999_999_999_999_99n,
      'USD',
      'nine hundred ninety-nine trillion nine hundred ninety-nine billion nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine dollars and ninety-nine cents',
    ],
    [9_999_999_999_999_999_00n, 'USD', 'nine quadrillion nine hundred ninety-nine trillion nine hundred ninety-nine billion nine hundred ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine dollars'],
    [-12_50n, 'USD', 'minus twelve dollars and fifty cents'],
    [-1n, 'USD', 'minus one cent'],
    [1_234_56n, 'CNY', 'one thousand two hundred thirty-four yuan and fifty-six fen'],
    [1_01n, 'CNY', 'one yuan and one fen'],
    [-12_50n, 'CNY', 'minus twelve yuan and fifty fen'],
    [1_234_56n, 'EUR', 'one thousand two hundred thirty-four euros and fifty-six cents'],
    [1_00n, 'EUR', 'one euro'],
    [-1n, 'EUR', 'minus one cent'],
    [2_01n, 'GBP', 'two pounds and one penny'],
    [12_50n, 'GBP', 'twelve pounds and fifty pence'],
    [1_00n, 'HKD', 'one Hong Kong dollar'],
    [19_99n, 'HKD', 'nineteen Hong Kong dollars and ninety-nine cents'],
    [0n, 'JPY', 'zero yen'],
    [1n, 'JPY', 'one yen'],
    [123_456n, 'JPY', 'one hundred twenty-three thousand four hundred fifty-six yen'],
    [-1_250n, 'JPY', 'minus one thousand two hundred fifty yen'],
  ])('%i minor %s → %s', (minor, currency, words) => {
    expect(amountInWords(minor, currency, 'en')).toBe(words);
  });
});

describe('amountInWords, Chinese', () => {
  it.each([
    [0n, 'CNY', '零元'],
    [5n, 'CNY', '五分'],
    [50n, 'CNY', '五角'],
    [55n, 'CNY', '五角五分'],
    [1_00n, 'CNY', '一元'],
    [1_01n, 'CNY', '一元零一分'],
    [1_05n, 'CNY', '一元零五分'],
    [10_00n, 'CNY', '十元'],
    [10_10n, 'CNY', '十元一角'],
    [19_99n, 'CNY', '十九元九角九分'],
    [21_00n, 'CNY', '二十一元'],
    [100_00n, 'CNY', '一百元'],
    [101_00n, 'CNY', '一百零一元'],
    [110_00n, 'CNY', '一百一十元'],
    [1_005_00n, 'CNY', '一千零五元'],
    [1_010_00n, 'CNY', '一千零一十元'],
    [1_234_56n, 'CNY', '一千二百三十四元五角六分'],
    [10_000_00n, 'CNY', '一万元'],
    [10_010_00n, 'CNY', '一万零一十元'],
    [150_000_00n, 'CNY', '十五万元'],
    [10_001_000_00n, 'CNY', '一千万一千元'],
    [100_000_000_00n, 'CNY', '一亿元'],
    [100_010_000_00n, 'CNY', '一亿零一万元'],
    [100_001_234_00n, 'CNY', '一亿零一千二百三十四元'],
    [1_000_000_000_00n, 'CNY', '十亿元'],
    [999_999_999_99n, 'CNY', '九亿九千九百九十九万九千九百九十九元九角九分'],
    [1_000_000_000_000_00n, 'CNY', '一万亿元'],
    [1_000_000_000_005_00n, 'CNY', '一万亿零五元'],
    [1_000_000_010_000_00n, 'CNY', '一万亿零一万元'],
    [1_000_100_000_000_00n, 'CNY', '一万零一亿元'],
    [2_300_000_000_000_00n, 'CNY', '两万三千亿元'],
    [999_999_999_999_999_99n, 'CNY', '九百九十九万九千九百九十九亿九千九百九十九万九千九百九十九元九角九分'],
    [9_999_999_999_999_999_00n, 'CNY', '九千九百九十九万九千九百九十九亿九千九百九十九万九千九百九十九元'],
    [-12_50n, 'CNY', '负十二元五角'],
    [-1n, 'CNY', '负一分'],
    [1_234_56n, 'HKD', '一千二百三十四港元五角六分'],
    [10_10n, 'HKD', '十港元一角'],
    [1_234_56n, 'USD', '一千二百三十四美元五十六美分'],
    [1_05n, 'USD', '一美元五美分'],
    [10n, 'USD', '十美分'],
    [0n, 'USD', '零美元'],
    [-12_50n, 'USD', '负十二美元五十美分'],
    [-1n, 'USD', '负一美分'],
    [1_234_56n, 'EUR', '一千二百三十四欧元五十六欧分'],
    [-12_50n, 'EUR', '负十二欧元五十欧分'],
    [12_50n, 'GBP', '十二英镑五十便士'],
    [0n, 'JPY', '零日元'],
    [123_456n, 'JPY', '十二万三千四百五十六日元'],
    [-1_250n, 'JPY', '负一千二百五十日元'],
  ])('%i minor %s → %s', (minor, currency, words) => {
    expect(amountInWords(minor, currency, 'zh')).toBe(words);
  });

  // 两 only for a 2 that counts 千, 万, 亿 or 万亿; 二 everywhere else.
  it.each([
    [2_00n, '二元'],
    [20_00n, '二十元'],
    [200_00n, '二百元'],
    [2_000_00n, '两千元'],
    [2_222_00n, '两千二百二十二元'],
    [12_000_00n, '一万两千元'],
    [20_000_00n, '两万元'],
    [22_000_00n, '两万两千元'],
    [120_000_00n, '十二万元'],
    [220_000_00n, '二十二万元'],
    [10_020_000_00n, '一千零二万元'],
    [20_000_000_00n, '两千万元'],
    [200_000_000_00n, '两亿元'],
    [2_000_000_000_000_00n, '两万亿元'],
    [20n, '二角'],
    [2n, '二分'],
  ])('two: %i minor CNY → %s', (minor, words) => {
    expect(amountInWords(minor, 'CNY', 'zh')).toBe(words);
  });
});

describe('amountInWords, refusals', () => {
  it.each<SpeechLanguage>(['en', 'zh'])('refuses an unknown currency in %s', (language) => {
    expect(() => amountInWords(12_34n, 'CHF', language)).toThrow(new RangeError('unknown currency CHF'));
  });

  it.each<SpeechLanguage>(['en', 'zh'])('refuses an amount beyond 10^16 - 1 major units in %s', (language) => {
    expect(() => amountInWords(10n ** 18n, 'USD', language)).toThrow(RangeError);
    expect(() => amountInWords(-(10n ** 18n), 'USD', language)).toThrow(RangeError);
    expect(() => amountInWords(10n ** 16n, 'JPY', language)).toThrow(RangeError);
  });

  it('refuses an unsupported language', () => {
    expect(() => amountInWords(1_00n, 'USD', 'fr' as SpeechLanguage)).toThrow(new RangeError('unsupported speech language fr'));
  });
});

describe('digitsInWords', () => {
  it.each<[string, SpeechLanguage, string]>([
    ['0010', 'en', 'zero zero one zero'],
    ['0010', 'zh', '零零一零'],
    ['7', 'en', 'seven'],
    ['7', 'zh', '七'],
    ['45320010', 'en', 'four five three two, zero zero one zero'],
    ['45320010', 'zh', '四五三二，零零一零'],
    ['1234567890', 'en', 'one two three four, five six seven eight, nine zero'],
    ['1234567890', 'zh', '一二三四，五六七八，九零'],
  ])('%s in %s → %s', (digits, language, words) => {
    expect(digitsInWords(digits, language)).toBe(words);
  });

  it.each(['', '12 34', '12a4', '１２', '-1'])('refuses %j without echoing it', (digits) => {
    expect(() => digitsInWords(digits, 'en')).toThrow(new RangeError('digitsInWords takes a non-empty string of ASCII digits'));
  });
});
