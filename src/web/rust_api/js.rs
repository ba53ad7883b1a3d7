//! The Rust API's seam with the JS runtime: the shapes that cross it through serde-wasm-bindgen, and the JS modules
//! it imports (the runtime, the UI's loader) or only declares so that wasm-bindgen writes them beside the glue.

use super::*;

/// Prompt content as the JS runtime takes it (`promptContent()`'s `content`).
#[derive(Serialize)]
pub(super) struct ContentJs<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) image: Option<ImageJs<'a>>,
}

#[derive(Serialize)]
pub(super) struct ImageJs<'a> {
    pub(super) src: &'a str,
    pub(super) alt: &'a str,
}

impl<'a> From<&'a PromptContent> for ContentJs<'a> {
    fn from(c: &'a PromptContent) -> ContentJs<'a> {
        let image = c.image.as_ref().map(|i| ImageJs { src: &i.src, alt: &i.alt });
        ContentJs { title: c.title.as_deref(), reason: c.reason.as_deref(), image }
    }
}

/// The install options as the JS `parseOptions()` takes them (the engine's durations stay in Rust).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct OptionsJs<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) locale: Option<&'a str>,
    pub(super) strings: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) storage_key: Option<&'a str>,
    pub(super) prompts: BTreeMap<&'static str, ContentJs<'a>>,
    pub(super) indicator: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) heading_level: Option<u8>,
    pub(super) patch: bool,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub(super) clock: JsValue,
}

/// A status object of the JS runtime.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub(super) struct StatusJs {
    pub(super) state: String,
    pub(super) grant: Option<String>,
    pub(super) expires_at: Option<f64>,
    pub(super) reason: Option<String>,
    pub(super) last_decision: Option<String>,
    pub(super) decided_at: Option<f64>,
}

/// An audit record of the JS runtime.
#[derive(Deserialize)]
pub(super) struct AuditJs {
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) name: String,
    #[serde(with = "serde_wasm_bindgen::preserve", default)]
    pub(super) detail: JsValue,
}

pub(super) fn to_js<T: Serialize>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true)).unwrap_or(JsValue::UNDEFINED)
}

pub(super) fn content_js(c: &PromptContent) -> JsValue {
    to_js(&ContentJs::from(c))
}



