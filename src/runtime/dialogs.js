// @ts-check
// The dialogs of jit-permissions' tasks: the one queue every dialog goes through (the pre-prompt, the recovery help,
// help(descriptor)), the decision of a task (what it needs asked, shown, answered and recorded), and the views that
// follow the statuses (the controls panel, the in-use indicator). `Dialogs` is the base of `Tasks`
// (src/runtime/tasks.js, the gated calls), loaded with it on first need.
//
// As in runtime.js, every decision is the engine's (assess). Here are one decision at a time (a queue for every dialog,
// the recovery help included; callers asking for the same share one dialog and one answer, and a dialog re-checks
// every state at its turn), one ask per task (one pre-prompt for all the capabilities of a call), and re-checks
// after every answer.
//
// What loads when: the pre-prompt (src/ui/prompt.js, with the shared helpers of src/ui/dom.js) is imported here
// statically, so the npm package's tasks.js holds it: a first pre-prompt is one request after the first load. The
// recovery help, the panel, the indicator and the chip (src/ui/*.js) load through the runtime's loader when first
// shown, and the locale's strings when the tasks load.
import {
  ALLOW_ALWAYS, ALLOW_ONCE, CAMERA, CHOICES, DECISION, DISMISS, DONT_ALLOW, MICROPHONE, NAMES, REASON_SYSTEM, REASONS,
  REFUSALS, REFUSE_BROWSER, REFUSE_DISMISSED, REFUSE_SYSTEM, REFUSE_USER, RESET, SHOWN,
} from './codes.js';
import { bit, caps } from './runtime.js';
import { en, prePrompt } from '../ui/prompt.js';
import { READY_MS } from '../ui/dom.js';

/** @typedef {import('../ui/dom.js').Strings} Strings */
/** @typedef {import('../ui/dom.js').View} View */
/** @typedef {import('../ui/panel.js').Status} Status */
/** @typedef {import('../ui/panel.js').PanelView} PanelView */
/** @typedef {import('./errors.js').Refusal} Refusal */
/** @typedef {{ title?: string, reason?: string, image?: { src: string, alt: string }, quiet?: boolean }} Content */
/**
 * The UIs the loader imports on first need, by name.
 * @typedef {{ recovery: typeof import('./help.js'), panel: typeof import('./controls.js'),
 *   indicator: typeof import('./inuse.js'), chip: typeof import('../ui/chip.js') }} Views
 */
/**
 * What the runtime loads on first need (js/index.js in the npm package, src/ui/bundled.js in the Rust API): the tasks,
 * each UI but the pre-prompt, and the module of a built-in locale's strings (undefined for English, or where it
 * could not load in the Rust API).
 * @typedef {{ tasks(): Promise<unknown>, view<K extends keyof Views>(name: K): Promise<Views[K]>,
 *   locale(tag: string): Promise<{ default: Strings } | undefined | void> }} Loader
 */
/**
 * What the tasks use of the page's runtime (src/runtime/runtime.js).
 * @typedef {object} Rt
 * @property {import('./jit_permissions.js').JitPermissionsEngine} engine
 * @property {{ natives?: Record<string, Function>, locale?: string, strings: Strings, headingLevel?: number,
 *   prompts: Content[] }} options
 * @property {string} locale the built-in locale in use
 * @property {Loader} loader
 * @property {Set<() => void>} updates the mounted views' update functions
 * @property {Set<(tasks: Dialogs) => unknown>} indicators the indicators waiting for the tasks
 * @property {() => number} now
 * @property {() => void} check
 * @property {(i: number) => Omit<Status, 'name'>} status
 * @property {(list: number[][]) => void} inputs
 * @property {(kind: number, a?: number, b?: number) => void} input
 * @property {() => Float64Array[]} drain
 * @property {(outputs: Float64Array[]) => void} carryOut
 * @property {(record: Record<string, unknown>) => void} audit
 * @property {() => void} recheck
 * @property {() => Promise<void>} requery
 * @property {(i: number) => void} revoke
 * @property {(i: number) => void} reset
 */
/** @typedef {{ ready: boolean | Promise<boolean>, destroy(): void }} Handle */

/**
 * Whether a choice lets the task go on (allow this time, allow on every visit).
 * @param {number} choice
 */
