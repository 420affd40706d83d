//! The demo team's last eight weeks: resolved handoffs and the verdicts the
//! nine demo agents gave on them, so the lead's quality, trend and review
//! screens show a team at work on first run. Made up, and deterministic: the
//! same `now` gives the same history.
//!
//! Each past handoff retells one of the demo's own conversations (same topic,
//! transcript and summary) for a new customer, moved back in time, answered
//! and closed by an agent of its team. The story the verdicts tell, oldest
//! week first:
//!
//! - refund-eligibility v3 collects the wrong data more and more often; v4,
//!   rolled out from three weeks ago, fixes it, and the flags fall again;
//! - order-tracking v7, live for the last three weeks, sends more handoffs to
//!   the wrong team each week: this week's largest new cluster;
//! - bug-triage v4 escalates fewer bugs the AI could have solved than v3;
//! - Jonas Weber gives far fewer verdicts since he moved onto enterprise
//!   onboarding, and Léa Martin is back from leave after the first two weeks.

use chrono::{DateTime, Duration, TimeDelta, Utc};

use super::{SplitMix64, each_text, record_text, replace_word, shift_text_dates};
use crate::domain::agent::Agent;
use crate::domain::feedback::{Feedback, Reason, Verdict};
use crate::domain::handoff::{Author, Handoff, Message, Status};
use crate::domain::import::{self, Imported};

/// Weeks of history, as many as the lead's trend shows.
pub const WEEKS: usize = 8;

/// Handoffs escalated per week, oldest first. The current week has the live
/// demo's handoffs besides; its history is the part already resolved.
const PER_WEEK: [u64; WEEKS] = [100, 104, 108, 106, 112, 116, 120, 134];

/// The same history every time (and for every "now").
const SEED: u64 = 0x6465_6d6f_7465_616d;

/// The demo's past: resolved handoffs and the verdicts in force on them.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Resolved handoffs, ids below the live demo's, oldest first.
    pub handoffs: Vec<Imported>,
    /// Verdicts, each by the agent who worked the handoff.
    pub verdicts: Vec<Feedback>,
}

/// The eight weeks before `now`, built from the live demo `live` (as
/// [`super::workspace`] gives it for the same `now`) and its `agents`.
pub fn history(now: DateTime<Utc>, live: &[Imported], agents: &[Agent]) -> Result<History, String> {
    let base: Vec<&Handoff> = live
        .iter()
        .filter(|r| retellable(r))
        .map(|r| &r.handoff)
        .collect();
    if base.is_empty() {
        return Err("demo history: no conversation to retell".into());
    }
    let mut rng = SplitMix64(SEED);
    // Every topic in turn, in an order of its own, so each week has the
    // live demo's mix of topics.
    let mut order: Vec<usize> = (0..base.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, super::index(&mut rng, i + 1));
    }
    let mut names = Names::new(live, agents);
    let total: u64 = PER_WEEK.iter().sum();
    // Numbered up to HO-1000, just below the live demo's HO-1001.
    let first_number = 1001u64
        .checked_sub(total)
        .filter(|n| *n > 0)
        .ok_or("demo history: more handoffs than ids below HO-1001")?;
    let mut out = History::default();
    let mut n = 0usize;
    for (week, &count) in PER_WEEK.iter().enumerate() {
        let weeks_back = i32::try_from(WEEKS - week).unwrap_or(0);
        let from = now - Duration::weeks(i64::from(weeks_back));
        // Resolved handoffs were escalated a while ago: none in the last six hours.
        let to = (from + Duration::weeks(1)).min(now - Duration::hours(6));
        let span = u64::try_from((to - from).num_seconds()).unwrap_or(1).max(1);
        let mut times: Vec<DateTime<Utc>> =
            (0..count).map(|_| from + secs(rng.below(span))).collect();
        times.sort();
        for escalated in times {
            let base = base[order[n % order.len()]];
            let number = first_number + n as u64;
            n += 1;
            let Some(name) = names.next() else {
                return Err("demo history: out of customer names".into());
            };
            let told = retell(base, week, escalated, now, name, agents, &mut rng);
            let mut h = told.handoff;
            h.id = format!("HO-{number:04}");
            if let Some(mut f) = told.verdict {
                f.handoff_id = h.id.clone();
                out.verdicts.push(f);
            }
            out.handoffs.push(Imported {
                raw: record_text(&h)?,
                handoff: h,
            });
        }
    }
    Ok(out)
}

