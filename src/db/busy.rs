//! How a SQLite connection waits for another writer.
//!
//! SQLite's own busy timeout sleeps 1, 2, 5, 10, 15, 20, 25… ms between tries: a write that
//! meets another one a few hundred microseconds from its commit waited a millisecond or
//! more, and a message to a room reached its readers that much later. These tries start at
//! 50 µs and double up to 1 ms; the connection still gives up after 10 seconds, as before.

use std::ffi::{c_int, c_void};
use std::time::Duration;

use sqlx::SqliteConnection;

/// Tries before giving up: the first ones short, then one a millisecond for ten seconds.
const FIRST: [u64; 5] = [50, 100, 200, 400, 800];
const GIVE_UP_AFTER: c_int = FIRST.len() as c_int + 10_000;

/// Called by SQLite on the connection's own thread while another connection holds the lock:
/// sleeps before the next try (non-zero), or gives up (zero: the statement fails with
/// SQLITE_BUSY).
extern "C" fn wait(_: *mut c_void, tries: c_int) -> c_int {
    if tries >= GIVE_UP_AFTER {
        return 0;
    }
    let micros = usize::try_from(tries)
        .ok()
        .and_then(|i| FIRST.get(i))
        .copied()
        .unwrap_or(1000);
    std::thread::sleep(Duration::from_micros(micros));
    1
}

/// Puts [`wait`] in place of the connection's busy timeout.
pub async fn install(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    let mut h = conn.lock_handle().await?;
    let raw = h.as_raw_handle().as_ptr();
    // SAFETY: `raw` is this connection's open handle, held locked; the handler is a plain
    // function that keeps no pointer.
    unsafe {
        libsqlite3_sys::sqlite3_busy_handler(raw, Some(wait), std::ptr::null_mut());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tries_start_short_and_give_up_after_ten_seconds() {
        let total: u64 = (0..GIVE_UP_AFTER)
            .map(|i| FIRST.get(i as usize).copied().unwrap_or(1000))
            .sum();
        assert!((10_000_000..10_010_000).contains(&total), "{total} µs");
        assert_eq!(wait(std::ptr::null_mut(), GIVE_UP_AFTER), 0);
        assert_eq!(wait(std::ptr::null_mut(), 0), 1);
    }
}
