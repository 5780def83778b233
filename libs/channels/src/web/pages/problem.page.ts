import type { Language } from '#channels/telephony';
import { esc, layout } from './html.js';

/** What went wrong for a signed-in cardholder (a signed-out one gets the sign-in page instead). */
export type Problem = { readonly kind: 'no-such-card' } | { readonly kind: 'too-many-codes'; readonly retryAfterSeconds: number };

const TEXT = {
  en: {
    noSuchCard: { title: 'No such card', text: 'This card is not on your list of cards. Pick one on your balances page.' },
    tooManyCodes: {
      title: 'Too many codes',
      text: (seconds: number) => `You have made many terminal codes in a short time. Try again in ${seconds} seconds.`,
    },
    back: 'Back to balances',
  },
  zh: {
    noSuchCard: { title: '找不到这张卡', text: '您的卡片列表中没有这张卡，请在余额页面选择。' },
    tooManyCodes: { title: '生成次数过多', text: (seconds: number) => `短时间内生成的终端查询码过多，请${seconds}秒后再试。` },
    back: '返回余额',
  },
} as const;

/** A small error page in the signed-in frame: what happened, and the way back to the balances. */
export function problemPage(language: Language, problem: Problem): string {
  const t = TEXT[language];
  const { title, text } =
    problem.kind === 'too-many-codes'
      ? { title: t.tooManyCodes.title, text: t.tooManyCodes.text(problem.retryAfterSeconds) }
      : t.noSuchCard;
  const body = `<nav><h1>${esc(title)}</h1><a href="/">${esc(t.back)}</a></nav>
<section class="card"><p>${esc(text)}</p></section>`;
  return layout(language, title, body);
}
