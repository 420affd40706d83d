//! Free-text handoff notes, as bots write them, into a `Summary`.
//!
//! Bots write labelled sections in any order and any case, with synonyms,
//! plain (`Findings:`), markdown (`## Findings`, `**Findings:**`) or as a
//! bold bullet (`- **Findings:** ...`). The parser never loses text: what no
//! section claims is kept verbatim in `unparsed`, unknown sections go to
//! `extra`.
//!
//! Heading rules:
//! - A *known* heading is a line whose label (before the first `:` that is
//!   followed by a space or ends the line, or the whole line) is one of the
//!   synonyms below, case-insensitive, `_` read as a space, a trailing
//!   `(...)` ignored. Text after the colon starts the section's body.
//! - An *unknown* heading is either markdown (`## Label`, `**Label:**`, or a
//!   bold-only line), or a plain `Label:` at the start of a line, where the
//!   label has 1-5 words, starts with a letter and holds only letters,
//!   digits, spaces and `-_'&/()`. So URLs (`https://`), times (`10:30`) and
//!   `Order #4521: shipped` are never headings.
//! - Inside a list section (collected, findings, attempted) only known or
//!   markdown headings start a new section: a plain `Email: a@b.com` there is
//!   an item. Inside collected, plain `Page:` / `Error:` / `Intent:` lines
//!   with a value are items too, because they are common collected facts.
//!   Inside a list, an unknown bold label with a value (`**Email:** x`) is an
//!   item as well; only a heading line on its own starts a section.
//! - Plain bullets (`- Issue: x`) are never headings; bold ones are.
//! - A section runs to the next heading, except that a blank line ends it
//!   when the heading carried its text on the same line (`Next step: x`,
//!   then a blank line, then a sign-off) or when it is a bulleted list and
//!   the line after the blank is not a bullet. Text after such an end, up to
//!   the next heading, goes to `unparsed`. Blank lines inside a section are
//!   kept as paragraph breaks.
//! - A note without a single known heading is not structured: all of it
//!   goes to `unparsed`, and unknown-looking headings are not extracted.
//! - An unknown heading with no body is not a section: its line is kept in
//!   `unparsed` (a title such as `# Handoff note`).

use super::handoff::{
    Attempt, Collected, Escalation, Promise, Source, Summary, Technical, Trigger,
};

/// The summary fields a section can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Issue,
    Intent,
    Collected,
    Findings,
    Attempted,
    Escalation,
    Confidence,
    Sentiment,
    NextStep,
    Promised,
    Page,
    Error,
}

impl Kind {
    fn is_list(self) -> bool {
        matches!(self, Kind::Collected | Kind::Findings | Kind::Attempted)
    }
}

/// Synonyms, normalized (lowercase, single spaces).
const KNOWN: &[(&str, Kind)] = &[
    ("issue", Kind::Issue),
    ("summary", Kind::Issue),
    ("issue summary", Kind::Issue),
    ("customer issue", Kind::Issue),
    ("what the customer asked for", Kind::Issue),
    ("what the customer wants", Kind::Issue),
    ("customer request", Kind::Issue),
    ("problem", Kind::Issue),
    ("intent", Kind::Intent),
    ("category", Kind::Intent),
    ("collected", Kind::Collected),
    ("collected data", Kind::Collected),
    ("data collected", Kind::Collected),
    ("collected info", Kind::Collected),
    ("collected information", Kind::Collected),
    ("information collected", Kind::Collected),
    ("customer details", Kind::Collected),
    ("details", Kind::Collected),
    ("findings", Kind::Findings),
    ("lookups", Kind::Findings),
    ("lookup results", Kind::Findings),
    ("what we found", Kind::Findings),
    ("what i found", Kind::Findings),
    ("what i checked", Kind::Findings),
    ("what the ai found", Kind::Findings),
    ("checks", Kind::Findings),
    ("tried", Kind::Attempted),
    ("attempted", Kind::Attempted),
    ("what the ai tried", Kind::Attempted),
    ("what i tried", Kind::Attempted),
    ("what was tried", Kind::Attempted),
    ("steps taken", Kind::Attempted),
    ("actions taken", Kind::Attempted),
    ("why escalated", Kind::Escalation),
    ("escalation", Kind::Escalation),
    ("escalation reason", Kind::Escalation),
    ("reason for escalation", Kind::Escalation),
    ("escalated because", Kind::Escalation),
    ("handoff reason", Kind::Escalation),
    ("confidence", Kind::Confidence),
    ("ai confidence", Kind::Confidence),
    ("confidence score", Kind::Confidence),
    ("sentiment", Kind::Sentiment),
    ("customer sentiment", Kind::Sentiment),
    ("next step", Kind::NextStep),
    ("next steps", Kind::NextStep),
    ("recommended next step", Kind::NextStep),
    ("recommended action", Kind::NextStep),
    ("recommendation", Kind::NextStep),
    ("suggested action", Kind::NextStep),
    ("suggested next step", Kind::NextStep),
    ("promised", Kind::Promised),
    ("promise", Kind::Promised),
    ("customer was told", Kind::Promised),
    ("expectation set", Kind::Promised),
    ("expectations set", Kind::Promised),
    ("page", Kind::Page),
    ("current page", Kind::Page),
    ("error", Kind::Error),
    ("error message", Kind::Error),
    ("technical error", Kind::Error),
];

/// Where the lines being read belong.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    Unparsed,
    Known(Kind),
    /// Unknown heading, as written, plus its original line (kept in
    /// `unparsed` if the section turns out empty).
    Extra {
        heading: String,
        line: String,
    },
}

#[derive(Debug)]
struct Section {
    target: Target,
    lines: Vec<String>,
    /// Some non-blank line was added (tracked, not recomputed: notes can be
    /// long).
    has_content: bool,
    /// The heading carried its text on the same line (`Issue: ...`).
    inline: bool,
    /// Some line was a bullet: a bulleted list.
    bulleted: bool,
    /// Blank (or rule) lines seen since the last non-blank one, not yet
    /// added: they belong to the section only if more content follows.
    pending: Vec<String>,
}

