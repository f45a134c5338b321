use super::scale::{Scale, ticks};
use leptos::prelude::*;
use rust_decimal::Decimal;

pub(super) const WIDTH: i32 = 480;
pub(super) const HEIGHT: i32 = 240;
pub(super) const LEFT: i32 = 56;
pub(super) const RIGHT: i32 = 16;
pub(super) const TOP: i32 = 14;
pub(super) const BOTTOM: i32 = 44;

/// One line: a name for the legend and (x, y) points in x order.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// The points.
    pub points: Vec<(Decimal, Decimal)>,
    /// Drawn dashed (e.g. a projection).
    pub dashed: bool,
}

/// A shaded range between two lines sharing x values (e.g. P10 to P90).
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Legend text.
    pub name: String,
    /// (x, low, high) in x order.
    pub points: Vec<(Decimal, Decimal, Decimal)>,
}

/// A labelled point ("you are here").
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Where.
    pub x: Decimal,
    /// Where.
    pub y: Decimal,
    /// What it says.
    pub label: String,
}

/// A line chart with axes, gridlines, axis titles, an optional band and marker, and a legend.
#[component]
pub fn LineChart(
    /// Accessible summary of what the chart shows.
    #[prop(into)]
    title: String,
    /// Horizontal axis title.
    #[prop(into)]
    x_label: String,
    /// Vertical axis title.
    #[prop(into)]
    y_label: String,
    /// The lines.
    series: Vec<Series>,
    /// Shaded range behind the lines.
    #[prop(optional)]
    band: Option<Band>,
    /// A highlighted point.
    #[prop(optional)]
    marker: Option<Marker>,
    /// Tick labels on the horizontal axis; round ticks formatted by `x_format` when empty.
    #[prop(optional)]
    x_ticks: Vec<(Decimal, String)>,
    /// Formats horizontal tick values.
    x_format: fn(Decimal) -> String,
    /// Formats vertical tick values.
    y_format: fn(Decimal) -> String,
) -> impl IntoView {
    let xs = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .chain(band.iter().flat_map(|b| b.points.iter().map(|p| p.0)))
        .chain(marker.iter().map(|m| m.x));
    let ys = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .chain(band.iter().flat_map(|b| b.points.iter().flat_map(|p| [p.1, p.2])))
        .chain(marker.iter().map(|m| m.y))
        .chain([Decimal::ZERO]);
    let (x_lo, x_hi) = bounds(xs);
    let (y_lo, y_hi) = bounds(ys);
    let y_ticks = ticks(y_lo, y_hi, 4);
    let x_ticks =
        if x_ticks.is_empty() { ticks(x_lo, x_hi, 5).into_iter().map(|t| (t, x_format(t))).collect() } else { x_ticks };
    let x_lo = x_ticks.first().map_or(x_lo, |t| t.0.min(x_lo));
    let x_hi = x_ticks.last().map_or(x_hi, |t| t.0.max(x_hi));
    let sx = Scale::new(x_lo, x_hi, LEFT, WIDTH - RIGHT);
    let sy = Scale::new(y_ticks[0], y_ticks[y_ticks.len() - 1], HEIGHT - BOTTOM, TOP);

    let band_view = band.as_ref().map(|b| {
        let upper = b.points.iter().map(|p| format!("{},{}", sx.at(p.0), sy.at(p.2)));
        let lower = b.points.iter().rev().map(|p| format!("{},{}", sx.at(p.0), sy.at(p.1)));
        let points = upper.chain(lower).collect::<Vec<_>>().join(" ");
        view! { <polygon class="chart-band" points=points></polygon> }
    });
    let lines = series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let points =
                s.points.iter().map(|p| format!("{},{}", sx.at(p.0), sy.at(p.1))).collect::<Vec<_>>().join(" ");
            let class = format!("chart-line series-{i}");
            view! { <polyline class=class class:dashed=s.dashed points=points></polyline> }
        })
        .collect_view();
    let marker_view = marker.as_ref().map(|m| {
        let (x, y) = (sx.at(m.x), sy.at(m.y));
        // Keep the label inside the plot: to the left of the point on the right half.
        let anchor = if x > (LEFT + WIDTH - RIGHT) / 2 { "end" } else { "start" };
        let dx = if anchor == "end" { -8 } else { 8 };
        view! {
            <g class="chart-marker">
                <line x1=x x2=x y1=HEIGHT - BOTTOM y2=y></line>
                <circle cx=x cy=y r="5"></circle>
                <text x=x + dx y=(y - 8).max(TOP + 10) text-anchor=anchor>{m.label.clone()}</text>
            </g>
        }
    });
    let legend: Vec<(String, String)> = band
        .iter()
        .map(|b| ("chart-key band".to_owned(), b.name.clone()))
        .chain(series.iter().enumerate().map(|(i, s)| (format!("chart-key series-{i}"), s.name.clone())))
        .collect();

    let aria = title.clone();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=aria>
                <title>{title}</title>
                <YAxis ticks=y_ticks scale=sy format=y_format label=y_label/>
                <g class="chart-axis x">
                    <line x1=LEFT x2=WIDTH - RIGHT y1=HEIGHT - BOTTOM y2=HEIGHT - BOTTOM></line>
                    {x_ticks
                        .into_iter()
                        .map(|(t, label)| {
                            let x = sx.at(t);
                            view! {
                                <line x1=x x2=x y1=HEIGHT - BOTTOM y2=HEIGHT - BOTTOM + 4></line>
                                <text x=x y=HEIGHT - BOTTOM + 17 text-anchor="middle">{label}</text>
                            }
                        })
                        .collect_view()}
                    <text class="chart-title" x=(LEFT + WIDTH - RIGHT) / 2 y=HEIGHT - 4 text-anchor="middle">
                        {x_label}
                    </text>
                </g>
                {band_view}
                {lines}
                {marker_view}
            </svg>
            <Legend keys=legend/>
        </figure>
    }
}

/// The vertical axis with gridlines, shared by the line and bar charts.
#[component]
pub(super) fn YAxis(ticks: Vec<Decimal>, scale: Scale, format: fn(Decimal) -> String, label: String) -> impl IntoView {
    let mid = (TOP + HEIGHT - BOTTOM) / 2;
    view! {
        <g class="chart-axis y">
            {ticks
                .into_iter()
                .map(|t| {
                    let y = scale.at(t);
                    view! {
                        <line class="grid" x1=LEFT x2=WIDTH - RIGHT y1=y y2=y></line>
                        <text x=LEFT - 6 y=y + 4 text-anchor="end">{format(t)}</text>
                    }
                })
                .collect_view()}
            <text class="chart-title" transform=format!("translate(12 {mid}) rotate(-90)") text-anchor="middle">
                {label}
            </text>
        </g>
    }
}

/// Swatches naming each line or band.
#[component]
pub(super) fn Legend(keys: Vec<(String, String)>) -> impl IntoView {
    (keys.len() > 1).then(|| {
        view! {
            <figcaption class="chart-legend">
                {keys
                    .into_iter()
                    .map(|(class, name)| view! { <span class="chart-legend-item"><span class=class></span>{name}</span> })
                    .collect_view()}
            </figcaption>
        }
    })
}

/// The smallest and largest value (0 to 1 when there are none).
pub(super) fn bounds(values: impl Iterator<Item = Decimal>) -> (Decimal, Decimal) {
    values
        .fold(None, |acc: Option<(Decimal, Decimal)>, v| Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v)))))
        .unwrap_or((Decimal::ZERO, Decimal::ONE))
}
