//! The async Rust API: the same capabilities as the npm package, for Rust front ends
//! (Leptos, Yew, Dioxus, plain wasm-bindgen).
//!
//! ```no_run
//! use jit_permissions::{Capability, InstallOptions, Permissions, PromptContent};
//!
//! # async fn run() -> Result<(), jit_permissions::Error> {
//! let permissions = Permissions::install(InstallOptions::default()).await?;
//! let _subscription = permissions.on_change(Capability::Camera, |status| {
//!     web_sys::console::log_1(&status.state.as_str().into());
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

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::options::Options;
use super::runtime::{Hooks, Runtime};
use super::ui::{PromptContent, Ui, UiSource};
use crate::core::{AuditEvent, Capability, Config, Input, Status};

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
}

type Listener = Rc<dyn Fn(Status)>;
type Listeners = Rc<RefCell<Vec<(Capability, Weak<dyn Fn(Status)>)>>>;
type Audits = Rc<RefCell<Vec<Weak<dyn Fn(AuditEvent)>>>>;

/// The runtime for Rust callers. Cheap to clone.
#[derive(Clone)]
pub struct Permissions {
    rt: Rc<Runtime>,
    listeners: Listeners,
    audits: Audits,
}

impl fmt::Debug for Permissions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Permissions")
    }
}

/// The controls panel mounted by [`Permissions::controls`]; dropping it removes the panel.
#[must_use = "dropping the panel removes it at once"]
pub struct ControlsPanel {
    _panel: super::ui::Controls,
}

impl fmt::Debug for ControlsPanel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ControlsPanel")
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

