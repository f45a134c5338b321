//! The library half of the `plumbline` command: batch jobs over files, callable from tests
//! and benchmarks as well as from `main`.

pub mod calc;
pub mod demo;
pub mod eval_pipeline;
