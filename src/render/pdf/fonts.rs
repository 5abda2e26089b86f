//! The bundled faces: measured with ab_glyph (the same metrics the charts use), embedded with
//! printpdf under fixed resource names so that two builds write the same bytes.
//!
//! Noto Sans sets the text; characters it lacks (Hangul, kana and Han ideographs in Korean and
//! Japanese publishers' names) come from Droid Sans Fallback, one upright face for all three
//! styles. A character neither has is drawn as `?` and reported.

use ab_glyph::{Font, FontRef};
use printpdf::{
    Color, FontId, Op, ParsedFont, PdfDocument, PdfFontHandle, Pt, TextItem, TextMatrix,
};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

const REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("../fonts/NotoSans-Italic.ttf");
const BOLD_ITALIC: &[u8] = include_bytes!("../fonts/NotoSans-BoldItalic.ttf");
const MONO: &[u8] = include_bytes!("../fonts/DejaVuSansMono.ttf");
const FALLBACK: &[u8] = include_bytes!("../fonts/DroidSansFallback.ttf");

/// What a character that no face has is drawn as.
const REPLACEMENT: char = '?';

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Face {
    Regular,
    Bold,
    Italic,
    BoldItalic,
    /// DejaVu Sans Mono, for code.
    Mono,
    /// Droid Sans Fallback: only for characters the others lack.
    Fallback,
}

const FACES: [Face; 6] = [
    Face::Regular,
    Face::Bold,
    Face::Italic,
    Face::BoldItalic,
    Face::Mono,
    Face::Fallback,
];

impl Face {
    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR,
            Face::Bold => BOLD,
            Face::Italic => ITALIC,
            Face::BoldItalic => BOLD_ITALIC,
            Face::Mono => MONO,
            Face::Fallback => FALLBACK,
        }
    }

    /// A fixed resource name: printpdf's own ids are random.
    fn resource(self) -> &'static str {
        match self {
            Face::Regular => "F1",
            Face::Bold => "F2",
            Face::Italic => "F3",
            Face::Fallback => "F4",
            Face::BoldItalic => "F5",
            Face::Mono => "F6",
        }
    }

    fn from_resource(name: &str) -> Option<Face> {
        FACES.into_iter().find(|face| face.resource() == name)
    }

    fn postscript_name(self) -> &'static str {
        match self {
            Face::Regular => "NotoSans-Regular",
            Face::Bold => "NotoSans-Bold",
            Face::Italic => "NotoSans-Italic",
            Face::BoldItalic => "NotoSans-BoldItalic",
            Face::Mono => "DejaVuSansMono",
            Face::Fallback => "DroidSansFallback",
        }
    }

    fn handle(self) -> PdfFontHandle {
        PdfFontHandle::External(FontId(self.resource().to_owned()))
    }
}

pub struct Fonts {
    /// Parsed faces, in the order of `FACES`.
    faces: Vec<FontRef<'static>>,
    /// Each face's advance for the printable ASCII characters, in ems: most of a brief's text,
    /// measured again and again while lines are broken.
    ascii: Vec<[f32; 128]>,
    /// Characters no face has, in the order met, and the same as a set: a record of 200 000
    /// distinct characters no face has searched the list once per character (quadratic).
    missing: RefCell<(Vec<char>, std::collections::HashSet<char>)>,
}

impl Fonts {
    /// The faces, parsed. The bytes are compiled in: a face that does not parse is a build
    /// defect every PDF test would show, reported as an error rather than a panic.
    pub fn load() -> Result<Self, FontError> {
        let parse = |face: Face| {
            FontRef::try_from_slice(face.bytes())
                .map_err(|e| FontError::new(face, "does not parse", e))
        };
        let faces: Vec<FontRef<'static>> =
            FACES.into_iter().map(parse).collect::<Result<_, _>>()?;
        let mut fonts = Fonts {
            faces,
            ascii: Vec::new(),
            missing: RefCell::default(),
        };
        fonts.ascii = FACES
            .into_iter()
            .map(|face| {
                let mut table = [0.0; 128];
                for (code, advance) in table.iter_mut().enumerate() {
                    *advance = fonts.advance(char::from(code as u8), face);
                }
                table
            })
            .collect();
        Ok(fonts)
    }

    /// The advance of `c` set in `face`, in ems, from whichever face draws it.
    fn advance(&self, c: char, face: Face) -> f32 {
        let (face, c) = self.resolve(c, face);
        let font = self.font(face);
        font.h_advance_unscaled(font.glyph_id(c)) / font.units_per_em().unwrap_or(1000.0)
    }

