// Issue 10, item 7: the record the pages of an origin share (SPEC "Persistence", "States").
//   (c) a `storage` event of sessionStorage (another document of this tab wrote its session storage) is not the
//       record: nothing changes.
//   (a) the record cleared by another page of the origin (localStorage.clear(), or removeItem of the key: the `storage`
//       event fires only in the other documents, so the clear runs in a same-origin frame) ends the library's grants in
//       this page: one `change` to prompt, a `revocation` audit with cause `cleared`, the track handed out ends; and the
//       grant is not reported granted/persistent afterwards even where the browser still grants (Chromium: camera set
//       granted from outside).
//   (b) two pages (same-origin frames, each with the library) write decisions at the same moment: in the same task,
//       and in two tasks started by one BroadcastChannel message. After a short wait, storage and every page hold both
//       decisions: nothing is lost to the other page's write.
import {
  test, assert, assertEqual, settle, note, engine, describe, load, freshStorage, finish, sleep, waitFor, outside,
  skipNow,
} from './harness.js';
import {
  answer, waitDialog, closeDialogs, audits, changes, view, nativeState, restoreNative, endedLog, stopAll, addPeerFrame,
} from './truth-util.js';

const KEY = 'jp-test-record-shared';

freshStorage();
const cameraBefore = await nativeState('camera');

// Every `storage` event this page gets, with its area.
const events = [];
window.addEventListener('storage', (e) => {
  events.push({ key: e.key, area: e.storageArea === localStorage ? 'local' : e.storageArea === sessionStorage ? 'session' : 'other' });
});

const mod = await load();
let p = null;
if (mod) {
  await test('install()', async () => {
    p = await mod.install({ storageKey: KEY });
    assert(p && typeof p.query === 'function', `install resolved with ${describe(p)}`);
  });
}

/**
 * A decision through this page's pre-prompt (real click). A capability not at prompt (a decision before, or granted
 * by the browser: SPEC rule 5) is reset, then revoked, first, so that the pre-prompt shows.
 */
async function decide(name, choice) {
  const status = await p.query({ name });
  if (status.state !== 'prompt') await p.reset({ name });
  if (status.state !== 'prompt') await p.revoke({ name });
  assertEqual(status.state, 'prompt', `${name} before the decision`);
  const pending = settle(() => p.request({ name }));
  assertEqual(await waitDialog('pre-prompt'), name, 'the pre-prompt asks for');
  await answer(choice);
  const r = await pending;
  assert(r.ok, `request(${name}) rejected: ${r.ok ? '' : describe(r.error)}`);
  return r.value;
}

/** Whether a capability entry of the stored record holds a grant (a one-time `o<ms>` or persistent `a<ms>` field). */
function storedGrant(letter) {
  const text = localStorage.getItem(KEY) || '';
  const entry = text.split('|').slice(1).find((e) => e[0] === letter);
  return { text, grant: !!entry && /[oa]\d/.test(entry.slice(1)), blocked: !!entry && /b/.test(entry.slice(1).replace(/\d+/g, '')) };
}

