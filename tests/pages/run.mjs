#!/usr/bin/env node
// Runs the page tests (tests/pages/*.test.html) in Chromium, Firefox and WebKit through WebDriver.
//
//   cd tests && xvfb-run -a node pages/run.mjs
//
// Environment:
//   ENGINES=chromium,firefox   engines to run (default: chromium,firefox,webkit)
//   PAGES=query,events         page names to run (default: every tests/pages/*.test.html)
//   ALLOW_SKIP=1               an engine that cannot run here (WebKit without DISPLAY) is a skip, not a failure
//   PAGE_TIMEOUT=60000         ms a page may take to set window.__done (a page that answers many dialogs waits
//                              500 ms for each to take input)
//   VERBOSE=1                  show the drivers' and the server's own output
//
// Each engine gets one WebDriver session (a fresh profile) and runs every page in it, one after another.
// The drivers are started here, each in its own process group, and that group is killed at the end
// (also on failure, SIGINT and SIGTERM), so no driver or browser outlives the run.
//
// The outside-the-page protocol (see harness.js `outside()`): a page sets `window.__request = {id, kind, ...}`;
// between result checks the runner executes it and answers `window.__reply = {id, ok, error, value}`.
// Kinds:
//   setPermission {name, state, origin?, descriptor?}  sets the browser's own state of `name` (chromium and the
//     WebDriver endpoint: with the other members of `descriptor`, e.g. {panTiltZoom: true}) for the page's origin (or `origin`)
//     to granted, denied or prompt, while the page runs. How, per engine (measured; the page records any error):
//     chromium  WebDriver `POST /session/{id}/permissions` {descriptor: {name}, state}: every name tried; query()
//               follows and native PermissionStatus objects fire `change`.
//     firefox   camera and microphone through the chrome context (geckodriver --allow-system-access, then
//               `POST /session/{id}/moz/context {"context":"chrome"}` and Services.perms.addFromPrincipal /
//               removeFromPrincipal for the origin, back to content): query() follows, `change` fires.
//               Other names through WebDriver's permissions endpoint: geolocation, notifications, persistent-storage,
//               push, midi and screen-wake-lock work (camera and microphone there answer 500 `unsupported
//               operation`; storage-access fails with NS_ERROR_FAILURE on 127.0.0.1).
//     webkit    the control socket of the project's WebKit test browser (tests/webkit-browser/browser.py), which
//               answers WebKit's query-permission-state and permission-request signals from it (WebKitWebDriver
//               itself has no permissions endpoint: `unknown command`). WebKit's query() follows, with two
//               differences of the engine: it never fires `change` on PermissionStatus objects (a page learns of a
//               change only by querying again), and it reports a denial as prompt to a page that has not asked for
//               the capability (camera, microphone and geolocation: a request in this page; notifications: a
//               Notification.requestPermission() of the origin in this browser session, harness.js
//               askNotificationsNatively()). After a capture in the page it reports camera/microphone prompt as
//               granted, and after a refused geolocation request geolocation prompt as denied, for that page.
//   The driver's or browser's error text is passed back to the page, which records it (a skip reason or a note).
//   click {host?, selector, window?, frame?, raw?}  a real WebDriver Element Click (trusted events with user activation) on
//     `document.querySelector(selector)`, or on `selector` inside the open shadow root of `document.querySelector(host)`;
//     with `window`, in the page's other top-level window of that name; with `frame` (a selector of an <iframe> in the
//     page), inside that same-origin frame's document (WebDriver Switch To Frame, then back). Works in all three
//     drivers (they all accept an element found inside a shadow root).
//   click, clickAt and keys first wait until every open dialog of the library takes input (`data-ready`, 500 ms after
//     it shows), unless `raw: true`.
//   keys {keys: ['Tab', 'Shift+Tab', 'Escape', 'Enter', 'Space', 'a', ...]}  real key presses through WebDriver
//     Actions, sent to whatever has focus ('A+B' holds A while pressing B; 'pause:150' waits 150 ms between two). A real Esc closes a modal <dialog>
//     natively (cancel, then close) in all three engines.
//   promptAnswer {name, answer}  how the browser's own prompt for `name` is answered ('allow', 'deny', null for the
//     default) while the browser really asks: webkit through the test browser's control, firefox for geolocation
//     through geo.prompt.testing(.allow). Chromium: an error (its geolocation starts granted under chromedriver).
//   firefoxPrefs {prefs}  Firefox only: sets preferences in the chrome context (null: back to the default); answers
//     the values before. geo.prompt.testing + geo.prompt.testing.allow make Firefox answer its own geolocation
//     prompt, Allow (true) or Block (false), without remembering it: the browser asks for real, query() stays prompt.
//   clickAt {x, y}  a real pointer click (WebDriver Actions) at viewport coordinates, e.g. on a dialog's backdrop.
//   session  answers { engine, language, languageSetup }: the language of a `<name>.<lang>.test.html` session.
//   minimize / restore  WebDriver Minimize Window / Set Window Rect: hides / shows the page (visibilitychange) in all
//     three engines. In Chromium and Firefox `window.open('about:blank')` from the page hides the opener too; WebKit
//     blocks that without user activation and opens popups and WebDriver windows beside the opener, which stays
//     visible, so minimizing is WebKit's only real hiding (see harness.js hidePage()).
//
// A page may hand over to another page of the origin (harness.js handOff(url)): it navigates itself, its results so
// far travel in sessionStorage, and the next document goes on; polls that fail between the two are retried.
//
// Browser set-up per engine:
//   chromium  chromedriver, --headless=new, fake media devices and --auto-accept-camera-and-microphone-capture:
//             the browser's camera/microphone prompt is answered Allow as a person would, while query() keeps
//             saying prompt (no fake UI: --use-fake-ui-for-media-stream would start camera and microphone at
//             granted; states stay at the defaults, geolocation starts granted under chromedriver);
//             --js-flags=--expose-gc so the events page can show that a status kept only by its listener
//             survives a real garbage collection.
//   positions a fixed position for granted geolocation requests in every engine (see POSITION).
//   firefox   geckodriver --allow-system-access, -headless, media.navigator.streams.fake=true (fake devices) and
//             media.navigator.permission.disabled=false: getUserMedia goes through Firefox's real permission check,
//             so a camera or microphone set to denied rejects with NotAllowedError, granted passes without a prompt,
//             and at prompt Firefox shows its prompt. The runner answers that prompt as a person would: at session
//             start it installs, in the chrome context, a listener that presses the prompt's Allow button (switching
//             to a background tab whose page asked, and back). (With media.navigator.permission.disabled=true,
//             measured, getUserMedia skips the check entirely and succeeds even when camera is denied.)
//             Firefox keeps what its prompt granted: after Allow, query() reports granted for the origin across
//             navigations (a stored permission, capability 3, no expiry), so before each page the runner brings
//             camera and microphone back to prompt for the origin (FIREFOX_RESET_MEDIA).
//   webkit    WebKitWebDriver + the WebKit test browser (tests/webkit-browser/browser.py, WebKitGTK 2.50 through
//             PyGObject), under the current DISPLAY (xvfb-run); mock capture devices, a fixed geolocation position,
//             and every permission question answered from its control (see setPermission). A request made at
//             prompt is answered Allow (the control can make it Deny). WebKit lets the automation session decide
//             getUserMedia of an automated page without asking the browser, and the session allows it: under
//             WebKitWebDriver a capture succeeds whatever the control says (camera then queries as granted in that
//             page). MiniBrowser still runs the wasm-bindgen tests (tests/webdriver/webkit.json).

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Builder, Key } from 'selenium-webdriver';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const PAGE_TIMEOUT = Number(process.env.PAGE_TIMEOUT || 60000);
const VERBOSE = process.env.VERBOSE === '1';
const ALLOW_SKIP = process.env.ALLOW_SKIP === '1';
const ALL_ENGINES = ['chromium', 'firefox', 'webkit'];
// The project's WebKitGTK test browser (tests/webkit-browser/browser.py), driven by WebKitWebDriver; the name is the
// one it reports to the driver.
const WEBKIT_BROWSER = resolve(here, '..', 'webkit-browser', 'browser.py');
const WEBKIT_BROWSER_NAME = 'jit-permissions-webkit';
// Where a granted geolocation request finds the device (this machine has no location source): Chromium through
// CDP Emulation.setGeolocationOverride, set in the tab before each page (it lasts across navigations, not into a new tab), Firefox through its network
// location provider pointed at a data: URL (pref geo.provider.network.url); the WebKit test browser answers with its
// own fixed position (52.52, 13.405). Without them a granted request times out (Chromium) or fails with
// POSITION_UNAVAILABLE (Firefox).
const POSITION = { latitude: 48.8566, longitude: 2.3522, accuracy: 50 };

