//! Rules about `<command>` blocks as analysisd reads them
//! (docs/wazuh-config.md §2, §5.4; docs/ossec.md §3).

use std::collections::HashMap;
use std::path::PathBuf;

use super::scope::{at, children, cmd_ref, line, manager_commands, shown};
use super::{Check, Code};
use crate::model::{Field, Profile, Severity};

pub(super) static CHECKS: &[&Check] = &[
    &MISSING_COMMAND_OPTION,
    &INVALID_COMMAND_NAME,
    &INVALID_TIMEOUT_ALLOWED,
    &DUPLICATE_COMMAND,
    &DEPRECATED_EXPECT,
    &EXECUTABLE_NOT_FOUND,
];

/// `name` and `executable` are required (OSSEC: `expect` too): fatal 1280
/// (docs/wazuh-config.md §2 "Missing `name` or `executable`"; docs/ossec.md §3).
static MISSING_COMMAND_OPTION: Check = Check {
    code: Code {
        code: "missing-command-option",
        severity: Severity::Error,
        summary: "a <command> without <name> or <executable> (OSSEC: or <expect>)",
        explain: "analysisd requires every <command> to have a <name> and an <executable> \
(an empty value is accepted, a missing element is not). Without one it logs `(1280): \
Missing command options. You must specify a 'name' and 'executable'.` and refuses to \
start. OSSEC also requires <expect> (it may be empty: <expect></expect>) and says \
`You must specify a 'name', 'executable' and 'expect'.` Add the missing element.",
    },
    check: |ctx, out| {
        let mut required = vec![Field::Name, Field::Executable];
        if ctx.profile == Profile::Ossec {
            required.push(Field::Expect);
        }
        for c in manager_commands(ctx) {
            let missing: Vec<String> = required
                .iter()
                .filter(|n| ctx.doc.children_named(c.element, n.name()).next().is_none())
                .map(|n| format!("<{n}>"))
                .collect();
            if !missing.is_empty() {
                out.push(
                    at(ctx, c.element),
                    cmd_ref(c),
                    format!(
                        "<command> has no {}: analysisd refuses to start (1280)",
                        missing.join(" and no ")
                    ),
                );
            }
        }
    },
};

/// Wazuh refuses names starting with `!` (reserved for API custom commands): 1235
/// (docs/wazuh-config.md §2 table, §9; OSSEC allows them, docs/ossec.md §10).
static INVALID_COMMAND_NAME: Check = Check {
    code: Code {
        code: "invalid-command-name",
        severity: Severity::Error,
        summary: "a command name starting with '!' (Wazuh)",
        explain: "Since Wazuh 3.6.1 a <command><name> must not start with `!`: execd treats \
names starting with `!` as custom commands sent through the API (it runs \
active-response/bin/<rest of the name>). analysisd logs `(1235): Invalid value for \
element 'name': !x.` and refuses to start. OSSEC accepts such names. Rename the command \
and every <active-response><command> that uses it.",
    },
    check: |ctx, out| {
        if ctx.profile != Profile::Wazuh {
            return;
        }
        for c in manager_commands(ctx) {
            for (id, v) in children(ctx, c.element, Field::Name) {
                if v.starts_with('!') {
                    out.push(
                        at(ctx, id),
                        cmd_ref(c),
                        format!(
                            "command name {} starts with '!', which Wazuh reserves for API custom commands: analysisd refuses to start (1235)",
                            shown(&v)
                        ),
                    );
                }
            }
        }
    },
};

/// `timeout_allowed` is exactly `yes` or `no`, case-sensitive: else 1235 (docs/wazuh-config.md
/// §2 table; docs/ossec.md §3).
static INVALID_TIMEOUT_ALLOWED: Check = Check {
    code: Code {
        code: "invalid-timeout-allowed",
        severity: Severity::Error,
        summary: "<timeout_allowed> other than exactly 'yes' or 'no'",
        explain: "analysisd compares <timeout_allowed> with `yes` and `no` exactly: case \
matters and no whitespace is trimmed, so `Yes`, `true` or ` yes` make it log `(1235): \
Invalid value for element 'timeout_allowed': Yes.` and refuse to start. Every repeat \
of the element is checked. Write `yes` or `no`.",
    },
    check: |ctx, out| {
        for c in manager_commands(ctx) {
            for (id, v) in children(ctx, c.element, Field::TimeoutAllowed) {
                if v != "yes" && v != "no" {
                    out.push(
                        at(ctx, id),
                        cmd_ref(c),
                        format!(
                            "timeout_allowed is {}, not exactly 'yes' or 'no': analysisd refuses to start (1235)",
                            shown(&v)
                        ),
                    );
                }
            }
        }
    },
};

