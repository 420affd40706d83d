//! The `/` filter: free words match anywhere in a row; `field:value` terms
//! match one field; a leading `-` negates. All terms must hold.
//!
//! `priority:urgent team:billing trigger:low_confidence confidence:<0.5
//!  age:>2h sla:breached verdict:none tag:vip procedure:refund -status:resolved`
//!
//! Who is asking matters for three terms: `assignee:me` (this agent),
//! `team:mine` (any of their teams) and, as a shorthand, `is:open` (not
//! resolved). The queue sections are queries in this language too (see
//! [`super::queue::Section`]).
//!
//! Words match fuzzily, as in fzf (the letters in order, not necessarily
//! together; case and accents ignored), over the id, customer, issue, team,
//! procedure and assignee. With words in the query the best matches come
//! first (ties keep urgency order); a negated word excludes rows that contain
//! it verbatim. [`run`] filters a whole queue and is what the filter worker
//! runs off the UI thread.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Matcher, Utf32Str, chars};

use super::duration;
use super::queue::{Name, QueueRow, Rows, SlaState};

#[derive(Debug, Clone, PartialEq)]
enum Term {
    /// A word: fuzzy when positive, verbatim (substring) when negated.
    Text(Atom),
    Priority(String),
    Team(String),
    /// `team:mine`: the row's team is one of the viewer's.
    MyTeams,
    /// `is:open`: anything but resolved.
    Open,
    Trigger(String),
    Sla(SlaState),
    Verdict(Option<String>),
    Tag(String),
    Procedure(String),
    Assignee(Option<String>),
    Status(String),
    Language(String),
    Confidence(Cmp, f64),
    Age(Cmp, i64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cmp {
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
}

impl Cmp {
    fn split(text: &str) -> (Cmp, &str) {
        for (p, c) in [
            ("<=", Cmp::Le),
            (">=", Cmp::Ge),
            ("<", Cmp::Lt),
            (">", Cmp::Gt),
            ("=", Cmp::Eq),
        ] {
            if let Some(rest) = text.strip_prefix(p) {
                return (c, rest);
            }
        }
        (Cmp::Eq, text)
    }
    fn holds<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Gt => a > b,
            Cmp::Le => a <= b,
            Cmp::Ge => a >= b,
            Cmp::Eq => a == b,
        }
    }
}

/// Who a query is matched for: `assignee:me` means `name`, `team:mine` any
/// of `teams`. From a bare name, `team:mine` matches nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Viewer<'a> {
    pub name: &'a str,
    pub teams: &'a [String],
}

impl<'a> Viewer<'a> {
    pub fn new(name: &'a str, teams: &'a [String]) -> Viewer<'a> {
        Viewer { name, teams }
    }
}

impl<'a> From<&'a str> for Viewer<'a> {
    fn from(name: &'a str) -> Viewer<'a> {
        Viewer { name, teams: &[] }
    }
}

impl<'a> From<&'a String> for Viewer<'a> {
    fn from(name: &'a String) -> Viewer<'a> {
        Viewer::from(name.as_str())
    }
}

/// A parsed filter. The empty query matches everything.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    terms: Vec<(bool, Term)>,
}

pub const FIELDS: &[&str] = &[
    "priority",
    "team",
    "trigger",
    "sla",
    "verdict",
    "tag",
    "procedure",
    "assignee",
    "status",
    "is",
    "lang",
    "confidence",
    "age",
];

impl Query {
    pub fn parse(text: &str) -> Result<Query, String> {
        let mut terms = Vec::new();
        for word in text.split_whitespace() {
            let (negated, word) = match word.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => (true, rest),
                _ => (false, word),
            };
            let term = match word.split_once(':') {
                Some((key, value)) if !value.is_empty() => field_term(&key.to_lowercase(), value)?,
                _ => {
                    let kind = if negated {
                        AtomKind::Substring
                    } else {
                        AtomKind::Fuzzy
                    };
                    Term::Text(Atom::new(
                        word,
                        CaseMatching::Ignore,
                        Normalization::Smart,
                        kind,
                        false,
                    ))
                }
            };
            terms.push((negated, term));
        }
        Ok(Query { terms })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether the answer can change with the clock alone (`sla:`, `age:`).
    pub fn uses_clock(&self) -> bool {
        self.terms
            .iter()
            .any(|(_, t)| matches!(t, Term::Sla(_) | Term::Age(..)))
    }

