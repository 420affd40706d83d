//! Intercom bodies are HTML (notes accept some formatting; `display_as=
//! plaintext` strips most of it, not always all). In: HTML to plain text
//! (tags dropped, block ends as line breaks, entities decoded) — the result
//! is still customer text and goes through the import's cleaning. Out: our
//! plain text as HTML that shows it verbatim (escaped, one `<p>` a line).

/// Plain text of an HTML body (or of one that is plain text already).
pub fn to_text(html: &str) -> String {
    // In markup, line breaks and runs of spaces are only spacing.
    let markup = html
        .match_indices('<')
        .any(|(i, _)| tag(&html[i..]).is_some());
    let source = if markup {
        html.replace(['\r', '\n', '\t'], " ")
    } else {
        html.to_string()
    };
    let mut out = String::with_capacity(source.len());
    let mut rest = source.as_str();
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let (text, len) = if rest.starts_with('<') {
            match tag(rest) {
                Some((name, len)) => (block(&name), len),
                None => ("<", 1),
            }
        } else {
            match entity(rest) {
                Some((ch, len)) => {
                    out.push(ch);
                    rest = &rest[len..];
                    continue;
                }
                None => ("&", 1),
            }
        };
        out.push_str(text);
        rest = &rest[len..];
    }
    out.push_str(rest);
    tidy(&out, markup)
}

/// What a tag leaves in the text: a line break where a block ends, a
/// bullet where a list item starts.
fn block(name: &str) -> &'static str {
    match name {
        "br" | "/p" | "/div" | "/li" | "/h1" | "/h2" | "/h3" | "/h4" | "/h5" | "/h6" | "/tr"
        | "/blockquote" | "/pre" => "\n",
        "li" => "- ",
        _ => "",
    }
}

/// `<name ...>` at the start of `s`: its lowercase name (`/p` for a closing
/// tag) and length. `None` when `<` does not open a tag ("a < b").
fn tag(s: &str) -> Option<(String, usize)> {
    let body = s.get(1..)?;
    let first = body.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '/' || first == '!') {
        return None;
    }
    let end = body.find('>')?;
    let inner = &body[..end];
    let name: String = inner
        .trim_end_matches('/')
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .trim_end_matches('/')
        .to_ascii_lowercase();
    Some((name, end + 2))
}

/// `&name;` or `&#N;` at the start of `s`: the character and length.
fn entity(s: &str) -> Option<(char, usize)> {
    let end = s
        .char_indices()
        .take(12)
        .find(|&(_, c)| c == ';')
        .map(|(i, _)| i)?;
    let name = &s[1..end];
    let ch = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "#39" => '\'',
        "nbsp" => ' ',
        _ => {
            let code = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()?
            } else {
                name.strip_prefix('#')?.parse().ok()?
            };
            char::from_u32(code)?
        }
    };
    Some((ch, end + 1))
}

/// At most one blank line in a row, none at either end, no trailing
/// spaces; from markup, no spacing runs either.
fn tidy(text: &str, markup: bool) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = if markup {
            line.split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            line.trim_end().to_string()
        };
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// Our text as an HTML body that shows exactly it.
pub fn from_text(text: &str) -> String {
    text.lines()
        .map(|line| {
            let escaped = line
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            if escaped.trim().is_empty() {
                "<p><br></p>".to_string()
            } else {
                format!("<p>{escaped}</p>")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_lines_of_text() {
        assert_eq!(
            to_text("<p>I was charged <b>twice</b></p><p>Order &amp; invoice &lt;A-1&gt;</p>"),
            "I was charged twice\nOrder & invoice <A-1>"
        );
        assert_eq!(
            to_text("<ul><li>Coffee</li><li>Tea</li></ul>line<br/>next&#39;s &#x263A;"),
            "- Coffee\n- Tea\nline\nnext's \u{263A}"
        );
        assert_eq!(to_text("a < b && c > d"), "a < b && c > d");
        assert_eq!(to_text("plain\n\n\n\ntext  "), "plain\n\ntext");
        assert_eq!(to_text("<p>unclosed <b"), "unclosed <b");
        assert_eq!(to_text("&unknown; &#xZZ; &"), "&unknown; &#xZZ; &");
        // The spec's note example: source line breaks are only spacing.
        assert_eq!(
            to_text("<h2>A List</h2>\n<ul>\n<li>Coffee</li>\n<li>Tea</li>\n</ul>"),
            "A List\n- Coffee\n- Tea"
        );
        assert_eq!(to_text("  indented\ncode  "), "  indented\ncode");
    }

    #[test]
    fn text_goes_out_escaped_and_comes_back_the_same() {
        let text = "Bad AI handoff, flagged by Maya in handoff.\nNote: <script> & co\n\n[handoff:0f2d5c1e8a41]";
        let html = from_text(text);
        assert!(!html.contains("<script>"), "{html}");
        assert_eq!(
            to_text(&html),
            "Bad AI handoff, flagged by Maya in handoff.\nNote: <script> & co\n\n[handoff:0f2d5c1e8a41]"
        );
    }
}
