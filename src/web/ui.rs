//! The UI port: how the runtime shows the pre-prompt, the recovery help and the controls panel.
//!
//! The UI itself is a JS module, `src/ui/ui.js`, with one small module per locale in
//! `src/ui/locales/`. It renders and reports the person's choice; every decision stays in Rust.
//! It is loaded on first need ([`UiPort::preload`]: a gated call starts it, before the status
//! check, and so does mounting the controls), so a page that asks nobody never fetches it:
//!
//! - the npm package: `js/index.js` hands the runtime a [`Loader`] whose `load(tag)` does
//!   `import('./ui.js')` and `import('./locales/<tag>.js')` (a bundler emits them as chunks);
//! - the Rust API: the same files as wasm-bindgen snippets ([`UiSource::Bundled`], see
//!   `rust_api.rs`): `ui.js` comes with the wasm, a locale is imported on first need; a crate
//!   user needs no set-up.
//!
//! What crosses is plain data: a request object in, the choice out (see `ui.js` for each shape).
//! Only what the first load needs stays here: the list of string keys (an unknown key in the
//! `strings` option is a `TypeError` at `install()`), the locale list and its resolution.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::runtime::{promise, spawn, Runtime};
use crate::core::{Capability, Choice, Input, Status};

/// What the pre-prompt says: every field optional, every field text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PromptContent {
    /// The heading; the capability's built-in title when `None` or blank.
    pub title: Option<String>,
    /// The site's reason in its own words; the built-in reason when `None` or blank.
    pub reason: Option<String>,
    /// A picture that shows the task.
    pub image: Option<PromptImage>,
}

/// A picture in the pre-prompt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PromptImage {
    /// The URL (set through `img.src`, never parsed as markup).
    pub src: String,
    /// The alternative text.
    pub alt: String,
}

#[wasm_bindgen]
extern "C" {
    /// The UI module's interface: `ui` in `src/ui/ui.js`.
    #[derive(Clone, Debug)]
    pub type Ui;
    /// The English strings, the fallback of every locale.
    #[wasm_bindgen(method, getter, structural)]
    fn en(this: &Ui) -> Object;
    #[wasm_bindgen(method, structural, js_name = prePrompt)]
    fn pre_prompt(this: &Ui, request: &Object) -> Promise;
    #[wasm_bindgen(method, structural)]
    fn recovery(this: &Ui, request: &Object) -> RecoveryView;
    #[wasm_bindgen(method, structural)]
    fn panel(this: &Ui, parent: &web_sys::Element, host: &Object, view: &Object) -> PanelView;

    /// An open recovery help.
    #[derive(Clone, Debug)]
    pub type RecoveryView;
    /// Resolves when the help closes (by the person, or by [`RecoveryView::close`]).
    #[wasm_bindgen(method, getter, structural)]
    pub fn closed(this: &RecoveryView) -> Promise;
    /// Closes the help.
    #[wasm_bindgen(method, structural)]
    pub fn close(this: &RecoveryView);

    /// A mounted controls panel.
    #[derive(Debug)]
    type PanelView;
    #[wasm_bindgen(method, structural)]
    fn update(this: &PanelView, statuses: &Array);
    #[wasm_bindgen(method, structural)]
    fn destroy(this: &PanelView);

    /// The npm package's loader (`js/index.js`): `load(tag)` resolves with `[ui, table]`, the UI
    /// module's `ui` and the strings of locale `tag` (`undefined` for English).
    #[derive(Clone, Debug)]
    pub type Loader;
    #[wasm_bindgen(method, structural)]
    fn load(this: &Loader, tag: &str) -> Promise;
}

/// Where the UI module comes from.
#[derive(Debug)]
pub enum UiSource {
    /// Imported on first need (the npm package).
    Lazy(Loader),
    /// The Rust API: the UI came with the wasm; the function resolves with `[ui, table]` for a
    /// locale tag (see `rust_api.rs`).
    Bundled(fn(&str) -> Promise),
}

