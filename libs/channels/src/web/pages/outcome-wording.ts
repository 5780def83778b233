import type { OutcomeCode } from '#pipeline';
import type { Language } from '#channels/telephony';

/**
 * What the page tells a cardholder about each way a query can end, in words a cardholder
 * understands (never the internal code). A Record over every code, so a new outcome does not
 * compile until it has its words in both languages.
 */
const WORDING: Readonly<Record<Language, Readonly<Record<OutcomeCode, string>>>> = {
  en: {
    APPROVED: 'Your bank answered.',
    FORMAT_ERROR: 'This request could not be read. Reload the page and try again.',
    UNAUTHENTICATED: 'We could not confirm it is you. Sign out and sign in again.',
    REQUESTER_NOT_PERMITTED: 'This card cannot be checked on this page. Contact your bank.',
    NO_SUCH_ISSUER: 'This card’s bank does not offer balance checks here.',
    UNKNOWN_CARD: 'Your bank does not recognise this card. Contact your bank.',
    EXPIRED_CARD: 'This card has expired.',
    CARD_BLOCKED: 'This card is blocked. Contact your bank.',
    WRONG_PIN: 'The PIN was not right.',
    PIN_TRIES_EXCEEDED: 'Balance checks for this card are paused after too many wrong PINs. Contact your bank.',
    NOT_PERMITTED: 'Your bank does not allow balance checks for this card.',
    RATE_LIMITED: 'Too many checks just now. Try again in a few minutes.',
    DUPLICATE: 'This request was already received. Reload the page.',
    ISSUER_UNAVAILABLE: 'Your bank is not answering right now. Try again later.',
    SECURITY_ERROR: 'This card cannot be checked right now. Try again later.',
    SYSTEM_ERROR: 'Balances are not available right now. Try again later.',
  },
  zh: {
    APPROVED: '发卡行已应答。',
    FORMAT_ERROR: '无法识别此请求，请刷新页面后重试。',
    UNAUTHENTICATED: '无法确认您的身份，请退出后重新登录。',
    REQUESTER_NOT_PERMITTED: '此卡不能在本页查询，请联系发卡行。',
    NO_SUCH_ISSUER: '此卡的发卡行未开通本查询服务。',
    UNKNOWN_CARD: '发卡行无法识别此卡，请联系发卡行。',
    EXPIRED_CARD: '此卡已过期。',
    CARD_BLOCKED: '此卡已冻结，请联系发卡行。',
    WRONG_PIN: '密码不正确。',
    PIN_TRIES_EXCEEDED: '密码错误次数过多，此卡的余额查询已暂停，请联系发卡行。',
    NOT_PERMITTED: '发卡行不允许查询此卡的余额。',
    RATE_LIMITED: '查询过于频繁，请几分钟后再试。',
    DUPLICATE: '此请求已收到，请刷新页面。',
    ISSUER_UNAVAILABLE: '发卡行暂时无法应答，请稍后再试。',
    SECURITY_ERROR: '此卡暂时无法查询，请稍后再试。',
    SYSTEM_ERROR: '暂时无法查询余额，请稍后再试。',
  },
};

/** The cardholder-facing sentence for `outcome` in `language`. */
export function outcomeWording(language: Language, outcome: OutcomeCode): string {
  return WORDING[language][outcome];
}
