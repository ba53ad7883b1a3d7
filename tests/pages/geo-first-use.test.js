// A location watch works on first use (issue 20, items 1 and 9). The browser asks for real: its state stays prompt
// while it asks and after its prompt is answered without being remembered (Firefox with geo.prompt.testing and
// geo.prompt.testing.allow; the WebKit test browser answering its own geolocation request from the control). Chromium
// cannot ask here (chromedriver starts geolocation granted, and nobody answers its prompt): skipped there.
//   - watchPosition() started while the browser still asks is pending, not refused: its first position is the
//     evidence; it is delivered, and the status is granted (one-time) while the browser's query() says prompt.
//   - a refusal by the browser's prompt ends the pending watch: the error callback gets the refusal, no position.
//   - a browser prompt answered without a decision the browser keeps (Firefox: Block, not remembered; query() stays
//     prompt) is not the browser's denial: the status stays prompt, with no change event (no flip to denied and back).
import { test, assert, assertEqual, describe, engine, finish, note, outside, settle, skip, sleep, waitFor } from './harness.js';
import { waitHost, waitGone, choose, toPrompt, installPage } from './prompt-util.js';

const CAN_ASK = engine === 'firefox' || engine === 'webkit';
// Two pages run this file: geo-first-use (the browser allows) and geo-refused (it refuses). WebKit keeps its answer
// for the page, so each answer needs a page of its own.
const REFUSED = location.pathname.includes('geo-refused');
const { p, audit } = await installPage(REFUSED ? 'jp-test-geo-refused' : 'jp-test-geo-first-use');

const nativeGeo = async () => { try { return (await navigator.permissions.query({ name: 'geolocation' })).state; } catch (e) { return describe(e); } };

/** The browser at prompt for geolocation, its prompt answered `answer` when asked. */
async function browserAsks(answer) {
  await outside('setPermission', { name: 'geolocation', state: 'prompt' });
  await outside('promptAnswer', { name: 'geolocation', answer });
  assertEqual(await nativeGeo(), 'prompt', "the browser's own geolocation state before the call");
}

if (p && !CAN_ASK) {
  skip('watchPosition on first use, the browser asking', `${engine}: the browser's geolocation prompt cannot be answered here`);
} else if (p && !REFUSED) {
  await test('watchPosition() on first use while the browser asks: the watch delivers, granted one-time by its first position', async () => {
    await browserAsks('allow');
    const status = await toPrompt(p, 'geolocation');
    const states = [];
    status.addEventListener('change', () => states.push(status.state));
    const positions = [];
    const errors = [];
    const n = audit.events.length;
    const pending = settle(() => p.watchPosition((pos) => positions.push(pos), (e) => errors.push(e), { timeout: 10000 }));
    await waitHost('pre-prompt');
    await choose('allow-once');
    const r = await pending;
    assert(r.ok, `watchPosition rejected: ${r.ok ? '' : describe(r.error)}`);
    assert(await waitFor(() => positions.length > 0 || errors.length > 0, 8000), 'the watch delivered nothing within 8 s');
    assertEqual(errors.length, 0, `error callbacks (${errors.map(describe).join(', ')})`);
    assert(Number.isFinite(positions[0].coords.latitude), 'a position with coordinates');
    note(`the browser's own state after the first position: ${await nativeGeo()}`);
    assertEqual(JSON.stringify([status.state, status.grant]), JSON.stringify(['granted', 'one-time']), 'the status once the watch delivered');
    assertEqual(JSON.stringify(states), '["granted"]', 'change events');
    assert(audit.since(n).includes('decision:geolocation:allow-once'), `audit events: ${audit.since(n)}`);
    // The watch is a use like any other: a revocation clears it.
    await p.revoke({ name: 'geolocation' });
    const count = positions.length;
    await sleep(1500);
    assertEqual(positions.length, count, 'positions after the revocation');
    p.clearWatch(r.value);
    await waitGone('pre-prompt');
  }, { timeout: 25000 });
} else if (p) {

  await test("watchPosition() on first use, the browser's prompt refused: the pending watch ends with the refusal, no position", async () => {
    await browserAsks('deny');
    await toPrompt(p, 'geolocation');
    const positions = [];
    const errors = [];
    const pending = settle(() => p.watchPosition((pos) => positions.push(pos), (e) => errors.push(e), { timeout: 10000 }));
    await waitHost('pre-prompt');
    await choose('allow-once');
    const r = await pending;
    assert(r.ok, `watchPosition rejected: ${r.ok ? '' : describe(r.error)}`);
    assert(await waitFor(() => errors.length > 0, 8000), 'no error callback within 8 s');
    assertEqual(errors[0].name, 'NotAllowedError', 'the error');
    await sleep(1500);
    assertEqual(positions.length, 0, 'positions');
    assertEqual(errors.length, 1, 'error callbacks (the watch ended)');
    p.clearWatch(r.value);
  }, { timeout: 25000 });

  if (engine === 'firefox') {
    await test("a refusal that Firefox does not keep (Block, query() still prompt) is not the browser's denial: prompt, no change event", async () => {
      await browserAsks('deny');
      const status = await toPrompt(p, 'geolocation');
      const states = [];
      status.addEventListener('change', () => states.push(status.state));
      const pending = settle(() => p.getCurrentPosition({ timeout: 10000 }));
      await waitHost('pre-prompt');
      await choose('allow-once');
      const r = await pending;
      assert(!r.ok && r.error.name === 'NotAllowedError', `getCurrentPosition: ${r.ok ? 'resolved' : describe(r.error)}`);
      await sleep(1000);
      assertEqual(await nativeGeo(), 'prompt', "the browser's own state after its prompt");
      assertEqual(status.state, 'prompt', 'the status');
      assertEqual(JSON.stringify(states), '[]', 'change events');
    }, { timeout: 25000 });
  } else {
    skip("a refusal the browser does not keep is not the browser's denial", `${engine}: after a refused geolocation request WebKit reports denied to the page (a denial, not a dismissal)`);
  }
}
if (p && CAN_ASK) {
  await settle(() => outside('promptAnswer', { name: 'geolocation', answer: null }));
  await settle(() => outside('setPermission', { name: 'geolocation', state: 'prompt' }));
  await settle(() => p.reset({ name: 'geolocation' }));
}

await finish();
