// @ts-check
// The browser layer of jit-permissions: the adapters between the browser and the engine.
//
// Every rule and every decision is the engine's (Rust, `src/core/`, reached through the wasm class `Engine`,
// `src/web/handle.rs`): what a status is, when a grant ends, how records merge, how a page arrived, what a task
// needs asked, what a failed call proves. The browser layer only listens, reads, writes and calls. Its files:
// - this one: createRuntime() (one runtime per page, and the facade a second installer on the page gets), the types
//   the layer shares, and the Runtime: this page among the origin's pages (how it arrived, its frame's Permissions
//   Policy, its lifecycle, origin storage written by other pages, the other pages' liveness over a BroadcastChannel);
// - core.js, the Runtime's core: the engine's inputs and outputs, the clock, origin storage, the browser's own
//   permission states, the tasks loaded on first need and the views;
// - options.js, the checks of what callers hand in; browser.js, the browser's signals; codes.js, the engine's codes
//   (this module re-exports those three, so its importers need only it);
// - tasks.js (the gated calls, the dialogs, the UI) and patch.js (the whole-page polyfill).
//
// The npm package (`js/index.js`) and the Rust API (`src/web/rust_api.rs`, as a wasm-bindgen snippet) both use it.
// Keep it small: all but tasks.js is part of every page's first load.

// Every code of the engine's seam is defined once, in codes.js (checked against the Rust side by `cargo test`).
import {
  ARRIVAL_FRESH, ARRIVAL_SAME_ORIGIN, ARRIVED, BACK_FORWARD, CAMERA, CLEARED, DENIED, GEOLOCATION, GONE, MICROPHONE,
  NAMES, NAVIGATE, POLICY, RELOAD, SIGNAL_ACTIVATION, SIGNAL_INTENDED, SIGNAL_REFERRER, SIGNAL_UNLOAD, TICK, VISIBLE,
} from './codes.js';
import { RuntimeCore } from './core.js';
import {
  MARK, activationFromHere, intended, markLeave, noteIntent, referrerFromHere, sessionStore, visible,
} from './browser.js';
export * from './codes.js';
export * from './options.js';
export { clearWatch, visible } from './browser.js';

/** @typedef {import('./options.js').Options} Options */
/** @typedef {import('./options.js').Content} Content */
/**
 * The engine: the wasm class, as wasm-bindgen's generated declarations type it (target/types/, copied by
 * scripts/build.sh), so a changed Rust signature fails the type check here.
 * @typedef {import('./jit_permissions.js').JitPermissionsEngine} Engine
 */
/** @typedef {(page: number, now: number) => Engine} MakeEngine Makes this page's engine (the options' numbers in). */
/**
 * A capability's status: the published snapshot without its name.
 * @typedef {Omit<import('./index.js').JitPermissionSnapshot, 'name'>} Status
 */
/** @typedef {import('./index.js').AuditDetail} AuditRecord An audit record, as the `audit` event's detail. */
/**
 * Where the runtime reports: a capability's status (`changed`: its state or grant changed, as `change` fires), and
 * each audit record.
 * @typedef {object} Hooks
 * @property {(index: number, status: Status, changed: boolean) => void} status
 * @property {(record: AuditRecord) => void} audit
 */
/**
 * The UIs other than the pre-prompt, each a module the runtime loads when it is first shown (with its side of the
 * tasks).
 * @typedef {{ recovery: typeof import('./help.js'), panel: typeof import('./controls.js'),
 *   indicator: typeof import('./inuse.js'), chip: typeof import('./chip.js') }} Views
 */
/**
 * What the runtime loads on first need, each with import(): the tasks (with the pre-prompt), each other UI, and the
 * strings of a built-in locale (undefined: English, which the UIs hold).
 * @typedef {object} Loader
 * @property {() => Promise<typeof import('./tasks.js')>} tasks
 * @property {<K extends keyof Views>(name: K) => Promise<Views[K]>} view
 * @property {(tag: string) => Promise<{ default: import('./index.js').Strings } | undefined | void>} locale
 */
/** @typedef {import('./tasks.js').Tasks} Tasks */
/** @typedef {{ ready: Promise<boolean>, destroy(): void }} View A mounted panel or indicator (view()). */
/** @typedef {[kind: number, a?: number, b?: number]} Input An input of the engine: its kind and up to two numbers. */

/** @param {number} i */
export const bit = (i) => 1 << i;
/** @param {number} mask */
export const caps = (mask) => NAMES.map((_, i) => i).filter((i) => mask & bit(i));

// ---- The runtime of one page.

