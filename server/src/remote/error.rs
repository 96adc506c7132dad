//! API errors: what the service said, kept whole, and a message that says what to do.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

/// Whether a `SignatureDoesNotMatch` comes from the secret or from canonicalization,
/// decided by comparing the server's string to sign with ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureDiagnosis {
    /// Same string to sign on both sides: the AccessKeySecret is wrong.
    WrongSecret,
    /// The strings differ: the request was canonicalized differently.
    CanonicalMismatch,
    /// The server did not say what it signed.
    Unknown,
}

/// An error answer of the API (`Code`, `Message`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// The action that failed, e.g. `ExecContainerCommand`.
    pub action: String,
    /// HTTP status.
    pub status: u16,
    /// The API's `Code`, e.g. `IncorrectStatus`.
    pub code: String,
    /// The API's `Message`, without the server's string to sign (it can hold the STS token).
    pub message: String,
    /// The API's `RequestId`, for support.
    pub request_id: String,
    /// The API's `Recommend` (a troubleshooting link), when present.
    pub recommend: String,
    /// The `x-acs-retry-after` header, in milliseconds on the wire.
    pub retry_after: Option<Duration>,
    /// Set for `SignatureDoesNotMatch`.
    pub signature_diagnosis: Option<SignatureDiagnosis>,
}

/// Everything a call can fail with. `Display` is the user-facing message; no variant
/// holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The API answered with an error code.
    Service(ServiceError),
    /// A non-success HTTP status whose body is not an API error (a proxy, a gateway).
    HttpStatus { action: String, status: u16 },
    /// A success status whose body is not a JSON object with a `RequestId`: never taken for
    /// an empty success. Its code is `InvalidResponse`.
    InvalidResponse {
        action: String,
        status: u16,
        detail: String,
    },
    /// The endpoint could not be reached, or the connection broke.
    Network {
        action: String,
        endpoint: String,
        detail: String,
        /// False only when no connection was made, so the API cannot have seen the request.
        request_sent: bool,
    },
    /// No answer in time.
    Timeout {
        action: String,
        after: Duration,
        /// False only when the connection could not be opened in time.
        request_sent: bool,
    },
}

/// The code of `ApiError::InvalidResponse`, shown like the API's own codes.
const INVALID_RESPONSE: &str = "InvalidResponse";

/// The one call that is not idempotent: it runs a command, so an unknown outcome means it
/// may have run.
pub(crate) const EXEC_ACTION: &str = "ExecContainerCommand";