    /// Whether every row it matches is assigned to the viewer (a positive
    /// `assignee:me`), so showing the owner would say nothing.
    pub fn only_mine(&self) -> bool {
        self.terms
            .iter()
            .any(|(negated, t)| !negated && matches!(t, Term::Assignee(Some(a)) if a == "me"))
    }

    /// Whether the query has words, so its results are ranked by score.
    pub fn ranks(&self) -> bool {
        self.terms
            .iter()
            .any(|(negated, t)| !negated && matches!(t, Term::Text(_)))
    }

    pub fn matches<'v>(
        &self,
        row: &QueueRow,
        me: impl Into<Viewer<'v>>,
        now: DateTime<Utc>,
    ) -> bool {
        let me = me.into();
        thread_local! {
            static SCORER: RefCell<Option<Scorer>> = const { RefCell::new(None) };
        }
        SCORER.with(|s| {
            let mut s = s.borrow_mut();
            let scorer = s.get_or_insert_with(Scorer::default);
            self.score(row, me, now, scorer).is_some()
        })
    }

    /// `None` when `row` does not match; else how well its words match
    /// (0 without words).
    pub fn score(
        &self,
        row: &QueueRow,
        me: Viewer<'_>,
        now: DateTime<Utc>,
        scorer: &mut Scorer,
    ) -> Option<u32> {
        // Field terms are cheap; they run first so words only score rows
        // that can still match.
        let fields_hold = self
            .terms
            .iter()
            .filter(|(_, t)| !matches!(t, Term::Text(_)))
            .all(|(negated, term)| term_matches(term, row, me, now) != *negated);
        if !fields_hold {
            return None;
        }
        let mut words = self.terms.iter().filter_map(|(negated, t)| match t {
            Term::Text(atom) => Some((*negated, atom)),
            _ => None,
        });
        let Some(first) = words.next() else {
            return Some(0);
        };
        let Scorer {
            matcher,
            haystack,
            chars,
        } = scorer;
        haystack.clear();
        let names = [&row.team, &row.procedure, &row.assignee];
        for part in [
            Some(row.id.as_str()),
            Some(row.customer.as_str()),
            row.issue.as_deref(),
        ]
        .into_iter()
        .chain(names.map(|n| n.as_ref().map(Name::search_text)))
        .flatten()
        {
            // Folded here, all of it, as the needle is: "Tomás" becomes plain
            // ASCII and takes the matcher's fast path (about 10x cheaper than
            // its per-grapheme one), and the matcher need not fold case or
            // accents itself for any row.
            if part.is_ascii() {
                let start = haystack.len();
                haystack.push_str(part);
                if let Some(added) = haystack.get_mut(start..) {
                    added.make_ascii_lowercase();
                }
            } else {
                haystack.extend(part.chars().map(fold_char));
            }
            haystack.push(' ');
        }
        let text = if haystack.is_ascii() {
            Utf32Str::Ascii(haystack.as_bytes())
        } else {
            chars.clear();
            chars.extend(haystack.chars());
            Utf32Str::Unicode(chars)
        };
        let mut total = 0u32;
        for (negated, atom) in std::iter::once(first).chain(words) {
            let score = if negated {
                atom.score(text, matcher)
            } else {
                word_score(atom, text, matcher)
            };
            match (score, negated) {
                (Some(score), false) => total += u32::from(score),
                (None, true) => {}
                _ => return None,
            }
        }
        Some(total)
    }
}

/// Lower case, accents off: what the matcher compares when told to ignore
/// case and accents.
fn fold_char(c: char) -> char {
    chars::to_lower_case(chars::normalize(c))
}

/// `text` folded as the filter matches it, when that changes anything.
pub(crate) fn fold(text: &str) -> Option<Box<str>> {
    if text.is_ascii() {
        return None;
    }
    Some(
        text.chars()
            .map(fold_char)
            .collect::<String>()
            .into_boxed_str(),
    )
}

/// How well a (positive) word matches: `None` unless its letters occur in
/// order, exactly as nucleo's fuzzy match decides. The score is the better of
/// a verbatim occurrence's and the greedy fuzzy one's, so rows that contain
/// the word as typed rank first. This skips the optimal fuzzy alignment (a
/// table of word x row length per matching row), which on 100k rows made
/// broad words like "re" three times as slow.
fn word_score(atom: &Atom, text: Utf32Str<'_>, matcher: &mut Matcher) -> Option<u16> {
    // Both sides are folded already (case and accents off): compare as is.
    matcher.config.ignore_case = false;
    matcher.config.normalize = false;
    let needle = atom.needle_text();
    let greedy = matcher.fuzzy_match_greedy(text, needle)?;
    Some(
        matcher
            .substring_match(text, needle)
            .map_or(greedy, |verbatim| verbatim.max(greedy)),
    )
}

