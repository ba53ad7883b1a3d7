// @ts-check
// The controls panel's side of the tasks (controls(element), src/runtime/dialogs.js): the panel (src/ui/panel.js)
// mounted with its strings, its buttons' actions (Revoke, Reset, How to unblock) and every update of the statuses.
// Loaded with its view when first shown: in the npm package the two are the chunk panel.js.
import { NAMES } from './codes.js';
import { follow } from './statuses.js';
import { en, panel } from '../ui/panel.js';

/**
 * Mounts the panel at the end of `element`; resolves once it shows, with its destroy().
 * @param {import('./dialogs.js').Dialogs} d
 * @param {Element} element
 * @returns {Promise<{ destroy(): void }>}
 */
export async function mount(d, element) {
  /** @param {string} name */
  const index = (name) => /** @type {readonly string[]} */ (NAMES).indexOf(name);
  const view = panel(element, {
    revoke: (name) => d.rt.revoke(index(name)),
    reset: (name) => d.rt.reset(index(name)),
    help: (name) => { d.help(index(name)); },
    now: () => d.rt.now(),
  }, d.view(await d.strings(en)));
  return follow(d, view);
}
