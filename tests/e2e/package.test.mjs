// Packaging: the npm package as a person gets it. `npm pack` of pkg/ into a temporary directory, a fresh
// Vite project (`import { install } from 'jit-permissions'`) that installs the tarball and Vite from the
// npm registry, `vite build`, the wasm asset emitted by Vite, the UI and each locale emitted as chunks of
// their own (loaded on first need), then dist/ served under the same strict CSP
// as the demo (scripts/serve.mjs) and used in headless Chromium: query() and a request() flow through the
// pre-prompt. Geolocation is granted from outside (CDP `Browser.setPermission`) while the pre-prompt is
// open, because headless Chromium would deny the real prompt; a position is emulated too, in case the
// library asks the browser for one (this machine has no location source, so an unanswered
// getCurrentPosition would never settle).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assert, assertEqual, choice, launch, newPage, setPermission, waitPrePrompt, waitPrePromptClosed,
} from './lib.mjs';

// Vite 8 installs and builds here (Node 20.19+); pinned exactly so the check does not drift.
const VITE = '8.3.8';
// The package's types are checked the way a TypeScript user meets them: through the exports map.
const TYPESCRIPT = '5.9.3';

// Uses every part of the public API with its declared types; \`tsc --strict\` must accept it, and the
// @ts-expect-error lines prove the types are narrow (they fail the check if the types were \`any\`).
const CHECK_TS = `import { install, type JitPermissions, type JitPermissionStatus, type PermissionState,
  type InstallOptions, type PromptContent, type AuditDetail } from 'jit-permissions';

const options: InstallOptions = { oneTime: { hiddenTimeout: 10_000 }, embargo: { dismissals: 3 }, locale: 'de', patch: false };
const prompt: PromptContent = { title: 'Take a photo?', reason: 'For your profile.', image: { src: '/a.svg', alt: 'A camera' } };

async function main(): Promise<PermissionState> {
  const permissions: JitPermissions = await install(options);
  const status: JitPermissionStatus = await permissions.query({ name: 'camera' });
  status.onchange = () => undefined;
  const state: PermissionState = status.state;
  const grant: 'one-time' | 'persistent' | null = status.grant;
  const expires: number | null = status.expiresAt;
  const stream: MediaStream = await permissions.getUserMedia({ video: true }, prompt);
  const position: GeolocationPosition = await permissions.getCurrentPosition(undefined, prompt);
  const watch: number = await permissions.watchPosition(() => undefined, null, {}, prompt);
  permissions.clearWatch(watch);
  const answer: NotificationPermission = await permissions.requestNotifications(prompt);
  await permissions.revoke({ name: 'camera' });
  await permissions.reset({ name: 'camera' });
  permissions.addEventListener('audit', (e) => { const d: AuditDetail = e.detail; void d.type; });
  permissions.controls(document.body).destroy();
  // @ts-expect-error: not a gated name
  await permissions.request({ name: 'midi' });
  // @ts-expect-error: state is a PermissionState, not a number
  const wrong: number = status.state;
  void [grant, expires, stream, position, answer, wrong];
  return state;
}
void main;
`;

