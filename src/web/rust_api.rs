//! The async Rust API: the same capabilities as the npm package, for Rust front ends
//! (Leptos, Yew, Dioxus, plain wasm-bindgen).
//!
//! A complete app (a `cdylib` built with `wasm-bindgen --target web`): install once when the page starts, keep the
//! subscription as long as the page shows the state, and ask just in time, from the click that needs the camera.
//!
//! ```no_run
//! use std::cell::RefCell;
//!
//! use jit_permissions::{Capability, ErrorKind, InstallOptions, Permissions, PromptContent, Subscription};
//! use wasm_bindgen::prelude::*;
//!
//! #[wasm_bindgen]
//! extern "C" {
//!     #[wasm_bindgen(js_namespace = console)]
//!     fn log(text: &str);
//! }
//!
//! thread_local! {
//!     // What the page keeps for its whole life: dropping a subscription unsubscribes.
//!     static KEEP: RefCell<Vec<Subscription>> = const { RefCell::new(Vec::new()) };
//! }
//!
//! #[wasm_bindgen(start)]
//! pub async fn start() -> Result<(), JsValue> {
//!     // Once per page; a later call anywhere in the app returns the same runtime.
//!     let permissions = Permissions::install(InstallOptions::default()).await?;
//!     // At once, then after each change of any field: what a signal or a store needs.
//!     let subscription = permissions.subscribe(Capability::Camera, |status| {
//!         log(&format!("camera: {} ({:?})", status.state, status.grant));
//!     });
//!     KEEP.with(|keep| keep.borrow_mut().push(subscription));
//!     Ok(())
//! }
//!
//! /// Called from the page's "Take a photo" button (a click: the browser's prompt needs the gesture).
//! #[wasm_bindgen]
//! pub async fn take_photo() -> Result<web_sys::MediaStream, JsValue> {
//!     let permissions = Permissions::install(InstallOptions::default()).await?;
//!     let prompt = PromptContent {
//!         title: Some("Take a profile photo?".into()),
//!         reason: Some("We use your camera only while you take the photo.".into()),
//!         ..PromptContent::default()
//!     };
//!     let constraints = web_sys::MediaStreamConstraints::new();
//!     constraints.set_video(&JsValue::TRUE);
//!     match permissions.get_user_media(&constraints, prompt).await {
//!         Ok(stream) => Ok(stream),
//!         Err(e) => {
//!             if let ErrorKind::Refused(reason) = e.kind() {
//!                 log(&format!("no camera: {reason}"));
//!             }
//!             Err(e.into())
//!         }
//!     }
//! }
//! ```

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::{Rc, Weak};

use js_sys::Promise;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::handle;
use crate::core::{
    AuditEvent, Capability, Config, ConfigError, Refusal, Status,
};

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

    fn invalid(e: ConfigError) -> Error {
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
    fn from_js(value: &JsValue) -> Result<Position, Error> {
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
    /// Patch mode, as the JS option `patch`: `navigator.permissions.query()` answers for the gated capabilities
    /// with this runtime's statuses (one-time expiry, reliable `change` events, the extra fields), so that code
    /// written against the standard API (a JS library on the page) gets them too.
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

/// Prompt content as the JS runtime takes it (`promptContent()`'s `content`).
#[derive(Serialize)]
struct ContentJs<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<ImageJs<'a>>,
}

#[derive(Serialize)]
struct ImageJs<'a> {
    src: &'a str,
    alt: &'a str,
}

impl<'a> From<&'a PromptContent> for ContentJs<'a> {
    fn from(c: &'a PromptContent) -> ContentJs<'a> {
        let image = c.image.as_ref().map(|i| ImageJs { src: &i.src, alt: &i.alt });
        ContentJs { title: c.title.as_deref(), reason: c.reason.as_deref(), image }
    }
}

/// The install options as the JS `parseOptions()` takes them (the engine's durations stay in Rust).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OptionsJs<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    locale: Option<&'a str>,
    strings: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    storage_key: Option<&'a str>,
    prompts: BTreeMap<&'static str, ContentJs<'a>>,
    indicator: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    heading_level: Option<u8>,
    patch: bool,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    clock: JsValue,
}

