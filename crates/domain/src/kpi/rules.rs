//! The KPI rules as pure functions over plain values: thresholds against direction, a value's
//! status, consecutive breaches over periods with gaps, escalation levels, and link cycles.
//!
//! Conventions (also in the README): a value is a *breach* when it is worse than the breach
//! threshold, a *warning* when it is worse than the warning threshold, else *on target*; "worse"
//! is lower for higher-is-better KPIs and higher for lower-is-better ones. Breaches are
//! consecutive only in consecutive periods of the KPI's cadence: a missing period ends a run.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Direction, Status};
use crate::FieldError;

/// Checks that the thresholds are numbers and ordered for the direction: higher is better needs
/// breach <= warning <= target; lower is better needs target <= warning <= breach.
pub fn check_thresholds(
    direction: Direction,
    target: f64,
    warning: f64,
    breach: f64,
) -> Vec<FieldError> {
    let mut out = Vec::new();
    for (field, v) in [("target", target), ("warning", warning), ("breach", breach)] {
        if !v.is_finite() {
            out.push(FieldError::new(field, "must be a number"));
        }
    }
    if !out.is_empty() {
        return out;
    }
    match direction {
        Direction::HigherIsBetter => {
            if warning > target {
                out.push(FieldError::new(
                    "warning",
                    format!("when higher is better the warning threshold ({warning}) must be at or below the target ({target})"),
                ));
            }
            if breach > warning {
                out.push(FieldError::new(
                    "breach",
                    format!("when higher is better the breach threshold ({breach}) must be at or below the warning threshold ({warning})"),
                ));
            }
        }
        Direction::LowerIsBetter => {
            if warning < target {
                out.push(FieldError::new(
                    "warning",
                    format!("when lower is better the warning threshold ({warning}) must be at or above the target ({target})"),
                ));
            }
            if breach < warning {
                out.push(FieldError::new(
                    "breach",
                    format!("when lower is better the breach threshold ({breach}) must be at or above the warning threshold ({warning})"),
                ));
            }
        }
    }
    out
}

/// A value's status against the thresholds: worse than breach is a breach, worse than warning a
/// warning, anything else on target.
pub fn status(value: f64, direction: Direction, warning: f64, breach: f64) -> Status {
    let worse = |limit: f64| match direction {
        Direction::HigherIsBetter => value < limit,
        Direction::LowerIsBetter => value > limit,
    };
    if worse(breach) {
        Status::Breach
    } else if worse(warning) {
        Status::Warning
    } else {
        Status::OnTarget
    }
}

/// One measurement as the rules see it: its period number and value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub period: i32,
    pub value: f64,
}

/// The thresholds of one KPI, as the rules need them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub direction: Direction,
    pub warning: f64,
    pub breach: f64,
}

/// After how many consecutive breaches each level opens, and how many days after the end of the
/// period that reached a level a response is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EscalationRule {
    pub level1_after: u32,
    pub level2_after: u32,
    pub level3_after: u32,
    pub due_days: u32,
}

impl Default for EscalationRule {
    /// Two breaches in a row to the owner, three to the sponsor, four to the portfolio board; a
    /// response due 14 days after the period closes.
    fn default() -> Self {
        EscalationRule {
            level1_after: 2,
            level2_after: 3,
            level3_after: 4,
            due_days: 14,
        }
    }
}

impl EscalationRule {
    /// 1 <= level 1 < level 2 < level 3, and at most a year to respond.
    pub fn check(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        if self.level1_after < 1 {
            out.push(FieldError::new(
                "level1_after",
                "must be at least 1 consecutive breach",
            ));
        }
        if self.level2_after <= self.level1_after {
            out.push(FieldError::new(
                "level2_after",
                format!(
                    "must be more than level 1's {} consecutive breaches",
                    self.level1_after
                ),
            ));
        }
        if self.level3_after <= self.level2_after {
            out.push(FieldError::new(
                "level3_after",
                format!(
                    "must be more than level 2's {} consecutive breaches",
                    self.level2_after
                ),
            ));
        }
        if self.due_days > 366 {
            out.push(FieldError::new(
                "due_days",
                "must be at most 366 days after the period ends",
            ));
        }
        out
    }

