// Issue 15's small contracts, in every engine:
// - install() again: the same controller; with other options (compared by value, functions by identity) one console
//   warning in the page's life, none with the same options or none at all.
// - isRefusal(): true for the refusal shape (a NotAllowedError with a reason, of this frame or another), false for
//   the rest. (The library's real refusals are checked with it in truth-util.js assertRefused and
//   prompt-choices.test.js.)
// - clearWatch() takes what watchPosition() returns, a promise of the id: the watch is cleared once it starts.
//   Seen through a spy on this page's navigator.geolocation.clearWatch that calls the browser's own (the library
//   has no other sign that a watch ended): before the fix the promise was read as the number 0.
import { test, assert, assertEqual, describe, finish, freshStorage, load, note, outside, settle, sleep, waitFor } from './harness.js';
import { choose, waitGone, waitHost } from './prompt-util.js';

freshStorage();
const mod = await load();
let p = null;
const warnings = [];
const warn = console.warn;
console.warn = function (...args) { warnings.push(args.map(String).join(' ')); return warn.apply(this, args); };
const ours = () => warnings.filter((w) => w.startsWith('jit-permissions: install()'));
const clock = () => Date.now();
const within = (promise, ms, what) => Promise.race([promise, sleep(ms).then(() => { throw new Error(`${what}: not settled within ${ms} ms`); })]);

if (mod) {
  await test('install() twice with the same options (a fresh but equal object, the same clock function): one controller, no warning', async () => {
    const a = mod.install({ storageKey: 'jp-test-contract', oneTime: { hiddenTimeout: 60000 }, clock });
    const b = mod.install({ storageKey: 'jp-test-contract', oneTime: { hiddenTimeout: 60000 }, clock });
    assert(a === b, 'the same promise');
    p = await a;
    assert(p && typeof p.query === 'function', `install() resolved with ${describe(p)}`);
    assert((await mod.install()) === p, 'install() with no options: the same controller');
    assertEqual(JSON.stringify(ours()), '[]', 'warnings');
  });
}

if (p) {
  await test('install() with other options: the same controller and one console warning; later other options warn no more', async () => {
    assert((await mod.install({ storageKey: 'jp-test-contract', oneTime: { hiddenTimeout: 60001 } , clock })) === p, 'the same controller');
    assertEqual(ours().length, 1, `warnings after other options: ${JSON.stringify(warnings)}`);
    assert(/ignored/.test(ours()[0]), `the warning says the options are ignored: ${ours()[0]}`);
    assert((await mod.install({ locale: 'de' })) === p, 'the same controller again');
    assert((await mod.install({ storageKey: 'jp-test-contract', oneTime: { hiddenTimeout: 60000 }, clock: () => 0 })) === p, 'and again');
    assertEqual(ours().length, 1, 'warnings in all');
  });

  await test('isRefusal(): the refusal shape of any frame, and nothing else', async () => {
    const refusal = (reason, realm = window) => Object.assign(new realm.DOMException('refused', 'NotAllowedError'), { reason });
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const cases = [
      ['a NotAllowedError DOMException with reason user', refusal('user'), true],
      ["another frame's, reason policy", refusal('policy', frame.contentWindow), true],
      ['a NotAllowedError DOMException without reason', new DOMException('x', 'NotAllowedError'), false],
      ['a NotFoundError DOMException with a reason', Object.assign(new DOMException('x', 'NotFoundError'), { reason: 'user' }), false],
      ['an Error', new Error('NotAllowedError'), false],
      ['a TypeError', new TypeError('x'), false],
      ['the string NotAllowedError', 'NotAllowedError', false],
      ['null', null, false],
      ['undefined', undefined, false],
    ];
    frame.remove();
    for (const [what, value, want] of cases) assertEqual(mod.isRefusal(value), want, `isRefusal(${what})`);
  });

  await test("clearWatch(watchPosition's promise) clears the watch once it starts; clearWatch(id) still does", async () => {
    // The browser grants geolocation (so the library asks nobody: granted, persistent) and the watches start at once.
    await outside('setPermission', { name: 'geolocation', state: 'granted' });
    p.refresh(); // WebKit fires no change for it: the library asks again
    assert(await waitFor(() => p.snapshot({ name: 'geolocation' }).state === 'granted', 3000),
      `geolocation after the browser granted it: ${JSON.stringify(p.snapshot({ name: 'geolocation' }))}`);
    const cleared = [];
    const geo = navigator.geolocation;
    const own = geo.clearWatch;
    geo.clearWatch = function (id) { cleared.push(id); return own.call(this, id); };
    try {
      const pending = p.watchPosition(() => {}, () => {}, { timeout: 2000, maximumAge: Infinity });
      p.clearWatch(pending);
      const id = await within(pending, 5000, 'the first watchPosition()');
      assertEqual(typeof id, 'number', 'the id watchPosition resolves with');
      assert(await waitFor(() => cleared.includes(id), 2000), `the browser's clearWatch calls: ${JSON.stringify(cleared)}, the watch id ${id}`);
      const other = await within(p.watchPosition(() => {}, () => {}, { timeout: 2000, maximumAge: Infinity }), 5000, 'the second watchPosition()');
      p.clearWatch(other);
      assert(cleared.includes(other), `clearWatch(id): the browser's clearWatch calls ${JSON.stringify(cleared)}, the id ${other}`);
      // A refused watch's promise (the pre-prompt dismissed): clearWatch takes it, the rejection stays the caller's.
      await p.revoke({ name: 'geolocation' });
      const refused = p.watchPosition(() => {}, () => {}, {});
      p.clearWatch(refused);
      await waitHost('pre-prompt');
      await choose('dismiss');
      const r = await settle(() => within(refused, 5000, 'the dismissed watchPosition()'));
      assert(!r.ok && mod.isRefusal(r.error) && r.error.reason === 'dismissed', `the dismissed watch: ${r.ok ? 'resolved' : describe(r.error)}`);
      await waitGone('pre-prompt');
      await p.reset({ name: 'geolocation' });
      await sleep(100);
    } finally {
      geo.clearWatch = own;
      await settle(() => outside('setPermission', { name: 'geolocation', state: 'prompt' }));
    }
  }, { timeout: 20000 });
}

console.warn = warn;
await finish();