/// A status object of the JS runtime.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct StatusJs {
    state: String,
    grant: Option<String>,
    expires_at: Option<f64>,
    reason: Option<String>,
    last_decision: Option<String>,
    decided_at: Option<f64>,
}

/// An audit record of the JS runtime.
#[derive(Deserialize)]
struct AuditJs {
    #[serde(rename = "type")]
    kind: String,
    name: String,
    #[serde(with = "serde_wasm_bindgen::preserve", default)]
    detail: JsValue,
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true)).unwrap_or(JsValue::UNDEFINED)
}

fn content_js(c: &PromptContent) -> JsValue {
    to_js(&ContentJs::from(c))
}

type Listener = Rc<dyn Fn(Status)>;
/// `(capability, every field, listener)`: `every` for [`Permissions::subscribe`], else `state` changes only.
type Listeners = Rc<RefCell<Vec<(Capability, bool, Weak<dyn Fn(Status)>)>>>;
type Audits = Rc<RefCell<Vec<Weak<dyn Fn(AuditEvent)>>>>;

// The browser layer for Rust callers is the npm package's own (`src/runtime/runtime.js`), and the UI (`src/ui/`),
// as wasm-bindgen snippets, which wasm-bindgen copies next to the crate user's glue, so nothing needs setting up.
// Only this code path refers to them: the npm package's glue imports none. The glue imports runtime.js and
// bundled.js at start; bundled.js imports the tasks (tasks.js, with the pre-prompt), the other UIs (recovery.js,
// panel.js, indicator.js), a locale and the capability elements on first need, as the npm package does, from the copies that the declarations below make wasm-bindgen write
// (declared, never used, so the glue does not import them).
#[wasm_bindgen(module = "/src/runtime/runtime.js")]
extern "C" {
    #[derive(Debug)]
    type Runtime;
    #[wasm_bindgen(js_name = parseOptions, catch)]
    fn parse_options(value: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = createRuntime, catch)]
    fn create_runtime(make_engine: &JsValue, options: &JsValue, hooks: &JsValue, loader: &JsValue) -> Result<Runtime, JsValue>;
    #[wasm_bindgen(method)]
    fn start(this: &Runtime) -> Promise;
    #[wasm_bindgen(method)]
    fn check(this: &Runtime);
    #[wasm_bindgen(method)]
    fn status(this: &Runtime, index: u32) -> JsValue;
    #[wasm_bindgen(method)]
    fn request(this: &Runtime, required: u32, optional: u32, content: &JsValue, reconsider: bool) -> Promise;
    #[wasm_bindgen(method, js_name = getUserMedia)]
    fn get_user_media(this: &Runtime, constraints: &JsValue, content: &JsValue, reconsider: bool) -> Promise;
    #[wasm_bindgen(method, js_name = getCurrentPosition)]
    fn get_current_position(this: &Runtime, options: &JsValue, content: &JsValue, reconsider: bool) -> Promise;
    #[wasm_bindgen(method, js_name = watchPosition)]
    fn watch_position(this: &Runtime, success: &JsValue, error: &JsValue, options: &JsValue, content: &JsValue, reconsider: bool) -> Promise;
    #[wasm_bindgen(method, js_name = clearWatch)]
    fn clear_watch(this: &Runtime, id: i32);
    #[wasm_bindgen(method, js_name = requestNotifications)]
    fn request_notifications(this: &Runtime, content: &JsValue, reconsider: bool) -> Promise;
    #[wasm_bindgen(method)]
    fn revoke(this: &Runtime, index: u32);
    #[wasm_bindgen(method)]
    fn reset(this: &Runtime, index: u32);
    #[wasm_bindgen(method)]
    fn help(this: &Runtime, index: u32) -> Promise;
    /// The controls panel, or with `indicator` the in-use indicator (`None`: floating).
    #[wasm_bindgen(method)]
    fn view(this: &Runtime, element: Option<&web_sys::Element>, indicator: bool) -> PanelHandle;

    #[derive(Debug)]
    type PanelHandle;
    #[wasm_bindgen(method, getter)]
    fn ready(this: &PanelHandle) -> Promise;
    #[wasm_bindgen(method)]
    fn destroy(this: &PanelHandle);
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/runtime/tasks.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = Tasks)]
    static TASKS: JsValue;
}
// The parts of the tasks (the dialogs, the error mapping, the native calls, the sides of the recovery help, the panel
// and the indicator): written beside the glue (declared, never used).
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/runtime/dialogs.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = Dialogs)]
    static DIALOGS: JsValue;
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/runtime/errors.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = notAllowed)]
    static ERRORS: JsValue;
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/runtime/calls.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = Calls)]
    static CALLS: JsValue;
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/runtime/controls.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = mount)]
    static CONTROLS: JsValue;
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/runtime/statuses.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = statuses)]
    static STATUSES: JsValue;
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/runtime/inuse.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = mount)]
    static INUSE: JsValue;
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/runtime/help.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = showRecovery)]
    static HELP: JsValue;
}
// The whole-page polyfill's calls, which tasks.js imports on first use: written beside the glue (declared, never used).
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/runtime/patch.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = polyfill)]
    static POLYFILL: JsValue;
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/elements/elements.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = JitGeolocationElement)]
    static ELEMENTS: JsValue;
}
// The codes of the engine's seam, which runtime.js, tasks.js and elements.js import: written beside the glue
// (declared, never used).
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/runtime/codes.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = NAMES)]
    static CODES: JsValue;
}
// The UI, one module per UI (src/ui/): the pre-prompt and the helpers every UI shares, which the tasks import, and the
// recovery help, the panel and the indicator, which bundled.js imports when first shown. Written beside the glue
// (declared, never used).
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/ui/dom.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = CAPS)]
    static UI_DOM: JsValue;
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/ui/prompt.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = prePrompt)]
    static UI_PROMPT: JsValue;
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/ui/recovery.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = recovery)]
    static UI_RECOVERY: JsValue;
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/ui/panel.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = panel)]
    static UI_PANEL: JsValue;
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/ui/indicator.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = indicator)]
    static UI_INDICATOR: JsValue;
}
#[wasm_bindgen(module = "/src/ui/bundled.js")]
extern "C" {
    /// The loader the runtime takes: `tasks()`, `view(name)` and `locale(tag)`, each an import() on first need.
    #[wasm_bindgen(thread_local_v2, js_name = loader)]
    static LOADER: JsValue;
    #[wasm_bindgen(js_name = defineElements)]
    fn define_elements_js(runtime: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = warn)]
    fn warn(message: &str);
    #[wasm_bindgen(js_name = patch)]
    fn patch_js(runtime: &Runtime) -> bool;
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/ui/locales/de.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = default)]
    static DE: JsValue;
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/ui/locales/fr.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = default)]
    static FR: JsValue;
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/ui/locales/es.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = default)]
    static ES: JsValue;
}
#[allow(dead_code)]
#[wasm_bindgen(module = "/src/ui/locales/ja.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = default)]
    static JA: JsValue;
}