/// The built-in locales: English (in `ui.js`), then one module each in `src/ui/locales/`.
pub const LOCALES: [&str; 5] = ["en", "de", "fr", "es", "ja"];

/// Every key of the `strings` option, in the order of `ui.js`'s English table.
const KEYS: &str = "allowOnce allowAlways dontAllow close cameraTitle cameraReason microphoneTitle \
microphoneReason geolocationTitle geolocationReason notificationsTitle notificationsReason cameraName \
microphoneName geolocationName notificationsName cameraBlocked microphoneBlocked geolocationBlocked \
notificationsBlocked recoveryIntro stepsChromium stepsFirefox stepsSafari stepsOther panelTitle stateGranted \
stateDenied statePrompt grantOneTime grantPersistent reasonBrowser reasonUser reasonEmbargo revoke reset help \
revokeLabel resetLabel helpLabel expiresIn";

/// Whether `key` is a key of the `strings` option.
pub fn is_string_key(key: &str) -> bool {
    // Byte slices, not `str::split`: no pattern machinery in the wasm for a fixed list.
    KEYS.as_bytes().split(|b| *b == b' ').any(|k| k == key.as_bytes())
}

/// The built-in locale of a language tag (`"de-CH"` gives `"de"`, `"es_MX"` `"es"`), if there is one.
fn locale_of(tag: &str) -> Option<&'static str> {
    // ASCII only, as language tags are: `str::trim` would bring Unicode's whitespace tables.
    let tag = tag.as_bytes();
    let start = tag.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(tag.len());
    let primary = tag[start..].split(|b| matches!(b, b'-' | b'_' | b' ')).next().unwrap_or(&[]);
    LOCALES.into_iter().find(|l| l.as_bytes().eq_ignore_ascii_case(primary))
}

/// The locale of the built-in strings: the explicit `locale` option, else the first supported of
/// `languages` (in `navigator.languages` order), else English.
pub fn resolve_locale(locale: Option<&str>, languages: &[String]) -> &'static str {
    locale
        .and_then(locale_of)
        .or_else(|| languages.iter().find_map(|l| locale_of(l)))
        .unwrap_or("en")
}

/// The browser family, for the recovery steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrowserFamily {
    /// Chrome, Edge, Chromium, Opera and other Chromium browsers.
    Chromium,
    /// Firefox.
    Firefox,
    /// Safari (and other WebKit browsers).
    Safari,
    /// Anything else.
    Other,
}

impl BrowserFamily {
    /// The family of a `navigator.userAgent` string.
    pub fn detect(user_agent: &str) -> BrowserFamily {
        // A byte-window search: `str::contains` would pull in a substring searcher and its
        // panic formatting (several KB of wasm).
        let has = |s: &str| user_agent.as_bytes().windows(s.len()).any(|w| w == s.as_bytes());
        if has("Firefox/") || has("FxiOS/") {
            BrowserFamily::Firefox
        } else if has("Chrome/") || has("Chromium/") || has("CriOS/") || has("Edg") || has("OPR/") {
            BrowserFamily::Chromium
        } else if has("Safari/") || has("AppleWebKit/") {
            BrowserFamily::Safari
        } else {
            BrowserFamily::Other
        }
    }

    /// The name `ui.js` knows it by.
    pub fn as_str(self) -> &'static str {
        match self {
            BrowserFamily::Chromium => "chromium",
            BrowserFamily::Firefox => "firefox",
            BrowserFamily::Safari => "safari",
            BrowserFamily::Other => "other",
        }
    }
}

/// An object with these properties.
fn object(fields: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&o, &JsValue::from_str(key), value);
    }
    o
}

fn text(s: &Option<String>) -> JsValue {
    s.as_deref().map(JsValue::from_str).unwrap_or(JsValue::UNDEFINED)
}

