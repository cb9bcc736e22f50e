//! The plugin decoders (`src/analysisd/decoders/plugins/*.c`;
//! docs/analysis-decoders.md "Plugins").

mod cjson;
mod json;
mod ossec_alert;
mod pf;
mod sonicwall;
mod symantec;

use super::event::Category;
use super::event::Event;
use crate::rules::decoders::{DecoderSet, Plugin};

/// The event's `log_after_parent` and `log_after_prematch`, as offsets into `log`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Offsets {
    pub(crate) after_parent: Option<usize>,
    pub(crate) after_prematch: Option<usize>,
}

/// Runs `plugin` on `event`; `info` is the event's `decoder_info` (the decoder whose
/// offset and JSON flags the plugin reads). Returns the type the plugin gives that
/// decoder, if it changes it: the daemon writes it into the shared decoder, so it
/// lasts for the session (`DecodeState::finish` keeps it).
pub(crate) fn run(
    plugin: Plugin,
    set: &DecoderSet,
    info: usize,
    event: &mut Event,
    offsets: Offsets,
) -> Option<Category> {
    match plugin {
        Plugin::Json => json::decode(set.decoder(info), event, offsets),
        Plugin::Pf => pf::decode(event),
        Plugin::SymantecWs => symantec::decode(event),
        Plugin::SonicWall => return Some(sonicwall::decode(event)),
        Plugin::OssecAlert => {
            // The rule ids `OSSECAlert_Decoder` can find: none for logtest, whose
            // session hash is created but never filled (`logtest.c` creates
            // `g_rules_hash`, `AddHash_Rule` in `rules.c` fills
            // `Config.g_rules_hash`), so no alert finds its rule there. The daemon
            // would hold every loaded rule id.
            ossec_alert::decode(event, &std::collections::HashSet::new());
            return Some(Category::OssecAlert);
        }
    }
    None
}

/// The text before the first NUL byte: the daemon reads a C string.
pub(crate) fn c_str(bytes: &[u8]) -> &[u8] {
    &bytes[..memchr::memchr(0, bytes).unwrap_or(bytes.len())]
}

/// `strchr`: the offset of the first `byte` at or after `from`.
fn find(s: &[u8], from: usize, byte: u8) -> Option<usize> {
    s.get(from..)?
        .iter()
        .position(|&b| b == byte)
        .map(|p| from + p)
}
