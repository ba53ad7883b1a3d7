// The UI modules on their own (src/ui/*.js, the files the Rust API gets as snippets): what tests/web_ui.rs checked
// when the UI was Rust, now with a person's real input. Every choice is a real WebDriver click or key press (run.mjs
// `click`, `keys`, `clickAt`); every script-made event (element.click(), dispatchEvent, a script closing the dialog)
// must change nothing, because only the person decides.
//   - pre-prompt: the three choices and ×, Esc, the backdrop; Chrome's words and order; parts; focus moved in and
//     restored; named and described; caller text as text; the picture; the built-in language and the page's;
//     two dialogs at once.
//   - recovery help: the steps of this browser, closed from outside, by Close and by Esc.
//   - controls panel: rows, states, the countdown, the host's callbacks on real clicks only, aria-disabled buttons,
//     focus kept, destroy().
import { test, assert, assertEqual, engine, finish, outside, sleep, waitFor } from './harness.js';
import { hosts, press } from './prompt-util.js';

// The UIs as the Rust API gets them (src/ui/: one module each, sharing dom.js; the npm package bundles the same
// sources into its chunks), with the English strings of all of them.
const [prompt, rec, pan, ind] = await Promise.all(['prompt', 'recovery', 'panel', 'indicator'].map((n) => import(`/src/ui/${n}.js`)));
const ui = {
  en: { ...prompt.en, ...rec.en, ...pan.en, ...ind.en },
  prePrompt: prompt.prePrompt, recovery: rec.recovery, panel: pan.panel, indicator: ind.indicator,
};
const ja = (await import('/pkg/locales/ja.js')).default;
const strings = ui.en;
const PRE = 'div[data-jit-permissions="pre-prompt"]';
const REC = 'div[data-jit-permissions="recovery"]';

/** Opens a pre-prompt; resolves with { result (a promise), host, root }. */
async function open(request = {}) {
  const result = ui.prePrompt({ capabilities: [{ name: 'camera', optional: false }], lang: 'en', strings, ...request });
  const host = hosts('pre-prompt').pop();
  assert(host && host.shadowRoot, 'no pre-prompt host with an open shadow root');
  return { result, host, root: host.shadowRoot };
}

/** Whether a promise has settled within `ms`. */
async function settledWithin(promise, ms) {
  let done = false;
  promise.then(() => { done = true; }, () => { done = true; });
  await sleep(ms);
  return done;
}

const click = (selector, host = PRE) => outside('click', { host, selector });

/** Every script-made way to answer the open dialog: none may settle it. */
async function scriptTries(root) {
  const dialog = root.querySelector('dialog');
  for (const b of root.querySelectorAll('button')) {
    b.click();
    b.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
  }
  for (let i = 0; i < 3; i++) dialog.dispatchEvent(new Event('cancel', { cancelable: true }));
  dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
  window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
  dialog.close();
  dialog.dispatchEvent(new Event('close'));
}

await test('each button (a real click) resolves its choice; the host goes away', async () => {
  for (const choice of ['allow-once', 'allow-always', 'dont-allow', 'dismiss']) {
    const { result, root } = await open();
    const dialog = root.querySelector('dialog');
    assert(dialog.open, 'the dialog is open');
    let modal = true;
    try { modal = dialog.matches(':modal'); } catch { /* :modal unsupported */ }
    assert(modal, 'the dialog is modal');
    await click(`button[data-choice="${choice}"]`);
    assertEqual((await result).choice, choice, 'choice');
    assertEqual(JSON.stringify((await result).declined), '[]', 'declined');
    assertEqual(hosts('pre-prompt').length, 0, 'hosts after closing');
  }
});

await test('script-made clicks, cancel, Esc keydown and close() change nothing: the dialog stays open and undecided', async () => {
  const { result, root } = await open();
  await scriptTries(root);
  assert(!(await settledWithin(result, 300)), 'a script-made event settled the pre-prompt');
  assert(root.querySelector('dialog').open, 'the dialog is open again after a script closed it');
  assertEqual(hosts('pre-prompt').length, 1, 'hosts');
  await click('button[data-choice="allow-always"]');
  assertEqual((await result).choice, 'allow-always', 'a real click still decides');
});

await test("the choices are stacked in Chrome's order with Chrome's words, each with its part", async () => {
  const { result, root } = await open({ capabilities: [{ name: 'microphone', optional: false }] });
  const texts = [...root.querySelectorAll('[part~="choices"] button')].map((b) => b.textContent);
  assertEqual(JSON.stringify(texts), JSON.stringify(['Allow this time', 'Allow on every visit', "Don't allow"]), 'buttons');
  for (const part of ['allow-once', 'allow-always', 'dont-allow']) {
    assertEqual(root.querySelectorAll(`[part~="button"][part~="${part}"]`).length, 1, `part ${part}`);
  }
  const close = root.querySelector('[part~="close"]');
  assertEqual(close.getAttribute('aria-label'), 'Close', '× aria-label');
  assertEqual(close.getAttribute('data-choice'), 'dismiss', '× data-choice');
  await click('button[data-choice="dont-allow"]');
  assertEqual((await result).choice, 'dont-allow', 'choice');
});

