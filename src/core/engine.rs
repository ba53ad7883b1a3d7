//! The sans-IO permission engine.
//!
//! Inputs go in through [`Engine::handle`] with the current time; outputs come out of
//! [`Engine::poll_output`] until it returns `None`; [`Engine::next_deadline`] says when to call
//! `handle(now, Input::Tick)` again. Reads ([`Engine::status`]) check the clock first.
//!
//! Every `handle` runs the same steps: check the clock (end one-time grants whose time is up),
//! apply the input, note when the last use of a capability ended, check the clock again, stop this page's uses of every grant that ended,
//! then compare the record and the reported statuses with what they were, and emit
//! `Persist`, `Changed` and `Updated` for exactly what differs. Events are therefore derived
//! from state, once per change, whatever the cause.
//!
//! ```
//! use jit_permissions::core::*;
//! let mut engine = Engine::new(Config::default(), 7, 0);
//! engine.handle(0, Input::PageVisible(7, true));
//! engine.handle(10, Input::Native(Capability::Camera, NativeState::Prompt));
//! engine.handle(20, Input::Decision(Capability::Camera, Choice::AllowOnce));
//! engine.handle(30, Input::Native(Capability::Camera, NativeState::Granted));
//! let status = engine.status(40, Capability::Camera);
//! assert_eq!(status.state, State::Granted);
//! assert_eq!(status.grant, Some(GrantKind::OneTime));
//! let sixteen_hours = 16 * 60 * 60 * 1000;
//! assert_eq!(status.expires_at, Some(20 + sixteen_hours));
//! assert_eq!(engine.status(20 + sixteen_hours, Capability::Camera).state, State::Prompt);
//! ```

use std::collections::VecDeque;

use super::config::Config;
use super::record::{CapRecord, Grant, PageEntry, Record, Verdict, MAX_PAGES};
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
    config: Config,
    page: PageId,
    /// The time of the latest input or read.
    now: Millis,
    /// The shared record (one-time grants, decisions, dismissals, embargoes, the page registry).
    record: Record,
    /// The browser's own state N per capability, from [`Input::Native`].
    native: [NativeState; 4],
    /// A capability's own call failed since the latest [`Input::Native`]: the browser denies.
    access_denied: [bool; 4],
    /// This page in the registry: `None` while not live (not announced yet, or gone);
    /// `Some(None)` visible; `Some(Some(t))` hidden since `t`.
    own: Option<Option<Millis>>,
    /// Uses handed out in this page.
    uses: Vec<(UseId, Capability)>,
    /// The statuses last reported through `Changed` and `Updated`.
    reported: [Status; 4],
    out: VecDeque<Output>,
}

impl Engine {
    /// A new engine for the page `page`, with no record and every native state unknown.
    pub fn new(config: Config, page: PageId, now: Millis) -> Engine {
        Engine {
            config,
            page,
            now,
            record: Record::default(),
            native: [NativeState::Unknown; 4],
            access_denied: [false; 4],
            own: None,
            uses: Vec::new(),
            reported: [Status::default(); 4],
            out: VecDeque::new(),
        }
    }

    /// Feeds one input.
    pub fn handle(&mut self, now: Millis, input: Input) {
        self.now = now;
        let before = self.record.clone();
        let loaded = matches!(input, Input::Loaded(_));
        if !loaded {
            // Loaded replaces the record: ending grants of the old one first would audit twice.
            self.expire_due(now);
        }
        self.apply(now, input);
        if !loaded {
            // Another page's record carries its own use ends.
            self.note_use_ends(&before, now);
        }
        self.expire_due(now);
        self.stop_ended_uses(&before);
        if !loaded && self.record != before {
            self.out.push_back(Output::Persist(self.record.clone()));
        }
        self.report(now);
    }

    /// The next output, or `None` when drained.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// When the engine next needs `handle(now, Input::Tick)`, if ever: the end of a one-time
    /// grant (its maximum lifetime, or the hidden timeout while it runs) or of an embargo.
    pub fn next_deadline(&self) -> Option<Millis> {
        let grants = Capability::ALL
            .into_iter()
            .filter_map(|cap| self.grant_deadline(cap).map(|(d, _)| d));
        let embargoes = Capability::ALL
            .into_iter()
            .filter_map(|cap| self.record.cap(cap).embargo_until)
            .filter(|until| *until > self.now);
        grants.chain(embargoes).min()
    }

