//! The engine as the browser layer sees it: one `#[wasm_bindgen]` class of synchronous calls,
//! in numbers and text only, so that the wasm holds the engine and its decisions and little
//! glue. The browser layer itself (listeners, storage, the origin's other pages, the gated
//! calls, the UI) is `src/runtime/runtime.js`, which the npm package and the Rust API share.
//!
//! Codes (named once for JavaScript in `src/runtime/codes.js`, and checked against this file by the test
//! `codes_match_the_javascript_table`; the numbers are [`codes`] and the code functions below):
//! - capability: 0 camera, 1 microphone, 2 geolocation, 3 notifications ([`Capability::index`]);
//! - state: 0 granted, 1 denied, 2 prompt; browser state also 3 unknown;
//! - grant: 0 one-time, 1 persistent; reason: 0 browser, 1 user, 2 embargo, 3 system, 4 policy;
//! - choice: 0 allow-once, 1 allow-always, 2 dont-allow, 3 dismiss;
//! - access outcome: 0 granted, 1 denied, 2 denied by the system;
//! - arrival: 0 reload, 1 same origin, 2 fresh; `NaN` is "none" wherever a number may be absent.
//!
//! Inputs ([`Engine::input`]): 0 tick · 1 browser state (cap, state) · 2 policy (cap, allowed)
//! · 3 decision (cap, choice) · 4 access (cap, outcome) · 5 revoke (cap) · 6 reset (cap) ·
//! 7 prompt shown (cap) · 8 arrived (kind, at) · 9 page visible (page, visible) · 10 page gone
//! (page) · 11 use started (cap, id) · 12 use ended (id) · 13 cleared.
//!
//! Outputs ([`Engine::next`], one per call, empty when drained): `[0 changed | 1 updated, cap,
//! …status]` · `[2, use id]` stop a use · `[3]` persist ([`Engine::record`]) · `[4, kind, cap,
//! detail, number]` audit: kind 0 prompt shown, 1 decision (detail choice), 2 expiry (detail
//! 0 max-lifetime, 1 hidden, 2 pages-gone, 3 unused), 3 revocation (detail 0 manual, 1 browser,
//! 2 cleared), 4 reset, 5 embargo (number: until); `blocked` and `declined` are the browser
//! layer's own (never an output). A status is `[state, grant, expiresAt, reason,
//! lastDecision, decidedAt]`.

use wasm_bindgen::prelude::*;

use crate::core::{
    self, AccessOutcome, Arrival, ArrivalKind, ArrivalSignals, AuditEvent, Capability, Choice, Config, DenyReason,
    ExpiryCause, GrantKind, Input, Millis, NativeState, NavigationType, Output, Record, RevocationCause, State, Status,
};

const NONE: f64 = f64::NAN;

/// The numbered codes of the seam that are not an enum's position in a table: inputs, outputs, access outcomes,
/// navigation types, arrival signals and kinds. `src/runtime/codes.js` holds the same names with the same numbers.
pub mod codes {
    /// Input kinds ([`super::Engine::input`]).
    pub const TICK: u32 = 0;
    /// Input: the browser's state (cap, state).
    pub const NATIVE: u32 = 1;
    /// Input: the frame's policy (cap, allowed).
    pub const POLICY: u32 = 2;
    /// Input: the person's decision (cap, choice).
    pub const DECISION: u32 = 3;
    /// Input: what a capability's own call proved (cap, access outcome).
    pub const ACCESS: u32 = 4;
    /// Input: Revoke (cap).
    pub const REVOKE: u32 = 5;
    /// Input: Reset (cap).
    pub const RESET: u32 = 6;
    /// Input: the pre-prompt shown (cap).
    pub const SHOWN: u32 = 7;
    /// Input: the page arrived (arrival kind, at).
    pub const ARRIVED: u32 = 8;
    /// Input: a page's visibility (page, visible).
    pub const VISIBLE: u32 = 9;
    /// Input: a page gone (page).
    pub const GONE: u32 = 10;
    /// Input: a use started (cap, id).
    pub const USE_STARTED: u32 = 11;
    /// Input: a use ended (id).
    pub const USE_ENDED: u32 = 12;
    /// Input: the stored record cleared.
    pub const CLEARED: u32 = 13;