const counts = { passed: 0, failed: 0, skipped: 0 };
// The failing lines again at the end, so the last lines of a long run (all a CI log may keep) name them.
const failures = [];
const children = new Set(); // { proc, name } started here, each a process-group leader
// Everything the drivers and browsers write to a temporary directory (profiles, Chromium's scoped dirs and
// shared-memory files, geckodriver's rust_mozprofile*) goes under one directory of this run, removed at the end.
let runDir = null;
function runTmp() {
  if (!runDir) runDir = mkdtempSync(join(tmpdir(), 'jit-permissions-pages-'));
  return runDir;
}
function removeRunDir() {
  if (!runDir) return;
  try {
    rmSync(runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (err) {
    console.error(`[runner] could not remove ${runDir}: ${err.message}`);
  }
  runDir = null;
}

function line(engine, page, status, name, detail) {
  const tag = { ok: 'ok ', FAIL: 'FAIL', skip: 'skip' }[status];
  console.log(`${engine} ${page}: ${tag} - ${name}${detail ? ': ' + detail : ''}`);
  if (status === 'ok') counts.passed++;
  else if (status === 'FAIL') {
    counts.failed++;
    failures.push(`${engine} ${page}: ${name}${detail ? ': ' + detail : ''}`);
  } else counts.skipped++;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

function freePort() {
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

/** Starts a process in its own process group so that it and everything it starts can be ended together. */
function start(name, cmd, args, env = process.env) {
  const proc = spawn(cmd, args, { detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const child = { proc, name, output: '' };
  const keep = (buf) => {
    const text = buf.toString();
    child.output = (child.output + text).slice(-4000);
    if (VERBOSE) process.stderr.write(`[${name}] ${text}`);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  proc.on('error', (err) => { child.output += `\nspawn error: ${err.message}`; });
  children.add(child);
  proc.on('exit', () => children.delete(child));
  return child;
}

function alive(child) {
  return child.proc.exitCode === null && child.proc.signalCode === null;
}

/** Ends a child's whole process group: SIGTERM, then SIGKILL after a grace period. */
async function stop(child, grace = 3000) {
  const pid = child.proc.pid;
  if (!pid) return;
  const group = (sig) => { try { process.kill(-pid, sig); return true; } catch { return false; } };
  if (!group('SIGTERM')) return; // group already gone
  const end = Date.now() + grace;
  while (Date.now() < end) {
    await sleep(50);
    if (!group(0)) break; // signal 0: does any process of the group still exist?
  }
  group('SIGKILL');
  // Reap the leader so it does not linger as a zombie.
  if (alive(child)) await withTimeout(new Promise((r) => child.proc.once('exit', r)), 2000, 'exit').catch(() => {});
  children.delete(child);
}

function stopAllSync() {
  for (const child of children) {
    try { process.kill(-child.proc.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  removeRunDir();
}

async function waitForHttp(url, child, ms = 15000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(child)) throw new Error(`${child.name} exited early: ${child.output.trim() || '(no output)'}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status < 500) return;
    } catch { /* not yet */ }
    await sleep(100);
  }
  throw new Error(`${child.name} did not answer ${url} within ${ms} ms: ${child.output.trim()}`);
}

// ---- engines ----------------------------------------------------------------------------------------

// Pages named `<name>.<lang>.test.html` (e.g. `locale.de.test.html`) run in a session of their own whose browser
// language is <lang>, so that navigator.languages really comes from the browser:
//   chromium  --lang=<lang> and the profile pref intl.accept_languages
//   firefox   the pref intl.accept_languages
//   webkit    the locale of the test browser's process (WebKitGTK takes navigator.languages from it): the runner compiles
//             <ll>_<LL>.UTF-8 with localedef into the run's directory and starts WebKitWebDriver with LOCPATH and
//             LANG pointing at it (nothing is installed on the machine). Where localedef or Debian's locale sources
//             (package `locales`) are missing, the session keeps the default language; a page asks
//             outside('session') for { language, languageSetup } and skips with that reason.
const pageLanguage = (page) => /\.([a-z]{2,3}(?:-[A-Za-z]{2})?)\.test$/.exec(page)?.[1] || null;

function webkitLocale(lang) {
  const [ll, region] = lang.split('-');
  const name = `${ll}_${(region || ll).toUpperCase()}`;
  const dir = join(runTmp(), 'locale');
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('localedef', ['-i', name, '-f', 'UTF-8', join(dir, `${name}.UTF-8`)], { encoding: 'utf8', timeout: 20000 });
  if (r.error || r.status !== 0) {
    return { env: {}, setup: `localedef -i ${name} -f UTF-8 failed: ${(r.error?.message || r.stderr || `exit ${r.status}`).trim().split('\n')[0]}` };
  }
  return { env: { LOCPATH: dir, LANG: `${name}.UTF-8`, LC_ALL: `${name}.UTF-8` }, setup: `LANG=${name}.UTF-8 from localedef` };
}

function capabilities(engine, lang = null, controlPath = null) {
  if (engine === 'chromium') {
    const profile = mkdtempSync(join(runTmp(), 'chromium-profile-'));
    return {
      browserName: 'chrome',
      'goog:chromeOptions': {
        binary: '/usr/bin/chromium',
        args: [
          '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
          '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream',
          '--auto-accept-camera-and-microphone-capture',
          '--disable-dev-shm-usage', '--js-flags=--expose-gc', `--user-data-dir=${profile}`,
          ...(lang ? [`--lang=${lang}`] : []),
        ],
        ...(lang ? { prefs: { 'intl.accept_languages': lang } } : {}),
      },
    };
  }
  if (engine === 'firefox') {
    return {
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: '/usr/bin/firefox-esr',
        args: ['-headless'],
        prefs: {
          // Fake devices, and the real permission check in front of them (see "Browser set-up per engine").
          'media.navigator.streams.fake': true, 'media.navigator.permission.disabled': false,
          // A fixed position from Firefox's own network location provider (see POSITION).
          'geo.provider.network.url': `data:application/json,${JSON.stringify({ location: { lat: POSITION.latitude, lng: POSITION.longitude }, accuracy: POSITION.accuracy })}`,
          ...(lang ? { 'intl.accept_languages': lang } : {}),
        },
      },
    };
  }
  return {
    browserName: WEBKIT_BROWSER_NAME,
    'webkitgtk:browserOptions': { binary: WEBKIT_BROWSER, args: ['--automation', `--control=${controlPath}`] },
  };
}

// Rejects as soon as the driver's output shows that the browser could not start (WebKitWebDriver keeps waiting
// for a browser that already exited) or the driver itself exits. Never resolves otherwise.
function browserFailed(child) {
  return new Promise((_, reject) => {
    const timer = setInterval(() => {
      const fatal = /Cannot parse arguments[^\n]*|cannot open display[^\n]*|^\w+(?:Error|Exception): [^\n]*/im.exec(child.output);
      if (fatal || !alive(child)) {
        clearInterval(timer);
        reject(new Error(fatal ? `browser failed to start: ${fatal[0]}` : `${child.name} exited`));
      }
    }, 200);
    timer.unref();
  });
}

async function startDriver(engine, extraEnv = {}) {
  const port = await freePort();
  let child;
  const env = { ...process.env, TMPDIR: runTmp(), ...extraEnv };
  if (engine === 'chromium') {
    child = start('chromedriver', '/usr/bin/chromedriver', [`--port=${port}`, '--allowed-ips=127.0.0.1', '--log-level=WARNING'], env);
  } else if (engine === 'firefox') {
    // --allow-system-access: the chrome context (Services.perms) for camera and microphone, see firefoxPermission().
    child = start('geckodriver', 'geckodriver', ['--port', String(port), '--host', '127.0.0.1', '--log', 'warn', '--allow-system-access'], env);
  } else {
    child = start('WebKitWebDriver', '/usr/bin/WebKitWebDriver', [`--port=${port}`], env);
  }
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/status`, child);
  return { child, url };
}

// ---- setting a permission state from outside the page ------------------------------------------------

/** setPermission {name, state, origin?}: the way that works in this engine (see the header). */
async function setPermission(request, ctx) {
  const { name, state } = request;
  if (!['granted', 'denied', 'prompt'].includes(state)) throw new Error(`setPermission: state must be granted, denied or prompt, not ${JSON.stringify(state)}`);
  if (ctx.engine === 'webkit') {
    await webkitControl(ctx, { op: 'set', origin: request.origin || ctx.origin, name, state });
    return null;
  }
  if (ctx.engine === 'firefox' && (name === 'camera' || name === 'microphone')) {
    await inFirefoxChrome(ctx, FIREFOX_SET_PERMISSION, request.origin || ctx.origin, name, state);
    return null;
  }
  return webdriverPermission(request, ctx);
}

/**
 * promptAnswer {name, answer}: how the person answers the browser's own prompt for `name` when a request is made at
 * prompt: 'allow', 'deny', or null (back to the default). The browser asks for real (its state stays prompt).
 *   webkit   the test browser's control (op answer); its default is allow.
 *   firefox  geolocation only: geo.prompt.testing and geo.prompt.testing.allow (Firefox answers its own prompt, not
 *            remembered, so query() stays prompt); null clears both.
 */
async function promptAnswer(request, ctx) {
  const { name, answer } = request;
  if (![null, 'allow', 'deny'].includes(answer)) throw new Error(`promptAnswer: answer must be allow, deny or null, not ${JSON.stringify(answer)}`);
  if (ctx.engine === 'webkit') {
    await webkitControl(ctx, { op: 'answer', origin: request.origin || ctx.origin, name, answer: answer || 'allow' });
    return null;
  }
  if (ctx.engine === 'firefox' && name === 'geolocation') {
    return inFirefoxChrome(ctx, FIREFOX_SET_PREFS, answer === null
      ? { 'geo.prompt.testing': null, 'geo.prompt.testing.allow': null }
      : { 'geo.prompt.testing': true, 'geo.prompt.testing.allow': answer === 'allow' });
  }
  throw new Error(`promptAnswer: no way to answer the browser's ${name} prompt in ${ctx.engine}`);
}

/** WebDriver `POST /session/{id}/permissions` {descriptor: {name}, state}. */
async function webdriverPermission(request, ctx) {
  const res = await fetch(`${ctx.driverUrl}/session/${ctx.sessionId}/permissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ descriptor: { ...request.descriptor, name: request.name }, state: request.state }),
    signal: AbortSignal.timeout(10000),
  });
  const body = await res.json().catch(() => ({}));
  const v = body && body.value;
  if (res.ok && !(v && v.error)) return null;
  const message = String((v && v.message) || '').split('\n')[0].replaceAll(ctx.sessionId, '{id}');
  const err = v && v.error ? `${v.error}: ${message}` : `HTTP ${res.status}`;
  throw new Error(`driver answered ${res.status} to POST /session/{id}/permissions: ${err}`);
}

/**
 * Sends one request to the WebKit test browser's control socket (tests/webkit-browser/browser.py) and resolves with
 * its reply once the browser applied it; rejects with the browser's error.
 */
function webkitControl(ctx, msg, ms = 10000) {
  return withTimeout(new Promise((resolvePromise, reject) => {
    const sock = createConnection(ctx.controlPath);
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('error', (err) => reject(new Error(`WebKit test browser control ${ctx.controlPath}: ${err.message}`)));
    sock.on('data', (chunk) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      sock.end();
      let reply;
      try { reply = JSON.parse(buf.slice(0, nl)); } catch (err) { reject(new Error(`WebKit test browser control: bad reply ${buf.slice(0, 200)}`)); return; }
      if (reply.ok) resolvePromise(reply);
      else reject(new Error(`WebKit test browser refused ${JSON.stringify(msg)}: ${reply.error}`));
    });
    sock.on('connect', () => sock.write(`${JSON.stringify(msg)}\n`));
  }), ms, `WebKit test browser control (${msg.op})`);
}

/** Runs `script` with `args` in Firefox's chrome context (geckodriver --allow-system-access), then back to content. */
async function inFirefoxChrome(ctx, script, ...args) {
  const context = async (name) => {
    const res = await fetch(`${ctx.driverUrl}/session/${ctx.sessionId}/moz/context`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ context: name }),
      signal: AbortSignal.timeout(10000),
    });
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      throw new Error(`geckodriver answered ${res.status} to POST /session/{id}/moz/context ${name}: ${String(body?.value?.message || '').split('\n')[0]}`);
    }
  };
  await context('chrome');
  try {
    return await ctx.driver.executeScript(script, ...args);
  } finally {
    await context('content');
  }
}

// Sets camera or microphone for an origin in Firefox's permission manager: allow, deny, or nothing (prompt). Firefox's
// own query() follows and its PermissionStatus objects fire `change`. A temporary grant or block that the browser's
// prompt gave a tab (Allow without "Remember this decision") is cleared too, so that the state is exactly the one set.
const FIREFOX_SET_PERMISSION = `
  const [origin, type, state] = arguments;
  const { SitePermissions } = ChromeUtils.importESModule('resource:///modules/SitePermissions.sys.mjs');
  const principal = Services.scriptSecurityManager.createContentPrincipalFromOrigin(origin);
  // Without a principal, SitePermissions removes only a tab's temporary permission.
  for (const win of Services.wm.getEnumerator('navigator:browser')) {
    for (const browser of win.gBrowser.browsers) SitePermissions.removeFromPrincipal(null, type, browser);
  }
  // One change of the stored permission (a remove before an add would show the page a passing prompt).
  if (state === 'prompt') Services.perms.removeFromPrincipal(principal, type);
  else Services.perms.addFromPrincipal(principal, type, state === 'granted' ? Services.perms.ALLOW_ACTION : Services.perms.DENY_ACTION);
  return Services.perms.testExactPermissionFromPrincipal(principal, type);`;

// Sets Firefox preferences (booleans, whole numbers, strings; null clears one back to its default) while the page
// runs, e.g. geo.prompt.testing and geo.prompt.testing.allow, which make Firefox answer its own geolocation prompt
// (Allow or Block, not remembered: query() stays prompt) as a person would. Answers the values before.
const FIREFOX_SET_PREFS = `
  const prefs = arguments[0];
  const before = {};
  for (const [name, value] of Object.entries(prefs)) {
    const type = Services.prefs.getPrefType(name);
    before[name] = !Services.prefs.prefHasUserValue(name) ? null
      : type === Services.prefs.PREF_BOOL ? Services.prefs.getBoolPref(name)
      : type === Services.prefs.PREF_INT ? Services.prefs.getIntPref(name) : Services.prefs.getStringPref(name);
    if (value === null) Services.prefs.clearUserPref(name);
    else if (typeof value === 'boolean') Services.prefs.setBoolPref(name, value);
    else if (Number.isInteger(value)) Services.prefs.setIntPref(name, value);
    else Services.prefs.setStringPref(name, String(value));
  }
  return before;`;

// Brings camera and microphone back to prompt for the origin, so that each page starts as a first visit: what was
// set from outside, and what Firefox's own prompt left behind. Measured with Firefox ESR 153: "Allow" in its prompt,
// with "Remember for all cameras" unchecked, stores a permission for the origin (capability 3, no expiry) under which
// query() reports granted for the rest of the session, across navigations; a block is kept for the tab.
const FIREFOX_RESET_MEDIA = `
  const origin = arguments[0];
  const { SitePermissions } = ChromeUtils.importESModule('resource:///modules/SitePermissions.sys.mjs');
  const principal = Services.scriptSecurityManager.createContentPrincipalFromOrigin(origin);
  for (const type of ['camera', 'microphone']) {
    for (const win of Services.wm.getEnumerator('navigator:browser')) {
      for (const browser of win.gBrowser.browsers) SitePermissions.removeFromPrincipal(null, type, browser);
    }
    Services.perms.removeFromPrincipal(principal, type);
  }
  return true;`;

// A person in front of Firefox who answers its camera/microphone prompt (the 'webRTC-shareDevices' doorhanger) with
// its main button, Allow ("Remember" left unchecked), or with Block when told 'deny'. Installed in every browser
// window when the session starts. Firefox shows the prompt of a background tab only when that tab is selected: the
// person then switches to the tab, answers, and switches back (checked every 200 ms).
const FIREFOX_PROMPT_ANSWERER = `
  const answer = arguments[0];
  for (const win of Services.wm.getEnumerator('navigator:browser')) {
    win.__jitPermissionsPromptAnswer = answer;
    if (win.__jitPermissionsAnswerer) continue;
    win.__jitPermissionsAnswerer = true;
    const PN = win.PopupNotifications;
    let returnTo = null;
    PN.panel.addEventListener('popupshown', () => {
      for (const n of PN.panel.querySelectorAll('popupnotification')) {
        if (n.id !== 'webRTC-shareDevices-notification' || n.hidden) continue;
        (win.__jitPermissionsPromptAnswer === 'deny' ? n.secondaryButton : n.button).click();
        if (returnTo) {
          const tab = returnTo;
          returnTo = null;
          win.setTimeout(() => { if (tab.isConnected) win.gBrowser.selectedTab = tab; }, 0);
        }
      }
    });
    win.setInterval(() => {
      if (returnTo) return;
      for (const browser of win.gBrowser.browsers) {
        if (browser === win.gBrowser.selectedBrowser || !PN.getNotification('webRTC-shareDevices', browser)) continue;
        returnTo = win.gBrowser.selectedTab;
        win.gBrowser.selectedTab = win.gBrowser.getTabForBrowser(browser);
        return;
      }
    }, 200);
  }
  return true;`;

/** The outside-the-page actions a page can ask for. */
async function act(request, ctx) {
  if (request.kind === 'setPermission') return setPermission(request, ctx);
  if (request.kind === 'reopen') return reopenFresh(request, ctx);
  if (request.kind === 'minimize') return minimizeWindow(ctx);
  if (request.kind === 'restore') return restoreWindow(ctx);
  if (request.kind === 'click') return clickElement(request, ctx);
  if (request.kind === 'session') return { engine: ctx.engine, language: ctx.language, languageSetup: ctx.languageSetup };
  if (request.kind === 'keys') return pressKeys(request, ctx);
  if (request.kind === 'promptAnswer') return promptAnswer(request, ctx);
  if (request.kind === 'firefoxPrefs') {
    if (ctx.engine !== 'firefox') throw new Error(`firefoxPrefs: not Firefox (${ctx.engine})`);
    return inFirefoxChrome(ctx, FIREFOX_SET_PREFS, request.prefs || {});
  }
  if (request.kind === 'clickAt') {
    // A real pointer click at viewport coordinates (e.g. on a modal dialog's backdrop).
    if (!request.raw) await dialogsReady(ctx.driver);
    await ctx.driver.actions({ async: true }).move({ x: Math.round(request.x), y: Math.round(request.y), origin: 'viewport' }).click().perform();
    return null;
  }
  throw new Error(`unknown outside() request kind '${request.kind}'`);
}

/**
 * reopen {url, wait, carry}: closes the page that asks, as a person closing the site's only tab, and opens the site
 * fresh in a new tab `wait` ms later (WebDriver New Window, then Navigate To: no referrer, no previous document of
 * the origin, as a typed address or a bookmark). The results so far (`carry`) travel in the new URL's fragment,
 * which harness.js reads and removes. The runner then polls the new tab.
 */
async function reopenFresh(request, ctx) {
  const driver = ctx.driver;
  const closing = await driver.getWindowHandle();
  await driver.switchTo().newWindow('tab');
  const fresh = await driver.getWindowHandle();
  await driver.switchTo().window(closing);
  await driver.close();
  await driver.switchTo().window(fresh);
  await sleep(Math.max(0, Number(request.wait) || 0));
  const url = new URL(request.url);
  url.hash = `carry=${encodeURIComponent(JSON.stringify(request.carry || null))}`;
  await driver.get(url.href);
  return null;
}

/**
 * minimize: WebDriver Minimize Window, which hides the page (`visibilitychange` to hidden) in all three engines here;
 * it is the only real way to hide a page in WebKit, where window.open without user activation is blocked and a
 * popup or a new WebDriver window opens beside the opener (which stays visible). Answers the window rect before.
 * restore: Set Window Rect back to that rect (or 800x600), which shows the page again.
 */
async function minimizeWindow(ctx) {
  const rect = await ctx.driver.manage().window().getRect();
  if (!ctx.savedRect) ctx.savedRect = rect;
  await ctx.driver.manage().window().minimize();
  return rect;
}

async function restoreWindow(ctx) {
  const { width, height, x, y } = ctx.savedRect || { width: 800, height: 600, x: 0, y: 0 };
  ctx.savedRect = null;
  await ctx.driver.manage().window().setRect({ width, height, x, y });
  return null;
}

// Finds `selector` in the document, or inside the open shadow root of `document.querySelector(host)`, and hands
// it to WebDriver as an element reference (every driver here can return an element found inside a shadow root).
const FIND = `
  const [host, selector] = arguments;
  const scope = host ? document.querySelector(host)?.shadowRoot : document;
  return scope ? scope.querySelector(selector) : null;`;

/**
 * click {host?, selector, window?, frame?}: a real WebDriver Element Click (trusted events, user activation). With
 * `window`, in the top-level window of that name (a page the test page opened); with `frame`, inside the iframe found
 * by that selector; switching back afterwards.
 */
async function clickElement(request, ctx) {
  const { driver } = ctx;
  const home = request.window ? await driver.getWindowHandle() : null;
  try {
    if (home) await switchToWindowNamed(driver, request.window);
    if (request.frame) {
      const frame = await driver.executeScript(FIND, null, request.frame);
      if (!frame) throw new Error(`click: no frame ${request.frame}`);
      // Firefox's WebDriver checks that the element is in view inside its frame only, and clicks the top document
      // if the frame itself is scrolled out of view (seen when another frame's dialog took focus): show it first.
      await driver.executeScript('arguments[0].scrollIntoView({ block: "nearest" })', frame);
      await driver.switchTo().frame(frame).catch((e) => { throw new Error(`click: switching to ${request.frame}: ${e.name} ${e.message}`); });
    }
    if (!request.raw) await dialogsReady(driver);
    const el = await driver.executeScript(FIND, request.host || null, request.selector);
    if (!el) throw new Error(`click: no element ${request.host ? `${request.host} >>> ` : ''}${request.selector}`);
    await el.click().catch((e) => { throw new Error(`click: ${e.name} ${e.message}`); });
  } finally {
    if (request.frame) await driver.switchTo().defaultContent();
    if (home) await driver.switchTo().window(home);
  }
  return null;
}

// A dialog of the library ignores clicks and keys for 500 ms after it shows, as the browser's permission bubble
// does, and then carries `data-ready`. A click or key press for the page (not `raw`) waits for every open dialog of
// the library to be ready, as a person reading it would; `raw: true` sends it at once (the tests of the guard).
const UNREADY = `
  return [...document.querySelectorAll('div[data-jit-permissions]')]
    .some((h) => h.shadowRoot && h.shadowRoot.querySelector('dialog[open]:not([data-ready])'));`;

async function dialogsReady(driver) {
  for (let end = Date.now() + 3000; Date.now() < end; await sleep(50)) {
    if (!(await driver.executeScript(UNREADY))) return;
  }
}

async function switchToWindowNamed(driver, name) {
  for (const handle of await driver.getAllWindowHandles()) {
    await driver.switchTo().window(handle);
    if ((await driver.executeScript('return window.name')) === name) return;
  }
  throw new Error(`click: no window named ${JSON.stringify(name)}`);
}

// WebDriver key names accepted by the 'keys' action (anything else is typed as text).
const KEY_NAMES = {
  Escape: Key.ESCAPE, Tab: Key.TAB, Enter: Key.ENTER, Space: Key.SPACE, Shift: Key.SHIFT,
  ArrowDown: Key.ARROW_DOWN, ArrowUp: Key.ARROW_UP, ArrowLeft: Key.ARROW_LEFT, ArrowRight: Key.ARROW_RIGHT,
};

/**
 * keys {keys: ['Tab', 'Shift+Tab', 'Escape', 'Enter', 'Space', ...]}: real key presses through WebDriver Actions,
 * to whatever has focus. 'A+B' holds A while pressing B.
 */
async function pressKeys(request, ctx) {
  if (!request.raw) await dialogsReady(ctx.driver);
  const actions = ctx.driver.actions({ async: true });
  for (const combo of request.keys || []) {
    // 'pause:150' waits that long between two presses.
    if (/^pause:\d+$/.test(combo)) { actions.pause(Number(combo.slice(6))); continue; }
    const parts = String(combo).split('+').map((k) => KEY_NAMES[k] ?? k);
    for (const k of parts.slice(0, -1)) actions.keyDown(k);
    const last = parts[parts.length - 1];
    actions.keyDown(last).keyUp(last);
    for (const k of parts.slice(0, -1).reverse()) actions.keyUp(k);
  }
  await actions.perform();
  return null;
}

const POLL = `
  return {
    done: window.__done === true,
    results: window.__done === true ? window.__results : null,
    request: window.__request || null,
    current: window.__current || null,
    partial: window.__partial || null,
    errors: window.__errors || null,
    harness: Array.isArray(window.__partial),
    readyState: document.readyState,
    href: location.href,
  };`;

async function runPage(engine, driver, ctx, page, baseUrl) {
  const url = `${baseUrl}/tests/pages/${page}.html`;
  // Each page starts as a first visit (see FIREFOX_RESET_MEDIA).
  if (engine === 'firefox') await inFirefoxChrome(ctx, FIREFOX_RESET_MEDIA, ctx.origin);
  // Set in the tab each page starts in: a page that reopened itself (reopenFresh) left a new tab without it.
  if (engine === 'chromium') await driver.sendDevToolsCommand('Emulation.setGeolocationOverride', POSITION);
  await withTimeout(driver.get(url), PAGE_TIMEOUT, `loading ${url}`);
  const end = Date.now() + PAGE_TIMEOUT;
  let handled = 0;
  let last = null;
  let loadedAt = 0;
  let pollFailingSince = 0;
  while (Date.now() < end) {
    try {
      const polled = await withTimeout(driver.executeScript(POLL), 10000, 'polling the page');
      // geckodriver answers null for a script run in a document that is being unloaded.
      if (!polled || typeof polled !== 'object') throw new Error(`the page answered ${JSON.stringify(polled)} to the poll`);
      last = polled;
      pollFailingSince = 0;
    } catch (err) {
      // A page that hands over to the next one (harness.js handOff()) can be between two documents: poll again.
      if (!pollFailingSince) pollFailingSince = Date.now();
      if (Date.now() - pollFailingSince > 5000) throw err;
      await sleep(100);
      continue;
    }
    if (last.done) break;
    // Module scripts run before the load event, so a complete document without the harness will never finish
    // (a test module that 404s or does not parse). Give it a second, then stop waiting.
    if (!last.harness && last.readyState === 'complete') {
      if (!loadedAt) loadedAt = Date.now();
      else if (Date.now() - loadedAt > 1000) break;
    }
    const req = last.request;
    if (req && typeof req.id === 'number' && req.id > handled) {
      handled = req.id;
      let reply;
      try {
        reply = { id: req.id, ok: true, error: null, value: await act(req, ctx) };
      } catch (err) {
        reply = { id: req.id, ok: false, error: err.message };
      }
      if (VERBOSE) console.error(`[runner] ${engine} ${page}: ${JSON.stringify(req)} -> ${JSON.stringify(reply)}`);
      // The event wakes a page that waits on it at once: timers of a hidden page run late (about once a second).
      await driver.executeScript("window.__reply = arguments[0]; window.dispatchEvent(new Event('jit-permissions-reply'));", reply);
      continue;
    }
    await sleep(50);
  }
  if (last && last.done) {
    const results = Array.isArray(last.results) ? last.results : [];
    if (results.length === 0) line(engine, page, 'FAIL', 'page ran no tests', 'window.__results is empty');
    for (const r of results) report(engine, page, r);
    return;
  }
  // Timed out: show what did finish, then fail on the rest.
  for (const r of (last && last.partial) || []) report(engine, page, r);
  const running = !last ? ' (the page never answered)'
    : !last.harness ? ` (harness.js never ran: document.readyState '${last.readyState}' at ${last.href})`
    : last.current ? ` while running '${last.current}'` : '';
  const errs = last && last.errors && last.errors.length ? `; page errors: ${last.errors.join(' | ')}` : '';
  const why = last && !last.harness && last.readyState === 'complete' ? 'window.__done will never be set' : `window.__done not set within ${PAGE_TIMEOUT} ms`;
  line(engine, page, 'FAIL', 'page finished', `${why}${running}${errs}`);
}

function report(engine, page, r) {
  const status = r.skipped ? 'skip' : r.ok ? 'ok' : 'FAIL';
  line(engine, page, status, r.name, r.ok && !r.skipped ? '' : r.error);
  for (const n of r.notes || []) console.log(`${engine} ${page}:       note: ${n}`);
}

let webkitSessions = 0;

async function runEngine(engine, pages, baseUrl, lang = null) {
  if (pages.length === 0) return;
  if (engine === 'webkit' && !process.env.DISPLAY) {
    if (lang) return; // said once, for the default session
    const why = 'no DISPLAY: WebKit needs a display; run under `xvfb-run -a` (ALLOW_SKIP=1 makes this a skip)';
    console.log(`!!!!!!!! ${engine}: NOT RUN: ${why}`);
    line(engine, 'all', ALLOW_SKIP ? 'skip' : 'FAIL', 'engine available', why);
    return;
  }
  let driverProc = null;
  let driver = null;
  try {
    let languageSetup = lang ? `asked the browser for ${lang}` : null;
    let extraEnv = {};
    if (lang && engine === 'webkit') ({ env: extraEnv, setup: languageSetup } = webkitLocale(lang));
    const { child, url } = await startDriver(engine, extraEnv);
    driverProc = child;
    // The WebKit test browser's control socket, one per session (short: a Unix socket path has at most 107 bytes).
    const controlPath = engine === 'webkit' ? join(runTmp(), `webkit-${++webkitSessions}.sock`) : null;
    driver = await withTimeout(
      Promise.race([new Builder().usingServer(url).withCapabilities(capabilities(engine, lang, controlPath)).build(), browserFailed(child)]),
      60000, `${engine} session start`);
    const session = await driver.getSession();
    const ctx = {
      driverUrl: url, sessionId: session.getId(), driver, engine, language: lang, languageSetup, controlPath,
      origin: new URL(baseUrl).origin,
    };
    await driver.manage().setTimeouts({ script: 10000, pageLoad: PAGE_TIMEOUT });
    if (engine === 'firefox') await inFirefoxChrome(ctx, FIREFOX_PROMPT_ANSWERER, 'allow');
    if (VERBOSE) {
      const ua = await driver.executeScript('return navigator.userAgent');
      console.error(`[runner] ${engine}: ${ua}`);
    }
    for (const page of pages) {
      try {
        await runPage(engine, driver, ctx, page, baseUrl);
      } catch (err) {
        line(engine, page, 'FAIL', 'page run', `runner error: ${err.message.split('\n')[0]}`);
      }
    }
  } catch (err) {
    const out = driverProc && driverProc.output.trim() ? ` (driver output: ${driverProc.output.trim().slice(-500)})` : '';
    line(engine, 'all', 'FAIL', 'WebDriver session', `${err.message.split('\n')[0]}${out}`);
  } finally {
    if (driver) await withTimeout(driver.quit(), 15000, 'quit').catch(() => {});
    if (driverProc) await stop(driverProc);
  }
}

async function main() {
  const engines = (process.env.ENGINES || ALL_ENGINES.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const e of engines) {
    if (!ALL_ENGINES.includes(e)) throw new Error(`unknown engine '${e}' in ENGINES (known: ${ALL_ENGINES.join(', ')})`);
  }
  let pages = readdirSync(here).filter((f) => f.endsWith('.test.html')).map((f) => basename(f, '.html')).sort();
  if (process.env.PAGES) {
    const want = process.env.PAGES.split(',').map((s) => s.trim().replace(/(\.test)?(\.html)?$/, '.test'));
    const unknown = want.filter((w) => !pages.includes(w));
    if (unknown.length) throw new Error(`unknown page(s) in PAGES: ${unknown.join(', ')} (have: ${pages.join(', ')})`);
    pages = pages.filter((p) => want.includes(p));
  }
  if (!existsSync(join(repoRoot, 'pkg', 'index.js'))) {
    throw new Error(`${join(repoRoot, 'pkg', 'index.js')} is missing: run \`bash scripts/build.sh\` first`);
  }

  const port = await freePort();
  const server = start('serve.mjs', process.execPath, [join(repoRoot, 'scripts', 'serve.mjs'), repoRoot, String(port)]);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${baseUrl}/pkg/index.js`, server);
    for (const engine of engines) {
      await runEngine(engine, pages.filter((p) => !pageLanguage(p)), baseUrl);
      for (const lang of new Set(pages.map(pageLanguage).filter(Boolean))) {
        await runEngine(engine, pages.filter((p) => pageLanguage(p) === lang), baseUrl, lang);
      }
    }
  } finally {
    await stop(server, 1000);
  }
}

let exiting = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (exiting) return;
    exiting = true;
    console.error(`\n[runner] ${sig}: stopping drivers and browsers`);
    stopAllSync();
    console.log(`runner: FAIL - interrupted by ${sig}`);
    console.log(`${counts.passed} passed, ${counts.failed + 1} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
    process.exit({ SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }[sig]);
  });
}
process.on('exit', stopAllSync);

const started = Date.now();
try {
  await main();
} catch (err) {
  console.log(`runner: FAIL - ${err.message}`);
  counts.failed++;
}
removeRunDir();
if (failures.length) console.log(`failed:\n${failures.map((f) => `  ${f.slice(0, 400)}`).join('\n')}`);
console.error(`[runner] took ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
process.exitCode = counts.failed ? 1 : 0;
