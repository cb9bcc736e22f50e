//! Costly `rules_group` matching runs off the frame (issue 16 point 10,
//! docs/editor.md "Matching"): the edit is applied at once, the counts and the
//! ruleset-aware findings say "matching..." until the background job answers, and
//! keys are handled meanwhile. The job's answer is withheld here until the test
//! carries out the effect, so the order is certain.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ossec_ar::model::Profile;
use ossec_ar::tui::{App, AppEvent, Effect, Options, Theme};

use crate::tui_harness::{CONF, TO_R1, press, run_options, screen, settle};

/// 100 rules of level 10, none with a `!` in its groups.
fn rules_text() -> String {
    let rules: String = (1..=100)
        .map(|i| {
            format!(
                "  <rule id=\"{}\" level=\"10\">\n    <description>Rule {i}.</description>\n    <group>g{i},</group>\n  </rule>\n",
                100_000 + i
            )
        })
        .collect();
    format!("<group name=\"many,\">\n{rules}</group>\n")
}

fn app() -> App {
    app_on(CONF)
}

/// The editor on `conf`, with the 100 rules of [`rules_text`].
fn app_on(conf: &str) -> App {
    let text = rules_text();
    let loaded = ossec_ar::rules::load_texts([("0100-many.xml", text.as_str())]);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(loaded.rules.len(), 100);
    App::new(
        conf.to_string(),
        Options {
            path: PathBuf::from("ossec.conf"),
            profile: Profile::Wazuh,
            home: None,
            theme: Theme::new(false),
            size: (120, 40),
            rules: Some(loaded.rules),
        },
    )
}

fn codes(a: &App) -> Vec<String> {
    a.diagnostics().iter().map(|d| d.code.to_string()).collect()
}

/// `\.*\.*\.*!` 300 times as alternatives: 3,299 bytes, so 100 rules x 3,299 is
/// past what a frame may match (2^18).
fn costly_pattern() -> String {
    vec![r"\.*\.*\.*!"; 300].join("|")
}

#[test]
fn a_costly_rules_group_is_matched_by_a_job_and_keys_go_on_meanwhile() {
    let mut a = app();
    // Response #1 (level 10): its rules_group field, typed by a paste.
    press(&mut a, &format!("{TO_R1}jjjjj<enter>"));
    a.handle(AppEvent::Paste(costly_pattern()));
    // The live count of what is typed waits for a job: the frame does not match.
    let s = screen(&a, 120, 40);
    assert!(
        s.contains("binds ... of the loaded rules (matching...)"),
        "{s}"
    );
    let effects: Vec<Effect> = a.take_matching().into_iter().collect();
    assert!(
        matches!(effects.as_slice(), [Effect::Match(_)]),
        "{effects:?}"
    );
    assert!(press(&mut a, "<enter>").is_empty());
    assert!(
        a.source()
            .contains(&format!("<rules_group>{}</rules_group>", costly_pattern())),
        "the edit is applied at once"
    );
    let s = screen(&a, 120, 40);
    assert!(s.contains("(rule checks: matching...)"), "{s}");
    assert!(!codes(&a).contains(&"rules-group-matches-nothing".to_string()));
    // The job has not answered (its effect is not even carried out): the next keys
    // are handled all the same.
    press(&mut a, "<esc>k");
    assert_eq!(a.selected(), Some(ossec_ar::model::BlockRef::Command(3)));
    assert!(screen(&a, 120, 40).contains("(rule checks: matching...)"));
    // Now the job runs, in its thread, and its answer is taken between keys.
    let opts = crate::tui_harness::run_options();
    let started = Instant::now();
    let mut rounds = 0;
    ossec_ar::tui::perform(&mut a, effects, &opts);
    // The first answer may be for a state the keys have left; ask again then.
    while a.matching_pending() || rounds == 0 {
        assert!(started.elapsed() < Duration::from_secs(60), "no answer");
        if !ossec_ar::tui::pump_matching(&mut a) {
            std::thread::sleep(Duration::from_millis(10));
        }
        let next: Vec<Effect> = a.take_matching().into_iter().collect();
        ossec_ar::tui::perform(&mut a, next, &opts);
        rounds += 1;
    }
    // No group has a `!`: the pattern matches none of the rules, and level 10 AND
    // the group (Wazuh) binds none.
    for code in ["rules-group-matches-nothing", "response-binds-nothing"] {
        assert!(codes(&a).contains(&code.to_string()), "{:?}", codes(&a));
    }
    press(&mut a, "j");
    let s = screen(&a, 120, 40);
    assert!(!s.contains("matching..."), "{s}");
    assert!(s.contains("0 errors, 2 warnings"), "{s}");
}

