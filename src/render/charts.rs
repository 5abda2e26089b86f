//! The brief's charts: each defined once as data (title, text alternative, series, the table
//! behind it) and drawn with plotters. Today they are drawn to SVG; the definitions carry no
//! SVG-specific state, so a second plotters backend (the PDF's) can draw the same charts.
//!
//! Text is laid out with the bundled Noto Sans metrics (plotters' `ab_glyph` font backend), so
//! the SVG never depends on the fonts of the machine that builds it.

use super::records::{RecordLink, named};
use super::words;
use crate::benchmark::Benchmark;
use crate::incident::UsdTotal;
use crate::money::compact;
use crate::period::{Period, last_day_of_month};
use crate::stats::{Figures, Group, Records};
use crate::text::one_line;
use chrono::Datelike;
use plotters::prelude::*;
use serde::Serialize;

/// The bundled font: the charts' text is measured with it and the HTML names it first.
pub const FONT_REGULAR: &[u8] = include_bytes!("fonts/NotoSans-Regular.ttf");
pub const FONT_BOLD: &[u8] = include_bytes!("fonts/NotoSans-Bold.ttf");
const FAMILY: &str = "sans-serif";

/// Okabe–Ito, the colour-blind-safe palette: blue marks the period, sky blue the rest.
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);

/// Drawn 720 px wide: the text width of an A4 page at print resolution, and a phone's width
/// scaled down stays legible because labels are at least 13 px.
const WIDTH: u32 = 720;

#[derive(Debug, Serialize)]
pub struct Chart {
    /// `trend`, `annual`, `vectors`, `laundering`: also the file name's last part.
    pub id: &'static str,
    pub title: String,
    /// A sentence that says what the chart shows, for readers who cannot see it.
    pub alt: String,
    pub columns: Vec<&'static str>,
    /// Per column: whether it holds numbers (set right-aligned).
    pub numeric: Vec<bool>,
    pub rows: Vec<ChartRow>,
    /// The SVG file the Markdown links to: `brief-<label>-<id>.svg`, beside the brief.
    pub file: String,
    #[serde(skip)]
    pub svg: String,
    /// What to draw, for any plotters backend: the SVG above, and the PDF's vectors.
    #[serde(skip)]
    pub drawing: Drawing,
    /// Notes under the table (what a marker means).
    pub note: Option<String>,
}

/// A chart's marks, independent of the backend that draws them.
#[derive(Clone, Debug, Default)]
pub enum Drawing {
    #[default]
    Nothing,
    /// Vertical bars, optionally with published-figure markers; every `label_every`-th bar is
    /// labelled.
    Columns {
        title: String,
        bars: Vec<Bar>,
        markers: Vec<(String, Vec<Marker>)>,
        label_every: usize,
    },
    /// Horizontal bars, one labelled row per category, largest first.
    Rows {
        title: String,
        bars: Vec<(String, UsdTotal)>,
    },
}

impl Drawing {
    /// The drawing's size in pixels: the width of an A4 text column at print resolution.
    pub fn size(&self) -> (u32, u32) {
        match self {
            Drawing::Columns { .. } => (WIDTH, 340),
            Drawing::Rows { bars, .. } => (WIDTH, 90 + 34 * bars.len().max(1) as u32),
            Drawing::Nothing => (WIDTH, 0),
        }
    }

    /// Draws on any plotters backend; an error names the chart.
    pub fn draw<DB: DrawingBackend<ErrorType: 'static>>(
        &self,
        root: &DrawingArea<DB, plotters::coord::Shift>,
    ) -> Result<(), ChartError> {
        register_fonts();
        let (title, drawn) = match self {
            Drawing::Columns {
                title,
                bars,
                markers,
                label_every,
            } => (title, columns_on(root, title, bars, markers, *label_every)),
            Drawing::Rows { title, bars } => (title, rows_on(root, title, bars)),
            Drawing::Nothing => return Ok(()),
        };
        drawn.map_err(|source| ChartError {
            chart: title.clone(),
            source,
        })
    }

    /// The drawing as an SVG document.
    pub fn svg(&self) -> Result<String, ChartError> {
        if matches!(self, Drawing::Nothing) {
            return Ok(String::new());
        }
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, self.size()).into_drawing_area();
            self.draw(&root)?;
        }
        Ok(svg)
    }
}

