//! Issue 13: what kind of file `check` and `list` say they read — an empty or plain-text
//! file, a root-less fragment, a shared agent.conf — through the binary.

use crate::cli_edit::{Case, err, out};

const FRAGMENT: &str = "<command>
  <name>host-deny</name>
  <executable>host-deny</executable>
  <timeout_allowed>yes</timeout_allowed>
</command>

<active-response>
  <command>host-deny</command>
  <location>local</location>
  <level>10</level>
</active-response>
";

#[test]
fn fragment_reports_invalid_root_once_and_adding_a_block_adds_no_error() {
    let c = Case::with(FRAGMENT);
    let o = c.run(&["check"], &[]);
    assert_eq!(o.status.code(), Some(1));
    let text = out(&o);
    assert_eq!(text.matches("error[invalid-root]").count(), 1, "{text}");
    assert!(
        text.contains("ossec.conf:1:1: error[invalid-root]: <command> outside <ossec_config>"),
        "{text}"
    );
    assert!(
        text.contains("never reads the 1 top-level element after it"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "1 error, 0 warnings, 0 notes (fragment without <ossec_config> root, wazuh profile)\n"
        ),
        "{text}"
    );
    // The daemon still stops at the first root: no new error, so no --force needed.
    let o = c.run(
        &["add", "response"],
        &[
            "command=host-deny",
            "location=all",
            "level=12",
            "--no-backup",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(c.text().contains("<level>12</level>"));
    let o = c.run(&["check"], &[]);
    assert_eq!(out(&o).matches("error[invalid-root]").count(), 1);
}

#[test]
fn plain_text_and_empty_files_say_there_is_no_root_and_nothing_to_check() {
    for (text, what) in [
        ("hello world\n", "the file holds no element"),
        ("", "the file is empty"),
    ] {
        let c = Case::with(text);
        let o = c.run(&["check"], &[]);
        assert_eq!(o.status.code(), Some(0), "a warning only");
        let shown = out(&o);
        assert!(
            shown.starts_with(&format!(
                "ossec.conf:1:1: warning[no-config-root]: no <ossec_config> root: {what}, so the daemons read nothing from it and there is nothing to check\n"
            )),
            "{shown}"
        );
        assert!(
            shown.ends_with(
                "0 errors, 1 warning, 0 notes (no <ossec_config> root, wazuh profile)\n"
            ),
            "{shown}"
        );
        assert!(!shown.contains("manager config"), "{shown}");
        let o = c.run(&["check"], &["--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(v["layout"], "no-root");
        assert_eq!(v["diagnostics"][0]["code"], "no-config-root");
    }
}

const AGENT_CONF: &str = "<agent_config name=\"web01\" os=\"Linux\">
  <active-response>
    <disabled>yes</disabled>
  </active-response>
</agent_config>

<agent_config>
  <command>
    <name>x</name>
    <executable>x</executable>
  </command>
</agent_config>
";

#[test]
fn shared_agent_conf_is_centralized_agent_configuration_with_targets() {
    let c = Case::with(AGENT_CONF);
    let o = c.run(&["check"], &[]);
    let text = out(&o);
    assert!(
        text.ends_with("(centralized agent configuration, wazuh profile)\n"),
        "{text}"
    );
    assert!(!text.contains("manager config"), "{text}");
    let o = c.run(&["list"], &[]);
    let text = out(&o);
    assert!(
        text.starts_with("# ossec.conf (centralized agent configuration)\n"),
        "{text}"
    );
    assert!(
        text.contains("disabled=yes  (line 2)  [agent.conf, for agents named 'web01', on OS 'Linux': read by no daemon]"),
        "{text}"
    );
    assert!(
        text.contains("(line 8)  [agent.conf, for every agent of the group: read by no daemon]"),
        "{text}"
    );
    let o = c.run(&["list"], &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["layout"], "shared-agent-config");
    assert_eq!(
        v["responses"][0]["target"],
        "agents named 'web01', on OS 'Linux'"
    );
    assert_eq!(v["commands"][0]["target"], "every agent of the group");
}
