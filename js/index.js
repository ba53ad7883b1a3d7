// @ts-check
// The ES module entry of jit-permissions: what Rust cannot give JS. The status objects are real
// EventTargets (an exported Rust struct cannot extend EventTarget); everything they report comes
// from the wasm runtime through one hook. No bundler needed: the wasm is found via import.meta.url.
//
// What loads when: this file first, with the wasm-bindgen glue (bundled into it by scripts/build.sh); as soon as it
// is evaluated, the wasm (downloaded and compiled while the rest of the page starts, not when install() is called);
// the tasks with
// the pre-prompt (./tasks.js) on the first gated call; the recovery help, the controls panel, the in-use indicator,
// the chip (./recovery.js, ./panel.js, ./indicator.js, ./chip.js) and a non-English locale (./locales/xx.js) each
// only when first needed; the whole-page polyfill's calls (./patch.js) on the first call patch mode makes.
// All of them by import() or fetch(), which a bundler emits as separate chunks and assets.
//
// Types: the public ones are index.d.ts (which `import('./index.js')` in JSDoc reads); tests/types/exports.ts holds
// this file's exports against them, so the published types cannot drift from what the code does.
import { NAMES, classify, createRuntime, gated, parseOptions, promptContent } from './runtime.js';
import { JitPermissionsEngine as Engine, initSync } from './jit_permissions.js';
import { bounded, patch, patchList } from './patch.js';
import { Base, JitPermissionStatus } from './status.js';

export { JitPermissionStatus };

/** @typedef {import('./index.js').InstallOptions} InstallOptions */
/** @typedef {import('./index.js').PromptContent} PromptContent */
/** @typedef {import('./index.js').GatedPermissionDescriptor} GatedPermissionDescriptor */
/** @typedef {import('./index.js').TaskPermissionDescriptor} TaskPermissionDescriptor */
/** @typedef {import('./index.js').JitPermissionSnapshot} JitPermissionSnapshot */
/** @typedef {import('./index.js').ControlsHandle} ControlsHandle */
/** @typedef {import('./index.js').Refusal} Refusal */
/** @typedef {import('./runtime.js').PageRuntime} PageRuntime */
/** @typedef {import('./runtime.js').Status} Status */
/** @typedef {import('./runtime.js').Loader} Loader */
/** @typedef {import('./runtime.js').View} View */
/** @typedef {import('./patch.js').Natives} Natives */

const WASM = new URL('jit_permissions_bg.wasm', import.meta.url);

// Only in a page: importing the package where there is no document (server-side rendering, tests in Node)
// fetches nothing. A failure here is not final: install() then loads the wasm the plain way.
const compiling = typeof document !== 'undefined' && typeof WebAssembly === 'object'
  && typeof WebAssembly.compileStreaming === 'function'
  ? WebAssembly.compileStreaming(fetch(WASM)).catch(() => null)
  : null;

/**
 * What the runtime loads on first need besides the tasks, by name: the strings of the built-in locales other than
 * English, and the UIs other than the pre-prompt (which tasks.js holds, with the tasks).
 */
const CHUNKS = {
  de: () => import('./locales/de.js'),
  fr: () => import('./locales/fr.js'),
  es: () => import('./locales/es.js'),
  ja: () => import('./locales/ja.js'),
  recovery: () => import('./recovery.js'),
  panel: () => import('./panel.js'),
  indicator: () => import('./indicator.js'),
  chip: () => import('./chip.js'),
};

/**
 * The runtime's loader: the tasks (the gated calls, the dialogs, the pre-prompt), each other UI, a locale's strings.
 * @type {Loader}
 */
const loader = {
  tasks: () => import('./tasks.js'),
  view: (name) => /** @type {any} */ (CHUNKS[name]()),
  // `tag` is a built-in locale (runtime.js resolveLocale): English is in tasks.js.
  locale: (tag) => (tag === 'en' ? Promise.resolve(undefined) : /** @type {any} */ (CHUNKS[/** @type {keyof CHUNKS} */ (tag)]())),
};

