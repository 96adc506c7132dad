//! The client against the fake over real HTTP on 127.0.0.1: pages, calls, retries,
//! faults, timeouts, cancellation and error help.

use std::time::{Duration, Instant};

use eci_exec_lsp::remote::{
    ApiError, ClientOptions, CredentialSource, Credentials, EciClient, Endpoint, ExecRequest,
    RetryPolicy, Secret, SignatureDiagnosis, SignatureVersion, Timeouts,
};
use fake_eci::{FakeConfig, FakeEci, FakeKey, Fault, TEST_KEY_ID, TEST_SECRET, fixture};

fn options(version: SignatureVersion) -> ClientOptions {
    ClientOptions {
        signature_version: version,
        timeouts: Timeouts {
            connect: Duration::from_secs(2),
            attempt: Duration::from_millis(500),
            call: Duration::from_secs(10),
        },
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(200),
        },
        ..ClientOptions::default()
    }
}

fn client_with(
    fake: &FakeEci,
    options: &ClientOptions,
    secret: &str,
    token: Option<&str>,
) -> EciClient {
    let credentials = Credentials {
        access_key_id: TEST_KEY_ID.into(),
        access_key_secret: Secret::new(secret),
        security_token: token.map(Secret::new),
        region_id: None,
        source: CredentialSource::Environment,
    };
    EciClient::from_parts(credentials, Endpoint::parse(&fake.url()).unwrap(), options).unwrap()
}

fn client(fake: &FakeEci, version: SignatureVersion) -> EciClient {
    client_with(fake, &options(version), TEST_SECRET, None)
}

async fn start(config: FakeConfig) -> FakeEci {
    FakeEci::start(config).await.unwrap()
}

fn exec(group: &str, container: &str, command: &[&str], sync: bool) -> ExecRequest {
    ExecRequest {
        region_id: "cn-hangzhou".into(),
        container_group_id: group.into(),
        container_name: container.into(),
        command: command.iter().map(|s| s.to_string()).collect(),
        tty: false,
        stdin: true,
        sync,
    }
}

#[tokio::test]
async fn pages_through_1000_groups_with_both_signatures() {
    let fake = start(FakeConfig {
        groups: fixture::generate(1000, "cn-hangzhou"),
        ..FakeConfig::default()
    })
    .await;
    for version in [SignatureVersion::V2, SignatureVersion::V3] {
        fake.reset();
        let groups = client(&fake, version)
            .describe_container_groups("cn-hangzhou", &[])
            .await
            .unwrap();
        let ids: Vec<String> = groups
            .iter()
            .map(|g| g.container_group_id.clone())
            .collect();
        let expected: Vec<String> = (0..1000).map(|n| format!("eci-gen{n:06}")).collect();
        assert_eq!(ids, expected, "{version:?}");
        let log = fake.requests();
        assert_eq!(log.len(), 50, "{version:?}: 20 per page");
        assert!(log.iter().all(|r| r.signature_ok && r.status == 200));
        assert!(log.iter().all(|r| r.signature_version
            == if version == SignatureVersion::V3 {
                "v3"
            } else {
                "v2"
            }));
        assert_eq!(
            log[1].params.get("NextToken").map(String::as_str),
            Some("fake-next-20")
        );
    }
}

#[tokio::test]
async fn filters_by_ids_twenty_per_call_and_lists_regions() {
    let mut groups = fixture::generate(30, "cn-hangzhou");
    groups.extend(fixture::default_groups());
    let fake = start(FakeConfig {
        groups,
        ..FakeConfig::default()
    })
    .await;
    let client = client(&fake, SignatureVersion::V2);
    let mut ids: Vec<String> = (0..25).map(|n| format!("eci-gen{n:06}")).collect();
    ids.push("eci-bp1fakeweb0001".into());
    let found = client
        .describe_container_groups("cn-hangzhou", &ids)
        .await
        .unwrap();
    assert_eq!(found.len(), 26);
    let log = fake.requests();
    assert_eq!(log.len(), 2);
    let sent: Vec<String> = serde_json::from_str(&log[0].params["ContainerGroupIds"]).unwrap();
    assert_eq!(sent.len(), 20);
    let web = found
        .iter()
        .find(|g| g.container_group_id == "eci-bp1fakeweb0001")
        .unwrap();
    assert_eq!(
        (web.containers.len(), web.containers[0].name.as_str()),
        (2, "nginx")
    );
    let regions: Vec<String> = client
        .describe_regions(None)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.region_id)
        .collect();
    assert_eq!(regions, ["ap-southeast-1", "cn-hangzhou", "cn-shanghai"]);
}

