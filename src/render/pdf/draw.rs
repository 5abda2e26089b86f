//! Frames to PDF drawing operations: each item as printpdf operations, inside its
//! marked-content sequence, with the charts drawn through our plotters back end. The only
//! place layout's output meets printpdf.

use super::backend::{PdfBackend, frame};
use super::fonts::Fonts;
use super::frame::{Colour, Entry, Frame, Item};
use super::page::PageOps;
use crate::render::charts::{Chart, ChartError};
use printpdf::{Color, Line, LinePoint, Op, Point, Pt, Rgb};

/// A page's operations from its frame, `page_height` points high. The first chart that cannot
/// be drawn is an error naming it.
pub fn page(
    frame: &Frame,
    fonts: &Fonts,
    charts: &[Chart],
    page_height: f32,
) -> Result<Vec<Op>, ChartError> {
    let mut ops = PageOps::default();
    for entry in &frame.entries {
        match entry {
            Entry::Begin(sequence) => {
                let tag = match sequence.mark {
                    super::tags::Mark::Content(_) => sequence.role.name(),
                    _ => "Artifact",
                };
                ops.begin(sequence.mark, tag, sequence.mcid);
            }
            Entry::Draw(item) => draw(item, &mut ops, fonts, charts, page_height)?,
        }
    }
    Ok(ops.into_ops())
}

fn draw(
    item: &Item,
    ops: &mut PageOps,
    fonts: &Fonts,
    charts: &[Chart],
    page_height: f32,
) -> Result<(), ChartError> {
    match item {
        Item::Text {
            text,
            face,
            size,
            x,
            baseline,
            colour: ink,
        } => ops.extend(fonts.text_ops(
            text,
            *face,
            *size,
            (*x, page_height - baseline),
            colour(*ink),
        )),
        Item::Line {
            from,
            to,
            thickness,
            colour: ink,
        } => {
            let point = |(x, y): (f32, f32)| LinePoint {
                p: Point {
                    x: Pt(x),
                    y: Pt(page_height - y),
                },
                bezier: false,
            };
            ops.push(Op::SetOutlineColor { col: colour(*ink) });
            ops.push(Op::SetOutlineThickness { pt: Pt(*thickness) });
            ops.push(Op::DrawLine {
                line: Line {
                    points: vec![point(*from), point(*to)],
                    is_closed: false,
                },
            });
        }
        Item::Chart {
            index,
            left,
            top,
            scale,
        } => {
            let Some(chart) = charts.get(*index) else {
                return Ok(());
            };
            let mut drawn = Vec::new();
            {
                use plotters::prelude::IntoDrawingArea;
                let backend = PdfBackend::new(
                    fonts,
                    chart.drawing.size(),
                    *scale,
                    (*left, *top),
                    page_height,
                    &mut drawn,
                );
                chart.drawing.draw(&backend.into_drawing_area())?;
            }
            ops.extend(drawn);
        }
        Item::Frame {
            left,
            top,
            width,
            height,
        } => ops.extend(frame(*left, *top, *width, *height, page_height)),
    }
    Ok(())
}

pub fn colour((r, g, b): Colour) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}
