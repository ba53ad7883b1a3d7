// The Firefox sections, through selenium-webdriver and geckodriver (Playwright cannot drive Debian's Firefox ESR):
// start-up, query overhead, event latency (geolocation: geckodriver cannot set camera) and wasm memory.
import { Builder } from 'selenium-webdriver';
import firefox from 'selenium-webdriver/firefox.js';
import {
  fmtBytes, fmtMB, fmtMs, fmtSigned, fmtUs, freePort, max, median, onCleanup, p90, runTmp, sleep, start, stop, waitForHttp,
  until, withTimeout,
} from './lib.mjs';
import { startupReport } from './chromium.mjs';

const FIREFOX = '/usr/bin/firefox-esr';

async function startFirefox() {
  const port = await freePort();
  const env = { ...process.env, TMPDIR: runTmp() };
  const child = start('geckodriver', 'geckodriver', ['--port', String(port), '--host', '127.0.0.1', '--log', 'warn'], env);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/status`, child);
  const options = new firefox.Options()
    .setBinary(FIREFOX)
    .addArguments('-headless')
    // Full-resolution performance.now() for the measurements (Firefox coarsens it to 1 ms by default without
    // cross-origin isolation); nothing the library does depends on it.
    .setPreference('privacy.reduceTimerPrecision', false);
  const driver = await withTimeout(
    new Builder().forBrowser('firefox').usingServer(url).setFirefoxOptions(options).build(), 60000, 'Firefox session');
  await driver.manage().setTimeouts({ script: 120000, pageLoad: 30000 });
  const sessionId = (await driver.getSession()).getId();
  const version = (await driver.getCapabilities()).get('browserVersion');
  return { driver, child, url, sessionId, version };
}

async function load(driver, url) {
  await driver.get(url);
  return until(() => driver.executeScript('return window.__ready === true || (window.__result ? true : null)'), 15000, url);
}

async function setPermission(ff, name, state) {
  const res = await fetch(`${ff.url}/session/${ff.sessionId}/permissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ descriptor: { name }, state }),
    signal: AbortSignal.timeout(10000),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || (body.value && body.value.error)) {
    throw new Error(`geckodriver: POST /session/{id}/permissions ${name}=${state}: ${res.status} ${body.value && body.value.message}`);
  }
}