/// The page's runtime for Rust callers, made by the first [`Permissions::install`]. Cheap to clone.
#[derive(Clone)]
pub struct Permissions {
    rt: Rc<Runtime>,
    listeners: Listeners,
    audits: Audits,
    /// The closures the JS runtime calls back (the engine's maker, the hooks).
    _callbacks: Rc<Vec<JsValue>>,
}

thread_local! {
    /// The page's one runtime and the options it was installed with (a wasm page has one thread).
    static PAGE: RefCell<Option<(Permissions, InstallOptions)>> = const { RefCell::new(None) };
}

impl fmt::Debug for Permissions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Permissions")
    }
}

/// The controls panel or the in-use indicator, mounted by [`Permissions::controls`] or [`Permissions::indicator`];
/// dropping it removes it, [`ControlsPanel::forget`] keeps it for the page's life.
#[must_use = "dropping the panel removes it at once"]
#[derive(Debug)]
pub struct ControlsPanel {
    panel: Option<PanelHandle>,
}

impl ControlsPanel {
    /// Resolves with true once the panel shows (the first time, once the UI module has loaded); an error when
    /// the UI could not load.
    pub async fn ready(&self) -> Result<bool, Error> {
        let Some(panel) = &self.panel else { return Ok(false) };
        Ok(JsFuture::from(panel.ready()).await?.as_bool() == Some(true))
    }

