//! The indexed `if_sid` lookup and the `if_group` cache of `build.rs` against the daemon's walk over the whole
//! tree (`_AddtoRule`): both must build the same tree, node for node.

use std::path::PathBuf;

use proptest::prelude::*;

use super::tests::ROOTS;
use super::*;

/// Every field the two builds could disagree on.
fn same_tree(files: &[(PathBuf, String)]) -> Result<(), TestCaseError> {
    let decoder_id = |name: &str| Some(name.len() as u32);
    let (fast, fast_problems) = build(files, &Lists::default(), &decoder_id);
    let (walk, walk_problems) = build_walking(files, &Lists::default(), &decoder_id);
    prop_assert_eq!(&fast.roots, &walk.roots);
    prop_assert_eq!(fast.nodes.len(), walk.nodes.len());
    for (a, b) in fast.nodes.iter().zip(&walk.nodes) {
        prop_assert_eq!(
            (a.rule, &a.children, a.parent),
            (b.rule, &b.children, b.parent)
        );
    }
    prop_assert_eq!(fast.rules.len(), walk.rules.len());
    for (a, b) in fast.rules.iter().zip(&walk.rules) {
        prop_assert_eq!((a.id, a.category), (b.id, b.category));
    }
    let text = |p: &[Problem]| p.iter().map(|p| p.to_string()).collect::<Vec<_>>();
    prop_assert_eq!(text(&fast_problems), text(&walk_problems));
    Ok(())
}

/// One random rule: a small id range so ids repeat (several places, overwrites,
/// self references), `if_sid` lists with repeats, spaces and trailing commas.
fn rule_xml() -> impl Strategy<Value = String> {
    (
        100u32..112,
        0u32..4,
        prop::collection::vec(prop::sample::select(vec![1u32, 2, 3, 100, 101, 102, 103, 104, 105, 106, 111]), 0..4),
        prop::sample::select(vec!["", ",", ", "]),
        any::<bool>(),
        prop::sample::select(vec!["", "<category>firewall</category>", "<if_group>g</if_group>", "<if_group>a|b</if_group>"]),
        prop::sample::select(vec!["", "<group>a,</group>", "<group>b,x</group>"]),
    )
        .prop_map(|(id, level, sids, tail, overwrite, other, group)| {
            let over = if overwrite { r#" overwrite="yes""# } else { "" };
            let body = if sids.is_empty() {
                other.to_string()
            } else {
                let list: Vec<String> = sids.iter().map(u32::to_string).collect();
                format!("<if_sid>{}{tail}</if_sid>", list.join(","))
            };
            format!(
                r#"<rule id="{id}" level="{level}"{over}>{body}{group}<description>r{id}</description></rule>"#
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn indexed_if_sid_builds_the_walked_tree(rules in prop::collection::vec(rule_xml(), 1..40)) {
        let files = vec![
            (PathBuf::from("0010-rules_config.xml"), ROOTS.to_string()),
            (PathBuf::from("0100-t_rules.xml"), format!(r#"<group name="g,">{}</group>"#, rules.concat())),
        ];
        same_tree(&files)?;
    }
}

/// The shipped rules and the ruleset tests' own rules (17,045 nodes).
#[test]
fn indexed_if_sid_builds_the_walked_tree_on_the_corpus() {
    let Some(root) = crate::testing::corpus("wazuh/ruleset") else {
        return;
    };
    let mut paths: Vec<PathBuf> = ["rules", "testing/ruleset"]
        .iter()
        .filter_map(|d| std::fs::read_dir(root.join(d)).ok())
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with("rules.xml"))
        .collect();
    assert!(!paths.is_empty(), "no rule files under {}", root.display());
    paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    let files: Vec<(PathBuf, String)> = paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            (p, text)
        })
        .collect();
    same_tree(&files).expect("same tree");
}
