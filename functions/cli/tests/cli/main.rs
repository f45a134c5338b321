//! The CLI's integration tests in one test binary, one module per area: the whole stack is
//! linked once rather than once per file, and the modules' tests run side by side on every core.

mod calc_statements;
mod comp_batch;
mod demo_data;
mod eval_pipeline;
mod import_crm;
mod planning;
