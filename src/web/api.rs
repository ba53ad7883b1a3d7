//! The one place of `#[wasm_bindgen]` exports: what the JS layer (`js/index.js`) calls.

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use super::runtime::promise;

use super::options::{descriptor, prompt_content, type_error, Options};
use super::runtime::{Hooks, Runtime};
use super::ui::{self, UiSource};
use crate::core::{Capability, Input};

/// The runtime behind one `install()`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Controller {
    rt: Rc<Runtime>,
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
        Ok(Controller { rt: Runtime::new(options, Hooks { status, audit }, UiSource::Lazy(loader.unchecked_into()))? })
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

    /// The pre-prompt when needed; resolves when the decision and the browser's request are done.
    pub fn request(&self, descriptor: JsValue, prompt: JsValue) -> Promise {
        let rt = self.rt.clone();
        promise(async move {
            let cap = gated(&descriptor)?;
            let (content, reconsider) = prompt_content(&prompt, "prompt")?;
            rt.request(cap, content, reconsider).await?;
            Ok(JsValue::from(cap.index() as u32))
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
            rt.recovery(cap).await;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Mounts the controls panel into `element` (once the UI has loaded: see [`Controls::ready`]).
    pub fn controls(&self, element: web_sys::Element) -> Controls {
        Controls { panel: Some(ui::Controls::mount(&self.rt, &element)) }
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
