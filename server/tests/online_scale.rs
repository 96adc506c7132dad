//! Online data at scale, over stdio against the fake API: completion from the pages that have
//! arrived while a long listing goes on, lists kept on disk between sessions (served at once
//! after a restart, never as online diagnostics, private files without secrets, a damaged file
//! replaced), and each entry's lens showing its instance's status.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fake_eci::{FakeConfig, FakeEci, Fault, TEST_KEY_ID, TEST_SECRET, fixture};
use serde_json::{Value, json};
use support::{LspClient, codes};

const URI: &str = "file:///work/scale.eci.json";
/// The cursor sits inside the empty ContainerGroupId value (line 2, after the opening quote).
const FILE: &str = "{\n  \"RegionId\": \"cn-hangzhou\",\n  \"ContainerGroupId\": \"\",\n  \"ContainerName\": \"main\",\n  \"Command\": [\"ls\"],\n  \"Sync\": true\n}\n";
const CURSOR: (u32, u32) = (2, 23);

async fn fake_with(groups: usize) -> FakeEci {
    FakeEci::start(FakeConfig {
        groups: fixture::generate(groups, "cn-hangzhou"),
        ..FakeConfig::default()
    })
    .await
    .expect("fake API")
}

/// A server against `fake`, with `home` as its home folder (where the disk copy lives).
fn server(fake: &FakeEci, home: &Path, capabilities: Value) -> LspClient {
    let url = fake.url();
    let home = home.to_str().expect("home path");
    let env = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", TEST_KEY_ID),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", TEST_SECRET),
        (
            "ALIBABA_CLOUD_SECURITY_TOKEN",
            "ScaleTestStsToken0123456789",
        ),
        ("ECI_EXEC_ENDPOINT", url.as_str()),
        ("HOME", home),
    ];
    let (client, _) = LspClient::initialized_with_env(capabilities, json!({}), &env);
    client
}

fn completion(client: &mut LspClient) -> Value {
    client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": URI}, "position": {"line": CURSOR.0, "character": CURSOR.1}}),
    )
}

fn item_count(list: &Value) -> usize {
    list["items"].as_array().map_or(0, Vec::len)
}

/// Asks for completion until `done` holds, within 20 s; returns the last answer.
fn complete_until(client: &mut LspClient, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let list = completion(client);
        if done(&list) {
            return list;
        }
        let shown: String = list.to_string().chars().take(300).collect();
        assert!(Instant::now() < deadline, "never came: {shown}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn cache_files(home: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(home.join(".cache/eci-exec-lsp")) {
        Ok(entries) => entries.map(|entry| entry.expect("entry").path()).collect(),
        Err(_) => Vec::new(),
    }
}

