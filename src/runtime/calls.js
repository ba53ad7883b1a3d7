// @ts-check
// The native side of jit-permissions' gated calls: once a task is decided (src/runtime/tasks.js, through the dialogs),
// the browser's own call, what its result proves (learnt by the engine), the refusal it maps to (errors.js), and the
// tracks and watches it hands out (the uses: each ended when its capability is not granted any more). Loaded from the
// moment a pre-prompt opens, or a task needs none, so it is not on the path of the first pre-prompt; the tasks keep
// the calls' entry points (their input checks and the first decision).
import {
  ACCESS, ACCESS_DENIED, ACCESS_GRANTED, CAMERA, GEOLOCATION, MICROPHONE, NOTIFICATIONS, PROMPT, REFUSALS,
  REFUSE_BROWSER, REFUSE_DISMISSED, USE_ENDED, USE_STARTED,
} from './codes.js';
import { bit, caps, visible } from './runtime.js';
import { failed, notAllowed } from './errors.js';

/** @typedef {import('./dialogs.js').Dialogs} Tasks */
/** @typedef {import('./dialogs.js').Content} Content */

/** How many times a call re-checks and asks again before it gives up (as dialogs.js). */
const ROUNDS = 3;

// The browser's own functions: the ones the polyfill replaced where it did (install({ patch }), patch.js).
/** @type {Record<string, Function>} */
let natives = {};
/**
 * Calls the browser's own `owner[name]` (the original where the polyfill replaced it).
 * @param {object} owner
 * @param {string} name
 * @param {...unknown} a
 * @returns {any} what the browser's function returns (its own type)
 */
const native = (owner, name, ...a) => (natives[name] || /** @type {Record<string, Function>} */ (owner)[name]).apply(owner, a);
/** @param {MediaStream} stream */
function streamMask(stream) {
  return (stream.getVideoTracks().length ? bit(CAMERA) : 0) | (stream.getAudioTracks().length ? bit(MICROPHONE) : 0);
}
/**
 * @param {MediaStreamConstraints} constraints
 * @returns {Promise<MediaStream>}
 */
function nativeMedia(constraints) {
  return native(navigator.mediaDevices, 'getUserMedia', constraints);
}
/**
 * @param {PositionOptions | undefined} options
 * @returns {Promise<GeolocationPosition>}
 */
function nativePosition(options) {
  return new Promise((resolve, reject) => native(navigator.geolocation, 'getCurrentPosition', resolve, reject, options));
}
/** @returns {Promise<NotificationPermission>} */
function nativeNotification() {
  if (typeof Notification !== 'function') {
    return Promise.reject(new DOMException('jit-permissions: this browser has no notifications', 'NotSupportedError'));
  }
  return native(Notification, 'requestPermission');
}
/**
 * Clears a watch of the browser's own geolocation.
 * @param {number | undefined} id
 */
function nativeClear(id) {
  try { native(navigator.geolocation, 'clearWatch', id); } catch { /* no geolocation */ }
}

/** The native calls and the uses of one page's tasks. */
export class Calls {
  /** @param {Tasks} t */
  constructor(t) {
    this.t = t;
    this.rt = t.rt;
    natives = t.rt.options.natives || natives;
    /** use id -> { track } | { watch } @type {Map<number, { track?: MediaStreamTrack, watch?: number }>} */
    this.uses = new Map();
    this.nextUse = 1;
  }

  /**
   * The refusal for these capabilities (errors.js; the dialogs' refusals come from here too).
   * @param {number} mask
   * @param {number} why
   * @param {string} [detail]
   */
  notAllowed(mask, why, detail) { return notAllowed(mask, why, detail); }

  /**
   * A refusal of the browser's, audited as `blocked` (what the dialogs' `refused` does, here at once).
   * @param {number} mask
   * @param {number} why
   * @param {string} [detail]
   */
  refused(mask, why, detail) {
    this.t.audit('blocked', mask, REFUSALS[why]);
    return notAllowed(mask, why, detail);
  }

  /**
   * Feeds the result of a capability's own call: only what it proves (`outcome` NaN: nothing; the browser tells).
   * A refusal (1) is the browser's denial only where the browser then says denied, or cannot say: a dismissed
   * browser prompt also rejects, and leaves the browser at prompt, so the status stays prompt (no flip to denied and
   * back). Resolves once it is learnt.
   * @param {number} mask
   * @param {number} outcome
   * @returns {Promise<void>}
   */
  async learn(mask, outcome) {
    if (Number.isNaN(outcome)) return this.rt.recheck();
    if (outcome === ACCESS_DENIED) {
      await this.rt.requery();
      mask = caps(mask).filter((i) => this.rt.engine.native(i) !== PROMPT).reduce((m, i) => m | bit(i), 0);
    }
    this.rt.inputs(caps(mask).map((i) => [ACCESS, i, outcome]));
  }

