use handoff::store::Store;
fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
fn main() {
    let p = std::env::args().nth(1).unwrap_or_default();
    let s = Store::open(std::path::Path::new(&p)).unwrap();
    let before = rss_kb();
    let t = std::time::Instant::now();
    let rows = s.queue_rows().unwrap();
    let el = t.elapsed();
    let after = rss_kb();
    println!(
        "rows {} load {:?} rss delta {} KB = {} B/row size_of {}",
        rows.len(),
        el,
        after - before,
        (after - before) * 1024 / rows.len() as u64,
        std::mem::size_of::<handoff::domain::queue::QueueRow>()
    );
}