/// Conversations worth retelling: in English (the new customer's name goes
/// into the agents' and the AI's messages) and free of the hostile test text
/// the live demo carries on purpose (once is enough).
fn retellable(r: &Imported) -> bool {
    const HOSTILE: [&str; 8] = [
        "\\u001b", "\\u0007", "\\u202e", "\\u200b", "\\u2067", "\u{1b}", "\u{202e}", "\u{200b}",
    ];
    r.handoff.language.as_deref().is_none_or(|l| l == "en")
        && !HOSTILE
            .iter()
            .any(|bad| r.raw.to_ascii_lowercase().contains(bad))
        && r.handoff.customer.name.split_whitespace().count() >= 2
}

struct Told {
    handoff: Handoff,
    verdict: Option<Feedback>,
}

/// `base` as it happened to `name` in week `week` (0 = the oldest): escalated
/// at `escalated`, answered and resolved by an agent of its team, with the
/// procedure version live then and, maybe, that agent's verdict.
fn retell(
    base: &Handoff,
    week: usize,
    escalated: DateTime<Utc>,
    now: DateTime<Utc>,
    name: Name,
    agents: &[Agent],
    rng: &mut SplitMix64,
) -> Told {
    let mut h = base.clone();
    let by = escalated.signed_duration_since(h.escalated_at);
    let days = (escalated.date_naive() - h.escalated_at.date_naive()).num_days();
    import::shift_times(&mut h, by);
    shift_text_dates(&mut h, days, now.date_naive());
    rename(&mut h, &name);
    if let Some(version) = version_in(&h, week, rng) {
        h.ai.procedure_version = Some(version.to_string());
    }

    // The live conversation's notes and replies were about its own customer
    // and its own state (snoozed, closed); this one gets its own.
    h.transcript.retain(|m| m.author != Author::Agent);
    h.status = Status::Resolved;
    let team = h.routing.team.clone().unwrap_or_default();
    let agent = pick_agent(agents, &team, week, rng);
    h.routing.assignee = agent.map(|a| a.name.clone());

    let start = h
        .transcript
        .iter()
        .map(|m| m.at)
        .max()
        .unwrap_or(escalated)
        .max(escalated);
    // Due as the queue counts it: the routing SLA or the promise, if sooner.
    let due = [
        h.routing.sla_due_at,
        h.summary.promised.as_ref().and_then(|p| p.due_at),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(escalated + super::sla_window(h.routing.priority));
    let room = u64::try_from((due - start).num_seconds() * 3 / 4).unwrap_or(0);
    // Most are answered well within their SLA; about one in ten misses it.
    let answered = if room < 120 || rng.below(100) < 10 {
        due.max(start) + TimeDelta::seconds(60 + to_i64(rng.below(7200)))
    } else {
        // Skewed early: most within minutes, a few near the deadline.
        let r = rng.below(1000);
        start + TimeDelta::seconds(90 + to_i64((room - 90) * r * r / 1_000_000))
    };
    // Worked and judged at least two hours ago: the last hour is the live demo's.
    let latest = now - Duration::hours(2);
    let answered = answered.min(latest);
    let closed = (answered + TimeDelta::minutes(15 + to_i64(rng.below(600)))).min(latest);
    let Some(agent) = agent else {
        return Told {
            handoff: h,
            verdict: None,
        };
    };
    let first = first_name(&h.customer.name);
    let mine = first_name(&agent.name);
    let bot = h.ai.agent.clone().unwrap_or_else(|| "our assistant".into());
    let desk = team_words(&team);
    h.transcript.push(agent_says(
        answered,
        agent,
        format!(
            "Hi {first}, {mine} here from the {desk} team. I've read everything you told {bot}, \
             so there's no need to repeat it; I'm on it now."
        ),
    ));
    h.transcript.push(agent_says(
        closed,
        agent,
        format!(
            "That's done on our side, {first}. I'm closing this conversation; \
             reply here if anything else comes up."
        ),
    ));
    let verdict = judge(&h, agent, week, rng).map(|(verdict, reasons, note)| Feedback {
        handoff_id: String::new(),
        verdict,
        reasons,
        note,
        agent: agent.name.clone(),
        // Judged on reading the handoff, before replying.
        at: answered - TimeDelta::seconds(30),
    });
    Told {
        handoff: h,
        verdict,
    }
}

fn agent_says(at: DateTime<Utc>, agent: &Agent, text: String) -> Message {
    Message {
        at,
        author: Author::Agent,
        name: Some(agent.name.clone()),
        text,
        private: false,
    }
}

fn secs(n: u64) -> Duration {
    Duration::seconds(to_i64(n))
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

/// The team as the AI's messages name it.
fn team_words(team: &str) -> &str {
    match team {
        "access" => "account security",
        "technical" => "technical support",
        "orders" => "orders and returns",
        "enterprise" => "enterprise accounts",
        other => other,
    }
}

// ---- who worked it, who judged it -------------------------------------------

/// Léa Martin is on leave for the first two weeks.
fn works(agent: &Agent, week: usize) -> bool {
    !(agent.name == "Léa Martin" && week < 2)
}

/// An agent of `team` at work that week, as often as their capacity says
/// (Dana Brooks is in every team, part-time): the demo's agents all speak
/// English.
fn pick_agent<'a>(
    agents: &'a [Agent],
    team: &str,
    week: usize,
    rng: &mut SplitMix64,
) -> Option<&'a Agent> {
    let pool: Vec<&Agent> = agents
        .iter()
        .filter(|a| a.in_team(team) && works(a, week))
        .collect();
    let weight = |a: &Agent| u64::from(a.capacity.max(1));
    let total: u64 = pool.iter().map(|a| weight(a)).sum();
    let mut pick = rng.below(total);
    for a in pool {
        if pick < weight(a) {
            return Some(a);
        }
        pick -= weight(a);
    }
    None
}

