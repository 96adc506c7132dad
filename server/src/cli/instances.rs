//! `eci-exec-lsp instances`: lists container groups and their containers; with `--name` and
//! `--tag`, the ones that selector picks (the API filters on an exact name and the tags, a `*`
//! pattern is matched here), to preview what an entry's selector runs on.

use std::io::Write as _;
use std::process::ExitCode;

use super::ApiArgs;
use crate::analysis::selector::Selector;
use crate::remote::{ContainerGroup, SetupError};

/// Where listing goes when neither `--region` nor the profile names a region.
const FALLBACK_REGION: &str = "cn-hangzhou";

/// Lists the container groups of `region` that `selector` picks (every one for an empty
/// selector) with their containers: exit 0, or 1 with the API's error (2 for an unusable
/// option).
pub fn instances(api: &ApiArgs, region: Option<&str>, selector: &Selector) -> ExitCode {
    let client = match api.client() {
        Ok(client) => client,
        Err(error @ SetupError::Credentials(_)) => return fail(&error.to_string(), 1),
        Err(error) => return fail(&error.to_string(), 2),
    };
    let region = region
        .or(client.default_region())
        .unwrap_or(FALLBACK_REGION)
        .to_owned();
    let runtime = match super::runtime() {
        Ok(runtime) => runtime,
        Err(message) => return fail(&message, 1),
    };
    match runtime.block_on(client.describe_container_groups_where(&region, &selector.query())) {
        Ok(groups) => {
            let picked: Vec<ContainerGroup> = groups
                .into_iter()
                .filter(|group| selector.matches(group))
                .collect();
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = stdout.write_all(render(&region, &picked, selector).as_bytes());
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error.user_message(), 1),
    }
}

/// `--tag KEY=VALUE`, read as `exec` reads it.
pub fn tag_arg(text: &str) -> Result<(String, String), String> {
    super::exec::parse_tag(text).ok_or_else(|| format!("`{text}` is not KEY=VALUE"))
}

fn fail(message: &str, code: u8) -> ExitCode {
    eprintln!("eci-exec-lsp: {message}");
    ExitCode::from(code)
}

/// What `selector` asks for, for headings: ` matching name web-* and tags app=web`.
fn describe(selector: &Selector) -> String {
    let mut parts = Vec::new();
    if let Some(name) = &selector.name {
        parts.push(format!("name {name}"));
    }
    if !selector.tags.is_empty() {
        let tags: Vec<String> = selector
            .tags
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.push(format!("tags {}", tags.join(", ")));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" matching {}", parts.join(" and "))
    }
}

/// The table: one line per group (id, name, status, zone, IPs), then its tags and one
/// indented line per container (name, image, state).
fn render(region: &str, groups: &[ContainerGroup], selector: &Selector) -> String {
    let matching = describe(selector);
    if groups.is_empty() {
        return format!("No container groups in {region}{matching}.\n");
    }
    let or_dash = |text: &str| {
        if text.is_empty() {
            "-".to_owned()
        } else {
            text.to_owned()
        }
    };
    let rows: Vec<[String; 5]> = groups
        .iter()
        .map(|group| {
            let ip = match (group.intranet_ip.as_str(), group.internet_ip.as_str()) {
                (private, "") => or_dash(private),
                (private, public) => format!("{} / {public}", or_dash(private)),
            };
            [
                group.container_group_id.clone(),
                or_dash(&group.container_group_name),
                or_dash(&group.status),
                or_dash(&group.zone_id),
                ip,
            ]
        })
        .collect();
    let header = ["ID", "NAME", "STATUS", "ZONE", "IP"].map(str::to_owned);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String; 5]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let plural = if groups.len() == 1 { "" } else { "s" };
    let mut out = format!(
        "{} container group{plural} in {region}{matching}\n\n{}",
        groups.len(),
        line(&header)
    );
    for (group, row) in groups.iter().zip(&rows) {
        out.push_str(&line(row));
        if !group.tags.is_empty() {
            let tags: Vec<String> = group
                .tags
                .iter()
                .map(|tag| format!("{}={}", tag.key, tag.value))
                .collect();
            out.push_str(&format!("    tags: {}\n", tags.join(", ")));
        }
        for container in &group.containers {
            let mut state = or_dash(&container.current_state.state);
            if container.ready {
                state.push_str(", ready");
            }
            if container.restart_count > 0 {
                state.push_str(&format!(", {} restarts", container.restart_count));
            }
            let image = or_dash(&container.image);
            out.push_str(&format!(
                "    └ {}  {image}  ({state})\n",
                or_dash(&container.name)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remote::{Container, ContainerState};

    #[test]
    fn renders_groups_and_containers() {
        let group = ContainerGroup {
            container_group_id: "eci-1".into(),
            container_group_name: "web".into(),
            status: "Running".into(),
            zone_id: "cn-hangzhou-h".into(),
            intranet_ip: "172.16.0.1".into(),
            internet_ip: "47.0.0.1".into(),
            containers: vec![Container {
                name: "nginx".into(),
                image: "nginx:1".into(),
                ready: true,
                restart_count: 2,
                current_state: ContainerState {
                    state: "Running".into(),
                    ..Default::default()
                },
            }],
            ..Default::default()
        };
        let text = render("cn-hangzhou", &[group], &Selector::default());
        assert_eq!(
            text,
            "1 container group in cn-hangzhou\n\n\
             ID     NAME  STATUS   ZONE           IP\n\
             eci-1  web   Running  cn-hangzhou-h  172.16.0.1 / 47.0.0.1\n    \
             └ nginx  nginx:1  (Running, ready, 2 restarts)\n"
        );
        assert_eq!(
            render("x", &[], &Selector::default()),
            "No container groups in x.\n"
        );
        let selector = Selector {
            name: Some("web-*".into()),
            tags: vec![("app".into(), "web".into())],
        };
        assert_eq!(
            render("x", &[], &selector),
            "No container groups in x matching name web-* and tags app=web.\n"
        );
    }
}
