//! The queue index in `update` at sizes where it must not redo everything:
//! the filter handed off the UI thread (generations, stale results dropped,
//! the last result shown meanwhile) and saved rows moved into place without
//! a full re-sort, checked against doing it all from scratch.
//!
//! Behaviour only: how fast any of this is lives in benches/ and
//! docs/performance.md.

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use handoff::app::update::detail_of;
use handoff::app::{Done, Effect, Event, State, update};
use handoff::domain::agent::Agent;
use handoff::domain::demo;
use handoff::domain::feedback::Verdict;
use handoff::domain::filter::{self, Viewer};
use handoff::domain::handoff::{Handoff, Priority, Status};
use handoff::domain::queue::{self, Builtin, Name, QueueRow, Section};
use handoff::domain::routing;

const ME: &str = demo::DEFAULT_AGENT;

fn now() -> DateTime<Utc> {
    match demo::ANCHOR.parse() {
        Ok(t) => t,
        Err(e) => panic!("anchor: {e}"),
    }
}

/// `n` generated handoffs and the demo agents; generated once per size.
fn workspace(n: usize) -> (Vec<Handoff>, Vec<Agent>) {
    static MADE: Mutex<Vec<(usize, Vec<Handoff>)>> = Mutex::new(Vec::new());
    let agents = demo::agents().unwrap_or_else(|e| panic!("agents: {e}"));
    let mut made = MADE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, list)) = made.iter().find(|(m, _)| *m == n) {
        return (list.clone(), agents);
    }
    let items = demo::generate(n, now(), 7).unwrap_or_else(|e| panic!("generate: {e}"));
    let list: Vec<Handoff> = items.into_iter().map(|i| i.handoff).collect();
    made.push((n, list.clone()));
    (list, agents)
}

/// A loaded workspace of `n` generated handoffs that filters off the UI
/// thread above `inline` rows.
fn loaded(n: usize, inline: usize) -> (State, Vec<Handoff>) {
    let (handoffs, agents) = workspace(n);
    let rows = handoffs
        .iter()
        .map(|h| QueueRow::from_handoff(h, None))
        .collect();
    let mut state = State::new(ME.to_string(), now());
    state.filter_inline_rows = inline;
    update(
        &mut state,
        Event::Resize {
            width: 120,
            height: 40,
        },
    );
    update(&mut state, Event::Loaded { rows, agents });
    (state, handoffs)
}

fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
    update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(state: &mut State, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| key(state, KeyCode::Char(c)))
        .collect()
}

