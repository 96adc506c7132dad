//! `EciClient`: builds, signs and sends calls, with retries and timeouts.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::credentials::{CredentialSource, Credentials, CredentialsError, Environment};
use super::endpoint::{Endpoint, EndpointError};
use super::error::{self, ApiError, EXEC_ACTION};
use super::redact::Redactor;
use super::retry::{self, CallKind, RetryPolicy};
use super::timestamp::format_utc;
use super::types::{
    ContainerGroup, ContainerGroupsPage, ExecRequest, ExecResponse, Region, RegionsPage,
};
use super::{sign_v2, sign_v3};

/// The API allows at most 20 ids per `DescribeContainerGroups` call and 20 groups per page.
const PAGE_LIMIT: usize = 20;

/// A server that keeps answering with a `NextToken` is cut off here.
const MAX_PAGES: usize = 10_000;

/// Which signature to use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SignatureVersion {
    /// RPC HMAC-SHA1 (`SignatureVersion=1.0`), the default.
    #[default]
    V2,
    /// ACS3-HMAC-SHA256.
    V3,
}

impl SignatureVersion {
    /// Reads `v2` or `v3` (any case); `None` (the option unset) is V2.
    pub fn parse(text: Option<&str>) -> Result<Self, SetupError> {
        match text.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
            None | Some("") | Some("v2") => Ok(Self::V2),
            Some("v3") => Ok(Self::V3),
            Some(other) => Err(SetupError::SignatureVersion(other.to_owned())),
        }
    }
}

/// Timeouts of every call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeouts {
    /// To open a connection.
    pub connect: Duration,
    /// For one attempt, from sending to the end of the body.
    pub attempt: Duration,
    /// For the whole call, retries and backoff included.
    pub call: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            attempt: Duration::from_secs(30),
            call: Duration::from_secs(60),
        }
    }
}

/// How to build a client: the user's options, as plain values.
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// Credentials profile (`--profile`, setting `profile`).
    pub profile: Option<String>,
    /// Endpoint (`--endpoint`, setting `endpoint`); else `ECI_EXEC_ENDPOINT`, else the default.
    pub endpoint: Option<String>,
    /// Signature version.
    pub signature_version: SignatureVersion,
    /// Timeouts.
    pub timeouts: Timeouts,
    /// Retries.
    pub retry: RetryPolicy,
}

impl ClientOptions {
    /// Options from the strings of the command line or the editor settings.
    pub fn from_strings(
        profile: Option<&str>,
        endpoint: Option<&str>,
        signature_version: Option<&str>,
    ) -> Result<Self, SetupError> {
        Ok(Self {
            profile: profile.map(str::to_owned),
            endpoint: endpoint.map(str::to_owned),
            signature_version: SignatureVersion::parse(signature_version)?,
            ..Self::default()
        })
    }
}

/// Why a client could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupError {
    /// No usable credentials (`CredentialsError::NotFound` when there are none at all).
    Credentials(CredentialsError),
    /// A refused endpoint.
    Endpoint(EndpointError),
    /// Not `v2` or `v3`.
    SignatureVersion(String),
    /// The HTTP client could not be built.
    Http(String),
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Credentials(error) => error.fmt(f),
            Self::Endpoint(error) => error.fmt(f),
            Self::SignatureVersion(value) => {
                write!(f, "unknown signature version '{value}': use v2 or v3")
            }
            Self::Http(detail) => write!(f, "cannot set up the HTTP client: {detail}"),
        }
    }
}

impl std::error::Error for SetupError {}

/// A client of the ECI API. Cheap to clone (shared state behind an `Arc`); dropping a
/// call's future cancels it (nothing is spawned).
#[derive(Clone)]
pub struct EciClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    endpoint: Endpoint,
    credentials: Credentials,
    /// Built from `credentials`: applied to every answer and error.
    redactor: Redactor,
    signature_version: SignatureVersion,
    timeouts: Timeouts,
    retry: RetryPolicy,
}

impl fmt::Debug for EciClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EciClient")
            .field("endpoint", &self.inner.endpoint.base())
            .field("credentials", &self.inner.credentials.source)
            .field("signature_version", &self.inner.signature_version)
            .finish()
    }
}

