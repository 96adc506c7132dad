//! The fake itself, driven with hand-signed requests and its HTTP control endpoints.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use eci_exec_lsp::remote::timestamp::format_utc;
use eci_exec_lsp::remote::{Secret, sign_v2, sign_v3};
use fake_eci::test_credentials as credentials;
use fake_eci::{FakeConfig, FakeEci, LoggedRequest, fixture, sync_output};
use serde_json::{Value, json};

fn http() -> reqwest::Client {
    eci_exec_lsp::remote::install_tls_provider();
    reqwest::Client::new()
}

fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A V2 POST with the given time and nonce; returns (status, body).
async fn send_v2(
    fake: &FakeEci,
    action: &str,
    business: &BTreeMap<String, String>,
    when: SystemTime,
    nonce: &str,
) -> (u16, Value) {
    let signed = sign_v2::sign_rpc(
        "POST",
        action,
        business,
        &credentials(),
        &format_utc(when),
        nonce,
    );
    let response = http()
        .post(format!("{}/?{}", fake.url(), signed.query))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap(),
    )
}

async fn send_v3(fake: &FakeEci, action: &str, when: SystemTime, nonce: &str) -> (u16, Value) {
    let host = fake.addr().to_string();
    let signed = sign_v3::sign_rpc(
        "POST",
        action,
        &BTreeMap::new(),
        &credentials(),
        &host,
        &format_utc(when),
        nonce,
    );
    let mut request = http().post(format!("{}/?{}", fake.url(), signed.query));
    for (name, value) in signed.headers {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap(),
    )
}

#[tokio::test]
async fn rejects_stale_timestamps_and_reused_nonces() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let now = SystemTime::now();
    let stale = now - Duration::from_secs(16 * 60);
    let ahead = now + Duration::from_secs(16 * 60);
    for when in [stale, ahead] {
        let (status, body) =
            send_v2(&fake, "DescribeRegions", &BTreeMap::new(), when, "n-stale").await;
        assert_eq!(
            (status, body["Code"].as_str()),
            (400, Some("InvalidTimeStamp.Expired"))
        );
        let (status, body) = send_v3(&fake, "DescribeRegions", when, "n-stale-3").await;
        assert_eq!(
            (status, body["Code"].as_str()),
            (400, Some("InvalidTimeStamp.Expired"))
        );
    }
    let (status, _) = send_v2(&fake, "DescribeRegions", &BTreeMap::new(), now, "n-once").await;
    assert_eq!(status, 200);
    let (status, body) = send_v2(&fake, "DescribeRegions", &BTreeMap::new(), now, "n-once").await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("SignatureNonceUsed"))
    );
    let (status, _) = send_v3(&fake, "DescribeRegions", now, "n-once-3").await;
    assert_eq!(status, 200);
    let (status, body) = send_v3(&fake, "DescribeRegions", now, "n-once-3").await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("SignatureNonceUsed"))
    );
    assert!(fake.requests().iter().filter(|r| r.signature_ok).count() == 2);
}

#[tokio::test]
async fn wrong_secret_answer_carries_the_server_string_to_sign() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let mut wrong = credentials();
    wrong.access_key_secret = Secret::new("wrong");
    let signed = sign_v2::sign_rpc(
        "POST",
        "DescribeRegions",
        &BTreeMap::new(),
        &wrong,
        &format_utc(SystemTime::now()),
        "n1",
    );
    let response = http()
        .post(format!("{}/?{}", fake.url(), signed.query))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["Code"], "SignatureDoesNotMatch");
    let message = body["Message"].as_str().unwrap();
    assert!(
        message.ends_with(&format!(
            "server string to sign is:{}",
            signed.string_to_sign
        )),
        "{message}"
    );
}

