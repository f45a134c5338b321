//! The what-if bench workload as a WASM module, timed under node by
//! `scripts/bench-whatif-wasm.sh` (docs/benchmarks.md). It exports two functions and needs
//! no imports, so node can load it without generated glue.

#[path = "../benches/support/workload.rs"]
mod workload;

use plumbline_engine::{PayeeInputs, Period, Plan, Transaction, statement_for_period};
use std::sync::OnceLock;

static INPUTS: OnceLock<(Plan, Vec<Transaction>, Period)> = OnceLock::new();

fn inputs() -> &'static (Plan, Vec<Transaction>, Period) {
    INPUTS.get_or_init(|| {
        let plan = Plan::from_json(workload::PLAN).expect("the workload plan is valid");
        let period = Period::parse_month(workload::MONTH).expect("the workload month parses");
        (plan, workload::year(), period)
    })
}

/// Builds the plan and the year of transactions, outside the timed calls.
#[unsafe(no_mangle)]
pub extern "C" fn whatif_setup() {
    inputs();
}

/// Computes the statement `times` times; returns the last total in minor units (pence), so
/// the caller can check the figure against the native run.
#[unsafe(no_mangle)]
pub extern "C" fn whatif_run(times: u32) -> i64 {
    let (plan, txns, period) = inputs();
    let payee = PayeeInputs { annual_quota: Some(workload::quota()), ..PayeeInputs::new("R1", txns) };
    let mut total = 0;
    for _ in 0..times {
        let statement = statement_for_period(plan, &payee, period).expect("the workload calculates");
        total = (statement.total * rust_decimal::Decimal::ONE_HUNDRED).trunc().mantissa() as i64;
    }
    total
}
