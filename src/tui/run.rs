//! The one event loop: the only code that reads events, touches the terminal or the
//! file system (docs/ARCHITECTURE.md "Habits" 6). Everything else is `App::handle` and
//! `ui::render`.

use std::collections::VecDeque;
use std::io::{BufWriter, IsTerminal, Stdout, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context as _, bail};
use crossterm::event::{self, Event as CtEvent};
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;

use super::ansi::Ansi;
use super::app::{App, AppEvent, Effect, Options, SaveResult};
use super::backend::Quiet;
use super::caps::Caps;
use super::save::{self, SaveError, SaveOptions};
use super::theme::Theme;
use super::ui;
use crate::analysis::{Ruleset, Settings};
use crate::load;
use crate::model::Profile;
use crate::rules::{self, RuleSet};

type Term = Terminal<Quiet<Ansi<BufWriter<Stdout>>>>;

/// What the editor needs to open a file.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The file to edit.
    pub path: PathBuf,
    /// Wazuh or OSSEC.
    pub profile: Profile,
    /// The install directory, when readable.
    pub home: Option<PathBuf>,
    /// Colours (false with `NO_COLOR` or `--color never`).
    pub color: bool,
    /// Keep a hidden backup of the previous content when saving.
    pub backup: bool,
    /// Rule directories (`--rules`); empty: the config's `<ruleset>` under `home`.
    pub rules: Vec<PathBuf>,
    /// Decoder directories for `l` and `L` (the demo's); with `rules`, they replace
    /// the config's `<ruleset>` as `logtest --decoders` does.
    pub decoders: Vec<PathBuf>,
}

/// How the editor ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The user quit.
    Quit,
    /// SIGTERM or SIGHUP: unsaved changes were dropped.
    Signal,
}

/// Opens the editor on `opts.path` and runs until the user quits.
pub fn run(opts: &RunOptions) -> anyhow::Result<Ended> {
    run_with(opts, None)
}

/// [`run`], with a first notice in the status line.
pub(crate) fn run_with(opts: &RunOptions, greeting: Option<String>) -> anyhow::Result<Ended> {
    let text = load::read_text(&opts.path)?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!("{}", super::strings::NOT_A_TERMINAL);
    }
    let stop = Arc::new(AtomicBool::new(false));
    watch_signals(Arc::clone(&stop))?;
    let rules = load_rules(&text, opts);
    let engine = load_engine(&text, opts);
    let caps = Caps::from_env();
    let mut term = enter(caps)?;
    let size = term
        .size()
        .map(|s| (s.width, s.height))
        .unwrap_or(ui::MIN_SIZE);
    let mut app = App::new(
        text,
        Options {
            path: opts.path.clone(),
            profile: opts.profile,
            home: opts.home.clone(),
            theme: Theme::for_terminal(opts.color, caps),
            size,
            rules,
        },
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    app.set_engine(engine, now);
    if let Some(text) = greeting {
        app.notice = Some(super::app::Notice { text, error: false });
        app.last_notice.clone_from(&app.notice);
    }
    let ended = event_loop(&mut term, &mut app, &stop, opts);
    leave();
    ended
}

/// SIGTERM and SIGHUP (the SSH connection dropped) set `stop`, which the event loop
/// checks at least every 250 ms. But once the terminal is gone, crossterm's `poll` can
/// spin forever without returning (crossterm issue #793: the tty stays readable and
/// every read gives 0 bytes or EIO), so the loop may never look. A watchdog thread
/// gives it a moment, then restores what it can and exits; saves are atomic, so
/// nothing is ever left half-written.
fn watch_signals(stop: Arc<AtomicBool>) -> anyhow::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGTERM, SIGHUP]).context("signal handler")?;
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            stop.store(true, Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(750));
            leave();
            // exit() runs no destructors: the editor's lock file goes by hand.
            super::save::lock::release_all();
            // Not eprintln!: it panics when the terminal is gone, which would end
            // this thread instead of the process.
            let _ = writeln!(std::io::stderr(), "{}", super::strings::STOPPED_BY_SIGNAL);
            // 2, as for every run that ends without the user choosing to quit.
            std::process::exit(2);
        }
    });
    Ok(())
}

