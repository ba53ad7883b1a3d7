// @ts-check
// The recovery help of jit-permissions: what blocks a capability and the way back (the browser's site setting with
// its steps for this browser, the operating system's privacy setting, the device busy elsewhere, the frame's policy,
// the person's own Don't allow or a pause, with Reset), and help(descriptor)'s answer for any state. Loaded on first
// need (src/runtime/dialogs.js loads it through the runtime's loader), after the tasks; the shared helpers come from
// dom.js (in the npm package, from tasks.js, which holds them). The rules it keeps are dom.js's.
//
// recovery(request) -> { closed: Promise<'retry' | 'reset' | undefined>, close() }
//   request                  a view (dom.js: lang, strings, headingLevel) and:
//   request.capability       the capability (or request.capabilities: several, e.g. a video call's two)
//   request.cause            what applies: 'browser' (the browser's site setting: its steps for this browser),
//                            'system' (the operating system's privacy setting: the steps for macOS, Windows or
//                            another system), 'busy' (the device is in use elsewhere), 'policy' (the frame may not
//                            use it), 'user' (the person's Don't allow), 'embargo' (paused after dismissals),
//                            'granted' (nothing blocks it), 'prompt' (the site will ask)
//   request.browser          'chromium', 'firefox', 'safari' or 'other' (for 'browser')
//   request.retry            offer "Try again" (a gated call that can try the device again: 'system', 'busy')
//   closed                   'retry' (Try again), 'reset' (Reset, offered for 'user' and 'embargo'), or undefined
//                            (Close, Esc, backdrop, or close() called: the runtime does once it is unblocked)
import { Modal, el, fill, icon, list } from './dom.js';

/**
 * @typedef {import('./dom.js').View & { capability?: string, capabilities?: string[], cause?: string,
 *   browser?: string, retry?: boolean }} RecoveryRequest
 */
/** @typedef {{ closed: Promise<'retry' | 'reset' | undefined>, close(): void }} RecoveryView */

/** The recovery help's own English strings (prompt.js has those every UI shares). */
const en = {
  cameraBlocked: 'Your browser blocks the camera for this site',
  microphoneBlocked: 'Your browser blocks the microphone for this site',
  geolocationBlocked: 'Your browser blocks your location for this site',
  notificationsBlocked: 'Your browser blocks notifications for this site',
  recoveryIntro: 'To allow it again:',
  stepsChromium: 'Click the site information icon to the left of the address bar.\nTurn on “{name}”, or set it to “Allow”.\nReload the page if your browser asks you to.',
  stepsFirefox: 'Click the crossed-out permission icon (or the padlock) in the address bar.\nNext to “{name}”, click × to clear the block.\nReload the page and try again.',
  stepsSafari: 'In the menu bar, choose Safari > Settings, then click Websites.\nSelect “{name}” in the list on the left.\nSet this website to “Allow”.\nReload the page.',
  stepsOther: 'Open your browser’s settings for this site (often through the icon next to the address).\nAllow “{name}”.\nReload the page.',
  systemTitle: 'Your device blocks the {names} for your browser',
  systemIntro: 'Your browser may use it only when your device’s privacy settings allow it. To allow it:',
  stepsMac: 'Open the Apple menu > System Settings > Privacy & Security.\nClick “{name}” and turn on your browser.\nIf your browser asks, quit it and open it again.',
  stepsWindows: 'Open Start > Settings > Privacy & security.\nClick “{name}”, then turn on “{name} access” and “Let desktop apps access your {noun}”.\nIf it still fails, restart your browser.',
  stepsDevice: 'Open your device’s privacy or security settings.\nAllow your browser to use the {noun}.\nIf it still fails, restart your browser.',
  busyTitle: 'Another app is using the {names}',
  busyIntro: 'This site cannot start it while another app or browser tab uses it. To use it here:',
  stepsBusy: 'Close or pause the other app or tab that uses it, for example a video call.\nChoose “Try again”.',
  retry: 'Try again',
  policyTitle: 'The {names} cannot be used in this part of the page',
  policyText: 'This part of the page comes from another site, and the page does not allow it to use this. Only the site’s owner can change that.',
  userTitle: 'You chose “Don’t allow” for the {names}',
  userText: 'So this site does not ask you again. To let it ask again, reset your choice.',
  embargoTitle: 'This site stopped asking for the {names} for now',
  embargoText: 'You closed its question several times, so it pauses for a while. To let it ask again now, reset your choice.',
  grantedTitle: 'This site may use the {names}',
  grantedText: 'Nothing blocks it: you allowed it. You can take it back at any time in this site’s permission controls.',
  promptTitle: 'This site asks before it uses the {names}',
  promptText: 'Nothing blocks it: when a task needs it, the site asks you first, and you choose.',
};
export { en };

