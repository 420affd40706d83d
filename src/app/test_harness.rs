//! What the app's tests share: a fixed clock, handoffs to import, and a
//! harness that drives `update` as the runtime does — keys in, each effect
//! run against a real in-memory store and its result fed back.

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::effect::Effect;
use super::event::Event;
use super::state::State;
use super::update::update;
use crate::domain::agent::Agent;
use crate::domain::handoff::{Customer, Handoff, Priority, Routing, Status, Summary};
use crate::domain::import::Imported;
use crate::runtime::effects;
use crate::store::Store;

pub const ME: &str = "Maya Chen";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

/// An open billing handoff escalated 40 minutes ago, due `due_min` from now.
pub fn handoff(id: &str, assignee: Option<&str>, priority: Priority, due_min: i64) -> Imported {
    let handoff = Handoff {
        id: id.into(),
        created_at: None,
        escalated_at: now() - Duration::minutes(40),
        channel: None,
        language: Some("en".into()),
        status: Status::Open,
        customer: Customer {
            name: format!("Customer {id}"),
            ..Customer::default()
        },
        ai: Default::default(),
        summary: Summary {
            issue: Some(format!("Issue {id}")),
            ..Summary::default()
        },
        note: None,
        routing: Routing {
            team: Some("billing".into()),
            priority,
            assignee: assignee.map(str::to_string),
            sla_due_at: Some(now() + Duration::minutes(due_min)),
            ..Routing::default()
        },
        transcript: vec![],
    };
    Imported {
        raw: String::new(),
        handoff,
    }
}

/// An English-speaking agent with room for ten.
pub fn agent(name: &str, teams: &[&str]) -> Agent {
    Agent {
        name: name.into(),
        teams: teams.iter().map(|t| t.to_string()).collect(),
        skills: vec![],
        languages: vec!["en".into()],
        capacity: 10,
    }
}

pub struct Harness {
    pub state: State,
    pub store: Store,
    /// Every effect `update` asked for, in order.
    pub effects: Vec<Effect>,
}

impl Harness {
    /// `items` imported and `agents` known, me signed in, the queue loaded
    /// on a 120x40 screen.
    pub fn with(items: &[Imported], agents: Vec<Agent>) -> Harness {
        let mut store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        store.import(items, now()).unwrap_or_else(|e| panic!("{e}"));
        store
            .upsert_agents(&agents)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut h = Harness {
            state: State::new(ME.into(), now()),
            store,
            effects: Vec::new(),
        };
        h.send(Event::Resize {
            width: 120,
            height: 40,
        });
        let rows = h.store.queue_rows().unwrap_or_default();
        h.send(Event::Loaded { rows, agents });
        h
    }

    /// Feed an event, run every effect it asks for (recording them), and
    /// feed their results back, as the runtime does.
    pub fn send(&mut self, event: Event) {
        let mut queue = vec![event];
        while let Some(ev) = queue.pop() {
            for effect in update(&mut self.state, ev) {
                self.effects.push(effect.clone());
                queue.push(effects::run(&mut self.store, ME, effect));
            }
        }
    }

    pub fn key(&mut self, code: KeyCode) {
        self.send(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn ctrl(&mut self, c: char) {
        self.send(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::CONTROL,
        )));
    }

    pub fn chars(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// The id of the handoff under the cursor.
    pub fn selected(&self) -> String {
        self.state
            .selected()
            .map(|r| r.id.clone())
            .unwrap_or_default()
    }

    pub fn toast(&self) -> String {
        self.state
            .toast
            .as_ref()
            .map(|t| t.text.clone())
            .unwrap_or_default()
    }
}
