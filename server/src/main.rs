//! The `eci-exec-lsp` binary: logging to stderr (stdout carries the protocol), then the command line.

fn main() -> std::process::ExitCode {
    init_logging();
    eci_exec_lsp::cli::main()
}

/// Logs go to stderr only; the level comes from `ECI_EXEC_LOG` (or `RUST_LOG`), default `info`.
fn init_logging() {
    let filter = std::env::var("ECI_EXEC_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".to_owned());
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .init();
}
