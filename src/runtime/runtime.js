// The browser layer of jit-permissions: the adapters between the browser and the engine.
//
// Every rule and every decision is the engine's (Rust, `src/core/`, reached through the wasm class `Engine`,
// `src/web/handle.rs`): what a status is, when a grant ends, how records merge, how a page arrived, what a task
// needs asked, what a failed call proves. This module only listens, reads, writes and calls: the browser's own
// permission states and their `change` events, visibility and page lifecycle, origin storage (read, merged, written
// under the Web Locks API), the origin's other pages (a BroadcastChannel), the gated calls and the tracks and
// watches they hand out, the one queue of dialogs, and the UI module (`src/ui/ui.js`, loaded on first need).
//
// The npm package (`js/index.js`) and the Rust API (`src/web/rust_api.rs`, as a wasm-bindgen snippet) both use it.
// Keep it small: it is part of every page's first load.

// Every code of the engine's seam is defined once, in codes.js (checked against the Rust side by `cargo test`).
import {
  ARRIVED, AUDITS, BACK_FORWARD, CAMERA, CHOICES, CLEARED, DENIED, EXPIRIES, GEOLOCATION, GONE, GRANTS,
  MICROPHONE, NAMES, NATIVE, NAVIGATE, NO_GRANT, NOTIFICATIONS, OUT_AUDIT, OUT_CHANGED, OUT_PERSIST, OUT_STOP_USE,
  OUT_UPDATED, REASONS, RELOAD, RESET, REVOCATIONS, REVOKE, SIGNAL_ACTIVATION, SIGNAL_INTENDED, SIGNAL_REFERRER,
  SIGNAL_UNLOAD, STATES, TICK, UNKNOWN, VISIBLE, POLICY, GRANTED, PROMPT, ARRIVAL_SAME_ORIGIN, ARRIVAL_FRESH,
} from './codes.js';
export * from './codes.js';
// (Marked pure, as KEYS and SHARED are, so that the chunks that take a few names from this module leave it out.)
const CAUSES = /* @__PURE__ */ (() => ({ [AUDITS.indexOf('expiry')]: EXPIRIES, [AUDITS.indexOf('revocation')]: REVOCATIONS }))();
/** A liveness check: a first round, then a second chance for a page that is only busy. */
const LIVENESS = [300, 1200];
/** This tab's last leave of a page of the origin, and the page of the origin it set out for (session storage). */
const MARK = 'jit-permissions:left', INTENT = 'jit-permissions:to', INTENT_MS = 10000;

/** The built-in locales; English is in ui.js, the others load on first need. */
export const LOCALES = ['en', 'de', 'fr', 'es', 'ja'];
/** Every key of the `strings` option (the English table of ui.js has each). */
export const KEYS = /* @__PURE__ */ ('allowOnce allowAlways dontAllow close manyTitle manyReason optional alreadyAllowed recoveryIntro retry '
  + 'systemIntro busyIntro panelTitle revoke reset help expiresIn hours minutes inUseNow lastChoice dismissed notAsked inUse '
  + 'notInUse camera,microphone,geolocation,notifications:Title,Reason,Name,Noun,Blocked steps:Chromium,Firefox,Safari,'
  + 'Other,Mac,Windows,Device,Busy system,busy,policy,user,embargo,granted,prompt:Title state:Granted,Denied,Prompt '
  + 'policy,user,embargo,granted,prompt:Text grant:OneTime,Persistent reason:Browser,User,Embargo,System,Policy '
  + 'revoke,reset,help:Label revoke,reset:Hint').split(' ').flatMap((k) => {
  const [a, b] = k.split(':');
  return b ? a.split(',').flatMap((x) => b.split(',').map((y) => x + y)) : a;
});

export const bit = (i) => 1 << i;
export const caps = (mask) => NAMES.map((_, i) => i).filter((i) => mask & bit(i));
/** A browser state's code (UNKNOWN for a word that is none of the standard's). */
const stateCode = (state) => { const c = STATES.indexOf(state); return c < 0 ? UNKNOWN : c; };
const none = (v) => (Number.isNaN(v) ? null : v);
const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
export const typeError = (m) => new TypeError(`jit-permissions: ${m}`);

/** A status object from the engine's codes. */
function statusOf(c) {
  return {
    state: STATES[c[0]] || 'prompt', grant: GRANTS[c[1]] || null, expiresAt: none(c[2]), reason: REASONS[c[3]] || null,
    lastDecision: CHOICES[c[4]] || null, decidedAt: none(c[5]),
  };
}

