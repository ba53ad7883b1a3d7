// @ts-check
// The recovery help's side of the tasks: what a gated call shows when the browser, the system or a busy device blocks
// it, and help(descriptor)'s answer, at their turn in the queue of dialogs (src/runtime/dialogs.js). Loaded with its
// view (src/ui/recovery.js) when first shown: in the npm package the two are the chunk recovery.js.
import { NAMES, RESET } from './codes.js';
import { caps } from './runtime.js';
import { en, recovery } from '../ui/recovery.js';

/** The browser family, for the recovery help's steps. */
function browserFamily() {
  const ua = (globalThis.navigator && navigator.userAgent) || '';
  if (/Firefox\/|FxiOS\//.test(ua)) return 'firefox';
  if (/Chrome\/|Chromium\/|CriOS\/|Edg|OPR\//.test(ua)) return 'chromium';
  if (/Safari\/|AppleWebKit\//.test(ua)) return 'safari';
  return 'other';
}

/**
 * Shows the recovery help (src/ui/recovery.js) for the capabilities `mask` at the queue's turn (dialogs.js), and
 * re-checks while it is open when the browser or the system blocks them (it closes once the person unblocks them).
 * @param {import('./dialogs.js').Dialogs} d
 * @param {number} mask
 * @param {string} [cause]
 * @param {boolean} [retry]
 * @returns {Promise<'retry' | 'reset' | undefined>}
 */
export async function showRecovery(d, mask, cause, retry = false) {
  const i = caps(mask)[0];
  /** @param {Omit<import('../ui/panel.js').Status, 'name'>} s */
  const blocked = (s) => s.state === 'denied' && (s.reason === 'browser' || s.reason === 'system');
  // From a gated call, a block the browser reports is shown only while it applies, and re-checked while open.
  const watch = cause === 'browser' || cause === 'system';
  const s = d.rt.status(i);
  if (!cause) cause = s.state === 'denied' ? s.reason || 'browser' : s.state;
  else if (watch && !blocked(s)) return;
  let view;
  try {
    const strings = await d.strings(en);
    view = recovery(d.view(strings, {
      capability: NAMES[i], capabilities: caps(mask).map((c) => NAMES[c]), cause, browser: browserFamily(), retry,
    }));
  } catch { return; }
  // Re-checks while open (on visibility and focus too), and closes once the person unblocked it.
  const timer = watch ? setInterval(() => {
    d.rt.recheck();
    if (!blocked(d.rt.status(i))) view.close();
  }, 1000) : undefined;
  let answer;
  try { answer = await view.closed; } finally { clearInterval(timer); }
  // Reset, offered after the person's own Don't allow or a pause: the site may ask again.
  if (answer === 'reset') d.rt.inputs(caps(mask).map((c) => [RESET, c]));
  return answer;
}

