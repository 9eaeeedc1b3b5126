//! The live TCO workbook: every driver in a named cell (Inputs), every monthly cost a formula over
//! those names and the month number (Monthly, Yearly), totals, NPV and break-even as formulas
//! (Summary), the sensitivity as static values with tornado charts (Sensitivity). Each formula
//! carries the engine's figure as its cached result, so viewers that do not recalculate show the
//! same numbers; Excel or LibreOffice recompute everything when an input changes. Renders bytes
//! only: no file system.
//!
//! The formulas are the engine's, term for term (see `engine` and docs/tco.md); a test recomputes
//! the workbook in LibreOffice and compares every formula cell with the engine.

use rust_xlsxwriter::{
    column_number_to_name, Chart, ChartAxisLabelPosition, ChartType, DocProperties, Format,
    Formula, Workbook, Worksheet, XlsxError,
};

use steward_domain::error::{Error, Result};
use steward_tco::engine::{cycle_peaks, Driver, TcoResult};
use steward_tco::model::*;

/// Renders the workbook of `scenario`, caching `result` (which must be `run(scenario)`) in the
/// formula cells.
pub fn to_xlsx(scenario: &Scenario, result: &TcoResult) -> Result<Vec<u8>> {
    check_matches(scenario, result)?;
    render(scenario, result).map_err(|e| Error::Io {
        path: "TCO workbook".into(),
        message: e.to_string(),
    })
}

fn check_matches(s: &Scenario, r: &TcoResult) -> Result<()> {
    let same = s.horizon_months == r.horizon_months
        && s.options.len() == r.options.len()
        && s.options
            .iter()
            .zip(&r.options)
            .all(|(o, res)| o.name == res.name && o.kind.option_type() == res.kind)
        && r.options
            .iter()
            .all(|o| o.monthly.len() == s.horizon_months as usize);
    if same {
        Ok(())
    } else {
        Err(Error::Conflict(format!(
            "the results given are not those of scenario {:?}: run the scenario again before exporting",
            s.name
        )))
    }
}

const MONTHLY: &str = "Monthly";
// Columns of the Monthly sheet shared by every option.
const C_MONTH: u16 = 0;
const C_YEAR: u16 = 1;
const C_DEMAND: u16 = 2;
const C_INFERENCES: u16 = 3;
const C_MODELS: u16 = 4;
const C_STORAGE: u16 = 5;
const C_EGRESS: u16 = 6;
const C_GPU: u16 = 7;
const C_CPU: u16 = 8;
const C_LEVER: u16 = 9;
const C_DISCOUNT: u16 = 10;
const C_FIRST_OPTION: u16 = 11;

fn col(c: u16) -> String {
    column_number_to_name(c)
}

/// The cached-result text of a number.
fn cached(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "0".to_string()
    }
}

struct Formats {
    bold: Format,
    money: Format,
    factor: Format,
    count: Format,
    percent: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            bold: Format::new().set_bold(),
            money: Format::new().set_num_format("#,##0.00"),
            factor: Format::new().set_num_format("0.000000"),
            count: Format::new().set_num_format("#,##0.00"),
            percent: Format::new().set_num_format("0.00%"),
        }
    }
}

/// Where each option's columns are on the Monthly sheet.
struct OptionCols {
    /// On premises: the largest need from this month to the end of its refresh cycle.
    peak: Option<u16>,
    capacity: Option<u16>,
    lines: Vec<(Driver, u16)>,
    total: u16,
    cumulative: u16,
    depreciation: Option<u16>,
}

fn layout(r: &TcoResult) -> (Vec<OptionCols>, u16) {
    let mut next = C_FIRST_OPTION;
    let mut take = || {
        next += 1;
        next - 1
    };
    let cols = r
        .options
        .iter()
        .map(|o| {
            let peak = (o.kind == OptionType::OnPrem).then(&mut take);
            let capacity = (!o.capacity.is_empty()).then(&mut take);
            let lines = o.lines.iter().map(|l| (l.driver, take())).collect();
            let total = take();
            let cumulative = take();
            let depreciation = (!o.depreciation.is_empty()).then(&mut take);
            OptionCols {
                peak,
                capacity,
                lines,
                total,
                cumulative,
                depreciation,
            }
        })
        .collect();
    (cols, next)
}

fn render(s: &Scenario, r: &TcoResult) -> std::result::Result<Vec<u8>, XlsxError> {
    let fm = Formats::new();
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("TCO comparison: {}", s.name))
            .set_subject("Total cost of ownership, live formulas")
            .set_author("Steward"),
    );
    let h = s.horizon_months;
    let (cols, first_flag) = layout(r);

    let mut inputs = Inputs::new(&fm)?;
    inputs.write(s, r)?;
    let monthly = monthly_sheet(s, r, &cols, first_flag, &fm)?;
    let yearly = yearly_sheet(r, &cols, h, &fm)?;
    let summary = summary_sheet(s, r, &cols, first_flag, &fm)?;
    let sensitivity = sensitivity_sheet(r, &fm)?;

    for (name, row) in &inputs.names {
        book.define_name(name.as_str(), &format!("=Inputs!$B${}", row + 1))?;
    }
    book.push_worksheet(summary);
    book.push_worksheet(inputs.ws);
    book.push_worksheet(monthly);
    book.push_worksheet(yearly);
    book.push_worksheet(sensitivity);
    book.save_to_buffer()
}

/// The Inputs sheet: label, value, unit, defined name, note.
struct Inputs<'f> {
    ws: Worksheet,
    row: u32,
    names: Vec<(String, u32)>,
    fm: &'f Formats,
}

