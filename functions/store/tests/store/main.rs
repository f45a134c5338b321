//! The integration tests in one test binary, one module per area: the dependency graph is linked
//! once rather than once per file, and the modules' tests run side by side on every core.

mod dynamo;
mod embedded;
