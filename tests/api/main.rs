//! Suku's integration tests: one binary, one module per feature. Run on SQLite by default and
//! on PostgreSQL with `--features postgres` (see `scripts/test`).

mod accounts;
mod admin;
mod analytics;
mod announcements;
mod attendance;
mod auth;
mod authz;
mod browser;
mod browser_first_hour;
mod browser_gamification;
mod browser_momo;
mod bulletins;
mod catalog;
mod chat;
mod concurrency;
mod council;
mod events;
mod export;
mod fake_providers;
mod fees;
mod first_hour;
mod gamification;
mod grades;
mod helpers;
mod import;
mod jobs;
mod momo;
mod notifications;
mod page_cache;
mod portals;
mod push;
mod realtime;
mod routes;
mod security;
