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
//! Words match the id, customer, issue, team, procedure and assignee, case
//! and accents ignored: as typed, or with letters left out inside one word
//! (see [`words`]). With words in the query the best matches come first: a
//! whole word before the start of one before the inside of one, the id and
//! customer before the rest; ties keep urgency order. A negated word
//! excludes rows that contain it as typed. [`run`] filters a whole queue and
//! is what the filter worker runs off the UI thread.

mod run;
mod words;

use std::cell::RefCell;

use chrono::{DateTime, Utc};

use super::duration;
use super::feedback::Verdict;
use super::handoff::{Priority, Status, Trigger};
use super::queue::{Name, QueueRow, SlaState};

pub use run::{Matches, Snapshot, matching, narrowed, run, warm};
pub(crate) use words::fold;
use words::{Fit, Word};

#[derive(Debug, Clone, PartialEq)]
enum Term {
    /// A word: as typed or with letters left out when positive, as typed
    /// when negated.
    Text(Word),
    Priority(Priority),
    Team(String),
    /// `team:mine`: the row's team is one of the viewer's.
    MyTeams,
    /// `is:open`: anything but resolved.
    Open,
    Trigger(String),
    Sla(SlaState),
    Verdict(Option<Verdict>),
    Tag(String),
    Procedure(String),
    Assignee(Option<String>),
    Status(Status),
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
                _ => Term::Text(Word::new(word)),
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

    /// Whether it matches no resolved handoff (`is:open`,
    /// `-status:resolved`, another status), so its count is final before
    /// the resolved history has loaded.
    pub fn excludes_resolved(&self) -> bool {
        self.terms.iter().any(|(negated, t)| match t {
            Term::Open => !negated,
            Term::Status(Status::Resolved) => *negated,
            Term::Status(_) => !negated,
            _ => false,
        })
    }

    /// The one status every row it matches has (a positive `status:`
    /// term), so a list of them need not repeat it.
    pub fn only_status(&self) -> Option<Status> {
        self.terms.iter().find_map(|(negated, t)| match t {
            Term::Status(s) if !negated => Some(*s),
            _ => None,
        })
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
        // Fields alone (every section's query, nearly): no scratch needed.
        if !self.terms.iter().any(|(_, t)| matches!(t, Term::Text(_))) {
            return self
                .terms
                .iter()
                .all(|(negated, term)| term_matches(term, row, me, now) != *negated);
        }
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
    /// (0 without words): for each word its best [`Fit`] in any field,
    /// the id and customer counting above the team, procedure and assignee,
    /// and those above the issue.
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
        let mut total = 0u32;
        for (negated, term) in &self.terms {
            let Term::Text(word) = term else {
                continue;
            };
            match (word_score(word, row, !negated, scorer), negated) {
                (Some(score), false) => total += score,
                (None, true) => {}
                _ => return None,
            }
        }
        Some(total)
    }

    /// Whether every row this query matches is matched by `earlier` too,
    /// so a run can look only at `earlier`'s matches: the same terms, words
    /// perhaps longer (typed on), and perhaps more terms after them.
    pub fn narrows(&self, earlier: &Query) -> bool {
        earlier.terms.len() <= self.terms.len()
            && earlier
                .terms
                .iter()
                .zip(&self.terms)
                .all(|(old, new)| match (old, new) {
                    ((false, Term::Text(old)), (false, Term::Text(new))) => new.extends(old),
                    _ => old == new,
                })
    }
}

/// Scratch space for scoring, reused across rows so matching a queue
/// allocates nothing per row.
#[derive(Debug, Default)]
pub struct Scorer {
    folded: words::Scratch,
    /// For one run over a queue (see [`Scorer::for_run`]).
    names: Option<NameFits>,
}

impl Scorer {
    /// A scorer for one run of one query over rows that stay alive until
    /// it is dropped: each word's fit in a shared name (team, procedure,
    /// assignee) is worked out once per name, not once per row.
    pub fn for_run() -> Scorer {
        Scorer {
            folded: words::Scratch::default(),
            names: Some(NameFits::default()),
        }
    }
}

/// Fits of words in shared names, by the name's and the word's address
/// (both stable while the run's rows and query are alive). Direct-mapped:
/// a queue names a few dozen teams, procedures and agents.
#[derive(Debug)]
struct NameFits {
    slots: Vec<(usize, usize, Option<Fit>)>,
}

const NAME_SLOTS: usize = 256;

impl Default for NameFits {
    fn default() -> NameFits {
        NameFits {
            slots: vec![(0, 0, None); NAME_SLOTS],
        }
    }
}

impl NameFits {
    fn fit(
        &mut self,
        name: &Name,
        word: &Word,
        scattered: bool,
        folded: &mut words::Scratch,
    ) -> Option<Fit> {
        let (n, w) = (name.addr(), std::ptr::from_ref(word) as usize);
        let slot = ((n >> 4) ^ (w >> 3)) % NAME_SLOTS;
        if let Some(&(sn, sw, fit)) = self.slots.get(slot)
            && (sn, sw) == (n, w)
        {
            return fit;
        }
        let fit = word.fit(name.search_text(), scattered, folded);
        if let Some(entry) = self.slots.get_mut(slot) {
            *entry = (n, w, fit);
        }
        fit
    }
}

