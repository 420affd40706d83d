//! Calendar dates written in text ("27 Dec", "17 December", "January 15"),
//! moved by a number of days: the demo is written as of one day and shown
//! as of today, and its conversations must not mention dates that its own
//! clocks contradict.

use std::borrow::Cow;

use chrono::{Datelike, Days, NaiveDate};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A month name, whole or its first three letters, and its number (1-12).
fn month(word: &str) -> Option<(u32, bool)> {
    MONTHS.iter().zip(1u32..).find_map(|(name, n)| {
        if word == *name {
            Some((n, true))
        } else {
            (word.len() == 3 && name.starts_with(word)).then_some((n, false))
        }
    })
}

/// `text` with every "D Mon", "D Month" and "Month D" moved by `days`. A
/// date without a year is taken in the year that puts it nearest to
/// `around` (a December date written as of 1 January is last year's).
pub fn shift(text: &str, days: i64, around: NaiveDate) -> Cow<'_, str> {
    if days == 0 || !MONTHS.iter().any(|m| text.contains(&m[..3])) {
        return Cow::Borrowed(text);
    }
    let tokens: Vec<(usize, &str)> = words(text);
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < tokens.len() {
        let (at, word) = tokens[i];
        let next = tokens.get(i + 1).copied();
        let found = match next {
            // "27 Dec", "17 December"
            Some((n_at, n_word)) if n_at == at + word.len() + 1 => {
                match (day(word), month(n_word)) {
                    (Some(d), Some((m, long))) => Some((d, m, long, true, n_at + n_word.len())),
                    _ => match (month(word), day(n_word)) {
                        // "January 15"
                        (Some((m, long)), Some(d)) => {
                            Some((d, m, long, false, n_at + n_word.len()))
                        }
                        _ => None,
                    },
                }
            }
            _ => None,
        };
        let moved = found.and_then(|(d, m, long, day_first, end)| {
            let date = nearest(d, m, around)?;
            let to = if days >= 0 {
                date.checked_add_days(Days::new(days.unsigned_abs()))?
            } else {
                date.checked_sub_days(Days::new(days.unsigned_abs()))?
            };
            let name = MONTHS.get(to.month0() as usize)?;
            let name = if long { name } else { &name[..3] };
            let written = if day_first {
                format!("{} {name}", to.day())
            } else {
                format!("{name} {}", to.day())
            };
            Some((written, end))
        });
        if let Some((written, end)) = moved {
            out.push_str(&text[copied..at]);
            out.push_str(&written);
            copied = end;
            i += 2;
        } else {
            i += 1;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Runs of letters or digits, with where they start.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

fn day(word: &str) -> Option<u32> {
    (word.len() <= 2 && word.bytes().all(|b| b.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
        .filter(|d| (1..=31).contains(d))
}

/// Day `d` of month `m` in the year nearest to `around`.
fn nearest(d: u32, m: u32, around: NaiveDate) -> Option<NaiveDate> {
    [around.year() - 1, around.year(), around.year() + 1]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, m, d))
        .min_by_key(|date| (*date - around).num_days().abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_year() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
    }

    #[test]
    fn dates_move_in_the_style_they_were_written() {
        let on = new_year();
        assert_eq!(
            shift("charged on 27 Dec twice", -28, on),
            "charged on 29 Nov twice"
        );
        assert_eq!(
            shift("due 15 Jan, sent 17 December", -28, on),
            "due 18 Dec, sent 19 November"
        );
        assert_eq!(shift("renews January 15.", 3, on), "renews January 18.");
        assert_eq!(shift("27 Dec", 0, on), "27 Dec");
    }

    #[test]
    fn other_numbers_and_words_stay() {
        let on = new_year();
        for text in [
            "order #40402",
            "INV-2025-130554",
            "7.4.1 on iOS 18.2",
            "May I help?",
            "Decline 3 Decimals",
        ] {
            assert_eq!(shift(text, -10, on), text);
        }
        // "3 May" is a date; "May 3rd" is not read (not how the demo writes).
        assert_eq!(shift("since 3 May", 1, on), "since 4 May");
    }
}