/// The first command with a name wins; later ones are dead (docs/wazuh-config.md §2 "Duplicate
/// command names"; docs/ossec.md §3).
static DUPLICATE_COMMAND: Check = Check {
    code: Code {
        code: "duplicate-command",
        severity: Severity::Warning,
        summary: "two <command> blocks with the same name",
        explain: "analysisd accepts several <command> blocks with the same <name>, but an \
<active-response> always uses the first one in document order: the later definitions \
are never used, whatever their executable or timeout_allowed say. Remove the duplicate \
or give it its own name (and point the responses that should use it at that name).",
    },
    check: |ctx, out| {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for c in manager_commands(ctx) {
            let Some(name) = c.name() else { continue };
            match first.get(name) {
                Some(&line_no) => out.push(
                    c.name.as_ref().map_or(at(ctx, c.element), |f| at(ctx, f.element)),
                    cmd_ref(c),
                    format!(
                        "command {} is already defined at line {line_no}: responses use that first definition, this one is never used",
                        shown(name)
                    ),
                ),
                None => {
                    first.insert(name, line(ctx, c.element));
                }
            }
        }
    },
};

/// `expect` is ignored since Wazuh 4.2 (docs/wazuh-config.md §2 table, §5.8, §9);
/// docs/choices.md makes
/// it a note.
static DEPRECATED_EXPECT: Check = Check {
    code: Code {
        code: "deprecated-expect",
        severity: Severity::Note,
        summary: "<expect> is ignored by Wazuh 4.2 and later",
        explain: "Since Wazuh 4.2 analysisd ignores <expect> (it only logs a debug line, `The \
<expect> tag is deprecated since version 4.2.0.`): scripts receive the whole alert as \
JSON on stdin and check for the fields they need themselves. Before 4.2 it made \
analysisd skip the response when the alert lacked the user or source IP. It is \
harmless; remove it when the file is only for Wazuh 4.2+. OSSEC still requires it \
(use --profile ossec).",
    },
    check: |ctx, out| {
        if ctx.profile != Profile::Wazuh {
            return;
        }
        for c in manager_commands(ctx) {
            for (id, v) in children(ctx, c.element, Field::Expect) {
                out.push(
                    at(ctx, id),
                    cmd_ref(c),
                    format!(
                        "<expect>{}</expect> is ignored since Wazuh 4.2: scripts read the alert as JSON and check their own fields",
                        v.escape_debug()
                    ),
                );
            }
        }
    },
};

/// Windows executables run on Windows agents, never on a Unix manager: not looked for.
fn is_windows_program(exe: &str) -> bool {
    let lower = exe.to_ascii_lowercase();
    [".exe", ".cmd", ".bat", ".ps1"]
        .iter()
        .any(|s| lower.ends_with(s))
}

