//! Analytics: a dashboard per role with charts (ECharts options built with charming, each
//! chart with the table of its numbers), and a simple success prediction (a risk score per
//! student, with its reasons in words).
//!
//! A dashboard over the whole school reads every class's marks: it is computed once and
//! kept a minute, shared by everyone who opens it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub mod charts;
pub mod dashboards;
pub mod risk;
pub mod routes;

pub use routes::router;

/// How long a computed dashboard is served.
const KEEP: Duration = Duration::from_secs(60);

/// Dashboards computed lately, by key, each with when it was computed.
#[derive(Clone, Default)]
pub struct Cache(
    Arc<Mutex<HashMap<String, Kept>>>,
    Arc<tokio::sync::Mutex<()>>,
);

/// A value and when it was computed.
type Kept = (Instant, Arc<dyn std::any::Any + Send + Sync>);

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("analytics::Cache")
    }
}

impl Cache {
    /// The value kept under `key`. A fresh one is served as is. A stale one is served too,
    /// while one background task computes the next (nobody waits on a recomputation once
    /// there is something to show). Without any, the first request computes it and the
    /// others wait for that result.
    pub async fn get_or<T, F, Fut>(&self, key: String, make: F) -> anyhow::Result<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut + Send + 'static,
        Fut: std::future::Future<Output = anyhow::Result<T>> + Send + 'static,
    {
        let kept = || {
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&key)
                .and_then(|(at, v)| v.clone().downcast::<T>().ok().map(|v| (*at, v)))
        };
        if let Some((at, v)) = kept() {
            if at.elapsed() >= KEEP
                && let Ok(turn) = self.1.clone().try_lock_owned()
            {
                let this = self.clone();
                tokio::spawn(async move {
                    let _turn = turn;
                    match make().await {
                        Ok(v) => this.keep(key, Arc::new(v)),
                        Err(e) => tracing::warn!(error = %e, "analytics: recomputation failed"),
                    }
                });
            }
            return Ok(v);
        }
        let _turn = self.1.lock().await;
        if let Some((_, v)) = kept() {
            return Ok(v);
        }
        let v = Arc::new(make().await?);
        self.keep(key, v.clone());
        Ok(v)
    }

    fn keep<T: Send + Sync + 'static>(&self, key: String, v: Arc<T>) {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() > 1000 {
            m.clear();
        }
        m.insert(key, (Instant::now(), v));
    }
}