/// What plotters reports when a drawing fails.
type DrawError = Box<dyn std::error::Error + Send + Sync>;

/// A chart that could not be drawn, by its title, with plotters' error as the cause.
#[derive(Debug)]
pub struct ChartError {
    pub chart: String,
    source: DrawError,
}

impl std::fmt::Display for ChartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot draw the chart \"{}\"", self.chart)
    }
}

impl std::error::Error for ChartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

#[derive(Debug, Serialize)]
pub struct ChartRow {
    pub cells: Vec<String>,
    /// The largest records behind the row (at most [`super::records::NAMED`]), in date order.
    pub records: Vec<RecordLink>,
    /// How many more records the row holds beyond those named.
    pub more: usize,
}

impl ChartRow {
    /// A row of cells and the records behind it, naming the largest.
    fn new(cells: Vec<String>, behind: &Records<'_>) -> Self {
        let (records, more) = named(behind.as_slice().to_vec());
        ChartRow {
            cells,
            records,
            more,
        }
    }
}

impl Chart {
    /// Every record the chart's table names.
    pub fn record_ids(&self) -> Vec<String> {
        self.rows
            .iter()
            .flat_map(|r| r.records.iter().map(|l| l.id.clone()))
            .collect()
    }
}

fn register_fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The bytes are compiled in; a font plotters cannot read is a build defect that every
        // chart test would show, so there is nothing to report at run time.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT_REGULAR);
        let _ = plotters::style::register_font(FAMILY, FontStyle::Bold, FONT_BOLD);
    });
}

/// One bar of a vertical bar chart.
#[derive(Clone, Debug)]
pub struct Bar {
    label: String,
    value: UsdTotal,
    highlight: bool,
    /// A small marker at the foot of the bar (months with laundering but no theft).
    foot_marker: bool,
}

/// Stolen per month over the 24 months ending with the period, the period's months drawn darker
/// and outlined, months with laundering but no theft marked at the foot.
pub fn monthly_trend(f: &Figures<'_>, period: Period) -> Result<Chart, ChartError> {
    let span = period.trailing_months(24);
    let bars: Vec<Bar> = f
        .trend
        .iter()
        .map(|m| Bar {
            label: m.first_day.format("%b %Y").to_string(),
            value: m.month.total_usd,
            // Every month the period touches.
            highlight: m.first_day <= period.to && period.from <= last_day_of_month(m.first_day),
            foot_marker: m.laundering && m.month.incidents == 0,
        })
        .collect();
    let peak = bars.iter().max_by_key(|b| b.value);
    let alt = format!(
        "Bar chart of US dollars stolen per month from {} to {}. The period's months are drawn darker: {} stolen in the period. {}",
        span.from.format("%B %Y"),
        span.to.format("%B %Y"),
        words::money(f.total_usd),
        match peak {
            Some(p) if p.value > 0 => format!(
                "The largest month is {} with {}.",
                p.label,
                words::money(p.value)
            ),
            _ => "No thefts are recorded in these months.".to_owned(),
        }
    );
    let drawing = Drawing::Columns {
        title: format!(
            "Stolen per month, {} to {}",
            span.from.format("%b %Y"),
            span.to.format("%b %Y")
        ),
        bars,
        markers: Vec::new(),
        label_every: 4,
    };
    let rows = f
        .trend
        .iter()
        .map(|m| {
            let cells = vec![
                m.month.key.to_string(),
                m.month.incidents.to_string(),
                compact(m.month.total_usd),
                if m.laundering { "yes" } else { "" }.to_owned(),
            ];
            ChartRow::new(cells, &m.month.records)
        })
        .collect();
    Ok(Chart {
        id: "trend",
        title: format!("Stolen per month, {} to {}", span.from.format("%B %Y"), span.to.format("%B %Y")),
        alt,
        columns: vec!["month", "thefts", "stolen", "laundering dated in the month"],
        numeric: vec![false, true, true, false],
        rows,
        file: String::new(),
        svg: drawing.svg()?,
        drawing,
        note: Some("Darker, outlined bars are the brief's period; a triangle at the foot marks a month with laundering but no theft.".into()),
    })
}

