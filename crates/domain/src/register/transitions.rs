//! Allowed lifecycle transitions. The table here is the one ARCHITECTURE.md documents.

use super::types::Stage::{self, *};

/// The stages a system in `from` may move to next.
pub fn allowed_next(from: Stage) -> &'static [Stage] {
    match from {
        Proposed => &[Development, Retired],
        Development => &[Validation, Proposed, Retired],
        Validation => &[Staging, Development, Retired],
        Staging => &[Production, Validation, Development, Retired],
        Production => &[Deprecated, Development],
        Deprecated => &[Retired, Production],
        Retired => &[],
    }
}

/// Ok when `from -> to` is allowed (or no change); otherwise the reason a person can act on.
pub fn check_transition(from: Stage, to: Stage) -> Result<(), String> {
    if from == to || allowed_next(from).contains(&to) {
        return Ok(());
    }
    let next = allowed_next(from);
    let reason = match (from, to) {
        (Retired, _) => "a retired system is final; register a new system instead".to_string(),
        (Production, Retired) => {
            "a production system is deprecated first, so its users and downstream owners get notice"
                .to_string()
        }
        (_, Production) => format!(
            "a system reaches production only from staging, after validation (the pre-deployment \
             gate); from {} the next stages are: {}",
            from.key(),
            join(next)
        ),
        _ => format!("from {} the next stages are: {}", from.key(), join(next)),
    };
    Err(reason)
}

fn join(stages: &[Stage]) -> String {
    stages
        .iter()
        .map(|s| s.key())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(from: Stage, to: Stage, allowed: bool) {
        assert_eq!(
            check_transition(from, to).is_ok(),
            allowed,
            "{from} -> {to} should be {}",
            if allowed { "allowed" } else { "refused" }
        );
    }

    #[test]
    fn transitions() {
        check(Proposed, Development, true);
        check(Development, Production, false);
        check(Validation, Production, false);
        check(Staging, Production, true);
        check(Production, Retired, false);
        check(Production, Deprecated, true);
        check(Deprecated, Retired, true);
        check(Retired, Development, false);
        check(Retired, Retired, true);
        check(Development, Retired, true);
    }

    #[test]
    fn refusal_names_the_way_forward() {
        let err = check_transition(Development, Production)
            .expect_err("development -> production is refused");
        assert!(
            err.contains("staging"),
            "the reason must say production comes from staging: {err}"
        );
        let err =
            check_transition(Production, Retired).expect_err("production -> retired is refused");
        assert!(
            err.contains("deprecated"),
            "must say to deprecate first: {err}"
        );
    }
}
