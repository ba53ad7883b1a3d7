// @ts-check
// What the person sees of the library's own button: its stylesheet (with the browser's limits for its own element),
// the browser's clamps of the site's ::part() styles, the checks of what is painted (style_invalid and
// intersection_occluded_or_distorted), the hit test that also sees covers with pointer-events: none, and the
// site's styles passed on to the browser's element inside (src/elements/).
import { COVERED, STYLE } from './shared.js';

/** @typedef {import('./shared.js').State} State */

/** The button's own padding, which a site's padding the browser would not count gives way to (clamp()). */
const PAD_Y = '.5em', PAD_X = '1.25em';
/** Its own button: the accent colours of the dialogs, and two hidden probes for the allowed font sizes. */
export const CSS = ':host{display:inline-block;vertical-align:middle;max-width:100%;--_bg:var(--jp-accent,#0b57d0);--_fg:var(--jp-accent-fg,#fff)}'
  + '@media (prefers-color-scheme:dark){:host{--_bg:var(--jp-accent,#a8c7fa);--_fg:var(--jp-accent-fg,#062e6f)}}'
  + ':host([hidden]){display:none}'
  + 'button{display:inline-flex;align-items:center;gap:.5em;box-sizing:border-box;min-height:2.75em;margin:0;'
  + `padding:${PAD_Y} ${PAD_X};border:0;border-radius:var(--jp-radius,999px);background:var(--_bg);color:var(--_fg);`
  + 'font:600 1em/1.2 var(--jp-font,system-ui,sans-serif);max-width:100%;text-align:start;cursor:pointer}'
  + 'button:focus-visible{outline:3px solid var(--jp-focus,var(--_bg));outline-offset:2px}'
  + 'svg{flex:none;width:1.25em;height:1.25em;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}'
  + 'i{position:absolute;visibility:hidden;font-size:small}i+i{font-size:xx-large}'
  // The browser's limits for its own element, here for the library's button: what the site's ::part() rules cannot
  // change (an important declaration of the shadow tree wins over the page's, important or not). What the person
  // sees of the button stays whole: no generated content over it, the label as the button draws it, no effect that
  // hides, fades, clips, masks, blends, moves or shrinks it. The rest (colours, size, spacing) the guards judge.
  + ':host::before,:host::after,button::before,button::after,button ::before,button ::after{content:none!important;display:none!important}'
  + 'button,button *{opacity:1!important;visibility:inherit!important;filter:none!important;backdrop-filter:none!important;'
  + 'mask:none!important;-webkit-mask:none!important;clip-path:none!important;mix-blend-mode:normal!important;'
  + 'transform:none!important;rotate:none!important;scale:none!important;translate:none!important;zoom:1!important;'
  + 'text-indent:0!important;-webkit-text-fill-color:currentcolor!important;-webkit-text-stroke:0!important;text-shadow:none!important;'
  + 'position:static!important;cursor:pointer!important;pointer-events:auto!important;content-visibility:visible!important}'
  + 'span{color:inherit!important;font:inherit!important;display:inline!important;overflow:visible!important;margin:0!important;padding:0!important}'
  + 'button{display:inline-flex!important}'
  // And on the element itself, what the browser's element does not apply (WPT invalid-css-properties).
  + ':host{filter:none!important;clip-path:none!important;mask:none!important;-webkit-mask:none!important;'
  + 'transform:none!important;rotate:none!important;scale:none!important;content-visibility:visible!important;'
  + 'contain:none!important;cursor:pointer!important;background-image:none!important;border-image:none!important}';

/** The probe of the hit test: every box of the page takes hits, `pointer-events: none` or not. */
/** @type {CSSStyleSheet | null} */
let probe = null;

/**
 * Covered where a hit test does not reach the element: a grid of 15 points, 4 px in, with the page's covers made to
 * take hits for the test (a cover with `pointer-events: none` is still seen).
 * @param {State} s @param {DOMRect} r
 */
export function covered(s, r) {
  const el = s.el;
  const root = /** @type {Document | ShadowRoot} */ (el.getRootNode());
  // A copy: the page's list is live where it is an ObservableArray.
  const sheets = [...(document.adoptedStyleSheets || [])];
  let probed = false;
  try {
    if (!probe) {
      probe = new CSSStyleSheet();
      // In a layer: an important declaration in a layer wins over the page's unlayered important ones.
      probe.replaceSync('@layer jit-permissions-probe{*,*::before,*::after{pointer-events:auto!important}}');
    }
    document.adoptedStyleSheets = [...sheets, /** @type {CSSStyleSheet} */ (probe)];
    probed = true;
  } catch { /* no constructable stylesheets: the plain hit test */ }
  try {
    for (const fy of [0, 0.5, 1]) {
      for (const fx of [0, 0.25, 0.5, 0.75, 1]) {
        const px = r.left + 4 + fx * (r.width - 8), py = r.top + 4 + fy * (r.height - 8);
        if (px < 0 || py < 0 || px >= innerWidth || py >= innerHeight) continue; // out of view: the clip guard's
        const hit = root.elementFromPoint(px, py);
        if (hit !== el && !(hit && el.contains(hit))) return true;
      }
    }
    return false;
  } finally {
    if (probed) document.adoptedStyleSheets = sheets;
  }
}


