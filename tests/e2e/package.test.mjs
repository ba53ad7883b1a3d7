// Packaging: the npm package as a person gets it. `npm pack` of pkg/ into a temporary directory, a fresh
// Vite project (`import { install } from 'jit-permissions'`) that installs the tarball and Vite from the
// npm registry, `tsc --strict` over every entry's types (each `exports` entry, the README's quick start),
// `vite build`, the wasm asset emitted by Vite, the UI and each locale emitted as chunks of
// their own (loaded on first need), then dist/ served under the same strict CSP
// as the demo (scripts/serve.mjs) and used in headless Chromium: query() and a request() flow through the
// pre-prompt, answered with jit-permissions/testing. Geolocation is granted from outside (CDP `Browser.setPermission`) while the pre-prompt is
// open, because headless Chromium would deny the real prompt; a position is emulated too, in case the
// library asks the browser for one (this machine has no location source, so an unanswered
// getCurrentPosition would never settle).
// Then the same app in `vite` dev mode (Vite 8 pre-bundles the package and finds its wasm: nothing to configure),
// and in Vite 7's dev mode, whose esbuild pre-bundling loses the wasm (`expected magic word 00 61 73 6d`) unless the
// README's one line (`optimizeDeps: { exclude: ['jit-permissions'] }`) is there: both shown.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  assert, assertEqual, launch, newPage, pack, run, serve, setPermission, viteDev, waitPrePrompt, waitPrePromptClosed,
} from './lib.mjs';

// Vite 8 installs and builds here (Node 20.19+); pinned exactly so the check does not drift.
export const VITE = '8.3.8';
// The last Vite whose dev server pre-bundles with esbuild (which keeps `new URL(..., import.meta.url)` pointing
// into .vite/deps/, where the wasm is not).
const VITE_7 = '7.3.8';
// The Playwright whose Page `jit-permissions/testing`'s answer() must accept (the version tests/e2e uses).
const PLAYWRIGHT = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).devDependencies['playwright-core'];
// The package's types are checked the way a TypeScript user meets them: through the exports map.
const TYPESCRIPT = '5.9.3';
// Playwright's own types refer to Node's.
const TYPES_NODE = '20.19.43';

