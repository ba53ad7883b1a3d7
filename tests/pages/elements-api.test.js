// The capability elements' API as the browser's elements have it (issue 22 item 4; SPEC "Capability elements"), with
// the library's own button in every engine (Chromium's own interfaces hidden, elements-util.js ownButton()):
//   - <jit-camera> and <jit-microphone> (Chrome 153's <camera> and <microphone>): registered, one device each;
//   - isTypeSupported() (the cases of WPT html/semantics/permission-element type-supported-feature-detect);
//   - unsuccessful_registration: more than three elements of one capability in a page;
//   - `lang` changes re-render the label;
//   - autolocate acts when the attribute is added while geolocation is granted; removing `watch` ends the watch;
//   - a refusal's `error` is a GeolocationPositionError (code 1).
import { test, assert, assertEqual, finish, sleep, waitFor, note, outside } from './harness.js';
import { toPrompt, waitHost, waitGone, choose } from './prompt-util.js';
import { setUp, place, clearStage, record, settled, clickButton, nothingStarted } from './elements-util.js';

const { p } = await setUp('jp-test-elements-api');
const label = (el) => el.shadowRoot.querySelector('[part="label"]')?.textContent;

if (p) {
  await test('<jit-camera> and <jit-microphone>: registered, one device each (type fixed), the label of that device; a real click asks for that device', async () => {
    clearStage();
    const cam = place('jit-camera');
    const mic = place('jit-microphone', { type: 'camera' });
    assert(customElements.get('jit-camera') && customElements.get('jit-microphone'), 'both names registered');
    assertEqual(`${cam.type} | ${mic.type}`, 'camera | microphone', 'type');
    assertEqual(`${label(cam)} | ${label(mic)}`, 'Use camera | Use microphone', 'labels');
    await settled(mic);
    await toPrompt(p, 'microphone');
    const events = record(mic);
    await clickButton(mic);
    const host = await waitHost('pre-prompt');
    assert(/microphone/i.test(host.shadowRoot.textContent) && !/camera/i.test(host.shadowRoot.textContent), `the pre-prompt asks for the microphone alone: ${host.shadowRoot.textContent.slice(0, 200)}`);
    await choose('dismiss');
    await waitGone('pre-prompt');
    assert(await waitFor(() => events.list.includes('promptdismiss'), 2000), `events: ${JSON.stringify(events.list)}`);
  }, { timeout: 20000 });

  await test('isTypeSupported(): camera, microphone and both (in any order, repeated, spaced) are; others are not', async () => {
    const C = customElements.get('jit-usermedia');
    assertEqual(typeof C.isTypeSupported, 'function', 'isTypeSupported');
    for (const t of ['camera', 'microphone', ' camera  microphone ', ' microphone  camera   ', ' camera camera microphone', 'microphone microphone camera ']) {
      assertEqual(C.isTypeSupported(t), true, `isTypeSupported(${JSON.stringify(t)})`);
    }
    for (const t of ['invalid', 'cameraa', 'microphone geolocation', 'camera geolocation', '', 'geolocation']) {
      assertEqual(C.isTypeSupported(t), false, `isTypeSupported(${JSON.stringify(t)})`);
    }
  });

  await test('a fourth element of one capability in the page: unsuccessful_registration, and its real click starts nothing; the first three are valid', async () => {
    clearStage();
    await toPrompt(p, 'geolocation');
    const els = [0, 1, 2, 3].map(() => place('jit-geolocation'));
    const other = place('jit-usermedia', { type: 'camera' });
    await settled(els[2]);
    await settled(other);
    assertEqual(els.map((el) => el.invalidReason).join(), ',,,unsuccessful_registration', 'invalidReason of each');
    const events = record(els[3]);
    await clickButton(els[3]);
    await nothingStarted(events, 0, 'a real click on the fourth');
    els[0].remove();
    assert(await waitFor(() => els[3].isValid, 2000), `once one of the three is removed, the fourth: '${els[3].invalidReason}'`);
  });

  await test('display (WPT display-values): block, inline-block, flex and inline-flex are valid; inline, contents, table kinds and list-item are style_invalid', async () => {
    clearStage();
    const ok = ['block', 'inline-block', 'flex', 'inline-flex'];
    const bad = ['inline', 'contents', 'inline-table', 'list-item', 'table', 'table-cell', 'table-row'];
    // Each on a line of its own, so that no box overlaps another's.
    const alone = (d) => {
      const line = document.createElement('div');
      line.style.margin = '12px 0';
      document.getElementById('stage').append(line);
      const el = place('jit-geolocation', {}, line);
      el.style.display = d;
      return el;
    };
    const els = [...ok, ...bad].slice(0, 3).map(alone);
    await sleep(800);
    // display: contents has no box of its own: any reason will do (it is out of view before its style is judged).
    // A table part's anonymous wrappers can make its hit test fail first: any reason will do for those too.
    const loose = (d) => d === 'contents' || /^table-/.test(d);
    const seen = (d, el) => `${d}:${loose(d) ? (el.isValid ? 'valid' : 'invalid') : el.invalidReason || 'valid'}`;
    const got = els.map((el, i) => seen([...ok, ...bad][i], el));
    note(got.join());
    const want = [...ok.map((d) => `${d}:valid`), ...bad.map((d) => `${d}:${loose(d) ? 'invalid' : 'style_invalid'}`)];
    // Only three of one capability may register: judge them three at a time.
    assertEqual(got.slice(0, 3).join(), want.slice(0, 3).join(), 'the first three');
    clearStage();
    for (let i = 3; i < want.length; i += 3) {
      const group = [...ok, ...bad].slice(i, i + 3).map((d) => [d, alone(d)]);
      await sleep(800);
      assertEqual(group.map(([d, el]) => seen(d, el)).join(), want.slice(i, i + 3).join(), `display ${group.map(([d]) => d).join(', ')}`);
      clearStage();
    }
  });

  await test('what the browser\'s element does not apply to itself (WPT invalid-css-properties): filter, clip-path, mask, transform, background and border images, content-visibility, contain; cursor stays pointer', async () => {
    clearStage();
    const el = place('jit-geolocation');
    const img = 'url("data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E")';
    Object.assign(el.style, {
      filter: 'blur(10px)', clipPath: 'circle(10px)', maskImage: img, webkitMaskImage: img, transform: 'rotate(10deg)',
      backgroundImage: img, borderImage: `${img} 1`, contentVisibility: 'hidden', contain: 'size', cursor: 'none',
    });
    const c = getComputedStyle(el);
    const got = ['filter', 'clipPath', 'maskImage', 'transform', 'backgroundImage', 'borderImageSource', 'contain', 'cursor']
      .filter((k) => c[k] !== undefined).map((k) => `${k}:${c[k]}`);
    assertEqual(got.join(' '), 'filter:none clipPath:none maskImage:none transform:none backgroundImage:none borderImageSource:none contain:none cursor:pointer'
      .split(' ').filter((kv) => c[kv.split(':')[0]] !== undefined).join(' '), 'computed style of the element');
    if (c.contentVisibility !== undefined) assertEqual(c.contentVisibility, 'visible', 'content-visibility');
    await settled(el);
  });

  await test('a mask on an ancestor (WPT parent-mask, parent-image-mask): style_invalid', async () => {
    clearStage();
    for (const mask of ['linear-gradient(black, transparent)', 'url("data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E")']) {
      const wrap = document.createElement('div');
      wrap.style.maskImage = mask;
      wrap.style.webkitMaskImage = mask;
      document.getElementById('stage').append(wrap);
      const el = place('jit-geolocation', {}, wrap);
      await sleep(800);
      assertEqual(el.invalidReason, 'style_invalid', `invalidReason under an ancestor with mask-image ${mask.slice(0, 30)}`);
      clearStage();
    }
  });

  await test('the element\'s children are not rendered while its type is valid (WPT no-children-rendered)', async () => {
    clearStage();
    const el = place('jit-geolocation');
    const child = document.createElement('span');
    child.textContent = 'hidden text';
    el.append(child);
    await sleep(100);
    assertEqual(child.getClientRects().length, 0, 'boxes of the child');
  });

  await test('lang: a new lang on the element, or on an ancestor, re-renders the label in that language', async () => {
    clearStage();
    const wrap = document.createElement('div');
    document.getElementById('stage').append(wrap);
    const el = place('jit-geolocation', {}, wrap);
    assertEqual(label(el), 'Use location', 'label');
    wrap.lang = 'fr';
    assert(await waitFor(() => label(el) === 'Utiliser ma position', 1000), `label after the ancestor's lang="fr": ${label(el)}`);
    el.lang = 'de';
    assert(await waitFor(() => label(el) === 'Standort verwenden', 1000), `label after lang="de": ${label(el)}`);
  });

  await test('geolocation refused (Don\'t allow): location event, error a GeolocationPositionError with code 1; a new element knows denied at its first read', async () => {
    clearStage();
    await toPrompt(p, 'geolocation');
    const el = place('jit-geolocation');
    const events = record(el);
    await settled(el);
    await clickButton(el);
    await waitHost('pre-prompt');
    await choose('dont-allow');
    assert(await waitFor(() => events.list.includes('location'), 5000), `events: ${JSON.stringify(events.list)}`);
    const e = el.error;
    assert(e, 'error');
    assertEqual(e.code, 1, 'error.code');
    assertEqual(e.PERMISSION_DENIED, 1, 'error.PERMISSION_DENIED');
    if (typeof GeolocationPositionError === 'function') assert(e instanceof GeolocationPositionError, 'instanceof GeolocationPositionError');
    note(`error: code ${e.code}, reason ${e.reason}, message ${e.message}`);
    assertEqual(el.position, null, 'position');
    // initialPermissionStatus is known at the first read once the page's runtime is (no wait for a load).
    assertEqual((await p.query({ name: 'geolocation' })).state, 'denied', 'the library after Don\'t allow');
    const next = place('jit-geolocation');
    assertEqual(`${next.initialPermissionStatus} ${next.permissionStatus}`, 'denied denied', 'a new element right after insertion');
    await p.reset({ name: 'geolocation' });
  }, { timeout: 20000 });

  await test('autolocate added while geolocation is granted locates; removing watch ends the watch (clearWatch)', async () => {
    clearStage();
    // The browser's own request after the pre-prompt is allowed from outside (Firefox would otherwise show its prompt).
    await outside('setPermission', { name: 'geolocation', state: 'granted' });
    await toPrompt(p, 'geolocation');
    // First a one-time grant through an element (a position read once: WebKit then reports the page granted).
    const once = place('jit-geolocation');
    const onceEvents = record(once);
    await settled(once);
    await clickButton(once);
    await waitHost('pre-prompt');
    await choose('allow-once');
    assert(await waitFor(() => onceEvents.list.includes('location'), 10000), `no location (events ${JSON.stringify(onceEvents.list)})`);
    clearStage();
    const el = place('jit-geolocation', { watch: '' });
    const events = record(el);
    await settled(el);
    await clickButton(el);
    assert(await waitFor(() => events.list.includes('location'), 10000), `no location from the watch (events ${JSON.stringify(events.list)})`);
    assertEqual(el.permissionStatus, 'granted', 'permissionStatus');
    // WPT granted-selector: the browser's element matches :granted; the library's, its custom state.
    let states = true;
    try { document.createElement('div').matches(':state(x)'); } catch { states = false; }
    if (states) assertEqual(`${el.matches(':state(granted)')} ${el.matches(':state(denied)')}`, 'true false', ':state(granted) and :state(denied) of the element');
    else note('no CustomStateSet selectors (:state()) in this engine');
    // A spy on the real API: the watch's end reaches the browser.
    const cleared = [];
    const real = navigator.geolocation.clearWatch;
    navigator.geolocation.clearWatch = function (id) { cleared.push(id); return real.call(this, id); };
    try {
      el.removeAttribute('watch');
      assert(await waitFor(() => cleared.length > 0, 2000), 'removing watch did not clear the watch');
    } finally {
      navigator.geolocation.clearWatch = real;
    }
    const auto = place('jit-geolocation');
    const autoEvents = record(auto);
    await settled(auto);
    await sleep(300);
    assertEqual(autoEvents.list.includes('location'), false, 'no location before autolocate');
    auto.autolocate = true;
    assert(await waitFor(() => autoEvents.list.includes('location'), 8000), `autolocate added: no location (events ${JSON.stringify(autoEvents.list)})`);
    assert(auto.position, 'position');
  }, { timeout: 30000 });
  clearStage();
}

await finish();
