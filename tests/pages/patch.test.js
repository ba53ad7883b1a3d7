// install({patch: true}) replaces navigator.permissions.query by the library's own. This needs its own page:
// install() is idempotent, so in a page that already installed without patch a later patch is ignored.
import {
  test, assert, assertEqual, assertRejects, settle, note, engine, describe, load, freshStorage, finish,
  BAD_DESCRIPTORS, outside,
} from './harness.js';

const GATED = ['geolocation', 'notifications', 'camera', 'microphone'];
const originalQuery = navigator.permissions.query;
const native = (...args) => originalQuery.apply(navigator.permissions, args);

freshStorage();
const mod = await load();
let p = null;
if (mod) {
  await test('install({patch: true}) resolves and replaces navigator.permissions.query', async () => {
    p = await mod.install({ patch: true });
    assert(p && typeof p.query === 'function', `install resolved with ${describe(p)}`);
    assert(navigator.permissions.query !== originalQuery, 'navigator.permissions.query is still the native function');
  });
}

if (p) {
  await test("patched query({name: 'camera'}) is the library's status", async () => {
    const status = await navigator.permissions.query({ name: 'camera' });
    assertEqual(status.name, 'camera', 'status.name');
    assert('grant' in status, "the patched result has no 'grant': it is not the library's status object");
    assert(status instanceof EventTarget, 'not an EventTarget');
    const n = await settle(() => native({ name: 'camera' }));
    if (n.ok) {
      assertEqual(status.state, n.value.state, 'state vs the native query saved before patching');
      if (n.value.name !== 'camera') note(`native status.name for camera is '${n.value.name}'`);
    } else {
      assertEqual(status.state, 'prompt', `state where native cannot query camera (${describe(n.error)})`);
    }
  });

  await test('every gated name answers through the patched query with the asked name', async () => {
    for (const name of GATED) {
      const status = await navigator.permissions.query({ name });
      assertEqual(status.name, name, `status.name for ${name}`);
      assert('grant' in status, `no 'grant' on ${name}`);
    }
  });

  for (const [label, args] of BAD_DESCRIPTORS) {
    await test(`patched query, bad input ${label}: rejects TypeError`, async () => {
      await assertRejects(() => navigator.permissions.query(...args), 'TypeError', `navigator.permissions.query(${label})`);
    });
  }

  // A pass-through through the patched query must reach the saved native query, not recurse into itself.
  await test('patched query passes a non-gated name through to native (no recursion)', async () => {
    let tried = 0;
    for (const descriptor of [{ name: 'persistent-storage' }, { name: 'push', userVisibleOnly: true }, { name: 'midi' }]) {
      const n = await settle(() => native(descriptor));
      if (!n.ok) continue;
      tried++;
      const l = await settle(() => navigator.permissions.query(descriptor));
      assert(l.ok, `${JSON.stringify(descriptor)}: native resolves but the patched query rejects: ${l.ok ? '' : describe(l.error)}`);
      assertEqual(l.value.state, n.value.state, `${JSON.stringify(descriptor)} state vs native`);
    }
    assert(tried > 0, `no candidate name resolves natively in ${engine}`);
  });

  await test("a descriptor with members beyond name ({name: 'camera', panTiltZoom: true}) never answers more than the browser does (issue 20)", async () => {
    const RANK = ['denied', 'prompt', 'granted'];
    const set = await settle(() => outside('setPermission', { name: 'camera', state: 'granted' }));
    const ptz = await settle(() => outside('setPermission', { name: 'camera', descriptor: { panTiltZoom: true }, state: 'denied' }));
    note(`camera set granted: ${set.ok ? 'yes' : describe(set.error)}; camera with panTiltZoom set denied: ${ptz.ok ? 'yes' : describe(ptz.error)}`);
    const descriptor = { name: 'camera', panTiltZoom: true };
    const n = await settle(() => native(descriptor));
    const l = await settle(() => navigator.permissions.query(descriptor));
    if (!n.ok) {
      assert(!l.ok || l.value.state !== 'granted', `native rejects ${describe(n.error)}, the patched query answers ${l.ok ? l.value.state : describe(l.error)}`);
      return;
    }
    assert(l.ok, `the patched query rejects: ${l.ok ? '' : describe(l.error)}`);
    const plain = await navigator.permissions.query({ name: 'camera' });
    note(`native ${JSON.stringify(descriptor)}: ${n.value.state}; the library's camera: ${plain.state}; patched: ${l.value.state}`);
    if (engine === 'chromium') assertEqual(n.value.state, 'denied', 'the browser\'s own answer with panTiltZoom (the case under test)');
    assert(RANK.indexOf(l.value.state) <= RANK.indexOf(n.value.state), `patched ${l.value.state} is more permissive than the browser's ${n.value.state}`);
    await settle(() => outside('setPermission', { name: 'camera', descriptor: { panTiltZoom: true }, state: 'prompt' }));
    await settle(() => outside('setPermission', { name: 'camera', state: 'prompt' }));
  });

  await test('still usable after the bad input', async () => {
    const status = await navigator.permissions.query({ name: 'microphone' });
    assertEqual(status.name, 'microphone', 'status.name');
  });
}

await finish();
