//! Cleaning text from strangers before it can reach a terminal.
//!
//! Customer names, messages, error strings and bot notes are untrusted. A
//! terminal interprets escape sequences (window title, clipboard, hyperlinks,
//! cursor movement), and Unicode has invisible characters that make what the
//! agent reads differ from what is stored (bidi overrides, zero-width and tag
//! characters, blank fillers). `clean` turns such text into plain, visible
//! text once, at ingestion; the raw text is kept elsewhere for audit.
//!
//! Rules, in order:
//! - Whole escape sequences are removed: 7-bit (`ESC [`, `ESC ]`, `ESC P`,
//!   `ESC X`, `ESC ^`, `ESC _`, two-char `ESC x`, with intermediates) and the
//!   8-bit C1 introducers (U+009B CSI, U+009D OSC, U+0090 DCS, U+0098 SOS,
//!   U+009E PM, U+009F APC; a stray U+009C ST is dropped like `ESC \`).
//! - A CSI ends at its final byte, at the first byte that cannot belong to it
//!   (that byte is then processed as ordinary text), or after
//!   [`MAX_CSI_LEN`] characters.
//! - A string sequence (OSC, DCS, SOS, PM, APC) ends at BEL, ST (`ESC \` or
//!   U+009C), CAN or SUB. If no terminator comes before the next control
//!   character (a newline, a new ESC, ...) the sequence is *unterminated*: only
//!   the introducer and at most [`MAX_UNTERMINATED_LEN`] characters are
//!   removed, and everything from the control character on survives. So an
//!   unterminated OSC can never swallow the next line or a long message.
//! - Other C0 controls and DEL become their Control Pictures symbol
//!   (U+2400..U+2421: `\x07` -> '␇', NUL -> '␀', a stray ESC -> '␛'); other C1
//!   controls become U+FFFD '�'. Exceptions: '\n' stays, "\r\n" and lone '\r'
//!   become '\n', '\t' expands to spaces up to the next multiple of
//!   [`TAB_WIDTH`] columns.
//! - Dropped: bidi controls, zero-width characters (ZWJ survives only between
//!   two pictographic characters, so emoji like 👩‍💻 stay whole), tag
//!   characters, soft hyphen, invisible operators, Hangul fillers, the blank
//!   braille pattern and other blank-looking format characters.
//!   U+2028/U+2029 become '\n'.
//! - Per grapheme: at most [`MAX_DIACRITICS`] generic combining diacritics and
//!   [`MAX_MARKS`] zero-width marks in total ("zalgo"), at most
//!   [`MAX_ZWJ`] ZWJs, and no run of variation selectors.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Longest CSI we remove as one sequence; real ones are a few bytes.
pub const MAX_CSI_LEN: usize = 64;
/// How far we look for the terminator of an OSC/DCS/... string. Large so that
/// a terminated OSC 52 clipboard payload disappears whole.
pub const MAX_STRING_SCAN: usize = 65_536;
/// How much of an *unterminated* OSC/DCS/... body we remove; the rest of the
/// text survives.
pub const MAX_UNTERMINATED_LEN: usize = 256;
/// Tab stops every this many columns.
pub const TAB_WIDTH: usize = 4;
/// Generic combining diacritics (U+0300 block and friends) kept per grapheme.
pub const MAX_DIACRITICS: usize = 2;
/// Zero-width marks of any script kept per grapheme (Hebrew points and
/// cantillation or Indic viramas legitimately stack a few).
pub const MAX_MARKS: usize = 4;
/// ZWJs kept per grapheme: the longest common emoji sequence (family) has 3.
pub const MAX_ZWJ: usize = 3;

const ESC: char = '\u{1b}';
const ZWJ: char = '\u{200d}';