/**
 * Creates the runtime: `makeEngine(page, now)` makes this page's engine (the wasm class `Engine` with the options'
 * numbers), `options` as parseOptions() gives them, `hooks.status(index, status, changed)` and `hooks.audit(record)`
 * where it reports, and `loader` (the tasks, each other UI, a locale's strings, each imported on first need).
 * @param {MakeEngine} makeEngine
 * @param {Options} options
 * @param {Hooks} hooks
 * @param {Loader} loader
 * @returns {PageRuntime}
 */
export function createRuntime(makeEngine, options, hooks, loader) {
  // One runtime per page (issue 24), shared by the npm package and the Rust API (each has its own copy of this
  // module): a later caller joins the first one's runtime, hears its hooks, and is warned when its options differ.
  // What is shared through the page's global is a facade of the runtime, never the runtime: only what the public
  // controller can do (each call goes through the person's dialogs, or only reads), so no script on the page reaches
  // `input` (a decision recorded with no dialog), the engine or the tasks (issue 20).
  const page = Symbol.for('jit-permissions.page');
  // Any script can define the global first: what is there is checked before it is used.
  const shared = /** @type {{ [page]?: { join?: unknown } }} */ (globalThis)[page];
  if (shared && typeof shared.join === 'function') return /** @type {Shared} */ (shared).join(options, hooks);
  const rt = new Runtime(makeEngine, options, hooks, loader);
  const facade = /** @type {Shared} */ ({
    /**
     * @param {Options} o
     * @param {Hooks} h
     */
    join(o, h) {
      const first = rt.hooks;
      rt.hooks = { status: (...a) => (first.status(...a), h.status(...a)), audit: (r) => (first.audit(r), h.audit(r)) };
      if (JSON.stringify(o) != JSON.stringify(rt.options)) {
        console.warn('jit-permissions: install() called again with other options: they are ignored, the first call\'s apply');
      }
      return facade;
    },
    get locale() { return rt.locale; },
    get inMemory() { return rt.inMemory; },
  });
  for (const k of SHARED) Object.defineProperty(facade, k, { value: rt[k].bind(rt), enumerable: true });
  try { Object.defineProperty(globalThis, page, { value: Object.seal(facade) }); } catch { /* defined meanwhile */ }
  return rt;
}

/**
 * What a second installer on the page may call (see createRuntime).
 * @typedef {'start' | 'check' | 'status' | 'request' | 'getUserMedia' | 'getCurrentPosition' | 'watchPosition' | 'clearWatch'
 *   | 'requestNotifications' | 'revoke' | 'reset' | 'help' | 'view' | 'recheck' | 'nativeQuery' | 'needs' | 'polyfill'} SharedKey
 */
const SHARED = /** @type {SharedKey[]} */ (/* @__PURE__ */ ('start check status request getUserMedia getCurrentPosition watchPosition clearWatch requestNotifications '
  + 'revoke reset help view recheck nativeQuery needs polyfill').split(' '));
/**
 * The runtime as a later installer on the page gets it (createRuntime()'s facade): what the public controller can do.
 * @typedef {Pick<Runtime, SharedKey | 'locale' | 'inMemory'>} PageRuntime
 */
/** @typedef {PageRuntime & { join(options: Options, hooks: Hooks): Shared }} Shared The facade on the page's global. */

/** A liveness check: a first round, then a second chance for a page that is only busy. */
const LIVENESS = [300, 1200];

/**
 * The runtime of one page: its core (core.js), and this page among the origin's pages: how it arrived (the
 * navigation and the browser's signals, classified by the engine; the listed pages a one-time grant depends on, asked
 * first), its frame's Permissions Policy, its lifecycle (visibility, focus, leaving, the back/forward cache), origin
 * storage written by other pages, and the origin's other pages over a BroadcastChannel (a liveness check).
 */
export class Runtime extends RuntimeCore {
  // ---- Start.

  /** Starts the runtime once: later calls (another installer on the page) get the same promise. */
  start() {
    // `_started` is set here only (the first call).
    return (/** @type {this & { _started?: Promise<void> }} */ (this)._started ||= this._start()).then(() => { for (let i = 0; i < 4; i++) this.hooks.status(i, this.status(i), false); });
  }

