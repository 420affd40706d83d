//! Semantic styles. Widgets ask for "breached" or "selection", never for a
//! colour, so themes (TOML files in `themes/`) can change every colour and the
//! monochrome theme can drop them all.

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// Every style the screen uses, by meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub name: String,
    pub normal: Style,
    pub muted: Style,
    pub title: Style,
    pub heading: Style,
    pub selection: Style,
    pub focus_border: Style,
    pub border: Style,
    pub breached: Style,
    pub at_risk: Style,
    pub ok: Style,
    pub urgent: Style,
    pub high: Style,
    pub confidence_low: Style,
    pub confidence_high: Style,
    pub verdict_good: Style,
    pub verdict_bad: Style,
    pub missing: Style,
    pub error: Style,
    pub info: Style,
    pub code: Style,
    pub key: Style,
    pub tab_active: Style,
    pub tab_inactive: Style,
}

/// Themes shipped inside the binary, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("monochrome", include_str!("../../themes/monochrome.toml")),
];

const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);
const DIM: Style = Style::new().add_modifier(Modifier::DIM);
const REV: Style = Style::new().add_modifier(Modifier::REVERSED);
const UNDER: Style = Style::new().add_modifier(Modifier::UNDERLINED);
const PLAIN: Style = Style::new();

impl Theme {
    /// No colour at all: for `NO_COLOR` and as the base every theme file
    /// starts from, so a slot a file leaves out still carries its meaning.
    pub fn monochrome() -> Theme {
        let bold_under = BOLD.add_modifier(Modifier::UNDERLINED);
        Theme {
            name: "monochrome".into(),
            normal: PLAIN,
            muted: DIM,
            title: BOLD,
            heading: BOLD,
            selection: REV,
            focus_border: bold_under,
            border: DIM,
            breached: BOLD,
            at_risk: UNDER,
            ok: PLAIN,
            urgent: BOLD,
            high: PLAIN,
            confidence_low: UNDER,
            confidence_high: PLAIN,
            verdict_good: PLAIN,
            verdict_bad: BOLD,
            missing: BOLD.add_modifier(Modifier::ITALIC),
            error: bold_under,
            info: PLAIN,
            code: PLAIN,
            key: BOLD,
            tab_active: REV.add_modifier(Modifier::BOLD),
            tab_inactive: PLAIN,
        }
    }

    /// The default theme for colour terminals.
    pub fn dark() -> Theme {
        Theme::builtin("dark").unwrap_or_else(Theme::monochrome)
    }

