//! Decoder files loaded as `wazuh-analysisd` loads them (docs/analysis-decoders.md):
//! `ReadDecodeXML` for each file (`src/analysisd/decoders/decode-xml.c`), the two
//! root lists and their children (`decoders_list.c`, `OS_AddOSDecoder`), then the ids
//! (`os_setdecoderids`). A file with an error is reported and left out; the others load.

mod check;
mod read;
mod tree;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::Severity;
use crate::pattern::{Expression, Prefilter};
use crate::rules::Problem;
use crate::rules::fields::{Category, StaticField};

pub(crate) use read::ORDER_SIZE;
pub use read::{JsonArray, JsonNull};

/// An `offset` attribute (`AFTER_PARENT`, `AFTER_PREMATCH`, `AFTER_PREVREGEX` in
/// `decoder.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Offset {
    /// No offset: the whole `log`.
    #[default]
    None,
    /// After the parent's prematch.
    AfterParent,
    /// After this decoder's prematch.
    AfterPrematch,
    /// After the previous regex of the same-name group.
    AfterRegex,
}

/// Where capture *i* of a regex goes (`order`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderField {
    /// A static slot (`user` is dstuser).
    Static(StaticField),
    /// A dynamic field, named as written.
    Dynamic(String),
}

/// A `plugin_decoder` (`plugin_decoders.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plugin {
    /// `PF_Decoder`.
    Pf,
    /// `SymantecWS_Decoder`.
    SymantecWs,
    /// `SonicWall_Decoder`.
    SonicWall,
    /// `OSSECAlert_Decoder`.
    OssecAlert,
    /// `JSON_Decoder`.
    Json,
}

impl Plugin {
    /// The plugin of a `<plugin_decoder>` value (exact, case-sensitive).
    pub fn from_name(name: &str) -> Option<Plugin> {
        Some(match name {
            "PF_Decoder" => Plugin::Pf,
            "SymantecWS_Decoder" => Plugin::SymantecWs,
            "SonicWall_Decoder" => Plugin::SonicWall,
            "OSSECAlert_Decoder" => Plugin::OssecAlert,
            "JSON_Decoder" => Plugin::Json,
            _ => return None,
        })
    }
}

/// One loaded decoder (`OSDecoderInfo`).
#[derive(Debug)]
pub struct Decoder {
    /// The reported name: its own, or its parent's for a child without
    /// `use_own_name` (`os_setdecoderids`). This and the other names an event
    /// reports are shared with the events, not copied into each.
    pub name: Arc<str>,
    /// The name written in the file.
    pub own_name: String,
    /// The `<parent>` text (concatenated when repeated).
    pub parent: Option<Arc<str>>,
    /// The id rules compare (`decoded_as`).
    pub id: u32,
    /// `program_name` (roots only matter).
    pub program_name: Option<Expression>,
    /// `prematch`.
    pub prematch: Option<Expression>,
    /// `prematch offset` (only after_parent is allowed).
    pub prematch_offset: Offset,
    /// `regex`.
    pub regex: Option<Expression>,
    /// `regex offset` (a root's after_prematch already turned into after_parent).
    pub regex_offset: Offset,
    /// `order` (empty when none).
    pub order: Vec<OrderField>,
    /// `plugin_decoder`.
    pub plugin: Option<Plugin>,
    /// `plugin_decoder offset`.
    pub plugin_offset: Offset,
    /// `type`.
    pub category: Category,
    /// `use_own_name` is `true`.
    pub use_own_name: bool,
    /// `json_null_field`.
    pub json_null: JsonNull,
    /// `json_array_structure`.
    pub json_array: JsonArray,
    /// The accepted `fts` words, in order (empty: no fts).
    pub fts: Arc<[String]>,
    /// `ftscomment`.
    pub ftscomment: Option<Arc<str>>,
    /// `accumulate`.
    pub accumulate: bool,
    /// A later same-name sibling follows in the regex phase (`get_next`).
    pub get_next: bool,
    /// The file (index into [`DecoderSet::files`]) and line of its `<decoder>`.
    pub origin: (usize, usize),
}

/// A root of one of the two lists and its children (indices into the decoders).
#[derive(Debug, Clone)]
pub struct Root {
    /// The root decoder.
    pub decoder: usize,
    /// Its children, in load order.
    pub children: Vec<usize>,
    /// The prefilter of the children's `<prematch>` (position `2i`) and `<regex>`
    /// (`2i + 1`), built when there are enough of them to pay for a scan.
    pub filter: Prefilter,
}

/// Every decoder loaded, with the two root lists (`decoderlist_forpname`,
/// `decoderlist_nopname`).
#[derive(Debug, Default)]
pub struct DecoderSet {
    decoders: Vec<Decoder>,
    pn: Vec<Root>,
    nopn: Vec<Root>,
    /// The prematch prefilters of the two root lists, position by position.
    pn_filter: Prefilter,
    nopn_filter: Prefilter,
    /// The prefilter of the `pn` roots' `<program_name>`.
    pn_names: Prefilter,
    /// The sorted distinct names (ids are positions + 1).
    names: Vec<String>,
    files: Vec<PathBuf>,
}

