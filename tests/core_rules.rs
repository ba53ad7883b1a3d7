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
    e.handle(T0, Input::Arrived(fresh(T0)));
    e.handle(T0, Input::PageVisible(ME, true));
    drain(&mut e);
    e
}

fn fresh(at: Millis) -> Arrival {
    Arrival {
        kind: ArrivalKind::Fresh,
        at,
    }
}

/// Another page of the origin, loading `record` and arriving fresh.
fn joined(id: PageId, now: Millis, record: &Record) -> Engine {
    let mut e = Engine::new(Config::default(), id, now);
    e.handle(now, Input::Loaded(record.clone()));
    e.handle(now, Input::Arrived(fresh(now)));
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

/// A status without its history fields (`last_decision`, `decided_at`), which have tests of their own.
fn bare(s: Status) -> Status {
    Status {
        last_decision: None,
        decided_at: None,
        ..s
    }
}

fn denied(reason: DenyReason) -> Status {
    Status {
        state: State::Denied,
        grant: None,
        expires_at: None,
        reason: Some(reason),
        ..Status::default()
    }
}

fn granted(kind: GrantKind, expires_at: Option<Millis>) -> Status {
    Status {
        state: State::Granted,
        grant: Some(kind),
        expires_at,
        reason: None,
        ..Status::default()
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
    assert_eq!(bare(e.status(T0, Camera)), granted(GrantKind::Persistent, None));
    let out = feed(&mut e, T0 + 1, Input::Native(Camera, NativeState::Denied));
    assert_eq!(changes(&out), vec![(Camera, State::Denied)]);
    assert_eq!(bare(e.status(T0 + 1, Camera)), denied(DenyReason::Browser));
    // Nor does an embargo or a block change the reason.
    for _ in 0..3 {
        feed(&mut e, T0 + 2, Input::Decision(Camera, Choice::Dismiss));
    }
    assert_eq!(bare(e.status(T0 + 2, Camera)), denied(DenyReason::Browser));
    feed(&mut e, T0 + 3, Input::Decision(Camera, Choice::DontAllow));
    assert_eq!(bare(e.status(T0 + 3, Camera)), denied(DenyReason::Browser));
}

#[test]
fn failed_access_counts_as_browser_denial_until_next_native() {
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Microphone, NativeState::Prompt));
    let out = feed(&mut e, T0, Input::Access(Microphone, AccessOutcome::Denied));
    assert_eq!(changes(&out), vec![(Microphone, State::Denied)]);
    assert_eq!(bare(e.status(T0, Microphone)), denied(DenyReason::Browser));
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
    assert_eq!(bare(e.status(T0, Geolocation)), denied(DenyReason::User));
    // The browser granting does not lift the site-level block.
    feed(&mut e, T0, Input::Native(Geolocation, NativeState::Granted));
    assert_eq!(bare(e.status(T0, Geolocation)), denied(DenyReason::User));
    for _ in 0..3 {
        feed(
            &mut e,
            T0 + 1,
            Input::Decision(Geolocation, Choice::Dismiss),
        );
    }
    assert_eq!(bare(e.status(T0 + 1, Geolocation)), denied(DenyReason::Embargo));
}

