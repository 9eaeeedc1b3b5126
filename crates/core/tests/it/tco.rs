//! TCO: the cost model against hand-computed figures, the scenario file (errors, round trip),
//! and the live workbook recomputed by LibreOffice against the engine.

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use steward_core::tco::engine::{Driver, SensitivityDriver, TcoResult};
use steward_core::tco::model::*;
use steward_core::tco::{self, from_toml, run, to_toml, to_xlsx};
use steward_core::Error;

const LLM: &str = include_str!("../../../../tests/fixtures/tco/llm-service.toml");
const BATCH: &str = include_str!("../../../../tests/fixtures/tco/batch-scoring.toml");

// ---------------------------------------------------------------------------------------------
// The cost model, case by case.

fn zero_shared() -> SharedCosts {
    SharedCosts {
        gpu_rate_per_hour: 0.0,
        cpu_rate_per_hour: 0.0,
        storage_per_gb_month: 0.0,
        egress_tiers: Vec::new(),
        staff_fte: 0.0,
        staff_cost_per_year: 0.0,
    }
}

fn zero_on_demand() -> CloudOnDemand {
    CloudOnDemand {
        instance_rate_per_hour: 0.0,
        base_instances: 0.0,
        peak_instances: 0.0,
        peak_share: 0.0,
        managed_fees_per_month: 0.0,
        managed_fees_per_model_month: 0.0,
        shared: zero_shared(),
    }
}

fn zero_reserved() -> CloudReserved {
    CloudReserved {
        term_years: 1,
        coverage: 0.0,
        upfront_per_instance: 0.0,
        monthly_per_instance: 0.0,
        on_demand: zero_on_demand(),
    }
}

fn zero_on_prem() -> OnPrem {
    OnPrem {
        servers: 0.0,
        server_price: 0.0,
        refresh_years: 1,
        server_kw: 0.0,
        pue: 1.0,
        price_per_kwh: 0.0,
        servers_per_rack: 1.0,
        rack_per_month: 0.0,
        support_rate_per_year: 0.0,
        shared: zero_shared(),
    }
}

/// 24 months, no discounting, one million inferences a month, no growth, and two cloud options
/// that cost nothing: each case switches on only what it tests.
fn base() -> Scenario {
    let option = |name: &str| CostOption {
        name: name.into(),
        kind: OptionKind::CloudOnDemand(zero_on_demand()),
    };
    Scenario {
        name: "case".into(),
        description: String::new(),
        systems: Vec::new(),
        currency: "USD".into(),
        horizon_months: 24,
        discount_rate: 0.0,
        workload: Workload {
            models: 0.0,
            model_growth_per_year: 0.0,
            inferences_per_month: 1_000_000.0,
            inference_growth_per_year: 0.0,
            retrains_per_year: 0.0,
            gpu_hours_per_retrain: 0.0,
            cpu_hours_per_retrain: 0.0,
            storage_gb: 0.0,
            storage_growth_per_year: 0.0,
            egress_gb_per_month: 0.0,
        },
        lever: None,
        options: vec![option("A"), option("B")],
    }
}

fn od(s: &mut Scenario, i: usize) -> &mut CloudOnDemand {
    match &mut s.options[i].kind {
        OptionKind::CloudOnDemand(c) => c,
        OptionKind::CloudReserved(r) => &mut r.on_demand,
        _ => panic!("option {i} is not a cloud option"),
    }
}

fn reserved(s: &mut Scenario, i: usize) -> &mut CloudReserved {
    if !matches!(s.options[i].kind, OptionKind::CloudReserved(_)) {
        s.options[i].kind = OptionKind::CloudReserved(zero_reserved());
    }
    match &mut s.options[i].kind {
        OptionKind::CloudReserved(r) => r,
        _ => unreachable!("just set"),
    }
}

fn on_prem(s: &mut Scenario, i: usize) -> &mut OnPrem {
    if !matches!(s.options[i].kind, OptionKind::OnPrem(_)) {
        s.options[i].kind = OptionKind::OnPrem(zero_on_prem());
    }
    match &mut s.options[i].kind {
        OptionKind::OnPrem(p) => p,
        _ => unreachable!("just set"),
    }
}

fn tiers(bands: &[(Option<f64>, f64)]) -> Vec<EgressTier> {
    bands
        .iter()
        .map(|&(up_to_gb, price_per_gb)| EgressTier {
            up_to_gb,
            price_per_gb,
        })
        .collect()
}

/// What a case looks at; months are 1-based.
#[derive(Debug, Clone, Copy)]
enum Probe {
    Line(usize, Driver, usize),
    Month(usize, usize),
    Cumulative(usize, usize),
    Capacity(usize, usize),
    Depreciation(usize, usize),
    Year(usize, usize),
    Total(usize),
    Npv(usize),
    Per1k(usize),
    /// Break-even month of the pair, -1 for none.
    BreakEven(usize, usize),
    /// The option cheaper at the horizon, -1 for a tie.
    Cheaper(usize, usize),
    /// NPV change of option at -20% and at +20% of the driver.
    Low(SensitivityDriver, usize),
    High(SensitivityDriver, usize),
}
use Probe::*;