impl EciClient {
    /// A client from the options and this process's environment and home folder.
    pub fn new(options: &ClientOptions) -> Result<Self, SetupError> {
        Self::with_environment(options, &Environment::from_process())
    }

    /// A client from the options, reading credentials and `ECI_EXEC_ENDPOINT` from `env`.
    pub fn with_environment(
        options: &ClientOptions,
        env: &Environment,
    ) -> Result<Self, SetupError> {
        let endpoint =
            Endpoint::resolve(options.endpoint.as_deref(), env).map_err(SetupError::Endpoint)?;
        let credentials = super::credentials::resolve(env, options.profile.as_deref())
            .map_err(SetupError::Credentials)?;
        Self::from_parts(credentials, endpoint, options)
    }

    /// A client with these credentials and endpoint; `options.profile` and
    /// `options.endpoint` are not used.
    pub fn from_parts(
        credentials: Credentials,
        endpoint: Endpoint,
        options: &ClientOptions,
    ) -> Result<Self, SetupError> {
        let tls = super::tls::client_config()
            .map_err(|error| SetupError::Http(format!("TLS setup: {error}")))?;
        let mut builder = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(options.timeouts.connect)
            .user_agent(concat!("eci-exec-lsp/", env!("CARGO_PKG_VERSION")))
            // A redirect would resend signed parameters to another host.
            .redirect(reqwest::redirect::Policy::none());
        if endpoint.base().starts_with("http://") {
            // Loopback: an HTTP_PROXY set for the outside world must not catch it.
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| SetupError::Http(e.without_url().to_string()))?;
        let inner = Inner {
            http,
            endpoint,
            redactor: Redactor::new(&credentials),
            credentials,
            signature_version: options.signature_version,
            timeouts: options.timeouts.clone(),
            retry: options.retry.clone(),
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// The endpoint calls go to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    /// Who calls: the AccessKeyId (not a secret: every call carries it in clear).
    pub fn access_key_id(&self) -> &str {
        &self.inner.credentials.access_key_id
    }

    /// Where the credentials came from.
    pub fn credentials_source(&self) -> &CredentialSource {
        &self.inner.credentials.source
    }

    /// The profile's region (or `ALIBABA_CLOUD_REGION_ID`), if any.
    pub fn default_region(&self) -> Option<&str> {
        self.inner.credentials.region_id.as_deref()
    }

    /// Every container group of `region`, all pages; only those in `ids` when it is not
    /// empty (20 ids per call).
    pub async fn describe_container_groups(
        &self,
        region: &str,
        ids: &[String],
    ) -> Result<Vec<ContainerGroup>, ApiError> {
        self.describe_container_groups_paged(region, ids, |_| {})
            .await
    }

    /// As `describe_container_groups`, telling `on_page` each page's groups as it arrives (a
    /// long list can be shown while the rest is still coming).
    pub async fn describe_container_groups_paged(
        &self,
        region: &str,
        ids: &[String],
        mut on_page: impl FnMut(&[ContainerGroup]),
    ) -> Result<Vec<ContainerGroup>, ApiError> {
        if ids.is_empty() {
            return self.all_pages(region, &[], &mut on_page).await;
        }
        let mut groups = Vec::new();
        for chunk in ids.chunks(PAGE_LIMIT) {
            let filter = [("ContainerGroupIds".to_owned(), json_string_array(chunk))];
            groups.extend(self.all_pages(region, &filter, &mut on_page).await?);
        }
        Ok(groups)
    }

    /// Every container group of `region` that the API's `filters` keep (`ContainerGroupName`,
    /// `Tag.N.Key`, ...), all pages.
    pub async fn describe_container_groups_where(
        &self,
        region: &str,
        filters: &[(String, String)],
    ) -> Result<Vec<ContainerGroup>, ApiError> {
        self.all_pages(region, filters, &mut |_| {}).await
    }

    /// The pages of one listing, `filters` added to every call.
    async fn all_pages(
        &self,
        region: &str,
        filters: &[(String, String)],
        on_page: &mut impl FnMut(&[ContainerGroup]),
    ) -> Result<Vec<ContainerGroup>, ApiError> {
        let mut groups = Vec::new();
        let mut token = String::new();
        for _ in 0..MAX_PAGES {
            let mut params = params(&[("RegionId", region), ("Limit", "20")]);
            params.extend(filters.iter().cloned());
            if !token.is_empty() {
                params.insert("NextToken".to_owned(), token.clone());
            }
            let page: ContainerGroupsPage = self
                .call("DescribeContainerGroups", CallKind::Read, &params)
                .await?;
            on_page(&page.container_groups);
            groups.extend(page.container_groups);
            // An empty token ends the list; the same token again would loop forever.
            if page.next_token.is_empty() || page.next_token == token {
                break;
            }
            token = page.next_token;
        }
        Ok(groups)
    }

    /// The regions where ECI is offered.
    pub async fn describe_regions(&self, region: Option<&str>) -> Result<Vec<Region>, ApiError> {
        let params = region
            .map(|r| params(&[("RegionId", r)]))
            .unwrap_or_default();
        let page: RegionsPage = self
            .call("DescribeRegions", CallKind::Read, &params)
            .await?;
        Ok(page.regions)
    }

    /// Runs a command in a container. Retried only when throttled: running it twice is
    /// not safe.
    pub async fn exec_container_command(
        &self,
        request: &ExecRequest,
    ) -> Result<ExecResponse, ApiError> {
        let bool_text = |b: bool| if b { "true" } else { "false" };
        let command = json_string_array(&request.command);
        let params = params(&[
            ("RegionId", &request.region_id),
            ("ContainerGroupId", &request.container_group_id),
            ("ContainerName", &request.container_name),
            ("Command", &command),
            ("TTY", bool_text(request.tty)),
            ("Stdin", bool_text(request.stdin)),
            ("Sync", bool_text(request.sync)),
        ]);
        self.call(EXEC_ACTION, CallKind::Exec, &params).await
    }

    /// One call: attempts with backoff between them, all within the call timeout.
    async fn call<T: DeserializeOwned>(
        &self,
        action: &str,
        kind: CallKind,
        params: &BTreeMap<String, String>,
    ) -> Result<T, ApiError> {
        let policy = &self.inner.retry;
        let attempts = async {
            let mut failed = 0;
            loop {
                match self.attempt(action, params).await {
                    Ok(answer) => return Ok(answer),
                    Err(error)
                        if failed + 1 < policy.max_attempts
                            && retry::should_retry(kind, &error) =>
                    {
                        failed += 1;
                        let wait = retry::delay(policy, failed, error.retry_after());
                        tracing::debug!(action, failed, wait_ms = wait.as_millis() as u64, error = %error, "retrying");
                        tokio::time::sleep(wait).await;
                    }
                    Err(error) => return Err(error),
                }
            }
        };
        let call_timeout = self.inner.timeouts.call;
        match tokio::time::timeout(call_timeout, attempts).await {
            Ok(result) => result,
            // An attempt may have been under way: count the request as sent.
            Err(_) => Err(ApiError::Timeout {
                action: action.to_owned(),
                after: call_timeout,
                request_sent: true,
            }),
        }
    }

    /// One attempt: its answer, or its error, with every secret redacted from the API's text
    /// before anything logs or returns it.
    async fn attempt<T: DeserializeOwned>(
        &self,
        action: &str,
        params: &BTreeMap<String, String>,
    ) -> Result<T, ApiError> {
        let redactor = &self.inner.redactor;
        let answer = match self.send(action, params).await {
            Ok((status, body)) => match answer_value(&body) {
                Ok(value) => Ok((status, value)),
                Err(detail) => Err(ApiError::InvalidResponse {
                    action: action.to_owned(),
                    status,
                    detail,
                }),
            },
            Err(error) => Err(error),
        };
        let (status, mut value) = match answer {
            Ok(answer) => answer,
            Err(error) => {
                let error = redactor.error(error);
                tracing::debug!(action, code = error.code().unwrap_or(""), "ECI API error");
                return Err(error);
            }
        };
        redactor.value(&mut value);
        // The types read leniently, so this fails only on a shape no API answer has.
        T::deserialize(value).map_err(|error| ApiError::InvalidResponse {
            action: action.to_owned(),
            status,
            detail: redactor.text(format!("an object of another shape ({error})")),
        })
    }

    /// One signed request, with a fresh timestamp and nonce: the status and body of a
    /// success, else the error.
    async fn send(
        &self,
        action: &str,
        params: &BTreeMap<String, String>,
    ) -> Result<(u16, Vec<u8>), ApiError> {
        let inner = &*self.inner;
        let timestamp = format_utc(SystemTime::now());
        let nonce = uuid::Uuid::new_v4().to_string();
        let (query, headers, string_to_sign) = match inner.signature_version {
            SignatureVersion::V2 => {
                let signed = sign_v2::sign_rpc(
                    "POST",
                    action,
                    params,
                    &inner.credentials,
                    &timestamp,
                    &nonce,
                );
                (signed.query, Vec::new(), signed.string_to_sign)
            }
            SignatureVersion::V3 => {
                let host = inner.endpoint.host();
                let signed = sign_v3::sign_rpc(
                    "POST",
                    action,
                    params,
                    &inner.credentials,
                    host,
                    &timestamp,
                    &nonce,
                );
                (signed.query, signed.headers, signed.string_to_sign)
            }
        };
        let url = format!("{}/?{query}", inner.endpoint.base());
        let mut request = inner.http.post(url).timeout(inner.timeouts.attempt);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        tracing::debug!(action, "calling the ECI API");
        let response = request
            .send()
            .await
            .map_err(|e| self.transport_error(action, e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("x-acs-retry-after")
            .and_then(|value| value.to_str().ok()?.trim().parse::<u64>().ok())
            .filter(|ms| *ms > 0)
            .map(Duration::from_millis);
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(action, e))?;
        tracing::debug!(action, status, bytes = body.len(), "ECI API answered");
        if !(200..300).contains(&status) {
            return Err(error::from_error_body(
                action,
                status,
                &body,
                retry_after,
                &string_to_sign,
            ));
        }
        Ok((status, body.to_vec()))
    }

    /// A reqwest error without its URL (the query holds the signature and the STS token).
    fn transport_error(&self, action: &str, error: reqwest::Error) -> ApiError {
        // Until a connection is made nothing is sent; after, the API may have the request.
        let request_sent = !error.is_connect();
        if error.is_timeout() {
            let timeouts = &self.inner.timeouts;
            return ApiError::Timeout {
                action: action.to_owned(),
                after: if request_sent {
                    timeouts.attempt
                } else {
                    timeouts.connect
                },
                request_sent,
            };
        }
        let error = error.without_url();
        // Walk the causes: reqwest's own text ("error sending request") says little.
        let mut detail = error.to_string();
        let mut cause = std::error::Error::source(&error);
        while let Some(inner) = cause {
            detail.push_str(&format!(": {inner}"));
            cause = inner.source();
        }
        let endpoint = self.inner.endpoint.base().to_owned();
        ApiError::Network {
            action: action.to_owned(),
            endpoint,
            detail,
            request_sent,
        }
    }
}

/// The answer of a success status: a JSON object with a `RequestId`, as every API answer is.
/// Anything else (`{}`, `[1,2]`, a gateway's page) is described for `InvalidResponse`, never
/// taken for an empty success.
fn answer_value(body: &[u8]) -> Result<Value, String> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|error| format!("a body that is not JSON ({error})"))?;
    let kind = match &value {
        Value::Object(members) => match members.get("RequestId") {
            Some(Value::String(id)) if !id.is_empty() => return Ok(value),
            _ => "a JSON object without a RequestId",
        },
        Value::Array(_) => "a JSON array, not an object",
        Value::String(_) => "a JSON string, not an object",
        Value::Number(_) => "a JSON number, not an object",
        Value::Bool(_) => "a JSON boolean, not an object",
        Value::Null => "JSON null, not an object",
    };
    Err(kind.to_owned())
}

fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

/// A JSON array of strings, compact, as the API wants `Command` and `ContainerGroupIds`.
fn json_string_array(items: &[String]) -> String {
    Value::from(items.to_vec()).to_string()
}
