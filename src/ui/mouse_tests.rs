//! The mouse, clicked on what is drawn: these tests draw the screen to find
//! where things are, so they live beside the renderer (`app` does not
//! import `ui`).

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::event::Event;
use crate::app::mouse::{self, Pointer};
use crate::app::state::{Focus, Modal, State};
use crate::app::update::{detail_of, update};
use crate::domain::agent::Agent;
use crate::domain::handoff::{Customer, Handoff, Priority, Routing, Status, Summary};
use crate::domain::queue::QueueRow;
use crate::ui::{self, Theme};
use crate::view::layout;

const ME: &str = "Maya Chen";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Thirty handoffs of mine with distinct issues, and findings long
/// enough that every summary scrolls.
fn handoffs() -> Vec<Handoff> {
    (0..30)
        .map(|i| Handoff {
            id: format!("HO-{i:02}"),
            created_at: None,
            escalated_at: now() - Duration::minutes(100 - i),
            channel: None,
            language: Some("en".into()),
            status: Status::Open,
            customer: Customer {
                name: format!("Customer {i:02}"),
                ..Customer::default()
            },
            ai: Default::default(),
            summary: Summary {
                issue: Some(format!("Issue {i:02}")),
                findings: (0..40).map(|k| format!("Finding {k}")).collect(),
                ..Summary::default()
            },
            note: None,
            routing: Routing {
                team: Some("billing".into()),
                priority: Priority::Normal,
                assignee: Some(ME.into()),
                sla_due_at: Some(now() + Duration::hours(5)),
                ..Routing::default()
            },
            transcript: vec![],
        })
        .collect()
}

struct Harness {
    state: State,
    list: Vec<Handoff>,
}

impl Harness {
    fn new(width: u16, height: u16) -> Harness {
        let list = handoffs();
        let rows = list
            .iter()
            .map(|h| QueueRow::from_handoff(h, None))
            .collect();
        let agents = vec![Agent {
            name: ME.into(),
            teams: vec!["billing".into()],
            skills: vec![],
            languages: vec!["en".into()],
            capacity: 8,
        }];
        let mut hx = Harness {
            state: State::new(ME.into(), now()),
            list,
        };
        hx.send(Event::Resize { width, height });
        hx.send(Event::Loaded { rows, agents });
        hx
    }

    /// `update`, answering detail loads and drawing after each event as
    /// the runtime would (a frame says how far the summary can scroll).
    fn send(&mut self, event: Event) -> Vec<Effect> {
        let effects = update(&mut self.state, event);
        for effect in &effects {
            if let Effect::LoadDetail { id } = effect
                && let Some(h) = self.list.iter().find(|h| &h.id == id)
            {
                let detail = detail_of(h.clone(), None);
                self.send(Event::DetailLoaded(Box::new(detail)));
            }
        }
        let (_, drawn) = ui::draw_offscreen(&self.state, &Theme::monochrome());
        if drawn.is_news(&self.state.room) {
            update(&mut self.state, Event::Drawn(drawn));
        }
        effects
    }

    fn key(&mut self, code: KeyCode) {
        self.send(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn mouse(&mut self, kind: MouseEventKind, x: u16, y: u16) -> Vec<Effect> {
        self.send(Event::Mouse(MouseEvent {
            kind,
            column: x,
            row: y,
            modifiers: crossterm::event::KeyModifiers::NONE,
        }))
    }

    fn click(&mut self, x: u16, y: u16) -> Vec<Effect> {
        self.mouse(MouseEventKind::Down(MouseButton::Left), x, y)
    }

    /// The screen's lines, as drawn.
    fn screen(&self) -> Vec<String> {
        let (buf, _) = ui::draw_offscreen(&self.state, &Theme::monochrome());
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect()
            })
            .collect()
    }

