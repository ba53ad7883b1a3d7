//! The gated calls: consult the engine, ask through the pre-prompt when needed, then make the
//! native call and learn from its result.
//!
//! - **One decision at a time.** Every dialog (pre-prompt or recovery help) goes through one
//!   queue; callers asking for the same capabilities share one dialog and one answer. When a
//!   dialog's turn comes, every state is checked again: a decision, an embargo or a block made
//!   meanwhile (in this page or another) is honoured without a dialog.
//! - **One ask per task.** A call that needs several capabilities (a video call) shows one
//!   pre-prompt for all of those that need asking; its one answer applies to each.
//! - **Re-checked after the answer and after the native call**: a capability whose grant ended
//!   meanwhile is asked for again, never handed out.
//! - **One error contract.** Every refusal rejects with a `NotAllowedError` `DOMException`
//!   whose `reason` says who refused: `dismissed`, `user`, `embargo`, `browser`, `system`,
//!   `policy`.

use std::rc::Rc;

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DomException, MediaStream, MediaStreamTrack};

use super::runtime::{promise, Runtime};
use super::ui::PromptContent;
use crate::core::{AccessOutcome, Capability, Choice, DenyReason, Input, State, Status};

/// Who refused a gated call: the `reason` of its `NotAllowedError`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The pre-prompt (or the browser's own prompt) was closed without a choice.
    Dismissed,
    /// The site-level "Don't allow".
    User,
    /// Paused after repeated dismissals.
    Embargo,
    /// The browser's site setting.
    Browser,
    /// The operating system's privacy setting.
    System,
    /// The frame's Permissions Policy.
    Policy,
}

impl Refusal {
    /// The machine-readable reason.
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::Dismissed => "dismissed",
            Refusal::User => "user",
            Refusal::Embargo => "embargo",
            Refusal::Browser => "browser",
            Refusal::System => "system",
            Refusal::Policy => "policy",
        }
    }

    fn of(reason: Option<DenyReason>) -> Refusal {
        match reason {
            Some(DenyReason::User) => Refusal::User,
            Some(DenyReason::Embargo) => Refusal::Embargo,
            Some(DenyReason::System) => Refusal::System,
            Some(DenyReason::Policy) => Refusal::Policy,
            Some(DenyReason::Browser) => Refusal::Browser,
            None => Refusal::Dismissed,
        }
    }
}

/// A `DOMException` named `NotAllowedError` with a `reason` property, for a refusal of `cap`.
pub fn not_allowed(cap: Capability, why: Refusal, detail: Option<&str>) -> JsValue {
    not_allowed_of(&[cap], why, detail)
}

/// The same for a call that asked for several capabilities and does not say which was refused.
fn not_allowed_of(caps: &[Capability], why: Refusal, detail: Option<&str>) -> JsValue {
    let mut m = String::from("jit-permissions: ");
    for (i, cap) in caps.iter().enumerate() {
        if i > 0 {
            m.push_str(" or ");
        }
        m.push_str(cap.name());
    }
    m.push_str(match why {
        Refusal::Dismissed => " was not allowed: the prompt was dismissed",
        Refusal::User => " was not allowed: the person chose Don't allow",
        Refusal::Embargo => " is paused after repeated dismissals (embargo)",
        Refusal::Browser => " is blocked in the browser's settings",
        Refusal::System => " is blocked by the operating system's privacy settings",
        Refusal::Policy => " is not allowed in this frame by its Permissions Policy",
    });
    if let Some(detail) = detail.filter(|d| !d.is_empty()) {
        m.push_str(" (");
        m.push_str(detail);
        m.push(')');
    }
    let error: JsValue = DomException::new_with_message_and_name(&m, "NotAllowedError")
        .map(JsValue::from)
        .unwrap_or_else(|_| js_sys::Error::new(&m).into());
    let _ = Reflect::set(&error, &"reason".into(), &why.reason().into());
    error
}

