//! Browser tests of the UI through the Rust API: `Permissions` gets `src/ui/ui.js` and the locale
//! modules as wasm-bindgen snippets, with no set-up. The UI's own behaviour under a person's real
//! clicks and keys is tested in `tests/pages/ui.test.js` (wasm-bindgen-test cannot make trusted
//! events); here: the snippets load, the locale and the overrides reach the dialogs and the panel,
//! an unknown string key is a `TypeError`, and script-made events decide nothing.
//!
//! Run: `wasm-pack test --headless --chrome -- --test web_ui` (or `--firefox`, `--safari`).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use jit_permissions::{Capability, InstallOptions, Permissions, PromptContent, State, Status};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use wasm_bindgen_test::*;
use web_sys::{Document, Element, Event, HtmlDialogElement, HtmlElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn hosts(kind: &str) -> Vec<Element> {
    let list = doc().query_selector_all(&format!("[data-jit-permissions=\"{kind}\"]")).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect()
}

async fn tick() {
    TimeoutFuture::new(10).await;
}

/// The shadow root of the newest host of `kind`, once there is one.
async fn root_of(kind: &str) -> ShadowRoot {
    for _ in 0..300 {
        if let Some(host) = hosts(kind).last() {
            return host.shadow_root().expect("open shadow root");
        }
        tick().await;
    }
    panic!("no {kind} host appeared");
}

fn q(root: &ShadowRoot, selector: &str) -> HtmlElement {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}")).dyn_into().unwrap()
}

fn text(root: &ShadowRoot, selector: &str) -> String {
    q(root, selector).text_content().unwrap_or_default()
}

/// A fresh installation with its own storage key.
async fn install(key: &str, locale: Option<&str>, strings: &[(&str, &str)]) -> Permissions {
    Permissions::install(InstallOptions {
        locale: locale.map(String::from),
        strings: strings.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        storage_key: Some(format!("jp-web-ui-{key}")),
        ..Default::default()
    })
    .await
    .expect("install")
}

/// Removes every dialog host this test left open (its request then never settles, harmlessly).
fn clear() {
    for host in hosts("pre-prompt").into_iter().chain(hosts("recovery")) {
        host.remove();
    }
}

#[wasm_bindgen_test]
async fn an_unknown_string_key_is_a_type_error_naming_it() {
    let err = Permissions::install(InstallOptions {
        strings: vec![("noSuchKey".into(), "x".into())],
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
            let content = PromptContent { title: Some("Scan a receipt?".into()), reason: None, image: None };
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
    assert_eq!(root.adopted_style_sheets().length(), 1);

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
    let panel = permissions.controls(&parent).expect("controls");
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
    parent.remove();
}

#[wasm_bindgen_test]
async fn help_shows_what_applies_and_stays_until_the_person_closes_it() {
    let permissions = install("help", Some("en"), &[]).await;
    assert_eq!(permissions.query(Capability::Microphone).state, State::Prompt);
    let closed = Rc::new(RefCell::new(false));
    {
        let (permissions, closed) = (permissions.clone(), closed.clone());
        spawn_local(async move {
            permissions.help(Capability::Microphone).await;
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
