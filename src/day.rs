//! Calendar days as the learner lives them: in their time zone, with its daylight-saving
//! changes, starting at a chosen hour. Streaks, "studied today", the due forecast and "due
//! tomorrow" count in these days. Pure: the time zone is a value (the system's `Local`, or any
//! `chrono::TimeZone` in tests), never read here.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};

/// The hour at which the learner's day starts, from 0 (midnight) to 23: `day_starts_at` in
/// config.toml. Reviews done after midnight but before it still count for the day before, as in
/// Anki, whose default is 4 am.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "i64")]
pub struct DayStart(u32);

impl DayStart {
    /// 4 am, as in Anki.
    pub const DEFAULT: DayStart = DayStart(4);

    pub fn hour(self) -> u32 {
        self.0
    }
}

impl Default for DayStart {
    fn default() -> Self {
        DayStart::DEFAULT
    }
}

impl TryFrom<i64> for DayStart {
    type Error = String;

    fn try_from(hour: i64) -> Result<Self, Self::Error> {
        match u32::try_from(hour) {
            Ok(h) if h <= 23 => Ok(DayStart(h)),
            _ => Err(format!(
                "day_starts_at must be an hour from 0 to 23 (4 is 4 am), not {hour}"
            )),
        }
    }
}

/// The learner's days: a time zone and the hour at which a new day starts.
#[derive(Debug, Clone)]
pub struct Days<Tz: TimeZone> {
    tz: Tz,
    /// Hours after local midnight at which a day starts (0–23); 0 is midnight.
    starts_at: u32,
}

impl<Tz: TimeZone> Days<Tz> {
    /// Days in `tz` that start `starts_at` hours after midnight (0 to 23).
    pub fn new(tz: Tz, starts_at: u32) -> Self {
        Days {
            tz,
            starts_at: starts_at.min(23),
        }
    }

    /// The day `at` belongs to: its local date, or the date before when it is earlier in the
    /// night than the hour days start at.
    pub fn day_of(&self, at: DateTime<Utc>) -> NaiveDate {
        let local = at.with_timezone(&self.tz).naive_local();
        (local - TimeDelta::hours(i64::from(self.starts_at))).date()
    }

    /// The earliest and the latest day [`Days::day_of`] can give for `at`, found without
    /// looking up the time zone: no zone is a day or more away from UTC (chrono's
    /// `FixedOffset`), and a day starts 0 to 23 hours after midnight. `None` at the ends of
    /// chrono's range of times.
    pub fn day_of_bounds(&self, at: DateTime<Utc>) -> Option<(NaiveDate, NaiveDate)> {
        let utc = at.naive_utc();
        let earliest = utc.checked_sub_signed(TimeDelta::hours(48))?.date();
        let latest = utc.checked_add_signed(TimeDelta::hours(24))?.date();
        Some((earliest, latest))
    }

