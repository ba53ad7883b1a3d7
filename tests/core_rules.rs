//! One test per rule of SPEC.md ("States", "The pre-prompt", "One-time grants", "Events",
//! "Persistence", "Options"), against the sans-IO engine alone.
#![cfg(not(target_arch = "wasm32"))]

use jit_permissions::core::*;

const ME: PageId = 1;
const OTHER: PageId = 2;
const SEC: Millis = 1000;
const MIN: Millis = 60 * SEC;
const HOUR: Millis = 60 * MIN;
const DAY: Millis = 24 * HOUR;
const LIFETIME: Millis = 16 * HOUR;
const HIDDEN: Millis = 5 * MIN;
const EMBARGO: Millis = 7 * DAY;
const T0: Millis = 1_700_000_000_000;

use Capability::{Camera, Geolocation, Microphone, Notifications};

/// An engine whose page has announced itself, visible, with nothing recorded.
fn engine() -> Engine {
    let mut e = Engine::new(Config::default(), ME, T0);
    e.handle(T0, Input::PageVisible(ME, true));
    drain(&mut e);
    e
}

fn drain(e: &mut Engine) -> Vec<Output> {
    std::iter::from_fn(|| e.poll_output()).collect()
}

/// Feeds one input and returns its outputs.
fn feed(e: &mut Engine, now: Millis, input: Input) -> Vec<Output> {
    e.handle(now, input);
    drain(e)
}

fn changes(outputs: &[Output]) -> Vec<(Capability, State)> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Changed(cap, s) => Some((*cap, s.state)),
            _ => None,
        })
        .collect()
}

fn audits(outputs: &[Output]) -> Vec<AuditEvent> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Audit(a) => Some(*a),
            _ => None,
        })
        .collect()
}

fn persists(outputs: &[Output]) -> usize {
    outputs
        .iter()
        .filter(|o| matches!(o, Output::Persist(_)))
        .count()
}

fn stops(outputs: &[Output]) -> Vec<UseId> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::StopUse(id) => Some(*id),
            _ => None,
        })
        .collect()
}

fn state(e: &mut Engine, now: Millis, cap: Capability) -> State {
    e.status(now, cap).state
}

fn denied(reason: DenyReason) -> Status {
    Status {
        state: State::Denied,
        grant: None,
        expires_at: None,
        reason: Some(reason),
    }
}

fn granted(kind: GrantKind, expires_at: Option<Millis>) -> Status {
    Status {
        state: State::Granted,
        grant: Some(kind),
        expires_at,
        reason: None,
    }
}

/// A one-time camera grant made at `T0` that the browser grants.
fn one_time_camera() -> Engine {
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Camera, NativeState::Prompt));
    feed(&mut e, T0, Input::Decision(Camera, Choice::AllowOnce));
    let out = feed(&mut e, T0, Input::Native(Camera, NativeState::Granted));
    assert_eq!(changes(&out), vec![(Camera, State::Granted)]);
    e
}

// ---- States ----

#[test]
fn native_denied_wins_over_grant() {
    let mut e = engine();
    feed(&mut e, T0, Input::Decision(Camera, Choice::AllowAlways));
    feed(&mut e, T0, Input::Native(Camera, NativeState::Granted));
    assert_eq!(e.status(T0, Camera), granted(GrantKind::Persistent, None));
    let out = feed(&mut e, T0 + 1, Input::Native(Camera, NativeState::Denied));
    assert_eq!(changes(&out), vec![(Camera, State::Denied)]);
    assert_eq!(e.status(T0 + 1, Camera), denied(DenyReason::Browser));
    // Nor does an embargo or a block change the reason.
    for _ in 0..3 {
        feed(&mut e, T0 + 2, Input::Decision(Camera, Choice::Dismiss));
    }
    assert_eq!(e.status(T0 + 2, Camera), denied(DenyReason::Browser));
    feed(&mut e, T0 + 3, Input::Decision(Camera, Choice::DontAllow));
    assert_eq!(e.status(T0 + 3, Camera), denied(DenyReason::Browser));
}

#[test]
fn failed_access_counts_as_browser_denial_until_next_native() {
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Microphone, NativeState::Prompt));
    let out = feed(&mut e, T0, Input::Access(Microphone, AccessOutcome::Denied));
    assert_eq!(changes(&out), vec![(Microphone, State::Denied)]);
    assert_eq!(e.status(T0, Microphone), denied(DenyReason::Browser));
    let out = feed(
        &mut e,
        T0 + 1,
        Input::Native(Microphone, NativeState::Prompt),
    );
    assert_eq!(changes(&out), vec![(Microphone, State::Prompt)]);
}

