//! `eci-exec-lsp instances`: lists container groups and their containers.

use std::io::Write as _;
use std::process::ExitCode;

use super::ApiArgs;
use crate::remote::{ContainerGroup, SetupError};

/// Where listing goes when neither `--region` nor the profile names a region.
const FALLBACK_REGION: &str = "cn-hangzhou";

/// Lists the container groups of `region` with their containers: exit 0, or 1 with the
/// API's error (2 for an unusable option).
pub fn instances(api: &ApiArgs, region: Option<&str>) -> ExitCode {
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
    match runtime.block_on(client.describe_container_groups(&region, &[])) {
        Ok(groups) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = stdout.write_all(render(&region, &groups).as_bytes());
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error.user_message(), 1),
    }
}

fn fail(message: &str, code: u8) -> ExitCode {
    eprintln!("eci-exec-lsp: {message}");
    ExitCode::from(code)
}

/// The table: one line per group (id, name, status, zone, IPs), then one indented line
/// per container (name, image, state).
fn render(region: &str, groups: &[ContainerGroup]) -> String {
    if groups.is_empty() {
        return format!("No container groups in {region}.\n");
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
        "{} container group{plural} in {region}\n\n{}",
        groups.len(),
        line(&header)
    );
    for (group, row) in groups.iter().zip(&rows) {
        out.push_str(&line(row));
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
        let text = render("cn-hangzhou", &[group]);
        assert_eq!(
            text,
            "1 container group in cn-hangzhou\n\n\
             ID     NAME  STATUS   ZONE           IP\n\
             eci-1  web   Running  cn-hangzhou-h  172.16.0.1 / 47.0.0.1\n    \
             └ nginx  nginx:1  (Running, ready, 2 restarts)\n"
        );
        assert_eq!(render("x", &[]), "No container groups in x.\n");
    }
}
