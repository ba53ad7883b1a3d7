#!/usr/bin/env node
// End-to-end tests of jit-permissions: the demo page clicked through as a person would, real hidden
// pages and one-time expiry, accessibility (axe-core), the npm package in a fresh Vite project, and the
// Rust example. Drives Debian's Chromium (/usr/bin/chromium) with playwright-core; nothing is downloaded
// for the browser.
//
//   bash scripts/build.sh              # builds pkg/, which the tests use
//   cd tests/e2e && npm ci && node run.mjs
//
// Prints one line per test and ends with exactly one line `N passed, N failed`; exits non-zero when a test
// failed. Screenshots of each state go to test-output/e2e/ at the repository root (cleared at each run).
//
// Browsers: Chromium through Playwright. Playwright drives Firefox only through its own patched Firefox build,
// which cannot be downloaded here (Debian's firefox-esr does not speak Playwright's protocol), so firefox.test.mjs
// drives the demo in Firefox through WebDriver (geckodriver, selenium-webdriver) instead. WebKit is covered by
// tests/pages/ through WebKitWebDriver, and here by bfcache-webdriver.test.mjs (the project's WebKit test browser).
//
// Environment:
//   E2E_ONLY=text     run only the tests whose "file › name" contains text (comma-separated for several)
//   E2E_PKG=dir       test another build of the npm package than pkg/ (served at /pkg/ and packed for Vite)
//
// The package is copied at the start of the run and the copy is what the pages load and what is packed, so
// a rebuild of pkg/ while the tests run does not mix two builds.
//   E2E_TIMEOUT_SCALE=2  multiply every test's time limit
//   CHROMIUM=path     the browser (default /usr/bin/chromium)
//   VERBOSE=1         print the server's output and each failure's stack
//
// The runner starts the repository's own static server (scripts/serve.mjs: strict CSP, script-src 'self'
// 'wasm-unsafe-eval') on a free port of 127.0.0.1 and stops it at the end, also on failure and on SIGINT.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanups } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const VERBOSE = process.env.VERBOSE === '1';
const SCALE = Number(process.env.E2E_TIMEOUT_SCALE || 1);
const ONLY = (process.env.E2E_ONLY || '').split(',').map((s) => s.trim()).filter(Boolean);
const FILES = ['demo.test.mjs', 'navigation.test.mjs', 'a11y.test.mjs', 'devices.test.mjs', 'expiry.test.mjs', 'rust-example.test.mjs', 'package.test.mjs', 'react.test.mjs', 'firefox.test.mjs', 'elements.test.mjs', 'bfcache.test.mjs', 'bfcache-webdriver.test.mjs'];

const shots = join(repoRoot, 'test-output', 'e2e');
const pkgDir = resolve(process.env.E2E_PKG || join(repoRoot, 'pkg'));
let server = null;
let serveRoot = null;
let snapshotDir = null;

async function startServer(pkgSnapshot) {
  // Serve a root of links: demo/ and examples/ of the repository, and /pkg/ from a copy of the package
  // taken at the start, so that a rebuild of pkg/ during the run (a shared work tree) cannot change it.
  serveRoot = mkdtempSync(join(tmpdir(), 'jit-permissions-e2e-root-'));
  // src/ too: the a11y test renders the UI modules on their own (src/ui/*.js, as the Rust API gets them).
  for (const name of ['demo', 'examples', 'src']) symlinkSync(join(repoRoot, name), join(serveRoot, name));
  // The e2e tests' own pages (tests/e2e/pages/) at /e2e/.
  symlinkSync(join(here, 'pages'), join(serveRoot, 'e2e'));
  symlinkSync(pkgSnapshot, join(serveRoot, 'pkg'));
  const proc = spawn(process.execPath, [join(repoRoot, 'scripts', 'serve.mjs'), serveRoot, '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = proc;
  proc.stderr.on('data', (d) => { if (VERBOSE) process.stderr.write(`[server] ${d}`); });
  const base = await new Promise((resolvePort, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${out}`)), 10000);
    proc.stdout.on('data', (d) => {
      out += d;
      if (VERBOSE) process.stderr.write(`[server] ${d}`);
      const m = out.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); resolvePort(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited (${code}): ${out}`)); });
  });
  return base;
}

async function cleanup() {
  for (const stop of [...cleanups]) await stop().catch(() => {});
  if (server) { server.kill(); server = null; }
  if (serveRoot) { rmSync(serveRoot, { recursive: true, force: true }); serveRoot = null; }
  if (snapshotDir) { rmSync(snapshotDir, { recursive: true, force: true }); snapshotDir = null; }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await cleanup();
    process.exit(130);
  });
}

function withTimeout(promise, ms, name) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

const fmt = (ms) => `${(ms / 1000).toFixed(1)} s`;

let passed = 0;
let failed = 0;
const failures = [];

async function main() {

  if (!existsSync(join(pkgDir, 'index.js')) || !existsSync(join(pkgDir, 'jit_permissions_bg.wasm'))) {
    console.log(`FAIL setup: no npm package in ${pkgDir}; run \`bash scripts/build.sh\` first`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });

  const pkgSnapshot = join(mkdtempSync(join(tmpdir(), 'jit-permissions-e2e-pkg-')), 'pkg');
  cpSync(pkgDir, pkgSnapshot, { recursive: true });
  snapshotDir = dirname(pkgSnapshot);
  const base = await startServer(pkgSnapshot);
  const env = { base, repoRoot, pkgDir: pkgSnapshot, shots, shot: (page, name, options = {}) => page.screenshot({ path: join(shots, name), ...options }) };

  for (const file of FILES) {
    const mod = await import(join(here, file));
    const tests = mod.tests.filter((t) => !ONLY.length || ONLY.some((o) => `${file} › ${t.name}`.includes(o)));
    if (!tests.length) continue;
    const shared = {};
    try {
      if (mod.before) await withTimeout(mod.before(env, shared), 60000 * SCALE, 'before');
    } catch (e) {
      for (const t of tests) {
        failed++;
        failures.push(`${file} › ${t.name}`);
        console.log(`FAIL ${file} › ${t.name}: set-up failed: ${e.message.split('\n')[0]}`);
      }
      if (VERBOSE) console.error(e.stack);
      if (mod.after) await mod.after(env, shared).catch(() => {});
      continue;
    }
    for (const t of tests) {
      const start = Date.now();
      try {
        await withTimeout(t.fn(env, shared), (t.timeout || 30000) * SCALE, t.name);
        passed++;
        console.log(`ok   ${file} › ${t.name} (${fmt(Date.now() - start)})`);
      } catch (e) {
        failed++;
        failures.push(`${file} › ${t.name}`);
        const message = String(e && e.message ? e.message : e).split('\n').filter(Boolean).slice(0, 6).join(' / ');
        console.log(`FAIL ${file} › ${t.name} (${fmt(Date.now() - start)}): ${message}`);
        if (VERBOSE && e && e.stack) console.error(e.stack);
      }
    }
    if (mod.after) await mod.after(env, shared).catch((e) => console.error(`[runner] ${file} clean-up: ${e.message}`));
  }

  const pngs = readdirSync(shots).filter((f) => f.endsWith('.png'));
  console.error(`[runner] ${pngs.length} screenshots in ${shots}`);
  if (failures.length) console.error(`[runner] failed: ${failures.join(', ')}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.log(`FAIL runner: ${e.message}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
} finally {
  await cleanup();
}
process.exit(code);
