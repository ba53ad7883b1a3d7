// @ts-check
// The browser layer of jit-permissions: the adapters between the browser and the engine.
//
// Every rule and every decision is the engine's (Rust, `src/core/`, reached through the wasm class `Engine`,
// `src/web/handle.rs`): what a status is, when a grant ends, how records merge, how a page arrived, what a task
// needs asked, what a failed call proves. This module only listens, reads, writes and calls: the browser's own
// permission states and their `change` events, visibility and page lifecycle, origin storage (read, merged, written
// under the Web Locks API), the origin's other pages (a BroadcastChannel), and the tasks (the gated calls, the tracks
// and watches they hand out, the one queue of dialogs, the UI: `src/runtime/tasks.js`, loaded on first need).
// Beside it: `options.js` checks what callers hand in, `browser.js` reads the browser's signals, `codes.js` names
// the engine's codes; this module re-exports all three, so its importers need only it.
//
// The npm package (`js/index.js`) and the Rust API (`src/web/rust_api.rs`, as a wasm-bindgen snippet) both use it.
// Keep it small: it is part of every page's first load.

// Every code of the engine's seam is defined once, in codes.js (checked against the Rust side by `cargo test`).
import {
  ARRIVED, AUDITS, BACK_FORWARD, CAMERA, CHOICES, CLEARED, DENIED, EXPIRIES, GEOLOCATION, GONE, GRANTS,
  MICROPHONE, NAMES, NATIVE, NAVIGATE, NO_GRANT, NOTIFICATIONS, OUT_CHANGED, OUT_PERSIST, OUT_STOP_USE,
  OUT_UPDATED, REASONS, RELOAD, RESET, REVOCATIONS, REVOKE, SIGNAL_ACTIVATION, SIGNAL_INTENDED, SIGNAL_REFERRER,
  SIGNAL_UNLOAD, STATES, TICK, UNKNOWN, VISIBLE, POLICY, ARRIVAL_SAME_ORIGIN, ARRIVAL_FRESH,
} from './codes.js';
import { resolveLocale } from './options.js';
import {
  MARK, activationFromHere, clearWatch, intended, markLeave, noteIntent, notificationState, referrerFromHere, sessionStore,
  visible,
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
 * What the runtime loads on first need, each with import(): the tasks, the chip, and the UI with the strings of a
 * locale (undefined: English).
 * @typedef {object} Loader
 * @property {() => Promise<typeof import('./tasks.js')>} tasks
 * @property {() => Promise<typeof import('./chip.js')>} [chip]
 * @property {(tag: string) => Promise<[typeof import('./ui.js').ui, import('./index.js').Strings | undefined]>} load
 */
/** @typedef {import('./tasks.js').Tasks} Tasks */
/** @typedef {{ ready: Promise<boolean>, destroy(): void }} View A mounted panel or indicator (view()). */
/** @typedef {[kind: number, a?: number, b?: number]} Input An input of the engine: its kind and up to two numbers. */

const CAUSES = { [AUDITS.indexOf('expiry')]: EXPIRIES, [AUDITS.indexOf('revocation')]: REVOCATIONS };
/** A liveness check: a first round, then a second chance for a page that is only busy. */
const LIVENESS = [300, 1200];

/** @param {number} i */
export const bit = (i) => 1 << i;
/** @param {number} mask */
export const caps = (mask) => NAMES.map((_, i) => i).filter((i) => mask & bit(i));
/**
 * A browser state's code (UNKNOWN for a word that is none of the standard's).
 * @param {string} state
 */
const stateCode = (state) => { const c = STATES.indexOf(/** @type {PermissionState} */ (state)); return c < 0 ? UNKNOWN : c; };
/** @param {number} v */
const none = (v) => (Number.isNaN(v) ? null : v);

/**
 * A status object from the engine's codes.
 * @param {Float64Array} c
 * @returns {Status}
 */
function statusOf(c) {
  return {
    state: STATES[c[0]] || 'prompt', grant: GRANTS[c[1]] || null, expiresAt: none(c[2]), reason: REASONS[c[3]] || null,
    lastDecision: CHOICES[c[4]] || null, decidedAt: none(c[5]),
  };
}

// ---- The runtime of one page.

/**
 * Creates the runtime: `makeEngine(page, now)` makes this page's engine (the wasm class `Engine` with the options'
 * numbers), `options` as parseOptions() gives them, `hooks.status(index, status, changed)` and `hooks.audit(record)`
 * where it reports, and `loader.load(tag)` resolving with `[ui, strings]` on first need.
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
  /** @type {Shared} */
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
    get hooks() { return rt.hooks; },
    set hooks(h) { rt.hooks = h; },
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
const SHARED = /** @type {SharedKey[]} */ (('start check status request getUserMedia getCurrentPosition watchPosition clearWatch requestNotifications '
  + 'revoke reset help view recheck nativeQuery needs polyfill').split(' '));
/**
 * The runtime as a later installer on the page gets it (createRuntime()'s facade): what the public controller can do.
 * @typedef {Pick<Runtime, SharedKey | 'hooks' | 'locale' | 'inMemory'>} PageRuntime
 */
/** @typedef {PageRuntime & { join(options: Options, hooks: Hooks): Shared }} Shared The facade on the page's global. */

export class Runtime {
  /**
   * @param {MakeEngine} makeEngine
   * @param {Options} options
   * @param {Hooks} hooks
   * @param {Loader} loader
   */
  constructor(makeEngine, options, hooks, loader) {
    if (typeof window === 'undefined') throw new Error('jit-permissions needs a browser: there is no window here');
    this.options = options;
    this.hooks = hooks;
    this._page = 1 + Math.floor(Math.random() * 2 ** 52);
    this.engine = makeEngine(this._page, this.now());
    // The page's language (`<html lang>`) first, then the browser's: the dialogs follow the page.
    this.locale = resolveLocale(options.locale, [document.documentElement?.lang, ...((navigator && navigator.languages) || [])]);
    this.loader = loader;
    /** @type {Set<() => void>} */
    this.updates = new Set(); // mounted panels' update functions
    /** @type {Set<(tasks: Tasks) => unknown>} */
    this.indicators = new Set(); // the indicators' show(tasks), called once the tasks have loaded
    /** @type {Promise<Tasks> | null} */
    this._loadingTasks = null;
    /** @type {Tasks | null} */
    this.loaded = null; // the tasks, once loaded: they keep the tracks and watches handed out (uses)
    /** @type {number | null} */
    this._deadline = null;
    /** @type {ReturnType<typeof setTimeout> | 0} */
    this._timer = 0;
    /** @type {PermissionStatus[]} */
    this._natives = []; // the browser's status objects, kept alive with their `change` listeners
    /** @type {Set<number> | null} */
    this._heard = null;
    this._gone = false;
    /** @type {number | null} */
    this._leftAt = null;
    this._rechecking = false;
    this._recheckAgain = false;
    this._saving = false;
    this._saveAgain = false;
    this._warned = false;
    /** @type {string | null} */
    this._corrupt = null;
    // Audits found while start() runs (an expiry overnight, a cleared record), held until it resolves: nobody can
    // listen before install() resolves.
    /** @type {AuditRecord[] | null} */
    this._early = [];
    this._stored = false; // a record of this page's is in storage (read or written): its disappearance is a clear
    // The browser's own query, where the interface defines it, kept before the library patches anything.
    /** @type {Permissions | undefined} */
    this._permissions = navigator.permissions;
    const proto = typeof Permissions === 'function' ? Permissions.prototype : null;
    /** @type {Permissions['query'] | null} */
    this._query = options.natives?.query || (proto && typeof proto.query === 'function' ? proto.query
      : this._permissions && typeof this._permissions.query === 'function' ? this._permissions.query : null);
    try { /** @type {Storage | null} */ this._storage = window.localStorage; } catch { this._storage = null; }
    if (!this._storage) this._memory();
    try { /** @type {BroadcastChannel | null} */ this._channel = new BroadcastChannel(`jit-permissions:${options.storageKey}`); } catch { this._channel = null; }
  }

  now() {
    let t;
    try { t = this.options.clock ? Number(this.options.clock()) : Date.now(); } catch { t = Date.now(); }
    return Number.isFinite(t) && t > 0 ? t : 0;
  }

  _memory() {
    if (!this._warned) {
      this._warned = true;
      console.warn('jit-permissions: origin storage is unavailable; decisions are kept in memory for this page only');
    }
  }

  get inMemory() { return this._warned; }

  // ---- The engine: inputs in, outputs carried out. Outputs are drained first, then carried out, so that a hook
  // calling back into the library starts a round of its own.

  /** @param {Input[]} list */
  inputs(list) {
    const now = this.now();
    for (const [kind, a = 0, b = 0] of list) this.engine.input(now, kind, a, b);
    this.carryOut(this.drain());
  }

  /**
   * @param {number} kind
   * @param {number} [a]
   * @param {number} [b]
   */
  input(kind, a, b) { this.inputs([[kind, a, b]]); }

  drain() {
    /** @type {Float64Array[]} */
    const out = [];
    for (let o = this.engine.next(); o.length; o = this.engine.next()) out.push(o);
    return out;
  }

  /** @param {Float64Array[]} outputs */
  carryOut(outputs, persist = true) {
    const audits = [];
    let write = false;
    for (const o of outputs) {
      if (o[0] === OUT_CHANGED || o[0] === OUT_UPDATED) this.hooks.status(o[1], statusOf(o.slice(2)), o[0] === OUT_CHANGED);
      else if (o[0] === OUT_STOP_USE) this.loaded?.stopUse(o[1]);
      else if (o[0] === OUT_PERSIST) write = true;
      else audits.push(o);
    }
    if (write && persist) this._persist();
    for (const [, kind, cap, detail, number] of audits) {
      const type = AUDITS[kind];
      /** @type {{ type: string, name: string, detail: string | number | null, at: number, [field: string]: unknown }} */
      const record = { type, name: NAMES[cap], detail: null, at: this.now() };
      if (type === 'decision') record.detail = record.choice = CHOICES[detail];
      else if (CAUSES[kind]) record.detail = record.cause = CAUSES[kind][detail];
      else if (type === 'embargo') record.detail = record.until = number;
      // Built field by field from the engine's codes: by its type, the shape AuditDetail gives it.
      this.audit(/** @type {AuditRecord} */ (/** @type {unknown} */ (record)));
    }
    this._arm();
    if (outputs.length) for (const update of [...this.updates]) update();
  }

  /** Reports an audit record, or holds it while the runtime starts. */
  /** @param {AuditRecord} record */
  audit(record) {
    if (this._early) this._early.push(record);
    else this.hooks.audit(record);
  }

  /** The clock check: a tick when a deadline passed (cheap otherwise). Every read and gated call runs it first. */
  check() {
    // A record this page read or wrote that is gone from storage: cleared by this very page (a site's
    // `localStorage.clear()` on logout fires no `storage` event here), noticed as another page's clear is.
    if (this._stored && this._read() === null) { this._stored = false; this.input(CLEARED); }
    if (this._deadline !== null && this.now() >= this._deadline) this.input(TICK);
  }

  /** @param {number} i */
  status(i) {
    const s = statusOf(this.engine.status(this.now(), i));
    this.carryOut(this.drain());
    return s;
  }

  /** @param {number} i */
  standing(i) {
    const g = this.engine.standingGrant(this.now(), i);
    this.carryOut(this.drain());
    return g !== NO_GRANT;
  }

  _arm() {
    const d = none(this.engine.deadline());
    if (d === this._deadline && this._timer) return;
    this._deadline = d;
    clearTimeout(this._timer);
    // setTimeout overflows past 2^31 - 1 ms: a far deadline is re-armed when this fires.
    this._timer = d === null ? 0 : setTimeout(() => { this._timer = 0; this.input(TICK); }, Math.min(Math.max(0, d - this.now()), 2 ** 30));
  }

  // ---- Storage: read what is stored, merge, write; under the Web Locks API where the browser has it (at once when
  // the page is leaving: a lock granted later would come too late).

  _read() {
    if (!this._storage) return null;
    try {
      const text = this._storage.getItem(this.options.storageKey);
      if (text) this._stored = true;
      return text;
    } catch { this._memory(); return null; }
  }

  /** Merges stored text into this page's record; false when it is not a record of this library (warned once). */
  /** @param {string} text */
  _load(text) {
    if (text === this._corrupt) return false;
    const warning = this.engine.load(this.now(), text);
    if (warning) {
      this._corrupt = text;
      console.warn(`jit-permissions: discarded stored permission data: ${warning}`);
      return false;
    }
    return true;
  }

  _persist() {
    const locks = this._storage && navigator.locks;
    if (!locks || this._gone) return this._saveNow();
    if (this._saving) { this._saveAgain = true; return; }
    this._saving = true;
    locks.request(`jit-permissions:${this.options.storageKey}`, () => {
      this._saving = false;
      this._saveNow();
      if (this._saveAgain) { this._saveAgain = false; this._persist(); }
    }).catch(() => { if (this._saving) { this._saving = false; this._saveNow(); } });
  }

  _saveNow() {
    if (!this._storage) return;
    const known = this._stored;
    const text = this._read();
    if (known && text === null) this.engine.input(this.now(), CLEARED, 0, 0);
    if (text) this._load(text);
    const outputs = this.drain();
    try {
      this._storage.setItem(this.options.storageKey, this.engine.record());
      this._stored = true;
    } catch { this._memory(); }
    this.carryOut(outputs, false);
  }

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
   */
  /** @param {[kind: number, at: number]} arrival */
  async _arrive([kind, at]) {
    const listed = Array.from(this.engine.pagesToConfirm(kind, at));
    /** @type {Input[]} */
    const list = [];
    if (listed.length && !(await this._ask(listed, true)).length) for (const p of listed) list.push([GONE, p]);
    list.push([ARRIVED, kind, at], [VISIBLE, this._page, visible() ? 1 : 0]);
    this.inputs(list);
  }

  _startQueries() {
    return NAMES.map((name) => {
      try { return this._query ? Promise.resolve(this._query.call(this._permissions, { name })) : null; } catch { return null; }
    });
  }

  /**
   * @param {(Promise<PermissionStatus> | null)[]} pending
   * @param {boolean} subscribe
   */
  async _finishQueries(pending, subscribe) {
    for (let i = 0; i < NAMES.length; i++) {
      let status = null;
      try { status = await pending[i]; } catch { /* the browser cannot query this name */ }
      if (status && typeof status.state === 'string') {
        this.input(NATIVE, i, stateCode(status.state));
        if (subscribe) {
          status.addEventListener('change', () => this.input(NATIVE, i, stateCode(status.state)));
          this._natives.push(status);
        }
      } else {
        // The browser cannot query this name: notifications still have Notification.permission.
        const n = i === NOTIFICATIONS ? notificationState() : UNKNOWN;
        if (n !== UNKNOWN || subscribe) this.input(NATIVE, i, n);
      }
    }
  }

  /**
   * Re-reads the browser's states: on visibility, focus, refresh() and while a recovery help waits. Covers browsers
   * that fire no `change` (Safari) by querying again; the status objects kept from the first query are not read,
   * as WebKit's never update. One query at a time; one asked for meanwhile runs after it.
   */
  recheck() {
    if (!this._natives.some((s) => s.name === 'notifications')) {
      const n = notificationState();
      if (n !== UNKNOWN) this.input(NATIVE, NOTIFICATIONS, n);
    }
    if (this._rechecking) { this._recheckAgain = true; return; }
    this._rechecking = true;
    (async () => {
      do {
        this._recheckAgain = false;
        await this._finishQueries(this._startQueries(), false);
      } while (this._recheckAgain);
      this._rechecking = false;
    })();
  }

  /** Queries the browser's states now; resolves once they are fed. */
  requery() { return this._finishQueries(this._startQueries(), false); }

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
        if (this._heard) this._heard.add(data.p);
        if (data.v !== undefined && !this._gone) this.input(VISIBLE, data.p, data.v);
        if (data.t === 'ping' && !this._gone) /** @type {BroadcastChannel} */ (this._channel).postMessage({ t: 'pong', p: page, v: visible() ? 1 : 0 });
      };
    }
  }

  /**
   * Asks the origin's other pages to answer; resolves with those of `pages` heard from. With `any`, as soon as one
   * is; else when all are, or after the rounds (a page silent in the first round is asked again).
   */
  /**
   * @param {number[]} pages
   * @param {boolean} any
   */
  async _ask(pages, any) {
    if (!this._channel) return pages;
    const heard = new Set();
    this._heard = heard;
    const done = () => (any ? pages.some((p) => heard.has(p)) : pages.every((p) => heard.has(p)));
    rounds: for (const ms of LIVENESS) {
      this._channel.postMessage({ t: 'ping', p: this._page });
      for (let waited = 0; waited < ms; waited += 25) {
        await new Promise((r) => setTimeout(r, 25));
        if (done()) break rounds;
      }
    }
    this._heard = null;
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

  // ---- Uses: the tracks and watches handed out are the tasks' (tasks.js); a use exists only once they loaded.

  /** Clears a geolocation watch, and ends its use if the library handed it out. */
  /** @param {number} watch */
  clearWatch(watch) {
    if (this.loaded) this.loaded.clearWatch(watch);
    else clearWatch(watch);
  }

  // ---- The gated calls and the dialogs (src/runtime/tasks.js): loaded on first need, with the UI.

  /** The page's tasks: the gated calls, the one queue of dialogs, the UI; loaded when first needed. */
  tasks() {
    if (!this._loadingTasks) {
      this._loadingTasks = this.loader.tasks().then((m) => {
        const tasks = (this.loaded = new m.Tasks(this));
        tasks.preload().catch(() => {}); // the UI a dialog of this task may need
        return tasks;
      });
      this._loadingTasks.catch(() => { this._loadingTasks = null; });
    }
    return this._loadingTasks;
  }

  // The gated calls: the tasks' own (tasks.js), once they have loaded.
  /** @param {Parameters<Tasks['request']>} a */
  async request(...a) { return (await this.tasks()).request(...a); }
  /** @param {Parameters<Tasks['getUserMedia']>} a */
  async getUserMedia(...a) { return (await this.tasks()).getUserMedia(...a); }
  /** @param {Parameters<Tasks['getCurrentPosition']>} a */
  async getCurrentPosition(...a) { return (await this.tasks()).getCurrentPosition(...a); }
  /** @param {Parameters<Tasks['watchPosition']>} a */
  async watchPosition(...a) { return (await this.tasks()).watchPosition(...a); }
  /** @param {Parameters<Tasks['requestNotifications']>} a */
  async requestNotifications(...a) { return (await this.tasks()).requestNotifications(...a); }
  /** @param {number} i */
  async help(i) { return (await this.tasks()).help(i); }
  /**
   * What a task's descriptors need (tasks.js `needs`; reads only).
   * @param {unknown} descriptor
   */
  async needs(descriptor) { return (await this.tasks()).needs(descriptor); }
  /**
   * A call of the whole-page polyfill (patch.js), run through the gated calls: (kind, this, arguments, context).
   * @param {[kind: import('./patch.js').Kind, self: unknown, args: unknown[], ctx: import('./patch.js').Context]} a
   */
  async polyfill(...a) {
    const [m, tasks] = await Promise.all([this.loader.tasks(), this.tasks()]);
    return m.polyfill(tasks, ...a);
  }
  /**
   * The browser's own query (kept before any patching), or null where the browser cannot query.
   * @param {PermissionDescriptor} descriptor
   */
  nativeQuery(descriptor) { return this._query ? this._query.call(/** @type {Permissions} */ (this._permissions), descriptor) : null; }

  /** @param {number} i */
  revoke(i) { this.input(REVOKE, i); }
  /** @param {number} i */
  reset(i) { this.input(RESET, i); }

  /**
   * A view of the tasks in `element`: the controls panel, or with `indicator` the in-use indicator (at the end of
   * `element`, floating without one). `{ ready, destroy() }`. The panel loads the tasks and the UI at once; the
   * indicator shows once the tasks have loaded (a gated call that hands out a track loads them), nothing before.
   */
  /**
   * @param {Element | undefined} element
   * @param {boolean} [indicator]
   * @returns {View}
   */
  view(element, indicator) {
    /** @type {{ ready: Promise<boolean> | boolean, destroy(): void } | null} */
    let view = null;
    let destroyed = false;
    /** @param {Tasks} t */
    const show = (t) => (destroyed || view ? false : (view = t[indicator ? 'indicator' : 'controls'](element)).ready);
    const ready = indicator ? (this.indicators.add(show), this._loadingTasks?.then(show), Promise.resolve(true))
      : this.tasks().then(show, (e) => {
        console.warn('jit-permissions: the controls panel could not be shown:', e);
        return false;
      });
    return {
      ready,
      destroy: () => {
        destroyed = true;
        view?.destroy();
        // An indicator waiting for the tasks is forgotten with it (nothing grows with use).
        this.indicators.delete(show);
      },
    };
  }
}
