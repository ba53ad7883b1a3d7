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
    let kind = match kind.as_str() {
        "reload" => ArrivalKind::Reload,
        "back_forward" if same_origin => ArrivalKind::SameOrigin,
        "back_forward" => ArrivalKind::Fresh,
        _ if same_origin || referrer_from_this_origin() => ArrivalKind::SameOrigin,
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
