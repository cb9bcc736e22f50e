//! The layers of docs/ARCHITECTURE.md: which top-level module of the crate may refer
//! to which, checked on the tokens of every source file (`imports.rs`), against the
//! table "Layers, as the code refers to them" of that page.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::imports::crate_refs;

/// A source file: its path under `src/`, its module path (`src/tui/popup/mod.rs` is
/// `["tui", "popup"]`) and its text.
type Source = (String, Vec<String>, String);

/// For each layer, the layers it may (or does) refer to.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// The modules of `src/lib.rs` that are layers: not the crate root, `main.rs`, or the
/// unit tests' own helpers (`testing.rs`).
const LAYERS: &[&str] = &[
    "analysis", "cli", "input", "load", "model", "pattern", "rules", "save", "session", "simulate",
    "tui", "validate", "xml",
];

/// Every source file under `src/`.
fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    crate::support::files_under(&src)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            let rel = p.strip_prefix(&src).expect("under src");
            let mut module: Vec<String> = rel
                .with_extension("")
                .iter()
                .map(|s| s.to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            let text = std::fs::read_to_string(&p).expect("read");
            (rel.display().to_string(), module, text)
        })
        .collect()
}

/// Each edge between two layers, with the first file that makes it.
fn edges(files: &[Source]) -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for (path, module, text) in files {
        let Some(from) = module.first().filter(|m| LAYERS.contains(&m.as_str())) else {
            continue;
        };
        let parts: Vec<&str> = module.iter().map(String::as_str).collect();
        for to in crate_refs(&parts, text) {
            if to != *from && LAYERS.contains(&to.as_str()) {
                out.entry((from.clone(), to))
                    .or_insert_with(|| path.clone());
            }
        }
    }
    out
}

/// The edges of `files` that `allowed` does not name, as messages.
fn violations(files: &[Source], allowed: &Graph) -> Vec<String> {
    edges(files)
        .into_iter()
        .filter(|((from, to), _)| !allowed.get(from).is_some_and(|a| a.contains(to)))
        .map(|((from, to), path)| {
            format!(
                "src/{path}: `{from}` refers to `{to}`, which docs/ARCHITECTURE.md does not allow"
            )
        })
        .collect()
}

/// The table "Layers, as the code refers to them" of docs/ARCHITECTURE.md.
fn documented() -> Graph {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ARCHITECTURE.md");
    let text = std::fs::read_to_string(path).expect("read docs/ARCHITECTURE.md");
    let start = text
        .find("### Layers, as the code refers to them")
        .expect("the layers table in docs/ARCHITECTURE.md");
    let mut graph = Graph::new();
    for line in text[start..].lines().skip_while(|l| !l.starts_with('|')) {
        let Some(row) = line.strip_prefix("| `") else {
            if line.starts_with("|---") || line.starts_with("| layer") {
                continue;
            }
            break;
        };
        let (layer, rest) = row.split_once('`').expect("a layer name");
        let to = rest
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        graph.insert(layer.to_string(), to);
    }
    graph
}

#[test]
fn the_table_names_every_layer_once_and_only_layers() {
    let table = documented();
    let names: BTreeSet<&str> = table.keys().map(String::as_str).collect();
    assert_eq!(names, LAYERS.iter().copied().collect(), "rows of the table");
    for (from, to) in &table {
        for t in to {
            assert!(LAYERS.contains(&t.as_str()), "`{from}` row names `{t}`");
        }
    }
}

#[test]
fn every_top_level_module_is_a_layer_of_the_table() {
    // A renamed layer would make its row pass vacuously; a new one would go unchecked.
    let found: BTreeSet<String> = sources()
        .into_iter()
        .filter_map(|(_, m, _)| m.into_iter().next())
        .filter(|m| !["lib", "main", "testing"].contains(&m.as_str()))
        .collect();
    let layers: BTreeSet<String> = LAYERS.iter().map(|l| (*l).to_string()).collect();
    assert_eq!(found, layers, "top-level modules of src/ vs the layers");
}

