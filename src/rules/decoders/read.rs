//! One decoder file read as `ReadDecodeXML` reads it
//! (`src/analysisd/decoders/decode-xml.c`; docs/analysis-decoders.md "Options"):
//! every `<decoder>` root becomes a [`Spec`], or the file is refused with the first
//! error (the daemon stops at the first error of a file).

use super::{Offset, OrderField, Plugin};
use crate::model::Severity;
use crate::pattern::Engine;
use crate::rules::fields::{Category, StaticField};
use crate::rules::vars::Vars;
use crate::xml::{self, Document, ElementId};

/// `decoder_order_size` (`etc/internal_options.conf`): the most `order` entries.
pub(crate) const ORDER_SIZE: usize = 256;

/// `OS_SIZE_1024`: the most bytes a repeated option may hold (`_loadmemory`).
const OPTION_MAX: usize = 1024;

/// A problem of a file, with its position.
#[derive(Debug)]
pub(super) struct FileProblem {
    pub(super) position: Option<(usize, usize)>,
    pub(super) severity: Severity,
    pub(super) message: String,
}

/// How a JSON `null` is stored (`json_null_field`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JsonNull {
    /// The text `null` (the default, and what `empty` means since 4.x).
    #[default]
    String,
    /// Not stored.
    Discard,
}

/// How a JSON array is stored (`json_array_structure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JsonArray {
    /// `cJSON_Print` text (the default).
    #[default]
    Array,
    /// Scalars joined with `,`.
    Csv,
}

/// A pattern option before compilation: its text and engine.
#[derive(Debug, Clone)]
pub(super) struct PatternSpec {
    pub(super) text: String,
    pub(super) engine: Engine,
}

/// One `<decoder>` as read, before compilation and before it joins the tree.
#[derive(Debug, Clone, Default)]
pub(super) struct Spec {
    pub(super) name: String,
    pub(super) line: usize,
    pub(super) parent: Option<String>,
    pub(super) program_name: Option<PatternSpec>,
    pub(super) prematch: Option<PatternSpec>,
    pub(super) prematch_offset: Offset,
    pub(super) regex: Option<PatternSpec>,
    pub(super) regex_offset: Offset,
    /// `Some` once an `<order>` was read (the last one wins).
    pub(super) order: Option<Vec<OrderField>>,
    pub(super) plugin: Option<Plugin>,
    pub(super) plugin_offset: Offset,
    pub(super) category: Category,
    pub(super) use_own_name: bool,
    pub(super) json_null: JsonNull,
    pub(super) json_array: JsonArray,
    /// The accepted `fts` words, in order.
    pub(super) fts: Vec<String>,
    pub(super) ftscomment: Option<String>,
    pub(super) accumulate: bool,
}

/// What a file yields: its decoders, or the error that refuses it; warnings either way.
#[derive(Debug, Default)]
pub(super) struct Read {
    pub(super) specs: Vec<Spec>,
    pub(super) problems: Vec<FileProblem>,
    /// The file is refused (a problem of severity Error was met).
    pub(super) refused: bool,
}

/// Reads one decoder file. `local_decoder` is true for `etc/decoders/local_decoder.xml`,
/// which may be empty.
pub(super) fn read(text: &str, local_decoder: bool) -> Read {
    let doc = xml::parse(text);
    let mut out = Read::default();
    if let Some(e) = doc.errors().first() {
        out.error(
            Some(doc.line_col(e.offset)),
            format!("XMLERR: {}", e.message),
        );
        return out;
    }
    if text.is_empty() && !local_decoder {
        // `FileSize(file) == 0` makes ReadDecodeXML return 0 (decode-xml.c).
        out.error(None, "empty decoder file (analysisd refuses it)".into());
        return out;
    }
    let vars = Vars::of(&doc);
    let cx = Cx { doc: &doc, vars };
    let roots: Vec<ElementId> = doc
        .roots()
        .filter(|r| !doc.name(*r).eq_ignore_ascii_case("var"))
        .collect();
    if roots.is_empty() && !local_decoder {
        out.error(None, "the file has no element (XML_ELEMNULL)".into());
        return out;
    }
    for root in roots {
        match read_decoder(&cx, root, &mut out) {
            Ok(spec) => out.specs.push(spec),
            Err(message) => {
                out.error(Some(position(&doc, root)), message);
                return out;
            }
        }
    }
    out
}