/// Raw mode, alternate screen, and a panic hook that undoes both first. No mouse
/// capture: the terminal's own select-to-copy keeps working (docs/editor.md "Terminal").
fn enter(caps: Caps) -> anyhow::Result<Term> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        hook(info);
    }));
    take_terminal()?;
    let backend = Ansi::new(BufWriter::with_capacity(1 << 16, std::io::stdout()), caps);
    Ok(Terminal::new(Quiet::new(backend))?)
}

/// Raw mode, the alternate screen, no cursor, bracketed paste (undone by `leave`).
fn take_terminal() -> anyhow::Result<()> {
    enable_raw_mode().context("cannot switch the terminal to raw mode")?;
    execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        cursor::Hide,
        EnableBracketedPaste
    )?;
    Ok(())
}

/// Ctrl-z: gives the terminal back, stops the process as the shell's job control
/// expects (SIGTSTP to itself), and once continued (`fg`) takes the terminal again
/// and redraws everything, at the size the terminal has now.
fn suspend(term: &mut Term, app: &mut App) -> anyhow::Result<()> {
    leave();
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP).context("suspend")?;
    // Continued: the shell may have left the terminal in any state.
    take_terminal()?;
    term.clear()?;
    if let Ok(size) = term.size() {
        app.handle(AppEvent::Resize(size.width, size.height));
    }
    Ok(())
}

/// Gives the terminal back as it was; safe to call twice.
pub(crate) fn leave() {
    let _ = disable_raw_mode();
    let mut out = std::io::stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = out.flush();
}

fn event_loop(
    term: &mut Term,
    app: &mut App,
    stop: &AtomicBool,
    opts: &RunOptions,
) -> anyhow::Result<Ended> {
    draw(term, app, opts)?;
    loop {
        if stop.load(Ordering::Relaxed) {
            return Ok(Ended::Signal);
        }
        // Wake up now and then only to see the signal flag; nothing is drawn then.
        // While a background job runs, more often, to show its progress.
        let wait = if app.job_running() || app.matching.is_some() {
            50
        } else {
            250
        };
        if !event::poll(Duration::from_millis(wait))? {
            let logs = super::jobs::pump(app);
            if super::matching::pump_matching(app) | logs {
                draw(term, app, opts)?;
            }
            continue;
        }
        // Handle every event already waiting before drawing once (key repeat, paste).
        loop {
            if let Some(ev) = translate(event::read()?) {
                let effects = app.handle(ev);
                if effects.contains(&Effect::Suspend) {
                    suspend(term, app)?;
                }
                if perform(app, effects, opts) {
                    return Ok(Ended::Quit);
                }
            }
            if !event::poll(Duration::ZERO)? {
                break;
            }
        }
        super::jobs::pump(app);
        super::matching::pump_matching(app);
        draw(term, app, opts)?;
    }
}

/// Draws the screen, then starts the matching it asked for (a count the frame
/// could not afford shows "matching..." until the job answers).
fn draw(term: &mut Term, app: &mut App, opts: &RunOptions) -> anyhow::Result<()> {
    term.draw(|f| ui::render(app, f))?;
    if let Some(job) = app.take_matching() {
        perform(app, vec![job], opts);
    }
    Ok(())
}

fn translate(ev: CtEvent) -> Option<AppEvent> {
    match ev {
        CtEvent::Key(k) => Some(AppEvent::Key(k)),
        CtEvent::Resize(w, h) => Some(AppEvent::Resize(w, h)),
        CtEvent::Paste(text) => Some(AppEvent::Paste(text)),
        _ => None,
    }
}

