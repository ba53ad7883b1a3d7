// SPEC "Capability elements" (issue 22, item 3): the browser's style bounds for its own element
// (geolocation-element.bs "Additional User-Agent Defined Style Bounds", Chromium's AdjustStyle) hold for the
// library's own button, styled by the site through ::part(button) and ::part(label): a value out of bounds is
// brought to the bound (clamped), and the element stays valid, where the reference clamps instead of refusing:
//   outline-offset at least 0; margins at least 0; font-weight at least 200; font-style normal or italic;
//   word-spacing 0..0.5em; letter-spacing -0.05em..0.2em (button and label); min-height 1em..3em; max-height
//   at most 3em (also where the site set none); vertical padding where the height is auto at most 1em, the bottom as
//   the top (else the button's own); min-width 1..3 times fit-content; without a border distinct from the background,
//   max-width at most 3 times fit-content and, where the width is auto, side paddings at most 5em, the right as the
//   left (else the button's own); with one, the right padding as the left; border widths at most 0.5em; corners
//   bounded unless a pill; no inset box-shadow (WPT bounded-css-properties, negative-offset). The figures are what
//   Chromium 156 gives its own <geolocation> for the same styles.
// A value within bounds is left as the site set it. Geolocation stays at whatever state: no click is made here.
import { assert, assertEqual, finish, sleep, test } from './harness.js';
import { setUp, place, clearStage, css, settled } from './elements-util.js';

const { p } = await setUp('jp-test-elements-clamps');

const px = (v) => parseFloat(v) || 0;
const near = (a, b) => Math.abs(a - b) < 0.05;

/** Places a <jit-geolocation> with the site's ::part rules `rule`, waits for it to be valid; returns the computed styles. */
async function styled(rule) {
  clearStage();
  css(rule);
  const el = place('jit-geolocation');
  await settled(el);
  await sleep(300); // a full check (four a second) has run since the style was set
  const button = el.shadowRoot.querySelector('button');
  const label = el.shadowRoot.querySelector('[part="label"]');
  return { el, b: getComputedStyle(button), l: getComputedStyle(label) };
}

