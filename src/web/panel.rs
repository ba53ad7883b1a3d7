//! The controls panel: each capability with its state, grant kind, time left for a one-time
//! grant, and Revoke, Reset and How-to-unblock buttons. It updates in place and counts down
//! on its own while a one-time grant is shown.
//!
//! DOM:
//!
//! ```text
//! <div data-jit-permissions="controls">  #shadow-root (open)
//!   <section part="panel" aria-labelledby="jp-panel-title">
//!     <h2 id="jp-panel-title" part="panel-title">Site permissions</h2>
//!     <ul part="list" aria-labelledby="jp-panel-title">
//!       <li part="row" data-capability="camera" data-state="granted" data-grant="one-time" data-reason>
//!         <svg part="icon"> <span part="name"> <span part="state"> <span part="detail"> <span part="time-left">
//!         <button data-action="revoke" data-capability="camera" aria-label="Revoke Camera" part="button revoke">
//!         <button data-action="reset" … part="button reset">  <button data-action="help" … part="button help" hidden>
//! ```
//!
//! A button that does not apply has `aria-disabled="true"` (it stays focusable, so focus is
//! never lost while the panel updates); clicking it does nothing. The help button is `hidden`
//! unless the browser blocks the capability.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Interval;
use wasm_bindgen::JsValue;
use web_sys::{Element, Node, ShadowRoot};

use super::strings::{fill, Key, Strings};
use super::ui_dom::{
    document, el, event_element, focus, icon, set_attr, set_text, shadow_host, text_el, Listener,
};
use crate::core::types::{Capability, DenyReason, GrantKind, Millis, State, Status};

/// What the panel's buttons do: implemented by the runtime.
pub trait PanelHost {
    /// Revoke the grant of `cap` (Revoke button).
    fn revoke(&self, cap: Capability);
    /// Clear the site-level record of `cap` (Reset button).
    fn reset(&self, cap: Capability);
    /// Show how to unblock `cap` in this browser (How to unblock button).
    fn help(&self, cap: Capability);
}

/// One capability's row.
struct Row {
    root: Element,
    state: Element,
    detail: Element,
    time: Element,
    revoke: Element,
    reset: Element,
    help: Element,
}

/// What the countdown timer shares with the panel.
struct Shared {
    strings: Rc<Strings>,
    root: ShadowRoot,
    rows: Vec<Row>,
    statuses: Cell<[Status; 4]>,
}

fn one_time_expiry(s: &Status) -> Option<Millis> {
    match (s.state, s.grant) {
        (State::Granted, Some(GrantKind::OneTime)) => s.expires_at,
        _ => None,
    }
}

impl Shared {
    fn render(&self, now: Millis) {
        let focused = self.root.active_element();
        let strings = &*self.strings;
        for (row, s) in self.rows.iter().zip(self.statuses.get()) {
            let granted = s.state == State::Granted;
            let denied_by = if s.state == State::Denied {
                s.reason
            } else {
                None
            };
            set_attr(&row.root, "data-state", Some(s.state.as_str()));
            set_attr(
                &row.root,
                "data-grant",
                s.grant.filter(|_| granted).map(GrantKind::as_str),
            );
            set_attr(&row.root, "data-reason", denied_by.map(DenyReason::as_str));
            set_text(&row.state, strings.state(s.state));
            let detail = match (s.state, s.grant, denied_by) {
                (State::Granted, Some(g), _) => strings.grant(g),
                (State::Denied, _, Some(r)) => strings.deny_reason(r),
                _ => "",
            };
            set_text(&row.detail, detail);
            set_attr(
                &row.detail,
                "hidden",
                if detail.is_empty() { Some("") } else { None },
            );
            self.render_time(row, &s, now);
            let resettable =
                granted || matches!(denied_by, Some(DenyReason::User | DenyReason::Embargo));
            set_attr(
                &row.revoke,
                "aria-disabled",
                if granted { None } else { Some("true") },
            );
            set_attr(
                &row.reset,
                "aria-disabled",
                if resettable { None } else { Some("true") },
            );
            let help = denied_by == Some(DenyReason::Browser);
            set_attr(&row.help, "hidden", if help { None } else { Some("") });
            if !help && focused.as_ref().is_some_and(|f| f == &row.help) {
                focus(&row.reset);
            }
        }
    }

    fn render_time(&self, row: &Row, s: &Status, now: Millis) {
        match one_time_expiry(s) {
            Some(at) => {
                set_text(&row.time, &self.strings.expires_in(at.saturating_sub(now)));
                set_attr(&row.time, "hidden", None);
            }
            None => {
                set_text(&row.time, "");
                set_attr(&row.time, "hidden", Some(""));
            }
        }
    }

    fn tick(&self, now: Millis) {
        for (row, s) in self.rows.iter().zip(self.statuses.get()) {
            if one_time_expiry(&s).is_some() {
                self.render_time(row, &s, now);
            }
        }
    }
}

/// A mounted controls panel. Dropping it removes it from the page and stops its timer and
/// listeners.
pub struct Panel {
    host: Element,
    shared: Rc<Shared>,
    timer: RefCell<Option<Interval>>,
    clock: Rc<dyn Fn() -> Millis>,
    _click: Listener,
}

impl std::fmt::Debug for Panel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Panel")
    }
}