/** A computed length in px (0 for `normal`). @param {string} v */
const px = (v) => parseFloat(v) || 0;

/**
 * The browser's clamps for its own element (Chromium's AdjustStyle, as Chromium 156 applies them to <geolocation>),
 * on the library's button as the site styled it through ::part(): a value out of bounds is brought to the bound, not
 * judged invalid.
 * - No inset box shadow; outline offset and margins at least 0; font weight at least 200; font style normal or
 *   italic; word spacing 0..0.5em and letter spacing -0.05em..0.2em (the button's and the label's); border widths at
 *   most 0.5em.
 * - Height: min-height 1em..3em, max-height at most 3em (also where the site set none). Vertical padding counts only
 *   where the height is auto: at most 1em, the bottom the same as the top; else the button's own.
 * - Width: min-width 1..3 times the button's fit-content width. Where the border is distinct from the background
 *   (drawn on every side, 3:1 against it) the width is the site's and the right padding is the left one; else
 *   max-width at most 3 times fit-content, and horizontal padding counts only where the width is auto: at most 5em,
 *   the right the same as the left; else the button's own.
 * - Corners: unless all four are the same circle (a pill), each radius at most 25% of the width and 50% of the
 *   height.
 * Each check reads the site's values with the clamps taken off and puts them back in the same task (nothing is
 * painted between), as important inline declarations of the shadow tree, which win over the page's ::part() rules:
 * the only inline styles the button and the label have.
 * @param {State} s
 */
