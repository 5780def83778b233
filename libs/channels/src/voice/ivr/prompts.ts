import type { Language } from '#channels/telephony';

/** Everything the menu says, per language. Amounts and digits come from speech/amount-words.ts. */
export interface Prompts {
  welcome: string;
  askPin: string;
  askCard: string;
  wrongPin(triesLeft: number): string;
  notRecognised: string;
  invalidCard: string;
  locked: string;
  noPinSet: string;
  unavailable: string;
  rateLimited: string;
  noInput: string;
  invalidChoice: string;
  menu: string;
  noCards: string;
  noTransactions(card: string): string;
  transactionsHeader(card: string): string;
  transferring: string;
  goodbye: string;
}

export const LANGUAGE_CHOICE = {
  zh: '中文服务请按1。',
  en: 'For English, press 2.',
} as const;

export const PROMPTS: Record<Language, Prompts> = {
  en: {
    welcome: 'Welcome to the Saldo balance line.',
    askPin: 'Please enter your six digit phone banking PIN, then press the hash key.',
    askCard: 'Please enter your card number, followed by the hash key.',
    wrongPin: (n) => `That PIN is not correct. You have ${n === 1 ? 'one try' : `${n} tries`} left.`,
    notRecognised: 'Sorry, we could not verify that card number and PIN.',
    invalidCard: 'That card number is not valid.',
    locked: 'Phone banking is locked for your security. Please contact your bank to unlock it.',
    noPinSet: 'Phone banking is not set up for this card. Please contact your bank.',
    unavailable: 'Sorry, the service is not available right now. Please try again later.',
    rateLimited: 'You have asked too often. Please try again in a few minutes.',
    noInput: 'We did not receive your entry.',
    invalidChoice: 'That is not a valid choice.',
    menu: 'To hear this again, press 1. For recent transactions, press 2. To speak to an agent, press 0. For the main menu, press 9. To go back, press star.',
    noCards: 'There are no cards on file for you.',
    noTransactions: (card) => `There are no recent transactions on the card ending ${card}.`,
    transactionsHeader: (card) => `Recent transactions on the card ending ${card}.`,
    transferring: 'Please hold while we connect you to an agent.',
    goodbye: 'Thank you for calling. Goodbye.',
  },
  zh: {
    welcome: '欢迎致电余额查询服务。',
    askPin: '请输入您的六位电话银行密码，以井号键结束。',
    askCard: '请输入您的卡号，以井号键结束。',
    wrongPin: (n) => `密码不正确，您还可以尝试${n === 1 ? '一' : n === 2 ? '两' : String(n)}次。`,
    notRecognised: '抱歉，卡号或密码无法验证。',
    invalidCard: '卡号无效。',
    locked: '为了您的安全，电话银行已被锁定，请联系您的银行解锁。',
    noPinSet: '此卡未开通电话银行，请联系您的银行。',
    unavailable: '抱歉，服务暂时不可用，请稍后再试。',
    rateLimited: '您的查询过于频繁，请几分钟后再试。',
    noInput: '没有收到您的输入。',
    invalidChoice: '您的选择无效。',
    menu: '重听请按1，查询近期交易请按2，人工服务请按0，返回主菜单请按9，返回上一级请按星号键。',
    noCards: '您名下没有登记的卡。',
    noTransactions: (card) => `尾号${card}的卡近期没有交易。`,
    transactionsHeader: (card) => `尾号${card}的卡近期交易如下。`,
    transferring: '正在为您转接人工服务，请稍候。',
    goodbye: '感谢您的来电，再见。',
  },
};
