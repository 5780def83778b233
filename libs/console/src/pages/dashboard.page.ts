import type { ConsoleSession } from '../auth/console-sessions.js';
import type { DashboardFigures } from '../dashboard/dashboard-figures.js';
import { barChart, lineChart } from './charts.js';
import { consolePage, esc } from './layout.js';

/** Refreshed in place every 10 seconds by console.js. */
export const LIVE_EVERY_MS = 10_000;

function clock(epochSeconds: number, range: DashboardFigures['range']): string {
  const iso = new Date(epochSeconds * 1000).toISOString();
  return range === 'hour' ? iso.slice(11, 16) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

/** The live part of the dashboard: charts and tables for one range. */
export function dashboardPanel(f: DashboardFigures): string {
  const end = f.since + f.buckets * f.bucketSeconds;
  const labels: [string, string, string] = [clock(f.since, f.range), clock((f.since + end) / 2, f.range), `${clock(end, f.range)} UTC`];
  const total = f.outcomes.reduce((sum, o) => sum + o.count, 0);
  const latencyRows = f.latency
    .map((l) => `<tr><th scope="row">${esc(l.channel)}</th><td class="num">${l.count}</td><td class="num">${l.p50Ms.toFixed(1)} ms</td><td class="num">${l.p99Ms.toFixed(1)} ms</td></tr>`)
    .join('');
  return `<p role="status">${total} queries in the last ${f.range}, updated ${esc(new Date().toISOString().slice(11, 19))} UTC.</p>
<div class="grid"><section class="panel wide" aria-labelledby="qpm"><h2 id="qpm">Queries per minute by channel</h2>${lineChart('Queries per minute by channel', f.perMinute, labels)}</section>
<section class="panel" aria-labelledby="outcomes"><h2 id="outcomes">Outcomes</h2>${barChart('Queries by outcome', f.outcomes.map((o) => ({ label: o.outcome, value: o.count })))}</section>
<section class="panel" aria-labelledby="latency"><h2 id="latency">Latency by channel</h2>${
    latencyRows
      ? `<table><thead><tr><th scope="col">Channel</th><th scope="col">Queries</th><th scope="col">p50</th><th scope="col">p99</th></tr></thead><tbody>${latencyRows}</tbody></table>`
      : '<p>No queries in this period.</p>'
  }</section></div>`;
}

export function dashboardPage(session: ConsoleSession, f: DashboardFigures): string {
  const ranges = (['hour', 'day'] as const)
    .map((r) => `<a href="/console?range=${r}"${r === f.range ? ' aria-current="true"' : ''}>Last ${r}</a>`)
    .join(' · ');
  return consolePage(
    session,
    '/console',
    'Dashboard',
    `<p>${ranges}</p><div aria-live="polite" data-live="/console/dashboard/panel?range=${f.range}" data-every="${LIVE_EVERY_MS}">${dashboardPanel(f)}</div>`,
  );
}
