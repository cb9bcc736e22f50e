//! Rules about the file's structure, checked by every daemon
//! (docs/wazuh-config.md §1, §8).

use super::{Check, Code};
use crate::model::{BlockRef, RootKind, Severity};

pub(super) static CHECKS: &[&Check] = &[
    &XML_SYNTAX,
    &UNKNOWN_ROOT,
    &NO_ROOT,
    &EMPTY_BLOCK,
    &WODLE_WITHOUT_NAME,
];

/// Whatever `os_xml` refuses (docs/wazuh-config.md §8.2, §8.3): every daemon stops with 1226.
static XML_SYNTAX: Check = Check {
    code: Code {
        code: "xml-syntax",
        severity: Severity::Error,
        summary: "the Wazuh XML reader cannot read the file",
        explain: "Every Wazuh and OSSEC daemon reads ossec.conf with its own XML reader (os_xml), \
which is not a standard XML parser. When it fails, the daemon logs \
`(1226): Error reading XML file '<file>': XMLERR: ... (line N)` and refuses to start. \
It rejects an XML declaration `<?xml ...?>` (often added by other tools), a closing tag \
with a space (`</a >`), a space before `=` in an attribute, `>` inside an attribute value, \
a raw `<` in text, and a text ending in a single backslash (`<a>C:\\</a>`: the backslash \
escapes the `<` of the closing tag). Fix the construct at the reported line; write `\\\\` \
for a final backslash, remove any `<?xml ...?>` line. The first finding is where the \
daemon stops; later ones are further problems found by reading on.",
    },
    check: |ctx, out| {
        for (i, e) in ctx.doc.errors().iter().enumerate() {
            let msg = if i == 0 {
                e.message.clone()
            } else {
                format!(
                    "{} (found after the first error, which stops the daemon)",
                    e.message
                )
            };
            out.push(e.offset, None, msg);
        }
    },
};

/// Roots other than `<ossec_config>`/`<agent_config>` (docs/wazuh-config.md §1): fatal 1230.
static UNKNOWN_ROOT: Check = Check {
    code: Code {
        code: "invalid-root",
        severity: Severity::Error,
        summary: "a top-level element the daemons do not accept",
        explain: "The configuration reader accepts only <ossec_config> roots in ossec.conf \
(and <agent_config> roots in a shared agent.conf). Any other top-level element, including \
a <command> or <active-response> pasted outside a root, makes every daemon stop with \
`(1230): Invalid element in the configuration: '<name>'.` then `(1202): Configuration \
error at '<file>'.` Move the element inside an <ossec_config> root. A Wazuh 5.x \
<wazuh_config> file no longer has active-response sections at all.",
    },
    check: |ctx, out| {
        // The daemon stops at the first root it refuses: one finding per file, at
        // that root, with no block (so adding a block to a fragment adds no error).
        let mut refused = ctx.config.roots.iter().filter(|r| match r.kind {
            RootKind::OssecConfig | RootKind::AgentConfig => false,
            RootKind::Block => true,
            // `<?xml …?>` is reported by `xml-syntax`, where the daemon stops.
            RootKind::Other => !ctx.doc.name(r.element).starts_with('?'),
        });
        let Some(first) = refused.next() else { return };
        let more = refused.count();
        let name = ctx.doc.name(first.element);
        let at = ctx.doc.element(first.element).span().start;
        let after = match more {
            0 => String::new(),
            1 => {
                "; the daemon stops here, so it never reads the 1 top-level element after it".into()
            }
            n => format!(
                "; the daemon stops here, so it never reads the {n} top-level elements after it"
            ),
        };
        match first.kind {
            RootKind::Block => out.push(
                at,
                None,
                format!(
                    "<{name}> outside <ossec_config>: fine in a fragment to paste, but the daemon \
                     refuses it as a root element (1230){after}"
                ),
            ),
            _ if name == "wazuh_config" => out.push_as(
                Severity::Warning,
                at,
                None,
                "<wazuh_config> is a Wazuh 5.x file: its manager no longer reads \
                 <command> or <active-response>",
            ),
            _ => out.push(
                at,
                None,
                format!(
                    "invalid root element '{name}': the daemons accept only <ossec_config> (1230){after}"
                ),
            ),
        }
    },
};

/// Nothing a daemon reads: no root and no block (docs/values.md "What kind of file").
static NO_ROOT: Check = Check {
    code: Code {
        code: "no-config-root",
        severity: Severity::Warning,
        summary: "no <ossec_config> root: nothing to check",
        explain: "The file has no <ossec_config> root (and no <agent_config> root, and no \
<command> or <active-response> at top level): it is empty, or holds only text or \
comments. The daemons' reader finds no element in it, so they read no option from it, \
and there is nothing to check. If this should be an ossec.conf, give it a root: \
<ossec_config> ... </ossec_config>.",
    },
    check: |ctx, out| {
        if ctx.config.roots.is_empty() && ctx.doc.errors().is_empty() {
            let what = if ctx.doc.source().trim().is_empty() {
                "the file is empty"
            } else {
                "the file holds no element"
            };
            out.push(
                0,
                None,
                format!("no <ossec_config> root: {what}, so the daemons read nothing from it and there is nothing to check"),
            );
        }
    },
};

