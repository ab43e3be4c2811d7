//! Drawing a chart's SVG: horizontal bars, columns or lines from [`Data`], with round
//! ticks written for the page's language and labels placed so they do not overlap (bar
//! labels on their own line, never crossed by a grid line or the zero axis; column labels
//! wrapped or thinned; line-chart years thinned). Colours come from CSS custom properties
//! with fallbacks; lines also differ by dash pattern and markers.

use std::fmt::Write;

use super::context::StatsContext;
use super::scale::Scale;
use crate::html::escape;

/// viewBox width and text size: on a 375 px phone the chart is about 310 px wide, so text
/// is about 12 px; themes cap the width on large screens (the region theme at 30rem).
pub(super) const WIDTH: f64 = 380.0;
pub(super) const FONT: f64 = 15.0;
/// A generous average glyph width at FONT, to keep labels apart.
const CHAR: f64 = 8.4;
const PALETTE: [&str; 6] = ["#1f5f8b", "#b3541e", "#2e7d32", "#6a3d9a", "#8c6d1f", "#c2185b"];
const DASHES: [&str; 6] = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4"];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Bar,
    Column,
    Line,
}

impl Kind {
    pub(super) fn name(self) -> &'static str {
        match self {
            Kind::Bar => "bar",
            Kind::Column => "column",
            Kind::Line => "line",
        }
    }
}

/// What is drawn: categories along one axis, one or more series of values.
pub(super) struct Data {
    pub(super) categories: Vec<String>,
    pub(super) series: Vec<Series>,
}

pub(super) struct Series {
    pub(super) label: String,
    pub(super) values: Vec<Option<f64>>,
}

impl Data {
    pub(super) fn numbers(&self) -> impl Iterator<Item = f64> + '_ {
        self.series.iter().flat_map(|s| s.values.iter().flatten().copied())
    }
}

pub(super) struct Body {
    pub(super) svg: String,
    pub(super) height: f64,
}

fn color(series: usize) -> String {
    format!("var(--chart-{},{})", series % PALETTE.len() + 1, PALETTE[series % PALETTE.len()])
}

pub(super) fn fmt(n: f64) -> String {
    let rounded = (n * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded:.1}") }
}

fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR
}

/// The ticks of a scale, fewer when their labels would collide in `length` units.
fn fitting_scale(low: f64, high: f64, from_zero: bool, length: f64, cx: &StatsContext, horizontal: bool) -> Scale {
    let mut target = 5;
    loop {
        let scale = Scale::new(low, high, target, from_zero);
        let widest =
            scale.ticks.iter().map(|t| text_width(&cx.locale.number(*t, Some(scale.decimals)))).fold(0.0, f64::max);
        let room = length / (scale.ticks.len().max(2) - 1) as f64;
        let needed = if horizontal { widest + 12.0 } else { FONT + 8.0 };
        if needed <= room || target <= 2 {
            return scale;
        }
        target -= 1;
    }
}

/// Legend entries in rows that fit the width: (svg, height).
fn legend(data: &Data, top: f64, line_sample: bool) -> (String, f64) {
    if data.series.len() < 2 {
        return (String::new(), 0.0);
    }
    let mut svg = String::from("<g class=\"legend\">\n");
    let (mut x, mut y) = (8.0, top + FONT);
    for (s, series) in data.series.iter().enumerate() {
        let width = 26.0 + text_width(&series.label) + 16.0;
        if x > 8.0 && x + width > WIDTH {
            x = 8.0;
            y += FONT + 8.0;
        }
        if line_sample {
            let dash = if DASHES[s % DASHES.len()].is_empty() {
                String::new()
            } else {
                format!(";stroke-dasharray:{}", DASHES[s % DASHES.len()])
            };
            let _ = writeln!(
                svg,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" style=\"stroke:{};stroke-width:3{dash}\"/>",
                fmt(x),
                fmt(y - 5.0),
                fmt(x + 20.0),
                fmt(y - 5.0),
                color(s)
            );
        } else {
            let _ = writeln!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" style=\"fill:{}\"/>",
                fmt(x),
                fmt(y - 12.0),
                color(s)
            );
        }
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" fill=\"currentColor\">{}</text>",
            fmt(x + 26.0),
            fmt(y),
            escape(&series.label)
        );
        x += width;
    }
    svg.push_str("</g>\n");
    (svg, y - top + 10.0)
}

