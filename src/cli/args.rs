//! Argument definitions (clap derive), docs/cli.md.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Editor, validator and dry-run simulator for the <command> and <active-response>
/// blocks of Wazuh and OSSEC ossec.conf files.
#[derive(Debug, Parser)]
#[command(name = "ossec-ar", version = env!("OSSEC_AR_VERSION"), about)]
pub struct Args {
    /// What to do; without a command, the TUI editor opens FILE
    /// (`ossec-ar [FILE]`, default /var/ossec/etc/ossec.conf).
    #[command(subcommand)]
    pub command: Option<Cmd>,
    /// Options every command takes.
    #[command(flatten)]
    pub common: Common,
}

/// Options common to every command.
#[derive(Debug, clap::Args, Clone)]
pub struct Common {
    /// Rule directory to load (repeatable); default: the config's <ruleset> under --ossec-home.
    #[arg(long = "rules", value_name = "DIR", global = true)]
    pub rules: Vec<PathBuf>,
    /// Wazuh/OSSEC installation directory.
    #[arg(long, value_name = "DIR", default_value = "/var/ossec", global = true)]
    pub ossec_home: PathBuf,
    /// Daemon semantics; default wazuh, or ossec when --ossec-home holds an OSSEC install.
    #[arg(long, value_enum, global = true)]
    pub profile: Option<ProfileArg>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,
    /// When to use colour (NO_COLOR is honoured with auto).
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, global = true)]
    pub color: ColorArg,
}

/// `--profile`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ProfileArg {
    /// Wazuh 4.x.
    Wazuh,
    /// OSSEC-HIDS.
    Ossec,
}

/// `--format`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// One JSON object.
    Json,
}

/// `--color`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorArg {
    /// Colour when stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// `ossec-ar FILE`: a first word that is no subcommand is the file the TUI edits.
    /// (A top-level positional would make clap read `--format json check F` as FILE
    /// `check`.)
    #[command(external_subcommand)]
    Edit(Vec<OsString>),
    /// TUI on a temporary copy of the bundled demo config and rules.
    Demo,
    /// Validate: exit 0 clean or warnings only, 1 errors, 2 unreadable/usage.
    Check {
        /// The configuration file.
        file: PathBuf,
    },
    /// Commands and responses, one per line.
    List {
        /// The configuration file.
        file: PathBuf,
    },
    /// Dry run: the rules that trigger each response, what one rule firing does
    /// (--rule), or how often each response would have run (--alerts).
    Simulate(SimulateArgs),
    /// Log lines through the offline analysis engine, as wazuh-logtest shows them,
    /// with the responses of the config that each alert would run.
    Logtest(LogtestArgs),
    /// Wazuh's ruleset test files (.ini, or folders of them), judged as runtests.py.
    Ruletest(RuletestArgs),
    /// Long help for a diagnostic code (without CODE: every code).
    Explain {
        /// The diagnostic code.
        code: Option<String>,
    },
    /// Change fields of a block (an empty VALUE keeps an empty element).
    Set {
        /// The configuration file.
        file: PathBuf,
        /// The block: response:N, command:NAME, command#N (the N-th command),
        /// response[FIELD=VALUE,...] or command[FIELD=VALUE,...] (every listed field as
        /// written; quote a value holding ',' or ']' in "...").
        #[arg(value_name = "SEL")]
        sel: String,
        /// The fields to set.
        #[arg(value_name = "FIELD=VALUE", required = true)]
        assignments: Vec<String>,
        /// Edit options.
        #[command(flatten)]
        edit: EditArgs,
    },
    /// Remove optional fields of a block.
    Unset {
        /// The configuration file.
        file: PathBuf,
        /// The block: response:N, command:NAME, command#N (the N-th command),
        /// response[FIELD=VALUE,...] or command[FIELD=VALUE,...] (every listed field as
        /// written; quote a value holding ',' or ']' in "...").
        #[arg(value_name = "SEL")]
        sel: String,
        /// The fields to remove.
        #[arg(value_name = "FIELD", required = true)]
        fields: Vec<String>,
        /// Edit options.
        #[command(flatten)]
        edit: EditArgs,
    },
    /// Add a command or an active response.
    Add {
        /// What to add.
        #[command(subcommand)]
        what: AddWhat,
    },
    /// Remove a block (a command still used by a response only with --force).
    Rm {
        /// The configuration file.
        file: PathBuf,
        /// The block: response:N, command:NAME, command#N (the N-th command),
        /// response[FIELD=VALUE,...] or command[FIELD=VALUE,...] (every listed field as
        /// written; quote a value holding ',' or ']' in "...").
        #[arg(value_name = "SEL")]
        sel: String,
        /// Edit options.
        #[command(flatten)]
        edit: EditArgs,
    },
    /// Make the file hold a desired state; running it twice changes nothing.
    ///
    /// STATE is JSON: {"commands": [...], "responses": [...]}, each block with
    /// "state": "present" (default) or "absent" and the fields of `list --format json`.
    /// A present block found by identity (a command by name; a response by command,
    /// location, agent_id, level, rules_group, rules_id) gets its fields set (null
    /// removes one), one not found is added, an absent one removed.
    Apply {
        /// The configuration file.
        file: PathBuf,
        /// The desired state (a JSON file, or - for stdin).
        state: PathBuf,
        /// Edit options.
        #[command(flatten)]
        edit: EditArgs,
    },
    /// Put a hidden backup back, through the same safe save.
    ///
    /// Generation N: 1 (the default) is the newest, .NAME.ossec-ar.bak; then .bak.2,
    /// .bak.3.
    Restore {
        /// The configuration file.
        file: PathBuf,
        /// Which generation (1 = newest).
        #[arg(value_name = "N", default_value_t = 1)]
        generation: usize,
        /// Edit options.
        #[command(flatten)]
        edit: EditArgs,
    },
    /// Print a completion script for SHELL to stdout (the packages install them).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout; scripts/release packages it as ossec-ar(1).
    #[command(hide = true)]
    Manpage,
}