#[tokio::test]
async fn exec_sync_and_interactive() {
    let fake = start(FakeConfig::default()).await;
    for version in [SignatureVersion::V2, SignatureVersion::V3] {
        let client = client(&fake, version);
        let answer = client
            .exec_container_command(&exec(
                "eci-bp1fakeweb0001",
                "nginx",
                &["/bin/sh", "-c", "echo hi there"],
                true,
            ))
            .await
            .unwrap();
        assert_eq!(answer.sync_response.as_deref(), Some("hi there\n"));
        assert!(answer.request_id.starts_with("FAKE-"));
        let mut interactive = exec("eci-bp1fakeweb0001", "nginx", &["/bin/bash"], false);
        interactive.tty = true;
        let answer = client.exec_container_command(&interactive).await.unwrap();
        assert!(
            answer
                .web_socket_uri
                .unwrap()
                .starts_with(&fake.session_prefix())
        );
        assert!(answer.http_url.is_some() && answer.sync_response.is_none());
    }
    let sent = &fake.requests()[0].params;
    assert_eq!(sent["Command"], r#"["/bin/sh","-c","echo hi there"]"#);
    assert_eq!(
        (
            sent["Sync"].as_str(),
            sent["TTY"].as_str(),
            sent["Stdin"].as_str()
        ),
        ("true", "false", "true")
    );
}

#[tokio::test]
async fn exec_errors_carry_code_and_help() {
    let fake = start(FakeConfig::default()).await;
    let client = client(&fake, SignatureVersion::V2);
    let error = client
        .exec_container_command(&exec("eci-bp1fakepend0003", "worker", &["ls"], true))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("IncorrectStatus"));
    assert!(error.to_string().contains("not running"), "{error}");
    assert!(error.request_id().is_some());
    let error = client
        .exec_container_command(&exec("eci-nope", "x", &["ls"], true))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("ContainerGroup.NotFound"));
    let mut tty = exec("eci-bp1fakeweb0001", "nginx", &["ls"], true);
    tty.tty = true;
    assert_eq!(
        client
            .exec_container_command(&tty)
            .await
            .unwrap_err()
            .code(),
        Some("InvalidParameter")
    );
    // None of these errors is retried.
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn server_errors_are_retried_for_reads_only() {
    let fake = start(FakeConfig::default()).await;
    let client = client(&fake, SignatureVersion::V2);
    fake.add_fault(Fault::error(503, "ServiceUnavailable").times(1));
    assert_eq!(client.describe_regions(None).await.unwrap().len(), 3);
    let log = fake.requests();
    assert_eq!(log.len(), 2);
    assert_eq!((log[0].status, log[1].status), (503, 200));
    // Each attempt is signed afresh: a new nonce.
    assert_ne!(
        log[0].params["SignatureNonce"],
        log[1].params["SignatureNonce"]
    );

    fake.reset();
    fake.add_fault(
        Fault::error(503, "ServiceUnavailable")
            .times(1)
            .action("ExecContainerCommand"),
    );
    let error = client
        .exec_container_command(&exec("eci-bp1fakeweb0001", "nginx", &["ls"], true))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("ServiceUnavailable"));
    assert_eq!(fake.requests().len(), 1, "exec must not be retried on 5xx");

    fake.reset();
    fake.add_fault(Fault::error(500, "InternalError"));
    let error = client.describe_regions(None).await.unwrap_err();
    assert_eq!(error.code(), Some("InternalError"));
    assert_eq!(fake.requests().len(), 3, "bounded attempts");
}