/// Horizontal bars: each category's label on its own line, its bars under it, values at
/// the bar ends (left of a negative bar), a value axis at the bottom. Grid lines and the
/// zero axis run beside the bars only, so they never cross a label.
pub(super) fn bars(data: &Data, cx: &StatsContext, value: &dyn Fn(f64) -> String) -> Body {
    let (mut svg, legend_height) = legend(data, 4.0, false);
    let top = 8.0 + legend_height;
    let widest = |values: &mut dyn Iterator<Item = f64>| values.map(|v| text_width(&value(v))).fold(0.0, f64::max);
    let widest_positive = widest(&mut data.numbers().filter(|v| *v >= 0.0));
    let widest_negative = widest(&mut data.numbers().filter(|v| *v < 0.0));
    let (low, high) = (data.numbers().fold(f64::INFINITY, f64::min), data.numbers().fold(f64::NEG_INFINITY, f64::max));
    let right = WIDTH - 8.0 - widest_positive - 8.0;
    // Room for the value of a negative bar, written left of it, and for half the first
    // tick label, which is centred on its tick.
    let negative_room = if widest_negative > 0.0 { widest_negative + 6.0 } else { 0.0 };
    let scale = fitting_scale(low, high, true, right - 8.0 - negative_room, cx, true);
    let first_tick = text_width(&cx.locale.number(scale.min, Some(scale.decimals))) / 2.0;
    let left = 8.0 + negative_room.max(first_tick);
    let x = |v: f64| left + scale.fraction(v) * (right - left);
    let bar = 16.0;
    let bars_height = data.series.len() as f64 * (bar + 3.0);
    let block = FONT + 6.0 + bars_height + 10.0;
    let plot_bottom = top + data.categories.len() as f64 * block;
    // The band of each category's bars, where grid lines and the axis are drawn.
    let bands: Vec<(f64, f64)> = (0..data.categories.len())
        .map(|i| {
            let start = top + i as f64 * block + FONT + 3.0;
            (start, start + bars_height + 3.0)
        })
        .collect();
    // One path per kind of line: a segment in each band at each of `xs`.
    let beside_bars = |svg: &mut String, xs: &[f64], style: &str| {
        let mut d = String::new();
        for at in xs {
            for (from, to) in &bands {
                let _ = write!(d, "M{} {}V{}", fmt(*at), fmt(*from), fmt(*to));
            }
        }
        let _ = writeln!(svg, "<path d=\"{d}\" style=\"{style}\"/>");
    };
    let tick_xs: Vec<f64> = scale.ticks.iter().map(|tick| x(*tick)).collect();
    beside_bars(&mut svg, &tick_xs, "fill:none;stroke:var(--chart-grid,#c8c8c8)");
    for tick in &scale.ticks {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"currentColor\">{}</text>",
            fmt(x(*tick)),
            fmt(plot_bottom + FONT + 6.0),
            escape(&cx.locale.number(*tick, Some(scale.decimals)))
        );
    }
    for (i, category) in data.categories.iter().enumerate() {
        let y = top + i as f64 * block;
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" fill=\"currentColor\">{}</text>",
            fmt(left),
            fmt(y + FONT),
            escape(category)
        );
        for (s, series) in data.series.iter().enumerate() {
            let Some(v) = series.values[i] else { continue };
            let bar_y = y + FONT + 6.0 + s as f64 * (bar + 3.0);
            let (from, to) = (x(0.0).min(x(v)), x(0.0).max(x(v)));
            let _ = writeln!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{bar}\" style=\"fill:{}\"><title>{}: {}</title></rect>",
                fmt(from),
                fmt(bar_y),
                fmt((to - from).max(1.0)),
                color(s),
                escape(&format!("{category}, {}", series.label)),
                escape(&value(v))
            );
            let (at, anchor) = if v < 0.0 { (from - 6.0, " text-anchor=\"end\"") } else { (to + 6.0, "") };
            let _ = writeln!(
                svg,
                "<text x=\"{}\" y=\"{}\"{anchor} fill=\"currentColor\">{}</text>",
                fmt(at),
                fmt(bar_y + bar - 3.0),
                escape(&value(v))
            );
        }
    }
    beside_bars(&mut svg, &[x(0.0)], "fill:none;stroke:var(--chart-axis,#595959);stroke-width:1.5");
    Body { svg, height: plot_bottom + FONT + 14.0 }
}

