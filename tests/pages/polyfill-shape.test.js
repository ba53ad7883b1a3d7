// Issue 21, items 1 and 6: with install({ patch: true }) the platform's own functions are replaced where the
// interface defines them, with the same name, length and property attributes, and they check their arguments as the
// platform does. Each case runs the browser's own function (kept before install) and the patched one in the same
// page, and asserts the same outcome ('throws X' synchronously, 'rejects X', 'resolves', 'returns <type>'). The
// behaviours are those the web-platform-tests of geolocation/, mediacapture-streams/ and notifications/ check
// (facts only: the cases here are this project's own).
// Geolocation is set granted from outside first, so the calls that succeed need no decision in either engine path.
import {
  test, assert, assertEqual, describe, load, freshStorage, finish, note, outside, settle, sleep, engine,
} from './harness.js';

const KEY = 'jp-test-polyfill-shape';
const G = globalThis;
// The browser's own, before the library patches anything: [owner, name, original, descriptor].
const PLACES = [
  ['Permissions.prototype', G.Permissions?.prototype, 'query'],
  ['MediaDevices.prototype', G.MediaDevices?.prototype, 'getUserMedia'],
  ['Geolocation.prototype', G.Geolocation?.prototype, 'getCurrentPosition'],
  ['Geolocation.prototype', G.Geolocation?.prototype, 'watchPosition'],
  ['Geolocation.prototype', G.Geolocation?.prototype, 'clearWatch'],
  ['Notification', G.Notification, 'requestPermission'],
  ['PushManager.prototype', G.PushManager?.prototype, 'subscribe'],
].filter(([, owner, name]) => owner && typeof owner[name] === 'function')
  .map(([label, owner, name]) => ({ label, owner, name, original: owner[name], descriptor: Object.getOwnPropertyDescriptor(owner, name) }));
const original = Object.fromEntries(PLACES.map((p) => [p.name, p.original]));

/** How a call behaves: 'throws <Name>' (synchronously), 'rejects <Name>', 'resolves' or 'returns <type>'. */
async function behaviour(fn) {
  let value;
  try { value = fn(); } catch (err) { return `throws ${err && err.name}`; }
  if (!value || typeof value.then !== 'function') return `returns ${typeof value}`;
  try { await value; return 'resolves'; } catch (err) { return `rejects ${err && err.name}`; }
}

const tally = {}; // api -> [same, cases]
/** Runs one case natively and patched; asserts the same outcome. */
async function same(api, label, nativeCall, patchedCall, expect) {
  tally[api] ??= [0, 0];
  tally[api][1]++;
  const n = await behaviour(nativeCall);
  const l = await behaviour(patchedCall);
  assertEqual(l, n, `${api}: ${label}, patched vs native`);
  if (expect) assert(expect.test(n), `${api}: ${label}: the browser's own ${n}, not ${expect}`);
  tally[api][0]++;
}

freshStorage();
const geoSet = await settle(() => outside('setPermission', { name: 'geolocation', state: 'granted' }));
const mod = await load();
let p = null;
if (mod) {
  await test('install({patch: true}) replaces the functions synchronously, before it resolves', async () => {
    const installing = mod.install({ patch: true, storageKey: KEY });
    const replaced = PLACES.filter((x) => x.owner[x.name] !== x.original).map((x) => x.name);
    assertEqual(replaced.join(), PLACES.map((x) => x.name).join(), 'replaced right after install() returned');
    p = await installing;
    assert(p && typeof p.query === 'function', `install resolved with ${describe(p)}`);
  });
}

