// Types of the jit-permissions package. No `any`: every value that crosses is named here.

/** The Permissions API's own three states. */
export type PermissionState = 'granted' | 'denied' | 'prompt';

/** The capabilities the library gates with its pre-prompt. */
export type GatedPermissionName = 'camera' | 'microphone' | 'geolocation' | 'notifications';

/** How long a grant lasts. */
export type GrantKind = 'one-time' | 'persistent';

/** Why a capability is reported denied. */
export type DenyReason = 'browser' | 'user' | 'embargo' | 'system' | 'policy';

/** Why a gated call was refused: a `DenyReason`, or `dismissed` (the pre-prompt or the browser's prompt was closed). */
export type RefusalReason = DenyReason | 'dismissed';

/**
 * How every refusal of a gated call (`getUserMedia`, `getCurrentPosition`, `watchPosition`,
 * `requestNotifications`) rejects, whoever refused: a `NotAllowedError` DOMException with a `reason`.
 */
export interface Refusal extends DOMException {
  readonly name: 'NotAllowedError';
  readonly reason: RefusalReason;
}

/** Whether `error` is a refusal (see `Refusal`): checks its name and reason, so an error of another frame counts too. */
export declare function isRefusal(error: unknown): error is Refusal;

/** A choice in the pre-prompt. */
export type Choice = 'allow-once' | 'allow-always' | 'dont-allow' | 'dismiss';

/** Why a grant expired. */
export type ExpiryCause = 'max-lifetime' | 'hidden' | 'pages-gone' | 'unused';

/** Why a grant was taken back: the controls or the API, the browser, or storage cleared. */
export type RevocationCause = 'manual' | 'browser' | 'cleared';

/** What kept a gated call from the capability: the browser's or the system's setting, the frame's Permissions
 * Policy, the device in use elsewhere (`NotReadableError`), or no device (`NotFoundError`). */
export type BlockCause = 'browser' | 'system' | 'policy' | 'busy' | 'no-device';

/** A descriptor naming a gated capability. */
export interface GatedPermissionDescriptor {
  name: GatedPermissionName;
}

/** One capability of a task that needs several; an optional one can be declined. */
export interface TaskPermissionDescriptor extends GatedPermissionDescriptor {
  optional?: boolean;
}

/** The site's own explanation, shown in the pre-prompt. Every field is text, never markup. */
export interface PromptContent {
  /** The dialog's title. */
  title?: string;
  /** Why the site asks, in its own words. */
  reason?: string;
  /** A picture of the task; `alt` is required with it. */
  image?: { src: string; alt: string };
  /** Show the pre-prompt again although the person chose "Don't allow" before. */
  reconsider?: boolean;
}

/** Options of `install()`. All optional; a wrong type or range is a `TypeError` naming the field. */
export interface InstallOptions {
  oneTime?: {
    /** Maximum lifetime of a one-time grant in ms (default 16 hours). */
    maxLifetime?: number;
    /** How long every page of the origin may be hidden before a one-time grant expires, in ms (default 5 minutes). */
    hiddenTimeout?: number;
  };
  embargo?: {
    /** Dismissals in a row that start an embargo (default 3). */
    dismissals?: number;
    /** How long an embargo lasts in ms (default 7 days). */
    duration?: number;
  };
  /** Locale of the built-in strings, any BCP 47 tag, which the dialogs and the panel carry as their `lang` (default: the
   * first supported of `<html lang>` and `navigator.languages`, else English). */
  locale?: string;
  /** Overrides of built-in strings, by key (an unknown key is a `TypeError`). */
  strings?: Strings;
  /** Default prompt content per capability (`reconsider` counts only in a call's own `prompt`). */
  prompts?: Partial<Record<GatedPermissionName, PromptContent>>;
  /** The origin storage key (default `"jit-permissions"`). */
  storageKey?: string;
  /**
   * The whole-page polyfill (default false): `true` replaces `navigator.permissions.query`,
   * `navigator.mediaDevices.getUserMedia`, `navigator.geolocation.getCurrentPosition` / `watchPosition` /
   * `clearWatch`, `Notification.requestPermission` and `PushManager.prototype.subscribe` with functions of the same
   * shape that go through the library; a list replaces only those named.
   */
  patch?: boolean | Array<'query' | 'getUserMedia' | 'getCurrentPosition' | 'watchPosition' | 'clearWatch' | 'requestPermission' | 'subscribe'>;
  persistent?: {
    /** A persistent grant not used through the library for this long ends (cause `unused`), in ms (default: never). */
    unusedAfter?: number;
  };
  /** A clock returning epoch milliseconds, for tests and demos (default `Date.now`); see `jit-permissions/testing`. */
  clock?: () => number;
  /** Show the in-use indicator (floating at the top of the page) while a camera or microphone track the library
   * handed out is live (default false). */
  indicator?: boolean;
  /** The level (1-6) of the headings of the dialogs and the panel (default 2). */
  headingLevel?: 1 | 2 | 3 | 4 | 5 | 6;
}

