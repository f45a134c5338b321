//! The import crate's integration tests in one test binary, one module per area (golden data in
//! tests/fixtures): linked once rather than once per file, the helpers compiled once, and the
//! modules' tests run side by side on every core.

mod dynamo;
mod imports;
mod properties;
mod scenarios;
mod support;
