// Theming per colour scheme (issue 13, item 7): a site that sets one --jp-* property (for the light scheme) or one
// --jp-dark-* property (for the dark scheme) must keep text at >= 4.5:1 and borders and the focus ring at >= 3:1 in
// BOTH schemes. Before, a site's --jp-accent meant for white reached the dark scheme (2.58:1 button text) and its
// --jp-bg made the dark title 1.28:1. Each case opens the real pre-prompt (src/ui/prompt.js) in a page whose color-scheme is
// light or dark (the dialogs follow the page's color-scheme), reads the colours the dialog resolved and computes the
// WCAG contrast ratios. The overrides are values a site would pick for that scheme.
import { test, assert, assertEqual, note, finish } from './harness.js';

// The UIs as the Rust API gets them (src/ui/: one module each, sharing dom.js; the npm package bundles the same
// sources into its chunks), with the English strings of all of them.
const [prompt, rec, pan, ind] = await Promise.all(['prompt', 'recovery', 'panel', 'indicator'].map((n) => import(`/src/ui/${n}.js`)));
const ui = {
  en: { ...prompt.en, ...rec.en, ...pan.en, ...ind.en },
  prePrompt: prompt.prePrompt, recovery: rec.recovery, panel: pan.panel, indicator: ind.indicator,
};
const NAMES = ['bg', 'fg', 'muted', 'accent', 'accent-fg', 'hover', 'border', 'focus'];
const LIGHT = { bg: '#fdf6e3', fg: '#111111', muted: '#5c5c5c', accent: '#6b21a8', 'accent-fg': '#ffffff', hover: '#f3e8ff', border: '#6b7280', focus: '#6b21a8' };
const DARK = { bg: '#0f172a', fg: '#f1f5f9', muted: '#cbd5e1', accent: '#c4b5fd', 'accent-fg': '#1e1b4b', hover: '#1e293b', border: '#94a3b8', focus: '#c4b5fd' };
// What must hold: [foreground, background, minimum ratio].
const PAIRS = [
  ['fg', 'bg', 4.5], ['muted', 'bg', 4.5], ['accent', 'bg', 4.5], ['accent', 'hover', 4.5], ['accent-fg', 'accent', 4.5],
  ['border', 'bg', 3], ['focus', 'bg', 3],
];

function luminance(rgb) {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const ratio = (a, b) => {
  const [x, y] = [luminance(a), luminance(b)].sort((m, n) => n - m);
  return (x + 0.05) / (y + 0.05);
};

/** The dialog's resolved colours (its --_* properties, each turned into rgb by a probe in the same shadow root). */
async function colours(scheme) {
  document.documentElement.style.colorScheme = scheme;
  const result = ui.prePrompt({ capabilities: [{ name: 'camera', optional: false }], lang: 'en', strings: ui.en });
  const host = document.querySelector('div[data-jit-permissions="pre-prompt"]');
  const dialog = host.shadowRoot.querySelector('dialog');
  const probe = document.createElement('span');
  dialog.append(probe);
  const out = {};
  for (const n of NAMES) {
    probe.style.color = getComputedStyle(dialog).getPropertyValue(`--_${n}`).trim();
    out[n] = getComputedStyle(probe).color.match(/[\d.]+/g).slice(0, 3).map(Number);
  }
  // The elements use them: the title in fg on bg, the first choice in accent.
  const title = getComputedStyle(host.shadowRoot.querySelector('[part~="title"]')).color;
  const button = getComputedStyle(host.shadowRoot.querySelector('[data-choice="allow-once"]')).color;
  // Script cannot answer the dialog (only the person decides): the test removes it, leaving its promise pending.
  host.remove();
  void result;
  document.documentElement.style.colorScheme = '';
  return { ...out, title, button };
}

function check(c, what) {
  const bad = PAIRS.map(([f, b, min]) => [f, b, min, ratio(c[f], c[b])]).filter(([, , min, r]) => r < min);
  assert(!bad.length, `${what}: ${bad.map(([f, b, min, r]) => `${f} on ${b} ${r.toFixed(2)}:1 < ${min}:1`).join('; ')}`);
  assertEqual(c.title, `rgb(${c.fg.join(', ')})`, `${what}: the title uses fg`);
  assertEqual(c.button, `rgb(${c.accent.join(', ')})`, `${what}: the first choice uses accent`);
}

const root = document.documentElement.style;

await test('the defaults: every pair holds in light and in dark', async () => {
  for (const scheme of ['light', 'dark']) check(await colours(scheme), `defaults, ${scheme}`);
});

await test('the audit\'s case: only --jp-accent (and then --jp-bg) set for a white page keeps the dark scheme readable', async () => {
  root.setProperty('--jp-accent', '#0b57d0');
  try {
    const dark = await colours('dark');
    check(dark, 'dark with --jp-accent');
    assert(ratio(dark.accent, dark.bg) >= 4.5, 'button text in dark');
    root.setProperty('--jp-bg', '#ffffff');
    check(await colours('dark'), 'dark with --jp-accent and --jp-bg');
    check(await colours('light'), 'light with --jp-accent and --jp-bg');
  } finally {
    root.removeProperty('--jp-accent');
    root.removeProperty('--jp-bg');
  }
});

await test('any one --jp-* (light) or --jp-dark-* (dark) property overridden: both schemes keep >= 4.5:1 text and >= 3:1 borders and focus', async () => {
  let cases = 0;
  for (const [prefix, values, own] of [['--jp-', LIGHT, 'light'], ['--jp-dark-', DARK, 'dark']]) {
    const defaults = { light: await colours('light'), dark: await colours('dark') };
    for (const n of NAMES) {
      root.setProperty(`${prefix}${n}`, values[n]);
      try {
        for (const scheme of ['light', 'dark']) {
          const c = await colours(scheme);
          check(c, `${prefix}${n}: ${values[n]}, ${scheme}`);
          if (scheme !== own) {
            assertEqual(JSON.stringify(c), JSON.stringify(defaults[scheme]), `${prefix}${n} reached the ${scheme} scheme`);
          } else {
            assertEqual(c[n].join(), values[n].match(/[0-9a-f]{2}/gi).map((h) => parseInt(h, 16)).join(), `${prefix}${n} applies in ${scheme}`);
          }
          cases++;
        }
      } finally {
        root.removeProperty(`${prefix}${n}`);
      }
    }
  }
  note(`${cases} scheme and property combinations checked`);
});

await finish();
