//! The runtime: one engine per page, fed by the browser's events, its outputs carried out.
//!
//! Rule of the house: never call into JS while a `RefCell` borrow is held. Every input goes
//! through [`Runtime::input`], which takes the outputs out of the engine, drops the borrow, and
//! only then dispatches them.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use js_sys::Reflect;
use web_sys::{BroadcastChannel, MediaStreamTrack, PermissionState, PermissionStatus, VisibilityState};

use super::arrival;
use super::options::Options;
use super::store::{self, Store, Stored};
use super::ui::{resolve_locale, UiPort, UiSource};
use crate::core::{AuditEvent, Capability, Engine, Input, Millis, NativeState, Output, PageId, Status, UseId};

/// Something the library handed out and must be able to take back.
#[derive(Debug)]
pub enum Use {
    /// A media track, with the closure that replaced its `stop` method.
    Track(MediaStreamTrack, Option<Closure<dyn FnMut()>>, EventListener),
    /// A geolocation watch id and the callbacks it holds.
    Watch(i32, Vec<Closure<dyn FnMut(JsValue)>>),
}

/// Where the runtime reports to: the JS layer's status objects and audit events, or the
/// Rust API's subscriptions.
pub struct Hooks {
    /// A status to publish; the flag says whether its `state` changed (`change` must fire).
    pub status: Box<dyn Fn(Capability, Status, bool)>,
    /// An audit event and when it happened.
    pub audit: Box<dyn Fn(AuditEvent, Millis)>,
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hooks")
    }
}

/// One page's runtime.
#[derive(Debug)]
pub struct Runtime {
    engine: RefCell<Engine>,
    page: PageId,
    clock: Option<Function>,
    hooks: Hooks,
    store: Store,
    channel: Option<BroadcastChannel>,
    /// `navigator.permissions` and the browser's own `query`, kept before any patching: the
    /// browser's state is always asked of the browser, never of the library's replacement.
    native_query: Option<(JsValue, Function)>,
    listeners: RefCell<Vec<EventListener>>,
    natives: RefCell<Vec<(Capability, PermissionStatus, EventListener)>>,
    timer: RefCell<Option<Timeout>>,
    deadline: Cell<Option<Millis>>,
    uses: RefCell<Vec<(UseId, Use)>>,
    next_use: Cell<UseId>,
    /// The pre-prompt, the recovery help and the panel: a JS module loaded on first need.
    pub ui: UiPort,
    /// The dialogs open or queued, by the capabilities they ask for (bit mask), shared by every
    /// caller asking for the same.
    pub pending: RefCell<Vec<(u8, Promise)>>,
    /// The tail of the queue of dialogs (one decision at a time, the recovery help included).
    pub queue: RefCell<Option<Promise>>,
    /// Validated options.
    pub options: Options,
    /// Whether the browser has a Permissions API at all.
    pub has_permissions_api: bool,
    rechecking: Cell<bool>,
    /// A recheck was asked for while one was running.
    recheck_again: Cell<bool>,
    /// Between `pagehide` and a `pageshow` from the back/forward cache: this page is gone, and the
    /// `visibilitychange` to hidden that browsers fire after `pagehide` must not list it again.
    gone: Cell<bool>,
    /// When this page last left (`Date.now()`), for a restore from the back/forward cache.
    left_at: Cell<Option<f64>>,
    /// Pages heard from (a ping or an answer) while a liveness check runs.
    heard: RefCell<Option<Vec<PageId>>>,
    /// A write is waiting for the storage lock, and another was asked for meanwhile.
    saving: Cell<bool>,
    save_again: Cell<bool>,
    /// Called after every processed input, so the controls panel can re-render.
    pub on_update: RefCell<Vec<Weak<dyn Fn()>>>,
}

/// Maps the browser's permission state.
pub fn native_state(s: PermissionState) -> NativeState {
    match s {
        PermissionState::Granted => NativeState::Granted,
        PermissionState::Denied => NativeState::Denied,
        PermissionState::Prompt => NativeState::Prompt,
        _ => NativeState::Unknown,
    }
}

fn random_page_id() -> PageId {
    // Two draws of 26 bits each: unique enough among the pages of one origin.
    let a = (js_sys::Math::random() * 67_108_864.0) as u64;
    let b = (js_sys::Math::random() * 67_108_864.0) as u64;
    (a << 26 | b).max(1)
}