impl Section {
    fn new(target: Target) -> Self {
        Section {
            target,
            lines: Vec::new(),
            has_content: false,
            inline: false,
            bulleted: false,
            pending: Vec::new(),
        }
    }
    fn push(&mut self, line: String) {
        if !is_blank(&line) {
            // Blank lines inside a section are kept (paragraph breaks).
            if self.has_content {
                self.lines.append(&mut self.pending);
            }
            self.pending.clear();
            self.has_content = true;
            self.bulleted |= strip_bullet(&line).is_some();
        }
        self.lines.push(line);
    }
    /// Does a blank line followed by `next` end this section? Unparsed text
    /// never ends (only headings do). A one-line style section (`Issue: x`)
    /// ends; a bulleted list ends unless another bullet follows; a block
    /// (heading alone on its line, plain body) runs on to the next heading.
    fn ends_before(&self, next: &str) -> bool {
        let next_bullet = strip_bullet(next).is_some();
        match self.target {
            Target::Unparsed => false,
            Target::Known(kind) if kind.is_list() => !next_bullet && (self.inline || self.bulleted),
            _ => self.inline,
        }
    }
}

/// A line that starts a section.
struct Heading {
    target: Target,
    rest: String,
}

/// A line's label/rest split, before deciding whether it is a heading.
struct Labelled<'a> {
    label: &'a str,
    rest: &'a str,
    /// `#` heading or bold label: explicit markup, a strong heading.
    markup: bool,
    /// The label was followed by a colon.
    colon: bool,
}

pub fn parse_note(text: &str) -> Summary {
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let sections = split_sections(&lines);
    if !sections
        .iter()
        .any(|s| matches!(s.target, Target::Known(_)))
    {
        // Not a structured note: keep it whole.
        return Summary {
            unparsed: non_empty(text.trim()),
            ..Summary::default()
        };
    }
    build(sections)
}

fn split_sections(lines: &[&str]) -> Vec<Section> {
    let mut sections = vec![Section::new(Target::Unparsed)];
    for &line in lines {
        let Some(current) = sections.last_mut() else {
            break;
        };
        if let Some(heading) = heading(line, &current.target) {
            let mut section = Section::new(heading.target);
            if !heading.rest.is_empty() {
                section.inline = true;
                section.push(heading.rest);
            }
            sections.push(section);
            continue;
        }
        if is_blank(line) {
            if current.has_content {
                current.pending.push(line.to_string());
            }
            continue;
        }
        if !current.pending.is_empty() && current.ends_before(line) {
            sections.push(Section::new(Target::Unparsed));
        }
        if let Some(current) = sections.last_mut() {
            current.push(line.to_string());
        }
    }
    sections
}

fn is_blank(line: &str) -> bool {
    let t = line.trim();
    // Horizontal rules (`---`, `***`, `===`) separate, like blank lines.
    t.is_empty() || (t.len() >= 3 && t.chars().all(|c| matches!(c, '-' | '*' | '_' | '=')))
}

/// Decide whether `line` starts a section, given whether we are inside a
/// list section (where plain unknown `Label:` lines are items).
fn heading(line: &str, current: &Target) -> Option<Heading> {
    let in_list = matches!(current, Target::Known(k) if k.is_list());
    let in_collected = *current == Target::Known(Kind::Collected);
    let bulleted = strip_bullet(line);
    let body = bulleted.unwrap_or(line).trim();
    let bold_bullet = body.starts_with("**") || body.starts_with("__");
    if bulleted.is_some() && !bold_bullet {
        // Only a bold label makes a bullet a heading.
        return None;
    }
    let labelled = split_label(body)?;
    let rest = labelled.rest.trim().to_string();
    if let Some(kind) = known_kind(labelled.label) {
        // Known labels that are also common collected facts stay items there.
        let fact_like = matches!(kind, Kind::Page | Kind::Error | Kind::Intent);
        if in_collected && fact_like && !rest.is_empty() && (bulleted.is_some() || !labelled.markup)
        {
            return None;
        }
        if !labelled.markup && !labelled.colon && !rest.is_empty() {
            return None;
        }
        return Some(Heading {
            target: Target::Known(kind),
            rest,
        });
    }
    if bulleted.is_some() || (in_list && !rest.is_empty()) {
        // `- **Email:** a@b.com`, or `Email: a@b.com` inside a list: an item.
        return None;
    }
    let label = labelled.label.trim();
    let strong = labelled.markup && (labelled.colon || rest.is_empty());
    let weak = !labelled.markup && labelled.colon && heading_like(label, 5);
    if (strong && heading_like(label, 8)) || (weak && !in_list) {
        return Some(Heading {
            target: Target::Extra {
                heading: label.to_string(),
                line: line.trim().to_string(),
            },
            rest,
        });
    }
    None
}

/// Split a (bullet-stripped, trimmed) line into label and rest.
fn split_label(body: &str) -> Option<Labelled<'_>> {
    // Markdown heading: 1-6 '#' then whitespace ("#4521" is not one).
    let after_hashes = body.trim_start_matches('#');
    let hash_count = body.len() - after_hashes.len();
    let hashes = (1..=6).contains(&hash_count) && after_hashes.starts_with(char::is_whitespace);
    let body = if hashes { after_hashes.trim() } else { body };
    for mark in ["**", "__"] {
        let Some(inner_and_rest) = body.strip_prefix(mark) else {
            continue;
        };
        let Some(close) = inner_and_rest.find(mark) else {
            continue;
        };
        let inner = inner_and_rest[..close].trim();
        let after = &inner_and_rest[close + mark.len()..];
        let (label, inner_colon) = match inner.strip_suffix(':') {
            Some(l) => (l.trim_end(), true),
            None => (inner, false),
        };
        let (rest, outer_colon) = match after.trim_start().strip_prefix(':') {
            Some(r) => (r, true),
            None => (after, false),
        };
        if label.is_empty() {
            return None;
        }
        return Some(Labelled {
            label,
            rest,
            markup: true,
            colon: inner_colon || outer_colon,
        });
    }
    match colon_split(body) {
        Some((label, rest)) => Some(Labelled {
            label,
            rest,
            markup: hashes,
            colon: true,
        }),
        None if body.is_empty() => None,
        // No colon: the whole line is the label (`## Findings`, `FINDINGS`).
        None => Some(Labelled {
            label: body,
            rest: "",
            markup: hashes,
            colon: false,
        }),
    }
}