    /// A theme shipped with the binary: dark, light, high-contrast, monochrome.
    pub fn builtin(name: &str) -> Option<Theme> {
        let (name, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        Theme::parse(name, text).ok()
    }

    /// The theme called `name`: `NAME.toml` in the user's themes directory
    /// (which overrides a built-in of the same name), else a built-in.
    pub fn load(name: &str, user_dir: Option<&std::path::Path>) -> Result<Theme, String> {
        // A theme name is a file name: nothing that could walk the tree.
        let plain = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if let Some(dir) = user_dir.filter(|_| plain) {
            let path = dir.join(format!("{name}.toml"));
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    return Theme::parse(name, &text)
                        .map_err(|e| format!("{}: {e}", path.display()));
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("{}: {e}", path.display())),
            }
        }
        Theme::builtin(name).ok_or_else(|| {
            let builtin: Vec<&str> = Theme::builtin_names().collect();
            let place = user_dir
                .map(|d| format!(", or {}/{name}.toml", d.display()))
                .unwrap_or_default();
            format!(
                "unknown theme '{name}' (built in: {}{place})",
                builtin.join(", ")
            )
        })
    }

    /// Names of the shipped themes, for `--theme` help and errors.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(n, _)| *n)
    }

    /// Parse a theme file. Slots it leaves out keep their monochrome style.
    /// Errors name the slot or key and the line (toml reports the position).
    pub fn parse(name: &str, text: &str) -> Result<Theme, String> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| format!("theme '{name}': {e}"))?;
        let mut theme = Theme::monochrome();
        theme.name = name.to_string();
        let slots: [(&mut Style, Option<SlotSpec>); 23] = [
            (&mut theme.normal, file.normal),
            (&mut theme.muted, file.muted),
            (&mut theme.title, file.title),
            (&mut theme.heading, file.heading),
            (&mut theme.selection, file.selection),
            (&mut theme.focus_border, file.focus_border),
            (&mut theme.border, file.border),
            (&mut theme.breached, file.breached),
            (&mut theme.at_risk, file.at_risk),
            (&mut theme.ok, file.ok),
            (&mut theme.urgent, file.urgent),
            (&mut theme.high, file.high),
            (&mut theme.confidence_low, file.confidence_low),
            (&mut theme.confidence_high, file.confidence_high),
            (&mut theme.verdict_good, file.verdict_good),
            (&mut theme.verdict_bad, file.verdict_bad),
            (&mut theme.missing, file.missing),
            (&mut theme.error, file.error),
            (&mut theme.info, file.info),
            (&mut theme.code, file.code),
            (&mut theme.key, file.key),
            (&mut theme.tab_active, file.tab_active),
            (&mut theme.tab_inactive, file.tab_inactive),
        ];
        for (slot, spec) in slots {
            if let Some(spec) = spec {
                *slot = spec.style();
            }
        }
        Ok(theme)
    }
}

/// The built-in that suits the terminal's background when no theme is set,
/// from `COLORFGBG` ("15;0": light text on black → dark; "0;15" → light).
/// The terminal is not queried (OSC 11): that costs a round trip at start and
/// misbehaves over some multiplexers. Unknown or unset → dark.
pub fn for_background(colorfgbg: Option<&str>) -> &'static str {
    let bg = colorfgbg
        .and_then(|v| v.rsplit(';').next())
        .and_then(|b| b.trim().parse::<u8>().ok());
    match bg {
        Some(7 | 15) => "light",
        _ => "dark",
    }
}

impl Default for Theme {
    fn default() -> Theme {
        Theme::dark()
    }
}

/// The file format: one optional table per slot; unknown slots are errors
/// (a typo would otherwise silently keep the default).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    normal: Option<SlotSpec>,
    muted: Option<SlotSpec>,
    title: Option<SlotSpec>,
    heading: Option<SlotSpec>,
    selection: Option<SlotSpec>,
    focus_border: Option<SlotSpec>,
    border: Option<SlotSpec>,
    breached: Option<SlotSpec>,
    at_risk: Option<SlotSpec>,
    ok: Option<SlotSpec>,
    urgent: Option<SlotSpec>,
    high: Option<SlotSpec>,
    confidence_low: Option<SlotSpec>,
    confidence_high: Option<SlotSpec>,
    verdict_good: Option<SlotSpec>,
    verdict_bad: Option<SlotSpec>,
    missing: Option<SlotSpec>,
    error: Option<SlotSpec>,
    info: Option<SlotSpec>,
    code: Option<SlotSpec>,
    key: Option<SlotSpec>,
    tab_active: Option<SlotSpec>,
    tab_inactive: Option<SlotSpec>,
}

/// `{ fg = "red", bg = "#202020", bold = true }`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SlotSpec {
    fg: Option<ColorSpec>,
    bg: Option<ColorSpec>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
}

impl SlotSpec {
    fn style(&self) -> Style {
        let mut style = Style::new();
        if let Some(ColorSpec(c)) = self.fg {
            style = style.fg(c);
        }
        if let Some(ColorSpec(c)) = self.bg {
            style = style.bg(c);
        }
        for (on, m) in [
            (self.bold, Modifier::BOLD),
            (self.dim, Modifier::DIM),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
        ] {
            if on {
                style = style.add_modifier(m);
            }
        }
        style
    }
}

#[derive(Debug, Clone, Copy)]
struct ColorSpec(Color);

