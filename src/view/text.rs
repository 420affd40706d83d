//! Text helpers shared by the widgets: cleaning at the last moment, fixed-width
//! cells and wrapping by display width, so scrolling can count lines.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;

use crate::domain::sanitize;

/// One line of untrusted text, safe to draw. Text is cleaned at ingestion;
/// cleaning again is idempotent and cheap for the few rows on screen, and
/// guards against a backend that forgot.
pub fn one_line(text: &str) -> String {
    sanitize::clean_line(text)
}

/// Untrusted text cut (with '…') and padded to exactly `width` cells.
pub fn cell(text: &str, width: usize) -> String {
    sanitize::pad(&one_line(text), width)
}

/// Untrusted text cut to at most `width` cells, not padded.
pub fn cut(text: &str, width: usize) -> String {
    sanitize::truncate(&one_line(text), width)
}

/// Our own text (labels, numbers, padding) cut and padded to `width` cells.
/// Not cleaned: cleaning would collapse the alignment spaces.
pub fn pad(text: &str, width: usize) -> String {
    sanitize::pad(text, width)
}

/// Our own text cut to `width` cells (not cleaned, spaces kept).
pub fn trunc(text: &str, width: usize) -> String {
    sanitize::truncate(text, width)
}

pub fn width(text: &str) -> usize {
    sanitize::width(text)
}

/// Wrap untrusted multi-line text to `width` cells: breaks at spaces, splits
/// words wider than a line by grapheme, keeps the text's own line breaks.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let cleaned = sanitize::clean(text);
    let mut out = Vec::new();
    for para in cleaned.split('\n') {
        wrap_para(para.trim_end(), width, &mut out);
    }
    // A trailing newline in the source should not leave an empty last line.
    while out.len() > 1 && out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

