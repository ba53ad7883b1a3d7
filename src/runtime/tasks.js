// @ts-check
// The tasks of jit-permissions: the gated calls (request, getUserMedia, getCurrentPosition, watchPosition,
// requestNotifications) and the tracks and watches they hand out. Loaded on first need (a gated call or controls()
// loads it), so that a page that asks nobody never fetches it; the runtime (runtime.js) keeps what every page needs:
// the engine, the browser's states, storage, the origin's other pages.
//
// The parts of the tasks: `Tasks` extends `Dialogs` (dialogs.js: the one queue of dialogs, the decision of a task, the
// pre-prompt, which is imported with it, and the other UIs, loaded when first shown); errors.js maps what the browser
// rejects with to the one error contract (every refusal a NotAllowedError with a machine-readable reason). The
// whole-page polyfill's calls (patch.js `polyfill`) load only when patch mode makes a call.
//
// As in runtime.js, every decision is the engine's: what a task needs (assess), what a failed call proves. Here are
// re-checks after every answer and after the native call, and tracks handed out only while each is granted.
import { CAMERA, GEOLOCATION, MICROPHONE, NAMES, NOTIFICATIONS } from './codes.js';
import { bit, gated, own, typeError } from './runtime.js';
import { Dialogs } from './dialogs.js';

/** @typedef {import('./dialogs.js').Rt} Rt */
/** @typedef {import('./dialogs.js').Content} Content */

/**
 * The whole-page polyfill's calls (patch.js `polyfill`, run through the gated calls below): loaded only when patch
 * mode makes a call, not with every first pre-prompt.
 * @param {Tasks} tasks
 * @param {...unknown} a the call, as patch.js's wrappers hand it over
 */
export async function polyfill(tasks, ...a) {
  const m = await import('./patch.js');
  return /** @type {(tasks: Tasks, ...a: unknown[]) => Promise<unknown>} */ (m.polyfill)(tasks, ...a);
}

/**
 * getUserMedia constraints as the browser reads them (WebIDL): `audio` and `video` each read once, `undefined` as
 * absent, `null` and any object as a request, anything else by its truth. Returns a fresh constraints object with
 * exactly what was read (a getter answering differently the second time cannot request what was not gated) and the
 * capabilities it asks for; a TypeError as the browser would throw.
 * @param {unknown} value
 * @returns {{ constraints: MediaStreamConstraints, mask: number }}
 */
function readConstraints(value) {
  const gum = "Failed to execute 'getUserMedia' on 'MediaDevices': ";
  if (value !== undefined && value !== null && typeof value !== 'object' && typeof value !== 'function') {
    throw new TypeError(`${gum}The provided value is not of type 'MediaStreamConstraints'.`);
  }
  /** @type {Record<string, unknown>} */
  const read = {};
  let mask = 0;
  /** @type {[string, number][]} */
  const members = [['audio', MICROPHONE], ['peerIdentity', -1], ['video', CAMERA]];
  for (const [key, cap] of members) {
    const member = value == null ? undefined : /** @type {Record<string, unknown>} */ (value)[key];
    if (member === undefined) continue;
    if (cap < 0) { read[key] = member; continue; }
    const asked = member === null || typeof member === 'object' || typeof member === 'function' ? true : Boolean(member);
    read[key] = member === null ? {} : typeof member === 'object' || typeof member === 'function' ? member : asked;
    if (asked) mask |= bit(cap);
  }
  if (!mask) throw new TypeError(`${gum}At least one of audio and video must be requested`);
  return { constraints: read, mask };
}
/**
 * The capabilities of a `request()`: one descriptor, or a non-empty list of them (each may be `optional: true`).
 * @param {unknown} value
 * @returns {{ required: number, optional: number, list: boolean, order?: number[] }}
 */
