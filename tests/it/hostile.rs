//! Hostile input (issue 16, points 8-15): each test builds the input, runs the real
//! binary (or the editor's key path for a paste) and asserts a clear exit and
//! message within a generous time bound, so that a hang or a quadratic blow-up
//! fails instead of stalling the suite.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use ossec_ar::tui::AppEvent;

use crate::tui_harness::{CONF, app, press, screen};

/// A config with one response bound to rule 1 (shared with `hostile_memory`).
pub(crate) const CONFIG: &str = "<ossec_config>
  <command>
    <name>fd</name>
    <executable>firewall-drop</executable>
    <timeout_allowed>yes</timeout_allowed>
  </command>
  <active-response>
    <command>fd</command>
    <location>local</location>
    <rules_id>1</rules_id>
  </active-response>
</ossec_config>
";

/// Rule 1, level 5.
pub(crate) const RULES: &str = "<group name=\"g,\">
  <rule id=\"1\" level=\"5\">
    <description>one</description>
  </rule>
</group>
";

/// Runs the binary with `args`, failing the test when it takes longer than `limit`
/// (the child is killed then).
fn run_within(args: &[&str], limit: Duration) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    let pid = child.id();
    let watchdog = std::thread::spawn(move || {
        while started.elapsed() < limit {
            std::thread::sleep(Duration::from_millis(50));
            if !Path::new(&format!("/proc/{pid}")).exists() {
                return false;
            }
        }
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        true
    });
    let out = child.wait_with_output().expect("wait");
    let killed = watchdog.join().expect("watchdog");
    assert!(
        !killed && started.elapsed() < limit,
        "ossec-ar {args:?} ran past {limit:?}"
    );
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A directory with the config and one rule file.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("ossec.conf"), CONFIG).expect("config");
    std::fs::create_dir(dir.path().join("rules")).expect("rules dir");
    std::fs::write(dir.path().join("rules/0100-r.xml"), RULES).expect("rules");
    dir
}

fn p(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).display().to_string()
}

fn mkfifo(path: &str) {
    let ok = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(ok.success());
}

const ALERT: &str = r#"{"rule":{"id":"1"},"agent":{"id":"001"}}"#;

/// Point 8: a line of 70 MB without a newline (a gzip bomb's content) allocated
/// until abort; it is now skipped unread and counted, and the next line is read.
#[test]
fn hostile_alert_line_over_64_mib_is_skipped() {
    let dir = setup();
    let alerts = p(&dir, "alerts.json");
    let mut bytes = vec![b'x'; 70 << 20];
    bytes.push(b'\n');
    bytes.extend_from_slice(ALERT.as_bytes());
    bytes.push(b'\n');
    std::fs::write(&alerts, bytes).expect("alerts");
    let (conf, rules) = (p(&dir, "ossec.conf"), p(&dir, "rules"));
    let args = ["simulate", &conf, "--rules", &rules, "--alerts", &alerts];
    let out = run_within(&args, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        format!(
            "ossec-ar: warning: 1 line of {alerts} is not an alert (first at line 1); 1 longer than 64 MiB, skipped unread\n"
        )
    );
    assert!(
        text(&out.stdout).contains("alerts: 1\n"),
        "{}",
        text(&out.stdout)
    );
}

/// Point 9: an alert nested 70,000 deep overflowed the stack (exit 134).
#[test]
fn hostile_alert_nested_70000_deep_is_malformed() {
    let dir = setup();
    let alerts = p(&dir, "alerts.json");
    let deep = format!(
        "{{\"rule\":{{\"id\":\"1\"}},\"x\":{}{}}}\n{ALERT}\n",
        "[".repeat(70_000),
        "]".repeat(70_000)
    );
    std::fs::write(&alerts, deep).expect("alerts");
    let (conf, rules) = (p(&dir, "ossec.conf"), p(&dir, "rules"));
    let args = ["simulate", &conf, "--rules", &rules, "--alerts", &alerts];
    let out = run_within(&args, Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        format!("ossec-ar: warning: 1 line of {alerts} is not an alert (first at line 1)\n")
    );
    assert!(
        text(&out.stdout).contains("alerts: 1\n"),
        "{}",
        text(&out.stdout)
    );
}