impl<'f> Inputs<'f> {
    fn new(fm: &'f Formats) -> std::result::Result<Self, XlsxError> {
        let mut ws = Worksheet::new();
        ws.set_name("Inputs")?;
        for (c, (h, w)) in [
            ("Input", 42.0),
            ("Value", 16.0),
            ("Unit", 26.0),
            ("Name", 30.0),
            ("Note", 60.0),
        ]
        .iter()
        .enumerate()
        {
            ws.write_string_with_format(0, c as u16, *h, &fm.bold)?;
            ws.set_column_width(c as u16, *w)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(Inputs {
            ws,
            row: 2,
            names: Vec::new(),
            fm,
        })
    }

    fn section(&mut self, title: &str) -> std::result::Result<(), XlsxError> {
        self.row += 1;
        self.ws
            .write_string_with_format(self.row, 0, title, &self.fm.bold)?;
        self.row += 1;
        Ok(())
    }

    fn value(
        &mut self,
        name: &str,
        label: &str,
        v: f64,
        unit: &str,
    ) -> std::result::Result<(), XlsxError> {
        self.ws.write_string(self.row, 0, label)?;
        self.ws.write_number(self.row, 1, v)?;
        self.ws.write_string(self.row, 2, unit)?;
        self.ws.write_string(self.row, 3, name)?;
        self.names.push((name.to_string(), self.row));
        self.row += 1;
        Ok(())
    }

    fn note(&mut self, text: &str) -> std::result::Result<(), XlsxError> {
        self.ws.write_string(self.row - 1, 4, text)?;
        Ok(())
    }

    fn write(&mut self, s: &Scenario, r: &TcoResult) -> std::result::Result<(), XlsxError> {
        self.ws
            .write_string_with_format(1, 0, format!("Scenario: {}", s.name), &self.fm.bold)?;
        self.ws.write_string(
            1,
            4,
            "Change any value in column B: every formula in the workbook recomputes. Rates and shares are fractions.",
        )?;
        let cur = s.currency.as_str();
        self.section("Scenario")?;
        self.value(
            "horizon_months",
            "Horizon",
            s.horizon_months as f64,
            "months",
        )?;
        self.note("Fixed by the export: the Monthly sheet has one row per month.")?;
        self.value(
            "discount_rate",
            "Discount rate",
            s.discount_rate,
            "per year",
        )?;
        self.ws.write_string(self.row, 0, "Monthly discount rate")?;
        self.ws.write_formula_with_format(
            self.row,
            1,
            Formula::new("=(1+discount_rate)^(1/12)-1").set_result(cached(r.monthly_rate)),
            &self.fm.factor,
        )?;
        self.ws.write_string(self.row, 2, "per month")?;
        self.ws.write_string(self.row, 3, "monthly_rate")?;
        self.ws.write_string(
            self.row,
            4,
            "(1 + discount rate)^(1/12) - 1; NPV discounts month m by (1 + i)^m.",
        )?;
        self.names.push(("monthly_rate".into(), self.row));
        self.row += 1;
        self.value(
            "hours_per_month",
            "Hours per month",
            HOURS_PER_MONTH,
            "hours",
        )?;
        self.note("8,760 hours a year / 12.")?;

        let w = &s.workload;
        self.section("Workload (month 1; growth per year, compounded monthly)")?;
        self.value("models", "Models in service", w.models, "models")?;
        self.value(
            "model_growth",
            "Model count growth",
            w.model_growth_per_year,
            "per year",
        )?;
        self.value(
            "inferences",
            "Inference requests",
            w.inferences_per_month,
            "per month",
        )?;
        self.value(
            "inference_growth",
            "Inference growth",
            w.inference_growth_per_year,
            "per year",
        )?;
        self.note("Also scales serving capacity and egress.")?;
        self.value(
            "retrains_per_year",
            "Retrainings per model",
            w.retrains_per_year,
            "per year",
        )?;
        self.value(
            "gpu_hours_per_retrain",
            "GPU-hours per retraining",
            w.gpu_hours_per_retrain,
            "hours",
        )?;
        self.value(
            "cpu_hours_per_retrain",
            "CPU-hours per retraining",
            w.cpu_hours_per_retrain,
            "hours",
        )?;
        self.value("storage_gb", "Storage", w.storage_gb, "GB")?;
        self.value(
            "storage_growth",
            "Storage growth",
            w.storage_growth_per_year,
            "per year",
        )?;
        self.value("egress_gb", "Egress", w.egress_gb_per_month, "GB per month")?;

        self.section("Quantisation / pruning lever")?;
        let (reduction, from) = s
            .lever
            .as_ref()
            .map_or((0.0, 1), |l| (l.reduction, l.from_month));
        self.value(
            "lever_reduction",
            "Inference compute reduction",
            reduction,
            "share",
        )?;
        self.value("lever_from_month", "From month", from as f64, "month")?;

        for (i, o) in s.options.iter().enumerate() {
            let p = format!("o{}_", i + 1);
            self.section(&format!(
                "Option {}: {} ({})",
                i + 1,
                o.name,
                o.kind.option_type().label()
            ))?;
            match &o.kind {
                OptionKind::CloudOnDemand(c) => self.on_demand(&p, c, cur)?,
                OptionKind::CloudReserved(rv) => {
                    self.value(
                        &format!("{p}term_years"),
                        "Reservation term",
                        rv.term_years as f64,
                        "years",
                    )?;
                    self.value(
                        &format!("{p}coverage"),
                        "Coverage of base instances",
                        rv.coverage,
                        "share",
                    )?;
                    self.value(
                        &format!("{p}upfront"),
                        "Upfront per instance",
                        rv.upfront_per_instance,
                        cur,
                    )?;
                    self.note("Paid at each term start within the horizon.")?;
                    self.value(
                        &format!("{p}monthly_fee"),
                        "Monthly per reserved instance",
                        rv.monthly_per_instance,
                        cur,
                    )?;
                    self.on_demand(&p, &rv.on_demand, cur)?;
                }
                OptionKind::OnPrem(op) => {
                    self.value(
                        &format!("{p}servers"),
                        "Servers for month-1 workload",
                        op.servers,
                        "servers",
                    )?;
                    self.note("Month 1 and each refresh buy the fleet for the cycle's largest need (demand x lever).")?;
                    self.value(
                        &format!("{p}server_price"),
                        "Price per server",
                        op.server_price,
                        cur,
                    )?;
                    self.value(
                        &format!("{p}refresh_years"),
                        "Refresh cycle",
                        op.refresh_years as f64,
                        "years",
                    )?;
                    self.value(
                        &format!("{p}server_kw"),
                        "Power per server",
                        op.server_kw,
                        "kW",
                    )?;
                    self.value(&format!("{p}pue"), "PUE", op.pue, "ratio")?;
                    self.value(
                        &format!("{p}kwh_price"),
                        "Electricity",
                        op.price_per_kwh,
                        &format!("{cur} per kWh"),
                    )?;
                    self.value(
                        &format!("{p}servers_per_rack"),
                        "Servers per rack",
                        op.servers_per_rack,
                        "servers",
                    )?;
                    self.value(
                        &format!("{p}rack_month"),
                        "Rack space",
                        op.rack_per_month,
                        &format!("{cur} per rack-month"),
                    )?;
                    self.value(
                        &format!("{p}support_rate"),
                        "Support contract",
                        op.support_rate_per_year,
                        "share of hardware price per year",
                    )?;
                    self.shared(&p, &op.shared, cur)?;
                }
                OptionKind::Hybrid(hy) => {
                    for (k, part) in hy.parts.iter().enumerate() {
                        self.value(
                            &format!("{p}share{}", k + 1),
                            &format!("Share of {}", part.option),
                            part.share,
                            "share",
                        )?;
                    }
                    self.note("Shares should add up to 1.")?;
                }
            }
        }
        Ok(())
    }

    fn on_demand(
        &mut self,
        p: &str,
        c: &CloudOnDemand,
        cur: &str,
    ) -> std::result::Result<(), XlsxError> {
        self.value(
            &format!("{p}instance_rate"),
            "Serving instance rate",
            c.instance_rate_per_hour,
            &format!("{cur} per hour"),
        )?;
        self.value(
            &format!("{p}base_instances"),
            "Base instances (month 1)",
            c.base_instances,
            "instances",
        )?;
        self.value(
            &format!("{p}peak_instances"),
            "Peak instances (month 1)",
            c.peak_instances,
            "instances",
        )?;
        self.value(
            &format!("{p}peak_share"),
            "Share of hours at peak",
            c.peak_share,
            "share",
        )?;
        self.value(
            &format!("{p}managed_fixed"),
            "Managed-service fees",
            c.managed_fees_per_month,
            &format!("{cur} per month"),
        )?;
        self.value(
            &format!("{p}managed_per_model"),
            "Managed-service fees per model",
            c.managed_fees_per_model_month,
            &format!("{cur} per model-month"),
        )?;
        self.shared(p, &c.shared, cur)
    }

    fn shared(
        &mut self,
        p: &str,
        c: &SharedCosts,
        cur: &str,
    ) -> std::result::Result<(), XlsxError> {
        self.value(
            &format!("{p}gpu_rate"),
            "Retraining GPU rate",
            c.gpu_rate_per_hour,
            &format!("{cur} per GPU-hour"),
        )?;
        self.value(
            &format!("{p}cpu_rate"),
            "Retraining CPU rate",
            c.cpu_rate_per_hour,
            &format!("{cur} per CPU-hour"),
        )?;
        self.value(
            &format!("{p}storage_price"),
            "Storage price",
            c.storage_per_gb_month,
            &format!("{cur} per GB-month"),
        )?;
        self.value(
            &format!("{p}staff_fte"),
            "Operations staff",
            c.staff_fte,
            "FTE",
        )?;
        self.value(
            &format!("{p}staff_cost"),
            "Loaded cost per FTE",
            c.staff_cost_per_year,
            &format!("{cur} per year"),
        )?;
        for (k, t) in c.egress_tiers.iter().enumerate() {
            let n = k + 1;
            if let Some(up) = t.up_to_gb {
                self.value(
                    &format!("{p}egress{n}_up"),
                    &format!("Egress band {n} up to"),
                    up,
                    "GB per month",
                )?;
            }
            self.value(
                &format!("{p}egress{n}_price"),
                &format!("Egress band {n} price"),
                t.price_per_gb,
                &format!("{cur} per GB"),
            )?;
            if t.up_to_gb.is_none() {
                self.note("Last band: every GB above the previous band.")?;
            }
        }
        Ok(())
    }
}

/// The formula of one cost column of option `i` (0-based) in Excel row `x`.
fn line_formula(
    s: &Scenario,
    cols: &[OptionCols],
    i: usize,
    driver: Driver,
    x: u32,
) -> Option<String> {
    let p = format!("o{}_", i + 1);
    let o = &s.options[i];
    let at = |c: u16| format!("${}{x}", col(c));
    let cap = || cols[i].capacity.map(|c| format!("{}{x}", col(c)));
    let profile = format!(
        "hours_per_month*({p}base_instances*(1-{p}peak_share)+{p}peak_instances*{p}peak_share)"
    );
    let f = match (&o.kind, driver) {
        (OptionKind::Hybrid(hy), d) => {
            let terms: Vec<String> = hy
                .parts
                .iter()
                .enumerate()
                .filter_map(|(k, part)| {
                    let j = s.options.iter().position(|q| q.name == part.option)?;
                    let (_, c) = cols[j].lines.iter().find(|(dd, _)| *dd == d)?;
                    Some(format!("{p}share{}*{}{x}", k + 1, col(*c)))
                })
                .collect();
            if terms.is_empty() {
                return None;
            }
            terms.join("+")
        }
        (OptionKind::CloudOnDemand(_), Driver::Inference) => {
            format!(
                "{profile}*{}*{}*{p}instance_rate",
                at(C_DEMAND),
                at(C_LEVER)
            )
        }
        (OptionKind::CloudReserved(_), Driver::Inference) => format!(
            "MAX(0,{profile}*{}*{}-{}*hours_per_month)*{p}instance_rate",
            at(C_DEMAND),
            at(C_LEVER),
            cap()?
        ),
        (OptionKind::CloudReserved(_), Driver::ReservedUpfront) => {
            format!(
                "IF(MOD({}-1,12*{p}term_years)=0,{}*{p}upfront,0)",
                at(C_MONTH),
                cap()?
            )
        }
        (OptionKind::CloudReserved(_), Driver::ReservedFees) => {
            format!("{}*{p}monthly_fee", cap()?)
        }
        (OptionKind::OnPrem(_), Driver::Hardware) => {
            format!(
                "IF(MOD({}-1,12*{p}refresh_years)=0,{}*{p}server_price,0)",
                at(C_MONTH),
                cap()?
            )
        }
        (OptionKind::OnPrem(_), Driver::Power) => {
            format!(
                "{}*{p}server_kw*{p}pue*hours_per_month*{p}kwh_price",
                cap()?
            )
        }
        (OptionKind::OnPrem(_), Driver::Space) => {
            format!("{}/{p}servers_per_rack*{p}rack_month", cap()?)
        }
        (OptionKind::OnPrem(_), Driver::Support) => {
            format!("{}*{p}server_price*{p}support_rate/12", cap()?)
        }
        (_, Driver::Retraining) => format!("{}*{p}gpu_rate+{}*{p}cpu_rate", at(C_GPU), at(C_CPU)),
        (_, Driver::Storage) => format!("{}*{p}storage_price", at(C_STORAGE)),
        (_, Driver::Egress) => {
            let tiers = match &o.kind {
                OptionKind::CloudOnDemand(c) => &c.shared.egress_tiers,
                OptionKind::CloudReserved(rv) => &rv.on_demand.shared.egress_tiers,
                OptionKind::OnPrem(op) => &op.shared.egress_tiers,
                OptionKind::Hybrid(_) => return None,
            };
            egress_formula(&p, tiers, &at(C_EGRESS))
        }
        (OptionKind::CloudOnDemand(_) | OptionKind::CloudReserved(_), Driver::ManagedServices) => {
            format!("{p}managed_fixed+{p}managed_per_model*{}", at(C_MODELS))
        }
        (_, Driver::Staff) => format!("{p}staff_fte*{p}staff_cost/12"),
        _ => return None,
    };
    Some(format!("={f}"))
}

/// Banded egress: for band k, `MAX(0, MIN(gb, up_k) - up_{k-1}) * price_k`; the last band has no
/// upper bound.
fn egress_formula(p: &str, tiers: &[EgressTier], gb: &str) -> String {
    if tiers.is_empty() {
        return "0".to_string();
    }
    let mut terms = Vec::new();
    let mut lower = "0".to_string();
    for (k, t) in tiers.iter().enumerate() {
        let n = k + 1;
        let upper = match t.up_to_gb {
            Some(_) => format!("MIN({gb},{p}egress{n}_up)"),
            None => gb.to_string(),
        };
        terms.push(format!("MAX(0,{upper}-{lower})*{p}egress{n}_price"));
        lower = format!("{p}egress{n}_up");
    }
    terms.join("+")
}

/// Capacity. Reserved instances: sized at each term start to that month's demand and lever.
/// Servers: the cycle peak (helper column `peak`) read at the cycle's first month.
fn capacity_formula(
    o: &CostOption,
    oc: &OptionCols,
    i: usize,
    x: u32,
    last: u32,
) -> Option<String> {
    let p = format!("o{}_", i + 1);
    match &o.kind {
        OptionKind::CloudReserved(_) => {
            let cycles = format!("INT(($A{x}-1)/(12*{p}term_years))");
            Some(format!(
                "={p}coverage*{p}base_instances*(1+inference_growth)^({cycles}*{p}term_years)\
                 *IF({cycles}*12*{p}term_years+1>=lever_from_month,1-lever_reduction,1)"
            ))
        }
        OptionKind::OnPrem(_) => {
            let peak = col(oc.peak?);
            Some(format!(
                "=INDEX({peak}$2:{peak}${last},INT(($A{x}-1)/(12*{p}refresh_years))*12*{p}refresh_years+1)"
            ))
        }
        _ => None,
    }
}

/// The on-premises need (`servers x demand x lever`) and its peak to the end of the refresh cycle,
/// computed bottom-up: the last month of a cycle (or of the horizon) holds its own need.
fn peak_formula(i: usize, peak_col: u16, x: u32, last: u32) -> String {
    let p = format!("o{}_", i + 1);
    let need = format!("{p}servers*$C{x}*$J{x}");
    if x == last {
        format!("={need}")
    } else {
        format!(
            "=IF(MOD($A{x},12*{p}refresh_years)=0,{need},MAX({need},{}{}))",
            col(peak_col),
            x + 1
        )
    }
}

/// Whether, at month index `k`, the option cheaper at the horizon stays strictly below from here
/// on (the break-even helper column, computed bottom-up).
fn stays_below(a: &[f64], b: &[f64]) -> Vec<f64> {
    let h = a.len();
    let mut out = vec![0.0; h];
    let (Some(&la), Some(&lb)) = (a.last(), b.last()) else {
        return out;
    };
    let mut ok = true;
    for k in (0..h).rev() {
        let below = if la < lb { a[k] < b[k] } else { a[k] > b[k] };
        ok = ok && below;
        out[k] = if ok { 1.0 } else { 0.0 };
    }
    out
}

fn monthly_sheet(
    s: &Scenario,
    r: &TcoResult,
    cols: &[OptionCols],
    first_flag: u16,
    fm: &Formats,
) -> std::result::Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(MONTHLY)?;
    ws.set_freeze_panes(1, 1)?;
    let h = r.horizon_months;
    let last = h + 1; // Excel row of the last month
    let w = &r.workload;
    let headers = [
        "Month",
        "Year",
        "Demand factor",
        "Inferences",
        "Models",
        "Storage GB",
        "Egress GB",
        "Retraining GPU-hours",
        "Retraining CPU-hours",
        "Lever factor",
        "Discount factor",
    ];
    for (c, t) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *t, &fm.bold)?;
        ws.set_column_width(c as u16, 14)?;
    }
    for k in 0..h as usize {
        let row = k as u32 + 1;
        let x = row + 1;
        let mut put = |c: u16, f: String, v: f64, format: &Format| {
            ws.write_formula_with_format(row, c, Formula::new(f).set_result(cached(v)), format)
                .map(|_| ())
        };
        put(
            C_YEAR,
            format!("=INT((A{x}-1)/12)+1"),
            (k / 12 + 1) as f64,
            &fm.count,
        )?;
        put(
            C_DEMAND,
            format!("=(1+inference_growth)^((A{x}-1)/12)"),
            w.demand[k],
            &fm.factor,
        )?;
        put(
            C_INFERENCES,
            format!("=inferences*C{x}"),
            w.inferences[k],
            &fm.count,
        )?;
        put(
            C_MODELS,
            format!("=models*(1+model_growth)^((A{x}-1)/12)"),
            w.models[k],
            &fm.count,
        )?;
        put(
            C_STORAGE,
            format!("=storage_gb*(1+storage_growth)^((A{x}-1)/12)"),
            w.storage_gb[k],
            &fm.count,
        )?;
        put(
            C_EGRESS,
            format!("=egress_gb*C{x}"),
            w.egress_gb[k],
            &fm.count,
        )?;
        put(
            C_GPU,
            format!("=E{x}*retrains_per_year/12*gpu_hours_per_retrain"),
            w.gpu_hours[k],
            &fm.count,
        )?;
        put(
            C_CPU,
            format!("=E{x}*retrains_per_year/12*cpu_hours_per_retrain"),
            w.cpu_hours[k],
            &fm.count,
        )?;
        put(
            C_LEVER,
            format!("=IF(A{x}>=lever_from_month,1-lever_reduction,1)"),
            w.lever[k],
            &fm.factor,
        )?;
        put(
            C_DISCOUNT,
            format!("=1/(1+monthly_rate)^A{x}"),
            w.discount[k],
            &fm.factor,
        )?;
        ws.write_number(row, C_MONTH, (k + 1) as f64)?;
    }

    for (i, (o, oc)) in r.options.iter().zip(cols).enumerate() {
        let name = &o.name;
        if let (Some(c), OptionKind::OnPrem(p)) = (oc.peak, &s.options[i].kind) {
            ws.write_string_with_format(
                0,
                c,
                format!("{name}: largest need to cycle end"),
                &fm.bold,
            )?;
            let need: Vec<f64> = (0..h as usize)
                .map(|k| p.servers * w.demand[k] * w.lever[k])
                .collect();
            let peaks = cycle_peaks(&need, 12 * p.refresh_years.max(1) as usize);
            for (k, v) in peaks.iter().enumerate() {
                let f = peak_formula(i, c, k as u32 + 2, last);
                ws.write_formula_with_format(
                    k as u32 + 1,
                    c,
                    Formula::new(f).set_result(cached(*v)),
                    &fm.count,
                )?;
            }
        }
        if let Some(c) = oc.capacity {
            let label = if o.kind == OptionType::OnPrem {
                "servers"
            } else {
                "reserved instances"
            };
            ws.write_string_with_format(0, c, format!("{name}: {label}"), &fm.bold)?;
            for k in 0..h as usize {
                let f = capacity_formula(&s.options[i], oc, i, k as u32 + 2, last)
                    .ok_or_else(|| mismatch(name))?;
                ws.write_formula_with_format(
                    k as u32 + 1,
                    c,
                    Formula::new(f).set_result(cached(o.capacity[k])),
                    &fm.count,
                )?;
            }
        }
        for (line, (driver, c)) in o.lines.iter().zip(&oc.lines) {
            ws.write_string_with_format(0, *c, format!("{name}: {}", driver.label()), &fm.bold)?;
            for k in 0..h as usize {
                let f = line_formula(s, cols, i, *driver, k as u32 + 2)
                    .ok_or_else(|| mismatch(name))?;
                ws.write_formula_with_format(
                    k as u32 + 1,
                    *c,
                    Formula::new(f).set_result(cached(line.monthly[k])),
                    &fm.money,
                )?;
            }
        }
        ws.write_string_with_format(0, oc.total, format!("{name}: total"), &fm.bold)?;
        ws.write_string_with_format(0, oc.cumulative, format!("{name}: cumulative"), &fm.bold)?;
        let (first, end) = match (oc.lines.first(), oc.lines.last()) {
            (Some((_, a)), Some((_, b))) => (col(*a), col(*b)),
            _ => return Err(mismatch(name)),
        };
        let cum = col(oc.cumulative);
        let tot = col(oc.total);
        for k in 0..h as usize {
            let (row, x) = (k as u32 + 1, k as u32 + 2);
            ws.write_formula_with_format(
                row,
                oc.total,
                Formula::new(format!("=SUM({first}{x}:{end}{x})")).set_result(cached(o.monthly[k])),
                &fm.money,
            )?;
            let f = if k == 0 {
                format!("={tot}{x}")
            } else {
                format!("={cum}{}+{tot}{x}", x - 1)
            };
            ws.write_formula_with_format(
                row,
                oc.cumulative,
                Formula::new(f).set_result(cached(o.cumulative[k])),
                &fm.money,
            )?;
        }
        if let Some(c) = oc.depreciation {
            ws.write_string_with_format(
                0,
                c,
                format!("{name}: depreciation (not in total)"),
                &fm.bold,
            )?;
            for k in 0..h as usize {
                let x = k as u32 + 2;
                let f = match &s.options[i].kind {
                    OptionKind::OnPrem(_) => {
                        let cap = oc.capacity.map(col).ok_or_else(|| mismatch(name))?;
                        format!(
                            "={cap}{x}*o{n}_server_price/(12*o{n}_refresh_years)",
                            n = i + 1
                        )
                    }
                    OptionKind::Hybrid(hy) => {
                        let terms: Vec<String> = hy
                            .parts
                            .iter()
                            .enumerate()
                            .filter_map(|(pk, part)| {
                                let j = s.options.iter().position(|q| q.name == part.option)?;
                                let dc = cols[j].depreciation?;
                                Some(format!("o{}_share{}*{}{x}", i + 1, pk + 1, col(dc)))
                            })
                            .collect();
                        format!("={}", terms.join("+"))
                    }
                    _ => return Err(mismatch(name)),
                };
                ws.write_formula_with_format(
                    k as u32 + 1,
                    c,
                    Formula::new(f).set_result(cached(o.depreciation[k])),
                    &fm.money,
                )?;
            }
        }
    }

    // Break-even helpers: 1 where the option cheaper at the horizon stays below from this month on.
    for (n, be) in r.break_even.iter().enumerate() {
        let c = first_flag + n as u16;
        let (a, b) = (be.a as usize, be.b as usize);
        let (ca, cb) = (col(cols[a].cumulative), col(cols[b].cumulative));
        ws.write_string_with_format(
            0,
            c,
            format!(
                "{} vs {}: cheaper one stays below",
                r.options[a].name, r.options[b].name
            ),
            &fm.bold,
        )?;
        let flags = stays_below(&r.options[a].cumulative, &r.options[b].cumulative);
        let winner_is_a = format!("${ca}${last}<${cb}${last}");
        for (k, flag) in flags.iter().enumerate() {
            let x = k as u32 + 2;
            let below = format!("IF({winner_is_a},{ca}{x}<{cb}{x},{ca}{x}>{cb}{x})");
            let f = if x == last {
                format!("=IF({below},1,0)")
            } else {
                format!("=IF(AND({below},{}{}=1),1,0)", col(c), x + 1)
            };
            ws.write_formula(k as u32 + 1, c, Formula::new(f).set_result(cached(*flag)))?;
        }
        ws.set_column_width(c, 14)?;
    }
    for c in C_FIRST_OPTION..first_flag {
        ws.set_column_width(c, 16)?;
    }
    Ok(ws)
}