export function clamp(s) {
  const button = s.root.querySelector('button');
  if (!button) return;
  const label = /** @type {HTMLElement} */ (button.querySelector('[part="label"]'));
  const was = button.style.cssText + label.style.cssText;
  button.removeAttribute('style');
  label.removeAttribute('style');
  const b = getComputedStyle(button), l = getComputedStyle(label);
  const em = px(b.fontSize), lem = px(l.fontSize);
  // Whether the site set the width or height (the box keeps its size with them forced to auto: it did not), and the
  // button's fit-content width (border box), each read with the other sizes as the site set them.
  const site = button.getBoundingClientRect();
  /** @param {string} css */
  const measure = (css) => { button.style.cssText = css; const r = button.getBoundingClientRect(); button.removeAttribute('style'); return r; };
  const auto = measure('width:auto!important;height:auto!important');
  const widthAuto = Math.abs(auto.width - site.width) < 0.5, heightAuto = Math.abs(auto.height - site.height) < 0.5;
  const fit = measure('width:fit-content!important;min-width:0!important;max-width:none!important').width;
  // A width in the box-sizing the button has (the site may change it).
  const inner = b.boxSizing === 'border-box' ? 0
    : px(b.paddingLeft) + px(b.paddingRight) + px(b.borderLeftWidth) + px(b.borderRightWidth);
  /** @type {[HTMLElement, string, string][]} */
  const want = [];
  /** @param {HTMLElement} n @param {string} prop @param {string} value */
  const put = (n, prop, value) => want.push([n, prop, value]);
  /** @param {number} v @param {number} lo @param {number} hi */
  const within = (v, lo, hi) => Math.min(Math.max(v, lo), hi);
  if (px(b.outlineOffset) < 0) put(button, 'outline-offset', '0px');
  const sides = ['top', 'right', 'bottom', 'left'];
  for (const side of sides) {
    if (px(b.getPropertyValue(`margin-${side}`)) < 0) put(button, `margin-${side}`, '0px');
    if (px(b.getPropertyValue(`border-${side}-width`)) > 0.5 * em) put(button, `border-${side}-width`, `${0.5 * em}px`);
  }
  if (/\binset\b/.test(b.boxShadow)) put(button, 'box-shadow', 'none'); // an inset shadow could paint over the label
  if (px(b.fontWeight) < 200) put(button, 'font-weight', '200');
  if (!/^(normal|italic)$/.test(b.fontStyle)) put(button, 'font-style', 'normal');
  for (const [n, c, size] of /** @type {[HTMLElement, CSSStyleDeclaration, number][]} */ ([[button, b, em], [label, l, lem]])) {
    const word = px(c.wordSpacing), letter = px(c.letterSpacing);
    if (word < 0 || word > 0.5 * size) put(n, 'word-spacing', `${within(word, 0, 0.5 * size)}px`);
    if (letter < -0.05 * size || letter > 0.2 * size) put(n, 'letter-spacing', `${within(letter, -0.05 * size, 0.2 * size)}px`);
  }
  // Sizes, as CSS expressions of the site's values (a percentage stays one); `auto` and `none` are the bound.
  /** @param {string} v @param {number} lo @param {number} hi */
  const bounded = (v, lo, hi) => (/^(auto|none)$/.test(v) ? `${lo}px` : `clamp(${lo}px, ${v}, ${hi}px)`);
  /** @param {string} v @param {number} hi */
  const atMost = (v, hi) => (v === 'none' ? `${hi}px` : `min(${v}, ${hi}px)`);
  // Padding on one axis counts only where that size is auto: the first side's, at most `most`, on both sides; else
  // the button's own.
  /** @param {string} first @param {string} second @param {boolean} sizeAuto @param {number} most @param {string} own */
  const pad = (first, second, sizeAuto, most, own) => {
    const v = Math.min(px(b.getPropertyValue(`padding-${first}`)), most);
    for (const side of [first, second]) {
      if (!sizeAuto || v <= 0) put(button, `padding-${side}`, own);
      else if (v !== px(b.getPropertyValue(`padding-${side}`))) put(button, `padding-${side}`, `${v}px`);
    }
  };
  const w = Math.round(fit * 100) / 100;
  put(button, 'min-height', bounded(b.minHeight, em, 3 * em));
  put(button, 'max-height', atMost(b.maxHeight, 3 * em));
  put(button, 'min-width', bounded(b.minWidth, w - inner, 3 * w - inner));
  pad('top', 'bottom', heightAuto, em, PAD_Y);
  const bg = rgba(b.backgroundColor);
  const distinct = sides.every((side) => px(b.getPropertyValue(`border-${side}-width`)) > 0 && b.getPropertyValue(`border-${side}-style`) !== 'none'
    && b.getPropertyValue(`border-${side}-style`) !== 'hidden' && contrast(rgba(b.getPropertyValue(`border-${side}-color`)), bg) >= 3);
  if (distinct) {
    if (px(b.paddingRight) !== px(b.paddingLeft)) put(button, 'padding-right', b.paddingLeft);
  } else {
    put(button, 'max-width', atMost(b.maxWidth, 3 * w - inner));
    pad('left', 'right', widthAuto, 5 * em, PAD_X);
  }
  // Corners: a pill (four equal circles) stays; else each radius within 25% of the width, 50% of the height.
  const corners = ['top-left', 'top-right', 'bottom-right', 'bottom-left'].map((c) => `border-${c}-radius`);
  const radii = corners.map((c) => b.getPropertyValue(c));
  if (!radii.every((r) => r === radii[0] && !/ /.test(r.trim()))) {
    for (const [i, r] of radii.entries()) {
      const [h, v = h] = r.split(' ');
      put(button, corners[i], `min(25%, ${h}) min(50%, ${v})`);
    }
  }
  for (const [n, prop, value] of want) n.style.setProperty(prop, value, 'important');
  if (button.style.cssText + label.style.cssText !== was) s.rect = null; // a clamp that changed the size is not a move
}

/** The element's box in the composed tree: its slot where it is slotted, else its parent, else its shadow host. */
/** @param {Element} n @returns {Element | null} */
export const up = (n) => n.assignedSlot || n.parentElement || (n.parentNode && /** @type {ShadowRoot} */ (n.parentNode).host) || null;
/** Whether a computed value sets something. @param {string | undefined} v */
const set = (v) => Boolean(v) && v !== 'none' && v !== 'normal';

/**
 * What the person sees of the library's own button: COVERED when it or an ancestor (through slots) is translucent,
 * filtered, blended, masked, clipped, shrunk or transformed other than a move or an even enlargement; STYLE when the
 * label is hidden, too small or too large, out of the button, not opaque, under 3:1 against the button, the button's
 * background is an image or not opaque, or the host, the button or the label has generated content. '' when fine.
 * @param {State} s
 */