impl ApiError {
    /// The API's `Code` for service errors; `InvalidResponse` for an answer that is not one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Service(service) => Some(&service.code),
            Self::InvalidResponse { .. } => Some(INVALID_RESPONSE),
            _ => None,
        }
    }

    /// Whether an exec failed after its request was sent, so the command may have run.
    pub fn may_have_run(&self) -> bool {
        match self {
            Self::InvalidResponse { action, .. } => action == EXEC_ACTION,
            Self::Network {
                action,
                request_sent,
                ..
            }
            | Self::Timeout {
                action,
                request_sent,
                ..
            } => *request_sent && action == EXEC_ACTION,
            Self::Service(_) | Self::HttpStatus { .. } => false,
        }
    }

    /// The same error with `f` applied to every text that came from outside (the API's
    /// words, transport details), e.g. to redact secrets.
    pub(crate) fn map_texts(self, f: impl Fn(String) -> String) -> ApiError {
        match self {
            Self::Service(service) => Self::Service(ServiceError {
                code: f(service.code),
                message: f(service.message),
                request_id: f(service.request_id),
                recommend: f(service.recommend),
                ..service
            }),
            Self::InvalidResponse {
                action,
                status,
                detail,
            } => Self::InvalidResponse {
                action,
                status,
                detail: f(detail),
            },
            Self::Network {
                action,
                endpoint,
                detail,
                request_sent,
            } => Self::Network {
                action,
                endpoint,
                detail: f(detail),
                request_sent,
            },
            other @ (Self::HttpStatus { .. } | Self::Timeout { .. }) => other,
        }
    }

    /// The API's `RequestId`, for service errors.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Service(service) if !service.request_id.is_empty() => Some(&service.request_id),
            _ => None,
        }
    }

    /// A `Throttling*` code (flow control).
    pub fn is_throttling(&self) -> bool {
        self.code()
            .is_some_and(|code| code.starts_with("Throttling"))
    }

    /// The delay the server asked for with `x-acs-retry-after`.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Service(service) => service.retry_after,
            _ => None,
        }
    }

    /// The message for users: what failed, the API's words, and what to do.
    pub fn user_message(&self) -> String {
        let message = self.what_failed();
        if self.may_have_run() {
            format!(
                "{message}. The command may have run anyway: the request was sent and \
                 {EXEC_ACTION} is not idempotent, so check before running it again"
            )
        } else {
            message
        }
    }

    fn what_failed(&self) -> String {
        match self {
            Self::Service(service) => service_message(service),
            Self::HttpStatus { action, status } => format!(
                "{action} failed: HTTP {status} with a body that is not an API error \
                 (a proxy or gateway in the way?)"
            ),
            // Starts with the code, as the API's errors are shown (`✗ Code: Message`).
            Self::InvalidResponse {
                action,
                status,
                detail,
            } => format!("{INVALID_RESPONSE}: {action} was answered HTTP {status} with {detail}"),
            Self::Network {
                action,
                endpoint,
                detail,
                ..
            } => {
                format!("{action} failed: cannot talk to {endpoint}: {detail}")
            }
            Self::Timeout { action, after, .. } => {
                format!(
                    "{action} failed: no answer within {:.1} s",
                    after.as_secs_f64()
                )
            }
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user_message())
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// The error as a result shows it: `✗ Code: Message` for the API's refusals, else
    /// `✗ ` and the user message.
    pub fn label(&self) -> String {
        format!("✗ {}", self.summary())
    }

    /// `Code: Message` for the API's refusals, else the user message (a label without its ✗,
    /// as a fleet's target carries it).
    pub fn summary(&self) -> String {
        match self {
            Self::Service(service) => format!("{}: {}", service.code, service.message),
            other => other.user_message(),
        }
    }
}

fn service_message(service: &ServiceError) -> String {
    let mut text = format!("{} failed: {}", service.action, service.code);
    if !service.message.is_empty() {
        text.push_str(&format!(": {}", service.message));
    }
    text.push_str(&format!(" (HTTP {}", service.status));
    if !service.request_id.is_empty() {
        text.push_str(&format!(", RequestId {}", service.request_id));
    }
    text.push(')');
    if let Some(help) = help(service) {
        text.push_str(&format!(". {help}"));
    }
    if !service.recommend.is_empty() {
        text.push_str(&format!(" See {}", service.recommend));
    }
    text
}

fn help(service: &ServiceError) -> Option<String> {
    let code = service.code.as_str();
    let text = match code {
        "SignatureDoesNotMatch" => match service.signature_diagnosis {
            Some(SignatureDiagnosis::WrongSecret) => {
                "The server signed exactly what we signed, so the AccessKeySecret is wrong for \
                 this AccessKeyId: check the secret in your credentials"
            }
            Some(SignatureDiagnosis::CanonicalMismatch) => {
                "The server canonicalized the request differently from us (a proxy rewriting \
                 the URL, or a bug in eci-exec-lsp's signer): the secret may be fine; please \
                 report this with the RequestId"
            }
            _ => "The AccessKeySecret is probably wrong, or something rewrote the request",
        },
        "InvalidTimeStamp.Expired" => {
            "The local clock is off by more than 15 minutes: fix the system time (enable NTP)"
        }
        "InvalidAccessKeyId.NotFound" => {
            "The AccessKeyId is unknown, or the STS token has expired: check the key id or \
             get a fresh STS token"
        }
        "IncorrectStatus" => {
            "The instance or container is not running, so it cannot run commands: check it \
             with `eci-exec-lsp instances`"
        }
        _ if code.starts_with("Forbidden") => {
            return Some(format!(
                "The RAM user lacks permission eci:{}: grant it in the RAM console",
                service.action
            ));
        }
        _ if code.starts_with("Throttling") => {
            "The API is limiting the request rate: wait a moment and try again"
        }
        _ => return None,
    };
    Some(text.to_owned())
}

