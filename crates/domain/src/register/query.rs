//! Filtering, text search and sorting of the register list.

use super::types::{AiSystem, SortKey, SystemQuery};

/// Whether `q` has no filter and no search text, so it selects every system (a count of the
/// register is then the number of systems it lists).
pub fn selects_all(q: &SystemQuery) -> bool {
    q.stages.is_empty()
        && q.risk_tiers.is_empty()
        && q.regulated_domains.is_empty()
        && q.business_units.is_empty()
        && q.sourcing.is_none()
        && q.tag.is_none()
        && q.text.trim().is_empty()
}

/// Whether `s` passes every filter of `q` and contains its search text.
pub fn matches(s: &AiSystem, q: &SystemQuery) -> bool {
    if selects_all(q) {
        return true;
    }
    let d = &s.draft;
    let any_or = |empty: bool, hit: bool| empty || hit;
    any_or(q.stages.is_empty(), q.stages.contains(&d.stage))
        && any_or(q.risk_tiers.is_empty(), q.risk_tiers.contains(&d.risk_tier))
        && any_or(
            q.regulated_domains.is_empty(),
            q.regulated_domains.contains(&d.regulated_domain),
        )
        && any_or(
            q.business_units.is_empty(),
            q.business_units
                .iter()
                .any(|b| b.eq_ignore_ascii_case(&d.business_unit)),
        )
        && q.sourcing.is_none_or(|x| x == d.sourcing)
        && q.tag
            .as_ref()
            .is_none_or(|t| d.tags.iter().any(|x| x.eq_ignore_ascii_case(t)))
        && text_matches(s, &q.text)
}

fn text_matches(s: &AiSystem, text: &str) -> bool {
    let needle = text.trim().to_lowercase();
    if needle.is_empty() {
        return true;
    }
    let d = &s.draft;
    [
        &d.name,
        &d.purpose,
        &d.owner,
        &d.technical_lead,
        &d.business_unit,
        &d.vendor,
        &d.model_approach,
    ]
    .into_iter()
    .chain(d.tags.iter())
    .any(|f| f.to_lowercase().contains(&needle))
}

/// Sorts in place by the query's key, then by name so the order is total.
pub fn sort(list: &mut [AiSystem], key: SortKey, descending: bool) {
    // Each record's key is made once (texts in lower case), not at every comparison. The sort
    // is stable either way, so records that compare equal keep their order, as they did.
    let of = |s: &AiSystem| {
        let (d, text) = (&s.draft, |t: &str| Primary::Text(t.to_lowercase()));
        let primary = match key {
            SortKey::Name => Primary::None,
            SortKey::BusinessUnit => text(&d.business_unit),
            SortKey::Owner => text(&d.owner),
            SortKey::Stage => Primary::Stage(d.stage),
            SortKey::RiskTier => Primary::RiskTier(d.risk_tier),
            SortKey::DeploymentDate => Primary::Date(d.deployment_date),
            SortKey::UpdatedAt => Primary::Text(s.updated_at.clone()),
        };
        (primary, d.name.to_lowercase())
    };
    if descending {
        list.sort_by_cached_key(|s| std::cmp::Reverse(of(s)));
    } else {
        list.sort_by_cached_key(of);
    }
}

/// What a sort compares first: one kind for a whole list.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Primary {
    None,
    Text(String),
    Stage(super::types::Stage),
    RiskTier(super::types::RiskTier),
    Date(Option<chrono::NaiveDate>),
}
