//! The async Rust API: the same capabilities as the npm package, for Rust front ends
//! (Leptos, Yew, Dioxus, plain wasm-bindgen).
//!
//! ```no_run
//! use jit_permissions::{Capability, InstallOptions, Permissions, PromptContent};
//!
//! # async fn run() -> Result<(), jit_permissions::Error> {
//! let permissions = Permissions::install(InstallOptions::default()).await?;
//! let _subscription = permissions.on_change(Capability::Camera, |status| {
//!     let _state_now = status.state.as_str();
//! });
//! let prompt = PromptContent {
//!     title: Some("Take a profile photo?".into()),
//!     reason: Some("We use your camera only while you take the photo.".into()),
//!     image: None,
//! };
//! let stream = permissions.get_user_media(&web_sys::MediaStreamConstraints::new(), prompt).await?;
//! # let _ = stream;
//! # Ok(())
//! # }
//! ```

use std::cell::RefCell;
use std::fmt;
use std::rc::{Rc, Weak};

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::handle;
use crate::core::{
    AuditEvent, BlockCause, Capability, Choice, Config, DenyReason, ExpiryCause, GrantKind, RevocationCause, State, Status,
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
}

/// A picture in the pre-prompt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PromptImage {
    /// The URL (set through `img.src`, never parsed as markup).
    pub src: String,
    /// The alternative text.
    pub alt: String,
}

/// The one error type of the Rust API: what the browser or the library threw, as JS would see it.
#[derive(Clone, Debug)]
pub struct Error(JsValue);

impl Error {
    /// The error's `name` (`"NotAllowedError"`, `"TypeError"`, `"NotFoundError"`, ...).
    pub fn name(&self) -> String {
        js_sys::Reflect::get(&self.0, &"name".into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
    }

    /// The error's message.
    pub fn message(&self) -> String {
        js_sys::Reflect::get(&self.0, &"message".into())
            .ok()
            .and_then(|v| v.as_string())
            .or_else(|| self.0.as_string())
            .unwrap_or_default()
    }

    /// Whether the person refused (a dismissal, "Don't allow", an embargo, or the browser's block).
    pub fn is_not_allowed(&self) -> bool {
        self.name() == "NotAllowedError"
    }

    /// The JS value behind the error.
    pub fn into_js(self) -> JsValue {
        self.0
    }
}

impl From<JsValue> for Error {
    fn from(v: JsValue) -> Error {
        Error(v)
    }
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        e.0
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())?;
        f.write_str(": ")?;
        f.write_str(&self.message())
    }
}

impl std::error::Error for Error {}

/// Options of [`Permissions::install`]; [`Default`] gives the SPEC's values.
#[derive(Clone, Debug, Default)]
pub struct InstallOptions {
    /// Durations and counts (`oneTime.*`, `embargo.*`). Checked with [`Config::validate`].
    pub config: Config,
    /// Locale of the built-in strings; `None` follows `navigator.languages`.
    pub locale: Option<String>,
    /// String overrides, by key.
    pub strings: Vec<(String, String)>,
    /// The origin storage key; `None` gives `"jit-permissions"`.
    pub storage_key: Option<String>,
    /// Default prompt content per capability, in the order of [`Capability::ALL`].
    pub prompts: [PromptContent; 4],
    /// Show the in-use indicator (floating at the top of the page) while a camera or
    /// microphone track the library handed out is live.
    pub indicator: bool,
    /// The level (1-6) of the dialogs' and the panel's headings; `None` (or out of range) gives 2.
    pub heading_level: Option<u8>,
}

type Listener = Rc<dyn Fn(Status)>;
/// `(capability, every field, listener)`: `every` for [`Permissions::subscribe`], else `state` changes only.
type Listeners = Rc<RefCell<Vec<(Capability, bool, Weak<dyn Fn(Status)>)>>>;
type Audits = Rc<RefCell<Vec<Weak<dyn Fn(AuditEvent)>>>>;