/// How often (percent) `agent` gives a verdict on a handoff that was fine.
/// Bad ones are flagged more readily (see [`judge`]).
fn coverage(agent: &str, week: usize) -> u64 {
    const JONAS: [u64; WEEKS] = [70, 70, 65, 70, 60, 25, 15, 10];
    match agent {
        // On enterprise onboarding from week five: fewer verdicts.
        "Jonas Weber" => JONAS[week.min(WEEKS - 1)],
        // Part-time lead: judges what stands out.
        "Dana Brooks" => 30,
        "Maya Chen" => 70,
        "Sam Okafor" => 45,
        _ => 60,
    }
}

// ---- what went wrong, week by week ------------------------------------------

/// A procedure's new version and its share (percent) of the week's handoffs:
/// (procedure, old, new, share by week).
const ROLLOUTS: [(&str, &str, &str, [u64; WEEKS]); 7] = [
    (
        "refund-eligibility",
        "v3",
        "v4",
        [0, 0, 0, 0, 0, 35, 60, 75],
    ),
    ("bug-triage", "v3", "v4", [0, 0, 10, 30, 50, 60, 70, 70]),
    (
        "account-recovery",
        "v5",
        "v6",
        [0, 0, 0, 20, 40, 50, 55, 55],
    ),
    ("returns", "v3", "v4", [0, 0, 0, 0, 20, 40, 55, 60]),
    ("plan-change", "v2", "v3", [0, 0, 0, 0, 0, 20, 40, 50]),
    ("sso-setup", "v1", "v2", [0, 0, 0, 0, 20, 40, 50, 50]),
    ("order-tracking", "v6", "v7", [0, 0, 0, 0, 0, 100, 100, 100]),
];

