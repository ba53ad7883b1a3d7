//! Browser tests of the UI through the Rust API, the English page: the recovery help (see `web_ui.rs`).
//!
//! Run: `wasm-pack test --headless --chrome -- --test web_ui_help` (or `--firefox`, `--safari`).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use jit_permissions::Capability;
use wasm_bindgen_futures::spawn_local;
use wasm_bindgen_test::*;
use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use jit_permissions::State;
use wasm_bindgen::JsCast;
use web_sys::{Event, HtmlDialogElement};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn help_shows_what_applies_and_stays_until_the_person_closes_it() {
    let permissions = install("help", Some("en"), &[]).await;
    assert_eq!(permissions.query(Capability::Microphone).state, State::Prompt);
    let closed = Rc::new(RefCell::new(false));
    {
        let (permissions, closed) = (permissions.clone(), closed.clone());
        spawn_local(async move {
            permissions.help(Capability::Microphone).await.expect("the help");
            *closed.borrow_mut() = true;
        });
    }
    let root = root_of("recovery").await;
    let dialog: HtmlDialogElement = q(&root, "dialog").dyn_into().unwrap();
    // Nothing blocks the microphone: the help says the site asks first, with no steps to unblock.
    assert_eq!(root.host().get_attribute("data-cause").as_deref(), Some("prompt"));
    assert_eq!(text(&root, "[part~=title]"), "This site asks before it uses the microphone");
    assert_eq!(root.query_selector_all("[part~=step]").unwrap().length(), 0);
    q(&root, "[data-action=close]").click();
    dialog.dispatch_event(&Event::new("cancel").unwrap()).unwrap();
    tick().await;
    assert!(dialog.open() && !*closed.borrow(), "script-made events closed the help");
    // It stays until the person closes it (only a real click or key does, which this test cannot make: the page
    // tests do, tests/pages/recovery.test.js); it no longer closes by itself.
    TimeoutFuture::new(1500).await;
    assert!(dialog.open() && !*closed.borrow(), "the help closed by itself");
    clear();
    assert!(hosts("recovery").is_empty());
}
