//! The reconciler: a job on the shared job runner for each open attempt. It asks the
//! provider where the payment stands, with backoff, until a final state; an attempt not
//! confirmed in time expires, and is asked about twice more later (after an hour, then six)
//! so that money collected late is still credited. Jobs are durable: a process that stops
//! between the provider's acceptance and its callback picks the check up after a restart.

use chrono::Duration;
use serde_json::{Value, json};

use super::{Applied, check_now, get, next_check};
use crate::jobs::{Job, JobCtx};

/// The job's kind.
pub const KIND: &str = "mobile_money.check";

/// The kind of the job that asks the provider to collect a new attempt.
pub const START: &str = "mobile_money.start";

/// Asks the provider to collect a new attempt ([`super::run_start`]); retried by the runner
/// while the provider cannot be reached.
pub struct Start;

#[async_trait::async_trait]
impl Job for Start {
    fn kind(&self) -> &'static str {
        START
    }

    async fn run(&self, ctx: &JobCtx, payload: Value) -> anyhow::Result<Value> {
        let id = payload
            .get("payment_id")
            .and_then(Value::as_i64)
            .ok_or_else(|| anyhow::anyhow!("payment_id missing"))?;
        super::run_start(&ctx.app, id).await?;
        let state = get(&ctx.app.db, id).await?.map(|p| p.state);
        Ok(json!({ "state": state }))
    }
}

/// Checks one attempt, and queues the next check while it stays open.
pub struct Check;

#[async_trait::async_trait]
impl Job for Check {
    fn kind(&self) -> &'static str {
        KIND
    }

    async fn run(&self, ctx: &JobCtx, payload: Value) -> anyhow::Result<Value> {
        let app = &ctx.app;
        let id = payload
            .get("payment_id")
            .and_then(Value::as_i64)
            .ok_or_else(|| anyhow::anyhow!("payment_id missing"))?;
        let late = payload.get("late").and_then(Value::as_i64).unwrap_or(0);
        let Some(p) = get(&app.db, id).await? else {
            return Ok(json!({ "state": "gone" }));
        };
        let asked = payload.get("asked").and_then(Value::as_bool) == Some(true);
        if asked {
            // This check runs now: a callback that comes from here on may ask for another.
            sqlx::query("UPDATE momo_payments SET check_requested_at = NULL WHERE id = $1")
                .bind(id)
                .execute(&app.db)
                .await?;
        }
        let late_check = (late > 0 || asked) && p.state == "expired";
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
                super::set_final(app, id, "expired", None).await?;
                super::tell(app, id).await;
                Some((now + Duration::hours(1), 1))
            } else {
                Some((now + next_check(p.checks), 0))
            }
        } else if p.state == "expired" && late == 1 {
            Some((now + Duration::hours(5), 2))
        } else {
            None
        };
        if let Some((at, late)) = next {
            crate::jobs::enqueue_at(
                &app.db,
                KIND,
                &json!({ "payment_id": id, "late": late }),
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