fn mismatch(option: &str) -> XlsxError {
    XlsxError::ParameterError(format!(
        "the results of option {option:?} do not match its definition"
    ))
}

fn yearly_sheet(
    r: &TcoResult,
    cols: &[OptionCols],
    h: u32,
    fm: &Formats,
) -> std::result::Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("Yearly")?;
    ws.set_freeze_panes(1, 1)?;
    ws.write_string_with_format(0, 0, "Year", &fm.bold)?;
    let last = h + 1;
    let mut c: u16 = 1;
    let years = r.options.first().map_or(0, |o| o.yearly.len());
    for y in 0..years {
        ws.write_number(y as u32 + 1, 0, (y + 1) as f64)?;
    }
    for (o, oc) in r.options.iter().zip(cols) {
        let mut columns: Vec<(String, u16, Vec<f64>)> = o
            .lines
            .iter()
            .zip(&oc.lines)
            .enumerate()
            .map(|(j, (l, (_, mc)))| {
                (
                    format!("{}: {}", o.name, l.driver.label()),
                    *mc,
                    o.yearly.iter().map(|y| y.by_driver[j]).collect(),
                )
            })
            .collect();
        columns.push((
            format!("{}: total", o.name),
            oc.total,
            o.yearly.iter().map(|y| y.total).collect(),
        ));
        if let Some(dc) = oc.depreciation {
            columns.push((
                format!("{}: depreciation (not in total)", o.name),
                dc,
                o.yearly.iter().map(|y| y.depreciation).collect(),
            ));
        }
        for (header, mc, values) in columns {
            ws.write_string_with_format(0, c, header, &fm.bold)?;
            ws.set_column_width(c, 16)?;
            let m = col(mc);
            for (y, v) in values.iter().enumerate() {
                let x = y as u32 + 2;
                let f =
                    format!("=SUMIF({MONTHLY}!$B$2:$B${last},$A{x},{MONTHLY}!{m}$2:{m}${last})");
                ws.write_formula_with_format(
                    y as u32 + 1,
                    c,
                    Formula::new(f).set_result(cached(*v)),
                    &fm.money,
                )?;
            }
            c += 1;
        }
    }
    Ok(ws)
}

