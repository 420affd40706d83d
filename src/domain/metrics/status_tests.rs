//! Queue status against hand-built rows.

use chrono::{DateTime, Duration, Utc};

use super::Window;
use super::fixtures::at;
use super::status::{TeamStatus, queue_status};
use crate::domain::agent::Agent;
use crate::domain::feedback::{Feedback, Verdict};
use crate::domain::handoff::{AiInfo, Customer, Handoff, Routing, Status, Summary};
use crate::domain::queue::QueueRow;

fn now() -> DateTime<Utc> {
    at(14, 0)
}

/// A row escalated `ago` minutes before now, due `due_in` minutes from now.
/// Built through `from_handoff`, as the store builds rows.
fn row(
    id: &str,
    team: Option<&str>,
    assignee: Option<&str>,
    status: Status,
    ago: i64,
    due_in: Option<i64>,
) -> QueueRow {
    let h = Handoff {
        id: id.into(),
        created_at: None,
        escalated_at: now() - Duration::minutes(ago),
        channel: None,
        language: None,
        status,
        customer: Customer::default(),
        ai: AiInfo::default(),
        summary: Summary::default(),
        note: None,
        routing: Routing {
            team: team.map(str::to_string),
            assignee: assignee.map(str::to_string),
            sla_due_at: due_in.map(|m| now() + Duration::minutes(m)),
            ..Routing::default()
        },
        transcript: Vec::new(),
    };
    QueueRow::from_handoff(&h, None)
}

fn agent(name: &str, teams: &[&str], capacity: u32) -> Agent {
    Agent {
        name: name.into(),
        teams: teams.iter().map(|t| t.to_string()).collect(),
        skills: Vec::new(),
        languages: Vec::new(),
        capacity,
    }
}

fn verdict(agent: &str, at: DateTime<Utc>) -> Feedback {
    Feedback {
        handoff_id: "x".into(),
        verdict: Verdict::Good,
        reasons: Vec::new(),
        note: None,
        agent: agent.into(),
        at,
    }
}

#[test]
fn per_team_and_per_agent() {
    let rows = [
        row("r1", Some("billing"), None, Status::Open, 30, Some(-10)),
        row(
            "r2",
            Some("billing"),
            Some("Ann"),
            Status::Open,
            120,
            Some(20),
        ),
        row(
            "r3",
            Some("billing"),
            Some("Ann"),
            Status::Resolved,
            20,
            Some(-5),
        ),
        row(
            "r4",
            Some("access"),
            Some("Bob"),
            Status::Pending,
            3 * 1440,
            None,
        ),
        row("r5", None, None, Status::Snoozed, 60, None),
    ];
    let agents = [
        agent("Dee", &["access", "orders"], 5),
        agent("Ann", &["billing"], 1),
    ];
    let window = Window::ending(now(), Duration::days(7));
    let verdicts = [
        verdict("Ann", now() - Duration::hours(1)),
        // Eight days ago: outside the 7-day window.
        verdict("Ann", now() - Duration::days(8)),
        // At `to`: outside [from, to).
        verdict("Dee", now()),
    ];
    let s = queue_status(&rows, &agents, &verdicts, window, now());

    let names: Vec<&str> = s.teams.iter().map(|t| t.team.as_str()).collect();
    // Agents' teams and rows' teams by name; the no-team bucket last.
    assert_eq!(names, ["access", "billing", "orders", "(no team)"]);
    // billing: waiting r1, r2 (r3 resolved); unassigned r1; oldest r2 at
    // 120 min = 7200 s; r1 breached, r2 at risk (due in 20 ≤ 30 min);
    // last hour r1 (30m), r3 (20m); last day r1, r2, r3.
    assert_eq!(
        s.teams[1],
        TeamStatus {
            team: "billing".into(),
            waiting: 2,
            unassigned: 1,
            oldest_wait_seconds: Some(7200),
            oldest_id: Some("r2".into()),
            sla_breached: 1,
            sla_at_risk: 1,
            escalated_last_hour: 2,
            escalated_last_day: 3,
        }
    );
    // access: r4 pending counts as waiting, 3 days = 259200 s.
    assert_eq!(s.teams[0].waiting, 1);
    assert_eq!(s.teams[0].oldest_wait_seconds, Some(259_200));
    assert_eq!(s.teams[0].escalated_last_day, 0);
    // orders: known from Dee only, nothing in it.
    assert_eq!(s.teams[2].waiting, 0);
    assert_eq!(s.teams[2].oldest_wait_seconds, None);
    // (no team): r5 snoozed, escalated exactly an hour ago → counts in the last hour.
    assert_eq!(s.teams[3].waiting, 1);
    assert_eq!(s.teams[3].escalated_last_hour, 1);
    // Total: 2 + 1 + 0 + 1 = 4 waiting, 2 unassigned, oldest r4.
    assert_eq!(s.total.waiting, 4);
    assert_eq!(
        s.teams.iter().map(|t| t.waiting).sum::<u64>(),
        s.total.waiting
    );
    assert_eq!(s.total.unassigned, 2);
    assert_eq!(s.total.oldest_id.as_deref(), Some("r4"));
    assert_eq!(
        (s.total.escalated_last_hour, s.total.escalated_last_day),
        (3, 4)
    );

    let agents: Vec<(&str, u64, Option<u32>, u64)> = s
        .agents
        .iter()
        .map(|a| {
            (
                a.agent.as_str(),
                a.open_assigned,
                a.capacity,
                a.verdicts_given,
            )
        })
        .collect();
    // Ann: r2 open (r3 resolved), capacity 1, 1 verdict in window.
    // Dee: nothing; her verdict at `to` is outside. Bob: no agent record.
    assert_eq!(
        agents,
        [
            ("Ann", 1, Some(1), 1),
            ("Dee", 0, Some(5), 0),
            ("Bob", 1, None, 0)
        ]
    );
    assert!(!s.agents[0].over_capacity());
}

#[test]
fn over_capacity_and_an_empty_floor() {
    let rows = [
        row("a", Some("t"), Some("Ann"), Status::Open, 5, None),
        row("b", Some("t"), Some("Ann"), Status::Open, 5, None),
    ];
    let agents = [agent("Ann", &["t"], 1)];
    let window = Window::ending(now(), Duration::days(7));
    let s = queue_status(&rows, &agents, &[], window, now());
    // 2 open against a capacity of 1.
    assert!(s.agents[0].over_capacity());
    // Oldest tie (both 5 min): the smaller id.
    assert_eq!(s.total.oldest_id.as_deref(), Some("a"));

    let empty = queue_status(&[], &[], &[], window, now());
    assert!(empty.teams.is_empty() && empty.agents.is_empty());
    assert_eq!(empty.total.waiting, 0);
    assert_eq!(empty.total.oldest_wait_seconds, None);
}

#[test]
fn bot_held_handoffs_wait_but_are_not_unassigned() {
    let rows = [
        row("bot", Some("billing"), None, Status::Pending, 10, None),
        row("human", Some("billing"), None, Status::Open, 10, None),
    ];
    let window = Window::ending(now(), Duration::days(7));
    let s = queue_status(&rows, &[], &[], window, now());
    assert_eq!(s.total.waiting, 2);
    assert_eq!(s.total.unassigned, 1, "only the one no human or AI holds");
}
