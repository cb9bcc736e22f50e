//! Growth of the pattern engines with the subject size (docs/analysis-patterns.md
//! "Bounded time"): each pattern runs over 1, 2, 4 and 8 MiB; the time per byte
//! stays flat when the work is linear. Run: `cargo bench --bench pattern`.

use std::time::Instant;

use ossec_ar::pattern::{Engine, Expression};

fn subjects(size: usize) -> [(&'static str, Vec<u8>); 2] {
    let mut line = Vec::with_capacity(size);
    while line.len() < size {
        line.extend_from_slice(b"Dec 10 01:02:03 host sshd[123]: Failed password for x ");
    }
    line.truncate(size);
    [("all-a", vec![b'a'; size]), ("log-like", line)]
}

fn main() {
    let cases = [
        (Engine::OsRegex, r"\w+\d+\s*x"),
        (Engine::OsRegex, r"(\S+)\s+(\w+)\s*(\d+)$"),
        (Engine::OsRegex, r"^\S+ \S+ (\S+) (\.+)$"),
        (Engine::OsRegex, r"a\w*b\d+"),
        (Engine::OsRegex, r"user (\S+) from (\S+)"),
        (Engine::OsRegex, r"a\w+b"),
        (Engine::OsMatch, "aaaaaaaab|x$|^y|password for z"),
        (Engine::Pcre2, r"(\w+)\s+(\d+)x"),
    ];
    for (engine, pattern) in cases {
        let e = Expression::compile(engine, pattern).expect("compiles");
        for mib in [1usize, 2, 4, 8] {
            for (name, subject) in subjects(mib << 20) {
                let t = Instant::now();
                let hit = e.exec(&subject).is_some();
                let ns = t.elapsed().as_nanos() as f64 / subject.len() as f64;
                println!(
                    "{engine:?} {pattern:<28} {name:<9} {mib} MiB: {ns:7.2} ns/byte match={hit}"
                );
            }
        }
    }
}