    /// Access outcome: the call succeeded.
    pub const ACCESS_GRANTED: u32 = 0;
    /// Access outcome: the browser refused.
    pub const ACCESS_DENIED: u32 = 1;
    /// Access outcome: the operating system refused.
    pub const ACCESS_SYSTEM_DENIED: u32 = 2;

    /// Navigation type ([`super::Engine::arrival`]): navigate.
    pub const NAVIGATE: u32 = 0;
    /// Navigation type: reload.
    pub const RELOAD: u32 = 1;
    /// Navigation type: back/forward.
    pub const BACK_FORWARD: u32 = 2;
    /// Arrival signal bit: `navigation.activation.from` of this origin.
    pub const SIGNAL_ACTIVATION: u32 = 1;
    /// Arrival signal bit: `unloadEventStart` above 0.
    pub const SIGNAL_UNLOAD: u32 = 2;
    /// Arrival signal bit: a referrer of this origin.
    pub const SIGNAL_REFERRER: u32 = 4;
    /// Arrival signal bit: the link or form noted.
    pub const SIGNAL_INTENDED: u32 = 8;
    /// Arrival kind: a reload.
    pub const ARRIVAL_RELOAD: u32 = 0;
    /// Arrival kind: from a page of the same origin.
    pub const ARRIVAL_SAME_ORIGIN: u32 = 1;
    /// Arrival kind: fresh.
    pub const ARRIVAL_FRESH: u32 = 2;

    /// Output kind ([`super::Engine::next`]): a status changed.
    pub const OUT_CHANGED: u32 = 0;
    /// Output kind: a status updated (same state).
    pub const OUT_UPDATED: u32 = 1;
    /// Output kind: stop a use.
    pub const OUT_STOP_USE: u32 = 2;
    /// Output kind: persist the record.
    pub const OUT_PERSIST: u32 = 3;
    /// Output kind: an audit record.
    pub const OUT_AUDIT: u32 = 4;
    /// [`super::Engine::standing_grant`] when no library grant stands.
    pub const NO_GRANT: i32 = -1;
}
use codes::*;

fn cap(code: u32) -> Option<Capability> {
    Capability::ALL.into_iter().find(|c| c.index() as u32 == code)
}

fn time(t: f64) -> Millis {
    if t.is_finite() && t > 0.0 {
        t as Millis
    } else {
        0
    }
}

fn opt(v: Option<f64>) -> f64 {
    v.unwrap_or(NONE)
}

/// A status as numbers: `[state, grant, expiresAt, reason, lastDecision, decidedAt]`.
fn status_codes(s: &Status) -> [f64; 6] {
    [
        state_code(s.state) as f64,
        opt(s.grant.map(|g| grant_code(g) as f64)),
        opt(s.expires_at.map(|t| t as f64)),
        opt(s.reason.map(reason_code)),
        opt(s.last_decision.map(choice_code)),
        opt(s.decided_at.map(|t| t as f64)),
    ]
}

/// A state's code (a browser state also [`UNKNOWN`]).
fn state_code(s: State) -> u32 {
    match s {
        State::Granted => 0,
        State::Denied => 1,
        State::Prompt => 2,
    }
}

/// The code of a browser state that cannot be asked.
const UNKNOWN: u32 = 3;

fn native_code(s: NativeState) -> u32 {
    match s {
        NativeState::Granted => state_code(State::Granted),
        NativeState::Denied => state_code(State::Denied),
        NativeState::Prompt => state_code(State::Prompt),
        NativeState::Unknown => UNKNOWN,
    }
}

fn native_state(code: u32) -> NativeState {
    [NativeState::Granted, NativeState::Denied, NativeState::Prompt, NativeState::Unknown]
        .into_iter()
        .find(|s| native_code(*s) == code)
        .unwrap_or(NativeState::Unknown)
}

fn grant_code(g: GrantKind) -> i32 {
    match g {
        GrantKind::OneTime => 0,
        GrantKind::Persistent => 1,
    }
}