#[test]
fn embargo_beats_block_and_block_gives_reason_user() {
    let mut e = engine();
    let out = feed(&mut e, T0, Input::Decision(Geolocation, Choice::DontAllow));
    assert_eq!(changes(&out), vec![(Geolocation, State::Denied)]);
    assert_eq!(e.status(T0, Geolocation), denied(DenyReason::User));
    // The browser granting does not lift the site-level block.
    feed(&mut e, T0, Input::Native(Geolocation, NativeState::Granted));
    assert_eq!(e.status(T0, Geolocation), denied(DenyReason::User));
    for _ in 0..3 {
        feed(
            &mut e,
            T0 + 1,
            Input::Decision(Geolocation, Choice::Dismiss),
        );
    }
    assert_eq!(e.status(T0 + 1, Geolocation), denied(DenyReason::Embargo));
}

#[test]
fn granted_before_library_is_persistent() {
    let mut e = engine();
    let out = feed(&mut e, T0, Input::Native(Geolocation, NativeState::Granted));
    assert_eq!(changes(&out), vec![(Geolocation, State::Granted)]);
    assert_eq!(
        e.status(T0, Geolocation),
        granted(GrantKind::Persistent, None)
    );
    assert!(e.may_use(T0, Geolocation));
    // Nothing was recorded: nothing to persist.
    assert_eq!(persists(&out), 0);
}

#[test]
fn firefox_style_prompt_with_honoured_grant_is_granted() {
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Camera, NativeState::Prompt));
    // The decision alone is no evidence: the browser still says prompt.
    let out = feed(&mut e, T0, Input::Decision(Camera, Choice::AllowOnce));
    assert!(changes(&out).is_empty());
    assert_eq!(state(&mut e, T0, Camera), State::Prompt);
    // getUserMedia succeeded under the grant: honoured.
    let out = feed(
        &mut e,
        T0 + 1,
        Input::Access(Camera, AccessOutcome::Granted),
    );
    assert_eq!(changes(&out), vec![(Camera, State::Granted)]);
    assert_eq!(persists(&out), 1);
    assert!(e.record().is_honoured(Camera));
    assert_eq!(
        e.status(T0 + 1, Camera),
        granted(GrantKind::OneTime, Some(T0 + LIFETIME))
    );
    // Reads of the browser that keep saying prompt do not take it back.
    let out = feed(&mut e, T0 + 2, Input::Native(Camera, NativeState::Prompt));
    assert!(changes(&out).is_empty());
    // A failed call does: the browser denies, and the grant is no longer honoured.
    let out = feed(&mut e, T0 + 3, Input::Access(Camera, AccessOutcome::Denied));
    assert_eq!(changes(&out), vec![(Camera, State::Denied)]);
    let out = feed(&mut e, T0 + 4, Input::Native(Camera, NativeState::Prompt));
    assert_eq!(changes(&out), vec![(Camera, State::Prompt)]);
}

#[test]
fn unhonoured_grant_with_browser_unknown_is_prompt() {
    let mut e = engine();
    feed(&mut e, T0, Input::Decision(Camera, Choice::AllowAlways));
    assert_eq!(state(&mut e, T0, Camera), State::Prompt);
    feed(&mut e, T0, Input::Access(Camera, AccessOutcome::Granted));
    assert_eq!(e.status(T0, Camera), granted(GrantKind::Persistent, None));
}

#[test]
fn granted_status_alone_carries_grant_and_expiry() {
    let mut e = one_time_camera();
    assert_eq!(
        e.status(T0, Camera),
        granted(GrantKind::OneTime, Some(T0 + LIFETIME))
    );
    feed(&mut e, T0, Input::Native(Camera, NativeState::Prompt));
    assert_eq!(e.status(T0, Camera), Status::default());
}

// ---- The pre-prompt: decisions, dismissals, embargo ----

#[test]
fn every_decision_is_audited() {
    let mut e = engine();
    let out = feed(&mut e, T0, Input::PromptShown(Camera));
    assert_eq!(audits(&out), vec![AuditEvent::PromptShown(Camera)]);
    for choice in [
        Choice::AllowOnce,
        Choice::AllowAlways,
        Choice::DontAllow,
        Choice::Dismiss,
    ] {
        let out = feed(&mut e, T0, Input::Decision(Camera, choice));
        assert_eq!(
            audits(&out).first(),
            Some(&AuditEvent::Decision(Camera, choice))
        );
    }
}

#[test]
fn embargo_after_three_dismissals() {
    let mut e = engine();
    for i in 0..2 {
        let out = feed(&mut e, T0 + i, Input::Decision(Microphone, Choice::Dismiss));
        assert!(changes(&out).is_empty());
        assert_eq!(e.record().dismissals(Microphone), i as u32 + 1);
    }
    let out = feed(&mut e, T0 + 2, Input::Decision(Microphone, Choice::Dismiss));
    assert_eq!(changes(&out), vec![(Microphone, State::Denied)]);
    assert!(audits(&out).contains(&AuditEvent::EmbargoStarted(Microphone, T0 + 2 + EMBARGO)));
    assert_eq!(persists(&out), 1);
    assert_eq!(e.status(T0 + 2, Microphone), denied(DenyReason::Embargo));
    assert_eq!(e.record().dismissals(Microphone), 0);
    assert_eq!(e.next_deadline(), Some(T0 + 2 + EMBARGO));
    // Other capabilities are untouched.
    assert_eq!(state(&mut e, T0 + 2, Camera), State::Prompt);
}