    /// Keeps the panel mounted for the page's life, without a value to hold.
    pub fn forget(mut self) {
        self.panel = None;
    }
}

impl Drop for ControlsPanel {
    fn drop(&mut self) {
        if let Some(panel) = self.panel.take() {
            panel.destroy();
        }
    }
}

/// A subscription made by [`Permissions::on_change`], [`Permissions::subscribe`] or [`Permissions::on_audit`];
/// dropping it unsubscribes, [`Subscription::forget`] keeps it for the page's life.
#[must_use = "dropping the subscription unsubscribes at once"]
pub struct Subscription(Rc<dyn std::any::Any>);

impl Subscription {
    /// Keeps the listener for the page's life, without a value to hold.
    pub fn forget(self) {
        std::mem::forget(self.0);
    }
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Subscription")
    }
}

/// A position watch made by [`Permissions::watch_position`]: dropping it clears the watch, [`Watch::forget`] keeps
/// it until its grant ends (the library clears a watch when the grant ends, either way).
#[must_use = "dropping the watch clears it at once"]
pub struct Watch {
    id: i32,
    rt: Option<Rc<Runtime>>,
    _callbacks: [JsValue; 2],
}

impl Watch {
    /// The browser's watch id.
    pub fn id(&self) -> i32 {
        self.id
    }

    /// Keeps the watch going (until its grant ends), without a value to hold.
    pub fn forget(mut self) {
        self.rt = None;
    }
}

impl fmt::Debug for Watch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watch").field("id", &self.id).finish()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.clear_watch(self.id);
        }
    }
}

/// A status object of the JS runtime, read back.
fn status_of(o: &JsValue) -> Status {
    let s: StatusJs = serde_wasm_bindgen::from_value(o.clone()).unwrap_or_default();
    let time = |t: Option<f64>| t.map(|t| t as u64);
    Status {
        state: s.state.parse().unwrap_or_default(),
        grant: s.grant.and_then(|g| g.parse().ok()),
        expires_at: time(s.expires_at),
        reason: s.reason.and_then(|r| r.parse().ok()),
        last_decision: s.last_decision.and_then(|c| c.parse().ok()),
        decided_at: time(s.decided_at),
    }
}

/// An audit record of the JS runtime, read back.
fn audit_of(o: &JsValue) -> Option<AuditEvent> {
    let a: AuditJs = serde_wasm_bindgen::from_value(o.clone()).ok()?;
    let cap = a.name.parse().ok()?;
    let text = a.detail.as_string().unwrap_or_default();
    fn parsed<T: std::str::FromStr>(text: &str) -> Option<T> {
        text.parse().ok()
    }
    Some(match a.kind.as_str() {
        "prompt-shown" => AuditEvent::PromptShown(cap),
        "decision" => AuditEvent::Decision(cap, parsed(&text)?),
        "expiry" => AuditEvent::Expired(cap, parsed(&text)?),
        "revocation" => AuditEvent::Revoked(cap, parsed(&text)?),
        "reset" => AuditEvent::Reset(cap),
        "embargo" => AuditEvent::EmbargoStarted(cap, a.detail.as_f64()? as u64),
        "blocked" => AuditEvent::Blocked(cap, parsed(&text)?),
        "declined" => AuditEvent::Declined(cap),
        _ => return None,
    })
}

/// The engine's durations and counts as the JS runtime keeps them (`parseOptions().config`), so that a JS
/// `install()` on the same page compares its options with these.
fn config_js(c: &Config) -> JsValue {
    to_js(&[
        c.max_lifetime as f64,
        c.hidden_timeout as f64,
        c.embargo_dismissals as f64,
        c.embargo_duration as f64,
        c.unused_after.map_or(f64::NAN, |t| t as f64),
    ])
}