    fn font(&self, face: Face) -> &FontRef<'static> {
        // FACES lists every face, so the index is always there.
        &self.faces[face as usize]
    }

    /// The face that draws `c` in text set in `face`, and the character drawn: `c` itself (from
    /// `face`, else Droid Sans Fallback, else DejaVu Sans Mono), or the replacement when no face
    /// has it.
    fn resolve(&self, c: char, face: Face) -> (Face, char) {
        if self.font(face).glyph_id(c).0 != 0 {
            (face, c)
        } else if self.font(Face::Fallback).glyph_id(c).0 != 0 {
            (Face::Fallback, c)
        } else if self.font(Face::Mono).glyph_id(c).0 != 0 {
            // Symbols neither sans face has (the arrow of "$54 million → $70 million").
            (Face::Mono, c)
        } else {
            (face, REPLACEMENT)
        }
    }

    /// The width of `text` in points at `size`, from the glyphs' advance widths (each from the
    /// face that draws it).
    pub fn width(&self, text: &str, face: Face, size: f32) -> f32 {
        let ascii = self.ascii.get(face as usize);
        let ems: f32 = text
            .chars()
            .map(|c| match ascii {
                Some(table) if c.is_ascii() => table[c as usize],
                _ => self.advance(c, face),
            })
            .sum();
        ems * size
    }

    /// Characters no face has, in the order they were drawn.
    pub fn missing(&self) -> Vec<char> {
        self.missing.borrow().0.clone()
    }

    /// The operations that draw `text` in `face` at `size` with its baseline's left end at `at`
    /// (PDF coordinates), switching to the fallback face for the characters `face` lacks.
    pub fn text_ops(
        &self,
        text: &str,
        face: Face,
        size: f32,
        at: (f32, f32),
        ink: Color,
    ) -> Vec<Op> {
        let mut ops = Vec::new();
        let mut x = at.0;
        let mut run = String::new();
        let mut run_face = face;
        let flush = |run: &mut String, run_face: Face, x: &mut f32, ops: &mut Vec<Op>| {
            if run.is_empty() {
                return;
            }
            ops.extend([
                Op::StartTextSection,
                Op::SetFont {
                    font: run_face.handle(),
                    size: Pt(size),
                },
                Op::SetFillColor { col: ink.clone() },
                Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(Pt(*x), Pt(at.1)),
                },
                Op::ShowText {
                    items: vec![TextItem::Text(run.clone())],
                },
                Op::EndTextSection,
            ]);
            *x += self.width(run, run_face, size);
            run.clear();
        };
        for c in text.chars() {
            let (drawn_by, drawn) = self.resolve(c, face);
            if drawn != c {
                let (order, seen) = &mut *self.missing.borrow_mut();
                if seen.insert(c) {
                    order.push(c);
                }
            }
            if drawn_by != run_face {
                flush(&mut run, run_face, &mut x, &mut ops);
                run_face = drawn_by;
            }
            run.push(drawn);
        }
        flush(&mut run, run_face, &mut x, &mut ops);
        ops
    }

    /// Registers each face the pages draw with, subset to the glyphs they use, under its fixed
    /// resource name and a subset tag derived from those glyphs (so the same pages give the
    /// same bytes).
    pub fn embed(&self, doc: &mut PdfDocument, pages: &[Vec<Op>]) -> Result<(), FontError> {
        for (face, chars) in used_characters(pages) {
            let font = self.font(face);
            let mut glyphs: Vec<u16> = chars.iter().map(|c| font.glyph_id(*c).0).collect();
            // Glyph 0 (.notdef) must come first: allsorts renumbers glyphs in the order given.
            glyphs.push(0);
            glyphs.sort_unstable();
            glyphs.dedup();
            let subset = subset(face.bytes(), &glyphs)
                .map_err(|e| FontError::new(face, "could not be subset", e))?;
            let mut warnings = Vec::new();
            let mut parsed =
                ParsedFont::from_bytes(&subset, 0, &mut warnings).ok_or_else(|| {
                    FontError::new(face, "gave a subset printpdf cannot read", "no font in it")
                })?;
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
fn subset(
    bytes: &[u8],
    glyphs: &[u16],
) -> Result<Vec<u8>, Box<dyn std::error::Error + Send + Sync>> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile};
    let font = ReadScope::new(bytes).read::<FontData<'_>>()?;
    let provider = font.table_provider(0)?;
    Ok(allsorts::subset::subset(
        &provider,
        glyphs,
        &SubsetProfile::Pdf,
        CmapTarget::Unicode,
    )?)
}

/// A bundled face that could not be used, with the font library's error as the cause.
#[derive(Debug)]
pub struct FontError {
    face: Face,
    what: &'static str,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl FontError {
    fn new(
        face: Face,
        what: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        FontError {
            face,
            what,
            source: source.into(),
        }
    }
}

impl std::fmt::Display for FontError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "bundled font {:?} {}", self.face, self.what)
    }
}

impl std::error::Error for FontError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// The six capital letters that mark a subset font's name (`ABCDEF+NotoSans-Regular`), from
/// the face and its glyphs: different subsets get different tags, the same subset the same.
fn tag(face: Face, glyphs: &[u16]) -> String {
    let mut bytes = face.postscript_name().as_bytes().to_vec();
    bytes.extend(glyphs.iter().flat_map(|g| g.to_be_bytes()));
    let mut hash = crate::digest::fingerprint(&bytes);
    (0..6)
        .map(|_| {
            let letter = b'A' + (hash % 26) as u8;
            hash /= 26;
            char::from(letter)
        })
        .collect()
}
