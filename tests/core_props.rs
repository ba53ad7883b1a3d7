//! Properties of the engine over random sequences of inputs, for pages of one origin sharing
//! storage: pages leave and arrive (reloads, same-origin navigations, fresh visits), write from
//! stale reads of the record, and see it cleared.
#![cfg(not(target_arch = "wasm32"))]

use jit_permissions::core::*;
use proptest::prelude::*;

/// Small numbers, so that random time steps reach every timer.
const CONFIG: Config = Config {
    max_lifetime: 10_000,
    hidden_timeout: 1_000,
    embargo_dismissals: 3,
    embargo_duration: 5_000,
    unused_after: Some(20_000),
    handover: 300,
};
/// A page id without an engine: a page that crashed and left its entry behind.
const PHANTOM: PageId = 99;
const T0: Millis = 1_700_000_000_000;

#[derive(Clone, Debug)]
enum Op {
    /// Time passes.
    Advance(Millis),
    /// Time passes to engine `.0`'s next deadline, or to just before it.
    ToDeadline(usize, bool),
    /// An input for engine `.0`.
    Feed(usize, Input),
    /// Engine `.0` hears that another page wrote storage (a `storage` event).
    Load(usize),
    /// Engine `.0` is read, with no Tick before (a late timer).
    Read(usize, Capability),
    /// The record is removed from storage; every live page hears of it.
    Clear,
    /// The page of slot `.0` leaves (`pagehide`).
    Leave(usize),
    /// A new page arrives in slot `.0` (if it is empty): how, and how long before now its
    /// navigation started.
    Arrive(usize, ArrivalKind, Millis),
    /// The next `.0` writes of each page read storage as it was that many writes ago (a stale
    /// cache in another process).
    Stale(usize),
    /// Engine `.0` finds the other live page gone (it missed two liveness answers: a long task).
    Drop(usize),
    /// Engine `.0` hears the other live page again (a late answer, with its visibility `.1`).
    Hear(usize, bool),
}

/// Camera and geolocation often (the two kinds of hidden timer), so that sequences of
/// decisions for one capability are common.
fn cap() -> impl Strategy<Value = Capability> {
    use Capability::*;
    prop::sample::select(vec![
        Camera,
        Camera,
        Camera,
        Geolocation,
        Geolocation,
        Microphone,
        Notifications,
    ])
}

fn native() -> impl Strategy<Value = NativeState> {
    prop::sample::select(vec![
        NativeState::Granted,
        NativeState::Granted,
        NativeState::Denied,
        NativeState::Prompt,
        NativeState::Prompt,
        NativeState::Unknown,
    ])
}

fn choice() -> impl Strategy<Value = Choice> {
    prop::sample::select(vec![
        Choice::AllowOnce,
        Choice::AllowAlways,
        Choice::DontAllow,
        Choice::Dismiss,
    ])
}

fn outcome() -> impl Strategy<Value = AccessOutcome> {
    prop::sample::select(vec![
        AccessOutcome::Granted,
        AccessOutcome::Granted,
        AccessOutcome::Denied,
        AccessOutcome::SystemDenied,
    ])
}

fn kind() -> impl Strategy<Value = ArrivalKind> {
    prop::sample::select(vec![
        ArrivalKind::Reload,
        ArrivalKind::SameOrigin,
        ArrivalKind::Fresh,
    ])
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        2 => Just(Input::Tick),
        4 => (cap(), native()).prop_map(|(c, n)| Input::Native(c, n)),
        1 => (cap(), prop::bool::weighted(0.7)).prop_map(|(c, a)| Input::Policy(c, a)),
        // Dismissals often, so that embargoes happen.
        5 => (cap(), choice()).prop_map(|(c, x)| Input::Decision(c, x)),
        3 => cap().prop_map(|c| Input::Decision(c, Choice::Dismiss)),
        3 => (cap(), outcome()).prop_map(|(c, o)| Input::Access(c, o)),
        1 => cap().prop_map(Input::Revoke),
        1 => cap().prop_map(Input::Reset),
        1 => cap().prop_map(Input::PromptShown),
        // Visibility of this page (mapped to the slot's page id when fed) or of the phantom.
        4 => (prop::bool::weighted(0.8), prop::bool::weighted(0.4)).prop_map(|(own, v)| Input::PageVisible(if own { 0 } else { PHANTOM }, v)),
        1 => Just(Input::PageGone(PHANTOM)),
        3 => (cap(), 0u64..4).prop_map(|(c, id)| Input::UseStarted(c, id)),
        2 => (0u64..4).prop_map(Input::UseEnded),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u64..1_500).prop_map(Op::Advance),
        1 => (0u64..12_000).prop_map(Op::Advance),
        2 => (0usize..2, any::<bool>()).prop_map(|(e, before)| Op::ToDeadline(e, before)),
        14 => (0usize..2, input()).prop_map(|(e, i)| Op::Feed(e, i)),
        3 => (0usize..2).prop_map(Op::Load),
        2 => (0usize..2, cap()).prop_map(|(e, c)| Op::Read(e, c)),
        1 => Just(Op::Clear),
        2 => (0usize..2).prop_map(Op::Leave),
        3 => (0usize..2, kind(), 0u64..600).prop_map(|(e, k, d)| Op::Arrive(e, k, d)),
        1 => (0usize..3).prop_map(Op::Stale),
        1 => (0usize..2).prop_map(Op::Drop),
        1 => (0usize..2, any::<bool>()).prop_map(|(e, v)| Op::Hear(e, v)),
    ]
}

