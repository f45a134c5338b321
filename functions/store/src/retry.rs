//! Bounded retries with exponential backoff and full jitter, for remote stores.
//!
//! The policy is plain data and the clock and randomness are injected, so the schedule is
//! tested deterministically; [`crate::dynamo`] passes `tokio::time::sleep` and a random fraction.

use crate::StoreError;
use std::future::Future;
use std::time::Duration;

/// How often and how patiently to retry a call that failed with [`StoreError::Retryable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Calls in total, the first included; at least 1.
    pub attempts: u32,
    /// The ceiling of the first delay; it doubles for every further retry.
    pub base: Duration,
    /// No delay exceeds this.
    pub cap: Duration,
}

impl Default for Backoff {
    /// Six calls, delays drawn from at most 20, 40, 80, 160 and 320 ms (about 0.6 s in all).
    fn default() -> Backoff {
        Backoff { attempts: 6, base: Duration::from_millis(20), cap: Duration::from_secs(1) }
    }
}

impl Backoff {
    /// The delay before retry number `retry` (0 for the first retry): "full jitter", a
    /// `jitter` fraction in [0, 1) of `min(cap, base * 2^retry)`, so that writers that
    /// collided spread out instead of colliding again in lock step.
    pub fn delay(&self, retry: u32, jitter: f64) -> Duration {
        let ceiling = self.base.saturating_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX)).min(self.cap);
        let fraction = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
        ceiling.mul_f64(fraction)
    }
}

/// Counts consecutive failures against a [`Backoff`] and says how long to wait before the next
/// call, or that it is time to give up.
#[derive(Debug, Clone)]
pub struct Attempts {
    policy: Backoff,
    failures: u32,
}

impl Attempts {
    /// No failures yet.
    pub fn new(policy: Backoff) -> Attempts {
        Attempts { policy, failures: 0 }
    }

    /// Records a retryable failure. Returns the delay before the next call, or the error to
    /// return when the calls are used up.
    pub fn failed(&mut self, message: &str, jitter: f64) -> Result<Duration, StoreError> {
        self.failures += 1;
        if self.failures >= self.policy.attempts.max(1) {
            return Err(StoreError::Retryable(format!("{message} (gave up after {} attempts)", self.failures)));
        }
        Ok(self.policy.delay(self.failures - 1, jitter))
    }

    /// Records progress (a partly successful batch): the next failure starts the schedule anew.
    pub fn progressed(&mut self) {
        self.failures = 0;
    }
}

/// Calls `op` until it returns anything but [`StoreError::Retryable`] or the attempts are used
/// up, sleeping with `sleep` for [`Backoff::delay`] between calls. `op` gets the attempt number,
/// from 0.
pub async fn retry<T, Op, Fut, Sleep, SleepFut>(
    policy: Backoff,
    mut jitter: impl FnMut() -> f64,
    mut sleep: Sleep,
    mut op: Op,
) -> Result<T, StoreError>
where
    Op: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
    Sleep: FnMut(Duration) -> SleepFut,
    SleepFut: Future<Output = ()>,
{
    let mut attempts = Attempts::new(policy);
    let mut attempt = 0;
    loop {
        match op(attempt).await {
            Err(StoreError::Retryable(message)) => {
                let delay = attempts.failed(&message, jitter())?;
                sleep(delay).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    fn policy() -> Backoff {
        Backoff { attempts: 6, base: MS(20), cap: MS(100) }
    }

    #[test]
    fn delays_double_up_to_the_cap_and_scale_with_jitter() {
        let p = policy();
        let full: Vec<Duration> = (0..6).map(|r| p.delay(r, 1.0)).collect();
        assert_eq!(full, vec![MS(20), MS(40), MS(80), MS(100), MS(100), MS(100)]);
        assert_eq!(p.delay(2, 0.5), MS(40));
        assert_eq!(p.delay(2, 0.0), Duration::ZERO);
        assert_eq!(p.delay(1, 7.0), MS(40), "jitter is clamped to [0, 1]");
        assert_eq!(p.delay(1, f64::NAN), Duration::ZERO, "nonsense jitter means no wait");
        assert_eq!(p.delay(200, 1.0), MS(100), "huge retry numbers do not overflow");
    }

    #[test]
    fn default_policy_is_six_calls_from_twenty_milliseconds() {
        let p = Backoff::default();
        assert_eq!((p.attempts, p.base), (6, MS(20)));
        let worst: Duration = (0..p.attempts - 1).map(|r| p.delay(r, 1.0)).sum();
        assert_eq!(worst, MS(620));
    }

    #[test]
    fn attempts_give_up_after_the_limit_and_reset_on_progress() {
        let mut a = Attempts::new(Backoff { attempts: 3, ..policy() });
        assert_eq!(a.failed("busy", 1.0).unwrap(), MS(20));
        assert_eq!(a.failed("busy", 1.0).unwrap(), MS(40));
        a.progressed();
        assert_eq!(a.failed("busy", 1.0).unwrap(), MS(20), "progress restarts the schedule");
        assert_eq!(a.failed("busy", 1.0).unwrap(), MS(40));
        match a.failed("busy", 1.0) {
            Err(StoreError::Retryable(m)) => assert_eq!(m, "busy (gave up after 3 attempts)"),
            other => panic!("expected to give up, got {other:?}"),
        }
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    #[test]
    fn retries_retryable_errors_with_the_injected_sleep_and_jitter() {
        let slept = RefCell::new(Vec::new());
        let jitters = RefCell::new(vec![0.5, 0.25, 1.0].into_iter());
        let result = block_on(retry(
            policy(),
            || jitters.borrow_mut().next().unwrap(),
            |d| {
                slept.borrow_mut().push(d);
                async {}
            },
            |attempt| async move {
                if attempt < 3 { Err(StoreError::Retryable(format!("throttled {attempt}"))) } else { Ok(attempt) }
            },
        ));
        assert_eq!(result.unwrap(), 3, "succeeds on the fourth call");
        assert_eq!(*slept.borrow(), vec![MS(10), MS(10), MS(80)]);
    }

    #[test]
    fn gives_up_with_the_last_message_after_the_attempts() {
        let calls = RefCell::new(0);
        let slept = RefCell::new(0);
        let result: Result<(), _> = block_on(retry(
            policy(),
            || 1.0,
            |_| {
                *slept.borrow_mut() += 1;
                async {}
            },
            |attempt| {
                *calls.borrow_mut() += 1;
                async move { Err(StoreError::Retryable(format!("busy {attempt}"))) }
            },
        ));
        match result {
            Err(StoreError::Retryable(m)) => assert_eq!(m, "busy 5 (gave up after 6 attempts)"),
            other => panic!("expected Retryable, got {other:?}"),
        }
        assert_eq!((*calls.borrow(), *slept.borrow()), (6, 5), "six calls, five waits");
    }

    #[test]
    fn other_errors_are_returned_at_once() {
        let calls = RefCell::new(0);
        let result: Result<(), _> = block_on(retry(
            policy(),
            || 1.0,
            |_| async {},
            |_| {
                *calls.borrow_mut() += 1;
                async { Err(StoreError::ConditionFailed { pk: "A".into(), sk: "B".into() }) }
            },
        ));
        assert!(matches!(result, Err(StoreError::ConditionFailed { .. })));
        assert_eq!(*calls.borrow(), 1);
    }
}