  async _start() {
    const stored = this._read();
    if (stored) { this._load(stored); this.carryOut(this.drain()); }
    this._listen();
    const policyApi = this._detectPolicy();
    const queries = this._startQueries();
    await this._arrive(this._arrival());
    await this._finishQueries(queries, true);
    if (!policyApi) this._guessPolicy();
    this._prune();
    if (this.options.indicator) this.view(undefined, true);
    // What start-up found reaches the listeners added right after install() resolves (in the same task or the
    // microtasks after it), in order, before anything later.
    // Audits from then on are dispatched at once.
    const early = /** @type {AuditRecord[]} */ (this._early);
    this._early = null;
    setTimeout(() => { for (const r of early) this.hooks.audit(r); });
  }

  /** How this document came: the navigation type and the browser's signals, classified by the engine. */
  _arrival() {
    /** @type {PerformanceNavigationTiming | null | undefined} */
    let entry;
    try { entry = /** @type {PerformanceNavigationTiming | undefined} */ (performance.getEntriesByType('navigation')[0]); } catch { entry = null; }
    const type = entry && entry.type;
    const signals = (activationFromHere() ? SIGNAL_ACTIVATION : 0) | (entry && entry.unloadEventStart > 0 ? SIGNAL_UNLOAD : 0)
      | (referrerFromHere() ? SIGNAL_REFERRER : 0) | (intended() ? SIGNAL_INTENDED : 0);
    const kind = this.engine.arrival(type === 'reload' ? RELOAD : type === 'back_forward' ? BACK_FORWARD : NAVIGATE, signals);
    return /** @type {[number, number]} */ ([kind, this.now() - (globalThis.performance ? performance.now() : 0)]);
  }

  /**
   * This page arrives. When a one-time grant depends on other listed pages (no handover proves it), they are asked
   * first: one heard from keeps it; none heard from in two rounds are gone. The pages gone, the arrival and the
   * page's visibility go in together, with no write between them.
   * @param {[kind: number, at: number]} arrival
   */
  async _arrive([kind, at]) {
    const listed = Array.from(this.engine.pagesToConfirm(kind, at));
    /** @type {Input[]} */
    const list = [];
    if (listed.length && !(await this._ask(listed, true)).length) for (const p of listed) list.push([GONE, p]);
    list.push([ARRIVED, kind, at], [VISIBLE, this._page, visible() ? 1 : 0]);
    this.inputs(list);
  }

  /**
   * The frame's Permissions Policy where the browser exposes it: a capability it does not allow is denied, reason
   * policy, with one console message naming the missing `allow` attribute. Returns whether it is exposed.
   */
  _detectPolicy() {
    // Not in lib.dom: Chromium's document.permissionsPolicy (formerly featurePolicy).
    /** @typedef {{ permissionsPolicy?: { allowsFeature(feature: string): boolean }, featurePolicy?: Policies['permissionsPolicy'] }} Policies */
    const policy = /** @type {Policies} */ (/** @type {unknown} */ (document)).permissionsPolicy
      || /** @type {Policies} */ (/** @type {unknown} */ (document)).featurePolicy;
    if (!policy || typeof policy.allowsFeature !== 'function') return false;
    this._blockByPolicy([CAMERA, MICROPHONE, GEOLOCATION].filter((i) => policy.allowsFeature(NAMES[i]) === false));
    return true;
  }

  /**
   * Where the policy is not exposed (Firefox, WebKit): in a frame of another origin than its top page, a capability
   * the browser denies from the first query is taken as not allowed by the frame's policy (those engines answer
   * `denied` there for a frame without `allow`). A block the person set for the embedding site looks the same.
   */
  _guessPolicy() {
    let crossOrigin = false;
    // A null window.top (a detached frame) throws here as another origin's does: taken as cross-origin.
    try { crossOrigin = window.top !== window && (/** @type {Window} */ (window.top).location.href, false); } catch { crossOrigin = true; }
    if (crossOrigin) this._blockByPolicy([CAMERA, MICROPHONE, GEOLOCATION].filter((i) => this.engine.native(i) === DENIED));
  }

  /** @param {number[]} list */
  _blockByPolicy(list) {
    for (const i of list) {
      console.warn(`jit-permissions: this frame's Permissions Policy does not allow ${NAMES[i]}: the <iframe> that embeds it `
        + `needs allow="${NAMES[i]}" (or the page's Permissions-Policy header blocks it). Gated calls reject with `
        + 'NotAllowedError, reason \'policy\'.');
    }
    if (list.length) this.inputs(list.map((i) => [POLICY, i, 0 /* not allowed */]));
  }