/// A published yearly figure drawn beside our bar.
#[derive(Clone, Debug)]
pub struct Marker {
    series: usize,
    bar: usize,
    value: UsdTotal,
}

/// Our total per calendar year beside each publisher's own figure for that year.
pub fn annual(
    f: &Figures<'_>,
    period: Period,
    benchmarks: &[Benchmark],
) -> Result<Chart, ChartError> {
    let (Some(first), Some(last)) = (f.by_year.first(), f.by_year.last()) else {
        return Ok(empty_chart("annual", "Stolen per year"));
    };
    let (first, last) = (first.year, last.year);
    let years: Vec<i32> = f.by_year.iter().map(|y| y.year).collect();
    // Only figures a publisher gives for exactly one calendar year compare with a yearly bar.
    let yearly: Vec<&Benchmark> = benchmarks
        .iter()
        .filter(|b| {
            b.from.year() == b.to.year()
                && b.from.ordinal() == 1
                && b.to.month() == 12
                && b.to.day() == 31
                && years.contains(&b.from.year())
        })
        .collect();
    let mut publishers: Vec<&str> = yearly.iter().map(|b| b.publisher.as_str()).collect();
    // The legend uses a publisher's own abbreviation when it gives one: "… (MSMT)" is "MSMT".
    publishers.sort_unstable();
    publishers.dedup();
    let markers: Vec<Marker> = yearly
        .iter()
        .filter_map(|b| {
            Some(Marker {
                series: publishers.iter().position(|p| *p == b.publisher)?,
                bar: years.iter().position(|y| *y == b.from.year())?,
                value: UsdTotal::from(b.amount_usd.0),
            })
        })
        .collect();
    let bars: Vec<Bar> = f
        .by_year
        .iter()
        .map(|y| Bar {
            label: y.year.to_string(),
            value: y.group.total_usd,
            highlight: y.year == period.to.year(),
            foot_marker: false,
        })
        .collect();
    let drawing = Drawing::Columns {
        title: "Stolen per year: these records and published estimates".into(),
        bars,
        markers: publishers_with(&publishers, &markers),
        label_every: 1,
    };
    let rows = f
        .by_year
        .iter()
        .map(|y| {
            let published: Vec<String> = yearly
                .iter()
                .filter(|b| b.from.year() == y.year)
                .map(|b| format!("{} {}", b.publisher, compact(b.amount_usd.0.into())))
                .collect();
            let cells = vec![
                y.year.to_string(),
                y.group.incidents.to_string(),
                compact(y.group.total_usd),
                published.join("; "),
            ];
            ChartRow::new(cells, &y.group.records)
        })
        .collect();
    Ok(Chart {
        id: "annual",
        title: "Stolen per year: these records and published estimates".into(),
        alt: format!(
            "Bar chart of US dollars stolen per year from {first} to {last} in these records, with markers for the yearly totals published by {}. Published totals are higher where publishers count thefts whose victims are not public.",
            if publishers.is_empty() { "no publisher".to_owned() } else { publishers.join(", ") }
        ),
        columns: vec!["year", "thefts", "stolen (these records)", "published estimates"],
        numeric: vec![false, true, true, false],
        rows,
        file: String::new(),
        svg: drawing.svg()?,
        drawing,
        note: Some("Markers are each publisher's own figure for the year; a publisher that restated a figure has a marker for each.".into()),
    })
}

/// Markers grouped per publisher, for drawing.
fn publishers_with(publishers: &[&str], markers: &[Marker]) -> Vec<(String, Vec<Marker>)> {
    publishers
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                short_name(p),
                markers.iter().filter(|m| m.series == i).cloned().collect(),
            )
        })
        .collect()
}

/// `Multilateral Sanctions Monitoring Team (MSMT)` as `MSMT`; other names as they are.
fn short_name(publisher: &str) -> String {
    publisher
        .strip_suffix(')')
        .and_then(|p| p.rsplit_once(" ("))
        .map_or(publisher, |(_, short)| short)
        .to_owned()
}

