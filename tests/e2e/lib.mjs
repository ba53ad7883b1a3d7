// Shared helpers of the end-to-end tests: launching Debian's Chromium, permissions from outside
// the page (CDP), the library's shadow-DOM selectors, screenshots, small assertions.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export { chromium };

/** What the runner must undo if a run is interrupted (processes started here). */
export const cleanups = new Set();

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Flags for every Chromium here: no sandbox (root in a container), nothing fetched from the network. */
export const BASE_ARGS = [
  '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/**
 * Flags for pages whose camera and microphone must work. `--use-fake-device-for-media-stream` supplies
 * devices. For the answer to the browser's own prompt we use `--auto-accept-camera-and-microphone-capture`
 * rather than `--use-fake-ui-for-media-stream`: the fake UI makes camera and microphone *query* as granted
 * from the start, so the library (rightly) reports them granted before anyone asked and never shows its
 * pre-prompt; auto-accept answers the native prompt "allow" as a person would while `query()` keeps saying
 * prompt (TOOLCHAIN.md), which is the flow the demo is about.
 */
export const MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--auto-accept-camera-and-microphone-capture'];

/** `--js-flags=--expose-gc`: lets a test run a real garbage collection (window.gc()). */
export const GC_ARGS = ['--js-flags=--expose-gc'];

export const PRE_PROMPT = 'div[data-jit-permissions="pre-prompt"]';
export const RECOVERY = 'div[data-jit-permissions="recovery"]';
export const CONTROLS = 'div[data-jit-permissions="controls"]';

/** Playwright's CSS engine pierces open shadow roots, so these reach into the library's dialogs. */
// A dialog ignores clicks and keys for 500 ms after it shows, then carries `data-ready`: a click waits for it.
export const choice = (name) => `${PRE_PROMPT} dialog[data-ready] button[data-choice="${name}"]`;
export const panelRow = (cap) => `${CONTROLS} li[part="row"][data-capability="${cap}"]`;
export const panelButton = (action, cap) => `${CONTROLS} button[data-action="${action}"][data-capability="${cap}"]`;
export const badge = (cap) => `[data-badge="${cap}"]`;

export function launch(extraArgs = [], options = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...BASE_ARGS, ...extraArgs],
    ...options,
  });
}

/**
 * A new context and page with the page's console errors, uncaught errors and CSP violations recorded
 * (`page.problems`), so that a test can check the page ran cleanly.
 */
export async function newPage(browser, contextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
  const page = await context.newPage();
  watchProblems(page);
  return { context, page };
}

