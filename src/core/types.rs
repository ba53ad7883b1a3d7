//! The vocabulary of the engine: capabilities, states, decisions, inputs and outputs.

/// Milliseconds since the Unix epoch. Time is always passed in; the core never reads a clock.
pub type Millis = u64;

/// A capability the library gates with its pre-prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "kebab-case"))]
pub enum Capability {
    /// `navigator.geolocation`.
    Geolocation,
    /// Video capture through `getUserMedia`.
    Camera,
    /// Audio capture through `getUserMedia`.
    Microphone,
    /// `Notification`.
    Notifications,
}

impl Capability {
    /// Every gated capability, in display order.
    pub const ALL: [Capability; 4] = [
        Capability::Camera,
        Capability::Microphone,
        Capability::Geolocation,
        Capability::Notifications,
    ];

    /// The Permissions API name of the capability.
    pub fn name(self) -> &'static str {
        match self {
            Capability::Geolocation => "geolocation",
            Capability::Camera => "camera",
            Capability::Microphone => "microphone",
            Capability::Notifications => "notifications",
        }
    }

    /// The capability with this Permissions API name, if it is gated.
    pub fn from_name(name: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Index into per-capability arrays (0..4), in the order of [`Capability::ALL`].
    pub fn index(self) -> usize {
        match self {
            Capability::Camera => 0,
            Capability::Microphone => 1,
            Capability::Geolocation => 2,
            Capability::Notifications => 3,
        }
    }

    /// Whether the capability may keep running while every page is hidden (camera and
    /// microphone do; seed 002). While a track of such a capability is live, the hidden
    /// timer of its one-time grant does not start.
    pub fn runs_in_background(self) -> bool {
        matches!(self, Capability::Camera | Capability::Microphone)
    }
}

/// What the browser itself says about a capability (`navigator.permissions.query`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum NativeState {
    /// The browser grants it.
    Granted,
    /// The browser denies it.
    Denied,
    /// The browser would prompt.
    Prompt,
    /// The browser cannot be asked (no Permissions API, or it cannot query this name).
    #[default]
    Unknown,
}

/// A reported permission state: the Permissions API's own three values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "kebab-case"))]
pub enum State {
    /// Access is granted (by the browser, or demonstrably honoured under a grant).
    Granted,
    /// Access is denied; see [`DenyReason`].
    Denied,
    /// A request would ask.
    #[default]
    Prompt,
}

impl State {
    /// The Permissions API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Granted => "granted",
            State::Denied => "denied",
            State::Prompt => "prompt",
        }
    }
}

/// How long a grant lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "kebab-case"))]
pub enum GrantKind {
    /// "Allow this time": ends by the rules of seed 002.
    OneTime,
    /// "Allow on every visit", or granted by the browser before the library came.
    Persistent,
}

impl GrantKind {
    /// `"one-time"` or `"persistent"`.
    pub fn as_str(self) -> &'static str {
        match self {
            GrantKind::OneTime => "one-time",
            GrantKind::Persistent => "persistent",
        }
    }
}

/// Why a capability is reported denied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "kebab-case"))]
pub enum DenyReason {
    /// The browser denies it. Nothing overrides this.
    Browser,
    /// The person chose the site-level "Don't allow".
    User,
    /// Too many dismissals in a row.
    Embargo,
    /// The operating system blocks it although the browser allows it (Chromium's "Permission
    /// denied by system", the macOS and Windows privacy switches): learnt from a failed call.
    System,
    /// The frame's Permissions Policy does not allow the capability (an `<iframe>` without the
    /// `allow` attribute for it).
    Policy,
}

impl DenyReason {
    /// `"browser"`, `"user"`, `"embargo"`, `"system"` or `"policy"`.
    pub fn as_str(self) -> &'static str {
        match self {
            DenyReason::Browser => "browser",
            DenyReason::User => "user",
            DenyReason::Embargo => "embargo",
            DenyReason::System => "system",
            DenyReason::Policy => "policy",
        }
    }
}

