//! Lossless reader of the Wazuh/OSSEC XML dialect (docs/ARCHITECTURE.md).
//!
//! Knows nothing about Wazuh options: it turns bytes into a span tree in which every
//! byte belongs to a token, and applies byte-range splices. Nothing here imports from
//! the layers above (checked by `tests/it/architecture.rs`).

pub mod bytes;
pub mod edit;
mod parse;
#[cfg(test)]
mod tests_parse;
mod tree;

pub use edit::Splice;
pub use parse::{MAX_TEXT, parse};
pub use tree::{
    Attribute, Document, Element, ElementId, Extent, Item, Span, ToSpan, Token, TokenKind, XmlError,
};
