//! HTTP: accepting connections, control endpoints, faults, then the API.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming as Body;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::auth::{self, Incoming};
use crate::state::State;
use crate::{ApiFailure, Fault, FaultKind, LoggedRequest, Shared, api, lock, now_ms, ws};
use eci_exec_lsp::remote::percent::percent_encode;

/// Returned by the service to make hyper close the connection without an answer.
#[derive(Debug)]
pub(crate) struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Dropped {}

type Answer = Result<Response<Full<Bytes>>, Dropped>;

/// Accepts connections until the task is aborted.
pub(crate) async fn serve(listener: TcpListener, state: Shared) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors or similar: wait instead of spinning.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| handle(state.clone(), request));
            // A connection error (including our own drops) ends only that connection.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades()
                .await;
        });
    }
}

pub(crate) fn reset(state: &mut State) {
    state.faults.clear();
    state.log.clear();
    state.nonces.clear();
    state.sessions.reset();
}

fn json_response(
    status: u16,
    body: &Value,
    extra: Option<(&'static str, String)>,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        "content-type",
        hyper::header::HeaderValue::from_static("application/json;charset=utf-8"),
    );
    if let Some((name, value)) = extra {
        if let Ok(value) = hyper::header::HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}

/// A JSON-labelled answer whose body is exactly `body`.
fn raw_response(status: u16, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

fn error_body(request_id: &str, failure: &ApiFailure) -> Value {
    json!({
        "RequestId": request_id,
        "HostId": "eci.aliyuncs.com",
        "Code": failure.code,
        "Message": failure.message,
        "Recommend": format!("https://api.aliyun.com/troubleshoot?q={}&product=Eci&requestId={request_id}", failure.code),
    })
}

fn decode(text: &str) -> String {
    // `+` is a space in form encoding, which some official SDKs use in the URL.
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

fn decode_query(query: &str) -> BTreeMap<String, String> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

async fn handle(state: Shared, request: Request<Body>) -> Answer {
    if request.uri().path() == ws::SESSION_PATH {
        return Ok(ws::upgrade(&state, request));
    }
    let (parts, body) = request.into_parts();
    // A body that breaks off mid-way is treated as empty; the signature check then fails.
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    if path.starts_with("/_fake/") {
        return Ok(control(&state, parts.method.as_str(), &path, &body));
    }
    let params = decode_query(parts.uri.query().unwrap_or_default());
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let incoming = Incoming {
        method: parts.method.as_str(),
        path: &path,
        params: &params,
        headers: &headers,
        body: &body,
    };
    let action = incoming.action().map(str::to_owned);
    let mut entry = LoggedRequest {
        action: action.clone().unwrap_or_default(),
        signature_version: if incoming.is_v3() { "v3" } else { "v2" }.to_owned(),
        params: params.clone(),
        signature_ok: false,
        status: 0,
        code: String::new(),
        fault: None,
        unix_ms: now_ms(),
        end_unix_ms: 0,
    };
    let group_id = params.get("ContainerGroupId").map(String::as_str);
    let planned = lock(&state).plan(action.as_deref(), group_id);
    // Outside the lock: delayed requests overlap, as slow calls to the API do.
    if planned.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(planned.delay_ms)).await;
    }
    entry.end_unix_ms = now_ms();
    let mut state = lock(&state);
    let request_id = state.request_id();
    let answer = match planned.answer {
        Some(FaultKind::Drop) => {
            entry.fault = Some("drop".to_owned());
            state.log.push(entry);
            return Err(Dropped);
        }
        Some(FaultKind::MalformedJson) => {
            entry.fault = Some("malformed_json".to_owned());
            entry.status = 200;
            raw_response(200, format!("{{\"RequestId\":\"{request_id}\",\"Contai"))
        }
        Some(FaultKind::Body { status, body }) => {
            entry.fault = Some("body".to_owned());
            entry.status = status;
            raw_response(status, body)
        }
        Some(FaultKind::EchoToken) => {
            entry.fault = Some("echo_token".to_owned());
            let token = incoming.security_token().unwrap_or_default();
            let encoded = percent_encode(token);
            let failure = ApiFailure::new(
                400,
                "InvalidSecurityToken.Malformed",
                &format!("Specified SecurityToken {token} is malformed."),
            );
            (entry.status, entry.code) = (failure.status, failure.code.clone());
            let mut body = error_body(&request_id, &failure);
            body["HostId"] = Value::String(format!("eci.aliyuncs.com/{encoded}"));
            body["Recommend"] = Value::String(format!(
                "https://api.aliyun.com/troubleshoot?q={}&token={encoded}",
                failure.code
            ));
            json_response(failure.status, &body, None)
        }
        Some(FaultKind::Error {
            status,
            code,
            message,
            retry_after_ms,
        }) => {
            entry.fault = Some("error".to_owned());
            let message = if message.is_empty() {
                format!("Injected by fake-eci: {code}.")
            } else {
                message
            };
            let failure = ApiFailure {
                status,
                code,
                message,
            };
            (entry.status, entry.code) = (status, failure.code.clone());
            let retry_after = retry_after_ms.map(|ms| ("x-acs-retry-after", ms.to_string()));
            json_response(status, &error_body(&request_id, &failure), retry_after)
        }
        Some(FaultKind::Delay { .. }) | None => {
            let served = match auth::verify(&mut state, &incoming) {
                Ok(()) => {
                    entry.signature_ok = true;
                    match &action {
                        Some(action) => api::answer(&mut state, action, &params),
                        None => Err(ApiFailure::new(
                            400,
                            "MissingParameter",
                            "The input parameter \"Action\" is not supplied.",
                        )),
                    }
                }
                Err(failure) => Err(failure),
            };
            match served {
                Ok(mut body) => {
                    body["RequestId"] = Value::String(request_id);
                    entry.status = 200;
                    json_response(200, &body, None)
                }
                Err(failure) => {
                    (entry.status, entry.code) = (failure.status, failure.code.clone());
                    json_response(failure.status, &error_body(&request_id, &failure), None)
                }
            }
        }
    };
    state.log.push(entry);
    Ok(answer)
}

fn control(state: &Shared, method: &str, path: &str, body: &[u8]) -> Response<Full<Bytes>> {
    match (method, path) {
        ("POST", "/_fake/fault") => match serde_json::from_slice::<Fault>(body) {
            Ok(fault) => {
                lock(state).faults.push(fault);
                json_response(200, &json!({"ok": true}), None)
            }
            Err(error) => json_response(400, &json!({"error": error.to_string()}), None),
        },
        ("GET", "/_fake/requests") => {
            let log = lock(state).log.clone();
            json_response(200, &serde_json::to_value(log).unwrap_or_default(), None)
        }
        ("GET", "/_fake/sessions") => {
            let log = lock(state).sessions.log.clone();
            json_response(200, &serde_json::to_value(log).unwrap_or_default(), None)
        }
        ("POST", "/_fake/reset") => {
            reset(&mut lock(state));
            json_response(200, &json!({"ok": true}), None)
        }
        _ => json_response(404, &json!({"error": "unknown control endpoint"}), None),
    }
}
