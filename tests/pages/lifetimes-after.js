// The second part of lifetimes.test.html: page A, the only page of the origin, navigated here (harness.js
// handOff(): location.assign to a page of the same origin; its results came along). A one-time grant survives a
// navigation between pages of the origin (SPEC "One-time grants" 1, as Chromium keeps one-time grants on
// same-origin navigations): this page must find A's grant standing, use it without a pre-prompt, and report it
// with the same expiry.
import { test, assert, assertEqual, note, finish } from './harness.js';

const KEY = 'jit-permissions';
const storedAtLoad = localStorage.getItem(KEY);

await test('after A, the last page, navigated within the origin: no page listed, the grant stands, the leave noted', async () => {
  note(`stored at load: ${storedAtLoad}`);
  assert(storedAtLoad && storedAtLoad.startsWith('jp2'), `stored ${JSON.stringify(storedAtLoad)}`);
  // Browsers fire visibilitychange (hidden) after pagehide while unloading: a page that listed itself again
  // then would stay in the registry as a live page that is not there.
  assert(!/\|p\d+/.test(storedAtLoad), 'a page is still listed as live: a closed or navigated page listed itself again');
  assert(/\|co\d+/.test(storedAtLoad), 'the one-time camera grant is not stored as standing');
  assert(/\|l\d+/.test(storedAtLoad), 'the leave of the last page is not noted');
  const entry = performance.getEntriesByType('navigation')[0];
  note(`navigation: type ${entry && entry.type}, referrer ${JSON.stringify(document.referrer)}, unloadEventStart ${entry && entry.unloadEventStart}, navigation.activation.from ${typeof navigation !== 'undefined' && navigation.activation ? String(Boolean(navigation.activation.from)) : 'no Navigation API'}`);
});

await test('the one-time grant carried over: the gated call shows no pre-prompt, and the status is the same grant', async () => {
  const { install } = await import('/pkg/index.js');
  const p = await install();
  const cam = await p.query({ name: 'camera' });
  note(`camera on arrival: ${JSON.stringify(cam.toJSON())}`);
  assertEqual(cam.lastDecision, 'allow-once', 'the last decision');
  let shown = 0;
  const observer = new MutationObserver(() => { if (document.querySelector('div[data-jit-permissions="pre-prompt"]')) shown++; });
  observer.observe(document.body, { childList: true, subtree: true });
  const stream = await p.getUserMedia({ video: true });
  observer.disconnect();
  assertEqual(shown, 0, 'pre-prompts shown');
  assertEqual(cam.state, 'granted', 'camera state after the call');
  assertEqual(cam.grant, 'one-time', 'camera grant');
  assertEqual(String(cam.expiresAt), sessionStorage.getItem('lifetimes:expiresAt'), 'expiresAt (the same grant as before the navigation)');
  stream.getTracks().forEach((t) => t.stop());
  const stored = localStorage.getItem(KEY);
  note(`stored after install: ${stored}`);
  assert(!/\|cx/.test(stored), `the grant is stored as ended: ${stored}`);
});

await finish();