/// The version of the handoff's procedure live in `week`, for procedures
/// that changed over the eight weeks.
fn version_in(h: &Handoff, week: usize, rng: &mut SplitMix64) -> Option<&'static str> {
    let procedure = h.ai.procedure.as_deref()?;
    let (_, old, new, share) = ROLLOUTS.iter().find(|(p, ..)| *p == procedure)?;
    Some(if rng.below(100) < share[week.min(WEEKS - 1)] {
        new
    } else {
        old
    })
}

/// What a procedure version gets wrong, and how often (percent) in each week.
fn problem(procedure: &str, version: &str, week: usize) -> Option<(Reason, u64)> {
    let week = week.min(WEEKS - 1);
    let by_week = |pcts: [u64; WEEKS]| pcts[week];
    Some(match (procedure, version) {
        // v3 stopped asking for the invoice, more so as more plans moved to it.
        ("refund-eligibility", "v3") => {
            (Reason::WrongData, by_week([10, 18, 28, 40, 52, 55, 50, 45]))
        }
        ("refund-eligibility", _) => (Reason::WrongData, 5),
        ("order-tracking", "v7") => (Reason::Misrouted, by_week([0, 0, 0, 0, 0, 15, 30, 45])),
        ("order-tracking", _) => (Reason::Misrouted, 3),
        ("bug-triage", "v3") => (Reason::AiCouldResolve, 30),
        ("bug-triage", _) => (Reason::AiCouldResolve, 8),
        ("account-recovery", "v5") => (Reason::InaccurateSummary, 15),
        ("account-recovery", _) => (Reason::InaccurateSummary, 5),
        ("returns", "v3") => (Reason::WrongQuestions, 12),
        ("returns", _) => (Reason::WrongQuestions, 5),
        ("security-incident", _) => (Reason::TooLate, 12),
        _ => return None,
    })
}

/// Everything else that goes wrong now and then, anywhere: (reason, weight).
const NOISE: [(Reason, u64); 7] = [
    (Reason::AiCouldResolve, 3),
    (Reason::WrongData, 2),
    (Reason::WrongQuestions, 2),
    (Reason::InaccurateSummary, 1),
    (Reason::Misrouted, 1),
    (Reason::TooLate, 1),
    (Reason::Other, 1),
];
/// Percent of handoffs with one of the [`NOISE`] problems.
const NOISE_PCT: u64 = 5;

/// The agent's verdict on `h`, if they gave one: bad (with reasons and maybe
/// a note) when it had a problem, else good.
fn judge(
    h: &Handoff,
    agent: &Agent,
    week: usize,
    rng: &mut SplitMix64,
) -> Option<(Verdict, Vec<Reason>, Option<String>)> {
    let procedure = h.ai.procedure.as_deref().unwrap_or_default();
    let version = h.ai.procedure_version.as_deref().unwrap_or_default();
    let roll = rng.below(100);
    let story = problem(procedure, version, week);
    let story_pct = story.map_or(0, |(_, p)| p);
    let mut reasons = Vec::new();
    if let Some((reason, pct)) = story
        && roll < pct
    {
        reasons.push(reason);
    } else if roll < story_pct + NOISE_PCT {
        reasons.push(weighted(&NOISE, rng));
    }
    let covered = coverage(&agent.name, week);
    if reasons.is_empty() {
        return (rng.below(100) < covered).then(|| {
            let note = (rng.below(100) < 6).then(|| GOOD_NOTE.to_string());
            (Verdict::Good, reasons, note)
        });
    }
    // A bad handoff is flagged more readily than a good one is marked.
    if rng.below(100) >= (covered + 25).min(95) {
        return None;
    }
    // Now and then the wrong data came with the wrong questions.
    if reasons.first() == Some(&Reason::WrongData) && rng.below(100) < 15 {
        reasons.push(Reason::WrongQuestions);
    }
    let first = reasons.first().copied().unwrap_or(Reason::Other);
    let note = (rng.below(100) < 55).then(|| bad_note(first, procedure).to_string());
    Some((Verdict::Bad, reasons, note))
}

