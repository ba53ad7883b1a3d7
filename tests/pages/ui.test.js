// The UI module on its own (pkg/ui.js, the same file the Rust API gets as a snippet): what tests/web_ui.rs checked
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

const { ui } = await import('/pkg/ui.js');
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

await test('named by its title, described by the reason; caller strings are text; one adopted stylesheet, no inline style', async () => {
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
  assertEqual(root.adoptedStyleSheets.length, 1, 'adopted stylesheets');
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
  assert(root.getElementById(dialog.getAttribute('aria-describedby')), 'described');
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
  assertEqual(root.adoptedStyleSheets.length, 1, 'adopted stylesheets');
  const rows = [...root.querySelectorAll('li[part~="row"]')].map((r) => r.getAttribute('data-capability'));
  assertEqual(JSON.stringify(rows), JSON.stringify(['camera', 'microphone', 'geolocation', 'notifications']), 'rows');
  assertEqual(root.getElementById(q('ul').getAttribute('aria-labelledby')).textContent, 'Site permissions', 'list name');

  const t = now();
  panel.update([
    status('camera', 'granted', { grant: 'one-time', expiresAt: t + 57_599_000 }),
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
  assertEqual(time.textContent, 'Expires in 15:59:59', 'time left');
  assert(!time.hidden && q('li[data-capability="microphone"] [part~="time-left"]').hidden, 'time-left shown only for one-time');
  assertEqual(q('li[data-capability="geolocation"] [part~="detail"]').textContent, 'Blocked in your browser', 'browser block');
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

  // The countdown ticks by itself once a second.
  panel.update([status('camera', 'granted', { grant: 'one-time', expiresAt: now() + 10_000 })]);
  assertEqual(time.textContent, 'Expires in 0:00:10', 'time left');
  assert(await waitFor(() => ['Expires in 0:00:09', 'Expires in 0:00:08'].includes(time.textContent), 2500), `countdown: ${time.textContent}`);

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
  panel.update([status('camera', 'granted', { grant: 'one-time', expiresAt: fake + 61_000 })]);
  const time = parent.firstChild.shadowRoot.querySelector('li[data-capability="camera"] [part~="time-left"]');
  assertEqual(time.textContent, 'Expires in 0:01:01', 'time left by the host clock');
  panel.destroy();
  parent.remove();
});

await finish();
