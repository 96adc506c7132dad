//! The `eci-exec-lsp` binary: logging to stderr (stdout carries the protocol), then the command line.

fn main() -> std::process::ExitCode {
    limit_malloc_arenas();
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

/// glibc gives every thread that allocates its own arena (up to 8 per core), and each keeps
/// freed memory: with the runtime's workers and blocking threads analysing a 2 MB file that
/// tripled the resident size (~100 MB against a ~30 MB live peak). One arena keeps it near
/// the live size; the server's threads rarely allocate at the same time.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: mallopt only sets an allocator tunable; it is called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
