// @ts-check
// The statuses as the controls panel and the in-use indicator read them (src/runtime/controls.js, inuse.js, each
// bundled with its view in the npm package): the four of the runtime, with what is in use, and a mounted view kept
// up to date with them until it is destroyed.
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

/**
 * Keeps `view` up to date with the statuses (at once, then on every update of the runtime) until its destroy().
 * @param {import('./dialogs.js').Dialogs} d
 * @param {{ update(statuses: import('../ui/panel.js').Status[]): void, destroy(): void }} view
 * @returns {{ destroy(): void }}
 */
export function follow(d, view) {
  const update = () => view.update(statuses(d.rt));
  d.rt.updates.add(update);
  update();
  return {
    destroy() {
      d.rt.updates.delete(update);
      view.destroy();
    },
  };
}
