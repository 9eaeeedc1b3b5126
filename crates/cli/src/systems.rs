//! `steward systems ...`: the register.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use steward_core::api::{ImportOptions, ImportRequest, Workspace};
use steward_core::export::ExportFormat;
use steward_core::import::mapping::Mapping;
use steward_core::register::*;

use crate::output;

#[derive(Subcommand)]
pub enum SystemsCmd {
    /// List systems, filtered, searched and sorted.
    List(Filter),
    /// Show one system (by name or id).
    Show { system: String },
    /// Register a new system.
    Add(Fields),
    /// Change fields of a system (by name or id); fields not given keep their value.
    Edit {
        system: String,
        #[command(flatten)]
        fields: Fields,
    },
    /// Move a system to another lifecycle stage (only along allowed transitions).
    Stage {
        system: String,
        #[arg(value_parser = parse_stage)]
        stage: Stage,
    },
    /// Retire a system: the first time, start its decommissioning checklist (the system keeps
    /// its stage); once every item is done or waived, move it to retired.
    Retire {
        system: String,
        /// The planned decommission date the checklist is due around (default: today plus the
        /// rules' notice period).
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
    },
    /// Import systems from .xlsx, .ods or .csv; any problem and nothing is written.
    Import {
        file: PathBuf,
        /// Show what would be added or changed, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The worksheet to read (default: the one whose header names the register's columns).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// A mapping of headers, values and date order (TOML; see `steward systems mapping-template`).
        #[arg(long, value_name = "FILE", conflicts_with = "profile")]
        mapping: Option<PathBuf>,
        /// A mapping profile saved in the workspace.
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// Save the mapping given with --mapping as this profile, for the next import.
        #[arg(long, value_name = "NAME", requires = "mapping")]
        save_profile: Option<String>,
    },
    /// Print a commented example of a mapping file for `systems import --mapping`.
    MappingTemplate,
    /// List the mapping profiles saved in the workspace, or show one as TOML.
    Profiles {
        /// The profile to show.
        name: Option<String>,
        /// Delete this profile instead.
        #[arg(long)]
        delete: bool,
    },
    /// Export the register (or the filtered part of it) as .xlsx or .csv.
    Export {
        #[arg(long, value_parser = parse_format)]
        format: ExportFormat,
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
        #[command(flatten)]
        filter: Filter,
    },
}

macro_rules! enum_parser {
    ($fn:ident, $ty:ty) => {
        fn $fn(s: &str) -> Result<$ty, String> {
            <$ty>::parse(s).ok_or_else(|| {
                format!(
                    "unknown value {s:?}; expected one of: {}",
                    <$ty>::expected()
                )
            })
        }
    };
}
enum_parser!(parse_stage, Stage);
enum_parser!(parse_tier, RiskTier);
enum_parser!(parse_domain, RegulatedDomain);
enum_parser!(parse_sourcing, Sourcing);
enum_parser!(parse_eu, EuAiActCategory);
enum_parser!(parse_sensitivity, DataSensitivity);

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    ExportFormat::parse(s).ok_or_else(|| format!("unknown format {s:?}; expected xlsx or csv"))
}

fn parse_sort(s: &str) -> Result<SortKey, String> {
    SortKey::parse(s).ok_or_else(|| {
        format!(
            "unknown sort key {s:?}; expected one of: {}",
            SortKey::EXPECTED
        )
    })
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date; expected YYYY-MM-DD"))
}

/// A value given on the command line, or none when it was given as "" (which clears the field).
#[derive(Clone)]
pub struct OrClear<T>(Option<T>);

fn or_clear<T>(s: &str, parse: fn(&str) -> Result<T, String>) -> Result<OrClear<T>, String> {
    let s = s.trim();
    if s.is_empty() {
        Ok(OrClear(None))
    } else {
        parse(s).map(|v| OrClear(Some(v)))
    }
}

fn parse_retrained(s: &str) -> Result<OrClear<NaiveDate>, String> {
    or_clear(s, |s| {
        parse_date(s).map_err(|e| format!("{e}, or \"\" to clear it"))
    })
}

fn parse_amount(s: &str) -> Result<OrClear<f64>, String> {
    or_clear(s, |s| {
        steward_core::import::measurements::parse_value(s).map_err(|_| {
            format!(
                "{s:?} is not an amount; expected a plain number in the workspace's currency, \
                 e.g. 1250000 ('.' for decimals), or \"\" to clear it"
            )
        })
    })
}

fn parse_score(s: &str) -> Result<OrClear<u8>, String> {
    or_clear(s, |s| {
        s.parse::<u8>()
            .map_err(|_| format!("{s:?} is not a whole number from 1 to 5 (or \"\" to clear it)"))
    })
}

