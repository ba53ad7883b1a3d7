// The guards of the library's own capability button (SPEC "Capability elements"; the browser's elements keep the
// same ones): each refuses a real click that it should refuse, and says why with the browser's `invalidReason` name,
// through `isValid`, `invalidReason` and `validationstatuschange`. A refused click starts nothing: no pre-prompt, no
// prompt event, no location. Geolocation is brought to prompt first (toPrompt), so that a click that got through
// would open the pre-prompt.
//   - only a trusted click: element.click(), the inner button's click() and dispatched clicks do nothing;
//   - recently_attached: within 500 ms of being inserted, and of being moved to another place in the document;
//   - intersection_changed: within 500 ms of moving on screen (the click itself finds the move);
//   - intersection_occluded_or_distorted: partly covered (the click lands on the uncovered part), translucent
//     (an ancestor's opacity), rotated;
//   - intersection_out_of_viewport_or_clipped: half clipped by a scrolling ancestor (clicked on its visible half),
//     and out of view;
//   - style_invalid: text and background under 3:1, a background that is not opaque, text smaller than `small` or
//     larger than `xx-large`;
//   - each guard holds 500 ms more after its cause ends, then `validationstatuschange` says valid again.
// Real clicks go through WebDriver (run.mjs `click`, `clickAt`): trusted events.
import { test, assert, assertEqual, finish, sleep, waitFor } from './harness.js';
import { toPrompt } from './prompt-util.js';
import {
  setUp, place, stage, clearStage, css, record, settled, clickButton, clickAt, nothingStarted,
} from './elements-util.js';

const { p } = await setUp('jp-test-elements-guards');

/** The point of `el` at fractions (fx, fy) of its box, in viewport coordinates. */
function at(el, fx, fy) {
  const r = el.getBoundingClientRect();
  return [r.left + fx * r.width, r.top + fy * r.height];
}

/**
 * Inserts an element and clicks it at once, until a click lands within 450 ms of the insertion (a WebDriver round
 * trip usually takes far less); resolves with { el, events, after } (ms from insertion to the click).
 */
async function clickRightAfter(insert) {
  for (let attempt = 0; attempt < 4; attempt++) {
    const { el, events, t0 } = insert();
    let clickedAt = null;
    el.addEventListener('click', (e) => { if (e.isTrusted && clickedAt === null) clickedAt = performance.now(); });
    await clickButton(el);
    assert(await waitFor(() => clickedAt !== null, 2000), 'the real click did not reach the element');
    if (clickedAt - t0 < 450) return { el, events, after: clickedAt - t0 };
    el.remove();
  }
  throw new Error('no real click landed within 450 ms of the insertion in 4 attempts (the machine is too slow to test this guard)');
}

