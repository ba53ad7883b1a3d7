// The guards of the library's own capability button judge what the person sees (issue 22 item 1; SPEC "Capability
// elements"): each style or cover below hid the button or its label from the person while the element stayed valid,
// so a real click on it went through (and a valid click lifts an embargo and reconsiders a Don't allow). Each must
// make the element invalid and its real click start nothing:
//   - the button or the label styled through ::part: opacity 0, a transparent colour, a 1px font, visibility hidden,
//     a mask, a clip-path, a blend mode, generated content on the host (its ::after over the button);
//   - a cover with pointer-events: none (hit tests do not see it) over the whole button;
//   - a cover over a band that none of the five old sample points (centre, corners) fell in;
//   - an ancestor through a slot (a component that slots the element into a translucent or zoomed-out box);
//   - a cover that is there for a few frames and gone before the click (no 250 ms poll sees it): 500 ms hold;
//   - a script's focus(): the person's next Enter or Space is not a click of theirs.
// Geolocation is brought to prompt first, so that a click that got through opens the pre-prompt.
import { test, assert, assertEqual, finish, sleep, waitFor, engine, note } from './harness.js';
import { toPrompt, press, waitHost, waitGone, hosts } from './prompt-util.js';
import { setUp, place, stage, clearStage, css, record, settled, clickButton, clickAt, nothingStarted } from './elements-util.js';

const { p } = await setUp('jp-test-elements-seen');

/** The centre of `el`'s box, in viewport coordinates. */
function centre(el) {
  const r = el.getBoundingClientRect();
  return [r.left + r.width / 2, r.top + r.height / 2];
}
/**
 * Each test starts alone: no dialog open and geolocation at prompt in the library (should an earlier test's click
 * have got through, its pre-prompt is closed and its grant ended, so that this test's result is its own).
 */
async function alone() {
  clearStage();
  for (let i = 0; i < 3 && document.querySelector('div[data-jit-permissions]'); i++) {
    await press('Escape');
    await sleep(300);
  }
  assertEqual(document.querySelectorAll('div[data-jit-permissions="pre-prompt"], div[data-jit-permissions="recovery"]').length, 0, 'dialogs left open before the test');
  await toPrompt(p, 'geolocation');
}
const frames = (n) => new Promise((resolve) => {
  const step = () => (n-- <= 0 ? resolve() : requestAnimationFrame(step));
  requestAnimationFrame(step);
});

