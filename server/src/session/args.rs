//! The `eci-exec-lsp exec` command line that opens a session for an entry, and the title of
//! the editor terminal that runs it (`eciExec.sessionArgs`). The flags are those `cli/exec.rs`
//! parses; a test there reads these arguments back into the same request.

use crate::analysis::hidden::escape_hidden;
use crate::analysis::resolve::{ResolvedEntry, Target};
use crate::eci::ExecRequest;

/// Longest command shown in a terminal's title before it is cut.
const TITLE_COMMAND_CHARS: usize = 40;

/// The API options that the command line passes on (`--profile`, `--endpoint`,
/// `--signature-version`), each when set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiOptions {
    pub profile: Option<String>,
    pub endpoint: Option<String>,
    pub signature_version: Option<String>,
}

/// `["exec", "--region", R, "--instance", ID, "--container", C, ("--tty",) ("--no-stdin",)
/// API options..., "--", command...]`; a selector gives `--name N` and `--tag K=V` (in the
/// order written) instead of `--instance`. `--yes` is never included: editors add it, right
/// after `exec`, only when the user turned the confirmation off.
pub fn exec_args(entry: &ResolvedEntry, api: &ApiOptions) -> Vec<String> {
    let request = &entry.request;
    let mut args = vec![
        "exec".to_owned(),
        "--region".to_owned(),
        request.region_id.clone(),
    ];
    match &entry.target {
        Target::Id(id) => args.extend(["--instance".to_owned(), id.clone()]),
        Target::Selector(selector) => {
            if let Some(name) = &selector.name {
                args.extend(["--name".to_owned(), name.clone()]);
            }
            for (key, value) in &selector.tags {
                args.extend(["--tag".to_owned(), format!("{key}={value}")]);
            }
        }
    }
    args.extend(["--container".to_owned(), request.container_name.clone()]);
    if request.tty {
        args.push("--tty".to_owned());
    }
    if !request.stdin {
        args.push("--no-stdin".to_owned());
    }
    let options = [
        ("--profile", &api.profile),
        ("--endpoint", &api.endpoint),
        ("--signature-version", &api.signature_version),
    ];
    for (flag, value) in options {
        if let Some(value) = value {
            args.extend([flag.to_owned(), value.clone()]);
        }
    }
    args.push("--".to_owned());
    args.extend(request.command.iter().cloned());
    args
}

/// `<Label, else the command cut at 40 characters> · <ContainerName>`, with hidden
/// characters escaped (a title must not carry a terminal escape or a bidi override).
pub fn title(label: Option<&str>, request: &ExecRequest) -> String {
    let what = match label {
        Some(label) => escape_hidden(label),
        None => {
            let command = escape_hidden(&request.command.join(" "));
            match command.char_indices().nth(TITLE_COMMAND_CHARS) {
                Some((cut, _)) => format!("{}…", &command[..cut]),
                None => command,
            }
        }
    };
    format!("{what} · {}", escape_hidden(&request.container_name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::selector::Selector;

    fn request(command: &[&str]) -> ExecRequest {
        ExecRequest {
            region_id: "cn-hangzhou".to_owned(),
            container_group_id: "eci-1".to_owned(),
            container_name: "web".to_owned(),
            command: command.iter().map(|item| item.to_string()).collect(),
            tty: true,
            stdin: true,
            sync: false,
        }
    }

    fn entry(target: Target, request: ExecRequest) -> ResolvedEntry {
        ResolvedEntry {
            index: 0,
            name: String::new(),
            label: None,
            target,
            request,
        }
    }

    #[test]
    fn the_flag_form_with_options_when_set() {
        let api = ApiOptions {
            profile: Some("prod".to_owned()),
            endpoint: None,
            signature_version: Some("v3".to_owned()),
        };
        let id = entry(
            Target::Id("eci-1".to_owned()),
            request(&["/bin/sh", "-c", "ls -a"]),
        );
        assert_eq!(
            exec_args(&id, &api),
            [
                "exec",
                "--region",
                "cn-hangzhou",
                "--instance",
                "eci-1",
                "--container",
                "web",
                "--tty",
                "--profile",
                "prod",
                "--signature-version",
                "v3",
                "--",
                "/bin/sh",
                "-c",
                "ls -a"
            ]
        );
        let mut quiet = request(&["--", "-x"]);
        (quiet.tty, quiet.stdin) = (false, false);
        let args = exec_args(
            &entry(Target::Id("eci-1".to_owned()), quiet),
            &ApiOptions::default(),
        );
        assert_eq!(args[7..], ["--no-stdin", "--", "--", "-x"]);
    }

    #[test]
    fn a_selector_gives_name_and_tags() {
        let selector = Selector {
            name: Some("web-*".to_owned()),
            tags: vec![
                ("app".to_owned(), "web".to_owned()),
                ("k".to_owned(), "a=b".to_owned()),
            ],
        };
        let args = exec_args(
            &entry(Target::Selector(selector), request(&["bash"])),
            &ApiOptions::default(),
        );
        assert_eq!(
            args[3..11],
            [
                "--name",
                "web-*",
                "--tag",
                "app=web",
                "--tag",
                "k=a=b",
                "--container",
                "web"
            ]
        );
    }

    #[test]
    fn titles() {
        assert_eq!(title(Some("shell"), &request(&["bash"])), "shell · web");
        let long = request(&[
            "/bin/sh",
            "-c",
            "tail -f /var/log/nginx/access.log | grep 500",
        ]);
        assert_eq!(
            title(None, &long),
            "/bin/sh -c tail -f /var/log/nginx/access… · web"
        );
        assert_eq!(title(Some("a\u{1b}[2Jb"), &long), "a\\u001b[2Jb · web");
    }
}
