//! `eci-exec-lsp instances`: lists container groups and their containers.

use std::process::ExitCode;

use super::ApiArgs;

/// Lists the container groups of `region` with their containers.
pub fn instances(_api: &ApiArgs, _region: Option<&str>) -> ExitCode {
    ExitCode::from(2)
}
