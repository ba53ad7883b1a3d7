// @ts-check
// The core of the runtime of one page (runtime.js's Runtime extends it): the adapters between the browser and the
// engine that every page needs, whatever its surroundings. Every rule and every decision is the engine's; this class
// only reads, writes and calls:
// - the engine: inputs in, outputs carried out (the hooks hear statuses and audit records), the clock check, and the
//   timer of the engine's next deadline;
// - origin storage: read, merged and written (under the Web Locks API where the browser has it);
// - the browser's own permission states: queried, their `change` events heard, re-checked;
// - the tasks (src/runtime/tasks.js: the gated calls, the dialogs, the UI), loaded on first need, the uses they hand
//   out, and the views (the controls panel, the in-use indicator).
//
// Part of every page's first load (runtime.js imports it; js/index.js bundles it); the Rust API has it as a
// wasm-bindgen snippet.
import {
  AUDITS, CHOICES, CLEARED, EXPIRIES, GRANTS, NAMES, NATIVE, NO_GRANT, NOTIFICATIONS, OUT_CHANGED, OUT_PERSIST, OUT_STOP_USE,
  OUT_UPDATED, REASONS, RESET, REVOCATIONS, REVOKE, STATES, TICK, UNKNOWN,
} from './codes.js';
import { resolveLocale } from './options.js';
import { clearWatch, notificationState } from './browser.js';

/** @typedef {import('./runtime.js').Options} Options */
/** @typedef {import('./runtime.js').MakeEngine} MakeEngine */
/** @typedef {import('./runtime.js').Status} Status */
/** @typedef {import('./runtime.js').AuditRecord} AuditRecord */
/** @typedef {import('./runtime.js').Hooks} Hooks */
/** @typedef {import('./runtime.js').Loader} Loader */
/** @typedef {import('./runtime.js').Tasks} Tasks */
/** @typedef {import('./runtime.js').View} View */
/** @typedef {import('./runtime.js').Input} Input */

// (Marked pure, as KEYS and SHARED are, so that the chunks that take a few names from the runtime leave it out.)
const CAUSES = /* @__PURE__ */ (() => ({ [AUDITS.indexOf('expiry')]: EXPIRIES, [AUDITS.indexOf('revocation')]: REVOCATIONS }))();
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

export class RuntimeCore {
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
    /** @type {Set<(page: number) => void>} */
    this._hearers = new Set(); // the liveness checks under way, each told of every page heard from
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

  /**
   * Reports an audit record, or holds it while the runtime starts.
   * @param {AuditRecord} record
   */
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

  /**
   * Merges stored text into this page's record; false when it is not a record of this library (warned once).
   * @param {string} text
   */
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

  // ---- Uses: the tracks and watches handed out are the tasks' (tasks.js); a use exists only once they loaded.

  /**
   * Clears a geolocation watch, and ends its use if the library handed it out.
   * @param {number} watch
   */
  clearWatch(watch) {
    if (this.loaded) this.loaded.clearWatch(watch);
    else clearWatch(watch);
  }

  // ---- The gated calls and the dialogs (src/runtime/tasks.js): loaded on first need, with the UI.

  /** The page's tasks: the gated calls, the one queue of dialogs, the UI; loaded when first needed. */
  tasks() {
    if (!this._loadingTasks) {
      this._loadingTasks = this.loader.tasks().then((m) => {
        const tasks = (this.loaded = new m.Tasks(/** @type {import('./dialogs.js').Rt} */ (/** @type {unknown} */ (this))));
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
   * @param {Element | undefined} element
   * @param {boolean} [indicator]
   * @returns {View}
   */
  view(element, indicator) {
    /** @type {{ ready: Promise<boolean> | boolean, destroy(): void } | null} */
    let view = null;
    let destroyed = false;
    /** @param {Tasks} t */
    const show = (t) => (destroyed || view ? false : (view = t[indicator ? 'indicator' : 'controls'](/** @type {Element} */ (element))).ready);
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
