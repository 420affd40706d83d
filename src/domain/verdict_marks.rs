//! What a verdict looks like inside a helpdesk, the same on every one: tags
//! (`ai-bad-handoff` + `ai-bad-<reason>`, or `ai-good-handoff`) and a private
//! note people can read, ending in our marker. Adapters write these; a
//! refresh reads them back (a teammate's verdict counts for the lead too).

use chrono::{DateTime, Utc};

use super::change::Change;
use super::feedback::{Reason, Verdict};

pub const BAD_TAG: &str = "ai-bad-handoff";
pub const GOOD_TAG: &str = "ai-good-handoff";
const BAD_PREFIX: &str = "ai-bad-";

/// `ai-bad-wrong-data` for `wrong_data`.
pub fn reason_tag(reason: &str) -> String {
    format!("{BAD_PREFIX}{}", reason.replace('_', "-"))
}

/// Ours: the verdict tags and every reason tag (any case: some helpdesks
/// fold it).
pub fn is_ours(tag: &str) -> bool {
    let t = tag.to_ascii_lowercase();
    t == GOOD_TAG || t == BAD_TAG || t.starts_with(BAD_PREFIX)
}

/// The tags that put `verdict` in force.
pub fn tags_for(verdict: Option<&str>, reasons: &[String]) -> Vec<String> {
    match verdict {
        Some("bad") => std::iter::once(BAD_TAG.to_string())
            .chain(reasons.iter().map(|r| reason_tag(r)))
            .collect(),
        Some("good") => vec![GOOD_TAG.to_string()],
        _ => Vec::new(),
    }
}

/// Every tag of ours there is: what a helpdesk with an additive tag API
/// removes (less the new verdict's, and teammates') when a verdict changes
/// or is withdrawn.
pub fn every_tag() -> Vec<String> {
    [GOOD_TAG.to_string(), BAD_TAG.to_string()]
        .into_iter()
        .chain(Reason::ALL.iter().map(|r| reason_tag(r.as_str())))
        .collect()
}

/// The tags after putting `verdict` in force: everyone else's kept, in
/// order, and `keep` (the tags teammates' verdicts need) left on.
pub fn merged_tags(
    current: &[String],
    verdict: Option<&str>,
    reasons: &[String],
    keep: &[String],
) -> Vec<String> {
    let needed = |l: &String| keep.iter().any(|k| k.eq_ignore_ascii_case(l));
    let mut out: Vec<String> = current
        .iter()
        .filter(|l| !is_ours(l) || needed(l))
        .cloned()
        .collect();
    out.extend(tags_for(verdict, reasons));
    let mut seen = std::collections::HashSet::new();
    out.retain(|l| seen.insert(l.clone()));
    out
}

/// The verdict a conversation's tags say, if any: bad wins over good (a
/// bad flag is the signal that must not be lost), reasons in `Reason` order.
pub fn from_tags(tags: &[String]) -> Option<(Verdict, Vec<Reason>)> {
    let lower: Vec<String> = tags.iter().map(|t| t.to_ascii_lowercase()).collect();
    let mut reasons: Vec<Reason> = Reason::ALL
        .into_iter()
        .filter(|r| lower.iter().any(|t| *t == reason_tag(r.as_str())))
        .collect();
    reasons.sort();
    if lower.iter().any(|t| t == BAD_TAG) || !reasons.is_empty() {
        Some((Verdict::Bad, reasons))
    } else if lower.iter().any(|t| t == GOOD_TAG) {
        Some((Verdict::Good, Vec::new()))
    } else {
        None
    }
}

/// The marker a message carries: the key's last 12 hex digits (a UUIDv7
/// starts with the time, so its head repeats within a minute).
pub fn marker(key: &str) -> String {
    let hex: String = key.chars().filter(char::is_ascii_hexdigit).collect();
    let tail = hex.get(hex.len().saturating_sub(12)..).unwrap_or(&hex);
    format!("[handoff:{tail}]")
}

/// Whether `text` carries a marker of ours.
pub fn has_marker(text: &str) -> bool {
    text.contains("[handoff:")
}