await test('a real Esc dismisses; a real click on the backdrop dismisses, a click on the content does not', async () => {
  let { result } = await open({ capabilities: [{ name: 'geolocation', optional: false }] });
  await press('Escape');
  assertEqual((await result).choice, 'dismiss', 'after Esc');
  assertEqual(hosts('pre-prompt').length, 0, 'hosts after Esc');
  const opened = await open();
  result = opened.result;
  const box = opened.root.querySelector('dialog').getBoundingClientRect();
  const title = opened.root.querySelector('[part~="title"]').getBoundingClientRect();
  await outside('clickAt', { x: title.left + 2, y: title.top + title.height / 2 });
  assert(!(await settledWithin(result, 200)), 'a click on the title settled the pre-prompt');
  assert(box.top > 8 || box.left > 8, `the dialog fills the viewport (${JSON.stringify(box)}): no backdrop to click`);
  await outside('clickAt', box.left > 8 ? { x: 4, y: Math.round(box.top + box.height / 2) } : { x: Math.round(box.left + box.width / 2), y: 4 });
  assertEqual((await result).choice, 'dismiss', 'after the backdrop click');
});

await test('focus moves to the first choice and goes back to what had it', async () => {
  const trigger = document.createElement('button');
  trigger.textContent = 'Take a photo';
  document.body.append(trigger);
  trigger.focus();
  const { result, host, root } = await open();
  assertEqual(document.activeElement, host, 'document.activeElement (the host)');
  assertEqual(root.activeElement?.getAttribute('data-choice'), 'allow-once', 'focus inside');
  await press('Enter');
  assertEqual((await result).choice, 'allow-once', 'Enter on the focused first choice');
  assertEqual(document.activeElement, trigger, 'focus restored');
  trigger.remove();
});

await test('named by its title, described by the reason; caller strings are text; adopted stylesheets (the shared one and its own), no inline style', async () => {
  const evil = '<img src=x onerror=alert(1)>';
  const { result, root } = await open({
    capabilities: [{ name: 'geolocation', optional: false }], title: evil, reason: '<b>bold</b><script>alert(2)</script>',
  });
  const dialog = root.querySelector('dialog');
  assertEqual(dialog.getAttribute('part'), 'dialog', 'dialog part');
  assertEqual(dialog.getAttribute('data-capability'), 'geolocation', 'data-capability');
  assertEqual(root.getElementById(dialog.getAttribute('aria-labelledby')).textContent, evil, 'the title names the dialog');
  assertEqual(root.getElementById(dialog.getAttribute('aria-describedby')).textContent, '<b>bold</b><script>alert(2)</script>', 'description');
  assertEqual(root.querySelectorAll('img, b, script').length, 0, 'elements made from caller text');
  assertEqual(root.querySelectorAll('style, [style]').length, 0, 'inline styles (CSP)');
  assertEqual(root.adoptedStyleSheets.length, 2, 'adopted stylesheets (dom.js\'s shared one, the UI\'s own)');
  assertEqual(root.querySelector('svg[part~="icon"]').getAttribute('aria-hidden'), 'true', 'icon aria-hidden');
  await click('button[data-choice="allow-once"]');
  await result;
});