export async function runFirefox(origin, cfg, section) {
  const ff = await startFirefox();
  const { driver } = ff;
  const unregister = onCleanup(async () => { await driver.quit().catch(() => {}); await stop(ff.child); });
  try {
    await section('Firefox start-up', async () => {
      const results = [];
      for (let i = 0; i < cfg.loads; i++) {
        await driver.get(`${origin}/bench/pages/startup.html?order=${i % 2 ? 'lib-first' : 'native-first'}&load=${i}`);
        const r = await until(() => driver.executeScript('return window.__result || null'), 15000, `start-up load ${i}`, 5);
        if (r.error) throw new Error(`start-up page failed: ${r.error}`);
        results.push(r);
      }
      return startupReport('Firefox', results);
    });
    await section('Firefox query overhead', async () => {
      await load(driver, `${origin}/bench/pages/query.html`);
      const r = await driver.executeScript('return window.bench.run(arguments[0])', { name: 'camera', rounds: cfg.rounds, size: cfg.batch });
      const ratio = median(r.lib) / median(r.native);
      return {
        rows: [[`Query overhead per call (Firefox, ${(r.lib.length * r.size).toLocaleString('en')} calls each)`,
          `median ${fmtUs(median(r.lib))}`, `native query: median ${fmtUs(median(r.native))}`,
          `${ratio.toFixed(2)}x`, '<= 1.30x', ratio <= 1.3 ? 'PASS' : `MISS by ${(ratio - 1.3).toFixed(2)}x`]],
        notes: [`Query overhead (Firefox): as in Chromium ('${r.name}', native state ${r.state}); p90 library ` +
          `${fmtUs(p90(r.lib))}, native ${fmtUs(p90(r.native))}. privacy.reduceTimerPrecision is off in the bench profile.`],
      };
    });
    await section('Firefox event latency', async () => {
      await load(driver, `${origin}/bench/pages/events.html?name=geolocation`);
      const seq = ['granted', 'denied', 'prompt'];
      const samples = [];
      const missed = [];
      for (let i = 0; i < cfg.changes; i++) {
        const setting = seq[i % seq.length];
        const before = await driver.executeScript('return window.bench.counts()');
        const sentAt = Date.now();
        await setPermission(ff, 'geolocation', setting);
        try {
          await until(async () => {
            const c = await driver.executeScript('return window.bench.counts()');
            return c.lib > before.lib && c.native > before.native;
          }, 3000, `change ${i}`, 5);
        } catch {
          missed.push(setting);
          continue;
        }
        const ev = await driver.executeScript(
          'const e = window.bench.events; return { lib: e.lib[arguments[0]], native: e.native[arguments[1]], libCount: e.lib.length };',
          before.lib, before.native);
        samples.push({ setting, sentAt, lib: ev.lib, native: ev.native, extraLib: ev.libCount - before.lib - 1 });
        await sleep(30);
      }
      if (samples.length === 0) throw new Error(`no change seen by both listeners (missed: ${missed.join(', ')})`);
      const deltas = samples.map((s) => s.lib.t - s.native.t);
      const med = median(deltas);
      const wrong = samples.filter((s) => s.lib.state !== s.native.state || s.extraLib !== 0);
      const ok = med <= 16 && missed.length === 0;
      return {
        rows: [[`Event latency (Firefox, geolocation, ${samples.length} changes)`,
          `median ${fmtMs(median(samples.map((s) => s.lib.t - s.sentAt)))} after set permissions`,
          `native change: median ${fmtMs(median(samples.map((s) => s.native.t - s.sentAt)))}`,
          `median ${fmtSigned(med, fmtMs)}, max ${fmtSigned(max(deltas), fmtMs)}`,
          '<= +16 ms', ok ? 'PASS' : missed.length ? `MISS: ${missed.length} changes not seen by both` : `MISS by ${fmtMs(med - 16)}`]],
        notes: [`Event latency (Firefox): geolocation, as geckodriver cannot set camera ("currently unsupported"); toggled ` +
          `granted/denied/prompt ${cfg.changes} times with POST /session/{id}/permissions. ` +
          (wrong.length ? `${wrong.length} changes where the library's state differed from the native one or fired more than once: ` +
            wrong.slice(0, 3).map((s) => `${s.setting}: library ${s.lib.state} (extra ${s.extraLib}) vs native ${s.native.state}`).join('; ') + '.'
            : 'Every change: the library reported the same state as native, exactly once.') +
          (missed.length ? ` Changes not seen by both listeners within 3 s: ${missed.join(', ')}.` : '')],
      };
    });
    await section('Firefox memory', async () => {
      await load(driver, `${origin}/bench/pages/memory.html`);
      const wasm = () => driver.executeScript('return window.bench.wasmBytes()');
      const run = async (n) => {
        for (let done = 0; done < n; done += 10_000) {
          await driver.executeScript('return window.bench.cycles(arguments[0])', Math.min(10_000, n - done));
        }
      };
      const s = await wasm();
      await run(cfg.cycles / 2);
      const mid = await wasm();
      await run(cfg.cycles / 2);
      const end = await wasm();
      if (mid == null) return { rows: [['Memory: wasm linear memory (Firefox)', 'not reachable from the page', '-', '-', '-', 'n/a']] };
      const g = end - mid;
      return {
        rows: [[`Memory: wasm linear memory, ${cfg.cycles / 1000}k cycles (Firefox)`,
          `end ${fmtMB(end)}`, `mid ${fmtMB(mid)} (start ${fmtMB(s)})`, `${fmtSigned(g, fmtBytes)} mid->end`,
          'no growth mid->end', g <= 0 ? 'PASS' : `MISS by ${fmtBytes(g)}`]],
        notes: ['Memory (Firefox): wasm linear memory only; WebDriver gives no JS heap figure after a forced GC in Firefox.'],
      };
    });
  } finally {
    unregister();
    await withTimeout(driver.quit(), 10000, 'driver.quit').catch(() => {});
    await stop(ff.child);
  }
  return ff.version;
}