/// The private note that carries a verdict to the people reading the
/// helpdesk (without the marker, which the adapter adds).
pub fn note_text(change: &Change) -> Option<String> {
    let Change::Verdict {
        verdict,
        reasons,
        note,
        agent,
        ..
    } = change
    else {
        return None;
    };
    let mut text = match verdict.as_deref() {
        Some("bad") => format!("Bad AI handoff, flagged by {agent} in handoff."),
        Some("good") => {
            format!("Good AI handoff (rightly escalated), marked by {agent} in handoff.")
        }
        _ => format!("AI handoff verdict withdrawn by {agent} in handoff."),
    };
    if !reasons.is_empty() {
        let labels: Vec<&str> = reasons
            .iter()
            .map(|r| Reason::parse(r).map_or(r.as_str(), |r| r.label()))
            .collect();
        text.push_str(&format!("\nReasons: {}", labels.join("; ")));
    }
    if let Some(n) = note.as_deref().filter(|n| !n.trim().is_empty()) {
        text.push_str(&format!("\nNote: {n}"));
    }
    Some(text)
}

/// A verdict note read back from a helpdesk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteVerdict {
    /// `None`: the verdict was withdrawn.
    pub verdict: Option<Verdict>,
    pub reasons: Vec<Reason>,
    pub note: Option<String>,
    /// Who the note says gave it.
    pub agent: String,
}

/// A note [`note_text`] wrote (HTML stripped, as the helpdesk returns it);
/// `None` for anything else.
pub fn parse_note(text: &str) -> Option<NoteVerdict> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next()?;
    let (verdict, agent) = if let Some(rest) = first.strip_prefix("Bad AI handoff, flagged by ") {
        (Some(Verdict::Bad), rest)
    } else if let Some(rest) = first.strip_prefix("Good AI handoff (rightly escalated), marked by ")
    {
        (Some(Verdict::Good), rest)
    } else if let Some(rest) = first.strip_prefix("AI handoff verdict withdrawn by ") {
        (None, rest)
    } else {
        return None;
    };
    let agent = agent.strip_suffix(" in handoff.")?.trim().to_string();
    let mut reasons = Vec::new();
    let mut note = None;
    for line in lines {
        if let Some(list) = line.strip_prefix("Reasons:") {
            reasons = list
                .split(';')
                .filter_map(|l| {
                    let l = l.trim();
                    Reason::ALL
                        .into_iter()
                        .find(|r| r.label() == l || r.as_str() == l)
                })
                .collect();
        } else if let Some(n) = line.strip_prefix("Note:") {
            note = Some(n.trim().to_string()).filter(|n| !n.is_empty());
        }
    }
    Some(NoteVerdict {
        verdict,
        reasons,
        note,
        agent,
    })
}

/// What a helpdesk shows of verdicts on one conversation: every tag on it,
/// and the verdict notes `handoff` wrote there (by anyone), oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    pub tags: Vec<String>,
    pub notes: Vec<MarkNote>,
}

/// A verdict read back from a helpdesk, as it counts for the team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorVerdict {
    /// As the helpdesk names them; "unknown" for a verdict with tags only.
    pub agent: String,
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// Who a verdict with tags and no note of ours is put down to.
pub const UNKNOWN_AGENT: &str = "unknown";

