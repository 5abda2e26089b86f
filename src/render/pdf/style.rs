//! The editor's PDF settings, `pdf.toml` among the templates: paper, margins, base size,
//! accent colour, author, organisation, language and logo. Every key is optional; a wrong one is an
//! error naming the file, line, column and key.

use crate::render::templates::{Origin, TemplateError, Templates};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The page sizes on offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    /// Width and height in points.
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

/// Settings as the PDF uses them: lengths in points, colour as fractions.
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    pub paper: Paper,
    pub base_size: f32,
    pub accent: (f32, f32, f32),
    pub author: String,
    pub organisation: String,
    /// The document's language, a BCP 47 tag (`en`, `en-GB`): what a screen reader speaks it in.
    pub lang: String,
    /// Top, right, bottom, left, in points.
    pub margins: [f32; 4],
    pub logo: Option<Logo>,
}

/// A decoded logo: 8-bit RGBA pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Logo {
    pub width: usize,
    pub height: usize,
    pub rgba: Vec<u8>,
}

impl Default for Style {
    fn default() -> Self {
        let mm = |v: f32| v * 72.0 / 25.4;
        Style {
            paper: Paper::A4,
            base_size: 10.0,
            accent: (0.0, 0.35, 0.63),
            author: String::new(),
            organisation: String::new(),
            lang: "en".into(),
            margins: [mm(25.4), mm(22.0), mm(24.0), mm(22.0)],
            logo: None,
        }
    }
}

/// `pdf.toml` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    paper: Option<Paper>,
    base_size: Option<Spanned<f64>>,
    accent: Option<Spanned<String>>,
    author: Option<Spanned<String>>,
    organisation: Option<Spanned<String>>,
    lang: Option<Spanned<String>>,
    logo: Option<Spanned<String>>,
    margins: Option<Margins>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Margins {
    top: Option<Spanned<f64>>,
    right: Option<Spanned<f64>>,
    bottom: Option<Spanned<f64>>,
    left: Option<Spanned<f64>>,
}

pub const FILE: &str = "pdf.toml";

/// Reads the style from the templates' `pdf.toml` (the default when not overridden).
pub fn style(templates: &Templates) -> Result<Style, TemplateError> {
    let Some((text, origin)) = templates.source(FILE) else {
        return Ok(Style::default());
    };
    parse(text, origin)
}

fn parse(text: &str, origin: &Origin) -> Result<Style, TemplateError> {
    let path = match origin {
        Origin::File(path) => path.as_path(),
        Origin::Builtin => Path::new(FILE),
    };
    let source = crate::diagnostic::SourceText::new(path, text);
    let error = |span: Option<std::ops::Range<usize>>, message: String| {
        let (line, column) = span.map_or((None, None), |s| {
            let (l, c) = source.line_column(s.start);
            (Some(l), Some(c))
        });
        TemplateError {
            template: FILE.into(),
            origin: Some(origin.clone()),
            line,
            column,
            message: crate::text::escape(&message).into_owned(),
            cause: None,
        }
    };
    let file: File = toml::from_str(text).map_err(|e| error(e.span(), e.message().to_owned()))?;
    let mut style = Style::default();
    if let Some(paper) = file.paper {
        style.paper = paper;
    }
    let number = |value: &Spanned<f64>, key: &str, range: (f64, f64)| {
        let v = *value.get_ref();
        if v.is_finite() && v >= range.0 && v <= range.1 {
            Ok(v as f32)
        } else {
            Err(error(
                Some(value.span()),
                format!("`{key}` is {v}; it must be from {} to {}", range.0, range.1),
            ))
        }
    };
    if let Some(size) = &file.base_size {
        style.base_size = number(size, "base_size", (8.0, 14.0))?;
    }
    if let Some(accent) = &file.accent {
        style.accent = colour(accent.get_ref()).ok_or_else(|| {
            error(
                Some(accent.span()),
                format!(
                    "`accent` is `{}`; write a colour as #rrggbb, e.g. #005aa0",
                    crate::text::echo(accent.get_ref())
                ),
            )
        })?;
    }
    let line = |value: &Spanned<String>, key: &str| {
        let text = value.get_ref();
        crate::text::problem_in(text, crate::text::TextKind::Line)
            .map_or(Ok(text.trim().to_owned()), |problem| {
                Err(error(Some(value.span()), format!("`{key}` {problem}")))
            })
    };
    if let Some(author) = &file.author {
        style.author = line(author, "author")?;
    }
    if let Some(organisation) = &file.organisation {
        style.organisation = line(organisation, "organisation")?;
    }
    if let Some(lang) = &file.lang {
        style.lang = language_tag(lang.get_ref()).ok_or_else(|| {
            error(
                Some(lang.span()),
                format!(
                    "`lang` is `{}`; write a language tag such as en, en-GB or fr",
                    crate::text::echo(lang.get_ref())
                ),
            )
        })?;
    }
    if let Some(margins) = &file.margins {
        let mm = |v: f32| v * 72.0 / 25.4;
        let sides = [
            (&margins.top, "margins.top"),
            (&margins.right, "margins.right"),
            (&margins.bottom, "margins.bottom"),
            (&margins.left, "margins.left"),
        ];
        for (i, (value, key)) in sides.into_iter().enumerate() {
            if let Some(value) = value {
                style.margins[i] = mm(number(value, key, (10.0, 50.0))?);
            }
        }
    }
    if let Some(logo) = &file.logo {
        let folder = match origin {
            Origin::File(path) => path.parent().map(Path::to_path_buf),
            Origin::Builtin => None,
        };
        let decoded = folder
            .ok_or_else(|| "the built-in settings have no folder to find it in".to_owned())
            .and_then(|folder| Ok((logo_path(&folder, logo.get_ref())?, folder)))
            .map_err(|e| (e, None))
            .and_then(|(path, folder)| read_logo(&folder, &path));
        // A logo that cannot be read keeps the I/O error as its cause (exit 2, as for any file
        // that cannot be read); one that is read and wrong has none (exit 1).
        style.logo = Some(decoded.map_err(|(e, io)| {
            let mut error = error(Some(logo.span()), format!("`logo`: {e}"));
            error.cause = io.map(|io| std::sync::Arc::new(io) as crate::render::templates::Cause);
            error
        })?);
    }
    Ok(style)
}

