// The capability elements where the browser has its own (SPEC "Capability elements": native first). Found by feature:
// where HTMLGeolocationElement / HTMLUserMediaElement exist (Chromium 144+ / 151+; measured here: Chromium 156),
// <jit-geolocation> and <jit-usermedia> render the browser's <geolocation> and <usermedia> in their shadow root,
// take isValid and invalidReason from them, pass their events on, and feed what they deliver to the engine: a
// position or stream after the person's click records a one-time grant (the smaller claim: the page cannot see the
// browser prompt's choice), so the library's one-time expiry, audit and controls cover it, and an expiry ends the
// stream's tracks. Engines without the interfaces skip each test and say so (elements-flow runs the library's own
// button there).
import { test, skip, skipNow, assert, assertEqual, finish, engine, outside, settle, sleep, waitFor, describe, note } from './harness.js';
import { setUp, place, clearStage, record, clickButton, axeOn } from './elements-util.js';
import { toPrompt } from './prompt-util.js';

const HAS = { geolocation: typeof window.HTMLGeolocationElement === 'function', usermedia: typeof window.HTMLUserMediaElement === 'function' };
let offset = 0;
const { p, audit } = await setUp('jp-test-elements-native', { clock: () => Date.now() + offset }, { own: false });
const HOUR = 3600 * 1000;
const version = (/Chrom(?:e|ium)\/([\d.]+)/.exec(navigator.userAgent) || [])[1] || navigator.userAgent;

/** Waits for the element's native element to be valid (the browser's own guards). */
async function nativeValid(el, ms = 4000) {
  assert(await waitFor(() => el.isValid, ms), `not valid within ${ms} ms (invalidReason '${el.invalidReason}')`);
}

/**
 * A fresh <jit-geolocation> (with `attrs`) alone on the stage, geolocation back at prompt in the library, the browser
 * granting it unless `granted` is false; returns the element and the record of its events.
 */
async function freshGeo(attrs, granted = true) {
  if (granted) await outside('setPermission', { name: 'geolocation', state: 'granted' });
  await toPrompt(p, 'geolocation');
  clearStage();
  const el = place('jit-geolocation', attrs);
  return { el, events: record(el) };
}