impl<'de> Deserialize<'de> for ColorSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ColorSpec, D::Error> {
        let text = String::deserialize(d)?;
        Color::from_str(&text).map(ColorSpec).map_err(|_| {
            serde::de::Error::custom(format!(
                "unknown colour '{text}' (use a name like \"red\" or \"light-blue\", \"#rrggbb\", or 0-255)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_parses() {
        for (name, text) in BUILTIN {
            if let Err(e) = Theme::parse(name, text) {
                panic!("{e}");
            }
        }
    }

    #[test]
    fn monochrome_file_matches_code_and_has_no_colour() {
        let Some(file) = Theme::builtin("monochrome") else {
            panic!("monochrome theme missing");
        };
        assert_eq!(file, Theme::monochrome());
        let t = Theme::monochrome();
        for s in [
            t.normal,
            t.muted,
            t.title,
            t.heading,
            t.selection,
            t.focus_border,
            t.border,
            t.breached,
            t.at_risk,
            t.ok,
            t.urgent,
            t.high,
            t.confidence_low,
            t.confidence_high,
            t.verdict_good,
            t.verdict_bad,
            t.missing,
            t.error,
            t.info,
            t.code,
            t.key,
            t.tab_active,
            t.tab_inactive,
        ] {
            assert_eq!((s.fg, s.bg), (None, None));
        }
        assert!(t.selection.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn errors_name_the_key_and_line() {
        let e = Theme::parse(
            "x",
            "normal = { fg = \"red\" }\nbreached = { fg = \"blurple\" }\n",
        )
        .err()
        .unwrap_or_default();
        assert!(e.contains("line 2"), "{e}");
        assert!(e.contains("blurple"), "{e}");
        let e = Theme::parse("x", "\nbreachd = { bold = true }\n")
            .err()
            .unwrap_or_default();
        assert!(e.contains("breachd") && e.contains("line 2"), "{e}");
        let e = Theme::parse("x", "ok = { fg = \"red\", blink = true }\n")
            .err()
            .unwrap_or_default();
        assert!(e.contains("blink"), "{e}");
    }

    #[test]
    fn background_picks_light_or_dark() {
        assert_eq!(for_background(Some("15;0")), "dark");
        assert_eq!(for_background(Some("0;15")), "light");
        assert_eq!(for_background(Some("0;default;7")), "light");
        assert_eq!(for_background(Some("default;default")), "dark");
        assert_eq!(for_background(None), "dark");
    }

    #[test]
    fn user_themes_override_builtins_by_name() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("tempdir");
        };
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text);
        assert!(write("dark.toml", "normal = { fg = \"red\" }\n").is_ok());
        assert!(write("sunset.toml", "muted = { fg = \"yellow\" }\n").is_ok());
        assert!(write("broken.toml", "muted = { fg = \"nope\" }\n").is_ok());
        let dark = Theme::load("dark", Some(dir.path())).map(|t| t.normal);
        assert_eq!(dark, Ok(Style::new().fg(Color::Red)));
        assert!(Theme::load("sunset", Some(dir.path())).is_ok());
        let broken = Theme::load("broken", Some(dir.path()))
            .err()
            .unwrap_or_default();
        assert!(
            broken.contains("broken.toml") && broken.contains("nope"),
            "{broken}"
        );
        assert!(
            Theme::load("light", Some(dir.path())).is_ok(),
            "built-ins still there"
        );
        assert!(Theme::load("../etc/x", Some(dir.path())).is_err());
        assert!(Theme::load("nope", None).is_err());
    }

    #[test]
    fn hex_and_modifiers_parse() {
        let Ok(t) = Theme::parse(
            "x",
            "error = { fg = \"#ff0000\", bold = true, underline = true }",
        ) else {
            panic!("should parse");
        };
        assert_eq!(
            t.error,
            Style::new()
                .fg(Color::Rgb(255, 0, 0))
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        );
    }
}