/// Names `SetDecodeXML` adds for the internal decoders (`src/analysisd/rules.h`).
const INTERNAL_NAMES: [&str; 16] = [
    "rootcheck",
    "syscheck_integrity_changed",
    "syscheck_new_entry",
    "syscheck_deleted",
    "syscheck_registry_key_modified",
    "syscheck_registry_key_added",
    "syscheck_registry_key_deleted",
    "syscheck_registry_value_modified",
    "syscheck_registry_value_added",
    "syscheck_registry_value_deleted",
    "hostinfo_new",
    "hostinfo_modified",
    "syscollector",
    "ciscat",
    "windows_eventchannel",
    "sca",
];

impl DecoderSet {
    /// The id of a decoder name (1-based position in the sorted distinct names,
    /// internal names included), as `decoded_as` resolves it.
    pub fn id_of(&self, name: &str) -> Option<u32> {
        self.names
            .binary_search_by(|n| n.as_bytes().cmp(name.as_bytes()))
            .ok()
            .and_then(|p| u32::try_from(p + 1).ok())
    }

    /// Number of decoders loaded.
    pub fn len(&self) -> usize {
        self.decoders.len()
    }

    /// No decoder loaded?
    pub fn is_empty(&self) -> bool {
        self.decoders.is_empty()
    }

    /// A decoder by index.
    pub fn decoder(&self, index: usize) -> &Decoder {
        &self.decoders[index]
    }

    /// The roots with a `program_name`, in load order.
    pub fn pn_roots(&self) -> &[Root] {
        &self.pn
    }

    /// The roots without a `program_name`, in load order.
    pub fn nopn_roots(&self) -> &[Root] {
        &self.nopn
    }

    /// The prefilter of the roots' `<prematch>` (of `pn_roots` or `nopn_roots`), by
    /// position in that list: a root it rules out cannot match the event's `log`.
    pub fn root_filter(&self, pn: bool) -> &Prefilter {
        if pn {
            &self.pn_filter
        } else {
            &self.nopn_filter
        }
    }

    /// The prefilter of the `pn_roots`' `<program_name>`, by position: a root it rules
    /// out cannot match the event's program name.
    pub fn program_name_filter(&self) -> &Prefilter {
        &self.pn_names
    }

    /// The files loaded (refused ones included), in load order.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }
}

/// Loads decoder files given in the daemon's order (sorted by bare file name by the
/// caller). A file with an error is reported (severity Error) and none of its
/// decoders is kept; warnings do not stop a file.
pub fn load(files: &[(PathBuf, String)]) -> (DecoderSet, Vec<Problem>) {
    let mut set = DecoderSet::default();
    let mut problems = Vec::new();
    for (path, text) in files {
        let file = set.files.len();
        set.files.push(path.clone());
        let local = path.ends_with("etc/decoders/local_decoder.xml");
        let read = read::read(text, local);
        for p in read.problems {
            problems.push(problem(path, p.position, p.severity, p.message));
        }
        if read.refused {
            continue;
        }
        if let Err((line, message)) = tree::add_file(&mut set, file, read.specs) {
            problems.push(problem(path, Some((line, 1)), Severity::Error, message));
        }
    }
    tree::set_ids(&mut set);
    let filter = |roots: &[Root], set: &DecoderSet| {
        Prefilter::new(
            roots
                .iter()
                .map(|r| set.decoders[r.decoder].prematch.as_ref()),
        )
    };
    children_filters(&mut set);
    set.pn_filter = filter(&set.pn, &set);
    set.nopn_filter = filter(&set.nopn, &set);
    set.pn_names = Prefilter::new(
        set.pn
            .iter()
            .map(|r| set.decoders[r.decoder].program_name.as_ref()),
    );
    (set, problems)
}

/// Children below which a root's children are tried without a prefilter.
const FILTERED_CHILDREN: usize = 4;

/// Each root's prefilter over its children's prematches and regexes.
fn children_filters(set: &mut DecoderSet) {
    let decoders = &set.decoders;
    for root in set.pn.iter_mut().chain(set.nopn.iter_mut()) {
        if root.children.len() < FILTERED_CHILDREN {
            continue;
        }
        root.filter = Prefilter::new(root.children.iter().flat_map(|&c| {
            let d = &decoders[c];
            [d.prematch.as_ref(), d.regex.as_ref()]
        }));
    }
}

fn problem(
    path: &Path,
    position: Option<(usize, usize)>,
    severity: Severity,
    message: String,
) -> Problem {
    let code = match severity {
        Severity::Error => &crate::rules::codes::DECODER_INVALID,
        Severity::Warning | Severity::Note => &crate::rules::codes::DECODER_IGNORED,
    };
    Problem {
        file: path.to_path_buf(),
        position,
        severity,
        code,
        message,
    }
}