if (p) {
  await test('letter-spacing beyond 0.2em and below -0.05em: clamped, the element stays valid', async () => {
    let { el, b, l } = await styled('jit-geolocation::part(label){letter-spacing:1em}');
    assertEqual(el.invalidReason, '', 'invalidReason');
    assert(near(px(l.letterSpacing), 0.2 * px(l.fontSize)), `label letter-spacing ${l.letterSpacing} (font-size ${l.fontSize})`);
    ({ el, b } = await styled('jit-geolocation::part(button){letter-spacing:-1em}'));
    assertEqual(el.invalidReason, '', 'invalidReason');
    assert(near(px(b.letterSpacing), -0.05 * px(b.fontSize)), `button letter-spacing ${b.letterSpacing} (font-size ${b.fontSize})`);
  });

  await test('word-spacing: above 0.5em down to 0.5em, negative up to 0', async () => {
    let { el, l } = await styled('jit-geolocation::part(label){word-spacing:3em}');
    assertEqual(el.invalidReason, '', 'invalidReason');
    assert(near(px(l.wordSpacing), 0.5 * px(l.fontSize)), `label word-spacing ${l.wordSpacing}`);
    ({ el, l } = await styled('jit-geolocation::part(button){word-spacing:-8px}'));
    assertEqual(el.invalidReason, '', 'invalidReason');
    assert(near(px(l.wordSpacing), 0), `label word-spacing ${l.wordSpacing}`);
  });

  await test('font-weight below 200: 200; font-style oblique: normal (italic stays)', async () => {
    let { b, l } = await styled('jit-geolocation::part(button){font-weight:100;font-style:oblique 10deg}');
    assertEqual(b.fontWeight, '200', 'button font-weight');
    assertEqual(l.fontWeight, '200', 'label font-weight');
    assertEqual(b.fontStyle, 'normal', 'button font-style');
    ({ b } = await styled('jit-geolocation::part(button){font-weight:300;font-style:italic}'));
    assertEqual(b.fontWeight, '300', 'a weight within bounds');
    assertEqual(b.fontStyle, 'italic', 'italic');
  });

  await test('outline-offset and margins: negative values become 0 (an expression too: WPT negative-offset)', async () => {
    let { b } = await styled('jit-geolocation::part(button){outline-offset:min(-50px, 50px)}');
    assertEqual(b.outlineOffset, '0px', 'outline-offset min(-50px, 50px)');
    ({ b } = await styled('jit-geolocation::part(button){outline-offset:-6px;margin:-5px -3px}'));
    assertEqual(b.outlineOffset, '0px', 'outline-offset');
    assertEqual([b.marginTop, b.marginRight, b.marginBottom, b.marginLeft].join(' '), '0px 0px 0px 0px', 'margins');
  });

  await test('border widths above 0.5em: 0.5em (Chromium 156: a 4em border is 8px at 16px)', async () => {
    const { el, b } = await styled('jit-geolocation::part(button){border:4em solid #000}');
    const em = px(b.fontSize);
    assert(near(px(b.borderTopWidth), 0.5 * em) && near(px(b.borderLeftWidth), 0.5 * em), `border widths ${b.borderTopWidth} ${b.borderLeftWidth} (0.5em = ${0.5 * em}px)`);
    assertEqual(el.invalidReason, '', 'invalidReason');
  });

  await test('heights: min-height within 1em..3em, max-height at most 3em, also where the site set none', async () => {
    let { el, b } = await styled('jit-geolocation::part(button){min-height:0;max-height:20em}');
    const em = px(b.fontSize);
    assert(near(px(b.minHeight), em), `min-height 0: ${b.minHeight} (1em = ${em}px)`);
    assert(near(px(b.maxHeight), 3 * em), `max-height 20em: ${b.maxHeight}`);
    ({ el, b } = await styled('jit-geolocation::part(button){min-height:5em;max-height:none}'));
    assert(near(px(b.minHeight), 3 * em), `min-height 5em: ${b.minHeight}`);
    assert(near(px(b.maxHeight), 3 * em), `max-height none: ${b.maxHeight}`);
    assert(el.shadowRoot.querySelector('button').getBoundingClientRect().height <= 3 * em + 0.5, 'the button is at most 3em high');
    assertEqual(el.invalidReason, '', 'invalidReason');
  });

  await test('vertical padding: where the height is auto at most 1em, the bottom as the top; with a height set, the button\'s own', async () => {
    let { b } = await styled('jit-geolocation::part(button){padding-top:3em;padding-bottom:0.2em}');
    const em = px(b.fontSize);
    assert(near(px(b.paddingTop), em) && near(px(b.paddingBottom), em), `padding 3em / 0.2em: ${b.paddingTop} ${b.paddingBottom}`);
    ({ b } = await styled('jit-geolocation::part(button){height:2.5em;padding-top:0.9em;padding-bottom:0.9em}'));
    assert(near(px(b.paddingTop), 0.5 * em) && near(px(b.paddingBottom), 0.5 * em), `padding with a height set: ${b.paddingTop} ${b.paddingBottom}`);
  });

  await test('horizontal padding (no distinct border): where the width is auto at most 5em, the right as the left; with a width set, the button\'s own', async () => {
    let { b } = await styled('jit-geolocation::part(button){padding-left:9em;padding-right:7em}');
    const em = px(b.fontSize);
    assert(near(px(b.paddingLeft), 5 * em) && near(px(b.paddingRight), 5 * em), `paddings 9em / 7em: ${b.paddingLeft} ${b.paddingRight}`);
    ({ b } = await styled('jit-geolocation::part(button){padding-left:2em;padding-right:0.1em}'));
    assert(near(px(b.paddingLeft), 2 * em) && near(px(b.paddingRight), 2 * em), `paddings 2em / 0.1em: ${b.paddingLeft} ${b.paddingRight}`);
    ({ b } = await styled('jit-geolocation::part(button){width:20em;padding-left:3em;padding-right:3em}'));
    assert(near(px(b.paddingLeft), 1.25 * em) && near(px(b.paddingRight), 1.25 * em), `paddings with a width set: ${b.paddingLeft} ${b.paddingRight}`);
  });

  await test('a border distinct from the background (every side, 3:1): the right padding is the left one, unbounded', async () => {
    const { el, b } = await styled('jit-geolocation::part(button){border:2px solid #fff;background:#0b57d0;padding-left:6em;padding-right:1em}');
    const em = px(b.fontSize);
    assert(near(px(b.paddingLeft), 6 * em) && near(px(b.paddingRight), 6 * em), `paddings 6em / 1em: ${b.paddingLeft} ${b.paddingRight}`);
    assertEqual(el.invalidReason, '', 'invalidReason');
  });

  await test('widths (no distinct border): min-width at most 3 times fit-content, max-width too', async () => {
    const fitOf = async () => {
      const { el } = await styled('');
      return el.shadowRoot.querySelector('button').getBoundingClientRect().width;
    };
    const fit = await fitOf();
    let { el } = await styled('jit-geolocation{max-width:none}jit-geolocation::part(button){min-width:2000px;max-width:none}');
    let w = el.shadowRoot.querySelector('button').getBoundingClientRect().width;
    assert(w <= 3 * fit + 1 && w >= fit - 1, `min-width 2000px: ${w}px wide (fit-content ${fit}px)`);
    ({ el } = await styled('jit-geolocation{max-width:none}jit-geolocation::part(button){width:3000px;max-width:none}'));
    w = el.shadowRoot.querySelector('button').getBoundingClientRect().width;
    assert(w <= 3 * fit + 1, `width 3000px: ${w}px wide (fit-content ${fit}px)`);
    assertEqual(el.invalidReason, '', 'invalidReason');
  });

  await test('corners: four equal circles (a pill) stay; other radii are bounded (25% of the width, 50% of the height)', async () => {
    let { b } = await styled('');
    assertEqual(b.borderTopLeftRadius, b.borderBottomRightRadius, 'the pill');
    assert(!/min|%/.test(b.borderTopLeftRadius), `the pill's radius stays: ${b.borderTopLeftRadius}`);
    ({ b } = await styled('jit-geolocation::part(button){border-radius:5px 400px 10px 20px}'));
    assert(b.borderTopRightRadius !== '400px', `a 400px corner: ${b.borderTopRightRadius}`);
  });

  await test('box-shadow: an inset shadow is dropped (WPT bounded-css-properties); an outer one stays', async () => {
    let { b } = await styled('jit-geolocation::part(button){box-shadow:rgb(255, 0, 0) 5px 4px 3px 2px, 5px 5px inset}');
    assertEqual(b.boxShadow, 'none', 'box-shadow with an inset one');
    ({ b } = await styled('jit-geolocation::part(button){box-shadow:rgb(255, 0, 0) 5px 4px 3px 2px}'));
    assert(/5px 4px 3px 2px/.test(b.boxShadow), `an outer box-shadow: ${b.boxShadow}`);
  });

  await test('values within bounds are left as the site set them; a later change is clamped anew', async () => {
    const { el, b, l } = await styled('jit-geolocation::part(label){letter-spacing:0.1em;word-spacing:0.25em}');
    assert(near(px(l.letterSpacing), 0.1 * px(l.fontSize)), `label letter-spacing ${l.letterSpacing}`);
    assert(near(px(l.wordSpacing), 0.25 * px(l.fontSize)), `label word-spacing ${l.wordSpacing}`);
    css('jit-geolocation::part(label){letter-spacing:2em}');
    await sleep(400);
    assert(near(px(l.letterSpacing), 0.2 * px(l.fontSize)), `label letter-spacing after the change ${l.letterSpacing}`);
    css('jit-geolocation::part(label){letter-spacing:0.05em}');
    await sleep(400);
    assert(near(px(l.letterSpacing), 0.05 * px(l.fontSize)), `label letter-spacing back within bounds ${l.letterSpacing}`);
    await settled(el);
    assert(b, 'styles read');
  });
}

await finish();