/// Split at the first ':' if it ends the line or is followed by whitespace
/// (so "https://x" and "10:30" do not split).
fn colon_split(s: &str) -> Option<(&str, &str)> {
    let idx = s.find(':')?;
    let rest = &s[idx + 1..];
    if rest.is_empty() || rest.starts_with(char::is_whitespace) {
        Some((&s[..idx], rest))
    } else {
        None
    }
}

fn normalize_label(label: &str) -> String {
    let mut l = label.trim().to_lowercase().replace('_', " ");
    // "Next step (recommended)" is still "next step".
    if l.ends_with(')') {
        if let Some(open) = l.rfind('(') {
            l.truncate(open);
        }
    }
    let l = l.trim_end_matches(['?', ':']);
    l.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn known_kind(label: &str) -> Option<Kind> {
    let norm = normalize_label(label);
    KNOWN
        .iter()
        .find(|(name, _)| *name == norm)
        .map(|&(_, kind)| kind)
}

/// Does `label` look like a section heading (not prose, URL, order number)?
fn heading_like(label: &str, max_words: usize) -> bool {
    let starts_with_letter = label.chars().next().is_some_and(char::is_alphabetic);
    let words = label.split_whitespace().count();
    let chars_ok = label
        .chars()
        .all(|c| c.is_alphanumeric() || c.is_whitespace() || "-_'&/()’".contains(c));
    starts_with_letter
        && (1..=max_words).contains(&words)
        && label.chars().count() <= 60
        && chars_ok
}

/// The content of a bullet line ("-", "*", "•", "+", "1.", "2)"), or None.
fn strip_bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    for marker in ['-', '*', '•', '+', '–', '·'] {
        if let Some(rest) = t.strip_prefix(marker) {
            if rest.starts_with(char::is_whitespace) {
                return Some(rest.trim_start());
            }
        }
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        // ASCII digits are one byte each, so `digits` is a char boundary.
        let rest = t.get(digits..)?;
        let rest = rest.strip_prefix('.').or_else(|| rest.strip_prefix(')'))?;
        if rest.starts_with(char::is_whitespace) {
            return Some(rest.trim_start());
        }
    }
    None
}

/// List items: bullets start items; an indented plain line after a bullet
/// continues it; other plain lines are items of their own.
fn list_items(lines: &[String]) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut last_was_bullet = false;
    for line in lines {
        if is_blank(line) {
            continue;
        }
        if let Some(content) = strip_bullet(line) {
            // Bold labels (`**Order:** #4521`) are markup, not content.
            items.push(content.replace("**", "").trim().to_string());
            last_was_bullet = true;
            continue;
        }
        let continuation = last_was_bullet && line.starts_with(char::is_whitespace);
        match items.last_mut() {
            Some(prev) if continuation => {
                prev.push(' ');
                prev.push_str(line.trim());
            }
            _ => {
                items.push(line.replace("**", "").trim().to_string());
                last_was_bullet = false;
            }
        }
    }
    items.retain(|i| !i.is_empty());
    items
}