impl Read {
    fn error(&mut self, position: Option<(usize, usize)>, message: String) {
        self.refused = true;
        self.push(position, Severity::Error, message);
    }

    fn push(&mut self, position: Option<(usize, usize)>, severity: Severity, message: String) {
        self.problems.push(FileProblem {
            position,
            severity,
            message,
        });
    }
}

struct Cx<'d> {
    doc: &'d Document,
    vars: Vars,
}

impl Cx<'_> {
    /// An element's content with the variables defined before it applied.
    fn content(&self, id: ElementId) -> Result<String, String> {
        let at = self.doc.element(id).span().start;
        Ok(self
            .vars
            .expand_strict(&self.doc.value(id), at)?
            .into_owned())
    }

    /// An attribute's value (exact name, as `w_get_attr_val_by_name`), variables applied.
    fn attr(&self, id: ElementId, name: &str) -> Result<Option<String>, String> {
        let at = self.doc.element(id).span().start;
        match self.doc.attr(id, name) {
            None => Ok(None),
            Some(v) => Ok(Some(self.vars.expand_strict(v, at)?.into_owned())),
        }
    }
}

fn position(doc: &Document, id: ElementId) -> (usize, usize) {
    doc.line_col(doc.element(id).span().start)
}

/// The root checks and the option loop of `ReadDecodeXML`.
fn read_decoder(cx: &Cx<'_>, root: ElementId, out: &mut Read) -> Result<Spec, String> {
    let doc = cx.doc;
    let element = doc.name(root);
    if !element.eq_ignore_ascii_case("decoder") {
        return Err(format!(
            "Invalid element '{element}' (only <decoder> roots)"
        ));
    }
    let attrs = &doc.attrs(root);
    let at = doc.element(root).span().start;
    let attr_name = |i: usize| attrs.get(i).map(|a| doc.text(&a.name));
    if !attr_name(0).is_some_and(|n| n.eq_ignore_ascii_case("name")) {
        return Err(format!(
            "Invalid element '{element}': the first attribute must be name"
        ));
    }
    if attr_name(1).is_some_and(|n| !n.eq_ignore_ascii_case("status")) || attrs.len() > 2 {
        return Err(format!(
            "Invalid element '{element}': only name and status attributes"
        ));
    }
    let name = cx
        .vars
        .expand_strict(doc.text(&attrs[0].value), at)?
        .into_owned();
    let mut spec = Spec {
        name,
        line: position(doc, root).0,
        ..Spec::default()
    };
    for child in doc.children(root) {
        let warn =
            |out: &mut Read, m: String| out.push(Some(position(doc, child)), Severity::Warning, m);
        read_option(cx, child, &mut spec, &mut |m| warn(out, m))?;
    }
    super::check::validate(&mut spec)?;
    Ok(spec)
}

/// Appends `text` to a repeated option (`_loadmemory`): more than 1023 bytes in all
/// logs an error and drops the whole value (the daemon goes on).
fn concat(slot: &mut Option<String>, text: &str, warn: &mut dyn FnMut(String)) {
    let total = slot.as_ref().map_or(0, |s| s.len()) + text.len();
    if total >= OPTION_MAX {
        warn(format!(
            "option longer than {} bytes: analysisd logs an error and drops the value",
            OPTION_MAX - 1
        ));
        *slot = None;
        return;
    }
    slot.get_or_insert_with(String::new).push_str(text);
}

