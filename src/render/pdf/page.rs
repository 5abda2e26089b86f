//! One page's drawing operations, written without the state changes that repeat what is set.
//!
//! Text is drawn run by run, each run a text object of its own that sets its font and colour.
//! A long brief has hundreds of thousands of runs; adjacent text objects are joined into one,
//! and a font or fill colour equal to the one in force is not set again (both persist across
//! text objects). Each run still places itself with its own text matrix, so what is drawn, and
//! where, is unchanged.

use super::tags::Mark;
use printpdf::Op;
use std::collections::BTreeMap;

#[derive(Default)]
pub struct PageOps {
    ops: Vec<Op>,
    /// The last font and fill colour set on the page, while no saved state may restore others.
    font: Option<Op>,
    fill: Option<Op>,
    /// The marked-content sequence open on the page: what is drawn now belongs to it.
    mark: Option<Mark>,
}

impl PageOps {
    /// Ends the open sequence and begins one for `mark`: an element's content under its
    /// role and marked-content id, or an artifact. A
    /// sequence never spans a text object's end, as the format requires: the text object is
    /// ended first, and the next run begins its own.
    pub fn begin(&mut self, mark: Mark, role: &str, mcid: u32) {
        self.end_mark();
        let op = match mark {
            Mark::Content(_) => Op::BeginMarkedContentWithProperties {
                tag: role.into(),
                properties: printpdf::DictItem::Dict {
                    map: BTreeMap::from([(
                        "MCID".to_owned(),
                        printpdf::DictItem::Int(mcid.into()),
                    )]),
                },
            },
            Mark::Pagination => Op::BeginMarkedContentWithProperties {
                tag: "Artifact".into(),
                properties: printpdf::DictItem::Dict {
                    map: BTreeMap::from([(
                        "Type".to_owned(),
                        printpdf::DictItem::Name(b"Pagination".to_vec()),
                    )]),
                },
            },
            Mark::Artifact => Op::BeginMarkedContent {
                tag: "Artifact".into(),
            },
        };
        self.ops.push(op);
        self.mark = Some(mark);
    }

    /// Ends the open marked-content sequence, if any.
    pub fn end_mark(&mut self) {
        if self.mark.take().is_some() {
            self.ops.push(Op::EndMarkedContent);
        }
    }

    pub fn push(&mut self, op: Op) {
        match &op {
            Op::StartTextSection if matches!(self.ops.last(), Some(Op::EndTextSection)) => {
                self.ops.pop();
                return;
            }
            Op::SetFont { .. } if self.font.as_ref() == Some(&op) => return,
            Op::SetFont { .. } => self.font = Some(op.clone()),
            Op::SetFillColor { .. } if self.fill.as_ref() == Some(&op) => return,
            Op::SetFillColor { .. } => self.fill = Some(op.clone()),
            // Restoring a saved state may bring back any font or colour.
            Op::SaveGraphicsState | Op::RestoreGraphicsState => {
                self.font = None;
                self.fill = None;
            }
            _ => {}
        }
        self.ops.push(op);
    }

    pub fn into_ops(mut self) -> Vec<Op> {
        self.end_mark();
        self.ops
    }
}

impl Extend<Op> for PageOps {
    fn extend<I: IntoIterator<Item = Op>>(&mut self, ops: I) {
        for op in ops {
            self.push(op);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use printpdf::{Color, FontId, PdfFontHandle, Pt, Rgb, TextItem, TextMatrix};

    fn run(font: &str, red: f32, x: f32, text: &str) -> Vec<Op> {
        vec![
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(FontId(font.into())),
                size: Pt(9.0),
            },
            Op::SetFillColor {
                col: Color::Rgb(Rgb::new(red, 0.0, 0.0, None)),
            },
            Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x), Pt(700.0)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.into())],
            },
            Op::EndTextSection,
        ]
    }

    fn names(ops: &[Op]) -> Vec<&'static str> {
        ops.iter()
            .map(|op| match op {
                Op::StartTextSection => "BT",
                Op::EndTextSection => "ET",
                Op::SetFont { .. } => "Tf",
                Op::SetFillColor { .. } => "rg",
                Op::SetTextMatrix { .. } => "Tm",
                Op::ShowText { .. } => "Tj",
                Op::SaveGraphicsState => "q",
                Op::RestoreGraphicsState => "Q",
                _ => "other",
            })
            .collect()
    }

    #[test]
    fn adjacent_runs_share_one_text_object_and_set_only_what_changes() {
        let mut page = PageOps::default();
        page.extend(run("F1", 0.0, 10.0, "Lazarus"));
        page.extend(run("F1", 0.0, 60.0, "moved"));
        page.extend(run("F2", 0.0, 90.0, "funds"));
        page.extend(run("F2", 1.0, 120.0, "link"));
        assert_eq!(
            names(&page.into_ops()),
            [
                "BT", "Tf", "rg", "Tm", "Tj", "Tm", "Tj", "Tf", "Tm", "Tj", "rg", "Tm", "Tj", "ET"
            ]
        );
    }

    #[test]
    fn a_restored_state_sets_font_and_colour_again() {
        let mut page = PageOps::default();
        page.extend(run("F1", 0.0, 10.0, "a"));
        page.push(Op::SaveGraphicsState);
        page.push(Op::RestoreGraphicsState);
        page.extend(run("F1", 0.0, 20.0, "b"));
        assert_eq!(
            names(&page.into_ops()),
            [
                "BT", "Tf", "rg", "Tm", "Tj", "ET", "q", "Q", "BT", "Tf", "rg", "Tm", "Tj", "ET"
            ]
        );
    }
}