#[test]
fn granted_before_library_is_persistent() {
    let mut e = engine();
    let out = feed(&mut e, T0, Input::Native(Geolocation, NativeState::Granted));
    assert_eq!(changes(&out), vec![(Geolocation, State::Granted)]);
    assert_eq!(bare(e.status(T0, Geolocation)),
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
    // Evidence is this page's alone: never stored. Another page with the same record, where
    // the browser says prompt, reports prompt.
    let mut other = Engine::new(Config::default(), OTHER, T0 + 1);
    feed(&mut other, T0 + 1, Input::Loaded(e.record().clone()));
    feed(&mut other, T0 + 1, Input::Arrived(fresh(T0 + 1)));
    feed(&mut other, T0 + 1, Input::Native(Camera, NativeState::Prompt));
    assert_eq!(state(&mut other, T0 + 1, Camera), State::Prompt);
    assert_eq!(other.standing_grant(T0 + 1, Camera), Some(GrantKind::OneTime));
    assert_eq!(bare(e.status(T0 + 1, Camera)),
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
    assert_eq!(bare(e.status(T0, Camera)), granted(GrantKind::Persistent, None));
}

#[test]
fn granted_status_alone_carries_grant_and_expiry() {
    let mut e = one_time_camera();
    assert_eq!(bare(e.status(T0, Camera)),
        granted(GrantKind::OneTime, Some(T0 + LIFETIME))
    );
    feed(&mut e, T0, Input::Native(Camera, NativeState::Prompt));
    assert_eq!(bare(e.status(T0, Camera)), Status::default());
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
    assert_eq!(bare(e.status(T0 + 2, Microphone)), denied(DenyReason::Embargo));
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
    assert_eq!(bare(e.status(T0, Camera)), denied(DenyReason::Embargo));
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
    assert_eq!(bare(e.status(T0 + LIFETIME, Camera)), Status::default());
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
    let mut b = joined(OTHER, T0, e.record());
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
fn one_time_waits_for_a_handover_when_last_page_leaves() {
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::PageVisible(OTHER, false));
    feed(&mut e, T0 + SEC, Input::PageGone(OTHER));
    // The last page leaves: nothing ends yet (a reload or a same-origin navigation may follow);
    // the record notes when.
    let out = feed(&mut e, T0 + 2 * SEC, Input::PageGone(ME));
    assert!(audits(&out).is_empty());
    assert_eq!(persists(&out), 1);
    assert_eq!(e.record().grant(Camera), Some(GrantKind::OneTime));
    assert_eq!(e.record().left_at(), Some(T0 + 2 * SEC));
    assert!(e.live_pages().is_empty());
}

/// The record as the last page of the origin left it at `left`: a one-time camera grant.
fn left_behind(left: Millis) -> Record {
    let mut e = one_time_camera();
    feed(&mut e, left, Input::PageGone(ME));
    e.record().clone()
}

/// A page arriving at `now` (navigation started at `at`) on the stored record.
fn arrive(record: &Record, kind: ArrivalKind, at: Millis, now: Millis) -> (Engine, Vec<Output>) {
    let mut e = Engine::new(Config::default(), OTHER, now);
    let mut out = feed(&mut e, now, Input::Loaded(record.clone()));
    // Before it arrives, a page never reports the one-time grant.
    feed(&mut e, now, Input::Native(Camera, NativeState::Granted));
    assert_eq!(state(&mut e, now, Camera), State::Prompt);
    out.extend(feed(&mut e, now, Input::Arrived(Arrival { kind, at })));
    out.extend(feed(&mut e, now, Input::PageVisible(OTHER, true)));
    (e, out)
}

#[test]
fn reload_and_same_origin_navigation_keep_a_one_time_grant() {
    let left = T0 + MIN;
    for kind in [ArrivalKind::Reload, ArrivalKind::SameOrigin] {
        // The navigation started before the old page left (same tab), or a little after.
        for at in [left - 200, left, left + 4 * SEC] {
            let (mut e, out) = arrive(&left_behind(left), kind, at, left + 800);
            assert!(audits(&out).is_empty(), "{kind:?} at {at}");
            assert_eq!(changes(&out), vec![(Camera, State::Granted)]);
            assert_eq!(bare(e.status(left + SEC, Camera)), granted(GrantKind::OneTime, Some(T0 + LIFETIME)));
            assert_eq!(e.live_pages(), vec![OTHER]);
        }
    }
}

#[test]
fn a_fresh_page_or_a_late_handover_ends_a_one_time_grant() {
    let left = T0 + MIN;
    let cases = [
        // Opened fresh (typed URL, bookmark, link from another site), at once or later.
        (ArrivalKind::Fresh, left + 100),
        (ArrivalKind::Fresh, left + 5 * SEC),
        (ArrivalKind::Fresh, left + HOUR),
        // A reload or a same-origin navigation, but long after the last page left.
        (ArrivalKind::Reload, left + 5 * SEC + 1),
        (ArrivalKind::SameOrigin, left + HOUR),
    ];
    for (kind, at) in cases {
        let (mut e, out) = arrive(&left_behind(left), kind, at, at + 500);
        assert_eq!(audits(&out), vec![AuditEvent::Expired(Camera, ExpiryCause::PagesGone)], "{kind:?} at {at}");
        assert!(changes(&out).is_empty(), "never reported granted");
        assert_eq!(state(&mut e, at + SEC, Camera), State::Prompt);
        assert!(e.record().is_ended(Camera));
    }
    // A record with a one-time grant and no leave at all (the last page crashed): a reload
    // cannot prove a handover either.
    let mut crashed = left_behind(left);
    crashed.clone_from(&Record::decode("jp2|co1700000000000").0);
    let (_, out) = arrive(&crashed, ArrivalKind::Reload, left, left + 100);
    assert_eq!(audits(&out), vec![AuditEvent::Expired(Camera, ExpiryCause::PagesGone)]);
}

#[test]
fn a_page_arriving_while_another_lives_shares_the_grant() {
    let mut a = one_time_camera();
    // Whatever way it came: a live page keeps the grant.
    let mut b = Engine::new(Config::default(), OTHER, T0 + MIN);
    feed(&mut b, T0 + MIN, Input::Loaded(a.record().clone()));
    let out = feed(&mut b, T0 + MIN, Input::Arrived(fresh(T0 + MIN)));
    assert!(audits(&out).is_empty());
    let out = feed(&mut b, T0 + MIN, Input::Native(Camera, NativeState::Granted));
    assert_eq!(changes(&out), vec![(Camera, State::Granted)]);
    assert_eq!(bare(b.status(T0 + MIN, Camera)), granted(GrantKind::OneTime, Some(T0 + LIFETIME)));
    let out = feed(&mut b, T0 + MIN, Input::PageVisible(OTHER, true));
    assert!(changes(&out).is_empty());
    assert_eq!(b.live_pages(), vec![ME, OTHER]);
    assert!(a.may_use(T0 + MIN, Camera));
    // A second page reloading many times: the grant stays in both.
    let mut now = T0 + MIN;
    for _ in 0..20 {
        now += 3 * SEC;
        let out = feed(&mut b, now, Input::PageGone(OTHER));
        let Some(Output::Persist(stored)) = out.into_iter().rfind(|o| matches!(o, Output::Persist(_))) else {
            panic!("the leave is written")
        };
        feed(&mut a, now, Input::Loaded(stored.clone()));
        b = Engine::new(Config::default(), OTHER, now + 300);
        feed(&mut b, now + 300, Input::Loaded(stored));
        feed(&mut b, now + 300, Input::Arrived(Arrival { kind: ArrivalKind::Reload, at: now - 100 }));
        feed(&mut b, now + 300, Input::Native(Camera, NativeState::Granted));
        assert!(b.may_use(now + 400, Camera));
        assert!(a.may_use(now + 400, Camera));
    }
}

#[test]
fn a_page_that_misses_the_handover_never_reports_the_grant_before_it_arrives() {
    // Stored by a page that died without saying so (no page entry left).
    let (stored, warning) = Record::decode("jp2|co1700000000000");
    assert_eq!(warning, None);
    let mut e = Engine::new(Config::default(), ME, T0 + MIN);
    let out = feed(&mut e, T0 + MIN, Input::Loaded(stored));
    assert!(changes(&out).is_empty() && audits(&out).is_empty());
    assert!(feed(&mut e, T0 + MIN, Input::Native(Camera, NativeState::Granted)).is_empty());
    assert_eq!(e.standing_grant(T0 + MIN, Camera), None);
    let out = feed(&mut e, T0 + MIN, Input::Arrived(fresh(T0 + MIN)));
    assert_eq!(audits(&out), vec![AuditEvent::Expired(Camera, ExpiryCause::PagesGone)]);
    assert!(changes(&out).is_empty());
    assert_eq!(persists(&out), 1, "the arrival writes the ended grant");
    assert_eq!(bare(e.status(T0 + MIN, Camera)), Status::default());
}

#[test]
fn camera_in_use_ends_with_the_page_that_held_it() {
    // A live track cannot survive a navigation: the exemption ends with its page and the
    // hidden timer of the pages that remain runs from then.
    let mut a = one_time_camera();
    let mut b = joined(OTHER, T0, a.record());
    feed(&mut b, T0, Input::Native(Camera, NativeState::Granted));
    feed(&mut b, T0, Input::UseStarted(Camera, 1));
    feed(&mut a, T0, Input::Loaded(b.record().clone()));
    feed(&mut a, T0 + MIN, Input::PageVisible(ME, false));
    assert_eq!(a.next_deadline(), Some(T0 + LIFETIME));
    let out = feed(&mut b, T0 + 2 * MIN, Input::PageGone(OTHER));
    let Some(Output::Persist(stored)) = out.into_iter().rfind(|o| matches!(o, Output::Persist(_))) else {
        panic!("the leave is written")
    };
    feed(&mut a, T0 + 2 * MIN, Input::Loaded(stored));
    assert_eq!(a.next_deadline(), Some(T0 + 2 * MIN + HIDDEN));
}

#[test]
fn revoke_reports_prompt_even_if_browser_grants() {
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::UseStarted(Camera, 5));
    let out = feed(&mut e, T0 + MIN, Input::Revoke(Camera));
    assert_eq!(changes(&out), vec![(Camera, State::Prompt)]);
    assert_eq!(audits(&out), vec![AuditEvent::Revoked(Camera, RevocationCause::Manual)]);
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
fn reset_asks_again_and_never_widens() {
    // After Don't allow, where the browser grants: a Reset asks again (prompt), it does not
    // adopt the browser's grant as persistent (rule 5 holds only where nothing was decided).
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Camera, NativeState::Granted));
    feed(&mut e, T0, Input::Decision(Camera, Choice::DontAllow));
    assert_eq!(bare(e.status(T0, Camera)), denied(DenyReason::User));
    let out = feed(&mut e, T0, Input::Reset(Camera));
    assert_eq!(changes(&out), vec![(Camera, State::Prompt)]);
    assert_eq!(audits(&out), vec![AuditEvent::Reset(Camera)]);
    assert_eq!(persists(&out), 1);
    assert!(e.record().grant(Camera).is_none());
    assert_eq!(bare(e.status(T0, Camera)), Status::default());
    assert_eq!(e.standing_grant(T0, Camera), None, "the next gated call shows the pre-prompt");
    // The next choice decides again.
    feed(&mut e, T0 + 1, Input::Decision(Camera, Choice::AllowOnce));
    assert_eq!(state(&mut e, T0 + 1, Camera), State::Granted);
    // After Allow this time, the browser granting: a Reset ends the grant and its uses.
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Camera, NativeState::Granted));
    feed(&mut e, T0, Input::Decision(Camera, Choice::AllowOnce));
    feed(&mut e, T0, Input::UseStarted(Camera, 4));
    let out = feed(&mut e, T0 + 1, Input::Reset(Camera));
    assert_eq!(changes(&out), vec![(Camera, State::Prompt)]);
    assert_eq!(stops(&out), vec![4]);
    assert_eq!(bare(e.status(T0 + 1, Camera)), Status::default());
    // A browser grant from before the library came is asked about again after a Reset too.
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Geolocation, NativeState::Granted));
    assert_eq!(state(&mut e, T0, Geolocation), State::Granted);
    let out = feed(&mut e, T0, Input::Reset(Geolocation));
    assert_eq!(changes(&out), vec![(Geolocation, State::Prompt)]);
    // Shared with the origin's other pages through the record.
    let mut b = joined(OTHER, T0 + 1, e.record());
    feed(&mut b, T0 + 1, Input::Native(Geolocation, NativeState::Granted));
    assert_eq!(state(&mut b, T0 + 1, Geolocation), State::Prompt);
    // The browser's denial still wins.
    feed(&mut e, T0 + 2, Input::Native(Geolocation, NativeState::Denied));
    assert_eq!(bare(e.status(T0 + 2, Geolocation)), denied(DenyReason::Browser));
    // Reset clears dismissals and embargoes too.
    let mut e = engine();
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
    assert_eq!(bare(e.status(late, Camera)), Status::default());
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
    feed(&mut e, T0, Input::Native(Geolocation, NativeState::Granted));
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
    let mut b = joined(OTHER, T0, a.record());
    feed(&mut b, T0, Input::Native(Camera, NativeState::Granted));
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
    assert_eq!(out.len(), 1);
    let Some(Output::Updated(Camera, status)) = out.first().cloned() else {
        panic!("{out:?}")
    };
    assert_eq!(bare(status), denied(DenyReason::Browser));
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
    assert_eq!(bare(b.status(T0 + 1, Microphone)), denied(DenyReason::User));
    assert!(feed(&mut b, T0 + 2, Input::Loaded(record)).is_empty());
}