function needs(value) {
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

/** The tasks of one page's runtime: the gated calls, through the dialogs (dialogs.js). */
export class Tasks extends Dialogs {
  /** @param {Rt} rt */
  constructor(rt) {
    super(rt);
    this.needs = needs;
    // The indicators asked for before the tasks loaded (runtime.js view()).
    for (const show of rt.indicators) show(this);
  }

  // ---- The gated calls: one decision at a time, one ask per task (dialogs.js), then the browser's own call
  // (calls.js); every refusal a NotAllowedError with a reason.

  /**
   * request(descriptors, prompt): the decision, then the browser's request from the same click. Never rejects for a
   * refusal.
   * @param {number} required
   * @param {number} optional
   * @param {Content} content
   * @param {boolean} reconsider
   * @returns {Promise<void>}
   */
  async request(required, optional, content, reconsider) {
    let ready;
    try { ready = await this.decide(required, optional, content, reconsider); } catch (e) {
      if (e instanceof DOMException && e.name === 'NotAllowedError' && 'reason' in e) return;
      throw e;
    }
    return (await this.native()).request(ready);
  }

  /**
   * getUserMedia(constraints, prompt): one decision, one native call, tracks handed out only while each is granted.
   * @param {unknown} value
   * @param {Content} content
   * @param {boolean} reconsider
   * @returns {Promise<MediaStream>}
   */
  async getUserMedia(value, content, reconsider) {
    const { constraints, mask } = readConstraints(value);
    await this.decide(mask, 0, content, reconsider);
    return (await this.native()).getUserMedia(constraints, mask, content, reconsider);
  }

  /**
   * @param {PositionOptions | undefined} options
   * @param {Content} content
   * @param {boolean} reconsider
   * @returns {Promise<GeolocationPosition>}
   */
  async getCurrentPosition(options, content, reconsider) {
    await this.decide(bit(GEOLOCATION), 0, content, reconsider);
    return (await this.native()).getCurrentPosition(options);
  }

  /**
   * watchPosition: resolves with the watch id (calls.js).
   * @param {unknown} success
   * @param {unknown} error
   * @param {unknown} options
   * @param {Content} content
   * @param {boolean} reconsider
   * @returns {Promise<number>}
   */
  async watchPosition(success, error, options, content, reconsider) {
    if (typeof success !== 'function') throw typeError('watchPosition needs a success callback function');
    await this.decide(bit(GEOLOCATION), 0, content, reconsider);
    return (await this.native()).watchPosition(success, error, options);
  }

  /**
   * requestNotifications: resolves 'granted'; the browser's denied (or its prompt closed) rejects like any refusal.
   * @param {Content} content
   * @param {boolean} reconsider
   * @returns {Promise<string>}
   */
  async requestNotifications(content, reconsider) {
    await this.decide(bit(NOTIFICATIONS), 0, content, reconsider);
    return (await this.native()).requestNotifications();
  }

  // ---- Uses: the tracks and watches handed out are the calls' (none before calls.js loaded).

  /**
   * What the capability elements (src/elements/elements.js) feed once the browser's own element got a result: what it
   * proves (calls.js `learn`), and a track it handed out; at once when calls.js is loaded, else once it is.
   * @param {number} mask
   * @param {number} outcome
   */
  learn(mask, outcome) { return this.calls ? this.calls.learn(mask, outcome) : this.native().then((c) => c.learn(mask, outcome)); }

  /**
   * @param {number} i
   * @param {MediaStreamTrack} track
   */
  trackStarted(i, track) { return this.calls ? this.calls.trackStarted(i, track) : this.native().then((c) => c.trackStarted(i, track)); }

  /**
   * Stops a use whose capability is not granted any more (the engine's output, through the runtime).
   * @param {number} id
   */
  stopUse(id) { this.calls?.stopUse(id); }

  /** Back from the back/forward cache: the tracks still live and the watches are this page's uses again. */
  reuse() { this.calls?.reuse(); }

  /**
   * Clears a watch: ends its use if the library handed it out, else the browser's own clearWatch.
   * @param {number} watch
   */
  clearWatch(watch) {
    if (this.calls) return this.calls.clearWatch(watch);
    const natives = this.rt.options.natives || {};
    try { (natives.clearWatch || navigator.geolocation.clearWatch).call(navigator.geolocation, watch); } catch { /* no geolocation */ }
  }
}