/// Point 10: a `rules_group` of 5,000 `\w*` and `\s` took minutes over the rules
/// (cubic restarts, 2^26 steps per rule); each match now stops at 16,384 steps, the
/// pattern at 2^23 in all, and `check` says so.
#[test]
fn hostile_rules_group_pattern_is_bounded() {
    let dir = setup();
    let mut rules = String::from("<group name=\"g,\">\n");
    for id in 1..=1500 {
        rules.push_str(&format!(
            "  <rule id=\"{id}\" level=\"5\">\n    <description>d</description>\n    <group>{}</group>\n  </rule>\n",
            format!("group_name_{id}_with_some_words,").repeat(6)
        ));
    }
    rules.push_str("</group>\n");
    std::fs::write(dir.path().join("rules/0100-r.xml"), rules).expect("rules");
    let pattern = format!("{}\\s", "\\w*".repeat(5000));
    let conf = CONFIG.replace(
        "<rules_id>1</rules_id>",
        &format!("<rules_group>{pattern}</rules_group>"),
    );
    std::fs::write(dir.path().join("ossec.conf"), conf).expect("config");
    let (conf, rules) = (p(&dir, "ossec.conf"), p(&dir, "rules"));
    let out = run_within(
        &["check", &conf, "--rules", &rules],
        Duration::from_secs(120),
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("warning[rules-group-too-costly]: rules_group '\\w*\\w*"),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("is too costly to match (over 16384 steps for one rule, or 8388608 in all)"),
        "{stdout}"
    );
}

/// Point 11: a 1 MB paste into a field was typed key by key (quadratic: 256 KB took
/// 24 s); it is one insertion, cut at the longest value Wazuh reads, with a message.
#[test]
fn hostile_paste_of_1_mb_into_a_field_is_one_cut_insertion() {
    let mut a = app(CONF);
    // Command #1, extra_args (4th field), as in tui_keys.
    press(&mut a, "<tab>jjj<enter>");
    let started = Instant::now();
    a.handle(AppEvent::Paste(format!("{}\n", "y".repeat(1 << 20))));
    press(&mut a, "<enter>");
    assert!(started.elapsed() < Duration::from_secs(20));
    let doc = ossec_ar::xml::parse(a.source());
    let cfg = ossec_ar::model::Config::from_document(&doc);
    let value = cfg.commands[0].extra_args.as_ref().map(|f| f.value.clone());
    assert_eq!(value, Some("y".repeat(20479)));
    // The message stays until the next key: shown on the screen after the paste.
    let mut b = app(CONF);
    press(&mut b, "<tab>jjj<enter>");
    b.handle(AppEvent::Paste("z".repeat(30_000)));
    let s = screen(&b, 120, 40);
    assert!(s.contains("paste cut at 20479 bytes"), "{s}");
}

/// Point 12: `<a>`×N `</b>`×N (713 KB took 53 s) and 50,000 attributes (4.2 s).
#[test]
fn hostile_reader_mismatch_and_attributes_are_linear() {
    let dir = setup();
    let n = 150_000;
    let mismatch = format!("{}{}", "<a>".repeat(n), "</b>".repeat(n));
    std::fs::write(dir.path().join("m.xml"), mismatch).expect("m");
    let out = run_within(&["check", &p(&dir, "m.xml")], Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("error[xml-syntax]: XMLERR: Max recursion level reached"),
        "{}",
        text(&out.stdout)
    );
    // Below the depth limit, every `</b>` is a mismatch.
    let shallow = format!("{}{}", "<a>".repeat(1000), "</b>".repeat(60_000));
    std::fs::write(dir.path().join("s.xml"), shallow).expect("s");
    let out = run_within(&["check", &p(&dir, "s.xml")], Duration::from_secs(30));
    assert!(text(&out.stdout).contains("XMLERR: Element 'a' not closed."));
    let attrs: String = (0..50_000).map(|i| format!(" a{i}=\"v\"")).collect();
    std::fs::write(dir.path().join("t.xml"), format!("<r{attrs}/>")).expect("t");
    let out = run_within(&["check", &p(&dir, "t.xml")], Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("error[xml-syntax]: XMLERR: Too many attributes."),
        "{}",
        text(&out.stdout)
    );
    // A rule file read by `simulate --rules` goes through the same reader.
    std::fs::write(
        dir.path().join("rules/0200-m.xml"),
        format!("{}{}", "<a>".repeat(n), "</b>".repeat(n)),
    )
    .expect("rule file");
    let (conf, rules) = (p(&dir, "ossec.conf"), p(&dir, "rules"));
    let out = run_within(
        &["simulate", &conf, "--rules", &rules],
        Duration::from_secs(30),
    );
    assert!(
        text(&out.stderr).contains("0200-m.xml"),
        "{}",
        text(&out.stderr)
    );
}

