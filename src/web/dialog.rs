//! The pre-prompt and the recovery help: modal native `<dialog>`s in open shadow roots.
//!
//! Every caller-supplied string goes into the DOM as text (`textContent`, `alt`, `src`), never
//! as markup. Styles come from one constructed stylesheet adopted by each shadow root, so the
//! dialogs work under `style-src 'self'` without `'unsafe-inline'`. Themable with `--jp-*`
//! custom properties and `::part()` names.
//!
//! DOM (pre-prompt):
//!
//! ```text
//! <div data-jit-permissions="pre-prompt">  #shadow-root (open)
//!   <dialog part="dialog" data-capability="camera" aria-labelledby="jp-title" aria-describedby="jp-reason">
//!     <div class="jp-body">
//!       <svg part="icon" aria-hidden="true">
//!       <h2 id="jp-title" part="title">            <p id="jp-reason" part="reason">
//!       <img part="image" src alt>                 (only when a picture is given)
//!       <div part="choices">
//!         <button data-choice="allow-once" part="button allow-once">
//!         <button data-choice="allow-always" part="button allow-always">
//!         <button data-choice="dont-allow" part="button dont-allow">
//!       <button data-choice="dismiss" part="close" aria-label="Close">×
//! ```
//!
//! The recovery help is `<div data-jit-permissions="recovery">` with the same dialog, an
//! `<ol part="steps">` and a `<button data-action="close" part="button close">`.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlDialogElement, HtmlImageElement, MouseEvent, Node};

use super::strings::{BrowserFamily, Key, Strings};
use super::ui_dom::{
    deep_active_element, document, el, event_element, focus, icon, shadow_host, text_el, Listener,
    Slot, Wait,
};
use crate::core::types::{Capability, Choice};

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

/// An open modal dialog. Dropping it removes its listeners, closes the dialog, removes the
/// host element and gives focus back to what had it before.
struct Modal {
    host: Element,
    dialog: HtmlDialogElement,
    body: Element,
    restore: Option<Element>,
    listeners: Vec<Listener>,
}

impl Modal {
    /// Builds the host, its shadow root, the dialog and its body (not yet shown).
    fn new(kind: &str, cap: Capability, lang: &str) -> Result<Modal, JsValue> {
        let doc = document()?;
        let (host, root) = shadow_host(&doc, kind)?;
        let dialog: HtmlDialogElement = el(
            &doc,
            &root,
            "dialog",
            &[
                ("class", "jp-dialog"),
                ("part", "dialog"),
                ("data-capability", cap.name()),
                ("lang", lang),
                ("aria-labelledby", "jp-title"),
                ("aria-describedby", "jp-reason"),
            ],
        )?
        .dyn_into()?;
        let body = el(
            &doc,
            &dialog,
            "div",
            &[("class", "jp-body"), ("part", "body")],
        )?;
        Ok(Modal {
            host,
            dialog,
            body,
            restore: None,
            listeners: Vec::new(),
        })
    }

