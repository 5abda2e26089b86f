//! The brief as PDF: the same Markdown as the other formats, laid out by our own code from
//! pulldown-cmark's events and written with printpdf (no layout engine, no system fonts).
//!
//! Text, lists and tables are typeset with the bundled fonts, subset to the glyphs used; the
//! charts are drawn as vectors from the same definitions as the HTML's (a plotters backend of
//! our own); links, a nested outline, running header, page numbers and metadata;
//! byte-identical output.

mod backend;
mod draw;
mod file;
mod fonts;
mod frame;
mod layout;
mod lines;
mod outline;
mod page;
mod paginate;
mod structure;
mod tags;

pub mod style;

use super::charts::ChartError;
use super::document::Link;
use super::templates::{TemplateError, Templates};
use super::view::Brief;
use super::{Format, markdown};
use fonts::Fonts;
use layout::{Geometry, Layout};
use printpdf::{Op, PdfDocument, PdfPage, PdfSaveOptions, Pt};
use std::collections::HashMap;
use std::fmt;
use style::Paper;

/// A rendered PDF, and the characters the fonts could not draw (replaced by `?`).
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub missing_glyphs: Vec<char>,
}

/// What the command line decides for the PDF beyond the templates.
#[derive(Clone, Copy, Debug, Default)]
pub struct PdfOptions {
    /// The document's dates, in seconds since the Unix epoch: `SOURCE_DATE_EPOCH` when set,
    /// else the start of the day the brief is built (so a second build that day gives the
    /// same bytes).
    pub date: i64,
    /// `--paper`, over the style file's choice.
    pub paper: Option<Paper>,
}

/// Why a PDF could not be made: the editor's templates or settings, or the document itself.
#[derive(Debug)]
pub enum PdfError {
    Template(TemplateError),
    Chart(ChartError),
    /// The document could not be made, with what failed (the fonts, the dates, the file) and
    /// the library's error as the cause.
    Document {
        what: &'static str,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl PdfError {
    /// What failed, for `map_err`: the error becomes the cause.
    fn document<E: Into<Box<dyn std::error::Error + Send + Sync>>>(
        what: &'static str,
    ) -> impl FnOnce(E) -> PdfError {
        move |source| PdfError::Document {
            what,
            source: source.into(),
        }
    }
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdfError::Template(_) => f.write_str("template error"),
            PdfError::Chart(_) => f.write_str("cannot make the PDF"),
            PdfError::Document { what, .. } => write!(f, "cannot make the PDF: {what}"),
        }
    }
}

impl std::error::Error for PdfError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PdfError::Template(e) => Some(e),
            PdfError::Chart(e) => Some(e),
            PdfError::Document { source, .. } => Some(&**source),
        }
    }
}

impl From<TemplateError> for PdfError {
    fn from(e: TemplateError) -> Self {
        PdfError::Template(e)
    }
}

/// The logo's height on the first page, at most (18 mm), and the space below it.
const LOGO_HEIGHT: f32 = 51.0;
const LOGO_GAP: f32 = 14.0;

