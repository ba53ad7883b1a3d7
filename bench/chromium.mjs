// The Chromium sections, through playwright-core and Debian's /usr/bin/chromium: start-up, first load and first
// prompt from the network (also throttled, see network.mjs), query overhead,
// event latency, memory and expiry accuracy in a visible page (Playwright emulates focus, so its pages stay
// visible), and the hidden-page check in a Chromium started here with --remote-debugging-port.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  fmtBytes, fmtMB, fmtMs, fmtSigned, fmtUs, freePort, log, max, median, onCleanup, p90, runTmp, sleep, start, stop,
  waitForHttp, until, withTimeout,
} from './lib.mjs';
import { firstLoad, networkReport, throttled } from './network.mjs';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
// The dialogs take input 500 ms after they show (as the browser's bubble), then carry data-ready: wait for it.
const PRE_PROMPT_ALLOW_ONCE = 'div[data-jit-permissions="pre-prompt"] dialog[open][data-ready] button[data-choice="allow-once"]';
const GEO = { latitude: 52.52, longitude: 13.405, accuracy: 10 };

async function openPage(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  try {
    await page.waitForFunction(() => window.__ready === true, null, { timeout: 15000 });
  } catch (e) {
    throw new Error(`${url} did not get ready: ${errors.join(' / ') || e.message}`);
  }
  return page;
}

async function setPermission(browserSession, { name, setting, origin, browserContextId }) {
  const params = { permission: { name }, setting, origin };
  if (browserContextId) params.browserContextId = browserContextId;
  await browserSession.send('Browser.setPermission', params);
}

async function contextIdOf(context, page) {
  const s = await context.newCDPSession(page);
  const { targetInfo } = await s.send('Target.getTargetInfo');
  await s.detach().catch(() => {});
  return targetInfo.browserContextId;
}

// ---- start-up ---------------------------------------------------------------------------------------

/** `loads` fresh page loads of bench/pages/startup.html, each measuring the library and native; order alternates. */
export async function startup(browser, origin, loads) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const results = [];
  for (let i = 0; i < loads; i++) {
    // A fresh navigation every time (the query string differs), so every load is a new document.
    await page.goto(`${origin}/bench/pages/startup.html?order=${i % 2 ? 'lib-first' : 'native-first'}&load=${i}`);
    const r = await (await page.waitForFunction(() => window.__result, null, { timeout: 15000 })).jsonValue();
    if (r.error) throw new Error(`start-up page failed: ${r.error}`);
    results.push(r);
  }
  await context.close();
  return results;
}

/** The start-up row and note of one engine, from startup.html's results. */
export function startupReport(engine, results) {
  const lib = results.map((r) => r.lib.ms);
  const native = results.map((r) => r.native);
  const ratio = median(lib) / median(native);
  const phase = (k) => median(results.map((r) => r.lib.phases[k]));
  const phases = ['import', 'compile', 'instantiate', 'start', 'queries'].map((k) => [k, phase(k)]);
  const top = [...phases].sort((a, b) => b[1] - a[1])[0];
  const byOrder = (o) => results.filter((r) => r.order === o);
  const ratioOf = (list) => (median(list.map((r) => r.lib.ms)) / median(list.map((r) => r.native))).toFixed(1);
  return {
    rows: [[`Start-up: import -> install() -> 4 queries (${engine}, ${results.length} loads)`,
      `median ${fmtMs(median(lib))}, p90 ${fmtMs(p90(lib))}`,
      `the browser's 4 queries, same loads: median ${fmtMs(median(native))}`,
      `${ratio.toFixed(1)}x (${fmtSigned(median(lib) - median(native), fmtMs)})`, '-', 'info']],
    notes: [`Start-up (${engine}): median per phase ${phases.map(([k, v]) => `${k} ${fmtMs(v)}`).join(', ')}; ` +
      `the largest is ${top[0]}. Ratio when the browser's own queries ran first in the load ${ratioOf(byOrder('native-first'))}x, ` +
      `when the library ran first ${ratioOf(byOrder('lib-first'))}x.`],
  };
}

// ---- query overhead ---------------------------------------------------------------------------------

export async function queryOverhead(browser, origin, rounds, size) {
  const context = await browser.newContext();
  const page = await openPage(context, `${origin}/bench/pages/query.html`);
  const r = await page.evaluate(([rounds, size]) => window.bench.run({ name: 'camera', rounds, size }), [rounds, size]);
  await context.close();
  return r;
}

