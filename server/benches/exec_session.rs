//! Owns: the session benchmark: `eci-exec-lsp exec` (the release binary, standard input and
//! output as pipes) against a direct WebSocket client of the same in-process fake
//! (tokio-tungstenite, no bridge), on three measures:
//! - throughput: N bytes through the fake's `head -c N` (echo), written and read at once;
//! - keystroke round trip: one byte to the toy shell of a TTY session and its echo back;
//! - resident memory of `exec` while 1 GiB streams through it (sampled from /proc).
//!
//!   usage: cargo bench -p eci-exec-lsp --bench exec_session -- [MIB_THROUGHPUT [KEYS [MIB_MEMORY [ROUNDS]]]]
//!
//! (defaults 128, 2000, 1024, 9). Throughput alternates `exec` and the direct client for ROUNDS
//! rounds and reports the medians and the best rounds, so a machine busy with other work
//! weighs on both alike (the best round is the least disturbed).
//! Prints a table and one JSON line.
#![allow(clippy::print_stdout)] // The report is the benchmark's output.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use eci_exec_lsp::remote::{
    ClientOptions, EciClient, Environment, ExecRequest, install_tls_provider,
};
use fake_eci::{FakeConfig, FakeEci, TEST_KEY_ID, TEST_SECRET};
use futures::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

const MIB: usize = 1 << 20;
/// The chunk both clients write at a time (what `exec` reads from standard input at most, and
/// a pipe holds), so both send the same frames.
const CHUNK: usize = 64 * 1024;

struct Bench {
    runtime: tokio::runtime::Runtime,
    fake: FakeEci,
    home: tempfile::TempDir,
}

fn main() {
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|arg| arg.parse().ok())
        .collect();
    let throughput_mib = numbers.first().copied().unwrap_or(128);
    let keys = numbers.get(1).copied().unwrap_or(2000);
    let memory_mib = numbers.get(2).copied().unwrap_or(1024);
    let rounds = numbers.get(3).copied().unwrap_or(9).max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let fake = runtime
        .block_on(FakeEci::start(FakeConfig::default()))
        .expect("fake");
    let bench = Bench {
        runtime,
        fake,
        home: tempfile::tempdir().expect("home"),
    };

    let bytes = throughput_mib * MIB;
    let (mut exec_rounds, mut direct_rounds) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        exec_rounds.push(bench.exec_throughput(bytes));
        direct_rounds.push(bench.direct_throughput(bytes));
    }
    let (exec_secs, direct_secs) = (
        percentile(&exec_rounds, 50.0),
        percentile(&direct_rounds, 50.0),
    );
    let (exec_best, direct_best) = (
        percentile(&exec_rounds, 0.0),
        percentile(&direct_rounds, 0.0),
    );
    let rate = |secs: f64| bytes as f64 / MIB as f64 / secs;
    let (exec_keys, direct_keys) = (bench.exec_keystrokes(keys), bench.direct_keystrokes(keys));
    let memory = bench.exec_memory(memory_mib * MIB);

    let (exec_median, direct_median) =
        (percentile(&exec_keys, 50.0), percentile(&direct_keys, 50.0));
    println!("| measure | exec | direct WebSocket client | |");
    println!("| --- | ---: | ---: | --- |");
    println!(
        "| throughput, {throughput_mib} MiB through `head -c`, median of {rounds} | {:.0} MiB/s | {:.0} MiB/s | {:.2}x |",
        rate(exec_secs),
        rate(direct_secs),
        direct_secs / exec_secs
    );
    println!(
        "| throughput, best of {rounds} | {:.0} MiB/s | {:.0} MiB/s | {:.2}x |",
        rate(exec_best),
        rate(direct_best),
        direct_best / exec_best
    );
    println!(
        "| keystroke round trip, median (p99) | {exec_median:.3} ms ({:.3}) | {direct_median:.3} ms ({:.3}) | +{:.3} ms |",
        percentile(&exec_keys, 99.0),
        percentile(&direct_keys, 99.0),
        exec_median - direct_median
    );
    println!(
        "| resident memory streaming {memory_mib} MiB: at 10% / 50% / 90% / max | {:.1} / {:.1} / {:.1} / {:.1} MB | | |",
        memory.at(0.1),
        memory.at(0.5),
        memory.at(0.9),
        memory.max()
    );
    println!(
        "| CPU time of `exec` streaming {memory_mib} MiB (user + system) | {:.2} s | | |",
        memory.cpu_seconds
    );
    println!(
        "{}",
        serde_json::json!({
            "throughput_mib": throughput_mib,
            "rounds_s": {"exec": exec_rounds, "direct": direct_rounds},
            "exec_mib_s": rate(exec_secs),
            "direct_mib_s": rate(direct_secs),
            "keys": keys,
            "exec_key_ms": {"p50": exec_median, "p99": percentile(&exec_keys, 99.0)},
            "direct_key_ms": {"p50": direct_median, "p99": percentile(&direct_keys, 99.0)},
            "memory_mib": memory_mib,
            "rss_mb": memory.samples,
            "exec_cpu_s": memory.cpu_seconds,
        })
    );
}