if (p) {
  const log = audits(p);
  const cam = await p.query({ name: 'camera' });
  const mic = await p.query({ name: 'microphone' });
  const camSeen = changes(cam);
  const micSeen = changes(mic);
  let other = null;

  await test('(c) storage events of sessionStorage from another document change nothing', async () => {
    await decide('microphone', 'dont-allow');
    assertEqual(JSON.stringify(view(mic)), JSON.stringify({ state: 'denied', grant: null, reason: 'user' }), "microphone after Don't allow");
    other = await addPeerFrame('plain-frame', KEY, { install: false });
    const seenBefore = micSeen.length;
    const n = log.length;
    const e0 = events.length;
    const s = other.win.sessionStorage;
    s.setItem(KEY, 'jp1'); // an empty record of the first format, as text
    s.removeItem(KEY);
    s.setItem('unrelated', '1');
    s.clear(); // key null, as a clear of localStorage would give
    assert(await waitFor(() => events.length - e0 >= 4, 3000), `this page got ${events.length - e0} storage events, not 4`);
    await sleep(300);
    const got = events.slice(e0);
    assert(got.every((e) => e.area === 'session'), `storage events: ${JSON.stringify(got)}`);
    assertEqual(JSON.stringify(view(mic)), JSON.stringify({ state: 'denied', grant: null, reason: 'user' }), 'microphone after the sessionStorage events');
    assertEqual(micSeen.length, seenBefore, 'microphone change events');
    assertEqual(JSON.stringify(log.since(n)), '[]', 'audit events');
    assert(storedGrant('m').blocked, `the stored record lost the microphone block: ${JSON.stringify(localStorage.getItem(KEY))}`);
    await p.reset({ name: 'microphone' });
  });

  /** A one-time grant of `name` and a live track through the library; resolves with the track and its ended log. */
  async function grantAndTrack(name) {
    const status = name === 'camera' ? cam : mic;
    if (status.state !== 'prompt') {
      note(`${name} was ${JSON.stringify(view(status))} before the grant: revoked first so that the pre-prompt shows`);
      await p.revoke({ name });
    }
    await decide(name, 'allow-once');
    if (status.state !== 'granted') skipNow(`the browser's own ${name} request does not succeed here: ${JSON.stringify(view(status))}`);
    assertEqual(status.grant, 'one-time', `${name} grant`);
    const stream = await p.getUserMedia(name === 'camera' ? { video: true } : { audio: true });
    const track = stream.getTracks()[0];
    assertEqual(track.readyState, 'live', 'the track handed out');
    return { status, track, ended: endedLog(track), stream };
  }

  for (const [label, how, name] of [
    ['localStorage.clear()', (w) => w.localStorage.clear(), 'camera'],
    [`localStorage.removeItem('${KEY}')`, (w) => w.localStorage.removeItem(KEY), 'microphone'],
  ]) {
    await test(`(a) ${label} in another page: the one-time ${name} grant ends (one change, revocation cause cleared, the track ends) and stays ended`, async () => {
      if (!other) other = await addPeerFrame('plain-frame', KEY, { install: false });
      let browserGrants = false;
      if (name === 'camera') {
        const set = await settle(() => outside('setPermission', { name: 'camera', state: 'granted' }));
        browserGrants = set.ok;
        note(set.ok ? 'camera set granted in the browser too (as Chrome reports its own one-time grant)' : `the browser's camera state stays ${await nativeState('camera')} (${set.error.message})`);
        if (set.ok) await waitFor(() => cam.state === 'granted', 2000);
      }
      const { status, track, ended, stream } = await grantAndTrack(name);
      const seen = name === 'camera' ? camSeen : micSeen;
      const before = seen.length;
      const n = log.length;
      const e0 = events.length;
      how(other.win);
      assert(await waitFor(() => events.length > e0, 3000), 'this page got no storage event');
      assert(await waitFor(() => status.state === 'prompt', 2000), `${name} after the record was cleared: ${JSON.stringify(view(status))}`);
      await sleep(300);
      const got = events.slice(e0);
      assertEqual(got[0].area, 'local', 'the storage event\'s area');
      assertEqual(JSON.stringify(view(status)), JSON.stringify({ state: 'prompt', grant: null, reason: null }), `${name} after the clear`);
      assertEqual(JSON.stringify(seen.slice(before)), '["prompt"]', `${name} change events`);
      const revocations = log.events.slice(n).filter((e) => e.type === 'revocation');
      assertEqual(JSON.stringify(revocations.map((e) => [e.name, e.cause])), JSON.stringify([[name, 'cleared']]), 'revocation audit events [name, cause]');
      assertEqual(track.readyState, 'ended', "the track's readyState");
      assertEqual(ended.count, 1, "'ended' events on the track");
      // Not granted afterwards, whatever the browser says, after a re-check of the browser.
      p.refresh();
      await sleep(500);
      const fresh = await p.query({ name });
      assertEqual(JSON.stringify(view(fresh)), JSON.stringify({ state: 'prompt', grant: null, reason: null }), `${name} after a re-check (the browser's own: ${await nativeState(name)})`);
      if (browserGrants) assertEqual(await nativeState(name), 'granted', "the browser's own state (still granting)");
      assert(!storedGrant(name[0]).grant, `the record written back holds a ${name} grant: ${JSON.stringify(localStorage.getItem(KEY))}`);
      stopAll(stream);
    }, { timeout: 20000 });
  }
  await test("(a) localStorage.clear() in this very page (a site's logout): the one-time camera grant ends as on another page's clear (issue 20)", async () => {
    const set = await settle(() => outside('setPermission', { name: 'camera', state: 'granted' }));
    note(set.ok ? 'camera set granted in the browser too' : `the browser's camera state stays ${await nativeState('camera')}`);
    const { status, track, ended, stream } = await grantAndTrack('camera');
    const before = camSeen.length;
    const n = log.length;
    localStorage.clear();
    // Noticed at the next read of a state at the latest (no storage event fires in the page that cleared).
    assertEqual(JSON.stringify(view(await p.query({ name: 'camera' }))), JSON.stringify({ state: 'prompt', grant: null, reason: null }), 'camera right after the clear');
    await sleep(300);
    assertEqual(JSON.stringify(camSeen.slice(before)), '["prompt"]', 'camera change events');
    const revocations = log.events.slice(n).filter((e) => e.type === 'revocation');
    assertEqual(JSON.stringify(revocations.map((e) => [e.name, e.cause])), JSON.stringify([['camera', 'cleared']]), 'revocation audit events [name, cause]');
    assertEqual(track.readyState, 'ended', "the track's readyState");
    assertEqual(ended.count, 1, "'ended' events on the track");
    assert(!storedGrant('c').grant, `the record written back holds a camera grant: ${JSON.stringify(localStorage.getItem(KEY))}`);
    p.refresh();
    await sleep(500);
    assertEqual(JSON.stringify(view(await p.query({ name: 'camera' }))), JSON.stringify({ state: 'prompt', grant: null, reason: null }), 'camera after a re-check');
    stopAll(stream);
  }, { timeout: 20000 });
  if (cameraBefore !== (await nativeState('camera'))) await restoreNative('camera', cameraBefore);

  // (b) Two pages writing at once.
  let frames = null;
  await test('(b) two other pages of the origin (frames with the library) are up and know this page\'s decisions', async () => {
    for (const name of ['camera', 'microphone']) { await p.reset({ name }); await p.revoke({ name }); await p.reset({ name }); }
    const f1 = await addPeerFrame('frame-1', KEY);
    const f2 = await addPeerFrame('frame-2', KEY);
    frames = [f1, f2];
  }, { timeout: 35000 });

  /** Waits until every page's status of `name` has lastDecision `choice` (old code without lastDecision: 1 s). */
  async function everyoneKnows(name, choice) {
    const statuses = [p.query({ name }), ...frames.map((f) => f.peer.statuses[name])];
    const all = await Promise.all(statuses);
    if (!('lastDecision' in all[0])) { await sleep(1000); return; }
    assert(await waitFor(() => all.every((s) => s.lastDecision === choice), 3000),
      `not every page learnt ${name} ${choice}: ${JSON.stringify(all.map((s) => s.lastDecision))}`);
  }

  /**
   * Every page and storage must hold both decisions. `expect`: [name, kind] with kind 'ended' (a revoked grant:
   * prompt, no grant, whatever the browser says) or 'reset' (no block any more, and asked again: prompt unless the
   * browser denies).
   */
  async function nothingLost(what, expect) {
    await sleep(1000);
    const pages = [['this page', p], ...frames.map((f, i) => [`frame ${i + 1}`, f.peer.p])];
    for (const [label, controller] of pages) {
      for (const [name, kind] of expect) {
        const s = await controller.query({ name });
        if (kind === 'ended') {
          assertEqual(JSON.stringify([s.state, s.grant, s.reason]), JSON.stringify(['prompt', null, null]), `${label}'s ${name} ${what}`);
        } else {
          // A reset asks again (issue 20): prompt whatever the browser grants; its denial still wins.
          const n = await nativeState(name);
          const want = n === 'denied' ? ['denied', null, 'browser'] : ['prompt', null, null];
          assertEqual(JSON.stringify([s.state, s.grant, s.reason]), JSON.stringify(want), `${label}'s ${name} ${what} (the browser's own: ${n})`);
        }
      }
    }
    for (const [name, kind] of expect) {
      const stored = storedGrant(name[0]);
      if (kind === 'ended') assert(!stored.grant, `storage lost ${name}'s revocation (it still holds a grant): ${JSON.stringify(stored.text)}`);
      else assert(!stored.blocked && !stored.grant, `storage lost ${name}'s reset (it still holds a decision): ${JSON.stringify(stored.text)}`);
    }
  }

  if (frames) {
    const [f1, f2] = frames;
    await test('(b) in one task, frame 1 revokes camera and frame 2 revokes microphone: storage and all three pages hold both revocations', async () => {
      await decide('camera', 'allow-always');
      await decide('microphone', 'allow-always');
      await everyoneKnows('camera', 'allow-always');
      await everyoneKnows('microphone', 'allow-always');
      assert(storedGrant('c').grant && storedGrant('m').grant, `storage before: ${localStorage.getItem(KEY)}`);
      const n1 = f1.peer.audits.length;
      const n2 = f2.peer.audits.length;
      // The same task: neither frame can have heard of the other's write.
      f1.peer.p.revoke({ name: 'camera' });
      f2.peer.p.revoke({ name: 'microphone' });
      await nothingLost('after both revocations', [['camera', 'ended'], ['microphone', 'ended']]);
      assert(f1.peer.audits.slice(n1).some((e) => e.type === 'revocation' && e.name === 'camera'), 'frame 1 audited no camera revocation');
      assert(f2.peer.audits.slice(n2).some((e) => e.type === 'revocation' && e.name === 'microphone'), 'frame 2 audited no microphone revocation');
    }, { timeout: 25000 });

    await test("(b) one BroadcastChannel message: frame 1 revokes camera, frame 2 resets microphone's Don't allow, each in its own task: both kept", async () => {
      for (const name of ['camera', 'microphone']) await p.reset({ name });
      await decide('camera', 'allow-always');
      await decide('microphone', 'dont-allow');
      await everyoneKnows('camera', 'allow-always');
      await everyoneKnows('microphone', 'dont-allow');
      assert(storedGrant('c').grant && storedGrant('m').blocked, `storage before: ${localStorage.getItem(KEY)}`);
      const name = `jp-test-record-shared-go-${Math.random()}`;
      const ran = [];
      const c1 = new f1.win.BroadcastChannel(name);
      const c2 = new f2.win.BroadcastChannel(name);
      c1.onmessage = () => { ran.push('frame 1'); f1.peer.p.revoke({ name: 'camera' }); };
      c2.onmessage = () => { ran.push('frame 2'); f2.peer.p.reset({ name: 'microphone' }); };
      const go = new BroadcastChannel(name);
      go.postMessage('go');
      assert(await waitFor(() => ran.length === 2, 3000), `the frames ran ${JSON.stringify(ran)}`);
      go.close(); c1.close(); c2.close();
      await nothingLost('after the revocation and the reset', [['camera', 'ended'], ['microphone', 'reset']]);
    }, { timeout: 25000 });
  }

  await closeDialogs();
  for (const name of ['camera', 'microphone']) await p.reset({ name });
}
if (cameraBefore !== (await nativeState('camera'))) await restoreNative('camera', cameraBefore);

await finish();