/// `add command` / `add response`.
#[derive(Debug, Subcommand)]
pub enum AddWhat {
    /// A <command>, after the last one (or before the first <active-response>).
    Command {
        /// The configuration file.
        file: PathBuf,
        /// Its fields, in the order given (name and executable are required).
        #[arg(value_name = "FIELD=VALUE", required = true)]
        fields: Vec<String>,
        /// Edit options.
        #[command(flatten)]
        edit: EditArgs,
        /// Change nothing (exit 0, "changed": false) when a command of this name exists.
        #[arg(long)]
        if_absent: bool,
    },
    /// An <active-response>, after the last one (or at the end of its command's root).
    Response {
        /// The configuration file.
        file: PathBuf,
        /// Its fields, in the order given.
        #[arg(value_name = "FIELD=VALUE", required = true)]
        fields: Vec<String>,
        /// Edit options.
        #[command(flatten)]
        edit: EditArgs,
        /// Change nothing (exit 0, "changed": false) when a response with the same
        /// identity exists: command, location, agent_id, level, rules_group, rules_id as
        /// analysisd reads them.
        #[arg(long)]
        if_absent: bool,
    },
}

/// Options of the edit commands (docs/cli.md).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct EditArgs {
    /// Write nothing; report what would change (--check, as in Ansible, is the same).
    #[arg(long, visible_alias = "check")]
    pub dry_run: bool,
    /// Print a unified diff of the change.
    #[arg(long)]
    pub diff: bool,
    /// Write even if the result has new errors or values that fail their checks, or
    /// the file is read-only (no write bit, e.g. 0444).
    #[arg(long)]
    pub force: bool,
    /// Do not keep the previous content as the hidden .NAME.ossec-ar.bak.
    #[arg(long)]
    pub no_backup: bool,
    /// Run this shell command after writing (e.g. '/var/ossec/bin/wazuh-analysisd -t');
    /// restore the previous content when it fails.
    #[arg(long, value_name = "CMD")]
    pub verify: Option<String>,
    /// With a content selector (response[...], command[...]): edit every block it
    /// matches (without it, a selector that matches several blocks is refused).
    #[arg(long)]
    pub all: bool,
    /// How many generations of hidden backups to keep (.NAME.ossec-ar.bak, .bak.2, …,
    /// newest first); 0 keeps none.
    #[arg(long, value_name = "N", default_value_t = crate::save::DEFAULT_BACKUPS)]
    pub backups: usize,
}

