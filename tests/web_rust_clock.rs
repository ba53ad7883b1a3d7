//! Issue 24, item 3: `InstallOptions::clock` is the library's clock, as the JS option `clock` (a page of its own:
//! the clock is an install option of the page's one runtime). The clock is a fake one (the only way to move time in
//! a test), set far in the future so that the browser's own clock would give another answer.
//!
//! Run: `wasm-pack test --headless --chrome -- --test web_rust_clock` (or `--firefox`, `--safari`).
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::*;
use jit_permissions::{Capability, DenyReason, InstallOptions, Permissions, State};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Year 2096: far after the browser's own time.
const T: u64 = 4_000_000_000_000;

#[wasm_bindgen_test]
async fn the_clock_option_is_the_time_the_engine_reads() {
    let key = "jp-rust-clock";
    let now = Rc::new(Cell::new(T as f64));
    let clock = now.clone();
    let options = InstallOptions { storage_key: Some(key.into()), clock: Some(Rc::new(move || clock.get())), ..InstallOptions::default() };
    let permissions = Permissions::install(options).await.expect("install");
    let cap = Capability::Notifications;

    // Another page records an embargo of notifications until T + 1 minute (three dismissals).
    write_from_another_document(key, &format!("jp2|nd3e{}w{}", T + 60_000, T));
    assert!(wait_until(3000, || permissions.query(cap).state == State::Denied).await, "notifications: {:?}", permissions.query(cap));
    assert_eq!(permissions.query(cap).reason, Some(DenyReason::Embargo));

    // Two minutes later by the clock given (the browser's clock is decades before the embargo's end).
    now.set((T + 120_000) as f64);
    let after = permissions.query(cap);
    assert_eq!(after.state, State::Prompt, "after the embargo by the given clock: {after:?}");
}
