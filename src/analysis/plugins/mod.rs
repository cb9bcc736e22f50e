//! The plugin decoders (`src/analysisd/decoders/plugins/*.c`;
//! docs/analysis-decoders.md "Plugins").

mod cjson;
mod json;
mod ossec_alert;
mod pf;
mod sonicwall;
mod symantec;

use super::decode::DecodeState;
use super::event::Event;
use crate::rules::decoders::{DecoderSet, Plugin};

/// The event's `log_after_parent` and `log_after_prematch`, as offsets into `log`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Offsets {
    pub(crate) after_parent: Option<usize>,
    pub(crate) after_prematch: Option<usize>,
}

/// Runs `plugin` on `event`; `info` is the event's `decoder_info` (the decoder whose
/// offset and JSON flags the plugin reads, and whose type it may change).
pub(crate) fn run(
    plugin: Plugin,
    set: &DecoderSet,
    info: usize,
    state: &mut DecodeState,
    event: &mut Event,
    offsets: Offsets,
) {
    match plugin {
        Plugin::Json => json::decode(set.decoder(info), event, offsets),
        Plugin::Pf => pf::decode(event),
        Plugin::SymantecWs => symantec::decode(event),
        Plugin::SonicWall => {
            let category = sonicwall::decode(event);
            state.type_changes.insert(info, category);
        }
        Plugin::OssecAlert => {
            state
                .type_changes
                .insert(info, super::event::Category::OssecAlert);
            ossec_alert::decode(event, &state.alert_rules);
        }
    }
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
