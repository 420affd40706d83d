//! The team lead's screens over the demo workspace with a history of
//! verdicts: floor, quality and review at 80x24, 120x40 and in monochrome.

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use handoff::app::state::Screen;
use handoff::app::{Effect, Event, State, update};
use handoff::domain::demo;
use handoff::domain::feedback::{Feedback, Reason, Verdict};
use handoff::domain::handoff::Handoff;
use handoff::domain::metrics::{self, MetricInput};
use handoff::domain::queue::QueueRow;
use handoff::ui::{self, Theme};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(demo::ANCHOR)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// The demo, with some handoffs moved one to six weeks back so the trend and
/// the week-before comparison have data, and a deterministic set of verdicts.
fn history() -> (Vec<Handoff>, Vec<Option<Feedback>>) {
    let mut list: Vec<Handoff> = match demo::workspace(now()) {
        Ok(v) => v.into_iter().map(|i| i.handoff).collect(),
        Err(e) => panic!("demo: {e}"),
    };
    list.sort_by(|a, b| a.id.cmp(&b.id));
    let mut feedback = Vec::new();
    for (i, h) in list.iter_mut().enumerate() {
        let weeks_back = (i % 7) as i64;
        if weeks_back > 0 && i % 2 == 0 {
            h.escalated_at -= Duration::weeks(weeks_back);
        }
        let f = match i % 5 {
            0 | 1 => Some((Verdict::Good, vec![], None)),
            2 => Some((
                Verdict::Bad,
                vec![Reason::ALL[i % Reason::ALL.len()]],
                (i % 3 == 0).then(|| format!("Asked the wrong thing on {}", h.id)),
            )),
            _ => None,
        };
        feedback.push(f.map(|(verdict, reasons, note)| Feedback {
            handoff_id: h.id.clone(),
            verdict,
            reasons,
            note,
            agent: "Maya Chen".into(),
            at: h.escalated_at + Duration::hours(1),
        }));
    }
    (list, feedback)
}

fn state_on(screen: KeyCode, width: u16, height: u16) -> State {
    let (list, feedback) = history();
    let rows: Vec<QueueRow> = list
        .iter()
        .zip(&feedback)
        .map(|(h, f)| QueueRow::from_handoff(h, f.as_ref().map(|f| f.verdict)))
        .collect();
    let inputs: Vec<MetricInput> = rows
        .iter()
        .zip(&list)
        .zip(&feedback)
        .map(|((r, h), f)| MetricInput::from_row(r, h.ai.procedure_version.clone(), f.clone()))
        .collect();
    let agents = demo::agents().unwrap_or_default();
    let verdicts: Vec<Feedback> = feedback.iter().flatten().cloned().collect();
    let dashboard = metrics::dashboard(&inputs, &rows, &agents, &verdicts, now());

    let mut state = State::new(demo::DEFAULT_AGENT.into(), now());
    update(&mut state, Event::Resize { width, height });
    update(&mut state, Event::Loaded { rows, agents });
    let effects = update(
        &mut state,
        Event::Key(KeyEvent::new(screen, KeyModifiers::NONE)),
    );
    assert!(
        effects.contains(&Effect::LoadDashboard),
        "opening a lead screen asks for figures"
    );
    assert!(state.dashboard_loading);
    update(&mut state, Event::DashboardLoaded(Ok(Box::new(dashboard))));
    state
}

