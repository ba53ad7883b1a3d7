//! The gated calls: consult the engine, ask through the pre-prompt when needed (one decision at
//! a time; requests for one capability share one dialog and one answer), then make the native
//! call and learn from its result.

use std::rc::Rc;

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::runtime::promise;
use web_sys::{DomException, MediaStream, MediaStreamTrack};

use super::runtime::Runtime;
use super::ui::PromptContent;
use crate::core::{AccessOutcome, Capability, DenyReason, Input, State, Status};

/// What the decision step concluded.
enum Verdict {
    /// Go ahead with the native call.
    Proceed,
    /// Refused, with why.
    Refused(Refusal),
}

#[derive(Clone, Copy)]
enum Refusal {
    Dismissed,
    DontAllow,
    Embargo,
    Browser,
}

/// A `DOMException` named `NotAllowedError` saying which refusal it was.
fn not_allowed(cap: Capability, why: Refusal) -> JsValue {
    let mut m = String::from("jit-permissions: ");
    m.push_str(cap.name());
    m.push_str(match why {
        Refusal::Dismissed => " was not allowed: the pre-prompt was dismissed",
        Refusal::DontAllow => " was not allowed: the person chose Don't allow",
        Refusal::Embargo => " is paused after repeated dismissals (embargo)",
        Refusal::Browser => " is blocked in the browser's settings",
    });
    DomException::new_with_message_and_name(&m, "NotAllowedError")
        .map(JsValue::from)
        .unwrap_or_else(|_| JsValue::from_str(&m))
}

fn error_name(e: &JsValue) -> Option<String> {
    Reflect::get(e, &"name".into()).ok().and_then(|n| n.as_string())
}

impl Runtime {
    /// The decision step for `cap`: nothing to ask when granted; the recovery help when the
    /// browser denies; the pre-prompt when the state is prompt (or a site-level block the caller
    /// asks to reconsider).
    async fn decide(self: &Rc<Self>, cap: Capability, content: PromptContent, reconsider: bool) -> Result<Verdict, JsValue> {
        // The UI starts loading now, so that a dialog this call may need opens promptly.
        self.ui.preload();
        self.check();
        let mut status = self.status(cap);
        if (status.state, status.reason) == (State::Denied, Some(DenyReason::Browser)) {
            self.clone().recovery(cap).await;
            // The help closes by itself once the person unblocks the capability: then the request
            // goes on as for the new state (granted proceeds, prompt asks through the pre-prompt).
            status = self.status(cap);
        }
        match (status.state, status.reason) {
            (State::Granted, _) => return Ok(Verdict::Proceed),
            (State::Denied, Some(DenyReason::Browser)) => return Ok(Verdict::Refused(Refusal::Browser)),
            (State::Denied, Some(DenyReason::Embargo)) => return Ok(Verdict::Refused(Refusal::Embargo)),
            (State::Denied, _) if !reconsider => return Ok(Verdict::Refused(Refusal::DontAllow)),
            _ => {}
        }
        let choice = self.shared_pre_prompt(cap, content).await?;
        Ok(match choice.as_deref() {
            Some("allow-once") | Some("allow-always") | Some("granted") => Verdict::Proceed,
            Some("dont-allow") => Verdict::Refused(Refusal::DontAllow),
            _ => Verdict::Refused(Refusal::Dismissed),
        })
    }

    /// One dialog per capability at a time, shared by every caller; dialogs of different
    /// capabilities queue behind each other.
    async fn shared_pre_prompt(self: &Rc<Self>, cap: Capability, content: PromptContent) -> Result<Option<String>, JsValue> {
        let existing = self.pending.borrow()[cap.index()].clone();
        let promise = match existing {
            Some(p) => p,
            None => {
                let previous = self.queue.borrow().clone();
                let rt = self.clone();
                let p = promise(async move {
                    if let Some(prev) = previous {
                        let _ = JsFuture::from(prev).await;
                    }
                    let result = rt.run_pre_prompt(cap, content).await;
                    rt.pending.borrow_mut()[cap.index()] = None;
                    // Never rejects, so one failed dialog cannot stall the queue; a dialog that
                    // could not be shown records no decision and refuses as a dismissal would.
                    Ok(result.unwrap_or(JsValue::NULL))
                });
                *self.queue.borrow_mut() = Some(p.clone());
                self.pending.borrow_mut()[cap.index()] = Some(p.clone());
                p
            }
        };
        Ok(JsFuture::from(promise).await?.as_string())
    }

