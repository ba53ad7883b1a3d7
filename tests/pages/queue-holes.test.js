// Issue 10, item 9: one queue for every dialog, and a full re-check when a dialog's turn comes (SPEC "The pre-prompt":
// "One decision at a time: concurrent requests queue, the recovery help included ... A queued pre-prompt re-checks
// every state when its turn comes (a decision, an embargo or a block made meanwhile, in this page or another, is
// honoured without a dialog)").
//   (a) help() while a pre-prompt is open: no second modal; the help opens once the pre-prompt closed.
//   (b) another page of the origin (a same-origin frame with the library) has a camera pre-prompt open and a
//       microphone call queued behind it; meanwhile this page decides Don't allow for the microphone (or three
//       dismissals start an embargo). When the queued call's turn comes it is refused (reason 'user' / 'embargo')
//       without a dialog.
// The decisions in this page and the answers in the frame are real WebDriver clicks.
import {
  test, assert, assertEqual, settle, note, describe, load, freshStorage, finish, sleep, waitFor,
} from './harness.js';
import {
  answer, waitDialog, openDialogs, openModalCount, closeDialogs, watchDialogs, assertRefused, view, addPeerFrame,
} from './truth-util.js';

const KEY = 'jp-test-queue-holes';

freshStorage();
const mod = await load();
let p = null;
if (mod) {
  await test('install()', async () => {
    p = await mod.install({ storageKey: KEY });
    assert(p && typeof p.query === 'function', `install resolved with ${describe(p)}`);
  });
}

if (p) {
  await test('(a) help({name: microphone}) while the camera pre-prompt is open: never two modals; the help opens after the pre-prompt closed', async () => {
    const cam = await p.query({ name: 'camera' });
    if (cam.state !== 'prompt') { await p.reset({ name: 'camera' }); await p.revoke({ name: 'camera' }); }
    const watch = watchDialogs();
    let most = 0;
    const counter = setInterval(() => { most = Math.max(most, openModalCount()); }, 10);
    try {
      const request = settle(() => p.request({ name: 'camera' }));
      assertEqual(await waitDialog('pre-prompt'), 'camera', 'the pre-prompt asks for');
      let helped = false;
      const help = p.help({ name: 'microphone' }).then(() => { helped = true; });
      await sleep(600);
      const during = openDialogs();
      if (during.length > 1) {
        const closed = await closeDialogs();
        await request;
        await help;
        throw new Error(`dialogs open at once while the pre-prompt waits: ${JSON.stringify(during)} (closed ${closed.join(', ')})`);
      }
      assertEqual(JSON.stringify(during), JSON.stringify([{ kind: 'pre-prompt', cap: 'camera' }]), 'dialogs open while the pre-prompt waits');
      assertEqual(helped, false, 'help() resolved before it was shown');
      await answer('dismiss');
      const r = await request;
      assert(r.ok, `request() rejected: ${r.ok ? '' : describe(r.error)}`);
      assertEqual(await waitDialog('recovery', { ms: 4000 }), 'microphone', 'the recovery help that follows the pre-prompt is for');
      await sleep(200);
      assertEqual(openModalCount(), 1, 'modals open with the help');
      await answer('close', { kind: 'recovery' });
      await help;
      assertEqual(JSON.stringify(watch.stop()), JSON.stringify([{ kind: 'pre-prompt', cap: 'camera' }, { kind: 'recovery', cap: 'microphone' }]), 'dialogs, in order');
      assertEqual(most, 1, 'the most modals open at one time');
    } finally {
      clearInterval(counter);
      await closeDialogs();
    }
  }, { timeout: 20000 });

  let frame = null;
  await test('(b) another page of the origin: a frame with the library', async () => {
    frame = await addPeerFrame('queue-frame', KEY);
  }, { timeout: 20000 });

  if (frame) {
    const { peer } = frame;
    const fdoc = frame.frame.contentDocument;

    /**
     * In the frame: a camera pre-prompt open and a microphone call queued behind it; `meanwhile` decides in this page;
     * then the camera pre-prompt is answered (×). Resolves with the microphone call's result and the frame's dialogs.
     */
    async function queuedBehind(meanwhile) {
      for (const name of ['camera', 'microphone']) await p.reset({ name });
      await sleep(300);
      assertEqual(peer.statuses.microphone.state, 'prompt', "the frame's microphone before the test");
      const watch = watchDialogs(fdoc);
      const cameraCall = settle(() => peer.p.request({ name: 'camera' }));
      assertEqual(await waitDialog('pre-prompt', { doc: fdoc }), 'camera', "the frame's open pre-prompt asks for");
      const micCall = settle(() => peer.p.getUserMedia({ audio: true }));
      await sleep(400);
      assertEqual(openDialogs(fdoc).length, 1, 'dialogs open in the frame (the microphone waits in the queue)');
      await meanwhile();
      await sleep(300);
      await answer('dismiss', { frame: '#queue-frame' });
      await cameraCall;
      const micShown = await Promise.race([micCall.then(() => null), waitDialog('pre-prompt', { doc: fdoc, ms: 3000 })]);
      if (micShown) await closeDialogs({ doc: fdoc, frame: '#queue-frame' });
      const result = await micCall;
      return { result, shown: watch.stop() };
    }

    /** A decision for the microphone through this page's pre-prompt (real click). */
    async function decideMicrophone(choice) {
      const pending = settle(() => p.request({ name: 'microphone' }));
      assertEqual(await waitDialog('pre-prompt'), 'microphone', "this page's pre-prompt asks for");
      await answer(choice);
      const r = await pending;
      assert(r.ok, `request() rejected: ${r.ok ? '' : describe(r.error)}`);
      await sleep(150);
    }

    await test("(b) Don't allow for the microphone decided in this page while the frame's microphone call waits: refused, reason 'user', no dialog", async () => {
      const { result, shown } = await queuedBehind(async () => {
        await decideMicrophone('dont-allow');
        assert(await waitFor(() => peer.statuses.microphone.state === 'denied', 3000), `the frame did not learn the decision: ${JSON.stringify(view(peer.statuses.microphone))}`);
      });
      assertEqual(JSON.stringify(shown), JSON.stringify([{ kind: 'pre-prompt', cap: 'camera' }]), "the frame's dialogs (the queued microphone pre-prompt must not show)");
      assertRefused(result, 'user', "the frame's queued getUserMedia({audio: true})");
    }, { timeout: 25000 });

    await test("(b) an embargo (three dismissals) started in this page while the frame's microphone call waits: refused, reason 'embargo', no dialog", async () => {
      const { result, shown } = await queuedBehind(async () => {
        for (let i = 0; i < 3; i++) await decideMicrophone('dismiss');
        const mic = await p.query({ name: 'microphone' });
        assertEqual(JSON.stringify(view(mic)), JSON.stringify({ state: 'denied', grant: null, reason: 'embargo' }), 'this page\'s microphone after three dismissals');
        assert(await waitFor(() => peer.statuses.microphone.state === 'denied', 3000), `the frame did not learn the embargo: ${JSON.stringify(view(peer.statuses.microphone))}`);
      });
      assertEqual(JSON.stringify(shown), JSON.stringify([{ kind: 'pre-prompt', cap: 'camera' }]), "the frame's dialogs (the queued microphone pre-prompt must not show)");
      assertRefused(result, 'embargo', "the frame's queued getUserMedia({audio: true})");
    }, { timeout: 30000 });

    await closeDialogs({ doc: fdoc, frame: '#queue-frame' });
  }
  await closeDialogs();
  for (const name of ['camera', 'microphone']) await p.reset({ name });
}

await finish();