// ---- event latency ----------------------------------------------------------------------------------

export async function eventLatency(browser, origin, changes) {
  const context = await browser.newContext();
  const page = await openPage(context, `${origin}/bench/pages/events.html?name=camera`);
  const browserContextId = await contextIdOf(context, page);
  const bs = await browser.newBrowserCDPSession();
  const seq = ['granted', 'denied', 'prompt'];
  const samples = [];
  const missed = [];
  try {
    for (let i = 0; i < changes; i++) {
      const setting = seq[i % seq.length];
      const before = await page.evaluate(() => window.bench.counts());
      const sentAt = Date.now();
      await setPermission(bs, { name: 'camera', setting, origin, browserContextId });
      let after;
      try {
        after = await until(async () => {
          const c = await page.evaluate(() => window.bench.counts());
          return c.lib > before.lib && c.native > before.native ? c : null;
        }, 3000, `change ${i} (${setting})`, 5);
      } catch {
        missed.push(setting);
        await sleep(200);
        continue;
      }
      const ev = await page.evaluate(({ l, n }) => ({
        lib: window.bench.events.lib[l], native: window.bench.events.native[n],
        libCount: window.bench.events.lib.length, nativeCount: window.bench.events.native.length,
      }), { l: before.lib, n: before.native });
      samples.push({ setting, sentAt, lib: ev.lib, native: ev.native, extraLib: ev.libCount - before.lib - 1 });
      await sleep(30);
    }
  } finally {
    await bs.detach().catch(() => {});
    await context.close();
  }
  return { samples, missed };
}

// ---- memory -----------------------------------------------------------------------------------------

export async function memory(browser, origin, cycles) {
  const context = await browser.newContext();
  const page = await openPage(context, `${origin}/bench/pages/memory.html`);
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const measure = async () => {
    for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const wasm = await page.evaluate(() => window.bench.wasmBytes());
    return { heap: heap.usedSize, wasm };
  };
  const run = async (n) => {
    const chunk = 10_000;
    for (let done = 0; done < n; done += chunk) {
      await page.evaluate((k) => window.bench.cycles(k), Math.min(chunk, n - done));
    }
  };
  const t0 = Date.now();
  const startM = await measure();
  await run(cycles / 2);
  const mid = await measure();
  await run(cycles / 2);
  const end = await measure();
  const ms = Date.now() - t0;
  await context.close();
  return { start: startM, mid, end, ms };
}

// ---- expiry accuracy, visible page -----------------------------------------------------------------

async function oneTimeGrant(page, what) {
  await page.evaluate(() => window.bench.start());
  await page.locator(PRE_PROMPT_ALLOW_ONCE).click({ timeout: 5000 });
  const t = await until(() => page.evaluate(() => {
    const p = window.bench.peek();
    return p && (p.granted || p.error) ? p : null;
  }), 10000, `${what}: request() after allow-once`);
  if (t.error) throw new Error(`${what}: request() rejected: ${t.error}`);
  if (t.grant !== 'one-time' || !Number.isFinite(t.expiresAt)) {
    throw new Error(`${what}: expected a one-time grant, got state ${t.stateAfterRequest}, grant ${t.grant}, expiresAt ${t.expiresAt}`);
  }
  return t;
}

export async function expiryVisible(browser, origin, trials, lifetime) {
  const context = await browser.newContext({ geolocation: GEO });
  const page = await context.newPage();
  await page.goto(`${origin}/bench/pages/blank.html`);
  const browserContextId = await contextIdOf(context, page);
  const bs = await browser.newBrowserCDPSession();
  // Kept attached: Chromium drops a session's permission overrides when the session detaches.
  await setPermission(bs, { name: 'geolocation', setting: 'granted', origin, browserContextId });
  await page.goto(`${origin}/bench/pages/expiry.html?maxLifetime=${lifetime}`);
  await page.waitForFunction(() => window.__ready === true, null, { timeout: 15000 });
  const lateness = [];
  const problems = [];
  try {
    for (let i = 0; i < trials; i++) {
      const t = await oneTimeGrant(page, `trial ${i}`);
      const done = await until(() => page.evaluate(() => {
        const p = window.bench.peek();
        return p.changes.length ? p : null;
      }), lifetime + 5000, `trial ${i}: change after expiry`, 5);
      const c = done.changes[0];
      if (c.state !== 'prompt') problems.push(`trial ${i}: first change after the grant went to ${c.state}`);
      lateness.push(c.date - t.expiresAt);
      // The dialog of the previous trial must be gone before the next one opens.
      await page.locator(PRE_PROMPT_ALLOW_ONCE).waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
    }
  } finally {
    await context.close();
    await bs.detach().catch(() => {});
  }
  return { lateness, problems };
}

