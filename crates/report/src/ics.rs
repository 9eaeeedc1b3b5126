//! iCalendar (RFC 5545) export through the `icalendar` crate, which folds lines and escapes text.
//!
//! One VEVENT (or VTODO for tasks) per event: its UID is stable, so a calendar that imports the
//! file again updates the entry instead of duplicating it; dates are all-day (VALUE=DATE);
//! recurring reviews carry an RRULE; reminders are VALARMs.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use icalendar::{Alarm, Calendar, Component, EventLike, EventStatus, Property, Todo, TodoStatus};

use steward_domain::calendar::{Event, EventState};

/// The RRULE for "every `every` months on day `day`, or the last day of a shorter month", as
/// [`super::series_date`] computes: BYMONTHDAY lists 28..day and BYSETPOS=-1 takes the last of
/// those the month has.
pub fn rrule(day: u32, every: u32) -> String {
    if day <= 28 {
        format!("FREQ=MONTHLY;INTERVAL={every};BYMONTHDAY={day}")
    } else {
        let days: Vec<String> = (28..=day).map(|d| d.to_string()).collect();
        format!(
            "FREQ=MONTHLY;INTERVAL={every};BYMONTHDAY={};BYSETPOS=-1",
            days.join(",")
        )
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// The calendar file for `events`; `stamp` is the DTSTAMP (the time of export).
pub fn to_ics(events: &[Event], name: &str, stamp: DateTime<Utc>) -> String {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new(
        "PRODID",
        "-//Steward//Steward lifecycle calendar//EN",
    ));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.append_property(Property::new("METHOD", "PUBLISH"));
    cal.name(name);
    for e in events {
        let mut description = format!("{}\nRule: {}\nFrom: {}", e.title, e.rule, e.source);
        if let Some(o) = &e.owner {
            description.push_str(&format!("\nOwner: {o}"));
        }
        if let Some(c) = &e.closed {
            description.push_str(&format!(
                "\n{} by {} on {}{}",
                c.state.label(),
                c.by,
                c.at,
                if c.note.is_empty() {
                    String::new()
                } else {
                    format!(": {}", c.note)
                }
            ));
        }
        // The crate writes a DTSTAMP and a UID into every component it is not given one for;
        // given here, the file is the same for the same data and time of export.
        let alarm = e.remind_days.filter(|d| *d > 0).map(|days| {
            Alarm::display(
                &format!("{} in {days} days", e.title),
                -Duration::days(days as i64),
            )
            .append_property(Property::new("TRIGGER", format!("-P{days}D")))
            .append_property(Property::new("UID", format!("alarm-{}", e.uid)))
            .timestamp(stamp)
            .done()
        });
        if e.task {
            let mut t = Todo::new();
            t.uid(&e.uid)
                .timestamp(stamp)
                .sequence(e.sequence)
                .summary(&e.title)
                .description(&description)
                .append_property(
                    Property::new("DUE", date(e.start))
                        .add_parameter("VALUE", "DATE")
                        .done(),
                )
                .add_property("CATEGORIES", e.kind.label());
            match e.closed.as_ref().map(|c| c.state) {
                Some(EventState::Done) => {
                    t.status(TodoStatus::Completed);
                }
                Some(EventState::Waived) => {
                    t.status(TodoStatus::Cancelled);
                }
                _ => {
                    t.status(TodoStatus::NeedsAction);
                }
            }
            if let Some(a) = alarm {
                t.alarm(a);
            }
            cal.push(t.done());
        } else {
            let mut v = icalendar::Event::new();
            v.uid(&e.uid)
                .timestamp(stamp)
                .sequence(e.sequence)
                .summary(&e.title)
                .description(&description)
                .append_property(
                    Property::new("DTSTART", date(e.start))
                        .add_parameter("VALUE", "DATE")
                        .done(),
                )
                // All-day: DTEND is the next day, exclusive (RFC 5545, 3.6.1).
                .append_property(
                    Property::new("DTEND", date(e.start + Duration::days(1)))
                        .add_parameter("VALUE", "DATE")
                        .done(),
                )
                .add_property("CATEGORIES", e.kind.label())
                .add_property("TRANSP", "TRANSPARENT")
                .status(EventStatus::Confirmed);
            if let Some(every) = e.every_months {
                v.add_property("RRULE", rrule(e.month_day, every));
            }
            if let Some(a) = alarm {
                v.alarm(a);
            }
            cal.push(v.done());
        }
    }
    refold(&cal.done().to_string())
}

/// Folds content lines at 75 octets, continuation lines included (RFC 5545, 3.1). The crate
/// folds too, but lets a last continuation line reach 76 octets with its leading space, which
/// strict readers reject; its output is unfolded and folded again here.
fn refold(text: &str) -> String {
    const LIMIT: usize = 75;
    let unfolded = text.replace("\r\n ", "");
    let mut out = String::with_capacity(unfolded.len() + unfolded.len() / 24);
    for line in unfolded.split_terminator("\r\n") {
        let mut rest = line;
        let mut room = LIMIT;
        while rest.len() > room {
            let mut cut = room;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            out.push_str(&rest[..cut]);
            out.push_str("\r\n ");
            rest = &rest[cut..];
            room = LIMIT - 1;
        }
        out.push_str(rest);
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_every_line_within_75_octets() {
        let long = format!("DESCRIPTION:{}é{}\r\n", "a".repeat(73), "b".repeat(150));
        let folded = refold(&long);
        assert!(folded.split("\r\n").all(|l| l.len() <= 75), "{folded}");
        assert_eq!(
            folded.replace("\r\n ", ""),
            long,
            "unfolds to the same line"
        );
    }

    #[test]
    fn rrule_keeps_month_ends() {
        assert_eq!(rrule(15, 6), "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15");
        assert_eq!(
            rrule(31, 6),
            "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=28,29,30,31;BYSETPOS=-1"
        );
        assert_eq!(
            rrule(29, 12),
            "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=28,29;BYSETPOS=-1"
        );
    }
}