/// The marker the gateway puts before its string to sign in `SignatureDoesNotMatch`.
const STRING_TO_SIGN_MARKER: &str = "string to sign is:";

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct ErrorBody {
    code: String,
    message: String,
    request_id: String,
    recommend: String,
}

/// Reads an error answer. `our_string_to_sign` is what this attempt signed.
pub fn from_error_body(
    action: &str,
    status: u16,
    body: &[u8],
    retry_after: Option<Duration>,
    our_string_to_sign: &str,
) -> ApiError {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let Some(parsed) = parsed.filter(|b| !b.code.is_empty()) else {
        return ApiError::HttpStatus {
            action: action.to_owned(),
            status,
        };
    };
    // The server's string to sign holds every parameter, the STS token too: compare it,
    // then drop it from the message.
    let (message, server_string) = match parsed.message.find(STRING_TO_SIGN_MARKER) {
        Some(at) => {
            let before = parsed.message[..at]
                .trim_end()
                .trim_end_matches("server")
                .trim_end();
            (
                before.to_owned(),
                Some(&parsed.message[at + STRING_TO_SIGN_MARKER.len()..]),
            )
        }
        None => (parsed.message.clone(), None),
    };
    let signature_diagnosis =
        (parsed.code == "SignatureDoesNotMatch").then(|| match server_string {
            Some(theirs) if theirs.trim() == our_string_to_sign => SignatureDiagnosis::WrongSecret,
            Some(_) => SignatureDiagnosis::CanonicalMismatch,
            None => SignatureDiagnosis::Unknown,
        });
    ApiError::Service(ServiceError {
        action: action.to_owned(),
        status,
        code: parsed.code,
        message,
        request_id: parsed.request_id,
        recommend: parsed.recommend,
        retry_after,
        signature_diagnosis,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature_error(ours: &str, theirs: &str) -> ApiError {
        let body = serde_json::json!({
            "Code": "SignatureDoesNotMatch", "RequestId": "R1",
            "Message": format!("Specified signature is not matched with our calculation. server string to sign is:{theirs}"),
        });
        from_error_body(
            "DescribeRegions",
            400,
            body.to_string().as_bytes(),
            None,
            ours,
        )
    }

    #[test]
    fn diagnoses_the_signature_and_drops_the_string_to_sign() {
        let same = signature_error("POST&%2F&A%3Dsecret-token", "POST&%2F&A%3Dsecret-token");
        let message = same.user_message();
        assert!(message.contains("AccessKeySecret is wrong"), "{message}");
        assert!(!message.contains("secret-token"), "{message}");
        assert!(message.ends_with("calculation. (HTTP 400, RequestId R1). The server signed exactly what we signed, so the AccessKeySecret is wrong for this AccessKeyId: check the secret in your credentials"), "{message}");
        let other = signature_error("POST&%2F&A%3D1", "POST&%2F&A%3D2");
        assert!(
            other
                .user_message()
                .contains("canonicalized the request differently")
        );
    }

    #[test]
    fn explains_common_codes() {
        let error = |code: &str| {
            let body = serde_json::json!({"Code": code, "Message": "m", "RequestId": "R"});
            from_error_body(
                "ExecContainerCommand",
                400,
                body.to_string().as_bytes(),
                None,
                "",
            )
            .user_message()
        };
        assert!(error("InvalidTimeStamp.Expired").contains("more than 15 minutes"));
        assert!(error("InvalidAccessKeyId.NotFound").contains("STS token has expired"));
        assert!(error("Forbidden.RAM").contains("eci:ExecContainerCommand"));
        assert!(error("IncorrectStatus").contains("not running"));
        assert!(error("Throttling.User").contains("rate"));
        let plain = from_error_body("DescribeRegions", 502, b"<html>", None, "");
        assert_eq!(
            plain,
            ApiError::HttpStatus {
                action: "DescribeRegions".into(),
                status: 502
            }
        );
    }
}
