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
mod js;
mod options;

use js::*;
pub use options::*;
use crate::core::{
    AuditEvent, Capability, Config, ConfigError, Refusal, Status,
};

type Listener = Rc<dyn Fn(Status)>;
/// `(capability, every field, listener)`: `every` for [`Permissions::subscribe`], else `state` changes only.
type Listeners = Rc<RefCell<Vec<(Capability, bool, Weak<dyn Fn(Status)>)>>>;
type Audits = Rc<RefCell<Vec<Weak<dyn Fn(AuditEvent)>>>>;

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
        let patch = options.patch;
        let permissions = Permissions::create(options.config, &parsed, clock, patch)?;
        PAGE.with(|page| *page.borrow_mut() = Some((permissions.clone(), options)));
        if let Err(e) = JsFuture::from(permissions.rt.start()).await {
            PAGE.with(|page| page.borrow_mut().take());
            if patch {
                attach(None, &e);
            }
            return Err(e.into());
        }
        if patch {
            attach(Some(&permissions.rt), &JsValue::UNDEFINED);
        }
        Ok(permissions)
    }

    /// The page's runtime with `parsed` options; with `patch`, the platform's functions are replaced first (the
    /// runtime keeps the originals) and the statuses the patched query hands out hear its changes.
    fn create(c: Config, parsed: &JsValue, clock: JsValue, patch: bool) -> Result<Permissions, Error> {
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
        let mut hooks = to_js(&HooksJs { status: status_hook.clone(), audit: audit_hook.clone() });
        if patch {
            hooks = patch_page(parsed, &hooks);
        }
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

    /// Registers the four capability elements `<jit-geolocation>`, `<jit-usermedia>`, `<jit-camera>` and
    /// `<jit-microphone>` (the npm entry `jit-permissions/elements` does the same for JS pages), run by this
    /// runtime: the browser's own `<geolocation>`, `<usermedia>`, `<camera>` / `<microphone>` inside them where
    /// it has them, the library's own button elsewhere, with the one-time rules, the audit and the controls
    /// covering what they deliver. A name the page already defined is left as it is (and the first runtime
    /// given is the one the elements use). Resolves with whether the names are defined now (checked on
    /// `jit-geolocation` and `jit-usermedia`; false where there is no `customElements`, or the module could
    /// not load). The elements' module is imported on this first call.
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
        /// What `defineElements` resolves with (four classes, where defined): the two checked here.
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
