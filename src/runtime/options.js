// @ts-check
// What a caller hands the browser layer, checked as the platform checks its own input (a TypeError naming the
// field): install()'s options (parseOptions), a gated call's prompt content (promptContent), a permission descriptor
// (classify, gated), and the locale of the built-in strings (resolveLocale). Options and prompt content are read from
// own properties only: a polluted Object.prototype is never one.
//
// Part of every page's first load (runtime.js re-exports it; js/index.js bundles it). Side-effect free.
import { NAMES } from './codes.js';

/** @typedef {import('./index.js').GatedPermissionName} Name */
/** @typedef {import('./index.js').Strings} Strings */
/** @typedef {import('./index.js').StringKey} StringKey */
/** @typedef {Omit<import('./index.js').PromptContent, 'reconsider'>} Content The words of a pre-prompt (no `reconsider`). */
/**
 * The platform's own functions the whole-page polyfill replaced (patch.js `patch()`), by name.
 * @typedef {object} Natives
 * @property {Permissions['query']} [query]
 * @property {MediaDevices['getUserMedia']} [getUserMedia]
 * @property {Geolocation['getCurrentPosition']} [getCurrentPosition]
 * @property {Geolocation['watchPosition']} [watchPosition]
 * @property {Geolocation['clearWatch']} [clearWatch]
 * @property {typeof Notification.requestPermission} [requestPermission]
 * @property {PushManager['subscribe']} [subscribe]
 */
/**
 * The engine's numbers (the wasm constructor's first five arguments): a one-time grant's maximum lifetime and hidden
 * timeout, the dismissals that start an embargo and its duration (ms), a persistent grant's unused time (NaN: never).
 * @typedef {[maxLifetime: number, hiddenTimeout: number, dismissals: number, embargo: number, unusedAfter: number]} Config
 */
/**
 * install()'s options, checked (parseOptions()).
 * @typedef {object} Options
 * @property {Config} config
 * @property {unknown} patch The `patch` option as given (patch.js `patchList()` checks it).
 * @property {boolean} indicator
 * @property {number | undefined} headingLevel
 * @property {string | undefined} locale
 * @property {Strings} strings
 * @property {string} storageKey
 * @property {Content[]} prompts The default content per capability, by code.
 * @property {(() => unknown) | undefined} clock
 * @property {Natives | null} [natives] Set by the npm entry when it patched (js/index.js).
 */

/** The built-in locales; English is in the UIs' own modules (src/ui/), the others load on first need. */
export const LOCALES = ['en', 'de', 'fr', 'es', 'ja'];
/**
 * Every key of the `strings` option (the English tables of the UIs in src/ui/ have each).
 * @type {string[]}
 */
export const KEYS = /* @__PURE__ */ ('allowOnce allowAlways dontAllow close manyTitle manyReason optional alreadyAllowed recoveryIntro retry '
  + 'systemIntro busyIntro panelTitle revoke reset help expiresIn hours minutes inUseNow lastChoice dismissed notAsked inUse '
  + 'notInUse camera,microphone,geolocation,notifications:Title,Reason,Name,Noun,Blocked steps:Chromium,Firefox,Safari,'
  + 'Other,Mac,Windows,Device,Busy system,busy,policy,user,embargo,granted,prompt:Title state:Granted,Denied,Prompt '
  + 'policy,user,embargo,granted,prompt:Text grant:OneTime,Persistent reason:Browser,User,Embargo,System,Policy '
  + 'revoke,reset,help:Label revoke,reset:Hint').split(' ').flatMap((k) => {
  const [a, b] = k.split(':');
  return b ? a.split(',').flatMap((x) => b.split(',').map((y) => x + y)) : a;
});

/** @param {string} m */
export const typeError = (m) => new TypeError(`jit-permissions: ${m}`);

/**
 * `o[key]` if it is an own property of the object `o`, else undefined.
 * @param {unknown} o
 * @param {PropertyKey} key
 * @returns {unknown}
 */
export function own(o, key) {
  return o !== null && typeof o === 'object' && Object.hasOwn(o, key) && /** @type {Record<PropertyKey, unknown>} */ (o)[key] !== undefined
    ? /** @type {Record<PropertyKey, unknown>} */ (o)[key] : undefined;
}

/**
 * @param {string} field
 * @param {string} expected
 */
function fieldError(field, expected) {
  return typeError(`option '${field}' must be ${expected}`);
}