#[tokio::test]
async fn exec_answers_like_the_api() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let now = SystemTime::now();
    let long = "x".repeat(257);
    let many = serde_json::to_string(&vec!["a"; 21]).unwrap();
    let long_command = serde_json::to_string(&vec![long.as_str()]).unwrap();
    let cases: Vec<(&str, &str, String, u16, &str)> = vec![
        (
            "eci-bp1fakeweb0001",
            "nginx",
            many,
            400,
            "InvalidParameter.ValueExceeded",
        ),
        (
            "eci-bp1fakeweb0001",
            "nginx",
            long_command,
            400,
            "InvalidParameter.ValueExceeded",
        ),
        (
            "eci-bp1fakeweb0001",
            "ghost",
            r#"["ls"]"#.into(),
            404,
            "Container.NotFound",
        ),
        (
            "eci-uf6fakeapp00004",
            "migrate",
            r#"["ls"]"#.into(),
            400,
            "IncorrectStatus",
        ),
        (
            "eci-uf6fakejob00005",
            "report",
            r#"["ls"]"#.into(),
            400,
            "IncorrectStatus",
        ),
        (
            "eci-bp1fakeweb0001",
            "nginx",
            "ls -a".into(),
            400,
            "InvalidParameter",
        ),
    ];
    for (n, (group, container, command, status, code)) in cases.into_iter().enumerate() {
        let region = if group.starts_with("eci-uf6") {
            "cn-shanghai"
        } else {
            "cn-hangzhou"
        };
        let business = params(&[
            ("RegionId", region),
            ("ContainerGroupId", group),
            ("ContainerName", container),
            ("Command", &command),
            ("Sync", "true"),
        ]);
        let (got, body) = send_v2(
            &fake,
            "ExecContainerCommand",
            &business,
            now,
            &format!("exec-{n}"),
        )
        .await;
        assert_eq!(
            (got, body["Code"].as_str()),
            (status, Some(code)),
            "{group} {container} {command}"
        );
    }
    // 20 items of 256 characters are fine; the Python SDKs' True/False too.
    let item = "y".repeat(256);
    let command = serde_json::to_string(&vec![item.as_str(); 20]).unwrap();
    let business = params(&[
        ("RegionId", "cn-hangzhou"),
        ("ContainerGroupId", "eci-bp1fakeweb0001"),
        ("ContainerName", "nginx"),
        ("Command", &command),
        ("Sync", "True"),
        ("TTY", "False"),
    ]);
    let (status, body) = send_v2(&fake, "ExecContainerCommand", &business, now, "exec-ok").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["SyncResponse"].as_str().unwrap(),
        sync_output(&vec![item.clone(); 20])
    );
    assert_eq!(
        sync_output(&["/bin/sh".into(), "-c".into(), "echo hi".into()]),
        "hi\n"
    );
    assert_eq!(
        sync_output(&["ls".into(), "-a".into()]),
        "fake-eci ran: ls -a\n"
    );
}

#[tokio::test]
async fn control_endpoints_over_http() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let http = http();
    let fault = json!({"kind": "error", "status": 503, "code": "ServiceUnavailable", "times": 1, "action": "DescribeRegions"});
    let response = http
        .post(format!("{}/_fake/fault", fake.url()))
        .body(fault.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let now = SystemTime::now();
    let (status, body) = send_v2(&fake, "DescribeRegions", &BTreeMap::new(), now, "c1").await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (503, Some("ServiceUnavailable"))
    );
    let (status, body) = send_v2(&fake, "DescribeRegions", &BTreeMap::new(), now, "c2").await;
    assert_eq!(status, 200);
    assert_eq!(body["Regions"].as_array().unwrap().len(), 3);
    let log: Vec<LoggedRequest> = http
        .get(format!("{}/_fake/requests", fake.url()))
        .send()
        .await
        .unwrap()
        .json_bytes()
        .await;
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].fault.as_deref(), log[1].signature_ok),
        (Some("error"), true)
    );
    let bad = http
        .post(format!("{}/_fake/fault", fake.url()))
        .body("{\"kind\":\"nope\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    http.post(format!("{}/_fake/reset", fake.url()))
        .send()
        .await
        .unwrap();
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn pages_with_limit_and_the_shipped_fixture() {
    let groups = fixture::default_groups();
    assert_eq!(groups.len(), 12);
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let now = SystemTime::now();
    let business = params(&[("RegionId", "cn-hangzhou"), ("Limit", "2")]);
    let (_, first) = send_v2(&fake, "DescribeContainerGroups", &business, now, "p1").await;
    assert_eq!(
        (first["TotalCount"].as_u64(), first["NextToken"].as_str()),
        (Some(9), Some("fake-next-2"))
    );
    let business = params(&[
        ("RegionId", "cn-hangzhou"),
        ("Limit", "2"),
        ("NextToken", "fake-next-2"),
    ]);
    let (_, second) = send_v2(&fake, "DescribeContainerGroups", &business, now, "p2").await;
    assert_eq!(second["NextToken"], "fake-next-4");
    assert_eq!(
        second["ContainerGroups"][0]["ContainerGroupId"],
        "eci-bp1fakepend0003"
    );
}

/// `reqwest` is built without its `json` feature; decode by hand.
trait JsonBytes {
    async fn json_bytes<T: serde::de::DeserializeOwned>(self) -> T;
}

impl JsonBytes for reqwest::Response {
    async fn json_bytes<T: serde::de::DeserializeOwned>(self) -> T {
        serde_json::from_slice(&self.bytes().await.unwrap()).unwrap()
    }
}