#[test]
fn any_decision_resets_dismissals() {
    for choice in [Choice::AllowOnce, Choice::AllowAlways, Choice::DontAllow] {
        let mut e = engine();
        feed(&mut e, T0, Input::Decision(Camera, Choice::Dismiss));
        feed(&mut e, T0, Input::Decision(Camera, Choice::Dismiss));
        feed(&mut e, T0, Input::Decision(Camera, choice));
        assert_eq!(e.record().dismissals(Camera), 0, "{choice:?}");
        feed(&mut e, T0, Input::Decision(Camera, Choice::Dismiss));
        let out = feed(&mut e, T0, Input::Decision(Camera, Choice::Dismiss));
        assert!(
            !audits(&out)
                .iter()
                .any(|a| matches!(a, AuditEvent::EmbargoStarted(..))),
            "{choice:?}"
        );
        assert_ne!(
            e.status(T0, Camera).reason,
            Some(DenyReason::Embargo),
            "{choice:?}"
        );
    }
}

#[test]
fn any_decision_ends_an_embargo() {
    let mut e = engine();
    for _ in 0..3 {
        feed(&mut e, T0, Input::Decision(Camera, Choice::Dismiss));
    }
    assert_eq!(e.status(T0, Camera), denied(DenyReason::Embargo));
    let out = feed(
        &mut e,
        T0 + MIN,
        Input::Decision(Camera, Choice::AllowAlways),
    );
    assert_eq!(changes(&out), vec![(Camera, State::Prompt)]);
    assert_eq!(e.record().embargo_until(Camera), None);
    assert_eq!(e.next_deadline(), None);
}

#[test]
fn embargo_lapses_with_change_event() {
    let mut e = engine();
    for _ in 0..3 {
        feed(&mut e, T0, Input::Decision(Notifications, Choice::Dismiss));
    }
    let until = T0 + EMBARGO;
    assert_eq!(e.next_deadline(), Some(until));
    let out = feed(&mut e, until - 1, Input::Tick);
    assert!(out.is_empty());
    let out = feed(&mut e, until, Input::Tick);
    assert_eq!(changes(&out), vec![(Notifications, State::Prompt)]);
    assert_eq!(e.next_deadline(), None);
    assert!(feed(&mut e, until + 1, Input::Tick).is_empty());
}

// ---- One-time grants ----

#[test]
fn one_time_expires_at_max_lifetime() {
    let mut e = one_time_camera();
    assert_eq!(e.next_deadline(), Some(T0 + LIFETIME));
    assert!(feed(&mut e, T0 + LIFETIME - 1, Input::Tick).is_empty());
    let out = feed(&mut e, T0 + LIFETIME, Input::Tick);
    assert_eq!(changes(&out), vec![(Camera, State::Prompt)]);
    assert_eq!(
        audits(&out),
        vec![AuditEvent::Expired(Camera, ExpiryCause::MaxLifetime)]
    );
    assert_eq!(persists(&out), 1);
    assert_eq!(e.status(T0 + LIFETIME, Camera), Status::default());
    assert_eq!(e.next_deadline(), None);
    // Rule 3: the browser still granting does not resurrect it.
    let out = feed(
        &mut e,
        T0 + LIFETIME + 1,
        Input::Native(Camera, NativeState::Granted),
    );
    assert!(out.is_empty());
    assert!(!e.may_use(T0 + LIFETIME + 1, Camera));
}

#[test]
fn one_time_expires_after_hidden_timeout_when_all_pages_hidden() {
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::PageVisible(OTHER, true));
    feed(&mut e, T0 + MIN, Input::PageVisible(ME, false));
    // Another page is visible: no hidden timer.
    assert_eq!(e.next_deadline(), Some(T0 + LIFETIME));
    assert!(e.may_use(T0 + HOUR, Camera));
    let hidden = T0 + HOUR;
    feed(&mut e, hidden, Input::PageVisible(OTHER, false));
    assert_eq!(e.next_deadline(), Some(hidden + HIDDEN));
    assert!(feed(&mut e, hidden + HIDDEN - 1, Input::Tick).is_empty());
    let out = feed(&mut e, hidden + HIDDEN, Input::Tick);
    assert_eq!(changes(&out), vec![(Camera, State::Prompt)]);
    assert_eq!(
        audits(&out),
        vec![AuditEvent::Expired(Camera, ExpiryCause::Hidden)]
    );
}

