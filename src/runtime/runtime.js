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

const NAMES = ['camera', 'microphone', 'geolocation', 'notifications'];
const STATES = ['granted', 'denied', 'prompt'];
const GRANTS = ['one-time', 'persistent'];
const REASONS = ['browser', 'user', 'embargo', 'system', 'policy'];
const CHOICES = ['allow-once', 'allow-always', 'dont-allow', 'dismiss'];
const REFUSALS = ['dismissed', 'user', 'embargo', 'browser', 'system', 'policy'];
const AUDITS = ['prompt-shown', 'decision', 'expiry', 'revocation', 'reset', 'embargo'];
const CAUSES = { 2: ['max-lifetime', 'hidden', 'pages-gone', 'unused'], 3: ['manual', 'browser', 'cleared'] };
// Engine inputs (src/web/handle.rs).
const TICK = 0, NATIVE = 1, POLICY = 2, DECISION = 3, ACCESS = 4, REVOKE = 5, RESET = 6, SHOWN = 7, ARRIVED = 8,
  VISIBLE = 9, GONE = 10, USE_STARTED = 11, USE_ENDED = 12, CLEARED = 13;
const CAMERA = 0, MICROPHONE = 1, GEOLOCATION = 2, NOTIFICATIONS = 3;
const REFUSE_DISMISSED = 0, REFUSE_USER = 1, REFUSE_BROWSER = 3;
/** A liveness check: a first round, then a second chance for a page that is only busy. */
const LIVENESS = [300, 1200];
/** How many times a call re-checks and asks again before it gives up. */
const ROUNDS = 3;
/** This tab's last leave of a page of the origin, and the page of the origin it set out for (session storage). */
const MARK = 'jit-permissions:left', INTENT = 'jit-permissions:to', INTENT_MS = 10000;

/** The built-in locales; English is in ui.js, the others load on first need. */
export const LOCALES = ['en', 'de', 'fr', 'es', 'ja'];
/** Every key of the `strings` option (the English table of ui.js has each). */
export const KEYS = ('allowOnce allowAlways dontAllow close cameraTitle cameraReason microphoneTitle microphoneReason '
  + 'geolocationTitle geolocationReason notificationsTitle notificationsReason cameraName microphoneName geolocationName '
  + 'notificationsName cameraBlocked microphoneBlocked geolocationBlocked notificationsBlocked recoveryIntro stepsChromium '
  + 'stepsFirefox stepsSafari stepsOther panelTitle stateGranted stateDenied statePrompt grantOneTime grantPersistent '
  + 'reasonBrowser reasonUser reasonEmbargo revoke reset help revokeLabel resetLabel helpLabel expiresIn').split(' ');

const bit = (i) => 1 << i;
const caps = (mask) => [0, 1, 2, 3].filter((i) => mask & bit(i));
const none = (v) => (Number.isNaN(v) ? null : v);
const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const typeError = (m) => new TypeError(`jit-permissions: ${m}`);

/** A status object from the engine's codes. */
function statusOf(c) {
  return {
    state: STATES[c[0]] || 'prompt', grant: GRANTS[c[1]] || null, expiresAt: none(c[2]), reason: REASONS[c[3]] || null,
    lastDecision: CHOICES[c[4]] || null, decidedAt: none(c[5]),
  };
}

// ---- Input: options, prompt content and descriptors, checked as the platform checks its own (a TypeError naming
// the field). Options and prompt content are read from own properties only: a polluted Object.prototype is never one.

