//! `set`, `unset`, `add`, `rm` through the binary: exit codes, stdout, stderr, and the
//! bytes on disk (docs/cli.md).

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::process::{Command, Output};

use crate::save::{fixture, visible};

/// A copy of the fixture in a fresh directory.
pub(crate) struct Case {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) path: PathBuf,
}

impl Case {
    pub(crate) fn new() -> Case {
        Case::with(&fixture())
    }

    pub(crate) fn with(text: &str) -> Case {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ossec.conf");
        fs::write(&path, text).expect("write");
        Case { dir, path }
    }

    /// Runs `ossec-ar CMD FILE ARGS...` in the case's directory (so the file is shown as
    /// `ossec.conf`).
    pub(crate) fn run(&self, cmd: &[&str], args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
            .current_dir(self.dir.path())
            .args(cmd)
            .arg("ossec.conf")
            .args(args)
            .args(["--ossec-home", "/nonexistent"])
            .output()
            .expect("run ossec-ar")
    }

    pub(crate) fn text(&self) -> String {
        fs::read_to_string(&self.path).expect("read")
    }

    /// Inode and modification time: equal means the file was not touched.
    pub(crate) fn stamp(&self) -> (u64, i64, i64) {
        let m = fs::metadata(&self.path).expect("stat");
        (m.ino(), m.mtime(), m.mtime_nsec())
    }
}

pub(crate) fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The fixture with `from` replaced by `to`, exactly once.
pub(crate) fn fixture_with(from: &str, to: &str) -> String {
    let f = fixture();
    assert_eq!(f.matches(from).count(), 1, "{from:?}");
    f.replacen(from, to, 1)
}