#[test]
fn persist_follows_shared_changes_only() {
    let mut e = Engine::new(Config::default(), ME, T0);
    assert_eq!(persists(&feed(&mut e, T0, Input::PageVisible(ME, true))), 0, "not live before it arrives");
    assert_eq!(persists(&feed(&mut e, T0, Input::Arrived(fresh(T0)))), 1);
    assert_eq!(
        persists(&feed(&mut e, T0, Input::PageVisible(OTHER, true))),
        1
    );
    assert_eq!(
        persists(&feed(&mut e, T0, Input::PageVisible(OTHER, true))),
        0
    );
    assert_eq!(
        persists(&feed(
            &mut e,
            T0,
            Input::Native(Camera, NativeState::Granted)
        )),
        0
    );
    assert_eq!(persists(&feed(&mut e, T0, Input::UseStarted(Camera, 1))), 1);
    assert_eq!(persists(&feed(&mut e, T0, Input::PromptShown(Camera))), 0);
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
        unused_after: Some(1),
        handover: 1,
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
        ..Config::default()
    };
    let mut e = Engine::new(config, ME, T0);
    feed(&mut e, T0, Input::Arrived(fresh(T0)));
    feed(&mut e, T0, Input::PageVisible(ME, true));
    let out = feed(&mut e, T0, Input::Decision(Camera, Choice::Dismiss));
    assert!(audits(&out).contains(&AuditEvent::EmbargoStarted(Camera, T0 + MIN)));
    feed(&mut e, T0, Input::Native(Microphone, NativeState::Granted));
    feed(&mut e, T0, Input::Decision(Microphone, Choice::AllowOnce));
    assert_eq!(bare(e.status(T0, Microphone)).expires_at, Some(T0 + 10 * SEC));
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
    assert!(text.starts_with("jp2|"));
    let (back, warning) = Record::decode(&text);
    assert_eq!(warning, None);
    assert_eq!(back, record);
    assert_eq!(back.encode(), text);
    assert_eq!(Record::decode_bytes(text.as_bytes()), (record, None));
    // The empty record is the bare tag, and empty storage is simply empty.
    assert_eq!(Record::default().encode(), "jp2");
    assert_eq!(Record::decode("jp2"), (Record::default(), None));
    assert_eq!(Record::decode(""), (Record::default(), None));
    // The documented example decodes.
    let example = "jp2|co1700000000000u1700000300000v1700000300000q0t1700000000000|gd2v1700000000001|p4821h1700000000000u1";
    let (r, warning) = Record::decode(example);
    assert_eq!(warning, None);
    assert_eq!(r.encode(), example);
    assert_eq!(r.grant(Camera), Some(GrantKind::OneTime));
    assert_eq!(r.last_decision(Camera), Some((Choice::AllowOnce, T0)));
    assert_eq!(r.dismissals(Geolocation), 2);
    assert_eq!(r.pages(), vec![4821]);
    // A leave is kept.
    let (r, warning) = Record::decode("jp2|cx|l1700000000000");
    assert_eq!(warning, None);
    assert_eq!(r.left_at(), Some(T0));
    assert!(r.is_ended(Camera));
}