fn probe(r: &TcoResult, p: Probe) -> f64 {
    let line = |o: usize, d: Driver| r.options[o].lines.iter().find(|l| l.driver == d);
    let pair = |a: usize, b: usize| {
        r.break_even
            .iter()
            .find(|be| be.a as usize == a && be.b as usize == b)
            .expect("every pair has an entry")
    };
    let row = |d: SensitivityDriver| {
        r.sensitivity
            .iter()
            .find(|s| s.driver == d)
            .expect("every driver has a row")
    };
    match p {
        Line(o, d, m) => line(o, d).map_or(0.0, |l| l.monthly[m - 1]),
        Month(o, m) => r.options[o].monthly[m - 1],
        Cumulative(o, m) => r.options[o].cumulative[m - 1],
        Capacity(o, m) => r.options[o].capacity[m - 1],
        Depreciation(o, m) => r.options[o].depreciation[m - 1],
        Year(o, y) => r.options[o].yearly[y - 1].total,
        Total(o) => r.options[o].total,
        Npv(o) => r.options[o].npv,
        Per1k(o) => r.options[o].cost_per_1k_inferences.unwrap_or(f64::NAN),
        BreakEven(a, b) => pair(a, b).month.map_or(-1.0, f64::from),
        Cheaper(a, b) => pair(a, b).cheaper.map_or(-1.0, f64::from),
        Low(d, o) => row(d).low[o],
        High(d, o) => row(d).high[o],
    }
}

/// Runs `base()` changed by `edit` and compares each probe with its hand-computed value.
#[track_caller]
fn check(edit: impl FnOnce(&mut Scenario), expected: &[(Probe, f64)]) {
    let mut s = base();
    edit(&mut s);
    let r = run(&s).unwrap_or_else(|e| panic!("the case scenario is valid: {e}"));
    for &(p, want) in expected {
        let got = probe(&r, p);
        let tolerance = 1e-9 * want.abs().max(1.0);
        assert!(
            (got - want).abs() <= tolerance,
            "{p:?}: the model gives {got}, hand computation {want}"
        );
    }
}

#[test]
fn each_driver_alone() {
    use Driver::*;
    // Serving: 730 h x (2 x 0.75 + 6 x 0.25) instances x 3/h.
    check(
        |s| {
            let c = od(s, 0);
            (
                c.base_instances,
                c.peak_instances,
                c.peak_share,
                c.instance_rate_per_hour,
            ) = (2.0, 6.0, 0.25, 3.0);
        },
        &[
            (Line(0, Inference, 1), 6570.0),
            (Month(0, 24), 6570.0),
            (Total(0), 6570.0 * 24.0),
            (Total(1), 0.0),
        ],
    );
    // Retraining: 2 models x 6 a year / 12 = 1 retraining a month: 10 GPU-h x 3 + 100 CPU-h x 0.1.
    check(
        |s| {
            (s.workload.models, s.workload.retrains_per_year) = (2.0, 6.0);
            (
                s.workload.gpu_hours_per_retrain,
                s.workload.cpu_hours_per_retrain,
            ) = (10.0, 100.0);
            (
                od(s, 0).shared.gpu_rate_per_hour,
                od(s, 0).shared.cpu_rate_per_hour,
            ) = (3.0, 0.1);
        },
        &[
            (Line(0, Retraining, 1), 40.0),
            (Line(0, Retraining, 24), 40.0),
        ],
    );
    // Storage: 1,000 GB x 0.02.
    check(
        |s| {
            s.workload.storage_gb = 1000.0;
            od(s, 0).shared.storage_per_gb_month = 0.02;
        },
        &[(Line(0, Storage, 1), 20.0), (Total(0), 480.0)],
    );
    // Managed services: 500 fixed + 4 models x 25.
    check(
        |s| {
            s.workload.models = 4.0;
            (
                od(s, 0).managed_fees_per_month,
                od(s, 0).managed_fees_per_model_month,
            ) = (500.0, 25.0);
        },
        &[(Line(0, ManagedServices, 7), 600.0)],
    );
    // Staff: 0.5 FTE x 120,000 a year / 12.
    check(
        |s| {
            (
                od(s, 1).shared.staff_fte,
                od(s, 1).shared.staff_cost_per_year,
            ) = (0.5, 120_000.0)
        },
        &[(Line(1, Staff, 1), 5000.0), (Year(1, 2), 60_000.0)],
    );
    // On premises, each line alone.
    check(
        |s| {
            let p = on_prem(s, 0);
            (p.servers, p.server_kw, p.pue, p.price_per_kwh) = (2.0, 0.5, 1.5, 0.2);
        },
        // 2 servers x 0.5 kW x 1.5 x 730 h x 0.2.
        &[(Line(0, Power, 1), 219.0), (Line(0, Power, 24), 219.0)],
    );
    check(
        |s| {
            let p = on_prem(s, 0);
            (p.servers, p.servers_per_rack, p.rack_per_month) = (4.0, 8.0, 1000.0);
        },
        &[(Line(0, Space, 3), 500.0)],
    );
    check(
        |s| {
            let p = on_prem(s, 0);
            (
                p.servers,
                p.server_price,
                p.support_rate_per_year,
                p.refresh_years,
            ) = (2.0, 12_000.0, 0.1, 2);
        },
        // Support: 24,000 x 10% a year / 12.
        &[
            (Line(0, Support, 5), 200.0),
            (Line(0, Hardware, 1), 24_000.0),
        ],
    );
}

