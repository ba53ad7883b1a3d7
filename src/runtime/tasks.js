// The tasks of jit-permissions: the gated calls, the one queue of dialogs and the UI they show. Loaded on first need
// (a gated call or controls() loads it with the UI), so that a page that asks nobody never fetches it; the runtime
// (runtime.js) keeps what every page needs: the engine, the browser's states, storage, the origin's other pages.
//
// As in runtime.js, every decision is the engine's: what a task needs (assess), what a failed call proves. Here are
// one decision at a time (a queue for every dialog, the recovery help included; callers asking for the same share one
// dialog and one answer, and a dialog re-checks every state at its turn), one ask per task (one pre-prompt for all
// the capabilities of a call), re-checks after every answer and after the native call, and one error contract (every
// refusal a NotAllowedError with a machine-readable reason).
import {
  ACCESS, ACCESS_DENIED, ACCESS_GRANTED, ALLOW_ALWAYS, ALLOW_ONCE, CAMERA, CHOICES, DECISION, DISMISS, DONT_ALLOW,
  GEOLOCATION, MICROPHONE, NAMES, NOTIFICATIONS, PROMPT, REASON_SYSTEM, REASONS, REFUSALS, REFUSE_BROWSER, REFUSE_DISMISSED,
  REFUSE_SYSTEM, REFUSE_USER, RESET, SHOWN, USE_ENDED, USE_STARTED, bit, caps, gated, own, typeError,
  visible,
} from './runtime.js';
// The whole-page polyfill's calls (index.js loads them with the tasks): they run through the gated calls below.
export { polyfill } from './patch.js';