/// One child element of a `<decoder>`.
fn read_option(
    cx: &Cx<'_>,
    id: ElementId,
    spec: &mut Spec,
    warn: &mut dyn FnMut(String),
) -> Result<(), String> {
    let element = cx.doc.name(id).to_string();
    let content = cx.content(id)?;
    let is = |n: &str| element.eq_ignore_ascii_case(n);
    if is("parent") {
        concat(&mut spec.parent, &content, warn);
    } else if is("regex") || is("prematch") {
        read_pattern(cx, id, &element.to_ascii_lowercase(), &content, spec, warn)?;
    } else if is("program_name") {
        let engine = engine_attr(cx, id, Engine::OsMatch, true, warn)?;
        let mut text = spec.program_name.take().map(|p| p.text);
        concat(&mut text, &content, warn);
        spec.program_name = text.map(|text| PatternSpec { text, engine });
    } else if is("ftscomment") {
        concat(&mut spec.ftscomment, &content, warn);
    } else if is("use_own_name") {
        spec.use_own_name |= content == "true";
    } else if is("plugin_decoder") {
        read_plugin(cx, id, &content, spec)?;
    } else if is("json_null_field") || is("json_array_structure") {
        read_json_flag(&element.to_ascii_lowercase(), &content, spec, warn);
    } else if element == "type" {
        spec.category = Category::parse(&content)
            .ok_or_else(|| format!("Invalid decoder type '{content}'."))?;
    } else if is("order") {
        spec.order = Some(read_order(&content, &spec.name)?);
    } else if is("accumulate") {
        spec.accumulate = true;
    } else if is("fts") {
        read_fts(&content, spec)?;
    } else {
        return Err(format!(
            "Invalid element '{element}' for decoder '{}'",
            spec.name
        ));
    }
    Ok(())
}

/// `json_null_field` / `json_array_structure` (values compared without case).
fn read_json_flag(which: &str, content: &str, spec: &mut Spec, warn: &mut dyn FnMut(String)) {
    let value = content.to_ascii_lowercase();
    if which == "json_null_field" {
        spec.json_null = match value.as_str() {
            "discard" => JsonNull::Discard,
            "string" => JsonNull::String,
            "empty" => {
                warn("json_null_field 'empty' is deprecated: treated as 'string'".into());
                JsonNull::String
            }
            _ => {
                warn(format!(
                    "invalid json_null_field '{content}': the default 'string' is used"
                ));
                JsonNull::String
            }
        };
        return;
    }
    spec.json_array = match value.as_str() {
        "csv" => JsonArray::Csv,
        "array" => JsonArray::Array,
        _ => {
            warn(format!(
                "invalid json_array_structure '{content}': the default 'array' is used"
            ));
            JsonArray::Array
        }
    };
}

/// The `offset` attribute (`w_get_attr_offset`): `Err(())` for an unknown value.
fn offset_attr(cx: &Cx<'_>, id: ElementId) -> Result<Result<Offset, ()>, String> {
    Ok(match cx.attr(id, "offset")? {
        None => Ok(Offset::None),
        Some(v) => match v.to_ascii_lowercase().as_str() {
            "after_parent" => Ok(Offset::AfterParent),
            "after_prematch" => Ok(Offset::AfterPrematch),
            "after_regex" => Ok(Offset::AfterRegex),
            _ => Err(()),
        },
    })
}

/// The `type` attribute (`w_get_attr_regex_type`): absent gives `default`; a value
/// the option does not take warns and gives `default`.
fn engine_attr(
    cx: &Cx<'_>,
    id: ElementId,
    default: Engine,
    osmatch_allowed: bool,
    warn: &mut dyn FnMut(String),
) -> Result<Engine, String> {
    let Some(v) = cx.attr(id, "type")? else {
        return Ok(default);
    };
    let engine = match v.to_ascii_lowercase().as_str() {
        "osregex" => Some(Engine::OsRegex),
        "osmatch" if osmatch_allowed => Some(Engine::OsMatch),
        "pcre2" => Some(Engine::Pcre2),
        _ => None,
    };
    Ok(engine.unwrap_or_else(|| {
        warn(format!("invalid type '{v}': the default is used"));
        default
    }))
}

/// `<regex>` or `<prematch>`: the first element alone may carry an offset; the last
/// `type` wins; the texts are concatenated.
fn read_pattern(
    cx: &Cx<'_>,
    id: ElementId,
    which: &str,
    content: &str,
    spec: &mut Spec,
    warn: &mut dyn FnMut(String),
) -> Result<(), String> {
    let offset = match offset_attr(cx, id)? {
        Ok(o) => o,
        Err(()) => {
            // regex: a warning; prematch: an error message, but the load goes on.
            warn(format!("invalid offset of <{which}>: ignored"));
            Offset::None
        }
    };
    let engine = engine_attr(cx, id, Engine::OsRegex, false, warn)?;
    let (slot, slot_offset) = if which == "regex" {
        (&mut spec.regex, &mut spec.regex_offset)
    } else {
        (&mut spec.prematch, &mut spec.prematch_offset)
    };
    if slot.is_some() && offset != Offset::None {
        return Err(format!(
            "Only the first <{which}> of decoder '{}' may have an offset",
            spec.name
        ));
    }
    if offset != Offset::None {
        *slot_offset = offset;
    }
    let mut text = slot.take().map(|p| p.text);
    concat(&mut text, content, warn);
    *slot = text.map(|text| PatternSpec { text, engine });
    Ok(())
}