/// Clean multi-line text: keeps newlines, removes escape sequences, makes
/// stray controls visible, drops invisible characters. Idempotent.
pub fn clean(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    // Tab expansion needs the current column. It is measured incrementally
    // (column at `measured`, plus what was written since) so a long line full
    // of tabs stays linear.
    let mut measured = 0usize;
    let mut col = 0usize;
    let mut i = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if let Some(next) = escape_sequence_end(&chars, i) {
            i = next;
            continue;
        }
        match c {
            '\n' | '\u{2028}' | '\u{2029}' => {
                out.push('\n');
                (measured, col) = (out.len(), 0);
            }
            '\r' => {
                out.push('\n');
                (measured, col) = (out.len(), 0);
                if chars.get(i + 1) == Some(&'\n') {
                    i += 1;
                }
            }
            '\t' => {
                col += width(&out[measured..]);
                let spaces = TAB_WIDTH - col % TAB_WIDTH;
                out.extend(std::iter::repeat_n(' ', spaces));
                (measured, col) = (out.len(), col + spaces);
            }
            ESC => out.push('\u{241b}'),
            '\u{0}'..='\u{1f}' => {
                // Control Pictures mirror C0 one to one.
                let picture = char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}');
                out.push(picture);
            }
            '\u{7f}' => out.push('\u{2421}'),
            // Stray ST is harmless but meaningless: dropped like `ESC \`.
            '\u{9c}' => {}
            '\u{80}'..='\u{9f}' => out.push('\u{fffd}'),
            ZWJ => {
                if zwj_joins_emoji(&out, chars.get(i + 1).copied()) {
                    out.push(ZWJ);
                }
            }
            _ if is_dropped(c) => {}
            _ => out.push(c),
        }
        i += 1;
    }
    cap_graphemes(&out)
}

/// Clean text for one line: newlines and runs of whitespace become a single
/// space, trimmed.
pub fn clean_line(text: &str) -> String {
    let cleaned = clean(text);
    let mut out = String::with_capacity(cleaned.len());
    for word in cleaned.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    // Joining lines can attach marks that began a line to the space before
    // them, making a new grapheme: cap again so the result stays stable.
    cap_graphemes(&out)
}

/// An error and each of its sources, once each, as one clean line:
/// "error sending request: client error (Connect): tcp connect error: Connection refused".
/// Strip URLs first (`reqwest::Error::without_url`): they can hold secrets.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    clean_line(&text)
}

