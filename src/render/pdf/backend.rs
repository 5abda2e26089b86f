//! A plotters backend that draws into PDF operations: the HTML's charts, from the same
//! definitions, as vectors with their labels in the bundled font (so `pdftotext` reads them).
//!
//! Plotters works in integer pixels from the top-left; the chart is placed at a point on the
//! page and scaled to the text width.

use super::fonts::{Face, Fonts};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle,
};
use printpdf::{
    Color, Line, LinePoint, Op, PaintMode, Point, Polygon, PolygonRing, Pt, Rect, Rgb, WindingOrder,
};

pub struct PdfBackend<'f, 'o> {
    fonts: &'f Fonts,
    size: (u32, u32),
    /// Points per pixel.
    scale: f32,
    /// The chart's top-left corner: points from the page's left, and from its top.
    left: f32,
    top: f32,
    page_height: f32,
    /// Where the operations go: the page being laid out.
    ops: &'o mut Vec<Op>,
}

impl<'f, 'o> PdfBackend<'f, 'o> {
    pub fn new(
        fonts: &'f Fonts,
        size: (u32, u32),
        scale: f32,
        (left, top): (f32, f32),
        page_height: f32,
        ops: &'o mut Vec<Op>,
    ) -> Self {
        PdfBackend {
            fonts,
            size,
            scale,
            left,
            top,
            page_height,
            ops,
        }
    }

    fn point(&self, (x, y): BackendCoord) -> Point {
        Point {
            x: Pt(self.left + x as f32 * self.scale),
            y: Pt(self.page_height - (self.top + y as f32 * self.scale)),
        }
    }

    fn colour(c: BackendColor) -> Color {
        // Alpha is not drawn: the charts use it only for the legend's ground, which is opaque
        // enough to read as white.
        Color::Rgb(Rgb {
            r: f32::from(c.rgb.0) / 255.0,
            g: f32::from(c.rgb.1) / 255.0,
            b: f32::from(c.rgb.2) / 255.0,
            icc_profile: None,
        })
    }

    fn path(&self, points: &[BackendCoord]) -> Vec<LinePoint> {
        points
            .iter()
            .map(|p| LinePoint {
                p: self.point(*p),
                bezier: false,
            })
            .collect()
    }

    fn polygon(
        &mut self,
        points: &[BackendCoord],
        colour: BackendColor,
        mode: PaintMode,
        width: u32,
    ) {
        if colour.alpha == 0.0 || points.len() < 2 {
            return;
        }
        match mode {
            PaintMode::Fill => self.ops.push(Op::SetFillColor {
                col: Self::colour(colour),
            }),
            _ => {
                self.ops.push(Op::SetOutlineColor {
                    col: Self::colour(colour),
                });
                self.ops.push(Op::SetOutlineThickness {
                    pt: Pt(width.max(1) as f32 * self.scale),
                });
            }
        }
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing {
                    points: self.path(points),
                }],
                mode,
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    fn face(style: FontStyle) -> Face {
        match style {
            FontStyle::Bold => Face::Bold,
            FontStyle::Italic | FontStyle::Oblique => Face::Italic,
            FontStyle::Normal => Face::Regular,
        }
    }
}

impl DrawingBackend for PdfBackend<'_, '_> {
    type ErrorType = std::fmt::Error;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.draw_rect(point, (point.0 + 1, point.1 + 1), &color, true)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.draw_path([from, to], style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let (l, t) = upper_left;
        let (r, b) = bottom_right;
        let corners = [(l, t), (r, t), (r, b), (l, b)];
        let mode = if fill {
            PaintMode::Fill
        } else {
            PaintMode::Stroke
        };
        self.polygon(&corners, style.color(), mode, style.stroke_width());
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let points: Vec<BackendCoord> = path.into_iter().collect();
        let colour = style.color();
        if colour.alpha == 0.0 || points.len() < 2 {
            return Ok(());
        }
        self.ops.push(Op::SetOutlineColor {
            col: Self::colour(colour),
        });
        self.ops.push(Op::SetOutlineThickness {
            pt: Pt(style.stroke_width().max(1) as f32 * self.scale),
        });
        self.ops.push(Op::DrawLine {
            line: Line {
                points: self.path(&points),
                is_closed: false,
            },
        });
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let points: Vec<BackendCoord> = (0..16)
            .map(|i| {
                let a = f64::from(i) * std::f64::consts::TAU / 16.0;
                (
                    center.0 + (f64::from(radius) * a.cos()).round() as i32,
                    center.1 + (f64::from(radius) * a.sin()).round() as i32,
                )
            })
            .collect();
        let mode = if fill {
            PaintMode::Fill
        } else {
            PaintMode::Stroke
        };
        self.polygon(&points, style.color(), mode, style.stroke_width());
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let points: Vec<BackendCoord> = vert.into_iter().collect();
        self.polygon(&points, style.color(), PaintMode::Fill, 1);
        Ok(())
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let face = Self::face(style.style());
        let size = style.size() as f32;
        let width = self.fonts.width(text, face, size);
        let anchor = style.anchor();
        let x = pos.0 as f32
            - match anchor.h_pos {
                HPos::Left => 0.0,
                HPos::Center => width / 2.0,
                HPos::Right => width,
            };
        // Baselines as the SVG backend places them (`dy` of 0.76em at the top, 0.5ex centred).
        let baseline = pos.1 as f32
            + match anchor.v_pos {
                VPos::Top => size * 0.76,
                VPos::Center => size * 0.35,
                VPos::Bottom => -size * 0.24,
            };
        let at = (
            self.left + x * self.scale,
            self.page_height - (self.top + baseline * self.scale),
        );
        let ops = self.fonts.text_ops(
            text,
            face,
            size * self.scale,
            at,
            Self::colour(style.color()),
        );
        self.ops.extend(ops);
        Ok(())
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let size = style.size() as f32;
        let width = self.fonts.width(text, Self::face(style.style()), size);
        Ok((width.ceil() as u32, size.ceil() as u32))
    }
}

/// A filled white ground under the chart, so it reads as the HTML's framed figure.
pub fn frame(left: f32, top: f32, width: f32, height: f32, page_height: f32) -> Vec<Op> {
    vec![
        Op::SetOutlineColor {
            col: Color::Rgb(Rgb {
                r: 0.82,
                g: 0.82,
                b: 0.82,
                icc_profile: None,
            }),
        },
        Op::SetOutlineThickness { pt: Pt(0.5) },
        Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(left),
                y: Pt(page_height - top - height),
                width: Pt(width),
                height: Pt(height),
                mode: Some(PaintMode::Stroke),
                winding_order: None,
            },
        },
    ]
}
