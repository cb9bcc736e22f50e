//! The conditions of one rule, in the order `OS_CheckIfRuleMatch` tests them
//! (`src/analysisd/rules.c`; docs/analysis-rules.md "Matching"). The first that
//! fails names the option for the trace.

use super::Eval;
use crate::analysis::context::cstr;
use crate::analysis::event::{Event, StaticField as F};
use crate::rules::def::{
    CompiledRule, Cond, IpCond, ListCond, ListField, RuleDef, is_on_day, is_on_time,
};

/// Result of one condition: Err names the failing option.
type Check = Result<(), &'static str>;

/// A pattern option on a field that may be missing: a missing field fails whatever
/// `negate` says.
fn pattern(cond: Option<&Cond>, value: Option<&[u8]>, name: &'static str) -> Check {
    let Some(c) = cond else { return Ok(()) };
    pattern_cut(c, value.map(cstr), name)
}

/// [`pattern`] on a value already cut at its first NUL.
fn pattern_cut(c: &Cond, value: Option<&[u8]>, name: &'static str) -> Check {
    match value {
        Some(v) if c.expr.is_match_cut(v) != c.negate => Ok(()),
        _ => Err(name),
    }
}

fn ip(cond: Option<&IpCond>, value: Option<&[u8]>, name: &'static str) -> Check {
    let Some(c) = cond else { return Ok(()) };
    match value {
        Some(v) if c.list.contains(cstr(v)) != c.negate => Ok(()),
        _ => Err(name),
    }
}

/// Seconds of the day and weekday (0 = Sunday) of a UTC time.
fn clock(time: i64) -> (String, usize) {
    let secs = time.rem_euclid(86_400);
    let days = time.div_euclid(86_400);
    let wday = (days + 4).rem_euclid(7) as usize;
    let hms = format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    );
    (hms, wday)
}

/// `src/analysisd/compiled_rules/generic_samples.c`.
fn compiled(c: CompiledRule, e: &Event) -> bool {
    match c {
        CompiledRule::CheckIdSize => e.get(F::Id).is_some_and(|id| cstr(id).len() >= 10),
        CompiledRule::CompSrcuserDstuser => match (e.get(F::SrcUser), e.get(F::DstUser)) {
            (Some(a), Some(b)) => cstr(a) == cstr(b),
            _ => true,
        },
        CompiledRule::CompMswinTargetuserCalleruserDiff => mswin_users_differ(cstr(&e.log)),
        CompiledRule::IsSimpleHttpRequest => e
            .get(F::Url)
            .is_some_and(|u| cstr(u) == b"/" || !cstr(u).contains(&b'?')),
        CompiledRule::IsValidCrawler => {
            const PREFIXES: [&[u8]; 8] = [
                b"66.249.", b"72.14.", b"209.85.", b"65.55.", b"207.46.", b"74.6.", b"72.30.",
                b"67.195.",
            ];
            PREFIXES.iter().any(|p| cstr(&e.log).starts_with(p))
        }
    }
}

/// `comp_mswin_targetuser_calleruser_diff`: the account after "Target Account Name:"
/// differs from the one after "Caller User Name:".
fn mswin_users_differ(log: &[u8]) -> bool {
    let after_colon = |key: &[u8]| {
        let at = log.windows(key.len()).position(|w| w == key)?;
        let colon = log[at..].iter().position(|&b| b == b':')?;
        Some(at + colon + 1)
    };
    let (Some(mut t), Some(mut c)) = (
        after_colon(b"Target Account Name"),
        after_colon(b"Caller User Name"),
    ) else {
        return false;
    };
    while let Some(&tb) = log.get(t) {
        if Some(&tb) != log.get(c) {
            return true;
        }
        if tb == b'\t' || (tb == b' ' && log.get(t + 1) == Some(&b' ')) {
            break;
        }
        t += 1;
        c += 1;
    }
    false
}

impl Eval<'_> {
    /// Every condition of a rule except the children.
    pub(super) fn conditions(&mut self, rule: usize) -> Check {
        let def = self.tree.rule(rule);
        let e = self.event;
        if let Some(d) = def.decoded_as
            && e.decoder.as_ref().map(|x| x.id) != Some(d)
        {
            return Err("decoded_as");
        }
        pattern(
            def.program_name.as_ref(),
            e.program_name.as_deref(),
            "program_name",
        )?;
        pattern(def.id_cond.as_ref(), e.get(F::Id), "id")?;
        pattern(
            def.system_name.as_ref(),
            e.get(F::SystemName),
            "system_name",
        )?;
        pattern(def.protocol.as_ref(), e.get(F::Protocol), "protocol")?;
        if let Some(c) = &def.match_ {
            pattern_cut(c, Some(self.log), "match")?;
        }
        if let Some(c) = &def.regex {
            pattern_cut(c, Some(self.log), "regex")?;
        }
        pattern(def.action.as_ref(), e.get(F::Action), "action")?;
        pattern(def.url.as_ref(), e.get(F::Url), "url")?;
        pattern(def.location.as_ref(), Some(&e.location), "location")?;
        for f in &def.fields {
            match e.dynamic(f.name.as_bytes()) {
                Some(v) if f.cond.expr.is_match_cut(cstr(v)) != f.cond.negate => {}
                _ => return Err("field"),
            }
        }
        ip(def.srcip.as_ref(), e.get(F::SrcIp), "srcip")?;
        ip(def.dstip.as_ref(), e.get(F::DstIp), "dstip")?;
        pattern(def.srcport.as_ref(), e.get(F::SrcPort), "srcport")?;
        pattern(def.dstport.as_ref(), e.get(F::DstPort), "dstport")?;
        self.extra(def)?;
        self.fts(def)?;
        self.lists(def)?;
        if !self.context(rule) {
            return Err("context");
        }
        Ok(())
    }
}