  /** request(descriptors, prompt) once decided (`ready`): the browser's request from the same click. */
  /** @param {number} ready */
  async request(ready) {
    // A fresh "Allow" is reported granted once the browser's own request succeeds.
    const pending = caps(ready).filter((i) => this.rt.status(i).state !== 'granted');
    const media = pending.filter((i) => i <= MICROPHONE);
    const calls = [];
    if (media.length) {
      calls.push(nativeMedia({ video: media.includes(CAMERA), audio: media.includes(MICROPHONE) }).then((stream) => {
        const got = streamMask(stream);
        stream.getTracks().forEach((t) => t.stop());
        this.learn(got, ACCESS_GRANTED);
      }, async (e) => {
        const mask = media.reduce((m, i) => m | bit(i), 0);
        const [outcome, , block] = failed(this.rt.engine, e, media.length);
        await this.learn(mask, outcome);
        if (block) this.t.audit('blocked', mask, block);
      }));
    }
    if (pending.includes(GEOLOCATION)) {
      calls.push(nativePosition({ maximumAge: 2 ** 31, timeout: 10000 })
        .then(() => this.learn(bit(GEOLOCATION), ACCESS_GRANTED), (e) => this.positionFailed(e)));
    }
    if (pending.includes(NOTIFICATIONS)) {
      calls.push(nativeNotification().then((a) => this.notified(a), () => {}));
    }
    await Promise.all(calls);
  }

  /** getUserMedia(constraints, prompt) once decided: one native call, tracks handed out only while each is granted. */
  /**
   * @param {MediaStreamConstraints} constraints
   * @param {number} mask
   * @param {Content} content
   * @param {boolean} reconsider
   * @returns {Promise<MediaStream>}
   */
  async getUserMedia(constraints, mask, content, reconsider) {
    const asked = caps(mask).length;
    for (let round = 0; round < ROUNDS; round++) {
      // The first decision is the tasks' (tasks.js), made before this module loaded.
      if (round) await this.t.decide(mask, 0, content, reconsider);
      let stream;
      for (let retries = 0; !stream; retries++) {
        // An expired grant is never used: the clock is checked again right before the call.
        this.rt.check();
        try { stream = await nativeMedia(constraints); } catch (e) {
          const [outcome, refusal, block] = failed(this.rt.engine, e, asked);
          await this.learn(mask, outcome);
          if (block) this.t.audit('blocked', mask, block);
          // The device busy elsewhere, or the operating system's setting: the help says so, and its Try again calls
          // the browser again, from that click. No device: no help could change that; it rejects as the browser did.
          if ((block === 'busy' || block === 'system') && retries < ROUNDS && await this.t.recovery(mask, block, true) === 'retry') continue;
          throw Number.isNaN(refusal) ? e : notAllowed(mask, refusal, /** @type {{ message?: string } | null} */ (e)?.message);
        }
      }
      this.learn(streamMask(stream), ACCESS_GRANTED);
      // Every capability of the call must still be granted (a one-time grant may have ended while the browser
      // asked): else nothing is handed out, and it is asked again.
      this.rt.check();
      if (caps(mask).some((i) => this.rt.status(i).state !== 'granted')) {
        stream.getTracks().forEach((t) => t.stop());
        continue;
      }
      for (const track of stream.getTracks()) this.trackStarted(track.kind === 'audio' ? MICROPHONE : CAMERA, track);
      return stream;
    }
    const left = caps(mask).find((i) => this.rt.status(i).state !== 'granted') ?? CAMERA;
    const s = this.rt.status(left);
    throw notAllowed(bit(left), s.reason ? /** @type {readonly string[]} */ (REFUSALS).indexOf(s.reason) : REFUSE_DISMISSED);
  }

  /** getCurrentPosition once decided. */
  /**
   * @param {PositionOptions | undefined} options
   * @returns {Promise<GeolocationPosition>}
   */
  async getCurrentPosition(options) {
    this.rt.check();
    try {
      const position = await nativePosition(options);
      this.learn(bit(GEOLOCATION), ACCESS_GRANTED);
      return position;
    } catch (e) {
      throw await this.positionFailed(e);
    }
  }

  /**
   * watchPosition: resolves with the watch id; delivers nothing while the page is hidden; cleared when the grant ends.
   * A watch that starts while the browser is still asking (a fresh Allow, the browser at prompt) is pending, not
   * refused: its first position is the evidence that the browser honours the grant (as a successful getUserMedia is
   * for the camera), and only then is it a use; a refusal of the browser, or the grant ending meanwhile, ends it.
   */
  /**
   * @param {Function} success
   * @param {unknown} error
   * @param {unknown} options
   * @returns {Promise<number>}
   */
  async watchPosition(success, error, options) {
    this.rt.check();
    let started = this.rt.status(GEOLOCATION).state === 'granted';
    let ended = false;
    const id = native(navigator.geolocation, 'watchPosition', /** @param {GeolocationPosition} position */ (position) => {
      if (ended) return;
      if (!started) {
        this.learn(bit(GEOLOCATION), ACCESS_GRANTED);
        if (this.rt.status(GEOLOCATION).state !== 'granted') { ended = true; nativeClear(id); return; }
        started = true;
        this.watchStarted(id);
      }
      this.rt.check();
      if (visible() && this.rt.status(GEOLOCATION).state === 'granted') success(position);
    }, /** @param {GeolocationPositionError} e */ (e) => {
      if (ended) return;
      if (!started && e && e.code === 1) { ended = true; nativeClear(id); }
      this.positionFailed(e).then((err) => { if (typeof error === 'function') error(err); });
    }, options && typeof options === 'object' ? options : undefined);
    if (started) this.watchStarted(id);
    return id;
  }

