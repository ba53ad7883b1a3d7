// A real React app, as a developer makes one: a fresh Vite + React project written by this test installs the packed
// tarball (`npm pack` of pkg/) and React, Vite and its React plugin from the npm registry. Its hook is the README's
// (section Frameworks, React: useSyncExternalStore over subscribe() and snapshot()), taken from README.md as written.
// The app asks for the camera through the pre-prompt; the test answers with jit-permissions/testing (a real click),
// moves the app's test clock past the 16-hour limit of a one-time grant, revokes from the controls panel and finally
// answers "Don't allow", checking what the app shows at each step (state, grant, the track's `ended`, the refusal's
// reason) and the audit trail. `vite build`, served under the strict CSP (scripts/serve.mjs), then `vite` dev mode
// (React's StrictMode mounts effects twice there) from the same npm install. Chromium with fake devices and
// --auto-accept-camera-and-microphone-capture (lib.mjs MEDIA_ARGS) stands in for the person's camera and the
// browser's own prompt.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CONTROLS, MEDIA_ARGS, assert, assertEqual, launch, newPage, pack, run, serve, viteDev,
} from './lib.mjs';
import { VITE } from './package.test.mjs';

const REACT = '19.3.1';
const PLUGIN_REACT = '6.3.0';
const SIXTEEN_HOURS = 16 * 60 * 60 * 1000;

/** The README's React hook, as written. */
function readmeHook(repoRoot) {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### React'));
  const m = section.match(/```jsx\n([\s\S]*?)```/);
  assert(m && /export function usePermission/.test(m[1]), 'README.md has a ```jsx block exporting usePermission under "### React"');
  return m[1];
}

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>jit-permissions in a React app</title>
</head>
<body>
  <div id="root"></div>
  <script type="module" src="/src/main.jsx"></script>
</body>
</html>
`;

const MAIN_JSX = `import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.jsx';

createRoot(document.getElementById('root')).render(<StrictMode><App /></StrictMode>);
`;

const APP_JSX = `import { useEffect, useRef, useState } from 'react';
import { install, isRefusal } from 'jit-permissions';
import { auditTrail, createClock } from 'jit-permissions/testing';
import { usePermission } from './usePermission.jsx';

// A test build of the app (README "Testing your app"): a clock the test can move, and the audit trail.
const clock = createClock();
window.renders = 0;

export function App() {
  const [permissions, setPermissions] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    install({ clock }).then((p) => {
      window.jitPermissionsTest ??= { permissions: p, clock, trail: auditTrail(p) };
      setPermissions(p);
    }, (e) => setError(String(e)));
  }, []);
  if (error) return <p id="error">{error}</p>;
  return (
    <main>
      <h1>Profile photo</h1>
      <Camera permissions={permissions} />
      {permissions && <Panel permissions={permissions} />}
    </main>
  );
}

