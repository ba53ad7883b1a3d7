//! The one place of `#[wasm_bindgen]` exports: what the JS layer (`js/index.js`) calls.

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use super::runtime::promise;

use super::options::{descriptor, prompt_content, type_error, Options};
use super::flows::Need;
use super::runtime::{Hooks, Runtime};
use super::ui::{self, UiSource};
use crate::core::{AuditEvent, Capability, Input, Status};

/// The runtime behind one `install()`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Controller {
    rt: Rc<Runtime>,
}

/// The capabilities a `request()` asks for: one descriptor, or a non-empty list of them (each
/// may say `optional: true`); a name given twice is asked once. Returns whether it was a list.
fn needs_of(value: &JsValue) -> Result<(Vec<Need>, bool), JsValue> {
    if !js_sys::Array::is_array(value) {
        return Ok((vec![Need::required(gated(value)?)], false));
    }
    let list: js_sys::Array = value.clone().unchecked_into();
    if list.length() == 0 {
        return Err(type_error("jit-permissions: request() needs at least one descriptor"));
    }
    let mut needs: Vec<Need> = Vec::new();
    for entry in list.iter() {
        let cap = gated(&entry)?;
        let optional = super::options::own(&entry, "optional")
            .map(|v| v.as_bool().ok_or_else(|| type_error("jit-permissions: a descriptor's 'optional' must be a boolean")))
            .transpose()?
            .unwrap_or(false);
        match needs.iter_mut().find(|n| n.cap == cap) {
            Some(n) => n.optional &= optional,
            None => needs.push(Need { cap, optional }),
        }
    }
    if needs.iter().all(|n| n.optional) {
        return Err(type_error("jit-permissions: request() needs at least one descriptor that is not optional"));
    }
    Ok((needs, true))
}

fn gated(value: &JsValue) -> Result<Capability, JsValue> {
    descriptor(value)?.ok_or_else(|| {
        type_error("jit-permissions: the descriptor's name must be one of camera, microphone, geolocation, notifications")
    })
}

