//! The integration tests in one test binary, one module per area: the dependency graph is linked
//! once rather than once per file, and the modules' tests run side by side on every core.

mod demo;
mod errors;
mod golden;
mod properties;
