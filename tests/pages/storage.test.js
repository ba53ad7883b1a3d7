// Persistence (SPEC "Persistence"): corrupt or foreign data under the storage key is discarded with a console
// warning, never a crash; where storage is unavailable the library runs in memory and says so
// (`permissions.inMemory`), and decisions still work for the page.
//   - this page: '{"not":"ours"}' under 'jit-permissions' before install()
//   - frame ?case=bytes: random bytes under its key before install()
//   - frame ?case=sandboxed in <iframe sandbox="allow-scripts">: REAL blocked storage (opaque origin: the browser
//     makes localStorage throw SecurityError). Its scripts and wasm are CORS requests from origin null: serve.mjs
//     answers Access-Control-Allow-Origin: *, and gives *.sandboxed.html a CSP naming its origin beside 'self'
//     (WebKit matches 'self' against the opaque origin, so nothing would load otherwise).
//   - frame ?case=full: full storage, SIMULATED: Storage.prototype.setItem throws QuotaExceededError (no engine
//     here lets a test fill the real quota quickly).
import { test, assert, assertEqual, describe, note, load, freshStorage, finish, outside, sleep, waitFor } from './harness.js';
import { choose } from './grants.js';

const GATED = ['camera', 'microphone', 'geolocation', 'notifications'];
const native = navigator.permissions.query.bind(navigator.permissions);

freshStorage();
localStorage.setItem('jit-permissions', '{"not":"ours"}');
const warnings = [];
const warn = console.warn;
console.warn = (...args) => { warnings.push(args.map(String).join(' ')); return warn.apply(console, args); };

// The frames report by postMessage; start them now, read them later. A frame whose pre-prompt is open says so
// ({step: 'prompt'}) and waits for the person: a real WebDriver click inside that frame (script clicks do not count).
const reports = {};
const prompting = {};
const stages = {};
window.addEventListener('message', (e) => {
  if (!e.data || e.data.from !== 'storage-frame') return;
  if (e.data.step === 'stage') (stages[e.data.case] ||= []).push(`${e.data.stage} at ${e.data.at} ms`);
  else if (e.data.step === 'prompt') prompting[e.data.case] = true;
  else reports[e.data.case] = e.data;
});

const mod = await load();
let p = null;
if (mod) {
  await test('corrupt storage: install() resolves over foreign data', async () => {
    p = await mod.install();
    assert(p && typeof p.query === 'function', `install() resolved with ${describe(p)}`);
  });
}