// The browser layer for Rust callers is the npm package's own (`src/runtime/runtime.js`), and the UI (`src/ui/`),
// as wasm-bindgen snippets, which wasm-bindgen copies next to the crate user's glue, so nothing needs setting up.
// Only this code path refers to them: the npm package's glue imports none. The glue imports runtime.js and
// bundled.js at start; bundled.js imports the tasks (tasks.js, with the pre-prompt), the other UIs (recovery, panel,
// indicator, chip), a locale and the capability elements on first need, as the npm package does, from the copies
// that the declarations below make wasm-bindgen write
// (declared, never used, so the glue does not import them).
#[wasm_bindgen(module = "/src/runtime/runtime.js")]
extern "C" {
    #[derive(Debug)]
    pub(super) type Runtime;
    #[wasm_bindgen(js_name = parseOptions, catch)]
    pub(super) fn parse_options(value: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = createRuntime, catch)]
    pub(super) fn create_runtime(make_engine: &JsValue, options: &JsValue, hooks: &JsValue, loader: &JsValue) -> Result<Runtime, JsValue>;
    #[wasm_bindgen(method)]
    pub(super) fn start(this: &Runtime) -> Promise;
    #[wasm_bindgen(method)]
    pub(super) fn check(this: &Runtime);
    #[wasm_bindgen(method)]
    pub(super) fn status(this: &Runtime, index: u32) -> JsValue;
    #[wasm_bindgen(method)]
    pub(super) fn request(this: &Runtime, required: u32, optional: u32, content: &JsValue, reconsider: bool) -> Promise;
    #[wasm_bindgen(method, js_name = getUserMedia)]
    pub(super) fn get_user_media(this: &Runtime, constraints: &JsValue, content: &JsValue, reconsider: bool) -> Promise;
    #[wasm_bindgen(method, js_name = getCurrentPosition)]
    pub(super) fn get_current_position(this: &Runtime, options: &JsValue, content: &JsValue, reconsider: bool) -> Promise;
    #[wasm_bindgen(method, js_name = watchPosition)]
    pub(super) fn watch_position(this: &Runtime, success: &JsValue, error: &JsValue, options: &JsValue, content: &JsValue, reconsider: bool) -> Promise;
    #[wasm_bindgen(method, js_name = clearWatch)]
    pub(super) fn clear_watch(this: &Runtime, id: i32);
    #[wasm_bindgen(method, js_name = requestNotifications)]
    pub(super) fn request_notifications(this: &Runtime, content: &JsValue, reconsider: bool) -> Promise;
    #[wasm_bindgen(method)]
    pub(super) fn revoke(this: &Runtime, index: u32);
    #[wasm_bindgen(method)]
    pub(super) fn reset(this: &Runtime, index: u32);
    #[wasm_bindgen(method)]
    pub(super) fn help(this: &Runtime, index: u32) -> Promise;
    /// The controls panel, or with `indicator` the in-use indicator (`None`: floating).
    #[wasm_bindgen(method)]
    pub(super) fn view(this: &Runtime, element: Option<&web_sys::Element>, indicator: bool) -> PanelHandle;

    #[derive(Debug)]
    pub(super) type PanelHandle;
    #[wasm_bindgen(method, getter)]
    pub(super) fn ready(this: &PanelHandle) -> Promise;
    #[wasm_bindgen(method)]
    pub(super) fn destroy(this: &PanelHandle);
}
#[wasm_bindgen(module = "/src/ui/bundled.js")]
extern "C" {
    /// The loader the runtime takes: `tasks()`, `view(name)` and `locale(tag)`, each an import() on first need.
    #[wasm_bindgen(thread_local_v2, js_name = loader)]
    pub(super) static LOADER: JsValue;
    #[wasm_bindgen(js_name = defineElements)]
    pub(super) fn define_elements_js(runtime: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = warn)]
    pub(super) fn warn(message: &str);
    #[wasm_bindgen(js_name = patchPage)]
    pub(super) fn patch_page(parsed: &JsValue, hooks: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = attach)]
    pub(super) fn attach(runtime: Option<&Runtime>, error: &JsValue);
}

/// A status object of the JS runtime, read back.
pub(super) fn status_of(o: &JsValue) -> Status {
    let s: StatusJs = serde_wasm_bindgen::from_value(o.clone()).unwrap_or_default();
    let time = |t: Option<f64>| t.map(|t| t as u64);
    Status {
        state: s.state.parse().unwrap_or_default(),
        grant: s.grant.and_then(|g| g.parse().ok()),
        expires_at: time(s.expires_at),
        reason: s.reason.and_then(|r| r.parse().ok()),
        last_decision: s.last_decision.and_then(|c| c.parse().ok()),
        decided_at: time(s.decided_at),
    }
}

/// An audit record of the JS runtime, read back.
pub(super) fn audit_of(o: &JsValue) -> Option<AuditEvent> {
    let a: AuditJs = serde_wasm_bindgen::from_value(o.clone()).ok()?;
    let cap = a.name.parse().ok()?;
    let text = a.detail.as_string().unwrap_or_default();
    fn parsed<T: std::str::FromStr>(text: &str) -> Option<T> {
        text.parse().ok()
    }
    Some(match a.kind.as_str() {
        "prompt-shown" => AuditEvent::PromptShown(cap),
        "decision" => AuditEvent::Decision(cap, parsed(&text)?),
        "expiry" => AuditEvent::Expired(cap, parsed(&text)?),
        "revocation" => AuditEvent::Revoked(cap, parsed(&text)?),
        "reset" => AuditEvent::Reset(cap),
        "embargo" => AuditEvent::EmbargoStarted(cap, a.detail.as_f64()? as u64),
        "blocked" => AuditEvent::Blocked(cap, parsed(&text)?),
        "declined" => AuditEvent::Declined(cap),
        _ => return None,
    })
}