    /// The first instant of `day`. Where the local clock skips the hour a day starts at (a
    /// daylight-saving change at that hour), the day starts when the clock resumes.
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let start = day.and_time(NaiveTime::MIN) + TimeDelta::hours(i64::from(self.starts_at));
        // A gap is at most a few hours; step through it a quarter of an hour at a time.
        for quarter in 0..=4 * 24 {
            let local = start + TimeDelta::minutes(15 * quarter);
            if let Some(t) = self.tz.from_local_datetime(&local).earliest() {
                return t.with_timezone(&Utc);
            }
        }
        // No valid local time in a whole day: not a real time zone. Read it as UTC.
        start.and_utc()
    }

    /// The first instant of the day after the one `at` belongs to.
    pub fn next_day_start(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let today = self.day_of(at);
        self.start_of(today.succ_opt().unwrap_or(today))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;
    use chrono_tz::{America::New_York, Asia::Kolkata, Europe::Berlin};

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn days_follow_each_moment_s_own_offset_across_daylight_saving() {
        let berlin = Days::new(Berlin, 0);
        // 23:30 on Friday 27 March 2026 in Berlin (CET, +1), seen after the change to CEST
        // (+2) on the 29th: still Friday, not Saturday.
        assert_eq!(
            berlin.day_of(utc("2026-03-27T22:30:00Z")),
            date(2026, 3, 27)
        );
        assert_eq!(
            berlin.day_of(utc("2026-03-28T22:30:00Z")),
            date(2026, 3, 28)
        );
        // The same UTC time a day later is half past midnight CEST.
        assert_eq!(
            berlin.day_of(utc("2026-03-29T22:30:00Z")),
            date(2026, 3, 30)
        );
        // Autumn: 23:30 CEST on 24 October and 23:30 CET on 25 October.
        assert_eq!(
            berlin.day_of(utc("2026-10-24T21:30:00Z")),
            date(2026, 10, 24)
        );
        assert_eq!(
            berlin.day_of(utc("2026-10-25T22:30:00Z")),
            date(2026, 10, 25)
        );
        // The day of the change is 23 hours long in spring and 25 in autumn.
        let length = |d: NaiveDate| berlin.start_of(d.succ_opt().unwrap()) - berlin.start_of(d);
        assert_eq!(length(date(2026, 3, 29)), TimeDelta::hours(23));
        assert_eq!(length(date(2026, 10, 25)), TimeDelta::hours(25));
        assert_eq!(length(date(2026, 6, 1)), TimeDelta::hours(24));

        let new_york = Days::new(New_York, 0);
        // New York changes on 8 March and 1 November 2026.
        assert_eq!(
            new_york.start_of(date(2026, 3, 8)),
            utc("2026-03-08T05:00:00Z")
        );
        assert_eq!(
            new_york.start_of(date(2026, 3, 9)),
            utc("2026-03-09T04:00:00Z")
        );
        assert_eq!(
            new_york.start_of(date(2026, 11, 2)),
            utc("2026-11-02T05:00:00Z")
        );
        assert_eq!(
            new_york.day_of(utc("2026-11-01T04:30:00Z")),
            date(2026, 11, 1)
        );
        assert_eq!(
            new_york.day_of(utc("2026-03-08T04:30:00Z")),
            date(2026, 3, 7)
        );

        // A zone without daylight saving.
        let kolkata = Days::new(Kolkata, 0);
        assert_eq!(
            kolkata.start_of(date(2026, 3, 29)),
            utc("2026-03-28T18:30:00Z")
        );
        assert_eq!(
            kolkata.day_of(utc("2026-03-28T18:29:59Z")),
            date(2026, 3, 28)
        );
    }

    #[test]
    fn a_day_can_start_at_a_later_hour() {
        let days = Days::new(FixedOffset::east_opt(0).unwrap(), 4);
        assert_eq!(days.day_of(utc("2026-05-02T03:59:00Z")), date(2026, 5, 1));
        assert_eq!(days.day_of(utc("2026-05-02T04:00:00Z")), date(2026, 5, 2));
        assert_eq!(days.start_of(date(2026, 5, 2)), utc("2026-05-02T04:00:00Z"));
        assert_eq!(
            days.next_day_start(utc("2026-05-02T03:00:00Z")),
            utc("2026-05-02T04:00:00Z")
        );
        // Berlin springs forward at 02:00: a day starting at 2 am starts at 3 am that day.
        let berlin = Days::new(Berlin, 2);
        assert_eq!(
            berlin.start_of(date(2026, 3, 29)),
            utc("2026-03-29T01:00:00Z")
        );
    }

    #[test]
    fn day_of_stays_within_its_bounds() {
        fn check<Tz: TimeZone>(tz: Tz) {
            for starts_at in [0, 4, 23] {
                let days = Days::new(tz.clone(), starts_at);
                // Every 37 minutes through a year with daylight-saving changes both ways.
                let mut at = utc("2025-01-01T00:00:00Z");
                while at < utc("2026-01-01T00:00:00Z") {
                    let (earliest, latest) = days.day_of_bounds(at).unwrap();
                    let day = days.day_of(at);
                    assert!(earliest <= day && day <= latest, "{at} {starts_at}");
                    at += TimeDelta::minutes(37);
                }
            }
        }
        check(Utc);
        check(Berlin);
        check(New_York);
        check(Kolkata);
        check(FixedOffset::east_opt(86_399).unwrap());
        check(FixedOffset::west_opt(86_399).unwrap());
        let days = Days::new(Utc, 0);
        assert_eq!(days.day_of_bounds(DateTime::<Utc>::MIN_UTC), None);
        assert_eq!(days.day_of_bounds(DateTime::<Utc>::MAX_UTC), None);
    }
}
