//! The TCO cost model: pure functions from a [`Scenario`] to a [`TcoResult`]. No I/O, no clock.
//!
//! Conventions (docs/tco.md is the reference a reviewer checks by hand; `xlsx` writes the very
//! same formulas):
//! - Months `m` run 1..=H. A quantity with annual growth `g` is `base * (1 + g)^((m - 1) / 12)`.
//! - Serving compute scales with the inference *demand factor* `d(m) = (1 + g_inf)^((m - 1) / 12)`
//!   and the lever factor `q(m)` (`1 - reduction` from the lever's month, else 1). Retraining and
//!   per-model fees scale with the model count; storage with its own growth; egress with `d(m)`;
//!   staff and fixed fees are flat.
//! - Reserved instances are bought at each term start for `coverage x base x d x q` of that month;
//!   serving hours above them are billed on demand.
//! - An on-premises fleet is bought at month 1 and at each refresh, sized for the largest need
//!   (`servers x d(m) x q(m)`) of the cycle up to the horizon; power, space and support follow
//!   the fleet owned, which stays constant within a cycle.
//! - Every cost is cash, paid at the end of its month. On-premises capex is paid in month 1 and at
//!   each refresh; its straight-line depreciation is reported separately and is *not* in totals,
//!   cumulative cost or NPV.
//! - NPV = sum over m of cost(m) / (1 + i)^m with the monthly rate i = (1 + r)^(1/12) - 1: month 1
//!   is discounted by one full period.
//! - Break-even of options A and B: the option cheaper at the horizon (by cumulative cost) is the
//!   winner; the break-even month is the first month from which its cumulative cost stays strictly
//!   below the other's to the horizon. None when it is below from month 1 on, or on a tie.

use serde::Serialize;
use ts_rs::TS;

use super::model::*;
use steward_domain::error::Result;

/// The monthly rate equivalent to an annual rate: `(1 + r)^(1/12) - 1`.
pub fn monthly_rate(annual: f64) -> f64 {
    (1.0 + annual).powf(1.0 / 12.0) - 1.0
}

/// Validates the scenario and computes every figure, sensitivity included.
pub fn run(scenario: &Scenario) -> Result<TcoResult> {
    validate(scenario)?;
    let mut result = evaluate(scenario);
    result.sensitivity = sensitivity(scenario, &result);
    Ok(result)
}

/// The comparison without the sensitivity analysis (which re-runs the model for every driver
/// twice): for a caller that needs only each option's costs, such as a review's scorecards.
pub fn run_without_sensitivity(scenario: &Scenario) -> Result<TcoResult> {
    validate(scenario)?;
    Ok(evaluate(scenario))
}

/// Everything the comparison shows. Months are 1-based in meaning; vectors hold month 1 first.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct TcoResult {
    pub scenario: String,
    pub currency: String,
    pub horizon_months: u32,
    /// `(1 + discount_rate)^(1/12) - 1`.
    pub monthly_rate: f64,
    pub workload: WorkloadSeries,
    pub options: Vec<OptionResult>,
    /// Index into `options` of the lowest NPV (the first one on a tie).
    pub cheapest: u32,
    /// One entry per pair of options (a < b), in order (0,1), (0,2), ..., (1,2), ...
    pub break_even: Vec<BreakEven>,
    /// Sorted by swing, largest first.
    pub sensitivity: Vec<SensitivityRow>,
}

/// The workload month by month, shared by every option.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct WorkloadSeries {
    /// `(1 + g_inf)^((m - 1) / 12)`.
    pub demand: Vec<f64>,
    pub inferences: Vec<f64>,
    pub models: Vec<f64>,
    pub storage_gb: Vec<f64>,
    pub egress_gb: Vec<f64>,
    /// Retraining hours: models x retrains per year / 12 x hours per retrain.
    pub gpu_hours: Vec<f64>,
    pub cpu_hours: Vec<f64>,
    /// 1, or 1 - reduction from the lever's month on.
    pub lever: Vec<f64>,
    /// `1 / (1 + i)^m`.
    pub discount: Vec<f64>,
    pub total_inferences: f64,
}