/// The hooks the JS runtime reports through.
#[derive(Serialize)]
struct HooksJs {
    #[serde(with = "serde_wasm_bindgen::preserve")]
    status: JsValue,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    audit: JsValue,
}

impl Permissions {
    /// The page's runtime: the first call validates the options and starts it (loads the record, queries the
    /// browser, listens to visibility, page lifecycle, storage and the origin's other pages); every later call
    /// returns the same runtime, as the JS `install()` does, with one console warning when its options differ
    /// (they are ignored: the first call's apply). A JS `install()` of the npm package on the same page shares it
    /// too, whichever comes first. A call that failed can be retried.
    pub async fn install(options: InstallOptions) -> Result<Permissions, Error> {
        // Every call's options are checked (a bad one is an error even when a runtime is there).
        options.config.validate().map_err(Error::invalid)?;
        let clock = options.clock.clone().map_or(JsValue::UNDEFINED, |clock| {
            Closure::<dyn Fn() -> f64>::new(move || clock()).into_js_value()
        });
        let js_options = OptionsJs {
            locale: options.locale.as_deref(),
            strings: &options.strings,
            storage_key: options.storage_key.as_deref(),
            prompts: options.prompts.iter().map(|(cap, content)| (cap.name(), ContentJs::from(content))).collect(),
            indicator: options.indicator,
            heading_level: options.heading_level.filter(|l| (1..=6).contains(l)),
            patch: options.patch,
            clock: clock.clone(),
        };
        let parsed = parse_options(&to_js(&js_options))?;
        let existing = PAGE.with(|page| {
            page.borrow().as_ref().map(|(permissions, first)| (permissions.clone(), *first == options))
        });
        if let Some((permissions, same)) = existing {
            if !same {
                warn("jit-permissions: install() called again with other options: they are ignored, the first call's apply");
            }
            // Resolves at once once started (the runtime's start() is the same promise every time).
            JsFuture::from(permissions.rt.start()).await?;
            return Ok(permissions);
        }
        // The config is the engine's, checked by Config::validate (parseOptions leaves it at its defaults): the JS
        // runtime keeps it for a JS install() on the page to compare with.
        let _ = js_sys::Reflect::set(&parsed, &"config".into(), &config_js(&options.config));
        let permissions = Permissions::create(options.config, &parsed, clock)?;
        let patch = options.patch;
        PAGE.with(|page| *page.borrow_mut() = Some((permissions.clone(), options)));
        if let Err(e) = JsFuture::from(permissions.rt.start()).await {
            PAGE.with(|page| page.borrow_mut().take());
            return Err(e.into());
        }
        if patch {
            patch_js(&permissions.rt);
        }
        Ok(permissions)
    }

