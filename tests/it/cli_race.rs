//! A CLI edit is a read-modify-write: when another program writes the file between
//! the read and the write (issue 12, point 5), the edit is done again on the new
//! content, so the other writer's change is kept and never overwritten. The other
//! writer is a real second process: a shell that the debug build runs just before each
//! save (`OSSEC_AR_BEFORE_SAVE`), which copies its version over the file.

use std::fs;
use std::process::{Command, Output};

use crate::cli_edit::{Case, err, out};
use crate::save::fixture;

/// What the other writer puts in the file: a new response before the others (so every
/// position moves) and a change in `<global>`.
fn theirs() -> String {
    let f = fixture();
    let first = "  <active-response>\n    <command>firewall-drop</command>\n    <location>local</location>\n    <rules_id>5712</rules_id>";
    assert_eq!(f.matches(first).count(), 1);
    let new = "  <active-response>\n    <command>firewall-drop</command>\n    <location>server</location>\n    <level>12</level>\n  </active-response>\n\n";
    f.replacen(first, &format!("{new}{first}"), 1).replacen(
        "<jsonout_output>yes</jsonout_output>",
        "<jsonout_output>no</jsonout_output>",
        1,
    )
}

/// Runs `ossec-ar CMD... ossec.conf ARGS...` on the case's file with another writer
/// that copies `theirs` over the file before the first save; returns the output and
/// how many saves were tried.
fn racing(c: &Case, cmd: &[&str], args: &[&str], theirs: &str) -> (Output, u32) {
    fs::write(c.dir.path().join("theirs"), theirs).expect("write theirs");
    with_writer(
        c,
        cmd,
        args,
        "if [ $n = 1 ]; then cp theirs \"$OSSEC_AR_FILE\"; fi",
    )
}

/// Runs the edit with `writer` (a shell command, `$n` the attempt) before each save.
fn with_writer(c: &Case, cmd: &[&str], args: &[&str], writer: &str) -> (Output, u32) {
    let dir = c.dir.path();
    let hook =
        format!("n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; {writer}");
    let o = Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
        .current_dir(dir)
        .args(cmd)
        .arg("ossec.conf")
        .args(args)
        .args(["--ossec-home", "/nonexistent", "--no-backup"])
        .env("OSSEC_AR_BEFORE_SAVE", hook)
        .output()
        .expect("run ossec-ar");
    let count = fs::read_to_string(dir.join("count")).unwrap_or_default();
    (o, count.trim().parse().unwrap_or(0))
}

const REDONE: &str =
    "ossec.conf: changed on disk since it was read; doing the edit again on the new content\n";

#[test]
fn set_by_content_is_redone_on_the_new_content_and_keeps_their_change() {
    let c = Case::new();
    let sel = "response[command=firewall-drop,rules_id=5712]";
    let (o, saves) = racing(&c, &["set"], &[sel, "timeout=60"], &theirs());
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(saves, 2, "one save refused as changed on disk, one written");
    assert!(err(&o).starts_with(REDONE), "{}", err(&o));
    let expected = theirs().replacen("<timeout>600</timeout>", "<timeout>60</timeout>", 1);
    assert_eq!(
        c.text(),
        expected,
        "their new block and <global> kept, ours made"
    );
    let lock = c.dir.path().join(".ossec.conf.ossec-ar.lock");
    assert!(
        !lock.exists(),
        "the lock is held across the attempts, then removed"
    );
}

#[test]
fn a_positional_set_follows_positions_in_the_new_content() {
    // `response:1` is a position: done again, it names the new first response (the
    // edit is a function of the content, as a second run would be).
    let c = Case::new();
    let (o, _) = racing(&c, &["set"], &["response:1", "timeout=30"], &theirs());
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let expected = theirs().replacen(
        "<level>12</level>\n",
        "<level>12</level>\n    <timeout>30</timeout>\n",
        1,
    );
    assert_eq!(c.text(), expected);
}

