use leptos::prelude::*;
use plumbline_engine::format::percent;
use rust_decimal::Decimal;

/// Attainment against quota as a bar: the fill is year-to-date attainment, the tick is 100%.
///
/// The scale stretches past 100% when attainment does (up to 200%), so over-achievement shows.
#[component]
pub fn AttainmentBar(
    /// measure_ytd / quota.
    attainment: Decimal,
) -> impl IntoView {
    // Decimal, not f64: float formatting would add ~10 KB to the WASM.
    let hundred = Decimal::ONE_HUNDRED;
    let fraction = attainment.max(Decimal::ZERO);
    let scale = fraction.clamp(Decimal::ONE, Decimal::TWO);
    let fill = (fraction / scale * hundred).min(hundred).round_dp(2);
    let quota_at = (hundred / scale).round_dp(2);
    let label = percent(attainment);
    let over = fraction >= Decimal::ONE;
    view! {
        <div class="attainment">
            <div class="attainment-label">
                <span>"Attainment of annual quota"</span>
                <strong>{label.clone()}</strong>
            </div>
            <div
                class="bar"
                role="meter"
                aria-label="Attainment of annual quota"
                aria-valuemin="0"
                aria-valuemax=(scale * hundred).round_dp(0).to_string()
                aria-valuenow=(fraction * hundred).round_dp(1).to_string()
                aria-valuetext=label
            >
                <div class="bar-fill" class:over=over style=format!("width: {fill}%")></div>
                <div class="bar-quota" style=format!("left: {quota_at}%") title="Quota (100%)"></div>
            </div>
        </div>
    }
}
