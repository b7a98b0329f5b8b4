//! Suku: a school portal for francophone West Africa.

pub mod admin;
pub mod analytics;
pub mod announcements;
pub mod app;
pub mod attendance;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod bulletins;
pub mod chat;
pub mod clock;
pub mod config;
pub mod council;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod events;
pub mod export;
pub mod fees;
pub mod files;
pub mod gamification;
pub mod grades;
pub mod i18n;
pub mod import;
pub mod jobs;
pub mod mobile_money;
pub mod notifications;
pub mod portals;
pub mod pwa;
pub mod realtime;
pub mod school;
pub mod settings;
pub mod web;
/// The crate version, used to bust caches of our own static files.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