    /// Shows the dialog modally, moves focus to `first`, and settles `slot` from its controls:
    /// a `[data-choice]` button gives its choice, any other `[data-action]` button, Esc
    /// (`cancel`), a backdrop click or a `close` from elsewhere give [`Choice::Dismiss`].
    fn show(&mut self, first: &Element, slot: &Rc<Slot>) -> Result<(), JsValue> {
        let doc = document()?;
        self.restore = deep_active_element(&doc);
        doc.body()
            .ok_or_else(|| JsValue::from_str("jit-permissions: no body"))?
            .append_child(&self.host)?;

        // A press that starts inside the content and ends on the backdrop is not a dismissal.
        let pressed_inside = Rc::new(Cell::new(false));
        let dialog: Node = self.dialog.clone().into();
        let target = self.dialog.clone().into();
        {
            let pressed_inside = pressed_inside.clone();
            let dialog = dialog.clone();
            self.listeners
                .push(Listener::new(&target, "mousedown", move |e| {
                    let on_dialog =
                        event_element(&e).is_some_and(|t| dialog.is_same_node(Some(&t)));
                    pressed_inside.set(!on_dialog);
                })?);
        }
        {
            let slot = slot.clone();
            let dialog = self.dialog.clone();
            self.listeners
                .push(Listener::new(&target, "click", move |e| {
                    let Some(t) = event_element(&e) else { return };
                    if let Ok(Some(button)) = t.closest("[data-choice],[data-action]") {
                        let choice = match button.get_attribute("data-choice").as_deref() {
                            Some("allow-once") => Choice::AllowOnce,
                            Some("allow-always") => Choice::AllowAlways,
                            Some("dont-allow") => Choice::DontAllow,
                            _ => Choice::Dismiss,
                        };
                        slot.settle(choice);
                    } else if dialog.is_same_node(Some(&t)) && !pressed_inside.replace(false) {
                        // The content fills the dialog box, so a click on the dialog itself is on its
                        // padding or border (ignored) or on the backdrop (a dismissal).
                        let r = dialog.get_bounding_client_rect();
                        let (x, y) = match e.dyn_ref::<MouseEvent>() {
                            Some(m) => (m.client_x() as f64, m.client_y() as f64),
                            None => (-1.0, -1.0),
                        };
                        if x < r.left() || x > r.right() || y < r.top() || y > r.bottom() {
                            slot.settle(Choice::Dismiss);
                        }
                    }
                })?);
        }
        for kind in ["cancel", "close"] {
            let slot = slot.clone();
            self.listeners.push(Listener::new(&target, kind, move |_| {
                slot.settle(Choice::Dismiss)
            })?);
        }
        self.dialog.show_modal()?;
        focus(first);
        Ok(())
    }
}

impl Drop for Modal {
    fn drop(&mut self) {
        self.listeners.clear();
        if self.dialog.open() {
            self.dialog.close();
        }
        self.host.remove();
        if let Some(e) = self.restore.take() {
            if e.is_connected() {
                focus(&e);
            }
        }
    }
}

/// `Some(text)` unless missing or blank.
fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.trim().is_empty())
}

/// The dialog's title and description (the elements `aria-labelledby` and `aria-describedby`
/// name), as text.
fn heading(doc: &Document, body: &Node, title: &str, reason: &str) -> Result<(Element, Element), JsValue> {
    let title = text_el(doc, body, "h2", &[("id", "jp-title"), ("class", "jp-title"), ("part", "title")], title)?;
    let reason = text_el(doc, body, "p", &[("id", "jp-reason"), ("class", "jp-reason"), ("part", "reason")], reason)?;
    Ok((title, reason))
}