await test('the picture is an img with its alt; without caller text the built-in text shows', async () => {
  const { result, root } = await open({
    capabilities: [{ name: 'geolocation', optional: false }],
    image: { src: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=', alt: 'A photo being tagged with a place' },
  });
  const img = root.querySelectorAll('img[part~="image"]');
  assertEqual(img.length, 1, 'images');
  assertEqual(img[0].getAttribute('alt'), 'A photo being tagged with a place', 'alt');
  assert(img[0].getAttribute('src').startsWith('data:image/gif'), 'src');
  assertEqual(root.querySelector('[part~="title"]').textContent, 'Use your location?', 'built-in title');
  await click('button[data-choice="dismiss"]');
  await result;
});

await test('built-in text speaks its language (lang on the dialog); the site\'s text is marked with the page\'s', async () => {
  const html = document.documentElement;
  const before = html.getAttribute('lang');
  html.setAttribute('lang', 'en');
  const { result, root } = await open({ title: 'Scan a receipt?', lang: 'ja', strings: { ...ui.en, ...ja } });
  assertEqual(root.querySelector('dialog').getAttribute('lang'), 'ja', 'dialog lang');
  assertEqual(root.querySelector('[part~="title"]').getAttribute('lang'), 'en', 'site title lang');
  assertEqual(root.querySelector('[part~="reason"]').getAttribute('lang'), null, 'built-in reason lang');
  assertEqual(root.querySelector('button[data-choice="allow-once"]').textContent, '今回のみ許可', 'allow-once');
  assertEqual(root.querySelector('[part~="close"]').getAttribute('aria-label'), '閉じる', '× label');
  await click('button[data-choice="dismiss"]');
  await result;
  if (before === null) html.removeAttribute('lang'); else html.setAttribute('lang', before);
});

await test('two dialogs at once do not confuse each other; Esc dismisses only the topmost', async () => {
  const first = await open();
  first.host.id = 'first';
  const second = await open({ capabilities: [{ name: 'microphone', optional: false }] });
  second.host.id = 'second';
  assertEqual(hosts('pre-prompt').length, 2, 'hosts');
  await click('button[data-choice="allow-always"]', '#second');
  assertEqual((await second.result).choice, 'allow-always', 'second');
  assert(!(await settledWithin(first.result, 100)), 'the first settled with the second');
  const third = await open({ capabilities: [{ name: 'notifications', optional: false }] });
  await press('Escape');
  assertEqual((await third.result).choice, 'dismiss', 'Esc on the topmost');
  assert(!(await settledWithin(first.result, 100)), 'Esc also settled the dialog underneath');
  await click('button[data-choice="dont-allow"]', '#first');
  assertEqual((await first.result).choice, 'dont-allow', 'first');
  assertEqual(hosts('pre-prompt').length, 0, 'hosts');
});

const FIRST_STEP = {
  chromium: /^Click the site information icon/,
  firefox: /^Click the crossed-out permission icon/,
  webkit: /^In the menu bar, choose Safari > Settings/,
};
const family = { chromium: 'chromium', firefox: 'firefox', webkit: 'safari' }[engine] || 'other';
const help = (capability) => ui.recovery({ capability, cause: 'browser', browser: family, lang: 'en', strings });

await test('recovery help: title, the steps of this browser naming the capability, focus on Close; close() from outside', async () => {
  const view = help('camera');
  const root = hosts('recovery').pop().shadowRoot;
  const dialog = root.querySelector('dialog');
  assert(dialog.open, 'open');
  assertEqual(root.getElementById(dialog.getAttribute('aria-labelledby')).textContent, 'Your browser blocks the camera for this site', 'title');
  // The steps are part of the description, so a screen reader reads them with the title, not only "To allow it again:".
  assertEqual(dialog.getAttribute('aria-describedby'), 'jp-reason jp-steps', 'described by the intro and the steps');
  assertEqual(root.getElementById('jp-steps')?.localName, 'ol', 'the steps list is #jp-steps');
  const steps = [...root.querySelectorAll('ol[part~="steps"] > li[part~="step"]')].map((li) => li.textContent);
  assert(steps.length >= 3, `steps ${JSON.stringify(steps)}`);
  assert(FIRST_STEP[engine].test(steps[0]), `first step ${JSON.stringify(steps[0])}`);
  assert(steps.some((s) => s.includes('Camera')), 'no step names the camera');
  assertEqual(root.activeElement?.getAttribute('data-action'), 'close', 'focus');
  await scriptTries(root);
  assert(!(await settledWithin(view.closed, 200)), 'script-made events closed the help');
  view.close();
  await view.closed;
  assertEqual(hosts('recovery').length, 0, 'hosts');
});

await test('recovery help: the Close button (real click) and a real Esc close it', async () => {
  let view = help('notifications');
  assertEqual(hosts('recovery')[0].shadowRoot.querySelector('[data-action="close"]').textContent, 'Close', 'Close text');
  await click('button[data-action="close"]', REC);
  await view.closed;
  view = help('microphone');
  await press('Escape');
  await view.closed;
  assertEqual(hosts('recovery').length, 0, 'hosts');
});

const now = () => Date.now();
const status = (name, state, more = {}) => ({ name, state, grant: null, expiresAt: null, reason: null, ...more });

await test('controls panel: four rows in order, named list, states, countdown, host calls on real clicks only', async () => {
  const parent = document.createElement('div');
  parent.id = 'panel-parent';
  document.body.append(parent);
  const calls = [];
  const host = { revoke: (n) => calls.push(`revoke:${n}`), reset: (n) => calls.push(`reset:${n}`), help: (n) => calls.push(`help:${n}`) };
  const panel = ui.panel(parent, host, { lang: 'en', strings });
  const root = parent.querySelector('div[data-jit-permissions="controls"]').shadowRoot;
  const q = (s) => root.querySelector(s);
  assertEqual(root.adoptedStyleSheets.length, 2, 'adopted stylesheets (dom.js\'s shared one, the UI\'s own)');
  const rows = [...root.querySelectorAll('li[part~="row"]')].map((r) => r.getAttribute('data-capability'));
  assertEqual(JSON.stringify(rows), JSON.stringify(['camera', 'microphone', 'geolocation', 'notifications']), 'rows');
  assertEqual(root.getElementById(q('ul').getAttribute('aria-labelledby')).textContent, 'Site permissions', 'list name');

  const t = now();
  panel.update([
    status('camera', 'granted', { grant: 'one-time', expiresAt: t + 57_540_000 }),
    status('microphone', 'prompt'),
    status('geolocation', 'denied', { reason: 'browser' }),
    status('notifications', 'denied', { reason: 'user' }),
  ]);
  const camera = q('li[data-capability="camera"]');
  assertEqual(camera.getAttribute('data-state'), 'granted', 'camera data-state');
  assertEqual(camera.getAttribute('data-grant'), 'one-time', 'camera data-grant');
  assertEqual(q('li[data-capability="camera"] [part~="state"]').textContent, 'Allowed', 'state text');
  assertEqual(q('li[data-capability="camera"] [part~="detail"]').textContent, 'This time', 'detail');
  const time = q('li[data-capability="camera"] [part~="time-left"]');
  // Leaving the site usually ends it first; the limit reads as a duration, in a <time> with its ISO value.
  assertEqual(time.textContent, 'Until you leave this site, at most 15 h 59 min', 'time left');
  assertEqual(time.localName, 'time', 'time-left element');
  assertEqual(time.getAttribute('datetime'), 'PT15H59M', 'time-left datetime');
  assert(!time.hidden && q('li[data-capability="microphone"] [part~="time-left"]').hidden, 'time-left shown only for one-time');
  // "Blocked" once: the state says it, the detail says where.
  assertEqual(q('li[data-capability="geolocation"] [part~="state"]').textContent, 'Blocked', 'browser block state');
  assertEqual(q('li[data-capability="geolocation"] [part~="detail"]').textContent, 'In your browser’s settings', 'browser block');
  const revoke = q('[data-action="revoke"][data-capability="camera"]');
  assertEqual(revoke.getAttribute('aria-label'), 'Revoke Camera', 'revoke label');
  assertEqual(revoke.getAttribute('aria-disabled'), null, 'revoke enabled');
  assert(q('[data-action="help"][data-capability="camera"]').hidden, 'help hidden unless the browser blocks');
  assert(!q('[data-action="help"][data-capability="geolocation"]').hidden, 'help shown for the browser block');

  // Script clicks do nothing, on any button.
  for (const b of root.querySelectorAll('button')) b.click();
  assertEqual(JSON.stringify(calls), '[]', 'host calls from script clicks');
  const real = (action, cap) => outside('click', {
    host: '#panel-parent > div[data-jit-permissions="controls"]', selector: `[data-action="${action}"][data-capability="${cap}"]`,
  });
  await real('revoke', 'camera');
  await real('revoke', 'microphone'); // aria-disabled: nothing
  await real('reset', 'microphone'); // aria-disabled: nothing
  await real('help', 'geolocation');
  await real('reset', 'notifications');
  assertEqual(JSON.stringify(calls), JSON.stringify(['revoke:camera', 'help:geolocation', 'reset:notifications']), 'host calls');

  // The time left follows the clock by itself (whole minutes, rounded up).
  panel.update([status('camera', 'granted', { grant: 'one-time', expiresAt: now() + 60_700 })]);
  assertEqual(time.textContent, 'Until you leave this site, at most 2 min', 'time left');
  assert(await waitFor(() => time.textContent === 'Until you leave this site, at most 1 min', 2500), `countdown: ${time.textContent}`);
  assertEqual(time.getAttribute('datetime'), 'PT0H1M', 'datetime');

  // Focus stays on a button whose action no longer applies.
  revoke.focus();
  panel.update([status('camera', 'prompt')]);
  assertEqual(revoke.getAttribute('aria-disabled'), 'true', 'revoke disabled at prompt');
  assertEqual(root.activeElement, revoke, 'focus kept');
  assert(time.hidden, 'time-left hidden at prompt');

  panel.destroy();
  assertEqual(parent.querySelector('[data-jit-permissions]'), null, 'removed by destroy()');
  parent.remove();
}, { timeout: 15000 });

await test('controls panel: counts down with the host clock', async () => {
  const parent = document.createElement('div');
  document.body.append(parent);
  const fake = Date.now() + 3_600_000;
  const panel = ui.panel(parent, { now: () => fake }, { lang: 'en', strings });
  panel.update([status('camera', 'granted', { grant: 'one-time', expiresAt: fake + 3_660_000 })]);
  const time = parent.firstChild.shadowRoot.querySelector('li[data-capability="camera"] [part~="time-left"]');
  assertEqual(time.textContent, 'Until you leave this site, at most 1 h 1 min', 'time left by the host clock');
  panel.destroy();
  parent.remove();
});

// ---- issue 13: one pre-prompt for a task, recovery that says what blocks access, the panel in plain words,
// the in-use indicator, lang/dir and heading levels.

const CAM = { name: 'camera', optional: false };
const MIC = { name: 'microphone', optional: false };

await test('one pre-prompt for two capabilities names both: title, reason, both icons; one answer for both', async () => {
  const { result, root } = await open({ capabilities: [CAM, MIC] });
  assertEqual(root.querySelector('[part~="title"]').textContent, 'Use your camera and microphone?', 'title');
  assert(/camera and microphone/.test(root.querySelector('[part~="reason"]').textContent), 'the reason names both');
  assertEqual(root.querySelectorAll('[part~="icons"] svg[part~="icon"]').length, 2, 'icons');
  assertEqual(root.querySelector('dialog').getAttribute('data-capability'), 'camera microphone', 'data-capability');
  assertEqual(root.querySelectorAll('[part~="capabilities"]').length, 0, 'no list when every entry is asked and needed');
  await click('button[data-choice="allow-once"]');
  const r = await result;
  assertEqual(r.choice, 'allow-once', 'choice');
  assertEqual(JSON.stringify(r.declined), '[]', 'declined');
});

await test('an optional entry has a switch, on by default; only a real click or key turns it; its result lists it as declined', async () => {
  const { result, root } = await open({ capabilities: [CAM, { name: 'microphone', optional: true }] });
  const rows = [...root.querySelectorAll('[part~="capabilities"] > li[part~="capability"]')].map((li) => li.getAttribute('data-capability'));
  assertEqual(JSON.stringify(rows), '["camera","microphone"]', 'rows');
  assertEqual(root.querySelectorAll('[role="switch"]').length, 1, 'one switch: only the optional entry');
  const sw = root.querySelector('[role="switch"][data-toggle="microphone"]');
  assertEqual(sw.localName, 'button', 'the switch is a button');
  assertEqual(sw.getAttribute('aria-checked'), 'true', 'on by default');
  assertEqual(root.getElementById(sw.getAttribute('aria-labelledby')).textContent, 'Microphone', 'switch name');
  assertEqual(root.getElementById(sw.getAttribute('aria-describedby')).textContent, 'Optional', 'switch description');
  sw.click();
  sw.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
  assertEqual(sw.getAttribute('aria-checked'), 'true', 'script clicks do not turn it');
  await click('[data-toggle="microphone"]');
  assertEqual(sw.getAttribute('aria-checked'), 'false', 'a real click turns it off');
  assertEqual(root.activeElement, sw, 'focus on the switch');
  await press('Space');
  assertEqual(sw.getAttribute('aria-checked'), 'true', 'a real Space turns it on again');
  await press('Enter');
  assertEqual(sw.getAttribute('aria-checked'), 'false', 'a real Enter turns it off again');
  assert(!(await settledWithin(result, 100)), 'turning a switch settled the dialog');
  await click('button[data-choice="allow-once"]');
  const r = await result;
  assertEqual(r.choice, 'allow-once', 'choice');
  assertEqual(JSON.stringify(r.declined), '["microphone"]', 'declined');
});

await test('script that sets a switch can only leave an entry out, never put one back', async () => {
  let { result, root } = await open({ capabilities: [CAM, { name: 'microphone', optional: true }] });
  root.querySelector('[data-toggle="microphone"]').setAttribute('aria-checked', 'false');
  await click('button[data-choice="allow-always"]');
  assertEqual(JSON.stringify((await result).declined), '["microphone"]', 'shown off: left out');
  ({ result, root } = await open({ capabilities: [CAM, { name: 'microphone', optional: true }] }));
  await click('[data-toggle="microphone"]');
  root.querySelector('[data-toggle="microphone"]').setAttribute('aria-checked', 'true');
  await click('button[data-choice="allow-always"]');
  assertEqual(JSON.stringify((await result).declined), '["microphone"]', 'turned off by the person, shown on by script: left out');
});

await test('entries not asked are listed as they are: already allowed, blocked (by what), and only the rest is asked', async () => {
  const { result, root } = await open({
    capabilities: [
      { name: 'camera', optional: false, state: 'prompt' },
      { name: 'microphone', optional: false, state: 'granted' },
      { name: 'geolocation', optional: true, state: 'denied', reason: 'embargo' },
    ],
  });
  assertEqual(root.querySelector('dialog').getAttribute('data-capability'), 'camera', 'asked');
  assertEqual(root.querySelector('[part~="title"]').textContent, 'Use your camera?', 'the title names what is asked');
  const detail = (n) => root.querySelector(`li[data-capability="${n}"] [part~="detail"]`)?.textContent ?? null;
  assertEqual(detail('camera'), null, 'camera: asked, needed');
  assertEqual(detail('microphone'), 'Already allowed', 'microphone');
  assertEqual(detail('geolocation'), 'Blocked: Paused after repeated dismissals', 'geolocation');
  assertEqual(root.querySelector('li[data-capability="geolocation"]').getAttribute('data-state'), 'denied', 'data-state');
  assertEqual(root.querySelectorAll('li[data-capability="geolocation"] svg path').length, 2, 'the blocked icon is crossed out');
  assertEqual(root.querySelectorAll('[role="switch"]').length, 0, 'no switch for an entry that is not asked');
  await click('button[data-choice="dismiss"]');
  await result;
});

await test('lang is the locale tag as given, dir follows it; the site\'s own text gets dir="auto"; the heading level is the site\'s', async () => {
  const nl = { ...ui.en, allowOnce: 'Deze keer toestaan' };
  let { result, root } = await open({ lang: 'nl-BE', strings: nl, title: 'Een bon scannen?', headingLevel: 3 });
  const dialog = root.querySelector('dialog');
  assertEqual(dialog.getAttribute('lang'), 'nl-BE', 'lang');
  assertEqual(dialog.getAttribute('dir'), 'ltr', 'dir');
  assertEqual(root.querySelector('[part~="title"]').localName, 'h3', 'heading level');
  assertEqual(root.querySelector('[part~="title"]').getAttribute('dir'), 'auto', 'site title dir');
  assertEqual(root.querySelector('[part~="reason"]').getAttribute('dir'), null, 'built-in reason: the dialog\'s dir');
  await click('button[data-choice="dismiss"]');
  await result;
  // English in a right-to-left page stays left-to-right; Arabic strings are right-to-left.
  document.documentElement.setAttribute('dir', 'rtl');
  try {
    ({ result, root } = await open({ lang: 'en' }));
    assertEqual(root.querySelector('dialog').getAttribute('dir'), 'ltr', 'English in an RTL page');
    assertEqual(getComputedStyle(root.querySelector('[part~="title"]')).direction, 'ltr', 'computed direction');
    await click('button[data-choice="dismiss"]');
    await result;
    ({ result, root } = await open({ lang: 'ar-EG' }));
    assertEqual(root.querySelector('dialog').getAttribute('dir'), 'rtl', 'Arabic');
    await click('button[data-choice="dismiss"]');
    await result;
  } finally {
    document.documentElement.removeAttribute('dir');
  }
});

/** Opens the recovery help for `cause`; resolves with { view, root }. */
function recoveryOf(cause, more = {}) {
  const view = ui.recovery({ capability: 'camera', cause, browser: family, lang: 'en', strings, ...more });
  return { view, root: hosts('recovery').pop().shadowRoot };
}
const texts = (root, sel) => [...root.querySelectorAll(sel)].map((e) => e.textContent);

await test('recovery, system: what blocks it, the steps for this operating system, in the description; Try again resolves "retry"', async () => {
  const { view, root } = recoveryOf('system', { capabilities: ['camera', 'microphone'], retry: true });
  assertEqual(root.host.getAttribute('data-cause'), 'system', 'data-cause');
  assertEqual(root.querySelector('[part~="title"]').textContent, 'Your device blocks the camera or microphone for your browser', 'title');
  assertEqual(root.querySelector('dialog').getAttribute('aria-describedby'), 'jp-reason jp-steps', 'described with the steps');
  const steps = texts(root, '[part~="step"]');
  // The machines here run Linux: the generic device steps (macOS and Windows get their own, see the strings).
  const platform = `${navigator.userAgentData?.platform || ''} ${navigator.platform}`;
  const expected = /Mac/.test(platform) ? /System Settings/ : /Win/.test(platform) ? /Privacy & security/ : /device’s privacy/;
  assert(expected.test(steps[0]), `first step for ${platform}: ${steps[0]}`);
  if (!/Mac|Win/.test(platform)) {
    assertEqual(JSON.stringify(steps.filter((t) => /Allow your browser/.test(t))), JSON.stringify(['Allow your browser to use the camera.', 'Allow your browser to use the microphone.']), 'a step for each capability');
  }
  assertEqual(JSON.stringify(texts(root, '[part~="choices"] button')), '["Try again","Close"]', 'buttons');
  assertEqual(root.activeElement?.getAttribute('data-action'), 'retry', 'focus on Try again');
  root.querySelector('[data-action="retry"]').click();
  assert(!(await settledWithin(view.closed, 100)), 'a script click on Try again counted');
  await click('button[data-action="retry"]', REC);
  assertEqual(await view.closed, 'retry', 'closed with');
});

await test('recovery, system, each operating system: macOS, Windows and others have their own steps', async () => {
  for (const [key, first] of [['stepsMac', /^Open the Apple menu/], ['stepsWindows', /^Open Start > Settings/], ['stepsDevice', /^Open your device’s/]]) {
    assert(first.test(strings[key]), `${key}: ${strings[key]}`);
    assert(strings[key].split('\n').length >= 2, `${key} has steps`);
  }
  assert(/“{name}”/.test(strings.stepsMac) && /“{name}”/.test(strings.stepsWindows), 'the macOS and Windows steps name the setting');
});

await test('recovery, busy: says another app uses it, Try again; Close resolves undefined', async () => {
  const { view, root } = recoveryOf('busy', { retry: true });
  assertEqual(root.querySelector('[part~="title"]').textContent, 'Another app is using the camera', 'title');
  assert(texts(root, '[part~="step"]').some((t) => /Close or pause the other app/.test(t)), 'steps');
  await click('button[data-action="close"]', REC);
  assertEqual(await view.closed, undefined, 'closed with');
});

await test('recovery, user and embargo: say so and offer Reset (resolves "reset"), no browser steps', async () => {
  for (const [cause, title] of [['user', 'You chose “Don’t allow” for the camera'], ['embargo', 'This site stopped asking for the camera for now']]) {
    const { view, root } = recoveryOf(cause);
    assertEqual(root.querySelector('[part~="title"]').textContent, title, `${cause} title`);
    assertEqual(root.querySelectorAll('[part~="step"]').length, 0, `${cause}: no steps`);
    assertEqual(JSON.stringify(texts(root, '[part~="choices"] button')), '["Reset","Close"]', `${cause} buttons`);
    await click('button[data-action="reset"]', REC);
    assertEqual(await view.closed, 'reset', `${cause} closed with`);
  }
});

await test('recovery, granted, prompt and policy: say what applies, nothing to unblock, no crossed-out icon', async () => {
  const cases = [
    ['granted', 'This site may use the camera', /Nothing blocks it/],
    ['prompt', 'This site asks before it uses the camera', /Nothing blocks it/],
    ['policy', 'The camera cannot be used in this part of the page', /comes from another site/],
  ];
  for (const [cause, title, text] of cases) {
    const { view, root } = recoveryOf(cause);
    assertEqual(root.querySelector('[part~="title"]').textContent, title, `${cause} title`);
    assert(text.test(root.querySelector('[part~="reason"]').textContent), `${cause} text`);
    assertEqual(root.querySelectorAll('[part~="step"]').length, 0, `${cause}: no steps`);
    assertEqual(JSON.stringify(texts(root, '[part~="choices"] button')), '["Close"]', `${cause} buttons`);
    assertEqual(root.querySelectorAll('svg path').length, cause === 'policy' ? 2 : 1, `${cause} icon paths`);
    await press('Escape');
    assertEqual(await view.closed, undefined, `${cause} closed with`);
  }
});

await test('controls panel: history, in use, Revoke and Reset described, a status region that announces changes and never the countdown', async () => {
  const parent = document.createElement('div');
  document.body.append(parent);
  const panel = ui.panel(parent, {}, { lang: 'en', strings, headingLevel: 4 });
  const root = parent.firstChild.shadowRoot;
  const q = (sel) => root.querySelector(sel);
  assertEqual(q('[part~="panel-title"]').localName, 'h4', 'heading level');
  const region = q('[role="status"]');
  assert(region, 'a status region');
  const box = region.getBoundingClientRect();
  assert(box.width <= 1 && box.height <= 1, `the region is visually hidden (${box.width}x${box.height})`);
  const decided = Date.UTC(2026, 11, 1, 15, 58);
  panel.update([
    status('camera', 'granted', { grant: 'one-time', expiresAt: now() + 3_600_000, lastDecision: 'allow-once', decidedAt: decided, inUse: true }),
    status('microphone', 'prompt'),
    status('geolocation', 'denied', { reason: 'user', lastDecision: 'dont-allow', decidedAt: decided }),
    status('notifications', 'prompt', { lastDecision: 'dismiss', decidedAt: decided }),
  ]);
  assertEqual(region.textContent, '', 'the first render announces nothing');
  const history = (n) => q(`li[data-capability="${n}"] [part~="history"]`).textContent;
  const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(decided);
  assertEqual(history('camera'), `Last choice: Allow this time, ${when}`, 'camera history');
  assertEqual(history('microphone'), 'Not asked yet', 'microphone history');
  assertEqual(history('notifications'), `Last choice: Closed without choosing, ${when}`, 'notifications history');
  assert(!q('li[data-capability="camera"] [part~="in-use"]').hidden, 'camera in use shown');
  assertEqual(q('li[data-capability="camera"] [part~="in-use"]').textContent, 'In use now', 'in-use text');
  assert(q('li[data-capability="microphone"] [part~="in-use"]').hidden, 'microphone not in use');
  assertEqual(q('li[data-capability="camera"]').getAttribute('data-in-use'), '', 'data-in-use');
  for (const a of ['revoke', 'reset']) {
    const b = q(`[data-action="${a}"][data-capability="geolocation"]`);
    assertEqual(root.getElementById(b.getAttribute('aria-describedby'))?.textContent, strings[`${a}Hint`], `${a} described`);
  }
  // The person's own block offers its way back: Reset is enabled there.
  assertEqual(q('[data-action="reset"][data-capability="geolocation"]').getAttribute('aria-disabled'), null, 'Reset after Don\'t allow');
  // The countdown changes (minutes pass), the region does not.
  const seen = [];
  const mo = new MutationObserver(() => seen.push(region.textContent));
  mo.observe(region, { childList: true, characterData: true, subtree: true });
  const camera = status('camera', 'granted', { grant: 'one-time', expiresAt: now() + 60_500, lastDecision: 'allow-once', decidedAt: decided });
  panel.update([camera]);
  await sleep(1500);
  assertEqual(JSON.stringify(seen), '[]', 'no announcement of the time left');
  panel.update([status('camera', 'prompt', { lastDecision: 'allow-once', decidedAt: decided })]);
  assertEqual(region.textContent, 'Camera: Ask', 'announced after the change');
  panel.update([status('camera', 'denied', { reason: 'browser' }), status('microphone', 'denied', { reason: 'system' })]);
  assertEqual(region.textContent, 'Camera: Blocked (In your browser’s settings). Microphone: Blocked (By your device’s privacy settings)', 'two changes');
  assert(!q('[data-action="help"][data-capability="microphone"]').hidden, 'help offered for a block by the device');
  mo.disconnect();
  panel.destroy();
  parent.remove();
});

await test('the in-use indicator: shown while a camera or microphone track of this page is live; its status region announces start and stop', async () => {
  const parent = document.createElement('div');
  document.body.append(parent);
  const ind = ui.indicator(parent, { lang: 'en', strings });
  const root = parent.firstChild.shadowRoot;
  const box = root.querySelector('[part~="indicator"]');
  const region = root.querySelector('[role="status"]');
  assert(box.hidden, 'hidden while nothing is in use');
  ind.update([status('camera', 'granted', { inUse: true, inUseHere: true }), status('microphone', 'granted', { inUse: true, inUseHere: false })]);
  assert(!box.hidden, 'shown');
  assertEqual(root.querySelector('[part~="indicator-text"]').textContent, 'In use: Camera', 'text (only this page\'s tracks)');
  assert(await waitFor(() => region.textContent === 'In use: Camera', 1000), `announced: ${region.textContent}`);
  ind.update([status('camera', 'granted', { inUseHere: true }), status('microphone', 'granted', { inUseHere: true })]);
  assertEqual(root.querySelector('[part~="indicator-text"]').textContent, 'In use: Camera and Microphone', 'both');
  assert(await waitFor(() => region.textContent === 'In use: Microphone', 1000), `announced: ${region.textContent}`);
  ind.update([status('camera', 'granted'), status('microphone', 'granted')]);
  assert(box.hidden, 'hidden again');
  assert(await waitFor(() => region.textContent === 'No longer in use: Camera and Microphone', 1000), `announced: ${region.textContent}`);
  ind.destroy();
  assertEqual(parent.children.length, 0, 'destroy() removes it');
  // Without a parent: floating at the top of the page.
  const floating = ui.indicator(null, { lang: 'en', strings });
  floating.update([status('camera', 'granted', { inUseHere: true })]);
  const host = document.body.lastElementChild;
  assertEqual(host.getAttribute('data-jit-permissions'), 'indicator', 'in the body');
  assertEqual(getComputedStyle(host.shadowRoot.querySelector('[part~="indicator"]')).position, 'fixed', 'floating');
  floating.destroy();
  parent.remove();
});

await test('the colour scheme follows the page: its color-scheme before prefers-color-scheme', async () => {
  const html = document.documentElement;
  const schemeOf = async () => {
    const { result, root } = await open();
    const v = root.host.getAttribute('data-scheme');
    const bg = getComputedStyle(root.querySelector('dialog')).backgroundColor;
    await click('button[data-choice="dismiss"]');
    await result;
    return [v, bg];
  };
  try {
    html.style.colorScheme = 'dark';
    const [dark, darkBg] = await schemeOf();
    html.style.colorScheme = 'light';
    const [light, lightBg] = await schemeOf();
    html.style.colorScheme = '';
    const [auto] = await schemeOf();
    assertEqual(`${dark} ${light} ${auto}`, 'dark light auto', 'data-scheme');
    assertEqual(darkBg, 'rgb(31, 31, 31)', 'dark background');
    assertEqual(lightBg, 'rgb(255, 255, 255)', 'light background');
  } finally {
    html.style.colorScheme = '';
  }
});

await finish();
