//! Small DOM helpers shared by the pre-prompt, the recovery help and the controls panel:
//! element building (text only, never markup), the shadow host with the shared constructed
//! stylesheet, RAII event listeners, the capability icons, focus helpers and a one-shot slot
//! that an event handler fills and an `async fn` awaits.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    CssStyleSheet, Document, Element, Event, EventTarget, HtmlElement, Node, ShadowRoot,
};

use crate::core::types::{Capability, Choice};

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// The stylesheet of every shadow root, constructed once (no `<style>`, no `style=`: CSP-safe).
const CSS: &str = include_str!("ui.css");

thread_local! {
    static SHEET: RefCell<Option<CssStyleSheet>> = const { RefCell::new(None) };
}

/// The document of the window.
pub(crate) fn document() -> Result<Document, JsValue> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("jit-permissions: no document"))
}

/// Creates `<tag>` with attributes and appends it to `parent`.
pub(crate) fn el(
    doc: &Document,
    parent: &Node,
    tag: &str,
    attrs: &[(&str, &str)],
) -> Result<Element, JsValue> {
    let e = doc.create_element(tag)?;
    for (k, v) in attrs {
        e.set_attribute(k, v)?;
    }
    parent.append_child(&e)?;
    Ok(e)
}

/// Creates `<tag>` with attributes and `text` as its text content (never parsed as markup).
pub(crate) fn text_el(
    doc: &Document,
    parent: &Node,
    tag: &str,
    attrs: &[(&str, &str)],
    text: &str,
) -> Result<Element, JsValue> {
    let e = el(doc, parent, tag, attrs)?;
    e.set_text_content(Some(text));
    Ok(e)
}

/// Sets the text content only when it differs (no needless DOM mutation, no flicker).
pub(crate) fn set_text(e: &Element, text: &str) {
    if e.text_content().as_deref() != Some(text) {
        e.set_text_content(Some(text));
    }
}

/// Sets (`Some`) or removes (`None`) an attribute, only when it differs.
pub(crate) fn set_attr(e: &Element, name: &str, value: Option<&str>) {
    if e.get_attribute(name).as_deref() != value {
        let _ = match value {
            Some(v) => e.set_attribute(name, v),
            None => e.remove_attribute(name),
        };
    }
}

/// A detached `<div data-jit-permissions="{kind}">` with an open shadow root that adopts the
/// shared stylesheet.
pub(crate) fn shadow_host(doc: &Document, kind: &str) -> Result<(Element, ShadowRoot), JsValue> {
    let host = doc.create_element("div")?;
    host.set_attribute("data-jit-permissions", kind)?;
    let root = host.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))?;
    let sheet = SHEET.with(|cell| {
        let mut cell = cell.try_borrow_mut().ok()?;
        if cell.is_none() {
            let sheet = CssStyleSheet::new().ok()?;
            sheet.replace_sync(CSS).ok()?;
            *cell = Some(sheet);
        }
        cell.clone()
    });
    // Without constructable stylesheets the native dialog still works, unstyled.
    if let Some(sheet) = sheet {
        root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    }
    Ok((host, root))
}

/// An event listener that removes itself (and frees its closure) when dropped.
pub(crate) struct Listener {
    target: EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

impl Listener {
    /// Listens for `kind` events on `target`.
    pub(crate) fn new(
        target: &EventTarget,
        kind: &'static str,
        f: impl FnMut(Event) + 'static,
    ) -> Result<Listener, JsValue> {
        let callback = Closure::wrap_assert_unwind_safe(Box::new(f) as Box<dyn FnMut(Event)>);
        target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref())?;
        Ok(Listener {
            target: target.clone(),
            kind,
            callback,
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}

/// The element an event was dispatched to, if it is an element.
pub(crate) fn event_element(e: &Event) -> Option<Element> {
    e.target()?.dyn_into::<Element>().ok()
}

/// Appends the capability's icon (inline SVG, decorative). `blocked` adds a slash.
pub(crate) fn icon(
    doc: &Document,
    parent: &Node,
    cap: Capability,
    blocked: bool,
) -> Result<Element, JsValue> {
    let svg = doc.create_element_ns(Some(SVG_NS), "svg")?;
    for (k, v) in [
        ("viewBox", "0 0 24 24"),
        ("aria-hidden", "true"),
        ("focusable", "false"),
        ("class", "jp-icon"),
        ("part", "icon"),
    ] {
        svg.set_attribute(k, v)?;
    }
    let d = match cap {
        Capability::Camera => "M3 7h12v10H3zM15 10.5 21 7v10l-6-3.5",
        Capability::Microphone => "M9 6a3 3 0 0 1 6 0v5a3 3 0 0 1-6 0zM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8",
        Capability::Geolocation => "M12 21s-7-7-7-12a7 7 0 0 1 14 0c0 5-7 12-7 12zM12 6.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z",
        Capability::Notifications => "M6 16v-5a6 6 0 0 1 12 0v5l2 2H4zM10 21h4",
    };
    let mut paths = vec![d];
    if blocked {
        paths.push("M3 3l18 18");
    }
    for d in paths {
        let path = doc.create_element_ns(Some(SVG_NS), "path")?;
        path.set_attribute("d", d)?;
        svg.append_child(&path)?;
    }
    parent.append_child(&svg)?;
    Ok(svg)
}

/// The focused element, looking into open shadow roots.
pub(crate) fn deep_active_element(doc: &Document) -> Option<Element> {
    let mut active = doc.active_element()?;
    for _ in 0..16 {
        match active.shadow_root().and_then(|r| r.active_element()) {
            Some(inner) => active = inner,
            None => break,
        }
    }
    Some(active)
}

/// Focuses an element, if it can take focus.
pub(crate) fn focus(e: &Element) {
    if let Some(h) = e.dyn_ref::<HtmlElement>() {
        let _ = h.focus();
    }
}

/// A one-shot slot: an event handler settles it once, [`Wait`] resolves with the value.
#[derive(Default)]
pub(crate) struct Slot {
    value: Cell<Option<Choice>>,
    waker: Cell<Option<Waker>>,
}

impl Slot {
    /// Settles the slot; later calls are ignored.
    pub(crate) fn settle(&self, choice: Choice) {
        if self.value.get().is_none() {
            self.value.set(Some(choice));
            if let Some(w) = self.waker.take() {
                w.wake();
            }
        }
    }

    /// The value, once settled.
    pub(crate) fn get(&self) -> Option<Choice> {
        self.value.get()
    }
}

/// Resolves with the value of a [`Slot`] once it is settled.
pub(crate) struct Wait(pub(crate) Rc<Slot>);

impl Future for Wait {
    type Output = Choice;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Choice> {
        match self.0.value.get() {
            Some(c) => Poll::Ready(c),
            None => {
                self.0.waker.set(Some(cx.waker().clone()));
                Poll::Pending
            }
        }
    }
}
