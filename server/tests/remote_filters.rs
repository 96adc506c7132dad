//! Listing by name and tags, and what fleet tests read from the fake: the client's
//! `describe_container_groups_where` against the fake's `ContainerGroupName` and `Tag.N` filters (all
//! pages), faults aimed at one instance, and delayed execs that overlap, with their timing in
//! the request log.

use std::time::{Duration, Instant};

use eci_exec_lsp::analysis::selector::Selector;
use eci_exec_lsp::remote::{ClientOptions, EciClient, Endpoint, ExecRequest};
use fake_eci::{
    FakeConfig, FakeEci, Fault, fixture, max_in_flight, max_started_within, test_credentials,
};

const EXEC: &str = "ExecContainerCommand";

fn client(fake: &FakeEci) -> EciClient {
    let endpoint = Endpoint::parse(&fake.url()).unwrap();
    EciClient::from_parts(test_credentials(), endpoint, &ClientOptions::default()).unwrap()
}

fn filter(name: Option<&str>, tags: &[(&str, &str)]) -> Selector {
    Selector {
        name: name.map(str::to_owned),
        tags: tags
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect(),
    }
}

/// The names of what the API lists for `selector`'s query (a pattern is left to the caller).
async fn names(client: &EciClient, selector: &Selector) -> Vec<String> {
    let mut names: Vec<String> = client
        .describe_container_groups_where("cn-hangzhou", &selector.query())
        .await
        .unwrap()
        .into_iter()
        .map(|group| group.container_group_name)
        .collect();
    names.sort();
    names
}

fn exec(group: &str) -> ExecRequest {
    ExecRequest {
        region_id: "cn-hangzhou".into(),
        container_group_id: group.into(),
        container_name: "nginx".into(),
        command: vec!["uptime".into()],
        tty: false,
        stdin: true,
        sync: true,
    }
}

#[tokio::test]
async fn the_fake_filters_by_exact_name_and_every_tag_like_the_api() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    let client = client(&fake);
    let web = names(&client, &filter(None, &[("app", "web")])).await;
    assert_eq!(web, ["web-1", "web-2", "web-3", "web-4", "web-5", "web-6"]);
    let staging = filter(None, &[("app", "web"), ("env", "staging")]);
    assert_eq!(names(&client, &staging).await, ["web-3"]);
    assert_eq!(names(&client, &filter(Some("web-2"), &[])).await, ["web-2"]);
    // The API matches names exactly (a pattern is the caller's to match, so `query` leaves it out).
    let literal = [("ContainerGroupName".to_owned(), "web-*".to_owned())];
    let listed = client
        .describe_container_groups_where("cn-hangzhou", &literal)
        .await
        .unwrap();
    assert!(listed.is_empty(), "{listed:?}");
    assert!(filter(Some("web-*"), &[]).query().is_empty());
    let mismatch = filter(Some("web-3"), &[("env", "prod")]);
    assert!(names(&client, &mismatch).await.is_empty());
    assert!(
        names(&client, &filter(None, &[("app", "Web")]))
            .await
            .is_empty(),
        "tag values are case-sensitive"
    );
    let sent = &fake.requests()[1].params;
    assert_eq!(sent["Tag.1.Key"], "app");
    assert_eq!(sent["Tag.2.Key"], "env");
    assert_eq!(sent["Tag.2.Value"], "staging");
    assert!(!sent.contains_key("ContainerGroupName"));
}

#[tokio::test]
async fn a_filtered_listing_reads_every_page() {
    let mut groups = fixture::generate(45, "cn-hangzhou");
    groups.extend(fixture::default_groups());
    let fake = FakeEci::start(FakeConfig {
        groups,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let found = client(&fake)
        .describe_container_groups_where(
            "cn-hangzhou",
            &filter(None, &[("app", "generated")]).query(),
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 45);
    let log = fake.requests();
    assert_eq!(log.len(), 3, "20 a page");
    assert!(
        log.iter()
            .all(|request| request.params["Tag.1.Value"] == "generated")
    );
}

#[tokio::test]
async fn a_fault_can_aim_at_one_instance() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    fake.add_fault(
        Fault::error(400, "IncorrectStatus")
            .action(EXEC)
            .group("eci-bp1fakerep00002"),
    );
    let client = client(&fake);
    assert!(
        client
            .exec_container_command(&exec("eci-bp1fakerep00001"))
            .await
            .is_ok()
    );
    let failed = client
        .exec_container_command(&exec("eci-bp1fakerep00002"))
        .await
        .unwrap_err();
    assert_eq!(failed.code(), Some("IncorrectStatus"));
}

#[tokio::test]
async fn delayed_execs_overlap_and_the_log_tells_their_timing() {
    let fake = FakeEci::start(FakeConfig::default()).await.unwrap();
    fake.add_fault(Fault::delay(400).action(EXEC));
    let client = client(&fake);
    // Listing is not delayed by a fault aimed at execs.
    let started = Instant::now();
    client
        .describe_container_groups_where("cn-hangzhou", &[])
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_millis(400));

    let started = Instant::now();
    let ids = [
        "eci-bp1fakerep00001",
        "eci-bp1fakerep00002",
        "eci-bp1fakerep00003",
        "eci-bp1fakerep00004",
    ];
    let calls = ids.map(|id| {
        let client = client.clone();
        tokio::spawn(async move { client.exec_container_command(&exec(id)).await })
    });
    for call in calls {
        assert!(call.await.unwrap().is_ok());
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_millis(1200),
        "four calls of 400 ms overlap: {elapsed:?}"
    );
    let log = fake.requests();
    for request in log.iter().filter(|request| request.action == EXEC) {
        assert!(request.end_unix_ms >= request.unix_ms + 400, "{request:?}");
    }
    assert_eq!(max_in_flight(&log, EXEC), 4);
    assert_eq!(max_started_within(&log, EXEC, 1000), 4);
    assert_eq!(max_in_flight(&log, "DescribeContainerGroups"), 1);
}