#[test]
fn first_format_is_read_without_its_stored_evidence() {
    // `h` was evidence of access, stored by the first version: it is dropped, never trusted.
    let (r, warning) = Record::decode("jp1|ao1700000000000hu1700000300000|gd2|p4821h1700000000000u1");
    assert_eq!(warning, Some(String::from("jit-permissions: the stored record is corrupt; it was discarded")), "cap letter a is not a capability");
    let (r2, warning) = Record::decode("jp1|co1700000000000hu1700000300000|gd2|p4821h1700000000000u1");
    assert_eq!(warning, None);
    assert_eq!(r2.grant(Camera), Some(GrantKind::OneTime));
    assert_eq!(r2.encode(), "jp2|co1700000000000u1700000300000|gd2|p4821h1700000000000u1");
    assert!(r.is_empty());
    // A persistent grant written with `h` by hand, where the browser says prompt: prompt.
    let (stored, warning) = Record::decode("jp1|ca1700000000000h");
    assert_eq!(warning, None);
    let mut e = Engine::new(Config::default(), ME, T0);
    feed(&mut e, T0, Input::Loaded(stored));
    feed(&mut e, T0, Input::Arrived(fresh(T0)));
    feed(&mut e, T0, Input::Native(Camera, NativeState::Prompt));
    assert_eq!(state(&mut e, T0, Camera), State::Prompt);
    // v, s, q, t and l belong to the second format only.
    for text in ["jp1|cv5", "jp1|ca5s6", "jp1|cq0t5", "jp1|l5", "jp2|ch", "jp2|ca5h"] {
        assert!(Record::decode(text).1.is_some(), "{text}");
    }
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
        "jp3|co5",
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
        // Non-ASCII anywhere in an entry (decoding reads bytes): at its start, in a page's, a leave's.
        "jp1|\u{e9}o1",
        "jp1|c\u{e9}",
        "jp1|p1h\u{e9}",
        "jp2|l\u{e9}",
        "jp1\u{e9}|co1",
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
    for text in ["jp2|cq0", "jp2|ct5", "jp2|cq4t5", "jp2|cv0", "jp2|l", "jp2|l5|l6", "jp2|l5h", "jp2|cs5", "jp2|cxs5"] {
        assert!(Record::decode(text).1.is_some(), "{text}");
    }
    let (_, future) = Record::decode("jp3|co5");
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
    let mut a = one_time_camera();
    let mut b = joined(OTHER, T0, a.record());
    feed(&mut b, T0, Input::Native(Camera, NativeState::Granted));
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
    assert_eq!(persists(&out), 1, "the merge writes back this page's entry");
    assert_eq!(e.live_pages(), vec![OTHER, ME]);
    feed(&mut e, T0 + 1, Input::PageVisible(ME, false));
    feed(&mut e, T0 + 1, Input::PageVisible(OTHER, false));
    assert_eq!(
        e.next_deadline(),
        Some(T0 + LIFETIME),
        "this page's track still counts"
    );
}


