//! Full rule definitions (docs/analysis-rules.md "Reading a file", "Options"): every option and
//! attribute of a `<rule>`, read the way `Rules_OP_ReadRules` does
//! (`src/analysisd/rules.c`), with its patterns compiled, ready for the rule tree
//! (`analysis::ruletree`) and the matcher (`analysis::rulematch`).
//!
//! The binding loader (`super::load`) still reads its own subset: it must not fail on
//! decoders or lists it cannot see.

mod attrs;
pub(super) use attrs::read as read_attributes;
mod context_opts;
mod daytime;
mod file;
mod list_opt;
mod options;
mod post;

use std::path::PathBuf;

use super::fields::{Category, StaticField};
use crate::pattern::{Expression, IpList};
use crate::rules::lists::{Lists, Lookup};

pub use daytime::{Weekdays, is_on_day, is_on_time, valid_day, valid_time};
pub use file::{FileRules, Step};

/// A compiled pattern option with its `negate` (the option fails when the match
/// result equals `negate`).
#[derive(Debug)]
pub struct Cond {
    /// The compiled pattern.
    pub expr: Expression,
    /// `negate="yes"`.
    pub negate: bool,
}

/// A `<field name="…">` condition on a dynamic field.
#[derive(Debug)]
pub struct FieldCond {
    /// The field name (compared without ASCII case, `FindField`).
    pub name: String,
    /// The pattern (OS_Regex by default).
    pub cond: Cond,
}

/// An IP list of `<srcip>`/`<dstip>`: the repeated options form one OR list; the
/// last element's `negate` wins.
#[derive(Debug)]
pub struct IpCond {
    /// The addresses and networks.
    pub list: IpList,
    /// `negate="yes"` on the last element.
    pub negate: bool,
}

/// What a `<list field="…">` looks up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListField {
    /// A static field (srcip, srcport, dstip, dstport, url, id, status, action,
    /// protocol, system_name, data, extra_data).
    Static(StaticField),
    /// `user`: srcuser first, then dstuser.
    User,
    /// `hostname`.
    Hostname,
    /// `program_name`.
    ProgramName,
    /// Any other name: a dynamic field (srcuser and dstuser included).
    Dynamic(String),
}

/// A `<list>` condition.
#[derive(Debug)]
pub struct ListCond {
    /// The field looked up.
    pub field: ListField,
    /// The list, an index into [`Lists`].
    pub list: usize,
    /// The list path as written in the rule.
    pub path: String,
    /// The lookup.
    pub lookup: Lookup,
    /// `check_value` (OS_Match).
    pub check_value: Option<Expression>,
}

/// A `<compiled_rule>` function (`src/analysisd/compiled_rules/generic_samples.c`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompiledRule {
    /// `check_id_size`: the id is at least 10 bytes long.
    CheckIdSize,
    /// `comp_srcuser_dstuser`: srcuser and dstuser are not both set and different.
    CompSrcuserDstuser,
    /// `comp_mswin_targetuser_calleruser_diff`.
    CompMswinTargetuserCalleruserDiff,
    /// `is_simple_http_request`: the url is `/` or has no `?`.
    IsSimpleHttpRequest,
    /// `is_valid_crawler`: `log` starts with a known crawler prefix.
    IsValidCrawler,
}

impl CompiledRule {
    /// The function a `<compiled_rule>` names (exact bytes).
    pub fn parse(name: &str) -> Option<CompiledRule> {
        Some(match name {
            "check_id_size" => CompiledRule::CheckIdSize,
            "comp_srcuser_dstuser" => CompiledRule::CompSrcuserDstuser,
            "comp_mswin_targetuser_calleruser_diff" => {
                CompiledRule::CompMswinTargetuserCalleruserDiff
            }
            "is_simple_http_request" => CompiledRule::IsSimpleHttpRequest,
            "is_valid_crawler" => CompiledRule::IsValidCrawler,
            _ => return None,
        })
    }
}

/// The kind of an `<info>` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfoKind {
    /// `type="text"` (the default).
    Text,
    /// `type="link"`.
    Link,
    /// `type="cve"` (and every `<cve>`).
    Cve,
    /// `type="osvdb"`.
    Osvdb,
    /// An invalid `type`: the daemon logs an error and keeps the entry.
    Invalid,
}

/// One `<info>`/`<cve>` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfoDetail {
    /// Its kind.
    pub kind: InfoKind,
    /// Its text.
    pub text: String,
}

/// MITRE ATT&CK references of a rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mitre {
    /// Old format: `<id>` technique ids.
    pub ids: Vec<String>,
    /// New format: tactic ids, paired with [`Mitre::techniques`].
    pub tactics: Vec<String>,
    /// New format: technique ids.
    pub techniques: Vec<String>,
}