/**
 * The built-in strings, each of which `strings` can override. `{name}` is the capability's name, `{time}` the time
 * left; `steps*` hold one step per line. (One line per key: a new key of the UI is one more line here.)
 */
export interface Strings {
  allowOnce?: string;
  allowAlways?: string;
  dontAllow?: string;
  close?: string;
  cameraTitle?: string;
  cameraReason?: string;
  microphoneTitle?: string;
  microphoneReason?: string;
  geolocationTitle?: string;
  geolocationReason?: string;
  notificationsTitle?: string;
  notificationsReason?: string;
  manyTitle?: string;
  manyReason?: string;
  cameraName?: string;
  microphoneName?: string;
  geolocationName?: string;
  notificationsName?: string;
  cameraNoun?: string;
  microphoneNoun?: string;
  geolocationNoun?: string;
  notificationsNoun?: string;
  optional?: string;
  alreadyAllowed?: string;
  cameraBlocked?: string;
  microphoneBlocked?: string;
  geolocationBlocked?: string;
  notificationsBlocked?: string;
  recoveryIntro?: string;
  stepsChromium?: string;
  stepsFirefox?: string;
  stepsSafari?: string;
  stepsOther?: string;
  systemTitle?: string;
  systemIntro?: string;
  stepsMac?: string;
  stepsWindows?: string;
  stepsDevice?: string;
  busyTitle?: string;
  busyIntro?: string;
  stepsBusy?: string;
  retry?: string;
  policyTitle?: string;
  policyText?: string;
  userTitle?: string;
  userText?: string;
  embargoTitle?: string;
  embargoText?: string;
  grantedTitle?: string;
  grantedText?: string;
  promptTitle?: string;
  promptText?: string;
  panelTitle?: string;
  stateGranted?: string;
  stateDenied?: string;
  statePrompt?: string;
  grantOneTime?: string;
  grantPersistent?: string;
  reasonBrowser?: string;
  reasonUser?: string;
  reasonEmbargo?: string;
  reasonSystem?: string;
  reasonPolicy?: string;
  revoke?: string;
  reset?: string;
  help?: string;
  revokeLabel?: string;
  resetLabel?: string;
  helpLabel?: string;
  revokeHint?: string;
  resetHint?: string;
  expiresIn?: string;
  hours?: string;
  minutes?: string;
  inUseNow?: string;
  lastChoice?: string;
  dismissed?: string;
  notAsked?: string;
  inUse?: string;
  notInUse?: string;
}

/** A key of the built-in strings. */
export type StringKey = keyof Strings;

/** What every audit record has. */
interface AuditRecord<T extends string, D> {
  type: T;
  name: GatedPermissionName;
  /** The choice for `decision`, the cause for `expiry`, `revocation` and `blocked`, the end (epoch ms) for `embargo`,
   * else null (`declined`: an optional capability the person left out of a task's pre-prompt). */
  detail: D;
  /** When it happened (epoch ms). */
  at: number;
}

/** The detail of an `audit` event: narrow it on `type`. */
export type AuditDetail =
  | AuditRecord<'prompt-shown', null>
  | (AuditRecord<'decision', Choice> & { /** The choice (same as `detail`). */ choice: Choice })
  | (AuditRecord<'expiry', ExpiryCause> & { /** Why it ended (same as `detail`). */ cause: ExpiryCause })
  | (AuditRecord<'revocation', RevocationCause> & { /** Why it ended (same as `detail`). */ cause: RevocationCause })
  | AuditRecord<'reset', null>
  | (AuditRecord<'embargo', number> & { /** When it ends, epoch ms (same as `detail`). */ until: number })
  | (AuditRecord<'blocked', BlockCause> & { /** What blocked a gated call (same as `detail`). */ cause: BlockCause })
  | AuditRecord<'declined', null>;

/** The kinds of audit records. */
export type AuditType = AuditDetail['type'];

/**
 * A status as a frozen plain object (`snapshot()`, `subscribe()`): the same object until one of its fields changes,
 * so it can be compared with `===` (React's `useSyncExternalStore`, Vue's `shallowRef`, Svelte stores).
 */
export interface JitPermissionSnapshot {
  readonly name: GatedPermissionName;
  readonly state: PermissionState;
  readonly grant: GrantKind | null;
  readonly expiresAt: number | null;
  readonly reason: DenyReason | null;
  readonly lastDecision: Choice | null;
  readonly decidedAt: number | null;
}

