// The maximum lifetime of a one-time grant (seed 002: 16 hours), through the documented `clock` option:
// install({clock: () => fakeNow}). Nothing waits: the clock check on every read of a state must end the grant
// once the clock passes the limit, with one `change` and an 'expiry' audit event whose detail is 'max-lifetime'.
import { test, assert, assertEqual, describe, load, freshStorage, finish, settle, sleep } from './harness.js';
import { grantOnce, auditLog, changeLog } from './grants.js';

const SIXTEEN_HOURS = 16 * 60 * 60 * 1000;
let fakeNow = Date.now();

freshStorage();
const mod = await load();
let p = null;
if (mod) {
  await test('install({clock: () => fakeNow})', async () => {
    p = await mod.install({ clock: () => fakeNow });
    assert(p && typeof p.query === 'function', `install() resolved with ${describe(p)}`);
  });
}

if (p) {
  const audits = auditLog(p);
  let status = null;
  let grantedAt = 0;
  let seen = [];
  let mark = 0;

  await test('a one-time grant made at the injected time expires at that time + 16 h (status.expiresAt)', async () => {
    grantedAt = fakeNow;
    status = await grantOnce(p, 'camera');
    seen = changeLog(status);
    mark = audits.length;
    const decision = audits.filter((a) => a.type === 'decision').pop();
    assertEqual(decision && decision.at, grantedAt, 'the decision audit event is stamped with the injected clock');
    assertEqual(status.state, 'granted', 'state');
    assertEqual(status.expiresAt, grantedAt + SIXTEEN_HOURS, 'expiresAt');
  });

  if (status) {
    await test('16 h - 1 ms later: still granted, no change', async () => {
      fakeNow = grantedAt + SIXTEEN_HOURS - 1;
      assertEqual(status.state, 'granted', 'state');
      assertEqual(status.expiresAt, grantedAt + SIXTEEN_HOURS, 'expiresAt');
      await sleep(100);
      assertEqual(JSON.stringify(seen), '[]', 'change events');
    });

    await test("16 h + 1 ms later: reading state gives prompt, one change, 'expiry' audit with detail 'max-lifetime'", async () => {
      fakeNow = grantedAt + SIXTEEN_HOURS + 1;
      // No timer can have fired: the read itself must check the clock.
      assertEqual(status.state, 'prompt', 'state read right after advancing the clock');
      assertEqual(status.grant, null, 'grant');
      assertEqual(status.expiresAt, null, 'expiresAt');
      await sleep(200);
      assertEqual(JSON.stringify(seen), '["prompt"]', 'change events');
      const ex = audits.slice(mark).filter((a) => a.type === 'expiry');
      assertEqual(JSON.stringify(ex.map((a) => [a.name, a.detail, a.at])), JSON.stringify([['camera', 'max-lifetime', fakeNow]]),
        'expiry audit events [name, detail, at]');
      const other = await p.query({ name: 'camera' });
      assertEqual(other.state, 'prompt', 'a new status object');
    });

    await test('a gated call after the limit asks again (the expired grant is never used)', async () => {
      const { choose } = await import('./grants.js');
      const pending = settle(() => p.getUserMedia({ video: true }));
      await choose('dismiss');
      const r = await pending;
      if (r.ok) r.value.getTracks().forEach((t) => t.stop());
      assert(!r.ok && r.error.name === 'NotAllowedError', `getUserMedia after a dismissal: ${r.ok ? 'resolved' : describe(r.error)}`);
      assertEqual(status.state, 'prompt', 'state');
    });
  }
}

await finish();