#[derive(Args, Default)]
pub struct Filter {
    /// Text to find in name, purpose, owner, lead, unit, vendor, approach or tags.
    #[arg(long, short = 'q')]
    search: Option<String>,
    /// Only these stages (repeatable).
    #[arg(long, value_parser = parse_stage)]
    stage: Vec<Stage>,
    /// Only these risk tiers (repeatable).
    #[arg(long = "risk", value_parser = parse_tier)]
    risk_tier: Vec<RiskTier>,
    /// Only these business units (repeatable).
    #[arg(long = "unit")]
    business_unit: Vec<String>,
    /// Only these regulated domains (repeatable).
    #[arg(long = "domain", value_parser = parse_domain)]
    regulated_domain: Vec<RegulatedDomain>,
    /// Only in-house or only vendor systems.
    #[arg(long, value_parser = parse_sourcing)]
    sourcing: Option<Sourcing>,
    /// Only systems with this tag.
    #[arg(long)]
    tag: Option<String>,
    /// Sort by: name, business_unit, owner, stage, risk_tier, deployment_date, updated_at.
    #[arg(long, value_parser = parse_sort, default_value = "name")]
    sort: SortKey,
    /// Sort descending.
    #[arg(long)]
    desc: bool,
}

impl Filter {
    fn query(self) -> SystemQuery {
        SystemQuery {
            text: self.search.unwrap_or_default(),
            stages: self.stage,
            risk_tiers: self.risk_tier,
            business_units: self.business_unit,
            regulated_domains: self.regulated_domain,
            sourcing: self.sourcing,
            tag: self.tag,
            sort: self.sort,
            descending: self.desc,
        }
    }
}

/// Every field of a system; on `add`, unset fields take the defaults of a new system.
#[derive(Args)]
pub struct Fields {
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    purpose: Option<String>,
    #[arg(long = "unit", visible_alias = "business-unit")]
    business_unit: Option<String>,
    #[arg(long)]
    owner: Option<String>,
    #[arg(long = "lead", visible_alias = "technical-lead")]
    technical_lead: Option<String>,
    /// in_house or vendor (setting --vendor implies vendor).
    #[arg(long, value_parser = parse_sourcing)]
    sourcing: Option<Sourcing>,
    #[arg(long)]
    vendor: Option<String>,
    /// E.g. "logistic regression", "gradient boosting", "LLM".
    #[arg(long = "approach", visible_alias = "model-approach")]
    model_approach: Option<String>,
    /// Initial stage on add; on edit, a change must follow the allowed transitions.
    #[arg(long, value_parser = parse_stage)]
    stage: Option<Stage>,
    #[arg(long = "domain", value_parser = parse_domain)]
    regulated_domain: Option<RegulatedDomain>,
    /// prohibited, high_risk, limited_risk or minimal.
    #[arg(long = "eu-category", value_parser = parse_eu)]
    eu_ai_act_category: Option<EuAiActCategory>,
    #[arg(long = "risk", value_parser = parse_tier)]
    risk_tier: Option<RiskTier>,
    #[arg(long = "sensitivity", value_parser = parse_sensitivity)]
    data_sensitivity: Option<DataSensitivity>,
    /// YYYY-MM-DD.
    #[arg(long = "deployed", value_parser = parse_date)]
    deployment_date: Option<NaiveDate>,
    /// Replace the tags with this list, e.g. "credit; scoring".
    #[arg(long)]
    tags: Option<String>,
    /// The executive who funds the system and answers for it at the portfolio board ("" clears).
    #[arg(long)]
    sponsor: Option<String>,
    /// When the model was last retrained: today or earlier, not before the deployment date
    /// ("" clears).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_retrained)]
    last_retrained: Option<OrClear<NaiveDate>>,
    /// The value the system delivers per year (a proposal: is expected to deliver), in the
    /// workspace's currency, 0 or more ("" clears).
    #[arg(long, value_name = "N", value_parser = parse_amount, allow_negative_numbers = true)]
    annual_value: Option<OrClear<f64>>,
    /// How ready the data is: 1 (no usable data) to 5 (production-grade) ("" clears).
    #[arg(long, value_name = "1-5", value_parser = parse_score, allow_negative_numbers = true)]
    data_readiness: Option<OrClear<u8>>,
    /// Fit with the organisation's strategy: 1 (little fit) to 5 (core to it) ("" clears).
    #[arg(long, value_name = "1-5", value_parser = parse_score, allow_negative_numbers = true)]
    strategic_alignment: Option<OrClear<u8>>,
    /// The version of the model in use, as its team names it, e.g. 2.3; validation evidence
    /// counts for the version it was produced for ("" clears).
    #[arg(long, value_name = "VERSION")]
    model_version: Option<String>,
}

