// The Rust API's loader (src/web/rust_api.rs): what the runtime loads on first need, as the npm package's index.js
// does. wasm-bindgen copies every module the crate declares next to its glue (rust_api.rs declares tasks.js, ui.js,
// each of locales/*.js and the elements, never using them, so the glue does not import them at start); they are
// imported from beside this file when first needed. Should a locale be missing all the same, the UI speaks English.
import { bounded, patch, patchList } from '../runtime/patch.js';

export const loader = {
  tasks: () => import('../runtime/tasks.js'),
  load(tag) {
    const strings = tag === 'en' ? undefined : import(`./locales/${tag}.js`).then((m) => m.default, () => undefined);
    const loading = Promise.all([import('./ui.js').then((m) => m.ui), strings]);
    // Loading early is a guess that a dialog will follow; the runtime awaits it when one does.
    loading.catch(() => {});
    return loading;
  },
};

/** A console warning (a second install() with other options). */
export function warn(message) {
  console.warn(message);
}

/**
 * The capability elements for the Rust API (`Permissions::define_elements`): src/elements/elements.js, written beside
 * this folder by wasm-bindgen (rust_api.rs declares it), imported on first use and registered with `runtime`.
 */
export function defineElements(runtime) {
  return import('../elements/elements.js').then((m) => m.defineElements(runtime));
}

const NAMES = ['camera', 'microphone', 'geolocation', 'notifications'];
const FIELDS = ['state', 'grant', 'expiresAt', 'reason', 'lastDecision', 'decidedAt'];

/** The runtime, once started: patched calls made before wait for it; a start that failed rejects them. */
let started = deferred();
/** The statuses the patched query handed out that have `change` listeners, by capability (one without is left to
 * the collector). */
const held = NAMES.map(() => new Set());

function deferred() {
  let resolve, reject;
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
 */
export function patchPage(parsed, hooks) {
  const natives = parsed.natives = patch(patchList(true), (kind, self, a, ctx) => started.promise.then((runtime) => {
    if (kind !== 'query' || self !== navigator.permissions) return runtime.polyfill(kind, self, a, ctx);
    const descriptor = a[0];
    const i = descriptor !== null && typeof descriptor === 'object' ? NAMES.indexOf(descriptor.name) : -1;
    return i < 0 ? natives.query.apply(self, a) : bounded(Promise.resolve(new JitStatus(i)), descriptor);
  }));
  return {
    status: (i, s, changed) => {
      hooks.status(i, s, changed);
      if (changed) for (const status of held[i]) queueMicrotask(() => status.dispatchEvent(new Event('change')));
    },
    audit: (r) => hooks.audit(r),
  };
}

/** The runtime has started (patched calls go ahead), or failed to start with `error` (they reject). */
export function attach(runtime, error) {
  if (error === undefined) started.resolve((current = runtime));
  else { started.reject(error); started = deferred(); }
}

/** The runtime the patched query reads (set when it has started). */
let current = null;

const read = (i) => { current.check(); return current.status(i); };

/** A status the patched query hands out: an EventTarget whose prototype chain goes through PermissionStatus. */
class JitStatus extends EventTarget {
  #i;
  #onchange = null;
  #listeners = 0;
  constructor(i) { super(); this.#i = i; }
  get name() { return NAMES[this.#i]; }
  get onchange() { return this.#onchange; }
  set onchange(f) {
    if (this.#onchange) this.removeEventListener('change', this.#onchange);
    this.#onchange = typeof f === 'function' ? f : null;
    if (this.#onchange) this.addEventListener('change', this.#onchange);
  }
  addEventListener(type, f, o) {
    super.addEventListener(type, f, o);
    if (type === 'change' && f && ++this.#listeners) held[this.#i].add(this);
  }
  removeEventListener(type, f, o) {
    super.removeEventListener(type, f, o);
    if (type === 'change' && f && --this.#listeners <= 0) { this.#listeners = 0; held[this.#i].delete(this); }
  }
  toJSON() { return { name: this.name, ...read(this.#i) }; }
}
for (const f of FIELDS) Object.defineProperty(JitStatus.prototype, f, { get() { return read(NAMES.indexOf(this.name))[f]; } });
if (typeof PermissionStatus === 'function' && PermissionStatus.prototype instanceof EventTarget) {
  Object.setPrototypeOf(JitStatus.prototype, PermissionStatus.prototype);
}