const CSS = '.jp-steps{margin:0;padding-inline-start:1.5rem;display:grid;gap:.5rem}';

/** The strings key of each browser family's steps, and of each operating system's. @type {Record<string, string>} */
const STEPS = { chromium: 'stepsChromium', firefox: 'stepsFirefox', safari: 'stepsSafari', other: 'stepsOther' };
const SYSTEM_STEPS = { mac: 'stepsMac', windows: 'stepsWindows', other: 'stepsDevice' };

/** The operating system, for the steps of the `system` cause. */
function os() {
  const n = /** @type {Navigator & { userAgentData?: { platform?: string } }} */ (navigator);
  const p = `${n.userAgentData?.platform || ''} ${n.platform || ''} ${n.userAgent || ''}`;
  if (/iP(hone|ad|od)/.test(p) || (/Mac/.test(p) && n.maxTouchPoints > 1)) return 'other';
  return /Mac/.test(p) ? 'mac' : /Win/.test(p) ? 'windows' : 'other';
}

/**
 * Shows what blocks a capability and the way back (see the top of this file). DOM: `<div
 * data-jit-permissions="recovery" data-cause>` with the same dialog as the pre-prompt, the icon crossed out while
 * something blocks it, an `<ol id="jp-steps" part="steps">` of `<li part="step">` (in the dialog's description),
 * and `<button data-action="retry" part="button retry">`, `data-action="reset"` (`part="button reset"`) and
 * `<button data-action="close" part="button close">`.
 * @param {RecoveryRequest} request
 * @returns {RecoveryView}
 */
export function recovery(request) {
  const { cause = 'browser', browser, retry, lang, strings: s } = request;
  const caps = request.capabilities || [request.capability || ''];
  const m = new Modal('recovery', caps, request, CSS);
  m.host.setAttribute('data-cause', cause);
  const blocked = cause !== 'granted' && cause !== 'prompt';
  const icons = el(m.body, 'div', { class: 'jp-icons', part: 'icons' });
  for (const cap of caps) icon(icons, cap, blocked);
  /** @param {string} key */
  const or = (key) => fill(s[key], { names: list(caps.map((c) => s[`${c}Noun`]), lang, 'disjunction') });
  // Title, description and steps of each cause.
  /** @type {Record<string, string[]>} */
  const texts = {
    browser: [s[`${caps[0]}Blocked`], s.recoveryIntro, s[STEPS[browser || ''] || STEPS.other]],
    system: [or('systemTitle'), s.systemIntro, s[SYSTEM_STEPS[os()]]],
    busy: [or('busyTitle'), s.busyIntro, s.stepsBusy],
  };
  const [title, intro, steps] = texts[cause] || [or(`${cause}Title`), s[`${cause}Text`]];
  m.heading(title, intro);
  if (steps) {
    m.dialog.setAttribute('aria-describedby', 'jp-reason jp-steps');
    const ol = el(m.body, 'ol', { id: 'jp-steps', class: 'jp-steps', part: 'steps' });
    for (const step of String(steps).split('\n')) {
      if (!step.trim()) continue;
      // A step that names the capability is one step for each.
      for (const cap of /\{(name|noun)\}/.test(step) ? caps : [caps[0]]) {
        el(ol, 'li', { part: 'step' }, fill(step, { name: s[`${cap}Name`], noun: s[`${cap}Noun`] }));
      }
    }
  }
  const actions = el(m.body, 'div', { class: 'jp-choices', part: 'choices' });
  if (retry && (cause === 'busy' || cause === 'system')) m.button(actions, 'data-action', 'retry', s.retry);
  if (cause === 'user' || cause === 'embargo') m.button(actions, 'data-action', 'reset', s.reset);
  m.button(actions, 'data-action', 'close', s.close);
  const closed = m.show(/** @type {HTMLElement} */ (actions.firstChild)).then((a) => (a === 'retry' || a === 'reset' ? a : undefined));
  return { closed, close: () => m.settle('dismiss') };
}
