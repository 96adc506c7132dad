//! `eci-exec-lsp exec` on a pseudo-terminal, as a person runs it: the `[y/N]` prompt, raw
//! mode during a TTY session (and the terminal's settings put back on every way out), typing
//! echoed by the remote shell, the size at the start and after a change, Ctrl-C forwarded
//! (TTY) or ending the session (no TTY), and the exit status.

#[path = "support/exec.rs"]
mod support;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fake_eci::{FakeEci, ReceivedFrame};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use support::{environment, fake, flags, signal, wait_for};

const WAIT: Duration = Duration::from_secs(20);

/// `exec` running on its own pseudo-terminal, its screen output collected.
struct Terminal {
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    input: Box<dyn Write + Send>,
    output: Arc<Mutex<Vec<u8>>>,
    /// How far `expect` has read.
    seen: usize,
    _home: tempfile::TempDir,
}

fn size(rows: u16, cols: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

/// The terminal's settings, to compare before and after.
fn settings(master: &dyn MasterPty) -> impl PartialEq + std::fmt::Debug + use<> {
    let t = master.get_termios().expect("termios of the pty");
    (
        t.input_flags,
        t.output_flags,
        t.control_flags,
        t.local_flags,
        t.control_chars,
    )
}

/// Whether the terminal is in canonical (line) mode, i.e. not raw.
fn canonical(master: &dyn MasterPty) -> bool {
    let t = master.get_termios().expect("termios of the pty");
    format!("{:?}", t.local_flags).contains("ICANON")
}

impl Terminal {
    fn spawn(fake: &FakeEci, args: &[&str]) -> Terminal {
        let pair = native_pty_system()
            .openpty(size(24, 80))
            .expect("open a pty");
        let home = tempfile::tempdir().unwrap();
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_eci-exec-lsp"));
        command.arg("exec");
        command.args(args);
        command.env_clear();
        for (key, value) in environment(fake, home.path()) {
            command.env(key, value);
        }
        command.cwd(home.path());
        let child = pair.slave.spawn_command(command).expect("spawn on the pty");
        drop(pair.slave);
        let output = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let collected = output.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(read @ 1..) = reader.read(&mut buffer) {
                collected.lock().unwrap().extend_from_slice(&buffer[..read]);
            }
        });
        let input = pair.master.take_writer().unwrap();
        Terminal {
            master: pair.master,
            child,
            input,
            output,
            seen: 0,
            _home: home,
        }
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    fn type_in(&mut self, bytes: &[u8]) {
        self.input.write_all(bytes).unwrap();
        self.input.flush().unwrap();
    }

    /// Waits until `text` shows after what was already expected.
    async fn expect(&mut self, text: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let screen = self.output.lock().unwrap().clone();
            let rest = &screen[self.seen.min(screen.len())..];
            if let Some(at) = rest.windows(text.len()).position(|w| w == text.as_bytes()) {
                self.seen += at + text.len();
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{text:?} never showed; the screen: {:?}",
                self.screen()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The exit status.
    async fn exit_status(&mut self) -> u32 {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            assert!(
                Instant::now() < deadline,
                "still running; the screen: {:?}",
                self.screen()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }
}

/// A TTY session of the fake's toy shell, with `extra` flags.
fn shell_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    flags(&[&["--tty"], extra].concat(), &["/bin/bash"])
}

fn frames(fake: &FakeEci, channel: u8) -> Vec<ReceivedFrame> {
    fake.sessions()
        .sessions
        .last()
        .map(|session| {
            session
                .frames
                .iter()
                .filter(|f| f.channel == Some(channel))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shell_session_like_kubectl_exec_it() {
    let fake = fake().await;
    let mut terminal = Terminal::spawn(&fake, &shell_args(&[]));
    let before = settings(&*terminal.master);
    terminal
        .expect("Run `/bin/bash` in container nginx of eci-bp1fakeweb0001 (cn-hangzhou)? It opens an interactive session. [y/N] ")
        .await;
    terminal.type_in(b"y\r");
    terminal.expect("$ ").await;
    assert!(
        !canonical(&*terminal.master),
        "not in raw mode during the session"
    );

    // Typing is echoed by the remote shell, not locally (raw mode has no local echo).
    terminal.type_in(b"echo hi\r");
    terminal.expect("echo hi\r\nhi\r\n$ ").await;

    // The size at the start, within a second of connecting.
    terminal.type_in(b"stty size\r");
    terminal.expect("24 80\r\n").await;
    let session = fake.sessions().sessions[0].clone();
    let first = &frames(&fake, 4)[0];
    assert_eq!(first.payload, r#"{"Width":80,"Height":24}"#);
    let connected = session.connected_unix_ms.expect("connected");
    assert!(
        first.unix_ms - connected < 1000,
        "first size {} ms after connecting",
        first.unix_ms - connected
    );

    // And after a change.
    terminal.master.resize(size(30, 100)).unwrap();
    wait_for("the new size", || frames(&fake, 4).len() == 2).await;
    assert_eq!(frames(&fake, 4)[1].payload, r#"{"Width":100,"Height":30}"#);
    terminal.type_in(b"stty size\r");
    terminal.expect("30 100\r\n").await;

    // Ctrl-C goes to the container.
    terminal.type_in(b"\x03");
    terminal.expect("^C\r\n$ ").await;
    assert!(
        frames(&fake, 0)
            .iter()
            .any(|frame| frame.payload == "\u{3}")
    );

    terminal.type_in(b"exit 3\r");
    assert_eq!(terminal.exit_status().await, 3);
    assert_eq!(
        settings(&*terminal.master),
        before,
        "the terminal was not restored"
    );
    assert!(session.tty && session.stdin);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declining_the_prompt_sends_nothing() {
    let fake = fake().await;
    let mut terminal = Terminal::spawn(&fake, &shell_args(&[]));
    terminal.expect("[y/N] ").await;
    terminal.type_in(b"n\r");
    terminal.expect("not run: declined").await;
    assert_eq!(terminal.exit_status().await, 2);
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.action != "ExecContainerCommand"),
        "{:?}",
        fake.requests()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_tty_ctrl_c_ends_the_session_with_130() {
    let fake = fake().await;
    let mut terminal = Terminal::spawn(&fake, &flags(&["--yes"], &["cat"]));
    let before = settings(&*terminal.master);
    wait_for("the session", || {
        fake.sessions()
            .sessions
            .first()
            .is_some_and(|s| s.connected_unix_ms.is_some())
    })
    .await;
    assert!(canonical(&*terminal.master), "raw mode without a TTY");
    terminal.type_in(b"abc\r");
    // The local terminal echoes the line, then `cat` sends it back.
    terminal.expect("abc\r\nabc").await;
    terminal.type_in(b"\x03");
    assert_eq!(terminal.exit_status().await, 130);
    assert!(frames(&fake, 4).is_empty(), "size frames without a TTY");
    assert_eq!(frames(&fake, 0)[0].payload, "abc\n");
    assert_eq!(settings(&*terminal.master), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_sighup_and_a_lost_connection_restore_the_terminal() {
    let fake = fake().await;
    let mut terminal = Terminal::spawn(&fake, &shell_args(&["--yes"]));
    let before = settings(&*terminal.master);
    terminal.expect("$ ").await;
    assert!(!canonical(&*terminal.master));
    signal(terminal.pid(), "TERM");
    assert_eq!(terminal.exit_status().await, 128 + 15);
    assert_eq!(
        settings(&*terminal.master),
        before,
        "not restored after SIGTERM"
    );

    let mut terminal = Terminal::spawn(&fake, &shell_args(&["--yes"]));
    let before = settings(&*terminal.master);
    terminal.expect("$ ").await;
    signal(terminal.pid(), "HUP");
    assert_eq!(terminal.exit_status().await, 128 + 1);
    assert_eq!(
        settings(&*terminal.master),
        before,
        "not restored after SIGHUP"
    );

    let mut terminal = Terminal::spawn(&fake, &flags(&["--tty", "--yes"], &["reset"]));
    let before = settings(&*terminal.master);
    terminal
        .expect("✗ the connection ended without a Close frame")
        .await;
    assert_eq!(terminal.exit_status().await, 3);
    assert_eq!(
        settings(&*terminal.master),
        before,
        "not restored after a lost connection"
    );
}