#[test]
fn rm_removes_the_block_it_names_in_the_new_content() {
    let c = Case::new();
    let block = "  <active-response>\n    <command>firewall-drop</command>\n    <location>local</location>\n    <rules_id>5712</rules_id>\n    <timeout>600</timeout>\n  </active-response>\n\n";
    let (o, _) = racing(&c, &["rm"], &["response[rules_id=5712]"], &theirs());
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(c.text(), theirs().replacen(block, "", 1));
}

#[test]
fn add_if_absent_finds_the_block_the_other_writer_added() {
    let c = Case::new();
    let args = [
        "command=firewall-drop",
        "location=server",
        "level=12",
        "--if-absent",
        "--format",
        "json",
    ];
    let (o, saves) = racing(&c, &["add", "response"], &args, &theirs());
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(saves, 1, "the second attempt has nothing to write");
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("json");
    assert_eq!(v["changed"], false, "{v}");
    assert_eq!(c.text(), theirs(), "no duplicate of their block");
}

#[test]
fn apply_is_redone_on_the_new_content() {
    let c = Case::new();
    let state = c.dir.path().join("state.json");
    fs::write(
        &state,
        r#"{"commands": [{"name": "unused", "state": "absent"}],
            "responses": [{"command": "firewall-drop", "location": "local", "rules_id": "5712", "timeout": 90}]}"#,
    )
    .expect("state");
    let (o, saves) = racing(&c, &["apply"], &["state.json"], &theirs());
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(saves, 2);
    let unused = "  <command>\n    <name>unused</name>\n    <executable>unused.sh</executable>\n  </command>\n\n";
    let expected = theirs().replacen(unused, "", 1).replacen(
        "<timeout>600</timeout>",
        "<timeout>90</timeout>",
        1,
    );
    assert_eq!(c.text(), expected);
}

#[test]
fn a_writer_that_always_races_gets_a_refusal_after_five_attempts() {
    let c = Case::new();
    // Each time a new comment at the end: the file never holds what was read.
    let writer = "printf '<!-- %s -->\\n' $n >> \"$OSSEC_AR_FILE\"";
    let (o, saves) = with_writer(&c, &["set"], &["response:2", "timeout=5"], writer);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert_eq!(saves, 5, "a bounded number of attempts");
    assert_eq!(err(&o).matches(REDONE).count(), 4, "{}", err(&o));
    assert!(
        err(&o).contains("refused:") && err(&o).contains("changed on disk since it was read"),
        "{}",
        err(&o)
    );
    let expected = format!(
        "{}<!-- 1 -->\n<!-- 2 -->\n<!-- 3 -->\n<!-- 4 -->\n<!-- 5 -->\n",
        fixture()
    );
    assert_eq!(
        c.text(),
        expected,
        "their version stays, ours is not forced over it"
    );
}

/// Issue 12's lock acceptance, for the CLI: SIGTERM while an edit holds the lock (here
/// in the middle of its read-modify-write) removes the lock file and writes nothing.
#[test]
fn sigterm_during_a_cli_edit_leaves_no_lock_and_the_file_unchanged() {
    let c = Case::new();
    let dir = c.dir.path();
    let child = Command::new(env!("CARGO_BIN_EXE_ossec-ar"))
        .current_dir(dir)
        .args(["set", "ossec.conf", "response:1", "timeout=5"])
        .args(["--ossec-home", "/nonexistent", "--no-backup"])
        .env("OSSEC_AR_BEFORE_SAVE", "touch ready; sleep 2")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn ossec-ar");
    let lock = dir.join(".ossec.conf.ossec-ar.lock");
    let start = std::time::Instant::now();
    while !dir.join("ready").exists() {
        assert!(
            start.elapsed().as_secs() < 15,
            "the edit never reached its save"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(lock.exists(), "held during the edit");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert_eq!(err(&o), "ossec-ar: stopped by a signal\n");
    assert!(!lock.exists(), "the lock file is removed");
    assert_eq!(c.text(), fixture());
}
