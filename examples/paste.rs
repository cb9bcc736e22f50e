//! Times one bracketed paste of N bytes into a form field of the editor, through
//! the same `App::handle` path the terminal loop drives (scripts/bench-hostile;
//! tmux would measure the terminal more than the editor).
//!
//! Usage: cargo run --release --example paste -- BYTES

use std::path::PathBuf;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ossec_ar::model::Profile;
use ossec_ar::tui::{App, AppEvent, Options, Theme};

const CONF: &str = "<ossec_config>
  <command>
    <name>fd</name>
    <executable>firewall-drop</executable>
    <timeout_allowed>yes</timeout_allowed>
  </command>
</ossec_config>
";

fn key(code: KeyCode) -> AppEvent {
    AppEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn main() {
    let bytes: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1 << 20);
    let mut app = App::new(
        CONF.to_string(),
        Options {
            path: PathBuf::from("ossec.conf"),
            profile: Profile::Wazuh,
            home: None,
            theme: Theme::new(false),
            size: (120, 40),
            rules: None,
        },
    );
    // The command's form, its 4th field (extra_args), editing.
    for code in [
        KeyCode::Tab,
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Enter,
    ] {
        app.handle(key(code));
    }
    let started = Instant::now();
    app.handle(AppEvent::Paste("y".repeat(bytes)));
    app.handle(key(KeyCode::Enter));
    let took = started.elapsed();
    let grown = app.source().len() - CONF.len();
    println!(
        "{bytes} bytes pasted, the file grew by {grown} bytes, {:.3} s",
        took.as_secs_f64()
    );
}