    /// The reported status of a capability at `now`. Checks the clock first (an expired grant
    /// is never reported granted, even when its timer has not fired yet), so it may queue outputs.
    pub fn status(&mut self, now: Millis, cap: Capability) -> Status {
        self.handle(now, Input::Tick);
        self.reported.get(cap.index()).copied().unwrap_or_default()
    }

    /// Whether a gated call for `cap` may run now without asking: the status is granted.
    pub fn may_use(&mut self, now: Millis, cap: Capability) -> bool {
        self.status(now, cap).state == State::Granted
    }

    /// The shared record as this engine holds it.
    pub fn record(&self) -> &Record {
        &self.record
    }

    /// This engine's page.
    pub fn page(&self) -> PageId {
        self.page
    }

    /// The configuration the engine runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The live pages of the origin in the shared registry (this page included once announced).
    pub fn live_pages(&self) -> Vec<PageId> {
        self.record.pages()
    }

    /// The browser's state N as the engine takes it: the latest [`Input::Native`], or `Denied`
    /// when the capability's own call failed since ([`Input::Access`] with
    /// [`AccessOutcome::Denied`]; a later successful call or `Native` input clears that).
    pub fn native(&self, cap: Capability) -> NativeState {
        if self
            .access_denied
            .get(cap.index())
            .copied()
            .unwrap_or(false)
        {
            NativeState::Denied
        } else {
            self.native.get(cap.index()).copied().unwrap_or_default()
        }
    }

    fn audit(&mut self, event: AuditEvent) {
        self.out.push_back(Output::Audit(event));
    }

    fn apply(&mut self, now: Millis, input: Input) {
        match input {
            Input::Tick => {}
            Input::Native(cap, state) => {
                set(&mut self.native, cap, state);
                set(&mut self.access_denied, cap, false);
            }
            Input::Decision(cap, choice) => self.decide(now, cap, choice),
            Input::Access(cap, outcome) => {
                let granted = outcome == AccessOutcome::Granted;
                set(&mut self.access_denied, cap, !granted);
                if let Some(CapRecord {
                    verdict: Verdict::Grant(g),
                    ..
                }) = self.record.cap_mut(cap)
                {
                    g.honoured = granted;
                }
            }
            Input::Revoke(cap) => {
                let rule5 = self.native(cap) == NativeState::Granted;
                if let Some(c) = self.record.cap_mut(cap) {
                    let grant = match c.verdict {
                        Verdict::Grant(_) => true,
                        Verdict::None => rule5,
                        Verdict::Ended | Verdict::Blocked => false,
                    };
                    if grant {
                        c.verdict = Verdict::Ended;
                        self.audit(AuditEvent::Revoked(cap));
                    }
                }
            }
            Input::Reset(cap) => {
                if let Some(c) = self.record.cap_mut(cap) {
                    *c = CapRecord::default();
                }
                self.audit(AuditEvent::Reset(cap));
            }
            Input::PromptShown(cap) => self.audit(AuditEvent::PromptShown(cap)),
            Input::PageVisible(page, visible) if page == self.page => {
                let hidden = hidden_since(self.own.flatten(), visible, now);
                self.announce(hidden);
            }
            Input::PageVisible(page, visible) => {
                let old = self.record.pages.iter().find(|p| p.id == page);
                let entry = PageEntry {
                    id: page,
                    hidden_since: hidden_since(old.and_then(|p| p.hidden_since), visible, now),
                    uses: old.map_or(0, |p| p.uses),
                };
                self.upsert_page(entry);
            }
            Input::PageGone(page) => {
                if page == self.page {
                    self.own = None;
                }
                self.record.pages.retain(|p| p.id != page);
            }
            Input::UseStarted(cap, id) => {
                self.uses.retain(|(u, _)| *u != id);
                self.uses.push((id, cap));
                self.sync_own();
            }
            Input::UseEnded(id) => {
                self.uses.retain(|(u, _)| *u != id);
                self.sync_own();
            }
            Input::Loaded(record) => {
                self.record = record;
                // This page knows best whether it is live and what it uses.
                self.sync_own();
            }
        }
    }