// ---- Input: options, prompt content and descriptors, checked as the platform checks its own (a TypeError naming
// the field). Options and prompt content are read from own properties only: a polluted Object.prototype is never one.

export function own(o, key) {
  return o !== null && typeof o === 'object' && hasOwn(o, key) && o[key] !== undefined ? o[key] : undefined;
}

function fieldError(field, expected) {
  return typeError(`option '${field}' must be ${expected}`);
}

function onlyKnown(o, known, prefix) {
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw typeError(`unknown option '${prefix}${key}' (known: ${known.join(', ')})`);
  }
}

function group(o, key, field, known) {
  const v = own(o, key);
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object') throw fieldError(field, 'an object');
  onlyKnown(v, known, `${field}.`);
  return v;
}

function str(o, key, field) {
  const v = own(o, key);
  if (v !== undefined && typeof v !== 'string') throw fieldError(field, 'a string');
  return v;
}

function num(o, key, field, min, max) {
  const v = own(o, key);
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw fieldError(field, 'a whole number in range');
  return v;
}

const CENTURY = 100 * 365 * 24 * 3600 * 1000;

/** The prompt argument of a gated call: `{ title, reason, image: { src, alt }, reconsider }`, each optional. */
export function promptContent(value, field = 'prompt') {
  if (value === undefined || value === null) return { content: {}, reconsider: false };
  if (typeof value !== 'object') throw fieldError(field, 'an object');
  onlyKnown(value, ['title', 'reason', 'image', 'reconsider'], `${field}.`);
  const content = { title: str(value, 'title', `${field}.title`), reason: str(value, 'reason', `${field}.reason`) };
  const image = group(value, 'image', `${field}.image`, ['src', 'alt']);
  if (own(value, 'image') !== undefined) {
    const src = str(image, 'src', `${field}.image.src`);
    const alt = str(image, 'alt', `${field}.image.alt`);
    if (src === undefined) throw fieldError(`${field}.image.src`, 'a string');
    if (alt === undefined) throw fieldError(`${field}.image.alt`, 'a string (describe the picture)');
    content.image = { src, alt };
  }
  const reconsider = own(value, 'reconsider');
  if (reconsider !== undefined && typeof reconsider !== 'boolean') throw fieldError(`${field}.reconsider`, 'a boolean');
  return { content, reconsider: reconsider === true };
}

/**
 * `install(options)`, checked. Returns the engine's numbers and what the runtime needs; an unknown or misspelt
 * option is a TypeError naming it.
 */
export function parseOptions(value) {
  if (value === undefined || value === null) value = {};
  if (typeof value !== 'object') throw typeError('options must be an object');
  onlyKnown(value, ['oneTime', 'embargo', 'persistent', 'locale', 'strings', 'prompts', 'storageKey', 'patch', 'clock', 'indicator',
    'headingLevel'], '');
  const oneTime = group(value, 'oneTime', 'oneTime', ['maxLifetime', 'hiddenTimeout']);
  const persistent = group(value, 'persistent', 'persistent', ['unusedAfter']);
  const embargo = group(value, 'embargo', 'embargo', ['dismissals', 'duration']);
  const config = [
    num(oneTime, 'maxLifetime', 'oneTime.maxLifetime', 1, CENTURY) ?? 16 * 3600 * 1000,
    num(oneTime, 'hiddenTimeout', 'oneTime.hiddenTimeout', 1, CENTURY) ?? 5 * 60 * 1000,
    num(embargo, 'dismissals', 'embargo.dismissals', 1, 1000) ?? 3,
    num(embargo, 'duration', 'embargo.duration', 1, CENTURY) ?? 7 * 24 * 3600 * 1000,
    num(persistent, 'unusedAfter', 'persistent.unusedAfter', 1, CENTURY) ?? NaN,
  ];
  const indicator = own(value, 'indicator');
  if (indicator !== undefined && typeof indicator !== 'boolean') throw fieldError('indicator', 'a boolean');
  const storageKey = str(value, 'storageKey', 'storageKey') ?? 'jit-permissions';
  if (!storageKey) throw fieldError('storageKey', 'a non-empty string');
  const strings = {};
  const table = own(value, 'strings');
  if (table !== undefined) {
    if (table === null || typeof table !== 'object') throw fieldError('strings', 'an object');
    for (const [key, text] of Object.entries(table)) {
      if (typeof text !== 'string') throw fieldError(`strings.${key}`, 'a string');
      if (!KEYS.includes(key)) throw typeError(`option 'strings.${key}' is not a known string key`);
      strings[key] = text;
    }
  }
  const prompts = group(value, 'prompts', 'prompts', NAMES);
  const clock = own(value, 'clock');
  if (clock !== undefined && typeof clock !== 'function') throw fieldError('clock', 'a function');
  return {
    config,
    patch: own(value, 'patch'), // checked by patch.js
    indicator: indicator === true,
    headingLevel: num(value, 'headingLevel', 'headingLevel', 1, 6),
    locale: str(value, 'locale', 'locale'),
    strings,
    storageKey,
    prompts: NAMES.map((n) => promptContent(own(prompts, n), `prompts.${n}`).content),
    clock,
  };
}

