//! Fleet runs, for the command line and the server alike: the targets of a selector entry from
//! a fresh listing (every page; never the completion cache), then one `ExecContainerCommand`
//! per target with at most `concurrency` calls in flight and at most 8 started in any second,
//! until every target has answered or the run is cancelled. A cancelled run starts nothing
//! more; the calls already sent finish and their answers are kept. No call is retried here (the
//! client retries an exec only when throttled), and one target's failure stops no other.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::analysis::fleet::{Fleet, FleetRun, TargetResult, TargetStatus};
use crate::analysis::run_result::cap_output;
use crate::analysis::selector::Selector;
use crate::eci::{ContainerGroup, ExecRequest, ExecResponse};
use crate::remote::{ApiError, EciClient};

/// Calls of one run in flight at once, unless the `runConcurrency` setting says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// A fleet run with more targets is refused, unless `maxTargets` or `--max-targets` says
/// otherwise.
pub const DEFAULT_MAX_TARGETS: usize = 20;

/// ExecContainerCommand allows 500 calls a minute per account; runs start at most this many
/// calls in any window.
pub const STARTS_PER_WINDOW: usize = 8;

/// A second, and a tenth more: the API counts calls as they arrive, so the margin keeps a
/// delay on the way (a busy machine, a new connection) from putting a ninth call into one of
/// its seconds. It costs a fleet of 100 about 5% of its time.
pub const START_WINDOW: Duration = Duration::from_millis(1100);

/// Starts calls at most `per_window` in any `window`. One is shared by every run of a session
/// (or a command line), since the API's limit is the account's.
pub struct Pacer {
    per_window: usize,
    window: Duration,
    starts: Mutex<VecDeque<Instant>>,
}

impl Default for Pacer {
    fn default() -> Pacer {
        Pacer::new(STARTS_PER_WINDOW, START_WINDOW)
    }
}

impl Pacer {
    pub fn new(per_window: usize, window: Duration) -> Pacer {
        Pacer {
            per_window: per_window.max(1),
            window,
            starts: Mutex::default(),
        }
    }

    /// Waits until one more call may start, and counts it as started. Dropped while waiting,
    /// it counts nothing.
    pub async fn start(&self) {
        loop {
            let wait = {
                let mut starts = self.starts.lock().unwrap_or_else(PoisonError::into_inner);
                let now = Instant::now();
                while starts
                    .front()
                    .is_some_and(|start| now.duration_since(*start) >= self.window)
                {
                    starts.pop_front();
                }
                match starts.front() {
                    Some(oldest) if starts.len() >= self.per_window => *oldest + self.window - now,
                    _ => {
                        starts.push_back(now);
                        return;
                    }
                }
            };
            tokio::time::sleep(wait).await;
        }
    }
}

/// The instances `selector` picks in the request's region, from a fresh listing of every page:
/// the API filters on an exact name and on the tags; a `*` pattern is matched here.
pub async fn find(
    client: &EciClient,
    selector: &Selector,
    request: &ExecRequest,
) -> Result<Fleet, ApiError> {
    let groups = client
        .describe_container_groups_where(&request.region_id, &selector.query())
        .await?;
    Ok(selector.select(&groups, &request.container_name).into())
}

/// Runs `request` on every target of `fleet` (its `ContainerGroupId` replaced by each
/// target's), within the limits, until done or `cancel`; `finished(k)` is called as the k-th
/// answer arrives. The skipped instances are part of the result, with their reason.
pub async fn run(
    client: &EciClient,
    request: &ExecRequest,
    fleet: &Fleet,
    concurrency: usize,
    pacer: &Pacer,
    cancel: &CancellationToken,
    finished: impl FnMut(usize),
) -> FleetRun {
    let answers = for_each(
        &fleet.targets,
        concurrency,
        pacer,
        cancel,
        |group: &ContainerGroup| {
            let request = ExecRequest {
                container_group_id: group.container_group_id.clone(),
                ..request.clone()
            };
            async move { client.exec_container_command(&request).await }
        },
        finished,
    )
    .await;
    let cancelled = answers.iter().any(Option::is_none);
    let mut results: Vec<TargetResult> = fleet
        .targets
        .iter()
        .zip(answers)
        .map(|(group, answer)| target_result(group, answer))
        .collect();
    results.extend(
        fleet
            .skipped
            .iter()
            .map(|(group, reason)| TargetResult::skipped(group, reason.to_string())),
    );
    FleetRun::new(results, fleet.targets.len(), cancelled)
}

/// Calls `call` for each of `targets`, in order, with at most `concurrency` calls under way
/// and each start paced by `pacer`; after `cancel`, starts none. Returns each target's answer
/// in the order of `targets` (`None`: never started).
pub async fn for_each<T, R, F>(
    targets: &[T],
    concurrency: usize,
    pacer: &Pacer,
    cancel: &CancellationToken,
    call: impl Fn(&T) -> F,
    mut finished: impl FnMut(usize),
) -> Vec<Option<R>>
where
    F: Future<Output = R>,
{
    let mut answers: Vec<Option<R>> = targets.iter().map(|_| None).collect();
    let mut under_way = FuturesUnordered::new();
    let (mut next, mut done) = (0, 0);
    loop {
        let may_start =
            next < targets.len() && under_way.len() < concurrency.max(1) && !cancel.is_cancelled();
        if !may_start && under_way.is_empty() {
            break;
        }
        tokio::select! {
            biased;
            () = cancel.cancelled(), if may_start => {}
            Some((index, answer)) = under_way.next(), if !under_way.is_empty() => {
                answers[index] = Some(answer);
                done += 1;
                finished(done);
            }
            () = pacer.start(), if may_start => {
                let index = next;
                next += 1;
                let call = call(&targets[index]);
                under_way.push(async move { (index, call.await) });
            }
        }
    }
    answers
}