/// The full reported status of a capability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "camelCase"))]
pub struct Status {
    /// `granted`, `denied` or `prompt`.
    pub state: State,
    /// The kind of grant behind a `granted` state, else `None`.
    pub grant: Option<GrantKind>,
    /// For a one-time grant: when its maximum lifetime ends (epoch ms). Else `None`.
    pub expires_at: Option<Millis>,
    /// For `denied`: why. Else `None`.
    pub reason: Option<DenyReason>,
    /// The last choice made in the pre-prompt for this capability on this site, if it was ever
    /// asked (kept through a reset: it is history, not a verdict). `prompt` is therefore never
    /// a sign of a first visit.
    pub last_decision: Option<Choice>,
    /// When [`Status::last_decision`] was made (epoch ms).
    pub decided_at: Option<Millis>,
}

/// A choice made in the pre-prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "kebab-case"))]
pub enum Choice {
    /// "Allow this time": a one-time grant.
    AllowOnce,
    /// "Allow on every visit": a persistent grant.
    AllowAlways,
    /// "Don't allow": a site-level persistent block.
    DontAllow,
    /// The dialog was closed (×, Esc, backdrop): a temporary block that counts toward an embargo.
    Dismiss,
}

impl Choice {
    /// `"allow-once"`, `"allow-always"`, `"dont-allow"` or `"dismiss"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Choice::AllowOnce => "allow-once",
            Choice::AllowAlways => "allow-always",
            Choice::DontAllow => "dont-allow",
            Choice::Dismiss => "dismiss",
        }
    }
}

/// The result of the capability's own call (getUserMedia, getCurrentPosition, requestPermission).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessOutcome {
    /// The call succeeded: evidence that the browser honours access, for this page only and
    /// while the browser's state stays what it was.
    Granted,
    /// The call failed with NotAllowedError (or `requestPermission` said `denied`): the browser denies.
    Denied,
    /// The call failed because the operating system blocks the capability although the browser
    /// allows it (Chromium: NotAllowedError "Permission denied by system").
    SystemDenied,
}

/// How a page of the origin came to be loaded: the browser's own signals, classified by the
/// browser layer (the navigation timing entry's type, a same-origin referrer,
/// `navigation.activation.from`, the previous document's unload timing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrivalKind {
    /// A reload of the page.
    Reload,
    /// A navigation (link, form, `location`, history, or a restore from the back/forward
    /// cache) whose previous document was a page of this origin.
    SameOrigin,
    /// Anything else: a typed URL, a bookmark, a link from another site, a new window, or a
    /// navigation whose origin the browser does not reveal.
    Fresh,
}

/// A page's arrival: how it came, and when its navigation started (epoch ms on the engine's
/// clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrival {
    /// How the page came.
    pub kind: ArrivalKind,
    /// When its navigation started.
    pub at: Millis,
}

/// Identifies a page (tab, window) of the origin. Chosen at random by the browser layer.
pub type PageId = u64;

/// Identifies a media track or a geolocation watch the library handed out.
pub type UseId = u64;

/// Why a grant ended by the clock or by the pages' lifetimes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "kebab-case"))]
pub enum ExpiryCause {
    /// The maximum lifetime (16 hours) of a one-time grant passed.
    MaxLifetime,
    /// Every page of the origin was hidden for the hidden timeout (5 minutes).
    Hidden,
    /// Every page of the origin was closed, navigated to another origin or discarded.
    PagesGone,
    /// A persistent grant was not used through the library for `persistent.unusedAfter`.
    Unused,
}

impl ExpiryCause {
    /// `"max-lifetime"`, `"hidden"`, `"pages-gone"` or `"unused"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExpiryCause::MaxLifetime => "max-lifetime",
            ExpiryCause::Hidden => "hidden",
            ExpiryCause::PagesGone => "pages-gone",
            ExpiryCause::Unused => "unused",
        }
    }
}