fn descriptor_for(cap: Capability) -> js_sys::Object {
    let d = js_sys::Object::new();
    let _ = Reflect::set(&d, &"name".into(), &cap.name().into());
    d
}

/// The browser's own `query`: `Permissions.prototype.query` (where the interface defines it,
/// and where patch mode puts the library's), read before the library patches anything.
fn browser_query(window: &web_sys::Window) -> Option<(JsValue, Function)> {
    let permissions = Reflect::get(&window.navigator(), &"permissions".into()).ok().filter(|p| p.is_object())?;
    let from_interface = Reflect::get(window, &"Permissions".into())
        .ok()
        .and_then(|i| Reflect::get(&i, &"prototype".into()).ok())
        .and_then(|p| Reflect::get(&p, &"query".into()).ok());
    let query = from_interface
        .filter(|q| q.is_function())
        .or_else(|| Reflect::get(&permissions, &"query".into()).ok())?
        .dyn_into::<Function>()
        .ok()?;
    Some((permissions, query))
}

/// The capabilities a frame's Permissions Policy governs (notifications have no policy feature).
const POLICY_CAPS: [Capability; 3] = [Capability::Camera, Capability::Microphone, Capability::Geolocation];

/// Whether this document is a frame of another origin than its top page.
fn in_cross_origin_frame() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let Ok(Some(top)) = window.top() else { return false };
    if JsValue::from(top.clone()) == JsValue::from(window) {
        return false;
    }
    // Reading a cross-origin page's location throws.
    top.location().href().is_err()
}

/// How long a liveness check waits for answers: a first round, then a second chance for a page
/// that is only busy (a long task, a throttled timer).
const LIVENESS_ROUNDS: [u32; 2] = [300, 1200];

impl Runtime {
    /// A runtime with validated options; nothing is listened to until [`Runtime::start`].
    pub fn new(options: Options, hooks: Hooks, ui: UiSource) -> Result<Rc<Runtime>, JsValue> {
        let window = web_sys::window().ok_or_else(|| js_sys::Error::new("jit-permissions needs a browser: there is no window here"))?;
        let languages: Vec<String> = window.navigator().languages().iter().filter_map(|l| l.as_string()).collect();
        let ui = UiPort::new(ui, resolve_locale(options.locale.as_deref(), &languages), &options.strings)?;
        let native_query = browser_query(&window);
        let has_permissions_api = native_query.is_some();
        let page = random_page_id();
        let clock = options.clock.clone();
        let now = clock_now(&clock);
        let mut channel_name = String::from("jit-permissions:");
        channel_name.push_str(&options.storage_key);
        let rt = Runtime {
            engine: RefCell::new(Engine::new(options.config, page, now)),
            page,
            clock,
            hooks,
            store: Store::open(options.storage_key.clone()),
            channel: BroadcastChannel::new(&channel_name).ok(),
            native_query,
            listeners: RefCell::new(Vec::new()),
            natives: RefCell::new(Vec::new()),
            timer: RefCell::new(None),
            deadline: Cell::new(None),
            uses: RefCell::new(Vec::new()),
            next_use: Cell::new(1),
            ui,
            pending: RefCell::new(Vec::new()),
            queue: RefCell::new(None),
            options,
            has_permissions_api,
            rechecking: Cell::new(false),
            recheck_again: Cell::new(false),
            gone: Cell::new(false),
            left_at: Cell::new(None),
            heard: RefCell::new(None),
            saving: Cell::new(false),
            save_again: Cell::new(false),
            on_update: RefCell::new(Vec::new()),
        };
        Ok(Rc::new(rt))
    }

    /// Whether decisions are kept in memory only (storage blocked or full).
    pub fn in_memory(&self) -> bool {
        self.store.in_memory()
    }

    /// The current time, from the injected clock if there is one.
    pub fn now(&self) -> Millis {
        clock_now(&self.clock)
    }

    /// The injected clock, if there is one.
    pub fn clock(&self) -> Option<&Function> {
        self.clock.as_ref()
    }

    /// Feeds one input and carries out the outputs. No borrow is held while JS runs.
    pub fn input(self: &Rc<Self>, input: Input) {
        self.inputs(vec![input]);
    }

    /// Feeds several inputs in one go (no write, no event between them), then carries out the
    /// outputs.
    pub fn inputs(self: &Rc<Self>, inputs: Vec<Input>) {
        let now = self.now();
        let outputs = {
            let mut engine = self.engine.borrow_mut();
            for input in inputs {
                engine.handle(now, input);
            }
            drain(&mut engine)
        };
        self.dispatch(outputs);
    }

