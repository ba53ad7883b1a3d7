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
use web_sys::{BroadcastChannel, MediaStreamTrack, PermissionState, PermissionStatus, Storage, VisibilityState};

use super::options::Options;
use super::ui::{resolve_locale, UiPort, UiSource};
use crate::core::{AuditEvent, Capability, Engine, GrantKind, Input, Millis, NativeState, Output, PageId, Record, Status, UseId};

/// Something the library handed out and must be able to take back.
#[derive(Debug)]
pub enum Use {
    /// A media track, with the closure that replaced its `stop` method.
    Track(MediaStreamTrack, Option<Closure<dyn FnMut()>>, EventListener),
    /// A geolocation watch id and the callbacks it holds.
    Watch(i32, Vec<Closure<dyn FnMut(JsValue)>>),
}

/// Where the record lives: origin storage, or memory when storage is blocked or full.
#[derive(Debug)]
struct Store {
    storage: Option<Storage>,
    key: String,
    warned: Cell<bool>,
}

impl Store {
    fn open(key: String) -> Store {
        let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        let store = Store { storage, key, warned: Cell::new(false) };
        if store.storage.is_none() {
            store.warn_memory();
        }
        store
    }

    fn warn_memory(&self) {
        if !self.warned.replace(true) {
            web_sys::console::warn_1(&JsValue::from_str(
                "jit-permissions: origin storage is unavailable; decisions are kept in memory for this page only",
            ));
        }
    }

    /// Whether decisions are kept only in memory: storage was unavailable from the start, or a
    /// read or write failed since (both warn, once).
    fn in_memory(&self) -> bool {
        self.warned.get()
    }

    fn load(&self) -> Record {
        let text = match &self.storage {
            Some(s) => match s.get_item(&self.key) {
                Ok(t) => t,
                Err(_) => {
                    self.warn_memory();
                    None
                }
            },
            None => None,
        };
        match text {
            None => Record::default(),
            Some(text) => decode_warn(&text),
        }
    }

    fn save(&self, record: &Record) {
        if let Some(s) = &self.storage {
            if s.set_item(&self.key, &record.encode()).is_err() {
                self.warn_memory();
            }
        }
    }
}

fn decode_warn(text: &str) -> Record {
    let (record, warning) = Record::decode(text);
    if let Some(w) = warning {
        let mut m = String::from("jit-permissions: discarded stored permission data: ");
        m.push_str(&w);
        web_sys::console::warn_1(&JsValue::from_str(&m));
    }
    record
}

/// Callbacks into the JS layer.
#[derive(Debug)]
pub struct Hooks {
    /// `(capIndex, state, grant, expiresAt, reason, changed)`: a status to publish; `changed`
    /// says whether `change` must fire.
    pub status: Function,
    /// `(type, name, detail, at)`: an audit event.
    pub audit: Function,
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
    listeners: RefCell<Vec<EventListener>>,
    natives: RefCell<Vec<(Capability, PermissionStatus, EventListener)>>,
    timer: RefCell<Option<Timeout>>,
    deadline: Cell<Option<Millis>>,
    uses: RefCell<Vec<(UseId, Use)>>,
    next_use: Cell<UseId>,
    /// The pre-prompt, the recovery help and the panel: a JS module loaded on first need.
    pub ui: UiPort,
    /// The shared pre-prompt of each capability, while one is open or queued.
    pub pending: RefCell<[Option<Promise>; 4]>,
    /// The tail of the queue of pre-prompts (one decision at a time).
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
    /// Pages that answered the running liveness ping, if one runs.
    pongs: RefCell<Option<Vec<PageId>>>,
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
    let _ = js_sys::Reflect::set(&d, &"name".into(), &cap.name().into());
    d
}

