import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * Summarises a V8 `.cpuprofile` (from `--cpu-prof` or bench/gateway-profiler.ts): where the busy
 * samples went, by function (self and inclusive time) and by module group (node internals, each
 * npm package, each libs/* library, native, GC). Used by the POS bench; also a CLI:
 *   node dist/bench/cpu-profile-summary.js FILE.cpuprofile [TOP]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileLine {
  readonly name: string;
  /** % of busy samples (idle excluded). */
  readonly selfPct: number;
  readonly inclusivePct?: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly seconds: number;
  readonly samples: number;
  /** % of the wall time the process was not idle (100 = one core). */
  readonly busyPct: number;
  readonly topSelf: ProfileLine[];
  readonly topInclusive: ProfileLine[];
  readonly groups: ProfileLine[];
  /** Busy samples charged to the first application or package frame above them (see `attribute`). */
  readonly attributed?: ProfileLine[];
}

/** A label and the script URLs it covers, e.g. ['PostgreSQL client', /node_modules\/pg/]. */
export type AttributionRule = readonly [label: string, url: RegExp];

const IDLE = new Set(['(idle)', '(root)']);

function frameKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return name.startsWith('(') ? name : `${name} (native)`;
  return `${name} ${shortUrl(url)}:${lineNumber + 1}`;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

/** The module group a frame's code belongs to. */
function groupOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native: syscalls, C++ builtins)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(0, 2).join('/')}`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const lib = /\/dist\/(libs\/[^/]+\/src(?:\/[^/]+)?|apps\/[^/]+|bench|prisma)\//.exec(url);
  if (lib) return lib[1].replace(/\/src/, '').replace(/\.js$/, '');
  return url;
}

export function summariseProfile(file: string, top = 25, rules?: readonly AttributionRule[]): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const groups = new Map<string, number>();
  const attributed = new Map<string, number>();
  let busy = 0;
  for (const [id, n] of hits) {
    const node = byId.get(id);
    if (!node || IDLE.has(node.callFrame.functionName)) continue;
    busy += n;
    const key = frameKey(node);
    self.set(key, (self.get(key) ?? 0) + n);
    const group = groupOf(node);
    groups.set(group, (groups.get(group) ?? 0) + n);
    if (rules) {
      const label = attribute(id, byId, parent, rules);
      attributed.set(label, (attributed.get(label) ?? 0) + n);
    }
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame || frame.callFrame.functionName === '(root)') break;
      const k = frameKey(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + n);
    }
  }
  const pct = (n: number) => Number(((100 * n) / Math.max(1, busy)).toFixed(1));
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  const meanIntervalS = seconds / Math.max(1, profile.samples.length);
  return {
    file,
    seconds: Number(seconds.toFixed(2)),
    samples: profile.samples.length,
    busyPct: Number(((100 * busy * meanIntervalS) / Math.max(1e-9, seconds)).toFixed(1)),
    topSelf: sorted(self)
      .slice(0, top)
      .map(([name, n]) => ({ name, selfPct: pct(n), inclusivePct: pct(inclusive.get(name) ?? n) })),
    topInclusive: sorted(inclusive)
      .filter(([name]) => !name.startsWith('('))
      .slice(0, top)
      .map(([name, n]) => ({ name, selfPct: pct(self.get(name) ?? 0), inclusivePct: pct(n) })),
    groups: sorted(groups).map(([name, n]) => ({ name, selfPct: pct(n) })),
    ...(rules ? { attributed: sorted(attributed).map(([name, n]) => ({ name, selfPct: pct(n) })) } : {}),
  };
}

/**
 * Who a sample's time is for: walking from the sampled frame towards the root, node's own code and
 * native frames (a `writev`, a stream, a microtask run) are skipped, and the first frame of the
 * application or a package decides — so a socket write made by pg counts for the PostgreSQL
 * client, one made by the POS connection for the POS connection.
 */
function attribute(id: number, byId: Map<number, ProfileNode>, parent: Map<number, number>, rules: readonly AttributionRule[]): string {
  const leaf = byId.get(id)!.callFrame.functionName;
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const url = byId.get(at)?.callFrame.url ?? '';
    if (!url || url.startsWith('node:')) continue;
    for (const [label, pattern] of rules) if (pattern.test(url)) return label;
    return `other: ${groupOf(byId.get(at)!)}`;
  }
  if (leaf === '(garbage collector)' || leaf === '(program)') return leaf;
  return 'node runtime only (timers, event loop, streams)';
}

export function printProfileSummary(s: ProfileSummary): void {
  console.log(`\nCPU profile ${s.file}: ${s.seconds} s, ${s.samples} samples, process busy ${s.busyPct}% of the wall time`);
  console.log('self time by module group (% of busy samples):');
  for (const g of s.groups.filter((g) => g.selfPct >= 0.5)) console.log(`  ${g.selfPct.toFixed(1).padStart(5)}%  ${g.name}`);
  if (s.attributed) {
    console.log('busy time charged to the code it was done for (native and node-internal frames go to their caller):');
    for (const g of s.attributed.filter((g) => g.selfPct >= 0.5)) console.log(`  ${g.selfPct.toFixed(1).padStart(5)}%  ${g.name}`);
  }
  console.log('top functions by self time (% of busy samples; inclusive in brackets):');
  for (const f of s.topSelf) console.log(`  ${f.selfPct.toFixed(1).padStart(5)}%  [${(f.inclusivePct ?? 0).toFixed(1).padStart(5)}%]  ${f.name}`);
  console.log('top functions by inclusive time:');
  for (const f of s.topInclusive) console.log(`  ${(f.inclusivePct ?? 0).toFixed(1).padStart(5)}%  (self ${f.selfPct.toFixed(1)}%)  ${f.name}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node dist/bench/cpu-profile-summary.js FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  printProfileSummary(summariseProfile(file, Number(process.argv[3] ?? 25)));
}
