//! Periods of a KPI's cadence as ordinal numbers, so consecutive periods differ by one and a gap
//! is visible: monthly `year * 12 + month - 1`, quarterly `year * 4 + quarter - 1`.

use chrono::{Datelike, NaiveDate};

use super::Cadence;

/// Parses a period written for `cadence`: monthly "2025-03" (also "2025/03", "2025-3"),
/// quarterly "2025-Q1" (also "2025 Q1", "Q1 2025"). Err says what would be accepted.
pub fn parse_period(text: &str, cadence: Cadence) -> Result<i32, String> {
    let t = text.trim();
    let parsed = match cadence {
        Cadence::Monthly => parse_month(t),
        Cadence::Quarterly => parse_quarter(t),
    };
    match parsed {
        Some(Ok(p)) => return Ok(p),
        Some(Err(y)) => {
            return Err(format!(
                "{t:?}: the year {y} is outside the years accepted ({} to {})",
                YEARS.start(),
                YEARS.end()
            ))
        }
        None => {}
    }
    Err(match (cadence, parse_month(t), parse_quarter(t)) {
        (Cadence::Monthly, _, Some(_)) => format!(
            "{t:?} is a quarter but this KPI is measured monthly; write the month as YYYY-MM, e.g. 2025-03"
        ),
        (Cadence::Quarterly, Some(_), _) => format!(
            "{t:?} is a month but this KPI is measured quarterly; write the quarter as YYYY-Qn, e.g. 2025-Q1"
        ),
        (Cadence::Monthly, _, _) => {
            format!("{t:?} is not a month; write it as YYYY-MM, e.g. 2025-03")
        }
        (Cadence::Quarterly, _, _) => {
            format!("{t:?} is not a quarter; write it as YYYY-Qn, e.g. 2025-Q1")
        }
    })
}

/// The years a period may fall in.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

/// The period a calendar date falls in: its month, or (quarterly) its quarter when the date is the
/// first day of a quarter, as spreadsheets store a typed "2025-04".
pub fn period_of_date(d: NaiveDate, cadence: Cadence) -> Result<i32, String> {
    if !YEARS.contains(&d.year()) {
        return Err(format!(
            "the date {d}: the year {} is outside the years accepted ({} to {})",
            d.year(),
            YEARS.start(),
            YEARS.end()
        ));
    }
    match cadence {
        Cadence::Monthly => Ok(d.year() * 12 + d.month0() as i32),
        Cadence::Quarterly if d.day() == 1 && d.month0() % 3 == 0 => {
            Ok(d.year() * 4 + (d.month0() / 3) as i32)
        }
        Cadence::Quarterly => Err(format!(
            "the date {d} is not the start of a quarter and this KPI is measured quarterly; write the quarter as YYYY-Qn, e.g. 2025-Q1"
        )),
    }
}

/// A year of four digits: Ok when within [`YEARS`], Err(the year) when not.
fn year(s: &str) -> Option<Result<i32, i32>> {
    let s = s.trim();
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = s.parse().ok()?;
    Some(if YEARS.contains(&y) { Ok(y) } else { Err(y) })
}

/// Some(Ok(period)), Some(Err(year)) when the month is well formed but its year is not
/// accepted, None when the text is no month.
fn parse_month(t: &str) -> Option<Result<i32, i32>> {
    let (y, m) = t.split_once(['-', '/', '.'])?;
    let y = year(y)?;
    let m: u32 = m.trim().parse().ok()?;
    (1..=12)
        .contains(&m)
        .then(|| y.map(|y| y * 12 + m as i32 - 1))
}

fn parse_quarter(t: &str) -> Option<Result<i32, i32>> {
    let u = t.to_ascii_uppercase();
    let (y, q) = if let Some(i) = u.find('Q') {
        let (a, b) = u.split_at(i);
        let a = a.trim().trim_end_matches(['-', ' ', '/']);
        let b = &b[1..];
        if a.is_empty() {
            // "Q1 2025"
            let (q, y) = b.split_once([' ', '-', '/'])?;
            (year(y)?, q.trim().parse::<i32>().ok()?)
        } else {
            (year(a)?, b.trim().parse::<i32>().ok()?)
        }
    } else {
        return None;
    };
    (1..=4).contains(&q).then(|| y.map(|y| y * 4 + q - 1))
}

