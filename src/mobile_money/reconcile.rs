//! The reconciler: a job on the shared job runner for each open attempt. It asks the
//! provider where the payment stands, with backoff, until a final state; an attempt not
//! confirmed in time expires, and is asked about twice more later (after an hour, then six)
//! so that money collected late is still credited. Jobs are durable: a process that stops
//! between the provider's acceptance and its callback picks the check up after a restart.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use super::{Applied, check_now, get, next_check};
use crate::jobs::{Job, JobCtx};

/// The job's kind.
pub const KIND: &str = "mobile_money.check";

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
        let late_check = late > 0 && p.state == "expired";
        if !p.open() && !late_check {
            return Ok(json!({ "state": p.state }));
        }
        let applied = match check_now(app, id, None).await {
            Ok(a) => Some(a),
            // The provider is down: the next check will tell.
            Err(e) => {
                tracing::warn!(id, error = %e, "mobile money status check failed");
                None
            }
        };
        let p = get(&app.db, id).await?.expect("the attempt exists");
        let now = Utc::now();
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
            )
            .await?;
        }
        Ok(json!({
            "state": p.state,
            "credited": matches!(applied, Some(Applied::Credited(_))),
        }))
    }
}
