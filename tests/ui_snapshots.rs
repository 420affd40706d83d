//! Snapshots of every screen at 80x24 and 120x40, built through the real
//! `update` from a fixed workspace, plus assertions a user would notice.
//!
//! Update snapshots with `INSTA_UPDATE=always cargo test --test ui_snapshots`
//! and read the `.snap` files before accepting them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;

use handoff::app::state::{Focus, ToastKind};
use handoff::app::update::detail_of;
use handoff::app::{Effect, Event, State, update};
use handoff::domain::agent::Agent;
use handoff::domain::demo;
use handoff::domain::feedback::{Feedback, Reason, Verdict};
use handoff::domain::handoff::Handoff;
use handoff::domain::hostile::HOSTILE_CORPUS;
use handoff::domain::import;
use handoff::domain::queue::{Builtin, QueueRow, Section};
use handoff::ui::{self, Theme};

/// The demo's "now", so fixture and demo clocks read the same.
const ANCHOR: &str = demo::ANCHOR;
const ME: &str = "Maya Lopez";

fn now() -> DateTime<Utc> {
    match ANCHOR.parse() {
        Ok(t) => t,
        Err(e) => panic!("anchor: {e}"),
    }
}

/// Eight handoffs covering every state the screen distinguishes: breached,
/// at risk, ok, no SLA; complete, incomplete, note-only; vip; CJK and emoji;
/// hostile text; resolved; pending; a team that is not mine.
const FIXTURE: &str = r##"
{"id": "HO-1001", "created_at": "2025-12-31T23:40:00Z", "escalated_at": "2026-01-01T10:05:00Z", "channel": "chat", "language": "en", "customer": {"name": "Dana Whitfield", "email": "dana@example.com", "plan": "Business", "account_age_days": 412, "lifetime_value": 2380.5, "flags": ["vip"], "previous_escalations": 1}, "ai": {"agent": "Fin", "procedure": "refunds", "procedure_version": "7"}, "summary": {"issue": "Charged twice for the December invoice and wants the duplicate refunded to the card", "intent": "billing.refund", "collected": [{"label": "Invoice", "value": "INV-2291", "source": "customer"}, {"label": "Charges", "value": "2 x $49.00 on 28 Dec", "source": "lookup"}], "findings": ["Both charges settled; the second is a gateway retry after a timeout", "No refund issued yet"], "attempted": [{"action": "Offered a refund as store credit", "outcome": "declined, wants money back on the card"}], "escalation": {"trigger": "policy_exception", "detail": "Card refunds above $25 need a human"}, "confidence": 0.82, "sentiment": "frustrated, calming down", "next_step": "Refund the second charge (INV-2291) to the card and confirm by email", "promised": {"text": "A human will reply within the hour", "due_at": "2026-01-01T12:30:00Z"}, "page": "/billing/invoices/INV-2291", "technical": {"error": "gateway_timeout (504) at POST /v1/charges", "client": "Chrome 136 / macOS"}}, "routing": {"team": "billing", "skills": ["refunds"], "priority": "high", "assignee": "Maya Lopez", "sla_due_at": "2026-01-01T11:45:00Z"}, "transcript": [{"at": "2025-12-31T23:40:00Z", "author": "customer", "name": "Dana", "text": "Hi, I was charged twice for December."}, {"at": "2026-01-01T10:01:10Z", "author": "ai", "name": "Fin", "text": "I can see two charges of $49.00 on 28 Dec. I can refund one as store credit right away."}, {"at": "2026-01-01T10:03:00Z", "author": "customer", "name": "Dana", "text": "No, I want the money back on my card please.\nThis is the second time this happened."}, {"at": "2026-01-01T10:05:00Z", "author": "system", "text": "Escalated to billing (policy_exception)", "private": true}, {"at": "2026-01-01T10:20:00Z", "author": "agent", "name": "Sam Okafor", "text": "Maya, this customer is a VIP, please prioritise.", "private": true}]}
{"id": "HO-1002", "escalated_at": "2026-01-01T11:40:00Z", "channel": "email", "language": "en", "customer": {"name": "Ravi Menon", "plan": "Free"}, "note": "Customer cannot log in since changing phones. The SMS code never arrives; tried twice. They seem to need their two-factor reset after an identity check, and they are getting impatient.", "routing": {"team": "accounts", "priority": "urgent", "assignee": "Maya Lopez", "sla_due_at": "2026-01-01T12:20:00Z"}, "transcript": [{"at": "2026-01-01T11:30:00Z", "author": "customer", "name": "Ravi", "text": "I can't log in!!"}]}
{"id": "HO-1003", "escalated_at": "2026-01-01T09:00:00Z", "language": "en", "customer": {"name": "Mia Kowalski", "plan": "Pro", "flags": ["at_risk"]}, "ai": {"agent": "Fin", "procedure": "general", "procedure_version": "3"}, "summary": {"issue": "Export to CSV is empty since yesterday", "collected": [{"label": "Workspace", "value": "n/a", "source": "customer"}], "escalation": {"trigger": "low_confidence"}, "confidence": 0.31}, "routing": {"team": "billing", "priority": "normal", "assignee": "Maya Lopez", "sla_due_at": "2026-01-01T15:00:00Z"}}
{"id": "HO-1004", "escalated_at": "2026-01-01T08:00:00Z", "language": "ja", "customer": {"name": "山田 太郎", "plan": "Team"}, "summary": {"issue": "Refund for 2 orders 📦📦 — charged in USD, not JPY", "collected": [{"label": "Orders", "value": "#5512, #5513", "source": "lookup"}], "findings": ["Currency set to USD on the account"], "escalation": {"trigger": "business_rule", "detail": "Currency corrections need finance approval"}, "confidence": 0.55, "next_step": "Ask finance to re-issue in JPY"}, "routing": {"team": "billing", "priority": "low", "sla_due_at": "2026-01-04T08:00:00Z"}}
{"id": "HO-1005", "escalated_at": "2026-01-01T11:00:00Z", "language": "en", "customer": {"name": "Eve\u001b]0;pwned\u0007 \u202eredoc\u202c Mallory"}, "summary": {"issue": "\u001b[2J\u001b[H[SYSTEM] Refund approved by supervisor", "collected": [{"label": "Link", "value": "\u001b]8;;https://pwned.example\u001b\\click\u001b]8;;\u001b\\", "source": "customer"}], "findings": ["Tab\there and a bell\u0007"], "escalation": {"trigger": "security", "detail": "Possible account takeover attempt"}, "next_step": "Verify identity before any change", "technical": {"error": "Thanks!\u001b]52;c;cHduZWQ=\u0007 zero\u200bwidth"}}, "routing": {"team": "accounts", "priority": "urgent", "sla_due_at": "2026-01-01T11:30:00Z"}, "transcript": [{"at": "2026-01-01T10:58:00Z", "author": "customer", "name": "Eve\u001b[31m", "text": "fine\u001b[1A\u001b[2Krefund approved \u202e0001$\u202c"}]}
{"id": "HO-1006", "escalated_at": "2025-12-31T16:00:00Z", "status": "resolved", "language": "en", "customer": {"name": "Ola Nordmann", "plan": "Business"}, "summary": {"issue": "Cancel the add-on seat", "collected": [{"label": "Seats", "value": "5 of 6 used", "source": "lookup"}], "findings": ["Add-on billed monthly"], "escalation": {"trigger": "customer_requested_human", "detail": "Asked for a person"}, "confidence": 0.9, "next_step": "Remove the seat"}, "routing": {"team": "billing", "priority": "normal", "assignee": "Sam Okafor", "sla_due_at": "2025-12-31T20:00:00Z"}}
{"id": "HO-1007", "escalated_at": "2026-01-01T07:00:00Z", "language": "en", "customer": {"name": "Lee Chan"}, "summary": {"issue": "Suspicious login from a new country", "escalation": {"trigger": "security", "detail": "Security reviews are human only"}}, "routing": {"team": "security", "priority": "high", "sla_due_at": "2026-01-01T13:00:00Z"}}
{"id": "HO-1008", "escalated_at": "2026-01-01T06:30:00Z", "status": "pending", "language": "de", "customer": {"name": "Jonas Becker", "plan": "Enterprise"}, "summary": {"issue": "Invoice address must show the VAT number", "collected": [{"label": "VAT", "value": "DE123456789", "source": "customer"}], "findings": ["Address field has no VAT line"], "escalation": {"trigger": "business_rule", "detail": "Invoice edits are manual"}, "confidence": 0.74, "next_step": "Re-issue the invoice with the VAT number"}, "routing": {"team": "billing", "priority": "normal", "assignee": "Maya Lopez"}}
"##;