/// Scratch space for scoring: a matcher (about 135 KB) and buffers, reused
/// across rows so matching a queue allocates nothing per row.
pub struct Scorer {
    matcher: Matcher,
    haystack: String,
    chars: Vec<char>,
}

impl Default for Scorer {
    fn default() -> Scorer {
        Scorer {
            matcher: Matcher::default(),
            haystack: String::with_capacity(256),
            chars: Vec::new(),
        }
    }
}

/// Everything one filter run needs, owned, so it can run on another thread
/// while the screen goes on showing the last result.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub query: Query,
    /// A snapshot of the queue: cloning [`Rows`] copies pointers, not rows.
    pub rows: Rows,
    /// Indices into `rows` in urgency order.
    pub order: Vec<u32>,
    pub me: String,
    /// The viewer's teams, for `team:mine`.
    pub my_teams: Vec<String>,
    pub now: DateTime<Utc>,
}

/// Rows per check of `cancelled`: a superseded run stops within ~0.5 ms.
const CANCEL_EVERY: usize = 2048;

/// Rows per piece of work handed to a thread.
const PIECE: usize = 4096;

/// Every row of `snap` the query matches; see [`matching`].
pub fn run(
    snap: &Snapshot,
    threads: usize,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<usize>> {
    matching(
        &snap.query,
        &snap.rows,
        &snap.order,
        Viewer::new(&snap.me, &snap.my_teams),
        snap.now,
        threads,
        cancelled,
    )
}

/// Every row the query matches, as indices into `rows`: best match first
/// when the query has words, else (and among equals) in `order`. Splits the
/// work over up to `threads` threads. `None` when `cancelled` turned true
/// (a newer query is waiting).
///
/// Rows are scored in storage order, not urgency order: their text then
/// comes from memory in the order it was allocated, which on 100k rows is
/// about 40% faster than chasing it in urgency order. The result is put in
/// urgency order afterwards, from a score per row.
pub fn matching<'v>(
    query: &Query,
    rows: &Rows,
    order: &[u32],
    me: impl Into<Viewer<'v>>,
    now: DateTime<Utc>,
    threads: usize,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<usize>> {
    let me = me.into();
    // score + 1 per row; 0 = no match.
    let mut scores = vec![0u32; rows.len()];
    let threads = threads.clamp(1, 8);
    // Work is handed out in pieces from a shared list, not in one half per
    // thread: a thread that starts late or is preempted then costs only its
    // current piece, not half the run.
    let pieces: Vec<(usize, &mut [u32])> = scores
        .chunks_mut(PIECE)
        .enumerate()
        .map(|(k, out)| (k * PIECE, out))
        .collect();
    let threads = threads.min(pieces.len()).max(1);
    let work = Mutex::new(pieces);
    let stopped = AtomicBool::new(false);
    let scan = || {
        let mut scorer = Scorer::default();
        loop {
            let next = match work.lock() {
                Ok(mut list) => list.pop(),
                Err(_) => None,
            };
            let Some((first, out)) = next else {
                return;
            };
            for (n, slot) in out.iter_mut().enumerate() {
                if n % CANCEL_EVERY == 0 && (stopped.load(Ordering::Relaxed) || cancelled()) {
                    stopped.store(true, Ordering::Relaxed);
                    return;
                }
                if let Some(row) = rows.get(first + n) {
                    *slot = query
                        .score(row, me, now, &mut scorer)
                        .map_or(0, |s| s.saturating_add(1));
                }
            }
        }
    };
    if threads == 1 {
        scan();
    } else {
        std::thread::scope(|s| {
            let helpers: Vec<_> = (1..threads).map(|_| s.spawn(scan)).collect();
            scan();
            for h in helpers {
                // A helper that panicked leaves its piece unscored: no
                // partial results.
                if h.join().is_err() {
                    stopped.store(true, Ordering::Relaxed);
                }
            }
        });
    }
    let finished = !stopped.load(Ordering::Relaxed);
    if !finished {
        return None;
    }
    let matched = |i: u32| scores.get(i as usize).copied().unwrap_or(0);
    if !query.ranks() {
        return Some(
            order
                .iter()
                .filter(|&&i| matched(i) > 0)
                .map(|&i| i as usize)
                .collect(),
        );
    }
    let mut hits: Vec<(u32, u32)> = order
        .iter()
        .filter_map(|&i| Some((matched(i).checked_sub(1)?, i)))
        .collect();
    // Stable: equal scores keep urgency order.
    hits.sort_by_key(|&(score, _)| Reverse(score));
    Some(hits.into_iter().map(|(_, i)| i as usize).collect())
}

fn field_term(key: &str, value: &str) -> Result<Term, String> {
    let v = value.to_lowercase();
    Ok(match key {
        "priority" | "p" => Term::Priority(v),
        "team" if v == "mine" => Term::MyTeams,
        "team" => Term::Team(v),
        "is" => match v.as_str() {
            "open" => Term::Open,
            _ => return Err(format!("is:{value}: use is:open (anything not resolved)")),
        },
        "trigger" => Term::Trigger(v),
        "sla" => Term::Sla(match v.as_str() {
            "breached" => SlaState::Breached,
            "at_risk" | "risk" => SlaState::AtRisk,
            "ok" => SlaState::Ok,
            "none" => SlaState::None,
            _ => return Err(format!("sla:{value}: use breached, at_risk, ok or none")),
        }),
        "verdict" => Term::Verdict(if v == "none" { None } else { Some(v) }),
        "tag" | "flag" => Term::Tag(v),
        "procedure" | "proc" => Term::Procedure(v),
        "assignee" | "who" => Term::Assignee(if v == "none" { None } else { Some(v) }),
        "status" => Term::Status(v),
        "lang" | "language" => Term::Language(v),
        "confidence" | "conf" => {
            let (cmp, num) = Cmp::split(&v);
            let n: f64 = num
                .parse()
                .map_err(|_| format!("confidence:{value}: expected a number like <0.5"))?;
            Term::Confidence(cmp, n)
        }
        "age" => {
            let (cmp, d) = Cmp::split(&v);
            let d = duration::parse(d).map_err(|e| format!("age:{value}: {e}"))?;
            Term::Age(cmp, d.num_seconds())
        }
        _ => {
            return Err(format!(
                "unknown field '{key}' (fields: {})",
                FIELDS.join(", ")
            ));
        }
    })
}

/// Case-insensitive substring test; `needle` is already lower case. ASCII
/// text (nearly all of it) is compared in place, without allocating.
fn contains(field: Option<&str>, needle: &str) -> bool {
    let Some(f) = field else {
        return false;
    };
    if f.is_ascii() {
        let n = needle.as_bytes();
        return n.is_empty()
            || f.as_bytes()
                .windows(n.len())
                .any(|w| w.eq_ignore_ascii_case(n));
    }
    f.to_lowercase().contains(needle)
}

fn term_matches(term: &Term, row: &QueueRow, me: Viewer<'_>, now: DateTime<Utc>) -> bool {
    match term {
        // Words are scored in `Query::score`, over the whole row at once.
        Term::Text(_) => true,
        Term::Priority(p) => row.priority.as_str() == p,
        Term::Team(t) => contains(row.team.as_deref(), t),
        Term::MyTeams => row
            .team
            .as_deref()
            .is_some_and(|t| me.teams.iter().any(|m| m.eq_ignore_ascii_case(t))),
        Term::Open => row.is_open(),
        Term::Trigger(t) => row.trigger.is_some_and(|x| x.as_str().contains(t.as_str())),
        Term::Sla(s) => row.sla(now) == *s,
        Term::Verdict(v) => row.verdict.map(|x| x.as_str()) == v.as_deref(),
        Term::Tag(t) => match t.as_str() {
            "vip" => row.vip,
            "at_risk" => row.at_risk,
            other => contains(row.plan.as_deref(), other),
        },
        Term::Procedure(p) => contains(row.procedure.as_deref(), p),
        Term::Assignee(None) => row.assignee.is_none(),
        Term::Assignee(Some(a)) if a == "me" => row.assignee.as_deref() == Some(me.name),
        Term::Assignee(Some(a)) => contains(row.assignee.as_deref(), a),
        Term::Status(s) => row.status.as_str() == s,
        Term::Language(l) => contains(row.language.as_deref(), l),
        Term::Confidence(cmp, n) => row.confidence.is_some_and(|c| cmp.holds(c, *n)),
        Term::Age(cmp, secs) => cmp.holds((now - row.escalated_at).num_seconds(), *secs),
    }
}