function Camera({ permissions }) {
  const camera = usePermission(permissions, 'camera');
  const video = useRef(null);
  const [track, setTrack] = useState('none');
  const [refused, setRefused] = useState(null);
  window.renders++;
  async function start() {
    setRefused(null);
    try {
      const stream = await permissions.getUserMedia({ video: true }, {
        title: 'Take a profile photo?',
        reason: 'We use your camera only while you take the photo.',
      });
      const [t] = stream.getVideoTracks();
      t.addEventListener('ended', () => setTrack('ended'));
      video.current.srcObject = stream;
      setTrack('live');
    } catch (e) {
      if (isRefusal(e)) setRefused(e.reason);
      else setRefused('other: ' + e.name);
    }
  }
  if (!camera) return <p id="camera" data-state="">Loading…</p>;
  return (
    <section>
      <p id="camera" data-state={camera.state} data-grant={camera.grant ?? ''} data-reason={camera.reason ?? ''}
        data-last={camera.lastDecision ?? ''}>
        Camera: {camera.state}{camera.grant && \` (\${camera.grant})\`}
      </p>
      <button type="button" id="start" onClick={start}>Take a photo</button>
      <p id="track" data-track={track}>Camera: {track}</p>
      {refused && <p id="refused" data-reason={refused}>Not allowed ({refused})</p>}
      <video ref={video} autoPlay muted playsInline width="160" height="120" />
    </section>
  );
}

function Panel({ permissions }) {
  const box = useRef(null);
  useEffect(() => {
    const panel = permissions.controls(box.current);
    return () => panel.destroy();
  }, [permissions]);
  return <aside ref={box} id="controls" />;
}
`;

const VITE_CONFIG = `import react from '@vitejs/plugin-react';

export default { plugins: [react()] };
`;

export async function before(env, shared) {
  shared.browser = await launch(MEDIA_ARGS);
  shared.dir = mkdtempSync(join(tmpdir(), 'jit-permissions-e2e-react-'));
}

export async function after(env, shared) {
  shared.server?.stop();
  await shared.browser?.close();
  if (shared.dir) rmSync(shared.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

const camera = (page) => page.$eval('#camera', (p) => ({ ...p.dataset, text: p.textContent }));

async function waitCamera(page, want, what) {
  const sel = `#camera${Object.entries(want).map(([k, v]) => `[data-${k}="${v}"]`).join('')}`;
  await page.waitForSelector(sel, { timeout: 10000 }).catch(async () => {
    throw new Error(`${what}: the app should show ${JSON.stringify(want)}, it shows ${JSON.stringify(await camera(page))}`);
  });
}

const trail = (page) => page.evaluate(() => window.jitPermissionsTest.trail.records.map((r) => `${r.type}:${r.detail ?? ''}`));

/** The person's way through the app at `base`, answered with jit-permissions/testing. */
async function clickThrough(env, shared, base, mode) {
  const { answer } = await import(pathToFileURL(join(env.pkgDir, 'testing.js')).href);
  const { context, page } = await newPage(shared.browser);
  try {
    await page.goto(`${base}/`);
    await waitCamera(page, { state: 'prompt', last: '' }, 'at start');
    assert(/Camera: prompt/.test((await camera(page)).text), 'the state shown');

    // Allow this time.
    await page.click('#start');
    await answer(page, 'allow-once', { name: 'camera' });
    await waitCamera(page, { state: 'granted', grant: 'one-time', last: 'allow-once' }, 'after Allow this time');
    await page.waitForSelector('#track[data-track="live"]');
    await env.shot(page, `react-${mode}-1-granted.png`);

    // The test clock jumps past the 16 hours a one-time grant may last: a read applies it, the app hears it.
    await page.evaluate((ms) => {
      const { permissions, clock } = window.jitPermissionsTest;
      clock.advance(ms);
      permissions.snapshot({ name: 'camera' });
    }, SIXTEEN_HOURS + 1);
    await waitCamera(page, { state: 'prompt', grant: '', last: 'allow-once' }, 'after 16 hours');
    await page.waitForSelector('#track[data-track="ended"]', { timeout: 5000 }).catch(() => {
      throw new Error("the app's track got no 'ended' when the one-time grant expired");
    });

    // Again, then revoke from the controls panel.
    await page.click('#start');
    await answer(page, 'allow-once', { name: 'camera' });
    await waitCamera(page, { state: 'granted', grant: 'one-time' }, 'after Allow this time, again');
    await page.waitForSelector('#track[data-track="live"]');
    await page.click(`${CONTROLS} button[data-action="revoke"][data-capability="camera"]`);
    await waitCamera(page, { state: 'prompt', grant: '' }, 'after revoke in the panel');
    await page.waitForSelector('#track[data-track="ended"]', { timeout: 5000 });
    await env.shot(page, `react-${mode}-2-revoked.png`);

    // Don't allow: the app's catch sees a refusal with reason user; the state shown is denied.
    await page.click('#start');
    await answer(page, 'dont-allow', { name: 'camera' });
    await page.waitForSelector('#refused[data-reason="user"]', { timeout: 10000 });
    await waitCamera(page, { state: 'denied', reason: 'user', last: 'dont-allow' }, "after Don't allow");

    assertEqual(JSON.stringify(await trail(page)), JSON.stringify([
      'prompt-shown:', 'decision:allow-once', 'expiry:max-lifetime',
      'prompt-shown:', 'decision:allow-once', 'revocation:manual',
      'prompt-shown:', 'decision:dont-allow',
    ]), 'the audit trail');
    const renders = await page.evaluate(() => window.renders);
    assert(renders < 60, `the camera component rendered ${renders} times (a snapshot that is not stable makes React loop)`);
    assert(page.problems.length === 0, `the page reported problems: ${page.problems.join(' | ')}`);
    return renders;
  } finally {
    await context.close();
  }
}

export const tests = [
  {
    name: `a fresh Vite ${VITE} + React ${REACT} app with the README's hook: vite build under the CSP, then vite dev mode; Allow this time, expiry by the test clock, revoke from the panel, Don't allow`,
    timeout: 180000,
    async fn(env, shared) {
      const times = {};
      const lap = async (what, f) => { const t = Date.now(); try { return await f(); } finally { times[what] = ((Date.now() - t) / 1000).toFixed(1); } };
      const packDir = join(shared.dir, 'pack');
      const app = join(shared.dir, 'app');
      mkdirSync(packDir);
      mkdirSync(join(app, 'src'), { recursive: true });
      const info = await lap('pack', () => pack(env.pkgDir, packDir));
      writeFileSync(join(app, 'package.json'), `${JSON.stringify({
        name: 'jit-permissions-react-check',
        private: true,
        type: 'module',
        scripts: { dev: 'vite', build: 'vite build' },
        dependencies: { 'jit-permissions': `file:../pack/${info.filename}`, react: REACT, 'react-dom': REACT },
        devDependencies: { vite: VITE, '@vitejs/plugin-react': PLUGIN_REACT },
      }, null, 2)}\n`);
      writeFileSync(join(app, 'index.html'), INDEX_HTML);
      writeFileSync(join(app, 'vite.config.js'), VITE_CONFIG);
      writeFileSync(join(app, 'src', 'main.jsx'), MAIN_JSX);
      writeFileSync(join(app, 'src', 'App.jsx'), APP_JSX);
      writeFileSync(join(app, 'src', 'usePermission.jsx'), readmeHook(env.repoRoot));
      await lap('npm install', () => run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app));
      for (const [name, version] of [['react', REACT], ['vite', VITE]]) {
        assertEqual(JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')).version, version, `installed ${name}`);
      }

      await lap('vite build', () => run(join(app, 'node_modules', '.bin', 'vite'), ['build'], app));
      shared.server = await serve(env.repoRoot, join(app, 'dist'));
      const built = await lap('browser (build)', () => clickThrough(env, shared, shared.server.base, 'build'));

      const dev = await lap('dev server', () => viteDev(app));
      let inDev;
      try {
        inDev = await lap('browser (dev)', () => clickThrough(env, shared, dev.base, 'dev'));
      } catch (e) {
        throw new Error(`in vite dev mode: ${e.message} (vite said: ${dev.output().slice(-600)})`);
      } finally {
        await dev.stop();
      }
      console.error(`[react] times (s): ${Object.entries(times).map(([k, v]) => `${k} ${v}`).join(', ')}; renders of the camera component: build ${built}, dev ${inDev}`);
    },
  },
];
