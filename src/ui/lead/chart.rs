//! Text charts: horizontal bars and sparklines made of block characters, so
//! they work in any terminal, in monochrome, and in snapshots.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::view::text;

const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A bar `value / max` of `width` cells, in eighths of a cell.
pub fn bar(value: u64, max: u64, width: usize) -> String {
    if max == 0 || width == 0 {
        return String::new();
    }
    // Nearest eighth, but never nothing for a value above zero.
    let eighths =
        ((value.min(max) * width as u64 * 8 + max / 2) / max).max(u64::from(value > 0)) as usize;
    let mut s = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        s.push(EIGHTHS[eighths % 8 - 1]);
    }
    s
}

/// "label        ████▌ 9" lines, largest first as given.
pub fn bars(
    items: &[(String, u64)],
    label_width: usize,
    width: usize,
    bar_style: Style,
    label_style: Style,
) -> Vec<Line<'static>> {
    let max = items.iter().map(|(_, v)| *v).max().unwrap_or(0);
    let bar_width = width.saturating_sub(label_width + 10).min(40);
    items
        .iter()
        .map(|(label, value)| {
            Line::from(vec![
                Span::styled(format!(" {}", text::pad(label, label_width)), label_style),
                Span::styled(bar(*value, max, bar_width), bar_style),
                Span::raw(format!(" {value}")),
            ])
        })
        .collect()
}

/// One character per value, scaled 0..=max; `None` (no data) is a space.
pub fn sparkline(values: &[Option<f64>], max: f64) -> String {
    values
        .iter()
        .map(|v| match v {
            Some(v) if max > 0.0 => {
                let i = ((v / max).clamp(0.0, 1.0) * 7.0).round() as usize;
                SPARKS[i.min(7)]
            }
            Some(_) => SPARKS[0],
            None => ' ',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest() {
        assert_eq!(bar(10, 10, 4), "████");
        assert_eq!(bar(5, 10, 4), "██");
        assert_eq!(bar(1, 10, 4), "▍");
        assert_eq!(bar(0, 10, 4), "");
        assert_eq!(bar(3, 0, 4), "");
    }

    #[test]
    fn sparklines_show_gaps_for_missing_weeks() {
        assert_eq!(
            sparkline(&[Some(0.0), None, Some(0.5), Some(1.0)], 1.0),
            "▁ ▅█"
        );
    }
}
