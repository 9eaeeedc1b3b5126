//! TCO scenario inputs: the workload forecast and the options compared, with their validation.
//! Plain data only: the cost model lives in `engine`, the file format in `file`.
//!
//! Conventions (docs/tco.md has the full formulas):
//! - Months run 1..=`horizon_months`; every cost falls at the end of its month.
//! - Rates are fractions: 0.08 is 8%. Growth rates are *annual* and compound monthly, so a
//!   quantity with annual growth `g` is `base * (1 + g)^((m - 1) / 12)` in month `m`.
//! - Shares are fractions from 0 to 1. Counts (instances, servers, models) are averages and are
//!   never rounded.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use steward_domain::error::{Error, FieldError, Result};

/// Hours in a month: 8,760 hours a year / 12.
pub const HOURS_PER_MONTH: f64 = 730.0;
/// The longest horizon accepted (50 years).
pub const MAX_HORIZON_MONTHS: u32 = 600;
/// The entity name used in validation errors.
pub(crate) const ENTITY: &str = "TCO scenario";

/// A cost comparison: a workload forecast and two or more ways of running it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Names (or ids) of the AI systems the scenario is about; may be empty.
    #[serde(default)]
    pub systems: Vec<String>,
    /// Currency code of every price, e.g. "USD". Informational: nothing is converted.
    pub currency: String,
    /// Number of months compared, 1..=600.
    pub horizon_months: u32,
    /// Annual discount rate for the NPV (0.08 = 8% a year).
    pub discount_rate: f64,
    pub workload: Workload,
    /// A quantisation / pruning lever; none means no reduction.
    #[serde(default)]
    pub lever: Option<Lever>,
    pub options: Vec<CostOption>,
}

/// The workload forecast, as of month 1, with annual growth rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct Workload {
    /// Models in service in month 1. Drives retraining and per-model managed fees.
    pub models: f64,
    pub model_growth_per_year: f64,
    /// Inference requests in month 1. Serving capacity (instances, servers) and egress scale with
    /// this volume's growth.
    pub inferences_per_month: f64,
    pub inference_growth_per_year: f64,
    /// Retrainings per model per year, spread evenly over the months.
    pub retrains_per_year: f64,
    pub gpu_hours_per_retrain: f64,
    pub cpu_hours_per_retrain: f64,
    /// Stored data in month 1 (datasets, checkpoints, logs).
    pub storage_gb: f64,
    pub storage_growth_per_year: f64,
    /// Data sent out in month 1; grows with the inference volume.
    pub egress_gb_per_month: f64,
}

/// Quantisation or pruning: from `from_month` on, serving compute needs `reduction` less.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct Lever {
    /// Share of inference compute removed, 0..=1 (0.3 = 30% less).
    pub reduction: f64,
    /// First month with the reduction, 1..=horizon.
    pub from_month: u32,
}

/// One way of running the workload. In files and JSON the kind is a key holding its fields:
/// `{ name = "...", on_prem = { ... } }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct CostOption {
    pub name: String,
    #[serde(flatten)]
    pub kind: OptionKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "tco/")]
pub enum OptionKind {
    CloudOnDemand(CloudOnDemand),
    CloudReserved(CloudReserved),
    OnPrem(OnPrem),
    Hybrid(Hybrid),
}

/// The kind of an option, without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "tco/")]
pub enum OptionType {
    CloudOnDemand,
    CloudReserved,
    OnPrem,
    Hybrid,
}

impl OptionType {
    pub const ALL: [OptionType; 4] = [
        OptionType::CloudOnDemand,
        OptionType::CloudReserved,
        OptionType::OnPrem,
        OptionType::Hybrid,
    ];

    /// The key used in files and JSON.
    pub fn key(self) -> &'static str {
        match self {
            OptionType::CloudOnDemand => "cloud_on_demand",
            OptionType::CloudReserved => "cloud_reserved",
            OptionType::OnPrem => "on_prem",
            OptionType::Hybrid => "hybrid",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OptionType::CloudOnDemand => "Cloud on demand",
            OptionType::CloudReserved => "Cloud reserved",
            OptionType::OnPrem => "On-premises",
            OptionType::Hybrid => "Hybrid",
        }
    }
}

impl OptionKind {
    pub fn option_type(&self) -> OptionType {
        match self {
            OptionKind::CloudOnDemand(_) => OptionType::CloudOnDemand,
            OptionKind::CloudReserved(_) => OptionType::CloudReserved,
            OptionKind::OnPrem(_) => OptionType::OnPrem,
            OptionKind::Hybrid(_) => OptionType::Hybrid,
        }
    }
}

