// Stored records cannot pin a verdict (issue 20, item 8; SPEC "Persistence"): a record whose clock lies far ahead of
// now (`jp2|cbv18446744073709551615`: a camera block stamped with a saturated clock, which would win every later
// merge and undo the person's Allow or Reset) is corrupt: discarded with the usual console warning, the camera at the
// browser's own state, not blocked. Real storage, written before the library loads.
import { test, assert, assertEqual, finish, freshStorage, load } from './harness.js';

const KEY = 'jp-test-clock-ahead';
freshStorage();
localStorage.setItem(KEY, 'jp2|cbv18446744073709551615');
const warnings = [];
const warn = console.warn;
console.warn = (...args) => { warnings.push(args.map(String).join(' ')); return warn.apply(console, args); };
const mod = await load();
if (mod) {
  await test('a stored camera block with a saturated clock is discarded as corrupt, with a warning; the camera is not blocked', async () => {
    const p = await mod.install({ storageKey: KEY });
    const camera = await p.query({ name: 'camera' });
    assert(warnings.some((w) => /jit-permissions/.test(w) && /corrupt/.test(w)), `console warnings: ${JSON.stringify(warnings)}`);
    assert(!(camera.state === 'denied' && camera.reason === 'user'), `camera ${camera.state} (${camera.reason}): the pinned block was taken`);
    assertEqual(camera.lastDecision, null, 'no decision from the discarded record');
  });
}
await finish();