    /// The summary's lines shown, "first-last/total", from its title.
    fn shown_range(&self) -> Option<(usize, usize, usize)> {
        self.screen().iter().find_map(|line| {
            line.split_whitespace().find_map(|word| {
                let (range, total) = word.split_once('/')?;
                let (a, b) = range.split_once('-')?;
                Some((a.parse().ok()?, b.parse().ok()?, total.parse().ok()?))
            })
        })
    }

    fn selected_issue(&self) -> String {
        self.state
            .selected()
            .and_then(|r| r.issue.as_deref().map(str::to_string))
            .unwrap_or_default()
    }

    fn queue(&self) -> Rect {
        layout::areas(
            self.state.width,
            self.state.height,
            self.state.focus == Focus::Detail,
        )
        .queue
    }
}

const SIZES: [(u16, u16); 4] = [(120, 40), (80, 24), (60, 20), (45, 16)];

#[test]
fn a_click_selects_the_row_drawn_under_it() {
    for (w, h) in SIZES {
        let mut hx = Harness::new(w, h);
        assert_eq!(layout::areas(w, h, false).side_by_side, w >= layout::WIDE);
        // Scrolled, so the rows on screen are not the first ones.
        for _ in 0..20 {
            hx.key(KeyCode::Down);
        }
        hx.key(KeyCode::Enter);
        assert_eq!(hx.state.focus, Focus::Detail);
        // Focus on the summary may hide the queue on short screens;
        // give it back with Esc there.
        if hx.queue().height == 0 {
            hx.key(KeyCode::Esc);
        }
        let queue = hx.queue();
        let screen = hx.screen();
        for y in queue.y + 1..queue.y + queue.height {
            let Some(line) = screen.get(usize::from(y)) else {
                continue;
            };
            if !line.contains("Issue") {
                continue;
            }
            hx.click(queue.x + 3, y);
            let issue = hx.selected_issue();
            assert!(
                line.contains(&issue),
                "{w}x{h}: clicked {line:?}, selected {issue}"
            );
            assert_eq!(hx.state.focus, Focus::Queue);
            // The selected row is still drawn where it was clicked.
            let after = hx.screen();
            assert!(after[usize::from(y)].contains(&issue), "{w}x{h}");
        }
    }
}

/// What a click means is read from the screen alone, changing nothing;
/// carrying it out is a separate step (as a key's action is).
#[test]
fn a_click_is_read_as_an_action_before_it_is_done() {
    let mut hx = Harness::new(80, 24);
    let queue = hx.queue();
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: queue.x + 3,
        row: queue.y + 3,
        modifiers: KeyModifiers::NONE,
    };
    let before = (hx.state.queue.cursor(), hx.state.focus);
    let pointer = mouse::action_at(&hx.state, click);
    assert_eq!(pointer, Some(Pointer::SelectRow(2)), "the third row drawn");
    assert_eq!((hx.state.queue.cursor(), hx.state.focus), before);
    // A click on the row already selected reads it, as Enter does.
    if let Some(p) = pointer {
        mouse::apply(&mut hx.state, p);
    }
    assert_eq!(hx.state.queue.cursor(), 2);
    assert_eq!(
        mouse::action_at(&hx.state, click),
        Some(Pointer::Run(Action::FocusDetail))
    );
}

#[test]
fn clicking_the_header_or_below_the_rows_selects_nothing() {
    let mut hx = Harness::new(80, 24);
    hx.key(KeyCode::Down);
    let before = hx.selected_issue();
    let queue = hx.queue();
    hx.click(5, queue.y);
    assert_eq!(hx.selected_issue(), before);
    // One row matches this filter: the rest of the pane is empty.
    hx.key(KeyCode::Char('/'));
    for c in "Issue 29".chars() {
        hx.key(KeyCode::Char(c));
    }
    hx.key(KeyCode::Enter);
    let n = hx.state.queue.visible().len();
    assert!(n > 0 && n + 1 < usize::from(queue.height), "{n} rows");
    let selected = hx.selected_issue();
    hx.click(5, queue.y + queue.height - 1);
    assert_eq!(hx.selected_issue(), selected);
}