impl Bench {
    /// `exec --yes` on the fake's running instance, standard input and output piped.
    fn exec(&self, tty: bool, command: &[&str]) -> Child {
        let mut args = vec![
            "exec",
            "--yes",
            "--region",
            "cn-hangzhou",
            "--instance",
            "eci-bp1fakeweb0001",
            "--container",
            "nginx",
        ];
        if tty {
            args.push("--tty");
        }
        args.push("--");
        args.extend(command);
        Command::new(env!("CARGO_BIN_EXE_eci-exec-lsp"))
            .args(&args)
            .env_clear()
            .env("HOME", self.home.path())
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", TEST_KEY_ID)
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", TEST_SECRET)
            .env("ECI_EXEC_ENDPOINT", self.fake.url())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn exec")
    }

    /// Seconds for `bytes` to go through `exec`, from start to the last byte read.
    fn exec_throughput(&self, bytes: usize) -> f64 {
        let start = Instant::now();
        let mut child = self.exec(false, &["head", "-c", &bytes.to_string()]);
        feed(child.stdin.take().expect("stdin"), bytes);
        let read = drain(child.stdout.take().expect("stdout"));
        assert_eq!(read, bytes, "exec lost bytes");
        assert!(child.wait().expect("wait").success());
        start.elapsed().as_secs_f64()
    }

    /// The same through a direct client: the API call, the WebSocket, frames of `CHUNK` bytes.
    fn direct_throughput(&self, bytes: usize) -> f64 {
        let start = Instant::now();
        self.runtime.block_on(async {
            let socket = self
                .direct_session(false, &["head", "-c", &bytes.to_string()])
                .await;
            let (mut sink, mut stream) = socket.split();
            let writer = async move {
                let chunk = vec![b'x'; CHUNK];
                let mut left = bytes;
                while left > 0 {
                    let take = left.min(CHUNK);
                    let mut frame = Vec::with_capacity(take + 1);
                    frame.push(0);
                    frame.extend_from_slice(&chunk[..take]);
                    sink.send(Message::Binary(frame.into()))
                        .await
                        .expect("send");
                    left -= take;
                }
                sink
            };
            let reader = async move {
                let mut read = 0;
                while let Some(Ok(message)) = stream.next().await {
                    match message {
                        Message::Binary(data) if data.first() == Some(&1) => read += data.len() - 1,
                        Message::Close(_) => break,
                        _ => {}
                    }
                }
                read
            };
            let (_, read) = tokio::join!(writer, reader);
            assert_eq!(read, bytes, "the direct client lost bytes");
        });
        start.elapsed().as_secs_f64()
    }

