// One-time grants and hidden pages (seed 002, SPEC "One-time grants" 4): with install({oneTime: {hiddenTimeout}})
// a one-time grant ends once every page of the origin has been hidden that long, unless a camera or microphone track
// the library handed out is live; a track handed out is stopped when its grant ends.
//
// The page is hidden for real (harness.js hidePage()): in Chromium and Firefox by window.open('about:blank'), which
// hides the opener; in WebKit, which blocks window.open without user activation (and whose popups stand beside the
// opener), by WebDriver Minimize Window. Only if both fail is visibility faked in the page, and a note says so.
// The grant is a real one (grants.js): the browser's own camera request succeeds with fake devices in each engine.
import {
  test, assert, assertEqual, note, describe, load, freshStorage, finish, settle, sleep, waitFor, hidePage, skipNow,
} from './harness.js';
import { choose, grantOnce, auditLog, changeLog } from './grants.js';

const HIDDEN_TIMEOUT = 1500;
// Hidden pages get their timers late (Chromium and Firefox run them at most once a second there).
const TIMER_SLACK = 4000;

freshStorage();
const mod = await load();
let p = null;
if (mod) {
  await test(`install({oneTime: {hiddenTimeout: ${HIDDEN_TIMEOUT}}})`, async () => {
    p = await mod.install({ oneTime: { hiddenTimeout: HIDDEN_TIMEOUT } });
    assert(p && typeof p.query === 'function', `install() resolved with ${describe(p)}`);
  });
}

async function hide({ quiet = false } = {}) {
  const h = await hidePage();
  if (!quiet || h.fake) {
    note(`hidden by ${h.how}`);
    for (const n of h.notes) note(n);
  }
  if (h.fake) note('visibility was FAKED in the page: the engine could not hide it for real (see the notes above)');
  return h;
}

const expiries = (log, from) => log.slice(from).filter((a) => a.type === 'expiry');