fn access_outcome(code: u32) -> AccessOutcome {
    match code {
        ACCESS_GRANTED => AccessOutcome::Granted,
        ACCESS_DENIED => AccessOutcome::Denied,
        _ => AccessOutcome::SystemDenied,
    }
}

fn access_code(o: AccessOutcome) -> u32 {
    match o {
        AccessOutcome::Granted => ACCESS_GRANTED,
        AccessOutcome::Denied => ACCESS_DENIED,
        AccessOutcome::SystemDenied => ACCESS_SYSTEM_DENIED,
    }
}

fn expiry_code(c: ExpiryCause) -> f64 {
    match c {
        ExpiryCause::MaxLifetime => 0.0,
        ExpiryCause::Hidden => 1.0,
        ExpiryCause::PagesGone => 2.0,
        ExpiryCause::Unused => 3.0,
    }
}

fn revocation_code(c: RevocationCause) -> f64 {
    match c {
        RevocationCause::Manual => 0.0,
        RevocationCause::Browser => 1.0,
        RevocationCause::Cleared => 2.0,
    }
}

/// An audit output's kind, capability, detail and number (`None` for the browser layer's own kinds).
fn audit_codes(event: AuditEvent) -> Option<(f64, Capability, f64, f64)> {
    Some(match event {
        AuditEvent::PromptShown(c) => (0.0, c, NONE, NONE),
        AuditEvent::Decision(c, x) => (1.0, c, choice_code(x), NONE),
        AuditEvent::Expired(c, cause) => (2.0, c, expiry_code(cause), NONE),
        AuditEvent::Revoked(c, cause) => (3.0, c, revocation_code(cause), NONE),
        AuditEvent::Reset(c) => (4.0, c, NONE, NONE),
        AuditEvent::EmbargoStarted(c, until) => (5.0, c, NONE, until as f64),
        // Reported by the browser layer, never by the engine.
        AuditEvent::Blocked(..) | AuditEvent::Declined(_) => return None,
    })
}

fn reason_code(r: DenyReason) -> f64 {
    match r {
        DenyReason::Browser => 0.0,
        DenyReason::User => 1.0,
        DenyReason::Embargo => 2.0,
        DenyReason::System => 3.0,
        DenyReason::Policy => 4.0,
    }
}

fn choice_code(c: Choice) -> f64 {
    match c {
        Choice::AllowOnce => 0.0,
        Choice::AllowAlways => 1.0,
        Choice::DontAllow => 2.0,
        Choice::Dismiss => 3.0,
    }
}

fn choice(code: f64) -> Choice {
    [Choice::AllowOnce, Choice::AllowAlways, Choice::DontAllow]
        .into_iter()
        .find(|c| choice_code(*c) == code)
        .unwrap_or(Choice::Dismiss)
}

fn refusal_code(r: core::Refusal) -> f64 {
    match r {
        core::Refusal::Dismissed => 0.0,
        core::Refusal::User => 1.0,
        core::Refusal::Embargo => 2.0,
        core::Refusal::Browser => 3.0,
        core::Refusal::System => 4.0,
        core::Refusal::Policy => 5.0,
    }
}

/// One page's engine. Exported to JS as `JitPermissionsEngine`: the name lands in every crate user's glue and
/// `.d.ts`, where a plain `Engine` would clash with an app's own.
#[wasm_bindgen(js_name = JitPermissionsEngine)]
#[derive(Debug)]
pub struct Engine {
    engine: core::Engine,
}

#[wasm_bindgen(js_class = JitPermissionsEngine)]
impl Engine {
    /// An engine for page `page` (a random id below 2^53) at `now`, with the durations and
    /// counts of the options (`unusedAfter` `NaN` for off), which the caller has checked (the JS
    /// runtime's `parseOptions`, the Rust API's [`Config::validate`]).
    #[wasm_bindgen(constructor)]
    pub fn new(max_lifetime: f64, hidden_timeout: f64, dismissals: f64, embargo: f64, unused_after: f64, page: f64, now: f64) -> Engine {
        let config = Config {
            max_lifetime: time(max_lifetime),
            hidden_timeout: time(hidden_timeout),
            embargo_dismissals: if dismissals >= 1.0 { dismissals.min(u32::MAX as f64) as u32 } else { 1 },
            embargo_duration: time(embargo),
            unused_after: unused_after.is_finite().then(|| time(unused_after)),
            ..Config::default()
        };
        Engine { engine: core::Engine::new(config, time(page), time(now)) }
    }