export function watchProblems(page) {
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`uncaught: ${e.message}`));
  page.on('console', (m) => {
    // Failed loads are reported with their address below (the console message has none).
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) page.problems.push(`console.error: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) page.problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('requestfailed', (r) => page.problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  return page;
}

/** Opens the demo and waits until it has installed the library and rendered its badges. */
export async function openDemo(page, base, query = '') {
  await page.goto(`${base}/demo/${query}`);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
}

/**
 * Sets a permission from outside the page with CDP `Browser.setPermission` (fires `change` on the page's
 * native status objects). Needed where headless Chromium answers a real prompt "deny" at once
 * (geolocation, notifications) and to block a capability in the browser.
 * The browser-level CDP session stays open for the browser's life: Chromium drops the permission
 * overrides a session made when that session detaches.
 */
const browserSessions = new WeakMap();

export async function setPermission(page, name, setting) {
  const context = page.context();
  const session = await context.newCDPSession(page);
  const { targetInfo } = await session.send('Target.getTargetInfo');
  await session.detach();
  const browser = context.browser();
  if (!browserSessions.has(browser)) browserSessions.set(browser, browser.newBrowserCDPSession());
  const browserSession = await browserSessions.get(browser);
  await browserSession.send('Browser.setPermission', {
    permission: { name },
    setting,
    origin: new URL(page.url()).origin,
    browserContextId: targetInfo.browserContextId,
  });
}

/** A TCP port of 127.0.0.1 that is free now (for a WebDriver server). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Waits for a condition in node, polling. */
export async function until(what, check, { timeout = 10000, interval = 100 } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export function assertEqual(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** The badge's data attributes of a capability in the demo. */
export function badgeOf(page, cap) {
  return page.$eval(badge(cap), (b) => ({
    state: b.dataset.state, grant: b.dataset.grant, reason: b.dataset.reason, text: b.textContent.trim(),
  }));
}

export async function waitBadge(page, cap, state, grant) {
  let sel = `${badge(cap)}[data-state="${state}"]`;
  if (grant !== undefined) sel += `[data-grant="${grant}"]`;
  try {
    await page.waitForSelector(sel, { timeout: 10000 });
  } catch {
    const b = await badgeOf(page, cap);
    throw new Error(`the ${cap} badge should be ${state}${grant ? ` (${grant})` : ''}, but is ${JSON.stringify(b)}`);
  }
}

/** The demo's event log, as `{kind, type, name, detail, text}` entries. */
export function logEntries(page) {
  return page.$$eval('#log li', (items) => items.map((li) => ({
    kind: li.dataset.kind, type: li.dataset.type, name: li.dataset.name, detail: li.dataset.detail,
    state: li.dataset.state, text: li.textContent,
  })));
}

export async function waitLog(page, match, what) {
  const test = (e) => Object.entries(match).every(([k, v]) => e[k] === v);
  try {
    await until(what || `a log entry ${JSON.stringify(match)}`, async () => (await logEntries(page)).some(test));
  } catch (e) {
    const entries = (await logEntries(page)).map((x) => x.text).join(' | ');
    throw new Error(`${e.message}; the log has: ${entries || '(nothing)'}`);
  }
}

/** Waits for the pre-prompt of a capability, open. */
export async function waitPrePrompt(page, cap) {
  await page.waitForSelector(`${PRE_PROMPT} dialog[open][data-capability="${cap}"]`, { timeout: 10000 });
  // Let the dialog settle (focus moved in, its picture loaded or failed) before a screenshot or a check.
  await page.waitForFunction(() => {
    const host = document.querySelector('div[data-jit-permissions="pre-prompt"]');
    const img = host?.shadowRoot?.querySelector('img[part="image"]');
    return document.activeElement === host && (!img || img.complete)
      && host.shadowRoot.querySelector('dialog[open]').hasAttribute('data-ready');
  });
}

/** Waits until every open dialog of the library takes input (500 ms after it shows), before a key press for it. */
export function dialogsReady(page) {
  return page.waitForFunction(() => ![...document.querySelectorAll('div[data-jit-permissions]')]
    .some((h) => h.shadowRoot && h.shadowRoot.querySelector('dialog[open]:not([data-ready])')));
}

export async function waitPrePromptClosed(page) {
  await page.waitForSelector(PRE_PROMPT, { state: 'detached', timeout: 10000 });
}

/** What the open pre-prompt shows. */
export function prePromptContent(page) {
  return page.$eval(PRE_PROMPT, (host) => {
    const root = host.shadowRoot;
    const img = root.querySelector('img[part="image"]');
    return {
      title: root.querySelector('[part="title"]')?.textContent,
      reason: root.querySelector('[part="reason"]')?.textContent,
      image: img ? { src: img.getAttribute('src'), alt: img.alt, loaded: img.complete && img.naturalWidth > 0 } : null,
      buttons: [...root.querySelectorAll('[part="choices"] button[data-choice]')].map((b) => b.dataset.choice),
      close: root.querySelector('button[data-choice="dismiss"]')?.getAttribute('aria-label') ?? null,
      focused: root.activeElement?.dataset?.choice ?? null,
    };
  });
}

/** The controls panel's row of a capability. */
export function panelRowOf(page, cap) {
  return page.$eval(CONTROLS, (host, cap) => {
    const row = host.shadowRoot.querySelector(`li[part="row"][data-capability="${cap}"]`);
    if (!row) return null;
    const text = (part) => {
      const el = row.querySelector(`[part~="${part}"]`);
      return el && !el.hidden ? el.textContent : null;
    };
    return {
      state: row.dataset.state, grant: row.dataset.grant ?? null, reason: row.dataset.reason ?? null,
      stateText: text('state'), detail: text('detail'), timeLeft: text('time-left'),
      helpVisible: !row.querySelector('button[data-action="help"]').hidden,
    };
  }, cap);
}

export async function waitPanelRow(page, cap, attrs) {
  let sel = panelRow(cap);
  for (const [k, v] of Object.entries(attrs)) sel += `[data-${k}="${v}"]`;
  try {
    await page.waitForSelector(sel, { timeout: 10000 });
  } catch {
    let row;
    try { row = await panelRowOf(page, cap); } catch (e) { row = `no panel (${e.message.split('\n')[0]})`; }
    throw new Error(`the controls panel's ${cap} row should have ${JSON.stringify(attrs)}, but is ${JSON.stringify(row)}`);
  }
}

// ---- axe-core

const require = createRequire(import.meta.url);
let axeSource;

