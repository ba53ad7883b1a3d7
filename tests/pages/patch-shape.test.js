// Issue 10, item 13: with install({patch: true}) code written against the standard Permissions API cannot tell the
// library apart nor go around it. Checked against the Permissions spec's IDL:
//   [Exposed=(Window,Worker)] interface Permissions { Promise<PermissionStatus> query(object permissionDesc); };
//   [Exposed=(Window,Worker)] interface PermissionStatus : EventTarget {
//     readonly attribute PermissionState state; readonly attribute DOMString name; attribute EventHandler onchange; };
// so `query` is an operation of Permissions.prototype (not an own property of navigator.permissions), named 'query',
// of length 1, whose brand check rejects a `this` that is not a Permissions object; and a status is a
// PermissionStatus (instanceof, class string), an EventTarget whose `change` reaches both addEventListener listeners
// and `onchange`. This needs its own page: install() is idempotent, so only the first install of a page can patch.
import {
  test, assert, assertEqual, assertRejects, settle, note, describe, load, freshStorage, finish,
} from './harness.js';
import { answer, waitDialog, closeDialogs } from './truth-util.js';

const KEY = 'jp-test-patch-shape';
// The browser's own, before the library patches anything.
const proto = Permissions.prototype;
const original = proto.query;
const originalDescriptor = Object.getOwnPropertyDescriptor(proto, 'query');
const native = (descriptor) => original.call(navigator.permissions, descriptor);

/** How a call behaves: 'throws <Name>' (synchronously), 'rejects <Name>' or 'resolves'. */
async function behaviour(fn) {
  let promise;
  try {
    promise = fn();
  } catch (err) {
    return `throws ${err && err.name}`;
  }
  try {
    await promise;
    return 'resolves';
  } catch (err) {
    return `rejects ${err && err.name}${err instanceof TypeError ? ' (a TypeError)' : ''}`;
  }
}

freshStorage();
const mod = await load();
let p = null;
if (mod) {
  await test('install({patch: true}) resolves', async () => {
    p = await mod.install({ patch: true, storageKey: KEY });
    assert(p && typeof p.query === 'function', `install resolved with ${describe(p)}`);
  });
}

