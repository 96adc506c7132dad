//! Document links: the `$schema` of the file, resolved against the document's own URI (a path
//! relative to its folder, or absolute), or an `http(s)`/`file` URL as it is.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::Analysis;
use super::fields;
use super::span::Span;

/// What a path may hold in a URI as it is: the unreserved characters and `/`.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The text between the string's quotes.
    pub span: Span,
    /// The URI it leads to.
    pub target: String,
}

/// The links of the document at `document` (its URI): each top-level `$schema` that names a
/// file or a web address.
pub fn links(analysis: &Analysis, text: &str, document: &str) -> Vec<Link> {
    let Some(members) = analysis.tree.as_ref().and_then(|root| root.as_object()) else {
        return Vec::new();
    };
    members
        .iter()
        .filter(|member| member.key.text == fields::SCHEMA)
        .filter_map(|member| {
            let value = member.value.as_ref()?;
            let literal = &text[value.span.start..value.span.end];
            let closed = literal.len() >= 2 && literal.ends_with('"');
            let end = if closed {
                value.span.end - 1
            } else {
                value.span.end
            };
            Some(Link {
                span: Span::new(value.span.start + 1, end),
                target: resolve(document, value.as_str()?)?,
            })
        })
        .collect()
}

/// The scheme of `reference` (`https` in `https://...`), if it starts with one.
fn scheme(reference: &str) -> Option<&str> {
    let (scheme, _) = reference.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// `reference` as a URI: a web or file URL as it is, an absolute path as a `file:` URL, a
/// relative path joined to the folder of `document` (a hierarchical URI such as `file:///`).
/// `None` for anything else (`urn:...`, or a relative path in an `untitled:` document).
pub fn resolve(document: &str, reference: &str) -> Option<String> {
    let reference = reference.trim();
    if reference.is_empty() {
        return None;
    }
    if let Some(scheme) = scheme(reference) {
        let known = ["http", "https", "file"]
            .iter()
            .any(|known| scheme.eq_ignore_ascii_case(known));
        return known.then(|| reference.to_owned());
    }
    let encoded = utf8_percent_encode(reference, PATH).to_string();
    if encoded.starts_with('/') {
        return Some(format!("file://{}", normalize(&encoded)));
    }
    // `scheme://authority/path`: the folder is the path up to its last `/`.
    let document = document.split(['?', '#']).next().unwrap_or_default();
    let after_scheme = document.find("://")? + 3;
    let path_start = document[after_scheme..]
        .find('/')
        .map_or(document.len(), |at| after_scheme + at);
    let folder_end = document.rfind('/').filter(|&at| at >= path_start)?;
    let joined = format!("{}/{encoded}", &document[path_start..folder_end]);
    Some(format!("{}{}", &document[..path_start], normalize(&joined)))
}

/// An absolute path with its `.` and `..` segments resolved (RFC 3986, 5.2.4).
fn normalize(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/').skip(1) {
        match segment {
            "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    format!("/{}", segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;

    const DOCUMENT: &str = "file:///work/repo/examples/web.eci.json";

    #[test]
    fn relative_paths_resolve_against_the_document_folder() {
        assert_eq!(
            resolve(DOCUMENT, "../schemas/eci-exec.schema.json").as_deref(),
            Some("file:///work/repo/schemas/eci-exec.schema.json")
        );
        assert_eq!(
            resolve(DOCUMENT, "./my schema.json").as_deref(),
            Some("file:///work/repo/examples/my%20schema.json")
        );
        assert_eq!(
            resolve(DOCUMENT, "../../../../x.json").as_deref(),
            Some("file:///x.json")
        );
        assert_eq!(
            resolve("file:///w/%E9%83%A8%E7%BD%B2/a.json?x#y", "s.json").as_deref(),
            Some("file:///w/%E9%83%A8%E7%BD%B2/s.json")
        );
        assert_eq!(
            resolve(DOCUMENT, "部署.json").as_deref(),
            Some("file:///work/repo/examples/%E9%83%A8%E7%BD%B2.json")
        );
    }

    #[test]
    fn urls_stay_absolute_paths_become_file_urls_and_the_rest_is_no_link() {
        let url = "https://example.com/schemas/eci-exec.schema.json";
        assert_eq!(resolve(DOCUMENT, url).as_deref(), Some(url));
        assert_eq!(
            resolve(DOCUMENT, "HTTP://a/b").as_deref(),
            Some("HTTP://a/b")
        );
        assert_eq!(
            resolve(DOCUMENT, "/etc/schemas/a b.json").as_deref(),
            Some("file:///etc/schemas/a%20b.json")
        );
        assert_eq!(
            resolve(DOCUMENT, "urn:eci-exec-lsp:schema:eci-exec:1"),
            None
        );
        assert_eq!(resolve(DOCUMENT, "  "), None);
        assert_eq!(resolve("untitled:Untitled-1", "schema.json"), None);
    }

    #[test]
    fn the_link_covers_the_text_between_the_quotes() {
        let text = "{\"$schema\": \"../s.json\", \"Execs\": [{\"$schema\": \"x.json\"}]}";
        let found = links(&analyze(text), text, DOCUMENT);
        assert_eq!(
            found,
            [Link {
                span: Span::new(13, 22),
                target: "file:///work/repo/s.json".to_owned()
            }]
        );
        assert_eq!(&text[13..22], "../s.json");
        let unclosed = "{\"$schema\": \"../s.json\n}";
        let found = links(&analyze(unclosed), unclosed, DOCUMENT);
        assert_eq!(found[0].span, Span::new(13, 22));
    }
}
