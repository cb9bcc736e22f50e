//! Terminals that are not xterm (issue 13), in a real terminal emulator (tmux): the
//! Linux console in the C locale gets plain colour codes and ASCII borders, and
//! Ctrl-z suspends the editor to the shell and `fg` brings it back intact.

use crate::tui_harness::CONF;
use crate::tui_tmux::{Tmux, tmux_available};

/// The editor on a copy of [`CONF`] in tmux, started with `env` before the binary.
fn editor(env: &str, w: u16, h: u16) -> Option<(Tmux, tempfile::TempDir)> {
    if !tmux_available() {
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("ossec.conf");
    std::fs::write(&file, CONF).expect("write");
    let tmux = Tmux::start(w, h);
    tmux.type_text("clear; echo BEFORE-MARKER");
    tmux.keys(&["Enter"]);
    tmux.wait_for("BEFORE-MARKER");
    let bin = env!("CARGO_BIN_EXE_ossec-ar");
    tmux.type_text(&format!(
        "env {env} {bin} --ossec-home {} {}",
        dir.path().join("no-home").display(),
        file.display()
    ));
    tmux.keys(&["Enter"]);
    tmux.wait_for("Responses (2)");
    Some((tmux, dir))
}

/// Waits (up to 15 s) until the screen no longer shows `text`.
fn wait_until_gone(tmux: &Tmux, text: &str) {
    let start = std::time::Instant::now();
    while tmux.screen().contains(text) {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(15),
            "{text:?} stays on screen:\n{}",
            tmux.screen()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The screen with its colours and attributes, as escape sequences.
fn screen_with_escapes(tmux: &Tmux) -> String {
    let out = tmux.cmd(&["capture-pane", "-e", "-p", "-t", "e2e"]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The parameters of every SGR sequence (`ESC[...m`) on the screen.
fn sgr_params(screen: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for part in screen.split("\x1b[").skip(1) {
        let Some(end) = part.find(|c: char| !(c.is_ascii_digit() || c == ';')) else {
            continue;
        };
        if part[end..].starts_with('m') {
            out.extend(part[..end].split(';').filter_map(|p| p.parse::<u32>().ok()));
        }
    }
    out
}

/// Is this SGR parameter a colour other than the default (39, 49)?
fn is_colour(p: u32) -> bool {
    matches!(p, 30..=38 | 40..=48 | 90..=97 | 100..=107)
}

#[test]
fn linux_console_in_the_c_locale_gets_ascii_and_plain_colours() {
    let env = "-u LC_ALL -u LC_CTYPE -u NO_COLOR TERM=linux LANG=C";
    let Some((tmux, _dir)) = editor(env, 100, 30) else {
        return;
    };
    // The form of the selected block is drawn too: Tab, then a popup (help).
    tmux.keys(&["Tab"]);
    tmux.type_text("?");
    tmux.wait_for("this help");
    let screen = screen_with_escapes(&tmux);
    for bad in [
        "\x1b[38;5;",
        "\x1b[48;5;",
        "\x1b[38;2;",
        "\x1b[48;2;",
        ";38;5;",
        ";48;5;",
        ";38;2;",
    ] {
        assert!(!screen.contains(bad), "{bad:?} on screen:\n{screen:?}");
    }
    // Colours there are, the console's eight: the focused border is cyan (36);
    // no extended colour (38, 48) and no bright one (90-107).
    let params = sgr_params(&screen);
    assert!(params.contains(&36), "{screen:?}");
    let odd: Vec<u32> = params
        .into_iter()
        .filter(|&p| matches!(p, 38 | 48 | 90..=107))
        .collect();
    assert!(odd.is_empty(), "{odd:?} in {screen:?}");
    let boxes: Vec<char> = screen
        .chars()
        .filter(|c| ('\u{2500}'..='\u{257f}').contains(c))
        .collect();
    assert!(boxes.is_empty(), "box drawing on screen: {boxes:?}");
    assert!(screen.is_ascii(), "{screen}");
    assert!(
        tmux.screen().contains("+-"),
        "ASCII borders:\n{}",
        tmux.screen()
    );
    tmux.type_text("?");
    wait_until_gone(&tmux, "this help");
    tmux.type_text("q");
    tmux.wait_for("BEFORE-MARKER");
}

#[test]
fn vt100_and_no_color_get_no_colour_at_all() {
    for env in [
        "-u NO_COLOR TERM=vt100 LANG=en_US.UTF-8",
        "NO_COLOR=1 TERM=xterm-256color LANG=C.UTF-8",
    ] {
        let Some((tmux, _dir)) = editor(env, 100, 30) else {
            return;
        };
        let screen = screen_with_escapes(&tmux);
        let colours: Vec<u32> = sgr_params(&screen)
            .into_iter()
            .filter(|&p| is_colour(p))
            .collect();
        assert!(colours.is_empty(), "{env}: {colours:?} in {screen:?}");
        // Selection stays visible without colour: reverse video.
        assert!(sgr_params(&screen).contains(&7), "{env}: {screen:?}");
        // Box drawing where the locale is UTF-8 and the terminal not a VT100.
        let utf8_xterm = env.contains("xterm");
        assert_eq!(screen.contains('─'), utf8_xterm, "{env}: {screen}");
        tmux.type_text("q");
    }
}

#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_brings_the_editor_back() {
    let Some((tmux, dir)) = editor("", 100, 30) else {
        return;
    };
    // An unsaved change, then Ctrl-z.
    tmux.type_text("jjj");
    tmux.keys(&["Tab", "Enter"]);
    tmux.wait_for(" modified ");
    tmux.keys(&["C-z"]);
    wait_until_gone(&tmux, "Responses (");
    tmux.type_text("echo SHELL-IS-BACK");
    tmux.keys(&["Enter"]);
    let shell = tmux.wait_for("SHELL-IS-BACK");
    assert!(shell.contains("BEFORE-MARKER"), "{shell}");
    assert!(!shell.contains("Responses ("), "{shell}");
    tmux.type_text("clear; fg");
    tmux.keys(&["Enter"]);
    // Redrawn in full, with the change still there.
    tmux.wait_for("Responses (2)");
    let back = tmux.wait_for(" modified ");
    assert!(!back.contains("SHELL-IS-BACK"), "{back}");
    // Keys reach the editor again: quit, discarding.
    tmux.type_text("q");
    tmux.wait_for("discard");
    tmux.type_text("d");
    wait_until_gone(&tmux, "Responses (");
    tmux.type_text("echo AFTER-QUIT");
    tmux.keys(&["Enter"]);
    tmux.wait_for("AFTER-QUIT");
    let file = std::fs::read_to_string(dir.path().join("ossec.conf")).expect("read");
    assert_eq!(file, CONF, "nothing written");
}