/// `simulate FILE [--rule ID | --alerts FILE] [--agent ID] [--srcip IP] [--user NAME]
/// [--agent-version V]` (docs/cli.md "simulate").
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The configuration file.
    pub file: PathBuf,
    /// Fired mode: what happens when this rule fires.
    #[arg(long, value_name = "ID", conflicts_with = "alerts")]
    pub rule: Option<u32>,
    /// Replay mode: Wazuh's alerts.json (plain or gzip-compressed).
    #[arg(long, value_name = "FILE")]
    pub alerts: Option<PathBuf>,
    /// The agent the event comes from (default 000, the manager).
    #[arg(long, value_name = "ID", requires = "rule")]
    pub agent: Option<String>,
    /// The event's source IP (data.srcip).
    #[arg(long, value_name = "IP", requires = "rule")]
    pub srcip: Option<String>,
    /// The event's destination user (data.dstuser).
    #[arg(long, value_name = "NAME", requires = "rule")]
    pub user: Option<String>,
    /// Version of the target agents (below 4.2 they get the legacy argument string).
    #[arg(long, value_name = "V", requires = "rule")]
    pub agent_version: Option<String>,
    /// Log mode: a raw log (plain or gzip) replayed through the analysis engine.
    #[arg(long, value_name = "LOGFILE", conflicts_with_all = ["rule", "alerts"])]
    pub logs: Option<PathBuf>,
    /// Ruleset options (log mode).
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// Where the analysis engine's decoders, rules and lists come from (docs/analysis.md "Which
/// files"): by
/// default the config's `<ruleset>` under --ossec-home; any of --rules,
/// --decoders, --list replaces it.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct EngineArgs {
    /// Decoder directory to load (repeatable).
    #[arg(long = "decoders", value_name = "DIR")]
    pub decoders: Vec<PathBuf>,
    /// CDB list to load (repeatable): its text source, or PATH.cdb when only that exists.
    #[arg(long = "list", value_name = "PATH")]
    pub lists: Vec<PathBuf>,
}

/// `logtest [FILE]` (docs/analysis.md).
#[derive(Debug, clap::Args)]
pub struct LogtestArgs {
    /// The config whose responses are shown and whose <ruleset> is read
    /// (default: etc/ossec.conf under --ossec-home).
    pub file: Option<PathBuf>,
    /// The location the events come from.
    #[arg(long, value_name = "LOC", default_value = "stdin")]
    pub location: String,
    /// The log format (accepted for wazuh-logtest compatibility; analysisd ignores it
    /// in logtest).
    #[arg(long, value_name = "FORMAT", default_value = "syslog")]
    pub log_format: String,
    /// The agent the events come from, for the responses (default 000, the manager).
    #[arg(long, value_name = "ID")]
    pub agent: Option<String>,
    /// Also list the rules tried and why each did not match (logtest's rules debug).
    #[arg(short = 'v', long = "verbose")]
    pub verbose: bool,
    /// Ruleset options.
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// `ruletest PATH...` (docs/analysis.md "The ruleset test suite").
#[derive(Debug, clap::Args)]
pub struct RuletestArgs {
    /// Test files (.ini) or folders of them.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The config whose <ruleset> is read (default: etc/ossec.conf under --ossec-home).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ruleset options.
    #[command(flatten)]
    pub engine: EngineArgs,
}