/// The executable must exist under `active-response/bin` of the host that runs it
/// (docs/wazuh-config.md §5.4 "Active response command not present"); checked only when
/// `--ossec-home` is readable (docs/choices.md "The machine's own Wazuh").
static EXECUTABLE_NOT_FOUND: Check = Check {
    code: Code {
        code: "executable-not-found",
        severity: Severity::Warning,
        summary: "the <executable> is not in <home>/active-response/bin",
        explain: "wazuh-execd runs <home>/active-response/bin/<executable>. When the file is \
missing it logs `Active response command not present: '<path>'. Not using it on this \
system.` and silently ignores every response that uses the command. This check looks in \
the --ossec-home of the machine running ossec-ar (skipped when that directory is not \
readable, and for Windows programs such as netsh.exe, which run on Windows agents); \
agents need the script in their own active-response/bin. Install the script, fix the \
name, or ignore the warning for scripts that only run on agents.",
    },
    check: |ctx, out| {
        let Some(home) = ctx.home else { return };
        let bin = home.join("active-response").join("bin");
        if std::fs::read_dir(&bin).is_err() {
            return;
        }
        for c in manager_commands(ctx) {
            let Some(f) = &c.executable else { continue };
            if is_windows_program(&f.value) {
                continue;
            }
            // execd prefixes the directory whatever the value holds, so join as text.
            let path = PathBuf::from(format!("{}/{}", bin.display(), f.value));
            if !path.is_file() {
                out.push(
                    at(ctx, f.element),
                    cmd_ref(c),
                    format!(
                        "executable {} is not in {}: execd ignores responses that use command {}",
                        shown(&f.value),
                        bin.display(),
                        shown(c.name().unwrap_or_default())
                    ),
                );
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::model::{Profile, Severity};
    use crate::validate::testing::{fires, fires_in, run};

    const FD: &str = "<command><name>fd</name><executable>firewall-drop</executable><timeout_allowed>yes</timeout_allowed></command>";

    fn conf(inner: &str) -> String {
        format!("<ossec_config>{inner}</ossec_config>")
    }

    #[test]
    fn missing_command_option() {
        fires(
            "missing-command-option",
            &conf("<command><name>fd</name></command>"),
            &conf("<command><name>fd</name><executable></executable></command>"),
        );
        let d = run(
            "missing-command-option",
            &conf("<command><timeout_allowed>no</timeout_allowed></command>"),
            Profile::Wazuh,
        );
        assert_eq!(
            d[0].message,
            "<command> has no <name> and no <executable>: analysisd refuses to start (1280)"
        );
        assert_eq!(d[0].offset, "<ossec_config>".len());
    }

    #[test]
    fn missing_expect_only_under_ossec() {
        let wazuh_style = conf("<command><name>fd</name><executable>fd.sh</executable></command>");
        fires_in(
            Profile::Ossec,
            "missing-command-option",
            &wazuh_style,
            &conf("<command><name>fd</name><executable>fd.sh</executable><expect/></command>"),
        );
        assert!(run("missing-command-option", &wazuh_style, Profile::Wazuh).is_empty());
    }

    #[test]
    fn invalid_command_name() {
        let bang = conf("<command><name>!fd</name><executable>x</executable></command>");
        fires(
            "invalid-command-name",
            &bang,
            &conf("<command><name>fd!</name><executable>x</executable></command>"),
        );
        assert!(run("invalid-command-name", &bang, Profile::Ossec).is_empty());
    }

    #[test]
    fn invalid_timeout_allowed() {
        fires(
            "invalid-timeout-allowed",
            &conf(
                "<command><name>a</name><executable>b</executable><timeout_allowed>Yes</timeout_allowed></command>",
            ),
            &conf(FD),
        );
        // Every repeat is checked, not only the last.
        fires(
            "invalid-timeout-allowed",
            &conf(
                "<command><name>a</name><executable>b</executable><timeout_allowed>yes </timeout_allowed><timeout_allowed>no</timeout_allowed></command>",
            ),
            &conf(
                "<command><name>a</name><executable>b</executable><timeout_allowed>no</timeout_allowed></command>",
            ),
        );
    }

    #[test]
    fn duplicate_command_points_at_the_second_name() {
        let src = conf(&format!("{FD}\n{FD}"));
        fires("duplicate-command", &src, &conf(FD));
        let d = run("duplicate-command", &src, Profile::Wazuh);
        assert_eq!(d.len(), 1);
        // <ossec_config> + first command + "\n" + "<command>"
        assert_eq!(d[0].offset, 14 + FD.len() + 1 + 9);
        assert!(d[0].message.contains("line 1"), "{}", d[0].message);
    }

    #[test]
    fn deprecated_expect_is_a_note_under_wazuh_only() {
        let src = conf(
            "<command><name>a</name><executable>b</executable><expect>srcip</expect></command>",
        );
        fires("deprecated-expect", &src, &conf(FD));
        assert_eq!(
            run("deprecated-expect", &src, Profile::Wazuh)[0].severity,
            Severity::Note
        );
        assert!(run("deprecated-expect", &src, Profile::Ossec).is_empty());
    }

    #[test]
    fn executable_not_found_reads_the_home_only_when_given() {
        let dir = tempfile::tempdir().expect("temp dir");
        let bin = dir.path().join("active-response/bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        std::fs::write(bin.join("firewall-drop"), "#!/bin/sh\n").expect("write");
        let missing =
            conf("<command><name>x</name><executable>no-such-script</executable></command>");
        let present =
            conf("<command><name>x</name><executable>firewall-drop</executable></command>");
        let windows = conf("<command><name>x</name><executable>netsh.exe</executable></command>");
        let with_home = |src: &str| {
            crate::validate::check_source(src, Profile::Wazuh, Some(dir.path()))
                .into_iter()
                .filter(|d| d.code == "executable-not-found")
                .count()
        };
        assert_eq!(with_home(&missing), 1);
        assert_eq!(with_home(&present), 0);
        assert_eq!(with_home(&windows), 0);
        // No home: skipped silently.
        assert!(run("executable-not-found", &missing, Profile::Wazuh).is_empty());
    }
}
