//! The demo school's dashboards: the school requires the fees widget on every parent's
//! dashboard (the director set it, as the journal shows).

use chrono::{DateTime, Utc};

use crate::auth::Role;
use crate::db::Tx;

pub async fn seed(tx: &mut Tx<'_>, director: i64, now: DateTime<Utc>) -> anyhow::Result<()> {
    let mut items = crate::dashboard::widgets::builtin(Role::Parent);
    for i in items.iter_mut().filter(|i| i.kind == "balance") {
        i.locked = true;
    }
    let json = serde_json::to_string(&items)?;
    crate::dashboard::repo::save_default(&mut **tx, Role::Parent.code(), &json, director, now)
        .await?;
    crate::audit::record(
        &mut **tx,
        Some(director),
        "dashboard_default",
        Role::Parent.code(),
        "update",
        None,
        Some(&json),
        now,
    )
    .await?;
    Ok(())
}