// ---- Issue 10: the truth under real use ----

#[test]
fn evidence_is_voided_by_any_change_of_the_browser_state() {
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Camera, NativeState::Prompt));
    feed(&mut e, T0, Input::Decision(Camera, Choice::AllowAlways));
    feed(&mut e, T0, Input::Access(Camera, AccessOutcome::Granted));
    assert_eq!(state(&mut e, T0, Camera), State::Granted);
    // The same answer again keeps it; a different one voids it, even back to the old value.
    assert!(feed(&mut e, T0 + 1, Input::Native(Camera, NativeState::Prompt)).is_empty());
    feed(&mut e, T0 + 2, Input::Native(Camera, NativeState::Unknown));
    let out = feed(&mut e, T0 + 3, Input::Native(Camera, NativeState::Prompt));
    assert!(changes(&out).is_empty());
    assert_eq!(state(&mut e, T0 + 3, Camera), State::Prompt);
    // The person's decision stands: the next call goes to the browser without a pre-prompt.
    assert_eq!(e.standing_grant(T0 + 3, Camera), Some(GrantKind::Persistent));
}

#[test]
fn a_grant_the_browser_takes_back_ends_as_a_browser_revocation() {
    // "Allow on every visit" in the pre-prompt, then the browser's own one-time grant, which
    // ends: the library's grant ends too, and its tracks stop.
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Camera, NativeState::Prompt));
    feed(&mut e, T0, Input::Decision(Camera, Choice::AllowAlways));
    feed(&mut e, T0, Input::Native(Camera, NativeState::Granted));
    feed(&mut e, T0, Input::Access(Camera, AccessOutcome::Granted));
    feed(&mut e, T0, Input::UseStarted(Camera, 4));
    let out = feed(&mut e, T0 + MIN, Input::Native(Camera, NativeState::Prompt));
    assert_eq!(changes(&out), vec![(Camera, State::Prompt)]);
    assert_eq!(audits(&out), vec![AuditEvent::Revoked(Camera, RevocationCause::Browser)]);
    assert_eq!(stops(&out), vec![4]);
    assert_eq!(persists(&out), 1);
    assert_eq!(e.record().grant(Camera), None);
    assert_eq!(e.standing_grant(T0 + MIN, Camera), None, "the next call asks again");
    // A later visit, where the browser says prompt, reports prompt (no stored evidence).
    let mut later = joined(OTHER, T0 + DAY, e.record());
    feed(&mut later, T0 + DAY, Input::Native(Camera, NativeState::Prompt));
    assert_eq!(state(&mut later, T0 + DAY, Camera), State::Prompt);
    // The browser granting again (the person re-allowed in its settings) speaks for itself.
    let out = feed(&mut e, T0 + HOUR, Input::Native(Camera, NativeState::Granted));
    assert_eq!(changes(&out), vec![(Camera, State::Granted)]);
    // A grant from before the library came, taken back by a reset in the browser: audited too.
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Geolocation, NativeState::Granted));
    feed(&mut e, T0, Input::UseStarted(Geolocation, 9));
    let out = feed(&mut e, T0 + 1, Input::Native(Geolocation, NativeState::Prompt));
    assert_eq!(audits(&out), vec![AuditEvent::Revoked(Geolocation, RevocationCause::Browser)]);
    assert_eq!(stops(&out), vec![9]);
    // And denied by the browser ends a grant the same way.
    let mut e = one_time_camera();
    let out = feed(&mut e, T0 + 1, Input::Native(Camera, NativeState::Denied));
    assert_eq!(audits(&out), vec![AuditEvent::Revoked(Camera, RevocationCause::Browser)]);
    assert_eq!(bare(e.status(T0 + 1, Camera)), denied(DenyReason::Browser));
}

#[test]
fn revoke_stops_every_use_whatever_grant_it_came_from() {
    // Camera granted in the browser before the library came (rule 5), a track through the
    // library, then Revoke: prompt, and the track stops.
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Camera, NativeState::Granted));
    feed(&mut e, T0, Input::Access(Camera, AccessOutcome::Granted));
    feed(&mut e, T0, Input::UseStarted(Camera, 1));
    feed(&mut e, T0, Input::UseStarted(Camera, 2));
    let out = feed(&mut e, T0 + 1, Input::Revoke(Camera));
    assert_eq!(changes(&out), vec![(Camera, State::Prompt)]);
    assert_eq!(stops(&out), vec![1, 2]);
    assert_eq!(audits(&out), vec![AuditEvent::Revoked(Camera, RevocationCause::Manual)]);
    assert!(!e.in_use(Camera));
    // In another page holding a track under the browser's grant, the stored revocation stops it.
    let mut a = engine();
    feed(&mut a, T0, Input::Native(Camera, NativeState::Granted));
    let mut b = joined(OTHER, T0, a.record());
    feed(&mut b, T0, Input::Native(Camera, NativeState::Granted));
    feed(&mut b, T0, Input::UseStarted(Camera, 7));
    let out = feed(&mut a, T0 + 1, Input::Revoke(Camera));
    let Some(Output::Persist(stored)) = out.into_iter().rfind(|o| matches!(o, Output::Persist(_))) else {
        panic!("revocation is written")
    };
    let out = feed(&mut b, T0 + 2, Input::Loaded(stored));
    assert_eq!(stops(&out), vec![7]);
    // Reset that leaves the capability not granted stops uses too.
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::UseStarted(Camera, 3));
    feed(&mut e, T0, Input::Native(Camera, NativeState::Prompt));
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::Native(Camera, NativeState::Unknown));
    feed(&mut e, T0, Input::Access(Camera, AccessOutcome::Granted));
    feed(&mut e, T0, Input::UseStarted(Camera, 3));
    let out = feed(&mut e, T0 + 1, Input::Reset(Camera));
    assert_eq!(stops(&out), vec![3]);
}

