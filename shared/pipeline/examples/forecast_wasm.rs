//! The forecast bench workload (10,000 deals x 10,000 trials) as a WASM module, timed under
//! node by `scripts/bench-forecast-wasm.sh` (docs/benchmarks.md). Two exports, no imports, so
//! node loads it without generated glue.

#[path = "../benches/support/book.rs"]
mod book;

use plumbline_pipeline::{ForecastSpec, forecast};
use std::sync::OnceLock;

static SPEC: OnceLock<ForecastSpec> = OnceLock::new();

/// Builds the book outside the timed calls.
#[unsafe(no_mangle)]
pub extern "C" fn forecast_setup(deals: u32, trials: u32) {
    SPEC.get_or_init(|| book::spec(deals as usize, trials as usize));
}

/// Runs the forecast once; returns the firm's P50 over the horizon in minor units, to compare
/// with the native run.
#[unsafe(no_mangle)]
pub extern "C" fn forecast_run() -> i64 {
    SPEC.get().map_or(-1, |s| forecast(s).firm_total.p50)
}