/// Costs every non-hybrid option has: retraining compute, storage, egress and operations staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct SharedCosts {
    /// Price of one GPU-hour of retraining (on premises: the marginal cost, often 0).
    pub gpu_rate_per_hour: f64,
    /// Price of one CPU-hour of retraining.
    pub cpu_rate_per_hour: f64,
    pub storage_per_gb_month: f64,
    /// Egress price bands applied to each month's volume; empty means egress is free.
    pub egress_tiers: Vec<EgressTier>,
    /// Operations staff, in full-time equivalents.
    pub staff_fte: f64,
    /// Loaded cost of one FTE per year (salary, taxes, benefits, overhead).
    pub staff_cost_per_year: f64,
}

/// A band of an egress price list: GB above the previous band's `up_to_gb` and up to this one's
/// cost `price_per_gb`. The last band has no `up_to_gb` and covers everything above.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct EgressTier {
    pub up_to_gb: Option<f64>,
    pub price_per_gb: f64,
}

/// Cloud instances billed by the hour, auto-scaling between a base and a peak count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct CloudOnDemand {
    /// Hourly price of one serving instance.
    pub instance_rate_per_hour: f64,
    /// Instances always running in month 1.
    pub base_instances: f64,
    /// Instances running at peak in month 1 (at least `base_instances`).
    pub peak_instances: f64,
    /// Share of the hours spent at peak, 0..=1.
    pub peak_share: f64,
    /// Managed-service fees independent of the workload (endpoints, monitoring, support plan).
    pub managed_fees_per_month: f64,
    /// Managed-service fees per model in service (registry, feature store, per-endpoint fees).
    pub managed_fees_per_model_month: f64,
    #[serde(flatten)]
    pub shared: SharedCosts,
}

/// Reserved instances (1- or 3-year terms) covering a share of the base capacity; the rest of
/// the serving hours, and every other cost, are billed as on demand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct CloudReserved {
    /// 1 or 3.
    pub term_years: u32,
    /// Share of the base instances reserved, 0..=1.
    pub coverage: f64,
    /// Paid per reserved instance at the start of each term.
    pub upfront_per_instance: f64,
    /// Paid per reserved instance every month of the term.
    pub monthly_per_instance: f64,
    #[serde(flatten)]
    pub on_demand: CloudOnDemand,
}

/// Owned hardware: capex renewed every refresh cycle, power, rack space, support and staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct OnPrem {
    /// Servers needed for the month-1 workload, headroom included. The need grows with demand
    /// (and shrinks with the lever); month 1 and each refresh buy the cycle's largest need.
    pub servers: f64,
    /// Purchase price of one server.
    pub server_price: f64,
    /// Years between hardware refreshes; also the straight-line depreciation period.
    pub refresh_years: u32,
    /// Average power draw of one server, in kW.
    pub server_kw: f64,
    /// Power usage effectiveness of the data centre (>= 1).
    pub pue: f64,
    pub price_per_kwh: f64,
    pub servers_per_rack: f64,
    /// Rack space (colocation or internal charge) per rack per month.
    pub rack_per_month: f64,
    /// Hardware support contract per year, as a share of the fleet's purchase price.
    pub support_rate_per_year: f64,
    #[serde(flatten)]
    pub shared: SharedCosts,
}

/// A mix of other (non-hybrid) options, named, with shares adding up to 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct Hybrid {
    pub parts: Vec<HybridPart>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct HybridPart {
    /// The `name` of another option.
    pub option: String,
    pub share: f64,
}

