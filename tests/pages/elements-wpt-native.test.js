// The tests written from the WPT html/semantics/permission-element cases (elements-api, elements-seen: the library's
// own button in every engine), here through the browser's own element inside the library's (issue 22 item 5, the
// native path): Chromium 156 has HTMLGeolocationElement and HTMLUserMediaElement, and the library renders them
// (elements-util.js setUp with own: false). Engines without them skip each case and say so (there the library's
// own button is all there is, tested in elements-api and elements-seen).
//   - type-supported-feature-detect: the library's isTypeSupported() answers as the browser's own static does;
//   - display-values: the site's display of the element reaches the browser's element, which judges it;
//   - invalid-css-properties: what the element does not apply to itself, with the browser's element inside;
//   - parent-mask, parent-image-mask: a mask on an ancestor, judged by the browser's element (style_invalid);
//   - no-children-rendered: the element's children are not rendered;
//   - no-focus: no focus from script without user activation.
import { assert, assertEqual, engine, finish, note, skipNow, sleep, test, waitFor } from './harness.js';
import { setUp, place, clearStage } from './elements-util.js';

const HAS = typeof window.HTMLGeolocationElement === 'function' && typeof window.HTMLUserMediaElement === 'function';
const { p } = await setUp('jp-test-elements-wpt-native', {}, { own: false });
const none = () => skipNow(`${engine} has no HTMLGeolocationElement / HTMLUserMediaElement: the library's own button runs here (elements-api, elements-seen)`);

/** Places `tag` (in `parent`) and waits until the browser's element is inside it. */
async function nativePlaced(tag, attrs = {}, parent = undefined) {
  const el = place(tag, attrs, parent);
  assert(await waitFor(() => el.shadowRoot.querySelector('[part="native"]'), 2000), `${tag}: no browser's element inside`);
  return el;
}

if (p) {
  await test('type-supported-feature-detect: isTypeSupported() of <jit-usermedia> answers as the browser\'s HTMLUserMediaElement.isTypeSupported()', async () => {
    if (!HAS) none();
    const mine = customElements.get('jit-usermedia');
    if (typeof HTMLUserMediaElement.isTypeSupported !== 'function') skipNow(`${engine}'s HTMLUserMediaElement has no static isTypeSupported()`);
    const cases = ['camera', 'microphone', ' camera  microphone ', ' microphone  camera   ', ' camera camera microphone', 'microphone microphone camera ',
      'invalid', 'cameraa', 'microphone geolocation', 'camera geolocation', '', 'geolocation'];
    const differ = cases.filter((t) => mine.isTypeSupported(t) !== HTMLUserMediaElement.isTypeSupported(t));
    assertEqual(JSON.stringify(differ), '[]', 'types the two answer differently');
  });

  await test('display-values: block, inline-block, flex, inline-flex valid; inline, inline-table, list-item style_invalid (the site\'s display reaches the browser\'s element inside)', async () => {
    if (!HAS) none();
    const cases = [['block', ''], ['inline-block', ''], ['flex', ''], ['inline-flex', ''], ['inline', 'style_invalid'], ['inline-table', 'style_invalid'], ['list-item', 'style_invalid']];
    const got = [];
    // Three at a time: only three of one capability register in a page.
    for (let i = 0; i < cases.length; i += 3) {
      clearStage();
      const group = [];
      for (const [d] of cases.slice(i, i + 3)) {
        const line = document.createElement('div');
        line.style.margin = '12px 0';
        document.getElementById('stage').append(line);
        const el = await nativePlaced('jit-geolocation', {}, line);
        el.style.display = d;
        group.push([d, el]);
      }
      await sleep(900);
      for (const [d, el] of group) got.push(`${d}:${el.invalidReason}`);
    }
    assertEqual(got.join(), cases.map(([d, r]) => `${d}:${r}`).join(), 'invalidReason per display');
  });

  await test('invalid-css-properties: filter, clip-path, mask, transform, background and border images, contain do not apply; cursor stays pointer (the browser\'s element inside)', async () => {
    if (!HAS) none();
    clearStage();
    const el = await nativePlaced('jit-geolocation');
    const img = 'url("data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E")';
    Object.assign(el.style, {
      filter: 'blur(10px)', clipPath: 'circle(10px)', maskImage: img, transform: 'rotate(10deg)',
      backgroundImage: img, borderImage: `${img} 1`, contain: 'size', cursor: 'none',
    });
    const c = getComputedStyle(el);
    const got = ['filter', 'clipPath', 'maskImage', 'transform', 'backgroundImage', 'borderImageSource', 'contain', 'cursor'].map((k) => `${k}:${c[k]}`);
    assertEqual(got.join(' '), 'filter:none clipPath:none maskImage:none transform:none backgroundImage:none borderImageSource:none contain:none cursor:pointer', 'computed style of the element');
    assert(await waitFor(() => el.isValid, 4000), `not valid (invalidReason '${el.invalidReason}')`);
  });

  await test('parent-mask, parent-image-mask: a mask on an ancestor makes the browser\'s element inside style_invalid', async () => {
    if (!HAS) none();
    clearStage();
    const got = [];
    for (const mask of ['linear-gradient(black, transparent)', 'url("data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E")']) {
      const wrap = document.createElement('div');
      wrap.style.maskImage = mask;
      document.getElementById('stage').append(wrap);
      const el = await nativePlaced('jit-geolocation', {}, wrap);
      await sleep(800);
      got.push(el.invalidReason);
      clearStage();
    }
    assertEqual(got.join(), 'style_invalid,style_invalid', 'invalidReason under a masked ancestor');
  });

  await test('no-children-rendered: the element\'s children are not rendered (the browser\'s element inside)', async () => {
    if (!HAS) none();
    clearStage();
    const el = await nativePlaced('jit-geolocation');
    const child = document.createElement('span');
    child.textContent = 'hidden text';
    el.append(child);
    await sleep(100);
    assertEqual(child.getClientRects().length, 0, 'boxes of the child');
  });

  await test('no-focus: focus() from script without user activation does not focus the element (the browser\'s element inside)', async () => {
    if (!HAS) none();
    clearStage();
    const el = await nativePlaced('jit-geolocation');
    await sleep(600);
    el.focus();
    const active = document.activeElement;
    note(`after focus(): document.activeElement ${active && active.localName}, inside ${el.shadowRoot.activeElement && el.shadowRoot.activeElement.localName}`);
    assert(active !== el, 'the element took the focus from script');
  });
}

await finish();