fn agents() -> Vec<Agent> {
    let agent = |name: &str, teams: &[&str], langs: &[&str]| Agent {
        name: name.to_string(),
        teams: teams.iter().map(|t| t.to_string()).collect(),
        skills: vec!["refunds".into()],
        languages: langs.iter().map(|t| t.to_string()).collect(),
        capacity: 8,
    };
    vec![
        agent(ME, &["billing", "accounts"], &["en", "de"]),
        agent("Sam Okafor", &["billing"], &["en", "ja"]),
        agent("Priya Nair", &["accounts", "security"], &["en"]),
    ]
}

fn handoffs() -> Vec<Handoff> {
    match import::parse("fixture.jsonl", FIXTURE) {
        Ok(v) => v.into_iter().map(|i| i.handoff).collect(),
        Err(errors) => panic!("fixture does not import: {errors:?}"),
    }
}

/// Verdicts already in force when the workspace loads.
fn initial_feedback(id: &str) -> Option<Feedback> {
    let fb = |verdict, reasons: Vec<Reason>, note: Option<&str>| Feedback {
        handoff_id: id.to_string(),
        verdict,
        reasons,
        note: note.map(str::to_string),
        agent: ME.to_string(),
        at: now(),
    };
    match id {
        "HO-1003" => Some(fb(
            Verdict::Bad,
            vec![Reason::WrongData, Reason::WrongQuestions],
            Some("Never asked which workspace; 'n/a' is not data."),
        )),
        "HO-1006" => Some(fb(Verdict::Good, vec![], None)),
        _ => None,
    }
}

/// State driven by the real `update`, with a fake runtime that answers loads
/// and makes verdict writes durable at once.
struct Harness {
    state: State,
    store: HashMap<String, (Handoff, Option<Feedback>)>,
}

impl Harness {
    fn new(width: u16, height: u16) -> Harness {
        Harness::with(handoffs(), width, height)
    }

    fn with(list: Vec<Handoff>, width: u16, height: u16) -> Harness {
        Harness::build(list, agents(), ME, initial_feedback, width, height)
    }

    /// The shipped demo workspace, signed in as its default agent.
    fn demo(width: u16, height: u16) -> Harness {
        let list = match demo::workspace(now()) {
            Ok(v) => v.into_iter().map(|i| i.handoff).collect(),
            Err(e) => panic!("demo workspace: {e}"),
        };
        let agents = match demo::agents() {
            Ok(a) => a,
            Err(e) => panic!("demo agents: {e}"),
        };
        Harness::build(list, agents, demo::DEFAULT_AGENT, |_| None, width, height)
    }

    fn build(
        list: Vec<Handoff>,
        agents: Vec<Agent>,
        me: &str,
        feedback: fn(&str) -> Option<Feedback>,
        width: u16,
        height: u16,
    ) -> Harness {
        let store: HashMap<_, _> = list
            .into_iter()
            .map(|h| {
                let fb = feedback(&h.id);
                (h.id.clone(), (h, fb))
            })
            .collect();
        let mut ids: Vec<&String> = store.keys().collect();
        ids.sort();
        let rows = ids
            .iter()
            .filter_map(|id| store.get(*id))
            .map(|(h, fb)| QueueRow::from_handoff(h, fb.as_ref().map(|f| f.verdict)))
            .collect();
        let mut hx = Harness {
            state: State::new(me.to_string(), now()),
            store,
        };
        hx.send(Event::Resize { width, height });
        hx.send(Event::Loaded { rows, agents });
        hx
    }

