//! Times the editor's first view and keys with a costly `rules_group` on the selected
//! response and N generated rules loaded: opening checks the findings and each key
//! re-renders the form, whose live count matches the pattern against every rule,
//! unless a background job does (docs/editor.md "Matching"; scripts/bench-hostile).
//!
//! Usage: cargo run --release --example group_keys -- RULES

use std::path::PathBuf;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ossec_ar::model::Profile;
use ossec_ar::tui::{App, AppEvent, Options, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn key(code: KeyCode) -> AppEvent {
    AppEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let mut rules = String::from("<group name=\"g,\">\n");
    for id in 1..=n {
        let group = format!("group_name_{id}_with_some_words,").repeat(3);
        rules.push_str(&format!(
            "<rule id=\"{id}\" level=\"5\"><description>d</description><group>{group}</group></rule>\n"
        ));
    }
    rules.push_str("</group>\n");
    let loaded = ossec_ar::rules::load_texts([("0100-r.xml", rules.as_str())]);
    let conf = format!(
        "<ossec_config>\n  <command>\n    <name>fd</name>\n    <executable>firewall-drop</executable>\n  </command>\n  <active-response>\n    <command>fd</command>\n    <location>local</location>\n    <rules_group>{}\\s</rules_group>\n  </active-response>\n</ossec_config>\n",
        "\\w*".repeat(5000)
    );
    let opening = Instant::now();
    let mut app = App::new(
        conf,
        Options {
            path: PathBuf::from("ossec.conf"),
            profile: Profile::Wazuh,
            home: None,
            theme: Theme::new(false),
            size: (120, 40),
            rules: Some(loaded.rules),
        },
    );
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    term.draw(|f| ossec_ar::tui::ui::render(&app, f))
        .expect("draw");
    let first = opening.elapsed().as_secs_f64();
    let started = Instant::now();
    let keys = [
        KeyCode::Char('j'),
        KeyCode::Tab,
        KeyCode::Char('j'),
        KeyCode::Char('j'),
        KeyCode::Char('k'),
    ];
    for code in keys {
        app.handle(key(code));
        term.draw(|f| ossec_ar::tui::ui::render(&app, f))
            .expect("draw");
    }
    let per_key = started.elapsed().as_secs_f64() / keys.len() as f64;
    println!(
        "{n} rules: first view {:.1} ms, {:.1} ms per key (handled and drawn)",
        first * 1000.0,
        per_key * 1000.0
    );
}
