//! Browser tests of the Rust API ([`jit_permissions::Permissions`]): issue 10, item 10.
//!
//! A listener of [`Permissions::on_change`] that calls `reset` or `revoke` from inside a delivery must not leave any
//! listener with an older status than the final one (the JS layer fires `change` in a microtask for this reason).
//! The change that starts it is real: another document of the origin (a same-origin `about:blank` frame) writes the
//! record, and the browser fires `storage` in this page.
//!
//! [`Permissions::subscribe`] (issue 15) hears every field of the status, at once and after each change, where
//! [`Permissions::on_change`] hears `state` only: another document records a dismissal (history fields change, the
//! state stays `prompt`), then a block (the state changes).
//!
//! Issue 24: `install` returns the page's one runtime (every test here shares it, on the one storage key `KEY`, each
//! with capabilities of its own); errors are typed ([`ErrorKind`], [`Error::reason`]); positions are typed and a watch
//! is a [`Watch`] handle.
//!
//! Run: `wasm-pack test --headless --chrome -- --test web_rust_api` (or `--firefox`, `--safari`).
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use jit_permissions::{
    Capability, Choice, Config, DenyReason, ErrorKind, InstallOptions, Permissions, PositionOptions, PromptContent, Refusal, State,
    Status,
};
use js_sys::{Function, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod common;

use common::{wait_until, write_from_another_document};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// The storage key of the page's one runtime, which every test here shares.
const KEY: &str = "jp-rust-api";

/// The key, for a test (each uses capabilities no other test here changes).
fn fresh_key(_test: &str) -> String {
    KEY.to_string()
}

thread_local! {
    static VERSION: Cell<u64> = const { Cell::new(0) };
}

/// Another document records the person's "Don't allow" for the capability of record letter `letter` (`c`, `m`,
/// `g`, `n`). The tests share the page's one runtime and its record: the block carries a version (`v`, the record's
/// hybrid logical clock) above any this page wrote before, so that it is the newer verdict whatever ran first.
fn block_from_another_document(letter: char) {
    write_from_another_document(KEY, &format!("jp2|{letter}bv{}", next_version()));
}

/// A version a minute ahead of now and above the last one given: newer than anything this page wrote, yet within the
/// day a stored clock may lie ahead of the reader's (a clock further ahead is corrupt: issue 20).
fn next_version() -> u64 {
    let now = js_sys::Date::now() as u64;
    VERSION.with(|v| {
        let next = (v.get() + 1_000).max(now + 60_000);
        v.set(next);
        next
    })
}

type Seen = Rc<RefCell<Vec<Status>>>;

async fn install(key: &str) -> Permissions {
    let options = InstallOptions { storage_key: Some(key.to_string()), ..InstallOptions::default() };
    Permissions::install(options).await.expect("install")
}

#[wasm_bindgen_test]
async fn a_listener_that_resets_inside_a_delivery_leaves_no_listener_with_a_stale_status() {
    let key = fresh_key("reset");
    let permissions = install(&key).await;
    let cap = Capability::Camera;
    let before = permissions.query(cap);
    assert_eq!(before.state, State::Prompt, "camera before the test: {before:?}");

    // Listener A resets the capability when it hears of the block; listener B only records.
    let seen_a: Seen = Rc::default();
    let seen_b: Seen = Rc::default();
    let reset_done = Rc::new(Cell::new(false));
    let (a, p, done) = (seen_a.clone(), permissions.clone(), reset_done.clone());
    let _sub_a = permissions.on_change(cap, move |status| {
        a.borrow_mut().push(status);
        if status.state == State::Denied && !done.replace(true) {
            p.reset(cap);
        }
    });
    let b = seen_b.clone();
    let _sub_b = permissions.on_change(cap, move |status| b.borrow_mut().push(status));

    // Another page blocks the camera (the first record format: readable by every version).
    let _ = &key;
    block_from_another_document('c');
    assert!(wait_until(3000, || reset_done.get()).await, "listener A never heard of the block: A saw {:?}", seen_a.borrow());
    TimeoutFuture::new(300).await;

    let last = permissions.query(cap);
    assert_eq!(last.state, State::Prompt, "camera after the reset (the browser's own state is prompt): {last:?}");
    assert_eq!(seen_a.borrow().last().copied(), Some(last), "listener A's last status; A saw {:?}", seen_a.borrow());
    assert_eq!(seen_b.borrow().last().copied(), Some(last), "listener B's last status; B saw {:?}", seen_b.borrow());
    let states = |seen: &Seen| seen.borrow().iter().map(|s| s.state).collect::<Vec<_>>();
    assert_eq!(states(&seen_a), vec![State::Denied, State::Prompt], "states listener A saw, in order");
    assert_eq!(states(&seen_b), vec![State::Denied, State::Prompt], "states listener B saw, in order");
}

/// The same with `revoke`, where the browser grants geolocation by itself (chromedriver does: SPEC "States" rule 5
/// then reports it granted, persistent): a block from another page, listener A resets. A reset asks again (issue 20:
/// prompt, the browser's grant not adopted), so the revoke branch runs only if something reports granted again, which
/// must not happen: the end state is prompt either way.
#[wasm_bindgen_test]
async fn a_listener_that_revokes_inside_a_delivery_leaves_no_listener_with_a_stale_status() {
    let key = fresh_key("revoke");
    let permissions = install(&key).await;
    let cap = Capability::Geolocation;
    let before = permissions.query(cap);
    let granted_by_browser = before.state == State::Granted;
    if !granted_by_browser {
        web_sys::console::log_1(&format!("geolocation is {before:?} here (not granted by the browser): only the reset is checked").into());
    }

    let seen_a: Seen = Rc::default();
    let seen_b: Seen = Rc::default();
    let (a, p) = (seen_a.clone(), permissions.clone());
    let _sub_a = permissions.on_change(cap, move |status| {
        a.borrow_mut().push(status);
        match status.state {
            State::Denied => p.reset(cap),
            State::Granted => p.revoke(cap),
            State::Prompt => {}
        }
    });
    let b = seen_b.clone();
    let _sub_b = permissions.on_change(cap, move |status| b.borrow_mut().push(status));

    let _ = &key;
    block_from_another_document('g');
    assert!(wait_until(3000, || seen_a.borrow().iter().any(|s| s.state == State::Denied)).await, "listener A never heard of the block");
    TimeoutFuture::new(500).await;

    let last = permissions.query(cap);
    assert_eq!(last.state, State::Prompt, "geolocation at the end: {last:?}");
    assert_eq!(seen_a.borrow().last().copied(), Some(last), "listener A's last status; A saw {:?}", seen_a.borrow());
    assert_eq!(seen_b.borrow().last().copied(), Some(last), "listener B's last status; B saw {:?}", seen_b.borrow());
    if granted_by_browser {
        let states = seen_b.borrow().iter().map(|s| s.state).collect::<Vec<_>>();
        assert_eq!(states.first(), Some(&State::Denied), "listener B's first state: {states:?}");
    }
    drop((_sub_a, _sub_b));
    permissions.reset(cap);
}

#[wasm_bindgen_test]
async fn subscribe_hears_every_field_at_once_and_after_each_change_on_change_only_the_state() {
    let key = fresh_key("subscribe");
    let permissions = install(&key).await;
    let cap = Capability::Microphone;
    let every: Seen = Rc::default();
    let states: Seen = Rc::default();
    let e = every.clone();
    let subscription = permissions.subscribe(cap, move |status| e.borrow_mut().push(status));
    let s = states.clone();
    let _on_change = permissions.on_change(cap, move |status| s.borrow_mut().push(status));
    assert_eq!(every.borrow().clone(), vec![permissions.snapshot(cap)], "subscribe calls back at once with the snapshot");
    assert_eq!(permissions.snapshot(cap).state, State::Prompt, "microphone before the test");

    // Another page records a dismissal of the microphone: the history fields change, the state does not.
    write_from_another_document(&key, &format!("jp2|md1w{}q3t1700000000000", next_version()));
    assert!(wait_until(3000, || every.borrow().len() == 2).await, "subscribe heard no dismissal: {:?}", every.borrow());
    let dismissed = every.borrow()[1];
    assert_eq!(
        (dismissed.state, dismissed.last_decision, dismissed.decided_at),
        (State::Prompt, Some(Choice::Dismiss), Some(1_700_000_000_000)),
        "the status subscribe got after the dismissal: {dismissed:?}"
    );
    TimeoutFuture::new(300).await;
    assert!(states.borrow().is_empty(), "on_change heard a change of state that did not happen: {:?}", states.borrow());

    // Then a block ("Don't allow" in that page): the state changes, and both hear it.
    let (v, w) = (next_version(), next_version());
    write_from_another_document(&key, &format!("jp2|mbv{v}w{w}d1q2t1700000000001"));
    assert!(wait_until(3000, || states.borrow().len() == 1).await, "on_change heard no block");
    assert!(wait_until(3000, || every.borrow().len() == 3).await, "subscribe heard no block: {:?}", every.borrow());
    assert_eq!(every.borrow()[2], permissions.snapshot(cap), "subscribe's last status is the snapshot");
    assert_eq!(every.borrow()[2].state, State::Denied, "microphone after the block");

    // Dropping the subscription unsubscribes.
    drop(subscription);
    permissions.reset(cap);
    TimeoutFuture::new(300).await;
    assert_eq!(every.borrow().len(), 3, "a dropped subscription was called: {:?}", every.borrow());
    assert_eq!(states.borrow().len(), 2, "on_change after the reset: {:?}", states.borrow());
}

/// Issue 14: `define_elements()` registers `<jit-geolocation>` and `<jit-usermedia>` with this runtime; an element
/// in the page reports the runtime's state of its capability (`permissionStatus`), and renders either the browser's
/// own element (where the browser defines HTMLGeolocationElement) or the library's own button.
#[wasm_bindgen_test]
async fn define_elements_registers_both_elements_run_by_this_runtime() {
    let key = fresh_key("elements");
    let permissions = install(&key).await;
    assert!(permissions.define_elements().await, "define_elements() did not define both names");
    assert!(permissions.define_elements().await, "a second call leaves the definitions and still reports them");
    let registry = Reflect::get(&web_sys::window().unwrap(), &"customElements".into()).unwrap();
    let get: Function = Reflect::get(&registry, &"get".into()).unwrap().dyn_into().unwrap();
    for name in ["jit-geolocation", "jit-usermedia"] {
        assert!(get.call1(&registry, &name.into()).unwrap().is_function(), "{name} is not defined");
    }

    permissions.revoke(Capability::Microphone);
    let el = document().create_element("jit-usermedia").unwrap();
    el.set_attribute("type", "microphone").unwrap();
    document().body().unwrap().append_child(&el).unwrap();
    let status = |el: &web_sys::Element| Reflect::get(el, &"permissionStatus".into()).unwrap().as_string().unwrap_or_default();
    let root = el.shadow_root().expect("an open shadow root");
    let native = Reflect::has(&web_sys::window().unwrap(), &"HTMLMicrophoneElement".into()).unwrap_or(false)
        || Reflect::has(&web_sys::window().unwrap(), &"HTMLUserMediaElement".into()).unwrap_or(false);
    let inside = root.first_element_child().map(|e| e.local_name()).unwrap_or_default();
    if native {
        assert!(inside == "microphone" || inside == "usermedia", "the browser's own element inside: {inside}");
    } else {
        assert_eq!(inside, "button", "the library's own button inside");
    }
    assert!(wait_until(3000, || status(&el) == "prompt").await, "permissionStatus {}", status(&el));
    el.remove();
}

/// The messages of `console.warn` from now on (the page's own console.warn still runs).
fn record_warnings() -> impl Fn() -> Vec<String> {
    Function::new_no_args(
        "const w = console.warn; globalThis.jpWarned = []; \
         console.warn = (...a) => { globalThis.jpWarned.push(String(a[0])); return w.apply(console, a); };",
    )
    .call0(&wasm_bindgen::JsValue::NULL)
    .unwrap();
    || {
        let list = Reflect::get(&js_sys::global(), &"jpWarned".into()).unwrap();
        js_sys::Array::from(&list).iter().filter_map(|v| v.as_string()).collect()
    }
}

/// Issue 24, item 2: a second `install` (with other options, here another storage key and locale) returns the
/// page's one runtime: it sees the state the first one sees, hears the same changes, and the page is warned once
/// that its options are ignored. The same options again give no warning.
#[wasm_bindgen_test]
async fn install_twice_gives_the_one_runtime_of_the_page_and_warns_when_the_options_differ() {
    let first = install(KEY).await;
    let warnings = record_warnings();
    let again = install(KEY).await;
    assert!(warnings().is_empty(), "the same options again: no warning, got {:?}", warnings());
    let other = InstallOptions { storage_key: Some("jp-rust-api-other".into()), locale: Some("de".into()), ..InstallOptions::default() };
    let second = Permissions::install(other).await.expect("the second install");
    let warned = warnings();
    assert_eq!(warned.len(), 1, "one warning for the other options: {warned:?}");
    assert!(warned[0].contains("install() called again with other options"), "{warned:?}");

    let cap = Capability::Notifications;
    let seen: Seen = Rc::default();
    let s = seen.clone();
    // Kept without a value to hold: forget().
    second.subscribe(cap, move |status| s.borrow_mut().push(status)).forget();
    // Another page blocks notifications under the first runtime's key: the second install hears it, so it is the
    // same runtime (a runtime of its own would read "jp-rust-api-other" and still say prompt).
    block_from_another_document('n');
    assert!(wait_until(3000, || second.query(cap).state == State::Denied).await, "the second install's state: {:?}", second.query(cap));
    assert_eq!(first.query(cap), second.query(cap), "one state");
    assert_eq!(again.query(cap), second.query(cap), "one state");
    assert!(wait_until(3000, || seen.borrow().last().map(|s| s.state) == Some(State::Denied)).await, "subscribe on the second: {:?}", seen.borrow());
    // And a reset through the first is the second's too.
    first.reset(cap);
    assert_eq!(second.query(cap).state, State::Prompt, "after the first's reset: {:?}", second.query(cap));
}

/// Issue 24, item 3: a refusal is `ErrorKind::Refused` with its reason (here the person's "Don't allow" recorded by
/// another page), `reason()` says the same, `Display` shows the name and message, and the JS value behind it is the
/// `NotAllowedError` with `reason` the npm package throws.
#[wasm_bindgen_test]
async fn a_refusal_is_a_typed_error_with_its_reason() {
    let permissions = install(KEY).await;
    let cap = Capability::Camera;
    permissions.reset(cap);
    block_from_another_document('c');
    assert!(wait_until(3000, || permissions.query(cap).state == State::Denied).await, "camera: {:?}", permissions.query(cap));
    assert_eq!(permissions.query(cap).reason, Some(DenyReason::User));
    let constraints = web_sys::MediaStreamConstraints::new();
    constraints.set_video(&wasm_bindgen::JsValue::TRUE);
    let refused = permissions.get_user_media(&constraints, PromptContent::default()).await;
    // Reset before asserting, so that a failure leaves the camera as the other tests expect it.
    permissions.reset(cap);
    let err = refused.expect_err("a refusal");
    assert_eq!(err.kind(), ErrorKind::Refused(Refusal::User), "{err}");
    assert_eq!(err.reason(), Some(Refusal::User));
    assert!(err.is_not_allowed());
    assert_eq!(err.name(), "NotAllowedError");
    assert!(err.to_string().starts_with("NotAllowedError: jit-permissions: camera"), "{err}");
    let js = err.as_js();
    assert_eq!(Reflect::get(js, &"reason".into()).unwrap().as_string().as_deref(), Some("user"));
    let as_std: &dyn std::error::Error = &err;
    assert!(as_std.source().is_none());
    assert_eq!(permissions.query(cap).state, State::Prompt);
}

/// Issue 24, item 3: a bad option is `ErrorKind::InvalidOption`, with the `ConfigError` (also the error's
/// `source()`) when `Config::validate` found it, and a `TypeError` naming the field either way.
#[wasm_bindgen_test]
async fn a_bad_option_is_a_typed_error_naming_the_field() {
    let config = Config { max_lifetime: 0, ..Config::default() };
    let err = Permissions::install(InstallOptions { config, ..InstallOptions::default() }).await.expect_err("a zero lifetime");
    let ErrorKind::InvalidOption(Some(config_error)) = err.kind() else { panic!("kind {:?}", err.kind()) };
    assert_eq!(config_error.field(), "oneTime.maxLifetime");
    assert_eq!(err.name(), "TypeError");
    assert!(err.message().contains("'oneTime.maxLifetime'"), "{err}");
    assert!(err.as_js().is_instance_of::<js_sys::TypeError>());
    let as_std: &dyn std::error::Error = &err;
    assert_eq!(as_std.source().map(|s| s.to_string()), Some(config_error.to_string()));
}

/// Issue 24, item 3: `watch_position` takes `PositionOptions` and an error callback. A refusal before the watch
/// starts is the `Err` (geolocation blocked by the person's "Don't allow" in another page). Where the browser grants
/// geolocation by itself (chromedriver does), a watch and a position request with `timeout: 0` and no cached position
/// fail at once with TIMEOUT, which reaches `on_error` (and the `Err` of `get_current_position`) as
/// `ErrorKind::Timeout`: the options and the error callback reach the browser. Elsewhere the pre-prompt would need a
/// real click: the test says so and checks the refusal alone.
#[wasm_bindgen_test]
async fn watch_position_passes_its_options_and_reports_errors_to_on_error() {
    let permissions = install(KEY).await;
    let cap = Capability::Geolocation;
    permissions.reset(cap);
    let before = permissions.query(cap);
    let granted_by_browser = before.state == State::Granted;
    let options = PositionOptions { enable_high_accuracy: false, timeout: Some(0), maximum_age: Some(0) };

    if granted_by_browser {
        let errors: Rc<RefCell<Vec<ErrorKind>>> = Rc::default();
        let e = errors.clone();
        let watch = permissions
            .watch_position(options, |_| {}, move |err| e.borrow_mut().push(err.kind()), PromptContent::default())
            .await
            .expect("a watch where the browser grants geolocation");
        assert!(wait_until(3000, || !errors.borrow().is_empty()).await, "on_error heard nothing of the timeout");
        assert_eq!(errors.borrow()[0], ErrorKind::Timeout, "{:?}", errors.borrow());
        // Dropping the Watch clears the browser's watch: a spy on navigator.geolocation.clearWatch (which still
        // calls the browser's own) records the ids it is given.
        Function::new_no_args(
            "const g = navigator.geolocation, clear = g.clearWatch; globalThis.jpCleared = [];\
             g.clearWatch = function (id) { globalThis.jpCleared.push(id); return clear.call(this, id); };",
        )
        .call0(&wasm_bindgen::JsValue::NULL)
        .unwrap();
        let id = watch.id();
        drop(watch);
        let cleared = js_sys::Array::from(&Reflect::get(&js_sys::global(), &"jpCleared".into()).unwrap());
        assert_eq!(cleared.iter().filter_map(|v| v.as_f64()).collect::<Vec<_>>(), vec![id as f64], "clearWatch on drop");
        let err = permissions.get_current_position(options, PromptContent::default()).await.expect_err("a timeout");
        assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    } else {
        web_sys::console::log_1(&format!("geolocation is {before:?} here (not granted by the browser): only the refusal is checked").into());
    }

    block_from_another_document('g');
    assert!(wait_until(3000, || permissions.query(cap).state == State::Denied).await, "geolocation: {:?}", permissions.query(cap));
    let called = Rc::new(Cell::new(false));
    let c = called.clone();
    let err = permissions
        .watch_position(options, move |_| c.set(true), |_| {}, PromptContent::default())
        .await
        .expect_err("a refusal");
    assert_eq!(err.reason(), Some(Refusal::User), "{err}");
    assert!(!called.get());
    permissions.reset(cap);
}