fn summary_sheet(
    s: &Scenario,
    r: &TcoResult,
    cols: &[OptionCols],
    first_flag: u16,
    fm: &Formats,
) -> std::result::Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("Summary")?;
    let h = r.horizon_months;
    let last = h + 1;
    let n = r.options.len() as u32;
    ws.set_column_width(0, 34)?;
    for c in 1..=6 {
        ws.set_column_width(c, 20)?;
    }
    ws.write_string_with_format(0, 0, format!("TCO comparison: {}", s.name), &fm.bold)?;
    ws.write_string(
        1,
        0,
        format!(
            "{} months, prices in {}. Cash view: capex when paid; depreciation shown apart, not in totals or NPV. \
             NPV discounts month m by (1 + i)^m, i = (1 + discount rate)^(1/12) - 1.",
            h, s.currency
        ),
    )?;

    let head = [
        "Option",
        "Type",
        "Total cost",
        "NPV",
        "Cost per 1,000 inferences",
        "Depreciation (accounting)",
    ];
    for (c, t) in head.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *t, &fm.bold)?;
    }
    let first_row = 4u32; // 0-based row of option 1
    let infer_row = first_row + n + 1;
    let infer_ref = format!("$B${}", infer_row + 1);
    for (i, (o, oc)) in r.options.iter().zip(cols).enumerate() {
        let row = first_row + i as u32;
        let x = row + 1;
        let t = col(oc.total);
        ws.write_string(row, 0, &o.name)?;
        ws.write_string(row, 1, s.options[i].kind.option_type().label())?;
        ws.write_formula_with_format(
            row,
            2,
            Formula::new(format!("=SUM({MONTHLY}!{t}2:{t}{last})")).set_result(cached(o.total)),
            &fm.money,
        )?;
        ws.write_formula_with_format(
            row,
            3,
            Formula::new(format!(
                "=SUMPRODUCT({MONTHLY}!{t}2:{t}{last},{MONTHLY}!$K$2:$K${last})"
            ))
            .set_result(cached(o.npv)),
            &fm.money,
        )?;
        let per_1k = o
            .cost_per_1k_inferences
            .map_or_else(|| "n/a".to_string(), cached);
        ws.write_formula_with_format(
            row,
            4,
            Formula::new(format!("=IF({infer_ref}>0,C{x}/{infer_ref}*1000,\"n/a\")"))
                .set_result(per_1k),
            &fm.money,
        )?;
        if let Some(dc) = oc.depreciation {
            let d = col(dc);
            let total: f64 = o.depreciation.iter().sum();
            ws.write_formula_with_format(
                row,
                5,
                Formula::new(format!("=SUM({MONTHLY}!{d}2:{d}{last})")).set_result(cached(total)),
                &fm.money,
            )?;
        }
    }
    let (top, bottom) = (first_row + 1, first_row + n);
    ws.write_string_with_format(infer_row, 0, "Total inferences", &fm.bold)?;
    ws.write_formula_with_format(
        infer_row,
        1,
        Formula::new(format!("=SUM({MONTHLY}!D2:D{last})"))
            .set_result(cached(r.workload.total_inferences)),
        &fm.count,
    )?;
    ws.write_string_with_format(infer_row + 1, 0, "Cheapest option (lowest NPV)", &fm.bold)?;
    let cheapest = r
        .options
        .get(r.cheapest as usize)
        .map_or("", |o| o.name.as_str());
    ws.write_formula(
        infer_row + 1,
        1,
        Formula::new(format!(
            "=INDEX($A${top}:$A${bottom},MATCH(MIN($D${top}:$D${bottom}),$D${top}:$D${bottom},0))"
        ))
        .set_result(cheapest),
    )?;
    ws.write_string_with_format(infer_row + 2, 0, "Discount rate (per year)", &fm.bold)?;
    ws.write_formula_with_format(
        infer_row + 2,
        1,
        Formula::new("=discount_rate").set_result(cached(s.discount_rate)),
        &fm.percent,
    )?;

    let be_head = infer_row + 4;
    for (c, t) in [
        "Option A",
        "Option B",
        "Break-even month",
        "Cheaper at the horizon",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(be_head, c as u16, *t, &fm.bold)?;
    }
    ws.write_string(
        be_head,
        4,
        "Break-even: first month from which the option cheaper at the horizon stays below the other; \
         none if it is below from month 1, or on a tie.",
    )?;
    for (k, be) in r.break_even.iter().enumerate() {
        let row = be_head + 1 + k as u32;
        let (a, b) = (be.a as usize, be.b as usize);
        let (ra, rb) = (first_row + 1 + be.a, first_row + 1 + be.b);
        ws.write_formula(
            row,
            0,
            Formula::new(format!("=$A${ra}")).set_result(r.options[a].name.as_str()),
        )?;
        ws.write_formula(
            row,
            1,
            Formula::new(format!("=$A${rb}")).set_result(r.options[b].name.as_str()),
        )?;
        let flag = col(first_flag + k as u16);
        let range = format!("{MONTHLY}!{flag}2:{flag}{last}");
        let month = be
            .month
            .map_or_else(|| "none".to_string(), |m| m.to_string());
        ws.write_formula(
            row,
            2,
            Formula::new(format!(
                "=IFERROR(IF(MATCH(1,{range},0)>1,MATCH(1,{range},0),\"none\"),\"none\")"
            ))
            .set_result(month),
        )?;
        let (ca, cb) = (col(cols[a].cumulative), col(cols[b].cumulative));
        let cheaper = be
            .cheaper
            .map_or("tie", |c| r.options[c as usize].name.as_str());
        ws.write_formula(
            row,
            3,
            Formula::new(format!(
                "=IF({MONTHLY}!${ca}${last}<{MONTHLY}!${cb}${last},$A${ra},IF({MONTHLY}!${ca}${last}>{MONTHLY}!${cb}${last},$A${rb},\"tie\"))"
            ))
            .set_result(cheaper),
        )?;
    }

    let chart_row = be_head + 2 + r.break_even.len() as u32;
    let mut cumulative = Chart::new(ChartType::Line);
    cumulative.title().set_name("Cumulative cost");
    cumulative.x_axis().set_name("Month");
    cumulative.y_axis().set_name(s.currency.as_str());
    for (o, oc) in r.options.iter().zip(cols) {
        cumulative
            .add_series()
            .set_name(o.name.as_str())
            .set_categories((MONTHLY, 1, C_MONTH, h, C_MONTH))
            .set_values((MONTHLY, 1, oc.cumulative, h, oc.cumulative));
    }
    cumulative.set_width(720).set_height(360);
    ws.insert_chart(chart_row, 0, &cumulative)?;

    let mut yearly = Chart::new(ChartType::Column);
    yearly.title().set_name("Cost per year");
    yearly.x_axis().set_name("Year");
    let years = r.options.first().map_or(0, |o| o.yearly.len()) as u32;
    let mut ycol = 1u16;
    for (o, oc) in r.options.iter().zip(cols) {
        ycol += oc.lines.len() as u16;
        yearly
            .add_series()
            .set_name(o.name.as_str())
            .set_categories(("Yearly", 1, 0, years, 0))
            .set_values(("Yearly", 1, ycol, years, ycol));
        ycol += 1 + u16::from(oc.depreciation.is_some());
    }
    yearly.set_width(720).set_height(360);
    ws.insert_chart(chart_row + 19, 0, &yearly)?;
    Ok(ws)
}