    async fn run_pre_prompt(self: &Rc<Self>, cap: Capability, content: PromptContent) -> Result<JsValue, JsValue> {
        // Another dialog may have settled it while this one waited in the queue.
        if self.status(cap).state == State::Granted {
            return Ok("granted".into());
        }
        let content = self.content_for(cap, content);
        // Only a pre-prompt that can be shown is audited as shown (the UI may fail to load, offline).
        self.ui.ready().await?;
        self.input(Input::PromptShown(cap));
        let choice = self.ui.pre_prompt(&[cap], &content).await?;
        self.input(Input::Decision(cap, choice));
        Ok(choice.as_str().into())
    }

    /// The caller's content, completed from the per-capability options.
    fn content_for(&self, cap: Capability, mut content: PromptContent) -> PromptContent {
        let defaults = &self.options.prompts[cap.index()];
        if content.title.is_none() {
            content.title = defaults.title.clone();
        }
        if content.reason.is_none() {
            content.reason = defaults.reason.clone();
        }
        if content.image.is_none() {
            content.image = defaults.image.clone();
        }
        content
    }

    /// The recovery help for a capability the browser denies. Re-checks the browser's state
    /// while it is open (on visibility and focus, and every second), and closes itself when the
    /// person has unblocked it.
    pub async fn recovery(self: Rc<Self>, cap: Capability) {
        let Ok(help) = self.ui.recovery(cap).await else { return };
        let weak = Rc::downgrade(&self);
        let closer = help.clone();
        let poll = gloo_timers::callback::Interval::new(1000, move || {
            if let Some(rt) = weak.upgrade() {
                rt.recheck();
                if rt.status(cap).reason != Some(DenyReason::Browser) {
                    closer.close();
                }
            }
        });
        let _ = JsFuture::from(help.closed()).await;
        drop(poll);
    }

    /// `request(descriptor, prompt)`: the decision, then the native request from the same click.
    pub async fn request(self: Rc<Self>, cap: Capability, content: PromptContent, reconsider: bool) -> Result<Status, JsValue> {
        if let Verdict::Proceed = self.decide(cap, content, reconsider).await? {
            // A fresh "Allow" is reported granted once the browser's own request succeeds.
            if self.status(cap).state != State::Granted {
                self.native_request(cap).await;
            }
        }
        Ok(self.status(cap))
    }

    /// The capability's own request, made to obtain the browser's grant; its result is evidence.
    async fn native_request(self: &Rc<Self>, cap: Capability) {
        let outcome = match cap {
            Capability::Camera | Capability::Microphone => {
                let constraints = web_sys::MediaStreamConstraints::new();
                if cap == Capability::Camera {
                    constraints.set_video(&JsValue::TRUE);
                } else {
                    constraints.set_audio(&JsValue::TRUE);
                }
                match native_media(&constraints).await {
                    Ok(stream) => {
                        stream.get_tracks().for_each(&mut |t, _, _| t.unchecked_into::<MediaStreamTrack>().stop());
                        Some(AccessOutcome::Granted)
                    }
                    Err(e) => media_outcome(&e),
                }
            }
            Capability::Geolocation => match self.native_position(&probe_position_options()).await {
                Ok(_) => Some(AccessOutcome::Granted),
                Err(e) => position_outcome(&e),
            },
            Capability::Notifications => notification_outcome(native_notification_request().await.ok()),
        };
        self.learn(&[cap], outcome);
    }

