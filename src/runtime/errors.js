// @ts-check
// The error contract of the gated calls (src/runtime/tasks.js): every refusal a NotAllowedError with a machine-readable
// `reason`, and what a failed call of the browser's proves, as the engine reads the error. Part of the tasks (loaded
// with them, on first need).
import { NAMES, REFUSALS, REFUSE_BROWSER } from './codes.js';
import { caps } from './runtime.js';

/** @typedef {DOMException & { reason: string }} Refusal */

/**
 * A NotAllowedError DOMException with its `reason` (dismissed, user, embargo, browser, system, policy).
 * @param {number} mask the capabilities refused
 * @param {number} why the refusal's code (REFUSALS)
 * @param {string} [detail] the browser's own message, if any
 * @returns {Refusal}
 */
export function notAllowed(mask, why, detail) {
  const what = caps(mask).map((/** @type {number} */ i) => NAMES[i]).join(' or ');
  const text = [' was not allowed: the prompt was dismissed', ' was not allowed: the person chose Don\'t allow',
    ' is paused after repeated dismissals (embargo)', ' is blocked in the browser\'s settings',
    ' is blocked by the operating system\'s privacy settings', ' is not allowed in this frame by its Permissions Policy'][why];
  const e = new DOMException(`jit-permissions: ${what}${text}${detail ? ` (${detail})` : ''}`, 'NotAllowedError');
  Object.defineProperty(e, 'reason', { value: REFUSALS[why], enumerable: true });
  return /** @type {Refusal} */ (e);
}

/**
 * What a failed getUserMedia proves, as the engine reads the error (`[outcome, refusal]`, NaN where it proves
 * nothing), and what blocks access, if anything outside the site does (the cause of a `blocked` audit): the
 * browser's or the system's setting (the engine's refusal), the device in use elsewhere (`busy`), or no device
 * (`no-device`; errors that are no refusal, passed through).
 * @param {{ failedCall(name: string, message: string, asked: number): ArrayLike<number> }} engine
 * @param {unknown} e the error the browser rejected with
 * @param {number} asked how many capabilities the call asked for
 * @returns {[number, number, string | null]}
 */
export function failed(engine, e, asked) {
  const err = /** @type {{ name?: unknown, message?: unknown } | null | undefined} */ (e);
  const name = String(err && err.name);
  const read = engine.failedCall(name, String(err && err.message), asked);
  const outcome = read[0], refusal = read[1];
  const block = refusal >= REFUSE_BROWSER ? REFUSALS[refusal]
    : /^(NotReadable|TrackStart)Error$/.test(name) ? 'busy' : /^(Devices)?NotFoundError$/.test(name) ? 'no-device' : null;
  return [outcome, refusal, block];
}
