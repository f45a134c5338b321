//! Small SVG charts with axes and labels: a gauge, a line chart (trend, payout curve, fan chart
//! with a P10–P90 band) and a bar chart (histograms, winners and losers).
//!
//! Values stay `Decimal` until they become integer SVG coordinates: formatting floats would
//! pull about 10 KB of float printing into the WASM.

mod bar;
mod gauge;
mod line;
mod scale;

pub use bar::{Bar, BarChart};
pub use gauge::Gauge;
pub use line::{Band, LineChart, Marker, Series};
pub use scale::{compact, percent_label};
