//! Filtering, text search and sorting of the register list.

use super::types::{AiSystem, SortKey, SystemQuery};

/// Whether `s` passes every filter of `q` and contains its search text.
pub fn matches(s: &AiSystem, q: &SystemQuery) -> bool {
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
    list.sort_by(|a, b| {
        let (x, y) = (&a.draft, &b.draft);
        let primary = match key {
            SortKey::Name => std::cmp::Ordering::Equal,
            SortKey::BusinessUnit => x
                .business_unit
                .to_lowercase()
                .cmp(&y.business_unit.to_lowercase()),
            SortKey::Owner => x.owner.to_lowercase().cmp(&y.owner.to_lowercase()),
            SortKey::Stage => x.stage.cmp(&y.stage),
            SortKey::RiskTier => x.risk_tier.cmp(&y.risk_tier),
            SortKey::DeploymentDate => x.deployment_date.cmp(&y.deployment_date),
            SortKey::UpdatedAt => a.updated_at.cmp(&b.updated_at),
        };
        let ord = primary.then_with(|| x.name.to_lowercase().cmp(&y.name.to_lowercase()));
        if descending {
            ord.reverse()
        } else {
            ord
        }
    });
}
