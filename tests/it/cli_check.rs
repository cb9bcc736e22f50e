//! `check`, `list`, `explain` through the real binary: exit codes, stdout, stderr.

use std::path::Path;
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ossec-ar"));
    c.env_remove("NO_COLOR");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("spawn ossec-ar")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn demo() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/demo/ossec.conf")
        .display()
        .to_string()
}

fn temp_file(bytes: &[u8]) -> tempfile::NamedTempFile {
    let f = tempfile::NamedTempFile::new().expect("temp");
    std::fs::write(f.path(), bytes).expect("write");
    f
}

#[test]
fn demo_config_checks_clean() {
    let o = run(&["check", &demo()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 errors"), "{}", stdout(&o));
}

#[test]
fn list_json_has_the_shape_of_spec_2_2() {
    let o = run(&["list", &demo(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    // Values worked out from assets/demo/ossec.conf by reading it.
    assert_eq!(v["commands"].as_array().map(Vec::len), Some(5));
    assert_eq!(v["commands"][0]["name"], "disable-account");
    assert_eq!(v["commands"][0]["timeout_allowed"], true);
    assert_eq!(v["commands"][1]["timeout_allowed"], serde_json::Value::Null);
    assert_eq!(v["commands"][0]["extra_args"], serde_json::Value::Null);
    let r = &v["responses"];
    assert_eq!(r.as_array().map(Vec::len), Some(5));
    assert_eq!(r[0]["index"], 1);
    assert_eq!(r[0]["command"], "firewall-drop");
    assert_eq!(r[0]["location"], "local");
    assert_eq!(r[0]["rules_id"], "5712,5720");
    assert_eq!(r[0]["timeout"], 600);
    assert_eq!(r[0]["level"], serde_json::Value::Null);
    assert_eq!(r[0]["disabled"], serde_json::Value::Null);
    assert_eq!(r[1]["level"], 10);
    assert_eq!(r[3]["agent_id"], "002");
    assert_eq!(r[0]["line"], 57);
}

#[test]
fn list_json_keeps_odd_values_as_strings() {
    let f = temp_file(b"<ossec_config>\n<command><name>c</name><executable>e</executable><timeout_allowed>yes</timeout_allowed></command>\n<active-response><command>c</command><location>local</location><level> 7</level><timeout>10m</timeout><disabled>maybe</disabled></active-response>\n</ossec_config>\n");
    let o = run(&["list", &f.path().display().to_string(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["responses"][0]["level"], " 7");
    assert_eq!(v["responses"][0]["timeout"], "10m");
    assert_eq!(v["responses"][0]["disabled"], "maybe");
}

#[test]
fn check_reports_like_a_compiler_with_source_and_caret() {
    let f = temp_file(b"<ossec_config>\n  <active-response/>\n</ossec_config>\n");
    let path = f.path().display().to_string();
    let o = run(&["check", &path, "--color", "never"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(&format!("{path}:2:3: error[empty-block]:")),
        "{out}"
    );
    assert!(out.contains("2 |   <active-response/>"), "{out}");
    assert!(out.contains("  |   ^"), "{out}");
    assert!(!out.contains('\x1b'), "no colour with --color never");
}

#[test]
fn check_json_has_the_shape_of_spec_2_1() {
    let f = temp_file(b"<ossec_config>\n  <active-response/>\n</ossec_config>\n");
    let o = run(&["check", &f.path().display().to_string(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["profile"], "wazuh");
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "empty-block");
    assert_eq!(d["line"], 2);
    assert_eq!(d["column"], 3);
    assert_eq!(d["block"]["kind"], "response");
    assert_eq!(d["block"]["index"], 1);
}

#[test]
fn colour_always_and_no_color() {
    let f = temp_file(b"<ossec_config><active-response/></ossec_config>");
    let path = f.path().display().to_string();
    assert!(stdout(&run(&["check", &path, "--color", "always"])).contains("\x1b["));
    let o = bin()
        .args(["check", &path])
        .env("NO_COLOR", "1")
        .output()
        .expect("spawn");
    assert!(!stdout(&o).contains('\x1b'));
}

#[test]
fn truncated_file_is_an_error_not_a_panic() {
    let f = temp_file(b"<ossec_config>\n  <command>\n    <name>firewall-dr");
    let o = run(&["check", &f.path().display().to_string()]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("End of file and some elements were not closed"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn binary_garbage_is_refused_clearly() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let f = temp_file(&garbage);
    let o = run(&["check", &f.path().display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a text file"), "{}", stderr(&o));
}

#[test]
fn utf8_garbage_is_reported_not_panicked_on() {
    let f = temp_file("\u{0}\u{1}<<<>>>\"'=</x><ä ö=>".as_bytes());
    let o = run(&["check", &f.path().display().to_string()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("xml-syntax"));
}

#[test]
fn empty_file_is_accepted_like_wazuh_does() {
    let f = temp_file(b"");
    let o = run(&["check", &f.path().display().to_string()]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn missing_file_and_directory_exit_2() {
    let o = run(&["check", "/nonexistent/ossec.conf"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no such file"), "{}", stderr(&o));
    let dir = tempfile::tempdir().expect("dir");
    let o = run(&["check", &dir.path().display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is a directory"), "{}", stderr(&o));
}

#[test]
fn unreadable_file_exits_2() {
    // As root, permissions do not stop a read; /proc/self/mem refuses reads at offset 0
    // for everyone, which exercises the same error path.
    let o = run(&["check", "/proc/self/mem"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot read /proc/self/mem"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["check"]).status.code(), Some(2));
    assert_eq!(run(&["explain", "no-such-code"]).status.code(), Some(2));
    assert_eq!(run(&["--no-such-flag"]).status.code(), Some(2));
}

#[test]
fn explain_prints_the_long_text() {
    let o = run(&["explain", "empty-block"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("1230"), "{}", stdout(&o));
    let all = stdout(&run(&["explain"]));
    assert!(all.lines().any(|l| l.starts_with("xml-syntax")), "{all}");
}

#[test]
fn closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = bin()
        .args(["explain"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 1];
    child
        .stdout
        .as_mut()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("read");
    drop(child.stdout.take());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "{status:?}");
}

#[test]
fn common_options_work_before_and_after_the_subcommand() {
    for args in [
        vec!["--format", "json", "check", "DEMO"],
        vec!["check", "--format", "json", "DEMO"],
        vec!["check", "DEMO", "--format", "json"],
    ] {
        let args: Vec<String> = args.iter().map(|a| a.replace("DEMO", &demo())).collect();
        let o = bin().args(&args).output().expect("spawn");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(v["kind"], "manager", "{args:?}");
    }
}

#[test]
fn unreadable_file_in_json_mode_says_why_on_stdout() {
    let o = run(&["check", "/nonexistent/ossec.conf", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json on stdout");
    assert_eq!(v["file"], "/nonexistent/ossec.conf");
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("no such file")),
        "{v}"
    );
}

#[test]
fn list_shows_agent_settings_blocks_as_settings() {
    let f = temp_file(b"<ossec_config>\n  <client><server><address>1.2.3.4</address></server></client>\n  <active-response>\n    <disabled>no</disabled>\n    <repeated_offenders>10,20</repeated_offenders>\n  </active-response>\n</ossec_config>\n");
    let o = run(&["list", &f.path().display().to_string()]);
    let out = stdout(&o);
    assert!(out.contains("(agent config)"), "{out}");
    assert!(
        out.contains(
            "response #1   execd settings: disabled=no repeated_offenders=10,20  (line 3)"
        ),
        "{out}"
    );
}
