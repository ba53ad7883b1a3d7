//! The Rust API's value types: what a caller passes (install options, prompt content, position options) and gets
//! back (positions, the one error type).

use super::*;

/// What the pre-prompt says: every field optional, every field text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PromptContent {
    /// The heading; the capability's built-in title when `None` or blank.
    pub title: Option<String>,
    /// The site's reason in its own words; the built-in reason when `None` or blank.
    pub reason: Option<String>,
    /// A picture that shows the task.
    pub image: Option<PromptImage>,
    /// The person asks to reconsider their own "Don't allow" (a "change my mind" button of the page): the
    /// pre-prompt shows once more instead of the refusal, as the JS `prompt.reconsider`.
    pub reconsider: bool,
}

/// A picture in the pre-prompt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PromptImage {
    /// The URL (set through `img.src`, never parsed as markup).
    pub src: String,
    /// The alternative text.
    pub alt: String,
}

/// What went wrong, as a Rust caller matches on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Refused (a `NotAllowedError` with its `reason`): dismissed, the person's "Don't allow", an embargo, or the
    /// browser's, the system's or the frame's block.
    Refused(Refusal),
    /// No device, or none that meets the constraints (`NotFoundError`, `OverconstrainedError`).
    NotFound,
    /// The device is there but cannot be read, usually in use elsewhere (`NotReadableError`).
    NotReadable,
    /// No position could be had (`GeolocationPositionError`, `POSITION_UNAVAILABLE`).
    PositionUnavailable,
    /// No position in time (`GeolocationPositionError`, `TIMEOUT`).
    Timeout,
    /// A bad option or argument (a `TypeError` naming it); with the [`ConfigError`] when
    /// [`Config::validate`] found it.
    InvalidOption(Option<ConfigError>),
    /// Anything else the browser threw.
    Other,
}

/// The one error type of the Rust API: what the browser or the library threw, typed ([`Error::kind`]), with the
/// JS value behind it.
#[derive(Clone, Debug)]
pub struct Error {
    kind: ErrorKind,
    name: String,
    message: String,
    js: JsValue,
}

/// The fields of a thrown JS error the Rust API reads (DOMException, TypeError, GeolocationPositionError).
#[derive(Deserialize, Default)]
#[serde(default)]
struct ThrownJs {
    name: Option<String>,
    message: Option<String>,
    reason: Option<String>,
    code: Option<f64>,
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Who refused, for a refusal (the README's `reason` contract); `None` for any other error.
    pub fn reason(&self) -> Option<Refusal> {
        match self.kind {
            ErrorKind::Refused(r) => Some(r),
            _ => None,
        }
    }

    /// The error's `name` (`"NotAllowedError"`, `"TypeError"`, `"NotFoundError"`, ...).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The error's message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the person or a setting refused (a dismissal, "Don't allow", an embargo, a block).
    pub fn is_not_allowed(&self) -> bool {
        matches!(self.kind, ErrorKind::Refused(_))
    }

    /// The JS value behind the error.
    pub fn as_js(&self) -> &JsValue {
        &self.js
    }

    /// The JS value behind the error.
    pub fn into_js(self) -> JsValue {
        self.js
    }

    pub(super) fn invalid(e: ConfigError) -> Error {
        let message = format!("jit-permissions: option '{}' must be {}", e.field(), e.expected());
        let js = js_sys::TypeError::new(&message).into();
        Error { kind: ErrorKind::InvalidOption(Some(e)), name: "TypeError".into(), message, js }
    }
}

impl From<JsValue> for Error {
    fn from(js: JsValue) -> Error {
        let thrown: ThrownJs = if js.is_object() { serde_wasm_bindgen::from_value(js.clone()).unwrap_or_default() } else { ThrownJs::default() };
        let name = thrown.name.unwrap_or_default();
        let message = thrown.message.or_else(|| js.as_string()).unwrap_or_default();
        let kind = match name.as_str() {
            "NotAllowedError" => match thrown.reason.as_deref().and_then(|r| r.parse().ok()) {
                Some(r) => ErrorKind::Refused(r),
                None => ErrorKind::Refused(Refusal::Browser),
            },
            "NotFoundError" | "DevicesNotFoundError" | "OverconstrainedError" => ErrorKind::NotFound,
            "NotReadableError" | "TrackStartError" => ErrorKind::NotReadable,
            "TypeError" => ErrorKind::InvalidOption(None),
            _ => match thrown.code.map(|c| c as u32) {
                // A GeolocationPositionError has a code and no name (PERMISSION_DENIED reaches Rust as a refusal).
                Some(2) if name.is_empty() => ErrorKind::PositionUnavailable,
                Some(3) if name.is_empty() => ErrorKind::Timeout,
                _ => ErrorKind::Other,
            },
        };
        Error { kind, name, message, js }
    }
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        e.js
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.name, self.message)
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::InvalidOption(Some(e)) => Some(e),
            _ => None,
        }
    }
}

