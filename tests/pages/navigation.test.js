// Issue 11 / SPEC "One-time grants" 1: a one-time grant survives a reload and navigation between the pages of the
// origin, and ends when the last page leaves the origin and the site is opened anew. One tab walks through:
//   0. navigation.test.html: "Allow this time" for the camera;
//   1. a reload                                           -> kept: the next gated call shows no pre-prompt;
//   2. a real click on a same-origin link, from a page whose Referrer-Policy is no-referrer (navigation-b.html)
//                                                         -> kept;
//   3. history.back() within the origin                   -> kept;
//   4. location to a page of another origin (localhost), which comes back by URL at once
//                                                         -> ended: the pre-prompt shows again.
// The results travel between the documents in sessionStorage (harness.js handOff). The test server sends
// `Cache-Control: no-store`, so step 3 loads the page anew (type back_forward) rather than from the back/forward
// cache. Each step notes the navigation signals the engine gave.
import {
  test, skip, assert, assertEqual, note, load, freshStorage, handOff, finish, outside, settle, sleep, waitFor,
} from './harness.js';
import { choose, grantOnce, PRE_PROMPT } from './grants.js';

const PHASE = 'navigation:phase';
const EXPIRES = 'navigation:expiresAt';
const phase = Number(sessionStorage.getItem(PHASE) || '0');
const next = (n) => sessionStorage.setItem(PHASE, String(n));

function signals() {
  const entry = performance.getEntriesByType('navigation')[0];
  const from = typeof navigation !== 'undefined' && navigation.activation ? String(Boolean(navigation.activation.from)) : 'no Navigation API';
  return `type ${entry && entry.type}, referrer ${JSON.stringify(document.referrer)}, unloadEventStart ${entry && entry.unloadEventStart}, navigation.activation.from ${from}`;
}

/** A gated camera call: how many pre-prompts it showed, and the status after. */
async function gatedCall(p, { answer = null } = {}) {
  let shown = 0;
  const observer = new MutationObserver(() => { if (document.querySelector(PRE_PROMPT)) shown++; });
  observer.observe(document.body, { childList: true, subtree: true });
  const call = settle(() => p.getUserMedia({ video: true }));
  if (answer) {
    if (await waitFor(() => document.querySelector(PRE_PROMPT), 5000)) await choose(answer);
  }
  const r = await call;
  observer.disconnect();
  if (r.ok) r.value.getTracks().forEach((t) => t.stop());
  return { shown, r, status: await p.query({ name: 'camera' }) };
}

/** The checks of a page that should have kept the grant. */
async function kept(p, how) {
  note(`${how}: ${signals()}`);
  const cam = await p.query({ name: 'camera' });
  note(`camera on arrival: ${JSON.stringify(cam.toJSON())}`);
  assertEqual(cam.lastDecision, 'allow-once', 'the last decision');
  const { shown, r, status } = await gatedCall(p);
  assertEqual(shown, 0, 'pre-prompts shown by the next gated call');
  assert(r.ok, `the gated call failed: ${r.ok ? '' : r.error}`);
  assertEqual(status.state, 'granted', 'camera state after the call');
  assertEqual(status.grant, 'one-time', 'camera grant');
  assertEqual(String(status.expiresAt), sessionStorage.getItem(EXPIRES), 'expiresAt: the same grant');
  const stored = localStorage.getItem('jit-permissions') || '';
  assert(/\|co\d+/.test(stored), `the one-time grant is not stored as standing: ${stored}`);
}

if (phase === 0) freshStorage();
const mod = await load();
const p = mod ? await mod.install() : null;

if (p && phase === 0) {
  await test('"Allow this time" for the camera', async () => {
    const status = await grantOnce(p, 'camera');
    sessionStorage.setItem(EXPIRES, String(status.expiresAt));
  });
  next(1);
  await handOff(() => location.reload());
} else if (p && phase === 1) {
  await test('a reload keeps the one-time grant, and the next gated call shows no pre-prompt', () => kept(p, 'after a reload'));
  next(2);
  // The link followed as a person would, from a page that sends no referrer: focused and activated with a real
  // Enter key press (trusted; WebKitWebDriver's element click on this link does not navigate here).
  await handOff(async () => {
    document.getElementById('next').focus();
    await settle(() => outside('keys', { keys: ['Enter'] }));
    await sleep(3000);
    // Still here: this browser under its driver did not follow the link (WebKitGTK's MiniBrowser under automation
    // follows neither a WebDriver click nor Enter on a link). Go on by script with a same-origin referrer, and say so.
    sessionStorage.setItem('navigation:link', 'not followed by the browser under its driver');
    document.querySelector('meta[name="referrer"]').content = 'same-origin';
    location.assign('navigation-b.html');
  });
} else if (p && phase === 2) {
  const notFollowed = sessionStorage.getItem('navigation:link');
  if (notFollowed) {
    skip('a same-origin link from a page that sends no referrer keeps the grant', `the link was ${notFollowed}; this page came by location.assign with a same-origin referrer instead`);
    await test('a same-origin navigation by location keeps the grant', () => kept(p, 'after location.assign'));
  } else {
    await test('a same-origin link from a page that sends no referrer keeps the grant', () => kept(p, 'after a link'));
  }
  next(3);
  await handOff(() => history.back());
} else if (p && phase === 3) {
  await test('history back within the origin keeps the grant', () => kept(p, 'after history.back()'));
  next(4);
  const here = new URL('navigation.test.html', location.href).href;
  const away = new URL('navigation-away.html', location.href);
  away.hostname = 'localhost';
  away.search = new URLSearchParams({ back: here, after: '300' }).toString();
  await handOff(() => location.assign(away.href));
} else if (p && phase === 4) {
  await test('the only page navigated to another origin and came back by URL: the grant ended, the pre-prompt shows', async () => {
    note(`back from another origin: ${signals()}`);
    const cam = await p.query({ name: 'camera' });
    assertEqual(cam.state, 'prompt', 'camera state');
    // The write goes through the Web Locks API where the browser has it: a moment later.
    assert(await waitFor(() => /\|cx/.test(localStorage.getItem('jit-permissions') || ''), 2000),
      `the grant is not stored as ended: ${localStorage.getItem('jit-permissions')}`);
    const { shown, r } = await gatedCall(p, { answer: 'dismiss' });
    assert(shown > 0, 'no pre-prompt: the grant was kept across another origin');
    assertEqual(r.ok ? 'resolved' : r.error.name, 'NotAllowedError', 'the dismissed call');
    assertEqual(r.ok ? null : r.error.reason, 'dismissed', 'its reason');
  }, { timeout: 20000 });
  await sleep(10);
  await finish();
} else {
  await finish();
}