#[test]
fn the_simulator_pane_binds_a_costly_rules_group_in_the_background() {
    let mut a = app();
    press(&mut a, &format!("{TO_R1}jjjjj<enter>"));
    a.handle(AppEvent::Paste(costly_pattern()));
    press(&mut a, "<enter><esc>");
    // Carry out every job asked so far, then open the pane: its binding is new work.
    let opts = crate::tui_harness::run_options();
    settle(&mut a, &opts);
    press(&mut a, "p");
    assert!(a.simulator_open());
    let s = screen(&a, 120, 40);
    assert!(s.contains("matching..."), "{s}");
    assert!(!s.contains("no loaded rule triggers it"), "{s}");
    // Keys go on in the pane while the binding is matched.
    press(&mut a, "e");
    assert_eq!(a.mode(), ossec_ar::tui::keys::Mode::Edit);
    press(&mut a, "<esc>");
    settle(&mut a, &opts);
    let s = screen(&a, 120, 40);
    assert!(!s.contains("matching..."), "{s}");
    assert!(s.contains("no loaded rule triggers it"), "{s}");
}

/// [`CONF`] with the costly pattern as response #1's `rules_group`.
fn costly_conf() -> String {
    CONF.replace(
        "<level>10</level>",
        &format!(
            "<level>10</level>\n    <rules_group>{}</rules_group>",
            costly_pattern()
        ),
    )
}

#[test]
fn the_first_view_of_a_loaded_costly_pattern_waits_for_a_job() {
    let mut a = app_on(&costly_conf());
    // Opening did not match on the frame: no ruleset-aware finding yet, the status
    // line says why, and the first frame asks for the job.
    assert!(codes(&a).is_empty(), "{:?}", codes(&a));
    assert!(a.matching_pending());
    let s = screen(&a, 120, 40);
    assert!(s.contains("(rule checks: matching..."), "{s}");
    let effects: Vec<Effect> = a.take_matching().into_iter().collect();
    assert!(
        matches!(effects.as_slice(), [Effect::Match(_)]),
        "{effects:?}"
    );
    assert!(a.take_matching().is_none(), "one job at a time");
    // Its answer is withheld (the effect is not carried out): keys work, and the
    // simulator pane binds the response in the background too.
    press(&mut a, "jjjp");
    assert_eq!(a.selected(), Some(ossec_ar::model::BlockRef::Response(1)));
    assert!(a.simulator_open());
    let s = screen(&a, 120, 40);
    assert!(s.contains("(rule checks: matching..."), "{s}");
    assert!(!s.contains("no loaded rule triggers it"), "{s}");
    // The job answers: no group has a `!`, so the pattern matches nothing and
    // level 10 AND it binds nothing.
    ossec_ar::tui::perform(&mut a, effects, &run_options());
    settle(&mut a, &run_options());
    for code in ["rules-group-matches-nothing", "response-binds-nothing"] {
        assert!(codes(&a).contains(&code.to_string()), "{:?}", codes(&a));
    }
    let s = screen(&a, 120, 40);
    assert!(!s.contains("matching..."), "{s}");
    assert!(s.contains("0 errors, 2 warnings"), "{s}");
    assert!(s.contains("no loaded rule triggers it"), "{s}");
    // Warnings the file had are not errors the edits added.
    assert!(a.new_errors().is_empty());
}