if (p) {
  await test("the patched query lives where the interface defines it: Permissions.prototype.query, and navigator.permissions has no own 'query'", async () => {
    assertEqual(Object.prototype.hasOwnProperty.call(navigator.permissions, 'query'), false, "navigator.permissions.hasOwnProperty('query')");
    assert(proto.query !== original, 'Permissions.prototype.query is still the browser\'s own (the library did not patch where the interface puts it)');
    assertEqual(navigator.permissions.query, proto.query, 'navigator.permissions.query is the one inherited from Permissions.prototype');
    const d = Object.getOwnPropertyDescriptor(proto, 'query');
    for (const attr of ['writable', 'enumerable', 'configurable']) {
      assertEqual(d[attr], originalDescriptor[attr], `property attribute ${attr} of Permissions.prototype.query vs the browser's`);
    }
  });

  // What code calls: navigator.permissions.query, and the same through the interface.
  const QUERIES = [['navigator.permissions.query', () => navigator.permissions.query], ['Permissions.prototype.query', () => proto.query]];

  await test("query is a method like the browser's: name 'query', length 1, not a constructor (navigator.permissions.query and Permissions.prototype.query)", async () => {
    for (const [label, get] of QUERIES) {
      const q = get();
      assertEqual(typeof q, 'function', `typeof ${label}`);
      assertEqual(q.name, 'query', `${label}.name`);
      assertEqual(q.length, 1, `${label}.length`);
      assertEqual(Object.prototype.hasOwnProperty.call(q, 'prototype'), false, `${label} has an own 'prototype' (a method has none)`);
      let err = null;
      try { Reflect.construct(q, [{ name: 'camera' }]); } catch (e) { err = e; }
      assert(err instanceof TypeError, `new ${label}(...) did not throw TypeError (${err ? describe(err) : 'no error'})`);
    }
  });

  await test("navigator.permissions.query({name: 'camera'}) is a PermissionStatus: instanceof, class string, the IDL members", async () => {
    const status = await navigator.permissions.query({ name: 'camera' });
    assert('grant' in status, "the patched result has no 'grant': it is not the library's status");
    assert(status instanceof PermissionStatus, 'status instanceof PermissionStatus is false');
    assert(status instanceof EventTarget, 'status instanceof EventTarget is false');
    assertEqual(Object.prototype.toString.call(status), '[object PermissionStatus]', 'Object.prototype.toString.call(status)');
    for (const member of ['state', 'name', 'onchange', 'addEventListener', 'removeEventListener', 'dispatchEvent']) {
      assert(member in status, `'${member}' in status is false`);
    }
    assertEqual(status.name, 'camera', 'status.name');
    assert(['granted', 'denied', 'prompt'].includes(status.state), `status.state ${JSON.stringify(status.state)}`);
    assertEqual(status.onchange, null, 'status.onchange before any handler is set');
    assertEqual(Object.getPrototypeOf(Object.getPrototypeOf(status)), PermissionStatus.prototype,
      "the prototype of the status's prototype is PermissionStatus.prototype");
  });

  await test("Permissions.prototype.query.call(navigator.permissions, {name: 'camera'}) reaches the library", async () => {
    const status = await proto.query.call(navigator.permissions, { name: 'camera' });
    assert('grant' in status, "Permissions.prototype.query.call(...) answered a status without 'grant': it went around the library");
    assert(status instanceof PermissionStatus, 'not a PermissionStatus');
    assertEqual(status.name, 'camera', 'status.name');
  });

  await test('calling query on a `this` that is not a Permissions object behaves as the browser\'s own (TypeError)', async () => {
    for (const [label, get] of QUERIES) {
      for (const [what, self] of [['a plain object', {}], ['undefined', undefined], ['a PermissionStatus', await native({ name: 'geolocation' })]]) {
        const expected = await behaviour(() => original.call(self, { name: 'camera' }));
        const actual = await behaviour(() => get().call(self, { name: 'camera' }));
        assertEqual(actual, expected, `${label}.call(${what}, {name: 'camera'}) vs the browser's own`);
        assert(/TypeError/.test(actual), `${label}.call(${what}, ...) ${actual}, not a TypeError`);
      }
    }
  });

  await test('names the library does not gate still reach the browser (both ways of calling query)', async () => {
    let tried = 0;
    for (const descriptor of [{ name: 'persistent-storage' }, { name: 'push', userVisibleOnly: true }, { name: 'midi' }, { name: 'storage-access' }]) {
      const n = await settle(() => native(descriptor));
      if (!n.ok) continue;
      tried++;
      for (const [how, call] of [['navigator.permissions.query', () => navigator.permissions.query(descriptor)],
        ['Permissions.prototype.query.call', () => proto.query.call(navigator.permissions, descriptor)]]) {
        const l = await settle(call);
        assert(l.ok, `${how}(${JSON.stringify(descriptor)}) rejects (${l.ok ? '' : describe(l.error)}) where the browser's own resolves`);
        assert(!('grant' in l.value), `${how}(${JSON.stringify(descriptor)}) answered the library's status for a name it does not gate`);
        assert(l.value instanceof PermissionStatus, `${how}(${JSON.stringify(descriptor)}) is not a PermissionStatus`);
        assertEqual(l.value.state, n.value.state, `${how}(${JSON.stringify(descriptor)}) state vs the browser's`);
      }
    }
    assert(tried > 0, 'no name the library passes through resolves with the browser\'s own query here');
    note(`${tried} pass-through name(s) checked`);
  });

  await test("change still fires on a status got through the patched query, for addEventListener and onchange (Don't allow, then reset)", async () => {
    const status = await navigator.permissions.query({ name: 'microphone' });
    assertEqual(status.state, 'prompt', 'microphone before the decision');
    const viaListener = [];
    const viaHandler = [];
    status.addEventListener('change', (e) => viaListener.push([e.type, e.target === status, e instanceof Event, status.state]));
    const handler = (e) => viaHandler.push([e.type, e.target === status, status.state]);
    status.onchange = handler;
    assertEqual(status.onchange, handler, 'onchange reads back the handler');
    const pending = settle(() => p.request({ name: 'microphone' }));
    const shown = await waitDialog('pre-prompt');
    assertEqual(shown, 'microphone', 'the pre-prompt asks for');
    await answer('dont-allow');
    const r = await pending;
    assert(r.ok, `request rejected: ${r.ok ? '' : describe(r.error)}`);
    assertEqual(status.state, 'denied', "state after Don't allow");
    await new Promise((res) => setTimeout(res, 200));
    assertEqual(JSON.stringify(viaListener), JSON.stringify([['change', true, true, 'denied']]), 'addEventListener change events [type, target is the status, is an Event, state]');
    assertEqual(JSON.stringify(viaHandler), JSON.stringify([['change', true, 'denied']]), 'onchange events [type, target is the status, state]');
    await p.reset({ name: 'microphone' });
    await new Promise((res) => setTimeout(res, 200));
    assertEqual(status.state, 'prompt', 'state after reset()');
    assertEqual(viaListener.length, 2, 'addEventListener change events after reset()');
    assertEqual(viaHandler.length, 2, 'onchange events after reset()');
  }, { timeout: 15000 });
  await closeDialogs();
}

await finish();