#[test]
fn no_file_refers_to_a_layer_its_row_does_not_name() {
    let bad = violations(&sources(), &documented());
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_table_names_no_edge_the_code_does_not_have() {
    let real: BTreeSet<(String, String)> = edges(&sources()).into_keys().collect();
    let mut stale = Vec::new();
    for (from, to) in documented() {
        for t in to {
            if !real.contains(&(from.clone(), t.clone())) {
                stale.push(format!("`{from}` -> `{t}`"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/ARCHITECTURE.md allows edges no file has (remove them): {}",
        stale.join(", ")
    );
}

#[test]
fn the_layers_point_one_way() {
    // Depth-first search for a cycle in the documented graph.
    fn visit(g: &Graph, n: &str, path: &mut Vec<String>, done: &mut BTreeSet<String>) {
        if done.contains(n) {
            return;
        }
        assert!(!path.iter().any(|p| p == n), "cycle: {path:?} -> {n}");
        path.push(n.to_string());
        for t in g.get(n).into_iter().flatten() {
            visit(g, t, path, done);
        }
        path.pop();
        done.insert(n.to_string());
    }
    let g = documented();
    let mut done = BTreeSet::new();
    for n in g.keys() {
        visit(&g, n, &mut Vec::new(), &mut done);
    }
}

/// A one-file crate for the tests of the checker.
fn snippet(path: &str, text: &str) -> Vec<Source> {
    let module = path
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    vec![(path.to_string(), module, text.to_string())]
}

#[test]
fn the_checker_flags_a_grouped_import_that_crosses_a_layer() {
    // `validate` may refer to `xml` and `model`; the group hides `simulate` and the
    // nested group `rules` from a substring search for `crate::simulate`.
    let files = snippet(
        "validate/x.rs",
        "use crate::{\n    model::Config,\n    simulate::fire,\n    xml::{Document, rules_of},\n};\nuse crate::{xml, rules::{self, Rule}};\n",
    );
    let bad = violations(&files, &documented());
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(bad[0].contains("`validate` refers to `rules`"), "{bad:?}");
    assert!(
        bad[1].contains("`validate` refers to `simulate`"),
        "{bad:?}"
    );
}

#[test]
fn the_checker_flags_a_super_path_and_a_re_export_out_of_a_leaf() {
    let files = snippet(
        "pattern/engine.rs",
        "pub use super::super::model::Diagnostic;\nfn f() { crate::xml::parse(\"\"); }\n",
    );
    let bad = violations(&files, &documented());
    assert_eq!(bad.len(), 2, "{bad:?}");
}

#[test]
fn the_checker_passes_what_the_row_allows() {
    let files = snippet(
        "session/x.rs",
        "use crate::{model::{Config, BlockRef}, xml::edit};\nuse super::op::Op;\n// crate::tui::App\n",
    );
    assert!(violations(&files, &documented()).is_empty());
}

/// The comment of a source line (`//`, `///`, `//!`), if it is one or ends in one.
fn comment_of(line: &str) -> Option<&str> {
    let t = line.trim_start();
    if t.starts_with("//") {
        return Some(t);
    }
    // A trailing comment after code (not `://` of a URL inside a string).
    line.find(" // ").map(|i| &line[i + 1..])
}

/// What a comment may not cite: documents that live outside the repository (the
/// project's specification, style notes and research, `../shared`), which a clone
/// cannot follow. Their facts are in `docs/`.
fn outside_citation(comment: &str) -> Option<&'static str> {
    const OUTSIDE: &[&str] = &[
        "SPEC §",
        "SPEC.md",
        "STYLE",
        "reference §",
        "reference/",
        "-semantics.md",
        "wazuh-analysis.md",
        "ruleset-tests.md",
        "ecosystem.md",
        "ecosystem §",
        "../shared",
    ];
    let lower = comment.to_lowercase();
    if lower.contains("reference §") || lower.contains("style habit") {
        return Some("reference §");
    }
    let words = comment.split(|c: char| !c.is_alphanumeric() && c != '_');
    if words.clone().any(|w| w == "SPEC") {
        return Some("SPEC");
    }
    OUTSIDE.iter().copied().find(|o| comment.contains(o))
}

/// Every citation in `files`' comments of a document outside the repository, and of a
/// `docs/` page (or a numbered section of one) that does not exist.
fn bad_citations(files: &[Source], docs: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    for (path, _, text) in files {
        for (n, line) in text.lines().enumerate() {
            let Some(comment) = comment_of(line) else {
                continue;
            };
            if let Some(o) = outside_citation(comment) {
                bad.push(format!(
                    "src/{path}:{}: cites `{o}`: {}",
                    n + 1,
                    line.trim()
                ));
            }
            for cited in comment.split("docs/").skip(1) {
                let page: String = cited
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    .collect();
                let page = page.trim_end_matches('.');
                if !page.ends_with(".md") {
                    continue;
                }
                let Ok(doc) = std::fs::read_to_string(docs.join(page)) else {
                    bad.push(format!("src/{path}:{}: docs/{page} does not exist", n + 1));
                    continue;
                };
                if let Some(section) = cited[page.len()..].strip_prefix(" §") {
                    let number: String = section
                        .chars()
                        .take_while(|c| c.is_ascii_digit() || *c == '.')
                        .collect();
                    let number = number.trim_end_matches('.');
                    let heading = |h: &str| {
                        let h = h.trim_start_matches('#').trim_start();
                        h.strip_prefix(number)
                            .is_some_and(|rest| rest.starts_with(". ") || rest.starts_with(' '))
                    };
                    if !doc.lines().any(|l| l.starts_with('#') && heading(l)) {
                        bad.push(format!(
                            "src/{path}:{}: docs/{page} has no §{number}",
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    bad
}

fn docs_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs")
}

#[test]
fn comments_cite_only_pages_and_sections_of_docs_that_exist() {
    let bad = bad_citations(&sources(), &docs_dir());
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_citation_check_flags_outside_documents_and_missing_sections() {
    let files = snippet(
        "model/x.rs",
        "//! The reader (SPEC §5, `wazuh-semantics.md` §8).\n\
         /// As execd reads it (reference §3.8).\n\
         fn f() {} // STYLE habit 4\n\
         /// Fine: docs/wazuh-config.md §3.8 and docs/values.md.\n\
         /// Not there: docs/wazuh-config.md §42, docs/nowhere.md.\n\
         const SPECIFIC_AGENT: u8 = 4;\n\
         const CORPUS: &str = \"../shared/corpus\";\n",
    );
    let bad = bad_citations(&files, &docs_dir());
    let lines: Vec<&str> = bad
        .iter()
        .map(|b| b.split(": ").next().expect("a place"))
        .collect();
    assert_eq!(
        lines,
        [
            "src/model/x.rs:1",
            "src/model/x.rs:2",
            "src/model/x.rs:3",
            "src/model/x.rs:5",
            "src/model/x.rs:5"
        ],
        "{bad:#?}"
    );
}