/// The `<options>` flags and the output options of a rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// The last of `alert_by_email` (true) / `no_email_alert` (false), if any.
    pub email: Option<bool>,
    /// The last of `log_alert` (true) / `no_log` (false), if any.
    pub log: Option<bool>,
    /// `no_ar`.
    pub no_ar: bool,
    /// `no_full_log`: the output leaves out `full_log`.
    pub no_full_log: bool,
    /// `no_counter`: the output leaves out `firedtimes`.
    pub no_counter: bool,
    /// `noalert="1"`: the rule never fires itself; its parent goes on.
    pub noalert: bool,
}

/// Static-field bits of `same_*` / `different_*` (`FIELD_*` of
/// `src/analysisd/rules.h`), in the order of `field_offset` in `eventinfo.c`.
pub mod field_bits {
    /// srcip.
    pub const SRCIP: u32 = 0x01;
    /// id.
    pub const ID: u32 = 0x02;
    /// dstip.
    pub const DSTIP: u32 = 0x04;
    /// srcport.
    pub const SRCPORT: u32 = 0x08;
    /// dstport.
    pub const DSTPORT: u32 = 0x10;
    /// srcuser.
    pub const SRCUSER: u32 = 0x20;
    /// user (the dstuser slot).
    pub const USER: u32 = 0x40;
    /// protocol.
    pub const PROTOCOL: u32 = 0x80;
    /// action.
    pub const ACTION: u32 = 0x100;
    /// url.
    pub const URL: u32 = 0x200;
    /// data.
    pub const DATA: u32 = 0x400;
    /// extra_data.
    pub const EXTRADATA: u32 = 0x800;
    /// status.
    pub const STATUS: u32 = 0x1000;
    /// system_name.
    pub const SYSTEMNAME: u32 = 0x2000;
    /// srcgeoip (never set without GeoIP).
    pub const SRCGEOIP: u32 = 0x4000;
    /// dstgeoip (never set without GeoIP).
    pub const DSTGEOIP: u32 = 0x8000;
    /// location.
    pub const LOCATION: u32 = 0x10000;
    /// Number of static bits.
    pub const N_FIELDS: usize = 17;
}

/// The context (stateful) options of a rule.
#[derive(Debug, Default)]
pub struct Context {
    /// Any `if_matched_*` or `check_diff`: a context rule.
    pub context: bool,
    /// `if_matched_sid` (0: none).
    pub if_matched_sid: u32,
    /// `if_matched_group` as written.
    pub if_matched_group_raw: Option<String>,
    /// `if_matched_group`, compiled (OS_Match).
    pub if_matched_group: Option<Expression>,
    /// `if_matched_regex` (OS_Regex on the earlier event's `log`).
    pub if_matched_regex: Option<Expression>,
    /// `same_*` bits ([`field_bits`]).
    pub same: u32,
    /// `different_*` / `not_same_*` bits.
    pub different: u32,
    /// `same_field` names.
    pub same_fields: Vec<String>,
    /// `different_field` / `not_same_field` names.
    pub different_fields: Vec<String>,
    /// `global_frequency`: events of any agent count.
    pub global_frequency: bool,
    /// `check_diff`.
    pub check_diff: bool,
}

