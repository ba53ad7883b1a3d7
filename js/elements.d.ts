// Types of `jit-permissions/elements`: <jit-geolocation>, <jit-usermedia>, <jit-camera> and <jit-microphone>. Importing
// the module registers them.
import type { PermissionState } from './index.js';

/**
 * Why a click on the element would not count now: the names of the browser's own elements (`''` when it would).
 * The library's own button reports each of them (`unsuccessful_registration`: a fourth element of one capability in
 * the page; `illegal_subframe`: a fenced frame, or a frame of another origin than the top whose page's policy has no
 * `frame-ancestors` directive).
 */
export type CapabilityInvalidReason =
  | ''
  | 'type_invalid'
  | 'illegal_subframe'
  | 'unsuccessful_registration'
  | 'recently_attached'
  | 'intersection_changed'
  | 'intersection_out_of_viewport_or_clipped'
  | 'intersection_occluded_or_distorted'
  | 'style_invalid';

/**
 * What both elements have (the browser's ActivationBlockersMixin and PowerfulFeatureObserver, and `error`). Each
 * `on…` handler can also be a content attribute (`<jit-geolocation onlocation="…">`), which the browser compiles
 * under the page's Content-Security-Policy: without 'unsafe-inline' (or script-src-attr) it does not run.
 */
export interface JitCapabilityElement extends HTMLElement {
  /** Whether a trusted click would count now. */
  readonly isValid: boolean;
  /** Why it would not (`''` when it would). */
  readonly invalidReason: CapabilityInvalidReason;
  /** The library's state of the capability when the element first knew it. */
  readonly initialPermissionStatus: PermissionState;
  /** The library's state now (the same as `permissions.query()`; for camera and microphone together, the lesser). */
  readonly permissionStatus: PermissionState;
  /**
   * The last failure: the browser's error, or the library's `NotAllowedError` (with its `reason`: dismissed, user,
   * embargo, browser, system, policy) when it refused.
   */
  readonly error: GeolocationPositionError | DOMException | null;
  /** The person answered a prompt the click opened (a choice, or the recovery help that unblocked it). */
  onpromptaction: ((this: JitCapabilityElement, ev: Event) => unknown) | null;
  /** The person closed that prompt without choosing, or closed the recovery help while still blocked. */
  onpromptdismiss: ((this: JitCapabilityElement, ev: Event) => unknown) | null;
  /** `isValid` or `invalidReason` changed. */
  onvalidationstatuschange: ((this: JitCapabilityElement, ev: Event) => unknown) | null;
}

export interface JitCapabilityElementEventMap extends HTMLElementEventMap {
  promptaction: Event;
  promptdismiss: Event;
  validationstatuschange: Event;
}

export interface JitGeolocationElementEventMap extends JitCapabilityElementEventMap {
  /** A position (`position`) or a failure (`error`); with `watch`, each new position. */
  location: Event;
}

/** `<jit-geolocation>`: a click gives the page the person's position. */
export interface JitGeolocationElement extends JitCapabilityElement {
  /** The last position, or null. */
  readonly position: GeolocationPosition | null;
  /** Reflects `autolocate`: locate when inserted, if the library already reports geolocation granted. */
  autolocate: boolean;
  /** Reflects `watch`: follow the position (until the grant ends) instead of reading it once. */
  watch: boolean;
  onlocation: ((this: JitGeolocationElement, ev: Event) => unknown) | null;
  addEventListener<K extends keyof JitGeolocationElementEventMap>(type: K, listener: (this: JitGeolocationElement, ev: JitGeolocationElementEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof JitGeolocationElementEventMap>(type: K, listener: (this: JitGeolocationElement, ev: JitGeolocationElementEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

export interface JitUserMediaElementEventMap extends JitCapabilityElementEventMap {
  /** A stream (`stream`). */
  stream: Event;
  /** Refused (`error` is the NotAllowedError). */
  cancel: Event;
  // `error` (a plain Event: the element's `error` says what failed: no device, a busy device, constraints that
  // cannot be met) keeps HTMLElementEventMap's declaration.
}

/** `<jit-usermedia type="camera | microphone | camera microphone">` (no `type`: both): a click gives a stream. */
export interface JitUserMediaElement extends JitCapabilityElement {
  /** The stream the last click gave, or null. Its tracks end when the grant ends. */
  readonly stream: MediaStream | null;
  /** Reflects `type`: `camera`, `microphone`, or both separated by a space. */
  type: string;
  /** The getUserMedia constraints of the next click, kept to the element's type. */
  setConstraints(constraints?: MediaStreamConstraints): void;
  onstream: ((this: JitUserMediaElement, ev: Event) => unknown) | null;
  // `oncancel` and `onerror` are HTMLElement's own (GlobalEventHandlers).
  addEventListener<K extends keyof JitUserMediaElementEventMap>(type: K, listener: (this: JitUserMediaElement, ev: JitUserMediaElementEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof JitUserMediaElementEventMap>(type: K, listener: (this: JitUserMediaElement, ev: JitUserMediaElementEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/** The class registered as `jit-geolocation` (undefined where there is no browser). */
export declare const JitGeolocationElement: { prototype: JitGeolocationElement; new (): JitGeolocationElement } | undefined;
/** The class registered as `jit-usermedia` (undefined where there is no browser). */
export declare const JitUserMediaElement: {
  prototype: JitUserMediaElement;
  new (): JitUserMediaElement;
  /** Whether `type` is one this element takes: `camera`, `microphone`, or both separated by a space. */
  isTypeSupported(type: string): boolean;
} | undefined;
/** `<jit-camera>`: the camera alone (Chrome 153's `<camera>`); its `type` is always `camera`. */
export declare const JitCameraElement: { prototype: JitUserMediaElement; new (): JitUserMediaElement } | undefined;
/** `<jit-microphone>`: the microphone alone (Chrome 153's `<microphone>`); its `type` is always `microphone`. */
export declare const JitMicrophoneElement: { prototype: JitUserMediaElement; new (): JitUserMediaElement } | undefined;
/** @internal How the package's own index.js hands its runtime to this module; not a public API (it gives nothing back). */
export declare function connect(runtime: unknown): void;

declare global {
  interface HTMLElementTagNameMap {
    'jit-geolocation': JitGeolocationElement;
    'jit-usermedia': JitUserMediaElement;
    'jit-camera': JitUserMediaElement;
    'jit-microphone': JitUserMediaElement;
  }
}
