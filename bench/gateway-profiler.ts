import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/**
 * Preloaded into the gateway by the POS bench when BENCH_PROFILE=1
 * (`node --import dist/bench/gateway-profiler.js dist/apps/api/src/main.js`, spawned with an IPC
 * channel): a CPU profile of a chosen window only, not of start-up. The message 'profile:start'
 * starts the V8 sampling profiler; 'profile:stop' stops it, writes
 * `<BENCH_PROFILE_DIR>/gateway-<pid>-<n>.cpuprofile` and answers `{ profile: path }`.
 * (`--cpu-prof` would cover start-up and is written only on a clean exit, which Nest's signal
 * handling never makes; and Nest's shutdown hooks take SIGUSR2, so no signal is used.)
 */

const dir = process.env.BENCH_PROFILE_DIR ?? '.';
const intervalUs = Number(process.env.BENCH_PROFILE_INTERVAL_US ?? 500);
/**
 * BENCH_PROFILE_HEAP=1: also sample allocations (every ~8 KB), including objects the GC has since
 * collected; =retained: only those still on the heap when the window ends (what got promoted).
 */
const heap = process.env.BENCH_PROFILE_HEAP === '1' || process.env.BENCH_PROFILE_HEAP === 'retained';
const includeCollected = process.env.BENCH_PROFILE_HEAP === '1';
const session = new Session();
session.connect();
let running = false;
let count = 0;

async function start(): Promise<void> {
  if (running) return;
  running = true;
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  if (heap) {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 8192,
      includeObjectsCollectedByMajorGC: includeCollected,
      includeObjectsCollectedByMinorGC: includeCollected,
    } as never);
  }
}

async function stop(): Promise<void> {
  if (!running) return;
  running = false;
  const { profile } = await session.post('Profiler.stop');
  const file = join(dir, `gateway-${process.pid}-${++count}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  if (heap) {
    const sampled = await session.post('HeapProfiler.stopSampling');
    writeFileSync(file.replace(/\.cpuprofile$/, '.heapprofile'), JSON.stringify(sampled.profile));
    await session.post('HeapProfiler.disable');
  }
  await session.post('Profiler.disable');
  process.send?.({ profile: file });
}

if (process.send) {
  process.on('message', (m: unknown) => {
    const step = m === 'profile:start' ? start() : m === 'profile:stop' ? stop() : undefined;
    step?.catch((err: unknown) => console.error('gateway-profiler:', err));
  });
  // The channel must not keep the gateway alive once it shuts down.
  process.channel?.unref();
}