/**
 * @param {object} o
 * @param {readonly string[]} known
 * @param {string} prefix
 */
function onlyKnown(o, known, prefix) {
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw typeError(`unknown option '${prefix}${key}' (known: ${known.join(', ')})`);
  }
}

/**
 * The group of options `o[key]` (an object of only `known` keys), or an empty one.
 * @param {unknown} o
 * @param {string} key
 * @param {string} field
 * @param {readonly string[]} known
 * @returns {object}
 */
function group(o, key, field, known) {
  const v = own(o, key);
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object') throw fieldError(field, 'an object');
  onlyKnown(v, known, `${field}.`);
  return v;
}

/**
 * @param {unknown} o
 * @param {string} key
 * @param {string} field
 */
function str(o, key, field) {
  const v = own(o, key);
  if (v !== undefined && typeof v !== 'string') throw fieldError(field, 'a string');
  return /** @type {string | undefined} */ (v);
}

/**
 * @param {unknown} o
 * @param {string} key
 * @param {string} field
 * @param {number} min
 * @param {number} max
 */
function num(o, key, field, min, max) {
  const v = own(o, key);
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw fieldError(field, 'a whole number in range');
  return v;
}

const CENTURY = 100 * 365 * 24 * 3600 * 1000;

/**
 * The prompt argument of a gated call: `{ title, reason, image: { src, alt }, reconsider }`, each optional.
 * @param {unknown} value
 * @returns {{ content: Content, reconsider: boolean }}
 */
export function promptContent(value, field = 'prompt') {
  if (value === undefined || value === null) return { content: {}, reconsider: false };
  if (typeof value !== 'object') throw fieldError(field, 'an object');
  onlyKnown(value, ['title', 'reason', 'image', 'reconsider'], `${field}.`);
  /** @type {Content} */
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
 * @param {unknown} value
 * @returns {Options}
 */
export function parseOptions(value) {
  if (value === undefined || value === null) value = {};
  if (typeof value !== 'object') throw typeError('options must be an object');
  onlyKnown(/** @type {object} */ (value), ['oneTime', 'embargo', 'persistent', 'locale', 'strings', 'prompts', 'storageKey', 'patch', 'clock', 'indicator',
    'headingLevel'], '');
  const oneTime = group(value, 'oneTime', 'oneTime', ['maxLifetime', 'hiddenTimeout']);
  const persistent = group(value, 'persistent', 'persistent', ['unusedAfter']);
  const embargo = group(value, 'embargo', 'embargo', ['dismissals', 'duration']);
  /** @type {Config} */
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
  /** @type {Record<string, string>} */
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
    clock: /** @type {(() => unknown) | undefined} */ (clock),
  };
}

const QUERY = "Failed to execute 'query' on 'Permissions': ";

/**
 * The gated capability a permission descriptor names (0..3), or -1 for a name that passes through to the browser.
 * A missing descriptor, a non-object or one without a string `name` is a TypeError, as native `query()` says it.
 * @param {unknown} value
 * @returns {number}
 */
export function classify(value) {
  if (value === undefined) throw new TypeError(`${QUERY}1 argument required, but only 0 present.`);
  if (value === null || typeof value !== 'object') throw new TypeError(`${QUERY}The provided value is not of type 'PermissionDescriptor'.`);
  const name = /** @type {{ name?: unknown }} */ (value).name;
  if (typeof name !== 'string') {
    throw new TypeError(`${QUERY}Failed to read the 'name' property from 'PermissionDescriptor': Required member is undefined or not a string.`);
  }
  return NAMES.indexOf(/** @type {Name} */ (name));
}

/**
 * A gated capability, or a TypeError.
 * @param {unknown} value
 */
export function gated(value) {
  const i = classify(value);
  if (i < 0) throw typeError('the descriptor\'s name must be one of camera, microphone, geolocation, notifications');
  return i;
}

// ---- Locale.

/** @param {unknown} tag */
function localeOf(tag) {
  const primary = String(tag).trim().split(/[-_ ]/)[0].toLowerCase();
  return LOCALES.includes(primary) ? primary : null;
}

/**
 * The locale of the built-in strings: the `locale` option, else the first supported of `languages`, else English.
 * @param {string | undefined} locale
 * @param {readonly unknown[]} languages
 */
export function resolveLocale(locale, languages) {
  return (locale && localeOf(locale)) || languages.map(localeOf).find(Boolean) || 'en';
}
