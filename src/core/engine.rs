//! The sans-IO permission engine. SKELETON: the helper implementing issue 3 fills in the bodies.
//!
//! Inputs go in through [`Engine::handle`] with the current time; outputs come out of
//! [`Engine::poll_output`] until it returns `None`; [`Engine::next_deadline`] says when to call
//! `handle(now, Input::Tick)` again. Reads ([`Engine::status`]) check the clock first.

use super::config::Config;
use super::record::Record;
use super::types::*;

/// Something that happened, fed to the engine.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A timer fired, or a plain clock check (the page became visible, a gated call is about to run).
    Tick,
    /// The browser's own state for a capability (from `query()` or its `change` event).
    Native(Capability, NativeState),
    /// A choice in the pre-prompt. For AllowOnce and AllowAlways, the browser layer feeds this
    /// just before making the native request from the same click, then feeds [`Input::Access`]
    /// with the request's result.
    Decision(Capability, Choice),
    /// The result of the capability's own call made under the current record.
    Access(Capability, AccessOutcome),
    /// The person (controls) or the site (API) takes the grant back: reported `prompt` from now
    /// on, even where the browser still grants (the library cannot revoke the browser's grant).
    Revoke(Capability),
    /// Forget everything the library recorded for the capability (grant, block, dismissals,
    /// embargo): back to what the browser says.
    Reset(Capability),
    /// The pre-prompt was shown (for the audit log).
    PromptShown(Capability),
    /// This page's visibility (`document.visibilityState`), also announcing the page as live.
    PageVisible(PageId, bool),
    /// A page of the origin was closed, navigated away, discarded, or found dead.
    PageGone(PageId),
    /// A media track or geolocation watch of the capability was handed out.
    UseStarted(Capability, UseId),
    /// A handed-out track ended or a watch was cleared.
    UseEnded(UseId),
    /// The shared record as stored (at start-up, or after another page wrote it). Replaces the
    /// engine's shared state; statuses that differ are reported as changes.
    Loaded(Record),
}

/// Something the browser layer must do or report.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// The reported `state` of a capability changed. Emitted exactly once per change.
    Changed(Capability, Status),
    /// Only the extension fields (`grant`, `expiresAt`, `reason`) changed; `state` did not.
    Updated(Capability, Status),
    /// Stop this track or clear this watch: its capability's grant ended.
    StopUse(UseId),
    /// Write this record to storage.
    Persist(Record),
    /// An event for the site's audit log.
    Audit(AuditEvent),
}

/// The permission engine of one page.
#[derive(Debug)]
pub struct Engine {
    _private: (),
}

impl Engine {
    /// A new engine for the page `page`, with no record and every native state unknown.
    pub fn new(config: Config, page: PageId, now: Millis) -> Engine {
        let _ = (config, page, now);
        todo!()
    }

    /// Feeds one input.
    pub fn handle(&mut self, now: Millis, input: Input) {
        let _ = (now, input);
        todo!()
    }

    /// The next output, or `None` when drained.
    pub fn poll_output(&mut self) -> Option<Output> {
        todo!()
    }

    /// When the engine next needs `handle(now, Input::Tick)`, if ever.
    pub fn next_deadline(&self) -> Option<Millis> {
        todo!()
    }

    /// The reported status of a capability at `now`. Checks the clock first (an expired grant
    /// is never reported granted, even when its timer has not fired yet), so it may queue outputs.
    pub fn status(&mut self, now: Millis, cap: Capability) -> Status {
        let _ = (now, cap);
        todo!()
    }

    /// Whether a gated call for `cap` may run now without asking: the status is granted.
    pub fn may_use(&mut self, now: Millis, cap: Capability) -> bool {
        self.status(now, cap).state == State::Granted
    }
}
