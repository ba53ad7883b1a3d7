//! Browser tests of the pre-prompt, the recovery help, the controls panel and the strings.
//!
//! Run: `wasm-pack test --headless --chrome -- --test web_ui` (or `--firefox`, `--safari`).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use jit_permissions::core::types::{
    Capability, Choice, DenyReason, GrantKind, Millis, State, Status,
};
use jit_permissions::web::dialog::{
    pre_prompt, recovery, PromptContent, PromptImage, RecoveryCloser,
};
use jit_permissions::web::panel::{Panel, PanelHost};
use jit_permissions::web::strings::{BrowserFamily, Key, Strings};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;
use wasm_bindgen_test::*;
use web_sys::{Document, Element, Event, HtmlDialogElement, HtmlElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

fn hosts(kind: &str) -> Vec<Element> {
    let list = doc()
        .query_selector_all(&format!("[data-jit-permissions=\"{kind}\"]"))
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect()
}

async fn tick() {
    TimeoutFuture::new(0).await;
}

async fn root_of(kind: &str) -> ShadowRoot {
    for _ in 0..100 {
        if let Some(host) = hosts(kind).last() {
            return host.shadow_root().expect("open shadow root");
        }
        tick().await;
    }
    panic!("no {kind} host appeared");
}

fn q(root: &ShadowRoot, selector: &str) -> HtmlElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into()
        .unwrap()
}

