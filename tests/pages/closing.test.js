// Issue 11 / SPEC "One-time grants" 1: a one-time grant ends when every page of the origin is closed, and a page of
// the site then opened fresh (a typed address, a bookmark) asks again, whether it opens at once or 5 s later. The
// runner closes this tab (its pagehide runs as when a person closes it) and opens the next step in a new tab
// (harness.js reopenFresh, run.mjs `reopen`); the results travel in the new URL's fragment.
import { test, assert, assertEqual, note, load, freshStorage, finish, reopenFresh, settle, waitFor } from './harness.js';
import { choose, grantOnce, PRE_PROMPT } from './grants.js';

const step = Number(new URLSearchParams(location.search).get('step') || '0');

async function asksAgain(p) {
  const entry = performance.getEntriesByType('navigation')[0];
  note(`opened: type ${entry && entry.type}, referrer ${JSON.stringify(document.referrer)}, history.length ${history.length}`);
  const cam = await p.query({ name: 'camera' });
  assertEqual(cam.state, 'prompt', 'camera state');
  assertEqual(cam.lastDecision, 'allow-once', 'the last decision (history survives the grant)');
  assert(await waitFor(() => /\|cx/.test(localStorage.getItem('jit-permissions') || ''), 2000),
    `the grant is not stored as ended: ${localStorage.getItem('jit-permissions')}`);
  const call = settle(() => p.getUserMedia({ video: true }));
  assert(await waitFor(() => document.querySelector(PRE_PROMPT), 5000), 'no pre-prompt: the grant outlived the closed page');
  await choose('dismiss');
  const r = await call;
  assertEqual(r.ok ? 'resolved' : `${r.error.name}/${r.error.reason}`, 'NotAllowedError/dismissed', 'the dismissed call');
}

if (step === 0) freshStorage();
const mod = await load();
const p = mod ? await mod.install() : null;
if (p && step === 0) {
  await test('"Allow this time" for the camera in the only page of the site', async () => {
    await grantOnce(p, 'camera');
  });
  await reopenFresh('closing.test.html?step=1', 0);
} else if (p && step === 1) {
  await test('the only page closed and the site opened fresh at once: the grant ended, the pre-prompt shows', () => asksAgain(p), { timeout: 15000 });
  await test('"Allow this time" again', async () => {
    await grantOnce(p, 'camera');
  });
  await reopenFresh('closing.test.html?step=2', 5000);
} else if (p && step === 2) {
  await test('the only page closed and the site opened fresh 5 s later: the grant ended, the pre-prompt shows', () => asksAgain(p), { timeout: 15000 });
  await finish();
} else {
  await finish();
}