/// The filter runs the effects ask for, as (generation, result).
fn runs(effects: &[Effect]) -> Vec<(u64, Vec<usize>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Filter {
                generation,
                snapshot,
                ..
            } => Some((
                *generation,
                filter::run(snapshot, 2, &|| false).unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}

fn ids(state: &State) -> Vec<String> {
    state
        .queue
        .visible()
        .iter()
        .filter_map(|&i| state.queue.rows().get(i).map(|r| r.id.clone()))
        .collect()
}

#[test]
fn long_queues_filter_off_the_ui_thread_and_only_the_latest_result_counts() {
    let (mut state, _) = loaded(300, 100);
    key(&mut state, KeyCode::Char('3'));
    let all = ids(&state);
    key(&mut state, KeyCode::Char('/'));

    let first = runs(&typed(&mut state, "priority:urgent"));
    assert!(
        !first.is_empty(),
        "each keystroke that changes the query asks for a run"
    );
    // Until a result arrives the section stays on screen as it was.
    assert_eq!(ids(&state), all);

    let second = runs(&typed(&mut state, " -status:resolved"));
    let (stale_gen, stale) = first.last().cloned().unwrap_or_default();
    let (latest_gen, latest) = second.last().cloned().unwrap_or_default();
    assert!(latest_gen > stale_gen);

    // A late answer for text typed over is dropped...
    update(
        &mut state,
        Event::Filtered {
            generation: stale_gen,
            visible: stale,
        },
    );
    assert_eq!(ids(&state), all);
    // ...the latest one is shown.
    update(
        &mut state,
        Event::Filtered {
            generation: latest_gen,
            visible: latest,
        },
    );
    let shown = ids(&state);
    assert!(!shown.is_empty() && shown.len() < all.len());
    for id in &shown {
        let row = state.queue.rows().iter().find(|r| &r.id == id);
        assert!(
            row.is_some_and(|r| r.priority == Priority::Urgent && r.status != Status::Resolved)
        );
    }

    // Typing on keeps that result up until the next one lands.
    let third = runs(&typed(&mut state, " lang:en"));
    assert_eq!(ids(&state), shown);
    assert_eq!(
        third.len(),
        " lang:en".len() - 1,
        "the space alone changes nothing"
    );

    // Clearing needs no run and drops any still in flight.
    let cleared = key(&mut state, KeyCode::Esc);
    assert!(runs(&cleared).is_empty());
    assert_eq!(ids(&state), all);
    if let Some((generation, visible)) = third.last().cloned() {
        update(
            &mut state,
            Event::Filtered {
                generation,
                visible,
            },
        );
    }
    assert_eq!(ids(&state), all);
}

#[test]
fn an_answer_from_off_the_ui_thread_puts_the_cursor_on_the_best_match() {
    let (mut state, _) = loaded(300, 0);
    key(&mut state, KeyCode::Char('3'));
    // The least urgent handoff's customer: the bottom of All, off screen.
    let last = ids(&state).pop().unwrap_or_default();
    let Some(wanted) = state.queue.rows().iter().find(|r| r.id == last).cloned() else {
        panic!("no row {last}");
    };
    key(&mut state, KeyCode::Char('/'));
    let typed_runs = runs(&typed(&mut state, &wanted.id.to_lowercase()));
    let Some((generation, visible)) = typed_runs.last().cloned() else {
        panic!("no run asked for");
    };
    // Until the answer lands the cursor stays put.
    assert_ne!(
        state.selected().map(|r| r.id.clone()),
        Some(wanted.id.clone())
    );
    let effects = update(
        &mut state,
        Event::Filtered {
            generation,
            visible,
        },
    );
    assert_eq!(
        state.selected().map(|r| r.id.clone()),
        Some(wanted.id.clone())
    );
    assert_eq!(state.queue.offset(), 0, "scrolled to it");
    assert!(
        effects.contains(&Effect::LoadDetail {
            id: wanted.id.clone()
        }),
        "its summary loads"
    );

    // A later run for the same text (the queue changed under the filter)
    // leaves the cursor where the agent moved it.
    key(&mut state, KeyCode::Enter);
    key(&mut state, KeyCode::Esc);
    key(&mut state, KeyCode::Char('/'));
    let customer = wanted.customer.to_string();
    let typed_runs = runs(&typed(&mut state, &customer));
    if let Some((generation, visible)) = typed_runs.last().cloned() {
        update(
            &mut state,
            Event::Filtered {
                generation,
                visible,
            },
        );
    }
    assert_eq!(
        state.selected().map(|r| r.customer.to_string()),
        Some(customer.clone())
    );
    key(&mut state, KeyCode::Enter);
    key(&mut state, KeyCode::Char('j'));
    let moved_to = state.selected().map(|r| r.id.clone());
    let refreshed = update(&mut state, Event::Tick(now() + Duration::minutes(1)));
    let Some((generation, visible)) = runs(&refreshed).pop() else {
        panic!("the minute's re-sort asks for a run");
    };
    update(
        &mut state,
        Event::Filtered {
            generation,
            visible,
        },
    );
    assert_eq!(state.selected().map(|r| r.id.clone()), moved_to);
}

#[test]
fn typing_on_from_the_last_answer_gives_what_a_full_run_gives() {
    let (mut state, _) = loaded(400, 0);
    key(&mut state, KeyCode::Char('/'));
    let mut compared = 0;
    for text in [
        "refund card",
        "gen-0001 team:billing",
        "ana -resolved",
        "Ré",
    ] {
        let mut earlier: Option<(Box<filter::Snapshot>, Vec<usize>)> = None;
        for effect in typed(&mut state, text) {
            let Effect::Filter { snapshot, .. } = effect else {
                continue;
            };
            let full = filter::narrowed(&snapshot, None, 2, &|| false);
            if let Some((before, stored)) = &earlier
                && snapshot.narrows(before)
            {
                let narrowed = filter::narrowed(&snapshot, Some(stored), 2, &|| false);
                assert_eq!(
                    narrowed, full,
                    "{:?} after {:?}",
                    snapshot.query, before.query
                );
                compared += 1;
            }
            earlier = full.map(|found| (snapshot, found.stored));
        }
        key(&mut state, KeyCode::Esc);
        key(&mut state, KeyCode::Char('/'));
    }
    assert!(compared > 20, "only {compared} letters narrowed");
}

#[test]
fn off_thread_and_inline_filtering_show_the_same_rows() {
    let queries = [
        "refund",
        "card declined",
        "team:billing sla:breached",
        "-status:resolved priority:high",
        "verdict:none confidence:<0.5",
        "gen-0001",
    ];
    for section in ['1', '2', '3'] {
        for q in queries {
            let (mut inline, _) = loaded(400, usize::MAX);
            let (mut worker, _) = loaded(400, 0);
            for state in [&mut inline, &mut worker] {
                key(state, KeyCode::Char(section));
                key(state, KeyCode::Char('/'));
            }
            typed(&mut inline, q);
            let last = runs(&typed(&mut worker, q)).pop();
            if let Some((generation, visible)) = last {
                update(
                    &mut worker,
                    Event::Filtered {
                        generation,
                        visible,
                    },
                );
            }
            assert_eq!(ids(&inline), ids(&worker), "section {section}, query {q:?}");
        }
    }
}

/// What a from-scratch pass over the state's rows gives: the order, the
/// routes and the section counts.
fn from_scratch(state: &State) -> (Vec<u32>, Vec<(u32, String)>, Vec<usize>) {
    let mut order: Vec<u32> = (0..state.queue.rows().len() as u32).collect();
    queue::sort_order(&mut order, state.queue.rows(), state.queue.sorted_at());
    let in_order = order.iter().map(|&i| (i, &state.queue.rows()[i as usize]));
    let mut routes: Vec<(u32, String)> = routing::route_indexed(in_order, &state.agents)
        .into_iter()
        .map(|(i, r)| (i, format!("{r:?}")))
        .collect();
    routes.sort();
    let mut counts = vec![0; state.sections.len()];
    let me = Viewer::new(&state.me, &state.my_teams);
    for row in state.queue.rows().iter() {
        for (n, s) in counts.iter_mut().zip(&state.sections) {
            *n += usize::from(s.contains(row, me, state.now));
        }
    }
    (order, routes, counts)
}

fn current(state: &State) -> (Vec<u32>, Vec<(u32, String)>, Vec<usize>) {
    let mut routes: Vec<(u32, String)> = state
        .queue
        .routes()
        .iter()
        .map(|(i, r)| (*i, format!("{r:?}")))
        .collect();
    routes.sort();
    (
        state.queue.order().to_vec(),
        routes,
        state.queue.counts().to_vec(),
    )
}

#[test]
fn saved_rows_move_into_place_as_a_full_resort_would_put_them() {
    let (mut state, handoffs) = loaded(500, usize::MAX);
    key(&mut state, KeyCode::Char('3'));
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m) as usize
    };
    let mut moves = 0;
    for step in 0..300 {
        let before = state.queue.order().to_vec();
        let i = next(state.queue.rows().len() as u64);
        let mut row = state.queue.rows()[i].clone();
        match next(7) {
            0 => row.verdict = Some(Verdict::Bad),
            1 => row.assignee = Some(Name::from(ME)),
            2 => row.assignee = None,
            3 => {
                row.status = if row.status == Status::Resolved {
                    Status::Open
                } else {
                    Status::Resolved
                }
            }
            4 => row.priority = Priority::Urgent,
            5 => row.due_at = Some(state.now - Duration::minutes(next(300) as i64)),
            _ => row.plan = Some(Name::from("Enterprise")),
        }
        let selected = state.selected().map(|r| r.id.clone());
        let handoff = handoffs[i % handoffs.len()].clone();
        update(
            &mut state,
            Event::Saved {
                row: Box::new(row),
                detail: Box::new(detail_of(handoff, None)),
                done: Done {
                    toast: String::new(),
                    undo: None,
                    write: None,
                },
            },
        );
        assert_eq!(current(&state), from_scratch(&state), "after change {step}");
        moves += usize::from(state.queue.order() != before);
        // The queue shown follows the order, and the selection stays put.
        let shown: Vec<usize> = state
            .queue
            .order()
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| {
                Section::builtin(Builtin::All).contains(&state.queue.rows()[i], ME, state.now)
            })
            .collect();
        assert_eq!(state.queue.visible(), shown);
        assert_eq!(state.selected().map(|r| r.id.clone()), selected);
    }

    assert!(moves > 50, "only {moves} changes moved a row");

    // A row the queue has not seen yet is added in its place.
    let mut new = state.queue.rows()[0].clone();
    new.id = "NEW-1".into();
    new.priority = Priority::Urgent;
    update(
        &mut state,
        Event::Saved {
            row: Box::new(new),
            detail: Box::new(detail_of(handoffs[0].clone(), None)),
            done: Done {
                toast: String::new(),
                undo: None,
                write: None,
            },
        },
    );
    assert_eq!(state.queue.rows().len(), 501);
    assert_eq!(current(&state), from_scratch(&state));
}