#[tokio::test]
async fn throttling_is_retried_for_both_and_honours_retry_after() {
    let fake = start(FakeConfig::default()).await;
    let client = client(&fake, SignatureVersion::V3);
    fake.add_fault(
        Fault::error(400, "Throttling.User")
            .times(1)
            .retry_after_ms(150),
    );
    let started = Instant::now();
    let answer = client
        .exec_container_command(&exec(
            "eci-bp1fakeweb0001",
            "nginx",
            &["/bin/sh", "-c", "echo ok"],
            true,
        ))
        .await
        .unwrap();
    assert_eq!(answer.sync_response.as_deref(), Some("ok\n"));
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "x-acs-retry-after honoured"
    );
    assert_eq!(fake.requests().len(), 2);

    fake.reset();
    fake.add_fault(Fault::error(400, "Throttling").times(2));
    assert!(
        client
            .describe_container_groups("cn-hangzhou", &[])
            .await
            .is_ok()
    );
    assert_eq!(fake.requests().len(), 3);

    fake.reset();
    fake.add_fault(Fault::error(400, "Throttling.Api"));
    let error = client.describe_regions(None).await.unwrap_err();
    assert!(
        error.to_string().contains("limiting the request rate"),
        "{error}"
    );
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn dropped_connections() {
    let fake = start(FakeConfig::default()).await;
    let client = client(&fake, SignatureVersion::V2);
    fake.add_fault(Fault::drop_connection().times(1));
    assert_eq!(client.describe_regions(None).await.unwrap().len(), 3);
    assert_eq!(fake.requests().len(), 2);

    fake.reset();
    fake.add_fault(Fault::drop_connection().times(1));
    let error = client
        .exec_container_command(&exec("eci-bp1fakeweb0001", "nginx", &["ls"], true))
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Network { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("cannot talk to http://127.0.0.1:"),
        "{error}"
    );
    // The fake read the whole request before it hung up.
    assert!(error.to_string().contains("may have run"), "{error}");
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn an_exec_refused_at_connect_did_not_run() {
    let credentials = Credentials {
        access_key_id: TEST_KEY_ID.into(),
        access_key_secret: Secret::new(TEST_SECRET),
        security_token: None,
        region_id: None,
        source: CredentialSource::Environment,
    };
    let nobody = Endpoint::parse("http://127.0.0.1:9").unwrap();
    let client =
        EciClient::from_parts(credentials, nobody, &options(SignatureVersion::V2)).unwrap();
    let error = client
        .exec_container_command(&exec("eci-bp1fakeweb0001", "nginx", &["ls"], true))
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Network { .. }), "{error:?}");
    assert!(!error.to_string().contains("may have run"), "{error}");
}

#[tokio::test]
async fn an_exec_that_times_out_may_have_run() {
    let fake = start(FakeConfig::default()).await;
    fake.add_fault(Fault::delay(1_500).action("ExecContainerCommand"));
    let started = Instant::now();
    let error = client(&fake, SignatureVersion::V2)
        .exec_container_command(&exec("eci-bp1fakeweb0001", "nginx", &["ls"], true))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(1_400),
        "not retried"
    );
    assert!(matches!(error, ApiError::Timeout { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("no answer within 0.5 s"), "{message}");
    assert!(
        message.contains("The command may have run"),
        "an exec timed out after sending must say it may have run: {message}"
    );
}

#[tokio::test]
async fn an_answer_that_is_no_object_with_a_request_id_is_invalid() {
    let fake = start(FakeConfig::default()).await;
    let client = client(&fake, SignatureVersion::V2);
    let request = exec("eci-bp1fakeweb0001", "nginx", &["ls"], true);
    for body in [
        "{}",
        "[1,2]",
        "null",
        "\"text\"",
        r#"{"RequestId": ""}"#,
        r#"{"RequestId": 7, "SyncResponse": "hi"}"#,
        r#"{"SyncResponse": "hi"}"#,
        "<html>gateway</html>",
    ] {
        fake.reset();
        fake.add_fault(Fault::body(200, body));
        let error = client.exec_container_command(&request).await.unwrap_err();
        assert_eq!(error.code(), Some("InvalidResponse"), "{body}: {error:?}");
        let message = error.to_string();
        assert!(message.starts_with("InvalidResponse: "), "{message}");
        assert!(message.contains("may have run"), "{message}");
        assert_eq!(fake.requests().len(), 1, "{body}: an exec is never retried");
    }
    // Reads too: a list read from `[1,2]` would make every instance look unknown.
    fake.reset();
    fake.add_fault(Fault::body(200, "[1,2]"));
    let error = client
        .describe_container_groups("cn-hangzhou", &[])
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("InvalidResponse"), "{error:?}");
    assert!(!error.to_string().contains("may have run"), "{error}");
}

