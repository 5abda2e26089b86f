//! The bundled faces: measured with ab_glyph (the same metrics the charts use), embedded with
//! printpdf under fixed resource names so that two builds write the same bytes.

use ab_glyph::{Font, FontRef};
use printpdf::{FontId, ParsedFont, PdfDocument, PdfFontHandle};

const REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("../fonts/NotoSans-Italic.ttf");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

    /// Registers the faces with the document under their fixed names.
    pub fn embed(doc: &mut PdfDocument) -> Result<(), String> {
        for face in [Face::Regular, Face::Bold, Face::Italic] {
            let mut warnings = Vec::new();
            let parsed = ParsedFont::from_bytes(face.bytes(), 0, &mut warnings)
                .ok_or_else(|| format!("bundled font {face:?} could not be read"))?;
            doc.resources.fonts.map.insert(
                FontId(face.resource().to_owned()),
                printpdf::PdfFont::new(parsed),
            );
        }
        Ok(())
    }
}
