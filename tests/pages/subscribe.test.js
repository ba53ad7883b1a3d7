// subscribe() and snapshot() (issue 15): the store frameworks use as is.
// - snapshot(descriptor) is a frozen plain object with the status's fields, the same object on every read until one
//   of its fields changes (what React's useSyncExternalStore needs not to loop), whatever makes the library look again.
// - subscribe(descriptor, callback) calls back at once, synchronously, with that object (Svelte's store contract),
//   then once per change of any field, not only `state`: a dismissal leaves the state at prompt and changes
//   lastDecision and decidedAt; a status's `change` event does not fire for it, the subscription does.
// - The function it returns unsubscribes; a callback that throws at once is not subscribed; bad input is a TypeError.
// The person's choices are real clicks (WebDriver) in the pre-prompt, so this runs in every engine.
import { test, assert, assertEqual, describe, finish, settle, sleep, waitFor } from './harness.js';
import { installPage, waitHost, waitGone, choose } from './prompt-util.js';

const { p } = await installPage('jp-test-subscribe');
const mic = { name: 'microphone' };
const FIELDS = ['name', 'state', 'grant', 'expiresAt', 'reason', 'lastDecision', 'decidedAt'];

if (p) {
  let first = null;
  const calls = [];
  let unsubscribe = null;
  let changes = null;

  await test('snapshot(): a frozen object with the status fields, the same object on every read while nothing changes', async () => {
    first = p.snapshot(mic);
    assert(Object.isFrozen(first), 'the snapshot is frozen');
    assertEqual(JSON.stringify(Object.keys(first)), JSON.stringify(FIELDS), 'its keys');
    const status = await p.query(mic);
    assertEqual(JSON.stringify(first), JSON.stringify(status.toJSON()), 'its fields, against query().toJSON()');
    assertEqual(first.state, 'prompt', 'microphone state at start');
    p.refresh();
    for (let i = 0; i < 50; i++) void (await p.query(mic)).state;
    window.dispatchEvent(new Event('focus'));
    await sleep(300);
    assert(p.snapshot(mic) === first, 'a later read (after refresh(), focus and reads) returns the same object');
    assert(p.snapshot({ name: 'camera' }) !== first, 'another capability has its own snapshot');
  });

  await test('snapshot() and subscribe() with a bad descriptor or callback throw TypeError', async () => {
    for (const [what, call] of [
      ["snapshot({name: 'midi'})", () => p.snapshot({ name: 'midi' })],
      ['snapshot(null)', () => p.snapshot(null)],
      ["subscribe({name: 'midi'}, fn)", () => p.subscribe({ name: 'midi' }, () => {})],
      ['subscribe(mic) without a callback', () => p.subscribe(mic)],
    ]) {
      const r = await settle(call);
      assert(!r.ok && r.error instanceof TypeError, `${what}: ${r.ok ? 'returned' : describe(r.error)}`);
    }
  });

  await test('subscribe(): calls back at once, synchronously, with the current snapshot; returns a function', async () => {
    let during = null;
    unsubscribe = p.subscribe(mic, (s) => { calls.push(s); });
    during = calls.length;
    assertEqual(during, 1, 'calls before subscribe() returned');
    assert(calls[0] === p.snapshot(mic), 'it got the snapshot object');
    assertEqual(typeof unsubscribe, 'function', 'subscribe() returns');
    const status = await p.query(mic);
    changes = [];
    status.addEventListener('change', () => changes.push(status.state));
  });

  await test('a dismissal (× clicked): the state stays prompt, lastDecision changes; one call with a new frozen snapshot, no change event', async () => {
    const pending = settle(() => p.getUserMedia({ audio: true }));
    await waitHost('pre-prompt');
    await choose('dismiss');
    const r = await pending;
    assert(!r.ok && r.error.name === 'NotAllowedError', `getUserMedia after ×: ${r.ok ? 'resolved' : describe(r.error)}`);
    await waitGone('pre-prompt');
    assert(await waitFor(() => calls.length === 2, 2000), `subscribe calls: ${JSON.stringify(calls)}`);
    const s = calls[1];
    assert(Object.isFrozen(s) && s !== first, 'a new frozen object');
    assertEqual(JSON.stringify([s.state, s.grant, s.reason, s.lastDecision]), JSON.stringify(['prompt', null, null, 'dismiss']), '[state, grant, reason, lastDecision]');
    assertEqual(typeof s.decidedAt, 'number', 'decidedAt');
    assert(p.snapshot(mic) === s, 'snapshot() now returns the object the callback got');
    assertEqual(first.lastDecision, null, 'the earlier snapshot is unchanged');
    await sleep(300);
    assertEqual(JSON.stringify(changes), '[]', 'change events of a status (the state did not change)');
    assertEqual(calls.length, 2, 'subscribe calls in all');
  });

  await test("Don't allow: the state changes; one more call (denied, reason user) and one change event", async () => {
    const pending = p.request(mic);
    await waitHost('pre-prompt');
    await choose('dont-allow');
    await pending;
    await waitGone('pre-prompt');
    assert(await waitFor(() => calls.length === 3, 2000), `subscribe calls: ${calls.length}`);
    assertEqual(JSON.stringify([calls[2].state, calls[2].reason, calls[2].lastDecision]), JSON.stringify(['denied', 'user', 'dont-allow']), '[state, reason, lastDecision]');
    assert(await waitFor(() => changes.length === 1, 2000), 'the change event');
    await sleep(200);
    assertEqual(calls.length, 3, 'subscribe calls in all');
  });

  await test('two subscriptions of one callback are two; unsubscribing one leaves the other; the returned function unsubscribes', async () => {
    const seen = [];
    const record = (s) => seen.push(s.state);
    const off1 = p.subscribe(mic, record);
    const off2 = p.subscribe(mic, record);
    assertEqual(JSON.stringify(seen), '["denied","denied"]', 'the calls at once');
    off1();
    unsubscribe();
    await p.reset(mic);
    assert(await waitFor(() => seen.length === 3, 2000), `calls after reset: ${JSON.stringify(seen)}`);
    await sleep(300);
    assertEqual(JSON.stringify(seen), '["denied","denied","prompt"]', 'the remaining subscription only');
    assertEqual(calls.length, 3, 'the unsubscribed callback was not called');
    off2();
    off2(); // twice is harmless
  });

  await test('a callback that throws at once: subscribe() throws it and does not subscribe', async () => {
    let called = 0;
    const boom = new Error('boom');
    const r = await settle(() => p.subscribe(mic, () => { called++; throw boom; }));
    assert(!r.ok && r.error === boom, `subscribe() ${r.ok ? 'returned' : `threw ${describe(r.error)}`}`);
    const pending = p.request(mic);
    await waitHost('pre-prompt');
    await choose('dont-allow');
    await pending;
    await waitGone('pre-prompt');
    await sleep(300);
    assertEqual(called, 1, 'calls of the callback (only the one at once)');
    await p.reset(mic);
  });
}

await finish();
