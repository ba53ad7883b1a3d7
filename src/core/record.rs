//! The persisted record: what the library remembers for the origin, shared by all its pages.
//!
//! # Format
//!
//! One line of ASCII text, stored under one key. It starts with the version tag `jp2` and
//! continues with entries, each introduced by `|`. An entry is a kind letter followed by fields;
//! a field is a lowercase letter followed by a decimal number where it carries one. Everything
//! that has its default value is left out, so a fresh record is just `jp2`.
//!
//! | entry | meaning |
//! |---|---|
//! | `c`, `m`, `g`, `n` | camera, microphone, geolocation, notifications (each at most once) |
//! | `p<id>` | a live page of the origin (at most [`MAX_PAGES`], ids unique) |
//! | `l<ms>` | when a page of the origin last left (closed, navigated, reloaded; at most once) |
//!
//! Fields of a capability entry (at most one of `o`, `a`, `x`, `b`; `s` and `u` only after a
//! grant; `q` and `t` together):
//!
//! | field | meaning |
//! |---|---|
//! | `o<ms>` | a one-time grant ("Allow this time") made at `ms` |
//! | `a<ms>` | a persistent grant ("Allow on every visit") made at `ms` |
//! | `s<ms>` | the grant was last used through the library at `ms` (absent: when it was made) |
//! | `u<ms>` | the last handed-out use of the capability that may run in the background ended at `ms` |
//! | `x` | a grant ended (expired or revoked): prompt until a new decision or a reset |
//! | `b` | blocked by the site-level "Don't allow" |
//! | `d<n>` | dismissals in a row |
//! | `e<ms>` | an embargo that lasts until `ms` |
//! | `v<n>` | the version of the verdict (`o`, `a`, `x`, `b` or none): a hybrid logical clock, so that pages merging their writes agree on the newer |
//! | `w<n>` | the version of the dismissals and the embargo |
//! | `q<n>` | the last choice made in the pre-prompt (0 allow this time, 1 every visit, 2 don't allow, 3 dismissed) |
//! | `t<ms>` | when that choice was made |
//!
//! Fields of a page entry: `h<ms>` hidden since `ms` (absent: visible) and `u<mask>` the
//! capabilities with live uses in that page (bit `1 << index`, see [`Capability::index`]).
//!
//! Example: `jp2|co1700000000000u1700000300000v1700000300000q0t1700000000000|gd2v1700000000001|p4821h1700000000000u1`
//! is a one-time camera grant whose last track ended, two geolocation dismissals, and one hidden
//! page with a live camera track.
//!
//! Evidence that the browser honours a grant (a call that succeeded) is never stored: it
//! belongs to the page that saw it. Records of the first format (`jp1`) are read, with their
//! stored evidence (`h`) dropped.
//!
//! A text over [`MAX_TEXT`] bytes, an unknown version, a duplicate or unknown field, or any other
//! deviation is rejected as a whole: [`Record::decode`] then gives an empty record and a warning.

use super::types::{Capability, Choice, GrantKind, Millis, PageId};

mod text;
use text::{cap_letter, choice_code, encode_verdict, field, parse};

/// The most page entries a record holds; more in storage make it corrupt.
pub const MAX_PAGES: usize = 64;

/// The longest stored text [`Record::decode`] reads; longer text is corrupt.
pub const MAX_TEXT: usize = 16 * 1024;

/// How far ahead of the reader's clock a stored clock may lie (a device clock set back, a page's
/// clock a little ahead): one day. Further ahead is corrupt ([`Record::decode_at`]).
pub const CLOCK_AHEAD: Millis = 24 * 60 * 60 * 1000;

const TAG: &str = "jp";
const VERSION: u64 = 2;

const WARN_FOREIGN: &str =
    "jit-permissions: the stored data is not a jit-permissions record; it was discarded";
const WARN_FUTURE: &str =
    "jit-permissions: the stored record was written by a newer version; it was discarded";
