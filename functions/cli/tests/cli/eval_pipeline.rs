//! `plumbline eval-pipeline` on the CRM sample (../shared/data beside the checkout) meets the
//! issue's targets: calibrated, never worse than the stage prior, and an honest monthly range.

use plumbline_cli::eval_pipeline::{EvalOptions, run};
use std::path::PathBuf;

#[test]
fn crm_sample_meets_the_targets() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/crm-sales-opportunities");
    let r = run(&EvalOptions::new(data)).expect("the sample data loads");
    eprintln!("{}", plumbline_cli::eval_pipeline::render(&r));
    assert_eq!((r.train_deals, r.test_deals), (2679, 4032));
    assert!(r.brier_model <= r.brier_baseline, "Brier {} vs stage prior {}", r.brier_model, r.brier_baseline);
    assert!(r.brier_model < 0.242);
    assert!(r.calibration_max_gap <= 0.03, "calibration gap {}", r.calibration_max_gap);
    assert_eq!(r.range_months, 6);
    assert!(r.range_hits >= 5, "P10-P90 held {} of 6", r.range_hits);
    // The issue puts seasonal-naive at 7.9%; computed here from the same file it is 6.7%, which
    // the forecast does not beat yet (docs/benchmarks.md). Both are reported; this holds the first.
    assert!(r.forecast_mape < 0.079, "MAPE {}", r.forecast_mape);
    assert!((r.seasonal_naive_mape - 0.0667).abs() < 0.001, "seasonal-naive {}", r.seasonal_naive_mape);
}