    /// `update`, then a frame, as the runtime does: the frame says how
    /// far the summary can scroll.
    fn send(&mut self, event: Event) {
        let effects = update(&mut self.state, event);
        self.run(effects);
        let (_, drawn) = ui::draw_offscreen(&self.state, &Theme::monochrome());
        if drawn.is_news(&self.state.room) {
            update(&mut self.state, Event::Drawn(drawn));
        }
    }

    fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::LoadDetail { id } => {
                    if let Some((h, fb)) = self.store.get(&id) {
                        let detail = detail_of(h.clone(), fb.clone());
                        self.send(Event::DetailLoaded(Box::new(detail)));
                    }
                }
                Effect::SaveFeedback { id, feedback, done } => {
                    let Some(entry) = self.store.get_mut(&id) else {
                        continue;
                    };
                    entry.1 = feedback;
                    let (h, fb) = entry.clone();
                    let row = QueueRow::from_handoff(&h, fb.as_ref().map(|f| f.verdict));
                    self.send(Event::Saved {
                        row: Box::new(row),
                        detail: Box::new(detail_of(h, fb)),
                        done,
                    });
                }
                _ => {}
            }
        }
    }

    fn key(&mut self, code: KeyCode) {
        self.send(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Move the cursor to the handoff `id` in the current section.
    fn select(&mut self, id: &str) {
        self.key(KeyCode::Home);
        for _ in 0..self.state.queue.visible().len() {
            if self.state.selected().is_some_and(|r| r.id == id) {
                return;
            }
            self.key(KeyCode::Down);
        }
        panic!("{id} not in section {:?}", self.state.section);
    }

    fn draw_with(&self, theme: &Theme) -> Terminal<TestBackend> {
        let backend = TestBackend::new(self.state.width, self.state.height);
        let mut terminal = match Terminal::new(backend) {
            Ok(t) => t,
            Err(e) => panic!("terminal: {e}"),
        };
        if let Err(e) = terminal.draw(|f| {
            ui::render(f, &self.state, theme);
        }) {
            panic!("draw: {e}");
        }
        assert_clean(terminal.backend().buffer());
        terminal
    }

    fn draw(&self) -> Terminal<TestBackend> {
        self.draw_with(&dark())
    }
}

fn dark() -> Theme {
    match Theme::builtin("dark") {
        Some(t) => t,
        None => panic!("dark theme missing"),
    }
}

/// No control character, escape or bidi override may reach a cell.
fn assert_clean(buf: &Buffer) {
    for (i, cell) in buf.content().iter().enumerate() {
        for c in cell.symbol().chars() {
            let bad = c < ' '
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}' | '\u{feff}');
            assert!(!bad, "cell {i} holds {c:?}");
        }
    }
}

fn screen_text(t: &Terminal<TestBackend>) -> String {
    t.backend().to_string()
}

/// The text of row `y`.
fn row_text(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect()
}

fn find_row(buf: &Buffer, needle: &str) -> Option<u16> {
    (0..buf.area.height).find(|&y| row_text(buf, y).contains(needle))
}

/// The queue line (not the detail title) that mentions `needle`.
fn find_queue_row(buf: &Buffer, needle: &str) -> Option<u16> {
    let q = handoff::view::layout::areas(buf.area.width, buf.area.height, false).queue;
    (q.y..q.y + q.height).find(|&y| row_text(buf, y).contains(needle))
}

macro_rules! snap {
    ($name:expr, $term:expr) => {
        insta::assert_snapshot!($name, screen_text(&$term))
    };
}

// ---- the workspace -------------------------------------------------------

#[test]
fn main_mine_80x24() {
    let h = Harness::new(80, 24);
    assert_eq!(h.state.current_builtin(), Some(Builtin::Mine));
    snap!("main_mine_80x24", h.draw());
}

#[test]
fn main_mine_120x40() {
    let h = Harness::new(120, 40);
    snap!("main_mine_120x40", h.draw());
}

#[test]
fn section_unassigned() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('2'));
        assert_eq!(h.state.current_builtin(), Some(Builtin::Unassigned));
        snap!(format!("section_unassigned_{w}x{ht}"), h.draw());
    }
}

#[test]
fn section_all() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('3'));
        snap!(format!("section_all_{w}x{ht}"), h.draw());
    }
}

/// The demo workspace with saved sections from a config file.
fn saved_sections(w: u16, ht: u16) -> Harness {
    let mut h = Harness::demo(w, ht);
    let saved = |name: &str, query: &str| {
        Section::saved(name, query).unwrap_or_else(|e| panic!("{query}: {e}"))
    };
    let sections = vec![
        Section::builtin(Builtin::Mine),
        saved("VIP urgent", "tag:vip priority:urgent -status:resolved"),
        saved("Breached", "sla:breached is:open"),
        saved("Refunds", "procedure:refund is:open"),
        saved("Klingon", "lang:tlh"),
        Section::builtin(Builtin::All),
    ];
    let effects = handoff::app::update::set_sections(&mut h.state, sections);
    h.run(effects);
    h
}

#[test]
fn saved_sections_with_counts_in_the_tab_line() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = saved_sections(w, ht);
        h.key(KeyCode::Char('2'));
        let buf = h.draw();
        let top = row_text(buf.backend().buffer(), 0);
        // Every section is in the tab line with its count.
        for (i, s) in h.state.sections.iter().enumerate() {
            let count = h.state.queue.counts()[i].to_string();
            let title: String = s.name.chars().take(3).collect();
            assert!(
                top.contains(&title) && top.contains(&count),
                "{} ({count}) missing from {top:?}",
                s.name
            );
        }
        // The shown rows are the section's: all VIP and urgent.
        assert!(
            h.state.queue.visible().len() == h.state.queue.counts()[1]
                && !h.state.queue.visible().is_empty()
        );
        snap!(format!("section_saved_{w}x{ht}"), buf);
    }
}

#[test]
fn an_empty_saved_section_says_what_it_looks_for() {
    let mut h = saved_sections(80, 24);
    h.key(KeyCode::Char('5'));
    assert!(h.state.queue.visible().is_empty());
    let text = screen_text(&h.draw());
    assert!(text.contains("Nothing matches `lang:tlh`"), "{text}");
}