#[test]
fn hidden_timer_resets_when_a_page_becomes_visible() {
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::PageVisible(ME, false));
    assert_eq!(e.next_deadline(), Some(T0 + HIDDEN));
    feed(&mut e, T0 + 4 * MIN, Input::PageVisible(ME, true));
    assert_eq!(e.next_deadline(), Some(T0 + LIFETIME));
    // Hidden again: a fresh five minutes, and a repeated "hidden" keeps the first time.
    feed(&mut e, T0 + 10 * MIN, Input::PageVisible(ME, false));
    feed(&mut e, T0 + 11 * MIN, Input::PageVisible(ME, false));
    assert_eq!(e.next_deadline(), Some(T0 + 15 * MIN));
}

#[test]
fn hidden_timer_waits_for_live_camera_track() {
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::UseStarted(Camera, 10));
    feed(&mut e, T0 + MIN, Input::PageVisible(ME, false));
    assert_eq!(e.next_deadline(), Some(T0 + LIFETIME));
    assert!(e.may_use(T0 + 3 * HOUR, Camera));
    // The track lives in another page: the same.
    let mut b = Engine::new(Config::default(), OTHER, T0);
    feed(&mut b, T0, Input::Loaded(e.record().clone()));
    feed(&mut b, T0, Input::Native(Camera, NativeState::Granted));
    feed(&mut b, T0, Input::PageVisible(OTHER, false));
    assert_eq!(b.next_deadline(), Some(T0 + LIFETIME));
    assert!(b.may_use(T0 + 3 * HOUR, Camera));
    // Microphone has its own grant and no track: its timer runs.
    feed(
        &mut e,
        T0 + 3 * HOUR,
        Input::Decision(Microphone, Choice::AllowOnce),
    );
    feed(&mut e, T0 + 3 * HOUR, Input::PageVisible(ME, false));
    assert_eq!(e.next_deadline(), Some(T0 + 3 * HOUR + HIDDEN));
}

#[test]
fn hidden_timer_starts_when_last_track_ends() {
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::UseStarted(Camera, 10));
    feed(&mut e, T0, Input::UseStarted(Camera, 11));
    feed(&mut e, T0 + MIN, Input::PageVisible(ME, false));
    let out = feed(&mut e, T0 + HOUR, Input::UseEnded(10));
    assert_eq!(
        persists(&out),
        0,
        "one track is still live: nothing changed"
    );
    assert_eq!(e.next_deadline(), Some(T0 + LIFETIME));
    let end = T0 + 2 * HOUR;
    let out = feed(&mut e, end, Input::UseEnded(11));
    assert_eq!(persists(&out), 1);
    assert_eq!(e.next_deadline(), Some(end + HIDDEN));
    assert!(e.may_use(end + HIDDEN - 1, Camera));
    assert!(!e.may_use(end + HIDDEN, Camera));
}

#[test]
fn geolocation_watch_does_not_stop_hidden_timer() {
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Geolocation, NativeState::Granted));
    feed(&mut e, T0, Input::Decision(Geolocation, Choice::AllowOnce));
    feed(&mut e, T0, Input::UseStarted(Geolocation, 20));
    feed(&mut e, T0 + MIN, Input::PageVisible(ME, false));
    assert_eq!(e.next_deadline(), Some(T0 + MIN + HIDDEN));
    let out = feed(&mut e, T0 + MIN + HIDDEN, Input::Tick);
    assert_eq!(
        audits(&out),
        vec![AuditEvent::Expired(Geolocation, ExpiryCause::Hidden)]
    );
    assert_eq!(stops(&out), vec![20]);
}

#[test]
fn one_time_survives_one_page_closing() {
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::PageVisible(OTHER, true));
    let out = feed(&mut e, T0 + MIN, Input::PageGone(OTHER));
    assert!(changes(&out).is_empty());
    assert_eq!(persists(&out), 1);
    assert!(e.may_use(T0 + MIN, Camera));
    // And in the other direction: this page goes, another page lives on.
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::PageVisible(OTHER, true));
    let out = feed(&mut e, T0 + MIN, Input::PageGone(ME));
    assert!(audits(&out).is_empty());
    assert_eq!(e.live_pages(), vec![OTHER]);
}

#[test]
fn one_time_expires_when_last_page_gone() {
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::PageVisible(OTHER, false));
    feed(&mut e, T0 + SEC, Input::PageGone(OTHER));
    let out = feed(&mut e, T0 + 2 * SEC, Input::PageGone(ME));
    assert_eq!(changes(&out), vec![(Camera, State::Prompt)]);
    assert_eq!(
        audits(&out),
        vec![AuditEvent::Expired(Camera, ExpiryCause::PagesGone)]
    );
    assert_eq!(persists(&out), 1);
    assert_eq!(e.record().grant(Camera), None);
    assert!(e.live_pages().is_empty());
}