    /// The level `breaches` consecutive breaches reach, 0 for none.
    pub fn level(&self, breaches: u32) -> u8 {
        if breaches >= self.level3_after {
            3
        } else if breaches >= self.level2_after {
            2
        } else if breaches >= self.level1_after {
            1
        } else {
            0
        }
    }
}

/// The number of consecutive breaches ending at the latest point (0 when it is not a breach).
/// `points` must be sorted by period.
pub fn streak(points: &[Point], t: Thresholds) -> u32 {
    let mut n = 0;
    let mut next: Option<i32> = None;
    for p in points.iter().rev() {
        if next.is_some_and(|want| p.period != want)
            || status(p.value, t.direction, t.warning, t.breach) != Status::Breach
        {
            break;
        }
        n += 1;
        next = Some(p.period - 1);
    }
    n
}

/// An escalation the measurements call for: one per run of consecutive breaches long enough to
/// reach level 1, identified by the run's first period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DerivedEscalation {
    pub run_start: i32,
    pub opened_period: i32,
    pub level: u8,
    pub level_period: i32,
    pub breaches: u32,
}

/// Every escalation a KPI's series calls for. Computed from the whole series, so the result is
/// the same whatever order the measurements arrived in; unsorted input is sorted first.
pub fn derive_escalations(
    points: &[Point],
    t: Thresholds,
    rule: &EscalationRule,
) -> Vec<DerivedEscalation> {
    if !points.windows(2).all(|w| w[0].period <= w[1].period) {
        let mut sorted = points.to_vec();
        sorted.sort_by_key(|p| p.period);
        return derive_escalations(&sorted, t, rule);
    }
    let mut out = Vec::new();
    let mut run: Option<DerivedEscalation> = None;
    let mut prev: Option<i32> = None;
    for p in points {
        let breach = status(p.value, t.direction, t.warning, t.breach) == Status::Breach;
        let continues = prev.is_some_and(|q| p.period == q + 1);
        prev = Some(p.period);
        if !breach || !continues {
            if let Some(r) = run.take().filter(|r| r.level > 0) {
                out.push(r);
            }
        }
        if !breach {
            continue;
        }
        let r = run.get_or_insert(DerivedEscalation {
            run_start: p.period,
            opened_period: p.period,
            level: 0,
            level_period: p.period,
            breaches: 0,
        });
        r.breaches += 1;
        let level = rule.level(r.breaches);
        if level > r.level {
            if r.level == 0 {
                r.opened_period = p.period;
            }
            r.level = level;
            r.level_period = p.period;
        }
    }
    if let Some(r) = run.filter(|r| r.level > 0) {
        out.push(r);
    }
    out
}