if (p) {
  await test('corrupt storage: one console warning says the stored data was discarded', async () => {
    console.warn = warn;
    const ours = warnings.filter((w) => w.includes('jit-permissions'));
    assertEqual(ours.length, 1, `jit-permissions warnings (${JSON.stringify(ours)})`);
    assert(/discarded/.test(ours[0]), `the warning does not say the data was discarded: ${JSON.stringify(ours[0])}`);
    assertEqual(p.inMemory, false, 'inMemory (storage works, only its content was foreign)');
  });

  await test('corrupt storage: every capability is at what the browser says (nothing from the foreign data)', async () => {
    for (const name of GATED) {
      const s = await p.query({ name });
      const n = (await native({ name })).state;
      assertEqual(s.state, n, `${name} state vs native`);
      assertEqual(s.grant, n === 'granted' ? 'persistent' : null, `${name} grant`);
      if (n !== 'prompt') note(`${name} is ${n} natively here`);
    }
  });

  await test("corrupt storage: the next decision is stored in the versioned format ('jp2')", async () => {
    const pending = p.request({ name: 'microphone' });
    await choose('dont-allow');
    const s = await pending;
    assertEqual(s.state, 'denied', 'state after Don\'t allow');
    // The write goes through the Web Locks API where the browser has it: a moment later.
    await waitFor(() => (localStorage.getItem('jit-permissions') || '').includes('|mb'), 2000);
    const stored = localStorage.getItem('jit-permissions');
    assert(typeof stored === 'string' && stored.startsWith('jp2'), `stored ${JSON.stringify(stored)}`);
    assert(stored.includes('|mb'), `stored ${JSON.stringify(stored)} has no microphone block ('|mb')`);
  });

  const frames = [
    ['bytes', 'storage-frame.html?case=bytes', null],
    // A cross-origin frame (an opaque origin is one) gets camera, microphone and geolocation only through `allow`
    // (Permissions Policy); without it the browser denies them there, and the library says denied (browser).
    ['sandboxed', 'storage-frame.sandboxed.html?case=sandboxed', 'allow-scripts'],
    ['full', 'storage-frame.html?case=full', null],
  ];
  for (const [kase, src, sandbox] of frames) {
    const f = document.createElement('iframe');
    if (sandbox) {
      f.setAttribute('sandbox', sandbox);
      f.setAttribute('allow', 'camera *; microphone *; geolocation *');
    }
    f.src = src;
    f.width = '480';
    f.height = '600';
    document.body.append(f);
  }
  // A frame loads the library on its own, three at once, and waits for a real click: its test may take the two
  // waits of waitReport() (10 s each) and the click between them, beyond the harness's default 10 s.
  const FRAME_TEST = { timeout: 30000 };
  const settled = (k) => reports[k] || prompting[k];
  const waitReport = async (kase) => {
    // Every frame first, not only this one: a pre-prompt that shows focuses its first choice, and focus scrolls the
    // page to that frame. A frame whose pre-prompt showed after this one was scrolled into view moved it away under
    // the click; Firefox's WebDriver then clicked the top document at the old place (seen: a click at y -97).
    for (let i = 0; i < 400 && !frames.every(([k]) => settled(k)); i++) await sleep(25);
    if (prompting[kase] && !reports[kase]) {
      document.querySelector(`iframe[src*="case=${kase}"]`).scrollIntoView();
      await outside('click', {
        frame: `iframe[src*="case=${kase}"]`, host: 'div[data-jit-permissions="pre-prompt"]', selector: 'button[data-choice="dont-allow"]',
      });
      for (let i = 0; i < 400 && !reports[kase]; i++) await sleep(25);
    }
    const r = reports[kase];
    const reached = (stages[kase] || []).join(', ') || 'none: its script never ran';
    assert(r, `the ${kase} frame reported nothing in time (${prompting[kase] ? "after the click on Don't allow; " : ''}stages: ${reached})`);
    assert(r.ok, `the ${kase} frame failed: ${r.error}`);
    return r;
  };
  const decidedInMemory = (r) => {
    assertEqual(r.decided.state, 'denied', "state after Don't allow");
    assertEqual(r.decided.reason, 'user', 'reason');
    assertEqual(r.later, 'denied', 'state read again later');
    assertEqual(JSON.stringify(r.changes), '["denied"]', 'change events');
  };

  await test('random bytes in storage: install() works, one warning, everything at native, next decision stored as jp2', async () => {
    const r = await waitReport('bytes');
    const ours = r.warnings.filter((w) => w.includes('jit-permissions'));
    assertEqual(ours.length, 1, `jit-permissions warnings (${JSON.stringify(ours)})`);
    for (const [name, s] of Object.entries(r.states)) assertEqual(s.state, s.native, `${name} state vs native`);
    decidedInMemory(r);
    assert(typeof r.stored === 'string' && r.stored.startsWith('jp2') && r.stored.includes('|mb'), `stored ${JSON.stringify(r.stored)}`);
  }, FRAME_TEST);

  await test('blocked storage (sandboxed iframe, opaque origin, real): install() works, inMemory, decisions work in memory', async () => {
    const r = await waitReport('sandboxed');
    note(`in the sandboxed frame: ${r.storageProbe}`);
    assert(/SecurityError/.test(r.storageProbe), `storage is not blocked in the sandboxed frame: ${r.storageProbe}`);
    assertEqual(r.inMemoryAtStart, true, 'inMemory right after install()');
    assertEqual(r.inMemory, true, 'inMemory after a decision');
    const ours = r.warnings.filter((w) => w.includes('jit-permissions'));
    assertEqual(ours.length, 1, `jit-permissions warnings (${JSON.stringify(ours)})`);
    assert(/memory/.test(ours[0]), `the warning does not say decisions are kept in memory: ${JSON.stringify(ours[0])}`);
    for (const [name, s] of Object.entries(r.states)) {
      assert(s.state === s.native || (s.state === 'prompt' && !['granted', 'denied', 'prompt'].includes(s.native)),
        `${name}: state ${s.state}, native ${s.native}`);
    }
    decidedInMemory(r);
  }, FRAME_TEST);

  await test('full storage (setItem throws QuotaExceededError, simulated): install() works, inMemory, decisions work in memory', async () => {
    const r = await waitReport('full');
    assertEqual(r.inMemory, true, 'inMemory after a decision');
    const ours = r.warnings.filter((w) => w.includes('jit-permissions'));
    assertEqual(ours.length, 1, `jit-permissions warnings (${JSON.stringify(ours)})`);
    decidedInMemory(r);
    assertEqual(r.stored, null, 'stored record (setItem never succeeded)');
  }, FRAME_TEST);
}

await finish();