/// A status as `ui.js` reads it: `{ name, state, grant, expiresAt, reason }`.
fn status_object(cap: Capability, s: &Status) -> Object {
    object(&[
        ("name", cap.name().into()),
        ("state", s.state.as_str().into()),
        ("grant", s.grant.map(|g| JsValue::from_str(g.as_str())).unwrap_or(JsValue::NULL)),
        ("expiresAt", s.expires_at.map(|t| JsValue::from_f64(t as f64)).unwrap_or(JsValue::NULL)),
        ("reason", s.reason.map(|r| JsValue::from_str(r.as_str())).unwrap_or(JsValue::NULL)),
    ])
}

/// The runtime's side of the UI: loads it once (retrying after a failed load), resolves the
/// strings, and shows the views.
#[derive(Debug)]
pub struct UiPort {
    source: UiSource,
    locale: &'static str,
    /// The site's `strings` overrides, validated.
    overrides: Object,
    /// The load under way or done: a promise of `[ui, table]`.
    loading: RefCell<Option<Promise>>,
}

impl UiPort {
    /// A port for `locale` (already resolved) with the site's string overrides; an unknown key is
    /// a `TypeError` naming it.
    pub fn new(source: UiSource, locale: &'static str, overrides: &[(String, String)]) -> Result<UiPort, JsValue> {
        let table = Object::new();
        for (key, value) in overrides {
            if !is_string_key(key) {
                let mut m = String::from("jit-permissions: option 'strings.");
                m.push_str(key);
                m.push_str("' is not a known string key");
                return Err(super::options::type_error(&m));
            }
            let _ = Reflect::set(&table, &JsValue::from_str(key), &JsValue::from_str(value));
        }
        Ok(UiPort { source, locale, overrides: table, loading: RefCell::new(None) })
    }

    /// The locale of the built-in strings in use (`"en"`, `"de"`, `"fr"`, `"es"`, `"ja"`).
    pub fn locale(&self) -> &'static str {
        self.locale
    }

    /// Starts loading the UI and its locale, unless it is loading or loaded.
    pub fn preload(&self) {
        let _ = self.loading();
    }

    /// The load: started once, and again after a failure.
    fn loading(&self) -> Promise {
        let mut loading = self.loading.borrow_mut();
        loading
            .get_or_insert_with(|| match &self.source {
                UiSource::Lazy(loader) => loader.load(self.locale),
                UiSource::Bundled(bundled) => bundled(self.locale),
            })
            .clone()
    }

    /// Resolves once the UI has loaded (or with why it could not be).
    pub async fn ready(&self) -> Result<(), JsValue> {
        self.get().await.map(|_| ())
    }

    /// The UI and the resolved strings: English, then the locale's, then the site's overrides.
    async fn get(&self) -> Result<(Ui, Object), JsValue> {
        let loaded = match JsFuture::from(self.loading()).await {
            Ok(v) => v,
            Err(e) => {
                // A failed import (offline, a missing chunk) is tried again at the next need.
                self.loading.borrow_mut().take();
                return Err(e);
            }
        };
        let loaded: Array = loaded.unchecked_into();
        let ui: Ui = loaded.get(0).unchecked_into();
        let table: Object = match loaded.get(1) {
            t if t.is_object() => t.unchecked_into(),
            _ => Object::new(),
        };
        let strings = Object::assign_many(&Object::new(), &[ui.en(), table, self.overrides.clone()])?;
        Ok((ui, strings))
    }

    /// Shows one pre-prompt for `caps` and resolves with the person's choice.
    pub async fn pre_prompt(&self, caps: &[Capability], content: &PromptContent) -> Result<Choice, JsValue> {
        let (ui, strings) = self.get().await?;
        let list = Array::new();
        for cap in caps {
            list.push(&object(&[("name", cap.name().into()), ("optional", JsValue::FALSE)]));
        }
        let image = match &content.image {
            Some(i) => object(&[("src", i.src.as_str().into()), ("alt", i.alt.as_str().into())]).into(),
            None => JsValue::UNDEFINED,
        };
        let request = object(&[
            ("capabilities", list.into()),
            ("title", text(&content.title)),
            ("reason", text(&content.reason)),
            ("image", image),
            ("lang", self.locale.into()),
            ("strings", strings.into()),
        ]);
        let result = JsFuture::from(ui.pre_prompt(&request)).await?;
        let choice = Reflect::get(&result, &"choice".into()).ok().and_then(|c| c.as_string());
        Ok([Choice::AllowOnce, Choice::AllowAlways, Choice::DontAllow]
            .into_iter()
            .find(|c| choice.as_deref() == Some(c.as_str()))
            .unwrap_or(Choice::Dismiss))
    }

    /// Shows how to unblock `cap` in this browser; the returned view closes from outside too.
    pub async fn recovery(&self, cap: Capability) -> Result<RecoveryView, JsValue> {
        let (ui, strings) = self.get().await?;
        let user_agent = web_sys::window().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default();
        let request = object(&[
            ("capability", cap.name().into()),
            ("cause", "browser".into()),
            ("browser", BrowserFamily::detect(&user_agent).as_str().into()),
            ("lang", self.locale.into()),
            ("strings", strings.into()),
        ]);
        Ok(ui.recovery(&request))
    }
}