/** A User Timing mark of the start-up phases (`jit-permissions:compiled`, ...), seen in dev tools. */
/** @param {string} name */
const mark = (name) => globalThis.performance?.mark?.(`jit-permissions:${name}`);

/** @type {Promise<JitPermissions> | undefined} */
let installing;

/**
 * Loads the wasm once and starts the runtime. Idempotent: later calls return the same
 * controller (their options are ignored, with one console warning if they differ); a call that
 * failed can be retried. Where there is no browser (server-side rendering, Node), it rejects
 * with an Error that says so.
 * @param {InstallOptions} [options]
 * @returns {Promise<JitPermissions>}
 */
export function install(options) {
  if (typeof window === 'undefined' || typeof document === 'undefined') {
    return Promise.reject(new Error('jit-permissions needs a browser: install() was called where there is no window (server-side rendering or Node); call it in the browser, e.g. in an effect or onMount'));
  }
  if (!installing) {
    installedWith = options ?? {};
    installing = create(options);
    installing.catch(() => { installing = undefined; });
  } else if (options !== undefined && !warned && !sameOptions(options ?? {}, installedWith)) {
    warned = true;
    console.warn('jit-permissions: install() called again with other options: they are ignored, the first call\'s apply');
  }
  return installing;
}

// ---- A second install() with other options (issue 15): one console warning, the same controller.
/** @type {unknown} */
let installedWith;
let warned = false;

/**
 * Equal primitives or functions, or objects with the same own keys holding the same values.
 * @param {unknown} a
 * @param {unknown} b
 * @returns {boolean}
 */
function sameOptions(a, b) {
  if (Object.is(a, b)) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length
    && keys.every((k) => Object.hasOwn(b, k) && sameOptions(/** @type {Record<string, unknown>} */ (a)[k], /** @type {Record<string, unknown>} */ (b)[k]));
}

// ---- The error contract (issue 15): a type guard for the one shape every refusal has.
/**
 * Whether `error` is the refusal of a gated call: a `NotAllowedError` DOMException with a `reason`
 * (`dismissed`, `user`, `embargo`, `browser`, `system`, `policy`). Checks the name and the reason, so it
 * holds for an error from another frame too.
 * @param {unknown} error
 * @returns {error is Refusal}
 */
export function isRefusal(error) {
  return error != null && /** @type {{ name?: unknown }} */ (error).name === 'NotAllowedError'
    && typeof /** @type {{ reason?: unknown }} */ (error).reason === 'string';
}

/**
 * @param {InstallOptions | undefined} options
 * @returns {Promise<JitPermissions>}
 */
async function create(options) {
  // Options are checked before anything loads: a wrong one is a TypeError naming it.
  const parsed = parseOptions(options);
  // The polyfill is in place at once: a call made before the engine is ready waits for it (patch.js).
  const list = patchList(parsed.patch);
  if (list) parsed.natives = patch(list, enter);
  // The module compiled while the page started; else (no compileStreaming, or a server that does not send the wasm
  // as application/wasm) fetched and compiled now. Instantiated with the glue's initSync: its loader for every other
  // kind of input is not part of the first load.
  let module = compiling && await compiling;
  if (!module) {
    const response = await fetch(WASM);
    if (!response.ok) throw new Error(`jit-permissions: failed to fetch ${WASM}: ${response.status}`);
    module = await WebAssembly.compile(await response.arrayBuffer());
  }
  mark('compiled');
  initSync({ module });
  mark('instantiated');
  const permissions = new JitPermissions();
  await permissions._start((page, now) => new Engine(...parsed.config, page, now), parsed);
  mark('started');
  return permissions;
}

/** Each controller's runtime: module-private, so no handle the page can reach leads to the runtime (which records
 * decisions). */
/** @type {WeakMap<JitPermissions, PageRuntime>} */
const runtimes = new WeakMap();

/**
 * A patched call, once the engine is ready: the library's own query, or the tasks' gated calls (patch.js).
 * @type {import('./patch.js').Enter}
 */
