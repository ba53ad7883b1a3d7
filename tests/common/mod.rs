//! What the browser tests of the UI through the Rust API share (tests/web_ui*.rs). Each of those files is a page of
//! its own (wasm-bindgen-test runs a test binary in one page), because a page has one runtime (issue 24) and the
//! locale and strings are its install options.
#![allow(dead_code)]

use gloo_timers::future::TimeoutFuture;
use jit_permissions::{InstallOptions, Permissions};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, ShadowRoot};

pub fn doc() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

pub fn hosts(kind: &str) -> Vec<Element> {
    let list = doc().query_selector_all(&format!("[data-jit-permissions=\"{kind}\"]")).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect()
}

pub async fn tick() {
    TimeoutFuture::new(10).await;
}

/// The shadow root of the newest host of `kind`, once there is one.
pub async fn root_of(kind: &str) -> ShadowRoot {
    for _ in 0..300 {
        if let Some(host) = hosts(kind).last() {
            return host.shadow_root().expect("open shadow root");
        }
        tick().await;
    }
    panic!("no {kind} host appeared");
}

pub fn q(root: &ShadowRoot, selector: &str) -> HtmlElement {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}")).dyn_into().unwrap()
}

pub fn text(root: &ShadowRoot, selector: &str) -> String {
    q(root, selector).text_content().unwrap_or_default()
}

/// The page's one installation (each test file is a page of its own: the locale and the strings are the page's).
pub async fn install(key: &str, locale: Option<&str>, strings: &[(&str, &str)]) -> Permissions {
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
pub fn clear() {
    for host in hosts("pre-prompt").into_iter().chain(hosts("recovery")) {
        host.remove();
    }
}


/// Writes `text` under `key` from another document of the origin (a same-origin frame), so that the browser fires
/// `storage` in this page, as when another tab writes the record.
pub fn write_from_another_document(key: &str, text: &str) {
    use js_sys::{Function, Reflect};
    let frame = doc().create_element("iframe").unwrap();
    doc().body().unwrap().append_child(&frame).unwrap();
    let win = Reflect::get(&frame, &"contentWindow".into()).unwrap();
    let storage = Reflect::get(&win, &"localStorage".into()).unwrap();
    let set_item: Function = Reflect::get(&storage, &"setItem".into()).unwrap().dyn_into().unwrap();
    set_item.call2(&storage, &key.into(), &text.into()).unwrap();
    frame.remove();
}

/// Waits until `cond` holds (polling every 25 ms, at most `ms`).
pub async fn wait_until(ms: u32, cond: impl Fn() -> bool) -> bool {
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