/// What a mounted panel shares with the runtime's update hook and its buttons.
#[derive(Default)]
struct PanelState {
    view: RefCell<Option<PanelView>>,
    /// The buttons' callbacks (revoke, reset, help), alive while the panel is.
    callbacks: RefCell<Vec<Closure<dyn FnMut(JsValue)>>>,
    destroyed: Cell<bool>,
}

/// The controls panel of one `controls(element)`: mounted once the UI has loaded, kept up to date
/// by a hook on the runtime; dropping it (or [`Controls::destroy`]) removes it.
pub struct Controls {
    state: Rc<PanelState>,
    _hook: Rc<dyn Fn()>,
    ready: Promise,
}

impl std::fmt::Debug for Controls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Controls")
    }
}

impl Controls {
    /// Mounts the panel at the end of `element` as soon as the UI has loaded (at once when it has).
    pub fn mount(rt: &Rc<Runtime>, element: &web_sys::Element) -> Controls {
        let state: Rc<PanelState> = Rc::default();
        let (weak_rt, weak_state) = (Rc::downgrade(rt), Rc::downgrade(&state));
        let hook: Rc<dyn Fn()> = Rc::new(move || {
            let (Some(rt), Some(state)) = (weak_rt.upgrade(), weak_state.upgrade()) else { return };
            let statuses = Array::new();
            for cap in Capability::ALL {
                statuses.push(&status_object(cap, &rt.status(cap)));
            }
            if let Some(view) = state.view.borrow().as_ref() {
                view.update(&statuses);
            };
        });
        rt.on_update.borrow_mut().push(Rc::downgrade(&hook));
        let (rt, element, panel, weak_hook) = (Rc::downgrade(rt), element.clone(), state.clone(), Rc::downgrade(&hook));
        let ready = promise(async move {
            match mount(rt, element, panel, weak_hook).await {
                Ok(mounted) => Ok(JsValue::from_bool(mounted)),
                Err(e) => {
                    web_sys::console::warn_2(&"jit-permissions: the controls panel could not be shown:".into(), &e);
                    Ok(JsValue::FALSE)
                }
            }
        });
        Controls { state, _hook: hook, ready }
    }

    /// Resolves with `true` once the panel is in the page, or `false` when it never will be
    /// (destroyed first, or the UI could not be loaded: a console warning says why).
    pub fn ready(&self) -> Promise {
        self.ready.clone()
    }

    /// Removes the panel and its listeners. Idempotent.
    pub fn destroy(&self) {
        self.state.destroyed.set(true);
        if let Some(view) = self.state.view.borrow_mut().take() {
            view.destroy();
        }
        self.state.callbacks.borrow_mut().clear();
    }
}

impl Drop for Controls {
    fn drop(&mut self) {
        self.destroy();
    }
}

