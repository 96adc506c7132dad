//! `eci-exec-lsp exec` without a terminal: the real binary against the fake's session side.
//! Streaming as output is produced, exit statuses, 1 MB byte for byte, selectors, the file
//! form, refusals, and no token in any log. (Sessions on a terminal: `exec_pty.rs`.)

#[path = "support/exec.rs"]
mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use fake_eci::FakeEci;
use support::{REGION, exec, fake, flags, signal, text, wait_for};

/// Runs `exec ARGS` with `input` on its standard input (closed after it).
async fn run(fake: &FakeEci, args: &[&str], input: &[u8]) -> Output {
    run_with(fake, args, input, &[]).await
}

async fn run_with(fake: &FakeEci, args: &[&str], input: &[u8], env: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut command = exec(fake, home.path(), args);
    command
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let input = input.to_vec();
    tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // Written on its own thread: the output is read at the same time.
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap();
        output
    })
    .await
    .unwrap()
}

fn exec_calls(fake: &FakeEci) -> usize {
    fake.requests()
        .iter()
        .filter(|request| request.action == "ExecContainerCommand")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_arrives_as_it_is_produced() {
    let fake = fake().await;
    let home = tempfile::tempdir().unwrap();
    let mut command = exec(&fake, home.path(), &flags(&[], &["seq", "4", "400"]));
    command.stdin(Stdio::null()).stdout(Stdio::piped());
    let (lines, status) = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        let lines: Vec<(String, Instant)> = BufReader::new(child.stdout.take().unwrap())
            .lines()
            .map(|line| (line.unwrap(), Instant::now()))
            .collect();
        (lines, child.wait().unwrap())
    })
    .await
    .unwrap();
    let texts: Vec<&str> = lines.iter().map(|(line, _)| line.as_str()).collect();
    assert_eq!(texts, ["1", "2", "3", "4"]);
    // 3 x 400 ms between the first line and the last: the first came as it was produced.
    let spread = lines[3].1 - lines[0].1;
    assert!(spread >= Duration::from_millis(900), "{spread:?}");
    assert!(status.success());
    let session = &fake.sessions().sessions[0];
    assert_eq!(session.command, ["seq", "4", "400"]);
    assert!(!session.tty && session.stdin);
    assert!(session.subprotocol.is_none(), "a subprotocol was offered");
    let call = &fake.requests()[0];
    assert_eq!(
        (call.params["Sync"].as_str(), call.params["TTY"].as_str()),
        ("false", "false")
    );
    // The same record over the fake's control API.
    let addr = fake.addr();
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        write!(
            stream,
            "GET /_fake/sessions HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
        answer
    })
    .await
    .unwrap();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body)
        .unwrap_or_default();
    let log: fake_eci::SessionLog = serde_json::from_str(body).expect(&answer);
    assert_eq!(log, fake.sessions());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_statuses_follow_the_contract() {
    let fake = fake().await;
    let cases: [(&[&str], i32, &str, &str); 10] = [
        (&["exit", "3"], 3, "", ""),
        (&["/bin/sh", "-c", "exit 0"], 0, "", ""),
        (&["stderr", "on", "channel", "2"], 0, "", "on channel 2\n"),
        (&["fail", "container", "gone"], 1, "", "✗ container gone\n"),
        (
            &["status-text", "OCI runtime exec failed"],
            1,
            "",
            "✗ OCI runtime exec failed\n",
        ),
        (&["unknown-channel"], 0, "ok\n", ""),
        (&["text", "as", "text"], 0, "as text\n", ""),
        (&["hangup"], 0, "", ""),
        (
            &["reset"],
            3,
            "",
            "✗ the connection ended without a Close frame",
        ),
        (&["uname"], 0, "fake-eci ran: uname\n", ""),
    ];
    for (command, status, stdout, stderr) in cases {
        let output = run(&fake, &flags(&[], command), b"").await;
        let (out, err) = (text(&output.stdout), text(&output.stderr));
        assert_eq!(output.status.code(), Some(status), "{command:?}: {err}");
        assert_eq!(out, stdout, "{command:?}");
        assert!(err.starts_with(stderr), "{command:?}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_megabyte_goes_through_byte_for_byte() {
    let fake = fake().await;
    let size = 1 << 20;
    // Every byte value, in an order that a lost or repeated chunk would break.
    let input: Vec<u8> = (0..size as u64)
        .map(|n| (n.wrapping_mul(2_654_435_761) >> 7) as u8)
        .collect();
    let output = run(
        &fake,
        &flags(&[], &["head", "-c", &size.to_string()]),
        &input,
    )
    .await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(output.stdout.len(), size);
    assert!(output.stdout == input, "the output differs from the input");
    assert_eq!(fake.sessions().sessions[0].stdin_bytes, size as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_stdin_nothing_is_read_or_sent() {
    let fake = fake().await;
    let output = run(
        &fake,
        &flags(&["--no-stdin"], &["seq", "2", "10"]),
        b"typed\n",
    )
    .await;
    assert!(output.status.success());
    let session = &fake.sessions().sessions[0];
    assert!(!session.stdin);
    assert!(session.frames.is_empty(), "{:?}", session.frames);
    assert_eq!(fake.requests()[0].params["Stdin"], "false");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_loopback_ws_uri_is_refused_before_connecting() {
    let fake = fake().await;
    // A name that cannot resolve: nothing could be sent even if the check were wrong.
    fake.announce_sessions_at("ws://example.invalid/exec/?s=");
    let output = run(&fake, &flags(&[], &["cat"]), b"").await;
    let err = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("ws://example.invalid/exec/?s=***"), "{err}");
    assert!(err.contains("loopback"), "{err}");
    let token = &fake.sessions().sessions[0].token;
    assert!(!err.contains(token.as_str()), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_or_expired_tokens_cannot_connect() {
    let fake = fake().await;
    fake.announce_sessions_at(&format!("{}unknown", fake.session_prefix()));
    let unknown = run(&fake, &flags(&[], &["cat"]), b"").await;
    fake.announce_sessions_at(&fake.session_prefix());
    fake.set_session_ttl(Duration::ZERO);
    let expired = run(&fake, &flags(&[], &["cat"]), b"").await;
    for output in [unknown, expired] {
        let err = text(&output.stderr);
        assert_eq!(output.status.code(), Some(3), "{err}");
        assert!(err.contains("HTTP 403"), "{err}");
        assert!(err.contains("?s=***"), "{err}");
    }
    let log = fake.sessions();
    assert_eq!(
        log.refused,
        [
            "unknown or already used session token",
            "expired session token"
        ]
    );
    assert!(
        log.sessions
            .iter()
            .all(|session| session.connected_unix_ms.is_none())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_in_trace_logs_or_messages() {
    let fake = fake().await;
    let trace = [("ECI_EXEC_LOG", "trace")];
    let ok = run_with(&fake, &flags(&[], &["exit", "4"]), b"", &trace).await;
    assert_eq!(ok.status.code(), Some(4));
    fake.set_session_ttl(Duration::ZERO);
    let refused = run_with(&fake, &flags(&[], &["cat"]), b"", &trace).await;
    assert_eq!(refused.status.code(), Some(3));
    let log = format!("{}{}", text(&ok.stderr), text(&refused.stderr));
    assert!(
        log.contains("?s=***"),
        "the trace log never names the session: {log}"
    );
    for session in fake.sessions().sessions {
        assert!(!log.contains(&session.token), "token in the log: {log}");
    }
    assert!(!log.contains(fake_eci::TEST_SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_exits_1_with_code_and_message() {
    let fake = fake().await;
    let args = [
        "--region",
        REGION,
        "--instance",
        "eci-bp1fakepend0003",
        "--container",
        "worker",
        "--",
        "ls",
    ];
    let output = run(&fake, &args, b"").await;
    let err = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.starts_with("✗ IncorrectStatus: "), "{err}");
    assert!(fake.sessions().sessions.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_selector_needs_exactly_one_running_target() {
    let fake = fake().await;
    let select = |target: &[&'static str]| {
        let mut args = vec!["--region", REGION];
        args.extend(target);
        args.extend(["--container", "main", "--", "uname"]);
        args
    };
    let several = run(&fake, &select(&["--name", "generated-*"]), b"").await;
    let err = text(&several.stderr);
    assert_eq!(several.status.code(), Some(2), "{err}");
    for name in ["generated-0 (eci-gen000000)", "generated-1", "generated-2"] {
        assert!(err.contains(name), "{err}");
    }
    let by_tags = run(&fake, &select(&["--tag", "app=generated"]), b"").await;
    assert_eq!(by_tags.status.code(), Some(2));
    let none = run(&fake, &select(&["--name", "web-*"]), b"").await;
    let err = text(&none.stderr);
    assert_eq!(none.status.code(), Some(2));
    assert!(
        err.contains("web-frontend (eci-bp1fakeweb0001): no container named main"),
        "{err}"
    );
    assert_eq!(
        exec_calls(&fake),
        0,
        "a refused selection reached ExecContainerCommand"
    );

    let one = run(
        &fake,
        &select(&["--name", "generated-*", "--tag", "index=1"]),
        b"",
    )
    .await;
    assert!(one.status.success(), "{}", text(&one.stderr));
    let exact = run(&fake, &select(&["--name", "generated-2"]), b"").await;
    assert!(exact.status.success(), "{}", text(&exact.stderr));
    let targets: Vec<String> = fake
        .sessions()
        .sessions
        .iter()
        .map(|session| session.container_group_id.clone())
        .collect();
    assert_eq!(targets, ["eci-gen000001", "eci-gen000002"]);
    let listings: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|request| request.action == "DescribeContainerGroups")
        .map(|request| request.params)
        .collect();
    // An exact name and tags narrow the listing on the server; a pattern does not.
    assert_eq!(listings[3]["Tag.1.Key"], "index");
    assert!(!listings[3].contains_key("ContainerGroupName"));
    assert_eq!(listings[4]["ContainerGroupName"], "generated-2");
}

const FILE: &str = r#"{
  "RegionId": "cn-hangzhou",
  "ContainerGroupId": "eci-bp1fakeweb0001",
  "Execs": [
    {"Label": "count", "ContainerName": "nginx", "Command": ["seq", "3", "10"], "Sync": true},
    {"Label": "broken", "ContainerName": "nginx", "Command": []},
    {"Label": "quiet", "ContainerName": "nginx", "Command": ["cat"], "Stdin": false},
    {"Label": "by tag", "Tags": {"index": "2"}, "ContainerName": "main", "Command": ["uname"]}
  ]
}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_form_streams_an_entry_and_refuses_one_with_errors() {
    let fake = fake().await;
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("x.eci.json");
    std::fs::write(&file, FILE).unwrap();
    let path = file.to_str().unwrap();
    let streamed = run(&fake, &["--label", "count", path], b"").await;
    assert!(streamed.status.success(), "{}", text(&streamed.stderr));
    assert_eq!(text(&streamed.stdout), "1\n2\n3\n");
    // Sync is ignored: the user asked for a session.
    assert_eq!(fake.requests()[0].params["Sync"], "false");

    let broken = run(&fake, &["--index", "1", path], b"").await;
    assert_eq!(broken.status.code(), Some(2));
    assert!(text(&broken.stderr).contains("command-empty"));
    let unchosen = run(&fake, &[path], b"").await;
    assert_eq!(unchosen.status.code(), Some(2));
    assert!(text(&unchosen.stderr).contains("choose one with --label or --index"));
    assert_eq!(exec_calls(&fake), 1);

    // A selector entry runs on its one target.
    let by_tag = run(&fake, &["--label", "by tag", path], b"").await;
    assert!(by_tag.status.success(), "{}", text(&by_tag.stderr));
    assert_eq!(text(&by_tag.stdout), "fake-eci ran: uname\n");
    let sessions = fake.sessions().sessions;
    assert_eq!(sessions.last().unwrap().container_group_id, "eci-gen000002");

    let mixed = run(&fake, &["--region", REGION, path], b"").await;
    assert_eq!(mixed.status.code(), Some(2));
    // `cat` never ends: once connected, the session is ended with SIGTERM.
    let mut command = exec(&fake, folder.path(), &["--label", "quiet", path]);
    command.stdin(Stdio::null()).stdout(Stdio::null());
    let mut child = command.spawn().unwrap();
    wait_for("the session", || {
        fake.sessions()
            .sessions
            .get(2)
            .is_some_and(|s| s.connected_unix_ms.is_some())
    })
    .await;
    signal(child.id(), "TERM");
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert_eq!(status.code(), Some(128 + 15));
    assert_eq!(fake.requests().last().unwrap().params["Stdin"], "false");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_output_ends_the_session_quietly_like_sigpipe() {
    let fake = fake().await;
    let home = tempfile::tempdir().unwrap();
    let mut command = exec(&fake, home.path(), &flags(&[], &["seq", "50", "20"]));
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let output = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        // Read the first line, then close the pipe, as `exec ... | head -n 1` does.
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert_eq!(first, "1\n");
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(141), "{}", text(&output.stderr));
    assert_eq!(text(&output.stderr), "");
}