// The UI for Rust callers, as wasm-bindgen snippets, which wasm-bindgen copies next to the crate user's glue,
// so nothing needs setting up. Only this code path refers to them: the npm package's glue imports none (it
// loads them with `import()`). `ui.js` comes with the wasm; a locale is imported on first need by
// `bundled.js`, from the copies of `locales/*.js` that the declarations below make wasm-bindgen write (they
// are declared, never used, so the glue does not import them).
#[wasm_bindgen(module = "/src/ui/ui.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = ui)]
    static UI: Ui;
}
#[wasm_bindgen(module = "/src/ui/bundled.js")]
extern "C" {
    #[wasm_bindgen(js_name = load)]
    fn load_bundled(ui: &Ui, tag: &str) -> js_sys::Promise;
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

/// The bundled UI and, on first need, the strings of locale `tag`: a promise of `[ui, table]`.
fn bundled_ui(tag: &str) -> js_sys::Promise {
    load_bundled(&UI.with(Ui::clone), tag)
}

impl Permissions {
    /// Validates the options, starts the runtime (loads the record, queries the browser,
    /// listens to visibility, page lifecycle, storage and the origin's other pages).
    pub async fn install(options: InstallOptions) -> Result<Permissions, Error> {
        options
            .config
            .validate()
            .map_err(|e| Error(super::options::type_error(&e.to_string())))?;
        let listeners: Listeners = Rc::new(RefCell::new(Vec::new()));
        let for_hook = Rc::downgrade(&listeners);
        let status_hook = move |cap: Capability, status: Status, changed: bool| {
            if !changed {
                return;
            }
            // Delivered in a microtask, in order, as the JS layer fires `change`: a listener that
            // revokes or resets from inside a delivery has its newer status delivered after, so
            // that no listener is left with the older one.
            let list = for_hook.clone();
            super::runtime::spawn(async move {
                let Some(list) = list.upgrade() else { return };
                let callbacks: Vec<Listener> = {
                    let mut list = list.borrow_mut();
                    list.retain(|(_, w)| w.strong_count() > 0);
                    list.iter().filter(|(c, _)| *c == cap).filter_map(|(_, w)| w.upgrade()).collect()
                };
                for callback in callbacks {
                    callback(status);
                }
            });
        };
        let audits: Audits = Rc::new(RefCell::new(Vec::new()));
        let for_audit = Rc::downgrade(&audits);
        let audit_hook = move |event: AuditEvent, _at: crate::core::Millis| {
            let Some(list) = for_audit.upgrade() else { return };
            let callbacks: Vec<Rc<dyn Fn(AuditEvent)>> = {
                let mut list = list.borrow_mut();
                list.retain(|w| w.strong_count() > 0);
                list.iter().filter_map(Weak::upgrade).collect()
            };
            for callback in callbacks {
                callback(event);
            }
        };
        let hooks = Hooks {
            status: Box::new(status_hook),
            audit: Box::new(audit_hook),
        };
        let options = Options {
            config: options.config,
            patch: false,
            locale: options.locale,
            strings: options.strings,
            storage_key: options.storage_key.unwrap_or_else(|| "jit-permissions".into()),
            prompts: options.prompts,
            clock: None,
        };
        let rt = Runtime::new(options, hooks, UiSource::Bundled(bundled_ui))?;
        rt.start().await?;
        Ok(Permissions { rt, listeners, audits })
    }

    /// The reported status of a capability (after the clock check).
    pub fn query(&self, cap: Capability) -> Status {
        self.rt.check();
        self.rt.status(cap)
    }

    /// Calls `callback` with the new status each time the reported state of `cap` changes.
    pub fn on_change(&self, cap: Capability, callback: impl Fn(Status) + 'static) -> Subscription {
        let listener: Listener = Rc::new(callback);
        self.listeners.borrow_mut().push((cap, Rc::downgrade(&listener)));
        Subscription(Rc::new(listener))
    }

    /// Calls `callback` with each audit event: prompt shown, decision, expiry, revocation, reset,
    /// embargo.
    pub fn on_audit(&self, callback: impl Fn(AuditEvent) + 'static) -> Subscription {
        let listener: Rc<dyn Fn(AuditEvent)> = Rc::new(callback);
        self.audits.borrow_mut().push(Rc::downgrade(&listener));
        Subscription(Rc::new(listener))
    }

    /// The pre-prompt when needed, then the browser's request; resolves with the status.
    pub async fn request(&self, cap: Capability, prompt: PromptContent) -> Result<Status, Error> {
        self.rt.clone().request(vec![super::flows::Need::required(cap)], prompt, false).await?;
        Ok(self.rt.status(cap))
    }

    /// One pre-prompt for a task that needs several capabilities (`(capability, optional)`):
    /// an optional one can be declined while the rest is allowed. Resolves with each status.
    pub async fn request_all(&self, needs: &[(Capability, bool)], prompt: PromptContent) -> Result<Vec<Status>, Error> {
        let list: Vec<super::flows::Need> = needs.iter().map(|(cap, optional)| super::flows::Need { cap: *cap, optional: *optional }).collect();
        self.rt.clone().request(list, prompt, false).await?;
        Ok(needs.iter().map(|(cap, _)| self.rt.status(*cap)).collect())
    }

    /// Gated `getUserMedia`; its tracks are stopped when their one-time grant ends.
    pub async fn get_user_media(&self, constraints: &web_sys::MediaStreamConstraints, prompt: PromptContent) -> Result<web_sys::MediaStream, Error> {
        Ok(self.rt.clone().get_user_media(constraints.clone().into(), prompt, false).await?)
    }

    /// Gated `getCurrentPosition`; resolves with the `GeolocationPosition`.
    pub async fn get_current_position(&self, prompt: PromptContent) -> Result<JsValue, Error> {
        Ok(self.rt.clone().get_current_position(JsValue::UNDEFINED, prompt, false).await?)
    }

    /// Gated `Notification.requestPermission()`; resolves with the browser's answer.
    pub async fn request_notifications(&self, prompt: PromptContent) -> Result<String, Error> {
        let answer = self.rt.clone().request_notifications(prompt, false).await?;
        Ok(answer.as_string().unwrap_or_default())
    }

    /// Gated `watchPosition`: `on_position` gets each `GeolocationPosition` (none while the page
    /// is hidden); resolves with the watch id. The watch is cleared when the grant ends.
    pub async fn watch_position(&self, on_position: impl FnMut(JsValue) + 'static, prompt: PromptContent) -> Result<i32, Error> {
        let callback: Closure<dyn FnMut(JsValue)> = Closure::new(on_position);
        let function: Function = callback.into_js_value().unchecked_into();
        Ok(self.rt.clone().watch_position(function, JsValue::UNDEFINED, JsValue::UNDEFINED, prompt, false).await?)
    }

    /// Clears a watch made by [`Permissions::watch_position`].
    pub fn clear_watch(&self, id: i32) {
        self.rt.clear_watch_id(id);
    }

    /// Shows how to unblock `cap` in this browser; resolves when the help closes (by itself once
    /// the person has unblocked it).
    pub async fn help(&self, cap: Capability) {
        self.rt.clone().help(cap).await;
    }

    /// Mounts the controls panel into `element`; it stays while the returned value lives. It
    /// shows right away, or once the UI has loaded when this is the first thing to use it.
    pub fn controls(&self, element: &web_sys::Element) -> Result<ControlsPanel, Error> {
        Ok(ControlsPanel { _panel: super::ui::Controls::mount(&self.rt, element) })
    }

    /// Takes the grant back: reported `prompt` from now on; handed-out tracks and watches stop.
    pub fn revoke(&self, cap: Capability) {
        self.rt.input(Input::Revoke(cap));
    }

    /// Forgets the site-level record of a capability (decision, dismissals, embargo).
    pub fn reset(&self, cap: Capability) {
        self.rt.input(Input::Reset(cap));
    }
}