/**
 * Runs axe-core in the page and returns its violations. The demo's CSP (script-src 'self') blocks
 * `page.addScriptTag({content})` (an inline script), so axe's source is evaluated through
 * `page.evaluate`, which DevTools runs outside the page's CSP: no `bypassCSP` needed, and the page is
 * checked under its real policy. axe descends into open shadow roots by itself.
 */
export async function axe(page, context = 'document', options = {}) {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  return page.evaluate(async ({ context, options }) => {
    const target = context === 'document' ? document : { include: context.map((s) => [s]) };
    const result = await window.axe.run(target, { resultTypes: ['violations'], ...options });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => `${n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ')}`),
    }));
  }, { context, options });
}

export function formatViolations(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} [${v.nodes.join('; ')}]`).join('\n      ');
}

// ---- A Chromium of our own, for real visibility (no focus emulation).

/**
 * Starts Chromium itself with `--remote-debugging-port=0`, reads the DevTools URL from its stderr and
 * connects with `chromium.connectOverCDP(url, { noDefaults: true })`: Playwright then leaves focus
 * emulation off in the default context, so a new tab really hides the first (visibilityState "hidden").
 */
export async function ownChromium(extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), 'jit-permissions-e2e-profile-'));
  const proc = spawn(CHROMIUM, [
    '--headless', '--remote-debugging-port=0', `--user-data-dir=${profile}`, ...BASE_ARGS, ...extraArgs, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let browser = null;
  const stop = async () => {
    cleanups.delete(stop);
    if (browser) await browser.close().catch(() => {});
    try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone */ }
    await new Promise((r) => setTimeout(r, 300));
    try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
    rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  };
  cleanups.add(stop);
  try {
    let stderr = '';
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Chromium printed no DevTools URL: ${stderr}`)), 15000);
      proc.stderr.on('data', (d) => {
        stderr += d;
        const m = stderr.match(/DevTools listening on (ws:\/\/\S+)/);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      });
      proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`Chromium exited (${code}): ${stderr}`)); });
    });
    browser = await chromium.connectOverCDP(url, { noDefaults: true });
    return { browser, stop, url };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The page's own visibility, as the page sees it. */
export const visibility = (page) => page.evaluate(() => document.visibilityState);

// ---- npm projects made by the tests (package.test.mjs, react.test.mjs)

/** Runs a command in `cwd`; resolves with its output, rejects with the end of it. */
export function run(command, args, cwd, timeout = 120000) {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
    let out = '';
    const timer = setTimeout(() => { proc.kill(); reject(new Error(`${command} ${args.join(' ')} took over ${timeout / 1000} s`)); }, timeout);
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { out += d; });
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${out.slice(-2000)}`));
    });
  });
}

/** `npm pack` of the package into `dir`: resolves with npm's report ({ filename, files, ... }). */
export async function pack(pkgDir, dir) {
  const out = await run('npm', ['pack', pkgDir, '--pack-destination', dir, '--json', '--loglevel=error'], dir);
  return JSON.parse(out.slice(out.indexOf('[')))[0];
}

/** Serves `root` with the repository's static server (scripts/serve.mjs: the strict CSP): { base, stop }. */
export function serve(repoRoot, root) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [join(repoRoot, 'scripts', 'serve.mjs'), root, '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) resolve({ base: m[1], stop: () => proc.kill() });
    });
    proc.on('exit', (code) => reject(new Error(`the server exited (${code}): ${out}`)));
  });
}

/**
 * Starts the Vite dev server of the project in `app` (its own node_modules/.bin/vite) on 127.0.0.1 and a port it
 * picks: resolves with { base, stop, output() }. Stopped by the runner too if a run is interrupted.
 */
export async function viteDev(app) {
  const proc = spawn(join(app, 'node_modules', '.bin', 'vite'), ['--host', '127.0.0.1', '--port', '0'], {
    cwd: app, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, NO_COLOR: '1', CI: 'true' },
  });
  let out = '';
  const stop = async () => {
    cleanups.delete(stop);
    try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone */ }
  };
  cleanups.add(stop);
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  try {
    const base = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`vite printed no address: ${out}`)), 30000);
      const look = () => {
        const m = out.match(/Local:\s+(http:\/\/127\.0\.0\.1:\d+)\//);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      };
      proc.stdout.on('data', look);
      proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`vite exited (${code}): ${out}`)); });
    });
    return { base, stop, output: () => out };
  } catch (e) {
    await stop();
    throw e;
  }
}
