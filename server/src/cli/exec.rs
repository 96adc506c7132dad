//! `eci-exec-lsp exec`: a session (a shell, a command's live output) from a file entry or,
//! like `kubectl exec`, from flags. The target is resolved (a `--name`/`--tag` selector needs
//! exactly one), the `[y/N]` prompt shows what runs, the API is called with `Sync` false, and
//! `session::run` bridges the terminal to the returned `WebSocketUri`. Exit statuses are the
//! contract's: the remote exit code; 1 on a failure status or an API error; 2 refused or
//! usage; 3 when the WebSocket cannot connect or ends without a Close frame.

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::ApiArgs;
use super::entry::{self, Selector as EntrySelector};
use super::exec_target::{self, NoInstance};
use crate::analysis::resolve::{ResolvedEntry, Target};
use crate::analysis::selector::Selector;
use crate::remote::{ApiError, ExecRequest};
use crate::session::{self, Ending, SessionUri, Status};

#[derive(Args, Debug, Default)]
pub struct ExecArgs {
    /// File form: the entry whose Label is this.
    #[arg(long, conflicts_with = "index")]
    label: Option<String>,
    /// File form: the entry at this 0-based index of Execs.
    #[arg(long)]
    index: Option<usize>,
    /// Open the session without asking first.
    #[arg(long)]
    yes: bool,
    /// Flag form: the region of the instance.
    #[arg(long)]
    region: Option<String>,
    /// Flag form: the instance, `eci-…`.
    #[arg(long, conflicts_with_all = ["name", "tags"])]
    instance: Option<String>,
    /// Flag form: the instance by name; `*` matches any run of characters.
    #[arg(long, value_name = "PATTERN")]
    name: Option<String>,
    /// Flag form: the instance by tag (repeatable: every tag must match).
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    tags: Vec<String>,
    /// Flag form: the container.
    #[arg(long)]
    container: Option<String>,
    /// Flag form: an interactive terminal (TTY).
    #[arg(long)]
    tty: bool,
    /// Flag form: do not send standard input (Stdin false).
    #[arg(long)]
    no_stdin: bool,
    /// File form: the exec config.
    path: Option<PathBuf>,
    /// Flag form: the command, after `--`.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
    #[command(flatten)]
    api: ApiArgs,
}

/// Where the session's entry comes from.
enum Form<'a> {
    File(EntrySelector<'a>, &'a PathBuf),
    /// The flags, as an entry of its own (index 0, no Label).
    Flags(ResolvedEntry),
}

/// Why `exec` stops before or instead of a session: the exit status and what to say.
struct Stop {
    status: u8,
    message: String,
}

impl Stop {
    fn refused(message: impl Into<String>) -> Stop {
        Stop {
            status: 2,
            message: message.into(),
        }
    }

    fn api(error: &ApiError) -> Stop {
        Stop {
            status: 1,
            message: error.label(),
        }
    }
}

pub fn exec(args: ExecArgs) -> ExitCode {
    let outcome = args.form().and_then(|form| {
        super::runtime()
            .map_err(Stop::refused)
            .and_then(|runtime| runtime.block_on(open(&args, form)))
    });
    match outcome {
        Ok(ending) => exit_status(ending),
        Err(stop) => {
            eprintln!("{}", stop.message);
            ExitCode::from(stop.status)
        }
    }
}

