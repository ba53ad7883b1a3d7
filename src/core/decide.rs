//! The decisions of a gated call, and the classifications the browser layer asks of the
//! engine: what a task needs now (ask, go ahead, help, refuse), how a page arrived, what a
//! failed call proves. Pure functions and one engine method; the browser layer (the JS runtime
//! in `src/runtime/`) only carries them out.

use super::engine::Engine;
use super::types::*;

/// What a task needs now, capability by capability (bit masks, bit `1 << index`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Assessment {
    /// Granted, or a standing library grant the browser is yet to honour: go to the browser.
    pub ready: u8,
    /// To ask in the pre-prompt.
    pub ask: u8,
    /// Optional capabilities that cannot be had now (left out of the task).
    pub dropped: u8,
    /// A required capability the browser or the operating system blocks: the recovery help can
    /// lead somewhere.
    pub blocked: Option<(Capability, DenyReason)>,
    /// A required capability refused for good (a block, an embargo, a policy): no dialog.
    pub refused: Option<(Capability, Refusal)>,
}

/// Who refused a gated call: the `reason` of its `NotAllowedError`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "kebab-case"))]
pub enum Refusal {
    /// The pre-prompt (or the browser's own prompt) was closed without a choice.
    Dismissed,
    /// The site-level "Don't allow".
    User,
    /// Paused after repeated dismissals.
    Embargo,
    /// The browser's site setting.
    Browser,
    /// The operating system's privacy setting.
    System,
    /// The frame's Permissions Policy.
    Policy,
}

super::types::named! {
    Refusal via as_str: [Dismissed, User, Embargo, Browser, System, Policy];
}

impl Refusal {
    /// The machine-readable reason: `dismissed`, `user`, `embargo`, `browser`, `system`, `policy`.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Dismissed => "dismissed",
            Refusal::User => "user",
            Refusal::Embargo => "embargo",
            Refusal::Browser => "browser",
            Refusal::System => "system",
            Refusal::Policy => "policy",
        }
    }

    /// The refusal a denial stands for.
    pub fn of(reason: DenyReason) -> Refusal {
        match reason {
            DenyReason::User => Refusal::User,
            DenyReason::Embargo => Refusal::Embargo,
            DenyReason::System => Refusal::System,
            DenyReason::Policy => Refusal::Policy,
            DenyReason::Browser => Refusal::Browser,
        }
    }
}

impl Engine {
    /// What a task that needs `required` and `optional` (bit masks) needs now: granted (or a
    /// standing library grant: the person decided, the browser is yet to show it honours it),
    /// to ask, blocked by the browser or the system (the recovery help can lead somewhere),
    /// refused (Don't allow unless the caller asks to `reconsider`, an embargo, a policy). An
    /// optional capability that cannot be had is dropped, never refused.
    pub fn assess(&mut self, now: Millis, required: u8, optional: u8, reconsider: bool) -> Assessment {
        let mut a = Assessment::default();
        for cap in Capability::ALL {
            let bit = 1u8 << cap.index();
            if (required | optional) & bit == 0 {
                continue;
            }
            let needed = required & bit != 0;
            let status = self.status(now, cap);
            match (status.state, status.reason) {
                (State::Granted, _) => a.ready |= bit,
                (State::Denied, Some(DenyReason::User)) if reconsider => a.ask |= bit,
                (State::Denied, Some(r)) if !needed => {
                    let _ = r;
                    a.dropped |= bit;
                }
                (State::Denied, Some(r @ (DenyReason::Browser | DenyReason::System))) => {
                    a.blocked = a.blocked.or(Some((cap, r)));
                }
                (State::Denied, reason) => {
                    a.refused = a.refused.or(Some((cap, reason.map_or(Refusal::Browser, Refusal::of))));
                }
                (State::Prompt, _) if self.standing_grant(now, cap).is_some() => a.ready |= bit,
                (State::Prompt, _) => a.ask |= bit,
            }
        }
        a
    }
}

/// The navigation timing entry's `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NavigationType {
    /// `navigate` (or `prerender`, or unknown).
    Navigate,
    /// `reload`.
    Reload,
    /// `back_forward`.
    BackForward,
}

/// The browser's signals of how a page came (see the README, "Pages, reloads and navigation").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ArrivalSignals {
    /// `navigation.activation.from` is set: the previous document was of this origin.
    pub activation_from: bool,
    /// The navigation timing entry's `unloadEventStart` is above 0: the previous document was of
    /// this origin.
    pub unload: bool,
    /// `document.referrer` is a page of this origin.
    pub referrer: bool,
    /// The last page in this tab noted that it set out for this page (a link or a form).
    pub intended: bool,
}

impl ArrivalKind {
    /// How a page came, from its navigation type and the signals. A back/forward navigation is
    /// never judged by its referrer (that is the referrer of the original navigation).
    pub fn classify(navigation: NavigationType, s: ArrivalSignals) -> ArrivalKind {
        let same_origin = s.activation_from || s.unload;
        match navigation {
            NavigationType::Reload => ArrivalKind::Reload,
            NavigationType::BackForward if same_origin => ArrivalKind::SameOrigin,
            NavigationType::BackForward => ArrivalKind::Fresh,
            NavigationType::Navigate if same_origin || s.intended || s.referrer => ArrivalKind::SameOrigin,
            NavigationType::Navigate => ArrivalKind::Fresh,
        }
    }
}

/// What a failed call of a capability proves, from the error the browser threw (`name`,
/// `message`) and how many capabilities the call asked for: the outcome to learn (none when it
/// proves nothing about one capability) and the refusal to report (none when it was not a
/// refusal: no device, a busy device, bad constraints pass through as thrown).
pub fn failed_call(name: &str, message: &str, asked: usize) -> (Option<AccessOutcome>, Option<Refusal>) {
    let refused = matches!(name, "NotAllowedError" | "PermissionDeniedError" | "SecurityError");
    if !refused {
        return (None, None);
    }
    let lower = |needle: &str| {
        message
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    };
    if lower("by system") {
        (Some(AccessOutcome::SystemDenied), Some(Refusal::System))
    } else if asked == 1 {
        let why = if lower("dismissed") { Refusal::Dismissed } else { Refusal::Browser };
        (Some(AccessOutcome::Denied), Some(why))
    } else {
        // A combined call that fails does not say which capability was refused.
        (None, Some(if lower("dismissed") { Refusal::Dismissed } else { Refusal::Browser }))
    }
}