/// What a cost line pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "tco/")]
pub enum Driver {
    /// Serving instances billed by the hour (for reserved: the hours above the reservation).
    Inference,
    ReservedUpfront,
    ReservedFees,
    /// On-premises capex (cash, at month 1 and each refresh).
    Hardware,
    Power,
    Space,
    Support,
    Retraining,
    Storage,
    Egress,
    ManagedServices,
    Staff,
}

impl Driver {
    pub const ALL: [Driver; 12] = [
        Driver::Inference,
        Driver::ReservedUpfront,
        Driver::ReservedFees,
        Driver::Hardware,
        Driver::Power,
        Driver::Space,
        Driver::Support,
        Driver::Retraining,
        Driver::Storage,
        Driver::Egress,
        Driver::ManagedServices,
        Driver::Staff,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Driver::Inference => "Inference compute",
            Driver::ReservedUpfront => "Reserved upfront",
            Driver::ReservedFees => "Reserved monthly",
            Driver::Hardware => "Hardware capex",
            Driver::Power => "Power",
            Driver::Space => "Rack space",
            Driver::Support => "Support contract",
            Driver::Retraining => "Retraining",
            Driver::Storage => "Storage",
            Driver::Egress => "Egress",
            Driver::ManagedServices => "Managed services",
            Driver::Staff => "Staff",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct CostLine {
    pub driver: Driver,
    pub monthly: Vec<f64>,
    pub total: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct OptionResult {
    pub name: String,
    pub kind: OptionType,
    /// Cash cost lines, in [`Driver`] order; only the drivers the option has.
    pub lines: Vec<CostLine>,
    /// Reserved instances (cloud reserved) or servers in the fleet (on premises) per month;
    /// empty for the other kinds.
    pub capacity: Vec<f64>,
    /// Straight-line depreciation of on-premises hardware (accounting view, not in totals);
    /// empty when the option owns no hardware.
    pub depreciation: Vec<f64>,
    /// Sum of the lines per month.
    pub monthly: Vec<f64>,
    pub cumulative: Vec<f64>,
    pub yearly: Vec<YearCost>,
    pub total: f64,
    pub npv: f64,
    /// total / total inferences x 1000; none when there are no inferences.
    pub cost_per_1k_inferences: Option<f64>,
}

/// One year (months 12(y-1)+1 ..= 12y, the last one possibly shorter).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct YearCost {
    pub year: u32,
    pub months: u32,
    /// Aligned with the option's `lines`.
    pub by_driver: Vec<f64>,
    pub depreciation: f64,
    pub total: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct BreakEven {
    pub a: u32,
    pub b: u32,
    /// First month from which `cheaper` stays strictly below the other to the horizon; none when
    /// it is below throughout, or on a tie.
    pub month: Option<u32>,
    /// The option with the lower cumulative cost at the horizon; none on a tie.
    pub cheaper: Option<u32>,
}

/// A scalar input moved by -20% and +20% everywhere it appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "tco/")]
pub enum SensitivityDriver {
    /// Month-1 requests together with the serving capacity sized for them (instances, servers).
    InferenceVolume,
    InferenceGrowth,
    Models,
    /// GPU and CPU hours per retraining.
    Retraining,
    StorageVolume,
    EgressVolume,
    /// On-demand hourly rates of cloud options (serving, GPU and CPU).
    CloudRates,
    /// Upfront and monthly prices of reservations.
    ReservedPrices,
    ManagedFees,
    /// Server purchase price (moves depreciation and support with it).
    Capex,
    PowerPrice,
    RackSpace,
    SupportRate,
    /// Loaded staff cost per FTE.
    StaffCost,
    DiscountRate,
    /// The lever's reduction (capped at 100%).
    Lever,
}

impl SensitivityDriver {
    pub const ALL: [SensitivityDriver; 16] = [
        SensitivityDriver::InferenceVolume,
        SensitivityDriver::InferenceGrowth,
        SensitivityDriver::Models,
        SensitivityDriver::Retraining,
        SensitivityDriver::StorageVolume,
        SensitivityDriver::EgressVolume,
        SensitivityDriver::CloudRates,
        SensitivityDriver::ReservedPrices,
        SensitivityDriver::ManagedFees,
        SensitivityDriver::Capex,
        SensitivityDriver::PowerPrice,
        SensitivityDriver::RackSpace,
        SensitivityDriver::SupportRate,
        SensitivityDriver::StaffCost,
        SensitivityDriver::DiscountRate,
        SensitivityDriver::Lever,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SensitivityDriver::InferenceVolume => "Inference volume",
            SensitivityDriver::InferenceGrowth => "Inference growth",
            SensitivityDriver::Models => "Models in service",
            SensitivityDriver::Retraining => "Retraining hours",
            SensitivityDriver::StorageVolume => "Storage volume",
            SensitivityDriver::EgressVolume => "Egress volume",
            SensitivityDriver::CloudRates => "Cloud hourly rates",
            SensitivityDriver::ReservedPrices => "Reserved prices",
            SensitivityDriver::ManagedFees => "Managed-service fees",
            SensitivityDriver::Capex => "Hardware price",
            SensitivityDriver::PowerPrice => "Power price",
            SensitivityDriver::RackSpace => "Rack space price",
            SensitivityDriver::SupportRate => "Support rate",
            SensitivityDriver::StaffCost => "Staff cost",
            SensitivityDriver::DiscountRate => "Discount rate",
            SensitivityDriver::Lever => "Lever reduction",
        }
    }

    /// Multiplies this driver's inputs in `s` by `factor`.
    pub fn apply(self, s: &mut Scenario, factor: f64) {
        use SensitivityDriver as D;
        match self {
            D::InferenceVolume => s.workload.inferences_per_month *= factor,
            D::InferenceGrowth => s.workload.inference_growth_per_year *= factor,
            D::Models => s.workload.models *= factor,
            D::Retraining => {
                s.workload.gpu_hours_per_retrain *= factor;
                s.workload.cpu_hours_per_retrain *= factor;
            }
            D::StorageVolume => s.workload.storage_gb *= factor,
            D::EgressVolume => s.workload.egress_gb_per_month *= factor,
            D::DiscountRate => s.discount_rate *= factor,
            D::Lever => {
                if let Some(l) = &mut s.lever {
                    l.reduction = (l.reduction * factor).min(1.0);
                }
            }
            _ => {}
        }
        for o in &mut s.options {
            match &mut o.kind {
                OptionKind::CloudOnDemand(c) => self.apply_on_demand(c, factor),
                OptionKind::CloudReserved(r) => {
                    if self == D::ReservedPrices {
                        r.upfront_per_instance *= factor;
                        r.monthly_per_instance *= factor;
                    }
                    self.apply_on_demand(&mut r.on_demand, factor);
                }
                OptionKind::OnPrem(p) => {
                    match self {
                        D::InferenceVolume => p.servers *= factor,
                        D::Capex => p.server_price *= factor,
                        D::PowerPrice => p.price_per_kwh *= factor,
                        D::RackSpace => p.rack_per_month *= factor,
                        D::SupportRate => p.support_rate_per_year *= factor,
                        _ => {}
                    }
                    self.apply_shared(&mut p.shared, factor, false);
                }
                OptionKind::Hybrid(_) => {}
            }
        }
    }

    fn apply_on_demand(self, c: &mut CloudOnDemand, factor: f64) {
        match self {
            SensitivityDriver::InferenceVolume => {
                c.base_instances *= factor;
                c.peak_instances *= factor;
            }
            SensitivityDriver::CloudRates => c.instance_rate_per_hour *= factor,
            SensitivityDriver::ManagedFees => {
                c.managed_fees_per_month *= factor;
                c.managed_fees_per_model_month *= factor;
            }
            _ => {}
        }
        self.apply_shared(&mut c.shared, factor, true);
    }

    fn apply_shared(self, c: &mut SharedCosts, factor: f64, cloud: bool) {
        match self {
            SensitivityDriver::CloudRates if cloud => {
                c.gpu_rate_per_hour *= factor;
                c.cpu_rate_per_hour *= factor;
            }
            SensitivityDriver::StaffCost => c.staff_cost_per_year *= factor,
            _ => {}
        }
    }
}

/// NPV change of each option when one driver moves by -20% and +20%.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export, export_to = "tco/")]
pub struct SensitivityRow {
    pub driver: SensitivityDriver,
    pub label: String,
    /// NPV(driver x 0.8) - NPV(base), per option.
    pub low: Vec<f64>,
    /// NPV(driver x 1.2) - NPV(base), per option.
    pub high: Vec<f64>,
    /// The largest |high - low| over the options; the tornado's sort key.
    pub swing: f64,
}

/// The sensitivity factors: -20% and +20%.
pub const SENSITIVITY_LOW: f64 = 0.8;
pub const SENSITIVITY_HIGH: f64 = 1.2;

/// The workload series and every option's cost lines, hybrids resolved.
fn costs(s: &Scenario) -> (WorkloadSeries, Vec<OptionCosts>) {
    let w = workload(s);
    let h = s.horizon_months as usize;

    let mut costs: Vec<Option<OptionCosts>> = s
        .options
        .iter()
        .map(|o| match &o.kind {
            OptionKind::CloudOnDemand(c) => Some(on_demand(c, &w, h)),
            OptionKind::CloudReserved(r) => Some(reserved(r, &w, h)),
            OptionKind::OnPrem(p) => Some(on_prem(p, &w, h)),
            OptionKind::Hybrid(_) => None,
        })
        .collect();
    for (i, o) in s.options.iter().enumerate() {
        if let OptionKind::Hybrid(hy) = &o.kind {
            let parts: Vec<(f64, &OptionCosts)> = hy
                .parts
                .iter()
                .filter_map(|p| {
                    let j = s.options.iter().position(|q| q.name == p.option)?;
                    costs[j].as_ref().map(|c| (p.share, c))
                })
                .collect();
            costs[i] = Some(hybrid(&parts, h));
        }
    }

    (
        w,
        costs.into_iter().map(Option::unwrap_or_default).collect(),
    )
}

/// The NPV of each option and nothing else: the sensitivity's re-runs. Sums in the same order
/// as [`finish`], so a driver without effect moves an NPV by exactly 0.
fn npvs(s: &Scenario) -> Vec<f64> {
    let (w, costs) = costs(s);
    costs
        .iter()
        .map(|c| npv(&monthly_totals(c, w.discount.len()), &w.discount))
        .collect()
}

fn monthly_totals(c: &OptionCosts, h: usize) -> Vec<f64> {
    (0..h)
        .map(|k| c.lines.iter().map(|(_, v)| v[k]).sum())
        .collect()
}

fn npv(monthly: &[f64], discount: &[f64]) -> f64 {
    monthly.iter().zip(discount).map(|(v, df)| v * df).sum()
}

/// Computes every figure but the sensitivity, without validating (callers validate first).
fn evaluate(s: &Scenario) -> TcoResult {
    let (w, costs) = costs(s);
    let h = s.horizon_months as usize;
    let options: Vec<OptionResult> = s
        .options
        .iter()
        .zip(costs)
        .map(|(o, c)| finish(o, c, &w, h))
        .collect();

    let mut cheapest = 0;
    for (i, o) in options.iter().enumerate() {
        if o.npv < options[cheapest].npv {
            cheapest = i;
        }
    }
    let mut pairs = Vec::new();
    for a in 0..options.len() {
        for b in a + 1..options.len() {
            let (month, winner) = break_even(&options[a].cumulative, &options[b].cumulative);
            pairs.push(BreakEven {
                a: a as u32,
                b: b as u32,
                month,
                cheaper: winner.map(|first| if first { a as u32 } else { b as u32 }),
            });
        }
    }
    TcoResult {
        scenario: s.name.clone(),
        currency: s.currency.clone(),
        horizon_months: s.horizon_months,
        monthly_rate: monthly_rate(s.discount_rate),
        workload: w,
        options,
        cheapest: cheapest as u32,
        break_even: pairs,
        sensitivity: Vec::new(),
    }
}

/// Break-even of two cumulative series: `(month, winner)` where winner is `Some(true)` when the
/// first series ends strictly below, `Some(false)` when the second does, `None` on a tie (then no
/// month). The month is the first (1-based) from which the winner stays strictly below to the
/// end, or none when that is month 1.
pub fn break_even(a: &[f64], b: &[f64]) -> (Option<u32>, Option<bool>) {
    let (Some(&last_a), Some(&last_b)) = (a.last(), b.last()) else {
        return (None, None);
    };
    let first_wins = if last_a < last_b {
        true
    } else if last_b < last_a {
        false
    } else {
        return (None, None);
    };
    let below = |k: usize| if first_wins { a[k] < b[k] } else { b[k] < a[k] };
    let mut start = a.len().min(b.len());
    while start > 0 && below(start - 1) {
        start -= 1;
    }
    let month = if start == 0 {
        None
    } else {
        Some(start as u32 + 1)
    };
    (month, Some(first_wins))
}

fn grow(rate: f64, m: usize) -> f64 {
    (1.0 + rate).powf((m as f64 - 1.0) / 12.0)
}

fn workload(s: &Scenario) -> WorkloadSeries {
    let h = s.horizon_months as usize;
    let w = &s.workload;
    let i = monthly_rate(s.discount_rate);
    let mut out = WorkloadSeries {
        demand: Vec::with_capacity(h),
        inferences: Vec::with_capacity(h),
        models: Vec::with_capacity(h),
        storage_gb: Vec::with_capacity(h),
        egress_gb: Vec::with_capacity(h),
        gpu_hours: Vec::with_capacity(h),
        cpu_hours: Vec::with_capacity(h),
        lever: Vec::with_capacity(h),
        discount: Vec::with_capacity(h),
        total_inferences: 0.0,
    };
    for m in 1..=h {
        let d = grow(w.inference_growth_per_year, m);
        let models = w.models * grow(w.model_growth_per_year, m);
        out.demand.push(d);
        out.inferences.push(w.inferences_per_month * d);
        out.models.push(models);
        out.storage_gb
            .push(w.storage_gb * grow(w.storage_growth_per_year, m));
        out.egress_gb.push(w.egress_gb_per_month * d);
        out.gpu_hours
            .push(models * w.retrains_per_year / 12.0 * w.gpu_hours_per_retrain);
        out.cpu_hours
            .push(models * w.retrains_per_year / 12.0 * w.cpu_hours_per_retrain);
        out.lever.push(lever_factor(s.lever.as_ref(), m));
        out.discount.push(1.0 / (1.0 + i).powf(m as f64));
    }
    out.total_inferences = out.inferences.iter().sum();
    out
}

fn lever_factor(lever: Option<&Lever>, m: usize) -> f64 {
    match lever {
        Some(l) if m >= l.from_month as usize => 1.0 - l.reduction,
        _ => 1.0,
    }
}

/// The charge for `gb` in one month under banded prices.
pub fn egress_cost(gb: f64, tiers: &[EgressTier]) -> f64 {
    let mut cost = 0.0;
    let mut lower = 0.0;
    for t in tiers {
        let band = match t.up_to_gb {
            Some(up) => (gb.min(up) - lower).max(0.0),
            None => (gb - lower).max(0.0),
        };
        cost += band * t.price_per_gb;
        lower = t.up_to_gb.unwrap_or(f64::INFINITY);
    }
    cost
}

/// The cost lines of one option before totals.
#[derive(Default)]
struct OptionCosts {
    lines: Vec<(Driver, Vec<f64>)>,
    capacity: Vec<f64>,
    depreciation: Vec<f64>,
}

/// Instance-hours per month of the auto-scaling profile in month 1.
fn profile_hours(c: &CloudOnDemand) -> f64 {
    HOURS_PER_MONTH * (c.base_instances * (1.0 - c.peak_share) + c.peak_instances * c.peak_share)
}

fn shared_lines(c: &SharedCosts, w: &WorkloadSeries, lines: &mut Vec<(Driver, Vec<f64>)>) {
    let retraining = w
        .gpu_hours
        .iter()
        .zip(&w.cpu_hours)
        .map(|(g, c_)| g * c.gpu_rate_per_hour + c_ * c.cpu_rate_per_hour);
    lines.push((Driver::Retraining, retraining.collect()));
    lines.push((
        Driver::Storage,
        w.storage_gb
            .iter()
            .map(|gb| gb * c.storage_per_gb_month)
            .collect(),
    ));
    lines.push((
        Driver::Egress,
        w.egress_gb
            .iter()
            .map(|gb| egress_cost(*gb, &c.egress_tiers))
            .collect(),
    ));
}

fn staff_line(c: &SharedCosts, h: usize) -> (Driver, Vec<f64>) {
    (
        Driver::Staff,
        vec![c.staff_fte * c.staff_cost_per_year / 12.0; h],
    )
}

fn cloud_tail(
    c: &CloudOnDemand,
    w: &WorkloadSeries,
    h: usize,
    lines: &mut Vec<(Driver, Vec<f64>)>,
) {
    shared_lines(&c.shared, w, lines);
    let managed = w
        .models
        .iter()
        .map(|n| c.managed_fees_per_month + c.managed_fees_per_model_month * n)
        .collect();
    lines.push((Driver::ManagedServices, managed));
    lines.push(staff_line(&c.shared, h));
}

fn on_demand(c: &CloudOnDemand, w: &WorkloadSeries, h: usize) -> OptionCosts {
    let hours = profile_hours(c);
    let inference = (0..h)
        .map(|k| hours * w.demand[k] * w.lever[k] * c.instance_rate_per_hour)
        .collect();
    let mut lines = vec![(Driver::Inference, inference)];
    cloud_tail(c, w, h, &mut lines);
    OptionCosts {
        lines,
        ..Default::default()
    }
}

fn reserved(r: &CloudReserved, w: &WorkloadSeries, h: usize) -> OptionCosts {
    let c = &r.on_demand;
    let hours = profile_hours(c);
    let term = 12 * r.term_years.max(1) as usize;
    let mut capacity = Vec::with_capacity(h);
    let mut inference = Vec::with_capacity(h);
    let mut upfront = Vec::with_capacity(h);
    let mut fees = Vec::with_capacity(h);
    for k in 0..h {
        let start = k / term * term; // 0-based index of the term's first month
        let reserved = r.coverage * c.base_instances * w.demand[start] * w.lever[start];
        let need = hours * w.demand[k] * w.lever[k];
        capacity.push(reserved);
        inference.push((need - reserved * HOURS_PER_MONTH).max(0.0) * c.instance_rate_per_hour);
        upfront.push(if k == start {
            reserved * r.upfront_per_instance
        } else {
            0.0
        });
        fees.push(reserved * r.monthly_per_instance);
    }
    let mut lines = vec![
        (Driver::Inference, inference),
        (Driver::ReservedUpfront, upfront),
        (Driver::ReservedFees, fees),
    ];
    cloud_tail(c, w, h, &mut lines);
    OptionCosts {
        lines,
        capacity,
        depreciation: Vec::new(),
    }
}

fn on_prem(p: &OnPrem, w: &WorkloadSeries, h: usize) -> OptionCosts {
    let cycle = 12 * p.refresh_years.max(1) as usize;
    let need: Vec<f64> = (0..h)
        .map(|k| p.servers * w.demand[k] * w.lever[k])
        .collect();
    let peak = cycle_peaks(&need, cycle);
    let mut fleet = Vec::with_capacity(h);
    let mut hardware = Vec::with_capacity(h);
    let mut depreciation = Vec::with_capacity(h);
    let mut power = Vec::with_capacity(h);
    let mut space = Vec::with_capacity(h);
    let mut support = Vec::with_capacity(h);
    for k in 0..h {
        let start = k / cycle * cycle;
        let servers = peak[start];
        fleet.push(servers);
        hardware.push(if k == start {
            servers * p.server_price
        } else {
            0.0
        });
        depreciation.push(servers * p.server_price / cycle as f64);
        power.push(servers * p.server_kw * p.pue * HOURS_PER_MONTH * p.price_per_kwh);
        space.push(servers / p.servers_per_rack * p.rack_per_month);
        support.push(servers * p.server_price * p.support_rate_per_year / 12.0);
    }
    let mut lines = vec![
        (Driver::Hardware, hardware),
        (Driver::Power, power),
        (Driver::Space, space),
        (Driver::Support, support),
    ];
    shared_lines(&p.shared, w, &mut lines);
    lines.push(staff_line(&p.shared, h));
    OptionCosts {
        lines,
        capacity: fleet,
        depreciation,
    }
}

/// For each month, the largest of `need` from that month to the end of its cycle of `cycle`
/// months (or to the horizon): at a cycle's first month, what the fleet bought then must cover.
pub fn cycle_peaks(need: &[f64], cycle: usize) -> Vec<f64> {
    let h = need.len();
    let mut peak = vec![0.0; h];
    for k in (0..h).rev() {
        let last_of_cycle = (k + 1) % cycle.max(1) == 0 || k + 1 == h;
        peak[k] = if last_of_cycle {
            need[k]
        } else {
            need[k].max(peak[k + 1])
        };
    }
    peak
}

fn hybrid(parts: &[(f64, &OptionCosts)], h: usize) -> OptionCosts {
    let mut lines = Vec::new();
    for driver in Driver::ALL {
        let mut line = vec![0.0; h];
        let mut present = false;
        for (share, costs) in parts {
            if let Some((_, values)) = costs.lines.iter().find(|(d, _)| *d == driver) {
                present = true;
                for (acc, v) in line.iter_mut().zip(values) {
                    *acc += share * v;
                }
            }
        }
        if present {
            lines.push((driver, line));
        }
    }
    let mut depreciation = Vec::new();
    if parts.iter().any(|(_, c)| !c.depreciation.is_empty()) {
        depreciation = vec![0.0; h];
        for (share, costs) in parts {
            for (acc, v) in depreciation.iter_mut().zip(&costs.depreciation) {
                *acc += share * v;
            }
        }
    }
    OptionCosts {
        lines,
        capacity: Vec::new(),
        depreciation,
    }
}

fn finish(o: &CostOption, c: OptionCosts, w: &WorkloadSeries, h: usize) -> OptionResult {
    let monthly = monthly_totals(&c, h);
    let mut cumulative = Vec::with_capacity(h);
    let mut running = 0.0;
    for v in &monthly {
        running += v;
        cumulative.push(running);
    }
    let total: f64 = monthly.iter().sum();
    let npv = npv(&monthly, &w.discount);
    let yearly = (0..h.div_ceil(12))
        .map(|y| {
            let months = y * 12..((y + 1) * 12).min(h);
            YearCost {
                year: y as u32 + 1,
                months: months.len() as u32,
                by_driver: c
                    .lines
                    .iter()
                    .map(|(_, v)| v[months.clone()].iter().sum())
                    .collect(),
                depreciation: c
                    .depreciation
                    .get(months.clone())
                    .map_or(0.0, |d| d.iter().sum()),
                total: monthly[months].iter().sum(),
            }
        })
        .collect();
    OptionResult {
        name: o.name.clone(),
        kind: o.kind.option_type(),
        lines: c
            .lines
            .into_iter()
            .map(|(driver, monthly)| CostLine {
                driver,
                total: monthly.iter().sum(),
                monthly,
            })
            .collect(),
        capacity: c.capacity,
        depreciation: c.depreciation,
        monthly,
        cumulative,
        yearly,
        total,
        npv,
        cost_per_1k_inferences: (w.total_inferences > 0.0)
            .then(|| total / w.total_inferences * 1000.0),
    }
}

fn sensitivity(s: &Scenario, base: &TcoResult) -> Vec<SensitivityRow> {
    let deltas = |factor: f64, d: SensitivityDriver| -> Vec<f64> {
        let mut moved = s.clone();
        d.apply(&mut moved, factor);
        npvs(&moved)
            .iter()
            .zip(&base.options)
            .map(|(m, b)| m - b.npv)
            .collect()
    };
    let mut rows: Vec<SensitivityRow> = SensitivityDriver::ALL
        .iter()
        .map(|&d| {
            let low = deltas(SENSITIVITY_LOW, d);
            let high = deltas(SENSITIVITY_HIGH, d);
            let swing = low
                .iter()
                .zip(&high)
                .map(|(l, h)| (h - l).abs())
                .fold(0.0, f64::max);
            SensitivityRow {
                driver: d,
                label: d.label().to_string(),
                low,
                high,
                swing,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.swing.total_cmp(&a.swing));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn egress_bands_charge_each_slice_at_its_price() {
        let tiers = [
            EgressTier {
                up_to_gb: Some(100.0),
                price_per_gb: 0.1,
            },
            EgressTier {
                up_to_gb: Some(1000.0),
                price_per_gb: 0.05,
            },
            EgressTier {
                up_to_gb: None,
                price_per_gb: 0.01,
            },
        ];
        // 100 x 0.1 + 900 x 0.05 + 500 x 0.01
        assert_eq!(
            egress_cost(1500.0, &tiers),
            10.0 + 45.0 + 5.0,
            "each band priced separately"
        );
        assert_eq!(egress_cost(50.0, &tiers), 5.0, "only the first band used");
        assert_eq!(egress_cost(0.0, &tiers), 0.0, "nothing sent, nothing paid");
    }

    #[test]
    fn without_sensitivity_the_costs_are_those_of_the_full_run() {
        let s = crate::from_toml(include_str!("../../../tests/fixtures/tco/llm-service.toml"))
            .expect("the fixture reads");
        let full = run(&s).expect("runs");
        let mut quick = run_without_sensitivity(&s).expect("runs");
        assert!(quick.sensitivity.is_empty(), "no sensitivity is computed");
        quick.sensitivity = full.sensitivity.clone();
        assert_eq!(quick, full, "every other figure is the same");
    }

    #[test]
    fn break_even_takes_the_last_crossing() {
        // a cheaper at first, b cheaper months 2-3, a cheaper again from month 4.
        let a = [1.0, 5.0, 9.0, 10.0, 11.0];
        let b = [2.0, 4.0, 8.0, 12.0, 16.0];
        assert_eq!(
            break_even(&a, &b),
            (Some(4), Some(true)),
            "the final crossing counts"
        );
        assert_eq!(break_even(&a, &a), (None, None), "a tie has no winner");
        assert_eq!(
            break_even(&[1.0, 2.0], &[3.0, 4.0]),
            (None, Some(true)),
            "below throughout: no month"
        );
    }
}