fn weighted(items: &[(Reason, u64)], rng: &mut SplitMix64) -> Reason {
    let total: u64 = items.iter().map(|(_, w)| w).sum();
    let mut pick = rng.below(total);
    for &(reason, weight) in items {
        if pick < weight {
            return reason;
        }
        pick -= weight;
    }
    Reason::Other
}

const GOOD_NOTE: &str = "Clear summary; nothing to ask the customer again.";

/// What an agent writes beside a bad verdict: about the procedure's known
/// problem where there is one, else words that fit any conversation.
pub(super) fn bad_note(reason: Reason, procedure: &str) -> &'static str {
    match (reason, procedure) {
        (Reason::WrongData, "refund-eligibility") => {
            "No invoice number or charge date collected; had to ask the customer again."
        }
        (Reason::Misrouted, "order-tracking") => "This needed billing, not orders; moved it.",
        (Reason::AiCouldResolve, "bug-triage") => {
            "Known issue with a documented workaround; the bot could have sent the article."
        }
        (Reason::InaccurateSummary, "account-recovery") => {
            "Summary says identity was verified; the transcript shows it wasn't."
        }
        (Reason::WrongQuestions, "returns") => {
            "Asked for photos before checking the order; the order number was all we needed."
        }
        (Reason::TooLate, "security-incident") => {
            "The customer said it was urgent in the first message; the handoff came much later."
        }
        (Reason::AiCouldResolve, _) => "The answer is in the help centre; no person needed.",
        (Reason::WrongData, _) => {
            "The details collected didn't match the account; had to ask again."
        }
        (Reason::WrongQuestions, _) => "Asked the customer for things we already had.",
        (Reason::InaccurateSummary, _) => "The summary doesn't match what the customer wrote.",
        (Reason::Misrouted, _) => "Wrong team; moved it.",
        (Reason::TooLate, _) => "The customer asked for a person several times before the handoff.",
        (Reason::Other, _) => "Arrived as two handoffs for the same conversation.",
    }
}

// ---- new customers ------------------------------------------------------------

/// A customer of the history: a name used nowhere else in the demo.
struct Name {
    full: String,
    email: String,
}

/// First and last names for the history's customers, apart from the live
/// demo's and the agents' (checked when the list is made, and by a test).
const FIRSTS: [&str; 40] = [
    "Adele", "Bruno", "Cora", "Declan", "Edith", "Fabian", "Gemma", "Hector", "Iris", "Jasper",
    "Kamala", "Leon", "Mabel", "Nikolai", "Opal", "Pierce", "Quincy", "Rosalind", "Silas", "Thea",
    "Ulrich", "Violet", "Warren", "Yara", "Zane", "Agnes", "Bastian", "Clara", "Dorian", "Esme",
    "Florian", "Greta", "Horace", "Ivy", "Joel", "Kerstin", "Lionel", "Marta", "Nell", "Oscar",
];
const LASTS: [&str; 40] = [
    "Abbott",
    "Barnes",
    "Crane",
    "Dalton",
    "Ellison",
    "Fairbanks",
    "Garrow",
    "Hollis",
    "Ingram",
    "Jarvis",
    "Keane",
    "Lowry",
    "Merriweather",
    "Norwood",
    "Oakley",
    "Prescott",
    "Quayle",
    "Radcliffe",
    "Sutton",
    "Thorne",
    "Underhill",
    "Vance",
    "Whitlock",
    "Yates",
    "Ashdown",
    "Blackwood",
    "Calloway",
    "Dunmore",
    "Everly",
    "Fenwick",
    "Gilmore",
    "Hartley",
    "Irving",
    "Jennings",
    "Kendall",
    "Langford",
    "Mayhew",
    "Nettleton",
    "Orwell",
    "Pembroke",
];