#[test]
fn clicking_the_selected_row_or_the_summary_reads_it() {
    let mut hx = Harness::new(80, 24);
    let queue = hx.queue();
    // The first row is selected: a click on it opens the summary.
    hx.click(5, queue.y + 1);
    assert_eq!(hx.state.focus, Focus::Detail);
    hx.click(5, queue.y + 2);
    assert_eq!(hx.state.focus, Focus::Queue);
    let detail = layout::areas(80, 24, false).detail;
    hx.click(10, detail.y + 3);
    assert_eq!(hx.state.focus, Focus::Detail);
    // Side by side too.
    let mut hx = Harness::new(120, 40);
    let detail = layout::areas(120, 40, false).detail;
    hx.click(detail.x + 5, detail.y + 5);
    assert_eq!(hx.state.focus, Focus::Detail);
}

#[test]
fn the_wheel_moves_the_selection_over_the_queue_and_scrolls_the_summary() {
    for (w, h) in [(120, 40), (80, 24)] {
        let mut hx = Harness::new(w, h);
        let areas = layout::areas(w, h, false);
        let first = hx.selected_issue();
        hx.mouse(MouseEventKind::ScrollDown, 5, areas.queue.y + 2);
        assert_ne!(hx.selected_issue(), first);
        assert_eq!(hx.state.queue.cursor(), 1);
        hx.mouse(MouseEventKind::ScrollUp, 5, areas.queue.y + 2);
        assert_eq!(hx.selected_issue(), first);
        // Past the last line shown, the list scrolls with the selection.
        for _ in 0..40 {
            hx.mouse(MouseEventKind::ScrollDown, 5, areas.queue.y + 2);
        }
        assert_eq!(hx.state.queue.cursor(), 29);
        if layout::queue_lines(w, h) < 30 {
            assert!(hx.state.queue.offset() > 0);
        }
        let screen = hx.screen();
        let last = hx.selected_issue();
        assert!(screen.iter().any(|l| l.contains(&last)), "{w}x{h}");

        // Over the summary the wheel scrolls it, and focus stays put.
        let (x, y) = (areas.detail.x + 4, areas.detail.y + 3);
        hx.mouse(MouseEventKind::ScrollDown, x, y);
        assert_eq!(hx.state.detail_scroll, 3);
        assert_eq!(hx.state.focus, Focus::Queue);
        for _ in 0..100 {
            hx.mouse(MouseEventKind::ScrollDown, x, y);
        }
        // It stops at the last page, as the keys do: a full page ending
        // on the last line, and one notch up moves at once.
        let page = layout::detail_lines(w, h);
        let (first, last, total) = hx.shown_range().unwrap_or_else(|| panic!("{w}x{h}"));
        assert_eq!((last, last + 1 - first), (total, page), "{w}x{h}");
        assert_eq!(usize::from(hx.state.detail_scroll), first - 1);
        hx.mouse(MouseEventKind::ScrollUp, x, y);
        assert_eq!(hx.shown_range().map(|r| r.0), Some(first - 3));
    }
}

#[test]
fn dialogs_that_take_keys_take_the_mouse_too() {
    let mut hx = Harness::new(80, 24);
    let queue = hx.queue();
    // The reply box is open: clicks and turns on the queue do nothing.
    hx.key(KeyCode::Char('r'));
    assert!(matches!(hx.state.modal, Some(Modal::Compose { .. })));
    let before = (
        hx.state.queue.cursor(),
        hx.state.focus,
        hx.state.detail_scroll,
    );
    let effects = hx.click(5, queue.y + 3);
    assert!(effects.is_empty());
    hx.mouse(MouseEventKind::ScrollDown, 5, queue.y + 3);
    let detail = layout::areas(80, 24, false).detail;
    hx.click(5, detail.y + 2);
    hx.mouse(MouseEventKind::ScrollDown, 5, detail.y + 2);
    hx.click(30, 0);
    assert_eq!(
        (
            hx.state.queue.cursor(),
            hx.state.focus,
            hx.state.detail_scroll
        ),
        before
    );
    assert!(matches!(hx.state.modal, Some(Modal::Compose { .. })));
}

