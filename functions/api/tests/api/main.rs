//! The API's integration tests, one module per area, in one test binary: linked once rather
//! than once per file, and the long tests of different areas run side by side on every core.

mod coach;
mod common;
mod matrix;
mod openapi;
mod oversight;
mod periods;
mod planning;
mod regulated;
mod statements;
mod workflow;