#[test]
fn loaded_grant_with_no_live_page_is_expired() {
    // Stored by a page that died without saying so (no page entry left).
    let (stored, warning) = Record::decode("jp1|co1700000000000h");
    assert_eq!(warning, None);
    let mut e = Engine::new(Config::default(), ME, T0 + MIN);
    let out = feed(&mut e, T0 + MIN, Input::Loaded(stored));
    // Never reported granted, not even between the load and the announcement.
    assert!(changes(&out).is_empty());
    assert_eq!(
        audits(&out),
        vec![AuditEvent::Expired(Camera, ExpiryCause::PagesGone)]
    );
    assert_eq!(persists(&out), 0);
    assert!(feed(
        &mut e,
        T0 + MIN,
        Input::Native(Camera, NativeState::Granted)
    )
    .is_empty());
    let out = feed(&mut e, T0 + MIN, Input::PageVisible(ME, true));
    assert!(changes(&out).is_empty() && audits(&out).is_empty());
    assert_eq!(persists(&out), 1, "the announcement writes the ended grant");
    assert_eq!(e.status(T0 + MIN, Camera), Status::default());
}

#[test]
fn loaded_grant_with_live_page_survives() {
    let mut a = one_time_camera();
    let mut b = Engine::new(Config::default(), OTHER, T0 + MIN);
    feed(&mut b, T0 + MIN, Input::Loaded(a.record().clone()));
    let out = feed(
        &mut b,
        T0 + MIN,
        Input::Native(Camera, NativeState::Granted),
    );
    assert_eq!(changes(&out), vec![(Camera, State::Granted)]);
    assert_eq!(
        b.status(T0 + MIN, Camera),
        granted(GrantKind::OneTime, Some(T0 + LIFETIME))
    );
    let out = feed(&mut b, T0 + MIN, Input::PageVisible(OTHER, true));
    assert!(changes(&out).is_empty());
    assert_eq!(b.live_pages(), vec![ME, OTHER]);
    assert!(a.may_use(T0 + MIN, Camera));
}

#[test]
fn revoke_reports_prompt_even_if_browser_grants() {
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::UseStarted(Camera, 5));
    let out = feed(&mut e, T0 + MIN, Input::Revoke(Camera));
    assert_eq!(changes(&out), vec![(Camera, State::Prompt)]);
    assert_eq!(audits(&out), vec![AuditEvent::Revoked(Camera)]);
    assert_eq!(stops(&out), vec![5]);
    assert_eq!(persists(&out), 1);
    assert!(feed(
        &mut e,
        T0 + MIN,
        Input::Native(Camera, NativeState::Granted)
    )
    .is_empty());
    assert!(feed(
        &mut e,
        T0 + MIN,
        Input::Access(Camera, AccessOutcome::Granted)
    )
    .is_empty());
    assert_eq!(state(&mut e, T0 + MIN, Camera), State::Prompt);
    // A grant the browser gave before the library came is revoked the same way.
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Geolocation, NativeState::Granted));
    let out = feed(&mut e, T0, Input::Revoke(Geolocation));
    assert_eq!(changes(&out), vec![(Geolocation, State::Prompt)]);
    // Nothing to revoke: nothing happens.
    assert!(feed(&mut e, T0, Input::Revoke(Microphone)).is_empty());
}

#[test]
fn reset_returns_to_browser_state() {
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Camera, NativeState::Granted));
    feed(&mut e, T0, Input::Decision(Camera, Choice::DontAllow));
    assert_eq!(e.status(T0, Camera), denied(DenyReason::User));
    let out = feed(&mut e, T0, Input::Reset(Camera));
    assert_eq!(changes(&out), vec![(Camera, State::Granted)]);
    assert_eq!(audits(&out), vec![AuditEvent::Reset(Camera)]);
    assert_eq!(persists(&out), 1);
    assert!(e.record().is_empty() || e.record().grant(Camera).is_none());
    assert_eq!(e.status(T0, Camera), granted(GrantKind::Persistent, None));
    // After a revocation, only a reset lets the browser's grant show again.
    feed(&mut e, T0, Input::Revoke(Camera));
    assert_eq!(state(&mut e, T0, Camera), State::Prompt);
    let out = feed(&mut e, T0, Input::Reset(Camera));
    assert_eq!(changes(&out), vec![(Camera, State::Granted)]);
    // Reset clears dismissals and embargoes too.
    for _ in 0..3 {
        feed(&mut e, T0, Input::Decision(Microphone, Choice::Dismiss));
    }
    let out = feed(&mut e, T0, Input::Reset(Microphone));
    assert_eq!(changes(&out), vec![(Microphone, State::Prompt)]);
    assert_eq!(e.next_deadline(), None);
}

#[test]
fn late_timer_never_reports_expired_grant() {
    let mut e = one_time_camera();
    // No Tick ever arrives (a throttled timer); the read itself checks the clock.
    let late = T0 + LIFETIME + 3 * MIN;
    assert_eq!(e.status(late, Camera), Status::default());
    let out = drain(&mut e);
    assert_eq!(changes(&out), vec![(Camera, State::Prompt)]);
    assert_eq!(
        audits(&out),
        vec![AuditEvent::Expired(Camera, ExpiryCause::MaxLifetime)]
    );
    // The same for the hidden timer, read through may_use and through any input.
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::PageVisible(ME, false));
    assert!(!e.may_use(T0 + HIDDEN + 40 * SEC, Camera));
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::PageVisible(ME, false));
    let out = feed(&mut e, T0 + HOUR, Input::PageVisible(ME, true));
    assert_eq!(
        audits(&out),
        vec![AuditEvent::Expired(Camera, ExpiryCause::Hidden)]
    );
    assert_eq!(state(&mut e, T0 + HOUR, Camera), State::Prompt);
}