#[test]
fn a_use_of_a_capability_that_is_not_granted_is_stopped_at_once() {
    // A combined call whose one-time camera grant expired while the microphone was asked:
    // the camera track it hands out is stopped.
    let mut e = one_time_camera();
    let out = feed(&mut e, T0 + LIFETIME, Input::UseStarted(Camera, 5));
    assert_eq!(stops(&out), vec![5]);
    assert!(!e.in_use(Camera));
}

#[test]
fn a_geolocation_watch_never_restarts_the_hidden_timer() {
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Geolocation, NativeState::Granted));
    feed(&mut e, T0, Input::Decision(Geolocation, Choice::AllowOnce));
    feed(&mut e, T0, Input::PageVisible(ME, false));
    // A hidden page clears and restarts a watch every 4 minutes.
    let mut now = T0;
    let mut id = 100;
    feed(&mut e, now, Input::UseStarted(Geolocation, id));
    while now + 4 * MIN < T0 + HIDDEN {
        now += 4 * MIN;
        feed(&mut e, now, Input::UseEnded(id));
        id += 1;
        feed(&mut e, now, Input::UseStarted(Geolocation, id));
        assert_eq!(e.deadline(Geolocation), Some((T0 + HIDDEN, ExpiryCause::Hidden)));
    }
    let out = feed(&mut e, T0 + HIDDEN, Input::Tick);
    assert_eq!(audits(&out), vec![AuditEvent::Expired(Geolocation, ExpiryCause::Hidden)]);
    assert_eq!(stops(&out), vec![id]);
}

#[test]
fn a_cleared_record_ends_every_library_grant() {
    let mut e = one_time_camera();
    feed(&mut e, T0, Input::Native(Microphone, NativeState::Granted));
    feed(&mut e, T0, Input::Decision(Microphone, Choice::AllowAlways));
    feed(&mut e, T0, Input::Decision(Geolocation, Choice::DontAllow));
    feed(&mut e, T0, Input::UseStarted(Camera, 1));
    // localStorage.clear() in another tab; the browser still grants camera and microphone.
    let out = feed(&mut e, T0 + MIN, Input::Cleared);
    assert_eq!(changes(&out), vec![(Camera, State::Prompt), (Microphone, State::Prompt)]);
    assert_eq!(
        audits(&out),
        vec![
            AuditEvent::Revoked(Camera, RevocationCause::Cleared),
            AuditEvent::Revoked(Microphone, RevocationCause::Cleared)
        ]
    );
    assert_eq!(stops(&out), vec![1]);
    // Never persistent from a cleared record, and the ended grants are written back.
    assert_eq!(persists(&out), 1);
    assert!(e.record().is_ended(Camera) && e.record().is_ended(Microphone));
    assert!(e.record().is_blocked(Geolocation), "the person's Don't allow is kept");
    let out = feed(&mut e, T0 + MIN, Input::Cleared);
    assert!(audits(&out).is_empty(), "nothing more to end");
}

#[test]
fn concurrent_writes_from_two_pages_lose_nothing() {
    let mut a = engine();
    let mut b = joined(OTHER, T0, a.record());
    let stored = a.record().clone();
    // Both decide at once, each from the same stored record: A camera, B microphone.
    let written = |e: &mut Engine, now, input| {
        feed(e, now, input)
            .into_iter()
            .rev()
            .find_map(|o| match o {
                Output::Persist(r) => Some(r),
                _ => None,
            })
            .expect("written")
    };
    let from_a = written(&mut a, T0 + 10, Input::Decision(Camera, Choice::AllowAlways));
    let from_b = written(&mut b, T0 + 11, Input::Decision(Microphone, Choice::DontAllow));
    assert_ne!(stored, from_a);
    // B's write lands last, over A's. A hears of it and merges: A's decision is newer, so A
    // writes back; B hears of that, and both agree.
    let out = feed(&mut a, T0 + 20, Input::Loaded(from_b.clone()));
    let back = out
        .into_iter()
        .rev()
        .find_map(|o| match o {
            Output::Persist(r) => Some(r),
            _ => None,
        })
        .expect("A writes back what the other write lost");
    let out = feed(&mut b, T0 + 21, Input::Loaded(back.clone()));
    assert_eq!(persists(&out), 0, "B has nothing newer");
    for e in [&a, &b] {
        assert_eq!(e.record().grant(Camera), Some(GrantKind::Persistent));
        assert!(e.record().is_blocked(Microphone));
    }
    assert_eq!(a.record().encode(), b.record().encode());
    // On the same capability, the later decision wins in both, whatever order the writes land.
    let mut a = engine();
    let mut b = joined(OTHER, T0, a.record());
    let one = written(&mut a, T0 + 30, Input::Decision(Camera, Choice::AllowOnce));
    let two = written(&mut b, T0 + 31, Input::Decision(Camera, Choice::DontAllow));
    feed(&mut a, T0 + 40, Input::Loaded(two));
    feed(&mut b, T0 + 40, Input::Loaded(one));
    assert!(a.record().is_blocked(Camera) && b.record().is_blocked(Camera));
    // On a tie, the more restrictive: a concurrent revocation is never lost to a grant.
    let mut x = Record::decode("jp2|ca5v100").0;
    let y = Record::decode("jp2|cxv100").0;
    let mut y2 = y.clone();
    y2.merge_caps(&x);
    x.merge_caps(&y);
    assert!(x.is_ended(Camera) && y2.is_ended(Camera));
}