/// One live page: its engine and what the test knows independently of it.
struct Page {
    engine: Engine,
    /// The status last reported through Changed and Updated.
    seen: [Status; 4],
    /// The browser's state as fed (Native).
    native: [NativeState; 4],
    /// A call of the capability failed in this page (browser) since the last Native input.
    access_denied: [bool; 4],
    /// When a call last succeeded in this page with the browser's state unchanged since.
    evidence: [Option<Millis>; 4],
    /// When the browser's state last went from granted to prompt or denied in this page.
    taken_back: [Option<Millis>; 4],
    /// When this page last saw the record cleared, and which capabilities held a grant then.
    cleared: [Option<Millis>; 4],
    /// Dismissals in a row since the last other decision or reset; `None` once the page's
    /// record came from storage.
    dismissals: [Option<u32>; 4],
    /// Uses handed out and not yet ended or stopped.
    uses: Vec<(UseId, Capability)>,
    /// When this page last fed a Reset of the capability.
    reset: [Option<Millis>; 4],
    /// This page's visibility as last fed.
    visible: bool,
}

impl Page {
    fn new(engine: Engine) -> Page {
        Page {
            engine,
            seen: [Status::default(); 4],
            native: [NativeState::Unknown; 4],
            access_denied: [false; 4],
            evidence: [None; 4],
            taken_back: [None; 4],
            cleared: [None; 4],
            dismissals: [None; 4],
            uses: Vec::new(),
            reset: [None; 4],
            visible: true,
        }
    }
}

struct Sim {
    slots: [Option<Page>; 2],
    next_id: PageId,
    now: Millis,
    /// Every value storage held, the current one last.
    storage: Vec<String>,
    /// Writes to come that read a stale value.
    stale: usize,
    /// Every "allow" decision: (capability, kind, time).
    allowed: Vec<(Capability, GrantKind, Millis)>,
    /// Every reset: (capability, time).
    resets: Vec<(Capability, Millis)>,
    /// When the last page left (as the test saw it).
    left: Option<Millis>,
}

impl Sim {
    fn new() -> Sim {
        let mut sim = Sim {
            slots: [None, None],
            next_id: 1,
            now: T0,
            storage: vec![String::new()],
            stale: 0,
            allowed: Vec::new(),
            resets: Vec::new(),
            left: None,
        };
        sim.arrive(0, ArrivalKind::Fresh, 0).ok();
        sim
    }

    fn stored(&self) -> &str {
        self.storage.last().map_or("", String::as_str)
    }

