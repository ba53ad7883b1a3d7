// Issue 10, item 11: options are read from the object's own properties only (SPEC "Options"). A polluted
// Object.prototype (a third-party script, a prototype-pollution bug) must not freeze the library's clock, patch
// navigator.permissions, or turn every prompt argument into "reconsider" (which would show the pre-prompt again after
// the person chose Don't allow).
// The properties are defined non-enumerable (Object.defineProperty) so that the page's own code and the runner's
// serialisation are not disturbed; the library reads them exactly as it would read enumerable ones (a property get).
// Each is removed again right after the call that could read it, also when the test fails.
import {
  test, assert, assertEqual, settle, describe, load, freshStorage, finish, sleep,
} from './harness.js';
import { answer, waitDialog, closeDialogs, watchDialogs, assertRefused, audits, view } from './truth-util.js';

const KEY = 'jp-test-inherited-options';
const originalQuery = Permissions.prototype.query;

/** Runs `fn` with `props` defined on Object.prototype (non-enumerable), and removes them afterwards whatever happens. */
async function polluted(props, fn) {
  for (const [k, v] of Object.entries(props)) {
    Object.defineProperty(Object.prototype, k, { value: v, writable: true, configurable: true, enumerable: false });
  }
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(props)) delete Object.prototype[k];
  }
}

freshStorage();
const mod = await load();
let p = null;
if (mod) {
  await test('install({storageKey}) with Object.prototype.clock = () => 0 and Object.prototype.patch = true: resolves, does not patch', async () => {
    p = await polluted({ clock: () => 0, patch: true }, () => mod.install({ storageKey: KEY }));
    assert(p && typeof p.query === 'function', `install resolved with ${describe(p)}`);
    assertEqual(Object.prototype.hasOwnProperty.call(Object.prototype, 'clock'), false, 'Object.prototype.clock removed again');
    assertEqual(Object.prototype.hasOwnProperty.call(navigator.permissions, 'query'), false, "navigator.permissions got an own 'query' (patched from an inherited 'patch')");
    assertEqual(Permissions.prototype.query, originalQuery, "Permissions.prototype.query was replaced (patched from an inherited 'patch')");
  });
}

if (p) {
  const log = audits(p);
  const cam = await p.query({ name: 'camera' });
  let blocked = false;

  await test("the library runs on the real clock: Don't allow is stamped now (audit 'at', decidedAt), not at 0", async () => {
    const pending = settle(() => p.request({ name: 'camera' }));
    assertEqual(await waitDialog('pre-prompt'), 'camera', 'the pre-prompt asks for');
    const before = Date.now();
    await answer('dont-allow');
    const r = await pending;
    const after = Date.now();
    assert(r.ok, `request() rejected: ${r.ok ? '' : describe(r.error)}`);
    assertEqual(JSON.stringify(view(cam)), JSON.stringify({ state: 'denied', grant: null, reason: 'user' }), "camera after Don't allow");
    blocked = true;
    const decision = log.events.filter((e) => e.type === 'decision').pop();
    assert(decision, 'no decision audit event');
    assert(decision.at >= before - 5000 && decision.at <= after + 5000,
      `the decision audit event is stamped ${decision.at}, not about now (${before}..${after}): the inherited clock was used`);
    assert(typeof cam.decidedAt === 'number' && cam.decidedAt >= before - 5000 && cam.decidedAt <= after + 5000,
      `status.decidedAt is ${JSON.stringify(cam.decidedAt)}, not about now (${before}..${after})`);
    assertEqual(cam.lastDecision, 'dont-allow', 'status.lastDecision');
  });

  if (blocked) {
    await test("with Object.prototype.reconsider = true: getUserMedia() with no prompt rejects NotAllowedError reason 'user', no dialog", async () => {
      const watch = watchDialogs();
      const r = await polluted({ reconsider: true }, async () => {
        const pending = settle(() => p.getUserMedia({ video: true }));
        const shown = await Promise.race([pending.then(() => null), waitDialog('pre-prompt', { ms: 2000 })]);
        if (shown) await closeDialogs();
        return pending;
      });
      const seen = watch.stop();
      assertEqual(JSON.stringify(seen), '[]', "dialogs shown after Don't allow");
      assertRefused(r, 'user', 'getUserMedia({video: true})');
    });

    await test("with Object.prototype.reconsider = true: a prompt argument without its own 'reconsider' ({title}) shows no pre-prompt either", async () => {
      const watch = watchDialogs();
      const [gum, req] = await polluted({ reconsider: true }, async () => {
        const call = settle(() => p.getUserMedia({ video: true }, { title: 'Start a video call' }));
        const shown = await Promise.race([call.then(() => null), waitDialog('pre-prompt', { ms: 2000 })]);
        if (shown) await closeDialogs();
        const request = settle(() => p.request({ name: 'camera' }, { title: 'Start a video call' }));
        const shown2 = await Promise.race([request.then(() => null), waitDialog('pre-prompt', { ms: 2000 })]);
        if (shown2) await closeDialogs();
        return [await call, await request];
      });
      const seen = watch.stop();
      assertEqual(JSON.stringify(seen), '[]', "dialogs shown after Don't allow");
      assertRefused(gum, 'user', "getUserMedia({video: true}, {title})");
      assert(req.ok, `request() rejected: ${req.ok ? '' : describe(req.error)}`);
      assertEqual(JSON.stringify(view(req.value)), JSON.stringify({ state: 'denied', grant: null, reason: 'user' }), 'request() resolves with the block');
      await sleep(100);
      assertEqual(cam.lastDecision, 'dont-allow', 'lastDecision (no new decision was asked for)');
    });

    await test("an own 'reconsider: true' still shows the pre-prompt again (the option itself works)", async () => {
      const pending = settle(() => p.request({ name: 'camera' }, { reconsider: true }));
      const shown = await waitDialog('pre-prompt', { ms: 4000 });
      if (shown) await answer('dont-allow');
      const r = await pending;
      assertEqual(shown, 'camera', 'the pre-prompt shown on an own reconsider');
      assert(r.ok, `request() rejected: ${r.ok ? '' : describe(r.error)}`);
      assertEqual(r.value.state, 'denied', "state after Don't allow again");
    });
  }
  await closeDialogs();
  await p.reset({ name: 'camera' });
}

await finish();