#[test]
fn stop_use_on_expiry() {
    let mut e = one_time_camera();
    feed(
        &mut e,
        T0,
        Input::Decision(Geolocation, Choice::AllowAlways),
    );
    feed(&mut e, T0, Input::UseStarted(Camera, 1));
    feed(&mut e, T0, Input::UseStarted(Camera, 2));
    feed(&mut e, T0, Input::UseStarted(Geolocation, 3));
    feed(&mut e, T0, Input::UseEnded(2));
    let out = feed(&mut e, T0 + LIFETIME, Input::Tick);
    assert_eq!(stops(&out), vec![1]);
    // Stopped uses are forgotten: they are not stopped twice.
    assert!(stops(&feed(&mut e, T0 + LIFETIME, Input::Revoke(Geolocation))).contains(&3));
    assert!(feed(&mut e, T0 + LIFETIME, Input::Revoke(Camera)).is_empty());
}

#[test]
fn grant_ended_in_another_page_stops_uses_here() {
    let mut a = one_time_camera();
    let mut b = Engine::new(Config::default(), OTHER, T0);
    feed(&mut b, T0, Input::Native(Camera, NativeState::Granted));
    feed(&mut b, T0, Input::Loaded(a.record().clone()));
    feed(&mut b, T0, Input::PageVisible(OTHER, true));
    feed(&mut b, T0, Input::UseStarted(Camera, 7));
    let out = feed(&mut a, T0 + MIN, Input::Revoke(Camera));
    let Some(Output::Persist(record)) = out
        .iter()
        .find(|o| matches!(o, Output::Persist(_)))
        .cloned()
    else {
        panic!("revocation is persisted")
    };
    let out = feed(&mut b, T0 + MIN, Input::Loaded(record));
    assert_eq!(stops(&out), vec![7]);
    assert_eq!(changes(&out), vec![(Camera, State::Prompt)]);
}

// ---- Events ----

#[test]
fn no_output_when_nothing_changed() {
    let mut e = one_time_camera();
    assert!(feed(&mut e, T0 + 1, Input::Tick).is_empty());
    assert!(feed(&mut e, T0 + 1, Input::PageVisible(ME, true)).is_empty());
    assert!(feed(&mut e, T0 + 1, Input::Native(Camera, NativeState::Granted)).is_empty());
    assert!(feed(&mut e, T0 + 1, Input::UseEnded(99)).is_empty());
    assert!(feed(&mut e, T0 + 1, Input::PageGone(42)).is_empty());
    let record = e.record().clone();
    assert!(feed(&mut e, T0 + 1, Input::Loaded(record)).is_empty());
}

#[test]
fn updated_when_only_extensions_change() {
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Camera, NativeState::Granted));
    // Persistent (from the browser) to one-time: same state.
    let out = feed(&mut e, T0, Input::Decision(Camera, Choice::AllowOnce));
    assert_eq!(
        out.iter()
            .filter(|o| matches!(o, Output::Updated(..)))
            .count(),
        1
    );
    assert!(changes(&out).is_empty());
    // Denied by the user, then by the browser: the reason changes.
    feed(&mut e, T0, Input::Decision(Camera, Choice::DontAllow));
    let out = feed(&mut e, T0, Input::Native(Camera, NativeState::Denied));
    assert_eq!(
        out,
        vec![Output::Updated(Camera, denied(DenyReason::Browser))]
    );
}

#[test]
fn loaded_record_from_other_page_fires_change_once() {
    let mut a = engine();
    let mut b = Engine::new(Config::default(), OTHER, T0);
    feed(&mut b, T0, Input::PageVisible(OTHER, true));
    feed(&mut b, T0, Input::Native(Microphone, NativeState::Granted));
    feed(&mut a, T0, Input::Native(Microphone, NativeState::Granted));
    let out = feed(&mut a, T0, Input::Decision(Microphone, Choice::DontAllow));
    let stored = out.iter().rev().find_map(|o| match o {
        Output::Persist(r) => Some(r.encode()),
        _ => None,
    });
    let (record, warning) = Record::decode(&stored.unwrap_or_default());
    assert_eq!(warning, None);
    let out = feed(&mut b, T0 + 1, Input::Loaded(record.clone()));
    assert_eq!(changes(&out), vec![(Microphone, State::Denied)]);
    assert_eq!(persists(&out), 0, "a load never writes back");
    assert_eq!(b.status(T0 + 1, Microphone), denied(DenyReason::User));
    assert!(feed(&mut b, T0 + 2, Input::Loaded(record)).is_empty());
}