/// The engine's durations and counts as the JS runtime keeps them (`parseOptions().config`), so that a JS
/// `install()` on the same page compares its options with these.
pub(super) fn config_js(c: &Config) -> JsValue {
    to_js(&[
        c.max_lifetime as f64,
        c.hidden_timeout as f64,
        c.embargo_dismissals as f64,
        c.embargo_duration as f64,
        c.unused_after.map_or(f64::NAN, |t| t as f64),
    ])
}

/// The hooks the JS runtime reports through.
#[derive(Serialize)]
pub(super) struct HooksJs {
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub(super) status: JsValue,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub(super) audit: JsValue,
}

/// Declares JS modules that only the JS side imports (`"path" => an export`, one each), never used from Rust, so that
/// wasm-bindgen writes each beside the glue (as a snippet) without the glue importing it at start: the runtime loads
/// them with import() on first need (src/ui/bundled.js), or another snippet imports them. A file the Rust path
/// imports that is not listed here is missing beside the crate user's glue: the wasm tests that load it fail
/// (tests/web_rust_*.rs, tests/web_ui*.rs).
macro_rules! beside_the_glue {
    ($($name:ident: $path:tt => $export:tt;)*) => {$(
        #[allow(dead_code)]
        #[wasm_bindgen(module = $path)]
        extern "C" {
            #[wasm_bindgen(thread_local_v2, js_name = $export)]
            static $name: JsValue;
        }
    )*};
}

beside_the_glue! {
    TASKS: "/src/runtime/tasks.js" => Tasks;
    POLYFILL: "/src/runtime/patch.js" => polyfill;
    ELEMENTS: "/src/elements/elements.js" => JitGeolocationElement;
    CODES: "/src/runtime/codes.js" => NAMES;
    DE: "/src/ui/locales/de.js" => default;
    FR: "/src/ui/locales/fr.js" => default;
    ES: "/src/ui/locales/es.js" => default;
    JA: "/src/ui/locales/ja.js" => default;
    ELEMENTS_SHARED: "/src/elements/shared.js" => REASONS;
    ELEMENTS_GUARDS: "/src/elements/guards.js" => live;
    ELEMENTS_STYLE: "/src/elements/style.js" => CSS;
    ELEMENTS_NATIVE: "/src/elements/native.js" => nativeTag;
    CORE: "/src/runtime/core.js" => RuntimeCore;
    STATUS: "/src/runtime/status.js" => JitPermissionStatus;
    OPTIONS: "/src/runtime/options.js" => KEYS;
    BROWSER: "/src/runtime/browser.js" => MARK;
    DIALOGS: "/src/runtime/dialogs.js" => Dialogs;
    ERRORS: "/src/runtime/errors.js" => notAllowed;
    CALLS: "/src/runtime/calls.js" => Calls;
    CONTROLS: "/src/runtime/controls.js" => mount;
    STATUSES: "/src/runtime/statuses.js" => statuses;
    INUSE: "/src/runtime/inuse.js" => mount;
    HELP: "/src/runtime/help.js" => showRecovery;
    UI_DOM: "/src/ui/dom.js" => CAPS;
    UI_PROMPT: "/src/ui/prompt.js" => prePrompt;
    UI_RECOVERY: "/src/ui/recovery.js" => recovery;
    UI_PANEL: "/src/ui/panel.js" => panel;
    UI_INDICATOR: "/src/ui/indicator.js" => indicator;
    UI_CHIP: "/src/ui/chip.js" => chip;
}