#[test]
fn transcript_pane() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('t'));
        snap!(format!("transcript_{w}x{ht}"), h.draw());
    }
}

#[test]
fn detail_focused_and_scrolled() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Enter);
        assert_eq!(h.state.focus, Focus::Detail);
        for _ in 0..5 {
            h.key(KeyCode::Down);
        }
        snap!(format!("detail_scrolled_{w}x{ht}"), h.draw());
        // Scrolling past the end shows the last page, not blank space.
        h.key(KeyCode::End);
        snap!(format!("detail_end_{w}x{ht}"), h.draw());
    }
}

#[test]
fn summary_with_missing_fields() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.select("HO-1003");
        let t = h.draw();
        assert!(
            find_row(t.backend().buffer(), "— missing —").is_some(),
            "missing marker not shown"
        );
        snap!(format!("summary_missing_{w}x{ht}"), t);
    }
}

#[test]
fn summary_note_only() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.select("HO-1002");
        snap!(format!("summary_note_only_{w}x{ht}"), h.draw());
    }
}

#[test]
fn hostile_text_through_import() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('2'));
        h.select("HO-1005");
        let t = h.draw();
        let text = screen_text(&t);
        assert!(
            !text.contains("pwned"),
            "payload reached the screen:\n{text}"
        );
        snap!(format!("hostile_summary_{w}x{ht}"), t);
        h.key(KeyCode::Char('t'));
        let t = h.draw();
        assert!(!screen_text(&t).contains("pwned"));
        snap!(format!("hostile_transcript_{w}x{ht}"), t);
    }
}

/// Text that skipped ingestion cleaning (a backend bug) still cannot reach
/// the terminal: the UI cleans again as it draws.
#[test]
fn hostile_text_raw_is_still_safe() {
    let mut list = handoffs();
    for (i, h) in list.iter_mut().enumerate() {
        let evil = |k: usize| HOSTILE_CORPUS[(i + k) % HOSTILE_CORPUS.len()].to_string();
        h.customer.name = evil(0);
        h.summary.issue = Some(evil(1));
        h.summary.next_step = Some(evil(2));
        h.summary.findings.push(evil(3));
        h.routing.team = Some(evil(4));
        for (j, m) in h.transcript.iter_mut().enumerate() {
            m.text = evil(5 + j);
            m.name = Some(evil(6 + j));
        }
    }
    for (w, ht) in [(80, 24), (120, 40), (100, 14)] {
        let mut h = Harness::with(list.clone(), w, ht);
        for section in ['1', '2', '3'] {
            h.key(KeyCode::Char(section));
            for _ in 0..h.state.queue.visible().len() {
                for pane in 0..2 {
                    let t = h.draw();
                    assert!(!screen_text(&t).contains("pwned"), "{}", screen_text(&t));
                    if pane == 0 {
                        h.key(KeyCode::Char('t'));
                    }
                }
                h.key(KeyCode::Char('t'));
                h.key(KeyCode::Down);
            }
        }
    }
}

// ---- dialogs -------------------------------------------------------------

#[test]
fn reason_picker() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('b'));
        let t = h.draw();
        assert!(screen_text(&t).contains("Flagged as bad handoff saved"));
        snap!(format!("reason_picker_{w}x{ht}"), t);
    }
}

#[test]
fn verdict_note() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('b'));
        h.key(KeyCode::Char('5'));
        h.typed("Should have gone to accounts");
        let t = h.draw();
        let text = screen_text(&t);
        assert!(text.contains("Ctrl-e editor"), "{text}");
        snap!(format!("verdict_note_{w}x{ht}"), t);
    }
}

/// The note boxes name the editor key in force: rebound, the new key shows;
/// unbound, no editor hint at all.
#[test]
fn verdict_note_hints_follow_the_keymap() {
    use handoff::app::Action;
    use handoff::app::keymap::{Context, Key};
    let mut h = Harness::new(80, 24);
    h.state.keymap.bind(
        Context::Compose,
        vec![Key::new(KeyCode::Char('e'), KeyModifiers::CONTROL)],
        None,
    );
    h.state.keymap.bind(
        Context::Compose,
        vec![Key::new(KeyCode::F(4), KeyModifiers::NONE)],
        Some(Action::EditInEditor),
    );
    h.key(KeyCode::Char('3'));
    h.typed("  ");
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Char('2'));
    let text = screen_text(&h.draw());
    assert!(text.contains("+ 1 more"), "{text}");
    assert!(text.contains("Enter saves, F4 editor, Esc skips"), "{text}");
    assert!(!text.contains("Ctrl-e"), "{text}");
    h.key(KeyCode::Esc);
    // The single box (the row after the two marked) reads the same table.
    h.key(KeyCode::Char('b'));
    h.key(KeyCode::Char('5'));
    let text = screen_text(&h.draw());
    assert!(!text.contains("+ 1 more"), "{text}");
    assert!(text.contains("Enter saves, F4 editor, Esc skips"), "{text}");
    h.state.keymap.bind(
        Context::Compose,
        vec![Key::new(KeyCode::F(4), KeyModifiers::NONE)],
        None,
    );
    let text = screen_text(&h.draw());
    assert!(text.contains("Enter saves, Esc skips"), "{text}");
}

#[test]
fn compose_note_and_reply() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('n'));
        h.typed("Refund done on the card, ");
        h.typed("told Dana to expect it in 5 days.");
        snap!(format!("compose_note_{w}x{ht}"), h.draw());
        h.key(KeyCode::Esc);
        h.key(KeyCode::Char('r'));
        snap!(format!("compose_reply_empty_{w}x{ht}"), h.draw());
    }
}

#[test]
fn help() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('?'));
        snap!(format!("help_{w}x{ht}"), h.draw());
        h.typed("sect");
        snap!(format!("help_filtered_{w}x{ht}"), h.draw());
    }
}

// ---- filter, toasts, edge cases -----------------------------------------