/// `<plugin_decoder>`: an unknown name is an error unless a plugin is already set.
fn read_plugin(cx: &Cx<'_>, id: ElementId, content: &str, spec: &mut Spec) -> Result<(), String> {
    if let Some(p) = Plugin::from_name(content) {
        spec.plugin = Some(p);
    } else if spec.plugin.is_none() {
        return Err(format!(
            "Invalid decoder option: plugin_decoder '{content}'"
        ));
    }
    spec.plugin_offset = offset_attr(cx, id)?.map_err(|()| {
        format!(
            "invalid offset of <plugin_decoder> in decoder '{}'",
            spec.name
        )
    })?;
    Ok(())
}

/// Splits an `order` or `fts` value: `OS_StrBreak(',')` pieces, leading spaces
/// dropped, each cut at its first space (`decode-xml.c`).
fn words(value: &str) -> Vec<String> {
    str_break(value, ',', ORDER_SIZE)
        .into_iter()
        .map(|w| {
            let w = w.trim_start_matches(' ');
            w.split(' ').next().unwrap_or("").to_string()
        })
        .collect()
}

/// `OS_StrBreak` (`src/os_regex/os_regex_strbreak.c`): at most `size` pieces split at
/// `sep`; a `\` right before `sep` is removed and the separator kept; the last piece is
/// always there, even empty.
pub(crate) fn str_break(value: &str, sep: char, size: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut escaped_sep = false;
    for c in value.chars() {
        let can_split = pieces.len() + 1 < size;
        if can_split && c == sep && current.ends_with('\\') && !escaped_sep {
            current.pop();
            current.push(c);
            escaped_sep = true;
            continue;
        }
        escaped_sep = false;
        if can_split && c == sep {
            pieces.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    pieces.push(current);
    pieces
}

fn read_order(value: &str, decoder: &str) -> Result<Vec<OrderField>, String> {
    if value.matches(',').count() >= ORDER_SIZE {
        return Err("Order has too many fields.".into());
    }
    words(value)
        .into_iter()
        .map(|w| {
            if w.is_empty() {
                return Err(format!(
                    "Wrong field '' in the order of decoder '{decoder}'"
                ));
            }
            Ok(match StaticField::from_order_word(w.as_bytes()) {
                Some(f) => OrderField::Static(f),
                None => OrderField::Dynamic(w),
            })
        })
        .collect()
}

/// The static names `fts` accepts (`decode-xml.c`).
const FTS_STATIC: [&str; 11] = [
    "dstuser",
    "user",
    "srcuser",
    "srcip",
    "dstip",
    "id",
    "location",
    "data",
    "extra_data",
    "system_name",
    "name",
];

/// `<fts>`: a dynamic name must be one of the order's dynamic fields that come
/// before its first static field (the daemon's lookup stops at the first static
/// slot); with no order read yet, unknown names are silently ignored.
fn read_fts(value: &str, spec: &mut Spec) -> Result<(), String> {
    for w in words(value) {
        let wrong = || format!("Wrong field '{w}' in the fts decoder '{}'", spec.name);
        if w.is_empty() {
            return Err(wrong());
        }
        if FTS_STATIC.contains(&w.as_str()) {
            spec.fts.push(w);
            continue;
        }
        let Some(order) = &spec.order else { continue };
        let found = order
            .iter()
            .map_while(|f| match f {
                OrderField::Dynamic(n) => Some(n),
                OrderField::Static(_) => None,
            })
            .any(|n| n.eq_ignore_ascii_case(&w));
        if !found {
            return Err(wrong());
        }
        spec.fts.push(w);
    }
    Ok(())
}