struct Names {
    next: usize,
    taken_first: Vec<String>,
    taken_last: Vec<String>,
}

impl Names {
    fn new(live: &[Imported], agents: &[Agent]) -> Names {
        let people = live
            .iter()
            .map(|r| r.handoff.customer.name.as_str())
            .chain(agents.iter().map(|a| a.name.as_str()));
        let mut taken_first = Vec::new();
        let mut taken_last = Vec::new();
        for name in people {
            let words: Vec<&str> = name.split_whitespace().collect();
            taken_first.extend(words.first().map(|w| w.to_string()));
            taken_last.extend(words.last().map(|w| w.to_string()));
        }
        Names {
            next: 0,
            taken_first,
            taken_last,
        }
    }
}

impl Iterator for Names {
    type Item = Name;

    /// Each pair once, walking the last names at a different pace from the
    /// first names so neighbours do not share a surname.
    fn next(&mut self) -> Option<Name> {
        let all = FIRSTS.len() * LASTS.len();
        while self.next < all {
            let i = self.next;
            self.next += 1;
            let first = FIRSTS[i % FIRSTS.len()];
            let last = LASTS[(i + i / FIRSTS.len()) % LASTS.len()];
            if self.taken_first.iter().any(|t| t == first)
                || self.taken_last.iter().any(|t| t == last)
            {
                continue;
            }
            return Some(Name {
                full: format!("{first} {last}"),
                email: format!(
                    "{}.{}@example.com",
                    first.to_ascii_lowercase(),
                    last.to_ascii_lowercase()
                ),
            });
        }
        None
    }
}

