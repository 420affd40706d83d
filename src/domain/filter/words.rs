//! How one word of the `/` filter matches a piece of a row's text.
//!
//! Both sides are folded (lower case, accents off), so `björn` finds
//! "Bjorn" and `bjorn` finds "Björn". A word matches a piece of text where
//! it occurs as typed, or where its letters occur in order inside one word
//! of the text, starting where that word (or a part of it after `-`, `.`,
//! ...) starts: `prcl` finds "Parcel", `ho1046` finds "HO-1046". Letters
//! spread over a whole sentence do not count: `nathan` finds Nathan, not
//! every row with an n, an a, a t and an h in that order.

use nucleo_matcher::chars;

/// How well a word fits a piece of text, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fit {
    /// Its letters in order inside one word, from the word's start.
    Scattered,
    /// As typed, inside a word ("ana" in "Banana").
    Inside,
    /// As typed, at the start of a word ("nat" in "Nathan").
    Prefix,
    /// As typed, a whole word ("nathan" in "Nathan Greene").
    Whole,
}

/// A word of the query, folded as the rows are.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    text: Box<str>,
    chars: Box<[char]>,
}

impl Word {
    pub fn new(typed: &str) -> Word {
        let text: String = typed.chars().map(fold_char).collect();
        let chars = text.chars().collect();
        Word {
            text: text.into_boxed_str(),
            chars,
        }
    }

    /// Whether a row matching `self` surely matches `shorter` too: it is a
    /// prefix of this word (a word being typed letter by letter).
    pub fn extends(&self, shorter: &Word) -> bool {
        self.text.starts_with(&*shorter.text)
    }

    /// How well the word fits `text` (`None`: not at all). With `scattered`
    /// false only an occurrence as typed counts.
    pub fn fit(&self, text: &str, scattered: bool, scratch: &mut Scratch) -> Option<Fit> {
        let ascii = if text.is_ascii() {
            // Nearly every piece of text: compared in place, lower-cased as
            // it is read.
            text
        } else {
            // Folded once, ASCII kept as it is (most of "Björn Eriksson").
            scratch.text.clear();
            scratch.text.extend(text.chars().map(fold_char));
            if !scratch.text.is_ascii() {
                scratch.chars.clear();
                scratch.chars.extend(scratch.text.chars());
                let first = self.chars.first().copied();
                let starts = scratch
                    .chars
                    .iter()
                    .enumerate()
                    .filter(|&(_, &c)| Some(c) == first)
                    .map(|(i, _)| i);
                return fit(&self.chars, &scratch.chars, scattered, starts, |c| c);
            }
            &scratch.text
        };
        // A word that folds to non-ASCII cannot occur in ASCII text.
        let (Some(&first), true) = (self.text.as_bytes().first(), self.text.is_ascii()) else {
            return None;
        };
        let hay = ascii.as_bytes();
        let (needle, upper) = (self.text.as_bytes(), first.to_ascii_uppercase());
        let lower = |b: u8| b.to_ascii_lowercase();
        if hay.len() < SHORT {
            // An id, a name: a plain loop beats setting up a SIMD search.
            let starts =
                (0..hay.len()).filter(|&i| hay.get(i).is_some_and(|&b| b == first || b == upper));
            return fit(needle, hay, scattered, starts, lower);
        }
        // Where the word could start, found with SIMD: most issues have no
        // such letter, or a few.
        let starts = memchr::memchr2_iter(first, upper, hay);
        fit(needle, hay, scattered, starts, lower)
    }
}

/// Text shorter than this is searched without SIMD.
const SHORT: usize = 32;

/// Buffers for folding a row's non-ASCII text, reused across rows.
#[derive(Debug, Default)]
pub struct Scratch {
    text: String,
    chars: Vec<char>,
}

/// A unit of text the matcher steps over: a byte of ASCII text or a char.
trait Unit: Copy + Eq {
    /// A letter or digit: what words are made of.
    fn in_word(self) -> bool;
    fn is_space(self) -> bool;
}

impl Unit for u8 {
    fn in_word(self) -> bool {
        self.is_ascii_alphanumeric()
    }
    fn is_space(self) -> bool {
        self.is_ascii_whitespace()
    }
}

impl Unit for char {
    fn in_word(self) -> bool {
        self.is_alphanumeric()
    }
    fn is_space(self) -> bool {
        self.is_whitespace()
    }
}