/// Shows the pre-prompt for `cap` and resolves with the person's choice: one of the three
/// buttons, or [`Choice::Dismiss`] for the × button, Esc or a click on the backdrop.
///
/// The choice is settled inside the click handler; the native request that follows an allow
/// still runs within the click's user activation when the caller continues at once after
/// the `await` (activation lasts several seconds). Dropping the future closes the dialog.
pub async fn pre_prompt(
    cap: Capability,
    content: &PromptContent,
    strings: &Strings,
) -> Result<Choice, JsValue> {
    let doc = document()?;
    let mut modal = Modal::new("pre-prompt", cap, strings.locale())?;
    let body: Node = modal.body.clone().into();
    icon(&doc, &body, cap, false)?;
    // The dialog is in the language of the built-in strings; the site's own text is marked
    // with the page's language, so that a screen reader pronounces each correctly.
    let page_lang = doc
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .filter(|l| !l.is_empty());
    let mark = |e: &Element| {
        if let Some(l) = &page_lang {
            let _ = e.set_attribute("lang", l);
        }
    };
    let (title, reason) = heading(&doc, &body, strings.title(cap), strings.reason(cap))?;
    if let Some(text) = given(&content.title) {
        title.set_text_content(Some(text));
        mark(&title);
    }
    if let Some(text) = given(&content.reason) {
        reason.set_text_content(Some(text));
        mark(&reason);
    }
    if let Some(image) = content.image.as_ref().filter(|i| !i.src.trim().is_empty()) {
        let img: HtmlImageElement = el(
            &doc,
            &body,
            "img",
            &[("class", "jp-image"), ("part", "image")],
        )?
        .dyn_into()?;
        mark(&img);
        img.set_alt(&image.alt);
        img.set_src(&image.src);
    }
    let choices = el(
        &doc,
        &body,
        "div",
        &[("class", "jp-choices"), ("part", "choices")],
    )?;
    let mut first = None;
    for (choice, part, key) in [
        ("allow-once", "button allow-once", Key::AllowOnce),
        ("allow-always", "button allow-always", Key::AllowAlways),
        ("dont-allow", "button dont-allow", Key::DontAllow),
    ] {
        let b = text_el(
            &doc,
            &choices,
            "button",
            &[
                ("type", "button"),
                ("class", "jp-btn"),
                ("part", part),
                ("data-choice", choice),
            ],
            strings.get(key),
        )?;
        first.get_or_insert(b);
    }
    text_el(
        &doc,
        &body,
        "button",
        &[
            ("type", "button"),
            ("class", "jp-close"),
            ("part", "close"),
            ("data-choice", "dismiss"),
            ("aria-label", strings.get(Key::Close)),
        ],
        "\u{d7}",
    )?;
    let slot = Rc::new(Slot::default());
    modal.show(&first.unwrap_or(choices), &slot)?;
    let choice = Wait(slot).await;
    drop(modal);
    Ok(choice)
}

/// Closes a recovery help from outside (for instance when the capability is seen unblocked).
/// Clones share the same dialog; a closer serves one [`recovery`] call.
#[derive(Clone, Default)]
pub struct RecoveryCloser {
    slot: Rc<Slot>,
}

impl std::fmt::Debug for RecoveryCloser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.is_closed() {
            "RecoveryCloser(closed)"
        } else {
            "RecoveryCloser(open)"
        })
    }
}

impl RecoveryCloser {
    /// A closer for a recovery help not shown yet.
    pub fn new() -> RecoveryCloser {
        RecoveryCloser::default()
    }

    /// Closes the recovery help (at once if shown; it is then never shown if not yet).
    pub fn close(&self) {
        self.slot.settle(Choice::Dismiss);
    }

    /// Whether the help was closed, by the person or by [`RecoveryCloser::close`].
    pub fn is_closed(&self) -> bool {
        self.slot.get().is_some()
    }
}

/// Shows how to unblock `cap` in this browser, and resolves when the person closes it (Close
/// button, Esc, backdrop) or when `closer` closes it. Returns at once if `closer` is closed.
pub async fn recovery(
    cap: Capability,
    browser: BrowserFamily,
    strings: &Strings,
    closer: &RecoveryCloser,
) -> Result<(), JsValue> {
    if closer.is_closed() {
        return Ok(());
    }
    let doc = document()?;
    let mut modal = Modal::new("recovery", cap, strings.locale())?;
    let body: Node = modal.body.clone().into();
    icon(&doc, &body, cap, true)?;
    heading(&doc, &body, strings.blocked(cap), strings.get(Key::RecoveryIntro))?;
    let list = el(
        &doc,
        &body,
        "ol",
        &[("class", "jp-steps"), ("part", "steps")],
    )?;
    for step in strings.steps(cap, browser) {
        text_el(&doc, &list, "li", &[("part", "step")], &step)?;
    }
    let actions = el(
        &doc,
        &body,
        "div",
        &[("class", "jp-choices"), ("part", "choices")],
    )?;
    let close = text_el(
        &doc,
        &actions,
        "button",
        &[
            ("type", "button"),
            ("class", "jp-btn"),
            ("part", "button close"),
            ("data-action", "close"),
        ],
        strings.get(Key::Close),
    )?;
    modal.show(&close, &closer.slot)?;
    Wait(closer.slot.clone()).await;
    drop(modal);
    Ok(())
}
