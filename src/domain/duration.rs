//! Human durations on the command line: "90m", "36h", "7d", "2w".

use chrono::Duration;

pub fn parse(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("'{t}' needs a unit: s, m, h, d or w (e.g. 7d)"))?;
    let (num, unit) = t.split_at(split);
    let n: i64 = num
        .parse()
        .map_err(|_| format!("'{t}' must start with a whole number (e.g. 7d)"))?;
    let d = match unit {
        "s" => Duration::try_seconds(n),
        "m" => Duration::try_minutes(n),
        "h" => Duration::try_hours(n),
        "d" => Duration::try_days(n),
        "w" => Duration::try_weeks(n),
        _ => {
            return Err(format!(
                "'{t}': unknown unit '{unit}' (use s, m, h, d or w)"
            ));
        }
    };
    d.ok_or_else(|| format!("'{t}' is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!(parse("7d"), Ok(Duration::days(7)));
        assert_eq!(parse("90m"), Ok(Duration::minutes(90)));
        assert_eq!(parse("2w"), Ok(Duration::weeks(2)));
    }

    #[test]
    fn rejects_junk_with_a_reason() {
        assert!(parse("7").unwrap_err().contains("unit"));
        assert!(parse("d").unwrap_err().contains("whole number"));
        assert!(parse("7y").unwrap_err().contains("unknown unit"));
    }
}
