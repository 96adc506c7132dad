//! Recognises an interactive shell command (`["/bin/bash"]`, `["bash", "-l"]`,
//! `["/usr/bin/env", "bash"]`) as the contract defines it.

const SHELLS: [&str; 6] = ["bash", "sh", "zsh", "ash", "dash", "ksh"];

fn base_name(item: &str) -> &str {
    item.rsplit('/').next().unwrap_or(item)
}

/// Whether the command starts an interactive shell: after a leading `env` with its options and
/// `NAME=value` items, a shell whose remaining items are all options and none runs a command string.
pub fn is_interactive_shell(items: &[&str]) -> bool {
    let mut rest = items;
    if rest.first().is_some_and(|first| base_name(first) == "env") {
        rest = &rest[1..];
        while rest
            .first()
            .is_some_and(|item| item.starts_with('-') || is_assignment(item))
        {
            rest = &rest[1..];
        }
    }
    let Some((program, options)) = rest.split_first() else {
        return false;
    };
    SHELLS.contains(&base_name(program))
        && options
            .iter()
            .all(|option| is_option_without_command(option))
}

fn is_assignment(item: &str) -> bool {
    item.split_once('=')
        .is_some_and(|(name, _)| !name.is_empty() && !name.contains('/'))
}

/// `-l`, `-i`, `--login` are options; `-c` or a cluster holding `c` (`-lc`) runs a string.
fn is_option_without_command(item: &str) -> bool {
    if item.starts_with("--") {
        return item.len() > 2;
    }
    match item.strip_prefix('-') {
        Some(cluster) => !cluster.is_empty() && !cluster.contains('c'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_interactive_shell;

    #[test]
    fn shells_from_the_contract() {
        assert!(is_interactive_shell(&["/bin/bash"]));
        assert!(is_interactive_shell(&["bash", "-l"]));
        assert!(is_interactive_shell(&["/usr/bin/env", "bash"]));
        assert!(is_interactive_shell(&[
            "env",
            "-i",
            "TERM=xterm",
            "/bin/zsh",
            "--login"
        ]));
    }

    #[test]
    fn commands_that_run_something_are_not_shells() {
        assert!(!is_interactive_shell(&["/bin/sh", "-c", "ls"]));
        assert!(!is_interactive_shell(&["bash", "-lc", "ls"]));
        assert!(!is_interactive_shell(&["bash", "-ec"]));
        assert!(!is_interactive_shell(&["bash", "/opt/run.sh"]));
        assert!(!is_interactive_shell(&["python3"]));
        assert!(!is_interactive_shell(&["env"]));
        assert!(!is_interactive_shell(&[]));
    }
}