    fn learn(self: &Rc<Self>, caps: &[Capability], outcome: Option<AccessOutcome>) {
        if let Some(outcome) = outcome {
            for cap in caps {
                self.input(Input::Access(*cap, outcome));
            }
            if outcome == AccessOutcome::Denied {
                // A dismissed native prompt also rejects: let the browser's own state correct it.
                self.recheck();
            }
        }
    }

    /// `getUserMedia(constraints, prompt)`: gated per capability asked for.
    pub async fn get_user_media(self: Rc<Self>, constraints: JsValue, content: PromptContent, reconsider: bool) -> Result<MediaStream, JsValue> {
        let caps = media_caps(&constraints);
        for cap in &caps {
            if let Verdict::Refused(why) = self.decide(*cap, content.clone(), reconsider).await? {
                return Err(not_allowed(*cap, why));
            }
        }
        // An expired grant is never used: the clock is checked again right before the call.
        self.check();
        match native_media(constraints.unchecked_ref()).await {
            Ok(stream) => {
                self.learn(&caps, Some(AccessOutcome::Granted));
                for track in stream.get_tracks().iter() {
                    let track: MediaStreamTrack = track.unchecked_into();
                    let cap = if track.kind() == "audio" { Capability::Microphone } else { Capability::Camera };
                    self.track_started(cap, track);
                }
                Ok(stream)
            }
            Err(e) => {
                self.learn(&caps, media_outcome(&e));
                Err(e)
            }
        }
    }

    /// `getCurrentPosition(options, prompt)`, as a promise of the position.
    pub async fn get_current_position(self: Rc<Self>, options: JsValue, content: PromptContent, reconsider: bool) -> Result<JsValue, JsValue> {
        let cap = Capability::Geolocation;
        if let Verdict::Refused(why) = self.decide(cap, content, reconsider).await? {
            return Err(not_allowed(cap, why));
        }
        self.check();
        match self.native_position(&options).await {
            Ok(p) => {
                self.learn(&[cap], Some(AccessOutcome::Granted));
                Ok(p)
            }
            Err(e) => {
                self.learn(&[cap], position_outcome(&e));
                Err(e)
            }
        }
    }

    async fn native_position(self: &Rc<Self>, options: &JsValue) -> Result<JsValue, JsValue> {
        let geolocation = web_sys::window()
            .ok_or(JsValue::NULL)?
            .navigator()
            .geolocation()?;
        let options = options.clone();
        let get: js_sys::Function = Reflect::get(&geolocation, &"getCurrentPosition".into())?.dyn_into()?;
        let promise = Promise::new(&mut |resolve, reject| {
            let _ = get.call3(&geolocation, &resolve, &reject, &options);
        });
        JsFuture::from(promise).await
    }

    /// `watchPosition(success, error, options, prompt)`: resolves with the watch id. Positions
    /// are not delivered while the page is hidden; the watch is cleared when the grant ends.
    pub async fn watch_position(self: Rc<Self>, success: js_sys::Function, error: JsValue, options: JsValue, content: PromptContent, reconsider: bool) -> Result<i32, JsValue> {
        let cap = Capability::Geolocation;
        if let Verdict::Refused(why) = self.decide(cap, content, reconsider).await? {
            return Err(not_allowed(cap, why));
        }
        self.check();
        let geolocation = web_sys::window().ok_or(JsValue::NULL)?.navigator().geolocation()?;
        let weak = Rc::downgrade(&self);
        let on_position: Closure<dyn FnMut(JsValue)> = Closure::new(move |position: JsValue| {
            let Some(rt) = weak.upgrade() else { return };
            let hidden = web_sys::window()
                .and_then(|w| w.document())
                .map(|d| d.visibility_state() == web_sys::VisibilityState::Hidden)
                .unwrap_or(false);
            rt.check();
            if !hidden && rt.status(cap).state == State::Granted {
                let _ = success.call1(&JsValue::NULL, &position);
            }
        });
        let weak = Rc::downgrade(&self);
        let on_error: Closure<dyn FnMut(JsValue)> = Closure::new(move |e: JsValue| {
            if let Some(rt) = weak.upgrade() {
                rt.learn(&[cap], position_outcome(&e));
            }
            if let Some(f) = error.dyn_ref::<js_sys::Function>() {
                let _ = f.call1(&JsValue::NULL, &e);
            }
        });
        let options: web_sys::PositionOptions = if options.is_object() { options.unchecked_into() } else { web_sys::PositionOptions::new() };
        let id = geolocation.watch_position_with_error_callback_and_options(
            on_position.as_ref().unchecked_ref(),
            Some(on_error.as_ref().unchecked_ref()),
            &options,
        )?;
        self.watch_started(id, vec![on_position, on_error]);
        Ok(id)
    }

