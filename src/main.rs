//! The `suku` command: serve the portal, migrate, run the demo school, manage accounts.

use std::net::SocketAddr;

use anyhow::Context;
use axum::serve::ListenerExt as _;
use clap::{Parser, Subcommand};
use suku::app::{self, AppState};
use suku::auth::{Role, password};
use suku::config::Config;
use suku::{db, demo};

#[derive(Parser)]
#[command(
    name = "suku",
    version,
    about = "Suku, le portail scolaire / the school portal"
)]
struct Cli {
    /// Database URL: a SQLite file (`sqlite:suku.db`) or, when built with the `postgres`
    /// feature, `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        global = true,
        default_value = "sqlite:suku.db"
    )]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "SUKU_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Migrate, create the demo school if the database is empty, print its logins, serve.
    Demo {
        /// Address to listen on.
        #[arg(long, env = "SUKU_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Timetables: solve an ITC-2007 `.ctt` or a FET `.fet` file, check a solution, convert.
    Timetable {
        #[command(subcommand)]
        action: suku::timetable::cli::Action,
    },
    /// Success prediction: evaluate the models on any table of past results.
    Ml {
        #[command(subcommand)]
        action: suku::ml::cli::Action,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create an administration account (prints a temporary password).
    Create {
        /// E-mail used to log in.
        #[arg(long)]
        email: String,
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        last_name: String,
        /// director, bursar or secretary.
        #[arg(long, default_value = "director")]
        role: String,
    },
    /// Set a new temporary password for an account (prints it) and end its sessions.
    ResetPassword {
        /// E-mail or +228 phone of the account.
        login: String,
    },
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn,perpetual=error"));
    let json = std::env::var("SUKU_LOG_FORMAT").is_ok_and(|v| v == "json");
    // Logs go to standard error, so that standard output carries only what a command
    // prints for people and scripts (the demo logins).
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn main() -> anyhow::Result<()> {
    limit_malloc_arenas();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

/// glibc gives each thread that allocates its own arena, and keeps what a busy moment took:
/// under load the server grew by tens of megabytes it never gave back. Two arenas hold
/// the peak at about two thirds (measured with wrk on the heaviest pages). glibc's own
/// `MALLOC_ARENA_MAX`, when set, is left to decide (for both settings below).
fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        // A fixed threshold keeps every block of 1 MiB or more in its own mapping, given back
        // when freed. glibc otherwise raises the threshold after the first large free, and
        // each login's 19 MiB argon2 block then stayed in the heap: the peak grew by 19 MiB
        // per login (from 29 MB to 109 MB after five).
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

async fn run() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    init_tracing();
    let cli = Cli::parse();
    // Solving a file needs no database.
    if let Command::Timetable { action } = &cli.command
        && !action.needs_database()
    {
        return suku::timetable::cli::run(action, None).await;
    }
    if let Command::Ml { action } = &cli.command {
        return suku::ml::cli::run(action);
    }
    let mut config = Config::new(cli.database_url.clone()).with_env()?;
    let pool = db::connect(&config.database_url, config.db_max_connections)
        .await
        .with_context(|| format!("cannot open the database ({})", db::KIND))?;
    db::migrate(&pool).await.context("migrations failed")?;
    match cli.command {
        Command::Migrate => {
            println!("migrations applied ({})", db::KIND);
            Ok(())
        }
        Command::Serve { addr } => {
            config.addr = addr;
            serve(pool, config).await
        }
        Command::Demo { addr } => {
            config.addr = addr;
            // Parents can try paying by mobile money without an aggregator account.
            config.momo.demo_allowed = true;
            if config.momo.provider.is_empty() {
                config.momo.provider = "demo".into();
            }
            // Text messages are kept for the administration's SMS page, not sent.
            config.sms.demo_allowed = true;
            if config.sms.provider.is_empty() {
                config.sms.provider = "demo".into();
            }
            let started = std::time::Instant::now();
            let school = if demo::is_empty(&pool).await? {
                let s = demo::generate(&pool).await?;
                let files = suku::files::from_config(&config)?;
                demo::photos(&pool, &files).await?;
                demo::video::seed(&pool, &config.files_dir).await?;
                tracing::info!(
                    seconds = started.elapsed().as_secs_f64(),
                    "demo school created"
                );
                Some(s)
            } else {
                demo::logins(&pool).await?
            };
            println!("Suku: http://{addr}");
            match school {
                Some(s) => {
                    for l in s.logins {
                        println!("{}\t{}\t{}", l.role, l.login, l.password);
                    }
                }
                None => println!("(this database was not created by `suku demo`: no demo logins)"),
            }
            serve(pool, config).await
        }
        Command::User { action } => user_command(&pool, action).await,
        Command::Timetable { action } => suku::timetable::cli::run(&action, Some(&pool)).await,
        Command::Ml { .. } => Ok(()),
    }
}

async fn user_command(pool: &db::Pool, action: UserAction) -> anyhow::Result<()> {
    match action {
        UserAction::Create {
            email,
            first_name,
            last_name,
            role,
        } => {
            let email = suku::domain::Email::parse(&email)
                .map_err(|_| anyhow::anyhow!("invalid e-mail: {email}"))?;
            let role = Role::parse(&role)
                .filter(|r| r.is_admin())
                .ok_or_else(|| anyhow::anyhow!("role must be director, bursar or secretary"))?;
            let temp = suku::admin::temporary_password();
            let hash = password::hash(temp.clone()).await?;
            let mut tx = crate::db::begin_write(pool).await?;
            let p = suku::admin::repo::PersonInput {
                first_name,
                last_name,
                email: Some(email.as_str().to_string()),
                phone: None,
                temporary_password: true,
            };
            let id = suku::admin::repo::insert_user(
                &mut tx,
                &p,
                &hash,
                &[role],
                suku::clock::Clock::system().now(),
            )
            .await?;
            tx.commit().await?;
            println!("account {id} created\t{}\t{temp}", email.as_str());
            Ok(())
        }
        UserAction::ResetPassword { login } => {
            let (email, phone) = if login.contains('@') {
                (
                    suku::domain::Email::parse(&login)
                        .ok()
                        .map(|e| e.as_str().to_string()),
                    None,
                )
            } else {
                (
                    None,
                    suku::domain::Phone::parse(&login)
                        .ok()
                        .map(|p| p.as_str().to_string()),
                )
            };
            let p = suku::admin::repo::find_by_contact(pool, email.as_deref(), phone.as_deref())
                .await?
                .ok_or_else(|| anyhow::anyhow!("no account with login {login}"))?;
            let temp = suku::admin::temporary_password();
            let hash = password::hash(temp.clone()).await?;
            suku::auth::repo::set_password(pool, p.id, &hash, true).await?;
            suku::auth::repo::end_other_sessions(pool, p.id, None).await?;
            println!("new temporary password for {login}\t{temp}");
            Ok(())
        }
    }
}

async fn serve(pool: db::Pool, config: Config) -> anyhow::Result<()> {
    let addr = config.addr;
    let state = AppState::new(pool.clone(), config)?;
    // The workflows that took over built-in notices exist from the first start (a school
    // that turned one off keeps it off).
    suku::workflows::templates::ensure_defaults(&pool, &state.i18n, state.clock.now()).await?;
    let store = suku::auth::store::SqlStore::new(pool.clone());
    // Expired sessions and exports are swept hourly, and assignments due soon reminded; all
    // are idempotent, so several nodes may run them.
    let sweeper = state.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "session sweep failed");
            }
            if let Err(e) = suku::export::batch::sweep(&sweeper).await {
                tracing::warn!(error = %e, "export sweep failed");
            }
            // Classes are reminded of assignments due within a day, once each.
            if let Err(e) = suku::courses::assignment::remind::remind(&sweeper).await {
                tracing::warn!(error = %e, "assignment reminders failed");
            }
            // The success model is trained again on the school's schedule.
            if let Err(e) = suku::prediction::routes::train_if_due(&sweeper).await {
                tracing::warn!(error = %e, "scheduled training failed");
            }
        }
    });
    // Students are predicted again a few minutes after new marks, and when a period begins.
    let predictor = state.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(180));
        loop {
            every.tick().await;
            if let Err(e) = suku::prediction::predict::refresh_if_stale(&predictor).await {
                tracing::warn!(error = %e, "predictions failed");
            }
        }
    });
    // Kept sessions and pages also drop when another process (`suku user …`) writes.
    tokio::spawn(suku::db::changes::watch_other_processes(
        state.config.database_url.clone(),
    ));
    // Every node runs jobs; the lease in the jobs table keeps each job on one node.
    suku::jobs::spawn(state.clone(), app::jobs());
    // Notifications follow the school events; each node's notifier claims events by id, so
    // two nodes never notify twice.
    tokio::spawn(suku::notifications::run(state.clone()));
    // Gamification applies its rules to the same events, with its own cursor.
    tokio::spawn(suku::gamification::run(state.clone()));
    // So do the workflows: each event starts the enabled workflows of its kind once.
    tokio::spawn(suku::workflows::run::run(state.clone()));
    let cluster = match &state.config.redis_url {
        Some(url) => {
            let c = suku::realtime::cluster(url)
                .await
                .context("cannot reach Redis (REDIS_URL)")?;
            tracing::info!("real time joined to the other nodes through Redis");
            Some(c)
        }
        None => None,
    };
    let app = app::router_with(state, cluster);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(%addr, db = db::KIND, "listening");
    // Small writes (a chat message pushed to a socket, an htmx fragment) leave at once
    // rather than waiting for the previous one's acknowledgement (Nagle's algorithm).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