    fn run(&mut self, op: Op) -> Result<(), TestCaseError> {
        match op {
            Op::Advance(d) => self.now += d,
            Op::ToDeadline(e, before) => {
                if let Some(d) = self.slots[e].as_ref().and_then(|p| p.engine.next_deadline()) {
                    self.now = self.now.max(d - u64::from(before));
                }
            }
            Op::Read(e, cap) => {
                let now = self.now;
                if let Some(p) = self.slots[e].as_mut() {
                    p.engine.status(now, cap);
                    self.outputs(e)?;
                    self.check(e)?;
                }
            }
            Op::Load(e) => {
                let (record, warning) = Record::decode(self.stored());
                prop_assert_eq!(warning, None, "stored {}", self.stored());
                if self.slots[e].is_some() && !record.is_empty() {
                    self.feed(e, Input::Loaded(record))?;
                }
            }
            Op::Feed(e, input) => {
                let input = match (input, self.slots[e].as_ref()) {
                    (Input::PageVisible(0, v), Some(p)) => Input::PageVisible(p.engine.page(), v),
                    (input, _) => input,
                };
                if self.slots[e].is_some() {
                    self.feed(e, input)?;
                }
            }
            Op::Clear => {
                self.storage.push(String::new());
                for e in 0..2 {
                    if self.slots[e].is_some() {
                        self.feed(e, Input::Cleared)?;
                    }
                }
            }
            Op::Leave(e) => {
                if let Some(p) = self.slots[e].as_ref() {
                    let id = p.engine.page();
                    self.feed(e, Input::PageGone(id))?;
                    self.slots[e] = None;
                    // The other page hears of it through storage.
                    self.left = Some(self.now);
                }
            }
            Op::Arrive(e, kind, delay) => {
                if self.slots[e].is_none() {
                    self.arrive(e, kind, delay)?;
                }
            }
            Op::Stale(n) => self.stale = n,
            Op::Drop(e) | Op::Hear(e, _) => {
                let Some(other) = self.slots[1 - e].as_ref().map(|p| p.engine.page()) else {
                    return Ok(());
                };
                if self.slots[e].is_none() {
                    return Ok(());
                }
                match op {
                    // Heard again: listed again once the pages sync (sync() checks it).
                    Op::Hear(_, visible) => self.feed(e, Input::PageVisible(other, visible))?,
                    _ => self.feed(e, Input::PageGone(other))?,
                }
            }
        }
        Ok(())
    }

    /// A new page in slot `e`: it loads the record, finds the listed pages without an engine
    /// gone (they do not answer), and arrives.
    fn arrive(&mut self, e: usize, kind: ArrivalKind, delay: Millis) -> Result<(), TestCaseError> {
        let id = self.next_id;
        self.next_id += 1;
        let now = self.now;
        let at = now.saturating_sub(delay);
        self.slots[e] = Some(Page::new(Engine::new(CONFIG, id, now)));
        let (record, warning) = Record::decode(self.stored());
        prop_assert_eq!(warning, None);
        let live: Vec<PageId> = self.slots.iter().flatten().map(|p| p.engine.page()).collect();
        let dead: Vec<PageId> = record.pages().into_iter().filter(|p| !live.contains(p)).collect();
        let others = record.pages().iter().any(|p| live.contains(p) && *p != id);
        let had_one_time: Vec<Capability> = Capability::ALL.into_iter().filter(|c| record.grant(*c) == Some(GrantKind::OneTime)).collect();
        // As the browser layer does: the load, the pages found gone and the arrival in one
        // go, with no write in between (a write merges what is stored, which may list again a
        // page that is gone).
        if let Some(p) = self.slots[e].as_mut() {
            p.engine.handle(now, Input::Loaded(record));
            for page in dead {
                p.engine.handle(now, Input::PageGone(page));
            }
            p.engine.handle(now, Input::Arrived(Arrival { kind, at }));
        }
        self.outputs(e)?;
        self.check(e)?;
        self.feed(e, Input::PageVisible(id, true))?;
        // Issue 11: with no other live page, a one-time grant survives only a handover.
        let handover = kind != ArrivalKind::Fresh && self.left.is_some_and(|l| at <= l + CONFIG.handover);
        if !others && !handover {
            let p = self.slots[e].as_ref().map(|p| &p.engine);
            for cap in had_one_time {
                prop_assert_ne!(
                    p.and_then(|e| e.record().grant(cap)),
                    Some(GrantKind::OneTime),
                    "a one-time grant of {:?} kept by a fresh page after every page left",
                    cap
                );
            }
        }
        Ok(())
    }

