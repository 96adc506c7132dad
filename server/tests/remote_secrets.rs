//! At trace log level, through successes and every kind of failure, the secret and the
//! STS token appear in no log line, error message, error Debug or client Debug, even when
//! the API's own text quotes them.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use eci_exec_lsp::remote::percent::percent_encode;
use eci_exec_lsp::remote::{
    ClientOptions, CredentialSource, Credentials, EciClient, Endpoint, ExecRequest, RetryPolicy,
    Secret, SignatureVersion, Timeouts,
};
use fake_eci::{FakeConfig, FakeEci, FakeKey, Fault, TEST_KEY_ID};

const SECRET: &str = "SuperSecretValue9876543210XYZ";
const TOKEN: &str = "StsTokenValue+/=CAIS8QF1q6Ft5B2yfSjIr5bXL";
const WRONG_SECRET: &str = "WrongSecretValue1234567890QQ";

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn client(fake: &FakeEci, version: SignatureVersion, secret: &str, token: &str) -> EciClient {
    let credentials = Credentials {
        access_key_id: TEST_KEY_ID.into(),
        access_key_secret: Secret::new(secret),
        security_token: Some(Secret::new(token)),
        region_id: None,
        source: CredentialSource::Environment,
    };
    let options = ClientOptions {
        signature_version: version,
        timeouts: Timeouts {
            connect: Duration::from_secs(1),
            attempt: Duration::from_millis(300),
            call: Duration::from_secs(5),
        },
        retry: RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
        },
        ..ClientOptions::default()
    };
    EciClient::from_parts(credentials, Endpoint::parse(&fake.url()).unwrap(), &options).unwrap()
}

/// Records every log line at trace level while the guard lives.
fn capture_logs() -> (Buffer, tracing::subscriber::DefaultGuard) {
    let logs = Buffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (logs, tracing::subscriber::set_default(subscriber))
}

/// A fake that accepts the test key with `SECRET` and `TOKEN`.
async fn fake_with_token() -> FakeEci {
    let keys = vec![FakeKey::new(TEST_KEY_ID, SECRET).with_token(TOKEN)];
    FakeEci::start(FakeConfig {
        keys,
        ..FakeConfig::default()
    })
    .await
    .unwrap()
}

fn exec_request() -> ExecRequest {
    ExecRequest {
        region_id: "cn-hangzhou".into(),
        container_group_id: "eci-bp1fakeweb0001".into(),
        container_name: "nginx".into(),
        command: vec!["/bin/sh".into(), "-c".into(), "echo secretless".into()],
        tty: false,
        stdin: true,
        sync: true,
    }
}

/// Fails if any form of the secret or the token is in `everything`.
fn assert_no_secret(everything: &str) {
    for needle in [
        SECRET,
        WRONG_SECRET,
        TOKEN,
        &percent_encode(TOKEN),
        &percent_encode(&percent_encode(TOKEN)),
        "CAIS8QF1q6Ft5B2yfSjIr5bXL",
    ] {
        assert!(
            !everything.contains(needle),
            "found {needle} in:\n{everything}"
        );
    }
}

#[tokio::test]
async fn secrets_appear_nowhere() {
    let (logs, _guard) = capture_logs();
    let fake = fake_with_token().await;
    let mut seen = Vec::new();
    let exec = exec_request();
    for version in [SignatureVersion::V2, SignatureVersion::V3] {
        let good = client(&fake, version, SECRET, TOKEN);
        seen.push(format!("{good:?}"));
        assert!(good.describe_regions(None).await.is_ok());
        assert!(good.exec_container_command(&exec).await.is_ok());
        for fault in [
            Fault::error(503, "ServiceUnavailable").times(2),
            Fault::error(400, "Throttling.User")
                .times(2)
                .retry_after_ms(10),
            Fault::drop_connection().times(2),
            Fault::malformed_json().times(1),
            Fault::delay(1_000).times(2),
        ] {
            fake.add_fault(fault);
            let error = good
                .describe_container_groups("cn-hangzhou", &[])
                .await
                .unwrap_err();
            seen.push(format!("{error} {error:?}"));
            fake.reset();
        }
        for (secret, token) in [(WRONG_SECRET, TOKEN), (SECRET, "expired-token")] {
            let bad = client(&fake, version, secret, token);
            let error = bad.exec_container_command(&exec).await.unwrap_err();
            seen.push(format!("{error} {error:?} {bad:?}"));
        }
    }
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("retrying") && logs.contains("ECI API error"),
        "the test must see the client's logs:\n{logs}"
    );
    seen.push(logs);
    let everything = seen.join("\n");
    assert!(
        everything.contains("SignatureDoesNotMatch") && everything.contains("InvalidSecurityToken")
    );
    assert_no_secret(&everything);
}

#[tokio::test]
async fn api_text_that_quotes_a_secret_is_redacted() {
    let (logs, _guard) = capture_logs();
    let fake = fake_with_token().await;
    let exec = exec_request();
    let mut seen = Vec::new();
    let quoting = serde_json::json!({
        "Code": format!("Invalid.{TOKEN}"),
        "Message": format!("secret {SECRET}, token {TOKEN}, encoded {}", percent_encode(TOKEN)),
        "Recommend": format!("https://api.aliyun.com/?q={}", percent_encode(&percent_encode(TOKEN))),
        "HostId": TOKEN,
        "RequestId": TOKEN,
    })
    .to_string();
    for version in [SignatureVersion::V2, SignatureVersion::V3] {
        let client = client(&fake, version, SECRET, TOKEN);
        // A gateway that echoes the token it was sent.
        fake.add_fault(Fault::echo_token());
        let error = client.exec_container_command(&exec).await.unwrap_err();
        assert_eq!(error.code(), Some("InvalidSecurityToken.Malformed"));
        let message = error.to_string();
        assert!(
            message.contains("Specified SecurityToken *** is malformed."),
            "{message}"
        );
        seen.push(format!("{message} {error:?}"));
        fake.reset();
        for (status, body) in [
            (400, quoting.clone()),
            (502, format!("<html>{TOKEN}</html>")),
            (200, format!("[\"{TOKEN}\"]")),
            (
                200,
                format!(r#"{{"RequestId":"{TOKEN}","SyncResponse":"{SECRET}"}}"#),
            ),
        ] {
            fake.add_fault(Fault::body(status, &body).times(1));
            match client.exec_container_command(&exec).await {
                Ok(answer) => seen.push(format!("{answer:?}")),
                Err(error) => seen.push(format!("{error} {error:?}")),
            }
            fake.reset();
        }
    }
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    seen.push(logs);
    let everything = seen.join("\n");
    assert!(everything.contains("***"), "{everything}");
    assert_no_secret(&everything);
}