    fn create(c: Config, parsed: &JsValue, clock: JsValue) -> Result<Permissions, Error> {
        let make_engine = Closure::<dyn FnMut(f64, f64) -> Result<JsValue, JsValue>>::new(move |page: f64, now: f64| {
            let unused = c.unused_after.map_or(f64::NAN, |t| t as f64);
            Ok(JsValue::from(handle::Engine::new(
                c.max_lifetime as f64,
                c.hidden_timeout as f64,
                c.embargo_dismissals as f64,
                c.embargo_duration as f64,
                unused,
                page,
                now,
            )))
        })
        .into_js_value();
        let listeners: Listeners = Rc::new(RefCell::new(Vec::new()));
        let for_hook = Rc::downgrade(&listeners);
        let status_hook = Closure::<dyn Fn(u32, JsValue, bool)>::new(move |index: u32, status: JsValue, changed: bool| {
            let Some(cap) = Capability::ALL.into_iter().find(|c| c.index() as u32 == index) else { return };
            // Delivered in a microtask, in order, as the JS layer fires `change`: a listener that revokes or
            // resets from inside a delivery has its newer status delivered after, so that no listener is left with
            // the older one. A change of `state` goes to every listener of `cap`, a change of another field only
            // to those of `subscribe`: the listeners there when it happens (a later one reads it at once), unless
            // dropped since.
            let Some(list) = for_hook.upgrade() else { return };
            let targets: Vec<Weak<dyn Fn(Status)>> = {
                let mut list = list.borrow_mut();
                list.retain(|(_, _, w)| w.strong_count() > 0);
                list.iter().filter(|(c, every, _)| *c == cap && (changed || *every)).map(|(_, _, w)| w.clone()).collect()
            };
            if targets.is_empty() {
                return;
            }
            let status = status_of(&status);
            wasm_bindgen_futures::spawn_local(async move {
                for callback in targets.iter().filter_map(Weak::upgrade) {
                    callback(status);
                }
            });
        })
        .into_js_value();
        let audits: Audits = Rc::new(RefCell::new(Vec::new()));
        let for_audit = Rc::downgrade(&audits);
        let audit_hook = Closure::<dyn Fn(JsValue)>::new(move |record: JsValue| {
            let (Some(list), Some(event)) = (for_audit.upgrade(), audit_of(&record)) else { return };
            let callbacks: Vec<Rc<dyn Fn(AuditEvent)>> = {
                let mut list = list.borrow_mut();
                list.retain(|w| w.strong_count() > 0);
                list.iter().filter_map(Weak::upgrade).collect()
            };
            for callback in callbacks {
                callback(event);
            }
        })
        .into_js_value();
        let hooks = to_js(&HooksJs { status: status_hook.clone(), audit: audit_hook.clone() });
        let rt = LOADER.with(|loader| create_runtime(&make_engine, parsed, &hooks, loader))?;
        Ok(Permissions { rt: Rc::new(rt), listeners, audits, _callbacks: Rc::new(vec![make_engine, status_hook, audit_hook, clock]) })
    }

    /// The reported status of a capability (after the clock check).
    pub fn query(&self, cap: Capability) -> Status {
        self.rt.check();
        status_of(&self.rt.status(cap.index() as u32))
    }

    /// Calls `callback` with the new status each time the reported state of `cap` changes.
    pub fn on_change(&self, cap: Capability, callback: impl Fn(Status) + 'static) -> Subscription {
        let listener: Listener = Rc::new(callback);
        self.listeners.borrow_mut().push((cap, false, Rc::downgrade(&listener)));
        Subscription(Rc::new(listener))
    }

    /// The status of `cap` now, for a reactive store: the same read as [`Permissions::query`]
    /// ([`Status`] is a `Copy` value compared with `==`, so a signal holding it updates only when
    /// a field changes).
    pub fn snapshot(&self, cap: Capability) -> Status {
        self.query(cap)
    }

    /// Calls `callback` with the status of `cap` at once, then after each change of any of its
    /// fields (`state`, `grant`, `expires_at`, `reason`, `last_decision`, `decided_at`), where
    /// [`Permissions::on_change`] follows `state` only. As the JS `subscribe()`: what a store or
    /// signal needs.
    ///
    /// In Leptos 0.8 (needs `leptos` and `send_wrapper`, so not compiled here): install once before mounting, put
    /// the runtime in the context, and feed a signal from `subscribe`:
    ///
    /// ```ignore
    /// use jit_permissions::{Capability, InstallOptions, Permissions};
    /// use leptos::prelude::*;
    /// use send_wrapper::SendWrapper;
    ///
    /// fn main() {
    ///     wasm_bindgen_futures::spawn_local(async {
    ///         // Once per page (a later install() returns the same runtime).
    ///         let permissions = Permissions::install(InstallOptions::default()).await.expect("install");
    ///         // The context wants Send; a wasm page has one thread.
    ///         let permissions = SendWrapper::new(permissions);
    ///         leptos::mount::mount_to_body(move || {
    ///             provide_context(permissions.clone());
    ///             view! { <CameraState/> }
    ///         })
    ///         .forget();
    ///     });
    /// }
    ///
    /// #[component]
    /// fn CameraState() -> impl IntoView {
    ///     let permissions = expect_context::<SendWrapper<Permissions>>();
    ///     // Set at once and after each change of any field; unsubscribed when the component goes.
    ///     let camera = RwSignal::new(permissions.snapshot(Capability::Camera));
    ///     let subscription = SendWrapper::new(permissions.subscribe(Capability::Camera, move |status| camera.set(status)));
    ///     on_cleanup(move || drop(subscription));
    ///     view! {
    ///         <p>"Camera: " {move || camera.get().state.to_string()}
    ///            {move || camera.get().grant.map(|g| format!(" ({g})"))}</p>
    ///     }
    /// }
    /// ```
    pub fn subscribe(&self, cap: Capability, callback: impl Fn(Status) + 'static) -> Subscription {
        // Called only with a status other than the last it had (a change published while it
        // subscribes is also what it reads at once).
        let last = std::cell::Cell::new(None);
        let listener: Listener = Rc::new(move |status| {
            if last.replace(Some(status)) != Some(status) {
                callback(status);
            }
        });
        self.listeners.borrow_mut().push((cap, true, Rc::downgrade(&listener)));
        listener(self.snapshot(cap));
        Subscription(Rc::new(listener))
    }

