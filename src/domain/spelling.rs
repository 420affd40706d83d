//! "Did you mean": how close a mistyped name is to one that exists, for
//! import's unknown fields and the command line's unknown ids.

/// A name as compared: lower case, without `_`, `-` or spaces, so
/// `escalatedAt` is `escalated_at` and `ho1046` is `HO-1046`.
pub fn normalise(name: &str) -> Vec<char> {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// How far `typed` is from the known name `known` if it is close enough to
/// suggest: an edit distance of at most 2 (1 for names of up to 4
/// letters, where 2 would match almost anything), or `typed` cut short
/// (`sla_due` for `sla_due_at`), ranked as 2.
pub fn closeness(typed: &[char], known: &[char]) -> Option<usize> {
    let limit = if known.len() <= 4 { 1 } else { 2 };
    if typed.len().abs_diff(known.len()) <= limit {
        let d = distance(typed, known);
        if d <= limit {
            return Some(d);
        }
    }
    (typed.len() >= 4 && known.starts_with(typed)).then_some(2)
}

/// The names among `known` closest to `typed` (at most `most`, in the order
/// given), or none if none is close.
pub fn nearest<'a>(
    typed: &str,
    known: impl IntoIterator<Item = &'a str>,
    most: usize,
) -> Vec<&'a str> {
    // No id or field name is this long; keeps a hostile huge one cheap.
    if typed.len() > 64 {
        return Vec::new();
    }
    let wanted = normalise(typed);
    let mut best: Option<usize> = None;
    let mut found = Vec::new();
    for name in known {
        let Some(d) = closeness(&wanted, &normalise(name)) else {
            continue;
        };
        if best.is_none_or(|b| d < b) {
            best = Some(d);
            found.clear();
        }
        if best == Some(d) && found.len() < most {
            found.push(name);
        }
    }
    found
}

/// Edit distance counting a swap of neighbours as one edit (optimal string
/// alignment): `nmae` is one typo away from `name`, not two.
fn distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut d: Vec<usize> = vec![0; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        if let Some(first) = row.first_mut() {
            *first = i;
        }
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_names_are_one_or_two_typos_away() {
        let ids = ["HO-1046", "HO-1064", "HO-2046", "GEN-000001"];
        assert_eq!(nearest("ho-1047", ids, 3), vec!["HO-1046"]);
        assert_eq!(nearest("HO-1406", ids, 3), vec!["HO-1046"]);
        assert_eq!(nearest("ho1046", ids, 3), vec!["HO-1046"]);
        assert_eq!(nearest("HO-3046", ids, 3), vec!["HO-1046", "HO-2046"]);
        assert!(nearest("ZZ-9999", ids, 3).is_empty());
    }
}
