// Accessibility: axe-core (WCAG 2 A/AA and best practices) on the demo page, the open pre-prompt (one capability,
// and one task with several, an optional switch and entries not asked), the controls panel, each recovery variant
// and the in-use indicator, open shadow roots included, expecting no violation. Beyond axe: at 320x256 CSS px (400%
// zoom) the first focus stays in view once the pre-prompt's picture loads, and under forced colours a button that
// does not apply looks disabled (GrayText). (Contrast per scheme, lang/dir, the panel's status region and the
// recovery's description are page tests in all three engines: tests/pages/theme.test.js and ui.test.js.)
//
// axe's source is evaluated through `page.evaluate` (see lib.mjs `axe`), which runs outside the page's
// CSP, so the page is checked under its real, strict policy; `bypassCSP` is not needed.
import {
  CONTROLS, MEDIA_ARGS, PRE_PROMPT, RECOVERY, assert, assertEqual, axe, choice, formatViolations, launch, newPage,
  openDemo, setPermission, until, waitBadge, waitPanelRow, waitPrePrompt, dialogsReady,
} from './lib.mjs';

export async function before(env, shared) {
  shared.browser = await launch(MEDIA_ARGS);
}

export async function after(env, shared) {
  await shared.browser?.close();
}

function expectNone(violations, where) {
  assert(violations.length === 0, `${violations.length} axe violation(s) ${where}:\n      ${formatViolations(violations)}`);
}

