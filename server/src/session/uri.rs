//! The `WebSocketUri` of a session: checked before anything connects (`wss`, or `ws` on a
//! loopback host), and shown only without its query, which is a credential.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;

/// A session URI that may be connected to. Its `Display` (and `Debug`) hides every query
/// value: `wss://host/exec/?s=***`.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionUri {
    url: Url,
}

/// Why a URI is refused; the message never holds the URI's query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriRefused(pub String);

impl fmt::Display for UriRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl SessionUri {
    /// Accepts `wss://…` (certificates are verified when connecting) and `ws://…` on
    /// 127.0.0.0/8, `::1` or `localhost`; refuses anything else, and user info.
    pub fn parse(text: &str) -> Result<Self, UriRefused> {
        let url = Url::parse(text.trim())
            .map_err(|error| UriRefused(format!("the session URI is not a valid URL ({error})")))?;
        let shown = redacted(&url);
        let host = url
            .host_str()
            .ok_or_else(|| UriRefused(format!("the session URI {shown} has no host")))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UriRefused(format!(
                "the session URI {shown} holds user info; refused"
            )));
        }
        match url.scheme() {
            "wss" => {}
            "ws" if is_loopback(host) => {}
            "ws" => {
                return Err(UriRefused(format!(
                    "refused to connect to {shown}: plain ws:// is allowed only on a loopback host (the session would travel unencrypted)"
                )));
            }
            other => {
                return Err(UriRefused(format!(
                    "refused to connect to {shown}: the scheme is {other}, not wss"
                )));
            }
        }
        Ok(Self { url })
    }

    /// The full URI, token included: only for the connection itself.
    pub fn as_secret_str(&self) -> &str {
        self.url.as_str()
    }

    /// Whether the connection uses TLS.
    pub fn is_tls(&self) -> bool {
        self.url.scheme() == "wss"
    }

    /// The host, without brackets for IPv6.
    pub fn host(&self) -> &str {
        let host = self.url.host_str().unwrap_or_default();
        host.trim_start_matches('[').trim_end_matches(']')
    }

    /// The port, the scheme's default when none is written.
    pub fn port(&self) -> u16 {
        self.url.port_or_known_default().unwrap_or(443)
    }
}

impl fmt::Display for SessionUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redacted(&self.url))
    }
}

impl fmt::Debug for SessionUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionUri({self})")
    }
}

/// `scheme://host[:port]/path?name=***&…`: every query value and any fragment hidden.
pub fn redacted(url: &Url) -> String {
    let mut shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        shown.push_str(&format!(":{port}"));
    }
    shown.push_str(url.path());
    if let Some(query) = url.query() {
        let names: Vec<String> = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| format!("{}=***", pair.split('=').next().unwrap_or_default()))
            .collect();
        shown.push('?');
        shown.push_str(&names.join("&"));
    }
    shown
}

/// `localhost`, 127.0.0.0/8 or `::1`.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::SessionUri;

    #[test]
    fn wss_anywhere_and_ws_only_on_loopback() {
        for ok in [
            "wss://eci-cn-shanghai.aliyun.com/exec/?s=abc",
            "ws://127.0.0.1:8080/exec/?s=abc",
            "ws://127.3.4.5/exec/?s=abc",
            "ws://[::1]:9/exec/?s=abc",
            "ws://LOCALHOST/exec/?s=abc",
        ] {
            assert!(SessionUri::parse(ok).is_ok(), "{ok}");
        }
        for refused in [
            "ws://example.invalid/exec/?s=secret-token",
            "ws://10.0.0.1/exec/?s=secret-token",
            "http://127.0.0.1/exec/?s=secret-token",
            "https://eci.aliyun.com/exec/?s=secret-token",
            "wss://user:secret-token@eci.aliyun.com/exec/",
            "not a url secret-token",
        ] {
            let error = SessionUri::parse(refused).unwrap_err();
            assert!(!error.0.contains("secret-token"), "{error}");
        }
    }

    #[test]
    fn shows_no_query_value() {
        let uri = SessionUri::parse("wss://eci.example.com:8443/exec/?s=tok&x=1#frag").unwrap();
        assert_eq!(
            uri.to_string(),
            "wss://eci.example.com:8443/exec/?s=***&x=***"
        );
        assert_eq!(
            format!("{uri:?}"),
            "SessionUri(wss://eci.example.com:8443/exec/?s=***&x=***)"
        );
        assert_eq!(
            (uri.host(), uri.port(), uri.is_tls()),
            ("eci.example.com", 8443, true)
        );
        let plain = SessionUri::parse("ws://[::1]/exec/?s=tok").unwrap();
        assert_eq!((plain.host(), plain.port()), ("::1", 80));
    }
}
