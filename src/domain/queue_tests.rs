//! Ordering, sections, routing and filter tests over small hand-built queues.

use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::agent::Agent;
use super::feedback::Verdict;
use super::filter::{Query, Snapshot, Viewer, run};
use super::handoff::{Priority, Status, Trigger};
use super::queue::{
    Builtin, Interner, Name, QueueRow, Rows, Section, Skills, SlaState, clock, sort_by_urgency,
    sort_order,
};
use super::routing::{Route, load, route, route_all, route_indexed};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn row(id: &str) -> QueueRow {
    QueueRow {
        id: id.into(),
        escalated_at: now() - Duration::hours(1),
        status: Status::Open,
        priority: Priority::Normal,
        due_at: Some(now() + Duration::hours(4)),
        customer: format!("Customer {id}").into(),
        plan: Some("pro".into()),
        vip: false,
        at_risk: false,
        issue: Some(format!("issue of {id}").into()),
        team: Some("billing".into()),
        skills: Skills::default(),
        language: Some("en".into()),
        assignee: None,
        confidence: Some(0.5),
        trigger: Some(Trigger::LowConfidence),
        procedure: Some("refund-eligibility".into()),
        completeness: 5,
        verdict: None,
    }
}

fn agent(name: &str, teams: &[&str], skills: &[&str], langs: &[&str], capacity: u32) -> Agent {
    Agent {
        name: name.into(),
        teams: teams.iter().map(|s| s.to_string()).collect(),
        skills: skills.iter().map(|s| s.to_string()).collect(),
        languages: langs.iter().map(|s| s.to_string()).collect(),
        capacity,
    }
}

fn ids(rows: &[QueueRow]) -> Vec<&str> {
    rows.iter().map(|r| r.id.as_str()).collect()
}

#[test]
fn sla_states_follow_the_clock() {
    let n = now();
    assert_eq!(
        SlaState::of(Some(n - Duration::minutes(1)), n),
        SlaState::Breached
    );
    assert_eq!(SlaState::of(Some(n), n), SlaState::Breached);
    assert_eq!(
        SlaState::of(Some(n + Duration::minutes(30)), n),
        SlaState::AtRisk
    );
    assert_eq!(
        SlaState::of(Some(n + Duration::minutes(31)), n),
        SlaState::Ok
    );
    assert_eq!(SlaState::of(None, n), SlaState::None);
}

#[test]
fn breached_first_then_at_risk_then_priority() {
    let mut breached = row("breached");
    breached.priority = Priority::Low;
    breached.due_at = Some(now() - Duration::minutes(5));
    let mut at_risk = row("at-risk");
    at_risk.due_at = Some(now() + Duration::minutes(10));
    let mut urgent = row("urgent");
    urgent.priority = Priority::Urgent;
    let normal = row("normal");
    let mut rows = vec![normal, urgent, at_risk, breached];
    sort_by_urgency(&mut rows, now());
    assert_eq!(ids(&rows), ["breached", "at-risk", "urgent", "normal"]);
}

#[test]
fn soonest_due_first_among_breached() {
    let mut a = row("a");
    a.due_at = Some(now() - Duration::minutes(5));
    let mut b = row("b");
    b.due_at = Some(now() - Duration::hours(2));
    let mut rows = vec![a, b];
    sort_by_urgency(&mut rows, now());
    assert_eq!(ids(&rows), ["b", "a"]);
}

#[test]
fn tier_then_wait_break_ties() {
    let mut vip = row("vip");
    vip.vip = true;
    let mut ent = row("enterprise");
    ent.plan = Some("Enterprise".into());
    let mut old_free = row("old-free");
    old_free.plan = Some("free".into());
    old_free.escalated_at = now() - Duration::hours(9);
    let mut new_free = row("new-free");
    new_free.plan = Some("free".into());
    let mut rows = vec![new_free, old_free, ent, vip];
    sort_by_urgency(&mut rows, now());
    assert_eq!(ids(&rows), ["vip", "enterprise", "old-free", "new-free"]);
}

