//! Browser tests of the UI through the Rust API: `Permissions` gets the UI modules (`src/ui/*.js`) and the locale
//! modules as wasm-bindgen snippets, with no set-up. The UI's own behaviour under a person's real
//! clicks and keys is tested in `tests/pages/ui.test.js` (wasm-bindgen-test cannot make trusted
//! events); here: the snippets load, the locale and the overrides reach the dialogs and the panel,
//! an unknown string key is a `TypeError`, and script-made events decide nothing.
//!
//! One page per install options (issue 24: a page has one runtime): this file the Japanese page, `web_ui_de.rs` the
//! German one with overrides, `web_ui_help.rs` the English one; helpers in `common/mod.rs`.
//!
//! Run: `wasm-pack test --headless --chrome -- --test web_ui` (or `--firefox`, `--safari`).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

mod common;

use common::*;
use jit_permissions::{Capability, InstallOptions, Permissions, PromptContent, State, Status};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use wasm_bindgen_test::*;
use web_sys::{Event, HtmlDialogElement};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn an_unknown_string_key_is_a_type_error_naming_it() {
    let err = Permissions::install(InstallOptions {
        strings: [("noSuchKey".to_string(), "x".to_string())].into(),
        storage_key: Some("jp-web-ui-keys".into()),
        ..Default::default()
    })
    .await
    .expect_err("an unknown key must be refused");
    assert_eq!(err.name(), "TypeError");
    assert!(err.message().contains("strings.noSuchKey"), "{}", err.message());
}

#[wasm_bindgen_test]
async fn the_pre_prompt_comes_from_the_bundled_ui_in_the_locale_and_ignores_script_clicks() {
    let permissions = install("pre-prompt", Some("ja"), &[]).await;
    assert_eq!(permissions.query(Capability::Camera).state, State::Prompt);
    let outcome: Rc<RefCell<Option<Status>>> = Rc::default();
    {
        let (permissions, outcome) = (permissions.clone(), outcome.clone());
        spawn_local(async move {
            let content = PromptContent { title: Some("Scan a receipt?".into()), ..PromptContent::default() };
            if let Ok(s) = permissions.request(Capability::Camera, content).await {
                *outcome.borrow_mut() = Some(s);
            }
        });
    }
    let root = root_of("pre-prompt").await;
    let dialog: HtmlDialogElement = q(&root, "dialog").dyn_into().unwrap();
    assert!(dialog.open());
    assert_eq!(dialog.get_attribute("data-capability").as_deref(), Some("camera"));
    assert_eq!(dialog.get_attribute("lang").as_deref(), Some("ja"));
    assert_eq!(text(&root, "[part~=title]"), "Scan a receipt?");
    assert_eq!(text(&root, "[data-choice=allow-once]"), "今回のみ許可");
    assert_eq!(text(&root, "[data-choice=dont-allow]"), "許可しない");
    assert_eq!(root.adopted_style_sheets().length(), 2, "the shared sheet (dom.js) and the pre-prompt's own");

    // Script-made clicks, cancel and close decide nothing: the dialog stays open, the request pending.
    for choice in ["allow-once", "allow-always", "dont-allow", "dismiss"] {
        q(&root, &format!("[data-choice={choice}]")).click();
    }
    for _ in 0..3 {
        dialog.dispatch_event(&Event::new("cancel").unwrap()).unwrap();
    }
    dialog.close();
    for _ in 0..10 {
        tick().await;
    }
    assert!(outcome.borrow().is_none(), "a script-made event answered the pre-prompt");
    assert!(dialog.open(), "the dialog is shown again after a script closed it");
    assert_eq!(permissions.query(Capability::Camera).state, State::Prompt);
    clear();
}

