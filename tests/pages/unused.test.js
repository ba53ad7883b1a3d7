// persistent.unusedAfter (issue 13, SPEC "Persistence"): a persistent grant not used through the library for that long
// ends, as Chrome removes unused sites' permissions: the state reads prompt again and an `expiry` audit event says
// cause `unused`. A use through the library (a track handed out) counts as a use. The clock is the documented `clock`
// option (a fake: days cannot pass in a test); the grant, the track and the clicks are real.
import { test, assert, assertEqual, settle, note, engine, describe, finish, outside, freshStorage, load } from './harness.js';
import { waitHost, choose, toPrompt, nativeAllows, stopAll, auditLog, expectStatus } from './prompt-util.js';

const UNUSED = 24 * 3600e3; // a day
let fakeNow = Date.now();
freshStorage();
const mod = await load();
let p = null;
let audit = null;
if (mod) {
  await test('install({ persistent: { unusedAfter: a day }, clock })', async () => {
    p = await mod.install({ storageKey: 'jp-test-unused', persistent: { unusedAfter: UNUSED }, clock: () => fakeNow });
    audit = auditLog(p);
  });
}

if (p) {
  await test('a persistent camera grant, used by a track after 20 h, ends a day after that use: prompt, expiry audited with cause unused', async () => {
    note(await nativeAllows('camera'));
    await toPrompt(p, 'camera');
    const call = settle(() => p.request({ name: 'camera' }));
    await waitHost('pre-prompt');
    await choose('allow-always');
    const r = await call;
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    const status = r.value;
    expectStatus(status, 'granted', 'persistent', null, 'after Allow on every visit');
    fakeNow += 20 * 3600e3;
    const stream = await p.getUserMedia({ video: true });
    stopAll(stream);
    const used = fakeNow;
    fakeNow = used + UNUSED - 60e3;
    expectStatus(status, 'granted', 'persistent', null, 'a minute before a day without use (44 h after the grant)');
    const n = audit.events.length;
    fakeNow = used + UNUSED + 1;
    expectStatus(status, 'prompt', null, null, 'a day without use');
    assertEqual(JSON.stringify(audit.since(n)), '["expiry:camera:unused"]', 'audit events');
    assertEqual(audit.events[audit.events.length - 1].cause, 'unused', 'the event\'s cause');
  }, { timeout: 20000 });

  await settle(() => p.reset({ name: 'camera' }));
  if (engine === 'chromium') await settle(() => outside('setPermission', { name: 'camera', state: 'prompt' }));
}

await finish();