if (p) {

  const STYLES = [
    ['::part(button){opacity:0}', '::part(button) { opacity: 0; }'],
    ['::part(label){color:transparent}', '::part(label) { color: transparent; }'],
    ['::part(label){font-size:1px}', '::part(label) { font-size: 1px; }'],
    ['::part(label){visibility:hidden}', '::part(label) { visibility: hidden; }'],
    ['::part(label){-webkit-text-fill-color:transparent}', '::part(label) { -webkit-text-fill-color: transparent; }'],
    ['::part(button){mask-image}', '::part(button) { mask-image: linear-gradient(transparent, transparent); -webkit-mask-image: linear-gradient(transparent, transparent); }'],
    ['::part(button){clip-path}', '::part(button) { clip-path: inset(0 0 0 95%); }'],
    ['::part(button){mix-blend-mode:screen}', '::part(button) { mix-blend-mode: screen; }'],
    ['::part(label){text-indent:-999px}', '::part(label) { text-indent: -999px; }'],
    ['the host\'s ::after over the button (pointer-events: none)', ' { position: relative; } #ID::after { content: ""; position: absolute; inset: 0; background: #fff; pointer-events: none; }'],
  ];
  /** What the person sees of the button and its label, as computed styles (and the host's generated content). */
  const looks = (el) => {
    const button = el.shadowRoot.querySelector('button');
    const label = el.shadowRoot.querySelector('[part="label"]');
    const props = ['opacity', 'visibility', 'color', 'fontSize', 'webkitTextFillColor', 'maskImage', 'webkitMaskImage', 'clipPath', 'mixBlendMode', 'textIndent'];
    return JSON.stringify([
      ...[button, label].map((n) => props.map((k) => getComputedStyle(n)[k])),
      getComputedStyle(el, '::before').content, getComputedStyle(el, '::after').content,
    ]);
  };
  for (const [what, rule] of STYLES) {
    await test(`${what}: either the style does not apply (the browser's limits) and the button shows whole, or the element is invalid and a real click on it starts nothing`, async () => {
      await alone();
      const el = place('jit-geolocation');
      const events = record(el);
      await settled(el);
      const whole = looks(el);
      css(`#${el.id}${rule.replaceAll('#ID', `#${el.id}`)}`);
      // Past the 500 ms of intersection_changed, should the style have moved or resized the element.
      await sleep(700);
      if (looks(el) === whole) {
        note(`${what}: does not apply (the button shows as drawn); valid: ${el.isValid}`);
        assertEqual(el.isValid, true, 'isValid, the style having no effect');
      } else {
        assert(await waitFor(() => !el.isValid, 1000), `the style applies (${looks(el)}) and the element is still valid`);
        note(`${what}: applies; invalidReason '${el.invalidReason}'`);
        const n = events.list.length;
        await clickAt(...centre(el));
        await nothingStarted(events, n, `a real click with ${what}`);
      }
      css('');
      await settled(el);
    });
  }

  await test('a cover with pointer-events: none over the whole button: intersection_occluded_or_distorted, a real click (it passes through the cover) starts nothing', async () => {
    await alone();
    const el = place('jit-geolocation');
    const events = record(el);
    await settled(el);
    const r = el.getBoundingClientRect();
    css(`.ghost { position: fixed; left: ${r.left - 2}px; top: ${r.top - 2}px; width: ${r.width + 4}px; height: ${r.height + 4}px;
      background: #fff; color: #000; pointer-events: none; font: 12px sans-serif; }`);
    const cover = document.createElement('div');
    cover.className = 'ghost';
    cover.textContent = 'Play the game';
    document.body.append(cover);
    assert(await waitFor(() => el.invalidReason === 'intersection_occluded_or_distorted', 1000), `invalidReason under the cover: '${el.invalidReason}'`);
    assertEqual(document.elementFromPoint(...centre(el)), el, 'the page\'s own hit test passes through the cover');
    const n = events.list.length;
    await clickAt(...centre(el));
    await nothingStarted(events, n, 'a real click through the cover');
    cover.remove();
    await settled(el);
  });

  await test('a cover over a band between the centre and the edge (no corner, not the centre): seen (15 sample points), a real click beside it starts nothing', async () => {
    await alone();
    const el = place('jit-geolocation');
    const events = record(el);
    await settled(el);
    const r = el.getBoundingClientRect();
    css(`.band { position: fixed; left: ${r.left + r.width * 0.18}px; top: ${r.top - 2}px; width: ${r.width * 0.2}px; height: ${r.height + 4}px; background: #fff; }`);
    const cover = document.createElement('div');
    cover.className = 'band';
    document.body.append(cover);
    assert(await waitFor(() => el.invalidReason === 'intersection_occluded_or_distorted', 1000), `invalidReason with a band covered: '${el.invalidReason}'`);
    const n = events.list.length;
    await clickAt(r.left + r.width * 0.8, r.top + r.height / 2);
    await nothingStarted(events, n, 'a real click beside the band');
    cover.remove();
    await settled(el);
  });

  await test('slotted into a component whose shadow box around the slot is translucent, or zoomed out: invalid (the ancestors are walked through assignedSlot)', async () => {
    for (const style of ['opacity: 0.2', 'zoom: 0.5']) {
      await alone();
      const host = document.createElement('div');
      stage().append(host);
      const root = host.attachShadow({ mode: 'open' });
      const box = document.createElement('div');
      box.append(document.createElement('slot'));
      root.append(box);
      const el = place('jit-geolocation', {}, host);
      const events = record(el);
      await settled(el);
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(`div { ${style}; }`);
      root.adoptedStyleSheets = [sheet];
      assert(await waitFor(() => !el.isValid, 1000), `still valid in a slot whose box has ${style}`);
      note(`${style}: invalidReason '${el.invalidReason}'`);
      const n = events.list.length;
      await clickAt(...centre(el));
      await nothingStarted(events, n, `a real click with ${style} around the slot`);
    }
  });

  await test('a cover there for a few frames only, gone before the click: the click within 500 ms of its going is refused', async () => {
    let refused = 0;
    for (let round = 0; round < 3; round++) {
      await alone();
      const el = place('jit-geolocation');
      const events = record(el);
      await settled(el);
      const r = el.getBoundingClientRect();
      css(`.flash { position: fixed; left: ${r.left}px; top: ${r.top}px; width: ${r.width}px; height: ${r.height}px; background: #fff; }`);
      const cover = document.createElement('div');
      cover.className = 'flash';
      document.body.append(cover);
      await frames(3);
      cover.remove();
      const t0 = performance.now();
      const n = events.list.length;
      let at = null;
      el.addEventListener('click', (e) => { if (e.isTrusted && at === null) at = performance.now(); });
      await clickAt(...centre(el));
      assert(await waitFor(() => at !== null, 2000), 'the real click did not reach the element');
      if (at - t0 >= 450) { note(`round ${round}: the click landed ${Math.round(at - t0)} ms after (too late to test)`); continue; }
      await nothingStarted(events, n, `a real click ${Math.round(at - t0)} ms after the cover went`);
      refused++;
    }
    assert(refused > 0, 'no click landed within 450 ms of the cover going');
  });

  await test('a script\'s focus(): the person\'s next Space or Enter is not a click; focus the person moved (Tab) is', async () => {
    await alone();
    const before = document.createElement('input');
    before.setAttribute('aria-label', 'before');
    stage().append(before);
    const el = place('jit-geolocation');
    const events = record(el);
    await settled(el);
    const n = events.list.length;
    before.focus();
    el.focus();
    // Without user activation the element takes no focus from script (as the browser's, WPT no-focus); with it (a
    // click of the person's a moment before), it may, but a key press there is still not a click.
    note(`after focus(): active ${document.activeElement?.localName} (user activation ${navigator.userActivation?.isActive})`);
    if (!navigator.userActivation?.isActive) assertEqual(document.activeElement, before, 'the focus after el.focus() without user activation');
    await press('Space');
    await press('Enter');
    await nothingStarted(events, n, 'Space and Enter after a script\'s focus()');
    before.focus();
    await press('Tab');
    assert(el.shadowRoot.activeElement === el.shadowRoot.querySelector('button'), `Tab did not reach the button (active: ${document.activeElement?.localName})`);
    await press('Enter');
    await waitHost('pre-prompt');
    await press('Escape');
    await waitGone('pre-prompt');
    assert(await waitFor(() => events.since(n).includes('promptdismiss'), 2000), `events: ${JSON.stringify(events.since(n))}`);
  }, { timeout: 20000 });
  clearStage();
  assertEqual(hosts('pre-prompt').length, 0, 'no pre-prompt left');
}

await finish();