/// A block with no child element is not recognised at all (docs/wazuh-config.md §1): 1230.
static EMPTY_BLOCK: Check = Check {
    code: Code {
        code: "empty-block",
        severity: Severity::Error,
        summary: "a <command> or <active-response> without any child element",
        explain: "The configuration reader recognises <command> and <active-response> only when \
they have at least one child element. `<active-response/>`, an empty one, or one holding only \
text or a comment falls through to `(1230): Invalid element in the configuration: \
'active-response'.` and `(1202)`: every daemon, on agents as well as managers, refuses to \
start. Delete the block or give it its options.",
    },
    check: |ctx, out| {
        let doc = ctx.doc;
        let blocks = ctx
            .config
            .commands
            .iter()
            .map(|c| (c.element, BlockRef::Command(c.index)))
            .chain(
                ctx.config
                    .responses
                    .iter()
                    .map(|r| (r.element, BlockRef::Response(r.index))),
            );
        for (id, block) in blocks {
            if doc.children(id).next().is_none() {
                let name = doc.name(id);
                out.push(
                    doc.element(id).span().start,
                    Some(block),
                    format!("<{name}> has no options: the daemon refuses it (1230)"),
                );
            }
        }
    },
};

/// A `<wodle>` without attributes crashes the manager's reader (docs/wazuh-config.md §1 "Crash
/// found while testing").
static WODLE_WITHOUT_NAME: Check = Check {
    code: Code {
        code: "wodle-without-name",
        severity: Severity::Error,
        summary: "a <wodle> without any attribute (analysisd crashes)",
        explain: "The configuration dispatcher of Wazuh manager builds reads the attributes \
of every <wodle> while checking for agent-key-polling, even in daemons that do not read \
wodles. When the element has no attribute at all it dereferences a null pointer: \
wazuh-analysisd crashes (SIGSEGV) at start-up, before any message. Give the wodle its \
name: <wodle name=\"syscollector\">.",
    },
    check: |ctx, out| {
        // OSSEC refuses the section itself (wazuh-only-section).
        if ctx.profile != crate::model::Profile::Wazuh {
            return;
        }
        for root in &ctx.config.roots {
            if root.kind != RootKind::OssecConfig {
                continue;
            }
            for id in ctx.doc.children_named(root.element, "wodle") {
                if ctx.doc.attrs(id).is_empty() {
                    out.push(
                        ctx.doc.element(id).span().start,
                        None,
                        "<wodle> has no name attribute: a manager's wazuh-analysisd crashes at start-up (segmentation fault)",
                    );
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::model::Severity;
    use crate::validate::testing::fires;

    #[test]
    fn xml_syntax() {
        fires(
            "xml-syntax",
            "<?xml version=\"1.0\"?>\n<ossec_config/>",
            "<ossec_config/>",
        );
        fires(
            "xml-syntax",
            "<ossec_config><a>C:\\</a></ossec_config>",
            "<ossec_config><a>C:\\\\</a></ossec_config>",
        );
    }

    #[test]
    fn invalid_root() {
        fires(
            "invalid-root",
            "<root><global/></root>",
            "<ossec_config><global/></ossec_config>",
        );
        fires(
            "invalid-root",
            "<command><name>a</name></command>",
            "<ossec_config><command><name>a</name></command></ossec_config>",
        );
    }

    #[test]
    fn invalid_root_once_per_file_where_the_daemon_stops() {
        let two = "<command><name>a</name><executable>a</executable></command>\n\
                   <active-response><command>a</command><location>local</location></active-response>\n\
                   <active-response><command>a</command><location>all</location></active-response>";
        let d = crate::validate::testing::run("invalid-root", two, crate::model::Profile::Wazuh);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].offset, 0);
        assert_eq!(d[0].block, None);
        assert!(
            d[0].message
                .ends_with("never reads the 2 top-level elements after it")
        );
    }

    #[test]
    fn no_root_warns_on_empty_and_plain_text_files() {
        fires("no-config-root", "", "<ossec_config/>");
        fires(
            "no-config-root",
            "hello world\n",
            "<command><name>a</name></command>",
        );
        let d = crate::validate::testing::run(
            "no-config-root",
            "hello world\n",
            crate::model::Profile::Wazuh,
        );
        assert_eq!(d[0].severity, Severity::Warning);
    }

    #[test]
    fn wodle_without_name() {
        fires(
            "wodle-without-name",
            "<ossec_config><wodle><disabled>no</disabled></wodle></ossec_config>",
            "<ossec_config><wodle name=\"syscollector\"><disabled>no</disabled></wodle></ossec_config>",
        );
        // Under OSSEC the section itself is refused instead (wazuh-only-section).
        let bare = "<ossec_config><wodle><disabled>no</disabled></wodle></ossec_config>";
        assert!(
            crate::validate::testing::run("wodle-without-name", bare, crate::model::Profile::Ossec)
                .is_empty()
        );
    }

    #[test]
    fn empty_block() {
        fires(
            "empty-block",
            "<ossec_config><active-response><!-- x --></active-response></ossec_config>",
            "<ossec_config><active-response><disabled>yes</disabled></active-response></ossec_config>",
        );
    }
}