// ---- expiry in a hidden page: a Chromium started here, driven over CDP -----------------------------

export async function expiryHidden(origin, hiddenTimeout, readTrials = 3) {
  const port = await freePort();
  const profile = mkdtempSync(join(runTmp(), 'chromium-hidden-'));
  const child = start('chromium-cdp', CHROMIUM, ['--headless=new', ...ARGS, `--remote-debugging-port=${port}`,
    '--remote-debugging-address=127.0.0.1', `--user-data-dir=${profile}`, 'about:blank'],
  { ...process.env, TMPDIR: runTmp() });
  let browser;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/json/version`, child, 20000);
    browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { noDefaults: true });
    const context = browser.contexts()[0];
    const page = context.pages()[0] || await context.newPage();
    const bs = await browser.newBrowserCDPSession();
    await setPermission(bs, { name: 'geolocation', setting: 'granted', origin }); // bs stays attached (see above)
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setGeolocationOverride', GEO);
    await page.goto(`${origin}/bench/pages/expiry.html?hiddenTimeout=${hiddenTimeout}`);
    await page.waitForFunction(() => window.__ready === true, null, { timeout: 15000 });

    const hide = async () => {
      const other = await context.newPage();
      await until(() => page.evaluate(() => document.visibilityState === 'hidden'), 5000, 'the first tab to go hidden');
      return other;
    };
    const show = async (other) => {
      await other.close();
      await page.bringToFront();
      await until(() => page.evaluate(() => document.visibilityState === 'visible'), 5000, 'the first tab to be visible again');
    };

    // A: read the state right after the hidden deadline, before a throttled timer had to fire.
    const reads = [];
    for (let i = 0; i < readTrials; i++) {
      await oneTimeGrant(page, `hidden A${i}`);
      const other = await hide();
      const a0 = await page.evaluate(() => window.bench.peek());
      const deadline = a0.hiddenAt + hiddenTimeout;
      await sleep(Math.max(0, deadline - Date.now() + 5));
      const read = await page.evaluate(() => window.bench.read());
      reads.push({ readAfter: read.at - deadline, timerFiredBeforeRead: read.changesBefore > 0, state: read.state });
      await show(other);
    }

    // B: no read: when does the library's own timer fire in the hidden page?
    await oneTimeGrant(page, 'hidden B');
    const other = await hide();
    const b0 = await page.evaluate(() => window.bench.peek());
    const deadlineB = b0.hiddenAt + hiddenTimeout;
    let b;
    try {
      b = await until(() => page.evaluate(() => {
        const p = window.bench.peek();
        return p.changes.length ? p : null;
      }), hiddenTimeout + 15000, 'hidden B: change without a read', 20);
    } catch (e) {
      b = { timeout: e.message };
    }
    await show(other).catch(() => {});
    return {
      reads,
      b: b.timeout ? { error: b.timeout } : { lateness: b.changes[0].t - deadlineB, state: b.changes[0].state },
    };
  } finally {
    if (browser) await withTimeout(browser.close(), 5000, 'close').catch(() => {});
    await stop(child);
  }
}

// ---- all Chromium sections --------------------------------------------------------------------------

export async function runChromium(origin, cfg, section) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 30000 });
  const unregister = onCleanup(() => browser.close());
  const version = browser.version();
  try {
    await section('Chromium start-up', async () => {
      const r = startupReport('Chromium', await startup(browser, origin, cfg.loads));
      r.notes.unshift(`Start-up (both engines): ${cfg.loads} fresh navigations of bench/pages/startup.html; each load ` +
        `runs the browser's own navigator.permissions.query of camera, microphone, geolocation and notifications (in ` +
        `parallel) and the library's import('/pkg/index.js') -> install() -> query() of the same four, one after the ` +
        `other, in alternating order. Phases (User Timing marks of index.js): import = fetch and evaluate index.js and ` +
        `the glue bundled in it (the wasm download and compile start meanwhile); compile = what is left of the wasm download and ` +
        `compile when install() waits for it; instantiate; start = the runtime's start (the stored record, the ` +
        `browser's four queries, registering the page); queries = the four queries through the library. The server ` +
        `sends no-store, so every load fetches and compiles afresh (no HTTP or code cache): a first visit, over loopback.`);
      return r;
    });
    await section('Chromium first load and first prompt', async () => {
      const first = await firstLoad(browser, origin);
      const slow = await throttled(browser, origin, cfg.throttledLoads);
      return networkReport(first, slow);
    });
    await section('Chromium query overhead', async () => {
      const r = await queryOverhead(browser, origin, cfg.rounds, cfg.batch);
      const ratio = median(r.lib) / median(r.native);
      return {
        rows: [[`Query overhead per call (Chromium, ${(r.lib.length * r.size).toLocaleString('en')} calls each)`,
          `median ${fmtUs(median(r.lib))}`, `native query: median ${fmtUs(median(r.native))}`,
          `${ratio.toFixed(2)}x`, '<= 1.30x', ratio <= 1.3 ? 'PASS' : `MISS by ${(ratio - 1.3).toFixed(2)}x`]],
        notes: [`Query overhead (Chromium): '${r.name}' (native state ${r.state}); ${r.rounds} alternating rounds of ` +
          `${r.size} sequential awaited calls each (each call also reads .state), after 300 warm-up calls of each; median of the per-batch mean ` +
          `(performance.now() is coarsened to 100 µs here without cross-origin isolation, hence batches); ` +
          `p90 library ${fmtUs(p90(r.lib))}, native ${fmtUs(p90(r.native))}.`],
      };
    });
    await section('Chromium event latency', async () => {
      const { samples, missed } = await eventLatency(browser, origin, cfg.changes);
      if (samples.length === 0) throw new Error(`no change seen by both listeners (missed: ${missed.join(', ')})`);
      const deltas = samples.map((s) => s.lib.t - s.native.t);
      const libDelay = samples.map((s) => s.lib.t - s.sentAt);
      const natDelay = samples.map((s) => s.native.t - s.sentAt);
      const med = median(deltas);
      const wrong = samples.filter((s) => s.lib.state !== s.native.state || s.extraLib !== 0);
      const ok = med <= 16 && missed.length === 0;
      return {
        rows: [[`Event latency (Chromium, camera, ${samples.length} changes)`,
          `median ${fmtMs(median(libDelay))} after setPermission`,
          `native change: median ${fmtMs(median(natDelay))}`,
          `median ${fmtSigned(med, fmtMs)}, max ${fmtSigned(max(deltas), fmtMs)}`,
          '<= +16 ms', ok ? 'PASS' : missed.length ? `MISS: ${missed.length} changes not seen by both` : `MISS by ${fmtMs(med - 16)}`]],
        notes: [`Event latency (Chromium): camera toggled granted/denied/prompt ${cfg.changes} times with CDP ` +
          `Browser.setPermission; times are performance.timeOrigin + performance.now() in each listener, the command's ` +
          `send time is the runner's Date.now() (same machine clock). performance.now() is coarsened to 100 µs here, so +0.000 ms means ` +
          `both listeners ran within the same 100 µs; a negative delta means the library's event came first. ` +
          (wrong.length ? `${wrong.length} changes where the library's state differed from the native one or fired more than once: ` +
            wrong.slice(0, 3).map((s) => `${s.setting}: library ${s.lib.state} (extra ${s.extraLib}) vs native ${s.native.state}`).join('; ') + '.'
            : 'Every change: the library reported the same state as native, exactly once.') +
          (missed.length ? ` Changes not seen by both listeners within 3 s: ${missed.join(', ')}.` : '')],
      };
    });
    await section('Chromium memory', async () => {
      const m = await memory(browser, origin, cfg.cycles);
      const heapGrowth = m.end.heap - m.mid.heap;
      const heapTol = Math.max(64 * 1024, Math.round(m.mid.heap * 0.01));
      const rows = [];
      if (m.mid.wasm == null) {
        rows.push(['Memory: wasm linear memory (Chromium)', 'not reachable from the page', '-', '-', '-', 'n/a']);
      } else {
        const g = m.end.wasm - m.mid.wasm;
        rows.push([`Memory: wasm linear memory, ${cfg.cycles / 1000}k cycles (Chromium)`,
          `end ${fmtMB(m.end.wasm)}`, `mid ${fmtMB(m.mid.wasm)} (start ${fmtMB(m.start.wasm)})`,
          `${fmtSigned(g, fmtBytes)} mid->end`, 'no growth mid->end', g <= 0 ? 'PASS' : `MISS by ${fmtBytes(g)}`]);
      }
      rows.push([`Memory: JS heap after GC, same cycles (Chromium)`,
        `end ${fmtMB(m.end.heap)}`, `mid ${fmtMB(m.mid.heap)} (start ${fmtMB(m.start.heap)})`,
        `${fmtSigned(heapGrowth, fmtBytes)} mid->end`, `no growth mid->end (GC noise <= ${(heapTol / 1024).toFixed(0)} KiB)`,
        heapGrowth <= heapTol ? 'PASS' : `MISS by ${fmtBytes(heapGrowth - heapTol)}`]);
      return {
        rows,
        notes: [`Memory (Chromium): each cycle is query({name:'camera'}), addEventListener('change'), removeEventListener, ` +
          `drop; ${cfg.cycles.toLocaleString('en')} cycles took ${(m.ms / 1000).toFixed(1)} s including the measurements. JS heap = CDP ` +
          `Runtime.getHeapUsage usedSize after three HeapProfiler.collectGarbage; wasm = memory.buffer.byteLength of the ` +
          `instance (seen by the bench page wrapping WebAssembly.instantiate before it imports the package).`],
      };
    });
    await section('Chromium expiry (visible page)', async () => {
      const r = await expiryVisible(browser, origin, cfg.trials, 1000);
      const worst = max(r.lateness);
      const ok = worst <= 100 && r.problems.length === 0;
      return {
        rows: [[`Expiry lateness, one-time grant, visible page (Chromium, ${r.lateness.length} trials)`,
          `median ${fmtSigned(median(r.lateness), fmtMs)}, p90 ${fmtSigned(p90(r.lateness), fmtMs)}, max ${fmtSigned(worst, fmtMs)}`,
          'deadline: expiresAt (grant + 1000 ms)', `max ${fmtSigned(worst, fmtMs)}`, '<= 100 ms late',
          ok ? 'PASS' : r.problems.length ? `FAIL: ${r.problems[0]}` : `MISS by ${fmtMs(worst - 100)}`]],
        notes: [`Expiry (visible page, Chromium): install({oneTime:{maxLifetime:1000}}); geolocation granted with CDP ` +
          `Browser.setPermission and a geolocation override; each trial revokes if needed, calls request({name:'geolocation'}), ` +
          `clicks "Allow this time" in the pre-prompt's shadow root, and times the status's change to prompt with Date.now() ` +
          `(the library's own clock, the one expiresAt is in) against expiresAt.`],
      };
    });
    if (cfg.hidden) {
      await section('Chromium expiry (hidden page)', async () => {
        const r = await expiryHidden(origin, 1000);
        const states = r.reads.map((x) => x.state);
        const bad = states.filter((x) => x !== 'prompt');
        const early = r.reads.filter((x) => !x.timerFiredBeforeRead).length;
        const rows = [[
          `State read just after the deadline, hidden page (Chromium, ${r.reads.length} reads)`,
          `${[...new Set(states)].map((x) => `'${x}'`).join('/')}, read ${fmtMs(median(r.reads.map((x) => x.readAfter)))} after; ` +
            `timer not fired yet in ${early}/${r.reads.length}`,
          'deadline: hidden since + 1000 ms', '-', "'prompt'",
          bad.length === 0 ? 'PASS' : `FAIL: ${bad.length} reads got '${bad[0]}'`,
        ]];
        const notes = ['Expiry (hidden page, Chromium started here with --remote-debugging-port, driven with connectOverCDP): ' +
          'install({oneTime:{hiddenTimeout:1000}}); one-time geolocation grant as above, then a second tab hides the page. ' +
          (r.b.error ? `Timer without a read: ${r.b.error}.`
            : `Without any read of the state, the library's own timer fired ${fmtSigned(r.b.lateness, fmtMs)} after the hidden deadline ` +
              `(state '${r.b.state}'): hidden pages' timers are throttled, which is why reads re-check the clock.`)];
        return { rows, notes };
      });
    }
  } finally {
    unregister();
    await withTimeout(browser.close(), 10000, 'browser.close').catch(() => {});
  }
  return version;
}