#[tokio::test]
async fn malformed_json_is_reported_not_retried() {
    let fake = start(FakeConfig::default()).await;
    fake.add_fault(Fault::malformed_json().times(1));
    let error = client(&fake, SignatureVersion::V2)
        .describe_regions(None)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ApiError::InvalidResponse { status: 200, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("not JSON"), "{error}");
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn slow_answers_time_out() {
    let fake = start(FakeConfig::default()).await;
    fake.add_fault(Fault::delay(2_000));
    // Each attempt times out after 500 ms; reads try three times.
    let started = Instant::now();
    let error = client(&fake, SignatureVersion::V2)
        .describe_regions(None)
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Timeout { .. }), "{error:?}");
    assert!(
        error.to_string().contains("no answer within 0.5 s"),
        "{error}"
    );
    assert!(
        !error.to_string().contains("may have run"),
        "a read: {error}"
    );
    // Without the attempt timeout, the first attempt would have been answered after 2 s; the
    // bound is loose because a loaded CI machine is slow, not because the timeout is.
    assert!(started.elapsed() < Duration::from_millis(5_000));
    // The whole call has its own limit, retries included.
    let mut short = options(SignatureVersion::V2);
    short.timeouts.call = Duration::from_millis(300);
    let started = Instant::now();
    let error = client_with(&fake, &short, TEST_SECRET, None)
        .describe_regions(None)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ApiError::Timeout { after, .. } if after == Duration::from_millis(300))
    );
    // Under the fake's 2 s delay: only the call's own limit can have ended it.
    assert!(started.elapsed() < Duration::from_millis(1_800));
}

#[tokio::test]
async fn dropping_a_call_cancels_it() {
    let fake = start(FakeConfig::default()).await;
    fake.add_fault(Fault::error(503, "ServiceUnavailable"));
    fake.add_fault(Fault::delay(100));
    let client = client(&fake, SignatureVersion::V2);
    // Cut the call during its first attempt; a detached retry would show up in the log.
    let cut = tokio::time::timeout(Duration::from_millis(50), client.describe_regions(None)).await;
    assert!(cut.is_err());
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(fake.requests().len() <= 1, "{:?}", fake.requests().len());
}

#[tokio::test]
async fn wrong_secret_gets_the_signature_help() {
    let fake = start(FakeConfig::default()).await;
    for version in [SignatureVersion::V2, SignatureVersion::V3] {
        let client = client_with(&fake, &options(version), "not-the-secret", None);
        let error = client.describe_regions(None).await.unwrap_err();
        let ApiError::Service(service) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(service.code, "SignatureDoesNotMatch");
        assert_eq!(
            service.signature_diagnosis,
            Some(SignatureDiagnosis::WrongSecret),
            "{version:?}"
        );
        assert!(
            error.to_string().contains("the AccessKeySecret is wrong"),
            "{error}"
        );
        assert!(!error.to_string().contains("string to sign is:"), "{error}");
    }
}

#[tokio::test]
async fn unknown_key_and_sts_tokens() {
    let keys = vec![FakeKey::new(TEST_KEY_ID, TEST_SECRET).with_token("sts-token-1")];
    let fake = start(FakeConfig {
        keys,
        ..FakeConfig::default()
    })
    .await;
    for version in [SignatureVersion::V2, SignatureVersion::V3] {
        let good = client_with(&fake, &options(version), TEST_SECRET, Some("sts-token-1"));
        assert!(good.describe_regions(None).await.is_ok(), "{version:?}");
        let missing = client_with(&fake, &options(version), TEST_SECRET, None);
        assert_eq!(
            missing.describe_regions(None).await.unwrap_err().code(),
            Some("MissingSecurityToken")
        );
    }
    let other = start(FakeConfig {
        keys: vec![FakeKey::new("someone-else", "x")],
        ..FakeConfig::default()
    })
    .await;
    let error = client(&other, SignatureVersion::V2)
        .describe_regions(None)
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("InvalidAccessKeyId.NotFound"));
    assert!(
        error.to_string().contains("STS token has expired"),
        "{error}"
    );
}
