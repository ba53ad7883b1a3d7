//! The record's text form, read and written: the fields of an entry, the numbers, the letters of the capabilities
//! and the choices (the format is described in [`super`]).

use super::*;

/// The verdict register as text: the last tie-break of a merge.
pub(super) fn encode_verdict(c: &CapRecord) -> String {
    let mut r = Record::default();
    if let Some(slot) = r.caps.get_mut(0) {
        slot.verdict = c.verdict;
    }
    r.encode()
}

pub(super) fn cap_letter(cap: Capability) -> char {
    match cap {
        Capability::Camera => 'c',
        Capability::Microphone => 'm',
        Capability::Geolocation => 'g',
        Capability::Notifications => 'n',
    }
}

pub(super) fn choice_code(choice: Choice) -> u64 {
    match choice {
        Choice::AllowOnce => 0,
        Choice::AllowAlways => 1,
        Choice::DontAllow => 2,
        Choice::Dismiss => 3,
    }
}

fn choice_from(code: u64) -> Option<Choice> {
    match code {
        0 => Some(Choice::AllowOnce),
        1 => Some(Choice::AllowAlways),
        2 => Some(Choice::DontAllow),
        3 => Some(Choice::Dismiss),
        _ => None,
    }
}

pub(super) fn field(s: &mut String, letter: char, n: u64) {
    s.push(letter);
    // Decimal digits, without the formatting machinery.
    let start = s.len();
    let mut n = n;
    loop {
        s.insert(start, char::from(b'0' + (n % 10) as u8));
        n /= 10;
        if n == 0 {
            break;
        }
    }
}

/// A decimal number of at most 20 digits, without overflow; `None` otherwise.
fn digits(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() {
        return None;
    }
    bytes.iter().try_fold(0u64, |n, b| {
        let d = b.checked_sub(b'0').filter(|d| *d < 10)?;
        n.checked_mul(10)?.checked_add(u64::from(d))
    })
}

/// Splits the fields of an entry into (letter, number) pairs; `None` on any malformed byte.
fn fields(bytes: &[u8]) -> Option<Vec<(u8, Option<u64>)>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&letter) = bytes.get(i) {
        if !letter.is_ascii_lowercase() {
            return None;
        }
        let start = i + 1;
        let mut end = start;
        while bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        let number = if end > start {
            // A leading zero would not survive a round trip: refuse it (except "0" itself).
            if end - start > 1 && bytes.get(start) == Some(&b'0') {
                return None;
            }
            Some(digits(bytes.get(start..end)?)?)
        } else {
            None
        };
        out.push((letter, number));
        i = end;
    }
    Some(out)
}

/// `limit`: the latest time a clock of the record may hold (an embargo's end aside).
pub(super) fn parse(text: &str, limit: Millis) -> Result<Record, &'static str> {
    if text.len() > MAX_TEXT {
        return Err(WARN_CORRUPT);
    }
    let rest = text.strip_prefix(TAG).ok_or(WARN_FOREIGN)?;
    // Byte splits and bytes throughout: the entries are ASCII (a `char` pattern would bring in the substring
    // searcher, and a `str` of each entry the UTF-8 validation).
    let mut entries = rest.as_bytes().split(|b| *b == b'|');
    let version = entries.next().unwrap_or_default();
    if version.is_empty() || !version.iter().all(u8::is_ascii_digit) {
        return Err(WARN_FOREIGN);
    }
    let version = match digits(version).ok_or(()) {
        Ok(v @ (1 | VERSION)) => v,
        Ok(v) if v > VERSION => return Err(WARN_FUTURE),
        // Too many digits to parse is a future version too.
        Err(_) => return Err(WARN_FUTURE),
        Ok(_) => return Err(WARN_FOREIGN),
    };
    let mut record = Record::default();
    let mut seen_caps = 0u8;
    for entry in entries {
        let kind = *entry.first().ok_or(WARN_CORRUPT)?;
        let body = entry.get(1..).ok_or(WARN_CORRUPT)?;
        if kind == b'p' {
            if record.pages.len() >= MAX_PAGES {
                return Err(WARN_CORRUPT);
            }
            let page = parse_page(entry).filter(|p| p.hidden_since.unwrap_or(0) <= limit).ok_or(WARN_CORRUPT)?;
            if record.pages.iter().any(|p| p.id == page.id) {
                return Err(WARN_CORRUPT);
            }
            record.pages.push(page);
            continue;
        }
        if kind == b'l' && version >= 2 {
            let left = match fields(entry).as_deref() {
                Some([(b'l', Some(t))]) if *t <= limit => *t,
                _ => return Err(WARN_CORRUPT),
            };
            if record.left.replace(left).is_some() {
                return Err(WARN_CORRUPT);
            }
            continue;
        }
        let cap = Capability::ALL
            .into_iter()
            .find(|c| cap_letter(*c) as u8 == kind)
            .ok_or(WARN_CORRUPT)?;
        let bit = 1u8 << cap.index();
        if seen_caps & bit != 0 {
            return Err(WARN_CORRUPT);
        }
        seen_caps |= bit;
        let c = parse_cap(body, version, limit).ok_or(WARN_CORRUPT)?;
        *record.cap_mut(cap).ok_or(WARN_CORRUPT)? = c;
    }
    Ok(record)
}

