//! The `eci-exec-lsp` binary: logging to stderr, then the command line.

fn main() -> std::process::ExitCode {
    eci_exec_lsp::cli::main()
}
