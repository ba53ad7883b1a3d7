// One ask per task (issue 13, SPEC "The pre-prompt"): a video call, getUserMedia({ audio: true, video: true }), shows
// one pre-prompt that names both capabilities (title, reason, both icons), and its one "Allow this time" (a real click)
// gives two live tracks from one native call. request([...]) with an optional entry: the person switches it off in the
// same dialog (a real click on its switch) and the rest is allowed; the optional one stays as it was, audited
// `declined`. Everything is real: clicks through WebDriver, tracks from the browsers' fake or mock devices (the
// browser's own request succeeds as in the other pages: prompt-util.js nativeAllows).
import { test, assert, assertEqual, settle, note, engine, describe, finish, outside, sleep } from './harness.js';
import {
  waitHost, waitGone, choose, watchHosts, expectStatus, toPrompt, stopAll, restoreNative, installPage,
} from './prompt-util.js';

const { p, audit } = await installPage('jp-test-video-call');

/** The browser's own camera and microphone requests succeed (Chromium: set granted from outside). */
async function browserAllows() {
  if (engine !== 'chromium') return;
  for (const name of ['camera', 'microphone']) await outside('setPermission', { name, state: 'granted' });
}

if (p) {
  await test('setup: camera and microphone at prompt in the library; the browser grants them when asked', async () => {
    await browserAllows();
    for (const name of ['camera', 'microphone']) await toPrompt(p, name);
  });

  await test('a video call: one pre-prompt names camera and microphone; one "Allow this time" gives two live tracks', async () => {
    const n = audit.events.length;
    const watch = watchHosts();
    const call = settle(() => p.getUserMedia({ audio: true, video: true }));
    const host = await waitHost('pre-prompt');
    const root = host.shadowRoot;
    assertEqual(root.querySelector('dialog').getAttribute('data-capability'), 'camera microphone', 'the dialog asks for');
    assertEqual(root.querySelector('[part~="title"]').textContent, 'Use your camera and microphone?', 'title');
    assert(/camera and microphone/.test(root.querySelector('[part~="reason"]').textContent), 'the reason names both');
    assertEqual(root.querySelectorAll('svg[part~="icon"]').length, 2, 'icons');
    await choose('allow-once');
    const r = await call;
    assert(r.ok, `getUserMedia rejected: ${describe(r.error)}`);
    await waitGone('pre-prompt');
    assertEqual(JSON.stringify(watch.stop().added), '["pre-prompt"]', 'dialogs shown');
    const tracks = r.value.getTracks().map((t) => `${t.kind}:${t.readyState}`).sort();
    assertEqual(JSON.stringify(tracks), '["audio:live","video:live"]', 'tracks');
    for (const name of ['camera', 'microphone']) expectStatus(await p.query({ name }), 'granted', 'one-time', null, name);
    const events = audit.since(n).sort();
    assertEqual(JSON.stringify(events), JSON.stringify([
      'decision:camera:allow-once', 'decision:microphone:allow-once', 'prompt-shown:camera', 'prompt-shown:microphone',
    ]), 'audit events');
    stopAll(r.value);
  }, { timeout: 20000 });

  await test('request([camera, {microphone, optional}]): the microphone switched off in the one dialog; camera allowed, microphone declined', async () => {
    for (const name of ['camera', 'microphone']) await toPrompt(p, name);
    const n = audit.events.length;
    const before = (await p.query({ name: 'microphone' })).decidedAt;
    const pending = settle(() => p.request([{ name: 'camera' }, { name: 'microphone', optional: true }]));
    const host = await waitHost('pre-prompt');
    const root = host.shadowRoot;
    assertEqual(root.querySelector('[part~="title"]').textContent, 'Use your camera and microphone?', 'title');
    const sw = root.querySelector('[role="switch"][data-toggle="microphone"]');
    assert(sw, 'no switch for the optional microphone');
    assertEqual(root.querySelector('[data-toggle="camera"]'), null, 'a switch for the camera, which the task needs');
    await outside('click', { host: 'div[data-jit-permissions="pre-prompt"]', selector: '[data-toggle="microphone"]' });
    assertEqual(sw.getAttribute('aria-checked'), 'false', 'the switch after a real click');
    await choose('allow-once');
    const r = await pending;
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    assert(Array.isArray(r.value) && r.value.length === 2, `request resolved with ${describe(r.value)}`);
    expectStatus(r.value[0], 'granted', 'one-time', null, 'camera');
    expectStatus(r.value[1], 'prompt', null, null, 'microphone');
    assertEqual(r.value[1].decidedAt, before, 'no decision recorded for the declined microphone (its history unchanged)');
    const events = audit.since(n);
    note(`audit: ${JSON.stringify(events)}`);
    for (const e of ['prompt-shown:camera', 'prompt-shown:microphone', 'decision:camera:allow-once', 'declined:microphone']) {
      assert(events.includes(e), `audit ${e} missing`);
    }
    assert(!events.some((e) => e.startsWith('decision:microphone')), 'a decision recorded for the declined microphone');
  }, { timeout: 20000 });

  await test('the same task with the switch left on: both allowed by the one answer', async () => {
    for (const name of ['camera', 'microphone']) await toPrompt(p, name);
    const pending = settle(() => p.request([{ name: 'camera' }, { name: 'microphone', optional: true }]));
    await waitHost('pre-prompt');
    await choose('allow-always');
    const r = await pending;
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    expectStatus(r.value[0], 'granted', 'persistent', null, 'camera');
    expectStatus(r.value[1], 'granted', 'persistent', null, 'microphone');
  }, { timeout: 20000 });

  await test('an entry already allowed is not asked again; one blocked by the person is shown as blocked, not asked', async () => {
    await toPrompt(p, 'microphone');
    await toPrompt(p, 'notifications');
    // Don't allow for notifications (a site-level block), then a task that needs the microphone, may use
    // notifications, and has the camera already (persistent, from the test before).
    const deny = settle(() => p.request({ name: 'notifications' }));
    await waitHost('pre-prompt');
    await choose('dont-allow');
    await deny;
    await waitGone('pre-prompt');
    const pending = settle(() => p.request([{ name: 'camera' }, { name: 'microphone' }, { name: 'notifications', optional: true }]));
    const host = await waitHost('pre-prompt');
    const root = host.shadowRoot;
    assertEqual(root.querySelector('dialog').getAttribute('data-capability'), 'microphone', 'asked');
    const detail = (n) => root.querySelector(`li[data-capability="${n}"] [part~="detail"]`)?.textContent ?? null;
    assertEqual(detail('camera'), 'Already allowed', 'camera');
    assertEqual(detail('notifications'), "Blocked: You chose Don't allow", 'notifications');
    await choose('dismiss');
    const r = await pending;
    assert(r.ok, `request rejected: ${describe(r.error)}`);
    expectStatus(r.value[2], 'denied', null, 'user', 'notifications');
  }, { timeout: 20000 });

  await sleep(100);
  for (const name of ['camera', 'microphone', 'notifications']) await settle(() => p.reset({ name }));
  if (engine === 'chromium') for (const name of ['camera', 'microphone']) await restoreNative(name);
}

await finish();