    fn feed(&mut self, e: usize, input: Input) -> Result<(), TestCaseError> {
        let now = self.now;
        let Some(p) = self.slots[e].as_mut() else {
            return Ok(());
        };
        let mut expect_embargo = None;
        let deadline_before = p.engine.deadline(Capability::Geolocation);
        let geo_granted_at = p.engine.record().granted_at(Capability::Geolocation);
        let one_time_geo = p.engine.record().grant(Capability::Geolocation) == Some(GrantKind::OneTime);
        let geo_use = one_time_geo && match &input {
            Input::UseStarted(Capability::Geolocation, _) => true,
            Input::UseEnded(id) => p.uses.iter().any(|(u, c)| u == id && *c == Capability::Geolocation),
            _ => false,
        };
        match &input {
            Input::Native(cap, n) => {
                let i = cap.index();
                let old = p.native[i];
                p.native[i] = *n;
                p.access_denied[i] = false;
                if old != *n {
                    p.evidence[i] = None;
                    if old == NativeState::Granted && matches!(n, NativeState::Prompt | NativeState::Denied) {
                        p.taken_back[i] = Some(now);
                    }
                }
            }
            Input::Access(cap, outcome) => {
                let i = cap.index();
                p.access_denied[i] = *outcome == AccessOutcome::Denied;
                p.evidence[i] = (*outcome == AccessOutcome::Granted).then_some(now);
            }
            Input::Decision(cap, Choice::Dismiss) => {
                let d = &mut p.dismissals[cap.index()];
                if let Some(n) = *d {
                    let embargo = n + 1 == CONFIG.embargo_dismissals;
                    expect_embargo = Some((*cap, embargo));
                    *d = Some(if embargo { 0 } else { n + 1 });
                }
            }
            Input::Decision(cap, choice) => {
                p.dismissals[cap.index()] = Some(0);
                match choice {
                    Choice::AllowOnce => self.allowed.push((*cap, GrantKind::OneTime, now)),
                    Choice::AllowAlways => self.allowed.push((*cap, GrantKind::Persistent, now)),
                    _ => {}
                }
            }
            Input::Reset(cap) => {
                p.dismissals[cap.index()] = Some(0);
                p.reset[cap.index()] = Some(now);
                self.resets.push((*cap, now));
            }
            Input::UseStarted(cap, id) => {
                p.uses.retain(|(u, _)| u != id);
                p.uses.push((*id, *cap));
            }
            Input::UseEnded(id) => p.uses.retain(|(u, _)| u != id),
            Input::Loaded(_) => p.dismissals = [None; 4],
            Input::Cleared => {
                for cap in Capability::ALL {
                    if p.engine.record().grant(cap).is_some() {
                        p.cleared[cap.index()] = Some(now);
                    }
                }
                p.dismissals = [None; 4];
            }
            Input::PageGone(id) if *id == p.engine.page() => p.uses.clear(),
            Input::PageVisible(id, v) if *id == p.engine.page() => p.visible = *v,
            _ => {}
        }
        p.engine.handle(now, input);
        // Before the write (which merges what other pages stored, and may move a deadline).
        let geo_deadline = p.engine.deadline(Capability::Geolocation);
        let outputs = self.outputs(e)?;
        let Some(p) = self.slots[e].as_mut() else {
            return Ok(());
        };
        if geo_use && p.engine.record().granted_at(Capability::Geolocation) == geo_granted_at {
            // Geolocation does not run in the background: its uses never move its timer.
            let after = geo_deadline;
            if let (Some((before, _)), Some((after, _))) = (deadline_before, after) {
                prop_assert!(after <= before, "a geolocation use moved its deadline from {} to {}", before, after);
            }
        }
        if let Some((cap, embargo)) = expect_embargo {
            let started = outputs.iter().any(|o| matches!(o, Output::Audit(AuditEvent::EmbargoStarted(c, until)) if *c == cap && *until == now + CONFIG.embargo_duration));
            prop_assert_eq!(started, embargo, "embargo after {} dismissals in a row", CONFIG.embargo_dismissals);
        }
        self.check(e)
    }

