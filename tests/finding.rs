//! Finding a handoff with `/` (and `queue --filter`) as an agent does: by a
//! customer's name, with or without its accents, or by an id — that
//! customer first, and little else.

use chrono::{DateTime, Utc};

use handoff::domain::demo;
use handoff::domain::filter::{self, Query};
use handoff::domain::queue::{self, QueueRow, Rows};

fn now() -> DateTime<Utc> {
    demo::ANCHOR
        .parse()
        .unwrap_or_else(|e| panic!("anchor: {e}"))
}

struct Queue {
    rows: Rows,
    order: Vec<u32>,
}

impl Queue {
    fn of(handoffs: Vec<demo_item::Item>) -> Queue {
        let rows = Rows::from(
            handoffs
                .iter()
                .map(|i| QueueRow::from_handoff(&i.handoff, None))
                .collect::<Vec<_>>(),
        );
        let mut order: Vec<u32> = (0..rows.len() as u32).collect();
        queue::sort_order(&mut order, &rows, now());
        Queue { rows, order }
    }

    fn demo() -> Queue {
        Queue::of(demo::workspace(now()).unwrap_or_else(|e| panic!("demo: {e}")))
    }

    /// The rows `text` finds, best first.
    fn find(&self, text: &str) -> Vec<&QueueRow> {
        let query = Query::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        filter::matching(
            &query,
            &self.rows,
            &self.order,
            demo::DEFAULT_AGENT,
            now(),
            2,
            &|| false,
        )
        .unwrap_or_default()
        .into_iter()
        .map(|i| &self.rows[i])
        .collect()
    }

    fn customers(&self, name: &str) -> usize {
        self.rows.iter().filter(|r| r.customer == name).count()
    }
}

mod demo_item {
    pub use handoff::domain::import::Imported as Item;
}

#[test]
fn a_first_name_finds_that_customer_and_nothing_else() {
    let q = Queue::demo();
    for (word, customer) in [("nathan", "Nathan Greene"), ("megan", "Megan Foster")] {
        let found = q.find(word);
        assert!(!found.is_empty(), "{word}");
        assert_eq!(found.len(), q.customers(customer), "{word}: {found:#?}");
        assert!(found.iter().all(|r| r.customer == customer), "{word}");
    }
}

#[test]
fn accents_fold_both_ways() {
    let q = Queue::demo();
    for (typed, customer) in [
        ("björn", "Björn Eriksson"),
        ("bjorn", "Björn Eriksson"),
        ("BJÖRN ERIKSSON", "Björn Eriksson"),
        ("sofía", "Sofía Ramírez"),
        ("sofia ramirez", "Sofía Ramírez"),
    ] {
        let found = q.find(typed);
        assert_eq!(found.len(), q.customers(customer), "{typed}");
        assert!(found.iter().all(|r| r.customer == customer), "{typed}");
    }
}

#[test]
fn an_id_in_any_case_finds_that_handoff_first() {
    let q = Queue::demo();
    let some = &q.rows[q.rows.len() / 2];
    for typed in [some.id.to_lowercase(), some.id.to_uppercase()] {
        let found = q.find(&typed);
        assert_eq!(found.first().map(|r| &r.id), Some(&some.id), "{typed}");
        assert_eq!(found.len(), 1, "{typed}: {found:#?}");
    }
}

#[test]
fn a_full_name_in_a_big_queue_finds_that_customer_and_little_else() {
    let items = demo::generate(5_000, now(), 7).unwrap_or_else(|e| panic!("{e}"));
    let q = Queue::of(items);
    // Every generated full name: its handoffs first, then at most a few
    // that have both words elsewhere (another Aarav assigned to Omar
    // Haddad): under 1% of the queue, where letters in order anywhere in a
    // row found a quarter of it.
    let mut names: Vec<String> = q.rows.iter().map(|r| r.customer.to_string()).collect();
    names.sort();
    names.dedup();
    for name in names.iter().step_by(7) {
        let found = q.find(name);
        let theirs = q.customers(name);
        assert!(
            found
                .iter()
                .take(theirs)
                .all(|r| r.customer == name.as_str()),
            "{name}: their handoffs come first"
        );
        assert!(
            found.len() <= theirs + q.rows.len() / 100,
            "{name}: {} found for {theirs} handoffs: {:#?}",
            found.len(),
            found
                .iter()
                .map(|r| (&r.customer, &r.issue))
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn the_best_match_comes_first_and_ties_keep_urgency_order() {
    let q = Queue::demo();
    let found = q.find("refund");
    assert!(found.len() > 2);
    // A whole word "refund" before rows where it only starts a word
    // ("refunded"), and within each, the urgency order of the queue.
    let rank = |r: &QueueRow| {
        q.order
            .iter()
            .position(|&i| q.rows[i as usize].id == r.id)
            .unwrap_or(usize::MAX)
    };
    let whole = |r: &QueueRow| {
        [
            Some(r.id.as_str()),
            Some(r.customer.as_str()),
            r.issue.as_deref(),
        ]
        .into_iter()
        .flatten()
        .any(|t| {
            t.to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == "refund")
        })
    };
    let firsts: Vec<bool> = found.iter().map(|r| whole(r)).collect();
    let switch = firsts.iter().position(|w| !w).unwrap_or(firsts.len());
    assert!(firsts[..switch].iter().all(|w| *w));
    let head: Vec<usize> = found[..switch].iter().map(|r| rank(r)).collect();
    assert!(head.windows(2).all(|w| w[0] < w[1]), "{head:?}");
}
