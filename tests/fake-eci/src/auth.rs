//! Signature checks like the gateway's: V2 and V3, clock skew, nonce reuse, STS tokens.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use eci_exec_lsp::remote::timestamp::parse_utc;
use eci_exec_lsp::remote::{sign_v2, sign_v3};

use crate::state::State;
use crate::{ApiFailure, FakeKey};

/// The gateway's allowed clock skew.
const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// What the signature check needs from a request.
pub(crate) struct Incoming<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub params: &'a BTreeMap<String, String>,
    /// Lower-case name, value.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl Incoming<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// V3 when an ACS3 `Authorization` header is present.
    pub fn is_v3(&self) -> bool {
        self.header("authorization")
            .is_some_and(|a| a.starts_with(sign_v3::ALGORITHM))
    }

    /// The STS token sent, from the query (V2) or `x-acs-security-token` (V3).
    pub fn security_token(&self) -> Option<&str> {
        if self.is_v3() {
            self.header("x-acs-security-token")
        } else {
            self.params.get("SecurityToken").map(String::as_str)
        }
    }

    /// The action, from the query (V2) or `x-acs-action` (V3).
    pub fn action(&self) -> Option<&str> {
        if self.is_v3() {
            self.header("x-acs-action")
        } else {
            self.params.get("Action").map(String::as_str)
        }
    }
}

fn missing(name: &str) -> ApiFailure {
    ApiFailure::new(
        400,
        "MissingParameter",
        &format!(
            "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
        ),
    )
}

fn mismatch(server_string_to_sign: &str) -> ApiFailure {
    ApiFailure::new(
        400,
        "SignatureDoesNotMatch",
        &format!(
            "Specified signature is not matched with our calculation. server string to sign is:{server_string_to_sign}"
        ),
    )
}

/// Checks the request's signature; on success the nonce is spent.
pub(crate) fn verify(state: &mut State, incoming: &Incoming<'_>) -> Result<(), ApiFailure> {
    if incoming.is_v3() {
        verify_v3(state, incoming)
    } else {
        verify_v2(state, incoming)
    }
}

fn verify_v2(state: &mut State, incoming: &Incoming<'_>) -> Result<(), ApiFailure> {
    let param = |name: &str| {
        incoming
            .params
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| missing(name))
    };
    let (key_id, signature) = (param("AccessKeyId")?, param("Signature")?);
    let (timestamp, nonce) = (param("Timestamp")?, param("SignatureNonce")?);
    if param("SignatureMethod")? != "HMAC-SHA1" || param("SignatureVersion")? != "1.0" {
        return Err(ApiFailure::new(
            400,
            "InvalidParameter",
            "Unsupported SignatureMethod or SignatureVersion.",
        ));
    }
    check_time(timestamp)?;
    let key = find_key(state, key_id)?;
    let string_to_sign = sign_v2::string_to_sign(incoming.method, incoming.params);
    if sign_v2::signature(&key.secret, &string_to_sign) != signature {
        return Err(mismatch(&string_to_sign));
    }
    check_token(&key, incoming.security_token())?;
    spend_nonce(state, nonce)
}

fn verify_v3(state: &mut State, incoming: &Incoming<'_>) -> Result<(), ApiFailure> {
    let incomplete = || {
        ApiFailure::new(
            400,
            "IncompleteSignature",
            "The Authorization header is malformed.",
        )
    };
    let authorization = incoming.header("authorization").unwrap_or_default();
    let fields = authorization
        .strip_prefix(sign_v3::ALGORITHM)
        .ok_or_else(incomplete)?
        .trim();
    let mut parts = BTreeMap::new();
    for part in fields.split(',') {
        let (name, value) = part.trim().split_once('=').ok_or_else(incomplete)?;
        parts.insert(name, value);
    }
    let (key_id, signed_headers, signature) = match (
        parts.get("Credential"),
        parts.get("SignedHeaders"),
        parts.get("Signature"),
    ) {
        (Some(k), Some(h), Some(s)) => (*k, *h, *s),
        _ => return Err(incomplete()),
    };
    let header = |name: &str| incoming.header(name).ok_or_else(|| missing(name));
    let (timestamp, nonce) = (header("x-acs-date")?, header("x-acs-signature-nonce")?);
    let hashed_payload = header("x-acs-content-sha256")?;
    check_time(timestamp)?;
    let key = find_key(state, key_id)?;
    // Sign exactly the headers the client listed, with every value it sent for each.
    let names: Vec<&str> = signed_headers.split(';').collect();
    let headers: Vec<(String, String)> = incoming
        .headers
        .iter()
        .filter(|(n, _)| names.contains(&n.as_str()))
        .cloned()
        .collect();
    let input = sign_v3::CanonicalInput {
        method: incoming.method,
        pathname: incoming.path,
        query: incoming.params,
        headers: &headers,
        hashed_payload,
    };
    let expected = sign_v3::sign(&input, &key.secret);
    let body_ok = sign_v3::sha256_hex(incoming.body) == hashed_payload;
    if expected.signature != signature || !body_ok || !names.contains(&"host") {
        return Err(mismatch(&expected.string_to_sign));
    }
    check_token(&key, incoming.security_token())?;
    spend_nonce(state, nonce)
}

fn check_time(timestamp: &str) -> Result<(), ApiFailure> {
    let when = parse_utc(timestamp).ok_or_else(|| {
        ApiFailure::new(
            400,
            "InvalidTimeStamp.Format",
            "Specified time stamp or date value is not well formatted.",
        )
    })?;
    let now = SystemTime::now();
    let skew = match now.duration_since(when) {
        Ok(behind) => behind,
        Err(ahead) => ahead.duration(),
    };
    if skew > MAX_SKEW {
        return Err(ApiFailure::new(
            400,
            "InvalidTimeStamp.Expired",
            "Specified time stamp or date value is expired.",
        ));
    }
    Ok(())
}

fn find_key(state: &State, key_id: &str) -> Result<FakeKey, ApiFailure> {
    state
        .keys
        .iter()
        .find(|k| k.id == key_id)
        .cloned()
        .ok_or_else(|| {
            ApiFailure::new(
                404,
                "InvalidAccessKeyId.NotFound",
                "Specified access key is not found.",
            )
        })
}

/// A key configured with an STS token must present it; a plain key must not need one.
fn check_token(key: &FakeKey, sent: Option<&str>) -> Result<(), ApiFailure> {
    match (&key.security_token, sent) {
        (None, _) => Ok(()),
        (Some(_), None) => Err(ApiFailure::new(
            400,
            "MissingSecurityToken",
            "SecurityToken is mandatory for this action.",
        )),
        (Some(expected), Some(sent)) if expected == sent => Ok(()),
        (Some(_), Some(_)) => Err(ApiFailure::new(
            400,
            "InvalidSecurityToken.Expired",
            "Specified SecurityToken is expired.",
        )),
    }
}

fn spend_nonce(state: &mut State, nonce: &str) -> Result<(), ApiFailure> {
    if !state.nonces.insert(nonce.to_owned()) {
        return Err(ApiFailure::new(
            400,
            "SignatureNonceUsed",
            "Specified signature nonce was used already.",
        ));
    }
    Ok(())
}