impl ExecArgs {
    /// The file form or the flag form, each with only its own flags.
    fn form(&self) -> Result<Form<'_>, Stop> {
        let usage = |message: &str| Stop::refused(format!("exec: {message} (see --help)"));
        let flags_given = self.region.is_some()
            || self.instance.is_some()
            || self.name.is_some()
            || !self.tags.is_empty()
            || self.container.is_some()
            || self.tty
            || self.no_stdin
            || !self.command.is_empty();
        if let Some(path) = &self.path {
            if flags_given {
                return Err(usage(
                    "give a file (with --label or --index) or the flags --region, --container and a command, not both",
                ));
            }
            return Ok(Form::File(
                EntrySelector::of(self.label.as_deref(), self.index),
                path,
            ));
        }
        if self.label.is_some() || self.index.is_some() {
            return Err(usage(
                "--label and --index choose an entry of a file: give the file",
            ));
        }
        let (Some(region), Some(container)) = (&self.region, &self.container) else {
            return Err(usage(
                "give a file, or --region, --container, a target and a command after --",
            ));
        };
        if self.command.is_empty() {
            return Err(usage("give the command to run after --"));
        }
        let target = match &self.instance {
            Some(id) => Target::Id(id.clone()),
            None if self.name.is_none() && self.tags.is_empty() => {
                return Err(usage("give --instance, --name or --tag"));
            }
            None => Target::Selector(Selector {
                name: self.name.clone(),
                tags: self
                    .tags
                    .iter()
                    .map(|tag| {
                        parse_tag(tag).ok_or_else(|| {
                            usage(&format!("--tag {tag}: expected KEY=VALUE with a key"))
                        })
                    })
                    .collect::<Result<_, _>>()?,
            }),
        };
        let request = ExecRequest {
            region_id: region.clone(),
            container_group_id: self.instance.clone().unwrap_or_default(),
            container_name: container.clone(),
            command: self.command.clone(),
            tty: self.tty,
            stdin: !self.no_stdin,
            sync: false,
        };
        Ok(Form::Flags(ResolvedEntry {
            index: 0,
            name: request.command.join(" "),
            label: None,
            target,
            request,
        }))
    }
}

/// `KEY=VALUE` with a key (the value may be empty).
pub(super) fn parse_tag(text: &str) -> Option<(String, String)> {
    let (key, value) = text.split_once('=')?;
    (!key.is_empty()).then(|| (key.to_owned(), value.to_owned()))
}

/// Resolves, confirms, calls the API and runs the session.
async fn open(args: &ExecArgs, form: Form<'_>) -> Result<Ending, Stop> {
    let entry = match form {
        Form::File(selector, path) => entry::resolve(selector, path)
            .map_err(|message| Stop::refused(format!("{}: {message}", path.display())))?,
        Form::Flags(entry) => entry,
    };
    let client = args.api.client().map_err(|error| Stop {
        status: 1,
        message: error.to_string(),
    })?;
    let instance =
        exec_target::instance(&client, &entry)
            .await
            .map_err(|missing| match missing {
                NoInstance::Api(error) => Stop::api(&error),
                NoInstance::Refused(message) => Stop::refused(message),
            })?;
    let mut request = entry.request_for(&instance);
    // A session, even for a Sync entry: the user asked for one.
    request.sync = false;
    let entry = ResolvedEntry { request, ..entry };
    if !args.yes && std::io::stdin().is_terminal() {
        confirm(&entry)?;
    }
    let response = client
        .exec_container_command(&entry.request)
        .await
        .map_err(|error| Stop::api(&error))?;
    let uri = response.web_socket_uri.ok_or_else(|| Stop {
        status: 1,
        message: "✗ InvalidResponse: the API's answer holds no WebSocketUri".to_owned(),
    })?;
    let uri = SessionUri::parse(&uri).map_err(|refused| Stop::refused(refused.0))?;
    let options = session::Options {
        tty: entry.request.tty,
        stdin: entry.request.stdin,
    };
    Ok(session::run(&uri, options).await)
}

/// Asks `[y/N]` on the terminal itself (standard output may be a pipe); only yes opens it.
fn confirm(entry: &ResolvedEntry) -> Result<(), Stop> {
    let declined = || Stop::refused("not run: declined");
    let mut terminal = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|error| {
            Stop::refused(format!(
                "not run: cannot ask on the terminal ({error}); pass --yes to skip the question"
            ))
        })?;
    write!(terminal, "{} [y/N] ", entry.confirmation())
        .and_then(|()| terminal.flush())
        .map_err(|_| declined())?;
    let mut answer = String::new();
    BufReader::new(terminal)
        .read_line(&mut answer)
        .map_err(|_| declined())?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(declined()),
    }
}

