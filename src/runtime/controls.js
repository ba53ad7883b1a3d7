// @ts-check
// The controls panel's side of the tasks (controls(element), src/runtime/dialogs.js): the panel (src/ui/panel.js)
// mounted with its strings, its buttons' actions (Revoke, Reset, How to unblock) and every update of the statuses.
// Loaded with its view when first shown: in the npm package the two are the chunk panel.js.
import { NAMES } from './codes.js';
import { statuses } from './statuses.js';
import { en, panel } from '../ui/panel.js';

/**
 * Mounts the panel at the end of `element`; resolves once it shows, with its destroy().
 * @param {import('./dialogs.js').Dialogs} d
 * @param {Element} element
 * @returns {Promise<{ destroy(): void }>}
 */
export async function mount(d, element) {
  const view = panel(element, {
    revoke: (name) => d.rt.revoke(/** @type {readonly string[]} */ (NAMES).indexOf(name)),
    reset: (name) => d.rt.reset(/** @type {readonly string[]} */ (NAMES).indexOf(name)),
    help: (name) => { d.help(/** @type {readonly string[]} */ (NAMES).indexOf(name)); },
    now: () => d.rt.now(),
  }, d.view(await d.strings(en)));
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