    fn decide(&mut self, now: Millis, cap: Capability, choice: Choice) {
        self.audit(AuditEvent::Decision(cap, choice));
        if self.own.is_none() {
            // A choice is a click in this page: it is live and visible.
            self.announce(None);
        }
        let Some(c) = self.record.cap_mut(cap) else {
            return;
        };
        let grant = |kind| {
            Verdict::Grant(Grant {
                kind,
                at: now,
                honoured: false,
                last_use_end: None,
            })
        };
        let verdict = match choice {
            Choice::AllowOnce => grant(GrantKind::OneTime),
            Choice::AllowAlways => grant(GrantKind::Persistent),
            Choice::DontAllow => Verdict::Blocked,
            Choice::Dismiss => {
                c.dismissals = c.dismissals.saturating_add(1);
                if c.dismissals >= self.config.embargo_dismissals {
                    let until = now.saturating_add(self.config.embargo_duration);
                    c.dismissals = 0;
                    c.embargo_until = Some(until);
                    self.audit(AuditEvent::EmbargoStarted(cap, until));
                }
                return;
            }
        };
        *c = CapRecord {
            verdict,
            dismissals: 0,
            embargo_until: None,
        };
    }

    /// This page announces itself as live, or reports its visibility.
    fn announce(&mut self, hidden: Option<Millis>) {
        self.own = Some(hidden);
        self.sync_own();
    }

    /// Writes this page's entry into the registry (or removes it while the page is not live).
    fn sync_own(&mut self) {
        match self.own {
            Some(hidden_since) => {
                let uses = self.uses.iter().fold(0, |m, (_, cap)| m | bit(*cap));
                self.upsert_page(PageEntry {
                    id: self.page,
                    hidden_since,
                    uses,
                });
            }
            None => self.record.pages.retain(|p| p.id != self.page),
        }
    }

    /// Adds or replaces a registry entry. A full registry makes room by dropping the oldest
    /// other page (hostile or stale storage cannot keep this page out).
    fn upsert_page(&mut self, entry: PageEntry) {
        let pages = &mut self.record.pages;
        if let Some(p) = pages.iter_mut().find(|p| p.id == entry.id) {
            *p = entry;
            return;
        }
        if pages.len() >= MAX_PAGES {
            let own = self.page;
            match pages.iter().position(|p| p.id != own && p.id != entry.id) {
                Some(i) => {
                    pages.remove(i);
                }
                None => return,
            }
        }
        pages.push(entry);
    }

    /// When a one-time grant of `cap` ends by the clock, and why; `None` for any other verdict.
    fn grant_deadline(&self, cap: Capability) -> Option<(Millis, ExpiryCause)> {
        let g = self
            .record
            .grant_of(cap)
            .filter(|g| g.kind == GrantKind::OneTime)?;
        let lifetime = g.at.saturating_add(self.config.max_lifetime);
        let paused = cap.runs_in_background() && self.record.live_uses() & bit(cap) != 0;
        let hidden = match self.record.all_hidden_since() {
            Some(since) if !paused => {
                let start = since.max(g.at).max(g.last_use_end.unwrap_or(0));
                Some(start.saturating_add(self.config.hidden_timeout))
            }
            _ => None,
        };
        match hidden {
            Some(h) if h < lifetime => Some((h, ExpiryCause::Hidden)),
            _ => Some((lifetime, ExpiryCause::MaxLifetime)),
        }
    }

    /// The clock check: ends every one-time grant whose time is up, and every one-time grant
    /// when no page of the origin is live. This page is in the registry whenever it is live,
    /// so an empty registry means the last page went, or that this page found the grant with
    /// no live page before announcing itself (seed 002 treats both as the end of the grant).
    fn expire_due(&mut self, now: Millis) {
        for cap in Capability::ALL {
            let cause = match self.grant_deadline(cap) {
                None => continue,
                Some((deadline, cause)) if now >= deadline => cause,
                Some(_) if self.record.pages.is_empty() => ExpiryCause::PagesGone,
                Some(_) => continue,
            };
            if let Some(c) = self.record.cap_mut(cap) {
                c.verdict = Verdict::Ended;
                self.audit(AuditEvent::Expired(cap, cause));
            }
        }
    }