#[test]
fn filter_editing() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('3'));
        h.key(KeyCode::Char('/'));
        h.typed("team:billing");
        snap!(format!("filter_editing_{w}x{ht}"), h.draw());
        h.key(KeyCode::Enter);
        snap!(format!("filter_applied_{w}x{ht}"), h.draw());
    }
}

#[test]
fn filter_error() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('/'));
        h.typed("sla:soon");
        assert!(h.state.filter.error.is_some());
        snap!(format!("filter_error_{w}x{ht}"), h.draw());
    }
}

#[test]
fn empty_section_and_no_match() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('/'));
        h.typed("nothing-matches-this");
        h.key(KeyCode::Enter);
        snap!(format!("filter_no_match_{w}x{ht}"), h.draw());
    }
    // An agent with nothing assigned, in no team (signed in as such: counts
    // are worked out when the queue loads, not on every section switch).
    let mut h = Harness::build(
        handoffs(),
        agents(),
        "Nobody Here",
        initial_feedback,
        80,
        24,
    );
    h.key(KeyCode::Char('3'));
    h.key(KeyCode::Char('1'));
    let t = h.draw();
    assert!(screen_text(&t).contains("Nothing assigned to you."));
    snap!("empty_mine_80x24", t);
}

#[test]
fn toasts() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('g'));
        snap!(format!("toast_info_{w}x{ht}"), h.draw());
        h.send(Event::Failed {
            what: "Claim".into(),
            error: "database is locked".into(),
        });
        assert_eq!(
            h.state.toast.as_ref().map(|t| t.kind),
            Some(ToastKind::Error)
        );
        snap!(format!("toast_error_{w}x{ht}"), h.draw());
    }
}

#[test]
fn loading() {
    let mut s = State::new(ME.to_string(), now());
    update(
        &mut s,
        Event::Resize {
            width: 80,
            height: 24,
        },
    );
    let h = Harness {
        state: s,
        store: HashMap::new(),
    };
    snap!("loading_80x24", h.draw());
}

#[test]
fn too_small() {
    let h = Harness::new(25, 6);
    let t = h.draw();
    assert!(screen_text(&t).contains("30x8"));
    snap!("too_small_25x6", t);
}

#[test]
fn short_but_wide_single_pane() {
    let mut h = Harness::new(100, 14);
    snap!("short_wide_queue_100x14", h.draw());
    h.key(KeyCode::Enter);
    snap!("short_wide_detail_100x14", h.draw());
}

#[test]
fn smallest_screen() {
    let mut h = Harness::new(30, 8);
    snap!("smallest_30x8", h.draw());
    h.key(KeyCode::Char('b'));
    snap!("smallest_reason_picker_30x8", h.draw());
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('?'));
    snap!("smallest_help_30x8", h.draw());
}

// ---- monochrome ----------------------------------------------------------

/// Text plus a map of the modifiers: R reversed, B bold, U underlined,
/// D dim, '.' none (first modifier wins), so the snapshot shows what a
/// NO_COLOR user sees.
fn with_modifiers(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut out = screen_text(t);
    out.push_str("\nmodifiers:\n");
    for y in 0..buf.area.height {
        let row: String = (0..buf.area.width)
            .map(|x| {
                let m = buf[(x, y)].modifier;
                if m.contains(Modifier::REVERSED) {
                    'R'
                } else if m.contains(Modifier::BOLD) {
                    'B'
                } else if m.contains(Modifier::UNDERLINED) {
                    'U'
                } else if m.contains(Modifier::DIM) {
                    'D'
                } else {
                    '.'
                }
            })
            .collect();
        out.push_str(&row);
        out.push('\n');
    }
    out
}

#[test]
fn monochrome_main_screen() {
    let mono = Theme::monochrome();
    for (w, ht) in [(80, 24), (120, 40)] {
        let h = Harness::new(w, ht);
        let t = h.draw_with(&mono);
        let buf = t.backend().buffer();
        // No colour anywhere.
        for cell in buf.content() {
            assert_eq!(
                (cell.fg, cell.bg),
                (ratatui::style::Color::Reset, ratatui::style::Color::Reset)
            );
        }
        insta::assert_snapshot!(format!("monochrome_main_{w}x{ht}"), with_modifiers(&t));
    }
}