    /// The clock check: a `Tick` when a deadline has passed (cheap otherwise). Every read of a
    /// state and every gated call runs it first, so a late timer never lets an expired grant through.
    pub fn check(self: &Rc<Self>) {
        if let Some(d) = self.deadline.get() {
            if self.now() >= d {
                self.input(Input::Tick);
            }
        }
    }

    /// The reported status, after the clock check.
    pub fn status(self: &Rc<Self>, cap: Capability) -> Status {
        let now = self.now();
        let (status, outputs) = {
            let mut engine = self.engine.borrow_mut();
            let s = engine.status(now, cap);
            (s, drain(&mut engine))
        };
        self.dispatch(outputs);
        status
    }

    /// The library grant of `cap` that stands, whether or not the browser has shown yet that it
    /// honours it (see [`Engine::standing_grant`]).
    pub fn standing_grant(self: &Rc<Self>, cap: Capability) -> Option<crate::core::GrantKind> {
        let now = self.now();
        let (grant, outputs) = {
            let mut engine = self.engine.borrow_mut();
            let g = engine.standing_grant(now, cap);
            (g, drain(&mut engine))
        };
        self.dispatch(outputs);
        grant
    }

    /// Whether a track or watch of `cap` handed out by the library is live, in this page or
    /// (`anywhere`) in any page of the origin.
    pub fn in_use(&self, cap: Capability, anywhere: bool) -> bool {
        let engine = self.engine.borrow();
        if anywhere {
            engine.in_use_anywhere(cap)
        } else {
            engine.in_use(cap)
        }
    }

    fn dispatch(self: &Rc<Self>, outputs: Vec<Output>) {
        let any = !outputs.is_empty();
        // Statuses first, so an audit listener already reads the new state.
        let mut audits = Vec::new();
        let mut persist = false;
        for output in outputs {
            match output {
                Output::Changed(cap, status) => self.publish(cap, status, true),
                Output::Updated(cap, status) => self.publish(cap, status, false),
                Output::StopUse(id) => self.stop_use(id),
                Output::Persist(_) => persist = true,
                Output::Audit(event) => audits.push(event),
            }
        }
        if persist {
            self.persist();
        }
        for event in audits {
            (self.hooks.audit)(event, self.now());
        }
        self.arm_timer();
        // Only what changed re-renders: a hook reads statuses, and a read that changes nothing
        // must not run the hooks again (it would recurse).
        if !any {
            return;
        }
        let hooks: Vec<Rc<dyn Fn()>> = {
            let mut list = self.on_update.borrow_mut();
            list.retain(|w| w.strong_count() > 0);
            list.iter().filter_map(Weak::upgrade).collect()
        };
        for hook in hooks {
            hook();
        }
    }

    /// Publishes a status to the JS layer or the Rust API (whatever the cause).
    pub fn publish(&self, cap: Capability, status: Status, changed: bool) {
        (self.hooks.status)(cap, status, changed);
    }

    /// Writes the record: read what is stored, merge, write. Under the Web Locks API where the
    /// browser has it (writes of the origin's pages then never interleave), at once otherwise,
    /// and at once when the page is leaving (a lock granted later would come too late).
    fn persist(self: &Rc<Self>) {
        let Some(locks) = self.store.locks().cloned() else {
            return self.save_now();
        };
        if self.gone.get() {
            return self.save_now();
        }
        if self.saving.replace(true) {
            self.save_again.set(true);
            return;
        }
        let weak = Rc::downgrade(self);
        let callback = Closure::once(move |_lock: JsValue| {
            if let Some(rt) = weak.upgrade() {
                rt.saving.set(false);
                rt.save_now();
                if rt.save_again.replace(false) {
                    rt.persist();
                }
            }
        })
        .into_js_value();
        let mut name = String::from("jit-permissions:");
        name.push_str(&self.store.key);
        let request = Reflect::get(&locks, &"request".into()).ok().and_then(|f| f.dyn_into::<Function>().ok());
        let requested = request.and_then(|f| f.call2(&locks, &name.into(), &callback).ok());
        match requested.and_then(|p| p.dyn_into::<Promise>().ok()) {
            Some(p) => {
                // A lock refused (a document no longer fully active) writes at once instead.
                let weak = Rc::downgrade(self);
                let on_error = Closure::once(move |_e: JsValue| {
                    if let Some(rt) = weak.upgrade() {
                        if rt.saving.replace(false) {
                            rt.save_now();
                        }
                    }
                })
                .into_js_value();
                if let Some(catch) = Reflect::get(&p, &"catch".into()).ok().and_then(|f| f.dyn_into::<Function>().ok()) {
                    let _ = catch.call1(&p, &on_error);
                }
            }
            None => {
                self.saving.set(false);
                self.save_now();
            }
        }
    }

