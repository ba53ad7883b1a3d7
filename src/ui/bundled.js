// @ts-check
// The Rust API's loader (src/web/rust_api.rs): what the runtime loads on first need, as the npm package's index.js
// does. wasm-bindgen copies every module the crate declares next to its glue (rust_api.rs declares the tasks, each UI
// of src/ui/, each of locales/*.js and the elements, never using them, so the glue does not import them at start);
// they are imported from beside this file when first needed. Should a locale be missing all the same, the UI speaks
// English.
import { bounded, patch, patchList } from '../runtime/patch.js';
import { NAMES } from '../runtime/codes.js';
import { JitPermissionStatus } from '../runtime/status.js';

/** @typedef {import('../runtime/runtime.js').Hooks} Hooks */
/** @typedef {import('../runtime/runtime.js').PageRuntime} PageRuntime */
/** @typedef {import('../runtime/options.js').Options} Options */
/** @typedef {import('../runtime/patch.js').Kind} Kind */

/** @type {Record<string, () => Promise<unknown>>} */
const VIEWS = {
  chip: () => import('./chip.js'),
  recovery: () => import('../runtime/help.js'),
  panel: () => import('../runtime/controls.js'),
  indicator: () => import('../runtime/inuse.js'),
};

export const loader = {
  tasks: () => import('../runtime/tasks.js'),
  /** @param {string} name */
  view: (name) => (VIEWS[name] ? VIEWS[name]() : Promise.reject(new Error(`jit-permissions: no ${name} in the Rust API`))),
  /** @param {string} tag */
  locale: (tag) => (tag === 'en' ? Promise.resolve() : import(`./locales/${tag}.js`).catch(() => undefined)),
};

/**
 * A console warning (a second install() with other options).
 * @param {string} message
 */
export function warn(message) {
  console.warn(message);
}

/**
 * The capability elements for the Rust API (`Permissions::define_elements`): src/elements/elements.js, written beside
 * this folder by wasm-bindgen (rust_api.rs declares it), imported on first use and registered with `runtime`.
 * @param {PageRuntime} runtime
 */
export function defineElements(runtime) {
  // Joined to a runtime another installer on the page made (the npm package's), `runtime` is that runtime's facade,
  // which cannot record what an element's click decides: the elements are then the first installer's to define.
  if (typeof /** @type {{ tasks?: unknown }} */ (runtime).tasks !== 'function') {
    console.warn('jit-permissions: define_elements() on a page whose runtime another installer made: define the elements from that installer (the npm entry jit-permissions/elements)');
    return Promise.resolve({});
  }
  const rt = /** @type {import('../elements/shared.js').Runtime} */ (/** @type {unknown} */ (runtime));
  return import('../elements/elements.js').then((m) => m.defineElements(rt));
}

/** The runtime, once started: patched calls made before wait for it; a start that failed rejects them. */
let started = deferred();
/** The statuses the patched query handed out that have `change` listeners, by capability (one without is left to
 * the collector). */
/** @type {Set<JitPermissionStatus>[]} */
const held = NAMES.map(() => new Set());

/** @returns {{ promise: Promise<PageRuntime>, resolve(runtime: PageRuntime): void, reject(error: unknown): void }} */
function deferred() {
  /** @type {(runtime: PageRuntime) => void} */
  let resolve = () => {};
  /** @type {(error: unknown) => void} */
  let reject = () => {};
  const promise = new Promise((a, b) => { resolve = a; reject = b; });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/**
 * Patch mode for the Rust API (`InstallOptions::patch`), the same whole-page polyfill as the npm package's
 * `patch: true` (src/runtime/patch.js): the platform's functions are replaced before the runtime is created (the
 * runtime keeps the originals from `parsed.natives`), and a call made before it has started waits for it. The
 * query answers for the gated names with a status of the runtime (a `PermissionStatus` by its prototype chain, with
 * `change` events and the library's extra fields), bounded by the browser's own answer for a descriptor with
 * members beyond `name` (patch.js `bounded`); the other calls run through the runtime's gated calls. Returns the
 * hooks to create the runtime with: `hooks`, and the `change` events of the statuses handed out.
 * @param {Options} parsed what parseOptions() gave; its `natives` are set here
 * @param {Hooks} hooks
 * @returns {Hooks}
 */
export function patchPage(parsed, hooks) {
  const natives = parsed.natives = patch(/** @type {Kind[]} */ (patchList(true)), (kind, self, a, ctx) => started.promise.then((runtime) => {
    if (kind !== 'query' || self !== navigator.permissions) return runtime.polyfill(kind, self, a, ctx);
    const descriptor = /** @type {{ name?: unknown } | null} */ (a[0]);
    const i = descriptor !== null && typeof descriptor === 'object' ? /** @type {readonly string[]} */ (NAMES).indexOf(String(descriptor.name)) : -1;
    const query = /** @type {Permissions['query']} */ (natives.query);
    return i < 0 ? query.apply(self, /** @type {[PermissionDescriptor]} */ (a)) : bounded(Promise.resolve(/** @type {JitPermissionStatus & { state: PermissionState }} */ (new JitPermissionStatus(owner, i))), descriptor);
  }));
  return {
    status: (i, s, changed) => {
      hooks.status(i, s, changed);
      if (changed) for (const status of held[i]) queueMicrotask(() => status._fire());
    },
    audit: (r) => hooks.audit(r),
  };
}

/**
 * The runtime has started (patched calls go ahead), or failed to start with `error` (they reject).
 * @param {PageRuntime | null | undefined} runtime
 * @param {unknown} [error]
 */
export function attach(runtime, error) {
  if (error === undefined && runtime) started.resolve((current = runtime));
  else { started.reject(error); started = deferred(); }
}

/** The runtime the patched query reads (set when it has started). */
/** @type {PageRuntime | null} */
let current = null;

/** The owner of the statuses the patched query hands out: reads the runtime (after its clock check), holds those
 * with listeners. @type {import('../runtime/status.js').Owner} */
const owner = {
  _read: (i) => { const rt = /** @type {PageRuntime} */ (current); rt.check(); return rt.status(i); },
  _hold: (i, status, keep) => { if (keep) held[i].add(status); else held[i].delete(status); },
};