/// The best fit of `needle` (folded) in `hay`, whose units `fold` folds;
/// `starts` are the positions of the needle's first unit in `hay`.
fn fit<T: Unit>(
    needle: &[T],
    hay: &[T],
    scattered: bool,
    starts: impl Iterator<Item = usize>,
    fold: impl Fn(T) -> T,
) -> Option<Fit> {
    let rest = needle.get(1..)?;
    let starts_word = |i: usize| i == 0 || hay.get(i - 1).is_none_or(|&u| !u.in_word());
    let mut best: Option<Fit> = None;
    for i in starts {
        let after = i + needle.len();
        let verbatim = hay
            .get(i + 1..after)
            .is_some_and(|h| h.iter().zip(rest).all(|(&h, &w)| fold(h) == w));
        if verbatim {
            let ends_word = hay.get(after).is_none_or(|&u| !u.in_word());
            let found = match (starts_word(i), ends_word) {
                (true, true) => Fit::Whole,
                (true, false) => Fit::Prefix,
                _ => Fit::Inside,
            };
            best = best.max(Some(found));
            if found == Fit::Whole {
                break;
            }
        } else if scattered
            && best.is_none()
            && starts_word(i)
            && in_one_word(rest, hay, i + 1, &fold)
        {
            best = Some(Fit::Scattered);
        }
    }
    best
}

/// Whether `letters` occur in order in `hay` from `from` up to the next
/// space, leaving out at most one letter for every two of the word:
/// `prcl` finds "parcel", but `tan` does not find "tracking".
fn in_one_word<T: Unit>(letters: &[T], hay: &[T], from: usize, fold: &impl Fn(T) -> T) -> bool {
    let mut want = letters.iter().peekable();
    let mut skipped = 0;
    let most = letters.len().div_ceil(2);
    for &unit in hay.get(from..).unwrap_or_default() {
        let Some(&&w) = want.peek() else {
            break;
        };
        if unit.is_space() || skipped > most {
            break;
        }
        if fold(unit) == w {
            want.next();
        } else {
            skipped += 1;
        }
    }
    want.peek().is_none() && skipped <= most
}

/// Lower case, accents off: how both the words and the rows are compared.
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    chars::to_lower_case(chars::normalize(c))
}

/// `text` folded as the filter matches it, when that changes anything.
pub(crate) fn fold(text: &str) -> Option<Box<str>> {
    if text.is_ascii() {
        return None;
    }
    Some(
        text.chars()
            .map(fold_char)
            .collect::<String>()
            .into_boxed_str(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fits(word: &str, text: &str) -> Option<Fit> {
        Word::new(word).fit(text, true, &mut Scratch::default())
    }

    #[test]
    fn a_word_as_typed_ranks_by_where_it_sits() {
        assert_eq!(fits("nathan", "Nathan Greene"), Some(Fit::Whole));
        assert_eq!(fits("nat", "Nathan Greene"), Some(Fit::Prefix));
        assert_eq!(fits("than", "Jonathan"), Some(Fit::Inside));
        assert_eq!(fits("1046", "HO-1046"), Some(Fit::Whole));
        assert_eq!(fits("ho-1046", "HO-1046"), Some(Fit::Whole));
        // The best occurrence counts, not the first.
        assert_eq!(fits("an", "Banana an"), Some(Fit::Whole));
    }

    #[test]
    fn letters_in_order_count_inside_one_word_only() {
        assert_eq!(fits("prcl", "Parcel lost"), Some(Fit::Scattered));
        assert_eq!(fits("ho1046", "HO-1046"), Some(Fit::Scattered));
        // Spread over words, or not from a word's start: no match.
        assert_eq!(fits("nathan", "needs a team to handle a new invoice"), None);
        assert_eq!(fits("rcl", "Parcel"), None);
        // Too many letters left out is no longer the word typed.
        assert_eq!(fits("tan", "tracking"), None);
        assert_eq!(
            Word::new("prcl").fit("Parcel", false, &mut Scratch::default()),
            None
        );
    }

    #[test]
    fn accents_fold_both_ways() {
        assert_eq!(fits("björn", "Bjorn Eriksson"), Some(Fit::Whole));
        assert_eq!(fits("bjorn", "Björn Eriksson"), Some(Fit::Whole));
        assert_eq!(fits("sofía", "Sofía Ramírez"), Some(Fit::Whole));
        assert_eq!(fits("RAMIREZ", "Sofía Ramírez"), Some(Fit::Whole));
        assert_eq!(fits("日本", "plain ascii"), None);
        assert_eq!(fits("日本", "Tokyo 日本"), Some(Fit::Whole));
    }

    #[test]
    fn a_longer_word_extends_its_prefix() {
        assert!(Word::new("refund").extends(&Word::new("ref")));
        assert!(!Word::new("refund").extends(&Word::new("fund")));
    }
}
