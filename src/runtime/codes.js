// @ts-check
// The codes that cross the wasm boundary, defined once for the JavaScript side: the engine's inputs and outputs and
// the numbers of capabilities, states, grants, reasons, choices, refusals, audits and causes. The Rust side is
// `src/web/handle.rs` (its `codes` module and code functions); its test `codes_match_the_javascript_table`
// (`cargo test`) reads this file and fails when a name or a number here disagrees with Rust, or when either side
// has a code the other lacks. Nothing else under src/runtime/, src/ui/ or src/elements/ writes a code as a number.
//
// Side-effect free, so that a bundle (index.js, tasks.js, elements.js) takes only the names it uses.

// Capabilities: the code is the index.
/** @type {readonly ['camera', 'microphone', 'geolocation', 'notifications']} */
export const NAMES = ['camera', 'microphone', 'geolocation', 'notifications'];
export const CAMERA = 0, MICROPHONE = 1, GEOLOCATION = 2, NOTIFICATIONS = 3;
// States: the code is the index; a browser state may also be UNKNOWN (it cannot be queried).
/** @type {readonly ['granted', 'denied', 'prompt']} */
export const STATES = ['granted', 'denied', 'prompt'];
export const GRANTED = 0, DENIED = 1, PROMPT = 2, UNKNOWN = 3;
/** @type {readonly ['one-time', 'persistent']} */
export const GRANTS = ['one-time', 'persistent'];
/** @type {readonly ['browser', 'user', 'embargo', 'system', 'policy']} */
export const REASONS = ['browser', 'user', 'embargo', 'system', 'policy'];
export const REASON_SYSTEM = 3;
/** @type {readonly ['allow-once', 'allow-always', 'dont-allow', 'dismiss']} */
export const CHOICES = ['allow-once', 'allow-always', 'dont-allow', 'dismiss'];
export const ALLOW_ONCE = 0, ALLOW_ALWAYS = 1, DONT_ALLOW = 2, DISMISS = 3;
/**
 * The refusals of assess() and failedCall() (a NotAllowedError's `reason`).
 * @type {readonly ['dismissed', 'user', 'embargo', 'browser', 'system', 'policy']}
 */
export const REFUSALS = ['dismissed', 'user', 'embargo', 'browser', 'system', 'policy'];
export const REFUSE_DISMISSED = 0, REFUSE_USER = 1, REFUSE_BROWSER = 3, REFUSE_SYSTEM = 4;

// Inputs (Engine.input(now, kind, a, b)).
export const TICK = 0, NATIVE = 1, POLICY = 2, DECISION = 3, ACCESS = 4, REVOKE = 5, RESET = 6, SHOWN = 7, ARRIVED = 8,
  VISIBLE = 9, GONE = 10, USE_STARTED = 11, USE_ENDED = 12, CLEARED = 13;
// What a capability's own call proved (input ACCESS, and failedCall's outcome).
export const ACCESS_GRANTED = 0, ACCESS_DENIED = 1, ACCESS_SYSTEM_DENIED = 2;
// The navigation types Engine.arrival() reads, and the signals, as bits.
export const NAVIGATE = 0, RELOAD = 1, BACK_FORWARD = 2;
export const SIGNAL_ACTIVATION = 1, SIGNAL_UNLOAD = 2, SIGNAL_REFERRER = 4, SIGNAL_INTENDED = 8;
// How a page arrived (Engine.arrival()'s answer, input ARRIVED).
export const ARRIVAL_RELOAD = 0, ARRIVAL_SAME_ORIGIN = 1, ARRIVAL_FRESH = 2;

// Outputs (Engine.next()): the first number is the kind.
export const OUT_CHANGED = 0, OUT_UPDATED = 1, OUT_STOP_USE = 2, OUT_PERSIST = 3, OUT_AUDIT = 4;
/**
 * An audit output's kind (its second number): the index.
 * @type {readonly ['prompt-shown', 'decision', 'expiry', 'revocation', 'reset', 'embargo']}
 */
export const AUDITS = ['prompt-shown', 'decision', 'expiry', 'revocation', 'reset', 'embargo'];
/**
 * The cause (an audit's detail) of an expiry and of a revocation: the index.
 * @type {readonly ['max-lifetime', 'hidden', 'pages-gone', 'unused']}
 */
export const EXPIRIES = ['max-lifetime', 'hidden', 'pages-gone', 'unused'];
/** @type {readonly ['manual', 'browser', 'cleared']} */
export const REVOCATIONS = ['manual', 'browser', 'cleared'];
/** Engine.standingGrant() when no library grant stands (else a GRANTS code). */
export const NO_GRANT = -1;