const NAME = {
  render: 'renders the browser\'s own element in its shadow root (part="native"); isValid and invalidReason are the browser\'s',
  geo: 'a real click on the browser\'s <geolocation> (granted by the browser): location event with a position; the library records a one-time grant',
  media: 'a real click on the browser\'s element inside <jit-usermedia type=camera>: stream event; the one-time grant expires like any other and ends the track',
  untrusted: 'events a script dispatches on the browser\'s element inside (promptdismiss three times, promptaction, location) count for nothing and are not passed on',
  replaced: 'a <jit-geolocation watch> whose grant ended: the replaced browser\'s element has its watch ended, and nothing more is delivered',
  styles: 'the site\'s styles of <jit-usermedia> (a background and a colour) reach the browser\'s element inside, and leave it when the site removes them',
  clicked: 'a real click the browser\'s element refuses (just inserted) is not the person\'s request',
};
if (p && !HAS.geolocation && !HAS.usermedia) {
  for (const n of Object.values(NAME)) {
    await skip(n, `${engine} has no HTMLGeolocationElement or HTMLUserMediaElement: the library's own button runs here (elements-guards, elements-flow)`);
  }
} else if (p) {
  note(`${engine} ${version}: HTMLGeolocationElement ${HAS.geolocation}, HTMLUserMediaElement ${HAS.usermedia}`);
  await test(NAME.render, async () => {
    clearStage();
    const geo = place('jit-geolocation');
    const media = place('jit-usermedia', { type: 'camera' });
    const g = geo.shadowRoot.querySelector('[part="native"]');
    const m = media.shadowRoot.querySelector('[part="native"]');
    assertEqual(g && g.localName, 'geolocation', 'inside <jit-geolocation>');
    // The camera alone: the browser's <camera> where it has HTMLCameraElement (Chromium 156 has), else <usermedia>.
    assertEqual(m && m.localName, typeof window.HTMLCameraElement === 'function' ? 'camera' : 'usermedia', 'inside <jit-usermedia type=camera>');
    const both = place('jit-usermedia');
    assertEqual(both.shadowRoot.querySelector('[part="native"]')?.localName, 'usermedia', 'inside <jit-usermedia> (camera and microphone)');
    assert(!geo.shadowRoot.querySelector('button'), 'no own button beside it');
    note(`just inserted: isValid ${geo.isValid}, invalidReason '${geo.invalidReason}' (the browser's: '${g.invalidReason}')`);
    assertEqual(geo.invalidReason, g.invalidReason, 'invalidReason is the browser element\'s');
    await nativeValid(geo);
    await nativeValid(media);
    const found = await axeOn(geo, media);
    assertEqual(found.join('\n'), '', 'axe violations');
  });

  await test(NAME.geo, async () => {
    const { el, events } = await freshGeo();
    await nativeValid(el);
    await clickButton(el, '[part="native"]');
    assert(await waitFor(() => events.list.includes('location'), 8000), `no location event (events: ${JSON.stringify(events.list)}, error ${describe(el.error)})`);
    assert(el.position, `position (error ${describe(el.error)})`);
    assertEqual(Math.round(el.position.coords.latitude * 100), 4886, 'latitude (run.mjs POSITION)');
    assert(await waitFor(() => el.permissionStatus === 'granted', 2000), `permissionStatus ${el.permissionStatus}`);
    const s = await p.query({ name: 'geolocation' });
    assertEqual(`${s.state} ${s.grant}`, 'granted one-time', 'the library\'s record of it');
    assert(audit.events.some((a) => a.type === 'decision' && a.name === 'geolocation' && a.choice === 'allow-once'), 'audit: a decision');
  }, { timeout: 20000 });

  await test(NAME.media, async () => {
    const set = await settle(() => outside('setPermission', { name: 'camera', state: 'granted' }));
    if (!set.ok) throw new Error(`camera could not be granted from outside: ${describe(set.error)}`);
    await toPrompt(p, 'camera');
    clearStage();
    const el = place('jit-usermedia', { type: 'camera' });
    const events = record(el);
    await nativeValid(el);
    await clickButton(el, '[part="native"]');
    assert(await waitFor(() => events.list.includes('stream'), 8000), `no stream event (events: ${JSON.stringify(events.list)}, error ${describe(el.error)})`);
    const tracks = el.stream.getTracks();
    assertEqual(tracks.map((t) => `${t.kind} ${t.readyState}`).join(), 'video live', 'tracks');
    assert(await waitFor(() => el.permissionStatus === 'granted', 2000), `permissionStatus ${el.permissionStatus}`);
    assertEqual((await p.query({ name: 'camera' })).grant, 'one-time', 'grant');
    offset += 17 * HOUR;
    assertEqual((await p.query({ name: 'camera' })).state, 'prompt', 'camera after 17 hours');
    assert(await waitFor(() => tracks[0].readyState === 'ended', 3000), 'the track did not end');
    assert(await waitFor(() => el.permissionStatus === 'prompt', 2000), `permissionStatus ${el.permissionStatus}`);
    assert(audit.events.some((a) => a.type === 'expiry' && a.name === 'camera'), 'audit: expiry');
  }, { timeout: 20000 });
  await settle(() => outside('setPermission', { name: 'camera', state: 'prompt' }));
  clearStage();

  await test(NAME.styles, async () => {
    clearStage();
    const el = place('jit-usermedia', { type: 'camera' });
    await nativeValid(el);
    const n = el.shadowRoot.querySelector('[part="native"]');
    el.style.background = '#eeeeee';
    el.style.color = '#dddddd';
    assert(await waitFor(() => getComputedStyle(n).backgroundColor === 'rgb(238, 238, 238)', 2000), `the browser's element's background: ${getComputedStyle(n).backgroundColor}`);
    assertEqual(getComputedStyle(n).color, 'rgb(221, 221, 221)', 'the browser\'s element\'s colour');
    // What the browser makes of it is the browser's: measured, not asserted.
    await sleep(1000);
    note(`${version}: the browser's element with text and background at 1.1:1: isValid ${el.isValid}, invalidReason '${el.invalidReason}'`);
    el.style.background = '';
    el.style.color = '';
    assert(await waitFor(() => getComputedStyle(n).backgroundColor !== 'rgb(238, 238, 238)', 2000), 'the background was not taken back when the site removed it');
  });

  await test(NAME.clicked, async () => {
    const { el, events } = await freshGeo();
    const n = el.shadowRoot.querySelector('[part="native"]');
    const a = audit.events.length;
    let seen = false;
    n.addEventListener('location', (e) => { if (e.isTrusted) seen = true; });
    // A real click at once: the browser's element refuses it (recently_attached), so it is no request of the person's.
    await clickButton(el, '[part="native"]');
    await sleep(700);
    // Then the browser's element locates by itself (its own autolocate, the browser's geolocation being granted).
    n.setAttribute('autolocate', '');
    if (!await waitFor(() => seen, 3000)) {
      n.remove();
      el.shadowRoot.append(n);
    }
    if (!await waitFor(() => seen, 3000)) skipNow(`${engine}'s <geolocation autolocate> did not locate by itself here`);
    await sleep(500);
    assertEqual((await p.query({ name: 'geolocation' })).state, 'prompt', 'geolocation in the library after a click the browser\'s element refused, then a location of its own');
    assert(!audit.events.slice(a).some((x) => x.type === 'decision' && x.name === 'geolocation'), 'no decision recorded');
  }, { timeout: 20000 });

  await test(NAME.untrusted, async () => {
    const { el, events } = await freshGeo(undefined, false);
    const n = el.shadowRoot.querySelector('[part="native"]');
    const a = audit.events.length;
    for (let i = 0; i < 3; i++) n.dispatchEvent(new Event('promptdismiss', { bubbles: true }));
    n.dispatchEvent(new Event('promptaction', { bubbles: true }));
    n.dispatchEvent(new Event('location', { bubbles: true }));
    await sleep(500);
    const s = await p.query({ name: 'geolocation' });
    assertEqual(`${s.state} ${s.grant} ${s.reason}`, 'prompt null null', 'geolocation after three script-made promptdismiss events');
    assertEqual(JSON.stringify(events.list.filter((t) => t !== 'validationstatuschange')), '[]', 'events passed on to the page');
    assertEqual(JSON.stringify(audit.events.slice(a).map((e) => e.type)), '[]', 'audit events');
  });

  await test(NAME.replaced, async () => {
    const { el, events } = await freshGeo({ watch: '' });
    await nativeValid(el);
    const old = el.shadowRoot.querySelector('[part="native"]');
    assertEqual(old.watch, true, 'the browser\'s element watches');
    await clickButton(el, '[part="native"]');
    assert(await waitFor(() => events.list.includes('location'), 8000), `no location event (events: ${JSON.stringify(events.list)})`);
    assert(await waitFor(() => el.permissionStatus === 'granted', 2000), `permissionStatus ${el.permissionStatus}`);
    await p.revoke({ name: 'geolocation' });
    assert(await waitFor(() => el.shadowRoot.querySelector('[part="native"]') !== old, 3000), 'the browser\'s element was not replaced when the grant ended');
    assertEqual(old.watch, false, 'the replaced element\'s watch');
    const n = events.list.length;
    const now = el.shadowRoot.querySelector('[part="native"]');
    assertEqual(now.watch, true, 'the new element keeps the watch attribute (it starts when clicked)');
    await sleep(1500);
    assertEqual(JSON.stringify(events.since(n).filter((t) => t !== 'validationstatuschange')), '[]', 'events after the grant ended');
    assertEqual((await p.query({ name: 'geolocation' })).state, 'prompt', 'geolocation stays ended');
  }, { timeout: 20000 });
  clearStage();
}

await finish();