/// Renders the brief to PDF bytes. The same inputs give the same bytes: fonts have fixed names
/// and content-derived subset tags, the document id is derived from the content, and the
/// dates are the caller's ([`PdfOptions::date`]).
pub fn pdf(brief: &Brief, templates: &Templates, options: PdfOptions) -> Result<Pdf, PdfError> {
    let mut style = style::style(templates)?;
    if let Some(paper) = options.paper {
        style.paper = paper;
    }
    let text = markdown(brief, templates, Format::Pdf)?;
    let blocks = crate::render::document::blocks(&text);
    let fonts = Fonts::load().map_err(PdfError::document("the bundled fonts"))?;
    let geometry = Geometry::new(&style);
    let (width, height) = (geometry.width, geometry.height);
    let left_margin = geometry.left;
    let mut layout = Layout::new(&fonts, geometry, &brief.charts);
    // The logo heads the first page, left-aligned with the text, at its own proportions.
    let logo_place = style.logo.as_ref().map(|logo| {
        let logo_height = LOGO_HEIGHT.min(logo.height as f32);
        let top = layout.reserve(logo_height + LOGO_GAP);
        (logo, logo_height, top)
    });
    layout.blocks(&blocks);
    layout.furniture(&brief.title, &brief.period.name);
    let mut laid = layout.finish();
    // Each stage's input is let go as soon as the next stage holds the document: a long
    // brief's text, its laid-out pages and printpdf's copy of them are each tens of megabytes.
    drop(blocks);
    drop(text);

    let mut doc = PdfDocument::new(&brief.title);
    let info = &mut doc.metadata.info;
    info.author = [style.author.as_str(), style.organisation.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    if info.author.is_empty() {
        info.author = "heistbrief".into();
    }
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
    let when = printpdf::OffsetDateTime::from_unix_timestamp(options.date)
        .map_err(PdfError::document("its dates"))?;
    info.creation_date = when;
    info.modification_date = when;
    info.metadata_date = when;
    let metadata = structure::Metadata {
        title: brief.title.clone(),
        author: info.author.clone(),
        subject: info.subject.clone(),
        producer: info.producer.clone(),
        date: options.date,
        lang: style.lang.clone(),
    };

    // The frames are let go once drawn; the links, anchors, headings and tree stay for later.
    let mut pages: Vec<Vec<Op>> = std::mem::take(&mut laid.pages)
        .iter()
        .map(|frame| draw::page(frame, &fonts, &brief.charts, height))
        .collect::<Result<_, _>>()
        .map_err(PdfError::Chart)?;
    if let Some((logo, logo_height, top)) = logo_place
        && let Some(first) = pages.first_mut()
    {
        // The logo is decoration: the organisation is named in the document's metadata.
        first.push(Op::BeginMarkedContent {
            tag: "Artifact".into(),
        });
        first.push(logo_op(
            &mut doc,
            logo,
            logo_height,
            (left_margin, height - top - logo_height),
        ));
        first.push(Op::EndMarkedContent);
    }
    let destinations = destinations(brief);
    let annotations: Vec<Option<structure::Annotation>> = laid
        .links
        .iter()
        .map(|link| {
            let action = match &link.target {
                Link::Anchor(id) => {
                    let (page, y) = laid.anchors.get(id).copied()?;
                    structure::Action::GoTo { page, top: y + 4.0 }
                }
                Link::Web(url) => structure::Action::Uri(url.clone()),
                // Layout makes no link of a relative path: it names nothing a PDF's reader has.
                Link::Relative(_) => return None,
            };
            let r = &link.rect;
            Some(structure::Annotation {
                page: link.page,
                rect: [r.x, r.y, r.x + r.width, r.y + r.height],
                description: describe(&destinations, &link.target),
                action,
            })
        })
        .collect();
    fonts
        .embed(&mut doc, &pages)
        .map_err(PdfError::document("the fonts"))?;
    let to_mm = |pt: f32| printpdf::Mm::from(Pt(pt));
    doc.with_pages(
        pages
            .into_iter()
            .map(|ops| PdfPage::new(to_mm(width), to_mm(height), ops))
            .collect(),
    );
    let save = PdfSaveOptions {
        subset_fonts: false,
        ..PdfSaveOptions::default()
    };
    let mut warnings = Vec::new();
    let mut lopdf = doc.to_lopdf_document(&save, &mut warnings);
    // Freeing a long brief's document takes as long as deflating it: a pool thread does it,
    // as the other formats are done by now (the PDF is rendered last to finish).
    rayon::spawn(move || drop(doc));
    outline::add(&mut lopdf, &laid.headings);
    let written = structure::add(&mut lopdf, &laid.structure, &annotations, &metadata);
    deterministic(&mut lopdf, &style.organisation);
    let bytes = file::write(&lopdf, written, COMPRESSION_LEVEL);
    rayon::spawn(move || drop(lopdf));
    Ok(Pdf {
        bytes,
        missing_glyphs: fonts.missing(),
    })
}

/// What a screen reader says of each place in the brief a link can lead to: the source or
/// record there.
fn destinations(brief: &Brief) -> HashMap<&str, String> {
    let sources = brief.sources.iter().map(|s| {
        (
            s.anchor.as_str(),
            format!("Source {}: {}", s.number, s.publisher),
        )
    });
    let records = brief.incidents.iter().chain(&brief.cited).map(|r| {
        (
            r.anchor.as_str(),
            format!("Record: {}, {}", r.victim, r.date),
        )
    });
    sources.chain(records).collect()
}

/// What a screen reader says of a link: the source or record it leads to, or its address.
fn describe(destinations: &HashMap<&str, String>, target: &Link) -> String {
    match target {
        Link::Anchor(anchor) => destinations
            .get(anchor.as_str())
            .cloned()
            .unwrap_or_else(|| format!("Link within the brief: {anchor}")),
        Link::Web(url) | Link::Relative(url) => format!("Web page: {url}"),
    }
}

/// Makes the document a function of its content (printpdf draws a random document id, which
/// [`file::write`] replaces with a digest) and drops the PDF/X conformance printpdf claims and
/// the file does not have.
///
/// The organisation, when set, goes into the information dictionary as `/Company`, the key
/// office suites write and document managers show.
fn deterministic(doc: &mut lopdf::Document, organisation: &str) {
    use lopdf::Object;
    if let Ok(Object::Reference(info)) = doc.trailer.get(b"Info").cloned()
        && let Ok(Object::Dictionary(dict)) = doc.get_object_mut(info)
    {
        dict.remove(b"GTS_PDFXVersion");
        if !organisation.is_empty() {
            dict.set("Company", outline::text_string(organisation));
        }
    }
    if let Ok(Object::Reference(root)) = doc.trailer.get(b"Root").cloned()
        && let Ok(Object::Dictionary(catalog)) = doc.get_object_mut(root)
    {
        catalog.remove(b"OutputIntents");
    }
    compress(doc);
}

/// Registers the logo under a fixed name and returns the operation that draws it `height`
/// points high with its lower-left corner at `at` (PDF coordinates).
fn logo_op(doc: &mut PdfDocument, logo: &style::Logo, height: f32, at: (f32, f32)) -> Op {
    let id = printpdf::XObjectId("Logo".into());
    let image = printpdf::RawImage {
        pixels: printpdf::RawImageData::U8(logo.rgba.clone()),
        width: logo.width,
        height: logo.height,
        data_format: printpdf::RawImageFormat::RGBA8,
        tag: Vec::new(),
    };
    doc.resources
        .xobjects
        .map
        .insert(id.clone(), printpdf::XObject::Image(image));
    Op::UseXobject {
        id,
        transform: printpdf::XObjectTransform {
            translate_x: Some(Pt(at.0)),
            translate_y: Some(Pt(at.1)),
            // The resolution at which the image's pixels span `height` points.
            dpi: Some(logo.height as f32 * 72.0 / height),
            ..printpdf::XObjectTransform::default()
        },
    }
}

/// Deflates every stream not yet filtered (page contents, font programs, ToUnicode maps), side
/// by side: the streams are independent, and the other formats are done by now.
fn compress(doc: &mut lopdf::Document) {
    use rayon::prelude::*;
    let mut streams: Vec<&mut lopdf::Stream> = doc
        .objects
        .values_mut()
        .filter_map(|object| match object {
            lopdf::Object::Stream(stream)
                if stream.allows_compression && stream.dict.get(b"Filter").is_err() =>
            {
                Some(stream)
            }
            _ => None,
        })
        .collect();
    streams.par_iter_mut().for_each(|stream| {
        let deflated = file::deflate(&stream.content, COMPRESSION_LEVEL);
        if !deflated.is_empty() && deflated.len() < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(deflated);
        }
    });
}

/// zlib's level: 6 is its default.
const COMPRESSION_LEVEL: u32 = 6;