    /// Milliseconds per keystroke echoed by the toy shell through `exec` (after its prompt).
    fn exec_keystrokes(&self, keys: usize) -> Vec<f64> {
        let mut child = self.exec(true, &["/bin/bash"]);
        let mut input = child.stdin.take().expect("stdin");
        let mut output = child.stdout.take().expect("stdout");
        let mut prompt = [0u8; 2];
        output.read_exact(&mut prompt).expect("the prompt");
        let mut echo = [0u8; 1];
        let times = (0..keys)
            .map(|_| {
                let start = Instant::now();
                input.write_all(b"a").expect("type");
                output.read_exact(&mut echo).expect("echo");
                start.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        let _ = child.kill();
        let _ = child.wait();
        times
    }

    /// The same keystrokes sent by a direct client.
    fn direct_keystrokes(&self, keys: usize) -> Vec<f64> {
        self.runtime.block_on(async {
            let mut socket = self.direct_session(true, &["/bin/bash"]).await;
            next_stdout(&mut socket).await; // the prompt
            let mut times = Vec::with_capacity(keys);
            for _ in 0..keys {
                let start = Instant::now();
                socket
                    .send(Message::Binary(vec![0, b'a'].into()))
                    .await
                    .expect("type");
                next_stdout(&mut socket).await;
                times.push(start.elapsed().as_secs_f64() * 1000.0);
            }
            times
        })
    }

    /// `exec`'s resident memory while `bytes` go through it, sampled every 100 ms.
    fn exec_memory(&self, bytes: usize) -> Memory {
        let mut child = self.exec(false, &["head", "-c", &bytes.to_string()]);
        let pid = child.id();
        feed(child.stdin.take().expect("stdin"), bytes);
        let stdout = child.stdout.take().expect("stdout");
        let sampler = std::thread::spawn(move || {
            let mut samples = Vec::new();
            while let Some(mb) = resident_mb(pid) {
                samples.push(mb);
                std::thread::sleep(Duration::from_millis(100));
            }
            samples
        });
        let read = drain(stdout);
        assert_eq!(read, bytes);
        // Before `wait`: an exited child stays readable in /proc until it is reaped.
        std::thread::sleep(Duration::from_millis(200));
        let cpu_seconds = cpu_seconds(pid);
        assert!(child.wait().expect("wait").success());
        Memory {
            samples: sampler.join().expect("sampler"),
            cpu_seconds,
        }
    }

    async fn direct_session(
        &self,
        tty: bool,
        command: &[&str],
    ) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>
    {
        install_tls_provider();
        let env = Environment::with_home(self.home.path())
            .var("ALIBABA_CLOUD_ACCESS_KEY_ID", TEST_KEY_ID)
            .var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", TEST_SECRET)
            .var("ECI_EXEC_ENDPOINT", &self.fake.url());
        let client = EciClient::with_environment(&ClientOptions::default(), &env).expect("client");
        let request = ExecRequest {
            region_id: "cn-hangzhou".to_owned(),
            container_group_id: "eci-bp1fakeweb0001".to_owned(),
            container_name: "nginx".to_owned(),
            command: command.iter().map(|item| item.to_string()).collect(),
            tty,
            stdin: true,
            sync: false,
        };
        let response = client.exec_container_command(&request).await.expect("exec");
        let uri = response.web_socket_uri.expect("a WebSocketUri");
        let (socket, _) = tokio_tungstenite::connect_async(uri.as_str())
            .await
            .expect("connect");
        socket
    }
}

/// The next standard output message of a session.
async fn next_stdout<S>(socket: &mut S) -> Vec<u8>
where
    S: futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match socket.next().await {
            Some(Ok(Message::Binary(data))) if data.first() == Some(&1) => return data.to_vec(),
            Some(Ok(_)) => {}
            other => panic!("the session ended: {other:?}"),
        }
    }
}

/// Writes `bytes` to `input` on a thread of its own, in `CHUNK`-sized writes, then closes it.
fn feed(mut input: impl Write + Send + 'static, bytes: usize) {
    std::thread::spawn(move || {
        let chunk = vec![b'x'; CHUNK];
        let mut left = bytes;
        while left > 0 {
            let take = left.min(CHUNK);
            if input.write_all(&chunk[..take]).is_err() {
                return;
            }
            left -= take;
        }
    });
}

/// Reads `output` to its end; the byte count.
fn drain(mut output: impl Read) -> usize {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0;
    loop {
        match output.read(&mut buffer) {
            Ok(0) | Err(_) => return total,
            Ok(read) => total += read,
        }
    }
}

/// `VmRSS` of a process in MB, while it runs.
fn resident_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// User and system CPU time of a process, in seconds (`/proc/PID/stat`, at 100 ticks a second).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |n: usize| {
        fields
            .get(n)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

struct Memory {
    samples: Vec<f64>,
    /// `exec`'s CPU time for the whole stream.
    cpu_seconds: f64,
}

impl Memory {
    /// The sample at this fraction of the run.
    fn at(&self, fraction: f64) -> f64 {
        let index = ((self.samples.len() as f64 - 1.0) * fraction).round() as usize;
        self.samples.get(index).copied().unwrap_or(0.0)
    }

    fn max(&self) -> f64 {
        self.samples.iter().copied().fold(0.0, f64::max)
    }
}

fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let index = ((sorted.len() as f64 - 1.0) * p / 100.0).round() as usize;
    sorted.get(index).copied().unwrap_or(f64::NAN)
}