/// How much a word found in each field counts, fields in the order they
/// are tried (the best first, so a whole word in the id stops the search).
const ID: u32 = 3;
const CUSTOMER: u32 = 3;
const NAMES: u32 = 2;
const ISSUE: u32 = 1;
const BEST: u32 = Fit::Whole as u32 * 4 + ID;

/// The best score of `word` over the row's fields, `None` if it is in none
/// of them. With `scattered` false only an occurrence as typed counts (a
/// negated word).
fn word_score(word: &Word, row: &QueueRow, scattered: bool, scorer: &mut Scorer) -> Option<u32> {
    let Scorer { folded, names } = scorer;
    let mut best = None;
    let mut consider = |fit: Option<Fit>, weight: u32| {
        let score = fit.map(|f| f as u32 * 4 + weight);
        best = best.max(score);
        best == Some(BEST)
    };
    if consider(word.fit(&row.id, scattered, folded), ID)
        || consider(word.fit(&row.customer, scattered, folded), CUSTOMER)
    {
        return best;
    }
    for name in [&row.team, &row.procedure, &row.assignee]
        .into_iter()
        .flatten()
    {
        let fit = match names {
            Some(cache) => cache.fit(name, word, scattered, folded),
            None => word.fit(name.search_text(), scattered, folded),
        };
        consider(fit, NAMES);
    }
    if let Some(issue) = &row.issue {
        consider(word.fit(issue, scattered, folded), ISSUE);
    }
    best
}

fn field_term(key: &str, value: &str) -> Result<Term, String> {
    let v = value.to_lowercase();
    // Fields with a fixed set of values take one of them, or the start of
    // just one (`priority:u`, the screen's `URG`), and say which otherwise.
    let one_of = |names: &[&str]| format!("{key}:{value}: use {}", either(names));
    let pick = |names: &[&str]| pick(&v, names).ok_or_else(|| one_of(names));
    let priorities = Priority::ALL.map(Priority::as_str);
    let statuses = Status::ALL.map(Status::as_str);
    Ok(match key {
        "priority" | "p" => Term::Priority(Priority::ALL[pick(&priorities)?]),
        "team" if v == "mine" => Term::MyTeams,
        "team" => Term::Team(v),
        "is" => match v.as_str() {
            "open" => Term::Open,
            _ => return Err(format!("is:{value}: use is:open (anything not resolved)")),
        },
        "trigger" => {
            let names = Trigger::ALL.map(Trigger::as_str);
            // Part of a name is enough (`trigger:low`), as long as it is part of one.
            if !names.iter().any(|n| n.contains(v.as_str())) {
                return Err(one_of(&names));
            }
            Term::Trigger(v)
        }
        "sla" if v == "risk" => Term::Sla(SlaState::AtRisk),
        "sla" => {
            let states = [
                SlaState::Breached,
                SlaState::AtRisk,
                SlaState::Ok,
                SlaState::None,
            ];
            Term::Sla(states[pick(&states.map(SlaState::as_str))?])
        }
        "verdict" => Term::Verdict(
            [Some(Verdict::Good), Some(Verdict::Bad), None][pick(&["good", "bad", "none"])?],
        ),
        "tag" | "flag" => Term::Tag(v),
        "procedure" | "proc" => Term::Procedure(v),
        "assignee" | "who" => Term::Assignee(if v == "none" { None } else { Some(v) }),
        "status" => Term::Status(Status::ALL[pick(&statuses)?]),
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

/// The index of `value` in `names`, or of the one name it starts.
fn pick(value: &str, names: &[&str]) -> Option<usize> {
    if let Some(i) = names.iter().position(|n| *n == value) {
        return Some(i);
    }
    let mut starting = names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.starts_with(value));
    match (starting.next(), starting.next()) {
        (Some((i, _)), None) if !value.is_empty() => Some(i),
        _ => None,
    }
}

/// "a, b or c".
fn either(names: &[&str]) -> String {
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
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
        Term::Priority(p) => row.priority == *p,
        Term::Team(t) => contains(row.team.as_deref(), t),
        Term::MyTeams => row
            .team
            .as_deref()
            .is_some_and(|t| me.teams.iter().any(|m| m.eq_ignore_ascii_case(t))),
        Term::Open => row.is_open(),
        Term::Trigger(t) => row.trigger.is_some_and(|x| x.as_str().contains(t.as_str())),
        Term::Sla(s) => row.sla(now) == *s,
        Term::Verdict(v) => row.verdict == *v,
        Term::Tag(t) => match t.as_str() {
            "vip" => row.vip,
            "at_risk" => row.at_risk,
            other => contains(row.plan.as_deref(), other),
        },
        Term::Procedure(p) => contains(row.procedure.as_deref(), p),
        Term::Assignee(None) => row.assignee.is_none(),
        Term::Assignee(Some(a)) if a == "me" => row.assignee.as_deref() == Some(me.name),
        Term::Assignee(Some(a)) => contains(row.assignee.as_deref(), a),
        Term::Status(s) => row.status == *s,
        Term::Language(l) => contains(row.language.as_deref(), l),
        Term::Confidence(cmp, n) => row.confidence.is_some_and(|c| cmp.holds(c, *n)),
        Term::Age(cmp, secs) => cmp.holds((now - row.escalated_at).num_seconds(), *secs),
    }
}

#[cfg(test)]
mod tests;