/// One rule, as `Rules_OP_ReadRules` leaves it.
#[derive(Debug)]
pub struct RuleDef {
    /// `id`.
    pub id: u32,
    /// The level after `_setlevels` (what the output prints).
    pub level: u32,
    /// The `level` attribute as written (what `mail` is judged on).
    pub written_level: u32,
    /// The scaled level that orders siblings while loading (0→99, ×100 unless
    /// `accuracy="0"`); see docs/analysis-rules.md "Tree".
    pub sort_level: u32,
    /// `maxsize` (0: none).
    pub maxsize: u32,
    /// `frequency` minus 2 as stored (0 when absent).
    pub frequency: u32,
    /// `timeframe` in seconds (default 360).
    pub timeframe: u32,
    /// `ignore` in seconds (0: none).
    pub ignore_time: u32,
    /// `overwrite="yes"`.
    pub overwrite: bool,
    /// The group string: the `<group name>` then every `<group>` child.
    pub group: String,
    /// `<description>` (None: missing, which fails the file).
    pub description: Option<String>,
    /// `<info>` texts concatenated (the output's `info`).
    pub info: Option<String>,
    /// `<cve>` texts concatenated (the output's `cve`).
    pub cve: Option<String>,
    /// Every `<info>` and `<cve>`, in order.
    pub info_details: Vec<InfoDetail>,
    /// MITRE references.
    pub mitre: Mitre,
    /// `<category>` (default syslog); a child takes its `if_sid` parent's.
    pub category: Category,
    /// `<decoded_as>` as a decoder id.
    pub decoded_as: Option<u32>,
    /// Option flags.
    pub options: Options,
    /// `program_name`.
    pub program_name: Option<Cond>,
    /// `id`.
    pub id_cond: Option<Cond>,
    /// `system_name`.
    pub system_name: Option<Cond>,
    /// `protocol`.
    pub protocol: Option<Cond>,
    /// `match` (on `log`).
    pub match_: Option<Cond>,
    /// `regex` (on `log`).
    pub regex: Option<Cond>,
    /// `action` (plain string compare by default).
    pub action: Option<Cond>,
    /// `url`.
    pub url: Option<Cond>,
    /// `location`.
    pub location: Option<Cond>,
    /// `<field>` conditions, all ANDed.
    pub fields: Vec<FieldCond>,
    /// `srcip`.
    pub srcip: Option<IpCond>,
    /// `dstip`.
    pub dstip: Option<IpCond>,
    /// `srcport`.
    pub srcport: Option<Cond>,
    /// `dstport`.
    pub dstport: Option<Cond>,
    /// `compiled_rule`.
    pub compiled: Option<CompiledRule>,
    /// `user` (dstuser, else srcuser).
    pub user: Option<Cond>,
    /// `srcgeoip` (never true: no GeoIP).
    pub srcgeoip: Option<Cond>,
    /// `dstgeoip` (never true: no GeoIP).
    pub dstgeoip: Option<Cond>,
    /// `time`, in the daemon's stored form (`.`/`!` + `HH:MM` + `HH:MM`).
    pub time: Option<String>,
    /// `weekday`.
    pub weekday: Option<Weekdays>,
    /// `data`.
    pub data: Option<Cond>,
    /// `extra_data`.
    pub extra_data: Option<Cond>,
    /// `hostname`.
    pub hostname: Option<Cond>,
    /// `status`.
    pub status: Option<Cond>,
    /// `if_fts`.
    pub if_fts: bool,
    /// `<list>` conditions, all ANDed.
    pub lists: Vec<ListCond>,
    /// Context options.
    pub ctx: Context,
    /// `if_sid` as written (concatenated).
    pub if_sid: Option<String>,
    /// `if_level` as written.
    pub if_level: Option<String>,
    /// `if_group` as written.
    pub if_group: Option<String>,
    /// `ignore` field names (output/state only).
    pub ignore_fields: Vec<String>,
    /// `check_if_ignored` field names (never true under logtest).
    pub check_if_ignored: Vec<String>,
    /// Where the rule was read: file and 1-based line.
    pub origin: (PathBuf, usize),
}

impl RuleDef {
    /// The groups as the alert lists them: the group string split on commas, empty
    /// pieces dropped.
    pub fn groups(&self) -> impl Iterator<Item = &str> {
        self.group.split(',').filter(|g| !g.is_empty())
    }

    /// The output's `mail` flag for a manager whose `email_alert_level` is given.
    pub fn mail(&self, email_alert_level: u32) -> bool {
        self.options
            .email
            .unwrap_or(email_alert_level <= self.written_level)
    }

    /// A fresh definition with the attributes read and everything else empty.
    fn new(id: u32, origin: (PathBuf, usize)) -> RuleDef {
        RuleDef {
            id,
            level: 0,
            written_level: 0,
            sort_level: 0,
            maxsize: 0,
            frequency: 0,
            timeframe: DEFAULT_TIMEFRAME,
            ignore_time: 0,
            overwrite: false,
            group: String::new(),
            description: None,
            info: None,
            cve: None,
            info_details: Vec::new(),
            mitre: Mitre::default(),
            category: Category::Syslog,
            decoded_as: None,
            options: Options::default(),
            program_name: None,
            id_cond: None,
            system_name: None,
            protocol: None,
            match_: None,
            regex: None,
            action: None,
            url: None,
            location: None,
            fields: Vec::new(),
            srcip: None,
            dstip: None,
            srcport: None,
            dstport: None,
            compiled: None,
            user: None,
            srcgeoip: None,
            dstgeoip: None,
            time: None,
            weekday: None,
            data: None,
            extra_data: None,
            hostname: None,
            status: None,
            if_fts: false,
            lists: Vec::new(),
            ctx: Context::default(),
            if_sid: None,
            if_level: None,
            if_group: None,
            ignore_fields: Vec::new(),
            check_if_ignored: Vec::new(),
            origin,
        }
    }
}

/// `default_timeframe` (`etc/internal_options.conf`).
pub const DEFAULT_TIMEFRAME: u32 = 360;

/// `decoder_order_size`: the most `<field>` options a rule may have.
pub const MAX_FIELDS: usize = 256;

/// What reading a rule needs from outside its file.
pub struct RuleEnv<'a> {
    /// Whether a rule with this id is already in the tree (`doesRuleExist`).
    pub exists: &'a dyn Fn(u32) -> bool,
    /// The id of a decoder name (`getDecoderfromlist`), for `decoded_as`.
    pub decoder_id: &'a dyn Fn(&str) -> Option<u32>,
    /// The configured CDB lists.
    pub lists: &'a Lists,
}