#[test]
fn a_busy_page_merging_a_stale_record_does_not_list_gone_pages_again() {
    let mut a = engine();
    feed(&mut a, T0, Input::PageVisible(OTHER, true));
    let stale = a.record().clone();
    feed(&mut a, T0 + 1, Input::PageGone(OTHER));
    feed(&mut a, T0 + 2, Input::Loaded(stale));
    assert_eq!(a.live_pages(), vec![ME]);
}

// ---- Issue 13: reasons, history, unused grants ----

#[test]
fn policy_and_system_reasons() {
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Camera, NativeState::Denied));
    let out = feed(&mut e, T0, Input::Policy(Camera, false));
    assert_eq!(bare(e.status(T0, Camera)), denied(DenyReason::Policy));
    assert!(changes(&out).is_empty());
    feed(&mut e, T0, Input::Policy(Camera, true));
    assert_eq!(bare(e.status(T0, Camera)), denied(DenyReason::Browser));
    // The browser allows, the operating system blocks: learnt from the call.
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Microphone, NativeState::Granted));
    let out = feed(&mut e, T0, Input::Access(Microphone, AccessOutcome::SystemDenied));
    assert_eq!(changes(&out), vec![(Microphone, State::Denied)]);
    assert_eq!(bare(e.status(T0, Microphone)), denied(DenyReason::System));
    // A re-read of the same browser state keeps it; a call that succeeds clears it.
    assert!(feed(&mut e, T0 + 1, Input::Native(Microphone, NativeState::Granted)).is_empty());
    let out = feed(&mut e, T0 + 2, Input::Access(Microphone, AccessOutcome::Granted));
    assert_eq!(changes(&out), vec![(Microphone, State::Granted)]);
}

#[test]
fn history_tells_the_last_decision_and_when() {
    let mut e = engine();
    let s = e.status(T0, Camera);
    assert_eq!((s.last_decision, s.decided_at), (None, None), "never asked");
    feed(&mut e, T0 + 1, Input::Decision(Camera, Choice::AllowOnce));
    feed(&mut e, T0 + LIFETIME, Input::Tick);
    let s = e.status(T0 + LIFETIME, Camera);
    // Prompt after an expiry is not a first visit: the history says so.
    assert_eq!(s.state, State::Prompt);
    assert_eq!((s.last_decision, s.decided_at), (Some(Choice::AllowOnce), Some(T0 + 1)));
    let out = feed(&mut e, T0 + LIFETIME + 1, Input::Decision(Camera, Choice::Dismiss));
    assert_eq!(out.iter().filter(|o| matches!(o, Output::Updated(Camera, _))).count(), 1);
    feed(&mut e, T0 + LIFETIME + 2, Input::Reset(Camera));
    let s = e.status(T0 + LIFETIME + 2, Camera);
    assert_eq!((s.last_decision, s.decided_at), (Some(Choice::Dismiss), Some(T0 + LIFETIME + 1)), "kept through a reset");
    // Shared with the origin's other pages through the record.
    let mut b = joined(OTHER, T0 + LIFETIME + 3, e.record());
    assert_eq!(b.status(T0 + LIFETIME + 3, Camera).last_decision, Some(Choice::Dismiss));
}

#[test]
fn an_unused_persistent_grant_ends_after_unused_after() {
    let config = Config {
        unused_after: Some(30 * DAY),
        ..Config::default()
    };
    let mut e = Engine::new(config, ME, T0);
    feed(&mut e, T0, Input::Arrived(fresh(T0)));
    feed(&mut e, T0, Input::Native(Microphone, NativeState::Granted));
    feed(&mut e, T0, Input::Decision(Microphone, Choice::AllowAlways));
    assert_eq!(e.next_deadline(), Some(T0 + 30 * DAY));
    // A use through the library restarts the count; a live use holds it.
    feed(&mut e, T0 + 10 * DAY, Input::Access(Microphone, AccessOutcome::Granted));
    feed(&mut e, T0 + 10 * DAY, Input::UseStarted(Microphone, 1));
    assert_eq!(e.next_deadline(), None);
    feed(&mut e, T0 + 11 * DAY, Input::UseEnded(1));
    assert_eq!(e.next_deadline(), Some(T0 + 41 * DAY));
    assert!(e.may_use(T0 + 41 * DAY - 1, Microphone));
    let out = feed(&mut e, T0 + 41 * DAY, Input::Tick);
    assert_eq!(audits(&out), vec![AuditEvent::Expired(Microphone, ExpiryCause::Unused)]);
    assert_eq!(changes(&out), vec![(Microphone, State::Prompt)]);
    // Off by default: a persistent grant has no deadline.
    let mut e = engine();
    feed(&mut e, T0, Input::Decision(Microphone, Choice::AllowAlways));
    assert_eq!(e.next_deadline(), None);
    assert_eq!(Config { unused_after: Some(0), ..Config::default() }.validate().map_err(|e| e.field()), Err("persistent.unusedAfter"));
}

// ---- Decisions of a gated call ----

const CAM: u8 = 1 << 0;
const MIC: u8 = 1 << 1;
const GEO: u8 = 1 << 2;

