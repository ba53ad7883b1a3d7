//! The sans-IO permission engine.
//!
//! Inputs go in through [`Engine::handle`] with the current time; outputs come out of
//! [`Engine::poll_output`] until it returns `None`; [`Engine::next_deadline`] says when to call
//! `handle(now, Input::Tick)` again. Reads ([`Engine::status`]) check the clock first.
//!
//! Every `handle` runs the same steps: check the clock (end grants whose time is up), apply the
//! input, note when the last use of a capability ended, check the clock again, stamp a new
//! version on every capability entry that changed, then compare the record and the reported
//! statuses with what they were, and emit `Persist`, `Changed` and `Updated` for exactly what
//! differs. Events are therefore derived from state, once per change, whatever the cause. A use
//! (a track or a watch) lives only while its capability is reported granted: whenever it is not,
//! the engine asks for the use to be stopped.
//!
//! ```
//! use jit_permissions::core::*;
//! let mut engine = Engine::new(Config::default(), 7, 0);
//! engine.handle(0, Input::Arrived(Arrival { kind: ArrivalKind::Fresh, at: 0 }));
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

use super::config::Config;
use super::record::{CapRecord, Grant, PageEntry, Record, Verdict, MAX_PAGES};
use super::types::*;

mod status;
mod sync;

/// Something that happened, fed to the engine.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A timer fired, or a plain clock check (the page became visible, a gated call is about to run).
    Tick,
    /// The browser's own state for a capability (from `query()` or its `change` event).
    Native(Capability, NativeState),
    /// Whether this frame's Permissions Policy allows the capability (`false`: reported denied,
    /// reason policy).
    Policy(Capability, bool),
    /// A choice in the pre-prompt. For AllowOnce and AllowAlways, the browser layer feeds this
    /// just before making the native request from the same click, then feeds [`Input::Access`]
    /// with the request's result.
    Decision(Capability, Choice),
    /// The result of the capability's own call made under the current record.
    Access(Capability, AccessOutcome),
    /// The person (controls) or the site (API) takes the grant back: reported `prompt` from now
    /// on, even where the browser still grants (the library cannot revoke the browser's grant),
    /// and every use of the capability in this page is stopped.
    Revoke(Capability),
    /// Forget the site-level verdict of the capability (grant, block, dismissals, embargo; the
    /// history of decisions stays) and ask again: the grant ends as on [`Input::Revoke`], and
    /// the state is `prompt` until the next choice, even where the browser grants.
    Reset(Capability),
    /// The pre-prompt was shown (for the audit log).
    PromptShown(Capability),
    /// This page arrived: fed once the stored record is loaded and the listed pages that did
    /// not answer are gone. A one-time grant with no other live page survives only a handover
    /// (a reload or a navigation from a page of the origin, soon after the last page left).
    Arrived(Arrival),
    /// A page's visibility (`document.visibilityState`); for this page, also an announcement
    /// that it is live.
    PageVisible(PageId, bool),
    /// A page of the origin is gone: this page leaving (`pagehide`: closed, navigated, reloaded,
    /// put in the back/forward cache), or another page found dead.
    PageGone(PageId),
    /// A media track or geolocation watch of the capability was handed out.
    UseStarted(Capability, UseId),
    /// A handed-out track ended or a watch was cleared.
    UseEnded(UseId),
    /// The shared record as stored (at start-up, or after another page wrote it). Merged into
    /// this page's record entry by entry (the newer version wins); statuses that differ are
    /// reported as changes, and a merge that kept something newer asks to persist it.
    Loaded(Record),
    /// The stored record disappeared (storage cleared or the key removed by the site, another
    /// tab or the person): every library grant ends (cause cleared).
    Cleared,
}

/// Something the browser layer must do or report.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// The reported `state` of a capability changed. Emitted exactly once per change.
    Changed(Capability, Status),
    /// Only other fields (`grant`, `expiresAt`, `reason`, the history) changed; `state` did not.
    Updated(Capability, Status),
    /// Stop this track or clear this watch: its capability is no longer granted.
    StopUse(UseId),
    /// Write this record to storage (merging it into what is stored).
    Persist(Record),
    /// An event for the site's audit log.
    Audit(AuditEvent),
}

/// How many gone pages an engine remembers, so that a merge does not list them again.
const TOMBSTONES: usize = 64;