/// Body of a text section: trimmed lines, paragraphs kept.
fn text_body(lines: &[String]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in lines.iter().map(|l| l.trim()) {
        let line = if is_blank(line) { "" } else { line };
        // One blank line between paragraphs, none at the ends.
        if !line.is_empty() || out.last().is_some_and(|l| !l.is_empty()) {
            out.push(line);
        }
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// Append a section's text to a field that may already hold an earlier one.
fn append(field: &mut Option<String>, text: String) {
    if text.is_empty() {
        return;
    }
    match field {
        Some(existing) => {
            existing.push('\n');
            existing.push_str(&text);
        }
        None => *field = Some(text),
    }
}

fn build(sections: Vec<Section>) -> Summary {
    let mut s = Summary::default();
    let mut unparsed: Vec<String> = Vec::new();
    let mut escalation: Option<String> = None;
    let mut promised: Option<String> = None;
    let mut error: Option<String> = None;
    let mut confidence_text: Vec<String> = Vec::new();
    for section in sections {
        match section.target {
            Target::Unparsed => {
                let chunk = section.lines.join("\n");
                if let Some(chunk) = non_empty(&chunk) {
                    unparsed.push(chunk);
                }
            }
            Target::Extra { heading, line } => {
                let body = section
                    .lines
                    .iter()
                    .map(|l| l.trim_end())
                    .collect::<Vec<_>>()
                    .join("\n");
                match non_empty(&body) {
                    Some(body) => s.extra.push((heading, body)),
                    // A heading with nothing under it is just a line of text.
                    None => unparsed.push(line),
                }
            }
            Target::Known(kind) if kind.is_list() => {
                let items = list_items(&section.lines);
                match kind {
                    Kind::Collected => s.collected.extend(items.iter().map(|i| parse_collected(i))),
                    Kind::Findings => s.findings.extend(items),
                    _ => s.attempted.extend(items.iter().map(|i| parse_attempt(i))),
                }
            }
            Target::Known(kind) => {
                let body = text_body(&section.lines);
                match kind {
                    Kind::Issue => append(&mut s.issue, body),
                    Kind::Intent => append(&mut s.intent, body),
                    Kind::Sentiment => append(&mut s.sentiment, body),
                    Kind::NextStep => append(&mut s.next_step, body),
                    Kind::Page => append(&mut s.page, body),
                    Kind::Escalation => append(&mut escalation, body),
                    Kind::Promised => append(&mut promised, body),
                    Kind::Error => append(&mut error, body),
                    Kind::Confidence => {
                        if s.confidence.is_none() {
                            s.confidence = parse_confidence(&body);
                        }
                        if !body.is_empty() {
                            confidence_text.push(body);
                        }
                    }
                    // List kinds are handled above.
                    Kind::Collected | Kind::Findings | Kind::Attempted => {}
                }
            }
        }
    }
    if s.confidence.is_none() {
        // Unreadable confidence: keep what the bot wrote rather than drop it.
        for text in confidence_text {
            s.extra.push(("Confidence".to_string(), text));
        }
    }
    s.escalation = escalation.map(|detail| Escalation {
        trigger: infer_trigger(&detail),
        detail: strip_trigger_name(&detail),
    });
    s.promised = promised.map(|text| Promise { text, due_at: None });
    s.technical = error.map(|e| Technical {
        error: Some(e),
        client: None,
    });
    s.unparsed = non_empty(&unparsed.join("\n"));
    s
}

/// "Label: value (source)" into a collected fact.
fn parse_collected(item: &str) -> Collected {
    let (body, source) = split_source(item);
    match colon_split(body) {
        Some((label, value))
            if !label.trim().is_empty() && label.split_whitespace().count() <= 6 =>
        {
            Collected {
                label: label.trim().to_string(),
                value: value.trim().to_string(),
                source,
            }
        }
        _ => Collected {
            label: String::new(),
            value: body.trim().to_string(),
            source,
        },
    }
}

/// Strip a trailing "(customer)", "(lookup)", "(page context)" etc.
fn split_source(item: &str) -> (&str, Source) {
    let t = item.trim_end();
    let Some(inner_start) = t.strip_suffix(')').and_then(|s| s.rfind('(')) else {
        return (t, Source::Customer);
    };
    let inner = normalize_label(&t[inner_start + 1..t.len() - 1]);
    let source = match inner.as_str() {
        "customer" | "customer said" | "said by customer" | "from customer"
        | "customer provided" => Source::Customer,
        "lookup" | "system lookup" | "looked up" | "system" | "from lookup" | "crm"
        | "crm lookup" => Source::Lookup,
        "page" | "page context" | "from page" => Source::Page,
        _ => return (t, Source::Customer),
    };
    (t[..inner_start].trim_end(), source)
}

/// "action -> outcome", "action: outcome", "action — outcome".
fn parse_attempt(item: &str) -> Attempt {
    for sep in ["->", "→", "=>", " — ", " – ", "—"] {
        if let Some((action, outcome)) = item.split_once(sep) {
            return attempt(action, outcome);
        }
    }
    if let Some((action, outcome)) = colon_split(item) {
        return attempt(action, outcome);
    }
    if let Some((action, outcome)) = item.split_once(" - ") {
        return attempt(action, outcome);
    }
    attempt(item, "")
}

fn attempt(action: &str, outcome: &str) -> Attempt {
    Attempt {
        action: action.trim().to_string(),
        outcome: outcome.trim().to_string(),
    }
}

/// 0.42, 42%, 42 (read as percent), or low/medium/high.
fn parse_confidence(text: &str) -> Option<f64> {
    let lower = text.to_lowercase();
    let mut chars = lower.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !(c.is_ascii_digit()
            || (c == '.' && chars.peek().is_some_and(|(_, n)| n.is_ascii_digit())))
        {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, n)) = chars.peek() {
            if n.is_ascii_digit() || n == '.' {
                end = i + n.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let Ok(value) = lower[start..end].parse::<f64>() else {
            continue;
        };
        let after = lower[end..].trim_start();
        let out_of = after.strip_prefix('/').and_then(|d| {
            let digits: String = d
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse::<f64>().ok().filter(|d| *d > 0.0)
        });
        let value = match out_of {
            // "7/10"
            Some(denominator) => value / denominator,
            None if after.starts_with('%') || value > 1.0 => value / 100.0,
            None => value,
        };
        if (0.0..=1.0).contains(&value) {
            return Some(value);
        }
    }
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().find_map(|w| match *w {
        "low" => Some(0.25),
        "medium" | "moderate" | "mid" => Some(0.5),
        "high" => Some(0.8),
        _ => None,
    })
}

/// Infer why the AI escalated from free text. The most specific and
/// consequential reason wins: an explicit request, then security, sensitive
/// topics, policy, business rules, confidence, failures, and sentiment last
/// (it often accompanies the others).
/// "negative_sentiment - Third contact..." -> "Third contact...": the trigger
/// is shown beside the detail already, so its name at the front is noise.
fn strip_trigger_name(detail: &str) -> String {
    let lower = detail.to_lowercase();
    for trigger in Trigger::ALL {
        for name in [trigger.as_str(), trigger.label()] {
            // `get` rather than slicing: lowercasing can change byte lengths
            // (the Kelvin sign lowercases to ASCII 'k').
            if let Some(rest) = detail.get(name.len()..).filter(|_| lower.starts_with(name)) {
                let rest =
                    rest.trim_start_matches(|c: char| c.is_whitespace() || "-:—–.,;()".contains(c));
                if !rest.is_empty() && rest.len() < detail.len() {
                    return rest.to_string();
                }
            }
        }
    }
    detail.to_string()
}

fn infer_trigger(text: &str) -> Trigger {
    let t = text.to_lowercase();
    // A bot may name the trigger outright.
    for trigger in Trigger::ALL {
        if trigger != Trigger::Other
            && (t.contains(trigger.as_str()) || t.contains(trigger.label()))
        {
            return trigger;
        }
    }
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    let asked = has(&[
        "asked for a human",
        "asked for an agent",
        "asked for a person",
        "asked for a real",
        "asked for a manager",
        "asked for a supervisor",
        "asked for a representative",
        "asked to speak",
        "asked to talk",
        "requested a human",
        "requested an agent",
        "requested a person",
        "requested a manager",
        "wants a human",
        "wants to speak",
        "wants to talk",
        "speak to a human",
        "talk to a human",
        "speak with a human",
        "real person",
        "live agent",
        "human agent",
    ]);
    let checks: [(bool, Trigger); 8] = [
        (asked, Trigger::CustomerRequestedHuman),
        (
            has(&[
                "security",
                "fraud",
                "takeover",
                "take over",
                "compromis",
                "hacked",
                "phishing",
                "unauthori",
            ]),
            Trigger::Security,
        ),
        (
            has(&[
                "sensitive",
                "legal",
                "lawyer",
                "lawsuit",
                "medical",
                "bereave",
                "passed away",
                "self-harm",
            ]),
            Trigger::SensitiveTopic,
        ),
        (
            has(&["policy", "exception"])
                || (t.contains("outside") && t.contains("window"))
                // A refund beyond what the bot may grant ("refund over the
                // limit") is an exception to policy, as handoff-format.md says.
                || (t.contains("refund") && has(&["limit", "over ", "above", "exceed"])),
            Trigger::PolicyException,
        ),
        (
            has(&["rule", "threshold", "limit", "exceeds", "approval required"]),
            Trigger::BusinessRule,
        ),
        (
            has(&["confidence", "unsure", "not sure", "uncertain"]),
            Trigger::LowConfidence,
        ),
        (
            has(&[
                "fail",
                "repeated",
                "loop",
                "unable to resolve",
                "could not resolve",
                "couldn't resolve",
            ]),
            Trigger::RepeatedFailure,
        ),
        (
            has(&[
                "angry", "frustrat", "upset", "negative", "furious", "annoyed",
            ]),
            Trigger::NegativeSentiment,
        ),
    ];
    checks
        .into_iter()
        .find_map(|(hit, trigger)| hit.then_some(trigger))
        .unwrap_or(Trigger::Other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn collected(label: &str, value: &str, source: Source) -> Collected {
        Collected {
            label: label.to_string(),
            value: value.to_string(),
            source,
        }
    }

    fn attempt_of(action: &str, outcome: &str) -> Attempt {
        attempt(action, outcome)
    }

    #[test]
    fn plain_labelled_note() {
        let note = "Issue: Customer wants a refund for order #4521
Collected:
- Order: #4521 (customer)
- Email: a@b.com (lookup)
Findings:
- Order shipped 45 days ago, outside the 30-day window
Tried:
- Offered store credit -> declined
Why escalated: policy exception - refund outside window
Confidence: 0.42
Sentiment: frustrated, getting worse
Next step: Approve a one-time refund or explain policy
Promised: reply within 4 hours";
        let s = parse_note(note);
        assert_eq!(
            s.issue.as_deref(),
            Some("Customer wants a refund for order #4521")
        );
        assert_eq!(
            s.collected,
            vec![
                collected("Order", "#4521", Source::Customer),
                collected("Email", "a@b.com", Source::Lookup),
            ]
        );
        assert_eq!(
            s.findings,
            vec!["Order shipped 45 days ago, outside the 30-day window"]
        );
        assert_eq!(
            s.attempted,
            vec![attempt_of("Offered store credit", "declined")]
        );
        let esc = s.escalation.expect("escalation");
        assert_eq!(esc.trigger, Trigger::PolicyException);
        assert_eq!(esc.detail, "refund outside window");
        assert_eq!(s.confidence, Some(0.42));
        assert_eq!(s.sentiment.as_deref(), Some("frustrated, getting worse"));
        assert_eq!(
            s.next_step.as_deref(),
            Some("Approve a one-time refund or explain policy")
        );
        assert_eq!(
            s.promised,
            Some(Promise {
                text: "reply within 4 hours".to_string(),
                due_at: None
            })
        );
        assert_eq!(s.unparsed, None);
        assert!(s.extra.is_empty());
        assert_eq!(s.intent, None);
        assert_eq!(s.page, None);
        assert_eq!(s.technical, None);
    }

    #[test]
    fn markdown_note_from_an_llm() {
        let note = "## Summary
Customer cannot log in after changing their phone.

## Customer details
- **Name:** Jane Doe
- **Email:** jane@example.com (lookup)
- **Plan:** Pro (annual)

## What we found
1. Account locked after 5 failed 2FA attempts
2. Last successful login 3 days ago

## Steps taken
1. Sent password reset link → customer did not receive it
2. Verified email address: matches account

**Escalation reason:** Possible account takeover, 2FA device changed
**Confidence:** 30%
**Recommended next step:** Verify identity via ID check, then reset 2FA
";
        let s = parse_note(note);
        assert_eq!(
            s.issue.as_deref(),
            Some("Customer cannot log in after changing their phone.")
        );
        assert_eq!(
            s.collected,
            vec![
                collected("Name", "Jane Doe", Source::Customer),
                collected("Email", "jane@example.com", Source::Lookup),
                collected("Plan", "Pro (annual)", Source::Customer),
            ]
        );
        assert_eq!(
            s.findings,
            vec![
                "Account locked after 5 failed 2FA attempts",
                "Last successful login 3 days ago"
            ]
        );
        assert_eq!(
            s.attempted,
            vec![
                attempt_of("Sent password reset link", "customer did not receive it"),
                attempt_of("Verified email address", "matches account"),
            ]
        );
        let esc = s.escalation.expect("escalation");
        assert_eq!(esc.trigger, Trigger::Security);
        assert_eq!(esc.detail, "Possible account takeover, 2FA device changed");
        assert_eq!(s.confidence, Some(0.3));
        assert_eq!(
            s.next_step.as_deref(),
            Some("Verify identity via ID check, then reset 2FA")
        );
        assert_eq!(s.unparsed, None);
        assert!(s.extra.is_empty());
    }

    #[test]
    fn terse_uppercase_bot_in_another_order() {
        let note = "NEXT STEP: call customer back
CONFIDENCE: low
ESCALATED BECAUSE: customer asked for a human after two failed answers
PROBLEM: double charge on invoice INV-88
INTENT: billing.refund
DATA COLLECTED:
Invoice: INV-88 (system lookup)
Amount: $49.00
Page: /billing (page context)
Error: card_declined
LOOKUPS:
Two charges of $49.00 on 2024-03-01
ERROR: gateway timeout 504
PAGE: /billing/invoices";
        let s = parse_note(note);
        assert_eq!(s.next_step.as_deref(), Some("call customer back"));
        assert_eq!(s.confidence, Some(0.25));
        assert_eq!(
            s.escalation.as_ref().map(|e| e.trigger),
            Some(Trigger::CustomerRequestedHuman)
        );
        assert_eq!(s.issue.as_deref(), Some("double charge on invoice INV-88"));
        assert_eq!(s.intent.as_deref(), Some("billing.refund"));
        assert_eq!(
            s.collected,
            vec![
                collected("Invoice", "INV-88", Source::Lookup),
                collected("Amount", "$49.00", Source::Customer),
                collected("Page", "/billing", Source::Page),
                collected("Error", "card_declined", Source::Customer),
            ]
        );
        assert_eq!(s.findings, vec!["Two charges of $49.00 on 2024-03-01"]);
        assert_eq!(
            s.technical,
            Some(Technical {
                error: Some("gateway timeout 504".to_string()),
                client: None
            })
        );
        assert_eq!(s.page.as_deref(), Some("/billing/invoices"));
        assert_eq!(s.unparsed, None);
    }

    #[test]
    fn support_bot_with_customer_line_and_signature() {
        let note = "Customer: Maria Lopez (VIP)
Issue: Can't access account after email change
Collected:
- Old email: maria@old.com (customer said)
- New email: maria@new.com (system lookup)
Why escalated: Customer asked for a human after 3 failed verification attempts
Confidence: 35%

Thanks,
SupportBot v2";
        let s = parse_note(note);
        assert_eq!(
            s.extra,
            vec![("Customer".to_string(), "Maria Lopez (VIP)".to_string())]
        );
        assert_eq!(
            s.issue.as_deref(),
            Some("Can't access account after email change")
        );
        assert_eq!(
            s.collected,
            vec![
                collected("Old email", "maria@old.com", Source::Customer),
                collected("New email", "maria@new.com", Source::Lookup),
            ]
        );
        assert_eq!(
            s.escalation.map(|e| e.trigger),
            Some(Trigger::CustomerRequestedHuman)
        );
        assert_eq!(s.confidence, Some(0.35));
        assert_eq!(s.unparsed.as_deref(), Some("Thanks,\nSupportBot v2"));
    }

    #[test]
    fn bold_headings_without_colons() {
        let note = "**Issue**: refund
**Collected**
- **Order:** 12
- **Page:** /orders (page)
**Attempted**
- refund via API → error 500
**Next step** escalate to billing";
        let s = parse_note(note);
        assert_eq!(s.issue.as_deref(), Some("refund"));
        assert_eq!(
            s.collected,
            vec![
                collected("Order", "12", Source::Customer),
                collected("Page", "/orders", Source::Page),
            ]
        );
        assert_eq!(s.attempted, vec![attempt_of("refund via API", "error 500")]);
        assert_eq!(s.next_step.as_deref(), Some("escalate to billing"));
        assert_eq!(s.page, None);
    }

    #[test]
    fn synonyms_and_label_spellings() {
        let note = "What the customer asked for: a new invoice address
Customer details:
- Company: Acme
Checks: VAT id valid
What the AI tried: updated address: failed validation
Reason for escalation: business rule: address changes above 3 per month need approval
next_step (recommended): approve change
Customer was told: we will email tomorrow
Suggested action: ignored because next step came first";
        let s = parse_note(note);
        assert_eq!(s.issue.as_deref(), Some("a new invoice address"));
        assert_eq!(
            s.collected,
            vec![collected("Company", "Acme", Source::Customer)]
        );
        assert_eq!(s.findings, vec!["VAT id valid"]);
        assert_eq!(
            s.attempted,
            vec![attempt_of("updated address", "failed validation")]
        );
        assert_eq!(
            s.escalation.as_ref().map(|e| e.trigger),
            Some(Trigger::BusinessRule)
        );
        // Two next-step sections: both kept, in order.
        assert_eq!(
            s.next_step.as_deref(),
            Some("approve change\nignored because next step came first")
        );
        assert_eq!(
            s.promised.map(|p| p.text).as_deref(),
            Some("we will email tomorrow")
        );
    }

    #[test]
    fn unknown_sections_and_unparsed_text_are_kept() {
        let note = "Hi team, handing this one over.

Issue: Wants to cancel subscription
Customer mood: calm but firm
Tried: retention offer -> declined

Some trailing thoughts that nobody claimed.
Note: customer is traveling until Friday
See https://help.example.com/cancel: policy page";
        let s = parse_note(note);
        assert_eq!(s.issue.as_deref(), Some("Wants to cancel subscription"));
        assert_eq!(s.attempted, vec![attempt_of("retention offer", "declined")]);
        assert_eq!(
            s.extra,
            vec![
                ("Customer mood".to_string(), "calm but firm".to_string()),
                (
                    "Note".to_string(),
                    "customer is traveling until Friday\nSee https://help.example.com/cancel: policy page".to_string()
                ),
            ]
        );
        assert_eq!(
            s.unparsed.as_deref(),
            Some("Hi team, handing this one over.\nSome trailing thoughts that nobody claimed.")
        );
        assert_eq!(s.sentiment, None);
    }

    #[test]
    fn empty_and_blank_input() {
        assert_eq!(parse_note(""), Summary::default());
        assert_eq!(parse_note("  \n\n\t \n"), Summary::default());
    }

    #[test]
    fn note_without_known_headings_is_all_unparsed() {
        let note = "The customer wants a refund. Note: they were polite.\nNote: call after 5pm\nhttps://example.com/x";
        let s = parse_note(note);
        assert_eq!(s.unparsed.as_deref(), Some(note));
        assert!(s.extra.is_empty());
        assert_eq!(s.issue, None);
        let s = parse_note("  just one line  \n");
        assert_eq!(s.unparsed.as_deref(), Some("just one line"));
    }

    #[test]
    fn false_headings_inside_lists_are_items() {
        let note = "Collected:
Order #4521: shipped
Customer name: Jane
Email: jane@example.com
Details: more facts
Findings:
- Refund policy: 30 days
Note: only known or markdown headings end a list
## Next step
Refund";
        let s = parse_note(note);
        assert_eq!(
            s.collected,
            vec![
                collected("Order #4521", "shipped", Source::Customer),
                collected("Customer name", "Jane", Source::Customer),
                collected("Email", "jane@example.com", Source::Customer),
                collected("", "more facts", Source::Customer),
            ]
        );
        assert_eq!(
            s.findings,
            vec![
                "Refund policy: 30 days",
                "Note: only known or markdown headings end a list"
            ]
        );
        assert_eq!(s.next_step.as_deref(), Some("Refund"));
        assert!(s.extra.is_empty());
    }

    #[test]
    fn urls_and_times_are_not_headings() {
        let note = "Issue: checkout fails
https://shop.example.com/checkout?step=2
At 10:30 the customer retried";
        let s = parse_note(note);
        assert_eq!(
            s.issue.as_deref(),
            Some(
                "checkout fails\nhttps://shop.example.com/checkout?step=2\nAt 10:30 the customer retried"
            )
        );
        assert!(s.extra.is_empty());
    }

    #[test]
    fn blank_lines_end_one_line_sections_and_bullet_lists() {
        let note = "Findings:

- one

- two
plain line in the same block

A plain line after a blank ends a bulleted list
Issue:

Block-style body after a blank line

Second paragraph of the same section
Next step: inline style

Thanks, RefundBot";
        let s = parse_note(note);
        assert_eq!(
            s.findings,
            vec!["one", "two", "plain line in the same block"]
        );
        assert_eq!(
            s.issue.as_deref(),
            Some("Block-style body after a blank line\n\nSecond paragraph of the same section")
        );
        assert_eq!(s.next_step.as_deref(), Some("inline style"));
        assert_eq!(
            s.unparsed.as_deref(),
            Some("A plain line after a blank ends a bulleted list\nThanks, RefundBot")
        );
    }

    #[test]
    fn plain_block_lists_run_to_the_next_heading() {
        let note = "Findings:
Order shipped 45 days ago

Customer has three earlier refunds
Tried: nothing yet

Regards";
        let s = parse_note(note);
        assert_eq!(
            s.findings,
            vec![
                "Order shipped 45 days ago",
                "Customer has three earlier refunds"
            ]
        );
        assert_eq!(s.attempted, vec![attempt_of("nothing yet", "")]);
        assert_eq!(s.unparsed.as_deref(), Some("Regards"));
    }

    #[test]
    fn unparsed_chunks_stay_verbatim() {
        let note = "\n\nHello team,\n\n---\nsee below.\n\nIssue: x";
        let s = parse_note(note);
        assert_eq!(
            s.unparsed.as_deref(),
            Some("Hello team,\n\n---\nsee below.")
        );
        assert_eq!(s.issue.as_deref(), Some("x"));
    }

    #[test]
    fn list_continuation_lines() {
        let note = "Tried:
- Reset the password
  -> customer never got the email
- Resent invoice: bounced
Collected:
* Address: 1 Main St,
  Springfield (customer said)
• Phone: 555-0100
3) Plan: Pro (crm)";
        let s = parse_note(note);
        assert_eq!(
            s.attempted,
            vec![
                attempt_of("Reset the password", "customer never got the email"),
                attempt_of("Resent invoice", "bounced"),
            ]
        );
        assert_eq!(
            s.collected,
            vec![
                collected("Address", "1 Main St, Springfield", Source::Customer),
                collected("Phone", "555-0100", Source::Customer),
                collected("Plan", "Pro", Source::Lookup),
            ]
        );
    }

    #[test]
    fn bold_bullets_and_titles() {
        let note = "# Handoff note
- **Issue:** Package never arrived
- **Findings:** Carrier shows delivered
- **Next step:** File a carrier claim
**Customer history:**
Two previous claims this year";
        let s = parse_note(note);
        assert_eq!(s.issue.as_deref(), Some("Package never arrived"));
        assert_eq!(s.findings, vec!["Carrier shows delivered"]);
        assert_eq!(s.next_step.as_deref(), Some("File a carrier claim"));
        assert_eq!(
            s.extra,
            vec![(
                "Customer history".to_string(),
                "Two previous claims this year".to_string()
            )]
        );
        // An empty-bodied unknown heading is just text.
        assert_eq!(s.unparsed.as_deref(), Some("# Handoff note"));
    }

    #[test]
    fn crlf_lines() {
        let s = parse_note("Issue: a\r\nNext step: b\r\n");
        assert_eq!(s.issue.as_deref(), Some("a"));
        assert_eq!(s.next_step.as_deref(), Some("b"));
    }

    #[test]
    fn attempt_separators() {
        assert_eq!(parse_attempt("a -> b"), attempt_of("a", "b"));
        assert_eq!(parse_attempt("a → b"), attempt_of("a", "b"));
        assert_eq!(parse_attempt("a => b"), attempt_of("a", "b"));
        assert_eq!(parse_attempt("a — b"), attempt_of("a", "b"));
        assert_eq!(parse_attempt("a: b"), attempt_of("a", "b"));
        assert_eq!(
            parse_attempt("reset password - failed"),
            attempt_of("reset password", "failed")
        );
        assert_eq!(
            parse_attempt("re-sent the code"),
            attempt_of("re-sent the code", "")
        );
        assert_eq!(
            parse_attempt("opened https://x.example/a"),
            attempt_of("opened https://x.example/a", "")
        );
    }

    #[test]
    fn collected_sources() {
        assert_eq!(
            parse_collected("Email: a@b.com (lookup)"),
            collected("Email", "a@b.com", Source::Lookup)
        );
        assert_eq!(
            parse_collected("URL: /cart (page)"),
            collected("URL", "/cart", Source::Page)
        );
        assert_eq!(
            parse_collected("Name: Jo (Customer Said)"),
            collected("Name", "Jo", Source::Customer)
        );
        assert_eq!(
            parse_collected("Phone: (555) 0100"),
            collected("Phone", "(555) 0100", Source::Customer)
        );
        assert_eq!(
            parse_collected("order 4521 (lookup)"),
            collected("", "order 4521", Source::Lookup)
        );
        assert_eq!(parse_collected("()"), collected("", "()", Source::Customer));
    }

    #[test]
    fn confidence_forms() {
        assert_eq!(parse_confidence("0.42"), Some(0.42));
        assert_eq!(parse_confidence("42%"), Some(0.42));
        assert_eq!(parse_confidence("42 %"), Some(0.42));
        assert_eq!(parse_confidence("85"), Some(0.85));
        assert_eq!(parse_confidence(".5"), Some(0.5));
        assert_eq!(parse_confidence("7/10"), Some(0.7));
        assert_eq!(parse_confidence("low (0.3)"), Some(0.3));
        assert_eq!(parse_confidence("Low"), Some(0.25));
        assert_eq!(parse_confidence("medium"), Some(0.5));
        assert_eq!(parse_confidence("HIGH"), Some(0.8));
        assert_eq!(parse_confidence("n/a"), None);
        assert_eq!(parse_confidence("150"), None);
        assert_eq!(parse_confidence("1.2.3"), None);
        // Unreadable confidence is kept, not dropped.
        let s = parse_note("Issue: x\nConfidence: unknown");
        assert_eq!(s.confidence, None);
        assert_eq!(
            s.extra,
            vec![("Confidence".to_string(), "unknown".to_string())]
        );
    }

    #[test]
    fn trigger_inference() {
        let cases = [
            (
                "Customer asked for a human",
                Trigger::CustomerRequestedHuman,
            ),
            (
                "they want to speak to a real person",
                Trigger::CustomerRequestedHuman,
            ),
            (
                "Confidence below threshold? no: low confidence in answer",
                Trigger::LowConfidence,
            ),
            ("Not sure which plan applies", Trigger::LowConfidence),
            (
                "Failed to verify identity three times",
                Trigger::RepeatedFailure,
            ),
            ("Stuck in a loop", Trigger::RepeatedFailure),
            ("Customer is angry", Trigger::NegativeSentiment),
            ("frustrated with delays", Trigger::NegativeSentiment),
            ("Mentions a legal claim", Trigger::SensitiveTopic),
            (
                "bereavement: account holder passed away",
                Trigger::SensitiveTopic,
            ),
            (
                "Refund is outside the return window",
                Trigger::PolicyException,
            ),
            ("Refund over the limit", Trigger::PolicyException),
            ("Amount exceeds the refund limit", Trigger::PolicyException),
            ("Refund above $25 needs a human", Trigger::PolicyException),
            (
                "Order value exceeds the approval threshold",
                Trigger::BusinessRule,
            ),
            ("Customer's credit limit reached", Trigger::BusinessRule),
            ("Possible fraud on the card", Trigger::Security),
            ("account compromised", Trigger::Security),
            (
                "security: suspicious login, customer upset",
                Trigger::Security,
            ),
            ("negative_sentiment", Trigger::NegativeSentiment),
            ("weekend coverage", Trigger::Other),
            ("", Trigger::Other),
        ];
        for (text, want) in cases {
            assert_eq!(infer_trigger(text), want, "{text:?}");
        }
    }

    #[test]
    fn headings_helpers() {
        assert!(heading_like("Customer mood", 5));
        assert!(!heading_like("https", 0));
        assert!(!heading_like("Order #4521", 5));
        assert!(!heading_like("10", 5));
        assert!(!heading_like("one two three four five six", 5));
        assert_eq!(known_kind("  NEXT_STEP "), Some(Kind::NextStep));
        assert_eq!(known_kind("Why escalated?"), Some(Kind::Escalation));
        assert_eq!(known_kind("Next step (recommended)"), Some(Kind::NextStep));
        assert_eq!(known_kind("Nextstep"), None);
        assert_eq!(strip_bullet("12. x"), Some("x"));
        assert_eq!(strip_bullet("1234. x"), None);
        assert_eq!(strip_bullet("-x"), None);
        assert_eq!(strip_bullet("#4521"), None);
        assert!(heading("#4521 shipped", &Target::Unparsed).is_none());
        assert!(heading("#hashtag", &Target::Unparsed).is_none());
    }

    #[test]
    fn long_notes_stay_linear() {
        // Quadratic work here would take minutes.
        let n = 50_000;
        let note = format!("Findings:\n{}", "- item\n\n".repeat(n));
        assert_eq!(parse_note(&note).findings.len(), n);
        let note = format!("Issue: x\n{}", "Note: y\n".repeat(n));
        assert_eq!(parse_note(&note).extra.len(), n);
    }

    fn noteish() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "Issue:",
            "Collected:",
            "Findings:",
            "Tried:",
            "Why escalated:",
            "Confidence:",
            "## ",
            "**",
            "__",
            "Note:",
            "- ",
            "* ",
            "• ",
            "1. ",
            "12) ",
            "->",
            "→",
            " — ",
            ": ",
            ":",
            "(",
            ")",
            "(lookup)",
            "%",
            "0.",
            "42",
            "/",
            "\n",
            "\r\n",
            "\n\n",
            " ",
            "\t",
            "a",
            "Order #4521",
            "https://x",
            "é",
            "注",
            "👩\u{200d}💻",
            "---",
        ]);
        prop::collection::vec(pieces, 0..80).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn never_panics(s in prop_oneof![any::<String>(), noteish()]) {
            let _ = parse_note(&s);
        }

        #[test]
        fn unstructured_text_is_kept_whole(s in "[a-z .,\n]{0,200}") {
            let parsed = parse_note(&s);
            let trimmed = s.trim();
            if !parsed.collected.is_empty() || parsed.issue.is_some() {
                // Random letters spelled a known heading; nothing to check.
                return Ok(());
            }
            prop_assert_eq!(parsed.unparsed.as_deref(), (!trimmed.is_empty()).then_some(trimmed));
        }
    }

    #[test]
    fn a_trigger_named_up_front_is_not_repeated_in_the_detail() {
        let s = parse_note("Why escalated: negative_sentiment - Third contact, customer angry");
        let esc = s.escalation.as_ref();
        assert_eq!(esc.map(|e| e.trigger), Some(Trigger::NegativeSentiment));
        assert_eq!(
            esc.map(|e| e.detail.as_str()),
            Some("Third contact, customer angry")
        );
        // A detail that is only the trigger's name keeps it.
        let s = parse_note("Why escalated: low confidence");
        assert_eq!(
            s.escalation.map(|e| e.detail),
            Some("low confidence".into())
        );
    }

    #[test]
    fn first_person_headings_are_known() {
        let s = parse_note(
            "Issue: refund\nWhat I found:\n- paid twice\nWhat I tried:\n- resent invoice -> no change",
        );
        assert_eq!(s.findings, vec!["paid twice".to_string()]);
        assert_eq!(s.attempted.len(), 1);
        assert_eq!(s.unparsed, None);
    }
}
