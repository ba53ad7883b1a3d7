#!/usr/bin/env node
// The benchmark of jit-permissions (issue 7): one table of figures, each against a baseline measured in the
// same run. Run it with `bash bench/run.sh` (set-up and build first); this file expects pkg/ to be built.
//
// Environment (all optional):
//   BENCH_ENGINES=chromium,firefox   engines to run (default both)
//   BENCH_LOADS=40        fresh page loads per engine for start-up (at least 30; each measures library and native)
//   BENCH_THROTTLED=5     throttled first loads per page (plain, with preload hints)
//   BENCH_ROUNDS=20       alternating rounds for query overhead, each a batch of BENCH_BATCH calls of each kind
//   BENCH_BATCH=500       calls per batch (20 x 500 -> 10,000 calls each)
//   BENCH_CHANGES=21      permission changes for event latency
//   BENCH_CYCLES=100000   query/listen cycles for memory
//   BENCH_TRIALS=20       one-time grants for expiry accuracy
//   BENCH_HIDDEN=0        skip the hidden-page expiry check
//   BENCH_VERBOSE=1       show the server's, drivers' and browsers' output
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChromium } from './chromium.mjs';
import { runFirefox } from './firefox.mjs';
import { isShuttingDown, log, shutdown, startServer, table, withTimeout } from './lib.mjs';
import { measureRustDemo, measureSize } from './size.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const num = (name, def, min = 1) => Math.max(min, Number(process.env[name] || def));
const cfg = {
  engines: (process.env.BENCH_ENGINES || 'chromium,firefox').split(',').map((s) => s.trim()).filter(Boolean),
  loads: num('BENCH_LOADS', 40),
  throttledLoads: num('BENCH_THROTTLED', 5),
  rounds: num('BENCH_ROUNDS', 20),
  batch: num('BENCH_BATCH', 500),
  changes: num('BENCH_CHANGES', 21),
  cycles: Math.ceil(num('BENCH_CYCLES', 100_000, 2) / 2) * 2,
  trials: num('BENCH_TRIALS', 20),
  hidden: process.env.BENCH_HIDDEN !== '0',
};
const SECTION_TIMEOUT = 180_000;

const HEADER = ['metric', 'library', 'baseline', 'ratio/delta', 'target', 'verdict'];
const rows = [];
const notes = [];
const failures = [];

/** Runs one measurement; a failure becomes an ERROR row and the run goes on. */
async function section(name, fn) {
  if (isShuttingDown()) throw new Error('interrupted');
  const t0 = Date.now();
  log(`${name} ...`);
  try {
    const r = await withTimeout(Promise.resolve().then(fn), SECTION_TIMEOUT, name);
    rows.push(...(r.rows || []));
    notes.push(...(r.notes || []));
    log(`${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (err) {
    const msg = String(err && err.message || err).split('\n')[0].slice(0, 300);
    failures.push(`${name}: ${msg}`);
    rows.push([name, 'error', '-', '-', '-', 'ERROR']);
    notes.push(`${name} failed: ${msg}`);
    log(`${name}: FAILED: ${err && err.stack || err}`);
  }
}

async function main() {
  const started = Date.now();
  await section('Size', async () => measureSize(repoRoot));
  await section('Size: the Rust example', async () => measureRustDemo(repoRoot));
  const { origin } = await startServer(repoRoot);
  log(`serving ${repoRoot} at ${origin}`);
  const versions = [];
  if (cfg.engines.includes('chromium')) {
    try {
      versions.push(`Chromium ${await runChromium(origin, cfg, section)}`);
    } catch (err) {
      await section('Chromium', async () => { throw err; });
    }
  }
  if (cfg.engines.includes('firefox')) {
    try {
      versions.push(`Firefox ${await runFirefox(origin, cfg, section)}`);
    } catch (err) {
      await section('Firefox', async () => { throw err; });
    }
  }
  if (isShuttingDown()) throw new Error('interrupted: no results written');
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  const out = [
    table(HEADER, rows),
    '',
    'Notes:',
    '',
    `- Run: ${new Date().toISOString()}, ${versions.join(', ') || 'no browser'}, node ${process.version}, ${secs} s. ` +
      'Every baseline was measured in this same run; "ratio/delta" compares the library with it. ' +
      'Verdicts: PASS / MISS (a target missed, by how much) / info (no target) / ERROR (not measured).',
    ...notes.map((n) => (typeof n === 'string' ? `- ${n}` : `\n${n.raw}\n`)),
  ].join('\n');
  console.log(out);
  const dir = join(repoRoot, 'test-output', 'bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.md'), `# jit-permissions benchmark\n\nCommand: \`bash bench/run.sh\`\n\n${out}\n`);
  log(`written to ${join('test-output', 'bench', 'results.md')}`);
  if (failures.length) {
    log(`${failures.length} section(s) could not be measured:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

main()
  .catch((err) => { log(`fatal: ${err && err.stack || err}`); process.exitCode = 1; })
  .finally(async () => {
    await shutdown();
    // Anything left (a stray handle of a driver client) must not keep the process alive.
    setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
  });