if (p) {
  const audits = auditLog(p);

  await test('hidden shorter than the timeout, several times in a row: the grant stays (visibility restarts the timer)', async () => {
    // How long the page really was hidden each time comes from its own visibilitychange events: timers of a hidden
    // page run late, and WebDriver's minimize/restore round trips (WebKit) vary, so a period may last longer than
    // asked. An attempt where one period reached the timeout proves nothing (the grant may rightly end): try again.
    const tried = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const status = await grantOnce(p, 'camera');
      const seen = changeLog(status);
      const mark = audits.length;
      const spans = [];
      let since = null;
      const onVisibility = () => {
        if (document.visibilityState === 'hidden') since = performance.now();
        else if (since !== null) { spans.push(Math.round(performance.now() - since)); since = null; }
      };
      document.addEventListener('visibilitychange', onVisibility);
      try {
        // Hide until the periods add up to more than the timeout; later attempts hide for shorter times.
        const factor = [0.4, 0.2, 0.1][attempt - 1];
        for (let i = 0; i < 6 && spans.reduce((a, b) => a + b, 0) <= HIDDEN_TIMEOUT + 200; i++) {
          const h = await hide({ quiet: attempt > 1 || i > 0 });
          await sleep(HIDDEN_TIMEOUT * factor);
          await h.show();
          if (spans.some((ms) => ms >= HIDDEN_TIMEOUT - 100)) break;
        }
      } finally {
        document.removeEventListener('visibilitychange', onVisibility);
      }
      tried.push(spans);
      if (!(spans.length >= 2 && spans.every((ms) => ms < HIDDEN_TIMEOUT - 100))) continue;
      note(`hidden for ${JSON.stringify(spans)} ms${attempt > 1 ? ` (attempt ${attempt}; before: ${JSON.stringify(tried.slice(0, -1))})` : ''}`);
      assert(spans.reduce((a, b) => a + b) > HIDDEN_TIMEOUT, `hidden ${JSON.stringify(spans)} ms: together not over ${HIDDEN_TIMEOUT} ms`);
      await sleep(HIDDEN_TIMEOUT * 0.6);
      assertEqual(status.state, 'granted', 'state after short hides that together last longer than the timeout');
      assertEqual(JSON.stringify(seen), '[]', 'change events');
      assertEqual(expiries(audits, mark).length, 0, 'expiry audit events');
      return;
    }
    skipNow(`in three attempts the page could not be hidden repeatedly for less than ${HIDDEN_TIMEOUT} ms each time (hidden periods: ${JSON.stringify(tried)} ms): hiding and showing through this engine's driver takes too long`);
  }, { timeout: 40000 });

  await test(`hidden past the timeout: a one-time camera grant ends (prompt, exactly one change, expiry audit 'hidden')`, async () => {
    const status = await grantOnce(p, 'camera');
    const seen = changeLog(status);
    const mark = audits.length;
    const h = await hide();
    const hiddenAt = h.at;
    // Nothing reads the state while hidden: the runtime's own timer must end the grant.
    const fired = await waitFor(() => seen.length > 0, HIDDEN_TIMEOUT + TIMER_SLACK);
    const after = (fired ? seen.at[0] : performance.now()) - hiddenAt;
    await h.show();
    await sleep(300); // the re-check on visibility must not add a change
    assert(fired, `no change event within ${HIDDEN_TIMEOUT + TIMER_SLACK} ms of hiding (state now ${status.state})`);
    note(`the grant ended ${Math.round(after)} ms after the page was hidden`);
    assert(after >= HIDDEN_TIMEOUT - 50, `ended after ${Math.round(after)} ms, before the ${HIDDEN_TIMEOUT} ms timeout`);
    assertEqual(status.state, 'prompt', 'state');
    assertEqual(status.grant, null, 'grant');
    assertEqual(status.expiresAt, null, 'expiresAt');
    assertEqual(JSON.stringify(seen), '["prompt"]', 'change events (state read in each)');
    const ex = expiries(audits, mark);
    assertEqual(JSON.stringify(ex.map((a) => [a.name, a.detail])), '[["camera","hidden"]]', 'expiry audit events [name, detail]');
  }, { timeout: 20000 });

  await test('after that expiry, the next gated call shows the pre-prompt again', async () => {
    const pending = settle(() => p.getUserMedia({ video: true }));
    await choose('allow-once');
    const r = await pending;
    assert(r.ok, `getUserMedia after "Allow this time": ${r.ok ? '' : describe(r.error)}`);
    r.value.getTracks().forEach((t) => t.stop());
    assertEqual((await p.query({ name: 'camera' })).grant, 'one-time', 'grant after "Allow this time"');
  });

  let track = null;
  await test('camera in use: a live track handed out keeps the grant while hidden past the timeout', async () => {
    const status = await grantOnce(p, 'camera');
    const seen = changeLog(status);
    const mark = audits.length;
    const stream = await p.getUserMedia({ video: true });
    track = stream.getVideoTracks()[0];
    assert(track, 'getUserMedia gave no video track');
    assertEqual(track.readyState, 'live', 'track.readyState');
    const h = await hide();
    try {
      await sleep(HIDDEN_TIMEOUT + 1000);
      assertEqual(JSON.stringify(seen), '[]', 'change events while hidden with a live track');
      assertEqual(track.readyState, 'live', 'track.readyState while hidden');
      assertEqual(status.state, 'granted', 'state read while hidden with a live track');
      assertEqual(expiries(audits, mark).length, 0, 'expiry audit events');

      // The timer starts when the last such track ends.
      track.stop();
      const stoppedAt = performance.now();
      const fired = await waitFor(() => seen.length > 0, HIDDEN_TIMEOUT + TIMER_SLACK);
      const after = (fired ? seen.at[0] : performance.now()) - stoppedAt;
      assert(fired, `no change event within ${HIDDEN_TIMEOUT + TIMER_SLACK} ms of track.stop() in the hidden page`);
      note(`the grant ended ${Math.round(after)} ms after track.stop()`);
      assert(after >= HIDDEN_TIMEOUT - 50, `ended ${Math.round(after)} ms after track.stop(), before the ${HIDDEN_TIMEOUT} ms timeout`);
      assertEqual(status.state, 'prompt', 'state after the track stopped and the timeout passed');
      assertEqual(JSON.stringify(seen), '["prompt"]', 'change events');
      const ex = expiries(audits, mark);
      assertEqual(JSON.stringify(ex.map((a) => [a.name, a.detail])), '[["camera","hidden"]]', 'expiry audit events [name, detail]');
    } finally {
      await h.show();
    }
  }, { timeout: 25000 });

  await test('a track handed out is stopped (readyState ended) when its grant is revoked', async () => {
    const status = await grantOnce(p, 'camera');
    const seen = changeLog(status);
    const mark = audits.length;
    const stream = await p.getUserMedia({ video: true });
    const t = stream.getVideoTracks()[0];
    const other = await p.query({ name: 'microphone' });
    assertEqual(t.readyState, 'live', 'track.readyState before revoke()');
    await p.revoke({ name: 'camera' });
    assertEqual(t.readyState, 'ended', 'track.readyState right after revoke()');
    assertEqual(status.state, 'prompt', 'state');
    await sleep(200);
    assertEqual(JSON.stringify(seen), '["prompt"]', 'change events');
    const kinds = audits.slice(mark).map((a) => `${a.type}:${a.name}`);
    assert(kinds.includes('revocation:camera'), `audit events ${JSON.stringify(kinds)} have no revocation of camera`);
    assert(other.state !== 'granted' || other.grant !== 'one-time', 'microphone unaffected');
  });
}

await finish();
