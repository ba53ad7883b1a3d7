// Helpers of the capability element pages (elements-*.test.js): the package and the elements loaded, elements placed
// in the page, their events recorded, real clicks on them. Not a test page itself.
//
// The library's own button is what these pages test in every engine. Chromium 156 has the browser's own elements
// (HTMLGeolocationElement, HTMLUserMediaElement, HTMLCameraElement, HTMLMicrophoneElement), which the library uses
// where they exist; so that Chromium runs the library's own button too, `ownButton()` hides those interfaces from
// feature detection before the elements module loads (a stand-in for a browser without them: the page says so in a
// note). elements-native.test.js tests the browser's own elements through the library in Chromium.
import { assert, assertEqual, describe, engine, freshStorage, load, note, outside, sleep, test, waitFor } from './harness.js';
import { auditLog } from './prompt-util.js';

export const NATIVE_INTERFACES = ['HTMLGeolocationElement', 'HTMLUserMediaElement', 'HTMLCameraElement', 'HTMLMicrophoneElement'];

/** Hides the browser's capability element interfaces (where it has them); returns those it had. */
export function ownButton() {
  const had = NATIVE_INTERFACES.filter((name) => typeof window[name] === 'function');
  for (const name of had) delete window[name];
  return had;
}

/**
 * Clears storage, loads the package, installs it (options merged with the page's storage key), then imports the
 * elements entry (`/pkg/elements.js`). Resolves with { p, audit, elements } (p null when something failed: the
 * failing test says what).
 */
export async function setUp(storageKey, options = {}, { own = true } = {}) {
  const hidden = own ? ownButton() : [];
  freshStorage();
  const mod = await load();
  let p = null;
  let audit = null;
  let elements = null;
  if (mod) {
    await test('install() resolves, then importing /pkg/elements.js registers <jit-geolocation> and <jit-usermedia>', async () => {
      if (hidden.length) note(`${engine}: ${hidden.join(', ')} hidden from feature detection, so that the library's own button runs here (the browser's own elements are tested in elements-native)`);
      p = await mod.install({ storageKey, ...options });
      audit = auditLog(p);
      elements = await import('/pkg/elements.js');
      assertEqual(customElements.get('jit-geolocation'), elements.JitGeolocationElement, 'jit-geolocation registered');
      assertEqual(customElements.get('jit-usermedia'), elements.JitUserMediaElement, 'jit-usermedia registered');
    });
  }
  return { p, audit, elements };
}

/** One stylesheet of the page's own (adopted: the page runs under the strict CSP), replaced by each call. */
const pageSheet = new CSSStyleSheet();
document.adoptedStyleSheets = [...document.adoptedStyleSheets, pageSheet];
export function css(text) {
  pageSheet.replaceSync(text);
}

let count = 0;

/** Adds `<tag>` with these attributes to `parent` (the page's stage by default); returns it with an id. */
export function place(tag, attrs = {}, parent = stage()) {
  const el = document.createElement(tag);
  el.id = `el-${++count}`;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  parent.append(el);
  return el;
}

/** A fresh area at the top of the page where the elements of a test go (in view, away from the dialogs' focus). */
export function stage() {
  let s = document.getElementById('stage');
  if (!s) {
    s = document.createElement('div');
    s.id = 'stage';
    document.body.prepend(s);
  }
  return s;
}

/** Removes every element of the earlier tests. */
export function clearStage() {
  stage().replaceChildren();
  css('');
}

const TYPES = ['validationstatuschange', 'promptaction', 'promptdismiss', 'location', 'stream', 'cancel', 'error'];

/**
 * Records the element's events: `list` of type names, and for validationstatuschange `valid reason` as the element
 * reported it then (`events.validity`).
 */
export function record(el) {
  const events = { list: [], validity: [] };
  for (const type of TYPES) {
    el.addEventListener(type, () => {
      events.list.push(type);
      if (type === 'validationstatuschange') events.validity.push(`${el.isValid} ${el.invalidReason}`);
    });
  }
  events.since = (n) => events.list.slice(n);
  events.acted = (n) => events.list.slice(n).filter((t) => t !== 'validationstatuschange');
  return events;
}

/** Waits until the element says it is valid (its insertion guard has passed). */
export async function settled(el, ms = 3000) {
  assert(await waitFor(() => el.isValid, ms), `${el.localName} did not become valid within ${ms} ms (invalidReason '${el.invalidReason}')`);
}

/** A real click (WebDriver Element Click) on the element's own button, inside its open shadow root. */
export const clickButton = (el, selector = 'button') => outside('click', { host: `#${el.id}`, selector });

/** A real click at a point of the viewport (WebDriver Actions). */
export const clickAt = (x, y) => outside('clickAt', { x, y });

/**
 * Checks that nothing was started by the clicks since `n`: no pre-prompt or recovery help opened, no prompt event,
 * no result.
 */
export async function nothingStarted(events, n, what) {
  await sleep(400);
  assertEqual(document.querySelectorAll('div[data-jit-permissions="pre-prompt"], div[data-jit-permissions="recovery"]').length, 0,
    `dialogs open after ${what}`);
  assertEqual(JSON.stringify(events.acted(n)), '[]', `events after ${what}`);
}

/** Loads axe-core (served from tests/e2e/node_modules by the test server, a same-origin script: CSP allows it). */
export async function loadAxe() {
  if (window.axe) return window.axe;
  const script = document.createElement('script');
  script.src = '/tests/e2e/node_modules/axe-core/axe.min.js';
  const loaded = new Promise((resolve, reject) => {
    script.onload = resolve;
    script.onerror = () => reject(new Error(`${script.src} did not load (run bash scripts/setup.sh: it installs tests/e2e's packages)`));
  });
  document.head.append(script);
  await loaded;
  return window.axe;
}

/** axe-core (WCAG 2 A/AA and best practices) on the elements only; resolves with the violations as text. */
export async function axeOn(...els) {
  const axe = await loadAxe();
  const result = await axe.run({ include: els.map((el) => [`#${el.id}`]) }, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  });
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((node) => node.target.join(' >>> ')).join(', ')})`);
}

export { describe };