// Uses every part of the public API with its declared types; `tsc --strict` must accept it, and the
// @ts-expect-error lines prove the types are narrow (they fail the check if the types were `any`).
const CHECK_TS = `import { install, isRefusal, type JitPermissions, type JitPermissionStatus, type PermissionState,
  type InstallOptions, type PromptContent, type AuditDetail, type JitPermissionSnapshot, type RefusalReason,
  type StringKey } from 'jit-permissions';
import { answer, answerWebDriver, auditTrail, choiceSelector, createClock, findChoice, type TestClock } from 'jit-permissions/testing';
import type { Page } from 'playwright-core';

const clock: TestClock = createClock();
const options: InstallOptions = { oneTime: { hiddenTimeout: 10_000 }, embargo: { dismissals: 3 }, locale: 'de', patch: false,
  persistent: { unusedAfter: 86_400_000 }, strings: { allowOnce: 'Nur dieses Mal', helpLabel: 'Hilfe zu {name}' }, clock,
  indicator: true, headingLevel: 3 };
// @ts-expect-error: heading levels are 1 to 6
const deep: InstallOptions = { headingLevel: 7 };
// @ts-expect-error: not a key of the built-in strings
const misspelt: InstallOptions = { strings: { allowonce: 'x' } };
const key: StringKey = 'expiresIn';
const prompt: PromptContent = { title: 'Take a photo?', reason: 'For your profile.', image: { src: '/a.svg', alt: 'A camera' }, reconsider: true };

function describeAudit(d: AuditDetail): string {
  switch (d.type) {
    case 'decision': return d.choice;
    case 'expiry': return d.cause;
    case 'revocation': return d.cause;
    case 'embargo': return new Date(d.until).toISOString();
    case 'blocked': {
      const cause: 'browser' | 'system' | 'policy' | 'busy' | 'no-device' = d.cause;
      return cause;
    }
    case 'prompt-shown':
    case 'reset':
    case 'declined': {
      const none: null = d.detail;
      return String(none);
    }
  }
}

async function main(): Promise<PermissionState> {
  const permissions: JitPermissions = await install(options);
  const status: JitPermissionStatus = await permissions.query({ name: 'camera' });
  status.onchange = () => undefined;
  const state: PermissionState = status.state;
  const grant: 'one-time' | 'persistent' | null = status.grant;
  const expires: number | null = status.expiresAt;
  try {
    const stream: MediaStream = await permissions.getUserMedia({ video: true }, prompt);
    void stream;
  } catch (e) {
    // @ts-expect-error: a catch variable is unknown under --strict until narrowed
    void e.reason;
    if (isRefusal(e)) {
      const reason: RefusalReason = e.reason;
      const name: 'NotAllowedError' = e.name;
      const dom: DOMException = e;
      void [reason, name, dom];
    }
  }
  const position: GeolocationPosition = await permissions.getCurrentPosition(undefined, prompt);
  const watch: number = await permissions.watchPosition(() => undefined, null, {}, prompt);
  permissions.clearWatch(watch);
  permissions.clearWatch(permissions.watchPosition(() => undefined));
  // @ts-expect-error: not a watch id
  permissions.clearWatch('1');
  const notification: NotificationPermission = await permissions.requestNotifications(prompt);
  await permissions.revoke({ name: 'camera' });
  await permissions.reset({ name: 'camera' });
  permissions.refresh();
  const onAudit = (e: CustomEvent<AuditDetail>) => { void describeAudit(e.detail); };
  permissions.addEventListener('audit', onAudit);
  permissions.removeEventListener('audit', onAudit);
  permissions.controls(document.body).destroy();
  permissions.indicator().destroy();
  const ready: Promise<boolean> = permissions.indicator(document.body).ready;
  const snapshot: JitPermissionSnapshot = permissions.snapshot({ name: 'camera' });
  // @ts-expect-error: a snapshot is read-only
  snapshot.state = 'granted';
  const unsubscribe: () => void = permissions.subscribe({ name: 'microphone' }, (s) => { const d: number | null = s.decidedAt; void d; });
  unsubscribe();
  // @ts-expect-error: not a gated name
  await permissions.request({ name: 'midi' });
  // @ts-expect-error: state is a PermissionState, not a number
  const wrong: number = status.state;
  const trail = auditTrail(permissions);
  const first: AuditDetail | undefined = trail.records[0];
  trail.stop();
  clock.advance(1000);
  clock.set(Date.now());
  const selector: string = choiceSelector('allow-once', 'camera');
  const button: HTMLButtonElement | null = findChoice('dismiss');
  void [grant, expires, position, notification, wrong, key, misspelt, deep, ready, first, selector, button];
  return state;
}

// The helpers take a real Playwright Page, and a WebDriver-like driver.
async function helpers(page: Page, driver: { executeScript(script: string, ...args: unknown[]): Promise<unknown> }) {
  await answer(page, 'allow-once', { name: 'camera', timeout: 5000 });
  await answerWebDriver(driver, 'dont-allow');
  // @ts-expect-error: not a choice of the pre-prompt
  await answer(page, 'allow-twice');
}
void main;
void helpers;
`;

// The README's first quick start, as written (a JS module that TypeScript must also accept under --strict: its
// catch block narrows with isRefusal). It names a button, a video and the app's own fallback.
const README_PRELUDE = `import type { RefusalReason } from 'jit-permissions';
declare const button: HTMLButtonElement;
declare const video: HTMLVideoElement;
declare function showManualUpload(reason: RefusalReason): void;
`;
function readmeQuickStart(repoRoot) {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### npm, with a bundler'));
  const m = section.match(/```js\n([\s\S]*?)```/);
  assert(m, 'README.md has a ```js block under "### npm, with a bundler"');
  return m[1];
}

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>jit-permissions in a Vite app</title>
  <script type="module" src="/main.js"></script>