// The browser layer for Rust callers is the npm package's own (`src/runtime/runtime.js`), and the UI (`src/ui/`),
// as wasm-bindgen snippets, which wasm-bindgen copies next to the crate user's glue, so nothing needs setting up.
// Only this code path refers to them: the npm package's glue imports none. `ui.js` comes with the wasm; a locale is
// imported on first need by `bundled.js`, from the copies of `locales/*.js` that the declarations below make
// wasm-bindgen write (declared, never used, so the glue does not import them).
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
#[wasm_bindgen(module = "/src/runtime/tasks.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = Tasks)]
    static TASKS: JsValue;
}
// The capability elements: written beside the glue like the locales (declared, never used), and imported by
// bundled.js when `define_elements` first runs, so that a page of the Rust API that does not use them loads nothing
// more at start.
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
#[wasm_bindgen(module = "/src/ui/ui.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = ui)]
    static UI: JsValue;
}
#[wasm_bindgen(module = "/src/ui/bundled.js")]
extern "C" {
    #[wasm_bindgen(js_name = load)]
    fn load_bundled(ui: &JsValue, tag: &str) -> Promise;
    #[wasm_bindgen(js_name = defineElements)]
    fn define_elements_js(runtime: &JsValue) -> Promise;
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

/// The runtime for Rust callers. Cheap to clone.
#[derive(Clone)]
pub struct Permissions {
    rt: Rc<Runtime>,
    listeners: Listeners,
    audits: Audits,
    /// The closures the JS runtime calls back (the engine's maker, the hooks, the UI's loader).
    _callbacks: Rc<Vec<JsValue>>,
}

impl fmt::Debug for Permissions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Permissions")
    }
}

/// The controls panel mounted by [`Permissions::controls`]; dropping it removes the panel.
#[must_use = "dropping the panel removes it at once"]
#[derive(Debug)]
pub struct ControlsPanel {
    panel: PanelHandle,
}

impl ControlsPanel {
    /// Resolves once the panel shows (the first time, once the UI module has loaded).
    pub async fn ready(&self) -> bool {
        JsFuture::from(self.panel.ready()).await.map(|v| v.as_bool() == Some(true)).unwrap_or(false)
    }
}

impl Drop for ControlsPanel {
    fn drop(&mut self) {
        self.panel.destroy();
    }
}

/// A subscription made by [`Permissions::on_change`] or [`Permissions::on_audit`]; dropping it
/// unsubscribes.
#[must_use = "dropping the subscription unsubscribes at once"]
pub struct Subscription(#[allow(dead_code)] Rc<dyn std::any::Any>);

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Subscription")
    }
}

fn object(fields: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&o, &JsValue::from_str(key), value);
    }
    o
}

fn text(s: &Option<String>) -> JsValue {
    s.as_deref().map(JsValue::from_str).unwrap_or(JsValue::UNDEFINED)
}

/// Prompt content as the JS runtime takes it.
fn content_js(c: &PromptContent) -> JsValue {
    let image = match &c.image {
        Some(i) => object(&[("src", i.src.as_str().into()), ("alt", i.alt.as_str().into())]).into(),
        None => JsValue::UNDEFINED,
    };
    object(&[("title", text(&c.title)), ("reason", text(&c.reason)), ("image", image)]).into()
}

