import { escapeHtml } from '#platform';

/** Text into HTML: every value that reaches a page goes through this. */
export const esc = escapeHtml;

// Kept in one string (no external stylesheet: the page loads nothing from elsewhere). Colours hold
// 4.5:1 or more against their background: #0b5394 on white ~7.8:1, #1a1a1a on #f6f7f9 ~16:1.
const STYLE = `
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f6f7f9}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0}h2{font-size:1.15rem;margin:0 0 .5rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input,select{font:inherit;color:inherit;background:#fff;padding:.5rem;width:100%;min-height:2.75rem;box-sizing:border-box;border:1px solid #767676;border-radius:4px}
button{font:inherit;margin-top:1rem;padding:.5rem 1rem;min-height:2.75rem;border:1px solid #0b5394;border-radius:4px;background:#0b5394;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0b5394}
button:focus,input:focus,select:focus,a:focus{outline:3px solid #f9a825;outline-offset:2px}
a{color:#0b5394}
.card{background:#fff;border:1px solid #d0d4da;border-radius:8px;padding:1rem;margin:1rem 0;overflow-x:auto}
.card>:first-child,.card>form>label:first-of-type{margin-top:0}.card>:last-child{margin-bottom:0}
.note{background:#fff8e1;border-left:4px solid #f9a825;padding:.5rem 1rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #e0e0e0}
table.balances th,table.balances td:first-child{white-space:nowrap}
.amount{text-align:right}td.amount{font-variant-numeric:tabular-nums}
nav{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
header.top{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.25rem 1rem}
.actions{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem}
.actions form{margin:0}.actions button{margin-top:0}
.actions a{display:inline-block;padding:.5rem 0}
.filters{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.75rem 1rem;align-items:end}
.filters label{margin:0 0 .25rem}.filters button{margin-top:0;justify-self:start}
.filters .wide{grid-column:1/-1}
form.inline{display:inline}
fieldset{border:1px solid #d0d4da;border-radius:4px;margin:1rem 0;padding:.5rem 1rem}legend{font-weight:600}
label.choice{display:flex;align-items:center;gap:.5rem;font-weight:400;margin:.25rem 0}
label.choice input{width:auto;min-height:0}
.qr{display:block;width:100%;max-width:16rem;height:auto;margin:1rem auto}
code.token{font:1.1rem/1.4 ui-monospace,monospace;word-break:break-all;letter-spacing:.05em}
kbd{font:inherit;font-weight:600;white-space:nowrap;border:1px solid #767676;border-radius:3px;padding:0 .25rem}
@media (max-width:30rem){main{padding:.5rem}.card{padding:.75rem .5rem}th,td{padding:.25rem}table{font-size:.9375rem}
header.top{flex-direction:column;align-items:flex-start}}
@media (min-width:40rem){.filters{grid-template-columns:repeat(3,minmax(0,1fr)) auto}.filters .wide{grid-column:auto}}`;

/** The page frame: language, title, no external resources (the page works offline). */
export function layout(lang: 'en' | 'zh', title: string, body: string): string {
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}