/// Loads the UI, then builds the panel with its buttons wired to the runtime. `Ok(false)` when
/// the panel was destroyed (or the runtime dropped) first.
async fn mount(rt: Weak<Runtime>, element: web_sys::Element, state: Rc<PanelState>, hook: Weak<dyn Fn()>) -> Result<bool, JsValue> {
    let Some(runtime) = rt.upgrade() else { return Ok(false) };
    let (ui, strings) = runtime.ui.get().await?;
    if state.destroyed.get() {
        return Ok(false);
    }
    let action = |what: fn(&Rc<Runtime>, Capability)| {
        let rt = rt.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |name: JsValue| {
            let cap = name.as_string().and_then(|n| Capability::from_name(&n));
            if let (Some(rt), Some(cap)) = (rt.upgrade(), cap) {
                what(&rt, cap);
            }
        })
    };
    let callbacks = vec![
        action(|rt, cap| rt.input(Input::Revoke(cap))),
        action(|rt, cap| rt.input(Input::Reset(cap))),
        action(|rt, cap| {
            let rt = rt.clone();
            spawn(async move { rt.help(cap).await })
        }),
    ];
    let host = object(&[
        ("revoke", callbacks[0].as_ref().clone()),
        ("reset", callbacks[1].as_ref().clone()),
        ("help", callbacks[2].as_ref().clone()),
        ("now", runtime.clock().map(|f| f.clone().into()).unwrap_or(JsValue::UNDEFINED)),
    ]);
    let view = object(&[("lang", runtime.ui.locale().into()), ("strings", strings.into())]);
    *state.view.borrow_mut() = Some(ui.panel(&element, &host, &view));
    *state.callbacks.borrow_mut() = callbacks;
    drop(runtime);
    if let Some(hook) = hook.upgrade() {
        hook();
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(l: &[&str]) -> Vec<String> {
        l.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn locale_is_resolved() {
        assert_eq!(resolve_locale(None, &[]), "en");
        assert_eq!(resolve_locale(None, &langs(&["de-DE", "en"])), "de");
        assert_eq!(resolve_locale(None, &langs(&["nl", "fr-CA"])), "fr");
        assert_eq!(resolve_locale(None, &langs(&["es_MX"])), "es");
        assert_eq!(resolve_locale(None, &langs(&["zh", "JA"])), "ja");
        assert_eq!(resolve_locale(None, &langs(&["nl", "pt"])), "en");
        assert_eq!(resolve_locale(None, &langs(&["en-GB", "de"])), "en");
        assert_eq!(resolve_locale(Some("ja-JP"), &langs(&["de"])), "ja");
        assert_eq!(resolve_locale(Some("fr-CH"), &langs(&["de"])), "fr");
        assert_eq!(resolve_locale(Some("xx"), &langs(&["es"])), "es");
        assert_eq!(resolve_locale(Some(""), &[]), "en");
        assert_eq!(resolve_locale(Some("  DE-at "), &[]), "de");
        assert_eq!(resolve_locale(Some("jap"), &langs(&["x", "es-"])), "es");
    }

    #[test]
    fn string_keys_are_known() {
        assert_eq!(KEYS.split(' ').count(), 41);
        for key in ["allowOnce", "close", "stepsOther", "helpLabel", "expiresIn"] {
            assert!(is_string_key(key), "{key}");
        }
        for key in ["allowTwice", "", "allowonce", "allowOnce "] {
            assert!(!is_string_key(key), "{key:?}");
        }
    }

    #[test]
    fn browsers_are_detected() {
        use BrowserFamily::*;
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0";
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        let safari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
        let minibrowser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15";
        let opera = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 OPR/112.0";
        assert_eq!(BrowserFamily::detect(chrome), Chromium);
        assert_eq!(BrowserFamily::detect(edge), Chromium);
        assert_eq!(BrowserFamily::detect(opera), Chromium);
        assert_eq!(BrowserFamily::detect(firefox), Firefox);
        assert_eq!(BrowserFamily::detect(safari), Safari);
        assert_eq!(BrowserFamily::detect(minibrowser), Safari);
        assert_eq!(BrowserFamily::detect("curl/8.0"), Other);
        assert_eq!(BrowserFamily::detect(""), Other);
        assert_eq!(Chromium.as_str(), "chromium");
    }
}