    /// Drains the outputs of engine `e`, checks each, and carries out its writes as the
    /// browser layer does (read what is stored, possibly stale, merge, write).
    fn outputs(&mut self, e: usize) -> Result<Vec<Output>, TestCaseError> {
        let Some(p) = self.slots[e].as_mut() else {
            return Ok(Vec::new());
        };
        let outputs: Vec<Output> = std::iter::from_fn(|| p.engine.poll_output()).collect();
        let mut write = false;
        for o in &outputs {
            match o {
                Output::Changed(cap, s) => {
                    prop_assert_ne!(s.state, p.seen[cap.index()].state, "Changed without a change");
                    p.seen[cap.index()] = *s;
                }
                Output::Updated(cap, s) => {
                    let seen = p.seen[cap.index()];
                    prop_assert_eq!(s.state, seen.state, "Updated with a change of state");
                    prop_assert_ne!(*s, seen, "Updated without a change");
                    p.seen[cap.index()] = *s;
                }
                Output::Persist(_) => write = true,
                Output::StopUse(id) => {
                    prop_assert!(p.uses.iter().any(|(u, _)| u == id), "StopUse({}) of a use not live", id);
                    p.uses.retain(|(u, _)| u != id);
                }
                Output::Audit(_) => {}
            }
        }
        if write {
            let back = self.stale.min(self.storage.len() - 1);
            self.stale = self.stale.saturating_sub(1);
            let read = self.storage[self.storage.len() - 1 - back].clone();
            let (stored, warning) = Record::decode(&read);
            prop_assert_eq!(warning, None);
            let now = self.now;
            let p = self.slots[e].as_mut().expect("live");
            p.engine.handle(now, Input::Loaded(stored));
            // The merge's own changes (another page's newer entries) are events like any other.
            let more: Vec<Output> = std::iter::from_fn(|| p.engine.poll_output()).collect();
            for o in &more {
                match o {
                    Output::Changed(cap, s) | Output::Updated(cap, s) => p.seen[cap.index()] = *s,
                    Output::StopUse(id) => p.uses.retain(|(u, _)| u != id),
                    _ => {}
                }
            }
            p.dismissals = [None; 4];
            let text = p.engine.record().encode();
            self.storage.push(text);
        }
        Ok(outputs)
    }

    /// Invariants of engine `e` at the current time.
    fn check(&mut self, e: usize) -> Result<(), TestCaseError> {
        let now = self.now;
        let allowed = self.allowed.clone();
        let resets = self.resets.clone();
        let Some(p) = self.slots[e].as_mut() else {
            return Ok(());
        };
        for cap in Capability::ALL {
            let i = cap.index();
            let s = p.engine.status(now, cap);
            let extra: Vec<Output> = std::iter::from_fn(|| p.engine.poll_output()).collect();
            prop_assert!(extra.is_empty(), "a read right after an input changed something: {:?}", extra);
            // Exactly once: what was reported is what is.
            prop_assert_eq!(s, p.seen[i], "missed a change of {:?}", cap);
            // Well-formed.
            prop_assert_eq!(s.grant.is_some(), s.state == State::Granted);
            prop_assert_eq!(s.reason.is_some(), s.state == State::Denied);
            prop_assert_eq!(s.expires_at.is_some(), s.grant == Some(GrantKind::OneTime));
            prop_assert_eq!(s.last_decision.is_some(), s.decided_at.is_some());
            // Never lie upward.
            let n = if p.access_denied[i] { NativeState::Denied } else { p.native[i] };
            if n == NativeState::Denied {
                prop_assert_eq!(s.state, State::Denied);
            }
            if s.state == State::Granted && n != NativeState::Granted {
                let at = p.engine.record().granted_at(cap);
                prop_assert!(at.is_some(), "granted by evidence without a grant");
                let at = at.unwrap_or_default();
                prop_assert!(
                    p.evidence[i].is_some(),
                    "granted while the browser says {:?} and no call succeeded in this page since its state last changed (grant made at {})",
                    n,
                    at
                );
            }
            // A grant the browser took back is never reported again without a new allow, the
            // browser granting again, or a call that the browser honoured since.
            if let Some(t) = p.taken_back[i] {
                let renewed = allowed.iter().any(|(c, _, at)| *c == cap && *at >= t) || p.evidence[i].is_some_and(|ev| ev >= t);
                if n != NativeState::Granted && !renewed {
                    prop_assert_ne!(s.state, State::Granted, "a grant the browser took back is reported again");
                }
            }
            // A cleared record never turns a grant into a persistent one (or any grant) until
            // a new allow, or a reset that hands the capability back to the browser's state.
            if let Some(t) = p.cleared[i] {
                let renewed = allowed.iter().any(|(c, _, at)| *c == cap && *at >= t)
                    || resets.iter().any(|(c, at)| *c == cap && *at >= t);
                if !renewed && n != NativeState::Granted {
                    prop_assert_ne!(s.state, State::Granted, "granted from a cleared record");
                }
                if !renewed {
                    prop_assert_ne!(s.grant, Some(GrantKind::Persistent), "persistent from a cleared record");
                }
            }
            // A Reset never widens: after it, nothing is granted (whatever the browser says, a
            // grant made before it, evidence) until the person allows again.
            if let Some(t) = p.reset[i] {
                let renewed = allowed.iter().any(|(c, _, at)| *c == cap && *at >= t);
                if !renewed {
                    prop_assert_ne!(s.state, State::Granted, "granted after a reset of {:?} at {} with no allow since", cap, t);
                }
            }
            // No expired one-time grant is ever reported granted, and none nobody made.
            if let Some(expires) = s.expires_at {
                prop_assert!(now < expires);
                let granted_at = expires - CONFIG.max_lifetime;
                prop_assert!(allowed.contains(&(cap, GrantKind::OneTime, granted_at)), "a one-time grant nobody made");
            }
            // A use lives only while its capability is granted.
            if s.state != State::Granted {
                prop_assert!(!p.uses.iter().any(|(_, c)| *c == cap), "a use of {:?} lives while it is {:?}", cap, s.state);
            }
            // Camera and microphone in use anywhere: their hidden timer does not run.
            if cap.runs_in_background() && p.engine.in_use_anywhere(cap) {
                if let Some((_, cause)) = p.engine.deadline(cap) {
                    prop_assert_ne!(cause, ExpiryCause::Hidden);
                }
            }
        }
        // Idempotent: a second look at the same time changes nothing.
        p.engine.handle(now, Input::Tick);
        prop_assert_eq!(p.engine.poll_output(), None);
        // The record survives storage exactly.
        let text = p.engine.record().encode();
        let (back, warning) = Record::decode(&text);
        prop_assert_eq!(warning, None);
        prop_assert_eq!(&back, p.engine.record());
        prop_assert_eq!(back.encode(), text);
        Ok(())
    }

