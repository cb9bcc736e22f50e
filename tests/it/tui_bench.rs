//! Speed of the editor, measured (not asserted): time to the first frame and from a
//! key to the finished frame, render and terminal output included. Run in release by
//! `scripts/bench-tui`; targets: first frame <= 50 ms, every key <= 16 ms.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ossec_ar::model::Profile;
use ossec_ar::rules::RuleSet;
use ossec_ar::tui::{Ansi, App, AppEvent, Caps, Options, Quiet, Theme};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use crate::tui_harness::parse_keys;

type Term = Terminal<Quiet<Ansi<Counter>>>;

/// Counts the bytes a terminal would receive.
#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(buf.len(), Ordering::Relaxed);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Counter {
    fn bytes(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

/// A terminal whose output is counted, not shown: the escape sequences are produced
/// as for a real one.
fn terminal(w: u16, h: u16) -> (Term, Counter) {
    let counter = Counter::default();
    let backend = Quiet::new(Ansi::new(counter.clone(), Caps::FULL));
    let viewport = Viewport::Fixed(Rect::new(0, 0, w, h));
    let term = Terminal::with_options(backend, TerminalOptions { viewport }).expect("terminal");
    (term, counter)
}

fn open(text: &str, size: (u16, u16)) -> App {
    open_with(text, size, None)
}

fn open_with(text: &str, size: (u16, u16), rules: Option<RuleSet>) -> App {
    App::new(
        text.to_string(),
        Options {
            path: "ossec.conf".into(),
            profile: Profile::Wazuh,
            home: None,
            theme: Theme::new(true),
            size,
            rules,
        },
    )
}

/// Median and maximum.
fn stats(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Read, parse, validate, lay out and draw the first frame.
fn first_frame(path_or_text: &str, read: bool, size: (u16, u16)) -> (Duration, Duration) {
    let runs = (0..20)
        .map(|_| {
            let start = Instant::now();
            let text = if read {
                std::fs::read_to_string(path_or_text).expect("read")
            } else {
                path_or_text.to_string()
            };
            let app = open(&text, size);
            let (mut term, _) = terminal(size.0, size.1);
            term.draw(|f| ossec_ar::tui::ui::render(&app, f))
                .expect("draw");
            start.elapsed()
        })
        .collect();
    stats(runs)
}

/// Each key of `script`: handle it, then draw; returns (median, max, slowest key,
/// bytes written for the whole script).
fn keys(
    text: &str,
    script: &str,
    size: (u16, u16),
    rules: Option<&RuleSet>,
) -> (Duration, Duration, String, usize) {
    let mut app = open_with(text, size, rules.cloned());
    let (mut term, out) = terminal(size.0, size.1);
    term.draw(|f| ossec_ar::tui::ui::render(&app, f))
        .expect("draw");
    let before = out.bytes();
    let mut times = Vec::new();
    let mut slowest = (Duration::ZERO, String::new());
    for k in parse_keys(script) {
        let start = Instant::now();
        let _ = app.handle(AppEvent::Key(k));
        term.draw(|f| ossec_ar::tui::ui::render(&app, f))
            .expect("draw");
        let t = start.elapsed();
        if t > slowest.0 {
            slowest = (t, format!("{:?}", k.code));
        }
        times.push(t);
    }
    let bytes = out.bytes() - before;
    let (median, max) = stats(times);
    (median, max, slowest.1, bytes)
}

/// 5 commands and `n` responses, in the shape of the shipped templates.
fn synthetic(n: usize) -> String {
    let mut s = String::from("<ossec_config>\n");
    for c in [
        "firewall-drop",
        "host-deny",
        "route-null",
        "disable-account",
        "restart-wazuh",
    ] {
        s.push_str(&format!(
            "  <command>\n    <name>{c}</name>\n    <executable>{c}</executable>\n    <timeout_allowed>yes</timeout_allowed>\n  </command>\n\n"
        ));
    }
    let locations = ["local", "server", "all"];
    for i in 0..n {
        s.push_str(&format!(
            "  <active-response>\n    <command>firewall-drop</command>\n    <location>{}</location>\n    <level>{}</level>\n    <rules_group>group{i}|web</rules_group>\n    <timeout>{}</timeout>\n  </active-response>\n\n",
            locations[i % 3],
            1 + i % 16,
            60 + i
        ));
    }
    s.push_str("</ossec_config>\n");
    s
}

/// Moving, typing, committing (re-parse and re-validate), undo/redo, popups.
const SCRIPT: &str = "jjjjjjjjjjGgG<tab>jjjjjjj<enter><c-u>900<enter>kkkkk<enter>j<enter>u<c-r>\
                      <esc>/fire<esc><esc>?jj<esc>s<esc>a<esc>jjkk";

#[test]
#[ignore = "a benchmark: run by scripts/bench-tui in release"]
fn bench_tui() {
    let Some(corpus) = crate::support::corpus() else {
        return;
    };
    let largest = crate::support::corpus_data_files(&corpus)
        .into_iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "ruleset"))
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .expect("a corpus config");
    let text = std::fs::read_to_string(&largest).expect("read");
    let big = synthetic(2000);
    println!("ossec-ar TUI benchmark (release, 80x24 and 120x40, output to memory)");
    for size in [(80, 24), (120, 40)] {
        println!("-- {}x{}", size.0, size.1);
        let name = largest
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let (m, x) = first_frame(&largest.display().to_string(), true, size);
        println!(
            "first frame, {name} ({} bytes): median {}, max {}",
            text.len(),
            ms(m),
            ms(x)
        );
        let (m, x) = first_frame(&big, false, size);
        println!(
            "first frame, 2,000 responses ({} bytes): median {}, max {}",
            big.len(),
            ms(m),
            ms(x)
        );
        for (label, t) in [
            (name.to_string(), text.as_str()),
            ("2,000 responses".to_string(), big.as_str()),
        ] {
            let (m, x, slow, bytes) = keys(t, SCRIPT, size, None);
            let n = parse_keys(SCRIPT).len();
            println!(
                "key to frame, {label}: {n} keys, median {}, max {} (slowest: {slow}), {bytes} bytes written",
                ms(m),
                ms(x)
            );
        }
    }
}