  _listen() {
    const page = this._page;
    document.addEventListener('visibilitychange', () => {
      // Unloading fires pagehide, then visibilitychange to hidden: a page that is gone must not list itself again.
      if (this._gone) return;
      this.input(VISIBLE, page, visible() ? 1 : 0);
      if (visible()) this.recheck();
      // Hidden: a listed page that crashed (its in-use mark would hold the hidden timer) is found gone now.
      else this._prune();
    });
    addEventListener('focus', () => { this.input(TICK); this.recheck(); });
    // The link followed or the form submitted to a page of this origin: a signal for the page that arrives.
    document.addEventListener('click', noteIntent, true);
    document.addEventListener('submit', noteIntent, true);
    addEventListener('pagehide', () => {
      // Closed, navigated, reloaded or put in the back/forward cache: this page leaves. The write is synchronous.
      this._gone = true;
      this._leftAt = markLeave();
      this.input(GONE, page);
    });
    addEventListener('pageshow', (e) => {
      if (!e.persisted) return;
      // Back from the back/forward cache: an arrival like any other, then a re-check.
      this._gone = false;
      // In the task that restores the page WebKit answers permissions.query() wrongly (geolocation denied or prompt
      // while granted, measured in WebKitGTK 2.50; right from the next task on): re-checks wait for that task.
      this._rechecking = true;
      setTimeout(() => { this._rechecking = false; this.recheck(); });
      const stored = this._read();
      if (stored && this._load(stored)) this.carryOut(this.drain());
      const mark = Number(/** @type {Partial<Storage>} */ (sessionStore() || {}).getItem?.(MARK));
      const kind = activationFromHere() || (this._leftAt !== null && mark > this._leftAt) ? ARRIVAL_SAME_ORIGIN : ARRIVAL_FRESH;
      // The tracks and watches the page kept are its uses again (a revocation or expiry meanwhile stops them).
      this._arrive([kind, this.now()]).then(() => { this.loaded?.reuse(); this.recheck(); });
    });
    addEventListener('storage', (e) => {
      // sessionStorage fires `storage` too.
      if (!this._storage || e.storageArea !== this._storage) return;
      if (e.key === null || (e.key === this.options.storageKey && e.newValue === null)) { this._stored = false; this.input(CLEARED); }
      else if (e.key === this.options.storageKey) {
        // Rewritten with something else: what this page knows is written back.
        if (this._load(/** @type {string} */ (e.newValue))) this.carryOut(this.drain());
        else this._persist();
      }
    });
    if (this._channel) {
      this._channel.onmessage = ({ data }) => {
        if (!data || typeof data.p !== 'number') return;
        // Any message is a sign of life (an arriving page asks too). A page dropped for missing two answers (a long
        // task) that answers late is listed again, with its visibility.
        for (const hear of this._hearers) hear(data.p);
        if (data.v !== undefined && !this._gone) this.input(VISIBLE, data.p, data.v);
        if (data.t === 'ping' && !this._gone) /** @type {BroadcastChannel} */ (this._channel).postMessage({ t: 'pong', p: page, v: visible() ? 1 : 0 });
      };
    }
  }

  /**
   * Asks the origin's other pages to answer; resolves with those of `pages` heard from. With `any`, as soon as one
   * is; else when all are, or after the rounds (a page silent in the first round is asked again).
   * @param {number[]} pages
   * @param {boolean} any
   */
  async _ask(pages, any) {
    const channel = this._channel;
    if (!channel) return pages;
    /** @type {Set<number>} */
    const heard = new Set();
    const done = () => (any ? pages.some((p) => heard.has(p)) : pages.every((p) => heard.has(p)));
    let wake = () => {};
    /** @param {number} p */
    const hear = (p) => { heard.add(p); if (done()) wake(); };
    // Each check hears for itself (an arrival's and a prune's may overlap). A round ends by its own timer or as
    // soon as the answer is complete: never by counting short timer steps, which a hidden page's throttled timers
    // (a second apart and more) would stretch into a minute.
    this._hearers.add(hear);
    try {
      for (const ms of LIVENESS) {
        channel.postMessage({ t: 'ping', p: this._page });
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, ms);
          wake = () => { clearTimeout(timer); resolve(undefined); };
        });
        if (done()) break;
      }
    } finally {
      this._hearers.delete(hear);
    }
    return pages.filter((p) => heard.has(p));
  }

  /** Pages listed in the record that answer neither round are gone (a crash leaves its entry behind). */
  async _prune() {
    const listed = Array.from(this.engine.pages()).filter((p) => p !== this._page);
    if (!listed.length) return;
    const heard = await this._ask(listed, false);
    const gone = listed.filter((p) => !heard.includes(p));
    if (gone.length) this.inputs(gone.map((p) => [GONE, p]));
  }
}
