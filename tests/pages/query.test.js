// permissions.query(): states of the gated capabilities compared with the browser's own answer, bad input,
// pass-through of names the library does not gate, the status object's extensions, and install() idempotence.
//
// How the engines differ natively (measured here; see /work/shared/TOOLCHAIN.md):
// - Chromium under chromedriver starts geolocation at *granted* (chromedriver writes it into the profile);
//   notifications, camera, microphone start at prompt. Firefox and WebKit start all four at prompt.
//   So the tests compare with native, never with a hard-coded state.
// - Chromium's native PermissionStatus.name is wrong for several names: 'video_capture' for camera,
//   'audio_capture' for microphone, 'durable_storage' for persistent-storage. The library must say the asked name
//   for the gated ones; a pass-through name keeps whatever the browser says.
// - Non-gated names differ per engine: persistent-storage resolves in Chromium and Firefox but is a TypeError in
//   WebKit; {name:'push'} without userVisibleOnly is NotSupportedError in Chromium; midi is NotSupportedError in
//   WebKit; clipboard-read is a TypeError in Firefox and WebKit. Pass-through must match native in each case.
// - Every engine rejects an unknown name and a missing descriptor with TypeError.
import {
  test, assert, assertEqual, assertRejects, settle, note, engine, describe, load, freshStorage, finish,
  BAD_DESCRIPTORS,
} from './harness.js';

const GATED = ['geolocation', 'notifications', 'camera', 'microphone'];
const STATES = ['granted', 'denied', 'prompt'];
const originalQuery = navigator.permissions && navigator.permissions.query;
const native = (...args) => originalQuery.apply(navigator.permissions, args);

freshStorage();
const mod = await load();
let p = null;
if (mod) {
  await test('install() resolves with a controller', async () => {
    p = await mod.install();
    assert(p && typeof p.query === 'function', `install() resolved with ${describe(p)}; expected an object with query()`);
  });
}

