use handoff::domain::{filter, queue};
use handoff::store::Store;
fn main() {
    let mut a = std::env::args().skip(1);
    let p = a.next().unwrap_or_default();
    let q = a.next().unwrap_or("refund".into());
    let threads: usize = a.next().and_then(|t| t.parse().ok()).unwrap_or(1);
    let s = Store::open(std::path::Path::new(&p)).unwrap();
    let mut rows = s.queue_rows().unwrap();
    let now = chrono::Utc::now();
    if std::env::var("NOSORT").is_err() {
        queue::sort_by_urgency(&mut rows, now);
    }
    let rows: queue::Rows = rows.into();
    let order: Vec<u32> = (0..rows.len() as u32).collect();
    let query = filter::Query::parse(&q).unwrap();
    let cpu = || {
        let st = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
        let f: Vec<u64> = st
            .rsplit(')')
            .next()
            .unwrap()
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        f[10] + f[11]
    };
    let c0 = cpu();
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..10 {
        n = filter::matching(&query, &rows, &order, "Maya Chen", now, threads, &|| false)
            .unwrap()
            .len();
    }
    println!(
        "{q}: {:?} per run, cpu {} ms per run (this thread), {n} hits",
        t.elapsed() / 10,
        (cpu() - c0) * 10 / 10
    );
}