function enter(kind, self, a, ctx) {
  return (installing || Promise.reject(Error('jit-permissions did not start'))).then((p) => (kind === 'query' && self === navigator.permissions
    ? bounded(p.query(/** @type {PermissionDescriptor} */ (a[0])), a[0])
    : /** @type {PageRuntime} */ (runtimes.get(p)).polyfill(kind, self, a, ctx)));
}

/**
 * The controller's base: an EventTarget whose `audit` events carry an audit record (_start() dispatches them).
 * @typedef {new () => EventTarget & Pick<import('./index.js').JitPermissions, 'addEventListener' | 'removeEventListener'>} AuditTarget
 */

/** The controller `install()` resolves with. Audit events arrive as `audit` events on it. */
export class JitPermissions extends /** @type {AuditTarget} */ (Base) {
  /** @type {PageRuntime} */
  // @ts-expect-error set by _start(), which install() calls at once (JSDoc has no definite-assignment `!`)
  #runtime;
  /** @type {Status[]} */
  #cache = NAMES.map(() => ({ state: 'prompt', grant: null, expiresAt: null, reason: null, lastDecision: null, decidedAt: null }));
  /** @type {Set<JitPermissionStatus>[]} */
  #held = NAMES.map(() => new Set());
  // Mounted panels stay mounted while the page shows them, whether or not it keeps the handle.
  /** @type {Set<View>} */
  #panels = new Set();

  /**
   * Starts the page's runtime with this controller's hooks (called once, by install()).
   * @param {import('./runtime.js').MakeEngine} makeEngine
   * @param {import('./runtime.js').Options} options
   */
  async _start(makeEngine, options) {
    /** @type {import('./runtime.js').Hooks} */
    const hooks = {
      status: (index, status, changed) => this.#publish(index, status, changed),
      audit: (record) => this.dispatchEvent(new CustomEvent('audit', { detail: record })),
    };
    this.#runtime = createRuntime(makeEngine, options, hooks, loader);
    runtimes.set(this, this.#runtime);
    await this.#runtime.start();
  }

  /**
   * @param {number} index
   * @param {Status} status
   * @param {boolean} changed
   */
  #publish(index, status, changed) {
    this.#cache[index] = status;
    if (changed) {
      for (const status of this.#held[index]) {
        queueMicrotask(() => status._fire());
      }
    }
    this.#notify(index);
  }

  /** @param {number} index */
  _read(index) {
    this.#runtime.check();
    return this.#cache[index];
  }

  /**
   * @param {number} index
   * @param {JitPermissionStatus} status
   * @param {boolean} keep
   */
  _hold(index, status, keep) {
    if (keep) this.#held[index].add(status);
    else this.#held[index].delete(status);
  }

