//! The `fake-eci` binary: serves the fake on 127.0.0.1 until killed or stdin closes.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Parser;
use fake_eci::{FakeConfig, FakeEci, FakeKey, fixture};
use tokio::io::AsyncReadExt as _;

/// A loopback fake of the Alibaba Cloud ECI API, for tests and demos.
#[derive(Parser, Debug)]
#[command(name = "fake-eci")]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one; the first stdout line names it).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// A JSON file of the DescribeContainerGroups shape (default: the shipped fixture).
    #[arg(long)]
    fixture: Option<PathBuf>,
    /// Also serve N generated running groups (`eci-gen000000`, …) in --generate-region.
    #[arg(long, default_value_t = 0)]
    generate: usize,
    /// Region of the generated groups.
    #[arg(long, default_value = "cn-hangzhou")]
    generate_region: String,
    /// An accepted key, `ID:SECRET` or `ID:SECRET:STS_TOKEN`; repeatable
    /// (default: fake_eci::TEST_KEY_ID with its secret).
    #[arg(long = "key")]
    keys: Vec<String>,
    /// How long a session URI (WebSocketUri) stays valid, in milliseconds.
    #[arg(long, default_value_t = fake_eci::DEFAULT_SESSION_TTL.as_millis() as u64)]
    session_ttl_ms: u64,
    /// Keep running when stdin closes (then only a signal stops it).
    #[arg(long)]
    ignore_stdin: bool,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("fake-eci: {message}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let mut config = FakeConfig {
        port: args.port,
        session_ttl: std::time::Duration::from_millis(args.session_ttl_ms),
        ..FakeConfig::default()
    };
    if let Some(path) = &args.fixture {
        config.groups = fixture::load(path)?;
    }
    config
        .groups
        .extend(fixture::generate(args.generate, &args.generate_region));
    if !args.keys.is_empty() {
        config.keys = args
            .keys
            .iter()
            .map(|k| parse_key(k))
            .collect::<Result<_, _>>()?;
    }
    let fake = FakeEci::start(config)
        .await
        .map_err(|e| format!("cannot bind 127.0.0.1:{}: {e}", args.port))?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on {}", fake.url())
        .and_then(|()| stdout.flush())
        .map_err(|e| e.to_string())?;
    if args.ignore_stdin {
        std::future::pending::<()>().await;
    }
    // Ends when stdin reaches end of file: the parent closed it or went away.
    let mut stdin = tokio::io::stdin();
    let mut buffer = [0u8; 1024];
    while stdin.read(&mut buffer).await.is_ok_and(|n| n > 0) {}
    Ok(())
}

fn parse_key(text: &str) -> Result<FakeKey, String> {
    let mut parts = text.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(id), Some(secret), token) if !id.is_empty() && !secret.is_empty() => {
            let key = FakeKey::new(id, secret);
            Ok(match token {
                Some(token) => key.with_token(token),
                None => key,
            })
        }
        _ => Err("--key wants ID:SECRET or ID:SECRET:TOKEN".to_owned()),
    }
}
