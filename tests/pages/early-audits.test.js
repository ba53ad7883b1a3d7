// What install() finds reaches the app (issue 20, item 4; SPEC "Events"): a one-time camera grant stored 17 hours ago
// (its 16-hour lifetime ran out overnight) ends while install() starts; the expiry is delivered to an `audit` listener
// added right after install() resolves, not lost before anyone could listen. Real storage: the record is written
// before the library loads, as a previous visit would have left it.
import { test, assert, assertEqual, finish, freshStorage, load, sleep } from './harness.js';

const KEY = 'jp-test-early-audits';
freshStorage();
const grantedAt = Date.now() - 17 * 3600 * 1000;
localStorage.setItem(KEY, `jp2|co${grantedAt}v${grantedAt}`);
const mod = await load();
if (mod) {
  await test('an expiry found while install() starts reaches a listener added right after it resolves', async () => {
    const p = await mod.install({ storageKey: KEY });
    const seen = [];
    p.addEventListener('audit', (e) => seen.push(e.detail));
    await sleep(300);
    const expiries = seen.filter((r) => r.type === 'expiry');
    assertEqual(JSON.stringify(expiries.map((r) => [r.name, r.cause])), JSON.stringify([['camera', 'max-lifetime']]), `expiry audits (all: ${JSON.stringify(seen)})`);
    assertEqual((await p.query({ name: 'camera' })).state === 'granted', false, 'camera granted after its lifetime');
    // Delivered once: a later listener hears nothing of it.
    const later = [];
    p.addEventListener('audit', (e) => later.push(e.detail));
    await sleep(100);
    assert(!later.some((r) => r.type === 'expiry'), `a later listener got ${JSON.stringify(later)}`);
  });
}
await finish();
