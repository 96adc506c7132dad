//! Signature V2: the RPC style HMAC-SHA1 signature (`SignatureVersion=1.0`), the default.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::API_VERSION;
use super::credentials::Credentials;
use super::percent::percent_encode;

/// The canonicalized query string: parameters sorted by name (byte order; the map does it),
/// `encode(name)=encode(value)` joined with `&`. `Signature` itself is never part of it.
pub fn canonical_query(params: &BTreeMap<String, String>) -> String {
    params
        .iter()
        .filter(|(name, _)| name.as_str() != "Signature")
        .map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `METHOD&%2F&encode(canonical query)`: the canonical string is encoded a second time.
pub fn string_to_sign(method: &str, params: &BTreeMap<String, String>) -> String {
    format!(
        "{method}&{}&{}",
        percent_encode("/"),
        percent_encode(&canonical_query(params))
    )
}

/// Base64 of HMAC-SHA1 keyed with `secret + "&"` over the string to sign.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    hmac_sha1_base64(format!("{secret}&").as_bytes(), string_to_sign.as_bytes())
}

/// Base64 of HMAC-SHA1 with the key used as given.
pub fn hmac_sha1_base64(key: &[u8], message: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha1>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(message);
    BASE64.encode(mac.finalize().into_bytes())
}

/// A signed V2 request: the query to send after `/?` and what was signed.
///
/// No `Debug`: the query holds the signature and, with STS credentials, the token.
pub struct SignedV2 {
    /// Every parameter plus `Signature`, percent-encoded, in canonical order.
    pub query: String,
    /// The string to sign, kept to diagnose a `SignatureDoesNotMatch`.
    pub string_to_sign: String,
}

/// Adds the common parameters to `business` and signs the call.
///
/// `timestamp` is `YYYY-MM-DDThh:mm:ssZ`; `nonce` must be fresh for every attempt.
pub fn sign_rpc(
    method: &str,
    action: &str,
    business: &BTreeMap<String, String>,
    credentials: &Credentials,
    timestamp: &str,
    nonce: &str,
) -> SignedV2 {
    let mut params = business.clone();
    let common = [
        ("Action", action),
        ("Version", API_VERSION),
        ("Format", "JSON"),
        ("AccessKeyId", credentials.access_key_id.as_str()),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", nonce),
        ("Timestamp", timestamp),
    ];
    for (name, value) in common {
        params.insert(name.to_owned(), value.to_owned());
    }
    if let Some(token) = &credentials.security_token {
        params.insert("SecurityToken".to_owned(), token.expose().to_owned());
    }
    let string_to_sign = string_to_sign(method, &params);
    let signature = signature(credentials.access_key_secret.expose(), &string_to_sign);
    let query = format!(
        "{}&Signature={}",
        canonical_query(&params),
        percent_encode(&signature)
    );
    SignedV2 {
        query,
        string_to_sign,
    }
}