function own(o, key) {
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
  onlyKnown(value, ['oneTime', 'embargo', 'persistent', 'locale', 'strings', 'prompts', 'storageKey', 'patch', 'clock'], '');
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
  const patch = own(value, 'patch');
  if (patch !== undefined && typeof patch !== 'boolean') throw fieldError('patch', 'a boolean');
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
    patch: patch === true,
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

/** The capabilities of a `request()`: one descriptor, or a non-empty list of them (each may be `optional: true`). */
export function needs(value) {
  if (!Array.isArray(value)) return { required: bit(gated(value)), optional: 0, list: false };
  if (!value.length) throw typeError('request() needs at least one descriptor');
  let required = 0, optional = 0;
  for (const entry of value) {
    const b = bit(gated(entry));
    const opt = own(entry, 'optional');
    if (opt !== undefined && typeof opt !== 'boolean') throw typeError('a descriptor\'s \'optional\' must be a boolean');
    if (opt) optional |= b; else required |= b;
  }
  optional &= ~required;
  if (!required) throw typeError('request() needs at least one descriptor that is not optional');
  return { required, optional, list: true, order: value.map((d) => NAMES.indexOf(d.name)).filter((i, k, a) => a.indexOf(i) === k) };
}

/**
 * getUserMedia constraints as the browser reads them (WebIDL): `audio` and `video` each read once, `undefined` as
 * absent, `null` and any object as a request, anything else by its truth. Returns a fresh constraints object with
 * exactly what was read (a getter answering differently the second time cannot request what was not gated) and the
 * capabilities it asks for; a TypeError as the browser would throw.
 */
export function readConstraints(value) {
  const gum = "Failed to execute 'getUserMedia' on 'MediaDevices': ";
  if (value !== undefined && value !== null && typeof value !== 'object' && typeof value !== 'function') {
    throw new TypeError(`${gum}The provided value is not of type 'MediaStreamConstraints'.`);
  }
  const read = {};
  let mask = 0;
  for (const [key, cap] of [['audio', MICROPHONE], ['peerIdentity', -1], ['video', CAMERA]]) {
    const member = value == null ? undefined : value[key];
    if (member === undefined) continue;
    if (cap < 0) { read[key] = member; continue; }
    const asked = member === null || typeof member === 'object' || typeof member === 'function' ? true : Boolean(member);
    read[key] = member === null ? {} : typeof member === 'object' || typeof member === 'function' ? member : asked;
    if (asked) mask |= bit(cap);
  }
  if (!mask) throw new TypeError(`${gum}At least one of audio and video must be requested`);
  return { constraints: read, mask };
}

/** A NotAllowedError DOMException with its `reason` (dismissed, user, embargo, browser, system, policy). */
export function notAllowed(mask, why, detail) {
  const what = caps(mask).map((i) => NAMES[i]).join(' or ');
  const text = [' was not allowed: the prompt was dismissed', ' was not allowed: the person chose Don\'t allow',
    ' is paused after repeated dismissals (embargo)', ' is blocked in the browser\'s settings',
    ' is blocked by the operating system\'s privacy settings', ' is not allowed in this frame by its Permissions Policy'][why];
  const e = new DOMException(`jit-permissions: ${what}${text}${detail ? ` (${detail})` : ''}`, 'NotAllowedError');
  Object.defineProperty(e, 'reason', { value: REFUSALS[why], enumerable: true });
  return e;
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

function browserFamily() {
  const ua = (globalThis.navigator && navigator.userAgent) || '';
  if (/Firefox\/|FxiOS\//.test(ua)) return 'firefox';
  if (/Chrome\/|Chromium\/|CriOS\/|Edg|OPR\//.test(ua)) return 'chromium';
  if (/Safari\/|AppleWebKit\//.test(ua)) return 'safari';
  return 'other';
}

// ---- The runtime of one page.

/**
 * Creates the runtime: `makeEngine(page, now)` makes this page's engine (the wasm class `Engine` with the options'
 * numbers), `options` as parseOptions() gives them, `hooks.status(index, status, changed)` and `hooks.audit(record)`
 * where it reports, and `loader.load(tag)` resolving with `[ui, strings]` on first need.
 */
export function createRuntime(makeEngine, options, hooks, loader) {
  return new Runtime(makeEngine, options, hooks, loader);
}

class Runtime {
  constructor(makeEngine, options, hooks, loader) {
    if (typeof window === 'undefined') throw new Error('jit-permissions needs a browser: there is no window here');
    this.options = options;
    this.hooks = hooks;
    this.page = 1 + Math.floor(Math.random() * 2 ** 52);
    this.engine = makeEngine(this.page, this.now());
    const languages = Array.from((navigator && navigator.languages) || []);
    this.locale = resolveLocale(options.locale, languages);
    this.loader = loader;
    this.loading = null;
    this.updates = new Set(); // mounted panels' update functions
    this.uses = new Map(); // use id -> { track } | { watch }
    this.nextUse = 1;
    this.deadline = null;
    this.timer = 0;
    this.queue = Promise.resolve();
    this.pending = new Map(); // capability mask -> the shared dialog's promise
    this.natives = []; // the browser's status objects, kept alive with their `change` listeners
    this.heard = null;
    this.gone = false;
    this.leftAt = null;
    this.rechecking = false;
    this.recheckAgain = false;
    this.saving = false;
    this.saveAgain = false;
    this.warned = false;
    this.corrupt = null;
    // The browser's own query, where the interface defines it, kept before the library patches anything.
    this.permissions = navigator.permissions;
    const proto = typeof Permissions === 'function' ? Permissions.prototype : null;
    this.query = proto && typeof proto.query === 'function' ? proto.query
      : this.permissions && typeof this.permissions.query === 'function' ? this.permissions.query : null;
    try { this.storage = window.localStorage; } catch { this.storage = null; }
    if (!this.storage) this.memory();
    try { this.channel = new BroadcastChannel(`jit-permissions:${options.storageKey}`); } catch { this.channel = null; }
  }

  now() {
    let t;
    try { t = this.options.clock ? Number(this.options.clock()) : Date.now(); } catch { t = Date.now(); }
    return Number.isFinite(t) && t > 0 ? t : 0;
  }

  memory() {
    if (!this.warned) {
      this.warned = true;
      console.warn('jit-permissions: origin storage is unavailable; decisions are kept in memory for this page only');
    }
  }

  get inMemory() { return this.warned; }

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
      if (o[0] <= 1) this.hooks.status(o[1], statusOf(o.slice(2)), o[0] === 0);
      else if (o[0] === 2) this.stopUse(o[1]);
      else if (o[0] === 3) write = true;
      else audits.push(o);
    }
    if (write && persist) this.persist();
    for (const [, kind, cap, detail, number] of audits) {
      const type = AUDITS[kind];
      const record = { type, name: NAMES[cap], detail: null, at: this.now() };
      if (type === 'decision') record.detail = record.choice = CHOICES[detail];
      else if (CAUSES[kind]) record.detail = record.cause = CAUSES[kind][detail];
      else if (type === 'embargo') record.detail = record.until = number;
      this.hooks.audit(record);
    }
    this.arm();
    if (outputs.length) for (const update of [...this.updates]) update();
  }

  /** The clock check: a tick when a deadline passed (cheap otherwise). Every read and gated call runs it first. */
  check() {
    if (this.deadline !== null && this.now() >= this.deadline) this.input(TICK);
  }

  status(i) {
    const s = statusOf(this.engine.status(this.now(), i));
    this.carryOut(this.drain());
    return s;
  }

  standing(i) {
    const g = this.engine.standingGrant(this.now(), i);
    this.carryOut(this.drain());
    return g >= 0;
  }

  arm() {
    const d = none(this.engine.deadline());
    if (d === this.deadline && this.timer) return;
    this.deadline = d;
    clearTimeout(this.timer);
    // setTimeout overflows past 2^31 - 1 ms: a far deadline is re-armed when this fires.
    this.timer = d === null ? 0 : setTimeout(() => { this.timer = 0; this.input(TICK); }, Math.min(Math.max(0, d - this.now()), 2 ** 30));
  }

  // ---- Storage: read what is stored, merge, write; under the Web Locks API where the browser has it (at once when
  // the page is leaving: a lock granted later would come too late).

  read() {
    if (!this.storage) return null;
    try { return this.storage.getItem(this.options.storageKey); } catch { this.memory(); return null; }
  }

  /** Merges stored text into this page's record; false when it is not a record of this library (warned once). */
  load(text) {
    if (text === this.corrupt) return false;
    const warning = this.engine.load(this.now(), text);
    if (warning) {
      this.corrupt = text;
      console.warn(`jit-permissions: discarded stored permission data: ${warning}`);
      return false;
    }
    return true;
  }

  persist() {
    const locks = this.storage && navigator.locks;
    if (!locks || this.gone) return this.saveNow();
    if (this.saving) { this.saveAgain = true; return; }
    this.saving = true;
    locks.request(`jit-permissions:${this.options.storageKey}`, () => {
      this.saving = false;
      this.saveNow();
      if (this.saveAgain) { this.saveAgain = false; this.persist(); }
    }).catch(() => { if (this.saving) { this.saving = false; this.saveNow(); } });
  }

  saveNow() {
    if (!this.storage) return;
    const text = this.read();
    if (text) this.load(text);
    const outputs = this.drain();
    try { this.storage.setItem(this.options.storageKey, this.engine.record()); } catch { this.memory(); }
    this.carryOut(outputs, false);
  }

  // ---- Start.

  async start() {
    const stored = this.read();
    if (stored) { this.load(stored); this.carryOut(this.drain()); }
    this.listen();
    const policyApi = this.detectPolicy();
    const queries = this.startQueries();
    await this.arrive(this.arrival());
    await this.finishQueries(queries, true);
    if (!policyApi) this.guessPolicy();
    this.prune();
    for (let i = 0; i < 4; i++) this.hooks.status(i, this.status(i), false);
  }

  /** How this document came: the navigation type and the browser's signals, classified by the engine. */
  arrival() {
    let entry;
    try { entry = performance.getEntriesByType('navigation')[0]; } catch { entry = null; }
    const type = entry && entry.type;
    const signals = (activationFromHere() ? 1 : 0) | (entry && entry.unloadEventStart > 0 ? 2 : 0)
      | (referrerFromHere() ? 4 : 0) | (intended() ? 8 : 0);
    const kind = this.engine.arrival(type === 'reload' ? 1 : type === 'back_forward' ? 2 : 0, signals);
    return [kind, this.now() - (globalThis.performance ? performance.now() : 0)];
  }

  /**
   * This page arrives. When a one-time grant depends on other listed pages (no handover proves it), they are asked
   * first: one heard from keeps it; none heard from in two rounds are gone. The pages gone, the arrival and the
   * page's visibility go in together, with no write between them.
   */
  async arrive([kind, at]) {
    const listed = Array.from(this.engine.pagesToConfirm(kind, at));
    const list = [];
    if (listed.length && !(await this.ask(listed, true)).length) for (const p of listed) list.push([GONE, p]);
    list.push([ARRIVED, kind, at], [VISIBLE, this.page, visible() ? 1 : 0]);
    this.inputs(list);
  }

  startQueries() {
    return NAMES.map((name) => {
      try { return this.query ? Promise.resolve(this.query.call(this.permissions, { name })) : null; } catch { return null; }
    });
  }

  async finishQueries(pending, subscribe) {
    for (let i = 0; i < 4; i++) {
      let status = null;
      try { status = await pending[i]; } catch { /* the browser cannot query this name */ }
      if (status && typeof status.state === 'string') {
        this.input(NATIVE, i, STATES.indexOf(status.state) & 3);
        if (subscribe) {
          status.addEventListener('change', () => this.input(NATIVE, i, STATES.indexOf(status.state) & 3));
          this.natives.push(status);
        }
      } else {
        // The browser cannot query this name: notifications still have Notification.permission.
        const n = i === NOTIFICATIONS ? notificationState() : 3;
        if (n !== 3 || subscribe) this.input(NATIVE, i, n);
      }
    }
  }

  /**
   * Re-reads the browser's states: on visibility, focus, refresh() and while a recovery help waits. Covers browsers
   * that fire no `change` (Safari) by querying again; the status objects kept from the first query are not read,
   * as WebKit's never update. One query at a time; one asked for meanwhile runs after it.
   */
  recheck() {
    if (!this.natives.some((s) => s.name === 'notifications')) {
      const n = notificationState();
      if (n !== 3) this.input(NATIVE, NOTIFICATIONS, n);
    }
    if (this.rechecking) { this.recheckAgain = true; return; }
    this.rechecking = true;
    (async () => {
      do {
        this.recheckAgain = false;
        await this.finishQueries(this.startQueries(), false);
      } while (this.recheckAgain);
      this.rechecking = false;
    })();
  }

  /**
   * The frame's Permissions Policy where the browser exposes it: a capability it does not allow is denied, reason
   * policy, with one console message naming the missing `allow` attribute. Returns whether it is exposed.
   */
  detectPolicy() {
    const policy = document.permissionsPolicy || document.featurePolicy;
    if (!policy || typeof policy.allowsFeature !== 'function') return false;
    this.blockByPolicy([CAMERA, MICROPHONE, GEOLOCATION].filter((i) => policy.allowsFeature(NAMES[i]) === false));
    return true;
  }

  /**
   * Where the policy is not exposed (Firefox, WebKit): in a frame of another origin than its top page, a capability
   * the browser denies from the first query is taken as not allowed by the frame's policy (those engines answer
   * `denied` there for a frame without `allow`). A block the person set for the embedding site looks the same.
   */
  guessPolicy() {
    let crossOrigin = false;
    try { crossOrigin = window.top !== window && (window.top.location.href, false); } catch { crossOrigin = true; }
    if (crossOrigin) this.blockByPolicy([CAMERA, MICROPHONE, GEOLOCATION].filter((i) => this.engine.native(i) === 1));
  }

  blockByPolicy(list) {
    for (const i of list) {
      console.warn(`jit-permissions: this frame's Permissions Policy does not allow ${NAMES[i]}: the <iframe> that embeds it `
        + `needs allow="${NAMES[i]}" (or the page's Permissions-Policy header blocks it). Gated calls reject with `
        + 'NotAllowedError, reason \'policy\'.');
    }
    if (list.length) this.inputs(list.map((i) => [POLICY, i, 0]));
  }

  listen() {
    const page = this.page;
    document.addEventListener('visibilitychange', () => {
      // Unloading fires pagehide, then visibilitychange to hidden: a page that is gone must not list itself again.
      if (this.gone) return;
      this.input(VISIBLE, page, visible() ? 1 : 0);
      if (visible()) this.recheck();
    });
    addEventListener('focus', () => { this.input(TICK); this.recheck(); });
    // The link followed or the form submitted to a page of this origin: a signal for the page that arrives.
    document.addEventListener('click', noteIntent, true);
    document.addEventListener('submit', noteIntent, true);
    addEventListener('pagehide', () => {
      // Closed, navigated, reloaded or put in the back/forward cache: this page leaves. The write is synchronous.
      this.gone = true;
      this.leftAt = markLeave();
      this.input(GONE, page);
    });
    addEventListener('pageshow', (e) => {
      if (!e.persisted) return;
      // Back from the back/forward cache: an arrival like any other, then a re-check.
      this.gone = false;
      const stored = this.read();
      if (stored && this.load(stored)) this.carryOut(this.drain());
      const mark = Number((sessionStore() || {}).getItem?.(MARK));
      const kind = activationFromHere() || (this.leftAt !== null && mark > this.leftAt) ? 1 : 2;
      this.arrive([kind, this.now()]).then(() => this.recheck());
    });
    addEventListener('storage', (e) => {
      // sessionStorage fires `storage` too.
      if (!this.storage || e.storageArea !== this.storage) return;
      if (e.key === null || (e.key === this.options.storageKey && e.newValue === null)) this.input(CLEARED);
      else if (e.key === this.options.storageKey) {
        // Rewritten with something else: what this page knows is written back.
        if (this.load(e.newValue)) this.carryOut(this.drain());
        else this.persist();
      }
    });
    if (this.channel) {
      this.channel.onmessage = ({ data }) => {
        if (!data || typeof data.p !== 'number') return;
        // Any message is a sign of life (an arriving page asks too).
        if (this.heard) this.heard.add(data.p);
        if (data.t === 'ping' && !this.gone) this.channel.postMessage({ t: 'pong', p: page });
      };
    }
  }

  /**
   * Asks the origin's other pages to answer; resolves with those of `pages` heard from. With `any`, as soon as one
   * is; else when all are, or after the rounds (a page silent in the first round is asked again).
   */
  async ask(pages, any) {
    if (!this.channel) return pages;
    const heard = new Set();
    this.heard = heard;
    const done = () => (any ? pages.some((p) => heard.has(p)) : pages.every((p) => heard.has(p)));
    rounds: for (const ms of LIVENESS) {
      this.channel.postMessage({ t: 'ping', p: this.page });
      for (let waited = 0; waited < ms; waited += 25) {
        await new Promise((r) => setTimeout(r, 25));
        if (done()) break rounds;
      }
    }
    this.heard = null;
    return pages.filter((p) => heard.has(p));
  }

  /** Pages listed in the record that answer neither round are gone (a crash leaves its entry behind). */
  async prune() {
    const listed = Array.from(this.engine.pages()).filter((p) => p !== this.page);
    if (!listed.length) return;
    const heard = await this.ask(listed, false);
    const gone = listed.filter((p) => !heard.includes(p));
    if (gone.length) this.inputs(gone.map((p) => [GONE, p]));
  }

  // ---- Uses: the tracks and watches the library handed out, stopped when their capability is not granted.

  trackStarted(i, track) {
    const id = this.nextUse++;
    // stop() fires no `ended`, so the handed-out track's own stop is wrapped (the same object, not a clone).
    const original = track.stop;
    const rt = this;
    if (typeof original === 'function') track.stop = function stop() { original.call(track); rt.useEnded(id); };
    track.addEventListener('ended', () => this.useEnded(id), { once: true });
    this.uses.set(id, { track });
    this.input(USE_STARTED, i, id);
  }

  watchStarted(watch) {
    const id = this.nextUse++;
    this.uses.set(id, { watch });
    this.input(USE_STARTED, GEOLOCATION, id);
  }

  useEnded(id) {
    const use = this.uses.get(id);
    if (!use) return;
    this.uses.delete(id);
    if (use.watch !== undefined) clearWatch(use.watch);
    this.input(USE_ENDED, id);
  }

  clearWatch(watch) {
    for (const [id, use] of this.uses) if (use.watch === watch) return this.useEnded(id);
    clearWatch(watch);
  }

  stopUse(id) {
    const use = this.uses.get(id);
    if (!use) return;
    this.uses.delete(id);
    if (use.track) {
      // The browser's own stop (the instance property is the wrapper), then `ended`, as when the browser ends a
      // track, so the site's own handlers run.
      delete use.track.stop;
      use.track.stop();
      use.track.dispatchEvent(new Event('ended'));
    } else clearWatch(use.watch);
  }

  // ---- The UI: loaded on first need (a gated call starts it before the status check; so does the panel).

  preload() {
    if (!this.loading) {
      this.loading = this.loader.load(this.locale);
      this.loading.catch(() => { this.loading = null; });
    }
    return this.loading;
  }

  /** The UI module and its strings: English, then the locale's, then the site's overrides. */
  async ui() {
    const [ui, table] = await this.preload();
    return [ui, Object.assign({}, ui.en, table, this.options.strings)];
  }

  // ---- The gated calls: one decision at a time, one ask per task, re-checked after every answer and after the
  // native call; every refusal a NotAllowedError with a reason.

  /** Runs `job` once every dialog queued before it has closed; jobs never reject, so none can stall the queue. */
  enqueue(job) {
    const run = this.queue.then(job).catch(() => null);
    this.queue = run;
    return run;
  }

  assess(required, optional, reconsider) {
    this.check();
    const a = this.engine.assess(this.now(), required, optional, reconsider);
    this.carryOut(this.drain());
    return {
      ready: a[0], ask: a[1], dropped: a[2],
      blocked: Number.isNaN(a[3]) ? null : [a[3], a[4]], refused: Number.isNaN(a[5]) ? null : [a[5], a[6]],
    };
  }

  /**
   * The decision for a task: nothing to ask when granted; the recovery help when the browser or the system blocks a
   * required capability; one pre-prompt for all that need asking. Resolves with the mask to go ahead with, or
   * throws the refusal.
   */
  async decide(required, optional, content, reconsider) {
    this.preload().catch(() => {});
    for (let round = 1; round <= ROUNDS + 1; round++) {
      const a = this.assess(required, optional, reconsider);
      if (a.refused) throw notAllowed(bit(a.refused[0]), a.refused[1]);
      if (a.blocked) {
        const [cap, reason] = a.blocked;
        const why = reason === 3 ? 4 : REFUSE_BROWSER;
        if (round > ROUNDS) throw notAllowed(bit(cap), why);
        // The help closes by itself once the person unblocks it; the call then goes on as for the new state.
        await this.recovery(cap);
        const s = this.status(cap);
        if (s.state === 'denied' && s.reason === REASONS[reason]) throw notAllowed(bit(cap), why);
        continue;
      }
      optional &= ~a.dropped;
      if (!a.ask) return a.ready;
      const asked = a.ask & required || a.ask;
      if (round > ROUNDS) throw notAllowed(bit(caps(asked)[0]), REFUSE_DISMISSED);
      const answer = await this.prePrompt(a.ask & required, a.ask & optional, content, reconsider);
      if (!answer) continue; // settled meanwhile (another dialog, another page): check again
      if (answer.choice <= 1) { optional &= ~answer.declined; continue; }
      if (!(a.ask & required)) { optional &= ~a.ask; continue; }
      throw notAllowed(bit(caps(a.ask & required)[0]), answer.choice === 2 ? REFUSE_USER : REFUSE_DISMISSED);
    }
    throw notAllowed(required, REFUSE_DISMISSED);
  }

  /**
   * The pre-prompt for these capabilities, queued and shared with every caller asking for the same. At its turn it
   * asks only for what still needs asking, and records the answer; resolves with `{choice, declined}` (a mask), or
   * null when nothing needed asking any more.
   */
  prePrompt(required, optional, content, reconsider) {
    const key = required | optional << 4;
    if (this.pending.has(key)) return this.pending.get(key);
    const shared = this.enqueue(async () => {
      try {
        const a = this.assess(required, optional, reconsider);
        if (a.refused || a.blocked || !a.ask) return null;
        const [ui, strings] = await this.ui();
        const asked = caps(a.ask);
        const first = this.options.prompts[asked[0]];
        const request = {
          capabilities: asked.map((i) => ({ name: NAMES[i], optional: Boolean(optional & bit(i)) })),
          title: content.title ?? first.title, reason: content.reason ?? first.reason, image: content.image ?? first.image,
          lang: this.locale, strings,
        };
        // Only a pre-prompt that can be shown is audited as shown (the UI may fail to load, offline).
        this.inputs(asked.map((i) => [SHOWN, i]));
        const result = await ui.prePrompt(request);
        const picked = CHOICES.indexOf(result && result.choice);
        const choice = picked < 0 ? 3 : picked;
        const declined = choice <= 1 ? ((result && result.declined) || []).reduce((m, n) => m | bit(NAMES.indexOf(n)), 0) & optional : 0;
        this.inputs(asked.filter((i) => !(declined & bit(i))).map((i) => [DECISION, i, choice]));
        return { choice, declined };
      } catch {
        // A dialog that could not be shown records no decision and refuses as a dismissal would.
        return { choice: 3, declined: 0 };
      } finally {
        this.pending.delete(key);
      }
    });
    this.pending.set(key, shared);
    return shared;
  }

  /** The recovery help for a blocked capability, queued behind any open dialog; shown only if still blocked. */
  recovery(i) { return this.enqueue(() => this.showRecovery(i, true)); }

  /** help(descriptor): the recovery help through the same queue, whatever the state. */
  help(i) { return this.enqueue(() => this.showRecovery(i, false)); }

  async showRecovery(i, onlyIfBlocked) {
    const blocked = (s) => s.state === 'denied' && (s.reason === 'browser' || s.reason === 'system');
    if (onlyIfBlocked && !blocked(this.status(i))) return;
    let view;
    try {
      const [ui, strings] = await this.ui();
      view = ui.recovery({ capability: NAMES[i], cause: 'browser', browser: browserFamily(), lang: this.locale, strings });
    } catch { return; }
    // Re-checks while open (on visibility and focus too), and closes once the person unblocked it.
    const timer = setInterval(() => {
      this.recheck();
      if (!blocked(this.status(i))) view.close();
    }, 1000);
    try { await view.closed; } finally { clearInterval(timer); }
  }

  /** Feeds the result of a capability's own call: only what it proves (`outcome` NaN: nothing; the browser tells). */
  learn(mask, outcome) {
    if (Number.isNaN(outcome)) return this.recheck();
    this.inputs(caps(mask).map((i) => [ACCESS, i, outcome]));
    // A dismissed native prompt also rejects: the browser's own state corrects it.
    if (outcome === 1) this.recheck();
  }

  /** request(descriptors, prompt): the decision, then the browser's request from the same click. Never rejects for a refusal. */
  async request(required, optional, content, reconsider) {
    let ready;
    try { ready = await this.decide(required, optional, content, reconsider); } catch (e) {
      if (e && e.name === 'NotAllowedError' && e.reason) return;
      throw e;
    }
    // A fresh "Allow" is reported granted once the browser's own request succeeds.
    const pending = caps(ready).filter((i) => this.status(i).state !== 'granted');
    const media = pending.filter((i) => i <= MICROPHONE);
    const calls = [];
    if (media.length) {
      calls.push(nativeMedia({ video: media.includes(CAMERA), audio: media.includes(MICROPHONE) }).then((stream) => {
        const got = streamMask(stream);
        stream.getTracks().forEach((t) => t.stop());
        this.learn(got, 0);
      }, (e) => this.learn(media.reduce((m, i) => m | bit(i), 0), this.engine.failedCall(String(e && e.name), String(e && e.message), media.length)[0])));
    }
    if (pending.includes(GEOLOCATION)) {
      calls.push(nativePosition({ maximumAge: 2 ** 31, timeout: 10000 })
        .then(() => this.learn(bit(GEOLOCATION), 0), (e) => this.learn(bit(GEOLOCATION), e && e.code === 1 ? 1 : NaN)));
    }
    if (pending.includes(NOTIFICATIONS)) {
      calls.push(nativeNotification().then((a) => this.learn(bit(NOTIFICATIONS), a === 'granted' ? 0 : a === 'denied' ? 1 : NaN), () => {}));
    }
    await Promise.all(calls);
  }

  /** getUserMedia(constraints, prompt): one decision, one native call, tracks handed out only while each is granted. */
  async getUserMedia(value, content, reconsider) {
    const { constraints, mask } = readConstraints(value);
    const asked = caps(mask).length;
    for (let round = 0; round < ROUNDS; round++) {
      await this.decide(mask, 0, content, reconsider);
      // An expired grant is never used: the clock is checked again right before the call.
      this.check();
      let stream;
      try { stream = await nativeMedia(constraints); } catch (e) {
        const [outcome, refusal] = this.engine.failedCall(String(e && e.name), String(e && e.message), asked);
        this.learn(mask, outcome);
        throw Number.isNaN(refusal) ? e : notAllowed(mask, refusal, e && e.message);
      }
      this.learn(streamMask(stream), 0);
      // Every capability of the call must still be granted (a one-time grant may have ended while the browser
      // asked): else nothing is handed out, and it is asked again.
      this.check();
      if (caps(mask).some((i) => this.status(i).state !== 'granted')) {
        stream.getTracks().forEach((t) => t.stop());
        continue;
      }
      for (const track of stream.getTracks()) this.trackStarted(track.kind === 'audio' ? MICROPHONE : CAMERA, track);
      return stream;
    }
    const left = caps(mask).find((i) => this.status(i).state !== 'granted') ?? CAMERA;
    const s = this.status(left);
    throw notAllowed(bit(left), s.reason ? [3, 1, 2, 4, 5][REASONS.indexOf(s.reason)] : REFUSE_DISMISSED);
  }

  async getCurrentPosition(options, content, reconsider) {
    await this.decide(bit(GEOLOCATION), 0, content, reconsider);
    this.check();
    try {
      const position = await nativePosition(options);
      this.learn(bit(GEOLOCATION), 0);
      return position;
    } catch (e) {
      if (e && e.code === 1) {
        this.learn(bit(GEOLOCATION), 1);
        throw notAllowed(bit(GEOLOCATION), REFUSE_BROWSER, e.message);
      }
      throw e;
    }
  }

  /** watchPosition: resolves with the watch id; delivers nothing while the page is hidden; cleared when the grant ends. */
  async watchPosition(success, error, options, content, reconsider) {
    if (typeof success !== 'function') throw typeError('watchPosition needs a success callback function');
    await this.decide(bit(GEOLOCATION), 0, content, reconsider);
    this.check();
    const id = navigator.geolocation.watchPosition((position) => {
      this.check();
      if (visible() && this.status(GEOLOCATION).state === 'granted') success(position);
    }, (e) => {
      let err = e;
      if (e && e.code === 1) {
        this.learn(bit(GEOLOCATION), 1);
        err = notAllowed(bit(GEOLOCATION), REFUSE_BROWSER, e.message);
      }
      if (typeof error === 'function') error(err);
    }, options && typeof options === 'object' ? options : undefined);
    this.watchStarted(id);
    return id;
  }

  /** requestNotifications: resolves 'granted'; the browser's denied (or its prompt closed) rejects like any refusal. */
  async requestNotifications(content, reconsider) {
    await this.decide(bit(NOTIFICATIONS), 0, content, reconsider);
    const answer = await nativeNotification();
    this.learn(bit(NOTIFICATIONS), answer === 'granted' ? 0 : answer === 'denied' ? 1 : NaN);
    if (answer === 'granted') return answer;
    throw notAllowed(bit(NOTIFICATIONS), answer === 'denied' ? REFUSE_BROWSER : REFUSE_DISMISSED);
  }

  revoke(i) { this.input(REVOKE, i); }
  reset(i) { this.input(RESET, i); }

  /** The controls panel in `element`, once the UI has loaded; `{ ready, destroy() }`. */
  controls(element) {
    let view = null;
    let destroyed = false;
    const update = () => {
      if (view) view.update(NAMES.map((name, i) => ({ name, ...this.status(i) })));
    };
    const ready = this.ui().then(([ui, strings]) => {
      if (destroyed) return false;
      const host = {
        revoke: (name) => this.revoke(NAMES.indexOf(name)),
        reset: (name) => this.reset(NAMES.indexOf(name)),
        help: (name) => { this.help(NAMES.indexOf(name)); },
        now: () => this.now(),
      };
      view = ui.panel(element, host, { lang: this.locale, strings });
      this.updates.add(update);
      update();
      return true;
    }, (e) => {
      console.warn('jit-permissions: the controls panel could not be shown:', e);
      return false;
    });
    return {
      ready,
      destroy: () => {
        destroyed = true;
        this.updates.delete(update);
        if (view) { view.destroy(); view = null; }
      },
    };
  }
}

// ---- The browser's signals and calls.

function visible() {
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
  if (typeof Notification !== 'function') return 3;
  return { granted: 0, denied: 1 }[Notification.permission] ?? 2;
}

function clearWatch(id) {
  try { navigator.geolocation.clearWatch(id); } catch { /* no geolocation */ }
}

function streamMask(stream) {
  return (stream.getVideoTracks().length ? bit(CAMERA) : 0) | (stream.getAudioTracks().length ? bit(MICROPHONE) : 0);
}

function nativeMedia(constraints) {
  return navigator.mediaDevices.getUserMedia(constraints);
}

function nativePosition(options) {
  return new Promise((resolve, reject) => navigator.geolocation.getCurrentPosition(resolve, reject, options));
}

function nativeNotification() {
  if (typeof Notification !== 'function') {
    return Promise.reject(new DOMException('jit-permissions: this browser has no notifications', 'NotSupportedError'));
  }
  return Notification.requestPermission();
}
