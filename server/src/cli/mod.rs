//! Command line: `serve` (default), `check`, `run`, `exec`, `instances`.

mod check;
mod check_online;
mod entry;
mod exec;
mod exec_target;
mod instances;
mod run;

pub use check::{check_bytes, is_exec_config_name};

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::analysis::selector::Selector;
use crate::remote::{ClientOptions, EciClient, SetupError};

/// Options shared by every command that talks to the ECI API.
#[derive(Args, Debug, Clone, Default)]
pub struct ApiArgs {
    /// Credentials profile (aliyun CLI config or credentials file).
    #[arg(long)]
    pub profile: Option<String>,
    /// API endpoint, e.g. https://eci.cn-hangzhou.aliyuncs.com (overrides ECI_EXEC_ENDPOINT).
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Signature version: v2 (HMAC-SHA1, default) or v3 (ACS3-HMAC-SHA256).
    #[arg(long, value_name = "v2|v3")]
    pub signature_version: Option<String>,
}

impl ApiArgs {
    /// A client of the API with these options and the user's credentials.
    pub fn client(&self) -> Result<EciClient, SetupError> {
        let options = ClientOptions::from_strings(
            self.profile.as_deref(),
            self.endpoint.as_deref(),
            self.signature_version.as_deref(),
        )?;
        EciClient::new(&options)
    }
}

/// A single-threaded runtime for a command's few API calls.
fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the async runtime: {error}"))
}

#[derive(Parser, Debug)]
#[command(
    name = "eci-exec-lsp",
    version,
    about = "Language server and checker for ECI exec configs"
)]
struct Cli {
    /// Serve on stdio (the default; accepted because many LSP clients pass it).
    #[arg(long, hide = true)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the language server on stdio (the default).
    Serve,
    /// Check exec configs (files, or folders searched for them) and report every diagnostic.
    Check {
        /// Output format: one line per diagnostic, or one JSON object per line.
        #[arg(long, value_enum, default_value = "text")]
        format: check::Format,
        /// Also check ids, containers and instance status against the API (needs credentials).
        #[arg(long)]
        online: bool,
        /// Files or folders to check.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Run Sync entries of an exec config on their targets and print the output (SyncResponse).
    /// Exit 0 when every target succeeded, 1 when any failed, 2 when refused.
    Run {
        /// The entry whose Label is this.
        #[arg(long, conflicts_with_all = ["index", "all"])]
        label: Option<String>,
        /// The entry at this 0-based index of Execs.
        #[arg(long, conflicts_with = "all")]
        index: Option<usize>,
        /// Every Sync entry of the file, in order (a smoke test for CI).
        #[arg(long)]
        all: bool,
        /// Output: the output as is (sections per instance when there are several), or one
        /// JSON object per target per line.
        #[arg(long, value_enum, default_value = "text")]
        format: check::Format,
        /// Refuse a selector that picks more instances than this.
        #[arg(long, value_name = "N", default_value_t = crate::online::fleet::DEFAULT_MAX_TARGETS)]
        max_targets: usize,
        /// The exec config file.
        path: PathBuf,
        #[command(flatten)]
        api: ApiArgs,
    },
    /// Open a session: a shell or a command's live output, like `kubectl exec -it`.
    /// From a file: `exec [--label L | --index N] PATH`; from flags: `exec --region R
    /// (--instance ID | --name PATTERN | --tag KEY=VALUE ...) --container C [--tty] [--no-stdin] -- COMMAND...`
    Exec(exec::ExecArgs),
    /// List the container groups of a region and their containers; with --name or --tag, those
    /// a selector picks.
    Instances {
        /// Region to list (default: the profile's region, else cn-hangzhou).
        #[arg(long)]
        region: Option<String>,
        /// Only instances with this name, or matching this pattern (`*`: any characters).
        #[arg(long, value_name = "PATTERN")]
        name: Option<String>,
        /// Only instances with this tag (repeatable: every one must match).
        #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = instances::tag_arg)]
        tags: Vec<(String, String)>,
        #[command(flatten)]
        api: ApiArgs,
    },
}

/// Parses the command line and runs the chosen command.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        None | Some(Command::Serve) => serve(),
        Some(Command::Check {
            format,
            online,
            paths,
            api,
        }) => {
            let online = match online
                .then(|| check_online::OnlineChecker::new(&api))
                .transpose()
            {
                Ok(online) => online,
                Err(message) => {
                    eprintln!("--online: {message}");
                    return ExitCode::from(2);
                }
            };
            check::check(&paths, format, online)
        }
        Some(Command::Run {
            label,
            index,
            all,
            format,
            max_targets,
            path,
            api,
        }) => {
            let which = match all {
                true => run::Which::All,
                false => run::Which::One(entry::Selector::of(label.as_deref(), index)),
            };
            run::run(&api, which, format, max_targets, &path)
        }
        Some(Command::Exec(args)) => exec::exec(args),
        Some(Command::Instances {
            region,
            name,
            tags,
            api,
        }) => {
            let selector = Selector { name, tags };
            instances::instances(&api, region.as_deref(), &selector)
        }
    }
}

fn serve() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    let status = runtime.block_on(crate::lsp::serve());
    // A read of stdin may still be blocked on its thread: do not wait for it.
    runtime.shutdown_background();
    status
}
