// Shared helpers of the benchmark: statistics, formatting, child processes (each in its own process
// group, all ended on exit, SIGINT and SIGTERM), a temporary directory of the run, and the static server.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const VERBOSE = process.env.BENCH_VERBOSE === '1';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every `every` ms until it returns something truthy (returned), or throws after `ms`. */
export async function until(fn, ms, what, every = 10) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(every);
  }
}

export function log(...args) {
  console.error('[bench]', ...args);
}

// ---- statistics -------------------------------------------------------------------------------------

/** The q-quantile (0..1) of numbers, by linear interpolation between closest ranks. */
export function quantile(values, q) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}
export const median = (v) => quantile(v, 0.5);
export const p90 = (v) => quantile(v, 0.9);
export const max = (v) => Math.max(...v.filter((x) => Number.isFinite(x)));

// ---- formatting -------------------------------------------------------------------------------------

export function fmtBytes(n) {
  if (!Number.isFinite(n)) return '?';
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  const grouped = String(a).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  if (a < 10_000) return `${sign}${grouped} B`;
  if (a < 1_000_000) return `${sign}${grouped} B (${(a / 1000).toFixed(1)} KB)`;
  return `${sign}${grouped} B (${(a / 1e6).toFixed(2)} MB)`;
}

/** Memory figures: MiB with 3 decimals, enough to see a 4 KiB change. */
export function fmtMB(n) {
  if (!Number.isFinite(n)) return '?';
  return `${(n / 1048576).toFixed(3)} MiB`;
}

export function fmtMs(ms, digits) {
  if (!Number.isFinite(ms)) return '?';
  const d = digits ?? (Math.abs(ms) < 1 ? 3 : Math.abs(ms) < 10 ? 2 : 1);
  return `${ms.toFixed(d)} ms`;
}

export function fmtUs(ms) {
  if (!Number.isFinite(ms)) return '?';
  const us = ms * 1000;
  return `${us < 10 ? us.toFixed(2) : us < 100 ? us.toFixed(1) : us.toFixed(0)} µs`;
}

export const fmtSigned = (x, f) => (x >= 0 ? `+${f(x)}` : `-${f(-x)}`);

/** An aligned table whose lines are also a Markdown table. Cells may not contain '|'. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? '').replaceAll('|', '/')));
  const width = header.map((_, i) => Math.max(3, ...all.map((r) => [...r[i]].length)));
  const pad = (s, w) => s + ' '.repeat(w - [...s].length);
  const line = (r) => `| ${r.map((c, i) => pad(c, width[i])).join(' | ')} |`;
  return [line(all[0]), `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...all.slice(1).map(line)].join('\n');
}

// ---- the run's temporary directory -------------------------------------------------------------------

let runDir = null;
export function runTmp() {
  if (!runDir) runDir = mkdtempSync(join(tmpdir(), 'jit-permissions-bench-'));
  return runDir;
}
function removeRunDir() {
  if (!runDir) return;
  try {
    rmSync(runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (err) {
    log(`could not remove ${runDir}: ${err.message}`);
  }
  runDir = null;
}

// ---- child processes --------------------------------------------------------------------------------

const children = new Set();
const cleanups = new Set(); // async functions run by shutdown() (browser.close() and the like)

export function onCleanup(fn) {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Starts a process as the leader of its own process group, so that it and its children end together. */
export function start(name, cmd, args, env = process.env) {
  const proc = spawn(cmd, args, { detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const child = { proc, name, output: '' };
  const keep = (buf) => {
    const text = buf.toString();
    child.output = (child.output + text).slice(-8000);
    if (VERBOSE) process.stderr.write(`[${name}] ${text}`);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  proc.on('error', (err) => { child.output += `\nspawn error: ${err.message}`; });
  children.add(child);
  proc.on('exit', () => children.delete(child));
  return child;
}

export function alive(child) {
  return child.proc.exitCode === null && child.proc.signalCode === null;
}

/** Ends a child's process group: SIGTERM, then SIGKILL after a grace period. */
export async function stop(child, grace = 3000) {
  const pid = child.proc.pid;
  if (!pid) return;
  const group = (sig) => { try { process.kill(-pid, sig); return true; } catch { return false; } };
  if (!group('SIGTERM')) { children.delete(child); return; }
  const end = Date.now() + grace;
  while (Date.now() < end) {
    await sleep(50);
    if (!group(0)) break;
  }
  group('SIGKILL');
  if (alive(child)) await withTimeout(new Promise((r) => child.proc.once('exit', r)), 2000, 'exit').catch(() => {});
  children.delete(child);
}

let shuttingDown = false;
/** True once a signal (or the end of the run) started the clean-up: nothing more is measured or written. */
export const isShuttingDown = () => shuttingDown;
/** Runs the registered clean-ups, ends every child process group and removes the run directory. */
export async function shutdown() {
  if (shuttingDown) return;
  shuttingDown = true;
  for (const fn of [...cleanups].reverse()) {
    try { await withTimeout(Promise.resolve().then(fn), 5000, 'cleanup'); } catch { /* best effort */ }
  }
  await Promise.all([...children].map((c) => stop(c)));
  removeRunDir();
}

function killAllSync() {
  for (const child of children) {
    try { process.kill(-child.proc.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  removeRunDir();
}
process.on('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`${sig}: cleaning up`);
    shutdown().finally(() => process.exit(130));
    setTimeout(() => { killAllSync(); process.exit(130); }, 8000).unref();
  });
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

export async function waitForHttp(url, child, ms = 15000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child && !alive(child)) throw new Error(`${child.name} exited early: ${child.output.trim() || '(no output)'}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status < 500) return;
    } catch { /* not yet */ }
    await sleep(100);
  }
  throw new Error(`${child ? child.name : url} did not answer ${url} within ${ms} ms${child ? ': ' + child.output.trim() : ''}`);
}

/** scripts/serve.mjs on a free port of 127.0.0.1, serving the repository root under the strict CSP. */
export async function startServer(repoRoot) {
  const port = await freePort();
  const child = start('server', process.execPath, [join(repoRoot, 'scripts', 'serve.mjs'), repoRoot, String(port)]);
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/bench/pages/blank.html`, child);
  return { origin, child };
}
