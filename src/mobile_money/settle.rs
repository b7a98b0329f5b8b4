//! What a provider's answer does to an attempt: credited exactly once (the receipt and its
//! ledger entries in the same transaction as the state), held for the bursar's review, or
//! closed without money.

use crate::app::AppState;

use super::{MomoState, Payment, Remote, Status, get, note_error, repo, tell};

/// Moves an open attempt to a final state without money (failed, expired, cancelled), and
/// tells the parent and the bursar.
pub(super) async fn set_final(
    app: &AppState,
    id: i64,
    state: MomoState,
    error: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin_write(&app.db).await?;
    let closed = repo::close(&mut *tx, id, state, error, app.clock.now()).await?;
    if closed {
        let (student, user, amount) = repo::parties(&mut *tx, id).await?;
        crate::events::publish(
            &mut *tx,
            &crate::events::SchoolEvent::MomoFailed(crate::events::MomoFailed {
                momo_id: id,
                student_id: student,
                user_id: user,
                amount,
                state,
            }),
            None,
            app.clock.now(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(closed)
}

/// What became of a provider's answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    /// Credited now: the receipt.
    Credited(i64),
    /// Sent to the bursar's review queue.
    Review,
    /// Moved to a final state without money.
    Closed,
    /// Nothing changed (already final, still pending, or unknown).
    Unchanged,
}

/// Applies what the provider says about attempt `p`.
pub async fn apply(app: &AppState, p: &Payment, s: &Status) -> anyhow::Result<Applied> {
    let applied = match s.state {
        Remote::Paid => credit(app, p, s).await?,
        // Waiting at the provider. Only the start job moves an attempt from "created" to
        // "pending": a FedaPay transaction is pending before its request is sent.
        Remote::Pending => {
            repo::fill_provider_ref(&app.db, p.id, s.provider_ref.as_deref(), app.clock.now())
                .await?;
            Applied::Unchanged
        }
        Remote::Failed | Remote::Cancelled | Remote::Expired => {
            let state = match s.state {
                Remote::Failed => MomoState::Failed,
                Remote::Cancelled => MomoState::Cancelled,
                _ => MomoState::Expired,
            };
            if set_final(app, p.id, state, None).await? {
                Applied::Closed
            } else {
                Applied::Unchanged
            }
        }
        Remote::Unknown => Applied::Unchanged,
    };
    if applied != Applied::Unchanged {
        tell(app, p.id).await;
    }
    Ok(applied)
}

/// Credits a paid attempt exactly once, or sends it to review.
async fn credit(app: &AppState, p: &Payment, s: &Status) -> anyhow::Result<Applied> {
    // The provider's own word on the amount decides (an unsigned callback's is not read).
    if let Some(a) = s.amount.filter(|a| *a != p.amount) {
        return review(app, p, "amount", Some(a), s).await;
    }
    let Some(year) = crate::school::current_year(&app.db).await? else {
        return review(app, p, "no-year", None, s).await;
    };
    let now = app.clock.now();
    let mut tx = crate::db::begin_write(&app.db).await?;
    // The first write: only an attempt not yet paid (nor in review) moves to paid.
    if !repo::mark_paid(&mut *tx, p.id, &refs(s), now).await? {
        tx.rollback().await?;
        return Ok(Applied::Unchanged);
    }
    let desk = crate::fees::DeskPayment {
        student_id: p.student_id,
        amount: crate::fees::calc::AmountXof::parse(&p.amount.to_string())
            .map_err(|e| anyhow::anyhow!(e))?,
        method: "mobile_money",
        reference: s
            .payment_ref
            .clone()
            .or_else(|| s.provider_ref.clone())
            .or_else(|| Some(p.identifier.clone())),
        payer: Some(p.phone.clone()),
        idempotency_key: None,
    };
    match crate::fees::record_payment_in(&mut tx, &year, &desk, None, now).await {
        Ok(receipt) => {
            repo::link_receipt(&mut *tx, p.id, receipt).await?;
            crate::audit::record(
                &mut *tx,
                None,
                "momo",
                &p.identifier,
                "credit",
                None,
                Some(&p.amount.to_string()),
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(Applied::Credited(receipt))
        }
        Err(
            crate::fees::PaymentError::MoreThanOwed(_) | crate::fees::PaymentError::NothingOwed,
        ) => {
            // Paid meanwhile at the desk: the money is real, the bursar decides.
            tx.rollback().await?;
            review(app, p, "balance", None, s).await
        }
        Err(e) => Err(e.into()),
    }
}

fn refs(s: &Status) -> repo::Refs<'_> {
    repo::Refs {
        provider_ref: s.provider_ref.as_deref(),
        payment_ref: s.payment_ref.as_deref(),
    }
}

async fn review(
    app: &AppState,
    p: &Payment,
    reason: &str,
    collected: Option<i64>,
    s: &Status,
) -> anyhow::Result<Applied> {
    let mut tx = crate::db::begin_write(&app.db).await?;
    let moved =
        repo::mark_review(&mut *tx, p.id, reason, collected, &refs(s), app.clock.now()).await?;
    if moved {
        tracing::warn!(id = p.id, reason, "mobile money payment sent to review");
        crate::events::publish(
            &mut *tx,
            &crate::events::SchoolEvent::MomoReview(crate::events::MomoReview {
                momo_id: p.id,
                student_id: p.student_id,
                amount: collected.unwrap_or(p.amount),
                reason: reason.to_string(),
            }),
            None,
            app.clock.now(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(if moved {
        Applied::Review
    } else {
        Applied::Unchanged
    })
}

/// Asks the provider now and applies the answer.
pub async fn check_now(app: &AppState, id: i64) -> anyhow::Result<Applied> {
    let Some(provider) = app.momo.clone() else {
        return Ok(Applied::Unchanged);
    };
    let Some(p) = get(&app.db, id).await? else {
        return Ok(Applied::Unchanged);
    };
    repo::count_check(&app.db, id).await?;
    match provider
        .status(&p.identifier, p.provider_ref.as_deref())
        .await
    {
        Ok(s) => apply(app, &p, &s).await,
        Err(e) => {
            note_error(&app.db, id, &e.to_string(), app.clock.now()).await?;
            Err(e.into())
        }
    }
}
