//! The bundled faces: measured with ab_glyph (the same metrics the charts use), embedded with
//! printpdf under fixed resource names so that two builds write the same bytes.

use ab_glyph::{Font, FontRef};
use printpdf::{FontId, Op, ParsedFont, PdfDocument, PdfFontHandle, TextItem};
use std::collections::{BTreeMap, BTreeSet};

const REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("../fonts/NotoSans-Italic.ttf");

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Face {
    Regular,
    Bold,
    Italic,
}

impl Face {
    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR,
            Face::Bold => BOLD,
            Face::Italic => ITALIC,
        }
    }

    /// A fixed resource name: printpdf's own ids are random.
    fn resource(self) -> &'static str {
        match self {
            Face::Regular => "F1",
            Face::Bold => "F2",
            Face::Italic => "F3",
        }
    }

    fn from_resource(name: &str) -> Option<Face> {
        [Face::Regular, Face::Bold, Face::Italic]
            .into_iter()
            .find(|face| face.resource() == name)
    }

    fn postscript_name(self) -> &'static str {
        match self {
            Face::Regular => "NotoSans-Regular",
            Face::Bold => "NotoSans-Bold",
            Face::Italic => "NotoSans-Italic",
        }
    }

    pub fn handle(self) -> PdfFontHandle {
        PdfFontHandle::External(FontId(self.resource().to_owned()))
    }
}

pub struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
    italic: FontRef<'static>,
}

impl Fonts {
    /// The faces, parsed. The bytes are compiled in: a face that does not parse is a build
    /// defect every PDF test would show, reported as an error rather than a panic.
    pub fn load() -> Result<Self, String> {
        let parse = |face: Face| {
            FontRef::try_from_slice(face.bytes()).map_err(|e| format!("bundled font {face:?}: {e}"))
        };
        Ok(Fonts {
            regular: parse(Face::Regular)?,
            bold: parse(Face::Bold)?,
            italic: parse(Face::Italic)?,
        })
    }

    fn font(&self, face: Face) -> &FontRef<'static> {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
            Face::Italic => &self.italic,
        }
    }

    /// The width of `text` in points at `size`, from the glyphs' advance widths.
    pub fn width(&self, text: &str, face: Face, size: f32) -> f32 {
        let font = self.font(face);
        let units = font.units_per_em().unwrap_or(1000.0);
        let advance: f32 = text
            .chars()
            .map(|c| font.h_advance_unscaled(font.glyph_id(c)))
            .sum();
        advance / units * size
    }

    /// Whether every face has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        [&self.regular, &self.bold, &self.italic]
            .iter()
            .all(|f| f.glyph_id(c).0 != 0)
    }

    /// Registers each face the pages draw with, subset to the glyphs they use, under its fixed
    /// resource name and a subset tag derived from those glyphs (so the same pages give the
    /// same bytes).
    pub fn embed(&self, doc: &mut PdfDocument, pages: &[Vec<Op>]) -> Result<(), String> {
        for (face, chars) in used_characters(pages) {
            let font = self.font(face);
            let mut glyphs: Vec<u16> = chars.iter().map(|c| font.glyph_id(*c).0).collect();
            // Glyph 0 (.notdef) must come first: allsorts renumbers glyphs in the order given.
            glyphs.push(0);
            glyphs.sort_unstable();
            glyphs.dedup();
            let subset = subset(face.bytes(), &glyphs)
                .map_err(|e| format!("bundled font {face:?} could not be subset: {e}"))?;
            let mut warnings = Vec::new();
            let mut parsed = ParsedFont::from_bytes(&subset, 0, &mut warnings)
                .ok_or_else(|| format!("the subset of bundled font {face:?} could not be read"))?;
            parsed.font_name = Some(format!("{}+{}", tag(face, &glyphs), face.postscript_name()));
            doc.resources.fonts.map.insert(
                FontId(face.resource().to_owned()),
                printpdf::PdfFont::new(parsed),
            );
        }
        Ok(())
    }
}

/// The characters drawn in each face, read back from the pages' operations (body text and
/// charts alike).
fn used_characters(pages: &[Vec<Op>]) -> BTreeMap<Face, BTreeSet<char>> {
    let mut used: BTreeMap<Face, BTreeSet<char>> = BTreeMap::new();
    for ops in pages {
        let mut face = None;
        for op in ops {
            match op {
                Op::SetFont {
                    font: PdfFontHandle::External(id),
                    ..
                } => face = Face::from_resource(&id.0),
                Op::ShowText { items } => {
                    if let Some(face) = face {
                        let chars = used.entry(face).or_default();
                        for item in items {
                            if let TextItem::Text(text) = item {
                                chars.extend(text.chars());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    used
}

/// A font program holding only `glyphs` (sorted, .notdef first), with a Unicode cmap for the
/// characters that map to them.
fn subset(bytes: &[u8], glyphs: &[u16]) -> Result<Vec<u8>, String> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile};
    let font = ReadScope::new(bytes)
        .read::<FontData<'_>>()
        .map_err(|e| e.to_string())?;
    let provider = font.table_provider(0).map_err(|e| e.to_string())?;
    allsorts::subset::subset(&provider, glyphs, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|e| e.to_string())
}

/// The six capital letters that mark a subset font's name (`ABCDEF+NotoSans-Regular`), from
/// the face and its glyphs: different subsets get different tags, the same subset the same.
fn tag(face: Face, glyphs: &[u16]) -> String {
    let mut bytes = face.postscript_name().as_bytes().to_vec();
    bytes.extend(glyphs.iter().flat_map(|g| g.to_be_bytes()));
    let mut hash = super::fingerprint(&bytes);
    (0..6)
        .map(|_| {
            let letter = b'A' + (hash % 26) as u8;
            hash /= 26;
            char::from(letter)
        })
        .collect()
}