/// Patterns each cheap enough for a frame are not, all together: the findings of
/// every response match each of them, so opening waits for a job.
#[test]
fn cheap_patterns_that_together_cost_too_much_are_matched_by_a_job() {
    // 1,002 bytes: 100 rules x 1,002 is under 2^18, three times that is over it.
    let cheap = vec![r"\.*\.*\.*!"; 100].join("|");
    let blocks: String = (1..=3)
        .map(|i| format!(
            "  <active-response>\n    <command>spare</command>\n    <location>local</location>\n    <rules_group>{cheap}|n{i}</rules_group>\n  </active-response>\n"
        ))
        .collect();
    let conf = CONF.replace("</ossec_config>", &format!("{blocks}</ossec_config>"));
    let mut a = app_on(&conf);
    assert!(a.matching_pending());
    assert!(codes(&a).is_empty(), "{:?}", codes(&a));
    settle(&mut a, &run_options());
    // Each of the three matches no rule and binds none.
    let nothing = codes(&a)
        .iter()
        .filter(|c| *c == "rules-group-matches-nothing")
        .count();
    assert_eq!(nothing, 3, "{:?}", codes(&a));
}

/// The real binary in tmux: a costly pattern pasted into rules_group and committed;
/// the event loop starts the job after the frame and takes its answer between keys,
/// with no key pressed: the ruleset-aware findings come.
#[test]
fn tmux_a_costly_pattern_is_matched_by_the_event_loop() {
    use crate::tui_tmux::tmux_available;
    if !tmux_available() {
        return;
    }
    let (_dir, file, tmux) = editor_in_tmux(CONF);
    tmux.wait_for("0 errors, 0 warnings");
    tmux.type_text("jjj");
    tmux.keys(&["Tab"]);
    tmux.type_text("jjjjj");
    tmux.keys(&["Enter"]);
    tmux.cmd(&["set-buffer", "--", &costly_pattern()]);
    tmux.cmd(&["paste-buffer", "-p", "-t", "e2e"]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("0 errors, 2 warnings");
    let s = tmux.screen();
    assert!(!s.contains("matching..."), "{s}");
    tmux.type_text("q");
    tmux.wait_for("discard");
    tmux.type_text("d");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), CONF);
}

/// The real binary in tmux, opened on a config whose response has a costly
/// pattern: the first frame comes, the event loop starts the job after it and takes
/// its answer with no key pressed, and keys work.
#[test]
fn tmux_a_loaded_costly_pattern_is_matched_after_the_first_frame() {
    use crate::tui_tmux::tmux_available;
    if !tmux_available() {
        return;
    }
    let (_dir, file, tmux) = editor_in_tmux(&costly_conf());
    tmux.wait_for("0 errors, 2 warnings");
    tmux.type_text("jjjp");
    tmux.wait_for("no loaded rule triggers it");
    let s = tmux.screen();
    assert!(!s.contains("matching..."), "{s}");
    tmux.type_text("q");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), costly_conf());
}

/// The real binary in tmux on `conf`, with the 100 generated rules loaded: the
/// temporary directory (kept alive), the config's path and the session.
fn editor_in_tmux(conf: &str) -> (tempfile::TempDir, std::path::PathBuf, crate::tui_tmux::Tmux) {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("rules dir");
    std::fs::write(rules.join("0100-many.xml"), rules_text()).expect("rules");
    let file = dir.path().join("ossec.conf");
    std::fs::write(&file, conf).expect("conf");
    let tmux = crate::tui_tmux::Tmux::start(120, 40);
    let bin = env!("CARGO_BIN_EXE_ossec-ar");
    tmux.type_text(&format!(
        "{bin} --ossec-home {} --rules {} {}",
        dir.path().join("no-home").display(),
        rules.display(),
        file.display()
    ));
    tmux.keys(&["Enter"]);
    tmux.wait_for("100 rules");
    (dir, file, tmux)
}
