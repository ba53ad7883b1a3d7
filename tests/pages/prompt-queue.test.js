// One decision at a time (SPEC "The pre-prompt"): concurrent requests for one capability share one dialog and one
// answer; requests for different capabilities queue, one dialog in the DOM at a time, each answered in turn.
// And safety: a caller's title and reason are text, never markup (no element made from them, no script run).
// Every answer is a real WebDriver click inside the dialog's shadow root.
import {
  test, assert, assertEqual, settle, note, engine, describe, finish, sleep, waitFor,
} from './harness.js';
import {
  hosts, waitHost, waitGone, choose, watchHosts, auditLog, expectStatus, toPrompt, nativeAllows, restoreNative, installPage,
} from './prompt-util.js';

const { p, audit } = await installPage('jp-test-queue');

const capOf = (host) => host.shadowRoot.querySelector('dialog').getAttribute('data-capability');

if (p) {
  await test('two concurrent request(camera): one dialog, one Allow this time answers both (granted, one-time)', async () => {
    await nativeAllows('camera');
    await toPrompt(p, 'camera');
    const n = audit.events.length;
    const watch = watchHosts();
    const a = settle(() => p.request({ name: 'camera' }));
    const b = settle(() => p.request({ name: 'camera' }));
    await waitHost('pre-prompt');
    await sleep(300); // a second dialog, if any, would be in the DOM by now
    assertEqual(hosts('pre-prompt').length, 1, 'pre-prompt hosts while both requests wait');
    await choose('allow-once');
    const [ra, rb] = await Promise.all([a, b]);
    assert(ra.ok && rb.ok, `a request rejected: ${describe(ra.error || rb.error)}`);
    expectStatus(ra.value, 'granted', 'one-time', null, 'first request');
    expectStatus(rb.value, 'granted', 'one-time', null, 'second request');
    const seen = watch.stop();
    assertEqual(seen.added.length, 1, 'dialogs shown');
    assertEqual(JSON.stringify(audit.since(n)), JSON.stringify(['prompt-shown:camera', 'decision:camera:allow-once']),
      'audit events (one prompt, one decision)');
  });

  await test("two concurrent getCurrentPosition(): one dialog, one Don't allow rejects both", async () => {
    await toPrompt(p, 'geolocation');
    const watch = watchHosts();
    const a = settle(() => p.getCurrentPosition());
    const b = settle(() => p.getCurrentPosition());
    await waitHost('pre-prompt');
    await sleep(300);
    assertEqual(hosts('pre-prompt').length, 1, 'pre-prompt hosts');
    await choose('dont-allow');
    const [ra, rb] = await Promise.all([a, b]);
    for (const [r, which] of [[ra, 'first'], [rb, 'second']]) {
      assert(!r.ok, `${which} call resolved`);
      assertEqual(r.error.name, 'NotAllowedError', `${which} call's error`);
      assert(/Don't allow/.test(r.error.message), `${which} call's message: ${r.error.message}`);
    }
    assertEqual(watch.stop().added.length, 1, 'dialogs shown');
    await p.reset({ name: 'geolocation' });
  });

  await test('request(camera) and request(geolocation) at once: dialogs one after the other, one host at a time, each answered', async () => {
    await toPrompt(p, 'camera');
    await toPrompt(p, 'geolocation');
    const watch = watchHosts();
    const cam = settle(() => p.request({ name: 'camera' }));
    const geo = settle(() => p.request({ name: 'geolocation' }));
    const first = await waitHost('pre-prompt');
    assertEqual(capOf(first), 'camera', 'first dialog (asked first)');
    await sleep(400);
    assertEqual(hosts('pre-prompt').length, 1, 'hosts while the first dialog is open');
    assertEqual(capOf(hosts('pre-prompt')[0]), 'camera', 'the open dialog before the first answer');
    await choose('dismiss');
    const rc = await cam;
    assert(rc.ok, `camera request rejected: ${describe(rc.error)}`);
    expectStatus(rc.value, 'prompt', null, null, 'camera after ×');
    assert(await waitFor(() => hosts('pre-prompt').length === 1 && capOf(hosts('pre-prompt')[0]) === 'geolocation', 5000),
      'the geolocation dialog did not follow');
    await waitHost('pre-prompt');
    await choose('dont-allow');
    const rg = await geo;
    assert(rg.ok, `geolocation request rejected: ${describe(rg.error)}`);
    expectStatus(rg.value, 'denied', null, 'user', "geolocation after Don't allow");
    await waitGone('pre-prompt');
    const seen = watch.stop();
    assertEqual(JSON.stringify(seen.added), JSON.stringify(['pre-prompt', 'pre-prompt']), 'dialogs shown');
    assertEqual(seen.most, 1, 'most dialogs in the DOM at one time');
    await p.reset({ name: 'geolocation' });
    await p.reset({ name: 'camera' });
  });

  const EVIL = '<img src=x onerror=alert(1)>';
  const alerts = [];
  const originalAlert = window.alert;
  window.alert = (...args) => { alerts.push(args.map(String).join(' ')); };
  const shape = (host) => [...host.shadowRoot.querySelectorAll('*')].map((e) => e.localName).join(',');

  let plainShape = null;
  await test('baseline: the dialog with a plain title and reason', async () => {
    await toPrompt(p, 'geolocation');
    const pending = settle(() => p.request({ name: 'geolocation' }, { title: 'Tag your photo?', reason: 'To add the place.' }));
    const host = await waitHost('pre-prompt');
    plainShape = shape(host);
    assertEqual(host.shadowRoot.querySelector('[part~="title"]').textContent, 'Tag your photo?', 'title text');
    await choose('dismiss');
    await pending;
  });

  await test(`caller title and reason ${EVIL} are shown as text: textContent equals it, no element made from it, no alert`, async () => {
    await toPrompt(p, 'geolocation');
    const before = document.querySelectorAll('img').length;
    const pending = settle(() => p.request({ name: 'geolocation' }, { title: EVIL, reason: EVIL }));
    const host = await waitHost('pre-prompt');
    const root = host.shadowRoot;
    const title = root.querySelector('[part~="title"]');
    const reason = root.querySelector('[part~="reason"]');
    assertEqual(title.textContent, EVIL, 'title textContent');
    assertEqual(reason.textContent, EVIL, 'reason textContent');
    assertEqual(title.children.length + reason.children.length, 0, 'child elements of title and reason');
    assertEqual(root.querySelectorAll('img').length, 0, 'img elements in the shadow root (no image option given)');
    assertEqual(document.querySelectorAll('img').length, before, 'img elements in the document');
    assertEqual(shape(host), plainShape, 'elements of the dialog compared with the plain one');
    const dialog = root.querySelector('dialog');
    assertEqual(document.getElementById(dialog.getAttribute('aria-labelledby')), null, 'ids stay inside the shadow root');
    assertEqual(root.getElementById(dialog.getAttribute('aria-labelledby')), title, 'dialog name is the title');
    assertEqual(root.getElementById(dialog.getAttribute('aria-describedby')), reason, 'dialog description is the reason');
    await sleep(300); // an onerror handler, had one been made, runs by now
    await choose('dismiss');
    await pending;
    assertEqual(JSON.stringify(alerts), '[]', 'alert() calls');
  });

  await test(`an image option with src and alt ${EVIL}: one img, src and alt set as given, nothing else made`, async () => {
    await toPrompt(p, 'geolocation');
    const pending = settle(() => p.request({ name: 'geolocation' }, { title: EVIL, image: { src: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=', alt: EVIL } }));
    const host = await waitHost('pre-prompt');
    const imgs = host.shadowRoot.querySelectorAll('img');
    assertEqual(imgs.length, 1, 'img elements');
    assertEqual(imgs[0].getAttribute('alt'), EVIL, 'img alt');
    assertEqual(imgs[0].getAttribute('part'), 'image', 'img part');
    assertEqual(imgs[0].getAttribute('src'), 'data:image/gif;base64,R0lGODlhAQABAAAAACw=', 'img src');
    // dir="auto": the site's alt text takes its own direction (the library's, not the caller's).
    assertEqual(imgs[0].getAttribute('dir'), 'auto', 'img dir');
    const extra = [...imgs[0].attributes].map((a) => a.name).filter((a) => !['alt', 'class', 'dir', 'lang', 'part', 'src'].includes(a));
    assertEqual(JSON.stringify(extra), '[]', 'img attributes other than alt, class, dir, lang, part, src');
    await sleep(300);
    await choose('dismiss');
    await pending;
    assertEqual(JSON.stringify(alerts), '[]', 'alert() calls');
  });
  window.alert = originalAlert;

  for (const name of ['camera', 'geolocation']) await settle(() => p.reset({ name }));
  if (engine === 'chromium') await restoreNative('camera');
}

await finish();
