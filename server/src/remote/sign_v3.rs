//! Signature V3: ACS3-HMAC-SHA256 with the signature in the `Authorization` header.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::API_VERSION;
use super::credentials::Credentials;
use super::percent::percent_encode;

/// The algorithm name, first line of the string to sign and start of `Authorization`.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Lower-case hex SHA-256 of an empty body.
pub const EMPTY_BODY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What goes into a V3 signature.
pub struct CanonicalInput<'a> {
    /// HTTP verb, upper case.
    pub method: &'a str,
    /// The path; empty counts as `/`.
    pub pathname: &'a str,
    /// Query parameters, decoded.
    pub query: &'a BTreeMap<String, String>,
    /// The headers to sign, names in any case; a name given twice merges its values.
    pub headers: &'a [(String, String)],
    /// Lower-case hex SHA-256 of the body (also sent as `x-acs-content-sha256`).
    pub hashed_payload: &'a str,
}

/// Every intermediate of a V3 signature, so tests and the fake can compare them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3Signature {
    /// The canonical request.
    pub canonical_request: String,
    /// Signed header names, lower case, sorted, joined by `;`.
    pub signed_headers: String,
    /// `ACS3-HMAC-SHA256\n<hex sha256 of the canonical request>`.
    pub string_to_sign: String,
    /// Lower-case hex HMAC-SHA256 of the string to sign, keyed with the secret as is.
    pub signature: String,
}

impl V3Signature {
    /// The `Authorization` header value.
    pub fn authorization(&self, access_key_id: &str) -> String {
        format!(
            "{ALGORITHM} Credential={access_key_id},SignedHeaders={},Signature={}",
            self.signed_headers, self.signature
        )
    }
}

/// The canonical query string: sorted, `encode(name)=encode(value)`, joined with `&`;
/// unlike V2 it is not encoded a second time.
pub fn canonical_query(query: &BTreeMap<String, String>) -> String {
    query
        .iter()
        .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Computes the signature of `input` with `secret`.
pub fn sign(input: &CanonicalInput<'_>, secret: &str) -> V3Signature {
    // Lower-case names, trimmed values; repeated names get their values sorted and joined.
    let mut merged: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (name, value) in input.headers {
        merged
            .entry(name.to_ascii_lowercase())
            .or_default()
            .push(value.trim());
    }
    let mut canonical_headers = String::new();
    for (name, values) in &mut merged {
        values.sort_unstable();
        canonical_headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let signed_headers = merged
        .keys()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(";");
    let pathname = if input.pathname.is_empty() {
        "/"
    } else {
        input.pathname
    };
    let canonical_request = format!(
        "{}\n{pathname}\n{}\n{canonical_headers}\n{signed_headers}\n{}",
        input.method,
        canonical_query(input.query),
        input.hashed_payload
    );
    let string_to_sign = format!("{ALGORITHM}\n{}", sha256_hex(canonical_request.as_bytes()));
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!());
    mac.update(string_to_sign.as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    V3Signature {
        canonical_request,
        signed_headers,
        string_to_sign,
        signature,
    }
}

/// A signed V3 request: the query to send after `/?`, the headers to send (all signed,
/// `Authorization` last) and what was signed. No `Debug`: the headers hold the STS token.
pub struct SignedV3 {
    /// The business parameters, percent-encoded, in canonical order.
    pub query: String,
    /// Headers to send, including `host` and `Authorization`.
    pub headers: Vec<(String, String)>,
    /// The string to sign, kept to diagnose a `SignatureDoesNotMatch`.
    pub string_to_sign: String,
}

/// Signs an RPC call with an empty body: business parameters in the query, the rest in
/// `x-acs-*` headers. `host` is the `Host` header as sent (port included).
pub fn sign_rpc(
    method: &str,
    action: &str,
    business: &BTreeMap<String, String>,
    credentials: &Credentials,
    host: &str,
    timestamp: &str,
    nonce: &str,
) -> SignedV3 {
    let mut headers: Vec<(String, String)> = [
        ("host", host),
        ("x-acs-action", action),
        ("x-acs-version", API_VERSION),
        ("x-acs-date", timestamp),
        ("x-acs-signature-nonce", nonce),
        ("x-acs-content-sha256", EMPTY_BODY_SHA256),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect();
    if let Some(token) = &credentials.security_token {
        headers.push(("x-acs-security-token".to_owned(), token.expose().to_owned()));
    }
    let signature = sign(
        &CanonicalInput {
            method,
            pathname: "/",
            query: business,
            headers: &headers,
            hashed_payload: EMPTY_BODY_SHA256,
        },
        credentials.access_key_secret.expose(),
    );
    headers.push((
        "authorization".to_owned(),
        signature.authorization(&credentials.access_key_id),
    ));
    SignedV3 {
        query: canonical_query(business),
        headers,
        string_to_sign: signature.string_to_sign,
    }
}