/// A target's result from its answer (`None`: never sent, the run was cancelled first).
pub fn target_result(
    group: &ContainerGroup,
    answer: Option<Result<ExecResponse, ApiError>>,
) -> TargetResult {
    let base = TargetResult {
        container_group_name: Some(group.container_group_name.clone())
            .filter(|name| !name.is_empty()),
        ..TargetResult::skipped(group, String::new())
    };
    match answer {
        None => TargetResult {
            reason: Some("not run: the run was cancelled first".to_owned()),
            ..base
        },
        Some(Ok(response)) => TargetResult {
            status: TargetStatus::Ok,
            request_id: Some(response.request_id).filter(|id| !id.is_empty()),
            output: response.sync_response.map(cap_output),
            reason: None,
            ..base
        },
        Some(Err(error)) => TargetResult {
            status: TargetStatus::Failed,
            request_id: error.request_id().map(str::to_owned),
            error: Some(error.summary()),
            error_code: Some(error_code(&error).to_owned()),
            reason: None,
            ..base
        },
    }
}

/// The API's code, or a word for a failure the API did not answer with one.
pub fn error_code(error: &ApiError) -> &str {
    error.code().unwrap_or(match error {
        ApiError::Timeout { .. } => "Timeout",
        ApiError::Network { .. } => "NetworkError",
        _ => "HttpError",
    })
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    /// Runs `count` calls of `length` each under the limits; returns each call's start and end.
    async fn timed(
        count: usize,
        concurrency: usize,
        length: Duration,
        cancel: &CancellationToken,
        cancel_after: usize,
    ) -> (Vec<Option<(Instant, Instant)>>, Instant) {
        let pacer = Pacer::default();
        let begun = Instant::now();
        let targets: Vec<usize> = (0..count).collect();
        let answers = for_each(
            &targets,
            concurrency,
            &pacer,
            cancel,
            |_| async move {
                let start = Instant::now();
                tokio::time::sleep(length).await;
                (start, Instant::now())
            },
            |done| {
                if done == cancel_after {
                    cancel.cancel();
                }
            },
        )
        .await;
        (answers, begun)
    }

    #[tokio::test(start_paused = true)]
    async fn at_most_concurrency_in_flight_and_eight_starts_in_any_window() {
        let cancel = CancellationToken::new();
        let (answers, begun) = timed(40, 20, Duration::from_millis(200), &cancel, 0).await;
        let calls: Vec<(Instant, Instant)> = answers.into_iter().map(Option::unwrap).collect();
        for (first, (start, _)) in calls.iter().enumerate() {
            let within = calls[first..]
                .iter()
                .filter(|(other, _)| *other >= *start && *other < *start + START_WINDOW)
                .count();
            assert!(within <= STARTS_PER_WINDOW, "{within} starts in a window");
        }
        // Five windows of eight; the last call ends 200 ms after the fifth window opens.
        let last_end = calls.iter().map(|(_, end)| *end).max().unwrap();
        assert_eq!(
            last_end - begun,
            START_WINDOW * 4 + Duration::from_millis(200)
        );

        let (answers, _) = timed(12, 3, Duration::from_millis(50), &cancel_never(), 0).await;
        let calls: Vec<(Instant, Instant)> = answers.into_iter().map(Option::unwrap).collect();
        let most = calls
            .iter()
            .map(|(start, _)| {
                calls
                    .iter()
                    .filter(|(other_start, other_end)| other_start <= start && start < other_end)
                    .count()
            })
            .max()
            .unwrap();
        assert_eq!(most, 3);
    }

    fn cancel_never() -> CancellationToken {
        CancellationToken::new()
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_run_starts_nothing_more_and_lets_started_calls_finish() {
        let cancel = CancellationToken::new();
        let (answers, _) = timed(20, 4, Duration::from_millis(100), &cancel, 2).await;
        let ran = answers.iter().filter(|answer| answer.is_some()).count();
        // Four were under way; two finished, which cancelled the run; the other two finished.
        assert_eq!(ran, 4, "{answers:?}");
        assert!(answers[4..].iter().all(Option::is_none));
    }

    #[tokio::test(start_paused = true)]
    async fn pacers_shared_by_runs_count_every_start() {
        let pacer = Pacer::default();
        let begun = Instant::now();
        let starts = RefCell::new(Vec::new());
        let never = cancel_never();
        let one_run = || {
            for_each(
                &[(); 6],
                8,
                &pacer,
                &never,
                |_| {
                    starts.borrow_mut().push(Instant::now());
                    async {}
                },
                |_| {},
            )
        };
        tokio::join!(one_run(), one_run());
        let starts = starts.into_inner();
        assert_eq!(starts.len(), 12);
        let in_first_window = starts.iter().filter(|s| **s < begun + START_WINDOW).count();
        assert_eq!(in_first_window, STARTS_PER_WINDOW);
    }
}