if (p) {
  // ---- states of the gated capabilities ----------------------------------------------------------------
  for (const name of GATED) {
    await test(`query({name: '${name}'}): name is the asked one, state matches native`, async () => {
      const status = await p.query({ name });
      assertEqual(status.name, name, 'status.name');
      assert(STATES.includes(status.state), `state ${JSON.stringify(status.state)} is not one of ${STATES.join('/')}`);
      const n = await settle(() => native({ name }));
      if (n.ok) {
        if (n.value.name !== undefined && n.value.name !== name) note(`native status.name for '${name}' is '${n.value.name}'`);
        assertEqual(status.state, n.value.state, `state vs native navigator.permissions.query({name: '${name}'})`);
      } else {
        note(`native query({name: '${name}'}) rejects: ${describe(n.error)}; the library must answer prompt`);
        assertEqual(status.state, 'prompt', 'state where native cannot query');
      }
      if (name === 'geolocation' && engine === 'chromium') note(`native geolocation under chromedriver: ${n.ok ? n.value.state : 'n/a'}`);
      // Reading twice gives the same answer (no flapping between reads).
      assertEqual(status.state, status.state, 'second read of state');
    });
  }

  // ---- extensions of the status object -----------------------------------------------------------------
  for (const name of GATED) {
    await test(`query({name: '${name}'}): EventTarget with grant/expiresAt/reason`, async () => {
      const status = await p.query({ name });
      assert(status instanceof EventTarget, 'status is not an EventTarget');
      assertEqual(typeof status.addEventListener, 'function', 'typeof addEventListener');
      assertEqual(status.onchange, null, 'onchange before any handler is set');
      for (const key of ['grant', 'expiresAt', 'reason']) assert(key in status, `status has no '${key}'`);
      const { state, grant, expiresAt, reason } = status;
      if (state === 'prompt') {
        assertEqual(grant, null, 'grant when prompt');
        assertEqual(expiresAt, null, 'expiresAt when prompt');
        assertEqual(reason, null, 'reason when prompt');
      } else if (state === 'granted') {
        assert(grant === 'one-time' || grant === 'persistent', `grant when granted: ${JSON.stringify(grant)}`);
        assertEqual(reason, null, 'reason when granted');
        if (grant === 'persistent') assertEqual(expiresAt, null, 'expiresAt of a persistent grant');
        else assert(typeof expiresAt === 'number' && expiresAt > Date.now(), `expiresAt of a one-time grant: ${expiresAt}`);
        note(`${name} is granted at start: grant=${grant}`);
      } else {
        assert(['browser', 'user', 'embargo'].includes(reason), `reason when denied: ${JSON.stringify(reason)}`);
        assertEqual(grant, null, 'grant when denied');
      }
    });
  }

  // ---- bad input rejects with TypeError, as native does -------------------------------------------------
  for (const [label, args] of BAD_DESCRIPTORS) {
    await test(`bad input, ${label}: rejects TypeError like native`, async () => {
      const n = await settle(() => native(...args));
      if (n.ok) note(`native query(${label}) RESOLVES here (state ${n.value.state})`);
      else if (!(n.error instanceof TypeError)) note(`native query(${label}) rejects with ${describe(n.error)}, not TypeError`);
      await assertRejects(() => p.query(...args), 'TypeError', `permissions.query(${label})`);
    });
  }
  await test('still usable after the bad input (no panic killed the wasm module)', async () => {
    for (const name of GATED) {
      const status = await p.query({ name });
      assertEqual(status.name, name, 'status.name');
      assert(STATES.includes(status.state), `state of ${name}: ${JSON.stringify(status.state)}`);
    }
    const again = await settle(() => mod.install());
    assert(again.ok && again.value === p, `install() after bad input: ${again.ok ? 'another object' : describe(again.error)}`);
  });

  // ---- names the library does not gate pass through ---------------------------------------------------
  const OTHERS = [
    { name: 'persistent-storage' },
    { name: 'push', userVisibleOnly: true },
    { name: 'push' },
    { name: 'midi' },
    { name: 'clipboard-read' },
    { name: 'clipboard-write' },
    { name: 'screen-wake-lock' },
    { name: 'storage-access' },
  ];
  let passedThrough = 0;
  for (const descriptor of OTHERS) {
    const label = JSON.stringify(descriptor);
    await test(`pass-through ${label}: same answer as native`, async () => {
      const n = await settle(() => native(descriptor));
      const l = await settle(() => p.query(descriptor));
      if (n.ok) {
        passedThrough++;
        assert(l.ok, `native resolves (state ${n.value.state}) but the library rejects: ${l.ok ? '' : describe(l.error)}`);
        assertEqual(l.value.state, n.value.state, 'state vs native');
        assertEqual(l.value.name, n.value.name, 'name vs native (passed through unchanged)');
        if (typeof PermissionStatus === 'function' && !(l.value instanceof PermissionStatus)) {
          note('the library wraps a pass-through status instead of returning the native PermissionStatus');
        }
        note(`native: resolves, state ${n.value.state}${n.value.name && n.value.name !== descriptor.name ? `, name '${n.value.name}'` : ''}`);
      } else {
        assert(!l.ok, `native rejects (${describe(n.error)}) but the library resolves with state ${l.ok && l.value.state}`);
        assertEqual(l.error && l.error.name, n.error && n.error.name, `error name vs native (${describe(n.error)})`);
        note(`native: rejects ${n.error && n.error.name}`);
      }
    });
  }
  await test('at least one non-gated name resolves natively, so pass-through was exercised', async () => {
    assert(passedThrough > 0, `none of ${OTHERS.map((d) => d.name).join(', ')} resolves natively in ${engine}`);
  });

  // ---- install() is idempotent -------------------------------------------------------------------------
  await test('install() twice resolves to the same object; later options are ignored', async () => {
    const [a, b] = await Promise.all([mod.install(), mod.install()]);
    assert(a === p && b === p, 'install() resolved with a different object');
    const c = await mod.install({ patch: true });
    assert(c === p, 'install({patch: true}) after install() resolved with a different object');
    assert(navigator.permissions.query === originalQuery, 'a later install({patch: true}) patched navigator.permissions.query');
  });
}

await finish();