fn listings(fake: &FakeEci) -> usize {
    fake.requests()
        .iter()
        .filter(|request| request.action == "DescribeContainerGroups")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_page_is_offered_while_the_listing_goes_on() {
    // 200 instances: 10 pages of 20, each answered after 400 ms.
    let fake = fake_with(200).await;
    fake.add_fault(Fault::delay(400).action("DescribeContainerGroups"));
    let home = tempfile::tempdir().unwrap();
    let mut client = server(&fake, home.path(), json!({}));
    client.open(URI, FILE);
    let first = complete_until(&mut client, |list| item_count(list) > 0);
    assert_eq!(first["isIncomplete"], true, "{first}");
    assert!(
        item_count(&first) < 200,
        "{} items already",
        item_count(&first)
    );
    assert!(
        listings(&fake) < 10,
        "the items came only after {} pages",
        listings(&fake)
    );
    let whole = complete_until(&mut client, |list| list["isIncomplete"] == false);
    assert_eq!(item_count(&whole), 200);
    assert_eq!(client.shutdown(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_is_served_from_disk_before_any_answer_of_the_api() {
    let fake = fake_with(30).await;
    let home = tempfile::tempdir().unwrap();
    let mut first = server(&fake, home.path(), json!({}));
    first.open(URI, FILE);
    complete_until(&mut first, |list| list["isIncomplete"] == false);
    assert_eq!(first.shutdown(), Some(0));

    // The kept list: one private file in a private folder, without a key, secret or token.
    let files = cache_files(home.path());
    assert_eq!(files.len(), 1, "{files:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&home.path().join(".cache/eci-exec-lsp")), 0o700);
        assert_eq!(mode(&files[0]), 0o600);
    }
    let kept = std::fs::read_to_string(&files[0]).unwrap();
    assert!(kept.contains("eci-gen000029"));
    for secret in [TEST_KEY_ID, TEST_SECRET, "ScaleTestStsToken0123456789"] {
        assert!(!kept.contains(secret), "{secret} written to the cache");
    }

    // The API now answers nothing for 10 s: what completion offers comes from the disk.
    fake.reset();
    fake.add_fault(Fault::delay(10_000).action("DescribeContainerGroups"));
    let mut second = server(&fake, home.path(), json!({}));
    // An id the kept list does not hold: no online diagnostic may come from the disk copy.
    second.open(
        URI,
        &FILE.replace(
            "\"ContainerGroupId\": \"\"",
            "\"ContainerGroupId\": \"eci-gone0001\"",
        ),
    );
    let list = complete_until(&mut second, |list| item_count(list) > 0);
    assert_eq!(item_count(&list), 30);
    assert_eq!(list["isIncomplete"], true, "the disk copy is not fresh");
    let detail = list["items"][0]["detail"].as_str().expect("detail");
    assert!(detail.contains("cached"), "{detail}");
    let published = second.diagnostics(URI);
    assert!(
        !codes(&published["diagnostics"]).contains(&"unknown-container-group".to_owned()),
        "{published}"
    );
    // The fake logs a request when it answers it: none has been answered yet.
    assert_eq!(
        listings(&fake),
        0,
        "the disk copy was served before the API answered"
    );
    assert_eq!(second.shutdown(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_disk_copy_is_ignored_and_replaced() {
    let fake = fake_with(5).await;
    let home = tempfile::tempdir().unwrap();
    let mut first = server(&fake, home.path(), json!({}));
    first.open(URI, FILE);
    complete_until(&mut first, |list| list["isIncomplete"] == false);
    assert_eq!(first.shutdown(), Some(0));
    let file = cache_files(home.path()).pop().expect("kept");
    std::fs::write(&file, b"{\"version\": 1, \"groups\": [{\"Container").unwrap();

    let mut second = server(&fake, home.path(), json!({}));
    second.open(URI, FILE);
    let list = complete_until(&mut second, |list| list["isIncomplete"] == false);
    assert_eq!(item_count(&list), 5);
    let detail = list["items"][0]["detail"].as_str().expect("detail");
    assert!(!detail.contains("cached"), "{detail}");
    // Replaced by the list fetched now.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !std::fs::read_to_string(&file)
        .unwrap_or_default()
        .contains("eci-gen000004")
    {
        assert!(
            Instant::now() < deadline,
            "the damaged file was not replaced"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(second.shutdown(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lens_shows_the_instance_status_and_is_refreshed_when_a_list_lands() {
    let fake = FakeEci::start(FakeConfig::default())
        .await
        .expect("fake API");
    let home = tempfile::tempdir().unwrap();
    let capabilities = json!({"workspace": {"codeLens": {"refreshSupport": true}}});
    let mut client = server(&fake, home.path(), capabilities);
    client
        .answers
        .push(("workspace/codeLens/refresh".to_owned(), json!(null)));
    let text = r#"{
  "RegionId": "cn-hangzhou",
  "Execs": [
    {"ContainerGroupId": "eci-bp1fakeweb0001", "ContainerName": "nginx", "Command": ["ls"], "Sync": true},
    {"ContainerGroupId": "eci-bp1fakepend0003", "ContainerName": "worker", "Command": ["ls"], "Sync": true}
  ]
}"#;
    client.open(URI, text);
    client.wait_for(|message| message["method"] == "workspace/codeLens/refresh");
    let titles = client.lens_titles(URI);
    assert_eq!(titles, ["▶ Run · ● Running", "▶ Run · ○ Pending"]);
    assert_eq!(client.shutdown(), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_list_is_cut_to_the_best_items_and_narrowed_by_what_is_typed() {
    let fake = fake_with(260).await;
    let home = tempfile::tempdir().unwrap();
    let mut client = server(&fake, home.path(), json!({}));
    client.open(
        URI,
        &FILE.replace(
            "\"ContainerGroupId\": \"\"",
            "\"ContainerGroupId\": \"generated-25\"",
        ),
    );
    let at_typed = |client: &mut LspClient| {
        client.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": {"line": 2, "character": 35}}),
        )
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let narrowed = loop {
        let list = at_typed(&mut client);
        if list["isIncomplete"] == false {
            break list;
        }
        assert!(Instant::now() < deadline, "the list never became fresh");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(
        item_count(&narrowed),
        11,
        "generated-25 and generated-250 to 259"
    );
    // Nothing typed: the best 200 of 260 (and more), said to be incomplete.
    client.change(URI, 2, [2, 23, 2, 35], "");
    let cut = completion(&mut client);
    assert_eq!(item_count(&cut), 200);
    assert_eq!(cut["isIncomplete"], true, "more items than sent");
    assert_eq!(client.shutdown(), Some(0));
}