#[test]
fn persist_follows_shared_changes_only() {
    let mut e = Engine::new(Config::default(), ME, T0);
    assert_eq!(persists(&feed(&mut e, T0, Input::PageVisible(ME, true))), 1);
    assert_eq!(
        persists(&feed(&mut e, T0, Input::PageVisible(OTHER, true))),
        1
    );
    assert_eq!(
        persists(&feed(&mut e, T0, Input::PageVisible(OTHER, true))),
        0
    );
    assert_eq!(persists(&feed(&mut e, T0, Input::UseStarted(Camera, 1))), 1);
    assert_eq!(persists(&feed(&mut e, T0, Input::PromptShown(Camera))), 0);
    assert_eq!(
        persists(&feed(
            &mut e,
            T0,
            Input::Native(Camera, NativeState::Granted)
        )),
        0
    );
    assert_eq!(
        persists(&feed(&mut e, T0, Input::Decision(Camera, Choice::Dismiss))),
        1
    );
    assert_eq!(persists(&feed(&mut e, T0, Input::PageGone(OTHER))), 1);
}

// ---- Options ----

#[test]
fn config_validation_names_field() {
    assert_eq!(Config::default().validate(), Ok(()));
    let bad = [
        (
            Config {
                max_lifetime: 0,
                ..Config::default()
            },
            "oneTime.maxLifetime",
        ),
        (
            Config {
                hidden_timeout: 0,
                ..Config::default()
            },
            "oneTime.hiddenTimeout",
        ),
        (
            Config {
                hidden_timeout: 200 * 366 * DAY,
                ..Config::default()
            },
            "oneTime.hiddenTimeout",
        ),
        (
            Config {
                embargo_dismissals: 0,
                ..Config::default()
            },
            "embargo.dismissals",
        ),
        (
            Config {
                embargo_duration: u64::MAX,
                ..Config::default()
            },
            "embargo.duration",
        ),
    ];
    for (config, field) in bad {
        let err = config.validate().expect_err(field);
        assert_eq!(err.field(), field);
        assert!(err.to_string().starts_with(field));
    }
    let one = Config {
        max_lifetime: 1,
        hidden_timeout: 1,
        embargo_dismissals: 1,
        embargo_duration: 1,
    };
    assert_eq!(one.validate(), Ok(()));
    let most = Config {
        max_lifetime: 100 * 365 * DAY,
        ..Config::default()
    };
    assert_eq!(most.validate(), Ok(()));
}

#[test]
fn config_changes_the_numbers() {
    let config = Config {
        max_lifetime: 10 * SEC,
        hidden_timeout: SEC,
        embargo_dismissals: 1,
        embargo_duration: MIN,
    };
    let mut e = Engine::new(config, ME, T0);
    feed(&mut e, T0, Input::PageVisible(ME, true));
    let out = feed(&mut e, T0, Input::Decision(Camera, Choice::Dismiss));
    assert!(audits(&out).contains(&AuditEvent::EmbargoStarted(Camera, T0 + MIN)));
    feed(&mut e, T0, Input::Native(Microphone, NativeState::Granted));
    feed(&mut e, T0, Input::Decision(Microphone, Choice::AllowOnce));
    assert_eq!(e.status(T0, Microphone).expires_at, Some(T0 + 10 * SEC));
    assert!(!e.may_use(T0 + 10 * SEC, Microphone));
}

// ---- Persistence ----

#[test]
fn record_roundtrip() {
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::Access(Camera, AccessOutcome::Granted));
    feed(&mut e, T0, Input::UseStarted(Camera, 1));
    feed(&mut e, T0 + 5, Input::UseEnded(1));
    feed(&mut e, T0, Input::UseStarted(Microphone, 2));
    feed(&mut e, T0, Input::Decision(Microphone, Choice::AllowAlways));
    feed(&mut e, T0, Input::Decision(Geolocation, Choice::Dismiss));
    feed(&mut e, T0, Input::Decision(Geolocation, Choice::Dismiss));
    for _ in 0..3 {
        feed(&mut e, T0, Input::Decision(Notifications, Choice::Dismiss));
    }
    feed(
        &mut e,
        T0,
        Input::Decision(Notifications, Choice::DontAllow),
    );
    feed(&mut e, T0, Input::PageVisible(OTHER, false));
    feed(&mut e, T0, Input::PageVisible(u64::MAX, true));
    let record = e.record().clone();
    let text = record.encode();
    assert!(text.starts_with("jp1|"));
    let (back, warning) = Record::decode(&text);
    assert_eq!(warning, None);
    assert_eq!(back, record);
    assert_eq!(back.encode(), text);
    assert_eq!(Record::decode_bytes(text.as_bytes()), (record, None));
    // The empty record is the bare tag, and empty storage is simply empty.
    assert_eq!(Record::default().encode(), "jp1");
    assert_eq!(Record::decode("jp1"), (Record::default(), None));
    assert_eq!(Record::decode(""), (Record::default(), None));
    // The documented example decodes.
    let example = "jp1|co1700000000000hu1700000300000|gd2|p4821h1700000000000u1";
    let (r, warning) = Record::decode(example);
    assert_eq!(warning, None);
    assert_eq!(r.encode(), example);
    assert_eq!(r.grant(Camera), Some(GrantKind::OneTime));
    assert!(r.is_honoured(Camera));
    assert_eq!(r.dismissals(Geolocation), 2);
    assert_eq!(r.pages(), vec![4821]);
}

