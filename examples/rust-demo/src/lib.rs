//! Using `jit_permissions` from Rust, with plain wasm-bindgen and web-sys.
//!
//! On start the example installs the runtime, shows the camera's state and keeps it up to date
//! with `on_change`. The "Use the camera" button asks for the camera just in time: the
//! library's pre-prompt with this site's reason, then the browser's own request from the same
//! click. "Revoke" takes a grant back. Build with `./build.sh`, see `index.html`.

use std::cell::RefCell;

use jit_permissions::{
    AuditEvent, Capability, ControlsPanel, Error, GrantKind, Permissions, PromptContent, PromptImage, State, Status,
    Subscription,
};
use gloo_events::EventListener;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlButtonElement};

/// The app's own allocator: an app chooses it, not a library it depends on (jit_permissions sets none unless the
/// app turns on its feature `allocator`). `System` is the Rust standard library's allocator on wasm32.
#[global_allocator]
static ALLOCATOR: std::alloc::System = std::alloc::System;

/// The app's own exported type called `Engine` (a name apps often use: a game or layout engine). It lands in the
/// app's JS glue beside what the library exports, which must not clash with it: the library's own engine handle
/// is exported as `JitPermissionsEngine`. `main.js` makes one and shows its name.
#[wasm_bindgen]
pub struct Engine {
    name: String,
}

#[wasm_bindgen]
impl Engine {
    /// The app's engine.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Engine {
        Engine { name: "rust-demo engine".into() }
    }

    /// Its name, shown in the page.
    pub fn name(&self) -> String {
        self.name.clone()
    }
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new()
    }
}

/// What the page keeps for its whole life: the runtime, the subscription (dropping it would
/// unsubscribe) and the click handlers.
struct App {
    _subscription: Subscription,
    _audit: Subscription,
    _controls: ControlsPanel,
    _handlers: Vec<EventListener>,
}

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
}

#[wasm_bindgen(start)]
pub async fn start() -> Result<(), JsValue> {
    let document = document()?;
    let permissions = Permissions::install(Default::default()).await?;

    // The state now, and every change from here on (a decision, expiry, revocation, the browser).
    show_status(&document, permissions.query(Capability::Camera));
    let subscription = {
        let document = document.clone();
        permissions.on_change(Capability::Camera, move |status| {
            show_status(&document, status);
            log(&document, &format!("change: camera is now {}", describe(status)));
        })
    };

    // The site's audit log: what was asked, what the person chose, what ended.
    let audit = {
        let document = document.clone();
        permissions.on_audit(move |event| {
            let line = match event {
                AuditEvent::PromptShown(cap) => format!("audit: pre-prompt shown for {}", cap.name()),
                AuditEvent::Decision(cap, choice) => format!("audit: decision for {}: {}", cap.name(), choice.as_str()),
                AuditEvent::Expired(cap, cause) => format!("audit: {} expired ({})", cap.name(), cause.as_str()),
                AuditEvent::Revoked(cap, _) => format!("audit: {} revoked", cap.name()),
                AuditEvent::Reset(cap) => format!("audit: {} reset", cap.name()),
                AuditEvent::EmbargoStarted(cap, _) => format!("audit: {} paused after repeated dismissals", cap.name()),
                AuditEvent::Blocked(cap, cause) => format!("audit: {} blocked ({})", cap.name(), cause.as_str()),
                AuditEvent::Declined(cap) => format!("audit: {} left out of the task", cap.name()),
            };
            log(&document, &line);
        })
    };

    // The person's controls: every capability, its state and time left, revoke and reset.
    let controls = permissions.controls(&document.get_element_by_id("controls").ok_or("no #controls")?);

    let ask = on_click(&document, "ask", {
        let permissions = permissions.clone();
        let document = document.clone();
        move || {
            let permissions = permissions.clone();
            let document = document.clone();
            // The request starts inside the click, so the browser's prompt has user activation.
            wasm_bindgen_futures::spawn_local(async move {
                set_busy(&document, true);
                match permissions.request(Capability::Camera, camera_prompt()).await {
                    Ok(status) => log(&document, &format!("request: {}", describe(status))),
                    Err(e) => log(&document, &format!("request failed: {}", explain(&e))),
                }
                set_busy(&document, false);
            });
        }
    })?;

    let revoke = on_click(&document, "revoke", {
        let permissions = permissions.clone();
        let document = document.clone();
        move || {
            permissions.revoke(Capability::Camera);
            log(&document, "revoke: the camera grant was taken back");
        }
    })?;

    if let Some(button) = button(&document, "ask") {
        button.set_disabled(false);
    }
    if let Some(el) = document.get_element_by_id("ready") {
        el.set_text_content(Some("Ready."));
    }
    document
        .document_element()
        .ok_or("no document element")?
        .set_attribute("data-ready", "true")?;
    APP.with(|app| {
        *app.borrow_mut() = Some(App {
            _subscription: subscription,
            _audit: audit,
            _controls: controls,
            _handlers: vec![ask, revoke],
        });
    });
    Ok(())
}

/// The site's own reason, shown in the pre-prompt. Every field is text, never markup.
fn camera_prompt() -> PromptContent {
    PromptContent {
        title: Some("Use your camera for a video check?".into()),
        reason: Some("We check that your camera works before the call starts. Nothing is recorded.".into()),
        image: Some(PromptImage {
            src: "../../demo/img/camera.svg".into(),
            alt: "A camera viewfinder framing a smiling face".into(),
        }),
        ..PromptContent::default()
    }
}

fn describe(status: Status) -> String {
    let mut text = String::from(status.state.as_str());
    if status.state == State::Granted {
        text.push_str(match status.grant {
            Some(GrantKind::OneTime) => " (this time)",
            Some(GrantKind::Persistent) => " (on every visit)",
            None => "",
        });
    }
    if let Some(reason) = status.reason {
        text.push_str(&format!(" ({reason:?})"));
    }
    text
}

fn explain(e: &Error) -> String {
    match e.reason() {
        Some(reason) => format!("not allowed ({reason}): {}", e.message()),
        None => e.to_string(),
    }
}

fn show_status(document: &Document, status: Status) {
    if let Some(el) = document.get_element_by_id("camera-state") {
        el.set_text_content(Some(&describe(status)));
        let _ = el.set_attribute("data-state", status.state.as_str());
    }
    if let Some(button) = button(document, "revoke") {
        button.set_disabled(status.state != State::Granted);
    }
}

fn log(document: &Document, text: &str) {
    web_sys::console::log_1(&text.into());
    let Some(list) = document.get_element_by_id("log") else { return };
    if let Ok(item) = document.create_element("li") {
        item.set_text_content(Some(text));
        let _ = list.append_child(&item);
    }
}

fn set_busy(document: &Document, busy: bool) {
    if let Some(button) = button(document, "ask") {
        button.set_disabled(busy);
    }
}

fn document() -> Result<Document, JsValue> {
    web_sys::window().and_then(|w| w.document()).ok_or_else(|| "no document".into())
}

fn button(document: &Document, id: &str) -> Option<HtmlButtonElement> {
    document.get_element_by_id(id).and_then(|e| e.dyn_into().ok())
}

fn on_click(document: &Document, id: &str, mut f: impl FnMut() + 'static) -> Result<EventListener, JsValue> {
    let target: Element = document.get_element_by_id(id).ok_or("missing button")?;
    // Removed when dropped: the page keeps it in APP.
    Ok(EventListener::new(&target, "click", move |_| f()))
}