fn count(root: &ShadowRoot, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

type Outcome = Rc<RefCell<Option<Result<Choice, JsValue>>>>;

fn open(cap: Capability, content: PromptContent) -> Outcome {
    open_in(cap, content, Strings::resolve(Some("en"), &[]))
}

fn open_in(cap: Capability, content: PromptContent, strings: Strings) -> Outcome {
    let out: Outcome = Rc::default();
    let slot = out.clone();
    spawn_local(async move {
        let result = pre_prompt(cap, &content, &strings).await;
        *slot.borrow_mut() = Some(result);
    });
    out
}

async fn outcome(out: &Outcome) -> Choice {
    for _ in 0..100 {
        if let Some(r) = out.borrow_mut().take() {
            return r.expect("pre_prompt failed");
        }
        tick().await;
    }
    panic!("the pre-prompt did not resolve");
}

#[wasm_bindgen_test]
async fn each_button_resolves_its_choice_and_the_dialog_goes_away() {
    for (selector, expected) in [
        ("[data-choice=allow-once]", Choice::AllowOnce),
        ("[data-choice=allow-always]", Choice::AllowAlways),
        ("[data-choice=dont-allow]", Choice::DontAllow),
    ] {
        let out = open(Capability::Camera, PromptContent::default());
        let root = root_of("pre-prompt").await;
        let dialog: HtmlDialogElement = q(&root, "dialog").dyn_into().unwrap();
        assert!(dialog.open());
        assert!(dialog.matches(":modal").unwrap_or(true));
        q(&root, selector).click();
        assert_eq!(outcome(&out).await, expected);
        assert!(hosts("pre-prompt").is_empty(), "host removed after closing");
    }
}

#[wasm_bindgen_test]
async fn buttons_are_stacked_in_chrome_order_with_chrome_words() {
    let out = open(Capability::Microphone, PromptContent::default());
    let root = root_of("pre-prompt").await;
    let buttons = root.query_selector_all("[part~=choices] button").unwrap();
    let texts: Vec<String> = (0..buttons.length())
        .map(|i| buttons.item(i).unwrap().text_content().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["Allow this time", "Allow on every visit", "Don't allow"]
    );
    for part in ["allow-once", "allow-always", "dont-allow"] {
        assert_eq!(count(&root, &format!("[part~=button][part~={part}]")), 1);
    }
    q(&root, "[data-choice=dont-allow]").click();
    assert_eq!(outcome(&out).await, Choice::DontAllow);
}

#[wasm_bindgen_test]
async fn escape_dismisses() {
    let out = open(Capability::Geolocation, PromptContent::default());
    let root = root_of("pre-prompt").await;
    // Esc makes the browser fire `cancel` on the modal dialog.
    q(&root, "dialog")
        .dispatch_event(&Event::new("cancel").unwrap())
        .unwrap();
    assert_eq!(outcome(&out).await, Choice::Dismiss);
    assert!(hosts("pre-prompt").is_empty());
}

#[wasm_bindgen_test]
async fn close_button_dismisses() {
    let out = open(Capability::Notifications, PromptContent::default());
    let root = root_of("pre-prompt").await;
    let close = q(&root, "[part~=close]");
    assert_eq!(close.get_attribute("aria-label").as_deref(), Some("Close"));
    assert_eq!(
        close.get_attribute("data-choice").as_deref(),
        Some("dismiss")
    );
    close.click();
    assert_eq!(outcome(&out).await, Choice::Dismiss);
}

#[wasm_bindgen_test]
async fn backdrop_click_dismisses_but_a_click_on_the_content_does_not() {
    let out = open(Capability::Camera, PromptContent::default());
    let root = root_of("pre-prompt").await;
    q(&root, "[part=reason]").click();
    q(&root, "[part=title]").click();
    tick().await;
    tick().await;
    assert!(
        out.borrow().is_none(),
        "a click on the content is not a dismissal"
    );
    // A click whose target is the dialog itself, outside its box: the backdrop.
    q(&root, "dialog").click();
    assert_eq!(outcome(&out).await, Choice::Dismiss);
}

#[wasm_bindgen_test]
async fn focus_moves_into_the_dialog_and_is_restored() {
    let d = doc();
    let trigger: HtmlElement = d.create_element("button").unwrap().dyn_into().unwrap();
    trigger.set_text_content(Some("Take a photo"));
    d.body().unwrap().append_child(&trigger).unwrap();
    trigger.focus().unwrap();
    assert_eq!(d.active_element().as_ref(), Some(trigger.as_ref()));

    let out = open(Capability::Camera, PromptContent::default());
    let root = root_of("pre-prompt").await;
    let first = q(&root, "[data-choice=allow-once]");
    assert_eq!(
        root.active_element().as_ref(),
        Some(first.as_ref()),
        "focus on the first button"
    );
    first.click();
    assert_eq!(outcome(&out).await, Choice::AllowOnce);
    assert_eq!(
        d.active_element().as_ref(),
        Some(trigger.as_ref()),
        "focus restored"
    );
    trigger.remove();
}

#[wasm_bindgen_test]
async fn caller_strings_are_text_never_markup() {
    let evil = "<img src=x onerror=alert(1)>";
    let content = PromptContent {
        title: Some(evil.into()),
        reason: Some("<b>bold</b><script>alert(2)</script>".into()),
        image: None,
    };
    let out = open(Capability::Camera, content);
    let root = root_of("pre-prompt").await;
    assert_eq!(
        q(&root, "[part=title]").text_content().as_deref(),
        Some(evil)
    );
    assert_eq!(
        q(&root, "[part=reason]").text_content().as_deref(),
        Some("<b>bold</b><script>alert(2)</script>")
    );
    assert_eq!(count(&root, "img"), 0);
    assert_eq!(count(&root, "b, script"), 0);
    assert_eq!(count(&root, "style, [style]"), 0, "no inline styles (CSP)");
    assert_eq!(
        root.adopted_style_sheets().length(),
        1,
        "one adopted stylesheet"
    );
    q(&root, "[data-choice=dont-allow]").click();
    assert_eq!(outcome(&out).await, Choice::DontAllow);
}

#[wasm_bindgen_test]
async fn the_picture_is_an_img_with_alt() {
    let content = PromptContent {
        title: None,
        reason: None,
        image: Some(PromptImage {
            src: "data:image/gif;base64,R0lGODlhAQABAAAAACw=".into(),
            alt: "A photo being tagged with a place".into(),
        }),
    };
    let out = open(Capability::Geolocation, content);
    let root = root_of("pre-prompt").await;
    assert_eq!(count(&root, "img"), 1);
    let img = q(&root, "img[part=image]");
    assert_eq!(
        img.get_attribute("alt").as_deref(),
        Some("A photo being tagged with a place")
    );
    assert!(img
        .get_attribute("src")
        .unwrap()
        .starts_with("data:image/gif"));
    // Built-in text when the caller gives none.
    assert_eq!(
        q(&root, "[part=title]").text_content().as_deref(),
        Some("Use your location?")
    );
    q(&root, "[data-choice=allow-always]").click();
    assert_eq!(outcome(&out).await, Choice::AllowAlways);
}

#[wasm_bindgen_test]
async fn dialog_is_named_and_described() {
    let content = PromptContent {
        title: Some("Add your location to this photo?".into()),
        reason: Some("We tag the photo with the place you took it.".into()),
        image: None,
    };
    let out = open(Capability::Geolocation, content);
    let root = root_of("pre-prompt").await;
    let dialog = q(&root, "dialog");
    assert_eq!(dialog.get_attribute("part").as_deref(), Some("dialog"));
    assert_eq!(
        dialog.get_attribute("data-capability").as_deref(),
        Some("geolocation")
    );
    let labelled = dialog.get_attribute("aria-labelledby").unwrap();
    let described = dialog.get_attribute("aria-describedby").unwrap();
    let title = root.get_element_by_id(&labelled).unwrap();
    let reason = root.get_element_by_id(&described).unwrap();
    assert_eq!(
        title.text_content().as_deref(),
        Some("Add your location to this photo?")
    );
    assert_eq!(
        reason.text_content().as_deref(),
        Some("We tag the photo with the place you took it.")
    );
    let icon = root.query_selector("svg[part=icon]").unwrap().unwrap();
    assert_eq!(icon.get_attribute("aria-hidden").as_deref(), Some("true"));
    q(&root, "[data-choice=allow-once]").click();
    assert_eq!(outcome(&out).await, Choice::AllowOnce);
}

#[wasm_bindgen_test]
async fn built_in_text_is_in_its_language_and_site_text_in_the_page_language() {
    let html = doc().document_element().unwrap();
    let before = html.get_attribute("lang");
    html.set_attribute("lang", "en").unwrap();
    let content = PromptContent {
        title: Some("Scan a receipt?".into()),
        reason: None,
        image: None,
    };
    let out = open_in(
        Capability::Camera,
        content,
        Strings::resolve(None, &["ja-JP".to_string()]),
    );
    let root = root_of("pre-prompt").await;
    assert_eq!(
        q(&root, "dialog").get_attribute("lang").as_deref(),
        Some("ja")
    );
    assert_eq!(
        q(&root, "[part=title]").get_attribute("lang").as_deref(),
        Some("en")
    );
    assert_eq!(q(&root, "[part=reason]").get_attribute("lang"), None);
    assert_eq!(
        q(&root, "[data-choice=allow-once]")
            .text_content()
            .as_deref(),
        Some("今回のみ許可")
    );
    assert_eq!(
        q(&root, "[part~=close]")
            .get_attribute("aria-label")
            .as_deref(),
        Some("閉じる")
    );
    q(&root, "[part~=close]").click();
    assert_eq!(outcome(&out).await, Choice::Dismiss);
    match before {
        Some(l) => html.set_attribute("lang", &l).unwrap(),
        None => html.remove_attribute("lang").unwrap(),
    }
}

#[wasm_bindgen_test]
async fn two_dialogs_at_once_do_not_confuse_each_other() {
    let first = open(Capability::Camera, PromptContent::default());
    let _ = root_of("pre-prompt").await;
    let second = open(Capability::Microphone, PromptContent::default());
    for _ in 0..100 {
        if hosts("pre-prompt").len() == 2 {
            break;
        }
        tick().await;
    }
    let all = hosts("pre-prompt");
    assert_eq!(all.len(), 2);
    let root2 = all[1].shadow_root().unwrap();
    q(&root2, "[data-choice=allow-always]").click();
    assert_eq!(outcome(&second).await, Choice::AllowAlways);
    assert!(first.borrow().is_none());
    let root1 = hosts("pre-prompt")[0].shadow_root().unwrap();
    q(&root1, "[data-choice=dont-allow]").click();
    assert_eq!(outcome(&first).await, Choice::DontAllow);
    assert!(hosts("pre-prompt").is_empty());
}

fn open_recovery(
    cap: Capability,
    closer: &RecoveryCloser,
) -> Rc<RefCell<Option<Result<(), JsValue>>>> {
    let out: Rc<RefCell<Option<Result<(), JsValue>>>> = Rc::default();
    let slot = out.clone();
    let closer = closer.clone();
    spawn_local(async move {
        let strings = Strings::resolve(Some("en"), &[]);
        let r = recovery(cap, BrowserFamily::Firefox, &strings, &closer).await;
        *slot.borrow_mut() = Some(r);
    });
    out
}

async fn wait_done(out: &Rc<RefCell<Option<Result<(), JsValue>>>>) {
    for _ in 0..100 {
        if let Some(r) = out.borrow_mut().take() {
            return r.expect("recovery failed");
        }
        tick().await;
    }
    panic!("the recovery help did not resolve");
}

#[wasm_bindgen_test]
async fn recovery_shows_steps_and_closes_from_outside() {
    let closer = RecoveryCloser::new();
    let out = open_recovery(Capability::Camera, &closer);
    let root = root_of("recovery").await;
    let dialog = q(&root, "dialog");
    assert!(dialog.dyn_ref::<HtmlDialogElement>().unwrap().open());
    let title = root
        .get_element_by_id(&dialog.get_attribute("aria-labelledby").unwrap())
        .unwrap();
    assert_eq!(
        title.text_content().as_deref(),
        Some("Your browser blocks the camera for this site")
    );
    assert!(root
        .get_element_by_id(&dialog.get_attribute("aria-describedby").unwrap())
        .is_some());
    assert!(count(&root, "ol[part=steps] > li") >= 3);
    assert!(q(&root, "ol").text_content().unwrap().contains("Camera"));
    assert_eq!(
        root.active_element().as_ref(),
        Some(q(&root, "[data-action=close]").as_ref())
    );
    closer.close();
    wait_done(&out).await;
    assert!(closer.is_closed());
    assert!(hosts("recovery").is_empty());
}

#[wasm_bindgen_test]
async fn recovery_close_button_and_escape_close_it() {
    let closer = RecoveryCloser::new();
    let out = open_recovery(Capability::Notifications, &closer);
    let root = root_of("recovery").await;
    let close = q(&root, "[data-action=close]");
    assert_eq!(close.text_content().as_deref(), Some("Close"));
    close.click();
    wait_done(&out).await;
    assert!(closer.is_closed());
    assert!(hosts("recovery").is_empty());

    let closer = RecoveryCloser::new();
    let out = open_recovery(Capability::Microphone, &closer);
    let root = root_of("recovery").await;
    q(&root, "dialog")
        .dispatch_event(&Event::new("cancel").unwrap())
        .unwrap();
    wait_done(&out).await;
    assert!(hosts("recovery").is_empty());
}

#[wasm_bindgen_test]
fn strings_pick_the_locale_and_reject_unknown_keys() {
    let langs = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        Strings::resolve(None, &langs(&["de-DE", "en-US"])).locale(),
        "de"
    );
    assert_eq!(
        Strings::resolve(None, &langs(&["pt-BR", "fr"])).locale(),
        "fr"
    );
    assert_eq!(Strings::resolve(None, &langs(&["es-419"])).locale(), "es");
    assert_eq!(Strings::resolve(None, &langs(&["ja"])).locale(), "ja");
    assert_eq!(Strings::resolve(None, &langs(&["nl", "ko"])).locale(), "en");
    assert_eq!(
        Strings::resolve(Some("fr-CH"), &langs(&["de"])).locale(),
        "fr"
    );
    assert_eq!(
        Strings::resolve(None, &langs(&["de"])).get(Key::DontAllow),
        "Nicht zulassen"
    );
    let mut s = Strings::resolve(None, &[]);
    assert!(s
        .set_override("noSuchKey", "x".into())
        .unwrap_err()
        .contains("noSuchKey"));
    s.set_override("cameraTitle", "Scan a document?".into())
        .unwrap();
    assert_eq!(s.title(Capability::Camera), "Scan a document?");
    assert!(Strings::keys().contains(&"allowOnce"));
    let _ = Strings::from_navigator(None).locale();
    let _ = BrowserFamily::current();
}