/// The verdicts in force on a conversation, from its marks: each author's
/// latest verdict note while verdict tags are on it; the tags alone (by
/// "unknown", at `seen_at`) when no note says who. No verdict tag at all
/// means every verdict was taken off in the helpdesk: none is in force.
pub fn read_back(marks: &Marks, seen_at: DateTime<Utc>) -> Vec<AuthorVerdict> {
    let Some((tagged, tag_reasons)) = from_tags(&marks.tags) else {
        return Vec::new();
    };
    let mut latest: std::collections::BTreeMap<&str, (&MarkNote, NoteVerdict)> =
        std::collections::BTreeMap::new();
    for note in &marks.notes {
        if let Some(parsed) = parse_note(&note.text) {
            match latest.get(note.author.as_str()) {
                Some((seen, _)) if seen.at > note.at => {}
                _ => {
                    latest.insert(note.author.as_str(), (note, parsed));
                }
            }
        }
    }
    let found: Vec<AuthorVerdict> = latest
        .into_iter()
        .filter_map(|(author, (note, parsed))| {
            Some(AuthorVerdict {
                agent: author.to_string(),
                verdict: parsed.verdict?,
                reasons: parsed.reasons,
                note: parsed.note,
                at: note.at,
            })
        })
        .collect();
    if found.is_empty() {
        return vec![AuthorVerdict {
            agent: UNKNOWN_AGENT.to_string(),
            verdict: tagged,
            reasons: tag_reasons,
            note: None,
            at: seen_at,
        }];
    }
    found
}

/// The tags the verdicts of everyone but `me` need on a conversation, so
/// withdrawing or changing mine leaves theirs on.
pub fn others_tags(notes: &[MarkNote], me: &str) -> Vec<String> {
    let marks = Marks {
        tags: vec![BAD_TAG.to_string()],
        notes: notes.to_vec(),
    };
    read_back(&marks, Utc::now())
        .into_iter()
        .filter(|v| v.agent != me && v.agent != UNKNOWN_AGENT)
        .flat_map(|v| {
            let reasons: Vec<String> = v.reasons.iter().map(|r| r.as_str().to_string()).collect();
            tags_for(Some(v.verdict.as_str()), &reasons)
        })
        .collect()
}

