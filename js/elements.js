// @ts-check
// The npm entry `jit-permissions/elements`: importing it registers <jit-geolocation>, <jit-usermedia>, <jit-camera>
// and <jit-microphone> (src/elements/elements.js; a name the page already defined is left alone). A separate entry,
// so that a page that does not use the elements never fetches them. The elements share the page's controller:
// install() is idempotent, so a page that installed with its own options (during its load, before the elements first
// need the runtime) has them use those.
//
// The runtime reaches the elements one way only: the controller imports this very module itself (./index.js
// imports './elements.js') and hands its runtime to connect(). Nothing the page can reach returns the runtime, so no
// script records a decision with it; a script that calls connect() itself only gives its elements a runtime of its
// own (the first one given is kept).
import { install } from './index.js';
import { defineElements } from '../src/elements/elements.js';

/** @typedef {import('../src/elements/shared.js').Runtime} Runtime */

/** @type {(runtime: Runtime) => void} */
let give = () => {};
/** @type {Promise<Runtime>} */
const given = new Promise((resolve) => { give = resolve; });

/** Receives the runtime from ./index.js. Not a public API. @param {Runtime} runtime */
export function connect(runtime) {
  // Joined to a runtime the Rust API made first, the controller's runtime is that runtime's facade, which cannot
  // record what an element's click decides: the elements are then that installer's to define.
  if (typeof runtime.tasks !== 'function') console.warn('jit-permissions: the elements run on the first installer of the page (Permissions::define_elements)');
  else give(runtime);
}

/** The classes registered as `jit-geolocation`, `jit-usermedia`, `jit-camera`, `jit-microphone` (undefined where there is no browser). */
export const { JitGeolocationElement, JitUserMediaElement, JitCameraElement, JitMicrophoneElement } = defineElements(
  () => install().then((permissions) => {
    /** @type {any} */ (permissions)[Symbol.for('jit-permissions.elements')]();
    return given;
  }),
);
