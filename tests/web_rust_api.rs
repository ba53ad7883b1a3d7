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
//! Run: `wasm-pack test --headless --chrome -- --test web_rust_api` (or `--firefox`, `--safari`).
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use jit_permissions::{Capability, Choice, InstallOptions, Permissions, State, Status};
use js_sys::{Function, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A storage key of its own for each test (the tests share one page and its storage).
fn fresh_key(name: &str) -> String {
    let key = format!("jp-rust-api-{name}-{}", (js_sys::Math::random() * 1e9) as u64);
    web_sys::window().unwrap().local_storage().unwrap().unwrap().remove_item(&key).unwrap();
    key
}

/// Writes `text` under `key` from another document of the origin (a same-origin frame), so that the browser fires
/// `storage` in this page, as when another tab writes the record.
fn write_from_another_document(key: &str, text: &str) {
    let frame = document().create_element("iframe").unwrap();
    document().body().unwrap().append_child(&frame).unwrap();
    let win = Reflect::get(&frame, &"contentWindow".into()).unwrap();
    let storage = Reflect::get(&win, &"localStorage".into()).unwrap();
    let set_item: Function = Reflect::get(&storage, &"setItem".into()).unwrap().dyn_into().unwrap();
    set_item.call2(&storage, &key.into(), &text.into()).unwrap();
    frame.remove();
}

type Seen = Rc<RefCell<Vec<Status>>>;

async fn install(key: &str) -> Permissions {
    let options = InstallOptions { storage_key: Some(key.to_string()), ..InstallOptions::default() };
    Permissions::install(options).await.expect("install")
}

/// Waits until `cond` holds (polling every 25 ms, at most `ms`).
async fn wait_until(ms: u32, cond: impl Fn() -> bool) -> bool {
    let mut waited = 0;
    while waited < ms {
        if cond() {
            return true;
        }
        TimeoutFuture::new(25).await;
        waited += 25;
    }
    cond()
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
    write_from_another_document(&key, "jp1|cb");
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

    write_from_another_document(&key, "jp1|gb");
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
    write_from_another_document(&key, "jp2|md1w1q3t1700000000000");
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
    write_from_another_document(&key, "jp2|mbv5w1d1q2t1700000000001");
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
