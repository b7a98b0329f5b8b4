//! The reconciler: a job on the shared job runner for each open attempt. It asks the
//! provider where the payment stands, with backoff, until a final state; an attempt not
//! confirmed in time expires, and is asked about twice more later (after an hour, then six)
//! so that money collected late is still credited. Jobs are durable: a process that stops
//! between the provider's acceptance and its callback picks the check up after a restart.

use chrono::Duration;
use serde_json::{Value, json};

use super::{Applied, MomoState, check_now, get, next_check};
use crate::jobs::{Job, JobCtx, Payload};

/// Ask the provider to collect an attempt.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct StartOf {
    pub payment_id: i64,
}

impl Payload for StartOf {
    const KIND: &'static str = "mobile_money.start";
}

/// Ask the provider where an attempt stands.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct CheckOf {
    pub payment_id: i64,
    /// 0 while the attempt is open; 1 and 2 for the two late checks after it expired.
    /// Left out when 0, as the payloads were written before they had a type.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub late: i64,
    /// Asked by a callback (one check, apart from the attempt's own chain).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub asked: bool,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl Payload for CheckOf {
    const KIND: &'static str = "mobile_money.check";
}

/// Asks the provider to collect a new attempt ([`super::run_start`]); retried by the runner
/// while the provider cannot be reached.
pub struct Start;

#[async_trait::async_trait]
impl Job for Start {
    type Payload = StartOf;

    async fn run(&self, ctx: &JobCtx, payload: StartOf) -> anyhow::Result<Value> {
        let id = payload.payment_id;
        super::run_start(&ctx.app, id).await?;
        let state = get(&ctx.app.db, id).await?.map(|p| p.state);
        Ok(json!({ "state": state }))
    }
}

/// Checks one attempt, and queues the next check while it stays open.
pub struct Check;

#[async_trait::async_trait]
impl Job for Check {
    type Payload = CheckOf;

    async fn run(&self, ctx: &JobCtx, payload: CheckOf) -> anyhow::Result<Value> {
        let app = &ctx.app;
        let id = payload.payment_id;
        let late = payload.late;
        let Some(p) = get(&app.db, id).await? else {
            return Ok(json!({ "state": "gone" }));
        };
        let asked = payload.asked;
        if asked {
            // This check runs now: a callback that comes from here on may ask for another.
            super::repo::clear_check_request(&app.db, id).await?;
        }
        let late_check = (late > 0 || asked) && p.state == MomoState::Expired;
        if !p.open() && !late_check {
            return Ok(json!({ "state": p.state }));
        }
        let applied = match check_now(app, id).await {
            Ok(a) => Some(a),
            // The provider is down: the next check will tell.
            Err(e) => {
                tracing::warn!(id, error = %e, "mobile money status check failed");
                None
            }
        };
        let p = get(&app.db, id).await?.expect("the attempt exists");
        // A check asked by a callback is one check: the attempt's own chain goes on apart.
        if asked {
            return Ok(json!({
                "state": p.state,
                "credited": matches!(applied, Some(Applied::Credited(_))),
            }));
        }
        let now = ctx.app.clock.now();
        let next = if p.open() {
            if now >= p.expires_at {
                super::set_final(app, id, MomoState::Expired, None).await?;
                super::tell(app, id).await;
                Some((now + Duration::hours(1), 1))
            } else {
                Some((now + next_check(p.checks), 0))
            }
        } else if p.state == MomoState::Expired && late == 1 {
            Some((now + Duration::hours(5), 2))
        } else {
            None
        };
        if let Some((at, late)) = next {
            crate::jobs::enqueue_at(
                &app.db,
                &CheckOf {
                    payment_id: id,
                    late,
                    asked: false,
                },
                None,
                at,
                now,
            )
            .await?;
        }
        Ok(json!({
            "state": p.state,
            "credited": matches!(applied, Some(Applied::Credited(_))),
        }))
    }
}
