use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use handoff::app::{Effect, Event, State, update};
use handoff::domain::{queue, routing};
use handoff::store::Store;
use ratatui::{Terminal, backend::TestBackend};
use std::time::Instant;
fn key(c: KeyCode) -> Event {
    Event::Key(KeyEvent::new(c, KeyModifiers::NONE))
}
fn med(mut v: Vec<f64>) -> String {
    v.sort_by(|a, b| a.total_cmp(b));
    format!(
        "med {:.3} ms p99 {:.3} max {:.3}",
        v[v.len() / 2],
        v[v.len() * 99 / 100],
        v[v.len() - 1]
    )
}
fn main() {
    let p = std::env::args().nth(1).unwrap_or_default();
    let mut s = Store::open(std::path::Path::new(&p)).unwrap();
    let rows = s.queue_rows().unwrap();
    let agents = s.agents().unwrap();
    let now = chrono::Utc::now();
    let mut r2 = rows.clone();
    let t = Instant::now();
    queue::sort_by_urgency(&mut r2, now);
    println!("sort {:?}", t.elapsed());
    let t = Instant::now();
    queue::sort_by_urgency(&mut r2, now);
    println!("sort sorted {:?}", t.elapsed());
    let t = Instant::now();
    let routes = routing::route_all(&r2, &agents);
    println!("route_all {:?} ({} routes)", t.elapsed(), routes.len());
    let mut st = State::new("Maya Chen".into(), now);
    update(
        &mut st,
        Event::Resize {
            width: 120,
            height: 40,
        },
    );
    let t = Instant::now();
    let eff = update(&mut st, Event::Loaded { rows, agents });
    println!("Loaded {:?} visible {}", t.elapsed(), st.visible.len());
    let theme = handoff::ui::Theme::dark();
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let run = |st: &mut State, s: &mut Store, eff: Vec<Effect>| {
        let mut q = eff;
        while let Some(e) = q.pop() {
            let ev = handoff::runtime::effects::run(s, "Maya Chen", e);
            q.extend(update(st, ev));
        }
    };
    run(&mut st, &mut s, eff);
    let mut v = vec![];
    for _ in 0..50 {
        let t = Instant::now();
        term.draw(|f| handoff::ui::render(f, &st, &theme)).unwrap();
        v.push(t.elapsed().as_secs_f64() * 1e3);
    }
    println!("frame {}", med(v));
    update(&mut st, key(KeyCode::Char('3')));
    let mut v = vec![];
    for _ in 0..50 {
        let t = Instant::now();
        let e = update(&mut st, key(KeyCode::Char('j')));
        run(&mut st, &mut s, e);
        term.draw(|f| handoff::ui::render(f, &st, &theme)).unwrap();
        v.push(t.elapsed().as_secs_f64() * 1e3);
    }
    println!("key j+detail+frame {}", med(v));
    update(&mut st, key(KeyCode::Char('/')));
    for text in ["refund", "team:billing"] {
        let mut v = vec![];
        for c in text.chars() {
            let t = Instant::now();
            update(&mut st, key(KeyCode::Char(c)));
            v.push(t.elapsed().as_secs_f64() * 1e3);
        }
        println!(
            "filter '{text}' per key {} -> {} visible",
            med(v),
            st.visible.len()
        );
        update(
            &mut st,
            Event::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
        );
    }
    update(&mut st, key(KeyCode::Esc));
    let mut v = vec![];
    let mut ui = vec![];
    for i in 0..200 {
        let c = if i % 2 == 0 { 'g' } else { 'u' };
        let t = Instant::now();
        let e = update(&mut st, key(KeyCode::Char(c)));
        for e in e {
            let t2 = Instant::now();
            let ev = handoff::runtime::effects::run(&mut s, "Maya Chen", e);
            v.push(t2.elapsed().as_secs_f64() * 1e3);
            let t3 = Instant::now();
            update(&mut st, ev);
            ui.push(t3.elapsed().as_secs_f64() * 1e3);
        }
        let _ = t;
    }
    println!("verdict effect (commit+reload) {}", med(v));
    println!("verdict Saved update {}", med(ui));
}
