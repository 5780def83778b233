import type { Language } from '#channels/telephony';
import { esc, layout } from './html.js';

export interface HelpView {
  readonly language: Language;
  /** The bank's number, which takes texts and calls. */
  readonly phoneNumber: string;
  /** Seconds a terminal QR code lasts. */
  readonly qrSeconds: number;
}

/** An SMS a cardholder can send, shown as typed (the tests parse every one with the SMS channel's parser). */
const sms = (text: string) => `<kbd class="sms">${esc(text)}</kbd>`;
const key = (text: string) => `<kbd>${esc(text)}</kbd>`;

interface HelpText {
  title: string;
  back: string;
  other: { href: string; label: string; lang: string };
  sections: (v: HelpView) => Array<{ id: string; heading: string; html: string }>;
}

const TEXT: Record<Language, HelpText> = {
  en: {
    title: 'Help: every way to check your balance',
    back: 'Back',
    other: { href: '/help?lang=zh', label: '中文帮助', lang: 'zh-CN' },
    sections: (v) => [
      {
        id: 'web',
        heading: 'This web page',
        html: `<p>Sign in with the mobile number your bank has on file and the 6-digit code we text to it (valid 5 minutes). You see every card with each account’s available, ledger and pending balance, each card’s transaction history, and <em>Settings</em> for how amounts are shown. You are signed out after 15 minutes without use.</p>`,
      },
      {
        id: 'sms',
        heading: 'By text message (SMS)',
        html: `<p>Text <strong>${esc(v.phoneNumber)}</strong> from your number on file. Spaces and upper or lower case do not matter.</p>
<ul>
<li>${sms('BAL')} (or ${sms('CXYE')}, ${sms('余额')}): the balance of every card. ${sms('BAL 0010')}: only the card ending 0010. ${sms('BAL ALL')} (or ${sms('余额 全部')}): every card.</li>
<li>${sms('MINI 0010')} (or ${sms('明细 0010')}): the last 5 transactions of the card ending 0010; ${sms('MINI')} alone when you have one card.</li>
<li>${sms('LANG ZH')} or ${sms('LANG EN')} (or ${sms('语言 中文')}, ${sms('语言 英文')}): answers in Chinese or English.</li>
<li>${sms('?')}, ${sms('MENU')} or ${sms('帮助')}: this list by text. STOP, START and HELP are answered by your carrier.</li>
</ul>`,
      },
      {
        id: 'phone',
        heading: 'By phone',
        html: `<p>Call <strong>${esc(v.phoneNumber)}</strong>. From your number on file, key in your 6-digit phone banking PIN and ${key('#')}. From another phone, press ${key('1')} for Chinese or ${key('2')} for English, key in your card number and ${key('#')}, then the PIN and ${key('#')}. You hear each card’s balance, then: ${key('1')} hear it again, ${key('2')} recent transactions, ${key('0')} an agent, ${key('9')} the main menu, ${key('*')} back. Three wrong PINs lock phone banking until your bank unlocks it.</p>`,
      },
      {
        id: 'pos',
        heading: 'At a shop terminal (POS)',
        html: `<p>Ask for a balance inquiry: insert, swipe or tap your card and enter its PIN. Or, without the card: on this page choose <em>Check at a terminal</em> under a card and let the terminal scan the QR code (or key in the code under it). The code works once, for ${v.qrSeconds} seconds, and needs no PIN, because you signed in here to get it.</p>`,
      },
      {
        id: 'partner',
        heading: 'In a partner app',
        html: `<p>Apps your bank works with ask for balances over Saldo’s partner REST API (OAuth 2 client credentials; the reference is at <a href="/docs">/docs</a>).</p>`,
      },
    ],
  },
  zh: {
    title: '帮助：查询余额的各种方式',
    back: '返回',
    other: { href: '/help?lang=en', label: 'Help in English', lang: 'en' },
    sections: (v) => [
      {
        id: 'web',
        heading: '本网页',
        html: `<p>使用银行登记的手机号码和我们发送的6位短信验证码（5分钟内有效）登录。您可查看每张卡各账户的可用余额、账面余额和待入账金额、每张卡的交易明细，并可在<em>设置</em>中选择金额的显示方式。15分钟未操作将自动退出。</p>`,
      },
      {
        id: 'sms',
        heading: '短信查询',
        html: `<p>用登记的手机号码发送短信至 <strong>${esc(v.phoneNumber)}</strong>。空格和大小写均不影响。</p>
<ul>
<li>${sms('余额')}（或 ${sms('CXYE')}、${sms('BAL')}）：所有卡的余额。${sms('余额 0010')}：仅尾号0010的卡。${sms('余额 全部')}（或 ${sms('BAL ALL')}）：所有卡。</li>
<li>${sms('明细 0010')}（或 ${sms('MINI 0010')}）：尾号0010的卡最近5笔交易；只有一张卡时发送 ${sms('明细')} 即可。</li>
<li>${sms('语言 中文')} 或 ${sms('语言 英文')}（或 ${sms('LANG ZH')}、${sms('LANG EN')}）：以中文或英文回复。</li>
<li>${sms('帮助')}、${sms('?')} 或 ${sms('MENU')}：以短信获取本说明。STOP、START、HELP 由运营商处理。</li>
</ul>`,
      },
      {
        id: 'phone',
        heading: '电话查询',
        html: `<p>拨打 <strong>${esc(v.phoneNumber)}</strong>。用登记的号码来电时，输入6位电话银行密码并按 ${key('#')}。用其他电话时，中文服务按 ${key('1')}、English 按 ${key('2')}，输入卡号并按 ${key('#')}，再输入密码并按 ${key('#')}。听完各卡余额后：重听按 ${key('1')}，近期交易按 ${key('2')}，人工服务按 ${key('0')}，主菜单按 ${key('9')}，返回按 ${key('*')}。密码连续错误3次，电话银行将被锁定，需联系银行解锁。</p>`,
      },
      {
        id: 'pos',
        heading: '商户终端（POS）',
        html: `<p>请收银员发起余额查询：插卡、刷卡或挥卡并输入密码。无需带卡时：在本网页某张卡下选择<em>在终端查询</em>，让终端扫描二维码（或输入其下方的代码）。该码仅可使用一次，${v.qrSeconds}秒内有效，无需密码，因为您已在此登录。</p>`,
      },
      {
        id: 'partner',
        heading: '合作方应用',
        html: `<p>与您的银行合作的应用通过 Saldo 合作方 REST 接口查询余额（OAuth 2 客户端凭证；接口说明见 <a href="/docs">/docs</a>）。</p>`,
      },
    ],
  },
};

/** How to check a balance on every channel; open to everyone, signed in or not. */
export function helpPage(v: HelpView): string {
  const t = TEXT[v.language];
  const sections = t.sections(v);
  const contents = sections.map((s) => `<li><a href="#${s.id}">${esc(s.heading)}</a></li>`).join('');
  const body = sections.map((s) => `<section class="card" id="${s.id}"><h2>${esc(s.heading)}</h2>${s.html}</section>`).join('');
  const nav = `<nav><h1>${esc(t.title)}</h1><span><a href="${t.other.href}" lang="${t.other.lang}">${esc(t.other.label)}</a> · <a href="/">${esc(t.back)}</a></span></nav>`;
  return layout(v.language, t.title, `${nav}<ul>${contents}</ul>${body}`);
}