/// The permission engine of one page.
#[derive(Debug)]
pub struct Engine {
    config: Config,
    page: PageId,
    /// The time of the latest input or read.
    now: Millis,
    /// The shared record (grants, decisions, dismissals, embargoes, the page registry).
    record: Record,
    /// The browser's own state N per capability, from [`Input::Native`].
    native: [NativeState; 4],
    /// This frame's Permissions Policy blocks the capability.
    policy_blocked: [bool; 4],
    /// A capability's own call failed: [`DenyReason::Browser`] until the next [`Input::Native`],
    /// [`DenyReason::System`] until the browser's state changes or a call succeeds.
    access_denied: [Option<DenyReason>; 4],
    /// A call succeeded in this page under the standing grant, and the browser's state has not
    /// changed since. Never stored.
    evidence: [bool; 4],
    /// Whether this page has arrived (see [`Input::Arrived`]).
    arrived: bool,
    /// This page's hidden-since time reported before it arrived.
    early_hidden: Option<Millis>,
    /// This page in the registry: `None` while not live (not announced yet, or gone);
    /// `Some(None)` visible; `Some(Some(t))` hidden since `t`.
    own: Option<Option<Millis>>,
    /// Uses handed out in this page.
    uses: Vec<(UseId, Capability)>,
    /// Pages this engine saw gone (most recent last).
    gone: Vec<PageId>,
    /// The statuses last reported through `Changed` and `Updated`.
    reported: [Status; 4],
    /// Outputs not yet polled, oldest first (a handful at a time).
    out: Vec<Output>,
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
            policy_blocked: [false; 4],
            access_denied: [None; 4],
            evidence: [false; 4],
            arrived: false,
            early_hidden: None,
            own: None,
            uses: Vec::new(),
            gone: Vec::new(),
            reported: [Status::default(); 4],
            out: Vec::new(),
        }
    }

    /// Feeds one input.
    pub fn handle(&mut self, now: Millis, input: Input) {
        self.now = now;
        let before = self.record.clone();
        // What the record is compared with to decide whether to persist: what was loaded, for a
        // load (it is in storage already); else the record before the input.
        let (base, unchanged) = match input {
            Input::Loaded(theirs) => {
                self.merge(theirs.clone());
                (self.record.clone(), theirs)
            }
            input => {
                // After a clear, storage holds nothing: anything this page knows is written back.
                let stored = if input == Input::Cleared { Record::default() } else { before.clone() };
                self.expire_due(now);
                self.apply(now, input);
                self.note_use_ends(&before, now);
                (before, stored)
            }
        };
        self.expire_due(now);
        for cap in Capability::ALL {
            if self.record.grant_of(cap).is_none() {
                set(&mut self.evidence, cap, false);
            }
            // A use lives only while its capability is granted.
            if self.compose(now, cap).state != State::Granted {
                self.stop_uses(cap);
            }
        }
        self.stamp(&base, now);
        if self.record != unchanged {
            self.out.push(Output::Persist(self.record.clone()));
        }
        self.report(now);
    }

    /// The next output, or `None` when drained.
    pub fn poll_output(&mut self) -> Option<Output> {
        (!self.out.is_empty()).then(|| self.out.remove(0))
    }

    /// When the engine next needs `handle(now, Input::Tick)`, if ever: the end of a grant (a
    /// one-time grant's maximum lifetime or hidden timeout, a persistent grant left unused) or
    /// of an embargo.
    pub fn next_deadline(&self) -> Option<Millis> {
        let grants = Capability::ALL
            .into_iter()
            .filter_map(|cap| self.deadline(cap).map(|(d, _)| d));
        let embargoes = Capability::ALL
            .into_iter()
            .filter_map(|cap| self.record.cap(cap).embargo_until)
            .filter(|until| *until > self.now);
        grants.chain(embargoes).min()
    }

    /// When the grant of `cap` ends by the clock and why, if it does.
    pub fn deadline(&self, cap: Capability) -> Option<(Millis, ExpiryCause)> {
        let g = self.record.grant_of(cap)?;
        let live_use = self.record.live_uses() & bit(cap) != 0;
        if g.kind == GrantKind::Persistent {
            let after = self.config.unused_after?;
            return (!live_use).then(|| (g.used.saturating_add(after), ExpiryCause::Unused));
        }
        let lifetime = g.at.saturating_add(self.config.max_lifetime);
        let paused = cap.runs_in_background() && live_use;
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

    /// The library grant of `cap` that stands at `now`, whether or not the browser has shown
    /// yet that it honours it: a gated call then goes to the browser without a pre-prompt
    /// (the person decided already). `None` when none stands or the capability is denied.
    pub fn standing_grant(&mut self, now: Millis, cap: Capability) -> Option<GrantKind> {
        let status = self.status(now, cap);
        if status.state == State::Denied || !self.grant_live(cap) {
            return None;
        }
        self.record.grant(cap)
    }

    /// Whether this page holds a live use (track or watch) of `cap`.
    pub fn in_use(&self, cap: Capability) -> bool {
        self.uses.iter().any(|(_, c)| *c == cap)
    }

    /// Whether any page of the origin holds a live use of `cap`.
    pub fn in_use_anywhere(&self, cap: Capability) -> bool {
        self.in_use(cap) || self.record.live_uses() & bit(cap) != 0
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

    /// Whether this page has arrived ([`Input::Arrived`]) and not left since.
    pub fn arrived(&self) -> bool {
        self.arrived
    }

    /// The live pages of the origin in the shared registry (this page included once announced).
    pub fn live_pages(&self) -> Vec<PageId> {
        self.record.pages()
    }

    /// The browser's state N as the engine takes it: the latest [`Input::Native`], or `Denied`
    /// when the capability's own call failed since.
    pub fn native(&self, cap: Capability) -> NativeState {
        if self.access_denied.get(cap.index()).copied().flatten() == Some(DenyReason::Browser) {
            NativeState::Denied
        } else {
            self.native.get(cap.index()).copied().unwrap_or_default()
        }
    }

    fn audit(&mut self, event: AuditEvent) {
        self.out.push(Output::Audit(event));
    }

    fn apply(&mut self, now: Millis, input: Input) {
        match input {
            Input::Tick | Input::Loaded(_) => {}
            Input::Native(cap, state) => self.native_state(cap, state),
            Input::Policy(cap, allowed) => set(&mut self.policy_blocked, cap, !allowed),
            Input::Decision(cap, choice) => self.decide(now, cap, choice),
            Input::Access(cap, outcome) => {
                let (denied, evidence) = match outcome {
                    AccessOutcome::Granted => (None, true),
                    AccessOutcome::Denied => (Some(DenyReason::Browser), false),
                    AccessOutcome::SystemDenied => (Some(DenyReason::System), false),
                };
                set(&mut self.access_denied, cap, denied);
                set(&mut self.evidence, cap, evidence);
                if evidence {
                    self.touch(cap, now);
                }
            }
            Input::Revoke(cap) => {
                let granted = self.compose(now, cap).state == State::Granted;
                if let Some(c) = self.record.cap_mut(cap) {
                    let grant = match c.verdict {
                        Verdict::Grant(_) => true,
                        Verdict::None => granted,
                        Verdict::Ended | Verdict::Blocked => false,
                    };
                    if grant {
                        c.verdict = Verdict::Ended;
                        self.audit(AuditEvent::Revoked(cap, RevocationCause::Manual));
                    }
                }
                // Every use of the capability stops, whatever grant it came from.
                self.stop_uses(cap);
            }
            Input::Reset(cap) => {
                // "Ask me again" is a decision too: the grant ends as on a revocation and rule 6
                // holds until the next choice, whatever the browser says (a reset never widens
                // a one-time grant or a Don't allow into the browser's persistent grant). The
                // uses stop with the grant (the clock check after `apply`).
                // A fresh write of the verdict even where it was already ended (as a decision is): a grant another
                // page made before this Reset, heard of only after it, never outranks it.
                if let Some(c) = self.record.cap_mut(cap) {
                    *c = CapRecord {
                        version: c.version.saturating_add(1).max(now),
                        counts_version: c.counts_version,
                        last: c.last,
                        verdict: Verdict::Ended,
                        ..CapRecord::default()
                    };
                }
                self.audit(AuditEvent::Reset(cap));
            }
            Input::PromptShown(cap) => self.audit(AuditEvent::PromptShown(cap)),
            Input::Arrived(arrival) => self.arrive(arrival),
            Input::PageVisible(page, visible) if page == self.page => {
                if self.arrived {
                    let hidden = hidden_since(self.own.flatten(), visible, now);
                    self.announce(hidden);
                } else {
                    // Announced on arrival: until then this page does not count as live.
                    self.early_hidden = hidden_since(self.early_hidden, visible, now);
                }
            }
            Input::PageVisible(page, visible) => {
                self.gone.retain(|p| *p != page);
                let old = self.record.pages.iter().find(|p| p.id == page);
                let entry = PageEntry {
                    id: page,
                    hidden_since: hidden_since(old.and_then(|p| p.hidden_since), visible, now),
                    uses: old.map_or(0, |p| p.uses),
                };
                self.upsert_page(entry);
            }
            Input::PageGone(page) if page == self.page => {
                // Leaving: the page's uses end with it, and a one-time grant waits for a page
                // that arrives by handover (or ends when the next page arrives fresh).
                self.own = None;
                self.arrived = false;
                self.uses.clear();
                self.record.pages.retain(|p| p.id != page);
                self.record.left = Some(self.record.left.map_or(now, |l| l.max(now)));
            }
            Input::PageGone(page) => {
                self.gone.retain(|p| *p != page);
                self.gone.push(page);
                if self.gone.len() > TOMBSTONES {
                    self.gone.remove(0);
                }
                self.record.pages.retain(|p| p.id != page);
            }
            Input::UseStarted(cap, id) => {
                self.uses.retain(|(u, _)| *u != id);
                self.uses.push((id, cap));
                self.touch(cap, now);
                self.sync_own();
            }
            Input::UseEnded(id) => {
                let ended = self.uses.iter().find(|(u, _)| *u == id).map(|(_, c)| *c);
                self.uses.retain(|(u, _)| *u != id);
                if let Some(cap) = ended {
                    self.touch(cap, now);
                }
                self.sync_own();
            }
            Input::Cleared => {
                for cap in Capability::ALL {
                    if let Some(c) = self.record.cap_mut(cap) {
                        if matches!(c.verdict, Verdict::Grant(_)) {
                            c.verdict = Verdict::Ended;
                            self.audit(AuditEvent::Revoked(cap, RevocationCause::Cleared));
                        }
                    }
                }
                self.sync_own();
            }
        }
    }

    /// The browser's state of `cap` is `state`. A change voids this page's evidence; a change
    /// from granted to prompt or denied is the browser taking its grant back.
    fn native_state(&mut self, cap: Capability, state: NativeState) {
        let old = self.native.get(cap.index()).copied().unwrap_or_default();
        let was_granted = self.compose(self.now, cap).state == State::Granted;
        set(&mut self.native, cap, state);
        if self.access_denied.get(cap.index()).copied().flatten() == Some(DenyReason::Browser) {
            set(&mut self.access_denied, cap, None);
        }
        if state == old {
            return;
        }
        set(&mut self.evidence, cap, false);
        set(&mut self.access_denied, cap, None);
        let taken_back = old == NativeState::Granted
            && matches!(state, NativeState::Prompt | NativeState::Denied);
        if !taken_back {
            return;
        }
        let Some(c) = self.record.cap_mut(cap) else {
            return;
        };
        match c.verdict {
            Verdict::Grant(_) => {
                // The next gated call asks again; the browser's own state speaks meanwhile.
                c.verdict = Verdict::None;
                self.audit(AuditEvent::Revoked(cap, RevocationCause::Browser));
            }
            Verdict::None if was_granted => {
                self.audit(AuditEvent::Revoked(cap, RevocationCause::Browser));
            }
            _ => {}
        }
    }

    fn decide(&mut self, now: Millis, cap: Capability, choice: Choice) {
        self.audit(AuditEvent::Decision(cap, choice));
        if self.own.is_none() {
            // A choice is a click in this page: it is live and visible.
            if !self.arrived {
                self.arrive(Arrival { kind: ArrivalKind::Fresh, at: now });
            }
            self.announce(None);
        }
        let Some(c) = self.record.cap_mut(cap) else {
            return;
        };
        c.last = Some((choice, now));
        let grant = |kind| {
            Verdict::Grant(Grant {
                kind,
                at: now,
                used: now,
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
        c.verdict = verdict;
        c.dismissals = 0;
        c.embargo_until = None;
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