/// A language tag in the shape BCP 47 gives it: a primary language of two or three letters,
/// then subtags of one to eight letters or digits, joined by hyphens (`en`, `en-GB`,
/// `zh-Hant-TW`). Which subtags are registered is not checked; the shape keeps anything else
/// (spaces, markup, a stray quote) out of the document's catalog.
fn language_tag(text: &str) -> Option<String> {
    let mut parts = text.split('-');
    let primary = parts.next()?;
    let shaped = (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    (shaped && text.len() <= 35).then(|| text.to_owned())
}

/// `#rrggbb` as fractions of full intensity.
fn colour(text: &str) -> Option<(f32, f32, f32)> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    let to_unit = |v: u8| f32::from(v) / 255.0;
    Some((
        to_unit(channel(0)?),
        to_unit(channel(2)?),
        to_unit(channel(4)?),
    ))
}

/// The logo's path: a file name (or relative path) inside the settings' folder, never outside.
fn logo_path(folder: &Path, name: &str) -> Result<PathBuf, String> {
    let relative = Path::new(name);
    let inside = relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if name.is_empty() || !inside {
        return Err(format!(
            "`{}` must be a file in the templates folder (a name such as logo.png, no `..` or absolute path)",
            crate::text::echo(name)
        ));
    }
    if !name.to_ascii_lowercase().ends_with(".png") {
        return Err(format!(
            "`{}` is not a PNG file; save the logo as PNG",
            crate::text::echo(name)
        ));
    }
    Ok(folder.join(relative))
}

/// The largest logo accepted, in pixels a side: enough for print at 18 mm high.
const LOGO_MAX_SIDE: u32 = 4000;

/// Reads and decodes a PNG logo to RGBA, without following a symbolic link out of `folder`.
fn read_logo(folder: &Path, path: &Path) -> Result<Logo, (String, Option<std::io::Error>)> {
    let relative = path.strip_prefix(folder).unwrap_or(path);
    let bytes = crate::fs::read_beneath(folder, relative).map_err(|e| {
        (
            format!("cannot read {}: {e}", crate::text::shown(path)),
            Some(e),
        )
    })?;
    decode_logo(path, bytes).map_err(|e| (e, None))
}