export const allows = (choice) => choice === ALLOW_ONCE || choice === ALLOW_ALWAYS;
/** How many times a call re-checks and asks again before it gives up. */
export const ROUNDS = 3;

/** The dialogs of one page's runtime. */
export class Dialogs {
  /** @param {Rt} rt */
  constructor(rt) {
    this.rt = rt;
    /** The locale's strings, loading. @type {Promise<Strings | undefined> | null} */
    this.loading = null;
    /** @type {Promise<unknown>} */
    this.queue = Promise.resolve();
    /** The shared dialogs, by what they ask. @type {Map<string, Promise<{ choice: number, declined: number } | null>>} */
    this.pending = new Map();
    /** The native side of the calls, once loaded. @type {import('./calls.js').Calls | null} */
    this.calls = null;
    /** @type {Promise<import('./calls.js').Calls> | null} */
    this.loadingCalls = null;
    // The language tag on the dialogs and the panel: the `locale` option as given (any BCP 47 tag: strings
    // translated through `strings` carry it; `es_MX` is written `es-MX`), else the built-in locale in use.
    const tag = String(rt.options.locale ?? '').trim().replace(/_/g, '-');
    this.tag = /^[a-z0-9-]{1,35}$/i.test(tag) ? tag : rt.locale;
  }

  // ---- The UI: the pre-prompt is here already; the locale's strings load with the tasks, the other UIs when shown.

  /**
   * The locale's strings (a built-in locale other than English), loading from the first call on.
   * @returns {Promise<Strings | undefined>}
   */
  preload() {
    let loading = this.loading;
    if (!loading) {
      loading = this.loading = this.rt.loader.locale(this.rt.locale).then((m) => (m ? m.default : undefined));
      loading.catch(() => { this.loading = null; });
    }
    return loading;
  }

  /**
   * The strings of a UI: English (prompt.js's, then the UI's own `more`), then the locale's, then the site's.
   * @param {Strings} [more]
   * @returns {Promise<Strings>}
   */
  async strings(more) {
    const table = await this.preload();
    return Object.assign({}, en, more, table, this.rt.options.strings);
  }

  /**
   * What every view of the UI gets: the strings, their language tag, the heading level; and `more`.
   * @template {object} M
   * @param {Strings} strings
   * @param {M} [more]
   * @returns {View & M}
   */
  view(strings, more) {
    return /** @type {View & M} */ ({ lang: this.tag, strings, headingLevel: this.rt.options.headingLevel, ...more });
  }

  // ---- Audits the browser layer sees (the engine never does): what blocked a call, an entry left out.

  /**
   * @param {string} type
   * @param {number} mask
   * @param {string | null} [cause]
   */
  audit(type, mask, cause = null) {
    for (const i of caps(mask)) {
      /** @type {Record<string, unknown>} */
      const record = { type, name: NAMES[i], detail: cause, at: this.rt.now() };
      if (cause) record.cause = cause;
      this.rt.audit(record);
    }
  }

  /**
   * A refusal to throw (errors.js `notAllowed`, which comes with the native side of the calls: a refusal follows an
   * answer, or needs no dialog), audited as `blocked` when something outside the site refused (the browser, the
   * system, a policy). Should that module fail to load (offline), still a NotAllowedError with its `reason`.
   * @param {number} mask
   * @param {number} why
   * @param {string} [detail]
   * @returns {Promise<import('./errors.js').Refusal>}
   */
  async refused(mask, why, detail) {
    if (why >= REFUSE_BROWSER) this.audit('blocked', mask, REFUSALS[why]);
    try {
      return (await this.native()).notAllowed(mask, why, detail);
    } catch {
      const e = new DOMException('jit-permissions: not allowed', 'NotAllowedError');
      return Object.defineProperty(/** @type {import('./errors.js').Refusal} */ (e), 'reason', { value: REFUSALS[why], enumerable: true });
    }
  }

  /**
   * The native side of the calls (calls.js), loading: once a pre-prompt takes input (so it is ready once the person
   * answers, and off the path of the pre-prompt), or once a task is decided or refused.
   * @returns {Promise<import('./calls.js').Calls>}
   */
  native() {
    if (!this.loadingCalls) {
      const loading = (this.loadingCalls = import('./calls.js').then((m) => (this.calls = new m.Calls(this))));
      loading.catch(() => { this.loadingCalls = null; });
    }
    return this.loadingCalls;
  }

