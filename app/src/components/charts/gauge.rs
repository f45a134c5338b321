use super::scale::percent_label;
use leptos::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

const CX: i32 = 120;
const CY: i32 = 120;
const R: i32 = 92;

/// The point at `fraction` of the way round a half circle, from the left end to the right.
fn polar(fraction: f64, radius: i32) -> (i32, i32) {
    let angle = std::f64::consts::PI * (1.0 - fraction.clamp(0.0, 1.0));
    let x = CX as f64 + radius as f64 * angle.cos();
    let y = CY as f64 - radius as f64 * angle.sin();
    (x.round() as i32, y.round() as i32)
}

fn arc(from: f64, to: f64) -> String {
    let (x0, y0) = polar(from, R);
    let (x1, y1) = polar(to, R);
    format!("M {x0} {y0} A {R} {R} 0 0 1 {x1} {y1}")
}

/// A half-circle gauge of attainment against quota, scaled to `max` (e.g. 150%), with tick
/// labels and a quota mark at 100%.
#[component]
pub fn Gauge(
    /// Attainment as a fraction of quota.
    value: Decimal,
    /// The fraction at the right end of the dial.
    max: Decimal,
    /// What is measured.
    #[prop(into)]
    label: String,
) -> impl IntoView {
    let max = max.max(Decimal::ONE);
    let frac = |v: Decimal| (v.max(Decimal::ZERO) / max).min(Decimal::ONE).to_f64().unwrap_or(0.0);
    let value_at = frac(value);
    let quota_at = frac(Decimal::ONE);
    let steps = (max * Decimal::TWO).ceil().to_u32().unwrap_or(2).max(1);
    let tick_labels = (0..=steps)
        .map(|i| {
            let v = Decimal::from(i) / Decimal::TWO;
            let (x, y) = polar(frac(v), R + 16);
            view! { <text class="chart-tick" x=x y=y + 4 text-anchor="middle">{percent_label(v)}</text> }
        })
        .collect_view();
    let (qx0, qy0) = polar(quota_at, R - 14);
    let (qx1, qy1) = polar(quota_at, R + 8);
    let over = value >= Decimal::ONE;
    let text = percent_label(value);
    let aria_text = text.clone();
    let aria_label = label.clone();
    view! {
        <figure class="chart gauge">
            <svg
                viewBox="0 0 240 140"
                role="meter"
                aria-label=aria_label
                aria-valuemin="0"
                aria-valuemax=percent_label(max)
                aria-valuenow=(value * Decimal::ONE_HUNDRED).round_dp(1).to_string()
                aria-valuetext=aria_text
            >
                <path class="gauge-track" d=arc(0.0, 1.0)></path>
                <path class="gauge-fill" class:over=over d=arc(0.0, value_at.max(0.001))></path>
                <line class="gauge-quota" x1=qx0 y1=qy0 x2=qx1 y2=qy1></line>
                {tick_labels}
                <text class="gauge-value" x=CX y=CY - 14 text-anchor="middle">{text}</text>
                <text class="chart-tick" x=CX y=CY + 8 text-anchor="middle">"of quota"</text>
            </svg>
            <figcaption class="gauge-caption">{label}</figcaption>
        </figure>
    }
}