/// The contract's exit statuses, with a line on standard error when something went wrong.
fn exit_status(ending: Ending) -> ExitCode {
    let (status, message) = match ending {
        Ending::Closed(None) => (0, None),
        Ending::Closed(Some(Status::Exited(code))) => match u8::try_from(code) {
            Ok(code) => (code, None),
            Err(_) => (1, Some(format!("✗ the command exited with {code}"))),
        },
        Ending::Closed(Some(Status::Failed(message))) => (1, Some(format!("✗ {message}"))),
        Ending::CannotConnect(message) | Ending::Lost(message) => (3, Some(format!("✗ {message}"))),
        Ending::Signal(signal) => (128 + signal.number(), None),
        // Like a process that SIGPIPE ended: a closed pipe (`exec … | head`) is no error to report.
        Ending::Output(error) if error.kind() == std::io::ErrorKind::BrokenPipe => (141, None),
        Ending::Output(error) => (1, Some(format!("✗ cannot write the output: {error}"))),
        Ending::Local(message) => (1, Some(format!("✗ {message}"))),
    };
    if let Some(message) = message {
        eprintln!("{message}");
    }
    ExitCode::from(status)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::session::args::{ApiOptions, exec_args};

    #[derive(Parser)]
    struct Line {
        #[command(subcommand)]
        command: Sub,
    }

    #[derive(clap::Subcommand)]
    enum Sub {
        Exec(ExecArgs),
    }

    fn parse(args: &[String]) -> ExecArgs {
        let line = Line::try_parse_from(
            std::iter::once("eci-exec-lsp".to_owned()).chain(args.iter().cloned()),
        )
        .unwrap_or_else(|error| panic!("{args:?}: {error}"));
        let Sub::Exec(args) = line.command;
        args
    }

    #[test]
    fn session_args_read_back_into_the_same_request() {
        let api = ApiOptions {
            profile: Some("prod".to_owned()),
            endpoint: Some("http://127.0.0.1:9".to_owned()),
            signature_version: Some("v3".to_owned()),
        };
        for (tty, stdin) in [(true, true), (false, false), (false, true)] {
            let request = ExecRequest {
                region_id: "cn-hangzhou".to_owned(),
                container_group_id: "eci-1".to_owned(),
                container_name: "web".to_owned(),
                command: vec!["--".to_owned(), "-x".to_owned(), "a b".to_owned()],
                tty,
                stdin,
                sync: false,
            };
            for target in [
                Target::Id("eci-1".to_owned()),
                Target::Selector(Selector {
                    name: Some("web-*".to_owned()),
                    tags: vec![("app".to_owned(), "a=b".to_owned())],
                }),
            ] {
                let entry = ResolvedEntry {
                    index: 0,
                    name: request.command.join(" "),
                    label: None,
                    target,
                    request: ExecRequest {
                        container_group_id: String::new(),
                        ..request.clone()
                    },
                };
                let entry = match &entry.target {
                    Target::Id(id) => ResolvedEntry {
                        request: entry.request_for(id),
                        ..entry
                    },
                    Target::Selector(_) => entry,
                };
                let args = parse(&exec_args(&entry, &api));
                assert_eq!(args.api.profile.as_deref(), Some("prod"));
                assert_eq!(args.api.signature_version.as_deref(), Some("v3"));
                match args.form() {
                    Ok(Form::Flags(read)) => assert_eq!(read, entry),
                    _ => panic!("not the flag form"),
                }
            }
        }
    }

    #[test]
    fn usage_problems_exit_2() {
        let words = |text: &str| text.split(' ').map(str::to_owned).collect::<Vec<_>>();
        for line in [
            "exec --region r --container c -- ls",
            "exec --region r --instance i -- ls",
            "exec --region r --instance i --container c",
            "exec --index 1",
            "exec --region r --instance i --container c f.json",
            "exec --region r --tag novalue --container c -- ls",
            "exec --region r --tag =v --container c -- ls",
        ] {
            let stop = parse(&words(line))
                .form()
                .err()
                .unwrap_or_else(|| panic!("{line}"));
            assert_eq!(stop.status, 2, "{line}");
        }
        let tags = parse(&words(
            "exec --region r --tag app=web --tag k=a=b --container c -- ls",
        ));
        match tags.form() {
            Ok(Form::Flags(ResolvedEntry {
                target: Target::Selector(selector),
                ..
            })) => assert_eq!(
                selector.tags,
                [
                    ("app".to_owned(), "web".to_owned()),
                    ("k".to_owned(), "a=b".to_owned())
                ]
            ),
            _ => panic!("not a selector"),
        }
        assert!(
            Line::try_parse_from(words(
                "x exec --region r --instance i --name n --container c -- ls"
            ))
            .is_err()
        );
    }
}
