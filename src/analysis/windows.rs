//! RDS's backup and maintenance windows: each well formed, at least 30
//! minutes long, and the weekly maintenance window clear of the daily backup
//! window. AWS refuses the instance at `terraform apply` otherwise, after a
//! plan that said nothing. Windows that only touch (03:00-04:00 and
//! mon:04:00-mon:05:00) do not overlap.

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY: u32 = 24 * 60;
const WEEK: u32 = 7 * DAY;
/// The shortest window AWS takes, in minutes.
const MIN_LENGTH: u32 = 30;

/// A window as minutes: of the day for the backup window, of the week
/// (from Monday 00:00) for the maintenance window. `end` may be smaller
/// than `start`: the window goes past midnight, or past Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    start: u32,
    end: u32,
}

impl Window {
    fn length(self, period: u32) -> u32 {
        (self.end + period - self.start) % period
    }

    /// The minutes it covers as a half-open range of the week, unwrapped
    /// (its end may pass the week's).
    fn span(self, period: u32) -> (u32, u32) {
        (self.start, self.start + self.length(period))
    }
}

/// `hh24:mi` as minutes of the day.
fn time(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// `ddd:hh24:mi` as minutes of the week; AWS takes the day in any case.
fn weekday_time(s: &str) -> Option<u32> {
    let (day, rest) = s.split_at_checked(3)?;
    let day = DAYS.iter().position(|d| d.eq_ignore_ascii_case(day))? as u32;
    Some(day * DAY + time(rest.strip_prefix(':')?)?)
}

/// Why a window is refused, or the window.
fn parse(
    text: &str,
    argument: &str,
    example: &str,
    period: u32,
    point: fn(&str) -> Option<u32>,
) -> Result<Window, String> {
    let window = text
        .split_once('-')
        .and_then(|(a, b)| Some(Window { start: point(a)?, end: point(b)? }))
        .ok_or_else(|| {
            format!("{argument} = \"{text}\" no tiene el formato que AWS acepta (p. ej. \"{example}\", en UTC)")
        })?;
    let length = window.length(period);
    if length < MIN_LENGTH {
        return Err(format!(
            "{argument} = \"{text}\" dura {length} minutos: AWS exige al menos {MIN_LENGTH}"
        ));
    }
    Ok(window)
}

pub fn backup(text: &str) -> Result<Window, String> {
    parse(text, "backup_window", "03:00-04:00", DAY, time)
}

pub fn maintenance(text: &str) -> Result<Window, String> {
    parse(
        text,
        "maintenance_window",
        "sun:04:30-sun:05:30",
        WEEK,
        weekday_time,
    )
}

/// Whether the daily backup window and the weekly maintenance window share
/// a minute: the backup window of each day against the maintenance window,
/// compared a week apart too, for windows that pass Sunday midnight.
pub fn overlap(backup: Window, maintenance: Window) -> bool {
    let meets = |(a, b): (u32, u32), (c, d): (u32, u32)| a < d && c < b;
    let m = maintenance.span(WEEK);
    let (b_start, b_end) = backup.span(DAY);
    (0..7).any(|day| {
        let b = (day * DAY + b_start, day * DAY + b_end);
        meets(b, m) || meets((b.0 + WEEK, b.1 + WEEK), m) || meets(b, (m.0 + WEEK, m.1 + WEEK))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clash(b: &str, m: &str) -> bool {
        overlap(backup(b).unwrap(), maintenance(m).unwrap())
    }

    #[test]
    fn well_formed_windows_read() {
        assert_eq!(
            backup("03:00-04:00").unwrap(),
            Window {
                start: 180,
                end: 240
            }
        );
        assert!(backup("23:30-00:30").is_ok(), "past midnight");
        assert!(maintenance("Mon:01:00-Mon:02:00").is_ok(), "any case");
        assert!(maintenance("sun:23:45-mon:00:15").is_ok(), "past Sunday");
    }

    #[test]
    fn malformed_or_short_windows_are_refused_saying_why() {
        for bad in [
            "3:00-4:00",
            "03:00",
            "24:00-01:00",
            "03:60-04:00",
            "03:00-04:00x",
        ] {
            let e = backup(bad).unwrap_err();
            assert!(e.contains("formato"), "{bad}: {e}");
        }
        let e = backup("03:00-03:15").unwrap_err();
        assert!(e.contains("dura 15 minutos"), "{e}");
        for bad in ["sun:04:00", "dom:04:00-dom:05:00", "sun04:00-sun05:00"] {
            assert!(maintenance(bad).is_err(), "{bad}");
        }
        assert!(
            maintenance("sun:04:00-sun:04:10")
                .unwrap_err()
                .contains("10 minutos")
        );
    }

    #[test]
    fn overlapping_windows_clash_and_touching_ones_do_not() {
        assert!(clash("03:00-04:00", "sun:03:30-sun:04:30"));
        assert!(
            clash("03:00-04:00", "wed:02:00-wed:05:00"),
            "maintenance covers the backup"
        );
        assert!(!clash("03:00-04:00", "mon:04:00-mon:05:00"), "adjacent");
        assert!(
            !clash("03:00-06:00", "Mon:00:00-Mon:03:00"),
            "adjacent before"
        );
        assert!(!clash("03:00-04:00", "sun:04:30-sun:05:30"));
    }

    #[test]
    fn windows_past_midnight_are_followed_into_the_next_day() {
        // The backup window of Sunday night runs into Monday 00:15.
        assert!(clash("23:45-00:15", "mon:00:00-mon:01:00"));
        assert!(clash("23:00-00:30", "tue:00:00-tue:01:00"));
        assert!(!clash("23:00-23:30", "mon:00:00-mon:01:00"));
        // A maintenance window past Sunday midnight meets Monday's backup.
        assert!(clash("00:00-00:30", "sun:23:45-mon:00:15"));
        assert!(!clash("01:00-01:30", "sun:23:45-mon:00:15"));
    }
}