const QUERY = "Failed to execute 'query' on 'Permissions': ";

/**
 * The gated capability a permission descriptor names (0..3), or -1 for a name that passes through to the browser.
 * A missing descriptor, a non-object or one without a string `name` is a TypeError, as native `query()` says it.
 */
export function classify(value) {
  if (value === undefined) throw new TypeError(`${QUERY}1 argument required, but only 0 present.`);
  if (value === null || typeof value !== 'object') throw new TypeError(`${QUERY}The provided value is not of type 'PermissionDescriptor'.`);
  const name = value.name;
  if (typeof name !== 'string') {
    throw new TypeError(`${QUERY}Failed to read the 'name' property from 'PermissionDescriptor': Required member is undefined or not a string.`);
  }
  return NAMES.indexOf(name);
}

/** A gated capability, or a TypeError. */
export function gated(value) {
  const i = classify(value);
  if (i < 0) throw typeError('the descriptor\'s name must be one of camera, microphone, geolocation, notifications');
  return i;
}




// ---- Locale and browser.

function localeOf(tag) {
  const primary = String(tag).trim().split(/[-_ ]/)[0].toLowerCase();
  return LOCALES.includes(primary) ? primary : null;
}

/** The locale of the built-in strings: the `locale` option, else the first supported of `languages`, else English. */
export function resolveLocale(locale, languages) {
  return (locale && localeOf(locale)) || languages.map(localeOf).find(Boolean) || 'en';
}


// ---- The runtime of one page.

/**
 * Creates the runtime: `makeEngine(page, now)` makes this page's engine (the wasm class `Engine` with the options'
 * numbers), `options` as parseOptions() gives them, `hooks.status(index, status, changed)` and `hooks.audit(record)`
 * where it reports, and `loader.load(tag)` resolving with `[ui, strings]` on first need.
 */
export function createRuntime(makeEngine, options, hooks, loader) {
  // One runtime per page (issue 24), shared by the npm package and the Rust API (each has its own copy of this
  // module): a later caller joins the first one's runtime, hears its hooks, and is warned when its options differ.
  // What is shared through the page's global is a facade of the runtime, never the runtime: only what the public
  // controller can do (each call goes through the person's dialogs, or only reads), so no script on the page reaches
  // `input` (a decision recorded with no dialog), the engine or the tasks (issue 20).
  const page = Symbol.for('jit-permissions.page');
  const shared = globalThis[page];
  if (shared && typeof shared.join === 'function') return shared.join(options, hooks);
  const rt = new Runtime(makeEngine, options, hooks, loader);
  const facade = {
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
  };
  for (const k of SHARED) Object.defineProperty(facade, k, { value: rt[k].bind(rt), enumerable: true });
  try { Object.defineProperty(globalThis, page, { value: Object.seal(facade) }); } catch { /* defined meanwhile */ }
  return rt;
}

/** What a second installer on the page may call (see createRuntime). */
const SHARED = /* @__PURE__ */ ('start check status request getUserMedia getCurrentPosition watchPosition clearWatch requestNotifications '
  + 'revoke reset help view recheck nativeQuery needs polyfill').split(' ');

