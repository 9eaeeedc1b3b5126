//! Printing results as text tables or JSON. Formatting only.

use anyhow::Result;
use serde::Serialize;
use steward_core::api::pack::AnchorReport;
use steward_core::api::{AuditPage, AuditRow, AuditVerification};
use steward_core::import::ImportPlan;
use steward_core::register::AiSystem;

pub fn json<T: Serialize + ?Sized>(v: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

/// Prints `text`, or `value` as JSON.
pub fn message(as_json: bool, text: &str, value: serde_json::Value) -> Result<()> {
    if as_json {
        json(&value)
    } else {
        println!("{text}");
        Ok(())
    }
}

/// An amount in whole currency units with thousands separators, e.g. "1,250,000".
pub fn money(v: f64) -> String {
    let whole = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if v < -0.5 {
        format!("-{out}")
    } else {
        out
    }
}

/// A plain text table with columns padded to their widest cell.
pub fn table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let s: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", s.join("  ").trim_end());
    };
    line(headers.to_vec());
    line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
    );
    for r in rows {
        line(r.iter().map(String::as_str).collect());
    }
}

pub fn systems(list: &[AiSystem], as_json: bool) -> Result<()> {
    if as_json {
        return json(list);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|s| {
            let d = &s.draft;
            vec![
                s.id.to_string(),
                d.name.clone(),
                d.business_unit.clone(),
                d.owner.clone(),
                d.stage.key().into(),
                d.risk_tier.key().into(),
                if d.vendor.is_empty() {
                    "in-house".into()
                } else {
                    d.vendor.clone()
                },
            ]
        })
        .collect();
    table(
        &[
            "ID",
            "NAME",
            "BUSINESS UNIT",
            "OWNER",
            "STAGE",
            "RISK",
            "SOURCE",
        ],
        &rows,
    );
    println!(
        "{} system{}",
        list.len(),
        if list.len() == 1 { "" } else { "s" }
    );
    Ok(())
}

pub fn system(s: &AiSystem, as_json: bool) -> Result<()> {
    if as_json {
        return json(s);
    }
    let d = &s.draft;
    let opt = |o: Option<String>| o.unwrap_or_else(|| "-".into());
    let score = |o: Option<u8>| opt(o.map(|v| format!("{v} of 5")));
    let fields: Vec<(&str, String)> = vec![
        ("id", s.id.to_string()),
        ("name", d.name.clone()),
        ("purpose", d.purpose.clone()),
        ("business unit", d.business_unit.clone()),
        ("owner", d.owner.clone()),
        ("technical lead", d.technical_lead.clone()),
        ("sourcing", d.sourcing.label().into()),
        ("vendor", d.vendor.clone()),
        ("model approach", d.model_approach.clone()),
        ("model version", d.model_version.clone()),
        ("stage", d.stage.label().into()),
        ("regulated domain", d.regulated_domain.label().into()),
        (
            "EU AI Act category",
            opt(d.eu_ai_act_category.map(|c| c.label().to_string())),
        ),
        ("risk tier", d.risk_tier.label().into()),
        ("data sensitivity", d.data_sensitivity.label().into()),
        (
            "deployment date",
            opt(d.deployment_date.map(|x| x.to_string())),
        ),
        ("tags", d.tags.join(", ")),
        ("sponsor", d.sponsor.clone()),
        (
            "last retrained",
            opt(d.last_retrained.map(|x| x.to_string())),
        ),
        ("annual value", opt(d.annual_value.map(money))),
        ("data readiness", score(d.data_readiness)),
        ("strategic alignment", score(d.strategic_alignment)),
        ("created", steward_core::report::reader_time(&s.created_at)),
        ("updated", steward_core::report::reader_time(&s.updated_at)),
    ];
    for (k, v) in fields {
        println!("{k:>20}  {v}");
    }
    for c in &d.certifications {
        println!(
            "{:>20}  {} (expires {})",
            "certification", c.name, c.expires
        );
    }
    for ds in &d.datasets {
        let until = ds
            .retain_until
            .map(|u| format!(", until {u}"))
            .unwrap_or_default();
        println!(
            "{:>20}  {} [{}{until}]",
            "dataset", ds.name, ds.retention_policy
        );
    }
    for a in &d.assumptions {
        println!(
            "{:>20}  {} (review {})",
            "assumption", a.statement, a.review_date
        );
    }
    Ok(())
}

pub fn audit_log(page: &AuditPage, changes: bool, as_json: bool) -> Result<()> {
    if as_json {
        return json(page);
    }
    let record = |r: &AuditRow| format!("{}: {}", r.entity_label, r.name);
    if changes {
        for r in &page.entries {
            let e = &r.entry;
            println!("#{} {} {} {} {}", e.seq, e.at, e.actor, e.action, record(r));
            for c in &r.changes {
                let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "(none)".into());
                println!("    {}: {} -> {}", c.field, v(&c.before), v(&c.after));
            }
        }
    } else {
        let rows: Vec<Vec<String>> = page
            .entries
            .iter()
            .map(|r| {
                let e = &r.entry;
                vec![
                    e.seq.to_string(),
                    e.at.clone(),
                    e.actor.clone(),
                    e.action.clone(),
                    record(r),
                    e.hash[..12].to_string(),
                ]
            })
            .collect();
        table(&["SEQ", "AT", "ACTOR", "ACTION", "RECORD", "HASH"], &rows);
    }
    let n = page.entries.len() as i64;
    if n == 0 {
        println!("no entries of {} match", page.total);
    } else {
        println!(
            "showing {}-{} of {} entries",
            page.offset + 1,
            page.offset + n,
            page.total
        );
    }
    Ok(())
}