    /// `requestNotifications(prompt)`: resolves with the browser's answer.
    pub async fn request_notifications(self: Rc<Self>, content: PromptContent, reconsider: bool) -> Result<JsValue, JsValue> {
        let cap = Capability::Notifications;
        if let Verdict::Refused(why) = self.decide(cap, content, reconsider).await? {
            return Err(not_allowed(cap, why));
        }
        let answer = native_notification_request().await?;
        self.learn(&[cap], notification_outcome(Some(answer.clone())));
        Ok(answer)
    }
}

/// The capabilities a `getUserMedia` constraints object asks for.
fn media_caps(constraints: &JsValue) -> Vec<Capability> {
    let wants = |key: &str| {
        Reflect::get(constraints, &key.into())
            .map(|v| !(v.is_undefined() || v.is_null() || v == JsValue::FALSE))
            .unwrap_or(false)
    };
    let mut caps = Vec::new();
    if constraints.is_object() && wants("video") {
        caps.push(Capability::Camera);
    }
    if constraints.is_object() && wants("audio") {
        caps.push(Capability::Microphone);
    }
    caps
}

async fn native_media(constraints: &web_sys::MediaStreamConstraints) -> Result<MediaStream, JsValue> {
    let devices = web_sys::window().ok_or(JsValue::NULL)?.navigator().media_devices()?;
    let stream = JsFuture::from(devices.get_user_media_with_constraints(constraints)?).await?;
    Ok(stream.unchecked_into())
}

fn media_outcome(e: &JsValue) -> Option<AccessOutcome> {
    match error_name(e).as_deref() {
        Some("NotAllowedError") | Some("PermissionDeniedError") | Some("SecurityError") => Some(AccessOutcome::Denied),
        _ => None,
    }
}

fn position_outcome(e: &JsValue) -> Option<AccessOutcome> {
    let code = Reflect::get(e, &"code".into()).ok().and_then(|c| c.as_f64());
    (code == Some(1.0)).then_some(AccessOutcome::Denied)
}

fn notification_outcome(answer: Option<JsValue>) -> Option<AccessOutcome> {
    match answer.and_then(|a| a.as_string()).as_deref() {
        Some("granted") => Some(AccessOutcome::Granted),
        Some("denied") => Some(AccessOutcome::Denied),
        _ => None,
    }
}

async fn native_notification_request() -> Result<JsValue, JsValue> {
    let has = web_sys::window()
        .map(|w| Reflect::has(&w, &"Notification".into()).unwrap_or(false))
        .unwrap_or(false);
    if !has {
        return Err(DomException::new_with_message_and_name("jit-permissions: this browser has no notifications", "NotSupportedError")?.into());
    }
    JsFuture::from(web_sys::Notification::request_permission()?).await
}

/// Options for the geolocation request made only to obtain the browser's grant: any cached
/// position will do, and a device that cannot find one must not hang the request.
fn probe_position_options() -> JsValue {
    let options = web_sys::PositionOptions::new();
    options.set_maximum_age(u32::MAX);
    options.set_timeout(10_000);
    options.into()
}