#[test]
fn monochrome_selection_is_reverse_video() {
    let mono = Theme::monochrome();
    let h = Harness::new(80, 24);
    let Some(sel) = h.state.selected().map(|r| r.id.clone()) else {
        panic!("nothing selected");
    };
    let t = h.draw_with(&mono);
    let buf = t.backend().buffer();
    // The first queue row is the selected one; its whole line is reversed.
    // Names are cut to the column; the first word is enough to find the row.
    let Some(customer) = h
        .state
        .selected()
        .and_then(|r| r.customer.split_whitespace().next().map(str::to_string))
    else {
        panic!("nothing selected");
    };
    let Some(y) = find_queue_row(buf, &customer) else {
        panic!("{sel} not on screen");
    };
    for x in 0..buf.area.width {
        assert!(
            buf[(x, y)].modifier.contains(Modifier::REVERSED),
            "cell {x} of the selected row is not reversed"
        );
    }
    // And no other queue row is.
    let Some(other) = find_queue_row(buf, "Mia Kowalski") else {
        panic!("second row missing");
    };
    assert!(!buf[(1, other)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn breached_rows_show_a_glyph_not_just_colour() {
    let h = Harness::new(80, 24);
    let t = h.draw_with(&Theme::monochrome());
    let buf = t.backend().buffer();
    let Some(y) = find_queue_row(buf, "Dana Whit") else {
        panic!("breached row missing");
    };
    assert!(row_text(buf, y).contains("✖ -15m"), "{}", row_text(buf, y));
    let Some(y) = find_queue_row(buf, "Ravi Menon") else {
        panic!("at-risk row missing");
    };
    assert!(row_text(buf, y).contains("▲"), "{}", row_text(buf, y));
}

#[test]
fn every_builtin_theme_renders() {
    for name in Theme::builtin_names() {
        let Some(theme) = Theme::builtin(name) else {
            panic!("{name} does not parse");
        };
        let h = Harness::new(80, 24);
        let _ = h.draw_with(&theme);
    }
}

// ---- the shipped demo workspace -------------------------------------------

#[test]
fn demo_workspace_screens() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::demo(w, ht);
        snap!(format!("demo_mine_{w}x{ht}"), h.draw());
        h.key(KeyCode::Char('2'));
        snap!(format!("demo_unassigned_{w}x{ht}"), h.draw());
        h.key(KeyCode::Char('3'));
        snap!(format!("demo_all_{w}x{ht}"), h.draw());
        h.key(KeyCode::Char('t'));
        snap!(format!("demo_all_transcript_{w}x{ht}"), h.draw());
        let t = h.draw_with(&Theme::monochrome());
        insta::assert_snapshot!(format!("demo_monochrome_{w}x{ht}"), with_modifiers(&t));
    }
}

/// Every demo handoff renders cleanly in both panes (no control characters
/// reach a cell) and the first line of the queue is always the selection.
#[test]
fn demo_every_handoff_renders() {
    let mut h = Harness::demo(80, 24);
    h.key(KeyCode::Char('3'));
    let n = h.state.queue.visible().len();
    assert!(n > 100, "demo has {n} handoffs");
    for _ in 0..n {
        let _ = h.draw();
        h.key(KeyCode::Char('t'));
        let _ = h.draw();
        h.key(KeyCode::Char('t'));
        h.key(KeyCode::Down);
    }
}

/// No size panics or leaks a control character, with or without a dialog.
#[test]
fn every_size_renders() {
    let widths = [
        1, 2, 5, 10, 20, 29, 30, 31, 43, 44, 50, 63, 64, 69, 70, 79, 80, 99, 100, 119, 120, 200,
    ];
    let heights = [1, 2, 3, 7, 8, 9, 12, 14, 15, 16, 17, 24, 40, 60];
    let dialogs: [&[KeyCode]; 6] = [
        &[],
        &[KeyCode::Char('b')],
        &[KeyCode::Char('b'), KeyCode::Char('2')],
        &[KeyCode::Char('n')],
        &[KeyCode::Char('?')],
        &[KeyCode::Enter, KeyCode::Char('t')],
    ];
    for keys in dialogs {
        let mut h = Harness::new(80, 24);
        for k in keys {
            h.key(*k);
        }
        for w in widths {
            for ht in heights {
                h.send(Event::Resize {
                    width: w,
                    height: ht,
                });
                let _ = h.draw();
            }
        }
    }
}

/// `update` clamps scrolling to the room the last frame measured; it must
/// agree with the "summary a-b/N" the pane shows: End lands on a page that
/// ends on line N, and one line up shows line N-1 last.
#[test]
fn the_scroll_room_matches_the_pane() {
    for (w, ht) in [(80, 24), (120, 40), (100, 14)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Enter);
        for pane in ["summary", "transcript"] {
            let text = screen_text(&h.draw());
            if text.contains(&format!("{pane} 1-")) {
                h.key(KeyCode::End);
                let text = screen_text(&h.draw());
                let (last, total) = shown_end(&text, pane)
                    .unwrap_or_else(|| panic!("{w}x{ht} {pane}: no range\n{text}"));
                assert_eq!(
                    last, total,
                    "{w}x{ht} {pane}: End shows the last line\n{text}"
                );
                h.key(KeyCode::Up);
                let text = screen_text(&h.draw());
                assert_eq!(
                    shown_end(&text, pane),
                    Some((total - 1, total)),
                    "{w}x{ht} {pane}"
                );
                h.key(KeyCode::Home);
            }
            h.key(KeyCode::Char('t'));
        }
    }
}

/// The last line shown and the total, from the pane's "{pane} a-b/N".
fn shown_end(text: &str, pane: &str) -> Option<(usize, usize)> {
    let head = format!("{pane} ");
    text.match_indices(&head).find_map(|(at, _)| {
        let word = text[at + head.len()..].split_whitespace().next()?;
        let (range, total) = word.split_once('/')?;
        let (_, last) = range.split_once('-')?;
        Some((last.parse().ok()?, total.parse().ok()?))
    })
}

// ---- keys, palette, bulk and themes (issue 5) ----------------------------

/// Text plus a map of each cell's colours: one letter per (fg, bg) pair,
/// with a legend, so a theme snapshot shows which colours go where.
fn with_colours(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let letters: Vec<char> = ('a'..='z').chain('A'..='Z').chain('0'..='9').collect();
    let mut pairs: Vec<(ratatui::style::Color, ratatui::style::Color)> = Vec::new();
    let mut map = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            let pair = (cell.fg, cell.bg);
            let i = match pairs.iter().position(|p| *p == pair) {
                Some(i) => i,
                None => {
                    pairs.push(pair);
                    pairs.len() - 1
                }
            };
            map.push(letters.get(i).copied().unwrap_or('?'));
        }
        map.push('\n');
    }
    let mut out = screen_text(t);
    out.push_str("\ncolours (fg, bg):\n");
    for (i, (fg, bg)) in pairs.iter().enumerate() {
        let l = letters.get(i).copied().unwrap_or('?');
        out.push_str(&format!("{l} = {fg:?}, {bg:?}\n"));
    }
    out.push_str(&map);
    out
}

fn ctrl_key(h: &mut Harness, c: char) {
    h.send(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )));
}

#[test]
fn palette() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char(':'));
        snap!(format!("palette_{w}x{ht}"), h.draw());
        h.typed("flag");
        h.key(KeyCode::Down);
        snap!(format!("palette_filtered_{w}x{ht}"), h.draw());
    }
    let mut h = Harness::new(80, 24);
    ctrl_key(&mut h, 'p');
    h.typed("zzzqq");
    let text = screen_text(&h.draw());
    assert!(text.contains("No command matches"), "{text}");
}

#[test]
fn help_pick_moves_and_runs() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('?'));
        h.typed("section");
        for _ in 0..3 {
            h.key(KeyCode::Down);
        }
        snap!(format!("help_picked_{w}x{ht}"), h.draw());
        h.key(KeyCode::Enter);
        assert_eq!(h.state.current_builtin(), Some(Builtin::Unassigned));
    }
}

