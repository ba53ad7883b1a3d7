// Issue 21, item 5: the entry `jit-permissions/polyfill` (pkg/polyfill.js): one import gives the page the whole-page
// polyfill, in place as soon as the module is evaluated (before the wasm is ready), with its options read from the
// page's <script type="application/json" data-jit-permissions> block, under a strict CSP (this page's meta tag: no
// inline script or style). A gesture-less call gets the chip; from a click, the pre-prompt has the block's words.
import {
  test, assert, assertEqual, describe, freshStorage, finish, note, outside, settle, sleep, waitFor,
} from './harness.js';
import { waitHost, waitGone, choose, toPrompt, hosts } from './prompt-util.js';

const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.sourceFile}:${e.lineNumber}`));
const CHIP = 'div[data-jit-permissions="chip"]';

/** Waits until the page has no transient user activation left from an earlier real click (a call is then "on load"). */
async function noActivation() {
  if (navigator.userActivation) assert(await waitFor(() => !navigator.userActivation.isActive, 8000), 'the page kept its user activation');
  else await sleep(5200);
}
const before = { gum: MediaDevices.prototype.getUserMedia, query: Permissions.prototype.query, geo: Geolocation.prototype.watchPosition };

freshStorage();
let p = null;
let early = null;
await test("import('/pkg/polyfill.js'): the functions are replaced once the module is evaluated, before the engine is ready; a query made then waits and is the library's", async () => {
  const mod = await import('/pkg/polyfill.js');
  assert(MediaDevices.prototype.getUserMedia !== before.gum, 'getUserMedia not replaced');
  assert(Permissions.prototype.query !== before.query, 'query not replaced');
  assert(Geolocation.prototype.watchPosition !== before.geo, 'watchPosition not replaced');
  early = navigator.permissions.query({ name: 'notifications' });
  p = await mod.permissions;
  assert('grant' in (await early), 'the early query went around the library');
});

if (p) {
  await test('the options come from the JSON block: the storage key, and the words of the notifications pre-prompt (from a click)', async () => {
    if (typeof Notification !== 'function') return note('no Notification here');
    await toPrompt(p, 'notifications');
    const button = document.createElement('button');
    button.id = 'ask';
    button.textContent = 'Notify me';
    let asked;
    button.addEventListener('click', () => { asked = Notification.requestPermission(); });
    document.body.append(button);
    await outside('click', { selector: '#ask' });
    const host = await waitHost('pre-prompt');
    assertEqual(host.shadowRoot.querySelector('[part~="title"]').textContent, 'Get a message when your order ships?', 'pre-prompt title');
    await choose('dismiss');
    await waitGone('pre-prompt');
    assertEqual(await asked, 'default', 'requestPermission after ×');
    assert(localStorage.getItem('jp-test-polyfill-entry') !== null, 'the dismissal is not stored under the storage key of the JSON block');
    await p.reset({ name: 'notifications' });
  }, { timeout: 20000 });

  await test('a gesture-less call under the strict CSP: the chip (styled: a constructed stylesheet), no modal; no CSP violation by the library', async () => {
    if (typeof Notification !== 'function') return note('no Notification here');
    await toPrompt(p, 'notifications');
    await noActivation();
    const asked = Notification.requestPermission();
    assert(await waitFor(() => document.querySelector(CHIP), 5000), 'no chip');
    await sleep(300);
    assertEqual(hosts('pre-prompt').length, 0, 'pre-prompts');
    const chip = document.querySelector(CHIP);
    const open = chip.shadowRoot.querySelector('[part~="open"]');
    assertEqual(getComputedStyle(chip).position, 'fixed', 'the chip\'s position (its stylesheet applies)');
    assert(open.getBoundingClientRect().height >= 44, `the chip's button is ${open.getBoundingClientRect().height}px high (under 44)`);
    await outside('click', { host: CHIP, selector: '[part~="dismiss"]' });
    assertEqual(await asked, 'default', 'requestPermission after the chip\'s ×');
    const ours = violations.filter((v) => v.includes('/pkg/'));
    assertEqual(JSON.stringify(ours), '[]', 'CSP violations by the library');
    if (violations.length) note(`other violations: ${violations.join('; ')}`);
    await p.reset({ name: 'notifications' });
  }, { timeout: 20000 });

  await test('the chip speaks the locale of the JSON block (de): the built-in title of the capability, and its × labelled', async () => {
    await toPrompt(p, 'camera');
    await noActivation();
    const call = settle(() => navigator.mediaDevices.getUserMedia({ video: true }));
    assert(await waitFor(() => document.querySelector(CHIP), 5000), 'no chip');
    const root = document.querySelector(CHIP).shadowRoot;
    assertEqual(root.querySelector('[part~="open"]').textContent, 'Ihre Kamera verwenden?', 'the chip\'s text');
    assertEqual(root.querySelector('[part~="dismiss"]').getAttribute('aria-label'), 'Schließen', 'the ×\'s label');
    assertEqual(root.querySelector('[part~="chip"]').lang, 'de', 'lang');
    await outside('click', { host: CHIP, selector: '[part~="dismiss"]' });
    const r = await call;
    assertEqual(r.ok ? 'resolved' : `${r.error.name} ${r.error.reason}`, 'NotAllowedError dismissed', 'getUserMedia after the chip\'s ×');
    await p.reset({ name: 'camera' });
  }, { timeout: 20000 });
}

await finish();