/// Checks every value of a scenario; all problems come back at once, each naming its key path
/// (e.g. `options[2].on_prem.pue`) and what would be accepted.
pub fn validate(s: &Scenario) -> Result<()> {
    let mut v = Check::default();
    if s.name.trim().is_empty() {
        v.err("name", "expected a non-empty scenario name");
    }
    if s.currency.trim().is_empty() {
        v.err("currency", "expected a currency code, e.g. \"USD\"");
    }
    if s.horizon_months == 0 || s.horizon_months > MAX_HORIZON_MONTHS {
        v.err(
            "horizon_months",
            format!(
                "expected a whole number of months from 1 to {MAX_HORIZON_MONTHS}, got {}",
                s.horizon_months
            ),
        );
    }
    v.rate("discount_rate", s.discount_rate);

    let w = &s.workload;
    v.non_neg("workload.models", w.models);
    v.growth("workload.model_growth_per_year", w.model_growth_per_year);
    v.non_neg("workload.inferences_per_month", w.inferences_per_month);
    v.growth(
        "workload.inference_growth_per_year",
        w.inference_growth_per_year,
    );
    v.non_neg("workload.retrains_per_year", w.retrains_per_year);
    v.non_neg("workload.gpu_hours_per_retrain", w.gpu_hours_per_retrain);
    v.non_neg("workload.cpu_hours_per_retrain", w.cpu_hours_per_retrain);
    v.non_neg("workload.storage_gb", w.storage_gb);
    v.growth(
        "workload.storage_growth_per_year",
        w.storage_growth_per_year,
    );
    v.non_neg("workload.egress_gb_per_month", w.egress_gb_per_month);

    if let Some(lever) = &s.lever {
        v.share("lever.reduction", lever.reduction);
        if lever.from_month == 0 || lever.from_month > s.horizon_months.max(1) {
            v.err(
                "lever.from_month",
                format!(
                    "expected a month from 1 to {} (the horizon), got {}",
                    s.horizon_months.max(1),
                    lever.from_month
                ),
            );
        }
    }

    if s.options.len() < 2 {
        v.err(
            "options",
            format!(
                "expected at least 2 options to compare, got {}",
                s.options.len()
            ),
        );
    }
    for (i, o) in s.options.iter().enumerate() {
        let at = format!("options[{i}]");
        if o.name.trim().is_empty() {
            v.err(format!("{at}.name"), "expected a non-empty option name");
        } else if s.options[..i].iter().any(|p| p.name == o.name) {
            v.err(
                format!("{at}.name"),
                format!("expected a unique option name; {:?} is used twice", o.name),
            );
        }
        let at = format!("{at}.{}", o.kind.option_type().key());
        match &o.kind {
            OptionKind::CloudOnDemand(c) => v.on_demand(&at, c),
            OptionKind::CloudReserved(r) => {
                if r.term_years != 1 && r.term_years != 3 {
                    v.err(
                        format!("{at}.term_years"),
                        format!("expected 1 or 3 (years), got {}", r.term_years),
                    );
                }
                v.share(&format!("{at}.coverage"), r.coverage);
                v.non_neg(
                    &format!("{at}.upfront_per_instance"),
                    r.upfront_per_instance,
                );
                v.non_neg(
                    &format!("{at}.monthly_per_instance"),
                    r.monthly_per_instance,
                );
                v.on_demand(&at, &r.on_demand);
            }
            OptionKind::OnPrem(p) => {
                v.non_neg(&format!("{at}.servers"), p.servers);
                v.non_neg(&format!("{at}.server_price"), p.server_price);
                if p.refresh_years == 0 || p.refresh_years > 10 {
                    v.err(
                        format!("{at}.refresh_years"),
                        format!(
                            "expected a whole number of years from 1 to 10, got {}",
                            p.refresh_years
                        ),
                    );
                }
                v.non_neg(&format!("{at}.server_kw"), p.server_kw);
                if !p.pue.is_finite() || !(1.0..=5.0).contains(&p.pue) {
                    v.err(
                        format!("{at}.pue"),
                        format!("expected a power usage effectiveness from 1.0 to 5.0 (e.g. 1.4), got {}", p.pue),
                    );
                }
                v.non_neg(&format!("{at}.price_per_kwh"), p.price_per_kwh);
                if !p.servers_per_rack.is_finite() || p.servers_per_rack <= 0.0 {
                    v.err(
                        format!("{at}.servers_per_rack"),
                        format!(
                            "expected a number of servers above 0, got {}",
                            p.servers_per_rack
                        ),
                    );
                }
                v.non_neg(&format!("{at}.rack_per_month"), p.rack_per_month);
                v.share(
                    &format!("{at}.support_rate_per_year"),
                    p.support_rate_per_year,
                );
                v.shared(&at, &p.shared);
            }
            OptionKind::Hybrid(h) => v.hybrid(&at, h, &o.name, &s.options),
        }
    }
    v.finish()
}