  /** requestNotifications: resolves 'granted'; the browser's denied (or its prompt closed) rejects like any refusal. */
  async requestNotifications() {
    const answer = this.notified(await nativeNotification());
    if (answer === 'granted') return answer;
    throw answer === 'denied' ? this.refused(bit(NOTIFICATIONS), REFUSE_BROWSER) : notAllowed(bit(NOTIFICATIONS), REFUSE_DISMISSED);
  }

  /** A failed position: the browser's refusal (learnt, audited, a refusal to reject with), else the error as it is. */
  /**
   * @param {unknown} e
   * @returns {Promise<unknown>}
   */
  async positionFailed(e) {
    const err = /** @type {GeolocationPositionError | null | undefined} */ (e);
    if (!(err && err.code === 1)) return this.learn(bit(GEOLOCATION), NaN), e;
    await this.learn(bit(GEOLOCATION), ACCESS_DENIED);
    return this.refused(bit(GEOLOCATION), REFUSE_BROWSER, err.message);
  }

  /** The browser's answer to Notification.requestPermission(), learnt (and audited when it blocks). */
  /** @param {NotificationPermission} answer */
  notified(answer) {
    // The answer is the browser's own state: 'denied' is its denial (not a dismissal, which answers 'default').
    if (answer === 'granted' || answer === 'denied') this.rt.inputs([[ACCESS, NOTIFICATIONS, answer === 'granted' ? ACCESS_GRANTED : ACCESS_DENIED]]);
    else this.learn(bit(NOTIFICATIONS), NaN);
    if (answer === 'denied') this.t.audit('blocked', bit(NOTIFICATIONS), 'browser');
    return answer;
  }


  // ---- Uses: the tracks and watches handed out (the runtime stops them when their capability is not granted).

  /**
   * @param {number} i
   * @param {MediaStreamTrack} track
   */
  trackStarted(i, track) {
    const id = this.nextUse++;
    // stop() fires no `ended`, so the handed-out track's own stop is wrapped (the same object, not a clone).
    const original = track.stop;
    const tasks = this;
    if (typeof original === 'function') track.stop = function stop() { original.call(track); tasks.useEnded(id); };
    track.addEventListener('ended', () => this.useEnded(id), { once: true });
    this.uses.set(id, { track });
    this.rt.input(USE_STARTED, i, id);
    this.updated();
  }

  /** @param {number} watch */
  watchStarted(watch) {
    const id = this.nextUse++;
    this.uses.set(id, { watch });
    this.rt.input(USE_STARTED, GEOLOCATION, id);
    this.updated();
  }

  /** Back from the back/forward cache: the tracks still live and the watches are this page's uses again. */
  reuse() {
    for (const [id, use] of this.uses) {
      if (use.track && use.track.readyState !== 'live') this.useEnded(id);
      else this.rt.input(USE_STARTED, use.track ? (use.track.kind === 'audio' ? MICROPHONE : CAMERA) : GEOLOCATION, id);
    }
    this.updated();
  }

  /** A use ended by the site (a track stopped or ended, a watch cleared). */
  /** @param {number} id */
  useEnded(id) {
    const use = this.uses.get(id);
    if (!use) return;
    this.uses.delete(id);
    if (use.watch !== undefined) nativeClear(use.watch);
    this.rt.input(USE_ENDED, id);
  }

  /** @param {number} watch */
  clearWatch(watch) {
    for (const [id, use] of this.uses) if (use.watch === watch) return this.useEnded(id);
    nativeClear(watch);
  }

  /** Stops a use whose capability is not granted any more (the engine's output, through the runtime). */
  /** @param {number} id */
  stopUse(id) {
    const use = this.uses.get(id);
    if (!use) return;
    this.uses.delete(id);
    if (use.track) {
      // The browser's own stop (the instance property is the wrapper), then `ended`, as when the browser ends a
      // track, so the site's own handlers run.
      Reflect.deleteProperty(use.track, 'stop');
      use.track.stop();
      use.track.dispatchEvent(new Event('ended'));
    } else nativeClear(use.watch);
  }

  /** Runs the updates of the panels and indicators (a use started: in use now, whether or not the record changed). */
  updated() {
    for (const update of [...this.rt.updates]) update();
  }
}