fn wrap_para(para: &str, width: usize, out: &mut Vec<String>) {
    let mut line = String::new();
    let mut used = 0usize;
    for (i, word) in para.split(' ').enumerate() {
        let w = sanitize::width(word);
        let gap = usize::from(i > 0);
        if used + gap + w <= width {
            if i > 0 {
                line.push(' ');
            }
            line.push_str(word);
            used += gap + w;
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        used = 0;
        if w <= width {
            line.push_str(word);
            used = w;
            continue;
        }
        // A word longer than the line (URLs, error ids): split by grapheme.
        for g in word.graphemes(true) {
            let gw = sanitize::width(g);
            if used + gw > width && !line.is_empty() {
                out.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push_str(g);
            used += gw;
        }
    }
    out.push(line);
}

/// Wrap styled segments (untrusted text, cleaned here) to `width` cells,
/// keeping each segment's style and the text's own line breaks. Breaks at
/// spaces; a word wider than the line is split by grapheme.
pub fn wrap_spans(segments: &[Span<'_>], width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut lines: Vec<Vec<(String, Style)>> = Vec::new();
    let mut cur: Vec<(String, Style)> = Vec::new();
    let mut cur_w = 0usize;
    // Index in `cur` of the last space: where a soft break may go.
    let mut last_space: Option<usize> = None;
    for seg in segments {
        let cleaned = sanitize::clean(&seg.content);
        for g in cleaned.graphemes(true) {
            if g == "\n" {
                lines.push(std::mem::take(&mut cur));
                (cur_w, last_space) = (0, None);
                continue;
            }
            let gw = sanitize::width(g);
            if cur_w + gw > width {
                if g == " " {
                    // The break itself: the space is not carried over.
                    lines.push(std::mem::take(&mut cur));
                    (cur_w, last_space) = (0, None);
                    continue;
                }
                if let Some(i) = last_space.take() {
                    let rest = cur.split_off(i + 1);
                    cur.pop();
                    lines.push(std::mem::replace(&mut cur, rest));
                    cur_w = cur.iter().map(|(g, _)| sanitize::width(g)).sum();
                }
                if cur_w + gw > width && !cur.is_empty() {
                    lines.push(std::mem::take(&mut cur));
                    cur_w = 0;
                }
            }
            cur.push((g.to_string(), seg.style));
            cur_w += gw;
            if g == " " {
                last_space = Some(cur.len() - 1);
            }
        }
    }
    lines.push(cur);
    // A trailing newline should not leave an empty last line.
    while lines.len() > 1 && lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.into_iter().map(merge).collect()
}

/// Graphemes back into as few spans as their styles allow.
fn merge(graphemes: Vec<(String, Style)>) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    for (g, style) in graphemes {
        match spans.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push_str(&g),
            _ => spans.push(Span::styled(g, style)),
        }
    }
    // Trailing spaces of a soft-wrapped line are noise.
    if let Some(last) = spans.last_mut() {
        let trimmed = last.content.trim_end().to_string();
        last.content = trimmed.into();
    }
    Line::from(spans)
}

/// `first` on the first line (blanks of `indent` cells on the others), then
/// the segments wrapped into the remaining width.
pub fn hanging(
    first: Vec<Span<'static>>,
    indent: usize,
    segments: &[Span<'_>],
    width: usize,
) -> Vec<Line<'static>> {
    let mut first = Some(first);
    wrap_spans(segments, width.saturating_sub(indent))
        .into_iter()
        .map(|l| {
            let mut spans = first
                .take()
                .unwrap_or_else(|| vec![Span::raw(" ".repeat(indent))]);
            spans.extend(l.spans);
            Line::from(spans)
        })
        .collect()
}

/// Spans laid end to end until `width` runs out; the last one that does not
/// fit is cut with '…'. For one-line headers built from several parts.
pub fn fit_spans(spans: Vec<Span<'_>>, width: usize) -> Vec<Span<'_>> {
    let mut used = 0usize;
    let mut out = Vec::with_capacity(spans.len());
    for s in spans {
        let w = sanitize::width(&s.content);
        if used + w <= width {
            used += w;
            out.push(s);
            continue;
        }
        let room = width - used;
        if room > 0 {
            out.push(Span::styled(sanitize::truncate(&s.content, room), s.style));
        }
        break;
    }
    out
}

/// A name that fits `width` cells without cutting a word where a shorter
/// form exists: "Dana Whitfield", else "Dana W.", else "Dana", else cut.
pub fn short_name(name: &str, width: usize) -> String {
    if self::width(name) <= width {
        return name.to_string();
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    if let (Some(first), Some(last)) = (words.first(), words.last())
        && words.len() > 1
    {
        let initial: String = last.chars().take(1).collect();
        let candidates = [format!("{first} {initial}."), (*first).to_string()];
        if let Some(fit) = candidates.into_iter().find(|c| self::width(c) <= width) {
            return fit;
        }
    }
    cut(name, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_shorten_before_they_are_cut() {
        assert_eq!(short_name("Dana Whitfield", 14), "Dana Whitfield");
        assert_eq!(short_name("Dana Whitfield", 10), "Dana W.");
        assert_eq!(short_name("Aleksander Zielinski", 10), "Aleksander");
        assert_eq!(short_name("Bartholomew Zielinski", 8), "Barthol…");
        assert_eq!(short_name("Cher", 8), "Cher");
    }

    #[test]
    fn wraps_by_display_width() {
        assert_eq!(wrap("aaa bbb ccc", 7), vec!["aaa bbb", "ccc"]);
        assert_eq!(
            wrap("日本語のテキスト", 6),
            vec!["日本語", "のテキ", "スト"]
        );
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("one\ntwo\n", 10), vec!["one", "two"]);
        assert_eq!(wrap("", 10), vec![""]);
    }

    #[test]
    fn wrapped_lines_never_exceed_width() {
        let text = "a 👩‍💻 b 漢字漢字漢字 https://example.com/a/very/long/path?x=1 end";
        for w in 2..20 {
            for l in wrap(text, w) {
                assert!(sanitize::width(&l) <= w, "{l:?} > {w}");
            }
        }
    }

    #[test]
    fn styled_wrap_keeps_styles_and_width() {
        let bold = Style::new().bold();
        let segs = [
            Span::raw("see "),
            Span::styled("INV-2291 now", bold),
            Span::raw(" ok"),
        ];
        let lines = wrap_spans(&segs, 9);
        let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(text, vec!["see", "INV-2291", "now ok"]);
        assert_eq!(lines[1].spans[0].style, bold);
        for w in 1..30 {
            for l in wrap_spans(&[Span::raw("漢字 a👩‍💻b longwordlongword x")], w.max(2)) {
                assert!(l.width() <= w.max(2), "{l:?}");
            }
        }
    }

    #[test]
    fn wrap_cleans_escapes() {
        let lines = wrap("hi \u{1b}]0;pwned\u{7}there\u{202e}x", 40);
        assert!(
            lines
                .iter()
                .all(|l| !l.contains('\u{1b}') && !l.contains('\u{202e}'))
        );
    }
}