  /**
   * A pre-prompt opened: the native side of the calls loads once it takes input (as the person reads it, before they
   * can answer), off the path of the pre-prompt.
   */
  shown() { setTimeout(() => this.native().catch(() => {}), READY_MS); }


  // ---- The queue and the decision of a task.

  /**
   * Runs `job` once every dialog queued before it has closed; jobs never reject, so none can stall the queue.
   * @template T
   * @param {() => Promise<T>} job
   * @returns {Promise<T | null>}
   */
  enqueue(job) {
    const run = this.queue.then(job).catch(() => null);
    this.queue = run;
    return run;
  }

  /**
   * The engine's assessment of a task: what is ready, what to ask, what was dropped, what blocks or refuses it.
   * @param {number} required
   * @param {number} optional
   * @param {boolean} reconsider
   */
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
   * @param {number} required
   * @param {number} optional
   * @param {Content} content
   * @param {boolean} reconsider
   * @returns {Promise<number>}
   */
  async decide(required, optional, content, reconsider) {
    this.preload().catch(() => {});
    // The whole task, whose entries not asked the pre-prompt shows as they are.
    /** @type {[number, number]} */
    const task = [required, optional];
    // Capabilities the operating system blocks that the person asked to try again: only the call can tell whether
    // the setting changed (the browser does not say).
    let trying = 0;
    for (let round = 1; round <= ROUNDS + 1; round++) {
      const a = this.assess(required & ~trying, optional & ~trying, reconsider);
      if (a.refused) throw await this.refused(bit(a.refused[0]), a.refused[1]);
      if (a.blocked) {
        const [cap, reason] = a.blocked;
        const why = reason === REASON_SYSTEM ? REFUSE_SYSTEM : REFUSE_BROWSER;
        // A polyfilled call without user activation gets no dialog: the platform's refusal at once.
        if (round > ROUNDS || content.quiet) throw await this.refused(bit(cap), why);
        // The help closes by itself once the person unblocks it in the browser; the call then goes on as for the
        // new state. For the operating system's block it offers to try again.
        if (await this.recovery(bit(cap), REASONS[reason], reason === REASON_SYSTEM) === 'retry') { trying |= bit(cap); continue; }
        const s = this.rt.status(cap);
        if (s.state === 'denied' && s.reason === REASONS[reason]) throw await this.refused(bit(cap), why);
        continue;
      }
      optional &= ~a.dropped;
      if (!a.ask) return a.ready | trying;
      const asked = a.ask & required || a.ask;
      if (round > ROUNDS) throw await this.refused(bit(caps(asked)[0]), REFUSE_DISMISSED);
      const answer = await this.prePrompt(a.ask & required, a.ask & optional, task, content, reconsider);
      if (!answer) continue; // settled meanwhile (another dialog, another page): check again
      if (allows(answer.choice)) { optional &= ~answer.declined; continue; }
      if (!(a.ask & required)) { optional &= ~a.ask; continue; }
      throw await this.refused(bit(caps(a.ask & required)[0]), answer.choice === DONT_ALLOW ? REFUSE_USER : REFUSE_DISMISSED);
    }
    throw await this.refused(required, REFUSE_DISMISSED);
  }