    /// Feeds one input (see the module doc for the codes).
    pub fn input(&mut self, now: f64, kind: u32, a: f64, b: f64) {
        let now = time(now);
        let c = cap(a as u32).unwrap_or(Capability::Camera);
        let input = match kind {
            NATIVE => Input::Native(c, native_state(b as u32)),
            POLICY => Input::Policy(c, b != 0.0),
            DECISION => Input::Decision(c, choice(b)),
            ACCESS => Input::Access(c, access_outcome(b as u32)),
            REVOKE => Input::Revoke(c),
            RESET => Input::Reset(c),
            SHOWN => Input::PromptShown(c),

            ARRIVED => Input::Arrived(Arrival { kind: arrival_kind(a), at: time(b) }),
            VISIBLE => Input::PageVisible(time(a), b != 0.0),
            GONE => Input::PageGone(time(a)),
            USE_STARTED => Input::UseStarted(c, time(b)),
            USE_ENDED => Input::UseEnded(time(a)),
            CLEARED => Input::Cleared,
            _ => Input::Tick,
        };
        self.engine.handle(now, input);
    }

    /// Merges a stored record (another page's write, or what is stored before this page
    /// writes). Returns a warning when the text is not a record of this library (then nothing is
    /// merged).
    pub fn load(&mut self, now: f64, text: &str) -> Option<String> {
        let (record, warning) = Record::decode_at(text, time(now));
        if warning.is_none() && !text.is_empty() {
            self.engine.handle(time(now), Input::Loaded(record));
        }
        warning
    }

    /// The record as this page holds it, encoded for storage.
    pub fn record(&self) -> String {
        self.engine.record().encode()
    }

    /// The next output, or an empty array when drained (see the module doc).
    pub fn next(&mut self) -> Vec<f64> {
        let Some(output) = self.engine.poll_output() else { return Vec::new() };
        match output {
            Output::Changed(c, s) | Output::Updated(c, s) => {
                let kind = if matches!(output, Output::Changed(..)) { OUT_CHANGED } else { OUT_UPDATED };
                let mut v = vec![kind as f64, c.index() as f64];
                v.extend(status_codes(&s));
                v
            }
            Output::StopUse(id) => vec![OUT_STOP_USE as f64, id as f64],
            Output::Persist(_) => vec![OUT_PERSIST as f64],
            Output::Audit(event) => {
                // The engine never emits the browser layer's own kinds (`blocked`, `declined`).
                let Some((kind, c, detail, number)) = audit_codes(event) else { return self.next() };
                vec![OUT_AUDIT as f64, kind, c.index() as f64, detail, number]
            }
        }
    }

    /// The status of a capability at `now` (after the clock check, which may queue outputs).
    pub fn status(&mut self, now: f64, c: u32) -> Vec<f64> {
        let Some(c) = cap(c) else { return Vec::new() };
        status_codes(&self.engine.status(time(now), c)).to_vec()
    }

    /// The library grant that stands for a capability (0 one-time, 1 persistent, -1 none).
    #[wasm_bindgen(js_name = standingGrant)]
    pub fn standing_grant(&mut self, now: f64, c: u32) -> i32 {
        cap(c).and_then(|c| self.engine.standing_grant(time(now), c)).map_or(NO_GRANT, grant_code)
    }

    /// When the engine next needs a tick (`NaN`: never).
    pub fn deadline(&self) -> f64 {
        opt(self.engine.next_deadline().map(|t| t as f64))
    }

    /// The browser's state of a capability as the engine takes it (0 granted, 1 denied,
    /// 2 prompt, 3 unknown).
    pub fn native(&self, c: u32) -> u32 {
        cap(c).map_or(UNKNOWN, |c| native_code(self.engine.native(c)))
    }