/// Attack vectors over the trailing twelve months, by dollars (groups come largest first).
pub fn vectors(f: &Figures<'_>) -> Result<Chart, ChartError> {
    let trailing = &f.trailing_12m;
    let list: &[Group<'_>] = &trailing.by_vector;
    let title = format!(
        "How they got in: {} to {}",
        trailing.from.format("%b %Y"),
        trailing.to.format("%b %Y")
    );
    let bars: Vec<(String, UsdTotal)> = list
        .iter()
        .map(|g| (g.key.replace('-', " "), g.total_usd))
        .collect();
    let drawing = Drawing::Rows {
        title: title.clone(),
        bars: bars.clone(),
    };
    Ok(Chart {
        id: "vectors",
        alt: format!(
            "Horizontal bar chart of US dollars stolen by attack vector over the twelve months to {}. {}",
            trailing.to.format("%B %Y"),
            bars.first()
                .map(|(k, t)| format!("The largest is {k}, with {}.", words::money(*t)))
                .unwrap_or_default()
        ),
        title,
        columns: vec!["vector", "thefts", "stolen"],
        numeric: vec![false, true, true],
        rows: list
            .iter()
            .map(|g| {
                let cells = vec![
                    g.key.replace('-', " "),
                    g.incidents.to_string(),
                    compact(g.total_usd),
                ];
                ChartRow::new(cells, &g.records)
            })
            .collect(),
        file: String::new(),
        svg: drawing.svg()?,
        drawing,
        note: None,
    })
}

/// Laundering services used in the period, by dollars moved.
pub fn laundering(f: &Figures<'_>) -> Result<Chart, ChartError> {
    let title = "Laundering in the period, by service".to_owned();
    let bars: Vec<(String, UsdTotal)> = f
        .laundering
        .iter()
        .map(|l| (one_line(l.service), l.usd))
        .collect();
    let drawing = Drawing::Rows {
        title: title.clone(),
        bars: bars.clone(),
    };
    Ok(Chart {
        id: "laundering",
        alt: format!(
            "Horizontal bar chart of US dollars moved through each laundering service in the period: {}.",
            bars.iter()
                .map(|(s, u)| format!(
                    "{s} {}",
                    if *u > 0 {
                        words::money(*u)
                    } else {
                        "amount not reported".into()
                    }
                ))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        title,
        columns: vec!["service", "method", "steps", "moved"],
        numeric: vec![false, false, true, true],
        rows: f
            .laundering
            .iter()
            .map(|l| {
                let cells = vec![
                    l.service.to_owned(),
                    l.method.replace('-', " "),
                    l.steps.to_string(),
                    if l.usd > 0 {
                        compact(l.usd)
                    } else {
                        "not reported".into()
                    },
                ];
                ChartRow::new(cells, &l.records)
            })
            .collect(),
        file: String::new(),
        svg: drawing.svg()?,
        drawing,
        note: None,
    })
}

fn empty_chart(id: &'static str, title: &str) -> Chart {
    Chart {
        id,
        title: title.to_owned(),
        alt: "No records to chart.".to_owned(),
        columns: Vec::new(),
        numeric: Vec::new(),
        rows: Vec::new(),
        file: String::new(),
        svg: String::new(),
        drawing: Drawing::Nothing,
        note: None,
    }
}

/// The top of the value axis: a little above the largest value, never zero.
fn axis_top(max: UsdTotal) -> f64 {
    (max.max(1_000_000) as f64) * 1.12
}

fn money_label(value: &f64) -> String {
    if *value <= 0.0 {
        "$0".to_owned()
    } else {
        compact(*value as UsdTotal)
    }
}

const MARKER_COLOURS: [RGBColor; 5] = [ORANGE, VERMILLION, GREEN, PURPLE, INK];

fn columns_on<DB: DrawingBackend<ErrorType: 'static>>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    bars: &[Bar],
    markers: &[(String, Vec<Marker>)],
    label_every: usize,
) -> Result<(), DrawError> {
    {
        root.fill(&WHITE)?;
        let n = bars.len().max(1) as f64;
        let top = bars
            .iter()
            .map(|b| b.value)
            .chain(
                markers
                    .iter()
                    .flat_map(|(_, ms)| ms.iter().map(|m| m.value)),
            )
            .max()
            .unwrap_or(0);
        let mut chart = ChartBuilder::on(root)
            .caption(
                title,
                (FAMILY, 19).into_font().style(FontStyle::Bold).color(&INK),
            )
            .margin(12)
            .margin_right(28)
            .x_label_area_size(34)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.5f64..(n - 0.5), 0f64..axis_top(top))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(bars.len().max(1))
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() > 1e-6 || i < 0.0 {
                    return String::new();
                }
                let i = i as usize;
                let last = bars.len().saturating_sub(1);
                if i % label_every.max(1) == last % label_every.max(1) {
                    bars.get(i).map(|b| b.label.clone()).unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_labels(6)
            .y_label_formatter(&money_label)
            .label_style((FAMILY, 15).into_font().color(&INK))
            .draw()?;
        chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
            let x = i as f64;
            let colour = if b.highlight { BLUE } else { SKY };
            Rectangle::new(
                [(x - 0.38, 0.0), (x + 0.38, b.value as f64)],
                colour.filled(),
            )
        }))?;
        // The period is outlined as well as darker, so it survives grey printing.
        chart.draw_series(
            bars.iter()
                .enumerate()
                .filter(|(_, b)| b.highlight && b.value > 0)
                .map(|(i, b)| {
                    let x = i as f64;
                    Rectangle::new(
                        [(x - 0.38, 0.0), (x + 0.38, b.value as f64)],
                        INK.stroke_width(2),
                    )
                }),
        )?;
        let foot = axis_top(top) * 0.02;
        chart.draw_series(
            bars.iter()
                .enumerate()
                .filter(|(_, b)| b.foot_marker)
                .map(|(i, _)| TriangleMarker::new((i as f64, foot), 6, INK.filled())),
        )?;
        for (series, (publisher, ms)) in markers.iter().enumerate() {
            let colour = MARKER_COLOURS[series % MARKER_COLOURS.len()];
            // Each publisher sits at its own offset beside the bar, with its own shape.
            let offset = -0.3 + 0.6 * (series as f64 + 0.5) / markers.len() as f64;
            let points: Vec<(f64, f64)> = ms
                .iter()
                .map(|m| (m.bar as f64 + offset, m.value as f64))
                .collect();
            let style = colour.filled();
            let shape = series % 3;
            chart
                .draw_series(
                    points
                        .iter()
                        .map(|p| EmptyElement::at(*p) + Polygon::new(marker_outline(shape), style)),
                )?
                .label(publisher.as_str())
                .legend(move |(x, y)| {
                    let outline = marker_outline(shape);
                    Polygon::new(
                        outline
                            .into_iter()
                            .map(|(dx, dy)| (x + 6 + dx, y + dy))
                            .collect::<Vec<_>>(),
                        style,
                    )
                });
        }
        if !markers.is_empty() {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .background_style(WHITE.mix(0.9))
                .border_style(TRANSPARENT)
                .label_font((FAMILY, 15).into_font().color(&INK))
                .draw()?;
        }
        root.present()?;
    }
    Ok(())
}

