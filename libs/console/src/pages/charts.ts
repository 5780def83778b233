import { esc } from './layout.js';

// Distinct for the common colour-vision deficiencies (Okabe–Ito), each also named in the legend.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const W = 560;
const H = 200;
const PAD = { left: 44, right: 10, top: 10, bottom: 24 };

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * step).find((v) => v >= value) ?? value;
}

function label(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2).replace(/\.?0+$/, '');
}

/** Lines over time: one per series, a y axis from 0, time labels at both ends and the middle. */
export function lineChart(title: string, series: ReadonlyMap<string, readonly number[]>, xLabels: readonly [string, string, string]): string {
  const values = [...series.values()];
  const points = values[0]?.length ?? 0;
  const max = niceMax(Math.max(0, ...values.flat()));
  const x = (i: number) => PAD.left + (points <= 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (points - 1));
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const grid = [0, 0.5, 1]
    .map((f) => `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(max * f)}" y2="${y(max * f)}" stroke="#ddd"/><text x="${PAD.left - 4}" y="${y(max * f) + 4}" text-anchor="end">${label(max * f)}</text>`)
    .join('');
  const lines = [...series].map(
    ([, line], k) => `<polyline fill="none" stroke-width="2" stroke="${COLOURS[k % COLOURS.length]}" points="${line.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`,
  );
  const ticks = xLabels.map((t, i) => `<text x="${x(((points - 1) * i) / 2)}" y="${H - 6}" text-anchor="${['start', 'middle', 'end'][i]}">${esc(t)}</text>`).join('');
  const legend = [...series.keys()]
    .map((name, k) => `<span style="display:inline-flex;align-items:center;gap:.3rem;margin-right:1rem"><span aria-hidden="true" style="width:1rem;height:.25rem;background:${COLOURS[k % COLOURS.length]}"></span>${esc(name)}</span>`)
    .join('');
  const empty = series.size === 0 ? `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">No queries in this period</text>` : '';
  return `<figure style="margin:0"><svg viewBox="0 0 ${W} ${H}" style="width:100%;max-width:40rem" role="img" aria-label="${esc(title)}">${grid}${lines.join('')}${ticks}${empty}</svg><figcaption>${legend}</figcaption></figure>`;
}

/** Horizontal bars as an HTML table: crisp at any width, read out by screen readers as label and count. */
export function barChart(title: string, bars: readonly { readonly label: string; readonly value: number }[]): string {
  if (bars.length === 0) return '<p>No queries in this period.</p>';
  const max = Math.max(...bars.map((b) => b.value));
  const rows = bars
    .map((b) => {
      const percent = max === 0 ? 0 : (b.value / max) * 100;
      return `<tr><th scope="row">${esc(b.label)}</th><td class="num">${b.value}</td><td style="width:100%"><span class="bar" style="width:${percent.toFixed(1)}%"></span></td></tr>`;
    })
    .join('');
  return `<table class="bars"><caption class="sr">${esc(title)}</caption><thead><tr><th scope="col">Outcome</th><th scope="col">Queries</th><th scope="col"><span class="sr">Share</span></th></tr></thead><tbody>${rows}</tbody></table>`;
}