#[test]
fn the_minute_tick_resorts_and_refilters() {
    let (mut state, _) = loaded(300, 100);
    key(&mut state, KeyCode::Char('3'));
    key(&mut state, KeyCode::Char('/'));
    let asked = runs(&typed(&mut state, "sla:breached"));
    if let Some((generation, visible)) = asked.last().cloned() {
        update(
            &mut state,
            Event::Filtered {
                generation,
                visible,
            },
        );
    }
    let before = ids(&state).len();
    // Two hours on, more handoffs are breached: the tick asks for a new run.
    let later = state.now + Duration::hours(2);
    let effects = update(&mut state, Event::Tick(later));
    assert_eq!(state.queue.sorted_at(), later);
    assert_eq!(current(&state), from_scratch(&state));
    let rerun = runs(&effects);
    assert_eq!(rerun.len(), 1);
    if let Some((generation, visible)) = rerun.last().cloned() {
        update(
            &mut state,
            Event::Filtered {
                generation,
                visible,
            },
        );
    }
    assert!(ids(&state).len() > before);
}

#[test]
fn open_handoffs_first_then_the_resolved_rest_end_where_one_load_does() {
    let (handoffs, agents) = workspace(500);
    let rows: Vec<QueueRow> = handoffs
        .iter()
        .map(|h| QueueRow::from_handoff(h, None))
        .collect();
    let (open, resolved): (Vec<QueueRow>, Vec<QueueRow>) =
        rows.iter().cloned().partition(QueueRow::is_open);
    assert!(!open.is_empty() && !resolved.is_empty());

    let (whole, _) = loaded(500, usize::MAX);
    let mut state = State::new(ME.to_string(), now());
    state.filter_inline_rows = usize::MAX;
    update(
        &mut state,
        Event::Resize {
            width: 120,
            height: 40,
        },
    );
    update(
        &mut state,
        Event::LoadedOpen {
            rows: open,
            agents: agents.clone(),
        },
    );
    assert!(state.loaded && state.loading_rest);
    // Every open handoff's section is complete already; All is not.
    let mine = state.builtin_index(Builtin::Mine).unwrap_or_default();
    assert_eq!(state.section_count(mine), whole.section_count(mine));
    key(&mut state, KeyCode::Char('3'));
    key(&mut state, KeyCode::Char('j'));
    let selected = state.selected().map(|r| r.id.clone());
    let top = ids(&state);
    update(&mut state, Event::LoadedRest { rows: resolved });
    assert!(!state.loading_rest);
    assert_eq!(state.queue.counts(), whole.queue.counts());
    assert_eq!(
        state.selected().map(|r| r.id.clone()),
        selected,
        "the cursor stays"
    );
    let all = ids(&state);
    assert_eq!(&all[..top.len()], &top[..], "open rows keep their places");
    let mut whole = whole;
    key(&mut whole, KeyCode::Char('3'));
    assert_eq!(all, ids(&whole));
    let routes = |s: &State| {
        let mut r: Vec<(String, String)> = s
            .queue
            .routes()
            .iter()
            .filter_map(|(&i, route)| {
                Some((
                    s.queue.rows().get(i as usize)?.id.clone(),
                    format!("{route:?}"),
                ))
            })
            .collect();
        r.sort();
        r
    };
    assert_eq!(routes(&state), routes(&whole));
}