fn text_of(e: &JsValue, key: &str) -> String {
    if !e.is_object() {
        return String::new();
    }
    Reflect::get(e, &key.into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

/// One capability a task needs; an optional one can be declined while the rest is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Need {
    /// The capability.
    pub cap: Capability,
    /// Whether the task can go on without it.
    pub optional: bool,
}

impl Need {
    /// A capability the task cannot do without.
    pub fn required(cap: Capability) -> Need {
        Need { cap, optional: false }
    }
}

/// What the decision step concluded.
#[derive(Debug)]
enum Decision {
    /// Go to the browser with these capabilities (the others were declined).
    Proceed(Vec<Capability>),
    /// A required capability was refused.
    Refused(Capability, Refusal),
}

/// The answer of a pre-prompt shown for `asked`.
#[derive(Clone, Debug)]
struct Answer {
    choice: Choice,
    /// Optional capabilities the person left out.
    declined: Vec<Capability>,
}

fn mask(caps: &[Capability]) -> u8 {
    caps.iter().fold(0, |m, c| m | 1 << c.index())
}

fn caps_of(mask: u8) -> Vec<Capability> {
    Capability::ALL.into_iter().filter(|c| mask & (1 << c.index()) != 0).collect()
}

/// How many times a call re-checks and asks again before it gives up.
const ROUNDS: usize = 3;

impl Runtime {
    /// Classifies what `needs` require now: granted (or a standing library grant the browser
    /// is yet to honour: no need to ask), to ask, declined, blocked by the browser or the
    /// operating system (recovery can help), or refused.
    fn assess(self: &Rc<Self>, needs: &[Need], reconsider: bool) -> Result<(Vec<Capability>, Vec<Need>, Option<(Capability, DenyReason)>), (Capability, Refusal)> {
        self.check();
        let (mut ready, mut ask, mut blocked) = (Vec::new(), Vec::new(), None);
        for need in needs {
            let cap = need.cap;
            let status = self.status(cap);
            let refuse = |why| if need.optional { Ok(()) } else { Err((cap, why)) };
            match (status.state, status.reason) {
                (State::Granted, _) => ready.push(cap),
                (State::Denied, Some(r @ (DenyReason::Browser | DenyReason::System))) => {
                    if !need.optional {
                        blocked = blocked.or(Some((cap, r)));
                    }
                }
                (State::Denied, Some(DenyReason::User)) if reconsider => ask.push(*need),
                (State::Denied, reason) => refuse(Refusal::of(reason))?,
                (State::Prompt, _) if self.standing_grant(cap).is_some() => ready.push(cap),
                (State::Prompt, _) => ask.push(*need),
            }
        }
        Ok((ready, ask, blocked))
    }

    /// The decision for a task that needs `needs`: nothing to ask when granted; the recovery
    /// help when the browser or the system blocks a required capability; one pre-prompt for
    /// all that need asking. Re-checked after every answer.
    async fn decide(self: &Rc<Self>, needs: &[Need], content: &PromptContent, reconsider: bool) -> Result<Decision, JsValue> {
        // The UI starts loading now, so that a dialog this call may need opens promptly.
        self.ui.preload();
        let mut needs: Vec<Need> = needs.to_vec();
        for round in 1..=ROUNDS + 1 {
            let (ready, ask, blocked) = match self.assess(&needs, reconsider) {
                Ok(x) => x,
                Err((cap, why)) => return Ok(Decision::Refused(cap, why)),
            };
            if let Some((cap, reason)) = blocked {
                if round > ROUNDS {
                    return Ok(Decision::Refused(cap, Refusal::of(Some(reason))));
                }
                // The help closes by itself once the person unblocks it; the request then goes
                // on as for the new state.
                self.recovery(cap).await;
                let now = self.status(cap);
                if now.state == State::Denied && now.reason == Some(reason) {
                    return Ok(Decision::Refused(cap, Refusal::of(Some(reason))));
                }
                continue;
            }
            if ask.is_empty() {
                return Ok(Decision::Proceed(ready));
            }
            if round > ROUNDS {
                return Ok(Decision::Refused(ask[0].cap, Refusal::Dismissed));
            }
            let Some(answer) = self.pre_prompt(&ask, content, reconsider).await? else {
                // Settled meanwhile (another dialog, another page): check again.
                continue;
            };
            match answer.choice {
                Choice::AllowOnce | Choice::AllowAlways => {
                    needs.retain(|n| !answer.declined.contains(&n.cap));
                }
                Choice::DontAllow => {
                    let cap = ask.iter().find(|n| !n.optional).unwrap_or(&ask[0]).cap;
                    if ask.iter().all(|n| n.optional) {
                        needs.retain(|n| !ask.contains(n));
                        continue;
                    }
                    return Ok(Decision::Refused(cap, Refusal::User));
                }
                Choice::Dismiss => {
                    let cap = ask.iter().find(|n| !n.optional).unwrap_or(&ask[0]).cap;
                    if ask.iter().all(|n| n.optional) {
                        needs.retain(|n| !ask.contains(n));
                        continue;
                    }
                    return Ok(Decision::Refused(cap, Refusal::Dismissed));
                }
            }
        }
        Ok(Decision::Refused(needs.first().map_or(Capability::Camera, |n| n.cap), Refusal::Dismissed))
    }

    /// Runs `job` when every dialog queued before it has closed. Jobs never reject, so one
    /// failed dialog cannot stall the queue.
    fn enqueue(self: &Rc<Self>, job: impl std::future::Future<Output = JsValue> + 'static) -> Promise {
        let previous = self.queue.borrow().clone();
        let p = promise(async move {
            if let Some(prev) = previous {
                let _ = JsFuture::from(prev).await;
            }
            Ok(job.await)
        });
        *self.queue.borrow_mut() = Some(p.clone());
        p
    }

    /// The pre-prompt for `ask`, queued and shared with every caller asking for the same
    /// capabilities. `None` when, at its turn, nothing needed asking any more.
    async fn pre_prompt(self: &Rc<Self>, ask: &[Need], content: &PromptContent, reconsider: bool) -> Result<Option<Answer>, JsValue> {
        let caps: Vec<Capability> = ask.iter().map(|n| n.cap).collect();
        let key = mask(&caps);
        let existing = self.pending.borrow().iter().find(|(m, _)| *m == key).map(|(_, p)| p.clone());
        let shared = match existing {
            Some(p) => p,
            None => {
                let rt = self.clone();
                let (ask, content) = (ask.to_vec(), content.clone());
                let p = self.enqueue(async move {
                    let result = rt.run_pre_prompt(&ask, content, reconsider).await;
                    rt.pending.borrow_mut().retain(|(m, _)| *m != key);
                    // A dialog that could not be shown records no decision and refuses as a
                    // dismissal would.
                    result.unwrap_or_else(|_| JsValue::from_str("dismiss"))
                });
                self.pending.borrow_mut().push((key, p.clone()));
                p
            }
        };
        let value = JsFuture::from(shared).await?;
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        // The job answers with the choice, or with `{ choice, declined }` (a bit mask of the
        // optional capabilities left out).
        let choice_text = value.as_string().or_else(|| Reflect::get(&value, &"choice".into()).ok()?.as_string());
        let choice = match choice_text.as_deref() {
            Some("allow-once") => Choice::AllowOnce,
            Some("allow-always") => Choice::AllowAlways,
            Some("dont-allow") => Choice::DontAllow,
            _ => Choice::Dismiss,
        };
        let declined = if value.is_object() {
            Reflect::get(&value, &"declined".into()).ok().and_then(|v| v.as_f64()).map(|m| caps_of(m as u8)).unwrap_or_default()
        } else {
            Vec::new()
        };
        Ok(Some(Answer { choice, declined }))
    }

    /// The dialog itself, at its turn: asks only for what still needs asking, and records the
    /// person's answer for each capability asked.
    async fn run_pre_prompt(self: &Rc<Self>, ask: &[Need], content: PromptContent, reconsider: bool) -> Result<JsValue, JsValue> {
        let still: Vec<Need> = match self.assess(ask, reconsider) {
            Ok((_, still, None)) => still,
            // Refused or blocked meanwhile: the caller's next check says so.
            _ => return Ok(JsValue::NULL),
        };
        if still.is_empty() {
            return Ok(JsValue::NULL);
        }
        let caps: Vec<Capability> = still.iter().map(|n| n.cap).collect();
        let content = self.content_for(caps[0], content);
        // Only a pre-prompt that can be shown is audited as shown (the UI may fail to load, offline).
        self.ui.ready().await?;
        self.inputs(caps.iter().map(|c| Input::PromptShown(*c)).collect());
        let choice = self.ui.pre_prompt(&caps, &content).await?;
        self.inputs(caps.iter().map(|c| Input::Decision(*c, choice)).collect());
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

    /// The recovery help for `cap`, queued behind any open dialog. At its turn it shows only
    /// if the capability is still blocked; while open it re-checks the browser's state (on
    /// visibility and focus, and every second) and closes itself once the person unblocked it.
    pub async fn recovery(self: &Rc<Self>, cap: Capability) {
        let rt = self.clone();
        let job = self.enqueue(async move {
            rt.show_recovery(cap, true).await;
            JsValue::UNDEFINED
        });
        let _ = JsFuture::from(job).await;
    }

    /// `help(descriptor)`: the recovery help for `cap`, through the same queue, whatever its
    /// state.
    pub async fn help(self: &Rc<Self>, cap: Capability) {
        let rt = self.clone();
        let job = self.enqueue(async move {
            rt.show_recovery(cap, false).await;
            JsValue::UNDEFINED
        });
        let _ = JsFuture::from(job).await;
    }

    async fn show_recovery(self: &Rc<Self>, cap: Capability, only_if_blocked: bool) {
        let blocked = |s: Status| s.state == State::Denied && matches!(s.reason, Some(DenyReason::Browser | DenyReason::System));
        if only_if_blocked && !blocked(self.status(cap)) {
            return;
        }
        let Ok(help) = self.ui.recovery(cap).await else { return };
        let weak = Rc::downgrade(self);
        let closer = help.clone();
        let poll = gloo_timers::callback::Interval::new(1000, move || {
            if let Some(rt) = weak.upgrade() {
                rt.recheck();
                if !blocked(rt.status(cap)) {
                    closer.close();
                }
            }
        });
        let _ = JsFuture::from(help.closed()).await;
        drop(poll);
    }

    /// `request(descriptors, prompt)`: the decision for every capability, then the browser's
    /// request from the same click (camera and microphone in one `getUserMedia`).
    pub async fn request(self: Rc<Self>, needs: Vec<Need>, content: PromptContent, reconsider: bool) -> Result<(), JsValue> {
        let allowed = match self.decide(&needs, &content, reconsider).await? {
            Decision::Proceed(caps) => caps,
            // request() never rejects for a refusal: the status says it.
            Decision::Refused(..) => return Ok(()),
        };
        // A fresh "Allow" is reported granted once the browser's own request succeeds.
        let pending: Vec<Capability> = allowed.into_iter().filter(|c| self.status(*c).state != State::Granted).collect();
        let media: Vec<Capability> = pending.iter().copied().filter(|c| matches!(c, Capability::Camera | Capability::Microphone)).collect();
        let media_call = (!media.is_empty()).then(|| {
            let constraints = web_sys::MediaStreamConstraints::new();
            constraints.set_video(&JsValue::from_bool(media.contains(&Capability::Camera)));
            constraints.set_audio(&JsValue::from_bool(media.contains(&Capability::Microphone)));
            native_media(constraints.into())
        });
        let geolocation = pending.contains(&Capability::Geolocation).then(|| native_position(probe_position_options()));
        let notifications = pending.contains(&Capability::Notifications).then(native_notification_request);
        if let Some(call) = media_call {
            match call.await {
                Ok(stream) => {
                    let got = stream_caps(&stream);
                    stream.get_tracks().for_each(&mut |t, _, _| t.unchecked_into::<MediaStreamTrack>().stop());
                    self.learn(&got, Some(AccessOutcome::Granted));
                }
                Err(e) => self.learn(&media, media_outcome(&e, media.len())),
            }
        }
        if let Some(call) = geolocation {
            let outcome = match call.await {
                Ok(_) => Some(AccessOutcome::Granted),
                Err(e) => position_outcome(&e),
            };
            self.learn(&[Capability::Geolocation], outcome);
        }
        if let Some(call) = notifications {
            self.learn(&[Capability::Notifications], notification_outcome(call.await.ok().as_ref()));
        }
        Ok(())
    }

    /// Feeds the result of a capability's own call: only what it proves.
    fn learn(self: &Rc<Self>, caps: &[Capability], outcome: Option<AccessOutcome>) {
        match outcome {
            Some(outcome) => self.inputs(caps.iter().map(|c| Input::Access(*c, outcome)).collect()),
            // A failure that does not say which capability: the browser's own state tells.
            None => self.recheck(),
        }
        if outcome == Some(AccessOutcome::Denied) {
            // A dismissed native prompt also rejects: let the browser's own state correct it.
            self.recheck();
        }
    }

    /// `getUserMedia(constraints, prompt)`: one decision for the capabilities the browser will
    /// ask for, one native call, and the tracks handed out only while each is still granted.
    pub async fn get_user_media(self: Rc<Self>, constraints: JsValue, content: PromptContent, reconsider: bool) -> Result<MediaStream, JsValue> {
        let (constraints, caps) = read_constraints(&constraints)?;
        let needs: Vec<Need> = caps.iter().map(|c| Need::required(*c)).collect();
        for _ in 0..ROUNDS {
            if let Decision::Refused(cap, why) = self.decide(&needs, &content, reconsider).await? {
                return Err(not_allowed(cap, why, None));
            }
            // An expired grant is never used: the clock is checked again right before the call.
            self.check();
            let stream = match native_media(constraints.clone()).await {
                Ok(stream) => stream,
                Err(e) => {
                    let outcome = media_outcome(&e, caps.len());
                    self.learn(&caps, outcome);
                    return Err(refusal_of_media(&e, &caps).unwrap_or(e));
                }
            };
            self.learn(&stream_caps(&stream), Some(AccessOutcome::Granted));
            // Every capability of the call must still be granted now (a one-time grant may have
            // ended while the browser asked): else nothing is handed out, and it is asked again.
            self.check();
            let ended = caps.iter().any(|c| self.status(*c).state != State::Granted);
            if ended {
                stream.get_tracks().for_each(&mut |t, _, _| t.unchecked_into::<MediaStreamTrack>().stop());
                continue;
            }
            for track in stream.get_tracks().iter() {
                let track: MediaStreamTrack = track.unchecked_into();
                let cap = if track.kind() == "audio" { Capability::Microphone } else { Capability::Camera };
                self.track_started(cap, track);
            }
            return Ok(stream);
        }
        let cap = caps.iter().copied().find(|c| self.status(*c).state != State::Granted).unwrap_or(Capability::Camera);
        Err(not_allowed(cap, Refusal::of(self.status(cap).reason), None))
    }

    /// `getCurrentPosition(options, prompt)`, as a promise of the position.
    pub async fn get_current_position(self: Rc<Self>, options: JsValue, content: PromptContent, reconsider: bool) -> Result<JsValue, JsValue> {
        let cap = Capability::Geolocation;
        if let Decision::Refused(cap, why) = self.decide(&[Need::required(cap)], &content, reconsider).await? {
            return Err(not_allowed(cap, why, None));
        }
        self.check();
        match native_position(options).await {
            Ok(p) => {
                self.learn(&[cap], Some(AccessOutcome::Granted));
                Ok(p)
            }
            Err(e) => {
                let outcome = position_outcome(&e);
                self.learn(&[cap], outcome);
                if outcome == Some(AccessOutcome::Denied) {
                    return Err(not_allowed(cap, Refusal::Browser, Some(&text_of(&e, "message"))));
                }
                Err(e)
            }
        }
    }

    /// `watchPosition(success, error, options, prompt)`: resolves with the watch id. Positions
    /// are not delivered while the page is hidden; the watch is cleared when the grant ends.
    pub async fn watch_position(self: Rc<Self>, success: js_sys::Function, error: JsValue, options: JsValue, content: PromptContent, reconsider: bool) -> Result<i32, JsValue> {
        let cap = Capability::Geolocation;
        if let Decision::Refused(cap, why) = self.decide(&[Need::required(cap)], &content, reconsider).await? {
            return Err(not_allowed(cap, why, None));
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
            let mut e = e;
            if let Some(rt) = weak.upgrade() {
                let outcome = position_outcome(&e);
                rt.learn(&[cap], outcome);
                if outcome == Some(AccessOutcome::Denied) {
                    e = not_allowed(cap, Refusal::Browser, Some(&text_of(&e, "message")));
                }
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

    /// `requestNotifications(prompt)`: resolves `"granted"`; the browser's `denied` (or its
    /// prompt closed, `default`) rejects like any other refusal.
    pub async fn request_notifications(self: Rc<Self>, content: PromptContent, reconsider: bool) -> Result<JsValue, JsValue> {
        let cap = Capability::Notifications;
        if let Decision::Refused(cap, why) = self.decide(&[Need::required(cap)], &content, reconsider).await? {
            return Err(not_allowed(cap, why, None));
        }
        let answer = native_notification_request().await?;
        self.learn(&[cap], notification_outcome(Some(&answer)));
        match answer.as_string().as_deref() {
            Some("granted") => Ok(answer),
            Some("denied") => Err(not_allowed(cap, Refusal::Browser, None)),
            _ => Err(not_allowed(cap, Refusal::Dismissed, None)),
        }
    }
}

/// Reads `getUserMedia` constraints as the browser does (WebIDL): `audio` and `video` each
/// once, `undefined` as absent, `null` and any object as a request, any other value by its
/// truth. Returns a fresh constraints object holding exactly what was read (so a getter that
/// answers differently the second time cannot request what was not gated) and the
/// capabilities it requests, or the `TypeError` the browser would throw.
fn read_constraints(value: &JsValue) -> Result<(JsValue, Vec<Capability>), JsValue> {
    let type_error = |m: &str| -> JsValue { js_sys::TypeError::new(m).into() };
    if !(value.is_undefined() || value.is_null() || value.is_object()) {
        return Err(type_error("Failed to execute 'getUserMedia' on 'MediaDevices': The provided value is not of type 'MediaStreamConstraints'."));
    }
    let snapshot = js_sys::Object::new();
    let mut caps = Vec::new();
    // Dictionary members are read in lexicographic order.
    for (key, cap) in [("audio", Some(Capability::Microphone)), ("peerIdentity", None), ("video", Some(Capability::Camera))] {
        let member = if value.is_object() { Reflect::get(value, &key.into())? } else { JsValue::UNDEFINED };
        if member.is_undefined() {
            continue;
        }
        let Some(cap) = cap else {
            // peerIdentity: a DOMString, passed on as read.
            Reflect::set(&snapshot, &key.into(), &member)?;
            continue;
        };
        let (requested, read): (bool, JsValue) = if member.is_null() {
            (true, js_sys::Object::new().into())
        } else if member.is_object() {
            (true, member)
        } else {
            let truth = member.is_truthy();
            (truth, JsValue::from_bool(truth))
        };
        Reflect::set(&snapshot, &key.into(), &read)?;
        if requested {
            caps.push(cap);
        }
    }
    if caps.is_empty() {
        return Err(type_error("Failed to execute 'getUserMedia' on 'MediaDevices': At least one of audio and video must be requested"));
    }
    Ok((snapshot.into(), caps))
}

/// The capabilities a stream proves: a track of each kind.
fn stream_caps(stream: &MediaStream) -> Vec<Capability> {
    let mut caps = Vec::new();
    if stream.get_video_tracks().length() > 0 {
        caps.push(Capability::Camera);
    }
    if stream.get_audio_tracks().length() > 0 {
        caps.push(Capability::Microphone);
    }
    caps
}

async fn native_media(constraints: JsValue) -> Result<MediaStream, JsValue> {
    let devices = web_sys::window().ok_or(JsValue::NULL)?.navigator().media_devices()?;
    let stream = JsFuture::from(devices.get_user_media_with_constraints(constraints.unchecked_ref())?).await?;
    Ok(stream.unchecked_into())
}

/// Chromium's message for a capability the operating system blocks.
fn denied_by_system(e: &JsValue) -> bool {
    text_of(e, "message").to_ascii_lowercase().contains("by system")
}

/// What a failed `getUserMedia` proves: a refusal proves something only when the call asked
/// for one capability (a combined call that fails does not say which was refused).
fn media_outcome(e: &JsValue, asked: usize) -> Option<AccessOutcome> {
    match text_of(e, "name").as_str() {
        "NotAllowedError" | "PermissionDeniedError" | "SecurityError" if denied_by_system(e) => Some(AccessOutcome::SystemDenied),
        "NotAllowedError" | "PermissionDeniedError" | "SecurityError" if asked == 1 => Some(AccessOutcome::Denied),
        _ => None,
    }
}

/// The browser's refusal of `getUserMedia` in the library's shape; other errors (no device,
/// device busy, constraints) pass through as the browser threw them.
fn refusal_of_media(e: &JsValue, caps: &[Capability]) -> Option<JsValue> {
    let name = text_of(e, "name");
    if !matches!(name.as_str(), "NotAllowedError" | "PermissionDeniedError" | "SecurityError") {
        return None;
    }
    let message = text_of(e, "message");
    let why = if denied_by_system(e) {
        Refusal::System
    } else if message.to_ascii_lowercase().contains("dismissed") {
        Refusal::Dismissed
    } else {
        Refusal::Browser
    };
    Some(not_allowed_of(caps, why, Some(&message)))
}

async fn native_position(options: JsValue) -> Result<JsValue, JsValue> {
    let geolocation = web_sys::window().ok_or(JsValue::NULL)?.navigator().geolocation()?;
    let get: js_sys::Function = Reflect::get(&geolocation, &"getCurrentPosition".into())?.dyn_into()?;
    let promise = Promise::new(&mut |resolve, reject| {
        let _ = get.call3(&geolocation, &resolve, &reject, &options);
    });
    JsFuture::from(promise).await
}

fn position_outcome(e: &JsValue) -> Option<AccessOutcome> {
    let code = if e.is_object() { Reflect::get(e, &"code".into()).ok().and_then(|c| c.as_f64()) } else { None };
    (code == Some(1.0)).then_some(AccessOutcome::Denied)
}

fn notification_outcome(answer: Option<&JsValue>) -> Option<AccessOutcome> {
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
