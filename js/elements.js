// The npm entry `jit-permissions/elements`: importing it registers <jit-geolocation> and <jit-usermedia>
// (src/elements/elements.js; a name the page already defined is left alone). A separate entry, so that a page that
// does not use the elements never fetches them. The elements share the page's controller: install() is idempotent,
// so a page that installed with its own options (during its load, before the elements first need the runtime) has
// them use those.
import { install } from './index.js';
import { defineElements } from '../src/elements/elements.js';

/** The classes registered as `jit-geolocation` and `jit-usermedia` (undefined where there is no browser). */
export const { JitGeolocationElement, JitUserMediaElement } = defineElements(
  () => install().then((permissions) => permissions[Symbol.for('jit-permissions.runtime')]),
);