    /// Whether a use of the capability is live in this page, or (`anywhere`) in any page.
    #[wasm_bindgen(js_name = inUse)]
    pub fn in_use(&self, c: u32, anywhere: bool) -> bool {
        cap(c).is_some_and(|c| if anywhere { self.engine.in_use_anywhere(c) } else { self.engine.in_use(c) })
    }

    /// The other pages that must answer before this page arrives (kind, at): empty unless a
    /// one-time grant depends on them.
    #[wasm_bindgen(js_name = pagesToConfirm)]
    pub fn pages_to_confirm(&self, kind: f64, at: f64) -> Vec<f64> {
        let arrival = Arrival { kind: arrival_kind(kind), at: time(at) };
        self.engine.pages_to_confirm(arrival).into_iter().map(|p| p as f64).collect()
    }

    /// The live pages listed in the record, this page included once it arrived.
    pub fn pages(&self) -> Vec<f64> {
        self.engine.live_pages().into_iter().map(|p| p as f64).collect()
    }

    /// What a task needs now (bit masks of capabilities): `[ready, ask, dropped, blockedCap,
    /// blockedReason, refusedCap, refusal]` (refusal: 0 dismissed, 1 user, 2 embargo, 3 browser,
    /// 4 system, 5 policy).
    pub fn assess(&mut self, now: f64, required: u32, optional: u32, reconsider: bool) -> Vec<f64> {
        let a = self.engine.assess(time(now), required as u8, optional as u8, reconsider);
        let blocked = a.blocked.map(|(c, r)| (c.index() as f64, reason_code(r)));
        let refused = a.refused.map(|(c, r)| (c.index() as f64, refusal_code(r)));
        vec![
            a.ready as f64,
            a.ask as f64,
            a.dropped as f64,
            opt(blocked.map(|b| b.0)),
            opt(blocked.map(|b| b.1)),
            opt(refused.map(|r| r.0)),
            opt(refused.map(|r| r.1)),
        ]
    }

    /// How a page came (0 reload, 1 same origin, 2 fresh), from its navigation type (0 navigate,
    /// 1 reload, 2 back_forward) and the signals as bits (1 `navigation.activation.from`,
    /// 2 `unloadEventStart` above 0, 4 a referrer of this origin, 8 the link or form noted).
    pub fn arrival(&self, navigation: u32, signals: u32) -> u32 {
        let navigation = match navigation {
            RELOAD => NavigationType::Reload,
            BACK_FORWARD => NavigationType::BackForward,
            _ => NavigationType::Navigate,
        };
        let s = ArrivalSignals {
            activation_from: signals & SIGNAL_ACTIVATION != 0,
            unload: signals & SIGNAL_UNLOAD != 0,
            referrer: signals & SIGNAL_REFERRER != 0,
            intended: signals & SIGNAL_INTENDED != 0,
        };
        arrival_code(ArrivalKind::classify(navigation, s))
    }

    /// What a failed call proves (see [`core::failed_call`]): `[outcome, refusal]`, each `NaN` when
    /// none (outcome 1 denied, 2 denied by the system; refusal as in [`Engine::assess`]).
    #[wasm_bindgen(js_name = failedCall)]
    pub fn failed_call(&self, name: &str, message: &str, asked: u32) -> Vec<f64> {
        let (outcome, refusal) = core::failed_call(name, message, asked as usize);
        vec![
            opt(outcome.map(|o| access_code(o) as f64)),
            opt(refusal.map(refusal_code)),
        ]
    }
}

fn arrival_code(kind: ArrivalKind) -> u32 {
    match kind {
        ArrivalKind::Reload => ARRIVAL_RELOAD,
        ArrivalKind::SameOrigin => ARRIVAL_SAME_ORIGIN,
        ArrivalKind::Fresh => ARRIVAL_FRESH,
    }
}

fn arrival_kind(code: f64) -> ArrivalKind {
    match code as u32 {
        ARRIVAL_RELOAD => ArrivalKind::Reload,
        ARRIVAL_SAME_ORIGIN => ArrivalKind::SameOrigin,
        _ => ArrivalKind::Fresh,
    }
}

#[cfg(test)]
mod tests;