/** A PermissionStatus-like EventTarget that tells the truth and fires `change` on every change. */
export declare class JitPermissionStatus extends EventTarget {
  /** Made by the library only (query(), request(), ...); its arguments are the library's own. */
  private constructor(...args: never[]);
  readonly name: GatedPermissionName;
  readonly state: PermissionState;
  /** The kind of grant behind `granted`, else null. */
  readonly grant: GrantKind | null;
  /** For a one-time grant: when its maximum lifetime ends (epoch ms), else null. */
  readonly expiresAt: number | null;
  /** For `denied`: why, else null. */
  readonly reason: DenyReason | null;
  /** The last choice made in the pre-prompt on this site, or null if it was never asked. */
  readonly lastDecision: Choice | null;
  /** When `lastDecision` was made (epoch ms), or null. */
  readonly decidedAt: number | null;
  onchange: ((this: JitPermissionStatus, ev: Event) => unknown) | null;
  toJSON(): { -readonly [K in keyof JitPermissionSnapshot]: JitPermissionSnapshot[K] };
}

/** A mounted controls panel. */
export interface ControlsHandle {
  /**
   * Resolves with true once the panel shows (the first time, once the UI module has loaded), or false if it never
   * will (destroyed first, or the UI could not be loaded: a console warning says why).
   */
  readonly ready: Promise<boolean>;
  /** Removes the panel and its listeners. */
  destroy(): void;
}

/** The controller `install()` resolves with. Audit events arrive as `audit` CustomEvents. */
export declare class JitPermissions extends EventTarget {
  private constructor();
  /** Whether decisions are kept in memory only (storage blocked or full). */
  readonly inMemory: boolean;
  /** The locale of the built-in strings in use. */
  readonly locale: string;
  query(descriptor: GatedPermissionDescriptor): Promise<JitPermissionStatus>;
  query(descriptor: PermissionDescriptor): Promise<JitPermissionStatus | PermissionStatus>;
  request(descriptor: GatedPermissionDescriptor, prompt?: PromptContent): Promise<JitPermissionStatus>;
  request(descriptors: readonly TaskPermissionDescriptor[], prompt?: PromptContent): Promise<JitPermissionStatus[]>;
  getUserMedia(constraints: MediaStreamConstraints, prompt?: PromptContent): Promise<MediaStream>;
  getCurrentPosition(options?: PositionOptions, prompt?: PromptContent): Promise<GeolocationPosition>;
  watchPosition(
    success: PositionCallback,
    error?: PositionErrorCallback | null,
    options?: PositionOptions,
    prompt?: PromptContent,
  ): Promise<number>;
  /** Clears a watch: its id, or the promise `watchPosition()` returned (the watch is then cleared once it starts). */
  clearWatch(id: number | Promise<number>): void;
  requestNotifications(prompt?: PromptContent): Promise<NotificationPermission>;
  revoke(descriptor: GatedPermissionDescriptor): Promise<JitPermissionStatus>;
  reset(descriptor: GatedPermissionDescriptor): Promise<JitPermissionStatus>;
  /** Shows what applies to the capability now (what blocks it and the way back, Reset after the person's own Don't
   * allow or a pause, or that nothing does); resolves when the person closes it. */
  help(descriptor: GatedPermissionDescriptor): Promise<void>;
  refresh(): void;
  controls(element: Element): ControlsHandle;
  /** The in-use indicator at the end of `element` (floating at the top of the page without one), shown while a
   * camera or microphone track handed out by the library in this page is live. */
  indicator(element?: Element): ControlsHandle;
  /** The status of a gated capability now, as a frozen object that stays the same object until a field changes. */
  snapshot(descriptor: GatedPermissionDescriptor): JitPermissionSnapshot;
  /**
   * Calls `callback` with the snapshot at once, then with the new one after each change of any of its fields (not
   * only `state`); returns the function that unsubscribes.
   */
  subscribe(descriptor: GatedPermissionDescriptor, callback: (snapshot: JitPermissionSnapshot) => void): () => void;
  addEventListener(type: 'audit', listener: (this: JitPermissions, ev: CustomEvent<AuditDetail>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener(type: 'audit', listener: (this: JitPermissions, ev: CustomEvent<AuditDetail>) => void, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/**
 * Loads the wasm once and starts the runtime; idempotent: a later call returns the same controller (with other
 * options, they are ignored and a console warning says so once). Where there is no browser, it rejects with an Error.
 */
export declare function install(options?: InstallOptions): Promise<JitPermissions>;

/** The capability elements' types; importing `jit-permissions/elements` registers the elements. */
export type { CapabilityInvalidReason, JitCapabilityElement, JitGeolocationElement, JitUserMediaElement } from './elements.js';