</head>
<body>
  <main>
    <h1>jit-permissions in a Vite app</h1>
    <p>Camera: <output id="camera">…</output></p>
    <button type="button" id="ask">Show the weather where I am</button>
    <p id="out" role="status"></p>
  </main>
</body>
</html>
`;

const MAIN_JS = `import { install } from 'jit-permissions';

install().then(async (permissions) => {
  const camera = await permissions.query({ name: 'camera' });
  document.getElementById('camera').textContent = camera.state;
  window.__camera = camera.toJSON();
  document.getElementById('ask').addEventListener('click', async () => {
    const status = await permissions.request({ name: 'geolocation' }, {
      title: 'Use your location for the weather?',
      reason: 'We read your position once to show the weather where you are.',
    });
    window.__geolocation = status.toJSON();
    document.getElementById('out').textContent = 'geolocation: ' + status.state + ' (' + status.grant + ')';
  });
  document.documentElement.dataset.ready = 'true';
}, (error) => {
  document.getElementById('out').textContent = 'failed: ' + error;
  window.__error = String(error);
});
`;

/**
 * The app's flow in a page at `base` (the built app under the CSP, or a dev server): install() resolves, camera
 * queries prompt, and a geolocation request goes through the pre-prompt, answered "Allow this time" with
 * jit-permissions/testing (a real click), to a one-time grant.
 */
async function useTheApp(env, shared, base, shot) {
  const { answer } = await import(pathToFileURL(join(env.pkgDir, 'testing.js')).href);
  const { context, page } = await newPage(shared.browser);
  try {
    await page.goto(`${base}/`);
    await page.waitForSelector('html[data-ready="true"]', { timeout: 20000 }).catch(async (e) => {
      throw new Error(`the app did not start: ${await page.evaluate(() => window.__error)} ${page.problems.join(' | ') || e.message}`);
    });
    const camera = await page.evaluate(() => window.__camera);
    assertEqual(camera.state, 'prompt', 'query({name: "camera"}).state');
    assertEqual(camera.name, 'camera', 'query({name: "camera"}).name');

    await context.setGeolocation({ latitude: 40.4168, longitude: -3.7038, accuracy: 25 });
    await page.click('#ask');
    await waitPrePrompt(page, 'geolocation');
    await setPermission(page, 'geolocation', 'granted');
    if (shot) await env.shot(page, shot);
    await answer(page, 'allow-once', { name: 'geolocation' });
    await waitPrePromptClosed(page);
    await page.waitForFunction(() => window.__geolocation, null, { timeout: 10000 });
    const geo = await page.evaluate(() => window.__geolocation);
    assertEqual(geo.state, 'granted', 'request({name: "geolocation"}) state');
    assertEqual(geo.grant, 'one-time', 'request({name: "geolocation"}) grant');
    assert(page.problems.length === 0, `the page reported problems: ${page.problems.join(' | ')}`);
  } finally {
    await context.close();
  }
}

export async function before(env, shared) {
  shared.browser = await launch();
  shared.dir = mkdtempSync(join(tmpdir(), 'jit-permissions-e2e-vite-'));
}

export async function after(env, shared) {
  shared.server?.stop();
  await shared.browser?.close();
  if (shared.dir) rmSync(shared.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

const lapper = (times) => async (what, f) => { const t = Date.now(); try { return await f(); } finally { times[what] = ((Date.now() - t) / 1000).toFixed(1); } };
const report = (label, times) => console.error(`[package] ${label} times (s): ${Object.entries(times).map(([k, v]) => `${k} ${v}`).join(', ')}`);

export const tests = [
  {
    name: `npm pack, a fresh Vite ${VITE} project installs the tarball, tsc --strict accepts every entry and the README, vite build emits the wasm, and it runs under the CSP`,
    timeout: 180000,
    async fn(env, shared) {
      const times = {};
      const lap = lapper(times);
      const packDir = join(shared.dir, 'pack');
      const app = join(shared.dir, 'app');
      mkdirSync(packDir);
      mkdirSync(app);

      const info = await lap('pack', () => pack(env.pkgDir, packDir));
      shared.tarball = join(packDir, info.filename);
      const files = info.files.map((f) => f.path).sort();
      for (const f of ['index.js', 'index.d.ts', 'jit_permissions_bg.wasm', 'package.json',
        'tasks.js', 'calls.js', 'patch.js', 'recovery.js', 'panel.js', 'indicator.js', 'chip.js', 'testing.js', 'testing.d.ts', 'locales/de.js', 'locales/fr.js', 'locales/es.js', 'locales/ja.js']) {
        assert(files.includes(f), `the tarball has ${f} (it has ${files.join(', ')})`);
      }

      writeFileSync(join(app, 'package.json'), `${JSON.stringify({
        name: 'jit-permissions-vite-check',
        private: true,
        type: 'module',
        scripts: { build: 'vite build', dev: 'vite' },
        dependencies: { 'jit-permissions': `file:../pack/${info.filename}` },
        devDependencies: { vite: VITE, typescript: TYPESCRIPT, 'playwright-core': PLAYWRIGHT, '@types/node': TYPES_NODE },
      }, null, 2)}\n`);
      writeFileSync(join(app, 'index.html'), INDEX_HTML);
      writeFileSync(join(app, 'main.js'), MAIN_JS);
      await lap('npm install', () => run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app));
      const installed = JSON.parse(readFileSync(join(app, 'node_modules', 'vite', 'package.json'), 'utf8')).version;
      assertEqual(installed, VITE, 'installed Vite');

      // Every exports entry with types is imported by the check, so a new entry cannot ship unchecked.
      const manifest = JSON.parse(readFileSync(join(app, 'node_modules', 'jit-permissions', 'package.json'), 'utf8'));
      const entries = Object.entries(manifest.exports).filter(([, t]) => typeof t === 'object' && t.types);
      assert(entries.some(([k]) => k === './testing'), 'the exports map has ./testing');
      for (const [, t] of entries) {
        const types = readFileSync(join(app, 'node_modules', 'jit-permissions', t.types), 'utf8');
        assert(!/\bany\b/.test(types.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '')), `${t.types} declares no \`any\``);
      }
      const everyEntry = entries.map(([k], i) => `import * as entry${i} from '${k === '.' ? 'jit-permissions' : `jit-permissions/${k.slice(2)}`}';\nvoid entry${i};\n`).join('');
      writeFileSync(join(app, 'check.ts'), everyEntry + CHECK_TS);
      writeFileSync(join(app, 'readme.ts'), README_PRELUDE + readmeQuickStart(env.repoRoot));
      await lap('tsc', () => run(join(app, 'node_modules', '.bin', 'tsc'), ['--noEmit', '--strict', '--target', 'es2022',
        '--module', 'esnext', '--moduleResolution', 'bundler', '--lib', 'es2022,dom', 'check.ts', 'readme.ts'], app));

      await lap('vite build', () => run(join(app, 'node_modules', '.bin', 'vite'), ['build'], app));
      const assets = readdirSync(join(app, 'dist', 'assets'));
      const wasm = assets.filter((f) => f.endsWith('.wasm'));
      assertEqual(wasm.length, 1, `wasm assets emitted by Vite (assets: ${assets.join(', ')})`);
      assertEqual(statSync(join(app, 'dist', 'assets', wasm[0])).size, statSync(join(env.pkgDir, 'jit_permissions_bg.wasm')).size,
        'the emitted wasm is the package\'s');
      // The UI and each locale are chunks of their own, loaded on first need: the entry chunk holds none of them.
      const js = assets.filter((f) => f.endsWith('.js')).map((f) => ({ f, text: readFileSync(join(app, 'dist', 'assets', f), 'utf8') }));
      const holding = (needle) => js.filter((c) => c.text.includes(needle)).map((c) => c.f);
      const entry = holding('compileStreaming');
      assertEqual(entry.length, 1, `chunks with the entry (${js.map((c) => c.f).join(', ')})`);
      // (A string of the pre-prompt's alone, src/ui/prompt.js, which the chunk tasks.js holds: the polyfill's chip,
      // chip.js, is a chunk of its own and marks its host too.)
      const uiChunks = holding('Allow on every visit');
      assertEqual(uiChunks.length, 1, 'chunks with the UI');
      assert(uiChunks[0] !== entry[0], 'the UI is in the entry chunk');
      for (const text of ['Dieses Mal zulassen', 'Autoriser cette fois', 'Permitir esta vez', '今回のみ許可']) {
        const c = holding(text);
        assertEqual(c.length, 1, `chunks with "${text}"`);
        assert(c[0] !== entry[0] && c[0] !== uiChunks[0], `"${text}" is not in a chunk of its own`);
      }
      shared.app = app;

      shared.server = await serve(env.repoRoot, join(app, 'dist'));
      await lap('browser', () => useTheApp(env, shared, shared.server.base, '18-vite-app-pre-prompt.png'));
      report('build', times);
    },
  },
  {
    name: `the same app in vite ${VITE} dev mode, with no configuration`,
    timeout: 90000,
    async fn(env, shared) {
      assert(shared.app, 'no app: the build test above did not get as far as installing it');
      const times = {};
      const dev = await lapper(times)('dev server', () => viteDev(shared.app));
      try {
        await lapper(times)('browser', () => useTheApp(env, shared, dev.base));
      } catch (e) {
        throw new Error(`${e.message} (vite said: ${dev.output().slice(-800)})`);
      } finally {
        await dev.stop();
      }
      report('dev', times);
    },
  },
  {
    name: `vite ${VITE_7} dev mode: without the README's line the wasm is lost (expected magic word), with it the app runs`,
    timeout: 120000,
    async fn(env, shared) {
      assert(shared.tarball, 'no tarball: the build test above did not get as far as packing it');
      const times = {};
      const lap = lapper(times);
      const app = join(shared.dir, 'app-vite7');
      mkdirSync(app);
      writeFileSync(join(app, 'package.json'), `${JSON.stringify({
        name: 'jit-permissions-vite7-check', private: true, type: 'module',
        dependencies: { 'jit-permissions': `file:${shared.tarball}` }, devDependencies: { vite: VITE_7 },
      }, null, 2)}\n`);
      writeFileSync(join(app, 'index.html'), INDEX_HTML);
      writeFileSync(join(app, 'main.js'), MAIN_JS);
      await lap('npm install', () => run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app));

      // Without configuration: install() rejects because the wasm URL leads to index.html.
      let dev = await lap('dev server', () => viteDev(app));
      try {
        const { context, page } = await newPage(shared.browser);
        await page.goto(`${dev.base}/`);
        const error = await page.waitForFunction(() => window.__error, null, { timeout: 20000 }).then((h) => h.jsonValue(), () => null);
        await context.close();
        assert(error && /expected magic word 00 61 73 6d/.test(error),
          `without optimizeDeps.exclude, Vite ${VITE_7} dev mode was expected to lose the wasm; the app said ${JSON.stringify(error)}`);
      } finally {
        await dev.stop();
      }

      // The README's line (section Deploying, "Vite").
      const readme = readFileSync(join(env.repoRoot, 'README.md'), 'utf8');
      const line = "optimizeDeps: { exclude: ['jit-permissions'] }";
      assert(readme.includes(line), `the README documents \`${line}\``);
      writeFileSync(join(app, 'vite.config.js'), `export default { ${line} };\n`);
      rmSync(join(app, 'node_modules', '.vite'), { recursive: true, force: true });
      dev = await lap('dev server, configured', () => viteDev(app));
      try {
        await lap('browser', () => useTheApp(env, shared, dev.base));
      } finally {
        await dev.stop();
      }
      report(`vite ${VITE_7}`, times);
    },
  },
];