/// Keys with the simulator pane: open it, walk its rules, change the level under it.
const SIM_SCRIPT: &str =
    "jjjjjjjjjjp jjjjkk<pgdn><pgup>p<tab>jjjj<enter><c-u>7<enter>p jj/ssh<enter>jp";

#[test]
#[ignore = "a benchmark: run by scripts/bench-tui in release"]
fn bench_tui_with_the_full_ruleset() {
    let Some(corpus) = crate::support::corpus() else {
        return;
    };
    let dir = corpus.join("wazuh/ruleset/rules");
    let files = ossec_ar::rules::files_in_dirs(&[dir], &[]);
    let start = Instant::now();
    let rules = ossec_ar::rules::load(&files.files).rules;
    let load = start.elapsed();
    println!(
        "full ruleset: {} rules from {} files, loaded in {}",
        rules.len(),
        files.files.len(),
        ms(load)
    );
    let manager =
        std::fs::read_to_string(corpus.join("real/KnnnZzz__Wazuh_SIEM__ossec.conf")).expect("read");
    let big = synthetic(2000);
    for (label, text) in [
        ("KnnnZzz__Wazuh_SIEM__ossec.conf", manager.as_str()),
        ("2,000 responses", big.as_str()),
    ] {
        let size = (80, 24);
        let runs: Vec<Duration> = (0..5)
            .map(|_| {
                let start = Instant::now();
                let app = open_with(text, size, Some(rules.clone()));
                let (mut term, _) = terminal(size.0, size.1);
                term.draw(|f| ossec_ar::tui::ui::render(&app, f))
                    .expect("draw");
                start.elapsed()
            })
            .collect();
        let (m, x) = stats(runs);
        println!(
            "first frame with the ruleset (after loading it), {label}: median {}, max {}",
            ms(m),
            ms(x)
        );
        let (m, x, slow, bytes) = keys(text, SIM_SCRIPT, size, Some(&rules));
        let n = parse_keys(SIM_SCRIPT).len();
        println!(
            "key to frame with the simulator pane, {label}: {n} keys, median {}, max {} (slowest: {slow}), {bytes} bytes written",
            ms(m),
            ms(x)
        );
    }
}