export const tests = [
  {
    name: 'the demo page has no axe violations (light and dark colour schemes)',
    async fn(env, shared) {
      for (const colorScheme of ['light', 'dark']) {
        const { context, page } = await newPage(shared.browser, { colorScheme });
        await openDemo(page, env.base);
        await page.waitForSelector(CONTROLS);
        expectNone(await axe(page), `on the loaded page (${colorScheme})`);
        if (colorScheme === 'dark') await env.shot(page, '14-demo-dark.png', { fullPage: true });
        await context.close();
      }
    },
  },

  {
    name: 'the open pre-prompt of each capability has no axe violations',
    async fn(env, shared) {
      const { context, page } = await newPage(shared.browser);
      await openDemo(page, env.base);
      const starts = {
        camera: 'camera-start', microphone: 'microphone-start', geolocation: 'geolocation-tag', notifications: 'notifications-send',
      };
      for (const [cap, action] of Object.entries(starts)) {
        await page.click(`button[data-action="${action}"]`);
        await waitPrePrompt(page, cap);
        expectNone(await axe(page, [PRE_PROMPT]), `in the ${cap} pre-prompt`);
        expectNone(await axe(page), `on the page with the ${cap} pre-prompt open`);
        await page.click(choice('dismiss'));
        await page.waitForSelector(PRE_PROMPT, { state: 'detached' });
      }
      await context.close();
    },
  },

  {
    name: 'the controls panel (one-time countdown, blocked rows, help) and the recovery help have no axe violations',
    async fn(env, shared) {
      const { context, page } = await newPage(shared.browser);
      await openDemo(page, env.base);
      await page.click('button[data-action="camera-start"]');
      await waitPrePrompt(page, 'camera');
      await page.click(choice('allow-once'));
      await page.waitForSelector('.card[data-capability="camera"][data-task="streaming"]');
      await page.click('button[data-action="camera-stop"]');
      await page.click('button[data-action="notifications-send"]');
      await waitPrePrompt(page, 'notifications');
      await page.click(choice('dont-allow'));
      await setPermission(page, 'microphone', 'denied');
      await waitBadge(page, 'microphone', 'denied');
      await waitPanelRow(page, 'camera', { state: 'granted', grant: 'one-time' });
      await waitPanelRow(page, 'notifications', { state: 'denied', reason: 'user' });
      await waitPanelRow(page, 'microphone', { state: 'denied', reason: 'browser' });
      expectNone(await axe(page, [CONTROLS]), 'in the controls panel');
      expectNone(await axe(page), 'on the page with granted and blocked states');

      await page.click(`${CONTROLS} button[data-action="help"][data-capability="microphone"]`);
      await page.waitForSelector(`${RECOVERY} dialog[open]`);
      expectNone(await axe(page, [RECOVERY]), 'in the recovery help');
      await dialogsReady(page);
      await page.keyboard.press('Escape');
      await page.waitForSelector(RECOVERY, { state: 'detached' });
      await context.close();
    },
  },

  {
    name: 'the combined pre-prompt (the demo\'s video call, and a task with an optional switch and entries not asked) has no axe violations',
    async fn(env, shared) {
      const { context, page } = await newPage(shared.browser);
      await openDemo(page, env.base);
      await page.click('button[data-action="call-start"]');
      await page.waitForSelector(`${PRE_PROMPT} dialog[open][data-capability="camera microphone"]`);
      expectNone(await axe(page, [PRE_PROMPT]), 'in the video call\'s pre-prompt');
      await page.click(choice('dismiss'));
      await page.waitForSelector(PRE_PROMPT, { state: 'detached' });
      // The UI module itself, as the runtime calls it, for what the demo has no task for.
      await page.evaluate(async () => {
        const ui = await (async () => { const [p, r] = await Promise.all([import('/src/ui/prompt.js'), import('/src/ui/recovery.js')]); return { en: { ...p.en, ...r.en }, prePrompt: p.prePrompt, recovery: r.recovery }; })();
        window.__task = ui.prePrompt({
          capabilities: [
            { name: 'camera', optional: false }, { name: 'microphone', optional: true },
            { name: 'geolocation', optional: true, state: 'granted' }, { name: 'notifications', optional: true, state: 'denied', reason: 'user' },
          ],
          lang: 'en', strings: ui.en,
        });
      });
      await page.waitForSelector(`${PRE_PROMPT} [role="switch"]`);
      expectNone(await axe(page, [PRE_PROMPT]), 'in a task\'s pre-prompt with a switch and entries not asked');
      await env.shot(page, '15-pre-prompt-task-optional.png');
      await dialogsReady(page);
      await page.keyboard.press('Escape');
      await context.close();
    },
  },

  {
    name: 'each recovery variant (browser, system, busy, policy, user, embargo, granted, prompt) has no axe violations',
    async fn(env, shared) {
      const { context, page } = await newPage(shared.browser);
      await openDemo(page, env.base);
      for (const [cause, more] of [
        ['browser', {}], ['system', { retry: true, capabilities: ['camera', 'microphone'] }], ['busy', { retry: true }],
        ['policy', {}], ['user', {}], ['embargo', {}], ['granted', {}], ['prompt', {}],
      ]) {
        await page.evaluate(async ({ cause, more }) => {
          const ui = await (async () => { const [p, r] = await Promise.all([import('/src/ui/prompt.js'), import('/src/ui/recovery.js')]); return { en: { ...p.en, ...r.en }, prePrompt: p.prePrompt, recovery: r.recovery }; })();
          ui.recovery({ capability: 'camera', cause, browser: 'chromium', lang: 'en', strings: ui.en, ...more });
        }, { cause, more });
        await page.waitForSelector(`${RECOVERY}[data-cause="${cause}"] dialog[open]`);
        expectNone(await axe(page, [RECOVERY]), `in the recovery help (${cause})`);
        if (cause === 'system') await env.shot(page, '16-recovery-system.png');
        await dialogsReady(page);
        await page.keyboard.press('Escape');
        await page.waitForSelector(RECOVERY, { state: 'detached' });
      }
      await context.close();
    },
  },

  {
    name: 'the in-use indicator (the demo\'s video call) has no axe violations',
    async fn(env, shared) {
      const { context, page } = await newPage(shared.browser);
      await openDemo(page, env.base);
      await page.click('button[data-action="call-start"]');
      await page.waitForSelector(`${PRE_PROMPT} dialog[open]`);
      await page.click(choice('allow-once'));
      const indicator = 'div[data-jit-permissions="indicator"]';
      await page.waitForSelector(`${indicator} [part~="indicator"]:not([hidden])`);
      expectNone(await axe(page, [indicator]), 'in the indicator');
      expectNone(await axe(page), 'on the page with the indicator shown');
      await page.click('button[data-action="call-end"]');
      await context.close();
    },
  },

  {
    name: 'at 320x256 (400% zoom) the first focus of the pre-prompt stays in view once its picture loads (its space is reserved)',
    async fn(env, shared) {
      const { context, page } = await newPage(shared.browser, { viewport: { width: 320, height: 256 } });
      // The picture arrives late, after focus has moved into the dialog (a URL of its own: the demo's card shows the
      // same picture, which the page would have loaded already).
      await page.route('**/img/camera.svg?late', async (route) => {
        await new Promise((r) => setTimeout(r, 800));
        await route.continue();
      });
      await openDemo(page, env.base);
      await page.evaluate(async () => {
        const ui = await (async () => { const [p, r] = await Promise.all([import('/src/ui/prompt.js'), import('/src/ui/recovery.js')]); return { en: { ...p.en, ...r.en }, prePrompt: p.prePrompt, recovery: r.recovery }; })();
        document.querySelector('button[data-action="camera-start"]').focus();
        window.__late = ui.prePrompt({
          capabilities: [{ name: 'camera', optional: false }], lang: 'en', strings: ui.en,
          title: 'Use your camera to take a profile photo?',
          reason: 'The camera is on only while you frame the photo and turns off as soon as you take it.',
          image: { src: 'img/camera.svg?late', alt: 'A camera viewfinder framing a smiling face' },
        });
      });
      await page.waitForSelector(`${PRE_PROMPT} dialog[open]`);
      const inView = () => page.$eval(PRE_PROMPT, (host) => {
        const root = host.shadowRoot;
        const f = root.activeElement.getBoundingClientRect();
        const d = root.querySelector('dialog').getBoundingClientRect();
        const img = root.querySelector('img[part~="image"]');
        return {
          focus: root.activeElement.dataset.choice, loaded: img.complete && img.naturalWidth > 0,
          visible: f.top >= Math.max(0, d.top) && f.bottom <= Math.min(innerHeight, d.bottom) && f.height > 0,
          rect: [Math.round(f.top), Math.round(f.bottom), Math.round(d.top), Math.round(d.bottom), innerHeight],
        };
      });
      const before = await inView();
      assert(!before.loaded, 'the picture had loaded already: the test cannot tell');
      assert(before.visible, `first focus out of view before the picture loads: ${JSON.stringify(before)}`);
      await until('the picture to load', async () => (await inView()).loaded);
      await page.waitForTimeout(100);
      const after = await inView();
      assertEqual(after.focus, 'allow-once', 'focus');
      assert(after.visible, `first focus out of view once the picture loaded: ${JSON.stringify(after)}`);
      await env.shot(page, '17-pre-prompt-320x256.png');
      await context.close();
    },
  },

  {
    name: 'under forced colours a button that does not apply (aria-disabled) looks disabled: GrayText, not ButtonText',
    async fn(env, shared) {
      const { context, page } = await newPage(shared.browser);
      await page.emulateMedia({ forcedColors: 'active' });
      await openDemo(page, env.base);
      await page.waitForSelector(`${CONTROLS} button[data-action="revoke"][aria-disabled="true"]`);
      const colours = await page.$eval(CONTROLS, (host) => {
        const system = (name) => {
          const probe = document.createElement('span');
          probe.style.color = name;
          document.body.append(probe);
          const value = getComputedStyle(probe).color;
          probe.remove();
          return value;
        };
        return {
          grey: system('GrayText'), text: system('ButtonText'), forced: matchMedia('(forced-colors: active)').matches,
          disabled: getComputedStyle(host.shadowRoot.querySelector('button[data-action="revoke"][aria-disabled="true"]')).color,
        };
      });
      assert(colours.forced, 'forced colours are not active');
      assert(colours.grey !== colours.text, `GrayText and ButtonText are the same here: ${JSON.stringify(colours)}`);
      assertEqual(colours.disabled, colours.grey, 'an aria-disabled button under forced colours');
      await context.close();
    },
  },
];