export function looks(s) {
  const button = s.root.querySelector('button');
  if (!button) return '';
  const label = /** @type {HTMLElement} */ (button.querySelector('[part="label"]'));
  for (let n = /** @type {Element | null} */ (label); n; n = up(n)) {
    const c = /** @type {CSSStyleDeclaration & {zoom?: string, webkitMaskImage?: string, webkitMaskBoxImageSource?: string}} */ (getComputedStyle(n));
    // A move and an even enlargement are fine; anything else changes what the person sees.
    const m = /^matrix\(([\d.]+), 0, 0, ([\d.]+),/.exec(c.transform);
    const even = c.transform === 'none' || (m && m[1] === m[2] && Number(m[1]) >= 1);
    if (Number(c.opacity) < 1 || set(c.filter) || !even || set(c.rotate) || (set(c.scale) && !(/^[\d.]+$/.test(c.scale) && Number(c.scale) >= 1))
      || set(c.clipPath) || (c.mixBlendMode && c.mixBlendMode !== 'normal') || (c.zoom && parseFloat(c.zoom) < 1)) return COVERED;
    if (set(c.maskImage) || set(c.webkitMaskImage) || set(c.webkitMaskBoxImageSource)) return STYLE;
  }
  // The element's own box: as the browser's, block or inline-level block or flex (WPT display-values).
  if (!/^(block|inline-block|flex|inline-flex|none)$/.test(getComputedStyle(s.el).display)) return STYLE;
  for (const [n, pseudo] of /** @type {[Element, string][]} */ ([[s.el, '::before'], [s.el, '::after'], [button, '::before'], [button, '::after'], [label, '::before'], [label, '::after']])) {
    if (set(getComputedStyle(n, pseudo).content)) return STYLE;
  }
  const b = getComputedStyle(button), l = getComputedStyle(label);
  const [small, large] = [...s.root.querySelectorAll('i')].map((i) => parseFloat(getComputedStyle(i).fontSize));
  const size = parseFloat(l.fontSize);
  const fg = rgba(l.color), bg = rgba(b.backgroundColor);
  const fill = !l.webkitTextFillColor || /currentcolor/i.test(l.webkitTextFillColor) ? fg : rgba(l.webkitTextFillColor);
  const [x, y] = [luminance(fg), luminance(bg)].sort((p, q) => q - p);
  const br = button.getBoundingClientRect(), lr = label.getBoundingClientRect();
  return l.visibility !== 'visible' || b.visibility !== 'visible' || size < small - 0.01 || size > large + 0.01
    || fg[3] < 255 || fill[3] < 255 || fill.join() !== fg.join() || bg[3] < 255 || set(b.backgroundImage) || (x + 0.05) / (y + 0.05) < 3
    || lr.width < 1 || lr.height < size / 2 || lr.left < br.left - 1 || lr.right > br.right + 1 || lr.top < br.top - 1 || lr.bottom > br.bottom + 1
    || (l.overflow !== 'visible' && label.scrollWidth > label.clientWidth + 1) || parseFloat(l.textIndent) !== 0
    ? STYLE : '';
}


/**
 * The site's styles of the library's element reach the browser's element inside it, so that the browser judges
 * them (contrast, size, display) as it would on its own element: a background set on the element, a display other
 * than inline-block, and a colour, font or spacing the element has apart from its parent's.
 * @param {State} s
 */
export function pass(s) {
  const n = /** @type {HTMLElement} */ (s.native), c = getComputedStyle(s.el);
  const parent = up(s.el);
  const p = parent && getComputedStyle(parent);
  for (const k of /** @type {const} */ (['backgroundColor', 'color', 'fontSize', 'fontWeight', 'fontFamily', 'letterSpacing', 'wordSpacing', 'display'])) {
    // display is not inherited: the element's own where the site changed it from inline-block (the browser judges it).
    const own = k === 'backgroundColor' ? rgba(c[k])[3] > 0 : k === 'display' ? c[k] !== 'inline-block' : !p || c[k] !== p[k];
    const css = k.replace(/[A-Z]/g, (x) => `-${x.toLowerCase()}`);
    if (own) { if (n.style.getPropertyValue(css) !== c[k]) n.style.setProperty(css, c[k]); } else if (n.style.getPropertyValue(css)) n.style.removeProperty(css);
  }
}

/** @type {CanvasRenderingContext2D | null} */
let pixel = null;
/** A computed colour as sRGB bytes [r, g, b, a], whatever its notation (drawn on a 1x1 canvas). @param {string} color */
function rgba(color) {
  pixel ||= /** @type {CanvasRenderingContext2D} */ (document.createElement('canvas').getContext('2d', { willReadFrequently: true }));
  pixel.clearRect(0, 0, 1, 1);
  pixel.fillStyle = color;
  pixel.fillRect(0, 0, 1, 1);
  return pixel.getImageData(0, 0, 1, 1).data;
}

/** The WCAG contrast ratio of two colours. @param {ArrayLike<number>} a @param {ArrayLike<number>} b */
function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** WCAG relative luminance. @param {ArrayLike<number>} c */
function luminance(c) {
  return [0.2126, 0.7152, 0.0722].reduce((sum, w, i) => {
    const v = c[i] / 255;
    return sum + w * (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  }, 0);
}