#[test]
fn growth_compounds_monthly_from_annual_rates() {
    use Driver::*;
    // 44% a year is 20% every six months: month 7 is x1.2, month 13 x1.44.
    check(
        |s| {
            s.workload.inference_growth_per_year = 0.44;
            let c = od(s, 0);
            (c.base_instances, c.peak_instances, c.instance_rate_per_hour) = (1.0, 1.0, 1.0);
        },
        &[
            (Line(0, Inference, 1), 730.0),
            (Line(0, Inference, 7), 876.0),
            (Line(0, Inference, 13), 1051.2),
        ],
    );
    // Model count: 10 models growing 21% a year (10% per half year), 5 per model.
    check(
        |s| {
            (s.workload.models, s.workload.model_growth_per_year) = (10.0, 0.21);
            od(s, 0).managed_fees_per_model_month = 5.0;
        },
        &[
            (Line(0, ManagedServices, 1), 50.0),
            (Line(0, ManagedServices, 7), 55.0),
            (Line(0, ManagedServices, 13), 60.5),
        ],
    );
    // Storage doubling every year.
    check(
        |s| {
            (s.workload.storage_gb, s.workload.storage_growth_per_year) = (1000.0, 1.0);
            od(s, 0).shared.storage_per_gb_month = 0.02;
        },
        &[
            (Line(0, Storage, 13), 40.0),
            (Line(0, Storage, 24), 20.0 * 2f64.powf(23.0 / 12.0)),
        ],
    );
    // Inferences grow, and cost per 1,000 follows: 100/month over 1M then 2M a month.
    check(
        |s| {
            s.horizon_months = 13;
            s.workload.inference_growth_per_year = 1.0;
            od(s, 0).managed_fees_per_month = 100.0;
        },
        &[(
            Per1k(0),
            1300.0
                / ((1..=13)
                    .map(|m| 1e6 * 2f64.powf((m as f64 - 1.0) / 12.0))
                    .sum::<f64>())
                * 1000.0,
        )],
    );
}

#[test]
fn egress_bands_are_applied_to_each_month() {
    use Driver::*;
    let bands = || tiers(&[(Some(100.0), 0.1), (Some(1000.0), 0.05), (None, 0.01)]);
    // 100 x 0.1 + 900 x 0.05 + 500 x 0.01.
    check(
        |s| {
            s.workload.egress_gb_per_month = 1500.0;
            od(s, 0).shared.egress_tiers = bands();
        },
        &[(Line(0, Egress, 1), 60.0), (Total(0), 60.0 * 24.0)],
    );
    check(
        |s| {
            s.workload.egress_gb_per_month = 50.0;
            od(s, 0).shared.egress_tiers = bands();
        },
        &[(Line(0, Egress, 1), 5.0)],
    );
    // Egress grows with inferences: 3,000 GB in month 13.
    check(
        |s| {
            s.workload.egress_gb_per_month = 1500.0;
            s.workload.inference_growth_per_year = 1.0;
            od(s, 0).shared.egress_tiers = bands();
        },
        &[(Line(0, Egress, 13), 10.0 + 45.0 + 20.0)],
    );
}

#[test]
fn the_lever_cuts_serving_compute_from_its_month() {
    use Driver::*;
    check(
        |s| {
            s.lever = Some(Lever {
                reduction: 0.25,
                from_month: 13,
            });
            let c = od(s, 0);
            (c.base_instances, c.peak_instances, c.instance_rate_per_hour) = (1.0, 1.0, 1.0);
            (s.workload.storage_gb, od(s, 0).shared.storage_per_gb_month) = (100.0, 1.0);
        },
        &[
            (Line(0, Inference, 12), 730.0),
            (Line(0, Inference, 13), 547.5),
            (Line(0, Storage, 13), 100.0), // storage is not compute
        ],
    );
    // On premises the fleet bought in month 1 covers the months before the lever; the refresh in
    // month 13 buys half of it.
    check(
        |s| {
            s.lever = Some(Lever {
                reduction: 0.5,
                from_month: 6,
            });
            let p = on_prem(s, 0);
            (p.servers, p.server_price, p.server_kw, p.price_per_kwh) = (2.0, 1000.0, 1.0, 1.0);
        },
        &[
            (Line(0, Hardware, 1), 2000.0),
            (Line(0, Power, 6), 1460.0),
            (Capacity(0, 13), 1.0),
            (Line(0, Hardware, 13), 1000.0),
            (Line(0, Power, 13), 730.0),
        ],
    );
}

