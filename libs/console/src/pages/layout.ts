import { escapeHtml as esc } from '#platform';
import { can, type Permission } from '../auth/permissions.js';
import type { ConsoleSession } from '../auth/console-sessions.js';

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f4f5f7}
header{background:#102a43;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header a{color:#fff}header nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem;flex:1 1 24rem}
header a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0 1rem}h2{font-size:1.1rem}
label{display:block;font-weight:600;margin:.5rem 0 .2rem}
input,select{font:inherit;padding:.4rem;border:1px solid #767676;border-radius:4px;max-width:100%;box-sizing:border-box}
button{font:inherit;padding:.4rem .9rem;border:0;border-radius:4px;background:#0b5394;color:#fff;cursor:pointer}
button.danger{background:#a61b1b}
a:focus,button:focus,input:focus,select:focus{outline:3px solid #f9a825;outline-offset:2px}
.panel{background:#fff;border:1px solid #d0d4da;border-radius:8px;padding:1rem;margin:0 0 1rem;overflow-x:auto}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr))}.wide{grid-column:1/-1}
form.unlock{margin:.4rem 0}form.unlock label{font-weight:400;font-size:.9rem;margin:0 0 .2rem}form.unlock input{margin-right:.5rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
.note{background:#fff8e1;border-left:4px solid #f9a825;padding:.5rem 1rem}
.error{background:#fdecea;border-left:4px solid #a61b1b;padding:.5rem 1rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e0e0e0;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
progress{width:100%;height:1.5rem}
svg text{font:12px system-ui,sans-serif;fill:#333}
.bars th{white-space:nowrap}.panel>h2:first-child{margin-top:0}
.bar{display:block;height:.9rem;background:#0072B2;border-radius:2px;min-width:2px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}`;

const NAV: readonly (readonly [string, string, Permission])[] = [
  ['/console', 'Dashboard', 'dashboard'],
  ['/console/audit', 'Audit', 'audit'],
  ['/console/cards', 'Cards', 'cards'],
  ['/console/terminals', 'Terminals', 'manage'],
  ['/console/partners', 'Partner clients', 'manage'],
  ['/console/issuers', 'Issuers', 'manage'],
  ['/console/keys', 'Keys', 'manage'],
  ['/console/queues', 'Queues', 'queues'],
];

/** A console page: the navigation the operator's role allows, the sign-out form, no external resources. */
export function consolePage(session: ConsoleSession, current: string, title: string, body: string): string {
  const links = NAV.filter(([, , permission]) => can(session.role, permission))
    .map(([href, label]) => `<a href="${href}"${href === current ? ' aria-current="page"' : ''}>${esc(label)}</a>`)
    .join('');
  const header = `<header><strong>Saldo console</strong><nav aria-label="Console">${links}</nav>
<span>${esc(session.username)} (${esc(session.role.toLowerCase())})</span>
<form method="post" action="/console/sign-out">${csrfField(session)}<button type="submit">Sign out</button></form></header>`;
  return frame(title, `${header}<main><h1>${esc(title)}</h1>${body}</main>`);
}

export function frame(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · Saldo console</title><style>${STYLE}</style><script src="/console/assets/console.js" defer></script></head><body>${body}</body></html>`;
}

export function csrfField(session: ConsoleSession): string {
  return `<input type="hidden" name="csrf" value="${esc(session.csrf)}">`;
}

export { esc };