fn parse_cap(body: &[u8], version: u64, limit: Millis) -> Option<CapRecord> {
    let mut c = CapRecord::default();
    let mut seen = 0u32;
    let (mut used, mut last_use, mut choice, mut decided) = (None, None, None, None);
    for (letter, number) in fields(body)? {
        let bit = 1u32 << (letter - b'a');
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        // A clock far ahead would win every later merge: corrupt (an embargo's end may lie ahead; a count or a
        // choice is never that large).
        if number.is_some_and(|n| n > limit) && letter != b'e' {
            return None;
        }
        let grant = |kind, at| {
            Verdict::Grant(Grant {
                kind,
                at,
                used: at,
                last_use_end: None,
            })
        };
        let verdict = match (letter, number, version) {
            (b'o', Some(at), _) => grant(GrantKind::OneTime, at),
            (b'a', Some(at), _) => grant(GrantKind::Persistent, at),
            (b'x', None, _) => Verdict::Ended,
            (b'b', None, _) => Verdict::Blocked,
            // The first format stored evidence of access; evidence is never taken from storage.
            (b'h', None, 1) => continue,
            (b'u', Some(t), _) => {
                last_use = Some(t);
                continue;
            }
            (b's', Some(t), 2) => {
                used = Some(t);
                continue;
            }
            (b'd', Some(n), _) => {
                c.dismissals = u32::try_from(n).ok().filter(|n| *n > 0)?;
                continue;
            }
            (b'e', Some(t), _) => {
                c.embargo_until = Some(t);
                continue;
            }
            (b'v', Some(v), 2) if v > 0 => {
                c.version = v;
                continue;
            }
            (b'w', Some(w), 2) if w > 0 => {
                c.counts_version = w;
                continue;
            }
            (b'q', Some(q), 2) => {
                choice = Some(choice_from(q)?);
                continue;
            }
            (b't', Some(t), 2) => {
                decided = Some(t);
                continue;
            }
            _ => return None,
        };
        if c.verdict != Verdict::None {
            return None;
        }
        c.verdict = verdict;
    }
    match &mut c.verdict {
        Verdict::Grant(g) => {
            g.used = used.unwrap_or(g.at);
            g.last_use_end = last_use;
        }
        _ if used.is_some() || last_use.is_some() => return None,
        _ => {}
    }
    c.last = match (choice, decided) {
        (Some(q), Some(t)) => Some((q, t)),
        (None, None) => None,
        _ => return None,
    };
    if c == CapRecord::default() {
        // An empty entry is never written.
        return None;
    }
    Some(c)
}

fn parse_page(entry: &[u8]) -> Option<PageEntry> {
    let mut list = fields(entry)?.into_iter();
    let id = match list.next()? {
        (b'p', Some(id)) => id,
        _ => return None,
    };
    let mut page = PageEntry {
        id,
        hidden_since: None,
        uses: 0,
    };
    let mut seen = 0u8;
    for (letter, number) in list {
        match (letter, number) {
            (b'h', Some(t)) if seen & 1 == 0 => {
                seen |= 1;
                page.hidden_since = Some(t);
            }
            (b'u', Some(mask)) if seen & 2 == 0 && mask > 0 && mask < 16 => {
                seen |= 2;
                page.uses = mask as u8;
            }
            _ => return None,
        }
    }
    Some(page)
}