#[test]
fn a_filter_off_the_ui_thread_looks_at_the_section_on_screen_and_follows_a_switch() {
    let (mut state, _) = loaded(400, 0);
    let (mut inline, _) = loaded(400, usize::MAX);
    for s in [&mut state, &mut inline] {
        key(s, KeyCode::Char('2'));
        key(s, KeyCode::Char('/'));
    }
    let effects = typed(&mut state, "re");
    typed(&mut inline, "re");
    let Some(snapshot) = effects.iter().rev().find_map(|e| match e {
        Effect::Filter { snapshot, .. } => Some(snapshot),
        _ => None,
    }) else {
        panic!("a run is asked for");
    };
    let within = snapshot.within.clone().unwrap_or_default();
    assert!(!within.is_empty() && within.len() < state.queue.rows().len());
    let section = state.section;
    assert!(
        within
            .iter()
            .all(|&i| state.queue.section_bits()[i] & (1 << section) != 0)
    );
    for (generation, visible) in runs(&effects) {
        update(
            &mut state,
            Event::Filtered {
                generation,
                visible,
            },
        );
    }
    assert_eq!(ids(&state), ids(&inline));
    // Another section with the filter on: a run over its rows.
    key(&mut state, KeyCode::Enter);
    key(&mut inline, KeyCode::Enter);
    let effects = key(&mut state, KeyCode::Char('3'));
    key(&mut inline, KeyCode::Char('3'));
    let asked = runs(&effects);
    assert_eq!(asked.len(), 1, "switching asks for a run");
    for (generation, visible) in asked {
        update(
            &mut state,
            Event::Filtered {
                generation,
                visible,
            },
        );
    }
    assert_eq!(ids(&state), ids(&inline));
    assert!(ids(&state).len() > within.len());
}
