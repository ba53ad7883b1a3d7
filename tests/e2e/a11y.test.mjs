// Accessibility: axe-core (WCAG 2 A/AA and best practices) on the demo page, the open pre-prompt, the
// controls panel and the recovery help, open shadow roots included, expecting no violation.
//
// axe's source is evaluated through `page.evaluate` (see lib.mjs `axe`), which runs outside the page's
// CSP, so the page is checked under its real, strict policy; `bypassCSP` is not needed.
import {
  CONTROLS, MEDIA_ARGS, PRE_PROMPT, RECOVERY, assert, axe, choice, formatViolations, launch, newPage, openDemo,
  setPermission, waitBadge, waitPanelRow, waitPrePrompt,
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
      await page.keyboard.press('Escape');
      await page.waitForSelector(RECOVERY, { state: 'detached' });
      await context.close();
    },
  },
];