#[test]
fn bulk_marks() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('3'));
        h.typed("  ");
        h.key(KeyCode::Down);
        h.key(KeyCode::Char(' '));
        let t = h.draw();
        let buf = t.backend().buffer();
        let marked = (0..buf.area.height)
            .filter(|&y| buf[(0, y)].symbol() == "●")
            .count();
        assert_eq!(marked, 3);
        // What acts on the marked set, not the everyday hints.
        let bar = row_text(buf, ht - 1);
        assert!(
            bar.contains(" 3 marked: b bad  g good  c claim  x resolve  T team  U clear"),
            "{bar}"
        );
        assert!(!bar.contains("u undo"), "{bar}");
        assert_eq!(bar.contains("? help"), w > 80, "{bar}");
        snap!(format!("bulk_marked_{w}x{ht}"), t);
        h.key(KeyCode::Char('b'));
        snap!(format!("bulk_reason_picker_{w}x{ht}"), h.draw());
    }
}

/// Narrower, the marked-set hints drop the least needed first (the way
/// out of the marks stays); they show the keys in force.
#[test]
fn marked_hints_degrade_and_follow_the_keymap() {
    let bar = |h: &mut Harness, ht: u16| {
        let t = h.draw();
        row_text(t.backend().buffer(), ht - 1)
    };
    for (w, ht, want) in [
        (
            60,
            20,
            " 3 marked: b bad  g good  c claim  x resolve  U clear local ",
        ),
        (45, 16, " 3 marked: b bad  g good  U clear      local "),
    ] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('3'));
        h.typed("   ");
        assert_eq!(bar(&mut h, ht), want);
    }
    // The vim preset moves the good verdict to `+`.
    let mut h = Harness::new(80, 24);
    h.state.keymap = handoff::app::keymap::Keymap::vim();
    h.key(KeyCode::Char('3'));
    h.typed("  ");
    let line = bar(&mut h, 24);
    assert!(line.contains(" 2 marked: b bad  + good  c claim"), "{line}");
}

#[test]
fn chord_hint_shows_what_can_follow() {
    let mut h = Harness::new(80, 24);
    h.state.keymap = handoff::app::keymap::Keymap::vim();
    h.key(KeyCode::Char('g'));
    let t = h.draw();
    let last = row_text(t.backend().buffer(), 23);
    assert!(
        last.contains("g … g top") && last.contains("Esc cancels"),
        "{last}"
    );
    snap!("chord_hint_80x24", t);
}

#[test]
fn config_problems_at_start() {
    let mut h = Harness::new(80, 24);
    h.state.modal = Some(handoff::app::state::Modal::Problems {
        lines: vec![
            "/home/maya/.config/handoff/config.toml:2: unknown field `agnet`".into(),
            "/home/maya/.config/handoff/config.toml:7: [keys.queue] `x`: unknown action `flag_bda`"
                .into(),
        ],
    });
    snap!("config_problems_80x24", h.draw());
}

#[test]
fn theme_presets() {
    for name in ["dark", "light", "high-contrast", "monochrome"] {
        let Some(theme) = Theme::builtin(name) else {
            panic!("{name} missing");
        };
        for (w, ht) in [(80, 24), (120, 40)] {
            let mut h = Harness::new(w, ht);
            // A marked row and a verdict in view, so every queue style shows.
            h.key(KeyCode::Char(' '));
            let t = h.draw_with(&theme);
            let shown = if name == "monochrome" {
                with_modifiers(&t)
            } else {
                with_colours(&t)
            };
            insta::assert_snapshot!(format!("theme_{name}_{w}x{ht}"), shown);
        }
    }
}

#[test]
fn sorted_by_confidence() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('3'));
        for _ in 0..3 {
            h.key(KeyCode::Char('o'));
        }
        assert_eq!(h.state.sort.label(), "confidence, lowest first");
        snap!(format!("sorted_confidence_{w}x{ht}"), h.draw());
    }
}

// ---- the compact mode (under 80 columns) ---------------------------------

#[test]
fn compact_mode() {
    for (w, ht) in [(60, 20), (45, 16)] {
        let mut h = Harness::new(w, ht);
        snap!(format!("compact_mine_{w}x{ht}"), h.draw());
        h.key(KeyCode::Char('3'));
        snap!(format!("compact_all_{w}x{ht}"), h.draw());
        h.key(KeyCode::Enter);
        snap!(format!("compact_summary_{w}x{ht}"), h.draw());
        let mut d = Harness::demo(w, ht);
        snap!(format!("compact_demo_{w}x{ht}"), d.draw());
        d.key(KeyCode::Char('/'));
        snap!(format!("compact_filter_{w}x{ht}"), d.draw());
        let t = Harness::new(w, ht).draw_with(&Theme::monochrome());
        insta::assert_snapshot!(format!("compact_monochrome_{w}x{ht}"), with_modifiers(&t));
    }
}

/// Under 80 columns, urgency reads without colour: the SLA glyph and the
/// priority (a word, or a glyph in the narrowest queues) on every row.
#[test]
fn compact_rows_keep_urgency_glyphs_and_priority() {
    for (w, ht, urgent, high) in [(60, 20, "URG", "high"), (45, 16, "!", "↑")] {
        let h = Harness::new(w, ht);
        let t = h.draw_with(&Theme::monochrome());
        let buf = t.backend().buffer();
        let Some(y) = find_queue_row(buf, "Dana") else {
            panic!("{w}: breached row missing");
        };
        let row = row_text(buf, y);
        assert!(row.contains("✖-15m") && row.contains(high), "{row}");
        // Names shorten to "Dana W." rather than being cut mid-word.
        assert!(
            row.contains("★Dana W.") || row.contains("★Dana Whitfield"),
            "{row}"
        );
        let Some(y) = find_queue_row(buf, "Ravi") else {
            panic!("{w}: at-risk row missing");
        };
        let row = row_text(buf, y);
        assert!(row.contains("▲20m") && row.contains(urgent), "{row}");
    }
}

