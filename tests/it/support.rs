//! Shared helpers: where the corpus is, and how a test that cannot run here skips or
//! fails.

use std::path::{Path, PathBuf};

/// Whether this run is CI's (`CI=true`, as .ci/run and CI services set it).
pub(crate) fn under_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// The one way a test (or a part of one) does not run: it says which test and why.
/// Under `CI=true` a skip is a failure, so CI output names every test that could not
/// run; on a user's clone (no root, no tmux, no corpus) it is a printed note.
pub(crate) fn skipped(why: &str) {
    let current = std::thread::current();
    let test = current.name().unwrap_or("this test");
    assert!(!under_ci(), "CI=true but {test} cannot run: {why}");
    eprintln!("skipped {test}: {why}");
}

/// `../shared/corpus` next to the project, when present.
///
/// Corpus tests skip with a printed reason when it is absent on a user's clone, but
/// fail under `CI=true`, where it must be there.
pub(crate) fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    skipped(&format!("the corpus is missing at {}", dir.display()));
    None
}

/// Every file under `dir`, recursively, sorted.
pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("read corpus dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                todo.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Rows of a TSV file as maps from column name to value.
pub(crate) fn tsv(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(path).expect("read tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("tsv header").split('\t').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t'))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The data files of the corpus that are configs, templates or rule files (not the
/// index files written by whoever collected them).
pub(crate) fn corpus_data_files(corpus: &Path) -> Vec<PathBuf> {
    files_under(corpus)
        .into_iter()
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !(name.ends_with(".tsv") || name == "README.md" || name == "SOURCE.txt")
        })
        .collect()
}

/// Runs `cmd` with `input` on its standard input (written from a thread, so a large
/// input cannot dead-lock against a full output pipe) and collects its output.
pub(crate) fn output_with_input(
    cmd: &mut std::process::Command,
    input: &[u8],
) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("writer");
    out
}