const WARN_CORRUPT: &str = "jit-permissions: the stored record is corrupt; it was discarded";

/// A grant recorded for a capability.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Grant {
    pub(crate) kind: GrantKind,
    pub(crate) at: Millis,
    /// The last use through the library (a call that succeeded, a use handed out or ending).
    pub(crate) used: Millis,
    /// When the last use of a capability that may run in the background ended.
    pub(crate) last_use_end: Option<Millis>,
}

/// The site-level decision standing for a capability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Verdict {
    /// Nothing recorded: the browser's state speaks.
    #[default]
    None,
    /// A grant stands.
    Grant(Grant),
    /// A grant expired or was revoked: prompt, whatever the browser says, until reset.
    Ended,
    /// The site-level "Don't allow".
    Blocked,
}

/// Everything recorded for one capability: three registers that merge independently (the
/// verdict, the dismissal counters, the history), so that a page writing one of them from a
/// stale view never overwrites another page's newer change to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct CapRecord {
    pub(crate) verdict: Verdict,
    /// A hybrid logical clock stamped when the verdict changes (a new grant, its end, a block, a
    /// reset); a grant's use times merge by their maximum instead.
    pub(crate) version: Millis,
    pub(crate) dismissals: u32,
    pub(crate) embargo_until: Option<Millis>,
    /// The same clock for the dismissals and the embargo.
    pub(crate) counts_version: Millis,
    /// The last choice in the pre-prompt and when (history: kept through a reset); the later
    /// choice wins a merge.
    pub(crate) last: Option<(Choice, Millis)>,
}

impl Verdict {
    /// The verdict without a grant's use times: what a version stamps.
    fn identity(self) -> Verdict {
        match self {
            Verdict::Grant(g) => Verdict::Grant(Grant {
                used: 0,
                last_use_end: None,
                ..g
            }),
            v => v,
        }
    }

    /// How restrictive: on equal versions a merge keeps the more restrictive, so that a
    /// concurrent revocation or block is never lost to a grant.
    fn restriction(self) -> u8 {
        match self {
            Verdict::Grant(g) if g.kind == GrantKind::OneTime => 1,
            Verdict::Grant(_) => 2,
            Verdict::None => 0,
            Verdict::Ended => 3,
            Verdict::Blocked => 4,
        }
    }
}

impl CapRecord {
    /// Whether the verdict changed, use times aside.
    pub(crate) fn verdict_changed(&self, old: &CapRecord) -> bool {
        self.verdict.identity() != old.verdict.identity()
    }

    /// Whether the dismissals or the embargo changed.
    pub(crate) fn counts_changed(&self, old: &CapRecord) -> bool {
        (self.dismissals, self.embargo_until) != (old.dismissals, old.embargo_until)
    }

    /// Merges another page's entry into this one, register by register.
    fn merge(&mut self, theirs: &CapRecord) {
        let key = |c: &CapRecord| (c.version, c.verdict.restriction(), encode_verdict(c));
        if key(theirs) > key(self) {
            self.verdict = theirs.verdict;
            self.version = theirs.version;
        }
        // The same grant in both: its use times are the later of each.
        if let (Verdict::Grant(a), Verdict::Grant(b)) = (&mut self.verdict, theirs.verdict) {
            if a.kind == b.kind && a.at == b.at {
                a.used = a.used.max(b.used);
                a.last_use_end = a.last_use_end.max(b.last_use_end);
            }
        }
        let counts = |c: &CapRecord| (c.counts_version, c.embargo_until, c.dismissals);
        if counts(theirs) > counts(self) {
            self.dismissals = theirs.dismissals;
            self.embargo_until = theirs.embargo_until;
            self.counts_version = theirs.counts_version;
        }
        let history = |c: &CapRecord| c.last.map(|(choice, at)| (at, choice_code(choice)));
        if history(theirs) > history(self) {
            self.last = theirs.last;
        }
    }
}