#[test]
fn resolved_handoffs_sink_and_have_no_sla() {
    let mut done = row("done");
    done.status = Status::Resolved;
    done.due_at = Some(now() - Duration::hours(3));
    let mut rows = vec![done, row("open")];
    sort_by_urgency(&mut rows, now());
    assert_eq!(ids(&rows), ["open", "done"]);
    assert_eq!(rows[1].sla(now()), SlaState::None);
}

#[test]
fn sections_split_mine_team_and_all() {
    let teams = vec!["billing".to_string()];
    let me = Viewer::new("Maya", &teams);
    let mut mine = row("mine");
    mine.assignee = Some("Maya".into());
    let team = row("team");
    let mut other_team = row("other");
    other_team.team = Some("orders".into());
    let mut theirs = row("theirs");
    theirs.assignee = Some("Sam".into());
    let mut resolved = row("resolved");
    resolved.assignee = Some("Maya".into());
    resolved.status = Status::Resolved;
    let all = [mine, team, other_team, theirs, resolved];
    let in_section = |b: Builtin| -> Vec<&str> {
        let s = Section::builtin(b);
        all.iter()
            .filter(|r| s.contains(r, me, now()))
            .map(|r| r.id.as_str())
            .collect()
    };
    assert_eq!(in_section(Builtin::Mine), ["mine"]);
    assert_eq!(in_section(Builtin::Unassigned), ["team"]);
    assert_eq!(in_section(Builtin::All).len(), 5);
}

/// The built-in sections as they were written before sections became
/// queries: the saved queries must agree with them on every kind of row.
fn builtin_by_hand(b: Builtin, row: &QueueRow, me: &str, my_teams: &[String]) -> bool {
    match b {
        Builtin::Mine => row.is_open() && row.assignee.as_deref() == Some(me),
        Builtin::Unassigned => {
            row.is_open()
                && row.status != Status::Pending
                && row.assignee.is_none()
                && row
                    .team
                    .as_deref()
                    .is_some_and(|t| my_teams.iter().any(|m| m.eq_ignore_ascii_case(t)))
        }
        Builtin::All => true,
        Builtin::BotHeld => row.status == Status::Pending,
    }
}