impl Fields {
    fn apply(self, d: &mut SystemDraft) {
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = self.$f { d.$f = v; } )* };
        }
        set!(
            name,
            purpose,
            business_unit,
            owner,
            technical_lead,
            model_approach,
            regulated_domain,
            risk_tier,
            data_sensitivity,
            stage,
            sponsor,
            model_version
        );
        macro_rules! set_or_clear {
            ($($f:ident),*) => { $( if let Some(OrClear(v)) = self.$f { d.$f = v; } )* };
        }
        set_or_clear!(
            last_retrained,
            annual_value,
            data_readiness,
            strategic_alignment
        );
        if let Some(v) = self.vendor {
            d.sourcing = if v.trim().is_empty() {
                Sourcing::InHouse
            } else {
                Sourcing::Vendor
            };
            d.vendor = v;
        }
        if let Some(s) = self.sourcing {
            d.sourcing = s;
        }
        if self.eu_ai_act_category.is_some() {
            d.eu_ai_act_category = self.eu_ai_act_category;
        }
        if self.deployment_date.is_some() {
            d.deployment_date = self.deployment_date;
        }
        if let Some(t) = self.tags {
            d.tags = t.split([';', ',']).map(str::to_string).collect();
        }
    }
}

pub fn run(ws: &mut Workspace, cmd: SystemsCmd, json: bool) -> Result<ExitCode> {
    match cmd {
        SystemsCmd::List(f) => output::systems(&ws.list_systems(&f.query())?, json)?,
        SystemsCmd::Show { system } => output::system(&ws.find_system(&system)?, json)?,
        SystemsCmd::Add(fields) => {
            let mut d = SystemDraft::new("");
            fields.apply(&mut d);
            let s = ws.add_system(d)?;
            if json {
                output::json(&s)?;
            } else {
                println!("added system {} ({})", s.id, s.draft.name);
            }
        }
        SystemsCmd::Edit { system, fields } => {
            let current = ws.find_system(&system)?;
            let mut d = current.draft.clone();
            fields.apply(&mut d);
            let s = ws
                .update_system(current.id, d)
                .with_context(|| format!("saving system {:?}", current.draft.name))?;
            if json {
                output::json(&s)?;
            } else {
                println!("saved system {} ({})", s.id, s.draft.name);
            }
        }
        SystemsCmd::Stage { system, stage } => {
            let current = ws.find_system(&system)?;
            let s = ws.set_stage(current.id, stage)?;
            stage_done(&s, json)?;
        }
        SystemsCmd::Retire { system, date } => {
            let current = ws.find_system(&system)?;
            let out = ws.retire_system(current.id, date)?;
            if json {
                output::json(&out)?;
            } else if out.retired {
                stage_done(&out.system, json)?;
            } else {
                println!(
                    "started the decommissioning checklist of {} ({} items); it stays {} until each                      item is done or waived:",
                    out.system.draft.name,
                    out.checklist.len(),
                    out.system.draft.stage.label()
                );
                for i in &out.checklist {
                    println!(
                        "  {:<22} {} (owner {}, due {})",
                        i.key, i.title, i.owner, i.due
                    );
                }
            }
        }
        SystemsCmd::Import {
            file,
            dry_run,
            sheet,
            mapping,
            profile,
            save_profile,
        } => {
            let mapping = match (mapping, profile) {
                (Some(path), _) => {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("reading the mapping {}", path.display()))?;
                    let m = Mapping::from_toml(&text)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                    Some((format!("file {}", path.display()), m))
                }
                (None, profile) => {
                    ws.import_options(&ImportRequest {
                        sheet: None,
                        profile,
                        mapping: None,
                    })?
                    .mapping
                }
            };
            if let (Some(name), Some((_, m))) = (&save_profile, &mapping) {
                ws.save_import_profile(name, m)
                    .with_context(|| format!("saving the mapping profile {name:?}"))?;
            }
            let opts = ImportOptions { sheet, mapping };
            let plan = ws.import_systems_with(&file, dry_run, &opts, &mut |_| true)?;
            output::import_plan(&plan, dry_run, json)?;
        }
        SystemsCmd::MappingTemplate => print!("{}", Mapping::TEMPLATE),
        SystemsCmd::Profiles { name, delete } => match (name, delete) {
            (Some(name), true) => {
                ws.delete_import_profile(&name)?;
                output::message(
                    json,
                    &format!("deleted the mapping profile {name:?}"),
                    serde_json::json!({ "deleted": name }),
                )?;
            }
            (Some(name), false) => {
                let m = ws.import_profile(&name)?;
                if json {
                    output::json(&m)?;
                } else {
                    print!("{}", m.to_toml());
                }
            }
            (None, _) => {
                let profiles = ws.import_profiles()?;
                if json {
                    output::json(&profiles)?;
                } else if profiles.is_empty() {
                    println!("no mapping profiles saved; save one with `steward systems import FILE --mapping MAP.toml --save-profile NAME`");
                } else {
                    for p in profiles {
                        println!("{}", p.name);
                    }
                }
            }
        },
        SystemsCmd::Export {
            format,
            output: out,
            filter,
        } => {
            let n = ws.export_systems(&filter.query(), format, &out)?;
            output::message(
                json,
                &format!("wrote {n} systems to {}", out.display()),
                serde_json::json!({ "rows": n, "path": out }),
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn stage_done(s: &AiSystem, json: bool) -> Result<()> {
    if json {
        output::json(s)
    } else {
        println!("{} is now {}", s.draft.name, s.draft.stage.label());
        Ok(())
    }
}