#[test]
fn a_click_in_help_picks_and_a_second_runs() {
    let mut hx = Harness::new(80, 24);
    hx.key(KeyCode::Char('?'));
    for c in "summ".chars() {
        hx.key(KeyCode::Char(c));
    }
    // Another entry is the pick, so the first click only moves it.
    let actions =
        crate::view::help::runnable(&hx.state.keymap, &hx.state.section_titles(), "summ", false);
    let wanted = actions.iter().position(|a| *a == Action::FocusDetail);
    assert!(wanted.is_some_and(|i| i > 0), "{actions:?}");
    let screen = hx.screen();
    // Long descriptions are cut to the column; their start is enough.
    let description: String = Action::FocusDetail.description().chars().take(12).collect();
    let Some((y, line)) = screen
        .iter()
        .enumerate()
        .find(|(_, l)| l.contains(&description))
    else {
        panic!("no summary entry in help:\n{}", screen.join("\n"));
    };
    let x = line
        .find(&description)
        .map(|i| line[..i].chars().count())
        .and_then(|x| u16::try_from(x).ok())
        .unwrap_or(10);
    let y = u16::try_from(y).unwrap_or(0);
    hx.click(x, y);
    let picked = match &hx.state.modal {
        Some(Modal::Help { selected, .. }) => Some(*selected),
        _ => None,
    };
    assert_eq!(picked, wanted);
    assert_eq!(hx.state.focus, Focus::Queue);
    hx.click(x, y);
    assert!(hx.state.modal.is_none());
    assert_eq!(hx.state.focus, Focus::Detail);
}

#[test]
fn a_click_in_the_palette_picks_and_runs() {
    let mut hx = Harness::new(80, 24);
    hx.key(KeyCode::Char(':'));
    let Some(Modal::Palette { filter, .. }) = hx.state.modal.clone() else {
        panic!("no palette");
    };
    let actions = crate::app::palette::matches(&filter, &hx.state.section_titles());
    let screen = hx.screen();
    let area = Rect::new(0, 0, 80, 24);
    // Find the line of the third command and click it twice.
    let name = actions[2].name();
    let Some(y) = screen.iter().position(|l| l.contains(name)) else {
        panic!("{name} not listed");
    };
    let y = u16::try_from(y).unwrap_or(0);
    assert_eq!(
        crate::view::palette::entry_at("", &hx.state.section_titles(), 0, area, 20, y),
        Some(2)
    );
    hx.click(20, y);
    assert!(matches!(
        hx.state.modal,
        Some(Modal::Palette { selected: 2, .. })
    ));
    hx.mouse(MouseEventKind::ScrollDown, 20, y);
    assert!(matches!(
        hx.state.modal,
        Some(Modal::Palette { selected: 3, .. })
    ));
    // Outside the box: nothing.
    hx.click(0, 0);
    assert!(matches!(
        hx.state.modal,
        Some(Modal::Palette { selected: 3, .. })
    ));
}

#[test]
fn a_click_on_a_section_tab_shows_that_section() {
    for w in [120, 80, 60, 45] {
        let mut hx = Harness::new(w, 20);
        let all = hx.state.sections.len().saturating_sub(2);
        let Some(x) = (0..w).find(|&x| crate::view::tabs::tab_at(&hx.state, w, x) == Some(all))
        else {
            panic!("{w}: no tab {all} on the top line");
        };
        hx.click(x, 0);
        assert_eq!(hx.state.section, all, "{w}");
        assert_eq!(hx.state.focus, Focus::Queue);
    }
}
