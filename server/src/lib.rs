//! eci-exec-lsp: language server and command line for ECI exec configs.
//!
//! `analysis` is pure (text in, data with byte spans out); `remote` talks to the ECI API;
//! `session` bridges a terminal to an exec session over its WebSocket;
//! `eci` holds the API's values that both share; `online` joins them (instance caches, runs);
//! `lsp` speaks the protocol; `cli` is the command line. See ARCHITECTURE.md.

pub mod analysis;
pub mod cli;
pub mod eci;
pub mod lsp;
pub mod online;
pub mod position;
pub mod remote;
pub mod session;