/// Splits a label into lines of at most `room` units; `None` when a word is too long.
fn wrap(label: &str, room: f64) -> Option<Vec<String>> {
    let mut lines: Vec<String> = Vec::new();
    for word in label.split_whitespace() {
        if text_width(word) > room {
            return None;
        }
        match lines.last_mut() {
            Some(line) if text_width(line) + CHAR + text_width(word) <= room => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    (lines.len() <= 3).then_some(lines)
}

/// The value axis at the left: ticks and grid lines; returns the plot's left edge.
fn value_axis(svg: &mut String, scale: &Scale, y: &dyn Fn(f64) -> f64, cx: &StatsContext, right: f64) -> f64 {
    let labels: Vec<String> = scale.ticks.iter().map(|t| cx.locale.number(*t, Some(scale.decimals))).collect();
    let left = 8.0 + labels.iter().map(|l| text_width(l)).fold(0.0, f64::max) + 8.0;
    for (tick, label) in scale.ticks.iter().zip(&labels) {
        let _ = writeln!(
            svg,
            "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" style=\"stroke:var(--chart-grid,#c8c8c8)\"/>",
            fmt(left),
            fmt(y(*tick)),
            fmt(right)
        );
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"currentColor\">{}</text>",
            fmt(left - 6.0),
            fmt(y(*tick) + 5.0),
            escape(label)
        );
    }
    left
}

const PLOT_HEIGHT: f64 = 200.0;

/// Vertical columns: categories along the bottom (wrapped, or every few when crowded),
/// values on top of the columns when they fit.
pub(super) fn columns(data: &Data, cx: &StatsContext, value: &dyn Fn(f64) -> String) -> Body {
    let (mut svg, legend_height) = legend(data, 4.0, false);
    let top = 12.0 + legend_height;
    let (low, high) = (data.numbers().fold(f64::INFINITY, f64::min), data.numbers().fold(f64::NEG_INFINITY, f64::max));
    let scale = fitting_scale(low, high, true, PLOT_HEIGHT, cx, false);
    let y = |v: f64| top + PLOT_HEIGHT - scale.fraction(v) * PLOT_HEIGHT;
    let right = WIDTH - 8.0;
    let left = value_axis(&mut svg, &scale, &y, cx, right);
    let slot = (right - left) / data.categories.len() as f64;
    let width = slot * 0.7 / data.series.len() as f64;
    let show_values = data.numbers().all(|v| text_width(&value(v)) <= slot * 0.95);
    for (i, _) in data.categories.iter().enumerate() {
        for (s, series) in data.series.iter().enumerate() {
            let Some(v) = series.values[i] else { continue };
            let x = left + i as f64 * slot + slot * 0.15 + s as f64 * width;
            let (from, to) = (y(v).min(y(0.0)), y(v).max(y(0.0)));
            let _ = writeln!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" style=\"fill:{}\"><title>{}: {}</title></rect>",
                fmt(x),
                fmt(from),
                fmt(width),
                fmt((to - from).max(1.0)),
                color(s),
                escape(&format!("{}, {}", data.categories[i], series.label)),
                escape(&value(v))
            );
            if show_values && data.series.len() == 1 {
                let _ = writeln!(
                    svg,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"currentColor\">{}</text>",
                    fmt(x + width / 2.0),
                    fmt(from - 5.0),
                    escape(&value(v))
                );
            }
        }
    }
    let baseline = y(0.0);
    let _ = writeln!(
        svg,
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" style=\"stroke:var(--chart-axis,#595959);stroke-width:1.5\"/>",
        fmt(left),
        fmt(baseline),
        fmt(right)
    );
    let bottom = top + PLOT_HEIGHT;
    let wrapped: Option<Vec<Vec<String>>> = data.categories.iter().map(|c| wrap(c, slot - 4.0)).collect();
    let (labels, step) = match wrapped {
        Some(lines) => (lines, 1),
        None => {
            let widest = data.categories.iter().map(|c| text_width(c)).fold(0.0, f64::max);
            (data.categories.iter().map(|c| vec![c.clone()]).collect(), (widest / slot).ceil().max(1.0) as usize)
        }
    };
    let mut tallest = 1;
    for (i, lines) in labels.iter().enumerate().filter(|(i, _)| i % step == 0) {
        tallest = tallest.max(lines.len());
        let x = left + (i as f64 + 0.5) * slot;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"currentColor\">",
            fmt(x),
            fmt(bottom + FONT + 6.0)
        );
        for (n, line) in lines.iter().enumerate() {
            let dy = if n == 0 { "0".to_string() } else { fmt(FONT + 2.0) };
            let _ = write!(svg, "<tspan x=\"{}\" dy=\"{dy}\">{}</tspan>", fmt(x), escape(line));
        }
        svg.push_str("</text>\n");
    }
    Body { svg, height: bottom + 10.0 + tallest as f64 * (FONT + 2.0) + 6.0 }
}