#[test]
fn reserved_coverage_renewals_and_overflow() {
    use Driver::*;
    // 2 of 4 base instances reserved: 1,460 h on demand at 2/h, 2 x 1,200 upfront each term,
    // 2 x 100 a month.
    check(
        |s| {
            let r = reserved(s, 0);
            (r.coverage, r.upfront_per_instance, r.monthly_per_instance) = (0.5, 1200.0, 100.0);
            let c = &mut r.on_demand;
            (c.base_instances, c.peak_instances, c.instance_rate_per_hour) = (4.0, 4.0, 2.0);
        },
        &[
            (Capacity(0, 1), 2.0),
            (Line(0, Inference, 1), 2920.0),
            (Line(0, ReservedUpfront, 1), 2400.0),
            (Line(0, ReservedUpfront, 2), 0.0),
            (Line(0, ReservedUpfront, 13), 2400.0),
            (Line(0, ReservedFees, 5), 200.0),
            (Month(0, 1), 5520.0),
            (Month(0, 2), 3120.0),
        ],
    );
    // Demand doubling each year: the reservation is re-sized at renewal; in between the growth
    // spills over to on demand.
    check(
        |s| {
            s.workload.inference_growth_per_year = 1.0;
            let r = reserved(s, 0);
            (r.coverage, r.upfront_per_instance, r.monthly_per_instance) = (1.0, 100.0, 10.0);
            let c = &mut r.on_demand;
            (c.base_instances, c.peak_instances, c.instance_rate_per_hour) = (1.0, 1.0, 1.0);
        },
        &[
            (
                Line(0, Inference, 12),
                730.0 * (2f64.powf(11.0 / 12.0) - 1.0),
            ),
            (Capacity(0, 13), 2.0),
            (Line(0, ReservedUpfront, 13), 200.0),
            (Line(0, ReservedFees, 13), 20.0),
            (Line(0, Inference, 13), 0.0),
        ],
    );
    // A 3-year term is paid once in 24 months; the lever leaves reserved hours unused.
    check(
        |s| {
            s.lever = Some(Lever {
                reduction: 0.5,
                from_month: 2,
            });
            let r = reserved(s, 0);
            (
                r.term_years,
                r.coverage,
                r.upfront_per_instance,
                r.monthly_per_instance,
            ) = (3, 1.0, 500.0, 10.0);
            let c = &mut r.on_demand;
            (c.base_instances, c.peak_instances, c.instance_rate_per_hour) = (2.0, 2.0, 1.0);
        },
        &[
            (Line(0, Inference, 2), 0.0),
            (Line(0, ReservedFees, 24), 20.0),
            (Total(0), 1000.0 + 20.0 * 24.0),
        ],
    );
}

#[test]
fn depreciation_and_refresh() {
    use Driver::*;
    check(
        |s| {
            let p = on_prem(s, 0);
            (p.servers, p.server_price, p.refresh_years) = (2.0, 12_000.0, 1);
        },
        &[
            (Line(0, Hardware, 1), 24_000.0),
            (Line(0, Hardware, 2), 0.0),
            (Line(0, Hardware, 13), 24_000.0),
            (Depreciation(0, 7), 2000.0),
            (Month(0, 2), 0.0), // depreciation is not cash
            (Total(0), 48_000.0),
        ],
    );
    // Demand doubling each year: each purchase covers the last month of its cycle, 2^(11/12)
    // servers in month 1, 2^(23/12) at the refresh in month 13.
    check(
        |s| {
            s.workload.inference_growth_per_year = 1.0;
            let p = on_prem(s, 0);
            (p.servers, p.server_price, p.refresh_years) = (1.0, 1000.0, 1);
        },
        &[
            (Line(0, Hardware, 1), 1000.0 * 2f64.powf(11.0 / 12.0)),
            (Capacity(0, 12), 2f64.powf(11.0 / 12.0)),
            (Line(0, Hardware, 13), 1000.0 * 2f64.powf(23.0 / 12.0)),
            (Depreciation(0, 13), 1000.0 * 2f64.powf(23.0 / 12.0) / 12.0),
        ],
    );
    // A cycle cut by the horizon is sized to its months within the horizon (month 24 of 36).
    check(
        |s| {
            s.workload.inference_growth_per_year = 1.0;
            let p = on_prem(s, 0);
            (p.servers, p.server_price, p.refresh_years) = (1.0, 1000.0, 3);
        },
        &[
            (Line(0, Hardware, 1), 1000.0 * 2f64.powf(23.0 / 12.0)),
            (Depreciation(0, 1), 1000.0 * 2f64.powf(23.0 / 12.0) / 36.0),
        ],
    );
    // Shrinking demand: the cycle's first month is its peak.
    check(
        |s| {
            s.workload.inference_growth_per_year = -0.5;
            let p = on_prem(s, 0);
            (p.servers, p.server_price, p.refresh_years) = (4.0, 1000.0, 1);
        },
        &[
            (Line(0, Hardware, 1), 4000.0),
            (Line(0, Hardware, 13), 2000.0),
        ],
    );
}