#[derive(Default)]
struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    fn err(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    fn finish(self) -> Result<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation {
                entity: ENTITY,
                fields: self.errors,
            })
        }
    }

    fn non_neg(&mut self, field: &str, x: f64) {
        if !x.is_finite() || x < 0.0 {
            self.err(field, format!("expected a number of 0 or more, got {x}"));
        }
    }

    fn share(&mut self, field: &str, x: f64) {
        if !x.is_finite() || !(0.0..=1.0).contains(&x) {
            self.err(
                field,
                format!(
                    "expected a share from 0 to 1 (0.25 = 25%), got {x} ({}%)",
                    x * 100.0
                ),
            );
        }
    }

    fn rate(&mut self, field: &str, x: f64) {
        if !x.is_finite() || !(0.0..=1.0).contains(&x) {
            self.err(
                field,
                format!("expected an annual rate from 0 to 1 (0.08 = 8% a year), got {x}"),
            );
        }
    }

    fn growth(&mut self, field: &str, x: f64) {
        if !x.is_finite() || x <= -1.0 || x > 100.0 {
            self.err(
                field,
                format!("expected an annual growth rate above -1 and at most 100 (0.3 = +30% a year), got {x}"),
            );
        }
    }

    fn on_demand(&mut self, at: &str, c: &CloudOnDemand) {
        self.non_neg(
            &format!("{at}.instance_rate_per_hour"),
            c.instance_rate_per_hour,
        );
        self.non_neg(&format!("{at}.base_instances"), c.base_instances);
        self.non_neg(&format!("{at}.peak_instances"), c.peak_instances);
        if c.peak_instances.is_finite()
            && c.base_instances.is_finite()
            && c.peak_instances < c.base_instances
        {
            self.err(
                format!("{at}.peak_instances"),
                format!(
                    "expected at least base_instances ({}), got {}",
                    c.base_instances, c.peak_instances
                ),
            );
        }
        self.share(&format!("{at}.peak_share"), c.peak_share);
        self.non_neg(
            &format!("{at}.managed_fees_per_month"),
            c.managed_fees_per_month,
        );
        self.non_neg(
            &format!("{at}.managed_fees_per_model_month"),
            c.managed_fees_per_model_month,
        );
        self.shared(at, &c.shared);
    }

    fn shared(&mut self, at: &str, c: &SharedCosts) {
        self.non_neg(&format!("{at}.gpu_rate_per_hour"), c.gpu_rate_per_hour);
        self.non_neg(&format!("{at}.cpu_rate_per_hour"), c.cpu_rate_per_hour);
        self.non_neg(
            &format!("{at}.storage_per_gb_month"),
            c.storage_per_gb_month,
        );
        self.non_neg(&format!("{at}.staff_fte"), c.staff_fte);
        self.non_neg(&format!("{at}.staff_cost_per_year"), c.staff_cost_per_year);
        let mut previous = 0.0;
        let last = c.egress_tiers.len().saturating_sub(1);
        for (i, t) in c.egress_tiers.iter().enumerate() {
            let tier = format!("{at}.egress_tiers[{i}]");
            self.non_neg(&format!("{tier}.price_per_gb"), t.price_per_gb);
            match t.up_to_gb {
                None if i != last => self.err(
                    format!("{tier}.up_to_gb"),
                    "expected a GB bound: only the last tier may leave up_to_gb out",
                ),
                Some(_) if i == last => self.err(
                    format!("{tier}.up_to_gb"),
                    "expected no up_to_gb on the last tier: it covers every GB above the previous tier",
                ),
                Some(up) if !up.is_finite() || up <= previous => self.err(
                    format!("{tier}.up_to_gb"),
                    format!("expected a bound above the previous tier's ({previous} GB), got {up}"),
                ),
                Some(up) => previous = up,
                None => {}
            }
        }
    }

    fn hybrid(&mut self, at: &str, h: &Hybrid, own_name: &str, options: &[CostOption]) {
        if h.parts.is_empty() {
            self.err(
                format!("{at}.parts"),
                "expected at least one part (an option name and a share)",
            );
            return;
        }
        let mut sum = 0.0;
        for (i, part) in h.parts.iter().enumerate() {
            let p = format!("{at}.parts[{i}]");
            self.share(&format!("{p}.share"), part.share);
            sum += part.share;
            match options.iter().find(|o| o.name == part.option) {
                None => {
                    let names: Vec<&str> = options
                        .iter()
                        .filter(|o| o.name != own_name && !matches!(o.kind, OptionKind::Hybrid(_)))
                        .map(|o| o.name.as_str())
                        .collect();
                    self.err(
                        format!("{p}.option"),
                        format!(
                            "expected the name of another option ({}), got {:?}",
                            names.join(", "),
                            part.option
                        ),
                    );
                }
                Some(o) if matches!(o.kind, OptionKind::Hybrid(_)) => self.err(
                    format!("{p}.option"),
                    format!(
                        "expected a non-hybrid option; {:?} is itself a hybrid",
                        part.option
                    ),
                ),
                Some(_) => {}
            }
            if h.parts[..i].iter().any(|q| q.option == part.option) {
                self.err(
                    format!("{p}.option"),
                    format!("expected each option once; {:?} is repeated", part.option),
                );
            }
        }
        if sum.is_finite() && (sum - 1.0).abs() > 1e-9 {
            self.err(
                format!("{at}.parts"),
                format!(
                    "expected shares adding up to 1 (100%), they add up to {sum} ({}%)",
                    sum * 100.0
                ),
            );
        }
    }
}

/// A scenario kept in a workspace: its id, the systems of the register it is tied to (their
/// names are in `scenario.systems`, in the same order) and when it was created and last saved.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct StoredScenario {
    #[ts(type = "number")]
    pub id: i64,
    pub scenario: Scenario,
    #[ts(type = "Array<number>")]
    pub system_ids: Vec<i64>,
    pub created_at: String,
    pub updated_at: String,
}