if (p) {
  await test('each patched function sits where the original was, with its name, length and property attributes, and is no constructor', async () => {
    note(`patched here: ${PLACES.map((x) => `${x.label}.${x.name}`).join(', ')}`);
    for (const x of PLACES) {
      const f = x.owner[x.name];
      const d = Object.getOwnPropertyDescriptor(x.owner, x.name);
      assert(f !== x.original, `${x.label}.${x.name} is still the browser's own`);
      assertEqual(f.name, x.original.name, `${x.label}.${x.name}.name`);
      assertEqual(f.length, x.original.length, `${x.label}.${x.name}.length`);
      for (const attr of ['writable', 'enumerable', 'configurable']) assertEqual(d[attr], x.descriptor[attr], `${x.label}.${x.name} ${attr}`);
      assertEqual(Object.prototype.hasOwnProperty.call(f, 'prototype'), false, `${x.label}.${x.name} has an own prototype`);
      let err = null;
      try { Reflect.construct(f, []); } catch (e) { err = e; }
      assert(err instanceof TypeError, `new ${x.label}.${x.name}() did not throw TypeError (${describe(err)})`);
    }
    for (const [o, name] of [[navigator.mediaDevices, 'getUserMedia'], [navigator.geolocation, 'watchPosition'], [navigator.permissions, 'query']]) {
      assertEqual(Object.prototype.hasOwnProperty.call(o, name), false, `an own '${name}' on the navigator object`);
    }
  });

  const md = navigator.mediaDevices;
  const gum = (...a) => () => original.getUserMedia.apply(md, a);
  const pgum = (...a) => () => md.getUserMedia(...a);
  await test('getUserMedia: argument errors as the platform\'s (no constraints, {}, both false, a number, a foreign this)', async () => {
    for (const [label, args] of [['()', []], ['({})', [{}]], ['({audio: false, video: false})', [{ audio: false, video: false }]],
      ['(5)', [5]], ['(undefined)', [undefined]], ['({video: undefined})', [{ video: undefined }]]]) {
      await same('getUserMedia', label, gum(...args), pgum(...args), /TypeError/);
    }
    await same('getUserMedia', '.call({}, {video: true})', () => original.getUserMedia.call({}, { video: true }),
      () => md.getUserMedia.call({}, { video: true }), /TypeError/);
  });

  const geo = navigator.geolocation;
  const ok = () => {};
  await test('getCurrentPosition / watchPosition: argument errors thrown synchronously, as the platform\'s', async () => {
    for (const name of ['getCurrentPosition', 'watchPosition']) {
      for (const [label, args] of [['()', []], ['(null)', [null]], ['(undefined)', [undefined]], ['({})', [{}]], ['(\'f\')', ['f']],
        ['(f, 5)', [ok, 5]], ['(f, {})', [ok, {}]], ['(f, null, 5)', [ok, null, 5]], ['(f, null, \'x\')', [ok, null, 'x']]]) {
        await same(name, label, () => original[name].apply(geo, args), () => geo[name](...args), /throws TypeError/);
      }
      await same(name, '.call({}, f)', () => original[name].call({}, ok), () => geo[name].call({}, ok), /throws TypeError/);
    }
  });

  await test('getCurrentPosition returns undefined; watchPosition returns a positive whole number synchronously, each call its own', async () => {
    if (!geoSet.ok) note(`geolocation could not be set granted from outside: ${geoSet.error.message}`);
    await same('getCurrentPosition', '(f, f, {}) return value', () => original.getCurrentPosition.call(geo, ok, ok, {}), () => geo.getCurrentPosition(ok, ok, {}), /returns undefined/);
    const a = geo.watchPosition(ok, ok);
    const b = geo.watchPosition(ok);
    const n = original.watchPosition.call(geo, ok);
    for (const [label, id] of [['native', n], ['patched 1', a], ['patched 2', b]]) {
      assertEqual(typeof id, 'number', `typeof the ${label} watch id`);
      assert(Number.isInteger(id) && id > 0, `the ${label} watch id ${id} is not a positive whole number`);
    }
    assert(a !== b, `two patched watches got one id (${a})`);
    tally.watchPosition[1]++; tally.watchPosition[0]++;
    geo.clearWatch(a); geo.clearWatch(b); original.clearWatch.call(geo, n);
  });

  await test('clearWatch: unknown ids, odd values and a foreign this as the platform\'s; a watch id cleared twice', async () => {
    for (const [label, args] of [['()', []], ['(123456)', [123456]], ['(-1)', [-1]], ['(0)', [0]], ['(\'abc\')', ['abc']], ['(null)', [null]],
      ['(2 ** 40)', [2 ** 40]], ['({})', [{}]], ['(Symbol())', [Symbol('x')]]]) {
      await same('clearWatch', label, () => original.clearWatch.apply(geo, args), () => geo.clearWatch(...args));
    }
    await same('clearWatch', '.call({}, 1)', () => original.clearWatch.call({}, 1), () => geo.clearWatch.call({}, 1), /throws TypeError/);
    const id = geo.watchPosition(ok);
    await same('clearWatch', 'twice', () => { original.clearWatch.call(geo, 99999); return original.clearWatch.call(geo, 99999); },
      () => { geo.clearWatch(id); return geo.clearWatch(id); }, /returns undefined/);
  });

  if (original.requestPermission) {
    await test('Notification.requestPermission: a callback that is not a function is a TypeError, as the platform\'s', async () => {
      for (const [label, args] of [['(5)', [5]], ['(\'f\')', ['f']], ['({})', [{}]]]) {
        await same('requestPermission', label, () => original.requestPermission.apply(Notification, args),
          () => Notification.requestPermission(...args), /TypeError/);
      }
    });
  }

  if (original.subscribe) {
    await test('PushManager.prototype.subscribe on a foreign this is a TypeError, as the platform\'s', async () => {
      await same('subscribe', '.call({})', () => original.subscribe.call({}), () => PushManager.prototype.subscribe.call({}), /TypeError/);
    });
  }

  await test('query: the descriptor errors as the platform\'s', async () => {
    const q = Permissions.prototype.query;
    for (const [label, args] of [['()', []], ['(null)', [null]], ['(5)', [5]], ['({})', [{}]], ['({name: 5})', [{ name: 5 }]], ['({name: \'nope\'})', [{ name: 'nope' }]]]) {
      await same('query', label, () => original.query.apply(navigator.permissions, args), () => q.apply(navigator.permissions, args), /TypeError/);
    }
  });

  await test('the comparison, per API: cases with the same outcome natively and patched', async () => {
    note(`${engine}: ${Object.entries(tally).map(([api, [s, n]]) => `${api} ${s}/${n}`).join(', ')}`);
    for (const [api, [s, n]] of Object.entries(tally)) assertEqual(s, n, `${api}: cases with the same outcome`);
    assert(Object.keys(tally).length >= 5, `only ${Object.keys(tally).length} APIs compared`);
  });
  await sleep(100);
  await settle(() => outside('setPermission', { name: 'geolocation', state: 'prompt' }));
}

await finish();