/// A live page of the origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PageEntry {
    pub(crate) id: PageId,
    /// `None` while visible.
    pub(crate) hidden_since: Option<Millis>,
    /// Capabilities with live uses in the page, bit `1 << index`.
    pub(crate) uses: u8,
}

/// Everything the library persists for the origin, under one versioned storage key.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Record {
    pub(crate) caps: Box<[CapRecord; 4]>,
    pub(crate) pages: Vec<PageEntry>,
    /// When a page of the origin last left.
    pub(crate) left: Option<Millis>,
}

impl Record {
    /// Encodes the record compactly as text, with a version prefix (see the module doc).
    pub fn encode(&self) -> String {
        let mut s = String::from("jp2");
        for cap in Capability::ALL {
            let c = self.cap(cap);
            if c == CapRecord::default() {
                continue;
            }
            s.push('|');
            s.push(cap_letter(cap));
            match c.verdict {
                Verdict::None => {}
                Verdict::Grant(g) => {
                    let letter = if g.kind == GrantKind::OneTime { 'o' } else { 'a' };
                    field(&mut s, letter, g.at);
                    if g.used != g.at {
                        field(&mut s, 's', g.used);
                    }
                    if let Some(u) = g.last_use_end {
                        field(&mut s, 'u', u);
                    }
                }
                Verdict::Ended => s.push('x'),
                Verdict::Blocked => s.push('b'),
            }
            if c.dismissals > 0 {
                field(&mut s, 'd', u64::from(c.dismissals));
            }
            if let Some(e) = c.embargo_until {
                field(&mut s, 'e', e);
            }
            if c.version > 0 {
                field(&mut s, 'v', c.version);
            }
            if c.counts_version > 0 {
                field(&mut s, 'w', c.counts_version);
            }
            if let Some((choice, at)) = c.last {
                field(&mut s, 'q', choice_code(choice));
                field(&mut s, 't', at);
            }
        }
        for p in &self.pages {
            s.push('|');
            field(&mut s, 'p', p.id);
            if let Some(h) = p.hidden_since {
                field(&mut s, 'h', h);
            }
            if p.uses != 0 {
                field(&mut s, 'u', u64::from(p.uses));
            }
        }
        if let Some(l) = self.left {
            s.push('|');
            field(&mut s, 'l', l);
        }
        s
    }

    /// Decodes stored text. Never panics: corrupt, foreign or future data gives an empty record
    /// and a warning the caller can print. Empty text is simply an empty record.
    pub fn decode(text: &str) -> (Record, Option<String>) {
        Record::decode_at(text, 0)
    }

    /// Decodes stored text read at `now`, as [`Record::decode`] does, and also rejects as corrupt
    /// a record whose clock (a version, a grant's or a decision's time, a page's) lies more than
    /// [`CLOCK_AHEAD`] after `now` (0: not checked): such a clock would win every later merge, so
    /// that the person's later decisions were undone. An embargo's end may lie ahead (a Reset's
    /// newer version still lifts it).
    pub fn decode_at(text: &str, now: Millis) -> (Record, Option<String>) {
        if text.is_empty() {
            return (Record::default(), None);
        }
        let limit = if now > 0 { now.saturating_add(CLOCK_AHEAD) } else { Millis::MAX };
        match parse(text, limit) {
            Ok(r) => (r, None),
            Err(w) => (Record::default(), Some(String::from(w))),
        }
    }

    /// Decodes stored bytes, which need not be UTF-8; see [`Record::decode`].
    pub fn decode_bytes(bytes: &[u8]) -> (Record, Option<String>) {
        match std::str::from_utf8(bytes) {
            Ok(text) => Record::decode(text),
            Err(_) => (Record::default(), Some(String::from(WARN_CORRUPT))),
        }
    }

