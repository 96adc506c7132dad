//! Owns: the direct baseline of tests/bench/run_overhead.py: `ExecContainerCommand` sent
//! straight through `remote::EciClient` (same signing, same HTTP client as the server), timed
//! per call, so the language server's own cost per `eciExec.run` is the difference.
//! Needs a running fake API: `ECI_EXEC_ENDPOINT=http://127.0.0.1:PORT` plus the
//! `ALIBABA_CLOUD_ACCESS_KEY_*` variables (run_overhead.py sets them); without an endpoint it
//! says so and exits, so a plain `cargo bench` does not fail.
//!   usage: cargo bench -p eci-exec-lsp --bench exec_direct -- [RUNS]
//! Prints one JSON line: {"runs": N, "ms": [...]} (the first call, which connects, included).

use std::io::Write as _;
use std::time::Instant;

use eci_exec_lsp::remote::{ClientOptions, EciClient, ExecRequest};

fn main() {
    if std::env::var_os("ECI_EXEC_ENDPOINT").is_none() {
        eprintln!(
            "exec_direct: skipped (no ECI_EXEC_ENDPOINT; tests/bench/run_overhead.py runs it)"
        );
        return;
    }
    // `cargo bench` passes `--bench` to harness-less targets: take the first number.
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(50);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let options = ClientOptions::from_strings(None, None, None).expect("client options");
    let client = EciClient::new(&options).expect("client from the environment");
    let request = ExecRequest {
        region_id: "cn-hangzhou".to_owned(),
        container_group_id: "eci-bp1fakeweb0001".to_owned(),
        container_name: "nginx".to_owned(),
        command: vec!["/bin/sh".to_owned(), "-c".to_owned(), "ls -a".to_owned()],
        tty: false,
        stdin: true,
        sync: true,
    };
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let response = runtime
            .block_on(client.exec_container_command(&request))
            .expect("ExecContainerCommand against the fake");
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        assert!(
            response.sync_response.is_some(),
            "a Sync call returns output"
        );
    }
    let list: Vec<String> = times.iter().map(|t| format!("{t:.3}")).collect();
    let mut stdout = std::io::stdout();
    writeln!(
        stdout,
        "{{\"runs\": {runs}, \"ms\": [{}]}}",
        list.join(", ")
    )
    .expect("stdout");
}
