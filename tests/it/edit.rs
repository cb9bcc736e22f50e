//! Edit scenarios: given a file, running edits, produces exact bytes (docs/ARCHITECTURE.md
//! "Habits" 9).
//!
//! Each scenario is written once, by hand, with LF and two-space indentation, and runs
//! six times: LF or CRLF, with two spaces, four spaces or tabs per level (the same
//! transformation applied to the input and to the expected output). Each also checks
//! that undoing every step gives back the input.

use ossec_ar::model::{BlockKind, Field, UnknownField};
use ossec_ar::session::{EditError, EditOp, Selector, Session};

/// LF → CRLF.
fn crlf(s: &str) -> String {
    s.replace('\n', "\r\n")
}

/// Leading pairs of spaces → tabs.
fn tabs(s: &str) -> String {
    s.split_inclusive('\n')
        .map(|line| {
            let n = line.len() - line.trim_start_matches(' ').len();
            format!("{}{}", "\t".repeat(n / 2), &line[n - n % 2..])
        })
        .collect()
}

/// Leading pairs of spaces → four spaces.
fn four(s: &str) -> String {
    s.split_inclusive('\n')
        .map(|line| {
            let n = line.len() - line.trim_start_matches(' ').len();
            format!("{}{}", " ".repeat(n * 2), &line[n..])
        })
        .collect()
}