    /// Stops this page's uses of every capability whose grant ended (here or in another page).
    fn stop_ended_uses(&mut self, before: &Record) {
        let mut ended = 0u8;
        for cap in Capability::ALL {
            let was = before.grant_of(cap).is_some();
            let now = matches!(
                self.record.cap(cap).verdict,
                Verdict::Ended | Verdict::Blocked
            );
            if was && now {
                ended |= bit(cap);
            }
        }
        if ended == 0 {
            return;
        }
        let out = &mut self.out;
        self.uses.retain(|(id, cap)| {
            let stop = ended & bit(*cap) != 0;
            if stop {
                out.push_back(Output::StopUse(*id));
            }
            !stop
        });
        self.sync_own();
    }

    /// Marks when the last use of a capability anywhere ended, for the hidden timer.
    fn note_use_ends(&mut self, before: &Record, now: Millis) {
        let ended = before.live_uses() & !self.record.live_uses();
        for cap in Capability::ALL {
            if ended & bit(cap) != 0 {
                if let Some(CapRecord {
                    verdict: Verdict::Grant(g),
                    ..
                }) = self.record.cap_mut(cap)
                {
                    g.last_use_end = Some(now);
                }
            }
        }
    }

    /// The status composed from the browser's state and the record (SPEC "States").
    fn compose(&self, now: Millis, cap: Capability) -> Status {
        let denied = |reason| Status {
            state: State::Denied,
            grant: None,
            expires_at: None,
            reason: Some(reason),
        };
        let granted = |kind, expires_at| Status {
            state: State::Granted,
            grant: Some(kind),
            expires_at,
            reason: None,
        };
        let n = self.native(cap);
        // 1. The browser denies: nothing overrides it.
        if n == NativeState::Denied {
            return denied(DenyReason::Browser);
        }
        let c = self.record.cap(cap);
        // 2. An embargo, then the site-level block.
        if c.embargo_until.is_some_and(|until| now < until) {
            return denied(DenyReason::Embargo);
        }
        match c.verdict {
            Verdict::Blocked => denied(DenyReason::User),
            // 3. An ended grant: prompt, whatever the browser says.
            Verdict::Ended => Status::default(),
            // 4. A grant the browser grants or demonstrably honours.
            Verdict::Grant(g) if n == NativeState::Granted || g.honoured => {
                let expires_at = match g.kind {
                    GrantKind::OneTime => Some(g.at.saturating_add(self.config.max_lifetime)),
                    GrantKind::Persistent => None,
                };
                granted(g.kind, expires_at)
            }
            Verdict::Grant(_) => Status::default(),
            // 5. Granted before the library came.
            Verdict::None if n == NativeState::Granted => granted(GrantKind::Persistent, None),
            // 6.
            Verdict::None => Status::default(),
        }
    }

    /// Emits `Changed` or `Updated` for every status that differs from the one last reported.
    fn report(&mut self, now: Millis) {
        for cap in Capability::ALL {
            let status = self.compose(now, cap);
            let Some(reported) = self.reported.get_mut(cap.index()) else {
                continue;
            };
            if status.state != reported.state {
                self.out.push_back(Output::Changed(cap, status));
            } else if status != *reported {
                self.out.push_back(Output::Updated(cap, status));
            }
            *reported = status;
        }
    }
}

/// A page's hidden-since time after a visibility report: kept while it stays hidden.
fn hidden_since(old: Option<Millis>, visible: bool, now: Millis) -> Option<Millis> {
    match (visible, old) {
        (true, _) => None,
        (false, Some(since)) => Some(since),
        (false, None) => Some(now),
    }
}

fn bit(cap: Capability) -> u8 {
    1 << cap.index()
}

fn set<T>(array: &mut [T; 4], cap: Capability, value: T) {
    if let Some(slot) = array.get_mut(cap.index()) {
        *slot = value;
    }
}
