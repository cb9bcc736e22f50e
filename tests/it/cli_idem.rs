//! Idempotent scripted edits (issue 12): selectors by content, `add --if-absent`,
//! `rm` of what is not there; a second run changes nothing and touches nothing.

use crate::cli_edit::{Case, err, fixture_with, out};
use crate::save::fixture;

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&out(o)).expect("json on stdout")
}

#[test]
fn set_by_content_edits_the_block_whose_fields_match() {
    let c = Case::new();
    let sel = "response[command=firewall-drop,rules_id=5712]";
    let o = c.run(&["set"], &[sel, "timeout=60", "--no-backup"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let expected = fixture_with("<timeout>600</timeout>", "<timeout>60</timeout>");
    assert_eq!(c.text(), expected);
    let stamp = c.stamp();
    let o = c.run(&["set"], &[sel, "timeout=60", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(json(&o)["changed"], false);
    assert_eq!(c.stamp(), stamp, "second run: same inode and mtime");
    assert_eq!(c.text(), expected, "second run: same bytes");
}

#[test]
fn a_content_selector_that_matches_nothing_refuses_set_and_unset() {
    let c = Case::new();
    for cmd in [&["set"][..], &["unset"][..]] {
        let field = if cmd == ["set"] { "level=3" } else { "level" };
        let o = c.run(cmd, &["response[command=nope]", field]);
        assert_eq!(o.status.code(), Some(1), "{cmd:?}");
        assert_eq!(
            err(&o),
            "ossec-ar: refused: no block matches 'response[command=nope]': no block has these values\n"
        );
    }
    assert_eq!(c.text(), fixture());
}

#[test]
fn several_matches_are_refused_unless_all() {
    let c = Case::new();
    let o = c.run(&["set"], &["response[command=firewall-drop]", "level=7"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        err(&o),
        "ossec-ar: refused: 'response[command=firewall-drop]' matches 2 blocks (response 1, 2); name one, or pass --all\n"
    );
    assert_eq!(c.text(), fixture());
    let o = c.run(
        &["set"],
        &[
            "response[command=firewall-drop]",
            "level=7",
            "--all",
            "--no-backup",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(c.text().matches("<level>7</level>").count(), 2);
    let o = c.run(
        &["rm"],
        &["response[location=local]", "--all", "--no-backup"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(!c.text().contains("<active-response>"), "{}", c.text());
}

#[test]
fn rm_by_content_twice_is_nothing_to_remove_the_second_time() {
    let c = Case::new();
    for sel in [
        "response[rules_id=5712]",
        "command[name=unused]",
        "command:unused",
    ] {
        let o = c.run(&["rm"], &[sel, "--no-backup"]);
        assert_eq!(o.status.code(), Some(0), "{sel}: {}", err(&o));
        let stamp = c.stamp();
        let text = c.text();
        let o = c.run(&["rm"], &[sel, "--format", "json"]);
        assert_eq!(o.status.code(), Some(0), "{sel}: {}", err(&o));
        assert_eq!(json(&o)["changed"], false, "{sel}");
        let o = c.run(&["rm"], &[sel]);
        assert_eq!(err(&o), "ossec.conf: nothing to remove\n");
        assert_eq!((c.stamp(), c.text()), (stamp, text), "{sel}");
    }
    assert!(!c.text().contains("5712"));
    assert!(!c.text().contains("unused"));
    // A position that is not there is still a mistake.
    let o = c.run(&["rm"], &["response:9"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn quoted_values_select_values_with_commas() {
    let c = Case::with(&fixture_with(
        "<rules_id>5712</rules_id>",
        "<rules_id>5712,5720</rules_id>",
    ));
    let o = c.run(&["set"], &["response[rules_id=5712,5720]", "level=3"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "unquoted comma: rules_id=5712 and a bad field"
    );
    let o = c.run(
        &["set"],
        &[
            "response[rules_id=\"5712,5720\"]",
            "timeout=1",
            "--no-backup",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(c.text().contains("<timeout>1</timeout>"));
}

#[test]
fn add_if_absent_twice_adds_once() {
    let c = Case::new();
    let args = [
        "command=firewall-drop",
        "location=all",
        "rules_id=5720,5712",
        "--if-absent",
        "--no-backup",
        "--format",
        "json",
    ];
    let o = c.run(&["add", "response"], &args);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(json(&o)["changed"], true);
    let stamp = c.stamp();
    let text = c.text();
    // The same identity, spelt differently (the ids in another order).
    let again = [
        "command=firewall-drop",
        "location=all",
        "rules_id=5712,5720",
        "--if-absent",
    ];
    let o = c.run(&["add", "response"], &again);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        err(&o),
        "ossec.conf: response #3 already exists: nothing to add\n"
    );
    assert_eq!((c.stamp(), c.text()), (stamp, text.clone()));
    let o = c.run(
        &["add", "response"],
        &[&again[..], &["--format", "json"]].concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(json(&o)["changed"], false);
    assert_eq!((c.stamp(), c.text()), (stamp, text));
    // Without --if-absent the duplicate is added (and check warns about it).
    let o = c.run(&["add", "response"], &again[..3]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        err(&o).contains("warning[duplicate-response]"),
        "{}",
        err(&o)
    );
}

#[test]
fn add_command_if_absent_goes_by_name() {
    let c = Case::new();
    let o = c.run(
        &["add", "command"],
        &[
            "name=unused",
            "executable=other.sh",
            "--if-absent",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(json(&o)["changed"], false);
    assert_eq!(c.text(), fixture());
    let o = c.run(&["add", "command"], &["name=unused", "executable=other.sh"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "without --if-absent a taken name is refused"
    );
}

/// The hidden backup of generation `n` beside the case's file.
fn generation(c: &Case, n: usize) -> std::path::PathBuf {
    let base = c.dir.path().join(".ossec.conf.ossec-ar.bak");
    match n {
        1 => base,
        n => std::path::PathBuf::from(format!("{}.{n}", base.display())),
    }
}

#[test]
fn three_saves_leave_three_generations_and_restore_brings_the_first_back() {
    let c = Case::new();
    let first = c.text();
    let mut contents = vec![first.clone()];
    for t in ["1", "2", "3", "4"] {
        let o = c.run(&["set"], &["response:1", &format!("timeout={t}")]);
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
        contents.push(c.text());
    }
    // Four saves, three kept: .bak is the content before the last save.
    for n in 1..=3 {
        let kept = std::fs::read_to_string(generation(&c, n)).expect("generation");
        assert_eq!(kept, contents[4 - n], "generation {n}");
    }
    assert!(!generation(&c, 4).exists(), "only three are kept");
    assert_eq!(crate::save::visible(c.dir.path()), ["ossec.conf"]);
    let o = c.run(&["restore"], &["3"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(c.text(), contents[1], "generation 3 byte for byte");
    // The restore is a save too: what it replaced is now the newest backup.
    assert_eq!(
        std::fs::read_to_string(generation(&c, 1)).expect("read"),
        contents[4]
    );
    let o = c.run(&["restore"], &["9"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no backup 9 of ossec.conf"), "{}", err(&o));
    let o = c.run(&["set"], &["response:1", "timeout=5", "--backups", "1"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(generation(&c, 1).exists() && !generation(&c, 2).exists());
}

#[test]
fn restore_of_the_newest_backup_undoes_the_last_edit() {
    let c = Case::new();
    let o = c.run(&["set"], &["response:1", "timeout=60"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = c.run(&["restore"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(c.text(), fixture());
    let stamp = c.stamp();
    // The newest backup now holds the edit; restoring the same content again is no change.
    let o = c.run(&["restore"], &["2", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(json(&o)["changed"], false);
    assert_eq!(c.stamp(), stamp);
}

#[test]
fn an_edit_while_another_ossec_ar_edits_is_refused_with_the_holder() {
    let c = Case::new();
    let target = std::fs::canonicalize(&c.path).expect("resolve");
    let lock = ossec_ar::save::lock::acquire(&target)
        .expect("free")
        .expect("lock file made");
    let me = std::process::id();
    for (cmd, args) in [
        (&["set"][..], &["response:1", "timeout=60"][..]),
        (&["rm"][..], &["command:unused"][..]),
        (&["add", "command"][..], &["name=x", "executable=x"][..]),
        (&["restore"][..], &[][..]),
    ] {
        let o = c.run(cmd, args);
        assert_eq!(o.status.code(), Some(1), "{cmd:?}: {}", err(&o));
        let e = err(&o);
        assert!(
            e.contains("is being edited by another ossec-ar (pid ")
                && e.contains(&format!("(kill {me})")),
            "{e}"
        );
    }
    assert_eq!(c.text(), fixture());
    // Reading is never blocked, nor is a dry run.
    assert_eq!(c.run(&["list"], &[]).status.code(), Some(0));
    assert!(c.run(&["check"], &[]).status.code().is_some_and(|c| c < 2));
    let o = c.run(&["set"], &["response:1", "timeout=60", "--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    drop(lock);
    let o = c.run(&["set"], &["response:1", "timeout=60"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let hidden: Vec<String> = std::fs::read_dir(c.dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".lock"))
        .collect();
    assert_eq!(hidden, Vec::<String>::new(), "no lock file left behind");
}
