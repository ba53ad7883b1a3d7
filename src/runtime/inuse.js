// @ts-check
// The in-use indicator's side of the tasks (install({ indicator }), indicator(element); src/runtime/dialogs.js starts
// it once something is in use): the indicator (src/ui/indicator.js) mounted with its strings and following every
// update of the statuses. Loaded with its view: in the npm package the two are the chunk indicator.js.
import { follow } from './statuses.js';
import { en, indicator as view } from '../ui/indicator.js';

/**
 * Mounts the indicator at the end of `element` (floating when null); resolves once it shows, with its destroy().
 * @param {import('./dialogs.js').Dialogs} d
 * @param {Element | null} element
 * @returns {Promise<{ destroy(): void }>}
 */
export async function mount(d, element) {
  return follow(d, view(element, d.view(await d.strings(en))));
}
