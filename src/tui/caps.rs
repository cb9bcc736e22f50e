//! What the terminal can show, from the environment (docs/terminals.md): box drawing
//! and other non-ASCII characters need a UTF-8 locale and a terminal that is not a
//! plain VT100; colours are the 8 or 16 of ECMA-48 (SGR 30–37, 90–97), never the
//! 256-colour or RGB forms, and none at all on terminals without colour.

/// How many colours the terminal has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colors {
    /// None (`TERM=dumb`, `vt100`, `vt220`…, or no `TERM`).
    None,
    /// The eight ECMA-48 colours only (`TERM=linux`, the Linux console).
    Eight,
    /// The eight and their bright forms (SGR 90–97): xterm, screen, tmux, rxvt…
    Sixteen,
}

/// The terminal's abilities the editor adapts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Can it show UTF-8 (box drawing, `·`)? Otherwise only ASCII is written.
    pub unicode: bool,
    /// Its colours.
    pub colors: Colors,
}

impl Caps {
    /// A terminal that shows everything the editor draws (tests, xterm).
    pub const FULL: Caps = Caps {
        unicode: true,
        colors: Colors::Sixteen,
    };

    /// From `TERM`, `LC_ALL`, `LC_CTYPE` and `LANG`.
    pub fn from_env() -> Caps {
        let var = |n| std::env::var(n).ok();
        Caps::detect(
            var("TERM").as_deref(),
            [var("LC_ALL"), var("LC_CTYPE"), var("LANG")],
        )
    }

    /// The abilities of terminal `term` under these locale variables (`LC_ALL`,
    /// `LC_CTYPE`, `LANG`: the first set and non-empty one decides, as for
    /// setlocale(3); none set means the "C" locale, which is ASCII).
    pub fn detect(term: Option<&str>, locale: [Option<String>; 3]) -> Caps {
        let term = term.unwrap_or("").to_ascii_lowercase();
        let plain = term.is_empty() || term == "dumb" || term.starts_with("vt");
        let codeset = locale
            .into_iter()
            .flatten()
            .find(|v| !v.is_empty())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let utf8 = codeset.contains("utf-8") || codeset.contains("utf8");
        let colors = if plain || term.contains("mono") {
            Colors::None
        } else if term == "linux" || term.starts_with("linux-") {
            Colors::Eight
        } else {
            Colors::Sixteen
        };
        Caps {
            unicode: utf8 && !plain && !term.starts_with("linux"),
            colors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(term: &str, all: &str, ctype: &str, lang: &str) -> Caps {
        let v = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Caps::detect(Some(term), [v(all), v(ctype), v(lang)])
    }

    #[test]
    fn xterm_with_a_utf8_locale_gets_everything() {
        assert_eq!(caps("xterm-256color", "", "", "en_US.UTF-8"), Caps::FULL);
        assert_eq!(caps("screen", "", "C.utf8", ""), Caps::FULL);
    }

    #[test]
    fn the_c_locale_is_ascii_whatever_the_terminal() {
        assert!(!caps("xterm-256color", "C", "", "en_US.UTF-8").unicode);
        assert!(!caps("xterm-256color", "", "", "C").unicode);
        assert!(!caps("xterm-256color", "", "", "").unicode);
        assert!(!caps("xterm", "", "", "de_DE.ISO-8859-1").unicode);
    }

    #[test]
    fn linux_console_and_vt100_get_ascii_and_fewer_colours() {
        let linux = caps("linux", "", "", "en_US.UTF-8");
        assert_eq!((linux.unicode, linux.colors), (false, Colors::Eight));
        let vt = caps("vt100", "", "", "en_US.UTF-8");
        assert_eq!((vt.unicode, vt.colors), (false, Colors::None));
        assert_eq!(caps("dumb", "", "", "").colors, Colors::None);
        assert_eq!(Caps::detect(None, [None, None, None]).colors, Colors::None);
    }
}
