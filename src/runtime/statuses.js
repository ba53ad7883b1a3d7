// @ts-check
// The statuses as the controls panel and the in-use indicator read them (src/runtime/controls.js, inuse.js, each
// bundled with its view in the npm package): the four of the runtime, with what is in use.
import { NAMES } from './codes.js';

/**
 * The four statuses, with what is in use (in any page of the origin, in this one).
 * @param {import('./dialogs.js').Rt} rt
 * @returns {import('../ui/panel.js').Status[]}
 */
export function statuses(rt) {
  const { engine } = rt;
  return NAMES.map((name, i) => ({ name, ...rt.status(i), inUse: engine.inUse(i, true), inUseHere: engine.inUse(i, false) }));
}