/// Point 13: each diagnostic printed its whole source line (a 56 KB file printed
/// 486 MB); the line is cut around the column and each code shows 20 at most.
#[test]
fn hostile_check_output_is_cut_and_capped() {
    let dir = setup();
    let one_line = "</b>".repeat(100_000);
    std::fs::write(dir.path().join("e.xml"), &one_line).expect("e");
    let out = run_within(&["check", &p(&dir, "e.xml")], Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.len() < 64 * 1024, "{} bytes", stdout.len());
    assert!(
        stdout.contains(": 981 more [xml-syntax] not shown (--format json lists them all)\n"),
        "{stdout}"
    );
    // A source line is at most 120 bytes and the cuts are marked.
    let shown = "1 | ...</b></b>";
    assert!(stdout.contains(shown), "{stdout}");
    assert!(stdout.lines().all(|l| l.len() < 200), "{stdout}");
}

/// Point 14: a file over the documented size is refused before it is read.
#[test]
fn hostile_config_over_4_mib_is_refused() {
    let dir = setup();
    let big = p(&dir, "big.conf");
    std::fs::write(&big, " ".repeat((4 << 20) + 1)).expect("big");
    let out = run_within(&["check", &big], Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!("ossec-ar: cannot read {big}: is too large (4194305 bytes; the limit is 4 MiB)\n")
    );
}

/// Point 15: FIFOs and devices hung forever or were read until memory ran out.
#[test]
fn hostile_fifos_and_devices_are_refused() {
    let dir = setup();
    let fifo = p(&dir, "fifo");
    mkfifo(&fifo);
    let limit = Duration::from_secs(10);
    let out = run_within(&["check", &fifo], limit);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!("ossec-ar: cannot read {fifo}: is a named pipe (FIFO), not a regular file\n")
    );
    let out = run_within(&["check", "/dev/zero"], limit);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "ossec-ar: cannot read /dev/zero: is a character device, not a regular file\n"
    );
    let (conf, rules) = (p(&dir, "ossec.conf"), p(&dir, "rules"));
    for flag in ["--alerts", "--logs"] {
        let out = run_within(&["simulate", &conf, "--rules", &rules, flag, &fifo], limit);
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(
            text(&out.stderr).contains("is a named pipe (FIFO), not a regular file"),
            "{flag}: {}",
            text(&out.stderr)
        );
    }
    // A FIFO named like a rule file: reported as a rule problem, not waited on.
    mkfifo(&p(&dir, "rules/0200-fifo.xml"));
    let out = run_within(&["simulate", &conf, "--rules", &rules], limit);
    assert!(
        text(&out.stderr).contains("is a named pipe (FIFO), not a regular file"),
        "{}",
        text(&out.stderr)
    );
}

/// Point 10 in the editor: one key with a costly `rules_group` on the selected
/// response froze it for 8-33 s (the form's live count and the rule checks match it
/// against every rule); now each pass over the rules stops at its step budget.
#[test]
fn hostile_rules_group_does_not_freeze_the_editor() {
    let mut rules = String::from("<group name=\"g,\">\n");
    for id in 1..=1500 {
        rules.push_str(&format!(
            "<rule id=\"{id}\" level=\"5\"><description>d</description><group>{}</group></rule>\n",
            format!("group_name_{id}_with_some_words,").repeat(6)
        ));
    }
    rules.push_str("</group>\n");
    let loaded = ossec_ar::rules::load_texts([("0100-r.xml", rules.as_str())]);
    let pattern = format!("{}\\s", "\\w*".repeat(5000));
    let conf = CONFIG.replace(
        "<rules_id>1</rules_id>",
        &format!("<rules_group>{pattern}</rules_group>"),
    );
    let started = Instant::now();
    let mut a = ossec_ar::tui::App::new(
        conf,
        ossec_ar::tui::Options {
            path: std::path::PathBuf::from("ossec.conf"),
            profile: ossec_ar::model::Profile::Wazuh,
            home: None,
            theme: ossec_ar::tui::Theme::new(false),
            size: (120, 40),
            rules: Some(loaded.rules),
        },
    );
    // Select the response, show its form (with the live counts), move in it.
    press(&mut a, "j");
    let _ = screen(&a, 120, 40);
    press(&mut a, "<tab>jjjj");
    let s = screen(&a, 120, 40);
    assert!(s.contains("rules_group"), "{s}");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
}
