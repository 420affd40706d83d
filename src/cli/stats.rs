//! `handoff stats`: every quality figure with its sample size, against the
//! window before it, overall or broken down by team, priority, procedure,
//! trigger or agent. Definitions: docs/metrics.md.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::output::{Failure, print, to_json};
use crate::domain::duration;
use crate::domain::metrics::figures::count_of;
use crate::domain::metrics::{
    self, APPROPRIATE_TARGET, COMPLETENESS_TARGET, Count, Dimension, Distribution, Group, Quality,
    Ratio, Window, wording,
};
use crate::domain::queue::short_duration;
use crate::domain::sanitize::{clean_line, pad};
use crate::workspace::{Options, Workspace};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ByArg {
    Team,
    Priority,
    Procedure,
    Trigger,
    /// The current assignee
    Agent,
}

impl ByArg {
    fn dimension(self) -> Dimension {
        match self {
            ByArg::Team => Dimension::Team,
            ByArg::Priority => Dimension::Priority,
            ByArg::Procedure => Dimension::Procedure,
            ByArg::Trigger => Dimension::Trigger,
            ByArg::Agent => Dimension::Agent,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Window length ending now, e.g. 24h, 7d, 2w; compared with the same
    /// length before it
    #[arg(long, value_name = "DURATION", default_value = "7d")]
    since: String,
    /// Break every figure down by this
    #[arg(long, value_enum, value_name = "DIMENSION")]
    by: Option<ByArg>,
    /// Print JSON: both windows' figures, each with numerator and denominator
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV: one row per figure (and group)
    #[arg(long)]
    csv: bool,
}

pub fn run(opts: &Options, args: Args) -> Result<(), Failure> {
    let now = Utc::now();
    let window = window_arg(&args.since, now)?;
    let ws = Workspace::open(opts, true, now)?;
    let inputs = ws.store.metric_inputs(window.previous().from)?;
    let overall = metrics::compare(&inputs, window, now);
    let by = args.by.map(ByArg::dimension);
    let groups = by
        .map(|d| metrics::breakdown(&inputs, window, now, d))
        .unwrap_or_default();
    if args.json {
        return print(&to_json(&JsonReport {
            window,
            previous_window: overall.previous_window,
            by,
            overall: JsonFigures::new(&overall.current, &overall.previous),
            groups: groups
                .iter()
                .map(|g| JsonGroup {
                    group: &g.group,
                    figures: JsonFigures::new(&g.current, &g.previous),
                })
                .collect(),
        })?);
    }
    if args.csv {
        return print(&csv(&overall.current, &overall.previous, by, &groups)?);
    }
    let mut out = format!(
        "Handoff quality, last {} ({}), against the {} before\n",
        args.since.trim(),
        span(window),
        args.since.trim()
    );
    out.push_str(&format!(
        "{} handoffs escalated (previous window: {})\n\n",
        overall.current.handoffs, overall.previous.handoffs
    ));
    match by {
        None => {
            out.push_str(&block(&overall.current, &overall.previous));
            out.push_str(&bad_counts(&overall.current, &overall.previous));
            for (d, title, cols) in [
                (Dimension::Team, "By team", Cols::All),
                (Dimension::Priority, "By priority", Cols::Response),
                (Dimension::Procedure, "By AI procedure", Cols::Handle),
            ] {
                let groups = metrics::breakdown(&inputs, window, now, d);
                out.push_str(&speed_table(title, d, &groups, cols));
            }
        }
        Some(d) => {
            for g in &groups {
                out.push_str(&format!(
                    "── {} {} · {} handoffs (previous {})\n",
                    d.as_str(),
                    clean_line(&g.group),
                    g.current.handoffs,
                    g.previous.handoffs
                ));
                out.push_str(&block(&g.current, &g.previous));
                out.push_str(&top_reasons(&g.current));
                out.push('\n');
            }
            if groups.is_empty() {
                out.push_str("No handoffs in either window.\n");
            }
        }
    }
    out.push_str(&coverage_note(overall.current.verdict_coverage));
    if ws.holds_demo()? {
        out.push_str(&format!("{}\n", wording::DEMO_SOURCE));
    }
    print(&out)
}

/// The window of `since` ending at `now`, or a usage error saying why not.
pub(super) fn window_arg(since: &str, now: DateTime<Utc>) -> Result<Window, Failure> {
    let length = duration::parse(since).map_err(|e| Failure::usage(format!("--since: {e}")))?;
    if length <= chrono::Duration::zero() {
        return Err(Failure::usage(format!(
            "--since: '{}' is an empty window; give a length such as 7d",
            since.trim()
        )));
    }
    Ok(Window::ending(now, length))
}

/// "2025-12-25 12:00 → 2026-01-01 12:00 UTC"
pub(super) fn span(w: Window) -> String {
    format!("{} → {} UTC", minute(w.from), minute(w.to))
}

pub(super) fn minute(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// "12m", or "—" when unknown.
pub(super) fn secs(s: Option<u64>) -> String {
    s.map_or_else(|| "—".to_string(), short_duration)
}

fn dist(d: Distribution) -> String {
    if d.n == 0 {
        return "n/a (n=0)".to_string();
    }
    format!("{} / {} (n={})", secs(d.median), secs(d.p90), d.n)
}

/// "+3 pts", "-6 pts", "= 0 pts", or "—" when either side is n/a.
fn pts(change: Option<f64>) -> String {
    wording::points(change).unwrap_or_else(|| "—".to_string())
}

fn median_change(change: Option<i64>) -> String {
    wording::duration_change(change).unwrap_or_else(|| "—".to_string())
}

/// One line of the figures: what it is and both windows' values.
enum Fig {
    Ratio(Ratio, Ratio, Option<u8>),
    Dist(Distribution, Distribution),
}

/// How to read one figure out of a `Quality`.
enum Of {
    Ratio(fn(&Quality) -> Ratio, Option<u8>),
    Dist(fn(&Quality) -> Distribution),
}

/// (CSV name, label, figure), in the order a lead reads them.
const FIGURES: [(&str, &str, Of); 9] = [
    (
        "completeness",
        "handoff completeness",
        Of::Ratio(|q| q.completeness, Some(COMPLETENESS_TARGET)),
    ),
    (
        "appropriate_escalation",
        "appropriate escalation",
        Of::Ratio(|q| q.appropriate_escalation, Some(APPROPRIATE_TARGET)),
    ),
    (
        "unnecessary_escalation",
        "unnecessary escalation",
        Of::Ratio(|q| q.unnecessary_escalation, None),
    ),
    (
        "verdict_coverage",
        "verdict coverage",
        Of::Ratio(|q| q.verdict_coverage, None),
    ),
    (
        "first_response",
        "first human response",
        Of::Dist(|q| q.first_response),
    ),
    (
        "sla_breached",
        "SLA breached",
        Of::Ratio(|q| q.sla_breached, None),
    ),
    ("handle_time", "handle time", Of::Dist(|q| q.handle_time)),
    (
        "first_touch_resolution",
        "first-touch resolution",
        Of::Ratio(|q| q.first_touch_resolution, None),
    ),
    (
        "reassigned",
        "reassigned",
        Of::Ratio(|q| q.reassigned, None),
    ),
];

fn figures(now: &Quality, prev: &Quality) -> Vec<(&'static str, &'static str, Fig)> {
    FIGURES
        .iter()
        .map(|(name, label, of)| {
            let fig = match of {
                Of::Ratio(get, target) => Fig::Ratio(get(now), get(prev), *target),
                Of::Dist(get) => Fig::Dist(get(now), get(prev)),
            };
            (*name, *label, fig)
        })
        .collect()
}

fn block(now: &Quality, prev: &Quality) -> String {
    let mut out = format!(
        "  {}{}{}{}TARGET\n",
        pad("", 24),
        pad("THIS WINDOW", 20),
        pad("CHANGE", 10),
        pad("PREVIOUS", 28)
    );
    for (_, label, fig) in figures(now, prev) {
        let (cur, change, before, target) = match fig {
            Fig::Ratio(n, p, target) => {
                let flag = match target {
                    Some(t) if n.below(t) == Some(true) => format!("{t}% ⚠"),
                    Some(t) => format!("{t}%"),
                    None => String::new(),
                };
                (n.display(), pts(n.change_pts(p)), p.display(), flag)
            }
            Fig::Dist(n, p) => (
                dist(n),
                median_change(n.median_change(p)),
                dist(p),
                String::new(),
            ),
        };
        let line = format!(
            "  {}{}{}{}{}",
            pad(label, 24),
            pad(&cur, 20),
            pad(&change, 10),
            pad(&format!("vs {before}"), 28),
            target
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&format!(
        "  times are median / p90; {} reassignment{} in all\n",
        now.reassignments,
        if now.reassignments == 1 { "" } else { "s" }
    ));
    out
}

/// Bad handoffs by reason, procedure and trigger, with the previous counts.
fn bad_counts(now: &Quality, prev: &Quality) -> String {
    if now.bad_by_trigger.is_empty() && prev.bad_by_trigger.is_empty() {
        return "\nNo bad handoffs in either window.\n".to_string();
    }
    let mut out = String::new();
    let labels: [fn(&str) -> &str; 3] = [wording::reason_label, |k| k, wording::trigger_label];
    for ((title, n, p), label) in count_lists(now, prev).into_iter().zip(labels) {
        out.push_str(&format!("\n{}{}PREV\n", pad(title, 40), pad("NOW", 6)));
        let rows = merged(n, p);
        if rows.is_empty() {
            out.push_str("  none\n");
        }
        for (key, a, b) in rows {
            out.push_str(&format!(
                "  {}{}{}{}\n",
                pad(&clean_line(label(&key)), 38),
                pad(&a.to_string(), 6),
                pad(&b.to_string(), 6),
                wording::count_change(a, b)
            ));
        }
    }
    out
}

fn count_lists<'a>(
    now: &'a Quality,
    prev: &'a Quality,
) -> [(&'static str, &'a [Count], &'a [Count]); 3] {
    [
        (
            "BAD HANDOFFS BY REASON",
            &now.bad_by_reason,
            &prev.bad_by_reason,
        ),
        (
            "BAD HANDOFFS BY AI PROCEDURE",
            &now.bad_by_procedure,
            &prev.bad_by_procedure,
        ),
        (
            "BAD HANDOFFS BY TRIGGER",
            &now.bad_by_trigger,
            &prev.bad_by_trigger,
        ),
    ]
}

/// Keys of either window with both counts: this window's order, then keys
/// seen only before (largest first).
fn merged(now: &[Count], prev: &[Count]) -> Vec<(String, u64, u64)> {
    let mut out: Vec<(String, u64, u64)> = now
        .iter()
        .map(|c| (c.key.clone(), c.count, count_of(prev, &c.key)))
        .collect();
    let seen: BTreeSet<&str> = now.iter().map(|c| c.key.as_str()).collect();
    out.extend(
        prev.iter()
            .filter(|c| !seen.contains(c.key.as_str()))
            .map(|c| (c.key.clone(), 0, c.count)),
    );
    out
}

fn top_reasons(q: &Quality) -> String {
    if q.bad_by_reason.is_empty() {
        return String::new();
    }
    let list: Vec<String> = q
        .bad_by_reason
        .iter()
        .map(|c| format!("{} {}", wording::reason_label(&c.key), c.count))
        .collect();
    format!("  bad by reason: {}\n", list.join(", "))
}

#[derive(Clone, Copy)]
enum Cols {
    All,
    Response,
    Handle,
}

fn speed_table(title: &str, d: Dimension, groups: &[Group], cols: Cols) -> String {
    if matches!(cols, Cols::Handle) && groups.iter().all(|g| g.current.handle_time.n == 0) {
        return format!("\n{title}: no focus time logged in this window, so no handle time\n");
    }
    let mut out = format!("\n{title} (this window; times are median / p90)\n");
    let header = match cols {
        Cols::All => format!(
            "{}{}{}HANDLE TIME",
            pad("FIRST RESPONSE", 26),
            pad("SLA BREACHED", 18),
            ""
        ),
        Cols::Response => format!("{}SLA BREACHED", pad("FIRST RESPONSE", 26)),
        Cols::Handle => "HANDLE TIME".to_string(),
    };
    out.push_str(&format!(
        "  {}{}\n",
        pad(&d.as_str().to_uppercase(), 20),
        header
    ));
    for g in groups.iter().filter(|g| g.current.handoffs > 0) {
        let q = &g.current;
        let cells = match cols {
            Cols::All => format!(
                "{}{}{}",
                pad(&dist(q.first_response), 26),
                pad(&q.sla_breached.display(), 18),
                dist(q.handle_time)
            ),
            Cols::Response => format!(
                "{}{}",
                pad(&dist(q.first_response), 26),
                q.sla_breached.display()
            ),
            Cols::Handle => dist(q.handle_time),
        };
        out.push_str(&format!("  {}{}\n", pad(&clean_line(&g.group), 20), cells));
    }
    if groups.iter().all(|g| g.current.handoffs == 0) {
        out.push_str("  no handoffs in this window\n");
    }
    out
}

fn coverage_note(coverage: Ratio) -> String {
    match coverage.percent() {
        Some(p) if p < 50.0 => format!(
            "\nVerdicts cover {p:.0}% of handoffs ({}/{}): the verdict rates describe the judged ones only.\n",
            coverage.numerator, coverage.denominator
        ),
        None => "\nNo handoffs in this window.\n".to_string(),
        Some(_) => String::new(),
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    window: Window,
    previous_window: Window,
    by: Option<Dimension>,
    overall: JsonFigures<'a>,
    groups: Vec<JsonGroup<'a>>,
}

#[derive(Serialize)]
struct JsonGroup<'a> {
    group: &'a str,
    #[serde(flatten)]
    figures: JsonFigures<'a>,
}

#[derive(Serialize)]
struct JsonFigures<'a> {
    current: &'a Quality,
    previous: &'a Quality,
    /// Percentage points for ratios, seconds for medians; null when n/a.
    change: serde_json::Map<String, serde_json::Value>,
}

impl<'a> JsonFigures<'a> {
    fn new(current: &'a Quality, previous: &'a Quality) -> JsonFigures<'a> {
        let mut change = serde_json::Map::new();
        for (name, _, fig) in figures(current, previous) {
            let (key, value) = match fig {
                Fig::Ratio(n, p, _) => (
                    format!("{name}_pts"),
                    serde_json::json!(n.change_pts(p).map(|c| (c * 10.0).round() / 10.0)),
                ),
                Fig::Dist(n, p) => (
                    format!("{name}_median_seconds"),
                    serde_json::json!(n.median_change(p)),
                ),
            };
            change.insert(key, value);
        }
        JsonFigures {
            current,
            previous,
            change,
        }
    }
}

const CSV_HEADER: [&str; 18] = [
    "group_by",
    "group",
    "metric",
    "kind",
    "value",
    "numerator",
    "denominator",
    "n",
    "median_seconds",
    "p90_seconds",
    "prev_value",
    "prev_numerator",
    "prev_denominator",
    "prev_n",
    "prev_median_seconds",
    "prev_p90_seconds",
    "change",
    "target_percent",
];

fn csv(
    now: &Quality,
    prev: &Quality,
    by: Option<Dimension>,
    groups: &[Group],
) -> Result<String, Failure> {
    super::output::csv_text(|w| {
        w.write_record(CSV_HEADER)?;
        let mut all: Vec<(&str, &str, &Quality, &Quality)> = vec![("all", "all", now, prev)];
        let by_name = by.map_or("", Dimension::as_str);
        for g in groups {
            all.push((by_name, g.group.as_str(), &g.current, &g.previous));
        }
        for (group_by, group, n, p) in all {
            for row in csv_rows(n, p) {
                let mut record = vec![group_by.to_string(), group.to_string()];
                record.extend(row);
                w.write_record(&record)?;
            }
        }
        Ok(())
    })
}

/// Rows from "metric" on (16 cells), for one group's two windows.
fn csv_rows(now: &Quality, prev: &Quality) -> Vec<Vec<String>> {
    let opt = |v: Option<u64>| v.map(|x| x.to_string()).unwrap_or_default();
    let frac = |r: Ratio| r.value().map(|v| format!("{v:.4}")).unwrap_or_default();
    let mut rows = Vec::new();
    for (name, _, fig) in figures(now, prev) {
        let row = match fig {
            Fig::Ratio(n, p, target) => vec![
                name.to_string(),
                "ratio".into(),
                frac(n),
                n.numerator.to_string(),
                n.denominator.to_string(),
                String::new(),
                String::new(),
                String::new(),
                frac(p),
                p.numerator.to_string(),
                p.denominator.to_string(),
                String::new(),
                String::new(),
                String::new(),
                n.change_pts(p)
                    .map(|c| format!("{c:.1}"))
                    .unwrap_or_default(),
                target.map(|t| t.to_string()).unwrap_or_default(),
            ],
            Fig::Dist(n, p) => vec![
                name.to_string(),
                "distribution".into(),
                String::new(),
                String::new(),
                String::new(),
                n.n.to_string(),
                opt(n.median),
                opt(n.p90),
                String::new(),
                String::new(),
                String::new(),
                p.n.to_string(),
                opt(p.median),
                opt(p.p90),
                n.median_change(p)
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
                String::new(),
            ],
        };
        rows.push(row);
    }
    let names = ["bad_by_reason", "bad_by_procedure", "bad_by_trigger"];
    for (name, (_, n, p)) in names.into_iter().zip(count_lists(now, prev)) {
        for (key, a, b) in merged(n, p) {
            let change = i128::from(a) - i128::from(b);
            let mut row = vec![format!("{name}:{key}"), "count".into(), a.to_string()];
            row.extend(std::iter::repeat_n(String::new(), 5));
            row.push(b.to_string());
            row.extend(std::iter::repeat_n(String::new(), 5));
            row.push(change.to_string());
            row.push(String::new());
            rows.push(row);
        }
    }
    rows
}