/// A published-figure marker's outline around its point, in pixels: circle (an octagon),
/// triangle or square, so publishers differ by shape as well as colour.
fn marker_outline(shape: usize) -> Vec<(i32, i32)> {
    match shape {
        0 => vec![
            (-3, -6),
            (3, -6),
            (6, -3),
            (6, 3),
            (3, 6),
            (-3, 6),
            (-6, 3),
            (-6, -3),
        ],
        1 => vec![(0, -7), (7, 6), (-7, 6)],
        _ => vec![(-5, -5), (5, -5), (5, 5), (-5, 5)],
    }
}

/// A horizontal bar chart, one labelled row per category, largest first.
fn rows_on<DB: DrawingBackend<ErrorType: 'static>>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    bars: &[(String, UsdTotal)],
) -> Result<(), DrawError> {
    {
        root.fill(&WHITE)?;
        let n = bars.len().max(1) as f64;
        let top = bars.iter().map(|b| b.1).max().unwrap_or(0);
        let mut chart = ChartBuilder::on(root)
            .caption(
                title,
                (FAMILY, 19).into_font().style(FontStyle::Bold).color(&INK),
            )
            .margin(12)
            .margin_right(28)
            .x_label_area_size(30)
            .y_label_area_size(190)
            .build_cartesian_2d(0f64..axis_top(top), -0.5f64..(n - 0.5))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(5)
            .x_label_formatter(&money_label)
            .y_labels(bars.len().max(1))
            .y_label_formatter(&|y| {
                let i = y.round();
                if (y - i).abs() > 1e-6 || i < 0.0 {
                    return String::new();
                }
                // Largest at the top: row 0 is drawn highest.
                let row = bars.len().saturating_sub(1).saturating_sub(i as usize);
                bars.get(row).map(|b| b.0.clone()).unwrap_or_default()
            })
            .label_style((FAMILY, 15).into_font().color(&INK))
            .draw()?;
        chart.draw_series(bars.iter().enumerate().map(|(row, (_, value))| {
            let y = (bars.len() - 1 - row) as f64;
            Rectangle::new([(0.0, y - 0.32), (*value as f64, y + 0.32)], BLUE.filled())
        }))?;
        root.present()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legends_use_a_publishers_own_abbreviation() {
        assert_eq!(
            short_name("Multilateral Sanctions Monitoring Team (MSMT)"),
            "MSMT"
        );
        assert_eq!(short_name("Chainalysis"), "Chainalysis");
    }

    use plotters_backend::{BackendColor, DrawingErrorKind};

    /// A backend that refuses to draw: the chart's error names it and keeps the cause.
    struct Refusing;

    #[derive(Debug)]
    struct Refused;

    impl std::fmt::Display for Refused {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("the backend refused")
        }
    }

    impl std::error::Error for Refused {}

    impl DrawingBackend for Refusing {
        type ErrorType = Refused;
        fn get_size(&self) -> (u32, u32) {
            (100, 100)
        }
        fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Refused>> {
            Err(DrawingErrorKind::DrawingError(Refused))
        }
        fn present(&mut self) -> Result<(), DrawingErrorKind<Refused>> {
            Ok(())
        }
        fn draw_pixel(
            &mut self,
            _: (i32, i32),
            _: BackendColor,
        ) -> Result<(), DrawingErrorKind<Refused>> {
            Err(DrawingErrorKind::DrawingError(Refused))
        }
    }

    #[test]
    fn a_chart_that_cannot_be_drawn_is_an_error_naming_it() {
        let drawing = Drawing::Rows {
            title: "How they got in".into(),
            bars: vec![("unknown".to_owned(), 5_000_000)],
        };
        let root = Refusing.into_drawing_area();
        let error = drawing.draw(&root).expect_err("the backend refuses");
        assert_eq!(
            error.to_string(),
            "cannot draw the chart \"How they got in\""
        );
        let cause = std::error::Error::source(&error).expect("a cause");
        assert!(cause.to_string().contains("the backend refused"), "{cause}");
    }

    #[test]
    fn chart_text_from_records_is_escaped_in_the_svg() {
        let svg = Drawing::Rows {
            title: "t".into(),
            bars: vec![("<script>x</script> & \"q\"".to_owned(), 5_000_000)],
        }
        .svg()
        .expect("drawn");
        assert!(
            svg.contains("&lt;script&gt;x&lt;/script&gt; &amp;"),
            "{svg}"
        );
        assert!(!svg.contains("<script"), "{svg}");
    }

    #[test]
    fn axis_labels_read_as_money_not_exponents() {
        let bars = [Bar {
            label: "2024".into(),
            value: 1_460_000_000,
            highlight: true,
            foot_marker: false,
        }];
        let svg = Drawing::Columns {
            title: "t".into(),
            bars: bars.to_vec(),
            markers: Vec::new(),
            label_every: 1,
        }
        .svg()
        .expect("drawn");
        for label in ["$0", "$500M", "$1B", "$1.5B"] {
            assert!(svg.contains(&format!("\n{label}\n")), "{label}: {svg}");
        }
        assert!(!svg.contains("e8") && !svg.contains("e9"), "{svg}");
    }
}