    /// Whether nothing at all is recorded.
    pub fn is_empty(&self) -> bool {
        *self == Record::default()
    }

    /// The kind of the grant recorded for `cap`, if one stands (it may have expired by the
    /// clock without the engine having noticed yet).
    pub fn grant(&self, cap: Capability) -> Option<GrantKind> {
        self.grant_of(cap).map(|g| g.kind)
    }

    /// When the grant recorded for `cap` was made.
    pub fn granted_at(&self, cap: Capability) -> Option<Millis> {
        self.grant_of(cap).map(|g| g.at)
    }

    /// When the grant recorded for `cap` was last used through the library.
    pub fn used_at(&self, cap: Capability) -> Option<Millis> {
        self.grant_of(cap).map(|g| g.used)
    }

    /// Whether a grant of `cap` ended (expired or revoked) and no decision or reset followed.
    pub fn is_ended(&self, cap: Capability) -> bool {
        self.cap(cap).verdict == Verdict::Ended
    }

    /// Whether the site-level "Don't allow" is recorded for `cap`.
    pub fn is_blocked(&self, cap: Capability) -> bool {
        self.cap(cap).verdict == Verdict::Blocked
    }

    /// Dismissals in a row of the pre-prompt for `cap`.
    pub fn dismissals(&self, cap: Capability) -> u32 {
        self.cap(cap).dismissals
    }

    /// The end of the latest embargo of `cap` (it may have lapsed already).
    pub fn embargo_until(&self, cap: Capability) -> Option<Millis> {
        self.cap(cap).embargo_until
    }

    /// The last choice made for `cap` and when.
    pub fn last_decision(&self, cap: Capability) -> Option<(Choice, Millis)> {
        self.cap(cap).last
    }

    /// The version stamp of the entry of `cap` (0 when never written).
    pub fn version(&self, cap: Capability) -> Millis {
        self.cap(cap).version
    }

    /// The live pages of the origin, in the order they announced themselves.
    pub fn pages(&self) -> Vec<PageId> {
        self.pages.iter().map(|p| p.id).collect()
    }

    /// When a page of the origin last left (closed, navigated or reloaded).
    pub fn left_at(&self) -> Option<Millis> {
        self.left
    }

    pub(crate) fn cap(&self, cap: Capability) -> CapRecord {
        self.caps.get(cap.index()).copied().unwrap_or_default()
    }

    pub(crate) fn cap_mut(&mut self, cap: Capability) -> Option<&mut CapRecord> {
        self.caps.get_mut(cap.index())
    }

    pub(crate) fn grant_of(&self, cap: Capability) -> Option<Grant> {
        match self.cap(cap).verdict {
            Verdict::Grant(g) => Some(g),
            _ => None,
        }
    }

    /// Capabilities with a live use in any page, as a bit mask.
    pub(crate) fn live_uses(&self) -> u8 {
        self.pages.iter().fold(0, |m, p| m | p.uses)
    }

    /// When every page of the origin became hidden, if every page is hidden (and there is one).
    pub(crate) fn all_hidden_since(&self) -> Option<Millis> {
        if self.pages.is_empty() {
            return None;
        }
        self.pages
            .iter()
            .try_fold(0, |latest: Millis, p| p.hidden_since.map(|h| latest.max(h)))
    }

    /// Merges the capability entries of `other` into this record, register by register: the
    /// verdict with the newer version (on a tie the more restrictive, then the greater
    /// encoding, so that every page picks the same; a grant's use times by their maximum), the
    /// dismissals and embargo with the newer version, the later decision. The time of the last
    /// leave is the later one. Pages are not merged here (see the engine, which knows its own
    /// page).
    pub fn merge_caps(&mut self, other: &Record) {
        for cap in Capability::ALL {
            let theirs = other.cap(cap);
            if let Some(c) = self.cap_mut(cap) {
                c.merge(&theirs);
            }
        }
        self.left = self.left.max(other.left);
    }
}