#[test]
fn record_corrupt_gives_warning() {
    let many_pages: String = (0..65).fold(String::from("jp1"), |mut s, i| {
        s.push_str("|p");
        s.push_str(&i.to_string());
        s
    });
    let corrupt = [
        "{\"camera\":\"granted\"}",
        "null",
        "jp",
        "jpx",
        "jp0",
        "jp2|co5",
        "jp99999999999999999999999",
        "jp1|",
        "jp1|z",
        "jp1|co",
        "jp1|cob",
        "jp1|cx|cx",
        "jp1|ch",
        "jp1|cd0",
        "jp1|cd4294967296",
        "jp1|co18446744073709551616",
        "jp1|co01",
        "jp1|c",
        "jp1|p1|p1",
        "jp1|p1u16",
        "jp1|p1hh",
        "jp1|px",
        "jp1|co1|ce\u{e9}",
        &many_pages,
    ];
    for text in corrupt {
        let (record, warning) = Record::decode(text);
        assert_eq!(record, Record::default(), "{text}");
        assert!(
            warning.is_some_and(|w| w.starts_with("jit-permissions:")),
            "{text}"
        );
    }
    let (_, future) = Record::decode("jp2|co5");
    assert!(future.is_some_and(|w| w.contains("newer")));
    let (_, oversize) = Record::decode(&"jp1".repeat(10_000));
    assert!(oversize.is_some());
    let (record, warning) = Record::decode_bytes(&[b'j', b'p', b'1', 0xff, 0xfe]);
    assert_eq!(record, Record::default());
    assert!(warning.is_some());
}

#[test]
fn page_registry_is_bounded() {
    let mut e = engine();
    for id in 100..300 {
        feed(&mut e, T0, Input::PageVisible(id, true));
    }
    let pages = e.live_pages();
    assert_eq!(pages.len(), 64);
    assert!(pages.contains(&ME), "this page is never pushed out");
    assert!(pages.contains(&299));
    let text = e.record().encode();
    assert_eq!(Record::decode(&text).1, None);
}

#[test]
fn decision_announces_this_page() {
    // A choice is a click: the page is live even if its announcement has not arrived yet.
    let mut e = Engine::new(Config::default(), ME, T0);
    feed(&mut e, T0, Input::Native(Camera, NativeState::Granted));
    feed(&mut e, T0, Input::Decision(Camera, Choice::AllowOnce));
    assert_eq!(e.live_pages(), vec![ME]);
    let out = feed(&mut e, T0, Input::PageVisible(ME, true));
    assert!(out.is_empty());
    assert!(e.may_use(T0, Camera));
}

#[test]
fn closing_the_page_with_the_track_starts_hidden_timer() {
    let mut b = Engine::new(Config::default(), OTHER, T0);
    let mut a = one_time_camera();
    feed(&mut b, T0, Input::Loaded(a.record().clone()));
    feed(&mut b, T0, Input::PageVisible(OTHER, true));
    feed(&mut b, T0, Input::UseStarted(Camera, 3));
    let record = b.record().clone();
    feed(&mut a, T0, Input::Loaded(record));
    feed(&mut a, T0, Input::PageVisible(ME, false));
    assert_eq!(
        a.next_deadline(),
        Some(T0 + LIFETIME),
        "the other page's track holds the timer"
    );
    // The page with the track goes (its track with it): the timer starts then.
    feed(&mut a, T0 + HOUR, Input::PageGone(OTHER));
    assert_eq!(a.next_deadline(), Some(T0 + HOUR + HIDDEN));
}

#[test]
fn loaded_record_keeps_this_page_live() {
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::UseStarted(Camera, 1));
    // Another page wrote a record that lacks this page (it had not heard of it yet).
    let mut other = Engine::new(Config::default(), OTHER, T0);
    feed(&mut other, T0, Input::PageVisible(OTHER, true));
    feed(&mut other, T0, Input::Decision(Camera, Choice::AllowOnce));
    let out = feed(&mut e, T0 + 1, Input::Loaded(other.record().clone()));
    assert_eq!(persists(&out), 0);
    assert_eq!(e.live_pages(), vec![OTHER, ME]);
    feed(&mut e, T0 + 1, Input::PageVisible(ME, false));
    feed(&mut e, T0 + 1, Input::PageVisible(OTHER, false));
    assert_eq!(
        e.next_deadline(),
        Some(T0 + LIFETIME),
        "this page's track still counts"
    );
}