#[derive(Default)]
struct Recorder(RefCell<Vec<(&'static str, Capability)>>);

impl PanelHost for Recorder {
    fn revoke(&self, cap: Capability) {
        self.0.borrow_mut().push(("revoke", cap));
    }
    fn reset(&self, cap: Capability) {
        self.0.borrow_mut().push(("reset", cap));
    }
    fn help(&self, cap: Capability) {
        self.0.borrow_mut().push(("help", cap));
    }
}

fn now() -> Millis {
    js_sys::Date::now() as Millis
}

fn one_time(expires_at: Millis) -> Status {
    Status {
        state: State::Granted,
        grant: Some(GrantKind::OneTime),
        expires_at: Some(expires_at),
        reason: None,
        ..Status::default()
    }
}

fn denied(reason: DenyReason) -> Status {
    Status {
        state: State::Denied,
        grant: None,
        expires_at: None,
        reason: Some(reason),
        ..Status::default()
    }
}

#[wasm_bindgen_test]
async fn panel_lists_capabilities_counts_down_and_calls_the_host() {
    let d = doc();
    let parent = d.create_element("div").unwrap();
    d.body().unwrap().append_child(&parent).unwrap();
    let rec = Rc::new(Recorder::default());
    let panel = Panel::mount(
        &parent,
        Rc::new(Strings::resolve(Some("en"), &[])),
        rec.clone(),
    )
    .unwrap();
    let root = parent
        .query_selector("[data-jit-permissions=controls]")
        .unwrap()
        .unwrap()
        .shadow_root()
        .unwrap();
    assert_eq!(root.adopted_style_sheets().length(), 1);

    let rows = root.query_selector_all("li[part=row]").unwrap();
    assert_eq!(rows.length(), 4);
    let order: Vec<String> = (0..4)
        .map(|i| {
            rows.item(i)
                .unwrap()
                .dyn_into::<Element>()
                .unwrap()
                .get_attribute("data-capability")
                .unwrap()
        })
        .collect();
    assert_eq!(
        order,
        ["camera", "microphone", "geolocation", "notifications"]
    );
    let list = q(&root, "ul");
    let name = root
        .get_element_by_id(&list.get_attribute("aria-labelledby").unwrap())
        .unwrap();
    assert_eq!(name.text_content().as_deref(), Some("Site permissions"));

    let t = now();
    panel.update(
        &[
            (Capability::Camera, one_time(t + 57_599_000)),
            (Capability::Geolocation, denied(DenyReason::Browser)),
            (Capability::Notifications, denied(DenyReason::User)),
        ],
        t,
    );
    let camera = q(&root, "li[data-capability=camera]");
    assert_eq!(
        camera.get_attribute("data-state").as_deref(),
        Some("granted")
    );
    assert_eq!(
        camera.get_attribute("data-grant").as_deref(),
        Some("one-time")
    );
    assert_eq!(
        q(&root, "li[data-capability=camera] [part=state]")
            .text_content()
            .as_deref(),
        Some("Allowed")
    );
    assert_eq!(
        q(&root, "li[data-capability=camera] [part=detail]")
            .text_content()
            .as_deref(),
        Some("This time")
    );
    let time = q(&root, "li[data-capability=camera] [part=time-left]");
    assert_eq!(time.text_content().as_deref(), Some("Expires in 15:59:59"));
    assert!(!time.hidden());
    assert!(q(&root, "li[data-capability=microphone] [part=time-left]").hidden());
    assert_eq!(
        q(&root, "li[data-capability=geolocation] [part=detail]")
            .text_content()
            .as_deref(),
        Some("Blocked in your browser")
    );

    let revoke = q(&root, "[data-action=revoke][data-capability=camera]");
    assert_eq!(
        revoke.get_attribute("aria-label").as_deref(),
        Some("Revoke Camera")
    );
    assert_eq!(revoke.get_attribute("aria-disabled"), None);
    revoke.click();
    // Not applicable: nothing happens.
    q(&root, "[data-action=revoke][data-capability=microphone]").click();
    q(&root, "[data-action=reset][data-capability=microphone]").click();
    let help = q(&root, "[data-action=help][data-capability=geolocation]");
    assert!(!help.hidden());
    assert!(q(&root, "[data-action=help][data-capability=camera]").hidden());
    help.click();
    q(&root, "[data-action=reset][data-capability=notifications]").click();
    assert_eq!(
        *rec.0.borrow(),
        [
            ("revoke", Capability::Camera),
            ("help", Capability::Geolocation),
            ("reset", Capability::Notifications)
        ]
    );

    // Live countdown from the panel's own timer.
    let t = now();
    panel.update(&[(Capability::Camera, one_time(t + 10_000))], t);
    assert_eq!(time.text_content().as_deref(), Some("Expires in 0:00:10"));
    TimeoutFuture::new(2_300).await;
    let text = time.text_content().unwrap();
    // The timer ticks once a second, in its own phase: 1.3 to 2.3 s have been counted.
    assert!(
        [
            "Expires in 0:00:09",
            "Expires in 0:00:08",
            "Expires in 0:00:07"
        ]
        .contains(&text.as_str()),
        "{text}"
    );

    // Focus stays on a button whose action no longer applies.
    revoke.focus().unwrap();
    panel.update(&[(Capability::Camera, Status::default())], now());
    assert_eq!(
        revoke.get_attribute("aria-disabled").as_deref(),
        Some("true")
    );
    assert_eq!(root.active_element().as_ref(), Some(revoke.as_ref()));
    assert!(q(&root, "li[data-capability=camera] [part=time-left]").hidden());

    drop(panel);
    assert!(
        parent
            .query_selector("[data-jit-permissions]")
            .unwrap()
            .is_none(),
        "removed on drop"
    );
    parent.remove();
}