/// Lines over the columns (usually years): one line per row, with markers and dashes;
/// a scale fitted to the data, and every few labels when they would crowd.
pub(super) fn lines(data: &Data, cx: &StatsContext) -> Body {
    let mut svg = String::new();
    let top = 12.0;
    let (low, high) = (data.numbers().fold(f64::INFINITY, f64::min), data.numbers().fold(f64::NEG_INFINITY, f64::max));
    let scale = fitting_scale(low, high, false, PLOT_HEIGHT, cx, false);
    let y = |v: f64| top + PLOT_HEIGHT - scale.fraction(v) * PLOT_HEIGHT;
    let right = WIDTH - 12.0;
    let left = value_axis(&mut svg, &scale, &y, cx, right);
    let count = data.categories.len();
    let step_x = if count > 1 { (right - left) / (count - 1) as f64 } else { 0.0 };
    let x = |i: usize| if count > 1 { left + i as f64 * step_x } else { (left + right) / 2.0 };
    let bottom = top + PLOT_HEIGHT;
    let widest = data.categories.iter().map(|c| text_width(c)).fold(0.0, f64::max);
    let every = if step_x > 0.0 { ((widest + 10.0) / step_x).ceil().max(1.0) as usize } else { 1 };
    for (i, label) in data.categories.iter().enumerate() {
        let last = i + 1 == count;
        // The last label always shows, so the others step back from it.
        if !(count - 1 - i).is_multiple_of(every) && !last {
            continue;
        }
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"currentColor\">{}</text>",
            fmt(x(i)),
            fmt(bottom + FONT + 6.0),
            escape(label)
        );
    }
    for (s, series) in data.series.iter().enumerate() {
        let mut path = String::new();
        let mut pen_down = false;
        for (i, v) in series.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(path, "{}{} {} ", if pen_down { "L" } else { "M" }, fmt(x(i)), fmt(y(*v)));
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let dash = DASHES[s % DASHES.len()];
        let dash = if dash.is_empty() { String::new() } else { format!(";stroke-dasharray:{dash}") };
        if !path.is_empty() {
            let _ = writeln!(
                svg,
                "<path d=\"{}\" style=\"fill:none;stroke:{};stroke-width:2.5{dash}\"><title>{}</title></path>",
                path.trim_end(),
                color(s),
                escape(&series.label)
            );
        }
        for (i, v) in series.values.iter().enumerate() {
            let Some(v) = v else { continue };
            let _ = writeln!(
                svg,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\" style=\"fill:{}\"><title>{}, {}: {}</title></circle>",
                fmt(x(i)),
                fmt(y(*v)),
                color(s),
                escape(&series.label),
                escape(&data.categories[i]),
                escape(&cx.locale.number(*v, None))
            );
        }
    }
    let _ = writeln!(
        svg,
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" style=\"stroke:var(--chart-axis,#595959);stroke-width:1.5\"/>",
        fmt(left),
        fmt(bottom),
        fmt(right)
    );
    let labels_bottom = bottom + FONT + 16.0;
    let single = Data {
        categories: vec![],
        series: data.series.iter().map(|s| Series { label: s.label.clone(), values: vec![] }).collect(),
    };
    let (legend_svg, legend_height) =
        if data.series.len() > 1 { legend(&single, labels_bottom, true) } else { (String::new(), 0.0) };
    svg.push_str(&legend_svg);
    Body { svg, height: labels_bottom + legend_height + 4.0 }
}