    /// Read, merge, write, now. What the merge learnt from other pages is reported like any
    /// other change.
    fn save_now(self: &Rc<Self>) {
        let stored = match self.store.read() {
            Stored::Record(r) => r,
            Stored::Missing | Stored::Corrupt => crate::core::Record::default(),
        };
        let now = self.now();
        let (record, outputs) = {
            let mut engine = self.engine.borrow_mut();
            engine.handle(now, Input::Loaded(stored));
            let outputs: Vec<Output> = drain(&mut engine).into_iter().filter(|o| !matches!(o, Output::Persist(_))).collect();
            (engine.record().clone(), outputs)
        };
        self.store.write(&record);
        self.dispatch(outputs);
    }

    fn arm_timer(self: &Rc<Self>) {
        let deadline = self.engine.borrow().next_deadline();
        if deadline == self.deadline.get() && self.timer.borrow().is_some() {
            return;
        }
        self.deadline.set(deadline);
        let timer = deadline.map(|d| {
            // setTimeout overflows past 2^31 - 1 ms; a far deadline is re-armed when it fires.
            let delay = d.saturating_sub(self.now()).min(1 << 30) as u32;
            let weak = Rc::downgrade(self);
            Timeout::new(delay, move || {
                if let Some(rt) = weak.upgrade() {
                    // This timeout is running: it is dropped once its callback has returned.
                    let fired = rt.timer.borrow_mut().take();
                    spawn(async move { drop(fired) });
                    rt.input(Input::Tick);
                }
            })
        });
        // Dropping the previous Timeout cancels it.
        let old = self.timer.replace(timer);
        drop(old);
    }

    /// Starts everything: loads the record, queries the browser, learns how this page came,
    /// confirms the origin's other pages only when a one-time grant depends on them, registers
    /// the page, listens.
    pub async fn start(self: &Rc<Self>) -> Result<(), JsValue> {
        if let Stored::Record(record) = self.store.read() {
            self.input(Input::Loaded(record));
        }
        self.listen();
        let policy_api = self.detect_policy();
        let queries = self.start_queries();
        let arrival = arrival::on_load(self.now());
        self.arrive(arrival).await;
        self.finish_queries(queries, true).await;
        if !policy_api {
            self.guess_policy();
        }
        let rt = self.clone();
        spawn(async move { rt.prune_dead_pages().await });
        // Publish the initial statuses so the JS layer's cache is complete.
        for cap in Capability::ALL {
            let s = self.status(cap);
            self.publish(cap, s, false);
        }
        Ok(())
    }

    /// This page arrives: when a one-time grant depends on other listed pages (no handover
    /// proves it), they are asked first; a page heard from keeps the grant alive, and pages not
    /// heard from in two rounds are gone. The pages found gone, the arrival and the page's
    /// visibility go in together, with no write between them.
    async fn arrive(self: &Rc<Self>, arrival: crate::core::Arrival) {
        let listed = self.engine.borrow().pages_to_confirm(arrival);
        let mut inputs = Vec::new();
        if !listed.is_empty() {
            let heard = self.ask_pages(&listed, true).await;
            if heard.is_empty() {
                inputs.extend(listed.into_iter().map(Input::PageGone));
            }
        }
        inputs.push(Input::Arrived(arrival));
        inputs.push(Input::PageVisible(self.page, page_visible()));
        self.inputs(inputs);
    }

    /// Starts a query of each gated capability (the browser's own `query`).
    fn start_queries(&self) -> Vec<(Capability, Option<Promise>)> {
        Capability::ALL
            .into_iter()
            .map(|cap| {
                let promise = self.native_query.as_ref().and_then(|(permissions, query)| {
                    query.call1(permissions, &descriptor_for(cap)).ok().map(|p| Promise::resolve(&p))
                });
                (cap, promise)
            })
            .collect()
    }