impl Runtime {
    /// A runtime with validated options; nothing is listened to until [`Runtime::start`].
    pub fn new(options: Options, hooks: Hooks, ui: UiSource) -> Result<Rc<Runtime>, JsValue> {
        let window = web_sys::window().ok_or_else(|| super::options::type_error("jit-permissions needs a window"))?;
        let languages: Vec<String> = window.navigator().languages().iter().filter_map(|l| l.as_string()).collect();
        let ui = UiPort::new(ui, resolve_locale(options.locale.as_deref(), &languages), &options.strings)?;
        let has_permissions_api = js_sys::Reflect::get(&window.navigator(), &"permissions".into())
            .map(|p| p.is_object())
            .unwrap_or(false);
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
            listeners: RefCell::new(Vec::new()),
            natives: RefCell::new(Vec::new()),
            timer: RefCell::new(None),
            deadline: Cell::new(None),
            uses: RefCell::new(Vec::new()),
            next_use: Cell::new(1),
            ui,
            pending: RefCell::new(Default::default()),
            queue: RefCell::new(None),
            options,
            has_permissions_api,
            rechecking: Cell::new(false),
            recheck_again: Cell::new(false),
            gone: Cell::new(false),
            pongs: RefCell::new(None),
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
        let now = self.now();
        let outputs = {
            let mut engine = self.engine.borrow_mut();
            engine.handle(now, input);
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

    fn dispatch(self: &Rc<Self>, outputs: Vec<Output>) {
        let any = !outputs.is_empty();
        // Statuses first, so an audit listener already reads the new state.
        let mut audits = Vec::new();
        for output in outputs {
            match output {
                Output::Changed(cap, status) => self.publish(cap, status, true),
                Output::Updated(cap, status) => self.publish(cap, status, false),
                Output::StopUse(id) => self.stop_use(id),
                Output::Persist(record) => self.store.save(&record),
                Output::Audit(event) => audits.push(event),
            }
        }
        for event in audits {
            self.audit(event);
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

    /// Publishes a status to the JS layer (whatever the cause).
    pub fn publish(&self, cap: Capability, status: Status, changed: bool) {
        let args = js_sys::Array::of5(
            &JsValue::from(cap.index() as u32),
            &status.state.as_str().into(),
            &status.grant.map(|g| JsValue::from_str(g.as_str())).unwrap_or(JsValue::NULL),
            &status.expires_at.map(|t| JsValue::from_f64(t as f64)).unwrap_or(JsValue::NULL),
            &status.reason.map(|r| JsValue::from_str(r.as_str())).unwrap_or(JsValue::NULL),
        );
        args.push(&JsValue::from_bool(changed));
        let _ = self.hooks.status.apply(&JsValue::NULL, &args);
    }

    fn audit(&self, event: AuditEvent) {
        let (kind, cap, detail): (&str, Capability, JsValue) = match event {
            AuditEvent::PromptShown(c) => ("prompt-shown", c, JsValue::NULL),
            AuditEvent::Decision(c, choice) => ("decision", c, choice.as_str().into()),
            AuditEvent::Expired(c, cause) => ("expiry", c, cause.as_str().into()),
            AuditEvent::Revoked(c) => ("revocation", c, JsValue::NULL),
            AuditEvent::Reset(c) => ("reset", c, JsValue::NULL),
            AuditEvent::EmbargoStarted(c, until) => ("embargo", c, JsValue::from_f64(until as f64)),
        };
        let _ = self.hooks.audit.call4(
            &JsValue::NULL,
            &kind.into(),
            &cap.name().into(),
            &detail,
            &JsValue::from_f64(self.now() as f64),
        );
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

    /// Starts everything: loads the record, queries the browser, registers the page, listens.
    pub async fn start(self: &Rc<Self>) -> Result<(), JsValue> {
        let record = self.store.load();
        // A one-time grant lives only while a page of the origin lives. Entries of pages that
        // crashed stay behind in storage, so ask the listed pages before this page counts.
        let one_time = Capability::ALL.into_iter().any(|c| record.grant(c) == Some(GrantKind::OneTime));
        self.input(Input::Loaded(record));
        self.listen();
        if one_time {
            self.prune_dead_pages().await;
        }
        self.query_natives(true).await;
        self.input(Input::PageVisible(self.page, page_visible()));
        if !one_time {
            let rt = self.clone();
            spawn(async move { rt.prune_dead_pages().await });
        }
        // Publish the initial statuses so the JS layer's cache is complete.
        for cap in Capability::ALL {
            let s = self.status(cap);
            self.publish(cap, s, false);
        }
        Ok(())
    }

    /// Queries the browser for each gated capability. With `subscribe`, listens to each status's
    /// `change` event (browsers that fire none are covered by re-checks on visibility and focus).
    pub async fn query_natives(self: &Rc<Self>, subscribe: bool) {
        let Some(window) = web_sys::window() else { return };
        let navigator = window.navigator();
        let permissions = if self.has_permissions_api { navigator.permissions().ok() } else { None };
        // Start all four queries before awaiting any.
        let pending: Vec<(Capability, Option<Promise>)> = Capability::ALL
            .into_iter()
            .map(|cap| (cap, permissions.as_ref().and_then(|p| p.query(&descriptor_for(cap)).ok())))
            .collect();
        for (cap, promise) in pending {
            let result = match promise {
                Some(p) => JsFuture::from(p).await.ok(),
                None => None,
            };
            match result {
                Some(status) => {
                    let status: PermissionStatus = status.unchecked_into();
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
                rt.query_natives(false).await;
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
        let weak = Rc::downgrade(self);
        listeners.push(EventListener::new(&window, "pagehide", move |_| {
            if let Some(rt) = weak.upgrade() {
                // Closed, navigated away or put in the back/forward cache: this page is gone.
                rt.gone.set(true);
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
                // Back from the back/forward cache: re-read what happened meanwhile, then re-check.
                rt.gone.set(false);
                let record = rt.store.load();
                rt.input(Input::Loaded(record));
                rt.input(Input::PageVisible(page, page_visible()));
                rt.recheck();
            }
        }));
        let weak = Rc::downgrade(self);
        let key = self.store.key.clone();
        listeners.push(EventListener::new(&window, "storage", move |event| {
            let Some(event) = event.dyn_ref::<web_sys::StorageEvent>() else { return };
            // `key` is null when another page cleared the whole storage.
            let ours = event.key().map(|k| k == key).unwrap_or(true);
            if let (true, Some(rt)) = (ours, weak.upgrade()) {
                let record = match event.new_value() {
                    Some(text) => decode_warn(&text),
                    None => Record::default(),
                };
                rt.input(Input::Loaded(record));
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

    /// Liveness: asks the origin's other pages to answer; pages listed in the record that do
    /// not answer within 300 ms are gone (a crash leaves its entry behind). Returns early when
    /// every listed page has answered.
    async fn prune_dead_pages(self: &Rc<Self>) {
        let Some(channel) = &self.channel else { return };
        let listed: Vec<PageId> = self.engine.borrow().live_pages().into_iter().filter(|p| *p != self.page).collect();
        if listed.is_empty() {
            return;
        }
        *self.pongs.borrow_mut() = Some(Vec::new());
        let _ = channel.post_message(&message("ping", self.page));
        for _ in 0..6 {
            gloo_timers::future::TimeoutFuture::new(50).await;
            let all = self.pongs.borrow().as_ref().map(|a| listed.iter().all(|p| a.contains(p))).unwrap_or(true);
            if all {
                break;
            }
        }
        let answered = self.pongs.borrow_mut().take().unwrap_or_default();
        for page in listed {
            if !answered.contains(&page) {
                self.input(Input::PageGone(page));
            }
        }
    }

    fn on_message(self: &Rc<Self>, data: JsValue) {
        let kind = js_sys::Reflect::get(&data, &"t".into()).ok().and_then(|v| v.as_string());
        let from = js_sys::Reflect::get(&data, &"p".into()).ok().and_then(|v| v.as_f64()).map(|p| p as PageId);
        let (Some(kind), Some(from)) = (kind, from) else { return };
        match kind.as_str() {
            "ping" => {
                if let Some(channel) = &self.channel {
                    let _ = channel.post_message(&message("pong", self.page));
                }
            }
            "pong" => {
                if let Some(list) = self.pongs.borrow_mut().as_mut() {
                    list.push(from);
                }
            }
            _ => {}
        }
    }

    /// Records a handed-out media track: the in-use exemption starts, and its end (the site
    /// calling `stop()`, or the device going away) ends it.
    pub fn track_started(self: &Rc<Self>, cap: Capability, track: MediaStreamTrack) {
        let id = self.next_use.get();
        self.next_use.set(id + 1);
        // `stop()` fires no `ended` event, so the handed-out track's own `stop` is wrapped.
        let original: Option<Function> = js_sys::Reflect::get(&track, &"stop".into()).ok().and_then(|f| f.dyn_into().ok());
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
            let _ = js_sys::Reflect::set(&track, &"stop".into(), closure.as_ref());
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
            Some((_, Use::Track(track, wrapper, _))) => {
                // Call the browser's own stop (the instance property is the wrapper).
                let _ = js_sys::Reflect::delete_property(&track, &"stop".into());
                track.stop();
                drop(wrapper);
            }
            Some((_, Use::Watch(watch, _))) => clear_watch(watch),
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
        .map(|w| js_sys::Reflect::has(&w, &"Notification".into()).unwrap_or(false))
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
    let _ = js_sys::Reflect::set(&m, &"t".into(), &kind.into());
    let _ = js_sys::Reflect::set(&m, &"p".into(), &JsValue::from_f64(page as f64));
    m.into()
}