#[test]
fn set_writes_once_and_a_second_run_touches_nothing() {
    let c = Case::new();
    let o = c.run(&["set"], &["response:1", "timeout=60"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), "");
    assert_eq!(
        err(&o),
        "ossec.conf: written (previous content in ".to_string()
            + &c.dir
                .path()
                .join(".ossec.conf.ossec-ar.bak")
                .display()
                .to_string()
            + ")\n"
    );
    let expected = fixture_with("<timeout>600</timeout>", "<timeout>60</timeout>");
    assert_eq!(c.text(), expected);
    let stamp = c.stamp();
    let o = c.run(&["set"], &["response:1", "timeout=60"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(err(&o), "ossec.conf: nothing to change\n");
    assert_eq!(c.stamp(), stamp, "not touched: same inode and mtime");
    assert_eq!(visible(c.dir.path()), ["ossec.conf"]);
}

#[test]
fn dry_run_with_diff_prints_the_change_and_writes_nothing() {
    let c = Case::new();
    let stamp = c.stamp();
    let o = c.run(&["set"], &["response:2", "level=7", "--dry-run", "--diff"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let diff = "--- ossec.conf
+++ ossec.conf
@@ -25,5 +25,6 @@
   <active-response>
     <command>firewall-drop</command>
     <location>local</location>
+    <level>7</level>
   </active-response>
 </ossec_config>
";
    assert_eq!(out(&o), diff);
    assert_eq!(
        err(&o),
        "ossec.conf: would change (dry run: nothing written)\n"
    );
    assert_eq!(c.stamp(), stamp);
    assert_eq!(c.text(), fixture());
}

#[test]
fn values_that_fail_their_check_are_refused_unless_forced() {
    for (assignment, message) in [
        (
            "level=99",
            "level=99: error[invalid-level]: level '99' is outside 0 to 20",
        ),
        (
            "timeout=abc",
            "timeout=abc: warning[timeout-value]: timeout 'abc' is read as 0: no timeout",
        ),
        (
            "location=nowhere",
            "location=nowhere: 'nowhere' matches no location: Wazuh refuses it (1302)",
        ),
        ("agent_id=x1", "agent_id=x1: an agent id is digits only"),
        (
            "repeated_offenders=1,2,3,4,5,6",
            "repeated_offenders=1,2,3,4,5,6: repeated_offenders is up to 5 numbers",
        ),
        (
            "command=nope",
            "command=nope: no command named 'nope' (defined: firewall-drop, unused)",
        ),
    ] {
        let c = Case::new();
        let stamp = c.stamp();
        let o = c.run(&["set"], &["response:1", assignment]);
        assert_eq!(o.status.code(), Some(1), "{assignment}");
        let e = err(&o);
        // The validator may report the value as a new error too (with its source line
        // and caret, before the form check's line); the form check refuses it anyway.
        let line = format!("ossec.conf: invalid value: {message}");
        assert!(
            e.starts_with(&line) || e.contains(&format!("\n{line}")),
            "{e}"
        );
        assert!(
            e.ends_with("1 invalid value; nothing written (--force writes anyway)\n"),
            "{e}"
        );
        assert_eq!(c.stamp(), stamp, "{assignment}: not touched");
    }
    let c = Case::new();
    let o = c.run(&["set"], &["response:1", "level=99", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        c.text()
            .contains("<location>local</location>\n    <level>99</level>\n    <rules_id>")
    );
}

#[test]
fn defined_agent_needs_an_agent_id_given_in_the_same_set() {
    let c = Case::new();
    let o = c.run(&["set"], &["response:2", "location=defined-agent"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("location defined-agent needs an agent_id"),
        "{}",
        err(&o)
    );
    let o = c.run(
        &["set"],
        &["response:2", "location=defined-agent", "agent_id=003"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

#[test]
fn usage_errors_exit_2_and_refusals_exit_1() {
    let c = Case::new();
    for (cmd, args, code, message) in [
        (
            vec!["set"],
            vec!["resp:1", "level=3"],
            2,
            "ossec-ar: invalid selector 'resp:1': expected response:N (N from 1), command:NAME, command#N, response[FIELD=VALUE,...] or command[FIELD=VALUE,...]\n",
        ),
        (
            vec!["set"],
            vec!["response:1", "colour=red"],
            2,
            "ossec-ar: unknown field 'colour' for a response; fields: disabled, command, location, agent_id, level, rules_group, rules_id, timeout, repeated_offenders, ca_store, ca_verification\n",
        ),
        (
            vec!["set"],
            vec!["response:1", "level"],
            2,
            "ossec-ar: expected FIELD=VALUE, got 'level'\n",
        ),
        (
            vec!["add", "command"],
            vec!["name=x"],
            2,
            "ossec-ar: a new command needs the field 'executable'\n",
        ),
        (
            vec!["set"],
            vec!["response:9", "level=3"],
            1,
            "ossec-ar: refused: no block matches 'response:9': the file has 2 responses\n",
        ),
        (
            vec!["rm"],
            vec!["command:firewall-drop"],
            1,
            "ossec-ar: refused: command 'firewall-drop' is used by responses #1, #2; change or remove them first, or force\n",
        ),
        (
            vec!["set"],
            vec!["response:1", "rules_group=a<b"],
            1,
            "ossec-ar: refused: cannot write rules_group='a<b': it contains '<', which the reader takes as the start of a tag; write it '\\<' (Wazuh keeps the backslash: the daemon then reads '\\<')\n",
        ),
    ] {
        let o = c.run(&cmd, &args);
        assert_eq!(o.status.code(), Some(code), "{cmd:?} {args:?}: {}", err(&o));
        assert_eq!(err(&o), message);
        assert_eq!(out(&o), "");
    }
    assert_eq!(c.text(), fixture());
    let o = Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
        .args(["set", "/nonexistent/ossec.conf", "response:1", "level=3"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        err(&o),
        "ossec-ar: cannot read /nonexistent/ossec.conf: no such file\n"
    );
}

#[test]
fn rm_force_removes_a_command_in_use_and_rm_takes_the_block_lines() {
    let c = Case::new();
    let o = c.run(&["rm"], &["command:unused"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let expected = fixture_with(
        "
  <command>
    <name>unused</name>
    <executable>unused.sh</executable>
  </command>
",
        "",
    );
    assert_eq!(c.text(), expected);
    let o = c.run(&["rm"], &["command:firewall-drop", "--force", "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

#[test]
fn an_edit_that_adds_an_error_is_refused_with_the_finding() {
    let c = Case::new();
    let o = c.run(&["unset"], &["response:2", "command", "location"]);
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(
        e.starts_with("ossec.conf:25:3: error[empty-block]: <active-response> has no options"),
        "{e}"
    );
    assert!(e.ends_with("ossec-ar: refused: the edit would add 1 new error; nothing written (--force writes anyway)\n"), "{e}");
    assert_eq!(c.text(), fixture());
    let o = c.run(
        &["unset"],
        &["response:2", "command", "location", "--force"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

#[test]
fn add_command_and_response_then_rename() {
    let c = Case::new();
    let o = c.run(
        &["add", "command"],
        &[
            "name=host-deny",
            "executable=host-deny",
            "timeout_allowed=yes",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = c.run(
        &["add", "response"],
        &["command=host-deny", "location=all", "level=10"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = c.run(&["set"], &["command:host-deny", "name=deny"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        err(&o).starts_with("ossec.conf: renamed the command in response #3\n"),
        "{}",
        err(&o)
    );
    let expected = fixture()
        .replace(
            "    <executable>unused.sh</executable>\n  </command>\n",
            "    <executable>unused.sh</executable>\n  </command>\n\n  <command>\n    <name>deny</name>\n    <executable>host-deny</executable>\n    <timeout_allowed>yes</timeout_allowed>\n  </command>\n",
        )
        .replace(
            "    <location>local</location>\n  </active-response>\n</ossec_config>\n",
            "    <location>local</location>\n  </active-response>\n\n  <active-response>\n    <command>deny</command>\n    <location>all</location>\n    <level>10</level>\n  </active-response>\n</ossec_config>\n",
        );
    assert_eq!(c.text(), expected);
}

#[test]
fn json_reports_changed_and_the_diff() {
    let c = Case::new();
    let o = c.run(&["set"], &["response:1", "timeout=600", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("json");
    assert_eq!(v["changed"], false);
    assert_eq!(v["diff"], "");
    let o = c.run(
        &["set"],
        &[
            "response:1",
            "timeout=60",
            "--format",
            "json",
            "--no-backup",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("json");
    assert_eq!(v["changed"], true);
    assert_eq!(v["written"], true);
    assert_eq!(v["backup"], serde_json::Value::Null);
    let diff = v["diff"].as_str().expect("diff");
    assert!(
        diff.contains("-    <timeout>600</timeout>\n+    <timeout>60</timeout>\n"),
        "{diff}"
    );
    assert!(v["diagnostics"].is_array());
    let o = c.run(&["set"], &["response:1", "level=17", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("json");
    assert_eq!(
        (v["changed"].clone(), v["written"].clone()),
        (false.into(), false.into())
    );
    assert_eq!(v["invalid_values"].as_array().map(Vec::len), Some(1));
}

#[test]
fn verify_failure_restores_the_file_and_shows_the_output() {
    let c = Case::new();
    let o = c.run(
        &["set"],
        &[
            "response:1",
            "timeout=60",
            "--verify",
            "echo 'analysisd: (1202): Configuration error' >&2; exit 1",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(e.contains("verify command"), "{e}");
    assert!(
        e.contains("the previous content was put back\nanalysisd: (1202): Configuration error\n"),
        "{e}"
    );
    assert_eq!(c.text(), fixture());
    let o = c.run(
        &["set"],
        &[
            "response:1",
            "timeout=60",
            "--verify",
            "grep -q '<timeout>60<' ossec.conf",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

#[test]
fn crlf_and_a_missing_final_newline_survive_a_cli_edit() {
    let given = fixture().replace('\n', "\r\n");
    let given = given.trim_end_matches("\r\n");
    let c = Case::with(given);
    let o = c.run(&["set"], &["response:2", "level=3"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let expected = given.replace(
        "<location>local</location>\r\n  </active-response>\r\n</ossec_config>",
        "<location>local</location>\r\n    <level>3</level>\r\n  </active-response>\r\n</ossec_config>",
    );
    assert_ne!(expected, given);
    assert_eq!(c.text(), expected);
}

/// Regression: a rename given before another field of the same `command:NAME` made the
/// later field look for the old name.
#[test]
fn rename_and_another_field_in_one_set() {
    let c = Case::new();
    let o = c.run(
        &["set"],
        &["command:unused", "name=spare", "executable=spare.sh"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let expected = fixture().replace(
        "    <name>unused</name>\n    <executable>unused.sh</executable>\n",
        "    <name>spare</name>\n    <executable>spare.sh</executable>\n",
    );
    assert_eq!(c.text(), expected);
}

#[test]
fn warnings_the_edit_adds_are_printed_after_written() {
    let c = Case::new();
    let o = c.run(
        &["add", "response"],
        &[
            "command=firewall-drop",
            "location=local",
            "level=5",
            "rules_group=sshd,web",
            "--no-backup",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let e = err(&o);
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 2, "{e}");
    assert_eq!(lines[0], "ossec.conf: written");
    assert!(
        lines[1].starts_with("ossec.conf:")
            && lines[1].contains(": warning[rules-group-comma]: ")
            && lines[1].contains("did you mean 'sshd|web'?"),
        "{e}"
    );
    // An edit that adds no finding prints nothing more (the fixture's own
    // warnings are old).
    let o = c.run(&["set"], &["response:1", "timeout=60", "--no-backup"]);
    assert_eq!(err(&o), "ossec.conf: written\n");
}

#[test]
fn command_at_position_removes_an_unused_duplicate() {
    let anchor = "    <executable>unused.sh</executable>\n  </command>\n";
    let dup = fixture_with(
        anchor,
        &format!(
            "{anchor}\n  <command>\n    <name>firewall-drop</name>\n    <executable>x.sh</executable>\n  </command>\n"
        ),
    );
    let c = Case::with(&dup);
    // command:firewall-drop is ambiguous; command#3 is the unused second one.
    let o = c.run(&["rm"], &["command:firewall-drop"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let o = c.run(&["rm"], &["command#3", "--no-backup"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(c.text(), fixture());
    let o = c.run(&["rm"], &["command#99"]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
}