impl Panel {
    /// Mounts `<div data-jit-permissions="controls">` at the end of `parent`, every capability
    /// at prompt until the first [`Panel::update`].
    pub fn mount(
        parent: &Element,
        strings: Rc<Strings>,
        host: Rc<dyn PanelHost>,
    ) -> Result<Panel, JsValue> {
        let doc = document()?;
        let (host_el, root) = shadow_host(&doc, "controls")?;
        let section = el(
            &doc,
            &root,
            "section",
            &[
                ("class", "jp-panel"),
                ("part", "panel"),
                ("lang", strings.locale()),
                ("aria-labelledby", "jp-panel-title"),
            ],
        )?;
        text_el(
            &doc,
            &section,
            "h2",
            &[
                ("id", "jp-panel-title"),
                ("class", "jp-panel-title"),
                ("part", "panel-title"),
            ],
            strings.get(Key::PanelTitle),
        )?;
        let list = el(
            &doc,
            &section,
            "ul",
            &[
                ("class", "jp-list"),
                ("part", "list"),
                ("aria-labelledby", "jp-panel-title"),
            ],
        )?;
        let mut rows = Vec::with_capacity(4);
        for cap in Capability::ALL {
            let li = el(
                &doc,
                &list,
                "li",
                &[
                    ("class", "jp-row"),
                    ("part", "row"),
                    ("data-capability", cap.name()),
                ],
            )?;
            let li_node: &Node = &li;
            icon(&doc, li_node, cap, false)?;
            let info = el(&doc, li_node, "div", &[("class", "jp-info")])?;
            let name = strings.name(cap);
            text_el(
                &doc,
                &info,
                "span",
                &[("class", "jp-name"), ("part", "name")],
                name,
            )?;
            let span = |class: &str, part: &str| {
                el(&doc, &info, "span", &[("class", class), ("part", part)])
            };
            let state = span("jp-state", "state")?;
            let detail = span("jp-detail", "detail")?;
            let time = span("jp-time", "time-left")?;
            let actions = el(&doc, li_node, "div", &[("class", "jp-actions")])?;
            let button = |action: &str, part: &str, text: Key, label: Key| {
                text_el(
                    &doc,
                    &actions,
                    "button",
                    &[
                        ("type", "button"),
                        ("class", "jp-btn"),
                        ("part", part),
                        ("data-action", action),
                        ("data-capability", cap.name()),
                        ("aria-label", &fill(strings.get(label), name)),
                    ],
                    strings.get(text),
                )
            };
            let revoke = button("revoke", "button revoke", Key::Revoke, Key::RevokeLabel)?;
            let reset = button("reset", "button reset", Key::Reset, Key::ResetLabel)?;
            let help = button("help", "button help", Key::Help, Key::HelpLabel)?;
            rows.push(Row {
                root: li,
                state,
                detail,
                time,
                revoke,
                reset,
                help,
            });
        }
        let click = Listener::new(&root, "click", move |e| {
            let Some(t) = event_element(&e) else { return };
            let Ok(Some(b)) = t.closest("button[data-action]") else {
                return;
            };
            if b.get_attribute("aria-disabled").as_deref() == Some("true") {
                return;
            }
            let Some(cap) = b
                .get_attribute("data-capability")
                .and_then(|n| Capability::from_name(&n))
            else {
                return;
            };
            match b.get_attribute("data-action").as_deref() {
                Some("revoke") => host.revoke(cap),
                Some("reset") => host.reset(cap),
                Some("help") => host.help(cap),
                _ => {}
            }
        })?;
        let shared = Rc::new(Shared {
            strings,
            root,
            rows,
            statuses: Cell::new([Status::default(); 4]),
        });
        shared.render(js_sys::Date::now() as Millis);
        parent.append_child(&host_el)?;
        Ok(Panel {
            host: host_el,
            shared,
            timer: RefCell::new(None),
            clock: Rc::new(|| js_sys::Date::now() as Millis),
            _click: click,
        })
    }

    /// Shows these statuses (capabilities not listed keep their last status), re-rendering the
    /// rows in place. `now` is the current time in epoch ms; while a one-time grant is shown the
    /// panel counts down by itself once a second.
    pub fn update(&self, statuses: &[(Capability, Status)], now: Millis) {
        let mut all = self.shared.statuses.get();
        for (cap, s) in statuses {
            all[cap.index()] = *s;
        }
        self.shared.statuses.set(all);
        self.shared.render(now);
        let counting = all.iter().any(|s| one_time_expiry(s).is_some());
        if let Ok(mut timer) = self.timer.try_borrow_mut() {
            if !counting {
                *timer = None;
            } else if timer.is_none() {
                let shared = self.shared.clone();
                let clock = self.clock.clone();
                *timer = Some(Interval::new(1000, move || shared.tick(clock())));
            }
        }
    }

    /// Counts down with this clock (epoch ms) instead of `Date.now()`: the runtime's, which an
    /// installation may inject.
    pub fn with_clock(mut self, clock: Rc<dyn Fn() -> Millis>) -> Panel {
        self.clock = clock;
        self
    }

    /// The host element (`<div data-jit-permissions="controls">`).
    pub fn element(&self) -> &Element {
        &self.host
    }
}

impl Drop for Panel {
    fn drop(&mut self) {
        self.host.remove();
    }
}