#[test]
fn hybrid_mixes_its_parts_by_share() {
    use Driver::*;
    check(
        |s| {
            od(s, 0).managed_fees_per_month = 400.0;
            let p = on_prem(s, 1);
            (p.servers, p.server_price, p.refresh_years) = (1.0, 1200.0, 2);
            s.options.push(CostOption {
                name: "mix".into(),
                kind: OptionKind::Hybrid(Hybrid {
                    parts: vec![
                        HybridPart {
                            option: "A".into(),
                            share: 0.25,
                        },
                        HybridPart {
                            option: "B".into(),
                            share: 0.75,
                        },
                    ],
                }),
            });
        },
        &[
            (Line(2, ManagedServices, 1), 100.0),
            (Line(2, Hardware, 1), 900.0),
            (Depreciation(2, 1), 0.75 * 1200.0 / 24.0),
            (Total(2), 100.0 * 24.0 + 900.0),
        ],
    );
}

#[test]
fn npv_discounts_month_m_by_m_periods() {
    // (1.01)^12 - 1 a year is exactly 1% a month.
    let annual = 1.01f64.powi(12) - 1.0;
    check(
        |s| {
            s.discount_rate = annual;
            (
                od(s, 0).shared.staff_fte,
                od(s, 0).shared.staff_cost_per_year,
            ) = (1.0, 12_000.0);
        },
        &[
            (Npv(0), 1000.0 * (1.0 - 1.01f64.powi(-24)) / 0.01),
            (Total(0), 24_000.0),
            (Per1k(0), 1.0),
        ],
    );
    // A payment in month 1 is discounted by one month.
    check(
        |s| {
            s.discount_rate = annual;
            let p = on_prem(s, 0);
            (p.servers, p.server_price, p.refresh_years) = (1.0, 10_100.0, 2);
        },
        &[(Npv(0), 10_000.0)],
    );
}

#[test]
fn break_even_none_one_and_crossing_twice() {
    // A is cheaper from month 1: no break-even.
    check(
        |s| {
            od(s, 0).managed_fees_per_month = 1000.0;
            od(s, 1).managed_fees_per_month = 2000.0;
        },
        &[(BreakEven(0, 1), -1.0), (Cheaper(0, 1), 0.0)],
    );
    // Same costs: a tie, no winner.
    check(
        |s| {
            od(s, 0).managed_fees_per_month = 1000.0;
            od(s, 1).managed_fees_per_month = 1000.0;
        },
        &[(BreakEven(0, 1), -1.0), (Cheaper(0, 1), -1.0)],
    );
    // 12,000 upfront against 1,000 a month: equal in month 12, A below from month 13.
    check(
        |s| {
            let p = on_prem(s, 0);
            (p.servers, p.server_price, p.refresh_years) = (1.0, 12_000.0, 2);
            od(s, 1).managed_fees_per_month = 1000.0;
        },
        &[(BreakEven(0, 1), 13.0), (Cheaper(0, 1), 0.0)],
    );
    // 6,000 every 12 months against 700 a month over 16 months: B is below in months 1-8, A in
    // 9-12, B again from month 13 (9,100 < 12,000) to the end (11,200 < 12,000).
    check(
        |s| {
            s.horizon_months = 16;
            let p = on_prem(s, 0);
            (p.servers, p.server_price, p.refresh_years) = (1.0, 6000.0, 1);
            od(s, 1).managed_fees_per_month = 700.0;
        },
        &[
            (Cumulative(1, 9), 6300.0),
            (BreakEven(0, 1), 13.0),
            (Cheaper(0, 1), 1.0),
        ],
    );
}

#[test]
fn sensitivity_moves_each_driver_by_twenty_percent() {
    use SensitivityDriver as S;
    check(
        |s| {
            (
                od(s, 0).shared.staff_fte,
                od(s, 0).shared.staff_cost_per_year,
            ) = (1.0, 12_000.0)
        },
        &[
            (Low(S::StaffCost, 0), -0.2 * 24_000.0),
            (High(S::StaffCost, 0), 0.2 * 24_000.0),
            (High(S::StaffCost, 1), 0.0),
        ],
    );
    check(
        |s| {
            let c = od(s, 0);
            (c.base_instances, c.peak_instances, c.instance_rate_per_hour) = (1.0, 1.0, 1.0);
        },
        // Inference volume moves the capacity sized for it.
        &[
            (High(S::InferenceVolume, 0), 0.2 * 730.0 * 24.0),
            (Low(S::CloudRates, 0), -0.2 * 730.0 * 24.0),
        ],
    );
    let r = run(&from_toml(LLM).expect("the fixture is valid")).expect("the fixture runs");
    assert_eq!(
        r.sensitivity.len(),
        SensitivityDriver::ALL.len(),
        "one row per driver"
    );
    assert!(
        r.sensitivity.windows(2).all(|w| w[0].swing >= w[1].swing),
        "rows are sorted by swing for the tornado"
    );
}