fn variants(s: &str) -> [(&'static str, String); 6] {
    [
        ("LF, 2 spaces", s.to_string()),
        ("CRLF, 2 spaces", crlf(s)),
        ("LF, 4 spaces", four(s)),
        ("CRLF, 4 spaces", crlf(&four(s))),
        ("LF, tabs", tabs(s)),
        ("CRLF, tabs", crlf(&tabs(s))),
    ]
}

fn sel(s: &str) -> Selector {
    s.parse().expect("selector")
}

/// A field by its element name (what a user types; a misspelt one fails the test).
fn field(name: &str) -> Field {
    name.parse().expect("field")
}

fn set(s: &str, name: &str, value: &str) -> EditOp {
    EditOp::Set {
        sel: sel(s),
        field: field(name),
        value: value.into(),
    }
}

fn unset(s: &str, name: &str) -> EditOp {
    EditOp::Unset {
        sel: sel(s),
        field: field(name),
    }
}

fn rm(s: &str) -> EditOp {
    EditOp::Remove {
        sel: sel(s),
        force: true,
    }
}

fn fields(pairs: &[(&str, &str)]) -> Vec<(Field, String)> {
    pairs
        .iter()
        .map(|(f, v)| (field(f), v.to_string()))
        .collect()
}

/// Given `given`, running `ops` produces `produces`, in all six variants; undoing
/// everything gives back `given`.
fn scenario(given: &str, ops: &[EditOp], produces: &str) {
    for ((variant, g), (_, p)) in variants(given).into_iter().zip(variants(produces)) {
        let mut s = Session::new(g.clone());
        for op in ops {
            let change = s
                .apply(op.clone())
                .unwrap_or_else(|e| panic!("{variant}: {op:?}: {e}"));
            assert!(change.changed, "{variant}: {op:?} changed nothing");
        }
        assert_eq!(s.source(), p, "{variant}");
        assert!(
            s.doc().errors().is_empty(),
            "{variant}: result reads cleanly"
        );
        while s.undo() {}
        assert_eq!(s.source(), g, "{variant}: undo all");
    }
}

const BASE: &str = "<ossec_config>
  <global>
    <logall>no</logall>
  </global>

  <command>
    <name>firewall-drop</name>
    <executable>firewall-drop</executable>
    <timeout_allowed>yes</timeout_allowed>
  </command>

  <command>
    <name>host-deny</name>
    <executable>host-deny</executable>
    <timeout_allowed>yes</timeout_allowed>
  </command>

  <!-- SSH brute force -->
  <active-response>
    <command>firewall-drop</command>
    <location>local</location>
    <rules_id>5712</rules_id>
    <timeout>600</timeout> <!-- ten minutes -->
  </active-response>

  <active-response>
    <command>host-deny</command>
    <location>all</location>
    <level>10</level>
  </active-response>

  <active-response>
    <command>firewall-drop</command>
    <location>defined-agent</location>
    <agent_id>003</agent_id>
    <rules_group>web|attack</rules_group>
  </active-response>
</ossec_config>
";

/// `BASE` with `from` replaced by `to` (exactly once).
fn base_with(from: &str, to: &str) -> String {
    assert_eq!(BASE.matches(from).count(), 1, "{from:?} is unique in BASE");
    BASE.replacen(from, to, 1)
}

#[test]
fn set_an_existing_field_changes_only_its_text() {
    let out = base_with(
        "<timeout>600</timeout> <!-- ten minutes -->",
        "<timeout>60</timeout> <!-- ten minutes -->",
    );
    scenario(BASE, &[set("response:1", "timeout", "60")], &out);
}

#[test]
fn set_a_missing_field_inserts_it_in_field_order() {
    let out = base_with(
        "    <location>local</location>\n",
        "    <location>local</location>\n    <level>7</level>\n",
    );
    scenario(BASE, &[set("response:1", "level", "7")], &out);
    // First in the field order: goes before the first child.
    let out = base_with(
        "  <active-response>\n    <command>host-deny</command>\n",
        "  <active-response>\n    <disabled>no</disabled>\n    <command>host-deny</command>\n",
    );
    scenario(BASE, &[set("response:2", "disabled", "no")], &out);
    // After the last field that comes before it.
    let out = base_with(
        "    <rules_group>web|attack</rules_group>\n",
        "    <rules_group>web|attack</rules_group>\n    <timeout>30</timeout>\n",
    );
    scenario(BASE, &[set("response:3", "timeout", "30")], &out);
}

#[test]
fn set_an_empty_value_keeps_an_empty_element() {
    let out = base_with("<level>10</level>", "<level></level>");
    scenario(BASE, &[set("response:2", "level", "")], &out);
}

#[test]
fn setting_the_same_value_twice_changes_once() {
    let mut s = Session::new(BASE.to_string());
    assert!(
        s.apply(set("response:2", "level", "12"))
            .expect("set")
            .changed
    );
    let once = s.source().to_string();
    assert!(
        !s.apply(set("response:2", "level", "12"))
            .expect("set")
            .changed
    );
    assert_eq!(s.source(), once);
    assert!(s.undo());
    assert!(!s.can_undo(), "the no-op added no undo step");
}

#[test]
fn unset_removes_the_line() {
    let out = base_with("    <level>10</level>\n", "");
    scenario(BASE, &[unset("response:2", "level")], &out);
}

#[test]
fn unset_keeps_a_comment_that_shared_the_line() {
    let out = base_with(
        "    <timeout>600</timeout> <!-- ten minutes -->\n",
        "    <!-- ten minutes -->\n",
    );
    scenario(BASE, &[unset("response:1", "timeout")], &out);
}

#[test]
fn add_command_goes_after_the_last_command_spaced_like_its_siblings() {
    let out = base_with(
        "    <name>host-deny</name>
    <executable>host-deny</executable>
    <timeout_allowed>yes</timeout_allowed>
  </command>
",
        "    <name>host-deny</name>
    <executable>host-deny</executable>
    <timeout_allowed>yes</timeout_allowed>
  </command>

  <command>
    <name>route-null</name>
    <executable>route-null</executable>
  </command>
",
    );
    let op = EditOp::AddCommand(fields(&[
        ("name", "route-null"),
        ("executable", "route-null"),
    ]));
    scenario(BASE, &[op], &out);
}

#[test]
fn add_command_goes_before_the_first_response_and_its_comment() {
    let given = "<ossec_config>
  <global>
    <logall>no</logall>
  </global>

  <!-- SSH brute force -->
  <active-response>
    <command>firewall-drop</command>
    <location>local</location>
  </active-response>
</ossec_config>
";
    let produces = "<ossec_config>
  <global>
    <logall>no</logall>
  </global>

  <command>
    <name>firewall-drop</name>
    <executable>firewall-drop</executable>
    <timeout_allowed>yes</timeout_allowed>
  </command>

  <!-- SSH brute force -->
  <active-response>
    <command>firewall-drop</command>
    <location>local</location>
  </active-response>
</ossec_config>
";
    let op = EditOp::AddCommand(fields(&[
        ("name", "firewall-drop"),
        ("executable", "firewall-drop"),
        ("timeout_allowed", "yes"),
    ]));
    scenario(given, &[op], produces);
}

#[test]
fn add_command_to_a_root_without_blocks_goes_last() {
    let given =
        "<ossec_config>\n  <global>\n    <logall>no</logall>\n  </global>\n</ossec_config>\n";
    let produces = "<ossec_config>\n  <global>\n    <logall>no</logall>\n  </global>\n  <command>\n    <name>a</name>\n    <executable>a.sh</executable>\n  </command>\n</ossec_config>\n";
    let op = EditOp::AddCommand(fields(&[("name", "a"), ("executable", "a.sh")]));
    scenario(given, &[op], produces);
}

#[test]
fn add_response_goes_after_the_last_response() {
    let out = base_with(
        "    <rules_group>web|attack</rules_group>
  </active-response>
",
        "    <rules_group>web|attack</rules_group>
  </active-response>

  <active-response>
    <command>host-deny</command>
    <location>server</location>
    <level>12</level>
  </active-response>
",
    );
    let op = EditOp::AddResponse(fields(&[
        ("command", "host-deny"),
        ("location", "server"),
        ("level", "12"),
    ]));
    scenario(BASE, &[op], &out);
    let mut s = Session::new(BASE.to_string());
    let change = s
        .apply(EditOp::AddResponse(fields(&[("command", "host-deny")])))
        .expect("add");
    assert_eq!(change.inserted, Some(Selector::Response(4)));
}

#[test]
fn rm_first_block_keeps_the_comment_above_it() {
    let out = base_with(
        "  <!-- SSH brute force -->
  <active-response>
    <command>firewall-drop</command>
    <location>local</location>
    <rules_id>5712</rules_id>
    <timeout>600</timeout> <!-- ten minutes -->
  </active-response>
",
        "  <!-- SSH brute force -->
",
    );
    scenario(BASE, &[rm("response:1")], &out);
}

#[test]
fn rm_middle_block_takes_one_blank_line() {
    let out = base_with(
        "
  <active-response>
    <command>host-deny</command>
    <location>all</location>
    <level>10</level>
  </active-response>
",
        "",
    );
    scenario(BASE, &[rm("response:2")], &out);
    let out = base_with(
        "
  <command>
    <name>host-deny</name>
    <executable>host-deny</executable>
    <timeout_allowed>yes</timeout_allowed>
  </command>
",
        "",
    );
    scenario(BASE, &[rm("command:host-deny")], &out);
}

#[test]
fn rm_last_block() {
    let out = base_with(
        "
  <active-response>
    <command>firewall-drop</command>
    <location>defined-agent</location>
    <agent_id>003</agent_id>
    <rules_group>web|attack</rules_group>
  </active-response>
",
        "",
    );
    scenario(BASE, &[rm("response:3")], &out);
}

#[test]
fn renaming_a_command_renames_the_responses_that_use_it() {
    let out = BASE
        .replace("<name>firewall-drop</name>", "<name>fw-drop</name>")
        .replace(
            "<command>firewall-drop</command>",
            "<command>fw-drop</command>",
        );
    assert_ne!(out, BASE);
    scenario(
        BASE,
        &[set("command:firewall-drop", "name", "fw-drop")],
        &out,
    );
    let mut s = Session::new(BASE.to_string());
    let change = s
        .apply(set("command:firewall-drop", "name", "fw-drop"))
        .expect("rename");
    assert_eq!(change.renamed_responses, vec![1, 3]);
    let taken = s.apply(set("command:fw-drop", "name", "host-deny"));
    assert_eq!(taken, Err(EditError::NameTaken("host-deny".into(), 12)));
}

#[test]
fn values_with_ampersand_and_escaped_angle_are_written_as_is() {
    let out = base_with(
        "    <timeout_allowed>yes</timeout_allowed>
  </command>

  <!--",
        "    <timeout_allowed>yes</timeout_allowed>
    <extra_args>-a&amp;b \\<x\\></extra_args>
  </command>

  <!--",
    );
    scenario(
        BASE,
        &[set("command:host-deny", "extra_args", "-a&amp;b \\<x\\>")],
        &out,
    );
    let s = {
        let mut s = Session::new(BASE.to_string());
        s.apply(set("command:host-deny", "extra_args", "-a&amp;b \\<x\\>"))
            .expect("set");
        s
    };
    let c = s.config().command("host-deny").expect("command");
    assert_eq!(
        c.extra_args.as_ref().map(|f| f.value.as_str()),
        Some("-a&amp;b \\<x\\>")
    );
}

#[test]
fn values_the_reader_cannot_give_back_are_refused() {
    for value in ["a<b", "C:\\", "<!-- x -->"] {
        let mut s = Session::new(BASE.to_string());
        let e = s
            .apply(set("command:host-deny", "extra_args", value))
            .expect_err(value);
        assert!(
            matches!(e, EditError::Unrepresentable { .. }),
            "{value}: {e}"
        );
        assert_eq!(s.source(), BASE);
    }
}

const TWO_ROOTS: &str = "<ossec_config>
  <command>
    <name>a</name>
    <executable>a.sh</executable>
  </command>
</ossec_config>

<ossec_config>
  <active-response>
    <command>a</command>
    <location>local</location>
  </active-response>
</ossec_config>
";

#[test]
fn two_roots_each_edit_lands_in_its_own_root() {
    let produces = "<ossec_config>
  <command>
    <name>a</name>
    <executable>a.sh</executable>
  </command>
  <command>
    <name>b</name>
    <executable>b.sh</executable>
  </command>
</ossec_config>

<ossec_config>
  <active-response>
    <command>a</command>
    <location>local</location>
    <level>5</level>
  </active-response>
  <active-response>
    <command>b</command>
    <location>server</location>
  </active-response>
</ossec_config>
";
    let ops = [
        EditOp::AddCommand(fields(&[("name", "b"), ("executable", "b.sh")])),
        EditOp::AddResponse(fields(&[("command", "b"), ("location", "server")])),
        set("response:1", "level", "5"),
    ];
    scenario(TWO_ROOTS, &ops, produces);
}

#[test]
fn no_final_newline_stays_missing() {
    let given = BASE.trim_end_matches('\n');
    let produces = base_with("<level>10</level>", "<level>11</level>");
    scenario(
        given,
        &[set("response:2", "level", "11")],
        produces.trim_end_matches('\n'),
    );
    let fragment = "<command>
  <name>a</name>
  <executable>a.sh</executable>
</command>
<active-response>
  <command>a</command>
  <location>local</location>
</active-response>";
    let produces = "<command>
  <name>a</name>
  <executable>a.sh</executable>
</command>
<active-response>
  <command>a</command>
  <location>local</location>
</active-response>
<active-response>
  <command>a</command>
  <location>all</location>
</active-response>";
    let op = EditOp::AddResponse(fields(&[("command", "a"), ("location", "all")]));
    scenario(fragment, &[op], produces);
    let produces = "<command>
  <name>a</name>
  <executable>a.sh</executable>
</command>";
    scenario(fragment, &[rm("response:1")], produces);
}

const ONE_LINE: &str = "<ossec_config>
  <command><name>a</name><executable>a.sh</executable></command>
  <active-response><command>a</command><location>local</location></active-response>
</ossec_config>
";

#[test]
fn a_block_on_one_line_gets_its_inserts_on_that_line() {
    let produces = "<ossec_config>
  <command><name>a</name><executable>a.sh</executable></command>
  <active-response><disabled>no</disabled><command>a</command><location>local</location><level>6</level></active-response>
</ossec_config>
";
    let ops = [
        set("response:1", "level", "6"),
        set("response:1", "disabled", "no"),
    ];
    scenario(ONE_LINE, &ops, produces);
    let produces = "<ossec_config>
  <command><name>a</name><executable>a.sh</executable></command>
  <active-response><command>a</command></active-response>
</ossec_config>
";
    scenario(ONE_LINE, &[unset("response:1", "location")], produces);
}

#[test]
fn a_new_block_copies_a_one_line_sibling() {
    let produces = "<ossec_config>
  <command><name>a</name><executable>a.sh</executable></command>
  <active-response><command>a</command><location>local</location></active-response>
  <active-response><command>a</command><location>all</location></active-response>
</ossec_config>
";
    let op = EditOp::AddResponse(fields(&[("command", "a"), ("location", "all")]));
    scenario(ONE_LINE, &[op], produces);
}

#[test]
fn spaces_between_one_line_children_are_copied() {
    let given = "<ossec_config>\n  <active-response> <command>a</command> <location>local</location> </active-response>\n</ossec_config>\n";
    let produces = "<ossec_config>\n  <active-response> <command>a</command> <location>local</location> <level>6</level> </active-response>\n</ossec_config>\n";
    scenario(given, &[set("response:1", "level", "6")], produces);
    let produces = "<ossec_config>\n  <active-response> <location>local</location> </active-response>\n</ossec_config>\n";
    scenario(given, &[unset("response:1", "command")], produces);
}

#[test]
fn a_self_closed_field_gets_its_value() {
    let given = "<ossec_config>\n  <active-response>\n    <command>a</command>\n    <location/>\n  </active-response>\n</ossec_config>\n";
    let produces = "<ossec_config>\n  <active-response>\n    <command>a</command>\n    <location>local</location>\n  </active-response>\n</ossec_config>\n";
    scenario(given, &[set("response:1", "location", "local")], produces);
}

#[test]
fn repeated_fields_the_one_the_daemon_reads_changes() {
    let given = "<ossec_config>\n  <active-response>\n    <level>3</level>\n    <level>5</level>\n    <disabled>yes</disabled>\n    <disabled>yes</disabled>\n  </active-response>\n</ossec_config>\n";
    // Last `level` wins; for `disabled` any yes wins, so both must say no.
    let produces = "<ossec_config>\n  <active-response>\n    <level>3</level>\n    <level>9</level>\n    <disabled>no</disabled>\n    <disabled>no</disabled>\n  </active-response>\n</ossec_config>\n";
    let ops = [
        set("response:1", "level", "9"),
        set("response:1", "disabled", "no"),
    ];
    scenario(given, &ops, produces);
    let produces = "<ossec_config>\n  <active-response>\n    <disabled>yes</disabled>\n    <disabled>yes</disabled>\n  </active-response>\n</ossec_config>\n";
    scenario(given, &[unset("response:1", "level")], produces);
}

#[test]
fn selectors_that_match_nothing_or_twice_are_refused_with_lines() {
    let given = "<ossec_config>\n  <command>\n    <name>a</name>\n  </command>\n  <command>\n    <name>a</name>\n  </command>\n</ossec_config>\n";
    let mut s = Session::new(given.to_string());
    assert_eq!(
        s.apply(set("command:a", "executable", "x")),
        Err(EditError::Ambiguous {
            name: "a".into(),
            lines: vec![2, 5]
        })
    );
    let e = s.apply(set("response:1", "level", "1")).expect_err("none");
    assert_eq!(
        e.to_string(),
        "no block matches 'response:1': the file has 0 responses"
    );
    let e = s
        .apply(set("command:zz", "executable", "x"))
        .expect_err("none");
    assert_eq!(
        e.to_string(),
        "no block matches 'command:zz': the commands are a, a"
    );
    let e = s.apply(set("command:a", "level", "1")).expect_err("field");
    assert!(matches!(
        e,
        EditError::UnknownField(UnknownField {
            kind: BlockKind::Command,
            ..
        })
    ));
    assert_eq!(s.source(), given);
}

#[test]
fn rm_of_a_command_in_use_needs_force() {
    let mut s = Session::new(BASE.to_string());
    let op = EditOp::Remove {
        sel: sel("command:firewall-drop"),
        force: false,
    };
    assert_eq!(
        s.apply(op),
        Err(EditError::InUse {
            name: "firewall-drop".into(),
            users: vec![1, 3]
        })
    );
    assert!(
        s.apply(rm("command:firewall-drop"))
            .expect("forced")
            .changed
    );
}

#[test]
fn the_first_response_goes_at_the_end_of_its_commands_root() {
    let given = "<ossec_config>
  <global>
    <logall>no</logall>
  </global>
</ossec_config>

<ossec_config>
  <command>
    <name>a</name>
    <executable>a.sh</executable>
  </command>

</ossec_config>
";
    let produces = "<ossec_config>
  <global>
    <logall>no</logall>
  </global>
</ossec_config>

<ossec_config>
  <command>
    <name>a</name>
    <executable>a.sh</executable>
  </command>
  <active-response>
    <command>a</command>
    <location>local</location>
  </active-response>

</ossec_config>
";
    let op = EditOp::AddResponse(fields(&[("command", "a"), ("location", "local")]));
    scenario(given, &[op], produces);
}

#[test]
fn a_self_closed_root_opens_to_take_a_block() {
    let op = EditOp::AddCommand(fields(&[("name", "a"), ("executable", "a.sh")]));
    scenario(
        "<ossec_config/>\n",
        &[op],
        "<ossec_config><command><name>a</name><executable>a.sh</executable></command></ossec_config>\n",
    );
}