/// The customer becomes `name` everywhere they are named: the record, their
/// messages, greetings, and what the AI collected (their email, say).
fn rename(h: &mut Handoff, name: &Name) {
    let old = std::mem::replace(&mut h.customer.name, name.full.clone());
    let old_email = h.customer.email.replace(name.email.clone());
    let old_first = first_name(&old).to_string();
    let new_first = first_name(&name.full).to_string();
    for m in &mut h.transcript {
        if m.author == Author::Customer {
            m.name = Some(name.full.clone());
        }
    }
    each_text(h, |text| {
        if let Some(email) = old_email.as_deref().filter(|e| text.contains(e)) {
            *text = text.replace(email, &name.email);
        }
        if text.contains(&old) {
            *text = text.replace(&old, &name.full);
        }
        if let std::borrow::Cow::Owned(t) = replace_word(text, &old_first, &new_first) {
            *text = t;
        }
    });
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2027-03-14T09:26:53Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn past() -> History {
        let live = super::super::workspace(now()).unwrap_or_default();
        let agents = super::super::agents().unwrap_or_default();
        history(now(), &live, &agents).unwrap_or_else(|e| panic!("{e}"))
    }

    /// 0 = the oldest of the eight weeks ending now.
    fn week_of(t: DateTime<Utc>) -> usize {
        let back = (now() - t).num_seconds() / Duration::weeks(1).num_seconds();
        WEEKS - 1 - usize::try_from(back).unwrap_or(WEEKS)
    }

    #[test]
    fn history_is_resolved_worked_and_the_same_every_time() {
        let h = past();
        let again = past();
        let raws = |h: &History| h.handoffs.iter().map(|r| r.raw.clone()).collect::<Vec<_>>();
        assert_eq!(raws(&h), raws(&again));
        assert_eq!(h.verdicts, again.verdicts);
        let agents = super::super::agents().unwrap_or_default();
        let ids: HashSet<&str> = h.handoffs.iter().map(|r| r.handoff.id.as_str()).collect();
        assert_eq!(ids.len(), h.handoffs.len());
        for r in &h.handoffs {
            let x = &r.handoff;
            assert_eq!(x.status, Status::Resolved, "{}", x.id);
            assert!(
                x.id.as_str() < "HO-1001",
                "{} collides with the live demo",
                x.id
            );
            assert!(now() - x.escalated_at <= Duration::weeks(8), "{}", x.id);
            assert!(now() - x.escalated_at >= Duration::hours(6), "{}", x.id);
            assert!(x.transcript.iter().all(|m| m.at < now()), "{}", x.id);
            let who = x.routing.assignee.as_deref().unwrap_or_default();
            let team = x.routing.team.as_deref().unwrap_or_default();
            assert!(
                agents.iter().any(|a| a.name == who && a.in_team(team)),
                "{}: {who} not in {team}",
                x.id
            );
        }
        let by_id: HashMap<&str, &Handoff> = h
            .handoffs
            .iter()
            .map(|r| (r.handoff.id.as_str(), &r.handoff))
            .collect();
        for f in &h.verdicts {
            let Some(x) = by_id.get(f.handoff_id.as_str()) else {
                panic!("verdict on unknown {}", f.handoff_id);
            };
            assert_eq!(x.routing.assignee.as_deref(), Some(f.agent.as_str()));
            assert!(f.at >= x.escalated_at && f.at < now(), "{}", f.handoff_id);
            assert_eq!(f.verdict == Verdict::Bad, !f.reasons.is_empty());
        }
    }

    /// The lead's screens have something to say every week, and it moves.
    #[test]
    fn every_week_has_verdicts_from_the_team_and_the_story_moves() {
        let h = past();
        let by_id: HashMap<&str, &Handoff> = h
            .handoffs
            .iter()
            .map(|r| (r.handoff.id.as_str(), &r.handoff))
            .collect();
        let mut per_week = [0usize; WEEKS];
        let mut wrong_refund = [0usize; WEEKS];
        let mut misrouted_orders = [0usize; WEEKS];
        let mut jonas = [0usize; WEEKS];
        let mut agents = HashSet::new();
        let mut reasons = HashSet::new();
        for f in &h.verdicts {
            let x = by_id[f.handoff_id.as_str()];
            let w = week_of(x.escalated_at);
            per_week[w] += 1;
            agents.insert(f.agent.as_str());
            reasons.extend(f.reasons.iter().copied());
            let procedure = x.ai.procedure.as_deref().unwrap_or_default();
            if procedure == "refund-eligibility" && f.reasons.contains(&Reason::WrongData) {
                wrong_refund[w] += 1;
            }
            if procedure == "order-tracking" && f.reasons.contains(&Reason::Misrouted) {
                misrouted_orders[w] += 1;
            }
            if f.agent == "Jonas Weber" {
                jonas[w] += 1;
            }
        }
        assert!(per_week.iter().all(|&n| n >= 30), "{per_week:?}");
        assert_eq!(agents.len(), 9, "{agents:?}");
        assert!(reasons.len() >= 6, "{reasons:?}");
        // Wrong data on refunds rises, then falls once v4 is out.
        let peak = wrong_refund[3..6].iter().max().copied().unwrap_or(0);
        assert!(
            peak > wrong_refund[0] && peak > wrong_refund[7],
            "{wrong_refund:?}"
        );
        // Misrouting on order-tracking v7 is new in the last three weeks.
        let before: usize = misrouted_orders[..5].iter().sum();
        let after: usize = misrouted_orders[5..].iter().sum();
        assert!(after > 2 * before.max(1), "{misrouted_orders:?}");
        // Jonas gives fewer verdicts in the last three weeks: per week, under
        // half as many as in the five before.
        let early: usize = jonas[..5].iter().sum();
        let late: usize = jonas[5..].iter().sum();
        assert!(late * 5 * 2 < early * 3, "{jonas:?}");
    }
}