/// One of our verdict notes as the helpdesk holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkNote {
    /// Its author as the helpdesk names them.
    pub author: String,
    pub at: DateTime<Utc>,
    /// Its text, HTML stripped.
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn tags_merge_keeps_others_and_swaps_ours() {
        let cur = strings(&["billing", "ai-good-handoff", "vip", "ai-bad-misrouted"]);
        let bad = merged_tags(&cur, Some("bad"), &strings(&["wrong_data"]), &[]);
        assert_eq!(
            bad,
            ["billing", "vip", "ai-bad-handoff", "ai-bad-wrong-data"]
        );
        assert_eq!(
            merged_tags(&cur, Some("good"), &[], &[]),
            ["billing", "vip", "ai-good-handoff"]
        );
        assert_eq!(merged_tags(&cur, None, &[], &[]), ["billing", "vip"]);
        // A teammate's bad verdict keeps its tags when mine goes.
        let keep = strings(&["ai-bad-handoff", "ai-bad-misrouted"]);
        assert_eq!(
            merged_tags(&cur, None, &[], &keep),
            ["billing", "vip", "ai-bad-misrouted"]
        );
    }

    fn note(author: &str, mins: i64, text: &str) -> MarkNote {
        MarkNote {
            author: author.into(),
            at: DateTime::from_timestamp(1_800_000_000 + mins * 60, 0).unwrap_or_default(),
            text: text.into(),
        }
    }

    #[test]
    fn verdicts_read_back_per_author_while_tagged() {
        let seen = DateTime::from_timestamp(1_900_000_000, 0).unwrap_or_default();
        let notes = vec![
            note(
                "Aiko Tanaka",
                1,
                "Bad AI handoff, flagged by Aiko in handoff.\nReasons: misrouted\n\n[handoff:aa]",
            ),
            note(
                "Ben Ode",
                2,
                "Good AI handoff (rightly escalated), marked by Ben in handoff.\n\n[handoff:bb]",
            ),
            note(
                "Ben Ode",
                3,
                "AI handoff verdict withdrawn by Ben in handoff.\n\n[handoff:cc]",
            ),
            note("Aiko Tanaka", 0, "Customer asked again. [handoff:dd]"),
        ];
        let marks = Marks {
            tags: strings(&["ai-bad-handoff", "ai-bad-misrouted", "vip"]),
            notes: notes.clone(),
        };
        let back = read_back(&marks, seen);
        assert_eq!(back.len(), 1, "{back:?}");
        assert_eq!(back[0].agent, "Aiko Tanaka");
        assert_eq!(back[0].verdict, Verdict::Bad);
        assert_eq!(back[0].reasons, vec![Reason::Misrouted]);
        // Tags taken off in the helpdesk: nothing is in force any more.
        let untagged = Marks {
            tags: strings(&["vip"]),
            notes,
        };
        assert!(read_back(&untagged, seen).is_empty());
        // Tags with no note of ours: someone, unknown, flagged it.
        let bare = Marks {
            tags: strings(&["ai-bad-handoff", "ai-bad-wrong-data"]),
            notes: Vec::new(),
        };
        let back = read_back(&bare, seen);
        assert_eq!(back.len(), 1);
        assert_eq!((back[0].agent.as_str(), back[0].at), (UNKNOWN_AGENT, seen));
        assert_eq!(back[0].reasons, vec![Reason::WrongData]);
    }

    #[test]
    fn others_tags_leave_mine_out() {
        let notes = vec![
            note(
                "Maya Chen",
                1,
                "Bad AI handoff, flagged by Maya in handoff.\nReasons: wrong or missing data collected\n[handoff:aa]",
            ),
            note(
                "Aiko Tanaka",
                2,
                "Bad AI handoff, flagged by Aiko in handoff.\nReasons: misrouted\n[handoff:bb]",
            ),
        ];
        assert_eq!(
            others_tags(&notes, "Maya Chen"),
            ["ai-bad-handoff", "ai-bad-misrouted"]
        );
        assert!(others_tags(&notes[..1], "Maya Chen").is_empty());
    }

    #[test]
    fn every_tag_is_ours() {
        let all = every_tag();
        assert!(all.iter().all(|t| is_ours(t)));
        assert!(all.contains(&"ai-bad-wrong-data".to_string()));
        assert_eq!(all.len(), 2 + Reason::ALL.len());
    }

    #[test]
    fn tags_read_back_as_a_verdict() {
        let tags = strings(&[
            "vip",
            "AI-Bad-Handoff",
            "ai-bad-wrong-data",
            "ai-bad-misrouted",
        ]);
        assert_eq!(
            from_tags(&tags),
            Some((Verdict::Bad, vec![Reason::WrongData, Reason::Misrouted]))
        );
        assert_eq!(
            from_tags(&strings(&["ai-good-handoff"])),
            Some((Verdict::Good, Vec::new()))
        );
        assert_eq!(from_tags(&strings(&["billing"])), None);
    }

    #[test]
    fn marker_uses_the_random_tail() {
        assert_eq!(
            marker("01990f5e-6c1a-7b3e-9a53-0f2d5c1e8a41"),
            "[handoff:0f2d5c1e8a41]"
        );
        assert!(has_marker("text\n\n[handoff:0f2d5c1e8a41]"));
    }

    #[test]
    fn a_note_written_reads_back() {
        let change = Change::Verdict {
            verdict: Some("bad".into()),
            reasons: strings(&["wrong_data", "too_late"]),
            note: Some("asked for the wrong order".into()),
            agent: "Aiko Tanaka".into(),
            at: Utc::now(),
        };
        let text = note_text(&change).unwrap_or_default();
        let back = parse_note(&format!("{text}\n\n[handoff:0f2d5c1e8a41]"));
        assert_eq!(
            back,
            Some(NoteVerdict {
                verdict: Some(Verdict::Bad),
                reasons: vec![Reason::WrongData, Reason::TooLate],
                note: Some("asked for the wrong order".into()),
                agent: "Aiko Tanaka".into(),
            })
        );
        let withdrawn = Change::Verdict {
            verdict: None,
            reasons: Vec::new(),
            note: None,
            agent: "Aiko Tanaka".into(),
            at: Utc::now(),
        };
        let back = parse_note(&note_text(&withdrawn).unwrap_or_default());
        assert_eq!(back.map(|n| n.verdict), Some(None));
        assert_eq!(parse_note("Customer called back about the refund."), None);
    }
}
