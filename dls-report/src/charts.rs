//! The charts, drawn with plotters into SVG strings: grouped bars (a missing figure is a gap
//! labelled "missing", never a bar of height 0) and intervals (a forest plot of differences
//! with their confidence intervals around 0).

use std::ops::Range;

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::ReportError;

/// A categorical axis: category `i` spans `i..i + 1`, its label at the centre.
struct Categories {
    labels: Vec<String>,
    inner: RangedCoordf64,
}

impl Categories {
    fn new(labels: Vec<String>) -> Categories {
        let n = labels.len().max(1) as f64;
        Categories {
            labels,
            inner: (0.0..n).into(),
        }
    }
}

impl Ranged for Categories {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;
    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }
    fn key_points<H: KeyPointHint>(&self, _hint: H) -> Vec<f64> {
        (0..self.labels.len()).map(|i| i as f64 + 0.5).collect()
    }
    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

impl ValueFormatter<f64> for Categories {
    fn format(_value: &f64) -> String {
        String::new()
    }
    fn format_ext(&self, value: &f64) -> String {
        self.labels
            .get(value.floor().max(0.0) as usize)
            .cloned()
            .unwrap_or_default()
    }
}

/// One series of a bar chart: a value per category, `None` where the figure is missing.
pub(crate) struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// One row of an interval chart.
pub(crate) struct Interval {
    pub label: String,
    pub difference: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

const WIDTH: u32 = 760;
/// Colour-blind-safe colours (Okabe–Ito).
const COLOURS: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
];

fn failed<E>(title: &str) -> impl FnOnce(E) -> ReportError + '_ {
    move |_| ReportError::Chart {
        chart: title.to_string(),
    }
}

/// Grouped bars: one group per category, one bar per series.
pub(crate) fn bars(
    title: &str,
    y_label: &str,
    categories: &[&str],
    series: &[Series],
) -> Result<String, ReportError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 340)).into_drawing_area();
        root.fill(&WHITE).map_err(failed(title))?;
        let max = series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .fold(0f64, |a, &b| a.max(b));
        let top = if max > 0.0 { max * 1.15 } else { 1.0 };
        let axis = Categories::new(categories.iter().map(|c| c.to_string()).collect());
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(axis, 0f64..top)
            .map_err(failed(title))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .max_light_lines(2)
            .y_desc(y_label)
            .label_style(("sans-serif", 12))
            .draw()
            .map_err(failed(title))?;
        let k = series.len().max(1) as f64;
        let width = 0.8 / k;
        for (si, s) in series.iter().enumerate() {
            let colour = COLOURS[si % COLOURS.len()];
            let bars = s.values.iter().enumerate().filter_map(|(ci, v)| {
                v.map(|v| {
                    let x0 = ci as f64 + 0.1 + si as f64 * width;
                    Rectangle::new([(x0, 0.0), (x0 + width * 0.92, v)], colour.filled())
                })
            });
            chart
                .draw_series(bars)
                .map_err(failed(title))?
                .label(s.name.clone())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled())
                });
            let missing = s
                .values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_none())
                .map(|(ci, _)| {
                    let x = ci as f64 + 0.1 + si as f64 * width;
                    Text::new(
                        "missing",
                        (x, top * 0.03),
                        ("sans-serif", 11).into_font().color(&RGBColor(90, 90, 90)),
                    )
                });
            chart.draw_series(missing).map_err(failed(title))?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(("sans-serif", 12))
            .draw()
            .map_err(failed(title))?;
        root.present().map_err(failed(title))?;
    }
    Ok(svg)
}

/// A forest plot: per row the difference (a dot) and its interval (a bar) on one axis, with
/// the line at 0; a row without figures says "missing".
pub(crate) fn intervals(title: &str, unit: &str, rows: &[Interval]) -> Result<String, ReportError> {
    let mut svg = String::new();
    {
        let height = 70 + 34 * rows.len() as u32;
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(failed(title))?;
        let values = rows
            .iter()
            .flat_map(|r| [r.difference, r.low, r.high])
            .flatten()
            .chain([0.0]);
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let pad = ((hi - lo) * 0.1).max(0.05);
        let n = rows.len();
        // the first row on top
        let axis = Categories::new(rows.iter().rev().map(|r| r.label.clone()).collect());
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(230)
            .build_cartesian_2d(lo - pad..hi + pad, axis)
            .map_err(failed(title))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .max_light_lines(2)
            .x_desc(unit)
            .label_style(("sans-serif", 12))
            .draw()
            .map_err(failed(title))?;
        let y_of = |i: usize| (n - 1 - i) as f64 + 0.5;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n as f64)],
                BLACK.stroke_width(1),
            )))
            .map_err(failed(title))?;
        let colour = COLOURS[0];
        chart
            .draw_series(rows.iter().enumerate().filter_map(|(i, r)| {
                let (d, l, h) = (r.difference?, r.low?, r.high?);
                Some(ErrorBar::new_horizontal(
                    y_of(i),
                    l,
                    d,
                    h,
                    colour.filled().stroke_width(2),
                    10,
                ))
            }))
            .map_err(failed(title))?;
        chart
            .draw_series(rows.iter().enumerate().filter_map(|(i, r)| {
                r.difference
                    .map(|d| Circle::new((d, y_of(i)), 4, colour.filled()))
            }))
            .map_err(failed(title))?;
        chart
            .draw_series(
                rows.iter()
                    .enumerate()
                    .filter(|(_, r)| r.difference.is_none())
                    .map(|(i, _)| {
                        Text::new(
                            "missing",
                            (0.0, y_of(i)),
                            ("sans-serif", 11).into_font().color(&RGBColor(90, 90, 90)),
                        )
                    }),
            )
            .map_err(failed(title))?;
        root.present().map_err(failed(title))?;
    }
    Ok(svg)
}
