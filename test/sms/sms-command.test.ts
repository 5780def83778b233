import { describe, expect, it } from 'vitest';
import { isCarrierKeyword, parseSmsCommand } from '../../libs/channels/src/sms/sms-command.js';

const all = { kind: 'balance', card: 'all' };
const balance = (last4: string) => ({ kind: 'balance', card: { last4 } });
const mini = (last4: string) => ({ kind: 'mini', card: { last4 } });
const unknown = { kind: 'unknown' };

describe('parseSmsCommand', () => {
  it.each([
    ['BAL', all],
    ['bal', all],
    ['  Bal  ', all],
    ['BAL ALL', all],
    ['bal all', all],
    ['BALALL', all],
    ['余额', all],
    ['余额 全部', all],
    ['CXYE', all],
    ['cxye all', all],
  ])('balance of all cards: %j', (body, expected) => {
    expect(parseSmsCommand(body)).toEqual(expected);
  });

  it.each([
    ['BAL 0010', balance('0010')],
    [' Bal  0010 ', balance('0010')],
    ['BAL0010', balance('0010')],
    ['bal\t0010\n', balance('0010')],
    ['余额0010', balance('0010')],
    ['余额 0010', balance('0010')],
    ['CXYE0010', balance('0010')],
    ['cxye 0010', balance('0010')],
  ])('balance of one card: %j', (body, expected) => {
    expect(parseSmsCommand(body)).toEqual(expected);
  });

  it.each([
    ['MINI 0010', mini('0010')],
    ['mini0010', mini('0010')],
    ['明细 0010', mini('0010')],
    ['明细0010', mini('0010')],
    ['MINI', { kind: 'mini', card: 'default' }],
    ['明细', { kind: 'mini', card: 'default' }],
  ])('mini statement: %j', (body, expected) => {
    expect(parseSmsCommand(body)).toEqual(expected);
  });

  it.each([
    ['LANG ZH', 'zh'],
    ['lang zh', 'zh'],
    ['LANG 中文', 'zh'],
    ['语言 中文', 'zh'],
    ['语言中文', 'zh'],
    ['LANG EN', 'en'],
    ['Lang En', 'en'],
    ['语言 英文', 'en'],
  ])('language: %j', (body, language) => {
    expect(parseSmsCommand(body)).toEqual({ kind: 'language', language });
  });

  it.each(['?', ' ? ', 'MENU', 'menu', '帮助', '？'])('help: %j', (body) => {
    expect(parseSmsCommand(body)).toEqual({ kind: 'help' });
  });

  it.each([
    ['full-width digits', 'BAL ００１０', balance('0010')],
    ['full-width letters and digits', 'ＢＡＬ　００１０', balance('0010')],
    ['ideographic space', '余额\u30000010', balance('0010')],
    ['ideographic spaces around', '\u3000明细\u3000００１０\u3000', mini('0010')],
    ['full-width language words', 'ＬＡＮＧ　ＺＨ', { kind: 'language', language: 'zh' }],
  ])('normalises %s', (_name, body, expected) => {
    expect(parseSmsCommand(body)).toEqual(expected);
  });

  it.each(['BAL 001', 'BAL 00100', 'BAL 12a4', 'MINI 001', 'MINI 00100', '余额 12345', 'BAL ٠٠١٠', 'MINI ALL', 'BAL -0010'])(
    'a last 4 that is not exactly 4 ASCII digits is unknown: %j',
    (body) => {
      expect(parseSmsCommand(body)).toEqual(unknown);
    },
  );

  it.each(['', '   ', 'hello', 'BALANCE', 'BAL ALL 0010', 'LANG', 'LANG FR', '语言 法文', 'balance please', 'MENU 2', '??', 'BAL.'])(
    'anything else is unknown: %j',
    (body) => {
      expect(parseSmsCommand(body)).toEqual(unknown);
    },
  );
});

describe('carrier keywords (answered by Twilio, never by us)', () => {
  const keywords = ['STOP', 'START', 'HELP', 'INFO', 'YES', 'END', 'CANCEL', 'QUIT', 'UNSUBSCRIBE', 'STOPALL', 'REVOKE', 'OPTOUT', 'UNSTOP'];

  it.each(keywords.flatMap((k) => [k, k.toLowerCase(), ` ${k[0]}${k.slice(1).toLowerCase()} `]))('%j parses as unknown and is flagged', (body) => {
    expect(parseSmsCommand(body)).toEqual(unknown);
    expect(isCarrierKeyword(body)).toBe(true);
  });

  it.each(['Stop.', 'STOP!', 'stop all', 'ＳＴＯＰ'])('%j is flagged too', (body) => {
    expect(isCarrierKeyword(body)).toBe(true);
    expect(parseSmsCommand(body)).toEqual(unknown);
  });

  it.each(['BAL', '?', 'MENU', '帮助', 'stop the card', 'HELP ME', 'hello', ''])('%j is not a carrier keyword', (body) => {
    expect(isCarrierKeyword(body)).toBe(false);
  });
});