/// Carries out the effects (and those their outcomes lead to) on the file of
/// `opts`; true when it is time to quit. Key-script tests call it to save for real.
pub fn perform(app: &mut App, effects: Vec<Effect>, opts: &RunOptions) -> bool {
    let mut queue: VecDeque<Effect> = effects.into();
    while let Some(e) = queue.pop_front() {
        let event = match e {
            Effect::Quit => return true,
            Effect::Save { text, expected } => {
                AppEvent::Saved(write(&opts.path, &expected, &text, opts.backup, false))
            }
            Effect::SaveReadOnly { text, expected } => {
                AppEvent::Saved(write(&opts.path, &expected, &text, opts.backup, true))
            }
            Effect::SaveOverwrite { text } => match load::read_text(&opts.path) {
                Ok(now) => AppEvent::Saved(write(&opts.path, &now, &text, opts.backup, false)),
                Err(e) => {
                    AppEvent::Saved(SaveResult::Failed(format!("{e}; the file is unchanged")))
                }
            },
            Effect::Reload => {
                AppEvent::Reloaded(load::read_text(&opts.path).map_err(|e| e.to_string()))
            }
            Effect::Merge(winner) => AppEvent::Merged(
                load::read_text(&opts.path).map_err(|e| e.to_string()),
                winner,
            ),
            Effect::StartLogs { path } => {
                start_logs(app, path);
                continue;
            }
            Effect::Match(job) => {
                if let Some(rules) = app.rules.clone() {
                    app.matching = Some(super::matching::start(job, rules, app.profile));
                }
                continue;
            }
            // Done by the event loop, which holds the terminal.
            Effect::Suspend => continue,
            Effect::CancelJob => {
                if let Some(job) = &app.job {
                    job.cancel();
                }
                continue;
            }
        };
        queue.extend(app.handle(event));
    }
    false
}

/// Starts `L`'s replay on the document as it stands (no job without an engine).
fn start_logs(app: &mut App, path: PathBuf) {
    let Some(engine) = app.engine.clone() else {
        return;
    };
    if let Some(old) = app.job.take() {
        old.cancel();
    }
    let job = super::jobs::LogJob {
        path,
        text: app.source().to_string(),
        engine,
        rules: app.rules.as_deref().cloned().unwrap_or_default(),
        profile: app.profile,
        now: app.now,
    };
    app.job = Some(super::jobs::start(job));
}

/// Saves through the pipeline (`force`: replace a read-only file too). The errors
/// that come once the new content is in place are a saved file with a note.
fn write(path: &Path, expected: &str, text: &str, backup: bool, force: bool) -> SaveResult {
    let opts = SaveOptions {
        no_backup: !backup,
        verify: None,
        force,
        ..SaveOptions::default()
    };
    let saved = |backup, note| SaveResult::Saved {
        text: text.to_string(),
        backup,
        note,
    };
    match save::save(path, expected, text, &opts) {
        Ok(outcome) => saved(
            outcome.backup,
            outcome.in_place.map(|why| format!("in place: {why}")),
        ),
        Err(SaveError::ChangedOnDisk { .. }) => SaveResult::ChangedOnDisk,
        Err(SaveError::ReadOnly { mode, .. }) => SaveResult::ReadOnly(mode),
        Err(
            e @ (SaveError::NotDurable { .. }
            | SaveError::BackupNotKept { .. }
            | SaveError::JournalLeft { .. }),
        ) => saved(None, Some(e.to_string())),
        Err(e) => SaveResult::Failed(e.to_string()),
    }
}

/// The rules of `--rules`, else of the config's `<ruleset>` under a readable home
/// (as `simulate` finds them); `None` when there are none. Problems in rule files do
/// not stop the editor: `ossec-ar simulate` reports them.
fn load_rules(text: &str, opts: &RunOptions) -> Option<RuleSet> {
    let doc = crate::xml::parse(text);
    let found = load::rule_files(&opts.rules, opts.home.as_deref(), &doc)?;
    let loaded = rules::load(&found.files);
    (!loaded.rules.is_empty()).then_some(loaded.rules)
}

/// The analysis engine for `l` and `L`: `decoders` with `rules` (the demo), else the
/// config's `<ruleset>` under a readable home, as `logtest` finds it; `None`
/// without decoders. Problems do not stop the editor: `ossec-ar logtest` reports
/// them.
fn load_engine(text: &str, opts: &RunOptions) -> Option<Arc<Ruleset>> {
    let doc = crate::xml::parse(text);
    let rules = if opts.decoders.is_empty() {
        &[][..]
    } else {
        &opts.rules[..]
    };
    let files = load::engine_files(&opts.decoders, rules, &[], opts.home.as_deref(), &doc)?;
    if files.decoders.is_empty() {
        return None;
    }
    let texts = load::read_ruleset(&files);
    let ruleset = Ruleset::build(
        &texts.decoders,
        &texts.rules,
        &files.lists,
        Settings::default(),
    );
    Some(Arc::new(ruleset))
}
