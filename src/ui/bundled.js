// The Rust API's loader (src/web/rust_api.rs): what the runtime loads on first need, as the npm package's index.js
// does. wasm-bindgen copies every module the crate declares next to its glue (rust_api.rs declares the tasks, each UI
// of src/ui/, each of locales/*.js and the elements, never using them, so the glue does not import them at start);
// they are imported from beside this file when first needed. Should a locale be missing all the same, the UI speaks
// English.
/** @type {Record<string, () => Promise<unknown>>} */
const VIEWS = {
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
 * @param {Parameters<typeof import('../elements/elements.js').defineElements>[0]} runtime
 */
export function defineElements(runtime) {
  return import('../elements/elements.js').then((m) => m.defineElements(runtime));
}

const NAMES = ['camera', 'microphone', 'geolocation', 'notifications'];
const FIELDS = ['state', 'grant', 'expiresAt', 'reason', 'lastDecision', 'decidedAt'];

/**
 * Patch mode for the Rust API (`InstallOptions::patch`), as the npm package's `patch: true`: `navigator.permissions
 * .query()` answers for the gated names with a status of `runtime` (a `PermissionStatus` by its prototype chain, with
 * `change` events and the library's extra fields); other names, and a query on another object, go to the browser.
 * The query is replaced where the interface defines it (Permissions.prototype), as a method named `query`.
 */
export function patch(runtime) {
  const permissions = globalThis.navigator && navigator.permissions;
  const proto = typeof Permissions === 'function' ? Permissions.prototype : null;
  if (!permissions || !proto || typeof proto.query !== 'function') return false;
  const original = proto.query;
  // The statuses handed out that have `change` listeners, by capability (one without is left to the collector).
  const held = NAMES.map(() => new Set());
  const first = runtime.hooks;
  runtime.hooks = {
    status: (i, s, changed) => {
      first.status(i, s, changed);
      if (changed) for (const status of held[i]) queueMicrotask(() => status.dispatchEvent(new Event('change')));
    },
    audit: (r) => first.audit(r),
  };
  const read = (i) => { runtime.check(); return runtime.status(i); };
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
  const replacement = {
    query(descriptor) {
      const i = this === permissions && descriptor && typeof descriptor === 'object' ? NAMES.indexOf(descriptor.name) : -1;
      return i < 0 ? original.call(this, descriptor) : Promise.resolve(new JitStatus(i));
    },
  }.query;
  Object.defineProperty(proto, 'query', { ...Object.getOwnPropertyDescriptor(proto, 'query'), value: replacement });
  return true;
}
