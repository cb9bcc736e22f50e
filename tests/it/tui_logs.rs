//! `l` and `L` in the simulator pane (docs/analysis.md "In the editor", docs/logs.md): key
//! scripts on the demo, with the demo's decoders and rules.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ossec_ar::analysis::{Ruleset, Settings};
use ossec_ar::model::Profile;
use ossec_ar::tui::{App, AppEvent, Options, RunOptions, Theme};

use crate::tui_harness::{press, screen};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo")
}

fn files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v.into_iter()
        .map(|p| {
            let t = std::fs::read_to_string(&p).expect("read");
            (p, t)
        })
        .collect()
}

/// 2026-12-29T10:30:00Z: the demo sample's day.
const NOW: i64 = 1_798_540_200;

/// The editor on the demo config with the demo rules and decoders.
pub(crate) fn demo_app(size: (u16, u16)) -> App {
    let d = demo();
    let text = std::fs::read_to_string(d.join("ossec.conf")).expect("conf");
    let rule_files = files(&d.join("rules"));
    let named: Vec<(String, String)> = rule_files
        .iter()
        .map(|(p, t)| {
            (
                p.file_name().expect("name").to_string_lossy().into_owned(),
                t.clone(),
            )
        })
        .collect();
    let binding = ossec_ar::rules::load_texts(named.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    let engine = Ruleset::build(
        &files(&d.join("decoders")),
        &rule_files,
        &[],
        Settings::default(),
    );
    let mut app = App::new(
        text,
        Options {
            path: PathBuf::from("ossec.conf"),
            profile: Profile::Wazuh,
            home: None,
            theme: Theme::new(false),
            size,
            rules: Some(binding.rules),
        },
    );
    app.set_engine(Some(Arc::new(engine)), NOW);
    app
}

/// Response #1 of the demo selected (five commands come first), its pane open.
pub(crate) const R1_PANE: &str = "jjjjjp";

const FAILED: &str =
    "Dec 29 10:00:01 bastion sshd[42]: Failed password for root from 203.0.113.5 port 4242 ssh2";

#[test]
fn l_shows_the_decoder_the_rule_and_whether_the_response_runs_with_unsaved_edits() {
    let mut a = demo_app((120, 40));
    press(&mut a, R1_PANE);
    press(&mut a, "l");
    press(&mut a, FAILED);
    press(&mut a, "<enter>");
    let s = screen(&a, 120, 40);
    assert!(s.contains("decoder sshd"), "{s}");
    assert!(s.contains("dstuser: root"), "{s}");
    assert!(
        s.contains("rule 5716 (level 5): SSH: wrong password."),
        "{s}"
    );
    assert!(s.contains("under rule 5700 (level 0)"), "{s}");
    assert!(
        s.contains("#1 (selected) does not run for this event"),
        "{s}"
    );
    // Bind #1 to 5716 without saving: close the pane, edit rules_id, open it again;
    // the same line now runs it.
    press(&mut a, "p<tab>jjjjjj<enter><c-u>5716<enter>");
    assert!(a.is_modified());
    press(&mut a, "<esc>p");
    let s = screen(&a, 120, 40);
    assert!(
        s.contains("#1 firewall-drop600 (selected) runs on 000"),
        "{s}"
    );
    // The pane's session: the same line again counts once more.
    press(&mut a, "l");
    press(&mut a, FAILED);
    press(&mut a, "<enter>");
    assert!(screen(&a, 120, 40).contains("firedtimes 2"));
}

#[test]
fn a_pasted_line_of_100_kb_is_one_event() {
    let mut a = demo_app((80, 24));
    press(&mut a, R1_PANE);
    press(&mut a, "l");
    let long = format!("{FAILED} {}\n", "x".repeat(100 * 1024));
    let started = Instant::now();
    a.handle(AppEvent::Paste(long));
    press(&mut a, "<enter>");
    let s = screen(&a, 80, 24);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(s.contains("decoder sshd"), "{s}");
    assert!(s.contains("rule 5716"), "{s}");
}

/// Presses keys, carrying out effects (L starts a job), on an app not on disk.
pub(crate) fn press_run(app: &mut App, script: &str) {
    let opts = RunOptions {
        path: PathBuf::from("/nonexistent/ossec.conf"),
        ..crate::tui_harness::run_options()
    };
    for k in crate::tui_harness::parse_keys(script) {
        let effects = app.handle(AppEvent::Key(k));
        ossec_ar::tui::perform(app, effects, &opts);
    }
}

/// Pumps the job's messages until it ends (or 60 s).
fn wait(app: &mut App) {
    let start = Instant::now();
    while app.job_running() && start.elapsed() < Duration::from_secs(60) {
        ossec_ar::tui::pump(app);
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn big_l_shows_the_counts_of_the_selected_response() {
    let mut a = demo_app((80, 24));
    press_run(&mut a, R1_PANE);
    press_run(&mut a, "L");
    let path = demo().join("sample.log").display().to_string();
    press_run(&mut a, &path);
    press_run(&mut a, "<enter>");
    assert!(a.job_running());
    wait(&mut a);
    let s = screen(&a, 80, 24);
    assert!(s.contains("27 lines, 1 undecoded, 24 alerts"), "{s}");
    assert!(s.contains("#1 firewall-drop600: 1 run in this log"), "{s}");
    assert!(s.contains("from: 198.51.100.23=1"), "{s}");
}

#[test]
fn big_l_reports_progress_and_esc_cancels_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("big.log");
    let line = format!("{FAILED}\n");
    std::fs::write(&log, line.repeat(400_000)).expect("write");
    let mut a = demo_app((80, 24));
    press_run(&mut a, R1_PANE);
    press_run(&mut a, "L");
    press_run(&mut a, &log.display().to_string());
    press_run(&mut a, "<enter>");
    // Keys keep working while it runs: progress shows, then Esc cancels.
    let start = Instant::now();
    let mut progressed = false;
    while a.job_running() && start.elapsed() < Duration::from_secs(30) {
        ossec_ar::tui::pump(&mut a);
        let s = screen(&a, 80, 24);
        if s.contains("replaying: ") && !s.contains("replaying: 0 lines") {
            assert!(s.contains("% read (Esc cancels)"), "{s}");
            progressed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(progressed, "{}", screen(&a, 80, 24));
    press_run(&mut a, "<esc>");
    wait(&mut a);
    let s = screen(&a, 80, 24);
    assert!(s.contains("log replay failed: log replay cancelled"), "{s}");
    assert!(!a.job_running());
}

#[test]
fn l_without_decoders_says_where_they_come_from() {
    let mut a = crate::tui_harness::app_with_rules(crate::tui_harness::CONF, (80, 24));
    press(&mut a, "jjjp");
    press(&mut a, "l");
    let n = a.notice().map(|n| n.text.clone()).unwrap_or_default();
    assert!(n.contains("no decoders loaded"), "{n}");
}

/// Screens of `l` and `L` at both sizes (reviewed by hand before being accepted).
#[test]
fn snapshots_of_l_and_big_l() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut a = demo_app((w, h));
        press(&mut a, R1_PANE);
        press(&mut a, "l");
        press(
            &mut a,
            "Dec 29 10:00:01 bastion sshd[42]: Failed password for invalid user admin from 198.51.100.23 port 4242",
        );
        insta::assert_snapshot!(format!("l_prompt_{w}x{h}"), screen(&a, w, h));
        press(&mut a, "<enter>");
        insta::assert_snapshot!(format!("l_result_{w}x{h}"), screen(&a, w, h));
        let mut a = demo_app((w, h));
        press_run(&mut a, R1_PANE);
        press_run(&mut a, "L");
        press_run(&mut a, "assets/demo/sample.log<enter>");
        wait(&mut a);
        insta::assert_snapshot!(format!("big_l_counts_{w}x{h}"), screen(&a, w, h));
    }
}

#[test]
fn help_lists_l_and_big_l() {
    let mut a = demo_app((120, 40));
    press(&mut a, R1_PANE);
    press(&mut a, "?");
    let mut seen = String::new();
    for _ in 0..20 {
        seen.push_str(&screen(&a, 120, 40));
        press(&mut a, "<pgdn>");
    }
    assert!(
        seen.contains("run a log line through the decoders and rules"),
        "{seen}"
    );
    assert!(
        seen.contains("replay a log file (plain or .gz) in the background"),
        "{seen}"
    );
}

/// The real binary in tmux: the demo, `p` on response #1, `l`, a line pasted
/// (bracketed paste), Enter: the decoder and the rule show.
#[test]
fn tmux_demo_p_l_paste_enter() {
    use crate::tui_tmux::{Tmux, tmux_available};
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let tmux = Tmux::start(120, 40);
    tmux.type_text("clear; echo BEFORE-MARKER");
    tmux.keys(&["Enter"]);
    tmux.wait_for("BEFORE-MARKER");
    let bin = env!("CARGO_BIN_EXE_ossec-ar");
    tmux.type_text(&format!(
        "TMPDIR={} {bin} --ossec-home {} demo",
        dir.path().display(),
        dir.path().join("no-home").display()
    ));
    tmux.keys(&["Enter"]);
    tmux.wait_for("Responses (5)");
    tmux.type_text("jjjjjp");
    tmux.wait_for("simulator: response #1");
    tmux.type_text("l");
    tmux.wait_for("event: ");
    tmux.cmd(&["set-buffer", "--", FAILED]);
    tmux.cmd(&["paste-buffer", "-p", "-t", "e2e"]);
    tmux.keys(&["Enter"]);
    let s = tmux.wait_for("decoder sshd");
    assert!(s.contains("rule 5716 (level 5)"), "{s}");
    assert!(s.contains("#1 (selected) does not run"), "{s}");
    tmux.type_text("q");
    let after = tmux.wait_for("The demo copy is in");
    assert!(after.contains("sample.log"), "{after}");
}