  /**
   * The pre-prompt for these capabilities of a task (`[required, optional]`, whose other entries it shows as they
   * are: already allowed, or blocked), queued and shared with every caller asking for the same. At its turn it asks
   * only for what still needs asking, and records the answer, except for an optional capability the person left
   * out (audited `declined`); resolves with `{choice, declined}` (a mask), or null when nothing needed asking.
   * @param {number} required
   * @param {number} optional
   * @param {[number, number]} task
   * @param {Content} content
   * @param {boolean} reconsider
   */
  prePrompt(required, optional, task, content, reconsider) {
    const key = `${required} ${optional} ${task}`;
    const pending = this.pending.get(key);
    if (pending) return pending;
    const shared = this.enqueue(async () => {
      try {
        const a = this.assess(required, optional, reconsider);
        if (a.refused || a.blocked || !a.ask) return null;
        const strings = await this.strings();
        const asked = caps(a.ask);
        const first = this.rt.options.prompts[asked[0]];
        const request = this.view(strings, {
          capabilities: caps(task[0] | task[1]).map((i) => {
            /** @type {import('../ui/prompt.js').Entry} */
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
        // Only a pre-prompt that can be shown is audited as shown: its strings are here (a locale may fail to load).
        this.rt.inputs(asked.map((i) => [SHOWN, i]));
        // A polyfilled call without user activation (on load): no modal, the chip (src/ui/chip.js) first, which
        // resolves true once the person opens it; its dismissal is one.
        let result = null;
        if (!content.quiet || await (await this.rt.loader.view('chip')).chip(request)) {
          const answer = prePrompt(request);
          this.shown();
          result = await answer;
        }
        const picked = /** @type {readonly string[]} */ (CHOICES).indexOf(result ? result.choice : '');
        const choice = picked < 0 ? DISMISS : picked;
        const declined = allows(choice) ? ((result && result.declined) || []).reduce((m, n) => m | bit(/** @type {readonly string[]} */ (NAMES).indexOf(n)), 0) & optional : 0;
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

  /**
   * The recovery help of a gated call for the capabilities `mask` blocked by `cause` (`browser`, `system`, `busy`),
   * queued behind any open dialog, with Try again when `retry`. Resolves with 'retry' (Try again), 'reset' or
   * undefined.
   * @param {number} mask
   * @param {string} cause
   * @param {boolean} retry
   */
  recovery(mask, cause, retry) { return this.enqueue(async () => (await this.rt.loader.view('recovery')).showRecovery(this, mask, cause, retry)); }

  /**
   * help(descriptor): through the same queue, what applies to the capability now, whatever its state (blocked, and
   * by what; the person's own Don't allow or a pause, with Reset; granted; or the site will ask), until the person
   * closes it.
   * @param {number} i
   */
  help(i) { return this.enqueue(async () => (await this.rt.loader.view('recovery')).showRecovery(this, bit(i))); }

  // ---- The views that follow the statuses.

  /**
   * The controls panel in `element`, once its UI and its side of the tasks (src/runtime/controls.js) have loaded.
   * @param {Element} element
   * @returns {{ ready: Promise<boolean>, destroy(): void }}
   */
  controls(element) { return this.mount('panel', element, () => true); }

  /**
   * The in-use indicator at the end of `element` (floating without one): its UI and its side of the tasks
   * (src/runtime/inuse.js) load once a camera or microphone track handed out in this page is live, and the indicator
   * follows every update from then on.
   * @param {Element | null | undefined} element
   * @returns {Handle}
   */
  indicator(element) {
    const { engine } = this.rt;
    return { ready: true, destroy: this.mount('indicator', element || null, () => engine.inUse(CAMERA, false) || engine.inUse(MICROPHONE, false)).destroy };
  }

  /**
   * A view other than the dialogs, mounted once `due()` holds (checked now and at every update until then): its
   * module loads then (the panel, controls.js; the indicator, inuse.js), and keeps it updated. `ready` resolves true
   * once it shows (false when destroyed first, or when it could not load: then a later update tries again).
   * @param {'panel' | 'indicator'} name
   * @param {Element | null} element
   * @param {() => boolean} due
   */
  mount(name, element, due) {
    /** @type {{ destroy(): void } | null} */
    let handle = null;
    let destroyed = false;
    /** @type {(shown: boolean) => void} */
    let settle = () => {};
    /** @type {Promise<boolean>} */
    const ready = new Promise((resolve) => { settle = resolve; });
    const update = () => {
      if (!due()) return;
      this.rt.updates.delete(update);
      this.rt.loader.view(name).then(async (m) => {
        const mounted = !destroyed && await m.mount(this, /** @type {Element} */ (element));
        if (mounted && destroyed) mounted.destroy();
        else if (mounted) handle = mounted;
        settle(Boolean(mounted) && !destroyed);
      }).catch((e) => {
        console.warn(`jit-permissions: the ${name} could not be shown:`, e);
        if (!destroyed) this.rt.updates.add(update);
        settle(false);
      });
    };
    this.rt.updates.add(update);
    update();
    return {
      ready,
      destroy: () => {
        destroyed = true;
        this.rt.updates.delete(update);
        handle?.destroy();
      },
    };
  }
}