/// From 40 to 79 columns the top line, the queue header, the status bar and
/// the summary's labels use short forms instead of cut words.
#[test]
fn compact_mode_cuts_no_labels_down_to_40() {
    for w in 40..80 {
        let mut h = Harness::new(w, 40);
        h.key(KeyCode::Enter);
        let t = h.draw();
        let buf = t.backend().buffer();
        let queue = handoff::view::layout::areas(w, 40, false).queue;
        for (what, y) in [("top line", 0), ("header", queue.y), ("status bar", 39)] {
            let line = row_text(buf, y);
            assert!(!line.contains('…'), "{w}: {what} cut: {line:?}");
        }
        let detail = handoff::view::layout::areas(w, 40, true).detail;
        for y in detail.y + 1..detail.y + detail.height {
            let line = row_text(buf, y);
            let label: String = line.chars().take(9).collect();
            assert!(!label.contains('…'), "{w}: label cut: {line:?}");
        }
        let text = screen_text(&t);
        assert!(
            text.contains("WHY ") && text.contains("ISSUE "),
            "{w}:\n{text}"
        );
    }
}

// ---- move to a team, bulk note (issue 5) --------------------------------

/// `T` with two marked: every team the agents and handoffs name, with its
/// open handoffs and which are mine; ↓ moves the pick.
#[test]
fn team_picker() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('3'));
        h.typed("  ");
        h.key(KeyCode::Char('T'));
        h.key(KeyCode::Down);
        let t = h.draw();
        let text = screen_text(&t);
        assert!(text.contains("Move to team · 2 handoffs"), "{text}");
        for line in ["1  accounts", "2  billing", "3  security"] {
            assert!(text.contains(line), "{line} missing:\n{text}");
        }
        let buf = t.backend().buffer();
        let picked = find_row(buf, "▸ 2").map(|y| row_text(buf, y));
        assert!(
            picked.is_some_and(|r| r.contains("billing") && r.contains("your team")),
            "{text}"
        );
        assert!(text.contains("Esc cancels"), "{text}");
        snap!(format!("team_picker_{w}x{ht}"), t);
    }
}

/// After a bulk `b` and a reason: one note box for the batch.
#[test]
fn bulk_verdict_note() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('3'));
        h.typed("   ");
        h.key(KeyCode::Char('b'));
        h.key(KeyCode::Char('2'));
        h.typed("asked for the wrong invoice");
        let t = h.draw();
        let text = screen_text(&t);
        assert!(
            text.contains("+ 2 more") && text.contains("Optional note"),
            "{text}"
        );
        assert!(text.contains("wrong or missing data collected"), "{text}");
        assert!(text.contains("Ctrl-e editor"), "{text}");
        snap!(format!("bulk_verdict_note_{w}x{ht}"), t);
    }
}

// ---- issue 14: screens that say what they mean ------------------------------

#[test]
fn side_by_side_from_160_columns_keeps_every_queue_column() {
    let mut h = Harness::new(180, 40);
    h.key(KeyCode::Char('3'));
    let t = h.draw();
    let text = screen_text(&t);
    for column in ["TEAM", "WHO", "CONF", "CMP", "VERDICT"] {
        assert!(text.contains(column), "{column} at 180 columns");
    }
    assert!(handoff::view::layout::areas(180, 40, false).side_by_side);
    snap!("section_all_180x40", t);
}

#[test]
fn the_bots_note_is_one_key_from_its_summary() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.select("HO-1002");
        // At the end of the summary.
        h.key(KeyCode::Enter);
        h.key(KeyCode::End);
        let summary = screen_text(&h.draw());
        assert!(
            summary.contains("v shows the bot's note as it was written"),
            "{summary}"
        );
        h.key(KeyCode::Char('v'));
        let t = h.draw();
        let text = screen_text(&t);
        assert!(text.contains("bot note"), "the pane says what it shows");
        assert!(text.contains("As the bot wrote it"), "{text}");
        snap!(format!("bot_note_{w}x{ht}"), t);
    }
}

#[test]
fn bot_held_rows_do_not_repeat_pending() {
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::new(w, ht);
        h.key(KeyCode::Char('3'));
        let all = h.draw();
        let row = find_queue_row(all.backend().buffer(), "Jonas");
        let row = row.map(|y| row_text(all.backend().buffer(), y));
        assert!(
            row.as_deref().is_some_and(|r| r.contains("pending · ")),
            "All says which rows are pending: {row:?}"
        );
        h.key(KeyCode::Char('4'));
        let held = h.draw();
        let buf = held.backend().buffer();
        let row = find_queue_row(buf, "Jonas").map(|y| row_text(buf, y));
        assert!(
            row.as_deref().is_some_and(|r| !r.contains("pending")),
            "every row here is pending: {row:?}"
        );
        snap!(format!("section_bot_held_{w}x{ht}"), held);
    }
}

#[test]
fn the_summary_title_names_the_customer_at_every_width() {
    for w in [30, 45, 60, 80, 100, 120, 160, 200] {
        let mut h = Harness::new(w, 24);
        h.select("HO-1001");
        let t = h.draw();
        let buf = t.backend().buffer();
        let area = handoff::view::layout::areas(w, 24, false).detail;
        if area.height == 0 {
            continue;
        }
        let title = row_text(buf, area.y);
        assert!(title.contains("HO-1001"), "{w}: {title}");
        assert!(title.contains("Dana"), "{w}: {title}");
    }
}

#[test]
fn a_big_bulk_verdict_asks_once() {
    let list: Vec<Handoff> = (1..=12)
        .map(|i| {
            let mut h = handoffs()[0].clone();
            h.id = format!("HO-2{i:03}");
            h
        })
        .collect();
    for (w, ht) in [(80, 24), (120, 40)] {
        let mut h = Harness::with(list.clone(), w, ht);
        h.key(KeyCode::Char('A'));
        h.key(KeyCode::Char('b'));
        let t = h.draw();
        assert!(screen_text(&t).contains("Flag 12 handoffs as bad?"));
        snap!(format!("bulk_confirm_{w}x{ht}"), t);
    }
}