  /** Whether decisions are kept in memory only (storage blocked or full). */
  get inMemory() { return this.#runtime.inMemory; }

  /** The locale of the built-in strings in use. */
  get locale() { return this.#runtime.locale; }

  /**
   * Hands the runtime to the capability elements: to the package's own `./elements.js` (the module this file imports
   * itself), never to the caller, so no handle the page can reach records a decision. Not a public API.
   */
  [Symbol.for('jit-permissions.elements')]() {
    // connect() is not public: elements.d.ts leaves it out.
    return import('./elements.js').then((m) => /** @type {{ connect(rt: PageRuntime): void }} */ (/** @type {unknown} */ (m)).connect(this.#runtime));
  }

  /**
   * Like `navigator.permissions.query`, with one-time expiry and reliable `change` events.
   * @overload
   * @param {GatedPermissionDescriptor} descriptor
   * @returns {Promise<JitPermissionStatus>}
   */
  /**
   * @overload
   * @param {PermissionDescriptor} descriptor
   * @returns {Promise<JitPermissionStatus | PermissionStatus>}
   */
  /**
   * @param {PermissionDescriptor} descriptor
   * @returns {Promise<JitPermissionStatus | PermissionStatus>}
   */
  query(descriptor) {
    return new Promise((resolve) => {
      const index = classify(descriptor);
      if (index >= 0) {
        resolve(new JitPermissionStatus(this, index));
      } else {
        // The browser's own query, kept by the runtime before any patching.
        const native = this.#runtime.nativeQuery(descriptor);
        if (!native) throw new TypeError(`jit-permissions: this browser cannot query '${descriptor.name}'`);
        resolve(native);
      }
    });
  }

  /**
   * Shows the pre-prompt when needed; resolves with the status. Given a list of descriptors
   * (one task that needs several; `optional: true` entries may be declined), one pre-prompt
   * asks for all, and it resolves with the list of statuses.
   * @overload
   * @param {GatedPermissionDescriptor} descriptor
   * @param {PromptContent} [prompt]
   * @returns {Promise<JitPermissionStatus>}
   */
  /**
   * @overload
   * @param {readonly TaskPermissionDescriptor[]} descriptor
   * @param {PromptContent} [prompt]
   * @returns {Promise<JitPermissionStatus[]>}
   */
  /**
   * @param {GatedPermissionDescriptor | readonly TaskPermissionDescriptor[]} descriptor
   * @param {PromptContent} [prompt]
   * @returns {Promise<JitPermissionStatus | JitPermissionStatus[]>}
   */
  async request(descriptor, prompt) {
    const task = await this.#runtime.needs(descriptor);
    const { content, reconsider } = promptContent(prompt);
    await this.#runtime.request(task.required, task.optional, content, reconsider);
    // A list's task has its order (tasks.js needs()).
    if (task.list) return /** @type {number[]} */ (task.order).map((i) => new JitPermissionStatus(this, i));
    return new JitPermissionStatus(this, Math.log2(task.required));
  }

  /**
   * @param {MediaStreamConstraints} constraints
   * @param {PromptContent} [prompt]
   * @returns {Promise<MediaStream>}
   */
  async getUserMedia(constraints, prompt) {
    const { content, reconsider } = promptContent(prompt);
    return this.#runtime.getUserMedia(constraints, content, reconsider);
  }

  /**
   * @param {PositionOptions} [options]
   * @param {PromptContent} [prompt]
   * @returns {Promise<GeolocationPosition>}
   */
  async getCurrentPosition(options, prompt) {
    const { content, reconsider } = promptContent(prompt);
    return this.#runtime.getCurrentPosition(options, content, reconsider);
  }

  /**
   * @param {PositionCallback} success
   * @param {PositionErrorCallback | null} [error]
   * @param {PositionOptions} [options]
   * @param {PromptContent} [prompt]
   * @returns {Promise<number>}
   */
  async watchPosition(success, error, options, prompt) {
    const { content, reconsider } = promptContent(prompt);
    return this.#runtime.watchPosition(success, error, options, content, reconsider);
  }

  /**
   * Clears a watch: its id, or the promise `watchPosition()` returned (cleared once the watch starts).
   * @param {number | Promise<number>} id
   */
  clearWatch(id) {
    // Any thenable counts as the promise (a page may wrap it).
    if (id && typeof /** @type {Partial<Promise<number>>} */ (id).then === 'function') /** @type {Promise<number>} */ (id).then((n) => this.clearWatch(n), () => {});
    else this.#runtime.clearWatch(Number(id) | 0);
  }

  /**
   * @param {PromptContent} [prompt]
   * @returns {Promise<NotificationPermission>}
   */
  async requestNotifications(prompt) {
    const { content, reconsider } = promptContent(prompt);
    return /** @type {Promise<NotificationPermission>} */ (this.#runtime.requestNotifications(content, reconsider));
  }

  /**
   * Takes the grant back; resolves with the status.
   * @param {GatedPermissionDescriptor} descriptor
   */
  async revoke(descriptor) {
    const index = gated(descriptor);
    this.#runtime.revoke(index);
    return new JitPermissionStatus(this, index);
  }

  /**
   * Forgets the site-level record (decision, dismissals, embargo); resolves with the status.
   * @param {GatedPermissionDescriptor} descriptor
   */
  async reset(descriptor) {
    const index = gated(descriptor);
    this.#runtime.reset(index);
    return new JitPermissionStatus(this, index);
  }

  /**
   * Shows what applies to a capability now: what blocks it (the browser, the system, the frame) and the way back,
   * the person's own Don't allow or a pause (with Reset), or that nothing does; resolves when the person closes it.
   * @param {GatedPermissionDescriptor} descriptor
   * @returns {Promise<void>}
   */
  async help(descriptor) { await this.#runtime.help(gated(descriptor)); }

  /** Re-reads the browser's states now (done on visibility and focus anyway). */
  refresh() { this.#runtime.recheck(); }

  /**
   * Mounts the controls panel into `element`; returns a handle with `destroy()`, and `ready`, which resolves
   * with true once the panel shows (the first time, once the UI module has loaded).
   * @param {Element} element
   * @returns {ControlsHandle}
   */
  controls(element) {
    if (!(element instanceof Element)) {
      throw new TypeError("jit-permissions: controls(element) needs a DOM Element");
    }
    return this.#mount(this.#runtime.view(element));
  }

  /**
   * The in-use indicator at the end of `element` (floating at the top of the page without one), shown while a
   * camera or microphone track the library handed out in this page is live; a handle as controls() gives.
   * @param {Element} [element]
   * @returns {ControlsHandle}
   */
  indicator(element) {
    if (element !== undefined && !(element instanceof Element)) {
      throw new TypeError('jit-permissions: indicator(element) needs a DOM Element, or nothing');
    }
    return this.#mount(this.#runtime.view(element, true));
  }

  /**
   * @param {View} panel
   * @returns {ControlsHandle}
   */
  #mount(panel) {
    this.#panels.add(panel);
    return {
      ready: panel.ready,
      destroy: () => {
        if (this.#panels.delete(panel)) panel.destroy();
      },
    };
  }

  // ---- subscribe() and snapshot() (issue 15): a store that React's useSyncExternalStore, Vue and Svelte use as
  // is. A snapshot is a frozen plain object, the same object until a field of the status changes (so
  // useSyncExternalStore does not loop). #publish() calls #notify() on every change of any field.
  /** @type {JitPermissionSnapshot[]} */
  #snapshots = [];
  /** @type {Set<{ callback: (snapshot: JitPermissionSnapshot) => void }>[]} */
  #subscribers = NAMES.map(() => new Set());

  /** @param {number} index */
  #snapshot(index) {
    const status = this.#cache[index];
    const last = this.#snapshots[index];
    if (last && /** @type {(keyof Status)[]} */ (Object.keys(status)).every((k) => last[k] === status[k])) return last;
    return (this.#snapshots[index] = Object.freeze({ name: NAMES[index], ...status }));
  }

  /** @param {number} index */
  #notify(index) {
    const subscribers = this.#subscribers[index];
    if (!subscribers.size || this.#snapshots[index] === this.#snapshot(index)) return;
    const snapshot = this.#snapshots[index];
    // One microtask per callback, as `change` listeners: one that throws does not stop the others.
    for (const entry of subscribers) queueMicrotask(() => subscribers.has(entry) && entry.callback(snapshot));
  }

  /**
   * The status of a gated capability as a frozen object, the same object until one of its fields changes.
   * @param {GatedPermissionDescriptor} descriptor
   */
  snapshot(descriptor) {
    const index = gated(descriptor);
    this.#runtime.check();
    return this.#snapshot(index);
  }

  /**
   * Calls `callback` with the snapshot at once, then with the new one after each change of any field (`state`,
   * `grant`, `expiresAt`, `reason`, `lastDecision`, `decidedAt`), in a microtask; returns the function that
   * unsubscribes.
   * @param {GatedPermissionDescriptor} descriptor
   * @param {(snapshot: JitPermissionSnapshot) => void} callback
   */
  subscribe(descriptor, callback) {
    if (typeof callback !== 'function') throw new TypeError('jit-permissions: subscribe() needs a callback');
    const snapshot = this.snapshot(descriptor);
    const subscribers = this.#subscribers[NAMES.indexOf(snapshot.name)];
    const entry = { callback };
    subscribers.add(entry);
    try {
      callback(snapshot);
    } catch (e) {
      subscribers.delete(entry);
      throw e;
    }
    return () => { subscribers.delete(entry); };
  }
}