#[test]
fn assess_sorts_a_task_into_ready_ask_blocked_refused() {
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Camera, NativeState::Granted));
    feed(&mut e, T0, Input::Native(Microphone, NativeState::Prompt));
    let a = e.assess(T0, CAM | MIC, 0, false);
    assert_eq!((a.ready, a.ask, a.blocked, a.refused), (CAM, MIC, None, None));
    // A standing library grant the browser has not shown it honours: no need to ask.
    feed(&mut e, T0, Input::Decision(Microphone, Choice::AllowOnce));
    assert_eq!(e.assess(T0, MIC, 0, false).ready, MIC);
    // The browser blocks: the recovery help can help; an optional one is only dropped.
    feed(&mut e, T0, Input::Native(Geolocation, NativeState::Denied));
    let a = e.assess(T0, GEO, 0, false);
    assert_eq!(a.blocked, Some((Geolocation, DenyReason::Browser)));
    let a = e.assess(T0, CAM, GEO, false);
    assert_eq!((a.ready, a.dropped, a.blocked), (CAM, GEO, None));
    // Don't allow refuses, unless the caller asks to reconsider.
    feed(&mut e, T0, Input::Decision(Notifications, Choice::DontAllow));
    let n = 1 << Notifications.index();
    assert_eq!(e.assess(T0, n, 0, false).refused, Some((Notifications, Refusal::User)));
    assert_eq!(e.assess(T0, n, 0, true).ask, n);
    // A policy refuses at once, with no dialog that cannot lead anywhere.
    feed(&mut e, T0, Input::Policy(Camera, false));
    assert_eq!(e.assess(T0, CAM, 0, false).refused, Some((Camera, Refusal::Policy)));
    // An embargo refuses too.
    let mut e = engine();
    for _ in 0..3 {
        feed(&mut e, T0, Input::Decision(Microphone, Choice::Dismiss));
    }
    assert_eq!(e.assess(T0, MIC, 0, false).refused, Some((Microphone, Refusal::Embargo)));
    assert_eq!(e.assess(T0, 0, MIC, false).dropped, MIC);
}

#[test]
fn arrivals_are_classified_from_the_signals() {
    use NavigationType::*;
    let none = ArrivalSignals::default();
    let with = |f: fn(&mut ArrivalSignals)| {
        let mut s = ArrivalSignals::default();
        f(&mut s);
        s
    };
    assert_eq!(ArrivalKind::classify(Reload, none), ArrivalKind::Reload);
    assert_eq!(ArrivalKind::classify(Navigate, none), ArrivalKind::Fresh);
    for s in [with(|s| s.activation_from = true), with(|s| s.unload = true), with(|s| s.referrer = true), with(|s| s.intended = true)] {
        assert_eq!(ArrivalKind::classify(Navigate, s), ArrivalKind::SameOrigin, "{s:?}");
    }
    // Back and forward: the referrer and the noted link say nothing of the page left.
    assert_eq!(ArrivalKind::classify(BackForward, with(|s| s.referrer = true)), ArrivalKind::Fresh);
    assert_eq!(ArrivalKind::classify(BackForward, with(|s| s.intended = true)), ArrivalKind::Fresh);
    assert_eq!(ArrivalKind::classify(BackForward, with(|s| s.activation_from = true)), ArrivalKind::SameOrigin);
    assert_eq!(ArrivalKind::classify(BackForward, with(|s| s.unload = true)), ArrivalKind::SameOrigin);
}

#[test]
fn a_failed_call_proves_only_what_it_says() {
    assert_eq!(failed_call("NotAllowedError", "Permission denied", 1), (Some(AccessOutcome::Denied), Some(Refusal::Browser)));
    assert_eq!(failed_call("NotAllowedError", "Permission dismissed", 1), (Some(AccessOutcome::Denied), Some(Refusal::Dismissed)));
    assert_eq!(failed_call("NotAllowedError", "Permission denied by system", 2), (Some(AccessOutcome::SystemDenied), Some(Refusal::System)));
    // A combined call that fails does not say which capability was refused.
    assert_eq!(failed_call("NotAllowedError", "Permission denied", 2), (None, Some(Refusal::Browser)));
    // Not refusals: they pass through as thrown.
    for name in ["NotFoundError", "NotReadableError", "OverconstrainedError", "TypeError", "AbortError"] {
        assert_eq!(failed_call(name, "", 1), (None, None), "{name}");
    }
}

#[test]
fn a_stored_clock_far_ahead_is_corrupt() {
    // A saturated clock would win every later merge: the person's Allow would be undone.
    for text in [
        "jp2|cbv18446744073709551615",
        "jp2|cbw18446744073709551615",
        "jp2|co1700000000000v99999999999999",
        "jp2|ca99999999999999",
        "jp2|cq1t99999999999999",
        "jp2|l99999999999999",
        "jp2|p5h99999999999999",
    ] {
        assert!(Record::decode(text).1.is_none(), "well-formed: {text}");
        let (record, warning) = Record::decode_at(text, T0);
        assert_eq!(record, Record::default(), "{text}");
        assert!(warning.is_some_and(|w| w.contains("corrupt")), "{text}");
    }
    // A little ahead (a clock set back, another page's clock) is kept, and so is an embargo's end.
    let ahead = T0 + CLOCK_AHEAD;
    let text = format!("jp2|cbv{ahead}|me{}w{T0}d1", T0 + 365 * DAY);
    let (record, warning) = Record::decode_at(&text, T0);
    assert_eq!(warning, None);
    assert!(record.is_blocked(Camera));
    assert!(Record::decode_at(&format!("jp2|cbv{}", ahead + 1), T0).1.is_some());
    // What the rejected record would have done: the person's later Allow is lost in the merge.
    let (pinned, _) = Record::decode("jp2|cbv18446744073709551615");
    let mut e = engine();
    feed(&mut e, T0, Input::Native(Camera, NativeState::Granted));
    feed(&mut e, T0, Input::Decision(Camera, Choice::AllowOnce));
    feed(&mut e, T0 + 1, Input::Loaded(pinned));
    assert_eq!(state(&mut e, T0 + 1, Camera), State::Denied, "the pin the check prevents");
}