    /// Feeds the answers of [`Runtime::start_queries`]. With `subscribe`, listens to each
    /// status's `change` event (browsers that fire none are covered by re-checks on visibility
    /// and focus).
    async fn finish_queries(self: &Rc<Self>, pending: Vec<(Capability, Option<Promise>)>, subscribe: bool) {
        for (cap, promise) in pending {
            let result = match promise {
                Some(p) => JsFuture::from(p).await.ok(),
                None => None,
            };
            match result.and_then(|s| s.dyn_into::<PermissionStatus>().ok()) {
                Some(status) => {
                    self.input(Input::Native(cap, native_state(status.state())));
                    if subscribe {
                        let weak = Rc::downgrade(self);
                        let target = status.clone();
                        let listener = EventListener::new(&status, "change", move |_| {
                            if let Some(rt) = weak.upgrade() {
                                rt.input(Input::Native(cap, native_state(target.state())));
                            }
                        });
                        self.natives.borrow_mut().push((cap, status, listener));
                    }
                }
                None => {
                    // The browser cannot query this name: notifications still have Notification.permission.
                    let state = if cap == Capability::Notifications { notification_state() } else { NativeState::Unknown };
                    if state != NativeState::Unknown || subscribe {
                        self.input(Input::Native(cap, state));
                    }
                }
            }
        }
    }

    /// Queries the browser for each gated capability again.
    pub async fn query_natives(self: &Rc<Self>) {
        let queries = self.start_queries();
        self.finish_queries(queries, false).await;
    }

