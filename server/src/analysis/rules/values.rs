//! Value rules, checked once where a value is written: `invalid-container-group-id`,
//! `invalid-container-name`, `unknown-region`.

use crate::analysis::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::analysis::model::{Fields, Slot};
use crate::analysis::{regions, suggest};

pub fn check_fields(fields: &Fields, diagnostics: &mut Vec<Diagnostic>) {
    if let Slot::Value(id, span) = &fields.target.container_group_id
        && !is_container_group_id(id)
    {
        let message = if id.contains('*') {
            format!(
                "`{id}` is a masked id copied from the documentation: use your instance's real id (eci- followed by lowercase letters and digits)"
            )
        } else {
            format!(
                "`{id}` is not a container group id: expected `eci-` followed by lowercase letters and digits"
            )
        };
        diagnostics.push(Diagnostic::new(
            Code::InvalidContainerGroupId,
            *span,
            message,
        ));
    }
    if let Slot::Value(name, span) = &fields.container_name
        && !is_dns_label(name)
    {
        let message = format!(
            "`{name}` is not a valid container name: expected a lowercase DNS label (a-z, 0-9 and `-`, not at either end, at most 63 characters)"
        );
        diagnostics.push(Diagnostic::new(Code::InvalidContainerName, *span, message));
    }
    if let Slot::Value(region, span) = &fields.region_id
        && !regions::is_known_region(region)
    {
        let known = regions::KNOWN_REGIONS.iter().map(|(id, _)| *id);
        let diagnostic = match suggest::nearest(region, known) {
            Some(suggestion) => {
                let message =
                    format!("`{region}` is not a known ECI region: did you mean `{suggestion}`?");
                let fix = Fix {
                    title: format!("Change to `{suggestion}`"),
                    edits: vec![Edit {
                        span: *span,
                        text: format!("\"{suggestion}\""),
                    }],
                };
                Diagnostic::new(Code::UnknownRegion, *span, message).with_fix(fix)
            }
            None => {
                let message = format!(
                    "`{region}` is not a known ECI region (for example cn-hangzhou, cn-beijing, ap-southeast-1)"
                );
                Diagnostic::new(Code::UnknownRegion, *span, message)
            }
        };
        diagnostics.push(diagnostic);
    }
}

/// `eci-` followed by at least one lowercase letter or digit, nothing else.
pub fn is_container_group_id(id: &str) -> bool {
    id.strip_prefix("eci-").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// A lowercase RFC 1123 label: a-z, 0-9 and `-`, starting and ending alphanumeric, 1 to 63 long.
pub fn is_dns_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    let alphanumeric = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    (1..=63).contains(&bytes.len())
        && bytes.iter().all(|b| alphanumeric(b) || *b == b'-')
        && bytes.first().is_some_and(alphanumeric)
        && bytes.last().is_some_and(alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::{is_container_group_id, is_dns_label};

    #[test]
    fn container_group_ids() {
        assert!(is_container_group_id("eci-2zebxkiifulhl0001"));
        assert!(!is_container_group_id("eci-"));
        assert!(!is_container_group_id("eci-bp1dvysdafbh00t7****"));
        assert!(!is_container_group_id("ECI-abc"));
        assert!(!is_container_group_id("eci-ABC"));
    }

    #[test]
    fn dns_labels() {
        assert!(is_dns_label("nginx"));
        assert!(is_dns_label("a"));
        assert!(is_dns_label(&"a".repeat(63)));
        assert!(!is_dns_label(&"a".repeat(64)));
        assert!(!is_dns_label("-nginx"));
        assert!(!is_dns_label("nginx-"));
        assert!(!is_dns_label("Nginx"));
        assert!(!is_dns_label(""));
    }
}