/// Decodes a PNG logo's bytes to RGBA.
fn decode_logo(path: &Path, bytes: Vec<u8>) -> Result<Logo, String> {
    let not_png =
        |e: png::DecodingError| format!("{} is not a readable PNG: {e}", crate::text::shown(path));
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    // Palette, 16-bit and low-bit images become 8-bit channels.
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let header = decoder.read_header_info().map_err(not_png)?;
    if header.width > LOGO_MAX_SIDE || header.height > LOGO_MAX_SIDE {
        return Err(format!(
            "{} is {}×{} pixels; the most is {LOGO_MAX_SIDE} a side",
            crate::text::shown(path),
            header.width,
            header.height
        ));
    }
    let mut reader = decoder.read_info().map_err(not_png)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| format!("{} is too large", crate::text::shown(path)))?;
    let mut pixels = vec![0; size];
    let frame = reader.next_frame(&mut pixels).map_err(not_png)?;
    pixels.truncate(frame.buffer_size());
    let rgba: Vec<u8> = match frame.color_type {
        png::ColorType::Rgba => pixels,
        png::ColorType::Rgb => pixels
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        png::ColorType::GrayscaleAlpha => pixels
            .chunks_exact(2)
            .flat_map(|p| [p[0], p[0], p[0], p[1]])
            .collect(),
        png::ColorType::Grayscale => pixels.iter().flat_map(|g| [*g, *g, *g, 255]).collect(),
        png::ColorType::Indexed => {
            return Err(format!(
                "{} has a palette the decoder did not expand",
                crate::text::shown(path)
            ));
        }
    };
    Ok(Logo {
        width: frame.width as usize,
        height: frame.height as usize,
        rgba,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Style, TemplateError> {
        parse(text, &Origin::File(PathBuf::from("t/pdf.toml")))
    }

    fn message(text: &str) -> String {
        match parsed(text) {
            Ok(style) => panic!("accepted: {style:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn the_built_in_file_gives_the_defaults() {
        let text = crate::render::templates::DEFAULTS
            .iter()
            .find(|(n, _)| *n == FILE)
            .map(|(_, t)| *t)
            .expect("pdf.toml is a default");
        let style = parse(text, &Origin::Builtin).expect("parses");
        let defaults = Style::default();
        assert_eq!(style.paper, defaults.paper);
        assert_eq!(style.base_size, defaults.base_size);
        // The file writes the colour in hex; the default is its nearest fraction.
        let close = |a: f32, b: f32| (a - b).abs() < 0.01;
        assert!(
            close(style.accent.0, defaults.accent.0) && close(style.accent.2, defaults.accent.2)
        );
        for (a, b) in style.margins.iter().zip(defaults.margins) {
            assert!(close(*a, b), "{:?}", style.margins);
        }
    }

    #[test]
    fn settings_are_read_and_converted() {
        let style = parsed(
            "paper = \"letter\"\nbase_size = 11\naccent = \"#FF8000\"\nauthor = \"A. Analyst\"\n[margins]\nleft = 25.4\n",
        )
        .expect("valid");
        assert_eq!(style.paper, Paper::Letter);
        assert_eq!(style.base_size, 11.0);
        assert_eq!(style.accent, (1.0, 128.0 / 255.0, 0.0));
        assert_eq!(style.author, "A. Analyst");
        assert!((style.margins[3] - 72.0).abs() < 0.001);
        assert_eq!(style.lang, "en", "the default language");
        for tag in ["en-GB", "fr", "zh-Hant-TW", "es-419"] {
            let style = parsed(&format!("lang = \"{tag}\"\n")).expect("a language tag");
            assert_eq!(style.lang, tag);
        }
    }

    #[test]
    fn a_language_must_be_shaped_as_a_tag() {
        assert_eq!(
            message("lang = \"en GB\"\n"),
            "t/pdf.toml:1:8: `lang` is `en GB`; write a language tag such as en, en-GB or fr"
        );
        for wrong in [
            "e",
            "english",
            "en-",
            "en--GB",
            "en-GB)",
            "1a",
            "en-abcdefghi",
        ] {
            assert!(
                message(&format!("lang = \"{wrong}\"\n")).contains("`lang` is"),
                "{wrong}"
            );
        }
    }

    #[test]
    fn errors_name_the_file_line_column_and_key() {
        assert_eq!(
            message("paper = \"a4\"\naccent = \"blue\"\n"),
            "t/pdf.toml:2:10: `accent` is `blue`; write a colour as #rrggbb, e.g. #005aa0"
        );
        assert_eq!(
            message("[margins]\ntop = 5\n"),
            "t/pdf.toml:2:7: `margins.top` is 5; it must be from 10 to 50"
        );
        let unknown = message("paper = \"a4\"\ncolour = \"#000000\"\n");
        assert!(
            unknown.starts_with("t/pdf.toml:2:1: unknown field `colour`"),
            "{unknown}"
        );
        let paper = message("paper = \"a5\"\n");
        assert!(
            paper.starts_with("t/pdf.toml:1:9: unknown variant `a5`"),
            "{paper}"
        );
        assert!(message("base_size = \"10\"\n").starts_with("t/pdf.toml:1:13: invalid type"));
        assert!(message("author = \"a\\u001b[31m\"\n").starts_with("t/pdf.toml:1:10: `author`"));
    }

    #[test]
    fn a_logo_must_be_a_png_inside_the_folder() {
        assert!(
            message("logo = \"../secret.png\"\n")
                .contains("must be a file in the templates folder")
        );
        assert!(
            message("logo = \"/etc/logo.png\"\n")
                .contains("must be a file in the templates folder")
        );
        assert!(message("logo = \"logo.svg\"\n").contains("is not a PNG file"));
        assert!(
            message("logo = \"missing.png\"\n")
                .starts_with("t/pdf.toml:1:8: `logo`: cannot read t/missing.png")
        );
    }

    #[test]
    fn a_png_decodes_to_rgba() {
        let dir = std::env::temp_dir().join(format!("heistbrief-logo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("logo.png");
        {
            let file = std::fs::File::create(&path).expect("file");
            let mut encoder = png::Encoder::new(file, 2, 1);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header().expect("header");
            writer
                .write_image_data(&[255, 0, 0, 0, 0, 255])
                .expect("pixels");
        }
        let logo = read_logo(&dir, &path).expect("decodes");
        assert_eq!((logo.width, logo.height), (2, 1));
        assert_eq!(logo.rgba, vec![255, 0, 0, 255, 0, 0, 255, 255]);
        std::fs::write(&path, b"not a png").expect("write");
        assert!(
            read_logo(&dir, &path)
                .is_err_and(|(e, io)| e.contains("is not a readable PNG") && io.is_none())
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
