//! How this page came: the browser's own signals, read once at start and again when the page
//! comes back from the back/forward cache. No single signal decides, because a site's
//! `Referrer-Policy` can hide the referrer, the Navigation API is not in every engine, and
//! browsers that stop firing `unload` leave its timing at zero:
//!
//! - the navigation timing entry's `type`: `reload` is a reload;
//! - `navigation.activation.from`, set by the Navigation API only when the previous document
//!   was of this origin;
//! - the navigation timing entry's `unloadEventStart`, non-zero only when the previous
//!   document was of this origin;
//! - for a plain navigation (`navigate`), a referrer of this origin;
//! - for a plain navigation, this tab's session storage: the page that left noted the link it
//!   followed or the form it submitted to a page of this origin, and this is that page (the
//!   one signal left in an engine without the Navigation API whose site hides referrers);
//! - for a restore from the back/forward cache, this tab's session storage: a later page of
//!   this origin left a mark there after this page left.
//!
//! A back/forward navigation is never judged by its referrer (it is the referrer of the
//! original navigation, not of the page left).

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};

use crate::core::{Arrival, ArrivalKind, Millis};

/// The session-storage key of this tab's last leave of a page of the origin.
const MARK: &str = "jit-permissions:left";
/// The session-storage key of the page of this origin this tab's last page set out for (a
/// link or a form), with when.
const INTENT: &str = "jit-permissions:to";
/// How long a noted link or form counts.
const INTENT_MS: f64 = 10_000.0;

fn get(target: &JsValue, key: &str) -> JsValue {
    if !target.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `navigation.activation.from` is set: the previous document was of this origin.
fn activation_from_this_origin() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let from = get(&get(&get(&window, "navigation"), "activation"), "from");
    from.is_object()
}

/// The navigation timing entry: its type and whether the previous document (of this origin)
/// ran its unload steps.
fn navigation_entry() -> (String, bool) {
    let Some(window) = web_sys::window() else {
        return (String::new(), false);
    };
    let performance = get(&window, "performance");
    let entry = Reflect::get(&performance, &"getEntriesByType".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call1(&performance, &"navigation".into()).ok())
        .map(|list| get(&list, "0"))
        .unwrap_or(JsValue::UNDEFINED);
    let kind = get(&entry, "type").as_string().unwrap_or_default();
    let unload = get(&entry, "unloadEventStart").as_f64().unwrap_or(0.0) > 0.0;
    (kind, unload)
}

/// `document.referrer` is a page of this origin.
fn referrer_from_this_origin() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let origin = window.location().origin().unwrap_or_default();
    let referrer = window.document().map(|d| d.referrer()).unwrap_or_default();
    !origin.is_empty()
        && origin != "null"
        && (referrer == origin || referrer.strip_prefix(origin.as_str()).is_some_and(|rest| rest.starts_with('/')))
}

/// The origin and path of a URL of this origin (`None` for another origin).
fn own_path(url: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let origin = location.origin().ok().filter(|o| !o.is_empty() && o != "null")?;
    let rest = url.strip_prefix(origin.as_str())?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let path = rest.split(['?', '#']).next().unwrap_or_default();
    let mut out = origin;
    out.push_str(if path.is_empty() { "/" } else { path });
    Some(out)
}

/// This document is the page of this origin that the last page in this tab set out for, a
/// moment ago (the note is used once).
fn intended() -> bool {
    let Some(s) = session() else { return false };
    let Some(note) = s.get_item(INTENT).ok().flatten() else { return false };
    let _ = s.remove_item(INTENT);
    let Some((target, at)) = note.rsplit_once(' ') else { return false };
    let here = web_sys::window().and_then(|w| w.location().href().ok()).and_then(|h| own_path(&h));
    let fresh = at.parse::<f64>().is_ok_and(|t| (js_sys::Date::now() - t).abs() < INTENT_MS);
    fresh && here.as_deref() == Some(target)
}

/// Notes, for the page that arrives, that this page sets out for a page of its own origin: a
/// trusted click on a link, or a form submitted. Called from `click` and `submit` listeners.
pub fn note_intent(event: &web_sys::Event) {
    if !event.is_trusted() {
        return;
    }
    let Some(target) = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    let url = if event.type_() == "submit" {
        get(&target, "action").as_string()
    } else {
        target.closest("a[href],area[href]").ok().flatten().and_then(|a| get(&a, "href").as_string())
    };
    let (Some(path), Some(s)) = (url.as_deref().and_then(own_path), session()) else { return };
    let mut note = path;
    note.push(' ');
    note.push_str(&digits(js_sys::Date::now() as u64));
    let _ = s.set_item(INTENT, &note);
}

/// Milliseconds since this document's navigation started.
fn since_navigation_start() -> Millis {
    let Some(window) = web_sys::window() else {
        return 0;
    };
    let performance = get(&window, "performance");
    Reflect::get(&performance, &"now".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(&performance).ok())
        .and_then(|t| t.as_f64())
        .filter(|t| t.is_finite() && *t > 0.0)
        .map_or(0, |t| t as Millis)
}

/// How this document arrived, with its navigation start on the clock that gave `now`.
pub fn on_load(now: Millis) -> Arrival {
    let (kind, unload) = navigation_entry();
    let same_origin = activation_from_this_origin() || unload;
    let intended = intended();
    let kind = match kind.as_str() {
        "reload" => ArrivalKind::Reload,
        "back_forward" if same_origin => ArrivalKind::SameOrigin,
        "back_forward" => ArrivalKind::Fresh,
        _ if same_origin || intended || referrer_from_this_origin() => ArrivalKind::SameOrigin,
        _ => ArrivalKind::Fresh,
    };
    Arrival {
        kind,
        at: now.saturating_sub(since_navigation_start()),
    }
}

/// How this page came back from the back/forward cache, having left at `left` (on the real
/// clock, `Date.now()`): from a page of this origin when the Navigation API says so, or when a
/// later page of this origin in this tab left its mark after this page left.
pub fn on_restore(now: Millis, left: Option<f64>) -> Arrival {
    let later_mark = match (read_mark(), left) {
        (Some(mark), Some(left)) => mark > left,
        _ => false,
    };
    let kind = if activation_from_this_origin() || later_mark {
        ArrivalKind::SameOrigin
    } else {
        ArrivalKind::Fresh
    };
    Arrival { kind, at: now }
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

fn read_mark() -> Option<f64> {
    session()?.get_item(MARK).ok().flatten()?.parse().ok()
}

/// Marks this tab's leave of a page of the origin (at `pagehide`); returns the time marked.
pub fn mark_leave() -> f64 {
    let t = js_sys::Date::now();
    if let Some(s) = session() {
        let _ = s.set_item(MARK, &digits(t as u64));
    }
    t
}

/// Decimal digits, without the formatting machinery.
fn digits(mut n: u64) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