#[test]
fn builtin_queries_equal_the_sections_they_replace() {
    let teams = vec!["Billing".to_string(), "access".to_string()];
    let me = Viewer::new("Maya", &teams);
    let mut checked = 0;
    for status in Status::ALL {
        for assignee in [None, Some("Maya"), Some("Maya Lopez"), Some("Sam")] {
            for team in [
                None,
                Some("billing"),
                Some("ACCESS"),
                Some("orders"),
                Some("mine"),
            ] {
                let mut r = row("x");
                r.status = status;
                r.assignee = assignee.map(Name::from);
                r.team = team.map(Name::from);
                for b in Builtin::ALL {
                    let by_query = Section::builtin(b).contains(&r, me, now());
                    assert_eq!(
                        by_query,
                        builtin_by_hand(b, &r, "Maya", &teams),
                        "{b:?} on {status:?} {assignee:?} {team:?}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 4 * 4 * 5 * 4);
    // Every built-in query parses (a typo would silently match everything).
    for b in Builtin::ALL {
        assert!(Query::parse(b.query()).is_ok(), "{}", b.query());
    }
}

#[test]
fn saved_sections_use_the_filter_language_with_me_and_my_teams() {
    let teams = vec!["billing".to_string()];
    let me = Viewer::new("Maya", &teams);
    let mut vip = row("vip");
    vip.vip = true;
    vip.priority = Priority::Urgent;
    let mut vip_done = vip.clone();
    vip_done.id = "vip-done".into();
    vip_done.status = Status::Resolved;
    let mut elsewhere = row("elsewhere");
    elsewhere.team = Some("orders".into());
    let rows = [vip, vip_done, elsewhere];
    let ids_in = |q: &str| -> Vec<String> {
        let s = Section::saved("S", q).unwrap_or_else(|e| panic!("{q}: {e}"));
        rows.iter()
            .filter(|r| s.contains(r, me, now()))
            .map(|r| r.id.clone())
            .collect()
    };
    assert_eq!(ids_in("tag:vip priority:urgent -status:resolved"), ["vip"]);
    assert_eq!(ids_in("tag:vip is:open"), ["vip"]);
    assert_eq!(ids_in("-team:mine"), ["elsewhere"]);
    assert_eq!(ids_in("team:mine").len(), 2);
    // Without teams (a bare name), team:mine holds for nothing.
    let s = Section::saved("S", "team:mine").unwrap_or_else(|e| panic!("{e}"));
    assert!(!rows.iter().any(|r| s.contains(r, "Maya", now())));
    let err = Section::saved("S", "is:closed").err().unwrap_or_default();
    assert!(err.contains("is:open"), "{err}");
}

#[test]
fn sections_are_found_by_name_or_builtin_name() {
    let list = vec![
        Section::saved("VIP urgent", "tag:vip").unwrap_or_else(|e| panic!("{e}")),
        Section::builtin(Builtin::Mine),
    ];
    let name = |s: Option<Section>| s.map(|s| s.name);
    assert_eq!(
        name(Section::find(&list, "vip urgent")),
        Some("VIP urgent".into())
    );
    assert_eq!(
        name(Section::find(&list, "vip_urgent")),
        Some("VIP urgent".into())
    );
    assert_eq!(name(Section::find(&list, "mine")), Some("Mine".into()));
    // Built-ins stay reachable by their names even when not configured.
    assert_eq!(
        name(Section::find(&list, "bot-held")),
        Some("Bot-held".into())
    );
    assert_eq!(name(Section::find(&list, "nope")), None);
    // Only a positive assignee:me hides the owner column.
    assert!(!Section::builtin(Builtin::Mine).shows_owner());
    assert!(Section::builtin(Builtin::All).shows_owner());
    assert!(Section::saved("x", "-assignee:me").is_ok_and(|s| s.shows_owner()));
}

#[test]
fn clock_text_reads_at_a_glance() {
    let n = now();
    assert_eq!(clock(Some(n + Duration::minutes(25)), n), "25m");
    assert_eq!(clock(Some(n - Duration::minutes(65)), n), "-1h05");
    assert_eq!(clock(Some(n + Duration::hours(50)), n), "2d2h");
    assert_eq!(clock(None, n), "—");
}

#[test]
fn routing_prefers_team_skills_then_free_capacity() {
    let agents = vec![
        agent("Ana", &["billing"], &["refunds"], &["en"], 5),
        agent("Ben", &["billing"], &[], &["en"], 5),
        agent("Cy", &["orders"], &["refunds"], &["en"], 5),
    ];
    let mut r = row("x");
    r.skills = Skills::from(["refunds"].as_slice());
    assert_eq!(route(&r, &agents, &HashMap::new()), Route::To("Ana".into()));
    // Ana is full: Ben, in the team without the skill, beats Cy outside it.
    let full = HashMap::from([("Ana".to_string(), 5)]);
    assert_eq!(route(&r, &agents, &full), Route::To("Ben".into()));
}

#[test]
fn routing_respects_language() {
    let agents = vec![
        agent("Ana", &["billing"], &[], &["en"], 5),
        agent("Jonas", &["billing"], &[], &["en", "de"], 5),
    ];
    let mut r = row("x");
    r.language = Some("de-AT".into());
    assert_eq!(
        route(&r, &agents, &HashMap::new()),
        Route::To("Jonas".into())
    );
    r.language = Some("ja".into());
    assert_eq!(
        route(&r, &agents, &HashMap::new()),
        Route::NoOne("no agent speaks the language")
    );
}

#[test]
fn routing_balances_by_relative_load() {
    let agents = vec![
        agent("Ana", &["billing"], &[], &[], 10),
        agent("Ben", &["billing"], &[], &[], 4),
    ];
    // Ana 5/10 = 50%, Ben 3/4 = 75%: Ana has relatively more room.
    let l = HashMap::from([("Ana".to_string(), 5), ("Ben".to_string(), 3)]);
    assert_eq!(route(&row("x"), &agents, &l), Route::To("Ana".into()));
}

#[test]
fn urgent_goes_over_capacity_but_normal_waits() {
    let agents = vec![agent("Ana", &["billing"], &[], &[], 1)];
    let l = HashMap::from([("Ana".to_string(), 1)]);
    let mut r = row("x");
    assert_eq!(route(&r, &agents, &l), Route::NoOne("team at capacity"));
    r.priority = Priority::Urgent;
    assert_eq!(route(&r, &agents, &l), Route::To("Ana".into()));
}

#[test]
fn route_all_spreads_the_backlog() {
    let agents = vec![
        agent("Ana", &["billing"], &[], &[], 2),
        agent("Ben", &["billing"], &[], &[], 2),
    ];
    let rows: Vec<QueueRow> = (0..5).map(|i| row(&format!("r{i}"))).collect();
    let routes = route_all(&rows, &agents);
    let to = |name: &str| {
        routes
            .values()
            .filter(|r| **r == Route::To(name.into()))
            .count()
    };
    assert_eq!((to("Ana"), to("Ben")), (2, 2));
    assert_eq!(routes.get("r4"), Some(&Route::NoOne("team at capacity")));
}

#[test]
fn load_counts_only_open_assigned() {
    let mut a = row("a");
    a.assignee = Some("Ana".into());
    let mut b = row("b");
    b.assignee = Some("Ana".into());
    b.status = Status::Resolved;
    assert_eq!(load(&[a, b]).get("Ana"), Some(&1));
}

#[test]
fn filter_words_and_fields_combine() {
    let mut a = row("HO-1");
    a.priority = Priority::Urgent;
    a.vip = true;
    a.confidence = Some(0.3);
    let mut b = row("HO-2");
    b.team = Some("orders".into());
    b.verdict = Some(Verdict::Bad);
    b.issue = Some("Parcel lost in transit".into());
    let n = now();
    let hits = |q: &str| -> Vec<String> {
        let query = Query::parse(q).unwrap_or_default();
        [&a, &b]
            .iter()
            .filter(|r| query.matches(r, "Maya", n))
            .map(|r| r.id.clone())
            .collect()
    };
    assert_eq!(hits(""), ["HO-1", "HO-2"]);
    assert_eq!(hits("parcel"), ["HO-2"]);
    assert_eq!(hits("priority:urgent tag:vip"), ["HO-1"]);
    assert_eq!(hits("confidence:<0.5"), ["HO-1"]);
    assert_eq!(hits("-team:orders"), ["HO-1"]);
    assert_eq!(hits("verdict:none"), ["HO-1"]);
    assert_eq!(hits("verdict:bad team:orders"), ["HO-2"]);
    assert_eq!(hits("age:>30m"), ["HO-1", "HO-2"]);
    assert_eq!(hits("age:>2h"), Vec::<String>::new());
}

#[test]
fn filter_errors_name_the_field() {
    let e = Query::parse("colour:red").err().unwrap_or_default();
    assert!(e.contains("unknown field 'colour'"), "{e}");
    let e = Query::parse("sla:late").err().unwrap_or_default();
    assert!(e.contains("breached"), "{e}");
    let e = Query::parse("confidence:<high").err().unwrap_or_default();
    assert!(e.contains("number"), "{e}");
}

#[test]
fn words_match_fuzzily_ignoring_case_and_accents() {
    let mut a = row("HO-1");
    a.customer = "Lucía Fernández".into();
    a.issue = Some("Parcel lost in transit".into());
    let b = row("HO-2");
    let n = now();
    let hits = |q: &str| -> Vec<String> {
        let query = Query::parse(q).unwrap_or_default();
        [&a, &b]
            .iter()
            .filter(|r| query.matches(r, "Maya", n))
            .map(|r| r.id.clone())
            .collect()
    };
    assert_eq!(hits("prcl"), ["HO-1"], "letters in order, not together");
    assert_eq!(hits("PARCEL"), ["HO-1"]);
    assert_eq!(hits("lucia"), ["HO-1"], "accents ignored");
    assert_eq!(hits("lostparcel"), Vec::<String>::new(), "order matters");
    // A negated word excludes only rows that contain it verbatim.
    assert_eq!(hits("-prcl"), ["HO-1", "HO-2"]);
    assert_eq!(hits("-parcel"), ["HO-2"]);
}

/// `n` rows with ids r000.. and `issue`s from `issues`, in that order.
fn rows_with_issues(issues: &[&str]) -> Rows {
    issues
        .iter()
        .enumerate()
        .map(|(i, issue)| {
            let mut r = row(&format!("r{i:03}"));
            r.issue = Some((*issue).into());
            r.procedure = None;
            r
        })
        .collect()
}

fn run_query(text: &str, rows: &Rows, threads: usize) -> Option<Vec<usize>> {
    let snapshot = Snapshot {
        query: Query::parse(text).unwrap_or_default(),
        rows: rows.clone(),
        order: (0..rows.len() as u32).collect(),
        within: None,
        me: "Maya".into(),
        my_teams: Vec::new(),
        now: now(),
    };
    run(&snapshot, threads, &|| false)
}

#[test]
fn words_rank_best_match_first_and_ties_keep_urgency_order() {
    let rows = rows_with_issues(&[
        "customer can not find the card",
        "refund to the card",
        "refunded twice",
        "refund please",
        "returned, wants a fund back",
    ]);
    // "refund" as a whole word scores above the start of one; equal scores
    // keep the order they came in (urgency order). Its letters spread over
    // several words ("returned, wants a fund") are no match.
    assert_eq!(run_query("refund", &rows, 1), Some(vec![1, 3, 2]));
    // Letters left out inside one word still find it, below whole words.
    assert_eq!(run_query("rfnd", &rows, 1), Some(vec![1, 2, 3]));
    // Fields alone do not rank: every match, in order.
    assert_eq!(
        run_query("team:billing", &rows, 1),
        Some(vec![0, 1, 2, 3, 4])
    );
}

#[test]
fn a_run_splits_over_threads_with_the_same_answer_and_can_be_stopped() {
    let issues: Vec<String> = (0..20_000)
        .map(|i| match i % 4 {
            0 => format!("refund for order {i}"),
            1 => format!("card declined {i}"),
            2 => format!("wants a refund of {i}"),
            _ => format!("password reset {i}"),
        })
        .collect();
    let refs: Vec<&str> = issues.iter().map(String::as_str).collect();
    let rows = rows_with_issues(&refs);
    for q in ["refund", "card 1", "team:billing -reset", "r00"] {
        assert_eq!(run_query(q, &rows, 1), run_query(q, &rows, 3), "{q}");
    }
    let snapshot = Snapshot {
        query: Query::parse("refund").unwrap_or_default(),
        rows: rows.clone(),
        order: (0..rows.len() as u32).collect(),
        within: None,
        me: "Maya".into(),
        my_teams: Vec::new(),
        now: now(),
    };
    assert_eq!(run(&snapshot, 2, &|| true), None);
}

#[test]
fn route_all_equals_routing_one_by_one() {
    let agents = vec![
        agent("Ana", &["billing"], &["refunds"], &["en"], 2),
        agent("Ben", &["billing", "orders"], &[], &["en", "de"], 3),
        agent("Cy", &["orders"], &["refunds"], &["en"], 1),
    ];
    let mut rows: Vec<QueueRow> = (0..40).map(|i| row(&format!("r{i:02}"))).collect();
    for (i, r) in rows.iter_mut().enumerate() {
        if i % 3 == 0 {
            r.team = Some("orders".into());
        }
        if i % 5 == 0 {
            r.language = Some("de".into());
        }
        if i % 7 == 0 {
            r.priority = Priority::Urgent;
        }
        if i % 4 == 0 {
            r.skills = Skills::from(["refunds"].as_slice());
        }
        if i % 6 == 1 {
            r.assignee = Some("Ben".into());
        }
        if i % 11 == 0 {
            r.team = Some("nobody's".into());
        }
    }
    sort_by_urgency(&mut rows, now());
    let mut current = load(&rows);
    let mut expected = HashMap::new();
    for r in rows.iter().filter(|r| r.is_open() && r.assignee.is_none()) {
        let to = route(r, &agents, &current);
        if let Route::To(name) = &to {
            *current.entry(name.to_string()).or_insert(0) += 1;
        }
        expected.insert(r.id.clone(), to);
    }
    assert_eq!(route_all(&rows, &agents), expected);
    let by_index = route_indexed(rows.iter().enumerate().map(|(i, r)| (i as u32, r)), &agents);
    for (i, to) in by_index {
        assert_eq!(expected.get(&rows[i as usize].id), Some(&to));
    }
}

#[test]
fn rows_share_chunks_until_one_changes() {
    let mut rows: Rows = (0..3000).map(|i| row(&format!("r{i}"))).collect();
    let snapshot = rows.clone();
    if let Some(r) = rows.get_mut(2500) {
        r.priority = Priority::Urgent;
    }
    let i = rows.push(row("new"));
    assert_eq!((i, rows.len(), snapshot.len()), (3000, 3001, 3000));
    assert_eq!(rows[2500].priority, Priority::Urgent);
    assert_eq!(
        snapshot[2500].priority,
        Priority::Normal,
        "snapshot unchanged"
    );
    assert_eq!(rows.position("new"), Some(3000));
    assert_eq!(rows.iter().count(), 3001);
    assert!(rows.get(3001).is_none());
}

#[test]
fn interned_names_are_shared_and_read_as_text() {
    let mut names = Interner::default();
    let a = names.name("billing");
    let b = names.name("billing");
    assert_eq!(a, b);
    assert_eq!(a, "billing");
    assert_eq!(a.as_str(), "billing");
    let s = names.skills("[\"refunds\",\"sso\"]", || {
        vec!["refunds".into(), "sso".into()]
    });
    assert_eq!(s.len(), 2);
    assert_eq!(
        serde_json::to_string(&s).unwrap_or_default(),
        "[\"refunds\",\"sso\"]"
    );
    assert_eq!(serde_json::to_string(&a).unwrap_or_default(), "\"billing\"");
}

#[test]
fn sorting_an_index_by_key_gives_the_urgency_order() {
    let n = now();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m) as i64
    };
    let plans = ["enterprise", "Pro", "free", "team", "business"];
    let rows: Vec<QueueRow> = (0..2000)
        .map(|i| {
            let mut r = row(&format!("r{:04}", next(500)));
            r.id.push_str(&format!("-{i}"));
            r.priority = Priority::ALL[next(4) as usize];
            r.status = [Status::Open, Status::Resolved, Status::Pending][next(3) as usize];
            // Some times a few microseconds apart: the sort's keys hold
            // whole milliseconds and must defer to the full comparison.
            r.due_at = match next(5) {
                0 => None,
                1 => Some(n - Duration::minutes(3) + Duration::microseconds(next(3))),
                _ => Some(n + Duration::minutes(next(240) - 120)),
            };
            r.escalated_at = match next(3) {
                0 => n - Duration::hours(1) + Duration::microseconds(next(3)),
                _ => n - Duration::minutes(next(50)),
            };
            r.plan = Some(plans[next(5) as usize].into());
            r.vip = next(10) == 0;
            r.at_risk = next(10) == 0;
            r
        })
        .collect();
    let mut expected = rows.clone();
    sort_by_urgency(&mut expected, n);
    let indexed: Rows = rows.into_iter().collect();
    let mut order: Vec<u32> = (0..indexed.len() as u32).rev().collect();
    sort_order(&mut order, &indexed, n);
    let got: Vec<&str> = order
        .iter()
        .map(|&i| indexed[i as usize].id.as_str())
        .collect();
    assert_eq!(got, ids(&expected));
}

#[test]
fn a_listed_section_holds_what_its_helpdesk_lists_as_it_changes() {
    let listed = super::queue::Listed::new(["zd-1".to_string()]);
    let s = Section::listed("AI escalations", listed.clone());
    let (one, two) = (row("zd-1"), row("zd-2"));
    assert!(s.contains(&one, "Maya", now()) && !s.contains(&two, "Maya", now()));
    // The next refresh lists another: the same section follows.
    listed.set(["zd-2".to_string()]);
    assert!(!s.contains(&one, "Maya", now()) && s.contains(&two, "Maya", now()));
    assert_eq!(s.clone(), s);
    assert_ne!(
        s,
        Section::listed("AI escalations", super::queue::Listed::default())
    );
}