// ---------------------------------------------------------------------------------------------
// The scenario file.

/// Replaces `from` (which must occur) in the LLM fixture and expects a problem at `field` whose
/// message contains `says`.
#[track_caller]
fn check_error(from: &str, to: &str, field: &str, says: &str) {
    assert!(LLM.contains(from), "the fixture contains {from:?}");
    let text = LLM.replacen(from, to, 1);
    match from_toml(&text) {
        Err(Error::Validation { fields, .. }) => {
            let hit = fields.iter().find(|f| f.field == field);
            let hit = hit.unwrap_or_else(|| panic!("a problem names {field}; got {fields:?}"));
            assert!(
                hit.message.contains(says),
                "{field}: {:?} should say {says:?}",
                hit.message
            );
            assert_eq!(
                fields.len(),
                fields.iter().filter(|f| !f.message.is_empty()).count(),
                "no empty messages"
            );
        }
        other => panic!("{from:?} -> {to:?} must be refused with {field}; got {other:?}"),
    }
}

#[test]
fn bad_files_name_the_key_and_what_was_expected() {
    check_error(
        "instance_rate_per_hour = 6.88 ",
        "instance_rate_per_hour = -6.88",
        "options[0].cloud_on_demand.instance_rate_per_hour",
        "0 or more",
    );
    check_error(
        "peak_share = 0.25 ",
        "peak_share = 1.5 ",
        "options[0].cloud_on_demand.peak_share",
        "share from 0 to 1",
    );
    check_error(
        "horizon_months = 60",
        "horizon_months = 0",
        "horizon_months",
        "from 1 to 600",
    );
    // Beyond a u32: too large, not "0 or more" (issue 14.7).
    check_error(
        "horizon_months = 60",
        "horizon_months = 10000000000",
        "horizon_months",
        "10000000000 is too large; expected a whole number of months from 1 to 600",
    );
    check_error(
        "horizon_months = 60",
        "horizon_months = -4",
        "horizon_months",
        "0 or more",
    );
    check_error(
        "[options.on_prem]",
        "[options.colo]",
        "options[2].colo",
        "unknown option type",
    );
    check_error(
        "pue = 1.4",
        "pue = 0.9",
        "options[2].on_prem.pue",
        "from 1.0 to 5.0",
    );
    check_error(
        "pue = 1.4",
        "pue = \"high\"",
        "options[2].on_prem.pue",
        "expected a number, found the text",
    );
    check_error(
        "pue = 1.4",
        "pu = 1.4",
        "options[2].on_prem.pu",
        "unknown key",
    );
    check_error("pue = 1.4", "pu = 1.4", "options[2].on_prem.pue", "missing");
    check_error(
        "term_years = 1",
        "term_years = 2",
        "options[1].cloud_reserved.term_years",
        "1 or 3",
    );
    check_error(
        "term_years = 1",
        "term_years = 1.5",
        "options[1].cloud_reserved.term_years",
        "whole number",
    );
    check_error(
        "share = 0.6",
        "share = 0.5",
        "options[3].hybrid.parts",
        "adding up to 1",
    );
    check_error(
        "{ option = \"Cloud on demand\"",
        "{ option = \"Cloud\"",
        "options[3].hybrid.parts[1].option",
        "another option",
    );
    check_error(
        "{ up_to_gb = 51200",
        "{ up_to_gb = 5120",
        "options[0].cloud_on_demand.egress_tiers[1].up_to_gb",
        "above the previous",
    );
    check_error(
        "  { price_per_gb = 0.05 },\n]",
        "  { up_to_gb = 1e6, price_per_gb = 0.05 },\n]",
        "options[0].cloud_on_demand.egress_tiers[3].up_to_gb",
        "last tier",
    );
    check_error(
        "from_month = 13",
        "from_month = 61",
        "lever.from_month",
        "from 1 to 60",
    );
    check_error(
        "reduction = 0.35",
        "reduction = 35",
        "lever.reduction",
        "share from 0 to 1",
    );
    check_error(
        "discount_rate = 0.08",
        "discount_rate = 8",
        "discount_rate",
        "0.08 = 8%",
    );
    check_error(
        "storage_gb = 20000",
        "storage_gb = [20000]",
        "workload.storage_gb",
        "found an array",
    );
    check_error("models = 3 ", "", "workload.models", "missing");
    check_error(
        "name = \"Cloud reserved 1 year\"",
        "name = \"Cloud on demand\"",
        "options[1].name",
        "unique",
    );
    check_error(
        "horizon_months = 60",
        "horizon_months = = 60",
        "line 11, column 18",
        "not valid TOML",
    );
    check_error(
        "[options.hybrid]\n",
        "",
        "options[3]",
        "expected one option type table",
    );
    check_error(
        "name = \"Cloud on demand\"\n",
        "name = \"Cloud on demand\"\non_prem = 3\n",
        "options[0]",
        "exactly one option type",
    );
}