fn sensitivity_sheet(r: &TcoResult, fm: &Formats) -> std::result::Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("Sensitivity")?;
    ws.write_string_with_format(
        0,
        0,
        "NPV change when one driver moves by -20% and +20%",
        &fm.bold,
    )?;
    ws.write_string(
        1,
        0,
        "Static values computed by Steward at export: each row needs two re-runs of the whole model, \
         which formulas cannot do. Export again after changing inputs to refresh this sheet.",
    )?;
    ws.set_column_width(0, 26)?;
    let head = 3u32;
    ws.write_string_with_format(head, 0, "Driver", &fm.bold)?;
    for (i, o) in r.options.iter().enumerate() {
        let c = 1 + 2 * i as u16;
        ws.write_string_with_format(head, c, format!("{}: -20%", o.name), &fm.bold)?;
        ws.write_string_with_format(head, c + 1, format!("{}: +20%", o.name), &fm.bold)?;
        ws.set_column_width(c, 18)?;
        ws.set_column_width(c + 1, 18)?;
    }
    let swing_col = 1 + 2 * r.options.len() as u16;
    ws.write_string_with_format(head, swing_col, "Largest swing", &fm.bold)?;
    ws.set_column_width(swing_col, 16)?;
    for (k, row) in r.sensitivity.iter().enumerate() {
        let x = head + 1 + k as u32;
        ws.write_string(x, 0, &row.label)?;
        for i in 0..r.options.len() {
            let c = 1 + 2 * i as u16;
            ws.write_number_with_format(x, c, row.low[i], &fm.money)?;
            ws.write_number_with_format(x, c + 1, row.high[i], &fm.money)?;
        }
        ws.write_number_with_format(x, swing_col, row.swing, &fm.money)?;
    }
    let rows = r.sensitivity.len() as u32;
    let (first, end) = (head + 1, head + rows);
    for (i, o) in r.options.iter().enumerate() {
        let c = 1 + 2 * i as u16;
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .title()
            .set_name(&format!("Tornado: {} (NPV change)", o.name));
        for (offset, label) in [(0u16, "-20%"), (1, "+20%")] {
            chart
                .add_series()
                .set_name(label)
                .set_categories(("Sensitivity", first, 0, end, 0))
                .set_values(("Sensitivity", first, c + offset, end, c + offset))
                .set_overlap(100)
                .set_gap(40);
        }
        chart
            .y_axis()
            .set_reverse()
            .set_label_position(ChartAxisLabelPosition::Low);
        chart.set_width(560).set_height(380);
        ws.insert_chart(head + rows + 3 + 20 * i as u32, 0, &chart)?;
    }
    Ok(ws)
}
