//! What-if speed: recomputing one rep's year (10,000 transactions, a plan with four components
//! and three-way splits) must take under 1 ms natively. See docs/benchmarks.md.

#[path = "support/workload.rs"]
mod workload;

use criterion::{Criterion, criterion_group, criterion_main};
use plumbline_engine::{PayeeInputs, Period, Plan, statement_for_period};
use std::hint::black_box;

fn whatif(c: &mut Criterion) {
    let plan = Plan::from_json(workload::PLAN).unwrap();
    let txns = workload::year();
    let period = Period::parse_month(workload::MONTH).unwrap();
    let inputs = PayeeInputs { annual_quota: Some(workload::quota()), ..PayeeInputs::new("R1", &txns) };
    c.bench_function("statement: one rep's year, 10k transactions, 4 components, splits", |b| {
        b.iter(|| statement_for_period(black_box(&plan), black_box(&inputs), black_box(&period)).unwrap())
    });
}

criterion_group!(benches, whatif);
criterion_main!(benches);