#[test]
fn an_unknown_option_type_is_reported_once() {
    let text = LLM.replacen("[options.on_prem]", "[options.colo]", 1);
    let Err(Error::Validation { fields, .. }) = from_toml(&text) else {
        panic!("an unknown option type is refused");
    };
    assert_eq!(
        fields.len(),
        1,
        "only the unknown type is reported, not its stand-in: {fields:?}"
    );
}

#[test]
fn files_round_trip() {
    for text in [LLM, BATCH] {
        let s = from_toml(text).expect("the fixture is valid");
        let written = to_toml(&s);
        let back = from_toml(&written)
            .unwrap_or_else(|e| panic!("the written file reads back: {e}\n{written}"));
        assert_eq!(back, s, "write then read gives the same scenario");
        assert_eq!(to_toml(&back), written, "writing is stable");
    }
    // Numbers that need care: fractions without a short decimal, tiny and huge values.
    let mut s = from_toml(BATCH).expect("the fixture is valid");
    s.discount_rate = 0.1 + 0.2;
    s.workload.storage_gb = 1e21;
    s.workload.egress_gb_per_month = 1e-7;
    s.description = "quotes \" and \\ backslashes\nand lines".into();
    let back = from_toml(&to_toml(&s)).expect("the written file reads back");
    assert_eq!(back, s, "every f64 and string survives exactly");
}

#[test]
fn json_has_the_file_shape_and_round_trips() {
    let s = from_toml(LLM).expect("the fixture is valid");
    let json = serde_json::to_value(&s).expect("serialises");
    assert!(
        json["options"][2]["on_prem"]["pue"].is_number(),
        "options carry their kind as a key, as in the file"
    );
    let back: Scenario = serde_json::from_value(json).expect("deserialises");
    assert_eq!(back, s, "JSON round trip");
}

#[test]
fn the_template_is_the_llm_fixture_and_runs() {
    assert_eq!(tco::template(), LLM, "one source for the template");
    let docs = include_str!("../../../../docs/tco.md");
    assert!(
        docs.contains(LLM),
        "docs/tco.md shows the fixture verbatim as its full example"
    );
    let r = run(&from_toml(tco::template()).expect("the template is valid"))
        .expect("the template runs");
    assert_eq!(r.options.len(), 4, "all four option kinds");
}

#[test]
fn fixtures_summary() {
    let mut out = String::new();
    for text in [LLM, BATCH] {
        let r = run(&from_toml(text).expect("the fixture is valid")).expect("the fixture runs");
        out.push_str(&format!(
            "{} ({} months, {})\n",
            r.scenario, r.horizon_months, r.currency
        ));
        for o in &r.options {
            out.push_str(&format!(
                "  {:<34} total {:>14.2}  npv {:>14.2}  per 1k {:>8.4}\n",
                o.name,
                o.total,
                o.npv,
                o.cost_per_1k_inferences.unwrap_or(f64::NAN)
            ));
        }
        out.push_str(&format!(
            "  cheapest: {}\n",
            r.options[r.cheapest as usize].name
        ));
        for be in &r.break_even {
            out.push_str(&format!(
                "  {} vs {}: month {:?}, cheaper {:?}\n",
                be.a,
                be.b,
                be.month,
                be.cheaper.map(|c| r.options[c as usize].name.as_str())
            ));
        }
        for row in r.sensitivity.iter().take(5) {
            out.push_str(&format!("  {:<22} swing {:.2}\n", row.label, row.swing));
        }
    }
    insta::assert_snapshot!(out);
}

// ---------------------------------------------------------------------------------------------
// The live workbook, recomputed by LibreOffice.

