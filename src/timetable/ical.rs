//! Each person's week as an iCalendar feed (RFC 5545), behind a link with a secret token
//! that its owner creates and revokes. Lomé keeps UTC all year, so times are written in UTC.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sha2::{Digest, Sha256};

use super::repo::{LessonRow, PeriodRow};

/// A new token (what the link carries) and its hash (what is kept).
pub fn new_token() -> (String, String) {
    use rand::Rng;
    let bytes: [u8; 24] = rand::rng().random();
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = hash(&token);
    (token, hash)
}

pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// TEXT values escape backslashes, semicolons, commas and line breaks (RFC 5545 §3.3.11).
fn text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Lines longer than 75 octets are folded: CRLF and a space (§3.1), never inside a character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The calendar: each lesson weekly from its first day on or after `from`, until `until`.
pub fn calendar(
    name: &str,
    version: i64,
    lessons: &[LessonRow],
    periods: &[PeriodRow],
    from: NaiveDate,
    until: NaiveDate,
    now: DateTime<Utc>,
) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//Suku//Emplois du temps//FR".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME:{}", text(name)),
        "X-WR-TIMEZONE:Africa/Lome".into(),
    ];
    let monday = from - Duration::days(i64::from(from.weekday().num_days_from_monday()));
    for l in lessons {
        let Some(i) = periods.iter().position(|p| p.ordinal == l.period) else {
            continue;
        };
        let last = (i + l.duration.max(1) as usize - 1).min(periods.len() - 1);
        let mut day = monday + Duration::days(l.day);
        if day < from {
            day += Duration::days(7);
        }
        if day > until {
            continue;
        }
        let at = |hhmm: &str| {
            let m = super::build::minutes(hhmm);
            day.and_hms_opt((m / 60) as u32, (m % 60) as u32, 0)
                .map(|t| t.and_utc())
                .unwrap_or(now)
        };
        let (start, end) = (at(&periods[i].starts_at), at(&periods[last].ends_at));
        let who = [Some(l.teacher.as_str()), Some(l.class_name.as_str())]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
        lines.extend([
            "BEGIN:VEVENT".to_string(),
            format!("UID:timetable-{version}-{}@suku", l.id),
            format!("DTSTAMP:{}", stamp(now)),
            format!("DTSTART:{}", stamp(start)),
            format!("DTEND:{}", stamp(end)),
            format!("RRULE:FREQ=WEEKLY;UNTIL={}", until.format("%Y%m%dT235959Z")),
            format!("SUMMARY:{}", text(&l.subject)),
            format!("DESCRIPTION:{}", text(&who)),
        ]);
        if let Some(room) = &l.room {
            lines.push(format!("LOCATION:{}", text(room)));
        }
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in &lines {
        fold(line, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson() -> LessonRow {
        LessonRow {
            id: 7,
            class_id: 1,
            class_name: "1ère D 1".into(),
            subject_id: 2,
            subject: "Sciences de la vie et de la terre, TP; groupe 1".into(),
            teacher_user_id: 3,
            teacher: "Aimé Tchao".into(),
            room_id: Some(4),
            room: Some("Labo SVT".into()),
            day: 1,
            period: 1,
            duration: 2,
            locked: false,
        }
    }

    #[test]
    fn a_lesson_recurs_weekly_from_its_first_day_with_escaped_text_and_folded_lines() {
        let periods = vec![
            PeriodRow {
                ordinal: 0,
                starts_at: "07:00".into(),
                ends_at: "07:55".into(),
            },
            PeriodRow {
                ordinal: 1,
                starts_at: "07:55".into(),
                ends_at: "08:50".into(),
            },
            PeriodRow {
                ordinal: 2,
                starts_at: "08:50".into(),
                ends_at: "09:45".into(),
            },
        ];
        let from = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(); // a Wednesday
        let until = NaiveDate::from_ymd_opt(2027, 7, 10).unwrap();
        let now = from.and_hms_opt(9, 0, 0).unwrap().and_utc();
        let ics = calendar(
            "Emploi du temps, 1ère D 1",
            3,
            &[lesson()],
            &periods,
            from,
            until,
            now,
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        // Tuesday's lesson: first on the next Tuesday (8 December), 7:55 to 9:45 (double).
        assert!(ics.contains("DTSTART:20261208T075500Z\r\n"), "{ics}");
        assert!(ics.contains("DTEND:20261208T094500Z\r\n"));
        assert!(ics.contains("RRULE:FREQ=WEEKLY;UNTIL=20270710T235959Z\r\n"));
        assert!(ics.contains("X-WR-CALNAME:Emploi du temps\\, 1ère D 1"));
        // Every physical line is at most 75 octets, and unfolds to the escaped summary.
        assert!(ics.split("\r\n").all(|l| l.len() <= 75));
        let unfolded = ics.replace("\r\n ", "");
        assert!(
            unfolded.contains("SUMMARY:Sciences de la vie et de la terre\\, TP\\; groupe 1\r\n")
        );
        assert!(unfolded.contains("LOCATION:Labo SVT"));
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 48);
        assert_eq!(hash(&a), ha);
        assert_ne!(ha, a);
    }
}