#[test]
fn an_unchanged_frame_writes_nothing_to_the_terminal() {
    let mut app = open(crate::tui_harness::CONF, (80, 24));
    let (mut term, out) = terminal(80, 24);
    term.draw(|f| ossec_ar::tui::ui::render(&app, f))
        .expect("draw");
    let first = out.bytes();
    assert!(first > 1000, "the first frame is drawn: {first} bytes");
    // A key that is bound to nothing, then a redraw: not one byte.
    let _ = app.handle(AppEvent::Key(parse_keys("z")[0]));
    term.draw(|f| ossec_ar::tui::ui::render(&app, f))
        .expect("draw");
    assert_eq!(out.bytes(), first);
    // Moving down changes a few cells only, far less than a whole frame.
    let _ = app.handle(AppEvent::Key(parse_keys("j")[0]));
    term.draw(|f| ossec_ar::tui::ui::render(&app, f))
        .expect("draw");
    let moved = out.bytes() - first;
    assert!(moved > 0 && moved < first / 4, "{moved} bytes for one move");
}

/// A frame while `L` replays 1,000,000 lines in the background (docs/logs.md "In the
/// editor"): keys keep coming (one every 10 ms), each handled and drawn, the job's
/// progress pumped between them. Target: every frame <= 16 ms.
#[test]
#[ignore = "a benchmark: run by scripts/bench-tui in release"]
fn bench_tui_during_a_log_replay() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("million.log");
    let sample = ossec_ar::tui::DEMO_SAMPLE_LOG;
    let n = sample.lines().count();
    let mut text = String::with_capacity(130 << 20);
    for i in 0..1_000_000 {
        text.push_str(sample.lines().nth(i % n).unwrap_or(""));
        text.push('\n');
    }
    std::fs::write(&log, text).expect("write");
    let size = (120, 40);
    let mut app = crate::tui_logs::demo_app(size);
    let (mut term, _) = terminal(size.0, size.1);
    crate::tui_logs::press_run(&mut app, crate::tui_logs::R1_PANE);
    crate::tui_logs::press_run(&mut app, &format!("L{}<enter>", log.display()));
    let start = Instant::now();
    let mut frames = Vec::new();
    let keys = parse_keys("jk");
    let mut i = 0;
    while app.job_running() && start.elapsed() < Duration::from_secs(300) {
        std::thread::sleep(Duration::from_millis(10));
        let t = Instant::now();
        ossec_ar::tui::pump(&mut app);
        let _ = app.handle(AppEvent::Key(keys[i % 2]));
        term.draw(|f| ossec_ar::tui::ui::render(&app, f))
            .expect("draw");
        frames.push(t.elapsed());
        i += 1;
    }
    ossec_ar::tui::pump(&mut app);
    let total = start.elapsed();
    let screen = crate::tui_harness::screen(&app, size.0, size.1);
    assert!(screen.contains("1000000 lines"), "{screen}");
    let (m, x) = stats(frames.clone());
    println!(
        "frame during L on 1,000,000 lines: {} frames, median {}, max {}; the replay took {:.1} s ({:.0} lines/s)",
        frames.len(),
        ms(m),
        ms(x),
        total.as_secs_f64(),
        1e6 / total.as_secs_f64()
    );
}
