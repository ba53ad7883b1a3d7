//! Issue 24, item 3: `InstallOptions::clock` is the library's clock, as the JS option `clock`, and
//! `InstallOptions::patch` makes `navigator.permissions.query()` answer with the library's statuses, as the JS option
//! `patch` (a page of its own: both are install options of the page's one runtime). The clock is a fake one (the only way to move time in
//! a test), set far in the future so that the browser's own clock would give another answer.
//!
//! Run: `wasm-pack test --headless --chrome -- --test web_rust_clock` (or `--firefox`, `--safari`).
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::*;
use jit_permissions::{Capability, DenyReason, InstallOptions, Permissions, State};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Year 2096: far after the browser's own time.
const T: u64 = 4_000_000_000_000;

fn global(name: &str) -> JsValue {
    Reflect::get(&js_sys::global(), &name.into()).unwrap()
}

#[wasm_bindgen_test]
async fn the_clock_option_is_the_time_the_engine_reads_and_patch_answers_the_standard_query() {
    let key = "jp-rust-clock";
    let now = Rc::new(Cell::new(T as f64));
    let clock = now.clone();
    let options = InstallOptions { storage_key: Some(key.into()), clock: Some(Rc::new(move || clock.get())), patch: true, ..InstallOptions::default() };
    let permissions = Permissions::install(options).await.expect("install");
    let cap = Capability::Notifications;

    // Another page records an embargo of notifications until T + 1 minute (three dismissals).
    write_from_another_document(key, &format!("jp2|nd3e{}w{}", T + 60_000, T));
    assert!(wait_until(3000, || permissions.query(cap).state == State::Denied).await, "notifications: {:?}", permissions.query(cap));
    assert_eq!(permissions.query(cap).reason, Some(DenyReason::Embargo));

    // Patch mode: the standard query (as a JS library on the page calls it) answers with the library's status.
    let probe = Function::new_no_args(
        "return navigator.permissions.query({ name: 'notifications' }).then((s) => {\
           globalThis.jpStatus = s; globalThis.jpChanges = 0;\
           s.addEventListener('change', () => { globalThis.jpChanges++; });\
           return [s.state, s.reason, s.name, s instanceof PermissionStatus, String(s)];\
         })",
    );
    let seen = JsFuture::from(Promise::from(probe.call0(&JsValue::NULL).unwrap())).await.expect("the patched query");
    let seen: Vec<String> = js_sys::Array::from(&seen).iter().map(|v| v.as_string().unwrap_or_else(|| format!("{v:?}"))).collect();
    assert_eq!(&seen[..3], ["denied", "embargo", "notifications"], "the patched query's status: {seen:?}");
    assert!(seen[3] == "JsValue(true)" || seen[3] == "true", "instanceof PermissionStatus: {seen:?}");
    assert_eq!(seen[4], "[object PermissionStatus]");

    // Two minutes later by the clock given (the browser's clock is decades before the embargo's end).
    now.set((T + 120_000) as f64);
    let after = permissions.query(cap);
    assert_eq!(after.state, State::Prompt, "after the embargo by the given clock: {after:?}");
    // The patched status heard the change, once, and reads the new state.
    assert!(wait_until(2000, || global("jpChanges").as_f64() == Some(1.0)).await, "change events: {:?}", global("jpChanges"));
    assert_eq!(Reflect::get(&global("jpStatus"), &"state".into()).unwrap().as_string().as_deref(), Some("prompt"));
}
