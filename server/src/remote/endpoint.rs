//! The API endpoint: default, option or `ECI_EXEC_ENDPOINT`; plain http only on loopback.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;

use super::credentials::Environment;

/// What the official SDKs use for every region (the region travels in `RegionId`).
pub const DEFAULT_ENDPOINT: &str = "https://eci.aliyuncs.com";

/// A checked endpoint: `https://host[:port]`, or `http://` on a loopback host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    base: String,
    host: String,
}

/// An endpoint that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError {
    /// The endpoint as given.
    pub endpoint: String,
    /// Why it was refused.
    pub reason: String,
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid endpoint '{}': {}", self.endpoint, self.reason)
    }
}

impl std::error::Error for EndpointError {}

impl Endpoint {
    /// Checks `text`: a bare host gets `https://`; `http://` is allowed only for
    /// 127.0.0.0/8, ::1 and localhost; no path, query or user info.
    pub fn parse(text: &str) -> Result<Self, EndpointError> {
        let refuse = |reason: &str| EndpointError {
            endpoint: text.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = text.trim();
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let url = Url::parse(&with_scheme).map_err(|e| refuse(&e.to_string()))?;
        let host_str = url.host_str().ok_or_else(|| refuse("it has no host"))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse("user info is not allowed"));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(refuse("give only scheme, host and port (no path or query)"));
        }
        match url.scheme() {
            "https" => {}
            "http" => {
                let bare = host_str.trim_start_matches('[').trim_end_matches(']');
                let loopback = bare.eq_ignore_ascii_case("localhost")
                    || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
                if !loopback {
                    return Err(refuse(
                        "plain http is allowed only for a loopback host; use https",
                    ));
                }
            }
            _ => return Err(refuse("the scheme must be https (or http on loopback)")),
        }
        // The Host header as the HTTP client sends it: the port only when not the default.
        let host = match url.port() {
            Some(port) => format!("{host_str}:{port}"),
            None => host_str.to_owned(),
        };
        Ok(Self {
            base: format!("{}://{host}", url.scheme()),
            host,
        })
    }

    /// The endpoint option if given, else `ECI_EXEC_ENDPOINT`, else the default.
    /// Never read from a workspace file: a cloned repository must not redirect keys.
    pub fn resolve(option: Option<&str>, env: &Environment) -> Result<Self, EndpointError> {
        let chosen = option.map(str::trim).filter(|o| !o.is_empty());
        Self::parse(
            chosen
                .or_else(|| env.get("ECI_EXEC_ENDPOINT"))
                .unwrap_or(DEFAULT_ENDPOINT),
        )
    }

    /// `scheme://host[:port]`, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The `Host` header value (port included when not the scheme's default).
    pub fn host(&self) -> &str {
        &self.host
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}