/// The period as written back: "2025-03" or "2025-Q1".
pub fn period_label(index: i32, cadence: Cadence) -> String {
    match cadence {
        Cadence::Monthly => format!("{}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1),
        Cadence::Quarterly => format!("{}-Q{}", index.div_euclid(4), index.rem_euclid(4) + 1),
    }
}

/// The last day of the period.
pub fn period_end(index: i32, cadence: Cadence) -> NaiveDate {
    let (y, last_month0) = match cadence {
        Cadence::Monthly => (index.div_euclid(12), index.rem_euclid(12)),
        Cadence::Quarterly => (index.div_euclid(4), index.rem_euclid(4) * 3 + 2),
    };
    let (ny, nm) = if last_month0 == 11 {
        (y + 1, 1)
    } else {
        (y, last_month0 as u32 + 2)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Cadence::*;

    fn check(input: &str, cadence: Cadence, expected: Result<&str, &str>) {
        let got = parse_period(input, cadence).map(|i| period_label(i, cadence));
        match expected {
            Ok(label) => assert_eq!(got.as_deref(), Ok(label), "{input:?} as {cadence}"),
            Err(fragment) => {
                let e = got.expect_err("must be refused");
                assert!(e.contains(fragment), "{input:?} as {cadence}: {e}");
            }
        }
    }

    #[test]
    fn periods() {
        check("2025-03", Monthly, Ok("2025-03"));
        // A well-formed period with a year out of range says so (issue 14.7).
        check(
            "9999-12",
            Monthly,
            Err("the year 9999 is outside the years accepted (1900 to 2999)"),
        );
        check("0000-01", Monthly, Err("the year 0 is outside"));
        check("9999-Q1", Quarterly, Err("the year 9999 is outside"));
        check("2999-12", Monthly, Ok("2999-12"));
        check(" 2025/3 ", Monthly, Ok("2025-03"));
        check("2025-12", Monthly, Ok("2025-12"));
        check("2025-13", Monthly, Err("is not a month"));
        check(
            "2025-Q1",
            Monthly,
            Err("is a quarter but this KPI is measured monthly"),
        );
        check("2025-Q4", Quarterly, Ok("2025-Q4"));
        check("2025 q2", Quarterly, Ok("2025-Q2"));
        check("Q3 2024", Quarterly, Ok("2024-Q3"));
        check("2025-Q5", Quarterly, Err("is not a quarter"));
        check(
            "2025-03",
            Quarterly,
            Err("is a month but this KPI is measured quarterly"),
        );
        check("March", Monthly, Err("write it as YYYY-MM"));
    }

    #[test]
    fn consecutive_periods_differ_by_one() {
        let dec = parse_period("2024-12", Monthly).expect("month");
        let jan = parse_period("2025-01", Monthly).expect("month");
        assert_eq!(jan - dec, 1, "December to January is one step");
        let q4 = parse_period("2024-Q4", Quarterly).expect("quarter");
        let q1 = parse_period("2025-Q1", Quarterly).expect("quarter");
        assert_eq!(q1 - q4, 1, "Q4 to Q1 is one step");
    }

    #[test]
    fn period_ends() {
        let end = |s: &str, c| period_end(parse_period(s, c).expect("period"), c).to_string();
        assert_eq!(end("2024-02", Monthly), "2024-02-29", "leap February");
        assert_eq!(end("2025-12", Monthly), "2025-12-31", "year end");
        assert_eq!(end("2025-Q1", Quarterly), "2025-03-31", "Q1 ends in March");
        assert_eq!(end("2025-Q4", Quarterly), "2025-12-31", "Q4 ends the year");
    }

    #[test]
    fn dates_map_to_periods() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(
            period_of_date(d("2025-04-01"), Quarterly).map(|i| period_label(i, Quarterly)),
            Ok("2025-Q2".to_string()),
            "a typed 2025-04 stored as a date is Q2"
        );
        assert!(
            period_of_date(d("2025-05-01"), Quarterly).is_err(),
            "May 1st starts no quarter"
        );
        assert_eq!(
            period_of_date(d("2025-05-17"), Monthly).map(|i| period_label(i, Monthly)),
            Ok("2025-05".to_string()),
            "a date is its month"
        );
    }
}
