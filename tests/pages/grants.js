// Helpers of the runtime pages (hidden, lifetimes, clock, storage, status): answering the library's pre-prompt and
// making a one-time grant through it, as a person would.
//
// Where the browser's own request succeeds without a person (see run.mjs "Browser set-up per engine"):
//   camera/microphone  Chromium: fake devices + --auto-accept-camera-and-microphone-capture (query() stays prompt);
//                      Firefox: fake streams, and its own prompt answered Allow by the runner (query() then says
//                      granted); WebKit: mock capture devices, the automation session lets getUserMedia through
//                      (query() says granted after the first getUserMedia of the page).
// So the library's one-time grant is reported granted from the evidence of the call (SPEC "States", rule 4) in
// Chromium, and from the browser's own granted state in Firefox and WebKit.
import { AssertionError, assertEqual, describe, note, outside, settle, skipNow, waitFor } from './harness.js';

export const PRE_PROMPT = 'div[data-jit-permissions="pre-prompt"]';

/**
 * Waits for the pre-prompt in `doc` and presses its `choice` button (allow-once, allow-always, dont-allow, dismiss)
 * with a real WebDriver click: only a person's (trusted) click counts, so a script click would be ignored. `doc` is
 * this document (visible or not) or the document of a window this page opened with a name.
 */
export async function choose(choice, { doc = document, timeout = 5000 } = {}) {
  const selector = `button[data-choice="${choice}"]`;
  const button = () => doc.querySelector(PRE_PROMPT)?.shadowRoot?.querySelector(selector) || null;
  if (!(await waitFor(button, timeout))) throw new AssertionError(`no pre-prompt with a '${choice}' button within ${timeout} ms`);
  const where = doc === document ? {} : { window: doc.defaultView.name };
  await outside('click', { host: PRE_PROMPT, selector, ...where });
  return 'WebDriver click';
}

/**
 * Makes a one-time grant of `name` through `p` (the controller of this page or of another page): request(), then
 * "Allow this time" in the pre-prompt of `doc`. A capability that is not at prompt first (granted by the browser
 * before any decision, SPEC rule 5, or left granted by an earlier test) is revoked first, so that the pre-prompt
 * shows. Where the browser's own request fails, the test is skipped with what the browser answered and what the
 * library reports instead. Resolves with the status.
 */
export async function grantOnce(p, name, { doc = document } = {}) {
  const before = await p.query({ name });
  if (before.state !== 'prompt') {
    if (before.state === 'granted' && before.grant === 'persistent') note(`${name} was granted by the browser before any decision (${JSON.stringify(before.toJSON())}): revoked first so that the pre-prompt shows`);
    await p.revoke({ name });
  }
  assertEqual(before.state, 'prompt', `${name} state before the request`);
  const pending = p.request({ name });
  await choose('allow-once', { doc });
  const status = await pending;
  if (status.state !== 'granted') {
    const win = doc.defaultView || window;
    const native = name === 'camera' || name === 'microphone'
      ? await settle(() => win.navigator.mediaDevices.getUserMedia(name === 'camera' ? { video: true } : { audio: true }))
      : { ok: true, value: 'not probed' };
    if (native.ok && native.value && native.value.getTracks) native.value.getTracks().forEach((t) => t.stop());
    skipNow(`this browser's own ${name} request does not succeed here (getUserMedia: ${native.ok ? 'resolves' : describe(native.error)}), `
      + `so "Allow this time" cannot become a grant the browser honours; the library reports ${JSON.stringify(status.toJSON())} (never granted without the browser)`);
  }
  assertEqual(status.grant, 'one-time', `${name} grant after "Allow this time"`);
  return status;
}

/** Audit events of a controller, collected from now on. */
export function auditLog(p) {
  const log = [];
  p.addEventListener('audit', (e) => log.push(e.detail));
  return log;
}

/** Change events of a status: the state read in each, in order; `seen.at` holds performance.now() of each. */
export function changeLog(status) {
  const seen = [];
  seen.at = [];
  status.addEventListener('change', () => { seen.at.push(performance.now()); seen.push(status.state); });
  return seen;
}