    /// Calls `callback` with each audit event: prompt shown, decision, expiry, revocation, reset,
    /// embargo, blocked (by what), declined (an optional capability left out of a task).
    pub fn on_audit(&self, callback: impl Fn(AuditEvent) + 'static) -> Subscription {
        let listener: Rc<dyn Fn(AuditEvent)> = Rc::new(callback);
        self.audits.borrow_mut().push(Rc::downgrade(&listener));
        Subscription(Rc::new(listener))
    }

    /// The pre-prompt when needed, then the browser's request; resolves with the status.
    pub async fn request(&self, cap: Capability, prompt: PromptContent) -> Result<Status, Error> {
        JsFuture::from(self.rt.request(1 << cap.index(), 0, &content_js(&prompt), prompt.reconsider)).await?;
        Ok(self.query(cap))
    }

    /// One pre-prompt for a task that needs several capabilities (`(capability, optional)`):
    /// an optional one can be declined while the rest is allowed. Resolves with each status.
    pub async fn request_all(&self, needs: &[(Capability, bool)], prompt: PromptContent) -> Result<Vec<Status>, Error> {
        let (mut required, mut optional) = (0u32, 0u32);
        for (cap, opt) in needs {
            if *opt {
                optional |= 1 << cap.index();
            } else {
                required |= 1 << cap.index();
            }
        }
        JsFuture::from(self.rt.request(required, optional & !required, &content_js(&prompt), prompt.reconsider)).await?;
        Ok(needs.iter().map(|(cap, _)| self.query(*cap)).collect())
    }

    /// Gated `getUserMedia`; its tracks are stopped when their grant ends.
    pub async fn get_user_media(&self, constraints: &web_sys::MediaStreamConstraints, prompt: PromptContent) -> Result<web_sys::MediaStream, Error> {
        let stream = JsFuture::from(self.rt.get_user_media(constraints, &content_js(&prompt), prompt.reconsider)).await?;
        Ok(stream.unchecked_into())
    }

    /// Gated `getCurrentPosition`; resolves with the position.
    pub async fn get_current_position(&self, options: PositionOptions, prompt: PromptContent) -> Result<Position, Error> {
        let position = JsFuture::from(self.rt.get_current_position(&to_js(&options), &content_js(&prompt), prompt.reconsider)).await?;
        Position::from_js(&position)
    }

    /// Gated `Notification.requestPermission()`; resolves with the browser's answer.
    pub async fn request_notifications(&self, prompt: PromptContent) -> Result<String, Error> {
        let answer = JsFuture::from(self.rt.request_notifications(&content_js(&prompt), prompt.reconsider)).await?;
        Ok(answer.as_string().unwrap_or_default())
    }