/// What `audit verify` found: the chain, the records against the log, each seal, and how many
/// entries follow the last seal; with `--against`, whether the log extends the pack's chain.
pub fn audit_verification(
    r: &AuditVerification,
    anchor: Option<&AnchorReport>,
    copy: Option<&steward_core::api::team::CopyStatus>,
    as_json: bool,
) -> Result<()> {
    if as_json {
        let mut v = serde_json::to_value(r)?;
        if let Some(a) = anchor {
            v["against"] = serde_json::to_value(a)?;
        }
        if let Some(c) = copy {
            v["copy_of"] = serde_json::to_value(c)?;
        }
        return json(&v);
    }
    if let Some(c) = copy {
        println!(
            "read-only copy of the team workspace {} taken at entry {} ({}) on {} by {}",
            c.mark.team, c.mark.seq, c.mark.head, c.mark.taken_at, c.mark.taken_by
        );
        if !c.ends_at_mark {
            println!(
                "copy CHANGED: its log no longer ends at the entry it was taken at (it ends at {} ({}))",
                r.chain.length, r.chain.head
            );
        }
    }
    let c = &r.chain;
    match &c.first_bad {
        None => println!("audit chain intact: {} entries, head {}", c.length, c.head),
        Some(b) => println!("audit chain BROKEN at entry {}: {}", b.seq, b.message),
    }
    let s = &r.state;
    if s.findings.is_empty() {
        println!(
            "state: {} records are as the log says they became",
            s.records
        );
    } else {
        println!(
            "state: {} of {} records are NOT as the log says they became:",
            s.findings.len(),
            s.records
        );
        for f in &s.findings {
            let id = if f.entity_id.is_empty() {
                String::new()
            } else {
                format!(" [{}]", f.entity_id)
            };
            println!("  {}: {}{id}: {}", f.entity_label, f.name, f.message);
        }
    }
    for n in &s.not_comparable {
        println!(
            "  not comparable: {} ({}): {}",
            n.entity_label, n.count, n.reason
        );
    }
    if r.seals.is_empty() {
        println!("seals: none");
    }
    for seal in &r.seals {
        let verdict = if seal.valid { "valid" } else { "FAILING" };
        println!(
            "seal of entry {} by {} (certificate {}) at {}: {verdict}: {}",
            seal.seq, seal.signer, seal.fingerprint, seal.sealed_at, seal.message
        );
    }
    println!("unsealed: {} entries after the last valid seal", r.unsealed);
    if let Some(a) = anchor {
        let verdict = if a.extends {
            "extends"
        } else {
            "DOES NOT extend"
        };
        println!(
            "against {}: the log {verdict} the recorded chain; {}",
            a.pack, a.message
        );
    }
    Ok(())
}

pub fn import_plan(plan: &ImportPlan, dry_run: bool, as_json: bool) -> Result<()> {
    if as_json {
        return json(plan);
    }
    let sheet = plan
        .sheet
        .as_ref()
        .map(|s| format!(", sheet {s:?}"))
        .unwrap_or_default();
    println!("{}{sheet}: {} data rows", plan.file, plan.rows);
    if let Some(m) = &plan.mapping {
        println!("mapping: {m}");
    }
    for d in &plan.decisions {
        println!("read: {d}");
    }
    for w in &plan.warnings {
        println!("warning: {w}");
    }
    let verb = if dry_run { "would add" } else { "added" };
    for a in &plan.adds {
        println!("  row {:>5}  {verb} {}", a.row, a.name);
    }
    let verb = if dry_run { "would change" } else { "changed" };
    for c in &plan.changes {
        println!("  row {:>5}  {verb} {} (#{})", c.row, c.name, c.id);
        for f in &c.fields {
            println!("             {}: {:?} -> {:?}", f.field, f.before, f.after);
        }
    }
    println!(
        "{} {} added, {} changed, {} unchanged{}",
        if dry_run { "dry run:" } else { "imported:" },
        plan.adds.len(),
        plan.changes.len(),
        plan.unchanged,
        if dry_run { "; nothing was written" } else { "" }
    );
    Ok(())
}

/// A backup written or a workspace restored: where, how large, and what it holds.
pub fn backup(
    s: &steward_core::api::backup::BackupSummary,
    done: &str,
    as_json: bool,
) -> Result<()> {
    if as_json {
        return json(s);
    }
    println!(
        "{done} {}: {} bytes{}, schema {}, {} systems, audit chain intact ({} entries, head {})",
        s.path,
        money(s.bytes as f64),
        if s.encrypted {
            ", encrypted with the workspace's passphrase"
        } else {
            ""
        },
        s.schema_version,
        s.systems,
        s.audit_chain.length,
        s.audit_chain.head.chars().take(16).collect::<String>()
    );
    Ok(())
}

pub fn encryption(
    s: &steward_core::api::encryption::EncryptionSummary,
    as_json: bool,
) -> Result<()> {
    if as_json {
        return json(s);
    }
    println!(
        "{} {}: {} systems, audit chain intact ({} entries, head {})",
        if s.encrypted {
            "encrypted"
        } else {
            "decrypted"
        },
        s.path,
        s.systems,
        s.audit_chain.length,
        s.audit_chain.head.chars().take(16).collect::<String>()
    );
    Ok(())
}