/// Converts each workbook to .xlsx with LibreOffice headless, forcing recalculation on load;
/// returns the converted files, in order.
fn libreoffice_recalc(inputs: &[PathBuf], dir: &Path) -> Vec<PathBuf> {
    let profile = dir.join("profile");
    let user = profile.join("user");
    std::fs::create_dir_all(&user).expect("profile directory");
    std::fs::write(
        user.join("registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .expect("profile settings");
    let out = dir.join("recalculated");
    let status = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--convert-to", "xlsx", "--outdir"])
        .arg(&out)
        .args(inputs)
        .output()
        .unwrap_or_else(|e| {
            panic!("LibreOffice is needed for this test (apt-get install libreoffice-calc); running soffice failed: {e}")
        });
    assert!(
        status.status.success(),
        "soffice converts: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    inputs
        .iter()
        .map(|p| {
            let converted = out.join(p.file_name().expect("a file name"));
            assert!(
                converted.exists(),
                "soffice wrote {}: {}",
                converted.display(),
                String::from_utf8_lossy(&status.stdout)
            );
            converted
        })
        .collect()
}

fn same(a: &Data, b: &Data) -> bool {
    let num = |d: &Data| match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        Data::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    };
    match (num(a), num(b)) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-6 * x.abs().max(y.abs()) || (x - y).abs() <= 1e-9,
        _ => a.to_string() == b.to_string(),
    }
}

/// Compares every formula cell of `expected` (its cached values are the engine's figures) with
/// the same cell of `recalculated`; returns how many were compared.
fn compare_formula_cells(expected: &Path, recalculated: &Path) -> usize {
    let mut exp: Xlsx<_> = open_workbook(expected).expect("the export opens");
    let mut got: Xlsx<_> = open_workbook(recalculated).expect("the recalculated file opens");
    let mut compared = 0;
    let mut wrong = Vec::new();
    for sheet in ["Summary", "Inputs", "Monthly", "Yearly"] {
        let formulas = exp.worksheet_formula(sheet).expect("formulas");
        let values = exp.worksheet_range(sheet).expect("cached values");
        let recalc = got.worksheet_range(sheet).expect("recalculated values");
        let (r0, c0) = formulas.start().unwrap_or((0, 0));
        for (r, c, f) in formulas.cells() {
            if f.is_empty() {
                continue;
            }
            let at = (r0 + r as u32, c0 + c as u32);
            let want = values.get_value(at).cloned().unwrap_or(Data::Empty);
            let have = recalc.get_value(at).cloned().unwrap_or(Data::Empty);
            compared += 1;
            if !same(&want, &have) {
                wrong.push(format!(
                    "{sheet}!R{}C{} {f}: Steward {want:?}, LibreOffice {have:?}",
                    at.0 + 1,
                    at.1 + 1
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} formula cells differ, first ones:\n{}",
        wrong.len(),
        wrong[..wrong.len().min(20)].join("\n")
    );
    compared
}

#[test]
fn the_workbook_recomputes_in_libreoffice_to_the_engine_figures() {
    let dir = tempfile::tempdir().expect("temp dir");
    let llm = from_toml(LLM).expect("the fixture is valid");
    let batch = from_toml(BATCH).expect("the fixture is valid");
    // The same scenario with other inputs, exported with the *old* results cached: only a real
    // recalculation can produce the new figures.
    let mut changed = llm.clone();
    changed.discount_rate = 0.05;
    changed.workload.inference_growth_per_year = 0.8;
    changed.lever = Some(Lever {
        reduction: 0.5,
        from_month: 7,
    });
    if let OptionKind::OnPrem(p) = &mut changed.options[2].kind {
        p.servers = 3.0;
        p.refresh_years = 2;
    }
    if let OptionKind::CloudReserved(r) = &mut changed.options[1].kind {
        r.term_years = 3;
    }
    let llm_result = run(&llm).expect("runs");
    let changed_result = run(&changed).expect("runs");
    assert!(
        (llm_result.options[0].npv - changed_result.options[0].npv).abs() > 1.0,
        "the changed inputs change the figures"
    );

    let write = |name: &str, s: &Scenario, r: &TcoResult| {
        let path = dir.path().join(name);
        std::fs::write(&path, to_xlsx(s, r).expect("the workbook renders")).expect("written");
        path
    };
    let files = vec![
        write("llm.xlsx", &llm, &llm_result),
        write("batch.xlsx", &batch, &run(&batch).expect("runs")),
        write("stale.xlsx", &changed, &llm_result),
    ];
    let reference = write("changed.xlsx", &changed, &changed_result);
    let recalculated = libreoffice_recalc(&files, dir.path());

    let n = compare_formula_cells(&files[0], &recalculated[0]);
    assert!(
        n > 60 * 40,
        "every monthly cost is a formula ({n} compared)"
    );
    compare_formula_cells(&files[1], &recalculated[1]);
    compare_formula_cells(&reference, &recalculated[2]);

    // The summary figures, read straight from LibreOffice, against the result struct.
    let mut got: Xlsx<_> = open_workbook(&recalculated[2]).expect("opens");
    let summary = got.worksheet_range("Summary").expect("summary");
    for (i, o) in changed_result.options.iter().enumerate() {
        let row = 4 + i as u32;
        assert_eq!(
            summary.get_value((row, 0)),
            Some(&Data::String(o.name.clone())),
            "row {row} is {}",
            o.name
        );
        for (c, want) in [(2, o.total), (3, o.npv)] {
            let have = summary.get_value((row, c)).cloned().unwrap_or(Data::Empty);
            assert!(
                same(&Data::Float(want), &have),
                "{} column {c}: engine {want}, LibreOffice {have:?}",
                o.name
            );
        }
    }
}