    /// Gated `watchPosition`: once allowed, `on_position` gets each position (none while the page is hidden) and
    /// `on_error` each failure as the platform reports it (a refusal, [`ErrorKind::PositionUnavailable`],
    /// [`ErrorKind::Timeout`]). Resolves with the [`Watch`], which clears the watch when dropped; the watch is also
    /// cleared when the grant ends. A refusal before the watch starts is the `Err`.
    pub async fn watch_position(
        &self,
        options: PositionOptions,
        mut on_position: impl FnMut(Position) + 'static,
        on_error: impl FnMut(Error) + 'static,
        prompt: PromptContent,
    ) -> Result<Watch, Error> {
        let on_error = Rc::new(RefCell::new(on_error));
        let report = on_error.clone();
        let success = Closure::<dyn FnMut(JsValue)>::new(move |position: JsValue| match Position::from_js(&position) {
            Ok(position) => on_position(position),
            Err(e) => (report.borrow_mut())(e),
        })
        .into_js_value();
        let error = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| (on_error.borrow_mut())(Error::from(e))).into_js_value();
        let id = JsFuture::from(self.rt.watch_position(&success, &error, &to_js(&options), &content_js(&prompt), prompt.reconsider)).await?;
        Ok(Watch { id: id.as_f64().unwrap_or(0.0) as i32, rt: Some(self.rt.clone()), _callbacks: [success, error] })
    }

    /// Shows what applies to `cap` now (what blocks it and the way back, Reset after the
    /// person's own Don't allow or a pause, or that nothing does); resolves when the person
    /// closes the help, or with the error when the UI could not load.
    pub async fn help(&self, cap: Capability) -> Result<(), Error> {
        JsFuture::from(self.rt.help(cap.index() as u32)).await?;
        Ok(())
    }

    /// Mounts the controls panel into `element`; it stays while the returned value lives.
    pub fn controls(&self, element: &web_sys::Element) -> ControlsPanel {
        ControlsPanel { panel: Some(self.rt.view(Some(element), false)) }
    }

    /// The in-use indicator at the end of `element` (floating at the top of the page with
    /// `None`), shown while a camera or microphone track the library handed out in this page is
    /// live; it stays while the returned value lives.
    pub fn indicator(&self, element: Option<&web_sys::Element>) -> ControlsPanel {
        ControlsPanel { panel: Some(self.rt.view(element, true)) }
    }
    /// Takes the grant back: reported `prompt` from now on; handed-out tracks and watches stop.
    pub fn revoke(&self, cap: Capability) {
        self.rt.revoke(cap.index() as u32);
    }

    /// Forgets the site-level record of a capability (decision, dismissals, embargo).
    pub fn reset(&self, cap: Capability) {
        self.rt.reset(cap.index() as u32);
    }

    /// Registers the capability elements `<jit-geolocation>` and `<jit-usermedia>` (the npm entry
    /// `jit-permissions/elements` does the same for JS pages), run by this runtime: the browser's own
    /// `<geolocation>` / `<usermedia>` inside them where it has them, the library's own button elsewhere,
    /// with the one-time rules, the audit and the controls covering what they deliver. A name the page
    /// already defined is left as it is (and the first runtime given is the one the elements use).
    /// Resolves with whether both names are defined now (false where there is no `customElements`, or the
    /// module could not load). The elements' module is imported on this first call.
    ///
    /// ```no_run
    /// # async fn f(permissions: jit_permissions::Permissions) {
    /// permissions.define_elements().await;
    /// // <jit-geolocation watch></jit-geolocation> in the page now gives a position on a real click:
    /// // listen for its `location` event (web_sys::EventTarget) and read its `position` property.
    /// # }
    /// ```
    pub async fn define_elements(&self) -> bool {
        let Ok(defined) = JsFuture::from(define_elements_js(self.rt.as_ref())).await else {
            return false;
        };
        /// What `defineElements` resolves with: the two classes, where defined.
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Defined {
            #[serde(with = "serde_wasm_bindgen::preserve", default)]
            jit_geolocation_element: JsValue,
            #[serde(with = "serde_wasm_bindgen::preserve", default)]
            jit_user_media_element: JsValue,
        }
        serde_wasm_bindgen::from_value::<Defined>(defined)
            .is_ok_and(|d| d.jit_geolocation_element.is_function() && d.jit_user_media_element.is_function())
    }
}