fn draw(state: &State, theme: &Theme) -> String {
    let backend = TestBackend::new(state.width, state.height);
    let mut terminal = Terminal::new(backend).unwrap_or_else(|e| panic!("{e}"));
    terminal
        .draw(|f| {
            ui::render(f, state, theme);
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn dark() -> Theme {
    Theme::builtin("dark").unwrap_or_else(Theme::monochrome)
}

#[test]
fn floor_screen() {
    for (w, h) in [(80, 24), (120, 40)] {
        let s = state_on(KeyCode::Char('s'), w, h);
        assert_eq!(s.screen, Screen::Floor);
        let text = draw(&s, &dark());
        assert!(text.contains("THE FLOOR"));
        assert!(text.contains("billing"), "teams are listed");
        assert!(
            text.contains('✖'),
            "breaches carry a glyph, not only colour"
        );
        insta::assert_snapshot!(format!("floor_{w}x{h}"), text);
    }
}

#[test]
fn quality_screen() {
    for (w, h) in [(80, 24), (120, 40)] {
        let s = state_on(KeyCode::Char('m'), w, h);
        let text = draw(&s, &dark());
        assert!(text.contains("appropriate escalation"));
        assert!(text.contains("target 85%"), "targets are shown");
        insta::assert_snapshot!(format!("quality_{w}x{h}"), text);
    }
    // Taller, to see the trends and the breakdowns under the figures.
    let s = state_on(KeyCode::Char('m'), 120, 60);
    let text = draw(&s, &dark());
    for needle in [
        "TRENDS",
        "BAD HANDOFFS BY REASON",
        "BY AI PROCEDURE",
        "BY TRIGGER",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
    insta::assert_snapshot!("quality_120x60", text);
}

#[test]
fn review_screen() {
    for (w, h) in [(80, 24), (120, 40)] {
        let s = state_on(KeyCode::Char('w'), w, h);
        let text = draw(&s, &dark());
        assert!(text.contains("WEEKLY REVIEW"));
        assert!(
            text.contains(" 1. "),
            "clusters are numbered, largest first"
        );
        insta::assert_snapshot!(format!("review_{w}x{h}"), text);
    }
}

#[test]
fn lead_screens_in_monochrome() {
    for key in ['s', 'm', 'w'] {
        let s = state_on(KeyCode::Char(key), 80, 24);
        let text = draw(&s, &Theme::monochrome());
        insta::assert_snapshot!(format!("lead_{key}_monochrome_80x24"), text);
    }
}

#[test]
fn tab_cycles_lead_screens_and_esc_returns_to_the_queue() {
    let mut s = state_on(KeyCode::Char('s'), 80, 24);
    let tab = Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    update(&mut s, tab.clone());
    assert_eq!(s.screen, Screen::Quality);
    update(&mut s, tab);
    assert_eq!(s.screen, Screen::Review);
    // Queue actions need the queue in view: nothing is flagged from here.
    let effects = update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::NONE)),
    );
    assert!(effects.is_empty());
    assert!(
        s.toast
            .as_ref()
            .is_some_and(|t| t.text.contains("Esc returns"))
    );
    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    assert_eq!(s.screen, Screen::Workspace);
}

#[test]
fn lead_screens_scroll_and_stop_at_the_end() {
    let mut s = state_on(KeyCode::Char('m'), 80, 24);
    // As the runtime does: a frame between keys says how far it scrolls.
    let drawn = |s: &mut State| {
        let (_, drawn) = ui::draw_offscreen(s, &Theme::monochrome());
        update(s, Event::Drawn(drawn));
    };
    drawn(&mut s);
    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE)),
    );
    drawn(&mut s);
    let bottom = s.lead_scroll;
    assert!(bottom > 0, "the quality screen is taller than 24 lines");
    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::NONE)),
    );
    assert_eq!(s.lead_scroll, bottom - 1);
}

#[test]
fn figures_refresh_every_minute_while_a_lead_screen_is_open() {
    let mut s = state_on(KeyCode::Char('s'), 80, 24);
    let effects = update(&mut s, Event::Tick(now() + Duration::minutes(1)));
    assert_eq!(effects, vec![Effect::LoadDashboard]);
    // While one computation runs, no second one starts.
    let effects = update(&mut s, Event::Tick(now() + Duration::minutes(2)));
    assert!(effects.is_empty());
    update(&mut s, Event::DashboardLoaded(Err("disk I/O error".into())));
    assert!(!s.dashboard_loading);
    assert!(s.dashboard.is_some(), "the last figures stay on screen");
    assert!(
        s.toast
            .as_ref()
            .is_some_and(|t| t.text.contains("disk I/O error"))
    );
}

/// The screen's text between the box's borders, lines joined, runs of
/// spaces collapsed: what someone reads, wherever the lines were broken.
fn prose(text: &str) -> String {
    text.lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn lead_screens_and_their_help_fit_60_columns_without_cutting_words() {
    let agents = demo::agents().unwrap_or_default();
    for key in ['s', 'm', 'w'] {
        let s = state_on(KeyCode::Char(key), 60, 40);
        let text = draw(&s, &Theme::monochrome());
        assert!(!text.contains('…'), "nothing cut short on {key}:\n{text}");
        // Whole words reach the reader, however the lines are broken.
        let read = prose(&text);
        for words in [
            "live · figures at 12:00",
            "? help",
            "the week before",
            "verdict coverage",
        ] {
            let on_screen = match key {
                's' => !words.contains("week") && !words.contains("coverage"),
                'm' => !words.contains("coverage"),
                _ => true,
            };
            if on_screen {
                assert!(read.contains(words), "{key}: {words:?} in\n{text}");
            }
        }
        if key == 's' {
            for a in &agents {
                assert!(read.contains(&a.name), "{}:\n{text}", a.name);
            }
        }
        insta::assert_snapshot!(format!("lead_{key}_60x40"), text);
    }
    let mut s = state_on(KeyCode::Char('m'), 60, 40);
    update(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE)),
    );
    let text = draw(&s, &Theme::monochrome());
    let read = prose(&text);
    let listed = handoff::view::help::groups(&s.keymap, &s.section_titles(), "", true);
    assert!(!listed.is_empty());
    for (_, entries) in &listed {
        for e in entries {
            let said = e
                .description
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            assert!(read.contains(&said), "{said:?} whole in\n{text}");
            assert!(
                e.action.is_some_and(|a| a.works_on_lead()),
                "{:?} does nothing here",
                e.action
            );
        }
    }
    assert!(!read.contains("flag a bad handoff"), "{text}");
    insta::assert_snapshot!("lead_help_60x40", text);
}
