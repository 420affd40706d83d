use handoff::domain::feedback::{Feedback, Verdict};
use handoff::store::Store;
use std::time::Instant;
fn med(mut v: Vec<f64>) -> String {
    v.sort_by(|a, b| a.total_cmp(b));
    format!(
        "med {:.3} ms p90 {:.3} p99 {:.3} max {:.3}",
        v[v.len() / 2],
        v[v.len() * 9 / 10],
        v[v.len() * 99 / 100],
        v[v.len() - 1]
    )
}
fn main() {
    let p = std::env::args().nth(1).unwrap_or_default();
    let mut s = Store::open(std::path::Path::new(&p)).unwrap();
    let rows = s.queue_rows().unwrap();
    let now = chrono::Utc::now();
    let mut v = vec![];
    for i in 0..1000 {
        let id = &rows[(i * 7919) % rows.len()].id;
        let f = Feedback {
            handoff_id: id.clone(),
            verdict: if i % 2 == 0 {
                Verdict::Bad
            } else {
                Verdict::Good
            },
            reasons: vec![],
            note: None,
            agent: "Maya Chen".into(),
            at: now,
        };
        let t = Instant::now();
        s.set_feedback(id, Some(&f), "Maya Chen", now).unwrap();
        v.push(t.elapsed().as_secs_f64() * 1e3);
    }
    println!("set_feedback {}", med(v));
}