/// Display width in terminal cells, summed per grapheme (as ratatui lays
/// text out). Meant for single-line, cleaned text.
pub fn width(text: &str) -> usize {
    text.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// Truncate to at most `max` cells, by grapheme, ending with '…' when cut
/// (the '…' counts toward `max`). A wide character that would overflow is
/// dropped rather than split.
pub fn truncate(text: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    if width(text) <= max {
        return text.to_string();
    }
    let budget = max - 1; // room for '…'
    let mut out = String::new();
    let mut used = 0usize;
    for g in text.graphemes(true) {
        let w = g.width();
        if used + w > budget {
            break;
        }
        used += w;
        out.push_str(g);
    }
    out.push('…');
    out
}

/// Truncate, then pad with spaces to exactly `width` cells: fixed columns.
pub fn pad(text: &str, width: usize) -> String {
    let mut out = truncate(text, width);
    let used = self::width(&out);
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

/// If an escape sequence starts at `i`, the index where ordinary text
/// resumes; `None` when `chars[i]` does not introduce one (a stray ESC
/// included, so that it is shown).
fn escape_sequence_end(chars: &[char], i: usize) -> Option<usize> {
    match chars.get(i)? {
        &ESC => {
            let next = *chars.get(i + 1)?;
            match next {
                '[' => Some(csi_end(chars, i + 2)),
                ']' | 'P' | 'X' | '^' | '_' => Some(string_end(chars, i + 2)),
                // nF: intermediates then a final byte (e.g. `ESC ( B`, `ESC # 8`).
                '\u{20}'..='\u{2f}' => {
                    let mut j = i + 1;
                    while j < chars.len() && j - i <= 8 && ('\u{20}'..='\u{2f}').contains(&chars[j])
                    {
                        j += 1;
                    }
                    match chars.get(j) {
                        Some('\u{30}'..='\u{7e}') => Some(j + 1),
                        _ => None,
                    }
                }
                // Fp/Fe/Fs two-char sequences, e.g. `ESC c` (full reset), `ESC 7`.
                '\u{30}'..='\u{7e}' => Some(i + 2),
                _ => None,
            }
        }
        '\u{9b}' => Some(csi_end(chars, i + 1)),
        '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => Some(string_end(chars, i + 1)),
        _ => None,
    }
}

/// End of a CSI whose parameters start at `start`.
fn csi_end(chars: &[char], start: usize) -> usize {
    let mut j = start;
    while j < chars.len() && j - start < MAX_CSI_LEN {
        match chars[j] {
            // Parameter and intermediate bytes.
            '\u{20}'..='\u{3f}' => j += 1,
            // Final byte: the sequence ends here.
            '\u{40}'..='\u{7e}' => return j + 1,
            // Anything else cannot belong to a CSI: stop before it, so it is
            // processed as text (or as the next sequence).
            _ => return j,
        }
    }
    j
}

/// End of an OSC/DCS/SOS/PM/APC string whose body starts at `start`.
fn string_end(chars: &[char], start: usize) -> usize {
    let unterminated = |stop: usize| stop.min(start + MAX_UNTERMINATED_LEN);
    let mut j = start;
    while j < chars.len() && j - start < MAX_STRING_SCAN {
        match chars[j] {
            // BEL, ST, and CAN/SUB (which abort a sequence in real terminals).
            '\u{7}' | '\u{9c}' | '\u{18}' | '\u{1a}' => return j + 1,
            ESC if chars.get(j + 1) == Some(&'\\') => return j + 2,
            c if c.is_control() => return unterminated(j),
            _ => j += 1,
        }
    }
    unterminated(j)
}

/// Keep a ZWJ only inside an emoji sequence: pictographic (with optional
/// variation selector / skin tone) before it, pictographic right after.
fn zwj_joins_emoji(out: &str, next: Option<char>) -> bool {
    // Bounded look-back: a long run of selectors must not make this quadratic.
    let before = out
        .chars()
        .rev()
        .take(8)
        .find(|&c| !is_variation_selector(c) && !is_emoji_modifier(c));
    before.is_some_and(is_pictographic) && next.is_some_and(is_pictographic)
}

/// Invisible or misleading characters removed outright.
fn is_dropped(c: char) -> bool {
    matches!(
        c,
        // Bidi embedding/override/isolate and marks (Trojan Source).
        '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{061c}'
            // Zero-width space/non-joiner (ZWJ is handled by the caller),
            // word joiner, invisible operators, deprecated format controls.
            | '\u{200b}'
            | '\u{200c}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206a}'..='\u{206f}'
            | '\u{feff}'
            | '\u{180e}'
            // Soft hyphen and combining grapheme joiner: invisible.
            | '\u{ad}'
            | '\u{34f}'
            // Tag characters (hidden "ASCII smuggling").
            | '\u{e0000}'..='\u{e007f}'
            // Blank-looking: Hangul fillers, blank braille, Khmer inherent
            // vowels, musical formatting, interlinear annotation, shorthand
            // format controls.
            | '\u{115f}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{ffa0}'
            | '\u{2800}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{1d159}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{1bca0}'..='\u{1bca3}'
    )
}

fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{fe00}'..='\u{fe0f}' | '\u{e0100}'..='\u{e01ef}')
}

fn is_emoji_modifier(c: char) -> bool {
    matches!(c, '\u{1f3fb}'..='\u{1f3ff}')
}

/// Generic combining diacritics: what zalgo text piles up.
fn is_diacritic(c: char) -> bool {
    matches!(
        c,
        '\u{300}'..='\u{36f}'
            | '\u{483}'..='\u{489}'
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{fe20}'..='\u{fe2f}'
    )
}

/// Approximation of Extended_Pictographic, generous on purpose: it only
/// decides whether a ZWJ may stay.
fn is_pictographic(c: char) -> bool {
    matches!(
        c,
        '\u{a9}'
            | '\u{ae}'
            | '\u{203c}'
            | '\u{2049}'
            | '\u{2122}'
            | '\u{2139}'
            | '\u{2194}'..='\u{2199}'
            | '\u{21a9}'..='\u{21aa}'
            | '\u{231a}'..='\u{231b}'
            | '\u{2328}'
            | '\u{2388}'
            | '\u{23cf}'
            | '\u{23e9}'..='\u{23f3}'
            | '\u{23f8}'..='\u{23fa}'
            | '\u{24c2}'
            | '\u{25aa}'..='\u{25ab}'
            | '\u{25b6}'
            | '\u{25c0}'
            | '\u{25fb}'..='\u{25fe}'
            | '\u{2600}'..='\u{27bf}'
            | '\u{2934}'..='\u{2935}'
            | '\u{2b05}'..='\u{2b07}'
            | '\u{2b1b}'..='\u{2b1c}'
            | '\u{2b50}'
            | '\u{2b55}'
            | '\u{3030}'
            | '\u{303d}'
            | '\u{3297}'
            | '\u{3299}'
            | '\u{1f000}'..='\u{1faff}'
            | '\u{1fc00}'..='\u{1fffd}'
    )
}

/// Per-grapheme caps: combining marks (zalgo), ZWJ chains, runs of variation
/// selectors. The first character of a grapheme is always kept.
fn cap_graphemes(text: &str) -> String {
    // ASCII has no marks, joiners or selectors to cap: skipping the grapheme
    // walk for it halved the time to import 100k handoffs.
    if text.is_ascii() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for g in text.graphemes(true) {
        let mut chars = g.chars();
        let Some(first) = chars.next() else { continue };
        out.push(first);
        let (mut diacritics, mut marks, mut zwjs) = (0usize, 0usize, 0usize);
        let mut prev = first;
        for c in chars {
            let keep = if c == ZWJ {
                zwjs += 1;
                zwjs <= MAX_ZWJ
            } else if is_variation_selector(c) {
                // One selector picks a variant; a run of them hides data.
                !is_variation_selector(prev)
            } else if c.width() == Some(0) {
                marks += 1;
                if is_diacritic(c) {
                    diacritics += 1;
                }
                marks <= MAX_MARKS && diacritics <= MAX_DIACRITICS
            } else {
                true
            };
            if keep {
                out.push(c);
                prev = c;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::hostile::HOSTILE_CORPUS;
    use proptest::prelude::*;

    /// Characters `clean` must never emit.
    fn forbidden(c: char) -> bool {
        (c.is_control() && c != '\n')
            || matches!(
                c,
                '\u{202a}'..='\u{202e}'
                    | '\u{2066}'..='\u{2069}'
                    | '\u{200e}'
                    | '\u{200f}'
                    | '\u{061c}'
                    | '\u{200b}'
                    | '\u{200c}'
                    | '\u{2060}'
                    | '\u{feff}'
                    | '\u{180e}'
                    | '\u{e0000}'..='\u{e007f}'
                    | '\u{2028}'
                    | '\u{2029}'
                    | '\u{115f}'
                    | '\u{1160}'
                    | '\u{3164}'
                    | '\u{ffa0}'
            )
    }

    fn assert_safe(out: &str) {
        if let Some(c) = out.chars().find(|&c| forbidden(c)) {
            panic!("forbidden char {c:?} in {out:?}");
        }
    }

    #[test]
    fn plain_text_is_untouched() {
        for s in [
            "",
            "Hello, world!",
            "line one\nline two",
            "Café ñandú Straße",
            "注文番号 4521 の返金をお願いします",
            "مرحبا، أريد استرداد أموالي",
            "שלום, אני רוצה החזר",
            "Привет 👋 🎉",
            "👩\u{200d}💻 and 👨\u{200d}👩\u{200d}👧\u{200d}👦",
            "❤\u{fe0f}\u{200d}🔥",
            "👍🏽 🇫🇷",
            "क्षि हिन्दी",
            "Việt Nam (e\u{302}\u{301})",
        ] {
            assert_eq!(clean(s), s, "{s:?}");
        }
    }

    #[test]
    fn osc_title_and_clipboard_removed_whole() {
        assert_eq!(clean("a\x1b]0;pwned\x07b"), "ab");
        assert_eq!(clean("a\x1b]2;pwned\x1b\\b"), "ab");
        assert_eq!(clean("copy\x1b]52;c;ZWNobyBwd25lZA==\x07 me"), "copy me");
        assert_eq!(
            clean("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"),
            "click"
        );
        // 8-bit OSC and ST.
        assert_eq!(clean("a\u{9d}0;pwned\u{9c}b"), "ab");
        // A long, terminated clipboard payload still goes whole.
        let long = format!("x\x1b]52;c;{}\x07y", "A".repeat(5000));
        assert_eq!(clean(&long), "xy");
    }

    #[test]
    fn unterminated_osc_does_not_swallow_the_rest() {
        assert_eq!(clean("safe\x1b]0;unterminated\nvisible"), "safe\nvisible");
        assert_eq!(clean("a\x1b]0;title\x1b[31mred"), "ared");
        assert_eq!(clean("end\x1b]0;never"), "end");
        // No control character at all: only a bounded prefix goes.
        let tail = "z".repeat(300);
        let out = clean(&format!("\x1b]0;{tail}"));
        assert_eq!(out, "z".repeat(300 - MAX_UNTERMINATED_LEN + 2));
        // Unterminated DCS followed by a newline.
        assert_eq!(clean("\x1bPq#0;2;0;0;0\nafter"), "\nafter");
    }

    #[test]
    fn csi_sequences_removed() {
        assert_eq!(clean("\x1b[2J\x1b[Hhello"), "hello");
        assert_eq!(clean("\x1b[31mred\x1b[0m plain"), "red plain");
        assert_eq!(clean("\x1b[38;2;255;0;0mrgb\x1b[m"), "rgb");
        assert_eq!(clean("up\x1b[10Adown"), "updown");
        assert_eq!(clean("\x1b[?1049h\x1b[?25l"), "");
        // 8-bit CSI.
        assert_eq!(clean("a\u{9b}2Jb"), "ab");
        assert_eq!(clean("a\u{9b}31mred"), "ared");
        // Malformed CSI: the offending character survives as text.
        assert_eq!(clean("a\x1b[12\u{e9}b"), "a\u{e9}b");
        assert_eq!(clean("a\x1b[1\nb"), "a\nb");
        // CSI at the very end.
        assert_eq!(clean("tail\x1b["), "tail");
    }

    #[test]
    fn other_escape_sequences() {
        assert_eq!(clean("a\x1bcb"), "ab"); // RIS full reset
        assert_eq!(clean("a\x1b7b\x1b8c"), "abc"); // save/restore cursor
        assert_eq!(clean("a\x1b(0b"), "ab"); // charset designation
        assert_eq!(clean("a\x1b#8b"), "ab"); // DECALN
        assert_eq!(clean("a\x1bP1$r0m\x1b\\b"), "ab"); // DCS
        assert_eq!(clean("a\x1b_apc\x1b\\b"), "ab"); // APC
        assert_eq!(clean("a\x1b^pm\x07b"), "ab"); // PM
        assert_eq!(clean("a\x1bXsos\x1b\\b"), "ab"); // SOS
        assert_eq!(clean("a\u{90}dcs\u{9c}b"), "ab"); // 8-bit DCS
        // Stray ESC is made visible.
        assert_eq!(clean("a\x1b"), "a\u{241b}");
        assert_eq!(clean("a\x1b\nb"), "a\u{241b}\nb");
        assert_eq!(clean("a\x1b\u{e9}"), "a\u{241b}\u{e9}");
    }

    #[test]
    fn controls_become_visible() {
        assert_eq!(clean("ding\x07"), "ding\u{2407}");
        assert_eq!(clean("nul\0here"), "nul\u{2400}here");
        assert_eq!(
            clean("abc\x08\x08\x08xyz"),
            "abc\u{2408}\u{2408}\u{2408}xyz"
        );
        assert_eq!(clean("del\x7f"), "del\u{2421}");
        assert_eq!(clean("ff\x0cvt\x0b"), "ff\u{240c}vt\u{240b}");
        // Stray C1 controls other than sequence introducers.
        assert_eq!(clean("a\u{85}b\u{9a}c"), "a\u{fffd}b\u{fffd}c");
        // A stray 8-bit ST is dropped, like ESC \.
        assert_eq!(clean("a\u{9c}b\x1b\\c"), "abc");
    }

    #[test]
    fn newlines_and_tabs() {
        assert_eq!(clean("a\r\nb"), "a\nb");
        assert_eq!(
            clean("Refund approved\rRefund DENIED"),
            "Refund approved\nRefund DENIED"
        );
        assert_eq!(clean("a\r\r\nb"), "a\n\nb");
        assert_eq!(clean("a\u{2028}b\u{2029}c"), "a\nb\nc");
        assert_eq!(clean("\tx"), "    x");
        assert_eq!(clean("ab\tc"), "ab  c");
        assert_eq!(clean("abcd\te"), "abcd    e");
        assert_eq!(clean("a\nb\tc"), "a\nb   c");
        // Wide characters count two columns toward the tab stop.
        assert_eq!(clean("注\tx"), "注  x");
    }

    #[test]
    fn invisible_characters_dropped() {
        // Trojan Source: the override reorders what the reader sees.
        assert_eq!(
            clean("access = \"user\u{202e} \u{2066}// admin\u{2069}\u{2066}\""),
            "access = \"user // admin\""
        );
        assert_eq!(clean("pay\u{200b}pal\u{200c}.com\u{feff}"), "paypal.com");
        assert_eq!(clean("ad\u{200d}min"), "admin");
        assert_eq!(
            clean("a\u{2060}b\u{180e}c\u{200e}d\u{200f}e\u{61c}f"),
            "abcdef"
        );
        assert_eq!(
            clean("hi\u{e0049}\u{e0067}\u{e006e}\u{e006f}\u{e0072}\u{e0065}"),
            "hi"
        );
        assert_eq!(clean("\u{3164}"), "");
        assert_eq!(clean("\u{115f}\u{1160}name\u{ffa0}"), "name");
        assert_eq!(clean("\u{2800}\u{2800}"), "");
        assert_eq!(clean("soft\u{ad}hyphen"), "softhyphen");
    }

    #[test]
    fn zwj_only_between_pictographs() {
        assert_eq!(clean("👩\u{200d}💻"), "👩\u{200d}💻");
        assert_eq!(clean("👩🏽\u{200d}💻"), "👩🏽\u{200d}💻");
        assert_eq!(clean("🏳\u{fe0f}\u{200d}🌈"), "🏳\u{fe0f}\u{200d}🌈");
        assert_eq!(clean("👩\u{200d}a"), "👩a");
        assert_eq!(clean("a\u{200d}💻"), "a💻");
        assert_eq!(clean("\u{200d}💻"), "💻");
        // A chain longer than any real emoji sequence is cut.
        let chain = ["👩"; 8].join("\u{200d}");
        let out = clean(&chain);
        assert_eq!(out.chars().filter(|&c| c == ZWJ).count(), MAX_ZWJ);
        assert_eq!(out.chars().filter(|&c| c == '👩').count(), 8);
    }

    #[test]
    fn zalgo_is_capped() {
        let zalgo = "Z\u{336}\u{31b}\u{35d}\u{334}a\u{337}\u{321}\u{35b}l\u{338}\u{325}\u{300}\u{301}\u{302}g\u{335}o";
        let out = clean(zalgo);
        for g in out.graphemes(true) {
            assert!(
                g.chars().filter(|&c| is_diacritic(c)).count() <= MAX_DIACRITICS,
                "{g:?}"
            );
        }
        assert_eq!(
            out.chars()
                .filter(|c| c.is_ascii_alphabetic())
                .collect::<String>(),
            "Zalgo"
        );
        assert_eq!(clean("e\u{301}\u{302}\u{303}\u{304}"), "e\u{301}\u{302}");
        // Runs of variation selectors (data smuggling) collapse to one.
        assert_eq!(clean("😀\u{fe0f}\u{fe0f}\u{e0100}\u{e0101}"), "😀\u{fe0f}");
    }

    #[test]
    fn clean_line_collapses() {
        assert_eq!(clean_line("  Jane\n\tDoe  \r\n "), "Jane Doe");
        assert_eq!(clean_line("a\x1b]0;t\x07b\u{2028}c"), "ab c");
        assert_eq!(
            clean_line("safe\x1b]0;unterminated\nvisible"),
            "safe visible"
        );
        assert_eq!(clean_line(""), "");
        assert_eq!(clean_line("\u{3000}x\u{a0}\u{a0}y"), "x y");
        // A line starting with marks joins the space before it: still stable.
        let joined = clean_line("\x1b\n\u{301}\u{301}\u{301}");
        assert_eq!(clean_line(&joined), joined);
    }

    #[test]
    fn width_by_grapheme() {
        assert_eq!(width(""), 0);
        assert_eq!(width("abc"), 3);
        assert_eq!(width("注文"), 4);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("👩\u{200d}💻"), 2);
        assert_eq!(width("🇫🇷"), 2);
    }

    #[test]
    fn truncate_by_cells() {
        assert_eq!(truncate("hello", 0), "");
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello", 10), "hello");
        assert_eq!(truncate("hello", 4), "hel…");
        assert_eq!(truncate("hello", 1), "…");
        // Wide char that would overflow is dropped, not split.
        assert_eq!(truncate("注文番号", 4), "注…");
        assert_eq!(truncate("注文番号", 5), "注文…");
        assert_eq!(truncate("ae\u{301}bcd", 3), "ae\u{301}…");
        assert_eq!(truncate("👩\u{200d}💻👩\u{200d}💻", 3), "👩\u{200d}💻…");
    }

    #[test]
    fn pad_to_exact_width() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("abcdef", 4), "abc…");
        assert_eq!(pad("注文番号", 4), "注… ");
        assert_eq!(pad("x", 0), "");
        assert_eq!(width(&pad("注文番号", 6)), 6);
    }

    #[test]
    fn hostile_corpus_is_neutralised() {
        assert!(HOSTILE_CORPUS.len() >= 20);
        for s in HOSTILE_CORPUS {
            let out = clean(s);
            assert_safe(&out);
            assert!(!out.contains("pwned"), "{s:?} -> {out:?}");
            assert_eq!(clean(&out), out, "not idempotent for {s:?}");
            let line = clean_line(s);
            assert!(!line.contains('\n'));
            assert_safe(&line);
        }
    }

    #[test]
    fn large_inputs_stay_linear() {
        // Each of these would take minutes if any step were quadratic.
        let n = 200_000;
        let tabs = "a\t".repeat(n);
        assert_eq!(width(&clean(&tabs)), TAB_WIDTH * n);
        let selectors = format!("👩{}{}💻", "\u{fe0f}".repeat(n), "\u{200d}".repeat(n));
        assert_eq!(clean(&selectors), "👩\u{fe0f}💻");
        let oscs = "\x1b]0;".repeat(n);
        assert_eq!(clean(&oscs), "");
        let marks = format!("a{}", "\u{301}".repeat(n));
        assert_eq!(clean(&marks), "a\u{301}\u{301}");
    }

    /// Strings rich in the characters this module cares about.
    fn hostile_string() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "\x1b",
            "[",
            "]",
            "P",
            "\\",
            "\x07",
            "\u{9b}",
            "\u{9c}",
            "\u{9d}",
            "\u{90}",
            "\u{85}",
            "0;",
            "2J",
            "m",
            "\n",
            "\r",
            "\t",
            " ",
            "a",
            "Z",
            "注",
            "👩",
            "💻",
            "🏽",
            "\u{200d}",
            "\u{200b}",
            "\u{202e}",
            "\u{2066}",
            "\u{e0041}",
            "\u{2028}",
            "\u{3164}",
            "\u{301}",
            "\u{336}",
            "\u{94d}",
            "क",
            "\u{fe0f}",
            "\u{e0100}",
            "\0",
            "\x08",
            "\x7f",
            "\u{18}",
            "\u{ad}",
            "🇫",
        ]);
        prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
    }

    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), hostile_string()]
    }

    proptest! {
        #[test]
        fn clean_output_is_safe(s in any_text()) {
            let out = clean(&s);
            prop_assert!(!out.chars().any(forbidden), "{:?} -> {:?}", s, out);
        }

        #[test]
        fn clean_is_idempotent(s in any_text()) {
            let once = clean(&s);
            prop_assert_eq!(clean(&once), once.clone());
            let line = clean_line(&s);
            prop_assert_eq!(clean_line(&line), line);
        }

        #[test]
        fn clean_line_is_one_line(s in any_text()) {
            let line = clean_line(&s);
            prop_assert!(!line.contains('\n'));
            prop_assert!(!line.contains("  "));
            prop_assert_eq!(line.trim(), line.as_str());
        }

        #[test]
        fn truncate_fits(s in any_text(), n in 0usize..40) {
            let s = clean_line(&s);
            let t = truncate(&s, n);
            prop_assert!(width(&t) <= n);
            if n == 0 {
                prop_assert_eq!(t.as_str(), "");
            } else if width(&s) <= n {
                prop_assert_eq!(&t, &s);
            } else {
                prop_assert!(t.ends_with('…'));
            }
            prop_assert_eq!(width(&pad(&s, n)), n);
        }
    }
}