/// If adding the link `from -> to` to `links` closes a cycle, the cycle as a path of KPI ids
/// starting and ending at `from`; None otherwise.
pub fn find_cycle(links: &[(i64, i64)], from: i64, to: i64) -> Option<Vec<i64>> {
    if from == to {
        return Some(vec![from, from]);
    }
    let mut next: HashMap<i64, Vec<i64>> = HashMap::new();
    for &(a, b) in links {
        next.entry(a).or_default().push(b);
    }
    // Depth-first from `to`, looking for `from`; `came` records the path.
    let mut came: HashMap<i64, i64> = HashMap::new();
    let mut seen: HashSet<i64> = HashSet::from([to]);
    let mut stack = vec![to];
    while let Some(n) = stack.pop() {
        if n == from {
            let mut back = vec![from];
            let mut at = from;
            while at != to {
                at = came[&at];
                back.push(at);
            }
            back.reverse();
            let mut cycle = vec![from];
            cycle.extend(back);
            return Some(cycle);
        }
        for &m in next.get(&n).map(Vec::as_slice).unwrap_or(&[]) {
            if seen.insert(m) {
                came.insert(m, n);
                stack.push(m);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::*;

    #[test]
    fn thresholds_against_direction() {
        fn check(d: Direction, t: f64, w: f64, b: f64, bad: &[&str]) {
            let fields: Vec<String> = check_thresholds(d, t, w, b)
                .into_iter()
                .map(|f| f.field)
                .collect();
            assert_eq!(fields, bad, "{d} target {t} warning {w} breach {b}");
        }
        check(HigherIsBetter, 0.8, 0.75, 0.7, &[]);
        check(HigherIsBetter, 0.8, 0.8, 0.8, &[]);
        check(HigherIsBetter, 0.8, 0.85, 0.7, &["warning"]);
        check(HigherIsBetter, 0.8, 0.75, 0.76, &["breach"]);
        check(HigherIsBetter, 0.8, 0.9, 0.95, &["warning", "breach"]);
        check(LowerIsBetter, 100.0, 150.0, 200.0, &[]);
        check(LowerIsBetter, 100.0, 90.0, 200.0, &["warning"]);
        check(LowerIsBetter, 100.0, 150.0, 120.0, &["breach"]);
        check(LowerIsBetter, f64::NAN, 150.0, 200.0, &["target"]);
    }

    #[test]
    fn status_follows_direction_and_thresholds() {
        fn check(d: Direction, w: f64, b: f64, value: f64, want: Status) {
            assert_eq!(
                status(value, d, w, b),
                want,
                "{value} with {d}, warning {w}, breach {b}"
            );
        }
        check(HigherIsBetter, 0.75, 0.7, 0.8, Status::OnTarget);
        check(HigherIsBetter, 0.75, 0.7, 0.75, Status::OnTarget);
        check(HigherIsBetter, 0.75, 0.7, 0.74, Status::Warning);
        check(HigherIsBetter, 0.75, 0.7, 0.7, Status::Warning);
        check(HigherIsBetter, 0.75, 0.7, 0.69, Status::Breach);
        check(LowerIsBetter, 150.0, 200.0, 120.0, Status::OnTarget);
        check(LowerIsBetter, 150.0, 200.0, 151.0, Status::Warning);
        check(LowerIsBetter, 150.0, 200.0, 200.0, Status::Warning);
        check(LowerIsBetter, 150.0, 200.0, 200.5, Status::Breach);
        check(LowerIsBetter, 150.0, 150.0, 150.5, Status::Breach);
    }

    const T: Thresholds = Thresholds {
        direction: HigherIsBetter,
        warning: 0.75,
        breach: 0.7,
    };
    const RULE: EscalationRule = EscalationRule {
        level1_after: 2,
        level2_after: 3,
        level3_after: 4,
        due_days: 14,
    };

    /// A series from "period:value" pairs, with B = a breach (0.6) and G = on target (0.8).
    fn series(spec: &str) -> Vec<Point> {
        spec.split_whitespace()
            .map(|s| {
                let (p, v) = s.split_once(':').expect("period:value");
                Point {
                    period: p.parse().expect("period"),
                    value: match v {
                        "B" => 0.6,
                        "G" => 0.8,
                        other => other.parse().expect("value"),
                    },
                }
            })
            .collect()
    }

    #[test]
    fn consecutive_breaches() {
        fn check(spec: &str, want: u32) {
            assert_eq!(streak(&series(spec), T), want, "streak of {spec}");
        }
        check("", 0);
        check("1:G", 0);
        check("1:B", 1);
        check("1:B 2:B 3:B", 3);
        check("1:B 2:G 3:B", 1);
        check("1:B 2:B 4:B", 1); // period 3 is missing: the run restarts
        check("1:B 2:B 3:0.72", 0); // a warning is not a breach
        check("1:B 2:B 3:G", 0);
    }

    #[test]
    fn escalations_from_series() {
        /// (run_start, opened, level, level_period, breaches) per escalation.
        fn check(spec: &str, want: &[(i32, i32, u8, i32, u32)]) {
            let got: Vec<_> = derive_escalations(&series(spec), T, &RULE)
                .into_iter()
                .map(|e| {
                    (
                        e.run_start,
                        e.opened_period,
                        e.level,
                        e.level_period,
                        e.breaches,
                    )
                })
                .collect();
            assert_eq!(got, want, "escalations of {spec}");
        }
        check("1:B", &[]);
        check("1:B 2:B", &[(1, 2, 1, 2, 2)]);
        check("1:B 2:B 3:B", &[(1, 2, 2, 3, 3)]);
        check("1:B 2:B 3:B 4:B 5:B 6:B", &[(1, 2, 3, 4, 6)]);
        check("1:B 2:B 3:G 4:B", &[(1, 2, 1, 2, 2)]); // recovery closes nothing, opens nothing
        check("1:B 2:B 3:G 4:B 5:B", &[(1, 2, 1, 2, 2), (4, 5, 1, 5, 2)]);
        check("1:B 3:B", &[]); // a gap: two runs of one
        check("1:B 2:B 4:B 5:B 6:B", &[(1, 2, 1, 2, 2), (4, 5, 2, 6, 3)]);
        check("1:G 2:0.72 3:0.71", &[]); // warnings only
    }

    #[test]
    fn escalations_do_not_depend_on_order() {
        let sorted = series("1:B 2:B 3:G 4:B 5:B 6:B 7:B 9:B 10:B");
        let want = derive_escalations(&sorted, T, &RULE);
        let mut shuffled = sorted.clone();
        // A fixed permutation of every rotation and the reverse: each must give the same answer.
        for k in 0..shuffled.len() {
            shuffled.rotate_left(1);
            assert_eq!(
                derive_escalations(&shuffled, T, &RULE),
                want,
                "rotation {k}"
            );
        }
        shuffled.reverse();
        assert_eq!(derive_escalations(&shuffled, T, &RULE), want, "reversed");
    }

    #[test]
    fn rule_checks() {
        let fields =
            |r: EscalationRule| -> Vec<String> { r.check().into_iter().map(|f| f.field).collect() };
        assert!(
            fields(EscalationRule::default()).is_empty(),
            "the default is valid"
        );
        let mut r = RULE;
        r.level2_after = 2;
        assert_eq!(
            fields(r),
            ["level2_after"],
            "level 2 must need more breaches"
        );
        r = RULE;
        r.level1_after = 0;
        assert_eq!(fields(r), ["level1_after"], "level 1 needs a breach");
        r = RULE;
        r.level3_after = 3;
        assert_eq!(
            fields(r),
            ["level3_after"],
            "level 3 must need more than level 2"
        );
    }

    #[test]
    fn cycles() {
        fn check(links: &[(i64, i64)], from: i64, to: i64, want: Option<&[i64]>) {
            assert_eq!(
                find_cycle(links, from, to).as_deref(),
                want,
                "adding {from}->{to} to {links:?}"
            );
        }
        check(&[], 1, 2, None);
        check(&[], 1, 1, Some(&[1, 1]));
        check(&[(1, 2)], 2, 1, Some(&[2, 1, 2]));
        check(&[(1, 2), (2, 3)], 3, 1, Some(&[3, 1, 2, 3]));
        check(&[(1, 2), (2, 3)], 1, 3, None); // a shortcut is no cycle
        check(&[(1, 2), (3, 4)], 4, 1, None);
        check(&[(1, 2), (2, 3), (3, 4)], 4, 2, Some(&[4, 2, 3, 4]));
    }
}