/** Whether a choice lets the task go on (allow this time, allow on every visit). */
const allows = (choice) => choice === ALLOW_ONCE || choice === ALLOW_ALWAYS;
/** How many times a call re-checks and asks again before it gives up. */
const ROUNDS = 3;

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
function browserFamily() {
  const ua = (globalThis.navigator && navigator.userAgent) || '';
  if (/Firefox\/|FxiOS\//.test(ua)) return 'firefox';
  if (/Chrome\/|Chromium\/|CriOS\/|Edg|OPR\//.test(ua)) return 'chromium';
  if (/Safari\/|AppleWebKit\//.test(ua)) return 'safari';
  return 'other';
}
function streamMask(stream) {
  return (stream.getVideoTracks().length ? bit(CAMERA) : 0) | (stream.getAudioTracks().length ? bit(MICROPHONE) : 0);
}
// The browser's own functions: the ones the polyfill replaced where it did (install({ patch }), patch.js).
let natives = {};
const native = (owner, name, ...a) => (natives[name] || owner[name]).apply(owner, a);
function nativeMedia(constraints) {
  return native(navigator.mediaDevices, 'getUserMedia', constraints);
}
function nativePosition(options) {
  return new Promise((resolve, reject) => native(navigator.geolocation, 'getCurrentPosition', resolve, reject, options));
}
function nativeNotification() {
  if (typeof Notification !== 'function') {
    return Promise.reject(new DOMException('jit-permissions: this browser has no notifications', 'NotSupportedError'));
  }
  return native(Notification, 'requestPermission');
}
/** Clears a watch of the browser's own geolocation. */
function nativeClear(id) {
  try { native(navigator.geolocation, 'clearWatch', id); } catch { /* no geolocation */ }
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

/** The tasks of one page's runtime. */
export class Tasks {
  constructor(rt) {
    this.rt = rt;
    natives = rt.options.natives || natives;
    this.needs = needs;
    this.loading = null;
    this.queue = Promise.resolve();
    this.pending = new Map(); // capability masks -> the shared dialog's promise
    this.uses = new Map(); // use id -> { track } | { watch }
    this.nextUse = 1;
    // The language tag on the dialogs and the panel: the `locale` option as given (any BCP 47 tag: strings
    // translated through `strings` carry it; `es_MX` is written `es-MX`), else the built-in locale in use.
    const tag = String(rt.options.locale ?? '').trim().replace(/_/g, '-');
    this.tag = /^[a-z0-9-]{1,35}$/i.test(tag) ? tag : rt.locale;
    // The indicators asked for before the tasks loaded (runtime.js view()).
    for (const show of rt.indicators) show(this);
  }

  // ---- The UI: loaded on first need (a gated call starts it before the status check; so does the panel).

  preload() {
    if (!this.loading) {
      this.loading = this.rt.loader.load(this.rt.locale);
      this.loading.catch(() => { this.loading = null; });
    }
    return this.loading;
  }

  /** The UI module and its strings: English, then the locale's, then the site's overrides. */
  async ui() {
    const [ui, table] = await this.preload();
    return [ui, Object.assign({}, ui.en, table, this.rt.options.strings)];
  }

  /** What every view of the UI gets: the strings, their language tag, the heading level; and `more`. */
  view(strings, more) {
    return { lang: this.tag, strings, headingLevel: this.rt.options.headingLevel, ...more };
  }

  /** The four statuses as the panel and the indicator read them, with what is in use (in any page, in this one). */
  statuses() {
    const { engine } = this.rt;
    return NAMES.map((name, i) => ({ name, ...this.rt.status(i), inUse: engine.inUse(i, true), inUseHere: engine.inUse(i, false) }));
  }

  // ---- Audits the browser layer sees (the engine never does): what blocked a call, an entry left out.

  audit(type, mask, cause = null) {
    for (const i of caps(mask)) {
      const record = { type, name: NAMES[i], detail: cause, at: this.rt.now() };
      if (cause) record.cause = cause;
      this.rt.audit(record);
    }
  }

  /** A refusal, audited as `blocked` when something outside the site refused (the browser, the system, a policy). */
  refused(mask, why, detail) {
    if (why >= REFUSE_BROWSER) this.audit('blocked', mask, REFUSALS[why]);
    return notAllowed(mask, why, detail);
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
    this.rt.check();
    const a = this.rt.engine.assess(this.rt.now(), required, optional, reconsider);
    this.rt.carryOut(this.rt.drain());
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
    // The whole task, whose entries not asked the pre-prompt shows as they are.
    const task = [required, optional];
    // Capabilities the operating system blocks that the person asked to try again: only the call can tell whether
    // the setting changed (the browser does not say).
    let trying = 0;
    for (let round = 1; round <= ROUNDS + 1; round++) {
      const a = this.assess(required & ~trying, optional & ~trying, reconsider);
      if (a.refused) throw this.refused(bit(a.refused[0]), a.refused[1]);
      if (a.blocked) {
        const [cap, reason] = a.blocked;
        const why = reason === REASON_SYSTEM ? REFUSE_SYSTEM : REFUSE_BROWSER;
        // A polyfilled call without user activation gets no dialog: the platform's refusal at once.
        if (round > ROUNDS || content.quiet) throw this.refused(bit(cap), why);
        // The help closes by itself once the person unblocks it in the browser; the call then goes on as for the
        // new state. For the operating system's block it offers to try again.
        if (await this.recovery(bit(cap), REASONS[reason], reason === REASON_SYSTEM) === 'retry') { trying |= bit(cap); continue; }
        const s = this.rt.status(cap);
        if (s.state === 'denied' && s.reason === REASONS[reason]) throw this.refused(bit(cap), why);
        continue;
      }
      optional &= ~a.dropped;
      if (!a.ask) return a.ready | trying;
      const asked = a.ask & required || a.ask;
      if (round > ROUNDS) throw notAllowed(bit(caps(asked)[0]), REFUSE_DISMISSED);
      const answer = await this.prePrompt(a.ask & required, a.ask & optional, task, content, reconsider);
      if (!answer) continue; // settled meanwhile (another dialog, another page): check again
      if (allows(answer.choice)) { optional &= ~answer.declined; continue; }
      if (!(a.ask & required)) { optional &= ~a.ask; continue; }
      throw notAllowed(bit(caps(a.ask & required)[0]), answer.choice === DONT_ALLOW ? REFUSE_USER : REFUSE_DISMISSED);
    }
    throw notAllowed(required, REFUSE_DISMISSED);
  }

  /**
   * The pre-prompt for these capabilities of a task (`[required, optional]`, whose other entries it shows as they
   * are: already allowed, or blocked), queued and shared with every caller asking for the same. At its turn it asks
   * only for what still needs asking, and records the answer, except for an optional capability the person left
   * out (audited `declined`); resolves with `{choice, declined}` (a mask), or null when nothing needed asking.
   */
  prePrompt(required, optional, task, content, reconsider) {
    const key = `${required} ${optional} ${task}`;
    if (this.pending.has(key)) return this.pending.get(key);
    const shared = this.enqueue(async () => {
      try {
        const a = this.assess(required, optional, reconsider);
        if (a.refused || a.blocked || !a.ask) return null;
        const [ui, strings] = await this.ui();
        const asked = caps(a.ask);
        const first = this.rt.options.prompts[asked[0]];
        const request = this.view(strings, {
          capabilities: caps(task[0] | task[1]).map((i) => {
            const entry = { name: NAMES[i], optional: Boolean(task[1] & bit(i) && !(task[0] & bit(i))) };
            if (!(a.ask & bit(i))) {
              // Not asked: as it is (at prompt, a standing library grant the browser is yet to honour).
              const s = this.rt.status(i);
              Object.assign(entry, s.state === 'prompt' ? { state: 'granted' } : { state: s.state, reason: s.reason });
            }
            return entry;
          }),
          title: content.title ?? first.title, reason: content.reason ?? first.reason, image: content.image ?? first.image,
        });
        // Only a pre-prompt that can be shown is audited as shown (the UI may fail to load, offline).
        this.rt.inputs(asked.map((i) => [SHOWN, i]));
        // A polyfilled call without user activation (on load): no modal, the chip first; its dismissal is one.
        const result = content.quiet && !(await this.chip(request)) ? null : await ui.prePrompt(request);
        const picked = CHOICES.indexOf(result && result.choice);
        const choice = picked < 0 ? DISMISS : picked;
        const declined = allows(choice) ? ((result && result.declined) || []).reduce((m, n) => m | bit(NAMES.indexOf(n)), 0) & optional : 0;
        this.rt.inputs(asked.filter((i) => !(declined & bit(i))).map((i) => [DECISION, i, choice]));
        this.audit('declined', declined);
        return { choice, declined };
      } catch {
        // A dialog that could not be shown records no decision and refuses as a dismissal would.
        return { choice: DISMISS, declined: 0 };
      } finally {
        this.pending.delete(key);
      }
    });
    this.pending.set(key, shared);
    return shared;
  }

  /** The non-modal chip (src/ui/chip.js) naming what is asked: resolves true once the person opens it. */
  async chip(request) {
    return (await this.rt.loader.chip()).chip(request);
  }

  /**
   * The recovery help of a gated call for the capabilities `mask` blocked by `cause` (`browser`, `system`, `busy`),
   * queued behind any open dialog, with Try again when `retry`. Resolves with 'retry' (Try again), 'reset' or
   * undefined.
   */
  recovery(mask, cause, retry) { return this.enqueue(() => this.showRecovery(mask, cause, retry)); }

  /**
   * help(descriptor): through the same queue, what applies to the capability now, whatever its state (blocked, and
   * by what; the person's own Don't allow or a pause, with Reset; granted; or the site will ask), until the person
   * closes it.
   */
  help(i) { return this.enqueue(() => this.showRecovery(bit(i))); }

  async showRecovery(mask, cause, retry = false) {
    const i = caps(mask)[0];
    const blocked = (s) => s.state === 'denied' && (s.reason === 'browser' || s.reason === 'system');
    // From a gated call, a block the browser reports is shown only while it applies, and re-checked while open.
    const watch = cause === 'browser' || cause === 'system';
    const s = this.rt.status(i);
    if (!cause) cause = s.state === 'denied' ? s.reason || 'browser' : s.state;
    else if (watch && !blocked(s)) return;
    let view;
    try {
      const [ui, strings] = await this.ui();
      view = ui.recovery(this.view(strings, {
        capability: NAMES[i], capabilities: caps(mask).map((c) => NAMES[c]), cause, browser: browserFamily(), retry,
      }));
    } catch { return; }
    // Re-checks while open (on visibility and focus too), and closes once the person unblocked it.
    const timer = watch && setInterval(() => {
      this.rt.recheck();
      if (!blocked(this.rt.status(i))) view.close();
    }, 1000);
    let answer;
    try { answer = await view.closed; } finally { clearInterval(timer); }
    // Reset, offered after the person's own Don't allow or a pause: the site may ask again.
    if (answer === 'reset') this.rt.inputs(caps(mask).map((c) => [RESET, c]));
    return answer;
  }

  /**
   * Feeds the result of a capability's own call: only what it proves (`outcome` NaN: nothing; the browser tells).
   * A refusal (1) is the browser's denial only where the browser then says denied, or cannot say: a dismissed
   * browser prompt also rejects, and leaves the browser at prompt, so the status stays prompt (no flip to denied and
   * back). Resolves once it is learnt.
   */
  async learn(mask, outcome) {
    if (Number.isNaN(outcome)) return this.rt.recheck();
    if (outcome === ACCESS_DENIED) {
      await this.rt.requery();
      mask = caps(mask).filter((i) => this.rt.engine.native(i) !== PROMPT).reduce((m, i) => m | bit(i), 0);
    }
    this.rt.inputs(caps(mask).map((i) => [ACCESS, i, outcome]));
  }

  /** request(descriptors, prompt): the decision, then the browser's request from the same click. Never rejects for a refusal. */
  async request(required, optional, content, reconsider) {
    let ready;
    try { ready = await this.decide(required, optional, content, reconsider); } catch (e) {
      if (e && e.name === 'NotAllowedError' && e.reason) return;
      throw e;
    }
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
        const [outcome, , block] = this.failed(e, media.length);
        await this.learn(mask, outcome);
        if (block) this.audit('blocked', mask, block);
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

  /** getUserMedia(constraints, prompt): one decision, one native call, tracks handed out only while each is granted. */
  async getUserMedia(value, content, reconsider) {
    const { constraints, mask } = readConstraints(value);
    const asked = caps(mask).length;
    for (let round = 0; round < ROUNDS; round++) {
      await this.decide(mask, 0, content, reconsider);
      let stream;
      for (let retries = 0; !stream; retries++) {
        // An expired grant is never used: the clock is checked again right before the call.
        this.rt.check();
        try { stream = await nativeMedia(constraints); } catch (e) {
          const [outcome, refusal, block] = this.failed(e, asked);
          await this.learn(mask, outcome);
          if (block) this.audit('blocked', mask, block);
          // The device busy elsewhere, or the operating system's setting: the help says so, and its Try again calls
          // the browser again, from that click. No device: no help could change that; it rejects as the browser did.
          if ((block === 'busy' || block === 'system') && retries < ROUNDS && await this.recovery(mask, block, true) === 'retry') continue;
          throw Number.isNaN(refusal) ? e : notAllowed(mask, refusal, e && e.message);
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
    throw notAllowed(bit(left), s.reason ? REFUSALS.indexOf(s.reason) : REFUSE_DISMISSED);
  }

  async getCurrentPosition(options, content, reconsider) {
    await this.decide(bit(GEOLOCATION), 0, content, reconsider);
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
  async watchPosition(success, error, options, content, reconsider) {
    if (typeof success !== 'function') throw typeError('watchPosition needs a success callback function');
    await this.decide(bit(GEOLOCATION), 0, content, reconsider);
    this.rt.check();
    let started = this.rt.status(GEOLOCATION).state === 'granted';
    let ended = false;
    const id = native(navigator.geolocation, 'watchPosition', (position) => {
      if (ended) return;
      if (!started) {
        this.learn(bit(GEOLOCATION), ACCESS_GRANTED);
        if (this.rt.status(GEOLOCATION).state !== 'granted') { ended = true; nativeClear(id); return; }
        started = true;
        this.watchStarted(id);
      }
      this.rt.check();
      if (visible() && this.rt.status(GEOLOCATION).state === 'granted') success(position);
    }, (e) => {
      if (ended) return;
      if (!started && e && e.code === 1) { ended = true; nativeClear(id); }
      this.positionFailed(e).then((err) => { if (typeof error === 'function') error(err); });
    }, options && typeof options === 'object' ? options : undefined);
    if (started) this.watchStarted(id);
    return id;
  }

  /** requestNotifications: resolves 'granted'; the browser's denied (or its prompt closed) rejects like any refusal. */
  async requestNotifications(content, reconsider) {
    await this.decide(bit(NOTIFICATIONS), 0, content, reconsider);
    const answer = this.notified(await nativeNotification());
    if (answer === 'granted') return answer;
    throw answer === 'denied' ? this.refused(bit(NOTIFICATIONS), REFUSE_BROWSER) : notAllowed(bit(NOTIFICATIONS), REFUSE_DISMISSED);
  }

  /**
   * What a failed getUserMedia proves, as the engine reads the error (`[outcome, refusal]`), and what blocks access,
   * if anything outside the site does (the cause of a `blocked` audit): the browser's or the system's setting (the
   * engine's refusal), the device in use elsewhere, or no device (errors that are no refusal, passed through).
   */
  failed(e, asked) {
    const name = String(e && e.name);
    const [outcome, refusal] = this.rt.engine.failedCall(name, String(e && e.message), asked);
    const block = refusal >= REFUSE_BROWSER ? REFUSALS[refusal]
      : /^(NotReadable|TrackStart)Error$/.test(name) ? 'busy' : /^(Devices)?NotFoundError$/.test(name) ? 'no-device' : null;
    return [outcome, refusal, block];
  }

  /** A failed position: the browser's refusal (learnt, audited, a refusal to reject with), else the error as it is. */
  async positionFailed(e) {
    if (!(e && e.code === 1)) return this.learn(bit(GEOLOCATION), NaN), e;
    await this.learn(bit(GEOLOCATION), ACCESS_DENIED);
    return this.refused(bit(GEOLOCATION), REFUSE_BROWSER, e.message);
  }

  /** The browser's answer to Notification.requestPermission(), learnt (and audited when it blocks). */
  notified(answer) {
    // The answer is the browser's own state: 'denied' is its denial (not a dismissal, which answers 'default').
    if (answer === 'granted' || answer === 'denied') this.rt.inputs([[ACCESS, NOTIFICATIONS, answer === 'granted' ? ACCESS_GRANTED : ACCESS_DENIED]]);
    else this.learn(bit(NOTIFICATIONS), NaN);
    if (answer === 'denied') this.audit('blocked', bit(NOTIFICATIONS), 'browser');
    return answer;
  }


  /** The controls panel in `element`, once the UI has loaded; `{ ready, destroy() }`. */
  controls(element) {
    let view = null;
    let destroyed = false;
    const update = () => {
      if (view) view.update(this.statuses());
    };
    const ready = this.ui().then(([ui, strings]) => {
      if (destroyed) return false;
      const host = {
        revoke: (name) => this.rt.revoke(NAMES.indexOf(name)),
        reset: (name) => this.rt.reset(NAMES.indexOf(name)),
        help: (name) => { this.help(NAMES.indexOf(name)); },
        now: () => this.rt.now(),
      };
      view = ui.panel(element, host, this.view(strings));
      this.rt.updates.add(update);
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
        this.rt.updates.delete(update);
        if (view) { view.destroy(); view = null; }
      },
    };
  }

  /**
   * The in-use indicator at the end of `element` (floating without one): the UI loads once a camera or microphone
   * track handed out in this page is live, and the indicator follows every update from then on. `{ ready, destroy() }`.
   */
  indicator(element) {
    let view = null;
    let state = 0; // 1 loading, 2 destroyed
    const update = () => {
      if (view) view.update(this.statuses());
      else if (!state && (this.rt.engine.inUse(CAMERA, false) || this.rt.engine.inUse(MICROPHONE, false))) {
        state = 1;
        this.ui().then(([ui, strings]) => {
          if (state > 1) return;
          view = ui.indicator(element || null, this.view(strings));
          update();
        }, (e) => { state = 0; console.warn('jit-permissions: the in-use indicator could not be shown:', e); });
      }
    };
    this.rt.updates.add(update);
    update();
    return {
      ready: true,
      destroy: () => {
        state = 2;
        this.rt.updates.delete(update);
        if (view) { view.destroy(); view = null; }
      },
    };
  }

  /** Runs the updates of the panels and indicators (a use started: in use now, whether or not the record changed). */
  updated() {
    for (const update of [...this.rt.updates]) update();
  }

  // ---- Uses: the tracks and watches handed out (the runtime stops them when their capability is not granted).

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
  useEnded(id) {
    const use = this.uses.get(id);
    if (!use) return;
    this.uses.delete(id);
    if (use.watch !== undefined) nativeClear(use.watch);
    this.rt.input(USE_ENDED, id);
  }

  clearWatch(watch) {
    for (const [id, use] of this.uses) if (use.watch === watch) return this.useEnded(id);
    nativeClear(watch);
  }

  /** Stops a use whose capability is not granted any more (the engine's output, through the runtime). */
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
    } else nativeClear(use.watch);
  }
}
