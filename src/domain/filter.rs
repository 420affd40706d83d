//! The `/` filter: free words match anywhere in a row; `field:value` terms
//! match one field; a leading `-` negates. All terms must hold.
//!
//! `priority:urgent team:billing trigger:low_confidence confidence:<0.5
//!  age:>2h sla:breached verdict:none tag:vip procedure:refund -status:resolved`

use chrono::{DateTime, Utc};

use super::duration;
use super::queue::{QueueRow, SlaState};

#[derive(Debug, Clone, PartialEq)]
enum Term {
    Text(String),
    Priority(String),
    Team(String),
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
                _ => Term::Text(word.to_lowercase()),
            };
            terms.push((negated, term));
        }
        Ok(Query { terms })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn matches(&self, row: &QueueRow, me: &str, now: DateTime<Utc>) -> bool {
        self.terms
            .iter()
            .all(|(negated, term)| term_matches(term, row, me, now) != *negated)
    }
}

fn field_term(key: &str, value: &str) -> Result<Term, String> {
    let v = value.to_lowercase();
    Ok(match key {
        "priority" | "p" => Term::Priority(v),
        "team" => Term::Team(v),
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

fn contains(field: Option<&str>, needle: &str) -> bool {
    field.is_some_and(|f| f.to_lowercase().contains(needle))
}

fn term_matches(term: &Term, row: &QueueRow, me: &str, now: DateTime<Utc>) -> bool {
    match term {
        Term::Text(t) => {
            contains(Some(&row.id), t)
                || contains(Some(&row.customer), t)
                || contains(row.issue.as_deref(), t)
                || contains(row.team.as_deref(), t)
                || contains(row.procedure.as_deref(), t)
                || contains(row.assignee.as_deref(), t)
        }
        Term::Priority(p) => row.priority.as_str() == p,
        Term::Team(t) => contains(row.team.as_deref(), t),
        Term::Trigger(t) => row.trigger.is_some_and(|x| x.as_str().contains(t.as_str())),
        Term::Sla(s) => row.sla(now) == *s,
        Term::Verdict(v) => row.verdict.map(|x| x.as_str().to_string()) == *v,
        Term::Tag(t) => match t.as_str() {
            "vip" => row.vip,
            "at_risk" => row.at_risk,
            other => contains(row.plan.as_deref(), other),
        },
        Term::Procedure(p) => contains(row.procedure.as_deref(), p),
        Term::Assignee(None) => row.assignee.is_none(),
        Term::Assignee(Some(a)) if a == "me" => row.assignee.as_deref() == Some(me),
        Term::Assignee(Some(a)) => contains(row.assignee.as_deref(), a),
        Term::Status(s) => row.status.as_str() == s,
        Term::Language(l) => contains(row.language.as_deref(), l),
        Term::Confidence(cmp, n) => row.confidence.is_some_and(|c| cmp.holds(c, *n)),
        Term::Age(cmp, secs) => cmp.holds((now - row.escalated_at).num_seconds(), *secs),
    }
}