/// Why a grant was taken back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "kebab-case"))]
pub enum RevocationCause {
    /// Revoked through the controls or the API.
    Manual,
    /// The browser took its grant back (its state went from granted to prompt or denied: the
    /// person reset the site, the browser's own one-time grant ended, unused-site clean-up).
    Browser,
    /// The stored record disappeared (storage cleared by the site, another tab or the person).
    Cleared,
}

impl RevocationCause {
    /// `"manual"`, `"browser"` or `"cleared"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RevocationCause::Manual => "manual",
            RevocationCause::Browser => "browser",
            RevocationCause::Cleared => "cleared",
        }
    }
}

/// What kept a capability from being used: the cause of a [`AuditEvent::Blocked`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "kebab-case"))]
pub enum BlockCause {
    /// The browser's site setting.
    Browser,
    /// The operating system's privacy setting.
    System,
    /// The frame's Permissions Policy.
    Policy,
    /// The device is in use elsewhere (`NotReadableError`).
    Busy,
    /// There is no such device (`NotFoundError`).
    NoDevice,
}

impl BlockCause {
    /// `"browser"`, `"system"`, `"policy"`, `"busy"` or `"no-device"`.
    pub fn as_str(self) -> &'static str {
        match self {
            BlockCause::Browser => "browser",
            BlockCause::System => "system",
            BlockCause::Policy => "policy",
            BlockCause::Busy => "busy",
            BlockCause::NoDevice => "no-device",
        }
    }
}

/// Something the site can log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditEvent {
    /// The pre-prompt was shown for a capability.
    PromptShown(Capability),
    /// A choice was made in the pre-prompt.
    Decision(Capability, Choice),
    /// A grant expired.
    Expired(Capability, ExpiryCause),
    /// A grant was taken back.
    Revoked(Capability, RevocationCause),
    /// The site-level record of a capability was cleared.
    Reset(Capability),
    /// Dismissals started an embargo that lasts until the given time.
    EmbargoStarted(Capability, Millis),
    /// A gated call met something outside the site that keeps the capability from being used
    /// (reported by the browser layer, which sees the browser's errors; the engine never emits it).
    Blocked(Capability, BlockCause),
    /// The person left an optional capability out of a task's pre-prompt (reported by the
    /// browser layer; no decision is recorded for it, so it stays as it was).
    Declined(Capability),
}

/// The error of `str::parse` for the named enums ([`State`], [`Capability`], ...): the text is none of the names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName {
    /// The enum's name: `"State"`, `"Capability"`, ...
    pub of: &'static str,
    /// The text that matched no name.
    pub text: String,
}

impl std::fmt::Display for UnknownName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "'{}' is not a {} name", self.text, self.of)
    }
}

impl std::error::Error for UnknownName {}

/// `Display` (the JS spelling, as `as_str`/`name` give it) and `FromStr` (its inverse) for a named enum.
macro_rules! named {
    ($($t:ident via $f:ident: [$($v:ident),+];)+) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.$f())
            }
        }

        impl std::str::FromStr for $t {
            type Err = $crate::core::UnknownName;
            fn from_str(text: &str) -> Result<$t, $crate::core::UnknownName> {
                [$($t::$v),+].into_iter().find(|x| x.$f() == text)
                    .ok_or_else(|| $crate::core::UnknownName { of: stringify!($t), text: text.to_string() })
            }
        }
    )+};
}
pub(crate) use named;

named! {
    Capability via name: [Camera, Microphone, Geolocation, Notifications];
    State via as_str: [Granted, Denied, Prompt];
    GrantKind via as_str: [OneTime, Persistent];
    DenyReason via as_str: [Browser, User, Embargo, System, Policy];
    Choice via as_str: [AllowOnce, AllowAlways, DontAllow, Dismiss];
    ExpiryCause via as_str: [MaxLifetime, Hidden, PagesGone, Unused];
    RevocationCause via as_str: [Manual, Browser, Cleared];
    BlockCause via as_str: [Browser, System, Policy, Busy, NoDevice];
}