fn field(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn named<T: Copy>(value: &JsValue, all: &[T], name: impl Fn(T) -> &'static str) -> Option<T> {
    let v = value.as_string()?;
    all.iter().copied().find(|x| name(*x) == v)
}

const CHOICES: [Choice; 4] = [Choice::AllowOnce, Choice::AllowAlways, Choice::DontAllow, Choice::Dismiss];

/// A status object of the JS runtime, read back.
fn status_of(o: &JsValue) -> Status {
    let state = named(&field(o, "state"), &[State::Granted, State::Denied, State::Prompt], State::as_str).unwrap_or_default();
    let time = |k| field(o, k).as_f64().map(|t| t as u64);
    Status {
        state,
        grant: named(&field(o, "grant"), &[GrantKind::OneTime, GrantKind::Persistent], GrantKind::as_str),
        expires_at: time("expiresAt"),
        reason: named(
            &field(o, "reason"),
            &[DenyReason::Browser, DenyReason::User, DenyReason::Embargo, DenyReason::System, DenyReason::Policy],
            DenyReason::as_str,
        ),
        last_decision: named(&field(o, "lastDecision"), &CHOICES, Choice::as_str),
        decided_at: time("decidedAt"),
    }
}

/// An audit record of the JS runtime, read back.
fn audit_of(o: &JsValue) -> Option<AuditEvent> {
    let cap = Capability::from_name(&field(o, "name").as_string()?)?;
    let detail = field(o, "detail");
    Some(match field(o, "type").as_string()?.as_str() {
        "prompt-shown" => AuditEvent::PromptShown(cap),
        "decision" => AuditEvent::Decision(cap, named(&detail, &CHOICES, Choice::as_str)?),
        "expiry" => AuditEvent::Expired(
            cap,
            named(&detail, &[ExpiryCause::MaxLifetime, ExpiryCause::Hidden, ExpiryCause::PagesGone, ExpiryCause::Unused], ExpiryCause::as_str)?,
        ),
        "revocation" => AuditEvent::Revoked(
            cap,
            named(&detail, &[RevocationCause::Manual, RevocationCause::Browser, RevocationCause::Cleared], RevocationCause::as_str)?,
        ),
        "reset" => AuditEvent::Reset(cap),
        "embargo" => AuditEvent::EmbargoStarted(cap, detail.as_f64()? as u64),
        "blocked" => AuditEvent::Blocked(
            cap,
            named(
                &detail,
                &[BlockCause::Browser, BlockCause::System, BlockCause::Policy, BlockCause::Busy, BlockCause::NoDevice],
                BlockCause::as_str,
            )?,
        ),
        "declined" => AuditEvent::Declined(cap),
        _ => return None,
    })
}

impl Permissions {
    /// Validates the options, starts the runtime (loads the record, queries the browser,
    /// listens to visibility, page lifecycle, storage and the origin's other pages).
    pub async fn install(options: InstallOptions) -> Result<Permissions, Error> {
        options.config.validate().map_err(|e| {
            let mut m = String::from("jit-permissions: option '");
            m.push_str(e.field());
            m.push_str("' must be ");
            m.push_str(e.expected());
            Error(js_sys::TypeError::new(&m).into())
        })?;
        let c = options.config;
        let strings = Object::new();
        for (key, value) in &options.strings {
            let _ = Reflect::set(&strings, &JsValue::from_str(key), &JsValue::from_str(value));
        }
        let prompts = Object::new();
        for cap in Capability::ALL {
            let _ = Reflect::set(&prompts, &cap.name().into(), &content_js(&options.prompts[cap.index()]));
        }
        let js_options = object(&[
            ("locale", text(&options.locale)),
            ("strings", strings.into()),
            ("storageKey", text(&options.storage_key)),
            ("prompts", prompts.into()),
            ("indicator", options.indicator.into()),
            ("headingLevel", options.heading_level.filter(|l| (1..=6).contains(l)).map_or(JsValue::UNDEFINED, JsValue::from)),
        ]);
        let parsed = parse_options(&js_options.into())?;
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
        let load = Closure::<dyn Fn(String) -> Promise>::new(|tag: String| UI.with(|ui| load_bundled(ui, &tag))).into_js_value();
        let tasks = Closure::<dyn Fn() -> Promise>::new(|| { let module: JsValue = object(&[("Tasks", TASKS.with(JsValue::clone))]).into(); Promise::resolve(&module) })
            .into_js_value();
        let hooks = object(&[("status", status_hook.clone()), ("audit", audit_hook.clone())]);
        let loader = object(&[("load", load.clone()), ("tasks", tasks.clone())]);
        let rt = create_runtime(&make_engine, &parsed, &hooks.into(), &loader.into())?;
        JsFuture::from(rt.start()).await?;
        Ok(Permissions { rt: Rc::new(rt), listeners, audits, _callbacks: Rc::new(vec![make_engine, status_hook, audit_hook, load, tasks]) })
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
    /// In a Leptos 0.8 component (needs `leptos` and `send_wrapper`, so not compiled here):
    ///
    /// ```ignore
    /// use jit_permissions::{Capability, Permissions};
    /// use leptos::prelude::*;
    /// use send_wrapper::SendWrapper;
    ///
    /// #[component]
    /// fn CameraState(permissions: Permissions) -> impl IntoView {
    ///     let camera = RwSignal::new(permissions.snapshot(Capability::Camera));
    ///     let subscription = permissions.subscribe(Capability::Camera, move |status| camera.set(status));
    ///     // Unsubscribes when the component goes (`on_cleanup` wants Send; the page has one thread).
    ///     let subscription = SendWrapper::new(subscription);
    ///     on_cleanup(move || drop(subscription));
    ///     view! {
    ///         <p>"Camera: " {move || camera.get().state.as_str()}
    ///            {move || camera.get().grant.map(|g| format!(" ({})", g.as_str()))}</p>
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
        JsFuture::from(self.rt.request(1 << cap.index(), 0, &content_js(&prompt), false)).await?;
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
        JsFuture::from(self.rt.request(required, optional & !required, &content_js(&prompt), false)).await?;
        Ok(needs.iter().map(|(cap, _)| self.query(*cap)).collect())
    }

    /// Gated `getUserMedia`; its tracks are stopped when their grant ends.
    pub async fn get_user_media(&self, constraints: &web_sys::MediaStreamConstraints, prompt: PromptContent) -> Result<web_sys::MediaStream, Error> {
        let stream = JsFuture::from(self.rt.get_user_media(constraints, &content_js(&prompt), false)).await?;
        Ok(stream.unchecked_into())
    }

    /// Gated `getCurrentPosition`; resolves with the `GeolocationPosition`.
    pub async fn get_current_position(&self, prompt: PromptContent) -> Result<JsValue, Error> {
        Ok(JsFuture::from(self.rt.get_current_position(&JsValue::UNDEFINED, &content_js(&prompt), false)).await?)
    }

    /// Gated `Notification.requestPermission()`; resolves with the browser's answer.
    pub async fn request_notifications(&self, prompt: PromptContent) -> Result<String, Error> {
        let answer = JsFuture::from(self.rt.request_notifications(&content_js(&prompt), false)).await?;
        Ok(answer.as_string().unwrap_or_default())
    }

    /// Gated `watchPosition`: `on_position` gets each `GeolocationPosition` (none while the page
    /// is hidden); resolves with the watch id. The watch is cleared when the grant ends.
    pub async fn watch_position(&self, on_position: impl FnMut(JsValue) + 'static, prompt: PromptContent) -> Result<i32, Error> {
        let callback = Closure::<dyn FnMut(JsValue)>::new(on_position).into_js_value();
        let id = JsFuture::from(self.rt.watch_position(&callback, &JsValue::UNDEFINED, &JsValue::UNDEFINED, &content_js(&prompt), false)).await?;
        Ok(id.as_f64().unwrap_or(0.0) as i32)
    }

    /// Clears a watch made by [`Permissions::watch_position`].
    pub fn clear_watch(&self, id: i32) {
        self.rt.clear_watch(id);
    }

    /// Shows what applies to `cap` now (what blocks it and the way back, Reset after the
    /// person's own Don't allow or a pause, or that nothing does); resolves when the person
    /// closes the help.
    pub async fn help(&self, cap: Capability) {
        let _ = JsFuture::from(self.rt.help(cap.index() as u32)).await;
    }

    /// Mounts the controls panel into `element`; it stays while the returned value lives.
    pub fn controls(&self, element: &web_sys::Element) -> Result<ControlsPanel, Error> {
        Ok(ControlsPanel { panel: self.rt.view(Some(element), false) })
    }

    /// The in-use indicator at the end of `element` (floating at the top of the page with
    /// `None`), shown while a camera or microphone track the library handed out in this page is
    /// live; it stays while the returned value lives.
    pub fn indicator(&self, element: Option<&web_sys::Element>) -> ControlsPanel {
        ControlsPanel { panel: self.rt.view(element, true) }
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
        ["JitGeolocationElement", "JitUserMediaElement"]
            .iter()
            .all(|k| js_sys::Reflect::get(&defined, &JsValue::from_str(k)).map(|v| v.is_function()).unwrap_or(false))
    }
}