    /// Every live page hears of storage until nothing changes: the pages converge.
    fn sync(&mut self) -> Result<(), TestCaseError> {
        self.stale = 0;
        // A live page dropped by the other (it missed two answers) answers late: it is heard again.
        for e in 0..2 {
            let other = self.slots[1 - e].as_ref().map(|p| (p.engine.page(), p.visible));
            let listed = |p: &Page, id| p.engine.live_pages().contains(&id);
            if let (Some((id, visible)), Some(p)) = (other, self.slots[e].as_ref()) {
                if !listed(p, id) && p.engine.arrived() {
                    self.feed(e, Input::PageVisible(id, visible))?;
                }
            }
        }
        for _ in 0..6 {
            let before = self.storage.len();
            for e in 0..2 {
                self.run(Op::Load(e))?;
            }
            if self.storage.len() == before {
                break;
            }
        }
        let records: Vec<String> = self.slots.iter().flatten().map(|p| p.engine.record().encode()).collect();
        if let [a, b] = records.as_slice() {
            prop_assert_eq!(a, b, "the pages did not converge");
        }
        // Every live page that arrived lists every other (a dropped page heard again is listed again).
        if let [Some(a), Some(b)] = &self.slots {
            for (p, q) in [(a, b), (b, a)] {
                if p.engine.arrived() && q.engine.arrived() {
                    prop_assert!(p.engine.live_pages().contains(&q.engine.page()), "page {} does not list live page {}", p.engine.page(), q.engine.page());
                }
            }
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

    #[test]
    fn engine_invariants_hold(ops in prop::collection::vec(op(), 1..120)) {
        let mut sim = Sim::new();
        for op in ops {
            sim.run(op)?;
        }
        sim.sync()?;
    }

    /// Two pages decide at once on different capabilities, each writing from a stale read of
    /// storage: once they hear of each other's writes, every decision is in both.
    #[test]
    fn concurrent_decisions_are_never_lost(
        decisions in prop::collection::vec((0usize..2, cap(), choice(), 0u64..50, 0usize..3), 1..12)
    ) {
        let mut sim = Sim::new();
        sim.run(Op::Arrive(1, ArrivalKind::Fresh, 0))?;
        sim.sync()?;
        let mut last: [Option<Choice>; 4] = [None; 4];
        let mut times: [Millis; 4] = [0; 4];
        for (e, cap, choice, dt, stale) in decisions {
            if choice == Choice::Dismiss {
                continue;
            }
            sim.run(Op::Advance(dt + 1))?;
            sim.run(Op::Stale(stale))?;
            sim.run(Op::Feed(e, Input::Decision(cap, choice)))?;
            last[cap.index()] = Some(choice);
            times[cap.index()] = sim.now;
        }
        sim.sync()?;
        for cap in Capability::ALL {
            let Some(choice) = last[cap.index()] else { continue };
            for p in sim.slots.iter().flatten() {
                let r = p.engine.record();
                prop_assert_eq!(r.last_decision(cap), Some((choice, times[cap.index()])), "the last decision on {:?} was lost", cap);
                let expected = match choice {
                    Choice::AllowOnce => r.grant(cap) == Some(GrantKind::OneTime),
                    Choice::AllowAlways => r.grant(cap) == Some(GrantKind::Persistent),
                    Choice::DontAllow => r.is_blocked(cap),
                    Choice::Dismiss => true,
                };
                prop_assert!(expected, "{:?} of {:?} lost: {}", choice, cap, r.encode());
            }
        }
    }

    /// One page with a one-time grant, reloaded again and again (each navigation starting
    /// around when the old page left), with time passing less than any limit: the grant stays.
    #[test]
    fn reloads_never_lose_a_one_time_grant(
        reloads in prop::collection::vec((kind_not_fresh(), 0u64..600, 0u64..CONFIG.handover, any::<bool>()), 1..30)
    ) {
        let mut sim = Sim::new();
        sim.run(Op::Feed(0, Input::Native(Capability::Camera, NativeState::Granted)))?;
        sim.run(Op::Feed(0, Input::Decision(Capability::Camera, Choice::AllowOnce)))?;
        let granted_at = sim.now;
        for (kind, stay, delay, second) in reloads {
            if sim.now + stay + 1_000 >= granted_at + CONFIG.max_lifetime {
                break;
            }
            sim.run(Op::Advance(stay))?;
            // Sometimes a second page lives beside it.
            if second && sim.slots[1].is_none() {
                sim.run(Op::Arrive(1, ArrivalKind::Fresh, 0))?;
                sim.run(Op::Feed(1, Input::Native(Capability::Camera, NativeState::Granted)))?;
            }
            sim.run(Op::Leave(0))?;
            sim.run(Op::Advance(delay))?;
            sim.run(Op::Arrive(0, kind, delay + 100))?;
            sim.run(Op::Feed(0, Input::Native(Capability::Camera, NativeState::Granted)))?;
            let now = sim.now;
            let p = sim.slots[0].as_mut().expect("arrived");
            prop_assert!(p.engine.may_use(now, Capability::Camera), "a reload lost the one-time grant");
            if let Some(other) = sim.slots[1].as_mut() {
                prop_assert!(other.engine.may_use(now, Capability::Camera));
            }
        }
    }

    #[test]
    fn decoding_any_text_never_panics(text in any::<String>()) {
        let (record, warning) = Record::decode(&text);
        if warning.is_none() {
            prop_assert_eq!(Record::decode(&record.encode()), (record, None));
        }
    }

    #[test]
    fn decoding_any_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let (record, warning) = Record::decode_bytes(&bytes);
        if warning.is_none() {
            prop_assert_eq!(Record::decode(&record.encode()), (record, None));
        }
    }

    #[test]
    fn decoding_near_records_never_panics(text in "jp[0-9]{0,2}(\\|[cmgnplx][a-z0-9]{0,14}){0,6}") {
        let (record, warning) = Record::decode(&text);
        match warning {
            Some(_) => prop_assert_eq!(record, Record::default()),
            None => {
                let encoded = record.encode();
                prop_assert_eq!(Record::decode(&encoded), (record, None));
            }
        }
    }

    /// Merging is order-free: whichever of two records is merged into the other, the entries
    /// agree (so pages that hear of each other's writes in any order converge).
    #[test]
    fn merging_commutes(a in "jp2(\\|[cmgn][oaxb]?[0-9]{1,2}(v[1-9][0-9]?)?(d[1-3])?){0,4}", b in "jp2(\\|[cmgn][oaxb]?[0-9]{1,2}(v[1-9][0-9]?)?(d[1-3])?){0,4}") {
        let (ra, wa) = Record::decode(&a);
        let (rb, wb) = Record::decode(&b);
        if wa.is_none() && wb.is_none() {
            let mut ab = ra.clone();
            ab.merge_caps(&rb);
            let mut ba = rb.clone();
            ba.merge_caps(&ra);
            prop_assert_eq!(ab.encode(), ba.encode());
        }
    }
}

fn kind_not_fresh() -> impl Strategy<Value = ArrivalKind> {
    prop::sample::select(vec![ArrivalKind::Reload, ArrivalKind::SameOrigin])
}