    /// The frame's Permissions Policy, where the browser exposes it (`document.permissionsPolicy`
    /// or `document.featurePolicy`): a capability it does not allow is denied, reason policy,
    /// with one console message naming the missing `allow` attribute.
    ///
    /// Returns whether the browser exposes the policy; where it does not (Firefox, WebKit), see
    /// [`Runtime::guess_policy`].
    fn detect_policy(self: &Rc<Self>) -> bool {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return false };
        let policy = ["permissionsPolicy", "featurePolicy"]
            .into_iter()
            .filter_map(|k| Reflect::get(&document, &k.into()).ok())
            .find(|p| p.is_object());
        let Some(policy) = policy else { return false };
        let Some(allows) = Reflect::get(&policy, &"allowsFeature".into()).ok().and_then(|f| f.dyn_into::<Function>().ok()) else {
            return false;
        };
        let blocked: Vec<Capability> = POLICY_CAPS
            .into_iter()
            .filter(|cap| allows.call1(&policy, &cap.name().into()).map(|v| v.as_bool() == Some(false)).unwrap_or(false))
            .collect();
        self.block_by_policy(&blocked);
        true
    }

    /// Where the browser does not expose its Permissions Policy: in a frame of another origin
    /// than its top page, a capability the browser denies from the first query is taken as
    /// not allowed by the frame's policy (Firefox and WebKit answer `denied` there for a frame
    /// without `allow`), so that no pre-prompt or browser-settings help is shown that cannot
    /// lead anywhere. (A block the person set in the browser for the embedding site looks the
    /// same from inside the frame.)
    fn guess_policy(self: &Rc<Self>) {
        if !in_cross_origin_frame() {
            return;
        }
        let blocked: Vec<Capability> = {
            let engine = self.engine.borrow();
            POLICY_CAPS.into_iter().filter(|cap| engine.native(*cap) == NativeState::Denied).collect()
        };
        self.block_by_policy(&blocked);
    }

    fn block_by_policy(self: &Rc<Self>, caps: &[Capability]) {
        for cap in caps {
            let mut m = String::from("jit-permissions: this frame's Permissions Policy does not allow ");
            m.push_str(cap.name());
            m.push_str(": the <iframe> that embeds it needs allow=\"");
            m.push_str(cap.name());
            m.push_str("\" (or the page's Permissions-Policy header blocks it). Gated calls reject with NotAllowedError, reason 'policy'.");
            web_sys::console::warn_1(&m.into());
        }
        if !caps.is_empty() {
            self.inputs(caps.iter().map(|c| Input::Policy(*c, false)).collect());
        }
    }

    /// Re-reads the browser's states: on visibility, focus, `refresh()` and while a recovery dialog
    /// waits. Covers browsers that fire no `change` event (Safari) by querying again. The status
    /// objects kept from the first query are not read here: WebKit's never update (no `change`, and
    /// their `state` stays what it was when queried), so feeding them made a state flap to the stale
    /// value and back on every visibility change or focus. Where the Permissions API cannot answer
    /// for notifications, `Notification.permission` is read at once.
    pub fn recheck(self: &Rc<Self>) {
        let kept_notifications = self.natives.borrow().iter().any(|(c, _, _)| *c == Capability::Notifications);
        if !kept_notifications {
            let state = notification_state();
            if state != NativeState::Unknown {
                self.input(Input::Native(Capability::Notifications, state));
            }
        }
        // One query at a time; a recheck asked for meanwhile runs after it, so that the answer
        // is never older than the event that asked.
        if self.rechecking.replace(true) {
            self.recheck_again.set(true);
            return;
        }
        let rt = self.clone();
        spawn(async move {
            loop {
                rt.query_natives().await;
                if !rt.recheck_again.replace(false) {
                    break;
                }
            }
            rt.rechecking.set(false);
        });
    }

    fn listen(self: &Rc<Self>) {
        let Some(window) = web_sys::window() else { return };
        let Some(document) = window.document() else { return };
        let mut listeners = self.listeners.borrow_mut();
        let page = self.page;

        let weak = Rc::downgrade(self);
        listeners.push(EventListener::new(&document, "visibilitychange", move |_| {
            if let Some(rt) = weak.upgrade() {
                if rt.gone.get() {
                    // Unloading fires `pagehide`, then `visibilitychange` to hidden: the page is
                    // gone, not hidden, and must not be listed as live again.
                    return;
                }
                let visible = page_visible();
                rt.input(Input::PageVisible(page, visible));
                if visible {
                    rt.recheck();
                }
            }
        }));
        let weak = Rc::downgrade(self);
        listeners.push(EventListener::new(&window, "focus", move |_| {
            if let Some(rt) = weak.upgrade() {
                rt.input(Input::Tick);
                rt.recheck();
            }
        }));
        // The link followed or the form submitted to a page of this origin: a signal for the
        // page that arrives (see `arrival`).
        for kind in ["click", "submit"] {
            let options = gloo_events::EventListenerOptions::run_in_capture_phase();
            listeners.push(EventListener::new_with_options(&document, kind, options, arrival::note_intent));
        }
        let weak = Rc::downgrade(self);
        listeners.push(EventListener::new(&window, "pagehide", move |_| {
            if let Some(rt) = weak.upgrade() {
                // Closed, navigated, reloaded or put in the back/forward cache: this page leaves.
                // The write is synchronous (see `persist`), so the next page finds it.
                rt.gone.set(true);
                rt.left_at.set(Some(arrival::mark_leave()));
                rt.input(Input::PageGone(page));
            }
        }));
        let weak = Rc::downgrade(self);
        listeners.push(EventListener::new(&window, "pageshow", move |event| {
            let persisted = event
                .dyn_ref::<web_sys::PageTransitionEvent>()
                .map(|e| e.persisted())
                .unwrap_or(false);
            if let (true, Some(rt)) = (persisted, weak.upgrade()) {
                // Back from the back/forward cache: an arrival like any other, then re-check.
                rt.gone.set(false);
                if let Stored::Record(record) = rt.store.read() {
                    rt.input(Input::Loaded(record));
                }
                let arrival = arrival::on_restore(rt.now(), rt.left_at.get());
                let again = rt.clone();
                spawn(async move {
                    again.arrive(arrival).await;
                    again.recheck();
                });
            }
        }));
        let weak = Rc::downgrade(self);
        let key = self.store.key.clone();
        listeners.push(EventListener::new(&window, "storage", move |event| {
            let Some(event) = event.dyn_ref::<web_sys::StorageEvent>() else { return };
            let Some(rt) = weak.upgrade() else { return };
            // sessionStorage fires `storage` too.
            if !rt.store.is_area(event.storage_area()) {
                return;
            }
            match event.key() {
                // Another page cleared the whole storage.
                None => rt.input(Input::Cleared),
                Some(k) if k == key => match event.new_value() {
                    None => rt.input(Input::Cleared),
                    Some(text) => match store::decode(&text) {
                        Stored::Record(record) => rt.input(Input::Loaded(record)),
                        // Rewritten with something else: what this page knows is written back.
                        _ => rt.persist(),
                    },
                },
                Some(_) => {}
            }
        }));
        if let Some(channel) = &self.channel {
            let weak = Rc::downgrade(self);
            listeners.push(EventListener::new(channel, "message", move |event| {
                let Some(rt) = weak.upgrade() else { return };
                let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else { return };
                rt.on_message(event.data());
            }));
        }
    }

    /// Asks the origin's other pages to answer and returns those of `pages` heard from. With
    /// `any`, returns as soon as one is heard; else when all are, or after the rounds (a page
    /// silent in the first round is asked again: a busy page is not a gone page).
    async fn ask_pages(self: &Rc<Self>, pages: &[PageId], any: bool) -> Vec<PageId> {
        let Some(channel) = &self.channel else { return pages.to_vec() };
        *self.heard.borrow_mut() = Some(Vec::new());
        let done = |rt: &Runtime| {
            let heard = rt.heard.borrow();
            let heard = heard.as_deref().unwrap_or_default();
            if any {
                pages.iter().any(|p| heard.contains(p))
            } else {
                pages.iter().all(|p| heard.contains(p))
            }
        };
        'rounds: for round in LIVENESS_ROUNDS {
            let _ = channel.post_message(&message("ping", self.page));
            let mut waited = 0;
            while waited < round {
                gloo_timers::future::TimeoutFuture::new(25).await;
                waited += 25;
                if done(self) {
                    break 'rounds;
                }
            }
        }
        let heard = self.heard.borrow_mut().take().unwrap_or_default();
        pages.iter().copied().filter(|p| heard.contains(p)).collect()
    }

    /// Liveness: pages listed in the record that do not answer two rounds of asking are gone
    /// (a crash leaves its entry behind).
    async fn prune_dead_pages(self: &Rc<Self>) {
        let listed: Vec<PageId> = self.engine.borrow().live_pages().into_iter().filter(|p| *p != self.page).collect();
        if listed.is_empty() {
            return;
        }
        let heard = self.ask_pages(&listed, false).await;
        let gone: Vec<Input> = listed.into_iter().filter(|p| !heard.contains(p)).map(Input::PageGone).collect();
        if !gone.is_empty() {
            self.inputs(gone);
        }
    }

    fn on_message(self: &Rc<Self>, data: JsValue) {
        let kind = Reflect::get(&data, &"t".into()).ok().and_then(|v| v.as_string());
        let from = Reflect::get(&data, &"p".into()).ok().and_then(|v| v.as_f64()).map(|p| p as PageId);
        let (Some(kind), Some(from)) = (kind, from) else { return };
        // Any message is a sign of life (an arriving page asks too).
        if let Some(list) = self.heard.borrow_mut().as_mut() {
            list.push(from);
        }
        if kind == "ping" && !self.gone.get() {
            if let Some(channel) = &self.channel {
                let _ = channel.post_message(&message("pong", self.page));
            }
        }
    }

    /// Records a handed-out media track: the in-use exemption starts, and its end (the site
    /// calling `stop()`, or the device going away) ends it.
    pub fn track_started(self: &Rc<Self>, cap: Capability, track: MediaStreamTrack) {
        let id = self.next_use.get();
        self.next_use.set(id + 1);
        // `stop()` fires no `ended` event, so the handed-out track's own `stop` is wrapped.
        let original: Option<Function> = Reflect::get(&track, &"stop".into()).ok().and_then(|f| f.dyn_into().ok());
        let weak = Rc::downgrade(self);
        // The same JS object (`track.clone()` would be MediaStreamTrack's own clone(): a new track).
        let target: MediaStreamTrack = JsValue::clone(&track).unchecked_into();
        let wrapper = original.map(|original| {
            let closure: Closure<dyn FnMut()> = Closure::new(move || {
                let _ = original.call0(&target);
                if let Some(rt) = weak.upgrade() {
                    rt.use_ended(id);
                }
            });
            let _ = Reflect::set(&track, &"stop".into(), closure.as_ref());
            closure
        });
        let weak = Rc::downgrade(self);
        let ended = EventListener::once(&track, "ended", move |_| {
            if let Some(rt) = weak.upgrade() {
                rt.use_ended(id);
            }
        });
        self.uses.borrow_mut().push((id, Use::Track(track, wrapper, ended)));
        self.input(Input::UseStarted(cap, id));
    }

    /// Records a geolocation watch and the callbacks that keep it alive.
    pub fn watch_started(self: &Rc<Self>, watch: i32, callbacks: Vec<Closure<dyn FnMut(JsValue)>>) -> UseId {
        let id = self.next_use.get();
        self.next_use.set(id + 1);
        self.uses.borrow_mut().push((id, Use::Watch(watch, callbacks)));
        self.input(Input::UseStarted(Capability::Geolocation, id));
        id
    }

    /// A use ended on its own (track stopped, watch cleared by the site).
    pub fn use_ended(self: &Rc<Self>, id: UseId) {
        let removed = {
            let mut uses = self.uses.borrow_mut();
            uses.iter().position(|(u, _)| *u == id).map(|i| uses.remove(i))
        };
        if let Some((_, u)) = removed {
            if let Use::Watch(watch, _) = &u {
                clear_watch(*watch);
            }
            self.input(Input::UseEnded(id));
            // Dropping the use drops its closures; a track's stop wrapper may be running right
            // now, so it is dropped after it returns.
            spawn(async move { drop(u) });
        }
    }

    /// Clears the watch the site got as `watch`.
    pub fn clear_watch_id(self: &Rc<Self>, watch: i32) {
        let id = self.uses.borrow().iter().find_map(|(u, x)| match x {
            Use::Watch(w, _) if *w == watch => Some(*u),
            _ => None,
        });
        match id {
            Some(id) => self.use_ended(id),
            None => clear_watch(watch),
        }
    }

    fn stop_use(self: &Rc<Self>, id: UseId) {
        let removed = {
            let mut uses = self.uses.borrow_mut();
            uses.iter().position(|(u, _)| *u == id).map(|i| uses.remove(i))
        };
        match removed {
            Some((_, Use::Track(track, wrapper, ended))) => {
                // Call the browser's own stop (the instance property is the wrapper), then fire
                // `ended` as a track the browser ends does, so the site's own handlers run.
                let _ = Reflect::delete_property(&track, &"stop".into());
                drop(ended);
                track.stop();
                if let Ok(event) = web_sys::Event::new("ended") {
                    let _ = track.dispatch_event(&event);
                }
                drop(wrapper);
            }
            Some((_, Use::Watch(watch, callbacks))) => {
                clear_watch(watch);
                spawn(async move { drop(callbacks) });
            }
            None => {}
        }
    }
}

