use handoff::domain::{queue, routing};
use handoff::store::Store;
fn main() {
    let p = std::env::args().nth(1).unwrap_or_default();
    let s = Store::open(std::path::Path::new(&p)).unwrap();
    let mut rows = s.queue_rows().unwrap();
    let agents = s.agents().unwrap();
    queue::sort_by_urgency(&mut rows, chrono::Utc::now());
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..30 {
        n += routing::route_all(&rows, &agents).len();
    }
    println!("route_all {:?} {n}", t.elapsed() / 30);
}