/// A position (`GeolocationPosition`), typed.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
pub struct Position {
    /// Where.
    pub coords: Coordinates,
    /// When it was taken (epoch ms).
    pub timestamp: f64,
}

/// The coordinates of a [`Position`] (`GeolocationCoordinates`): degrees, metres, metres per second.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Coordinates {
    /// Latitude in degrees.
    pub latitude: f64,
    /// Longitude in degrees.
    pub longitude: f64,
    /// Accuracy of latitude and longitude, in metres.
    pub accuracy: f64,
    /// Height in metres, where the device knows it.
    pub altitude: Option<f64>,
    /// Accuracy of the altitude, in metres.
    pub altitude_accuracy: Option<f64>,
    /// Direction of travel in degrees from true north.
    pub heading: Option<f64>,
    /// Speed in metres per second.
    pub speed: Option<f64>,
}

impl Position {
    pub(super) fn from_js(value: &JsValue) -> Result<Position, Error> {
        serde_wasm_bindgen::from_value(value.clone()).map_err(|e| Error::from(JsValue::from(e)))
    }
}

/// Options of a position request (`PositionOptions`); [`Default`] is the platform's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PositionOptions {
    /// Ask for the best position the device can give (slower, more power).
    pub enable_high_accuracy: bool,
    /// At most this long (ms) for a position; `None` waits as long as it takes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u32>,
    /// A cached position at most this old (ms) will do; `None` is 0 (a fresh one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_age: Option<u32>,
}

/// The page's clock for the library (epoch ms), as the JS option `clock`: for tests that move time.
pub type Clock = Rc<dyn Fn() -> f64>;

/// Options of [`Permissions::install`]; [`Default`] gives the SPEC's values.
#[derive(Clone, Default)]
pub struct InstallOptions {
    /// Durations and counts (`oneTime.*`, `embargo.*`). Checked with [`Config::validate`].
    pub config: Config,
    /// Locale of the built-in strings; `None` follows `navigator.languages`.
    pub locale: Option<String>,
    /// String overrides, by key.
    pub strings: BTreeMap<String, String>,
    /// The origin storage key; `None` gives `"jit-permissions"`.
    pub storage_key: Option<String>,
    /// Default prompt content by capability (a capability left out gets the built-in text).
    pub prompts: BTreeMap<Capability, PromptContent>,
    /// Show the in-use indicator (floating at the top of the page) while a camera or
    /// microphone track the library handed out is live.
    pub indicator: bool,
    /// The level (1-6) of the dialogs' and the panel's headings; `None` (or out of range) gives 2.
    pub heading_level: Option<u8>,
    /// The clock (epoch ms); `None` is `Date.now()`.
    pub clock: Option<Clock>,
    /// The whole-page polyfill, as the JS option `patch: true` (the same code): the platform's
    /// `navigator.permissions.query()`, `getUserMedia()`, `getCurrentPosition()`, `watchPosition()`/`clearWatch()`,
    /// `Notification.requestPermission()` and `PushManager#subscribe()` are replaced when the runtime is created,
    /// so that code written against the standard API (a JS library on the page) gets the pre-prompt, one-time
    /// grants, Revoke and the library's statuses (reliable `change` events, the extra fields) too. A query with
    /// members beyond `name` is never answered more permissively than the browser answers it.
    pub patch: bool,
}

impl fmt::Debug for InstallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstallOptions")
            .field("config", &self.config)
            .field("locale", &self.locale)
            .field("strings", &self.strings)
            .field("storage_key", &self.storage_key)
            .field("prompts", &self.prompts)
            .field("indicator", &self.indicator)
            .field("heading_level", &self.heading_level)
            .field("patch", &self.patch)
            .field("clock", &self.clock.as_ref().map(|_| "Fn() -> f64"))
            .finish()
    }
}

impl PartialEq for InstallOptions {
    /// Equal fields; clocks equal when both are `None` or the same `Rc`.
    fn eq(&self, other: &InstallOptions) -> bool {
        self.config == other.config
            && self.locale == other.locale
            && self.strings == other.strings
            && self.storage_key == other.storage_key
            && self.prompts == other.prompts
            && self.indicator == other.indicator
            && self.heading_level == other.heading_level
            && self.patch == other.patch
            && match (&self.clock, &other.clock) {
                (None, None) => true,
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                _ => false,
            }
    }
}

