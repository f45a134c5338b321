use super::line::{BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, YAxis, bounds};
use super::scale::{Scale, ticks};
use leptos::prelude::*;
use rust_decimal::Decimal;

/// One bar: its axis label and value (negative bars hang below zero).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Axis label.
    pub label: String,
    /// Height.
    pub value: Decimal,
}

/// A bar chart with a zero baseline, value axis, category labels and axis titles.
#[component]
pub fn BarChart(
    /// Accessible summary.
    #[prop(into)]
    title: String,
    /// Category axis title.
    #[prop(into)]
    x_label: String,
    /// Value axis title.
    #[prop(into)]
    y_label: String,
    /// The bars, left to right.
    bars: Vec<Bar>,
    /// Formats value ticks and bar tooltips.
    y_format: fn(Decimal) -> String,
) -> impl IntoView {
    let (lo, hi) = bounds(bars.iter().map(|b| b.value).chain([Decimal::ZERO]));
    let y_ticks = ticks(lo, hi, 4);
    let sy = Scale::new(y_ticks[0], y_ticks[y_ticks.len() - 1], HEIGHT - BOTTOM, TOP);
    let zero = sy.at(Decimal::ZERO);
    let n = bars.len().max(1) as i32;
    let slot = (WIDTH - LEFT - RIGHT) / n;
    let gap = (slot / 5).max(1);
    // Label every bar when there is room, else every k-th so labels never overlap.
    let every = ((n * 44) / (WIDTH - LEFT - RIGHT) + 1) as usize;
    let drawn = bars
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let x = LEFT + slot * i as i32 + gap / 2;
            let y = sy.at(b.value);
            let (top, height) = if y < zero { (y, zero - y) } else { (zero, y - zero) };
            let tip = format!("{}: {}", b.label, y_format(b.value));
            let label = (i % every == 0).then(|| {
                view! {
                    <text class="chart-tick" x=x + (slot - gap) / 2 y=HEIGHT - BOTTOM + 17 text-anchor="middle">
                        {b.label.clone()}
                    </text>
                }
            });
            view! {
                <rect class="chart-bar" class:negative=b.value.is_sign_negative() x=x y=top width=slot - gap height=height.max(1)>
                    <title>{tip}</title>
                </rect>
                {label}
            }
        })
        .collect_view();
    let aria = title.clone();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=aria>
                <title>{title}</title>
                <YAxis ticks=y_ticks scale=sy format=y_format label=y_label/>
                {drawn}
                <g class="chart-axis x">
                    <line x1=LEFT x2=WIDTH - RIGHT y1=zero y2=zero></line>
                    <text class="chart-title" x=(LEFT + WIDTH - RIGHT) / 2 y=HEIGHT - 4 text-anchor="middle">
                        {x_label}
                    </text>
                </g>
            </svg>
        </figure>
    }
}