/// A promise of a future. Every future goes through this one boxed instantiation of
/// `future_to_promise`, instead of one copy of its glue per future type (several KB of wasm each).
pub fn promise(future: impl std::future::Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    let boxed: std::pin::Pin<Box<dyn std::future::Future<Output = Result<JsValue, JsValue>>>> = Box::pin(future);
    wasm_bindgen_futures::future_to_promise(boxed)
}

/// Runs a future to completion on the page's event loop, through one boxed instantiation.
pub fn spawn(future: impl std::future::Future<Output = ()> + 'static) {
    let boxed: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> = Box::pin(future);
    wasm_bindgen_futures::spawn_local(boxed);
}

fn drain(engine: &mut Engine) -> Vec<Output> {
    let mut out = Vec::new();
    while let Some(o) = engine.poll_output() {
        out.push(o);
    }
    out
}

fn clock_now(clock: &Option<Function>) -> Millis {
    let t = match clock {
        Some(f) => f.call0(&JsValue::NULL).ok().and_then(|v| v.as_f64()).unwrap_or_else(js_sys::Date::now),
        None => js_sys::Date::now(),
    };
    if t.is_finite() && t > 0.0 {
        t as Millis
    } else {
        0
    }
}

fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.visibility_state() != VisibilityState::Hidden)
        .unwrap_or(true)
}

fn notification_state() -> NativeState {
    let has = web_sys::window()
        .map(|w| Reflect::has(&w, &"Notification".into()).unwrap_or(false))
        .unwrap_or(false);
    if !has {
        return NativeState::Unknown;
    }
    match web_sys::Notification::permission() {
        web_sys::NotificationPermission::Granted => NativeState::Granted,
        web_sys::NotificationPermission::Denied => NativeState::Denied,
        _ => NativeState::Prompt,
    }
}

fn clear_watch(watch: i32) {
    if let Some(g) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) {
        g.clear_watch(watch);
    }
}

fn message(kind: &str, page: PageId) -> JsValue {
    let m = js_sys::Object::new();
    let _ = Reflect::set(&m, &"t".into(), &kind.into());
    let _ = Reflect::set(&m, &"p".into(), &JsValue::from_f64(page as f64));
    m.into()
}