class Runtime {
  constructor(makeEngine, options, hooks, loader) {
    if (typeof window === 'undefined') throw new Error('jit-permissions needs a browser: there is no window here');
    this.options = options;
    this.hooks = hooks;
    this._page = 1 + Math.floor(Math.random() * 2 ** 52);
    this.engine = makeEngine(this._page, this.now());
    // The page's language (`<html lang>`) first, then the browser's: the dialogs follow the page.
    this.locale = resolveLocale(options.locale, [document.documentElement?.lang, ...((navigator && navigator.languages) || [])]);
    this.loader = loader;
    this.updates = new Set(); // mounted panels' update functions
    this.indicators = new Set(); // the indicators' show(tasks), called once the tasks have loaded
    this._loadingTasks = null;
    this.loaded = null; // the tasks, once loaded: they keep the tracks and watches handed out (uses)
    this._deadline = null;
    this._timer = 0;
    this._natives = []; // the browser's status objects, kept alive with their `change` listeners
    this._heard = null;
    this._gone = false;
    this._leftAt = null;
    this._rechecking = false;
    this._recheckAgain = false;
    this._saving = false;
    this._saveAgain = false;
    this._warned = false;
    this._corrupt = null;
    // Audits found while start() runs (an expiry overnight, a cleared record), held until it resolves: nobody can
    // listen before install() resolves.
    this._early = [];
    this._stored = false; // a record of this page's is in storage (read or written): its disappearance is a clear
    // The browser's own query, where the interface defines it, kept before the library patches anything.
    this._permissions = navigator.permissions;
    const proto = typeof Permissions === 'function' ? Permissions.prototype : null;
    this._query = options.natives?.query || (proto && typeof proto.query === 'function' ? proto.query
      : this._permissions && typeof this._permissions.query === 'function' ? this._permissions.query : null);
    try { this._storage = window.localStorage; } catch { this._storage = null; }
    if (!this._storage) this._memory();
    try { this._channel = new BroadcastChannel(`jit-permissions:${options.storageKey}`); } catch { this._channel = null; }
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

  inputs(list) {
    const now = this.now();
    for (const [kind, a = 0, b = 0] of list) this.engine.input(now, kind, a, b);
    this.carryOut(this.drain());
  }

  input(kind, a, b) { this.inputs([[kind, a, b]]); }

  drain() {
    const out = [];
    for (let o = this.engine.next(); o.length; o = this.engine.next()) out.push(o);
    return out;
  }

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
      const record = { type, name: NAMES[cap], detail: null, at: this.now() };
      if (type === 'decision') record.detail = record.choice = CHOICES[detail];
      else if (CAUSES[kind]) record.detail = record.cause = CAUSES[kind][detail];
      else if (type === 'embargo') record.detail = record.until = number;
      this.audit(record);
    }
    this._arm();
    if (outputs.length) for (const update of [...this.updates]) update();
  }

  /** Reports an audit record, or holds it while the runtime starts. */
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

  status(i) {
    const s = statusOf(this.engine.status(this.now(), i));
    this.carryOut(this.drain());
    return s;
  }

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
    return (this._started ||= this._start()).then(() => { for (let i = 0; i < 4; i++) this.hooks.status(i, this.status(i), false); });
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
    const early = this._early;
    this._early = null;
    setTimeout(() => { for (const r of early) this.hooks.audit(r); });
  }

  /** How this document came: the navigation type and the browser's signals, classified by the engine. */
  _arrival() {
    let entry;
    try { entry = performance.getEntriesByType('navigation')[0]; } catch { entry = null; }
    const type = entry && entry.type;
    const signals = (activationFromHere() ? SIGNAL_ACTIVATION : 0) | (entry && entry.unloadEventStart > 0 ? SIGNAL_UNLOAD : 0)
      | (referrerFromHere() ? SIGNAL_REFERRER : 0) | (intended() ? SIGNAL_INTENDED : 0);
    const kind = this.engine.arrival(type === 'reload' ? RELOAD : type === 'back_forward' ? BACK_FORWARD : NAVIGATE, signals);
    return [kind, this.now() - (globalThis.performance ? performance.now() : 0)];
  }

  /**
   * This page arrives. When a one-time grant depends on other listed pages (no handover proves it), they are asked
   * first: one heard from keeps it; none heard from in two rounds are gone. The pages gone, the arrival and the
   * page's visibility go in together, with no write between them.
   */
  async _arrive([kind, at]) {
    const listed = Array.from(this.engine.pagesToConfirm(kind, at));
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
    const policy = document.permissionsPolicy || document.featurePolicy;
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
    try { crossOrigin = window.top !== window && (window.top.location.href, false); } catch { crossOrigin = true; }
    if (crossOrigin) this._blockByPolicy([CAMERA, MICROPHONE, GEOLOCATION].filter((i) => this.engine.native(i) === DENIED));
  }

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
      const mark = Number((sessionStore() || {}).getItem?.(MARK));
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
        if (this._load(e.newValue)) this.carryOut(this.drain());
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
        if (data.t === 'ping' && !this._gone) this._channel.postMessage({ t: 'pong', p: page, v: visible() ? 1 : 0 });
      };
    }
  }

  /**
   * Asks the origin's other pages to answer; resolves with those of `pages` heard from. With `any`, as soon as one
   * is; else when all are, or after the rounds (a page silent in the first round is asked again).
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

  async request(...a) { return (await this.tasks()).request(...a); }
  async getUserMedia(...a) { return (await this.tasks()).getUserMedia(...a); }
  async getCurrentPosition(...a) { return (await this.tasks()).getCurrentPosition(...a); }
  async watchPosition(...a) { return (await this.tasks()).watchPosition(...a); }
  async requestNotifications(...a) { return (await this.tasks()).requestNotifications(...a); }
  async help(i) { return (await this.tasks()).help(i); }
  /** What a task's descriptors need (tasks.js `needs`; reads only). */
  async needs(descriptor) { return (await this.tasks()).needs(descriptor); }
  /** A call of the whole-page polyfill (patch.js), run through the gated calls. */
  async polyfill(...a) {
    const [m, tasks] = await Promise.all([this.loader.tasks(), this.tasks()]);
    return m.polyfill(tasks, ...a);
  }
  /** The browser's own query (kept before any patching), or null where the browser cannot query. */
  nativeQuery(descriptor) { return this._query ? this._query.call(this._permissions, descriptor) : null; }

  revoke(i) { this.input(REVOKE, i); }
  reset(i) { this.input(RESET, i); }

  /**
   * A view of the tasks in `element`: the controls panel, or with `indicator` the in-use indicator (at the end of
   * `element`, floating without one). `{ ready, destroy() }`. The panel loads the tasks and the UI at once; the
   * indicator shows once the tasks have loaded (a gated call that hands out a track loads them), nothing before.
   */
  view(element, indicator) {
    let view = null;
    let destroyed = false;
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

// ---- The browser's signals and calls.

export function visible() {
  return document.visibilityState !== 'hidden';
}

function sessionStore() {
  try { return window.sessionStorage; } catch { return null; }
}

function activationFromHere() {
  try { return Boolean(navigation.activation.from); } catch { return false; }
}

function referrerFromHere() {
  const origin = location.origin;
  const r = document.referrer;
  return origin !== 'null' && (r === origin || r.startsWith(`${origin}/`));
}

/** The origin and path of a URL of this origin, or null. */
function ownPath(url) {
  try {
    const u = new URL(url, location.href);
    return u.origin === location.origin ? u.origin + u.pathname : null;
  } catch { return null; }
}

/** This document is the page of this origin the last page in this tab set out for, a moment ago (used once). */
function intended() {
  const s = sessionStore();
  const note = s && s.getItem(INTENT);
  if (!note) return false;
  s.removeItem(INTENT);
  const cut = note.lastIndexOf(' ');
  return Math.abs(Date.now() - Number(note.slice(cut + 1))) < INTENT_MS && note.slice(0, cut) === ownPath(location.href);
}

/** Notes, for the page that arrives, that a trusted click on a link or a submitted form sets out for this origin. */
function noteIntent(e) {
  if (!e.isTrusted || !(e.target instanceof Element)) return;
  const url = e.type === 'submit' ? e.target.action : e.target.closest('a[href],area[href]')?.href;
  const path = url && ownPath(url);
  const s = sessionStore();
  if (path && s) try { s.setItem(INTENT, `${path} ${Date.now()}`); } catch { /* storage full */ }
}

function markLeave() {
  const t = Date.now();
  try { sessionStore()?.setItem(MARK, String(t)); } catch { /* storage full */ }
  return t;
}

function notificationState() {
  if (typeof Notification !== 'function') return UNKNOWN;
  return { granted: GRANTED, denied: DENIED }[Notification.permission] ?? PROMPT;
}

export function clearWatch(id) {
  try { navigator.geolocation.clearWatch(id); } catch { /* no geolocation */ }
}




