//! The brief as PDF: the same Markdown as the other formats, laid out by our own code from
//! pulldown-cmark's events and written with printpdf (no layout engine, no system fonts).
//!
//! Text, lists and tables are typeset with the bundled fonts, subset to the glyphs used; the
//! charts are drawn as vectors from the same definitions as the HTML's (a plotters backend of
//! our own); links, a nested outline, running header, page numbers and metadata;
//! byte-identical output.

mod backend;
mod blocks;
mod fonts;
mod layout;
mod outline;

use super::templates::{TemplateError, Templates};
use super::view::Brief;
use super::{Format, markdown};
use fonts::Fonts;
use layout::{Geometry, Layout};
use printpdf::{
    Actions, Destination, LinkAnnotation, Op, PdfDocument, PdfPage, PdfSaveOptions, Pt,
};

/// A rendered PDF, and the characters the fonts could not draw (replaced by `?`).
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub missing_glyphs: Vec<char>,
}

/// Renders the brief to PDF bytes. The same inputs give the same bytes: fonts have fixed names,
/// the document id is derived from the content, and dates come from the brief's
/// `generated_on` (from `SOURCE_DATE_EPOCH`) or are left at the epoch.
pub fn pdf(brief: &Brief, templates: &Templates, epoch: Option<i64>) -> Result<Pdf, TemplateError> {
    let failure = |message: String| TemplateError {
        template: "PDF".into(),
        origin: None,
        line: None,
        message,
    };
    let text = markdown(brief, templates, Format::Pdf)?;
    let blocks = blocks::blocks(&text);
    let fonts = Fonts::load().map_err(failure)?;
    let geometry = Geometry::a4();
    let (width, height) = (geometry.width, geometry.height);
    let mut layout = Layout::new(&fonts, geometry, &brief.charts);
    layout.blocks(&blocks);
    layout.furniture(&brief.title, &brief.period.name);
    let laid = layout.finish();

    let mut doc = PdfDocument::new(&brief.title);
    let info = &mut doc.metadata.info;
    info.author = "heistbrief".into();
    info.creator = format!("heistbrief {}", brief.version);
    info.producer = format!("heistbrief {}", brief.version);
    info.subject = format!(
        "Thefts of cryptocurrency attributed to North Korea, {}",
        brief.period.name
    );
    info.keywords = vec![
        "North Korea".into(),
        "cryptocurrency theft".into(),
        "sanctions".into(),
        brief.period.label.clone(),
    ];
    let when = printpdf::OffsetDateTime::from_unix_timestamp(epoch.unwrap_or(0))
        .map_err(|e| failure(e.to_owned()))?;
    info.creation_date = when;
    info.modification_date = when;
    info.metadata_date = when;

    let anchor = |id: &str| {
        laid.anchors
            .iter()
            .find(|(a, _, _)| a == id)
            .map(|(_, page, y)| (*page, *y))
    };
    let mut pages: Vec<Vec<Op>> = laid.pages;
    for link in &laid.links {
        let actions = match link.target.strip_prefix('#') {
            Some(id) => match anchor(id) {
                Some((page, y)) => Actions::Goto(Destination::Xyz {
                    page: page + 1,
                    left: None,
                    top: Some(y + 4.0),
                    zoom: None,
                }),
                None => continue,
            },
            None => Actions::Uri(link.target.clone()),
        };
        if let Some(ops) = pages.get_mut(link.page) {
            ops.push(Op::LinkAnnotation {
                // No border: the link's colour already marks it.
                link: LinkAnnotation::new(
                    link.rect.clone(),
                    actions,
                    Some(printpdf::BorderArray::Solid([0.0, 0.0, 0.0])),
                    None,
                    None,
                ),
            });
        }
    }
    fonts.embed(&mut doc, &pages).map_err(failure)?;
    let to_mm = |pt: f32| printpdf::Mm::from(Pt(pt));
    doc.with_pages(
        pages
            .into_iter()
            .map(|ops| PdfPage::new(to_mm(width), to_mm(height), ops))
            .collect(),
    );
    let options = PdfSaveOptions {
        subset_fonts: false,
        ..PdfSaveOptions::default()
    };
    let mut warnings = Vec::new();
    let mut lopdf = doc.to_lopdf_document(&options, &mut warnings);
    outline::add(&mut lopdf, &laid.headings);
    deterministic(&mut lopdf);
    let mut bytes = Vec::new();
    lopdf
        .save_to(&mut bytes)
        .map_err(|e| failure(format!("cannot write the PDF: {e}")))?;
    stamp_id(&mut bytes);
    Ok(Pdf {
        bytes,
        missing_glyphs: laid.missing,
    })
}

/// Makes the document's bytes a function of its content: printpdf draws a random document id,
/// and claims PDF/X conformance the file does not have.
fn deterministic(doc: &mut lopdf::Document) {
    use lopdf::Object;
    if let Ok(Object::Reference(info)) = doc.trailer.get(b"Info").cloned()
        && let Ok(Object::Dictionary(dict)) = doc.get_object_mut(info)
    {
        dict.remove(b"GTS_PDFXVersion");
    }
    if let Ok(Object::Reference(root)) = doc.trailer.get(b"Root").cloned()
        && let Ok(Object::Dictionary(catalog)) = doc.get_object_mut(root)
    {
        catalog.remove(b"OutputIntents");
    }
    compress(doc);
    // A placeholder of the id's length; `stamp_id` writes the digest of the saved file into
    // it, so the file is written once rather than once to hash and once to keep.
    let id = Object::String(ID_PLACEHOLDER.to_vec(), lopdf::StringFormat::Hexadecimal);
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
}

/// Deflates every stream not yet filtered (page contents, font programs, ToUnicode maps).
fn compress(doc: &mut lopdf::Document) {
    use flate2::{Compression, write::ZlibEncoder};
    use std::io::Write;
    for object in doc.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object
            && stream.allows_compression
            && stream.dict.get(b"Filter").is_err()
        {
            let mut encoder = ZlibEncoder::new(Vec::new(), Compression::new(COMPRESSION_LEVEL));
            if encoder.write_all(&stream.content).is_ok()
                && let Ok(deflated) = encoder.finish()
                && deflated.len() < stream.content.len()
            {
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(deflated);
            }
        }
    }
}

/// zlib's level: 6 is its default.
const COMPRESSION_LEVEL: u32 = 6;

const ID_PLACEHOLDER: [u8; 16] = [0; 16];

/// Replaces the placeholder id in the trailer (the last two occurrences: the trailer comes
/// last) with the digest of the file as saved with the placeholder.
fn stamp_id(bytes: &mut [u8]) {
    let placeholder = format!("<{}>", "00".repeat(ID_PLACEHOLDER.len()));
    let digest: String = fingerprint(bytes)
        .to_be_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let stamped = format!("<{digest}>");
    let mut end = bytes.len();
    for _ in 0..2 {
        let Some(at) = bytes[..end]
            .windows(placeholder.len())
            .rposition(|w| w == placeholder.as_bytes())
        else {
            return;
        };
        bytes[at..at + stamped.len()].copy_from_slice(stamped.as_bytes());
        end = at;
    }
}

/// A 128-bit FNV-1a digest: enough to tell documents apart, and stable across builds.
fn fingerprint(bytes: &[u8]) -> u128 {
    let mut hash: u128 = 0x6c62272e07bb014262b821756295c58d;
    for b in bytes {
        hash ^= u128::from(*b);
        hash = hash.wrapping_mul(0x0000000001000000000000000000013B);
    }
    hash
}
