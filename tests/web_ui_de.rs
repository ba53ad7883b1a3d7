//! Browser tests of the UI through the Rust API, the German page with string overrides (see `web_ui.rs`).
//!
//! Run: `wasm-pack test --headless --chrome -- --test web_ui_de` (or `--firefox`, `--safari`).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use jit_permissions::Capability;
use wasm_bindgen_futures::spawn_local;
use wasm_bindgen_test::*;
use jit_permissions::PromptContent;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn overrides_apply_on_top_of_the_locale_in_the_dialog_and_the_panel() {
    let permissions = install("overrides", Some("de"), &[("allowOnce", "Nur jetzt"), ("panelTitle", "Rechte")]).await;
    {
        let permissions = permissions.clone();
        spawn_local(async move {
            let _ = permissions.request(Capability::Microphone, PromptContent::default()).await;
        });
    }
    let root = root_of("pre-prompt").await;
    assert_eq!(text(&root, "[data-choice=allow-once]"), "Nur jetzt");
    assert_eq!(text(&root, "[data-choice=allow-always]"), "Bei jedem Besuch zulassen");
    assert_eq!(text(&root, "[part~=title]"), "Ihr Mikrofon verwenden?");
    clear();

    let parent = doc().create_element("div").unwrap();
    doc().body().unwrap().append_child(&parent).unwrap();
    let panel = permissions.controls(&parent);
    let mut root = None;
    for _ in 0..300 {
        root = parent.query_selector("[data-jit-permissions=controls]").unwrap().and_then(|h| h.shadow_root());
        if root.is_some() {
            break;
        }
        tick().await;
    }
    let root = root.expect("the panel mounted from Rust");
    assert_eq!(text(&root, "[part~=panel-title]"), "Rechte");
    assert_eq!(root.query_selector_all("li[part~=row]").unwrap().length(), 4);
    assert_eq!(text(&root, "li[data-capability=camera] [part~=name]"), "Kamera");
    assert_eq!(
        q(&root, "li[data-capability=camera]").get_attribute("data-state").as_deref(),
        Some(permissions.query(Capability::Camera).state.as_str())
    );
    drop(panel);
    assert!(parent.query_selector("[data-jit-permissions]").unwrap().is_none(), "removed on drop");
    // forget() keeps it mounted without a value to hold.
    permissions.controls(&parent).forget();
    tick().await;
    assert!(parent.query_selector("[data-jit-permissions=controls]").unwrap().is_some(), "kept after forget()");
    parent.remove();
}