function run(command, args, cwd, timeout = 120000) {
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

function serve(repoRoot, root) {
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

export async function before(env, shared) {
  shared.browser = await launch();
  shared.dir = mkdtempSync(join(tmpdir(), 'jit-permissions-e2e-vite-'));
}

export async function after(env, shared) {
  shared.server?.stop();
  await shared.browser?.close();
  if (shared.dir) rmSync(shared.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

export const tests = [
  {
    name: `npm pack, a fresh Vite ${VITE} project installs the tarball, vite build emits the wasm, and it runs under the CSP`,
    timeout: 180000,
    async fn(env, shared) {
      const times = {};
      const lap = async (what, f) => { const t = Date.now(); const r = await f(); times[what] = ((Date.now() - t) / 1000).toFixed(1); return r; };
      const packDir = join(shared.dir, 'pack');
      const app = join(shared.dir, 'app');
      mkdirSync(packDir);
      mkdirSync(app);

      const packed = await lap('pack', () => run('npm', ['pack', env.pkgDir, '--pack-destination', packDir, '--json', '--loglevel=error'], shared.dir));
      const info = JSON.parse(packed.slice(packed.indexOf('[')))[0];
      const files = info.files.map((f) => f.path).sort();
      for (const f of ['index.js', 'index.d.ts', 'jit_permissions.js', 'jit_permissions_bg.wasm', 'package.json',
        'ui.js', 'locales/de.js', 'locales/fr.js', 'locales/es.js', 'locales/ja.js']) {
        assert(files.includes(f), `the tarball has ${f} (it has ${files.join(', ')})`);
      }

      writeFileSync(join(app, 'package.json'), `${JSON.stringify({
        name: 'jit-permissions-vite-check',
        private: true,
        type: 'module',
        scripts: { build: 'vite build' },
        dependencies: { 'jit-permissions': `file:../pack/${info.filename}` },
        devDependencies: { vite: VITE, typescript: TYPESCRIPT },
      }, null, 2)}\n`);
      writeFileSync(join(app, 'index.html'), INDEX_HTML);
      writeFileSync(join(app, 'main.js'), MAIN_JS);
      await lap('npm install', () => run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app));
      const installed = JSON.parse(readFileSync(join(app, 'node_modules', 'vite', 'package.json'), 'utf8')).version;
      assertEqual(installed, VITE, 'installed Vite');

      const types = readFileSync(join(app, 'node_modules', 'jit-permissions', 'index.d.ts'), 'utf8');
      assert(!/\bany\b/.test(types.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '')), 'index.d.ts declares no `any`');
      writeFileSync(join(app, 'check.ts'), CHECK_TS);
      await lap('tsc', () => run(join(app, 'node_modules', '.bin', 'tsc'), ['--noEmit', '--strict', '--target', 'es2022',
        '--module', 'esnext', '--moduleResolution', 'bundler', '--lib', 'es2022,dom', 'check.ts'], app));

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
      const uiChunks = holding('data-jit-permissions');
      assertEqual(uiChunks.length, 1, 'chunks with the UI');
      assert(uiChunks[0] !== entry[0], 'the UI is in the entry chunk');
      for (const text of ['Dieses Mal zulassen', 'Autoriser cette fois', 'Permitir esta vez', '今回のみ許可']) {
        const c = holding(text);
        assertEqual(c.length, 1, `chunks with "${text}"`);
        assert(c[0] !== entry[0] && c[0] !== uiChunks[0], `"${text}" is not in a chunk of its own`);
      }

      shared.server = await serve(env.repoRoot, join(app, 'dist'));
      const { context, page } = await newPage(shared.browser);
      await lap('browser', async () => {
        await page.goto(`${shared.server.base}/`);
        await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 }).catch(async (e) => {
          throw new Error(`the app did not start: ${await page.evaluate(() => window.__error)} ${page.problems.join(' | ') || e.message}`);
        });
        const camera = await page.evaluate(() => window.__camera);
        assertEqual(camera.state, 'prompt', 'query({name: "camera"}).state');
        assertEqual(camera.name, 'camera', 'query({name: "camera"}).name');

        await context.setGeolocation({ latitude: 40.4168, longitude: -3.7038, accuracy: 25 });
        await page.click('#ask');
        await waitPrePrompt(page, 'geolocation');
        await setPermission(page, 'geolocation', 'granted');
        await env.shot(page, '18-vite-app-pre-prompt.png');
        await page.click(choice('allow-once'));
        await waitPrePromptClosed(page);
        await page.waitForFunction(() => window.__geolocation, null, { timeout: 10000 });
        const geo = await page.evaluate(() => window.__geolocation);
        assertEqual(geo.state, 'granted', 'request({name: "geolocation"}) state');
        assertEqual(geo.grant, 'one-time', 'request({name: "geolocation"}) grant');
      });
      console.error(`[package] times (s): ${Object.entries(times).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      assert(page.problems.length === 0, `the page reported problems: ${page.problems.join(' | ')}`);
      await context.close();
    },
  },
];