#[wasm_bindgen]
impl Controller {
    /// Validates `options` (a `TypeError` names a wrong field) and builds the runtime.
    /// `status(capIndex, state, grant, expiresAt, reason, changed)` and
    /// `audit(type, name, detail, at)` are the JS layer's hooks; `loader.load(tag)` imports the
    /// UI module and a locale on first need (see `ui.rs`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, status: Function, audit: Function, loader: JsValue) -> Result<Controller, JsValue> {
        let options = Options::from_js(&options)?;
        let hooks = Hooks {
            status: Box::new(move |cap, s: Status, changed| {
                let text = |v: Option<&str>| v.map(JsValue::from_str).unwrap_or(JsValue::NULL);
                let time = |t: Option<crate::core::Millis>| t.map(|t| JsValue::from_f64(t as f64)).unwrap_or(JsValue::NULL);
                let args = js_sys::Array::of5(
                    &JsValue::from(cap.index() as u32),
                    &s.state.as_str().into(),
                    &text(s.grant.map(|g| g.as_str())),
                    &time(s.expires_at),
                    &text(s.reason.map(|r| r.as_str())),
                );
                args.push(&JsValue::from_bool(changed));
                args.push(&text(s.last_decision.map(|c| c.as_str())));
                args.push(&time(s.decided_at));
                let _ = status.apply(&JsValue::NULL, &args);
            }),
            audit: Box::new(move |event, at| {
                let (kind, cap, detail) = audit_parts(event);
                let _ = audit.call4(&JsValue::NULL, &kind.into(), &cap.name().into(), &detail, &JsValue::from_f64(at as f64));
            }),
        };
        Ok(Controller { rt: Runtime::new(options, hooks, UiSource::Lazy(loader.unchecked_into()))? })
    }

    /// Loads the record, queries the browser, registers the page and starts listening.
    pub fn start(&self) -> Promise {
        let rt = self.rt.clone();
        promise(async move {
            rt.start().await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// The index of the gated capability a descriptor names, or -1 for a name that passes
    /// through to the browser. Throws `TypeError` for a bad descriptor, as native `query()` does.
    pub fn classify(&self, value: JsValue) -> Result<i32, JsValue> {
        Ok(descriptor(&value)?.map(|c| c.index() as i32).unwrap_or(-1))
    }

    /// The clock check, run before every read of a state.
    pub fn check(&self) {
        self.rt.check();
    }

    /// Re-reads the browser's states now (also done on visibility and focus).
    pub fn refresh(&self) {
        self.rt.recheck();
    }

    /// Whether `patch: true` was asked for.
    #[wasm_bindgen(getter)]
    pub fn patch(&self) -> bool {
        self.rt.options.patch
    }

    /// Whether decisions are kept in memory only (storage blocked or full).
    #[wasm_bindgen(getter, js_name = inMemory)]
    pub fn in_memory(&self) -> bool {
        self.rt.in_memory()
    }

    /// The locale of the built-in strings in use.
    #[wasm_bindgen(getter)]
    pub fn locale(&self) -> String {
        self.rt.ui.locale().into()
    }

    /// The pre-prompt when needed; resolves when the decision and the browser's request are
    /// done, with the index of the capability, or for a list of descriptors (one task that
    /// needs several, shown as one pre-prompt; `optional: true` entries may be declined) the
    /// list of indices.
    pub fn request(&self, descriptor: JsValue, prompt: JsValue) -> Promise {
        let rt = self.rt.clone();
        promise(async move {
            let (needs, list) = needs_of(&descriptor)?;
            let (content, reconsider) = prompt_content(&prompt, "prompt")?;
            rt.request(needs.clone(), content, reconsider).await?;
            let indices: Vec<JsValue> = needs.iter().map(|n| JsValue::from(n.cap.index() as u32)).collect();
            Ok(if list { indices.into_iter().collect::<js_sys::Array>().into() } else { indices.into_iter().next().unwrap_or(JsValue::NULL) })
        })
    }

    /// Gated `getUserMedia`.
    #[wasm_bindgen(js_name = getUserMedia)]
    pub fn get_user_media(&self, constraints: JsValue, prompt: JsValue) -> Promise {
        let rt = self.rt.clone();
        promise(async move {
            let (content, reconsider) = prompt_content(&prompt, "prompt")?;
            Ok(rt.get_user_media(constraints, content, reconsider).await?.into())
        })
    }

    /// Gated `getCurrentPosition`, as a promise.
    #[wasm_bindgen(js_name = getCurrentPosition)]
    pub fn get_current_position(&self, options: JsValue, prompt: JsValue) -> Promise {
        let rt = self.rt.clone();
        promise(async move {
            let (content, reconsider) = prompt_content(&prompt, "prompt")?;
            rt.get_current_position(options, content, reconsider).await
        })
    }

    /// Gated `watchPosition`; resolves with the watch id.
    #[wasm_bindgen(js_name = watchPosition)]
    pub fn watch_position(&self, success: JsValue, error: JsValue, options: JsValue, prompt: JsValue) -> Promise {
        let rt = self.rt.clone();
        promise(async move {
            let success: Function = success
                .dyn_into()
                .map_err(|_| type_error("jit-permissions: watchPosition needs a success callback function"))?;
            let (content, reconsider) = prompt_content(&prompt, "prompt")?;
            Ok(rt.watch_position(success, error, options, content, reconsider).await?.into())
        })
    }

    /// Clears a watch handed out by `watchPosition`.
    #[wasm_bindgen(js_name = clearWatch)]
    pub fn clear_watch(&self, id: i32) {
        self.rt.clear_watch_id(id);
    }

    /// Gated `Notification.requestPermission`.
    #[wasm_bindgen(js_name = requestNotifications)]
    pub fn request_notifications(&self, prompt: JsValue) -> Promise {
        let rt = self.rt.clone();
        promise(async move {
            let (content, reconsider) = prompt_content(&prompt, "prompt")?;
            rt.request_notifications(content, reconsider).await
        })
    }

    /// Takes the grant back: reported `prompt` from now on; tracks and watches are stopped.
    pub fn revoke(&self, descriptor: JsValue) -> Result<u32, JsValue> {
        let cap = gated(&descriptor)?;
        self.rt.input(Input::Revoke(cap));
        Ok(cap.index() as u32)
    }

    /// Forgets the site-level record of a capability (decision, dismissals, embargo).
    pub fn reset(&self, descriptor: JsValue) -> Result<u32, JsValue> {
        let cap = gated(&descriptor)?;
        self.rt.input(Input::Reset(cap));
        Ok(cap.index() as u32)
    }

    /// Opens the how-to-unblock help for a capability; resolves when it closes.
    pub fn help(&self, descriptor: JsValue) -> Promise {
        let rt = self.rt.clone();
        promise(async move {
            let cap = gated(&descriptor)?;
            rt.help(cap).await;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Mounts the controls panel into `element` (once the UI has loaded: see [`Controls::ready`]).
    pub fn controls(&self, element: web_sys::Element) -> Controls {
        Controls { panel: Some(ui::Controls::mount(&self.rt, &element)) }
    }
}

/// An audit event as the JS layer names it: its type, capability and detail (the choice, the
/// cause, or the end of an embargo).
pub fn audit_parts(event: AuditEvent) -> (&'static str, Capability, JsValue) {
    match event {
        AuditEvent::PromptShown(c) => ("prompt-shown", c, JsValue::NULL),
        AuditEvent::Decision(c, choice) => ("decision", c, choice.as_str().into()),
        AuditEvent::Expired(c, cause) => ("expiry", c, cause.as_str().into()),
        AuditEvent::Revoked(c, cause) => ("revocation", c, cause.as_str().into()),
        AuditEvent::Reset(c) => ("reset", c, JsValue::NULL),
        AuditEvent::EmbargoStarted(c, until) => ("embargo", c, JsValue::from_f64(until as f64)),
    }
}

/// The controls panel, mounted; `destroy()` removes it.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Controls {
    panel: Option<ui::Controls>,
}

#[wasm_bindgen]
impl Controls {
    /// Resolves once the panel is in the page.
    #[wasm_bindgen(getter)]
    pub fn ready(&self) -> Promise {
        match &self.panel {
            Some(p) => p.ready(),
            None => Promise::resolve(&JsValue::UNDEFINED),
        }
    }

    /// Removes the panel and its listeners. Idempotent.
    pub fn destroy(&mut self) {
        self.panel = None;
    }
}