impl Eval<'_> {
    /// The `DO_EXTRAINFO` block: compiled rule, user, geoip, maxsize, time, weekday,
    /// data, extra_data, hostname, status, check_diff.
    fn extra(&mut self, def: &RuleDef) -> Check {
        let e = self.event;
        if let Some(c) = def.compiled
            && !compiled(c, e)
        {
            return Err("compiled_rule");
        }
        let user = e.get(F::DstUser).or(e.get(F::SrcUser));
        pattern(def.user.as_ref(), user, "user")?;
        pattern(def.srcgeoip.as_ref(), None, "srcgeoip")?;
        pattern(def.dstgeoip.as_ref(), None, "dstgeoip")?;
        if def.maxsize != 0 && self.log.len() < def.maxsize as usize {
            return Err("maxsize");
        }
        if def.time.is_some() || def.weekday.is_some() {
            let (hms, wday) = clock(e.time);
            if def.time.as_deref().is_some_and(|t| !is_on_time(&hms, t)) {
                return Err("time");
            }
            if def.weekday.as_ref().is_some_and(|d| !is_on_day(wday, d)) {
                return Err("weekday");
            }
        }
        pattern(def.data.as_ref(), e.get(F::Data), "data")?;
        pattern(def.extra_data.as_ref(), e.get(F::ExtraData), "extra_data")?;
        pattern(def.hostname.as_ref(), Some(&e.hostname), "hostname")?;
        pattern(def.status.as_ref(), e.get(F::Status), "status")?;
        if def.ctx.check_diff && !self.diff(def) {
            return Err("check_diff");
        }
        Ok(())
    }

    /// `doDiff`: the last `log` per (host, rule); the first one is stored and does not
    /// match, later ones match when `log` changed.
    fn diff(&mut self, def: &RuleDef) -> bool {
        let e = self.event;
        let host = e.hostname.strip_prefix(b"(").map_or(&e.hostname[..], |h| {
            h.iter().position(|&b| b == b')').map_or(h, |n| &h[..n])
        });
        let log = cstr(&e.log).to_vec();
        if log.len() >= 65_536 {
            return false;
        }
        let key = (host.to_vec(), def.id);
        match self.state.diff.insert(key, log.clone()) {
            None => false,
            Some(old) if old == log => false,
            Some(old) => {
                self.previous = vec![b"Previous output:".to_vec(), old.clone()];
                self.previous_log = Some(old);
                true
            }
        }
    }

    /// `if_fts`: the decoder must have `fts`; the key of its fields matches the
    /// first time the session sees it.
    fn fts(&mut self, def: &RuleDef) -> Check {
        if !def.if_fts {
            return Ok(());
        }
        let Some(d) = self.event.decoder.as_ref().filter(|d| !d.fts.is_empty()) else {
            return Err("if_fts");
        };
        let key = fts_key(self.event, &d.name, &d.fts);
        if self.state.fts.insert(key) {
            Ok(())
        } else {
            Err("if_fts")
        }
    }

    /// The `<list>` lookups (`OS_DBSearch`).
    fn lists(&self, def: &RuleDef) -> Check {
        for l in &def.lists {
            let key = list_key(self.event, l).ok_or("list")?;
            if !self
                .lists
                .lookup(l.list, l.lookup, cstr(key), l.check_value.as_ref())
            {
                return Err("list");
            }
        }
        Ok(())
    }
}

/// The value a `<list>` looks up; `user` is srcuser first, then dstuser.
fn list_key<'e>(e: &'e Event, l: &ListCond) -> Option<&'e [u8]> {
    match &l.field {
        ListField::Static(f) => e.get(*f),
        ListField::User => e.get(F::SrcUser).or(e.get(F::DstUser)),
        ListField::Hostname => Some(&e.hostname),
        ListField::ProgramName => e.program_name.as_deref(),
        ListField::Dynamic(name) => e.dynamic(name.as_bytes()),
    }
}

/// The FTS key (`FTS` in `src/analysisd/fts.c`): the decoder name, then id, dstuser,
/// srcuser, srcip, dstip, data, system_name and location when the decoder's `fts`
/// names them (empty otherwise), then the named dynamic fields present.
fn fts_key(e: &Event, name: &str, fts: &[String]) -> Vec<u8> {
    let has = |names: &[&str]| fts.iter().any(|f| names.contains(&f.as_str()));
    let stat = |names: &[&str], f: F| {
        if has(names) {
            e.get(f).map(cstr).unwrap_or_default()
        } else {
            b""
        }
    };
    let mut key = name.as_bytes().to_vec();
    let parts: [&[u8]; 8] = [
        stat(&["id"], F::Id),
        stat(&["dstuser", "user"], F::DstUser),
        stat(&["srcuser"], F::SrcUser),
        stat(&["srcip"], F::SrcIp),
        stat(&["dstip"], F::DstIp),
        stat(&["data", "extra_data"], F::Data),
        stat(&["system_name"], F::SystemName),
        if has(&["location"]) {
            cstr(&e.location)
        } else {
            b""
        },
    ];
    for p in parts {
        key.push(b' ');
        key.extend_from_slice(p);
    }
    const STATIC: [&str; 11] = [
        "id",
        "dstuser",
        "user",
        "srcuser",
        "srcip",
        "dstip",
        "data",
        "extra_data",
        "system_name",
        "location",
        "name",
    ];
    for f in fts.iter().filter(|f| !STATIC.contains(&f.as_str())) {
        if let Some(v) = e.dynamic(f.as_bytes()) {
            key.push(b' ');
            key.extend_from_slice(cstr(v));
        }
    }
    key
}
