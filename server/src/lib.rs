//! eci-exec-lsp: language server and command line for ECI exec configs.
//!
//! `analysis` is pure (text in, data with byte spans out); `lsp` speaks the protocol;
//! `remote` talks to the ECI API; `cli` is the command line. See ARCHITECTURE.md.

pub mod analysis;
pub mod cli;
pub mod lsp;
pub mod position;
pub mod remote;