if (p) {
  await toPrompt(p, 'geolocation');

  await test('only a trusted click counts: element.click(), the button\'s click() and dispatched clicks start nothing', async () => {
    clearStage();
    const el = place('jit-geolocation');
    const events = record(el);
    await settled(el);
    const n = events.list.length;
    const button = el.shadowRoot.querySelector('button');
    el.click();
    button.click();
    button.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }));
    el.dispatchEvent(new PointerEvent('click', { bubbles: true, composed: true, cancelable: true }));
    assertEqual(el.isValid, true, 'isValid (every guard lets a click through: the clicks above were script\'s)');
    await nothingStarted(events, n, 'four clicks made by script');
  });

  await test('inserted: isValid false, invalidReason recently_attached; a real click then is refused; valid 500 ms later', async () => {
    clearStage();
    const { el, events, after } = await clickRightAfter(() => {
      const t0 = performance.now();
      const e = place('jit-geolocation');
      const ev = record(e);
      assertEqual(e.isValid, false, 'isValid right after insertion');
      assertEqual(e.invalidReason, 'recently_attached', 'invalidReason right after insertion');
      return { el: e, events: ev, t0 };
    });
    await nothingStarted(events, 0, `a real click ${Math.round(after)} ms after the insertion`);
    await settled(el);
    assertEqual(el.invalidReason, '', 'invalidReason once valid');
    assertEqual(JSON.stringify(events.validity), JSON.stringify(['true ']),
      'validationstatuschange after the listener was added (the insertion\'s own came before it)');
  });

  await test('moved to another place in the document: recently_attached again, and a real click then is refused', async () => {
    clearStage();
    const el = place('jit-geolocation');
    const events = record(el);
    await settled(el);
    const other = document.createElement('div');
    stage().append(other);
    const n = events.list.length;
    let t0 = 0;
    let v = 0;
    const { after } = await clickRightAfter(() => {
      t0 = performance.now();
      v = events.validity.length;
      (el.parentElement === other ? stage() : other).append(el);
      return { el, events, t0 };
    });
    assertEqual(events.validity.slice(v, v + 2).join(' | '), 'false  | false recently_attached',
      'validationstatuschange on removal, then on insertion');
    await nothingStarted(events, n, `a real click ${Math.round(after)} ms after the move`);
    await settled(el);
  });

  await test('moved on screen: the click that finds the move is refused (intersection_changed); valid 500 ms later', async () => {
    clearStage();
    css('.shifted { margin-left: 160px; }');
    const el = place('jit-geolocation');
    const events = record(el);
    await settled(el);
    const n = events.list.length;
    el.classList.add('shifted');
    await clickButton(el);
    await nothingStarted(events, n, 'a real click right after moving 160 px');
    assert(events.validity.includes('false intersection_changed'), `validationstatuschange: ${JSON.stringify(events.validity)}`);
    await settled(el);
    assertEqual(events.validity.at(-1), 'true ', 'the last validationstatuschange');
  });

  await test('partly covered: a real click on its uncovered part is refused (intersection_occluded_or_distorted)', async () => {
    clearStage();
    const el = place('jit-geolocation');
    const events = record(el);
    await settled(el);
    const r = el.getBoundingClientRect();
    css(`.cover { position: fixed; left: ${r.left}px; top: ${r.top}px; width: ${r.width * 0.6}px; height: ${r.height}px;
      background: #fff; color: #000; font: 12px sans-serif; }`);
    const cover = document.createElement('div');
    cover.className = 'cover';
    cover.textContent = 'Win a prize';
    document.body.append(cover);
    const n = events.list.length;
    await clickAt(...at(el, 0.85, 0.5));
    await nothingStarted(events, n, 'a real click on the uncovered 40 %');
    assertEqual(el.invalidReason, 'intersection_occluded_or_distorted', 'invalidReason while covered');
    cover.remove();
    assertEqual(el.invalidReason, 'intersection_occluded_or_distorted', 'invalidReason right after the cover went (it holds 500 ms)');
    await settled(el);
    assertEqual(JSON.stringify(events.validity.slice(-2)), JSON.stringify(['false intersection_occluded_or_distorted', 'true ']),
      'the last validationstatuschange events');
  });

  await test('translucent (an ancestor at opacity 0.6) or rotated: intersection_occluded_or_distorted, a real click is refused', async () => {
    clearStage();
    css('.faint { opacity: 0.6; } .turned { transform: rotate(8deg); display: inline-block; margin: 40px; }');
    for (const cls of ['faint', 'turned']) {
      const wrap = document.createElement('div');
      stage().append(wrap);
      const el = place('jit-geolocation', {}, wrap);
      const events = record(el);
      await settled(el);
      wrap.className = cls;
      // A rotation also moves its box: intersection_changed comes first, for 500 ms after the check that sees it.
      assert(await waitFor(() => el.invalidReason === 'intersection_occluded_or_distorted', 2000), `invalidReason (${cls}): '${el.invalidReason}'`);
      const n = events.list.length;
      await clickAt(...at(el, 0.5, 0.5));
      await nothingStarted(events, n, `a real click on the ${cls} element`);
      wrap.className = '';
      await settled(el);
      wrap.remove();
    }
  });

  await test('half clipped by a scrolling ancestor: a real click on its visible half is refused (intersection_out_of_viewport_or_clipped)', async () => {
    clearStage();
    css('.clip { overflow: hidden; height: 18px; }');
    const clip = document.createElement('div');
    clip.className = 'clip';
    stage().append(clip);
    const el = place('jit-geolocation', {}, clip);
    const events = record(el);
    await sleep(600);
    assertEqual(el.invalidReason, 'intersection_out_of_viewport_or_clipped', 'invalidReason while half clipped');
    const n = events.list.length;
    await clickAt(...at(el, 0.5, 0.2));
    await nothingStarted(events, n, 'a real click on the visible half');
    clip.className = 'clip-off';
    assert(await waitFor(() => el.invalidReason !== 'intersection_out_of_viewport_or_clipped', 3000), 'still clipped after the clip went');
    await settled(el);
  });

  await test('out of view (below the fold): invalidReason intersection_out_of_viewport_or_clipped', async () => {
    clearStage();
    css('.far { margin-top: 4000px; }');
    const far = document.createElement('div');
    far.className = 'far';
    stage().append(far);
    const el = place('jit-geolocation', {}, far);
    await sleep(600);
    assertEqual(el.isValid, false, 'isValid');
    assertEqual(el.invalidReason, 'intersection_out_of_viewport_or_clipped', 'invalidReason');
  });

  const STYLES = [
    ['text and background under 3:1', '::part(button) { background: #8a8a8a; color: #a0a0a0; }'],
    ['a background that is not opaque', '::part(button) { background: rgb(11 87 208 / 0.5); }'],
    ['a colour given as oklch, under 3:1', '::part(button) { background: oklch(0.7 0.1 250); color: oklch(0.8 0.1 250); }'],
    ['text smaller than small (8px)', ' { font-size: 8px; }'],
    ['text larger than xx-large (64px)', ' { font-size: 64px; }'],
  ];
  await test(`style_invalid: ${STYLES.map(([what]) => what).join('; ')}: a real click is refused; the site's fix makes it valid`, async () => {
    clearStage();
    const el = place('jit-geolocation');
    const events = record(el);
    await settled(el);
    for (const [what, rule] of STYLES) {
      const v = events.validity.length;
      css(`#${el.id}${rule}`);
      assert(await waitFor(() => el.invalidReason === 'style_invalid', 1000), `invalidReason with ${what}: '${el.invalidReason}'`);
      // Each style is told (a change of size may also tell intersection_changed, before and after the click's scroll).
      assert(events.validity.slice(v).includes('false style_invalid'), `validationstatuschange to style_invalid with ${what} (${JSON.stringify(events.validity.slice(v))})`);
      const n = events.list.length;
      await clickButton(el);
      await nothingStarted(events, n, `a real click with ${what}`);
      css('');
      await settled(el);
    }
  });

  await test('valid with the site\'s own theme (--jp-accent, --jp-accent-fg at 4.5:1, a 20px font), and a usermedia element with an unknown type is type_invalid', async () => {
    clearStage();
    css('.themed { --jp-accent: #5b2c83; --jp-accent-fg: #ffffff; font-size: 20px; }');
    const el = place('jit-geolocation', { class: 'themed' });
    await settled(el);
    const b = getComputedStyle(el.shadowRoot.querySelector('button'));
    assertEqual(b.backgroundColor, 'rgb(91, 44, 131)', 'the button takes --jp-accent');
    assertEqual(b.fontSize, '20px', 'the button takes the page\'s font size');
    const bad = place('jit-usermedia', { type: 'camera screen' });
    bad.textContent = 'Your browser cannot do this';
    await sleep(600);
    assertEqual(bad.invalidReason, 'type_invalid', 'invalidReason of type="camera screen"');
    assertEqual(bad.shadowRoot.querySelector('slot')?.assignedNodes().map((n) => n.textContent).join(), 'Your browser cannot do this',
      'a type_invalid element renders its children (the fallback)');
    bad.type = 'microphone';
    await sleep(600);
    assertEqual(bad.invalidReason, 'type_invalid', 'invalidReason after a later change of type (fixed once set, as the browser\'s)');
  });
  clearStage();
}

await finish();
