// @ts-check
// The status objects of both installers: the npm package's controller (js/index.js re-exports the class) and the
// Rust API's patched query (src/ui/bundled.js). A `PermissionStatus` by its prototype chain, whose fields its owner
// reads, and whose `change` listeners it counts, so that the owner keeps a status alive only while it has some.
// Bundled into index.js by scripts/build.sh; beside the glue for the Rust API (src/web/rust_api/js.rs).
import { NAMES } from './codes.js';

/** @typedef {import('./runtime.js').Status} Status */
/**
 * The controller a status reads from: its cached status of a capability (after the clock check), and whether a status
 * object has `change` listeners (held while it has).
 * @typedef {object} Owner
 * @property {(index: number) => Status} _read
 * @property {(index: number, status: JitPermissionStatus, keep: boolean) => void} _hold
 */

/** The fields of a status, in order. */
const FIELDS = ['state', 'grant', 'expiresAt', 'reason', 'lastDecision', 'decidedAt'];

// Where there is no EventTarget (very old runtimes), the class below still defines (the types describe browsers).
export const Base = /** @type {typeof EventTarget} */ (typeof EventTarget === 'function' ? EventTarget : class {});
/** @typedef {import('./index.js').JitPermissionStatus['onchange'] & {}} OnChange The `change` handler, as declared. */
/**
 * A status's fields (state, grant, ...): getters the class defines on its prototype (below).
 * @typedef {new () => EventTarget & Readonly<Status>} StatusBase
 */

/**
 * The status of one gated capability: a real EventTarget whose prototype chain goes through
 * `PermissionStatus.prototype` (so `instanceof PermissionStatus` holds and it stringifies as
 * `[object PermissionStatus]`), with the extensions `grant`, `expiresAt`, `reason`,
 * `lastDecision` and `decidedAt`.
 */
export class JitPermissionStatus extends /** @type {StatusBase} */ (Base) {
  /** @type {Owner} */
  #owner;
  /** @type {number} */
  #index;
  /** @type {OnChange | null} */
  #onchange = null;
  // The page's `change` listeners, as EventTarget counts them: listener -> (capture -> once).
  /** @type {Map<EventListenerOrEventListenerObject, Map<boolean, boolean>>} */
  #listeners = new Map();

  /**
   * @param {Owner} owner
   * @param {number} index
   */
  constructor(owner, index) {
    super();
    this.#owner = owner;
    this.#index = index;
  }

  get name() { return NAMES[this.#index]; }
  // The getters state, grant, expiresAt, reason, lastDecision and decidedAt: the owner's cached status, read after
  // its clock check.
  static {
    for (const key of FIELDS) {
      Object.defineProperty(this.prototype, key, {
        configurable: true,
        /** @this {JitPermissionStatus} */
        get() { return this.#owner._read(this.#index)[/** @type {keyof Status} */ (key)]; },
      });
    }
  }

  get onchange() { return this.#onchange; }
  /** @param {OnChange | null} handler Anything but a function clears it. */
  set onchange(handler) {
    if (this.#onchange) super.removeEventListener('change', this.#onchange);
    this.#onchange = typeof handler === 'function' ? handler : null;
    if (this.#onchange) super.addEventListener('change', this.#onchange);
    this.#sync();
  }

  /**
   * @param {string} type
   * @param {EventListenerOrEventListenerObject | null} listener
   * @param {boolean | AddEventListenerOptions} [options]
   */
  addEventListener(type, listener, options) {
    super.addEventListener(type, listener, options);
    if (type !== 'change' || !listener) return;
    const object = typeof options === 'object' && options !== null;
    const capture = object ? Boolean(/** @type {AddEventListenerOptions} */ (options).capture) : Boolean(options);
    const signal = object ? /** @type {AddEventListenerOptions} */ (options).signal : undefined;
    if (signal && signal.aborted) return;
    let byCapture = this.#listeners.get(listener);
    if (!byCapture) this.#listeners.set(listener, (byCapture = new Map()));
    // EventTarget ignores a second add of the same listener and capture: so does the count.
    if (byCapture.has(capture)) return;
    byCapture.set(capture, object && Boolean(/** @type {AddEventListenerOptions} */ (options).once));
    if (signal) signal.addEventListener('abort', () => this.#forget(listener, capture), { once: true });
    this.#sync();
  }

  /**
   * @param {string} type
   * @param {EventListenerOrEventListenerObject | null} listener
   * @param {boolean | EventListenerOptions} [options]
   */
  removeEventListener(type, listener, options) {
    super.removeEventListener(type, listener, options);
    if (type !== 'change' || !listener) return;
    const capture = typeof options === 'object' && options !== null ? Boolean(options.capture) : Boolean(options);
    this.#forget(listener, capture);
  }

  /** Fires `change` (called by the owner); `once` listeners are gone afterwards. */
  _fire() {
    this.dispatchEvent(new Event('change'));
    for (const [listener, byCapture] of [...this.#listeners]) {
      for (const [capture, once] of [...byCapture]) if (once) this.#forget(listener, capture);
    }
  }

  /**
   * @param {EventListenerOrEventListenerObject} listener
   * @param {boolean} capture
   */
  #forget(listener, capture) {
    const byCapture = this.#listeners.get(listener);
    if (byCapture && byCapture.delete(capture) && byCapture.size === 0) this.#listeners.delete(listener);
    this.#sync();
  }

  // A status with listeners is held by its owner, so it keeps firing when the page drops
  // every other reference to it; one without listeners is left to the garbage collector.
  #sync() {
    this.#owner._hold(this.#index, this, this.#listeners.size > 0 || this.#onchange !== null);
  }

  toJSON() { return { name: this.name, ...this.#owner._read(this.#index) }; }
}
if (typeof PermissionStatus === 'function' && PermissionStatus.prototype instanceof Base) {
  Object.setPrototypeOf(JitPermissionStatus.prototype, PermissionStatus.prototype);
}
