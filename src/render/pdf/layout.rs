//! Laying blocks out on pages: lines broken by measured glyph widths, tables whose cells wrap
//! and whose header repeats on every page they cross, rows and headings that never end a page
//! alone. Coordinates here are points from the page's top-left corner; drawing flips them.

use super::fonts::{Face, Fonts};
use super::frame::{Area, Frame, Item, Sequence};
use super::lines::{self, Piece};
use super::paginate;
use super::tags::{Element, ElementId, Mark, Role, Tree};
use crate::render::document::{Block, Link, Run, Style};
use pulldown_cmark::Alignment;
use std::collections::HashMap;

/// Page geometry, type size and accent colour; lengths in points.
#[derive(Clone, Debug)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
    pub body: f32,
    pub accent: (f32, f32, f32),
}

impl Geometry {
    pub fn new(style: &super::style::Style) -> Self {
        let (width, height) = style.paper.size();
        let [top, right, bottom, left] = style.margins;
        Geometry {
            width,
            height,
            left,
            right,
            top,
            bottom,
            body: style.base_size,
            accent: style.accent,
        }
    }

    fn text_width(&self) -> f32 {
        self.width - self.left - self.right
    }
}

const INK: (f32, f32, f32) = (0.11, 0.11, 0.12);
const MUTED: (f32, f32, f32) = (0.33, 0.33, 0.33);
const RULE: (f32, f32, f32) = (0.75, 0.75, 0.75);

/// A link to place once pages are known: a rectangle (PDF coordinates) on a page, and where it
/// goes.
pub struct PendingLink {
    pub page: usize,
    pub rect: Area,
    pub target: Link,
    /// The `Link` element the annotation belongs to.
    pub element: ElementId,
}

/// A laid-out document: each page's drawing operations, its links, and where each anchor and
/// heading landed.
#[derive(Default)]
pub struct Laid {
    pub pages: Vec<Frame>,
    pub links: Vec<PendingLink>,
    /// Anchor id → (page, PDF y of the top of its line), where it first appears. A map: a long
    /// brief has thousands of anchors and tens of thousands of links to them.
    pub anchors: HashMap<String, (usize, f32)>,
    /// Headings for the outline, in document order.
    pub headings: Vec<super::outline::Heading>,
    /// The structure tree: every element, the root first (see [`Tree::finished`]).
    pub structure: Vec<Element>,
}

/// A table laid out but not yet drawn: column widths, and each row's height and cell lines.
#[derive(Default)]
struct TablePlan {
    widths: Vec<f32>,
    header: (f32, Vec<Vec<Vec<Piece>>>),
    rows: Vec<(f32, Vec<Vec<Vec<Piece>>>)>,
    leading: f32,
    pad: f32,
}

/// The height a body paragraph of `lines` lines takes, with the space after it.
fn paragraph_height(lines: usize, body: f32) -> f32 {
    lines as f32 * body * paginate::LEADING + body * 0.7
}

/// Blocks with each details section opened, as print has it: its summary as a paragraph, then
/// its blocks (a summary that introduces a table then keeps with it).
fn open_details(blocks: &[Block]) -> Vec<std::borrow::Cow<'_, Block>> {
    use std::borrow::Cow;
    let mut out = Vec::with_capacity(blocks.len());
    for block in blocks {
        match block {
            Block::Details { summary, blocks } => {
                if !summary.trim().is_empty() {
                    out.push(Cow::Owned(Block::Paragraph(vec![Run {
                        text: summary.clone(),
                        style: Style::default(),
                        link: None,
                        anchor: None,
                    }])));
                }
                out.extend(open_details(blocks));
            }
            other => out.push(Cow::Borrowed(other)),
        }
    }
    out
}

/// A drawing of `size` (width, height) scaled to `width`, or less where that would be taller
/// than `most`: its width, height and scale.
fn fit((w, h): (f32, f32), width: f32, most: f32) -> (f32, f32, f32) {
    let scale = (width / w).min(most / h).max(0.0);
    (w * scale, h * scale, scale)
}

/// Consecutive words of a line drawn with one text operation.
struct TextRun {
    text: String,
    face: Face,
    size: f32,
    colour: (f32, f32, f32),
    x: f32,
    owner: Owner,
}

/// Whose content a run is: that of an element already made (the open one), or a link's, whose
/// element is made when its first words are drawn, so that it takes its place among what its
/// parent holds in reading order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Owner {
    Mark(Mark),
    Link(usize),
}

impl TextRun {
    fn continues(&self, piece: &Piece, colour: (f32, f32, f32), owner: Owner) -> bool {
        piece.face == self.face
            && piece.size == self.size
            && colour == self.colour
            && owner == self.owner
    }
}

pub struct Layout<'f> {
    fonts: &'f Fonts,
    /// The brief's charts, by the file name the Markdown links them with.
    charts: &'f [crate::render::charts::Chart],
    g: Geometry,
    laid: Laid,
    /// Distance from the top of the current page to where the next line starts.
    y: f32,
    tree: Tree,
    /// Text drawn now is page furniture (a table header repeated on a new page), whatever
    /// element is open.
    furniture: bool,
    /// The `Link` element of each link drawn so far, by its key.
    link_elements: HashMap<usize, ElementId>,
    next_link_key: usize,
}

impl<'f> Layout<'f> {
    pub fn new(fonts: &'f Fonts, g: Geometry, charts: &'f [crate::render::charts::Chart]) -> Self {
        let y = g.top;
        Layout {
            fonts,
            charts,
            g,
            laid: Laid {
                pages: vec![Frame::default()],
                ..Laid::default()
            },
            y,
            tree: Tree::default(),
            furniture: false,
            link_elements: HashMap::new(),
            next_link_key: 0,
        }
    }

    /// Keeps `height` points free at the top of the current page (for the logo) and returns
    /// where that space starts, from the page's top.
    pub fn reserve(&mut self, height: f32) -> f32 {
        let top = self.y;
        self.y += height;
        top
    }

    /// The laid-out pages, or the first chart that could not be drawn.
    /// The laid-out pages and the structure tree.
    pub fn finish(mut self) -> Laid {
        self.laid.structure = self.tree.finished();
        self.laid
    }

    /// Makes what is drawn next on `page` part of `mark`: a new marked-content sequence when it
    /// differs from the one open there.
    fn enter(&mut self, page: usize, mark: Mark) {
        let mark = if self.furniture {
            Mark::Pagination
        } else {
            mark
        };
        if self
            .laid
            .pages
            .get(page)
            .is_none_or(|frame| frame.mark() == Some(mark))
        {
            return;
        }
        let sequence = match mark {
            Mark::Content(element) => Sequence {
                mark,
                role: self.tree.role(element).unwrap_or(Role::P),
                mcid: self.tree.content(element, page),
            },
            Mark::Artifact | Mark::Pagination => Sequence {
                mark,
                role: Role::P,
                mcid: 0,
            },
        };
        if let Some(frame) = self.laid.pages.get_mut(page) {
            frame.begin(sequence);
        }
    }

    /// The content of the innermost open element.
    fn here(&self) -> Mark {
        Mark::Content(self.tree.current())
    }

    /// The `Link` element for the link `key`, made inside the open element when first drawn.
    fn link_element(&mut self, key: usize) -> ElementId {
        if let Some(&element) = self.link_elements.get(&key) {
            return element;
        }
        let element = self.tree.add(self.tree.current(), Role::Link);
        self.link_elements.insert(key, element);
        element
    }

    fn page(&self) -> usize {
        self.laid.pages.len() - 1
    }

    fn room(&self) -> f32 {
        self.g.height - self.g.bottom - self.y
    }

    fn new_page(&mut self) {
        self.laid.pages.push(Frame::default());
        self.y = self.g.top;
    }

    /// Starts a new page unless `height` still fits on this one.
    fn need(&mut self, height: f32) {
        if height > self.room() && self.y > self.g.top {
            self.new_page();
        }
    }

    pub fn blocks(&mut self, blocks: &[Block]) {
        self.sequence(blocks, 0.0);
    }

    /// Blocks one after another. A paragraph that introduces a table ("Data for this chart")
    /// keeps with the table's header and first rows, or all of a short table; the paragraph's
    /// lines and the table's plan are made once, for that choice and for drawing.
    fn sequence(&mut self, blocks: &[Block], indent: f32) {
        let body = self.g.body;
        let blocks = open_details(blocks);
        let mut i = 0;
        while let Some(block) = blocks.get(i).map(|b| &**b) {
            let next = blocks.get(i + 1).map(|b| &**b);
            // A paragraph that introduces a table ("Data for this chart") or a chart ("Over
            // the twelve months …:") goes with it: a new page first if the two do not fit on
            // this one together.
            match (block, next) {
                (
                    Block::Paragraph(runs),
                    Some(Block::Table {
                        align,
                        header,
                        rows,
                    }),
                ) => {
                    let lines = self.body_lines(runs, indent);
                    let label = paragraph_height(lines.len(), body);
                    let plan = self.table_plan(header, rows, indent);
                    self.need(label + self.table_start(&plan, self.room() - label));
                    self.set_paragraph(&lines, indent);
                    self.table(align, &plan, indent);
                    i += 2;
                }
                (Block::Paragraph(runs), Some(Block::Figure { file, .. })) => {
                    let lines = self.body_lines(runs, indent);
                    if let Some(index) = self.chart_index(file) {
                        let label = paragraph_height(lines.len(), body);
                        self.need(label + self.figure_size(index, indent).3);
                    }
                    self.set_paragraph(&lines, indent);
                    i += 1;
                }
                _ => {
                    self.block(block, indent, next);
                    i += 1;
                }
            }
        }
    }

    fn block(&mut self, block: &Block, indent: f32, next: Option<&Block>) {
        let body = self.g.body;
        match block {
            Block::Heading { level, runs } => {
                let (size, before) = match level {
                    1 => (body * 2.0, 0.0),
                    2 => (body * 1.4, body * 1.8),
                    _ => (body * 1.15, body * 1.2),
                };
                let leading = size * 1.25;
                let title: String = runs.iter().map(|r| r.text.as_str()).collect();
                if paginate::opens_page(*level, &title) && self.y > self.g.top {
                    self.new_page();
                }
                let lines = self.lines(runs, Face::Bold, size, self.g.text_width() - indent);
                // A heading never ends a page.
                let next = match next {
                    Some(Block::Table { .. }) => paginate::Next::Table,
                    Some(Block::Figure { file, .. }) => match self.chart_index(file) {
                        Some(index) => paginate::Next::Figure(self.figure_size(index, indent).3),
                        None => paginate::Next::Text,
                    },
                    Some(_) => paginate::Next::Text,
                    None => paginate::Next::Nothing,
                };
                self.need(paginate::heading_keep(
                    before,
                    leading * lines.len() as f32,
                    next,
                    body,
                ));
                if self.y > self.g.top {
                    self.y += before;
                }
                let element = self.tree.open(Role::heading(*level));
                let top = self.g.height - self.y;
                self.laid.headings.push(super::outline::Heading {
                    level: *level,
                    title: crate::text::one_line(&title),
                    page: self.page(),
                    top,
                });
                for line in lines {
                    self.line(
                        &line,
                        indent,
                        leading,
                        INK,
                        Alignment::Left,
                        self.g.text_width() - indent,
                    );
                }
                self.tree.close(element);
                self.y += size * 0.45;
            }
            Block::Paragraph(runs) => {
                let lines = self.body_lines(runs, indent);
                self.set_paragraph(&lines, indent);
            }
            Block::List { start, items, .. } => {
                let list = self.tree.open(Role::L);
                for (n, item) in items.iter().enumerate() {
                    let list_item = self.tree.open(Role::LI);
                    let marker = match start {
                        Some(first) => format!("{}.", first + n as u64),
                        None => "•".to_owned(),
                    };
                    let marker_width = self.fonts.width(&marker, Face::Regular, body);
                    let inner =
                        indent + body * 1.6 + if start.is_some() { body * 0.6 } else { 0.0 };
                    // The marker stays with its item's first lines (all of a short item).
                    let mut first_lines = match item.first() {
                        Some(Block::Paragraph(runs)) => {
                            let width = self.g.text_width() - inner;
                            Some(self.lines(runs, Face::Regular, body, width))
                        }
                        _ => None,
                    };
                    let kept = first_lines
                        .as_ref()
                        .map_or(1, |l| paginate::kept_together(l.len()));
                    self.need(body * paginate::LEADING * kept as f32);
                    let baseline_top = self.y;
                    let x = self.g.left + inner - body * 0.5 - marker_width;
                    let label = self.tree.open(Role::Lbl);
                    self.text_at(
                        self.page(),
                        &marker,
                        Face::Regular,
                        body,
                        (x, baseline_top + body),
                        INK,
                        Mark::Content(label),
                    );
                    self.tree.close(label);
                    let item_body = self.tree.open(Role::LBody);
                    for (k, b) in item.iter().enumerate() {
                        match b {
                            Block::Paragraph(runs) => {
                                let element = self.tree.open(Role::P);
                                match first_lines.take() {
                                    Some(lines) => self.set_lines(&lines, inner, body),
                                    None => self.paragraph(runs, inner, body, Face::Regular),
                                }
                                self.tree.close(element);
                                if k + 1 < item.len() {
                                    self.y += body * 0.3;
                                }
                            }
                            other => self.block(other, inner, None),
                        }
                    }
                    self.tree.close(item_body);
                    self.tree.close(list_item);
                    self.y += body * 0.25;
                }
                self.tree.close(list);
                self.y += body * 0.5;
            }
            Block::Table {
                align,
                header,
                rows,
            } => {
                let plan = self.table_plan(header, rows, indent);
                self.table(align, &plan, indent);
            }
            Block::Figure { file, alt } => {
                match self.chart_index(file) {
                    Some(index) => self.figure(index, alt, indent),
                    // Not one of our charts: its text alternative stands in, as in the HTML.
                    _ => {
                        let runs = vec![Run {
                            text: alt.clone(),
                            style: Style {
                                italic: true,
                                ..Style::default()
                            },
                            link: None,
                            anchor: None,
                        }];
                        let element = self.tree.open(Role::P);
                        self.paragraph(&runs, indent, body * 0.9, Face::Italic);
                        self.tree.close(element);
                    }
                }
                self.y += body * 0.7;
            }
            Block::Quote(inner) => {
                let (first_page, top) = (self.page(), self.y);
                let element = self.tree.open(Role::BlockQuote);
                self.sequence(inner, indent + body * 1.4);
                self.tree.close(element);
                // The rule beside the quote, on every page the quote reaches.
                let (last_page, bottom) = (self.page(), self.y - body * 0.7);
                let x = self.g.left + indent + body * 0.35;
                for page in first_page..=last_page {
                    let from = if page == first_page { top } else { self.g.top };
                    let to = if page == last_page {
                        bottom
                    } else {
                        self.g.height - self.g.bottom
                    };
                    self.stroke(page, (x, from), (x, to), 2.0, RULE);
                }
                self.y += body * 0.2;
            }
            Block::Code(code) => {
                let element = self.tree.open(Role::Code);
                let width = self.g.text_width() - indent;
                let leading = body * 1.3;
                for source_line in code.lines() {
                    // Indentation is kept: leading spaces become no-break spaces, which do not
                    // break lines.
                    let kept = source_line.len() - source_line.trim_start_matches(' ').len();
                    let text = "\u{a0}".repeat(kept) + &source_line[kept..];
                    let runs = vec![Run {
                        text,
                        style: Style {
                            code: true,
                            ..Style::default()
                        },
                        link: None,
                        anchor: None,
                    }];
                    let lines = self.lines(&runs, Face::Mono, body, width);
                    if lines.is_empty() {
                        self.y += leading;
                    }
                    for line in lines {
                        self.need(leading);
                        self.line(&line, indent, leading, INK, Alignment::Left, width);
                    }
                }
                self.tree.close(element);
                self.y += body * 0.7;
            }
            Block::Details { .. } => self.sequence(std::slice::from_ref(block), indent),
            Block::Rule => {
                self.need(body);
                let y = self.y + body * 0.5;
                self.rule(
                    self.page(),
                    (self.g.left + indent, self.g.width - self.g.right),
                    y,
                    0.5,
                    RULE,
                );
                self.y += body;
            }
        }
    }

    /// A chart drawn as vectors at the text width, framed, with its title as the caption below;
    /// chart and caption never part. A chart too tall for a page (a period of many laundering
    /// services) is scaled down to the page's text area, so nothing is drawn under the footer.
    /// `alt` is the figure's text alternative as the template wrote it (the chart's own when
    /// the template gives none), as the HTML's figure has it.
    fn figure(&mut self, index: usize, alt: &str, indent: f32) {
        let (width, height, scale, whole) = self.figure_size(index, indent);
        let caption = self.g.body * 0.85;
        self.need(whole);
        let (left, top) = (self.g.left + indent, self.y);
        let element = self.tree.open(Role::Figure);
        let page = self.page();
        self.tree.set_figure(
            element,
            if alt.trim().is_empty() {
                &self.charts[index].alt
            } else {
                alt
            },
            page,
            [
                left,
                self.g.height - top - height,
                left + width,
                self.g.height - top,
            ],
        );
        self.enter(page, Mark::Content(element));
        self.draw(
            page,
            Item::Chart {
                index,
                left,
                top,
                scale,
            },
        );
        self.tree.close(element);
        self.enter(page, Mark::Artifact);
        self.draw(
            page,
            Item::Frame {
                left,
                top,
                width,
                height,
            },
        );
        self.y += height + caption * 0.4;
        let runs = vec![Run {
            text: self.charts[index].title.clone(),
            style: Style::default(),
            link: None,
            anchor: None,
        }];
        let lines = self.lines(&runs, Face::Regular, caption, width);
        let element = self.tree.open(Role::Caption);
        for line in lines {
            self.line(&line, indent, caption * 1.4, MUTED, Alignment::Left, width);
        }
        self.tree.close(element);
    }

    /// The chart an image names, when it is one of ours and has something to draw.
    fn chart_index(&self, file: &str) -> Option<usize> {
        self.charts
            .iter()
            .position(|c| c.file == file)
            .filter(|&index| {
                !matches!(
                    self.charts[index].drawing,
                    crate::render::charts::Drawing::Nothing
                )
            })
    }

    /// A chart's drawn width, height and scale, and the height it takes with its caption.
    fn figure_size(&self, index: usize, indent: f32) -> (f32, f32, f32, f32) {
        let (w, h) = self.charts[index].drawing.size();
        let caption = self.g.body * 0.85;
        let (width, height, scale) = fit(
            (w as f32, h as f32),
            self.g.text_width() - indent,
            self.g.height - self.g.top - self.g.bottom - caption * 2.2,
        );
        (width, height, scale, height + caption * 2.2)
    }

    /// A body paragraph's lines at `indent`.
    fn body_lines(&mut self, runs: &[Run], indent: f32) -> Vec<Vec<Piece>> {
        self.lines(
            runs,
            Face::Regular,
            self.g.body,
            self.g.text_width() - indent,
        )
    }

    /// A body paragraph from its lines: its element, its lines, the space after it.
    fn set_paragraph(&mut self, lines: &[Vec<Piece>], indent: f32) {
        let element = self.tree.open(Role::P);
        self.set_lines(lines, indent, self.g.body);
        self.tree.close(element);
        self.y += self.g.body * 0.7;
    }

    fn paragraph(&mut self, runs: &[Run], indent: f32, size: f32, base: Face) {
        let lines = self.lines(runs, base, size, self.g.text_width() - indent);
        self.set_lines(&lines, indent, size);
    }

    /// Sets a paragraph's lines, breaking pages so that no line is left alone at either end.
    fn set_lines(&mut self, lines: &[Vec<Piece>], indent: f32, size: f32) {
        let leading = size * paginate::LEADING;
        let width = self.g.text_width() - indent;
        let mut drawn = 0;
        while drawn < lines.len() {
            let rest = lines.len() - drawn;
            let fits = (self.room() / leading).floor().max(0.0) as usize;
            let take = paginate::lines_here(rest, fits, self.y <= self.g.top);
            for line in &lines[drawn..drawn + take] {
                self.line(line, indent, leading, INK, Alignment::Left, width);
            }
            drawn += take;
            if drawn < lines.len() {
                self.new_page();
            }
        }
    }

    /// Breaks runs into lines no wider than `width`, by measured glyph widths.
    fn lines(&mut self, runs: &[Run], base: Face, size: f32, width: f32) -> Vec<Vec<Piece>> {
        let mut pieces: Vec<Piece> = Vec::new();
        let mut previous_link: Option<&Link> = None;
        for run in runs {
            // A path relative to a PDF names nothing its reader has: no link, the words stay.
            let link = match &run.link {
                Some(Link::Relative(_)) | None => None,
                Some(link) => Some(link),
            };
            // Runs of one link (its bold word and the rest) are one link; the next is another.
            if link.is_some() && link != previous_link {
                self.next_link_key += 1;
            }
            previous_link = link;
            let link_key = self.next_link_key;
            let bold = run.style.bold || matches!(base, Face::Bold | Face::BoldItalic);
            let italic = run.style.italic || matches!(base, Face::Italic | Face::BoldItalic);
            let face = match (run.style.code || base == Face::Mono, bold, italic) {
                (true, _, _) => Face::Mono,
                (false, true, true) => Face::BoldItalic,
                (false, true, false) => Face::Bold,
                (false, false, true) => Face::Italic,
                (false, false, false) => Face::Regular,
            };
            // A monospaced face looks larger than the text around it at the same size.
            let size = if face == Face::Mono { size * 0.9 } else { size };
            if let Some(anchor) = &run.anchor {
                pieces.push(Piece {
                    text: String::new(),
                    face,
                    size,
                    link: None,
                    link_key,
                    anchor: Some(anchor.clone()),
                    space: false,
                    width: 0.0,
                });
            }
            // Control characters (a tab in a summary) are spaces on the page.
            let text: String = run
                .text
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let mut word = String::new();
            let flush = |word: &mut String, space: bool, pieces: &mut Vec<Piece>| {
                if word.is_empty() {
                    return;
                }
                let text = std::mem::take(word);
                pieces.push(Piece {
                    width: self.fonts.width(&text, face, size),
                    text,
                    face,
                    size,
                    link: link.cloned(),
                    link_key,
                    anchor: None,
                    space,
                });
            };
            for c in text.chars() {
                if c == ' ' {
                    flush(&mut word, false, &mut pieces);
                    word.push(' ');
                    flush(&mut word, true, &mut pieces);
                } else {
                    word.push(c);
                }
            }
            flush(&mut word, false, &mut pieces);
        }
        lines::fill(pieces, width, |piece, room| self.cut(piece, room))
    }

    /// Splits a piece so its head fits `room` points (at least one character).
    fn cut(&self, piece: &Piece, room: f32) -> (Piece, Piece) {
        let mut head = String::new();
        let mut width = 0.0;
        let mut chars = piece.text.chars().peekable();
        while let Some(&c) = chars.peek() {
            let w = self.fonts.width(&c.to_string(), piece.face, piece.size);
            if width + w > room && !head.is_empty() {
                break;
            }
            head.push(c);
            width += w;
            chars.next();
        }
        let tail: String = chars.collect();
        // What is left of the width, not the tail measured again: once per cut, measuring the
        // rest made a word of n characters cost n²/line (24 s for 60 000 characters no font
        // has, each looked up in two faces).
        let tail_width = (piece.width - width).max(0.0);
        (
            Piece {
                text: head,
                width,
                ..piece.clone()
            },
            Piece {
                text: tail,
                width: tail_width,
                ..piece.clone()
            },
        )
    }

    /// Draws one line at the cursor and moves the cursor down by `leading`.
    fn line(
        &mut self,
        line: &[Piece],
        indent: f32,
        leading: f32,
        ink: (f32, f32, f32),
        align: Alignment,
        width: f32,
    ) {
        let total: f32 = line.iter().map(|p| p.width).sum();
        let mut x = self.g.left
            + indent
            + match align {
                Alignment::Right => (width - total).max(0.0),
                Alignment::Center => ((width - total) / 2.0).max(0.0),
                _ => 0.0,
            };
        let size = line
            .iter()
            .map(|p| p.size)
            .fold(None, |m: Option<f32>, s| Some(m.map_or(s, |m| m.max(s))))
            .unwrap_or(self.g.body);
        let baseline = self.y + (leading + size * 0.72) / 2.0;
        let page = self.page();
        // Words in the same face, size and colour are drawn as one run, and the words of one
        // link as one link area: a 270-page brief drew each word with its own text object and
        // each word and space with its own annotation, six times the operations for the same
        // positions (a run advances by the same widths the layout measured).
        let mut run: Option<TextRun> = None;
        let mut link: Option<(PendingLink, usize)> = None;
        for piece in line {
            if let Some(anchor) = &piece.anchor {
                let top = self.g.height - self.y;
                self.laid
                    .anchors
                    .entry(anchor.clone())
                    .or_insert((page, top));
            }
            // A link's words belong to its `Link` element, a space between two of them too.
            let owner = match piece.link {
                Some(_) => Owner::Link(piece.link_key),
                None => Owner::Mark(self.here()),
            };
            if !piece.text.is_empty() {
                let colour = if piece.link.is_some() {
                    self.g.accent
                } else {
                    ink
                };
                match &mut run {
                    Some(open) if open.continues(piece, colour, owner) => {
                        open.text.push_str(&piece.text)
                    }
                    // A space between two runs ends the first: drawn, though nothing shows,
                    // so that the text a screen reader or a copy gets keeps its words apart.
                    Some(open) if piece.space => open.text.push_str(&piece.text),
                    _ => {
                        self.draw_run(run.take(), page, baseline);
                        // A space never starts a run: the next word's run starts at its own x.
                        if !piece.space {
                            run = Some(TextRun {
                                text: piece.text.clone(),
                                face: piece.face,
                                size: piece.size,
                                colour,
                                x,
                                owner,
                            });
                        }
                    }
                }
            }
            match (&piece.link, &mut link) {
                (Some(_), Some((open, key))) if *key == piece.link_key => {
                    open.rect.width = x + piece.width - open.rect.x;
                }
                (target, _) => {
                    self.push_link(link.take());
                    link = target
                        .as_ref()
                        .filter(|_| piece.width > 0.0 && !piece.space)
                        .map(|target| {
                            let area = PendingLink {
                                page,
                                rect: Area {
                                    x,
                                    y: self.g.height - baseline - piece.size * 0.25,
                                    width: piece.width,
                                    height: piece.size * 1.05,
                                },
                                target: target.clone(),
                                // Known once the link's words are drawn.
                                element: Tree::ROOT,
                            };
                            (area, piece.link_key)
                        });
                }
            }
            x += piece.width;
        }
        self.draw_run(run, page, baseline);
        self.push_link(link);
        self.y += leading;
    }

    /// Keeps a link area for the writer, and records it as the last thing its element holds.
    /// Called once the area's words are drawn.
    fn push_link(&mut self, link: Option<(PendingLink, usize)>) {
        if let Some((mut link, key)) = link {
            link.element = self.link_element(key);
            self.tree.annotation(link.element, self.laid.links.len());
            self.laid.links.push(link);
        }
    }

    fn draw_run(&mut self, run: Option<TextRun>, page: usize, baseline: f32) {
        if let Some(run) = run {
            let mark = match run.owner {
                Owner::Mark(mark) => mark,
                Owner::Link(key) => Mark::Content(self.link_element(key)),
            };
            self.text_at(
                page,
                &run.text,
                run.face,
                run.size,
                (run.x, baseline),
                run.colour,
                mark,
            );
        }
    }

    /// Text on page `page` with its baseline `baseline` points below the page's top, as part
    /// of `mark`.
    #[allow(clippy::too_many_arguments)]
    fn text_at(
        &mut self,
        page: usize,
        text: &str,
        face: Face,
        size: f32,
        (x, baseline): (f32, f32),
        ink: (f32, f32, f32),
        mark: Mark,
    ) {
        self.enter(page, mark);
        self.draw(
            page,
            Item::Text {
                text: text.to_owned(),
                face,
                size,
                x,
                baseline,
                colour: ink,
            },
        );
    }

    fn draw(&mut self, page: usize, item: Item) {
        if let Some(frame) = self.laid.pages.get_mut(page) {
            frame.draw(item);
        }
    }

    /// A horizontal rule on page `page`, `y_top` points below the page's top.
    fn rule(
        &mut self,
        page: usize,
        (x1, x2): (f32, f32),
        y_top: f32,
        thickness: f32,
        ink: (f32, f32, f32),
    ) {
        self.stroke(page, (x1, y_top), (x2, y_top), thickness, ink);
    }

    /// A straight line on page `page` between two points given from the page's top-left.
    fn stroke(
        &mut self,
        page: usize,
        from: (f32, f32),
        to: (f32, f32),
        thickness: f32,
        ink: (f32, f32, f32),
    ) {
        // Rules are decoration, never text.
        self.enter(page, Mark::Artifact);
        self.draw(
            page,
            Item::Line {
                from,
                to,
                thickness,
                colour: ink,
            },
        );
    }

    /// A table's columns sized to their content within the text width, and its cells wrapped.
    fn table_plan(
        &mut self,
        header: &[Vec<Run>],
        rows: &[Vec<Vec<Run>>],
        indent: f32,
    ) -> TablePlan {
        let size = self.g.body * 0.85;
        let leading = size * 1.35;
        let pad = 3.0;
        let available = self.g.text_width() - indent;
        let columns = header
            .len()
            .max(rows.iter().map(Vec::len).max().unwrap_or(0));
        if columns == 0 {
            return TablePlan::default();
        }
        // Natural (one-line) and minimum (longest word) widths per column.
        let mut natural = vec![0.0f32; columns];
        let mut minimum = vec![0.0f32; columns];
        let all_rows = std::iter::once((header, Face::Bold))
            .chain(rows.iter().map(|r| (r.as_slice(), Face::Regular)));
        for (row, face) in all_rows {
            for (c, cell) in row.iter().enumerate() {
                let text: String = cell.iter().map(|r| r.text.as_str()).collect();
                // A point of slack: a cell exactly as wide as its text must not wrap on rounding.
                natural[c] = natural[c].max(self.fonts.width(&text, face, size) + 2.0 * pad + 1.0);
                for word in text.split(' ') {
                    minimum[c] = minimum[c].max(
                        (self.fonts.width(word, face, size) + 2.0 * pad + 1.0).min(available / 3.0),
                    );
                }
            }
        }
        let widths = paginate::column_widths(&natural, &minimum, available);
        let layout_row = |this: &mut Self, row: &[Vec<Run>], face: Face| -> Vec<Vec<Vec<Piece>>> {
            (0..columns)
                .map(|c| {
                    let cell = row.get(c).cloned().unwrap_or_default();
                    this.lines(&cell, face, size, widths[c] - 2.0 * pad)
                })
                .collect()
        };
        let height_of = |cells: &Vec<Vec<Vec<Piece>>>| {
            cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * leading + 2.0 * pad
        };
        let header_cells = layout_row(self, header, Face::Bold);
        let header = (height_of(&header_cells), header_cells);
        let rows = rows
            .iter()
            .map(|row| {
                let cells = layout_row(self, row, Face::Regular);
                (height_of(&cells), cells)
            })
            .collect();
        TablePlan {
            widths,
            header,
            rows,
            leading,
            pad,
        }
    }

    /// How much room a table needs to start here ([`paginate::table_start`]).
    fn table_start(&self, plan: &TablePlan, room: f32) -> f32 {
        let rows: Vec<f32> = plan.rows.iter().map(|(h, _)| *h).collect();
        let page = self.g.height - self.g.top - self.g.bottom;
        paginate::table_start(plan.header.0, &rows, room, page)
    }

    /// A table: rows never split, the header repeated at the top of every page it reaches.
    fn table(&mut self, align: &[Alignment], plan: &TablePlan, indent: f32) {
        if plan.widths.is_empty() {
            return;
        }
        let (widths, leading, pad) = (&plan.widths, plan.leading, plan.pad);
        let (header_height, header_lines) = (plan.header.0, &plan.header.1);
        let draw_row = |this: &mut Self, cells: &Vec<Vec<Vec<Piece>>>, height: f32, heavy: bool| {
            let top = this.y;
            let mut x = indent;
            // A header drawn again on a new page is furniture: no elements of its own.
            let tagged = !this.furniture;
            let row = tagged.then(|| this.tree.open(Role::TR));
            for (c, lines) in cells.iter().enumerate() {
                let cell = tagged.then(|| this.tree.open(if heavy { Role::TH } else { Role::TD }));
                this.y = top + pad;
                for line in lines {
                    this.line(
                        line,
                        x + pad,
                        leading,
                        INK,
                        align.get(c).copied().unwrap_or(Alignment::None),
                        widths[c] - 2.0 * pad,
                    );
                }
                if let Some(cell) = cell {
                    this.tree.close(cell);
                }
                x += widths[c];
            }
            if let Some(row) = row {
                this.tree.close(row);
            }
            this.y = top + height;
            let right = this.g.left + indent + widths.iter().sum::<f32>();
            let rule_y = this.y;
            this.rule(
                this.page(),
                (this.g.left + indent, right),
                rule_y,
                if heavy { 1.0 } else { 0.4 },
                if heavy { INK } else { RULE },
            );
        };
        self.need(self.table_start(plan, self.room()));
        let table = self.tree.open(Role::Table);
        let head = self.tree.open(Role::THead);
        draw_row(self, header_lines, header_height, true);
        self.tree.close(head);
        let body = self.tree.open(Role::TBody);
        for (height, cells) in &plan.rows {
            if *height > self.room() && self.y > self.g.top {
                self.new_page();
                // The header again, for the eye: a screen reader has it once, in the head.
                self.furniture = true;
                draw_row(self, header_lines, header_height, true);
                self.furniture = false;
            }
            draw_row(self, cells, *height, false);
        }
        self.tree.close(body);
        self.tree.close(table);
        self.y += self.g.body * 0.9;
    }

    /// Adds the running header and the "page X of Y" footer to every page.
    pub fn furniture(&mut self, title: &str, period: &str) {
        let count = self.laid.pages.len();
        let size = self.g.body * 0.8;
        let (left, right) = (self.g.left, self.g.width - self.g.right);
        let header_y = self.g.top - size * 2.2;
        let footer_y = self.g.height - self.g.bottom + size * 2.6;
        let period_width = self.fonts.width(period, Face::Regular, size);
        let pagination = Mark::Pagination;
        for page in 0..count {
            self.text_at(
                page,
                title,
                Face::Regular,
                size,
                (left, header_y),
                MUTED,
                pagination,
            );
            self.text_at(
                page,
                period,
                Face::Regular,
                size,
                (right - period_width, header_y),
                MUTED,
                pagination,
            );
            self.rule(
                page,
                (left, right),
                header_y + size * 0.6,
                0.6,
                self.g.accent,
            );
            let footer = format!("Page {} of {count}", page + 1);
            let footer_width = self.fonts.width(&footer, Face::Regular, size);
            let x = (self.g.width - footer_width) / 2.0;
            self.text_at(
                page,
                &footer,
                Face::Regular,
                size,
                (x, footer_y),
                MUTED,
                pagination,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::frame::Entry;
    use super::*;

    fn lay_out(markdown: &str) -> Laid {
        let fonts = Fonts::load().expect("bundled fonts");
        let geometry = Geometry::new(&super::super::style::Style::default());
        let mut layout = Layout::new(&fonts, geometry, &[]);
        layout.blocks(&crate::render::document::blocks(markdown));
        layout.finish()
    }

    fn shown_texts(laid: &Laid) -> Vec<String> {
        laid.pages
            .iter()
            .flat_map(|page| page.items())
            .filter_map(|item| match item {
                Item::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn words_in_one_face_and_colour_are_one_run() {
        let laid = lay_out(
            "Lazarus moved the funds **through a mixer** [to a bridge](https://bridge.test/) today.",
        );
        assert_eq!(
            shown_texts(&laid),
            // Each run keeps the space after it, so the text keeps its words apart.
            [
                "Lazarus moved the funds ",
                "through a mixer ",
                "to a bridge ",
                "today."
            ]
        );
    }

    /// The roles of the tree under `element`, depth first, indented by depth.
    fn roles(elements: &[Element], element: ElementId, depth: usize, out: &mut Vec<String>) {
        out.push(format!(
            "{}{}",
            "  ".repeat(depth),
            elements[element].role.name()
        ));
        for kid in &elements[element].kids {
            if let super::super::tags::Kid::Element(child) = kid {
                roles(elements, *child, depth + 1, out);
            }
        }
    }

    #[test]
    fn every_block_is_an_element_in_reading_order() {
        let laid = lay_out(
            "# Brief\n\nSee [the FBI](https://fbi.test/).\n\n- one\n\n| a | b |\n| --- | --- |\n| 1 | |\n\n> quoted\n\n```\ncode\n```\n\n---\n",
        );
        let mut out = Vec::new();
        roles(&laid.structure, 0, 0, &mut out);
        assert_eq!(
            out.join("\n"),
            "Document\n  H1\n  P\n    Link\n  L\n    LI\n      Lbl\n      LBody\n        P\n  Table\n    THead\n      TR\n        TH\n        TH\n    TBody\n      TR\n        TD\n        TD\n  BlockQuote\n    P\n  Code"
        );
        // The link's words and its annotation both belong to the Link element.
        let link = laid
            .structure
            .iter()
            .find(|e| e.role == Role::Link)
            .expect("a link element");
        assert!(matches!(
            link.kids.as_slice(),
            [
                super::super::tags::Kid::Content { .. },
                super::super::tags::Kid::Annotation(0)
            ]
        ));
        assert_eq!(
            laid.links[0].element,
            laid.structure
                .iter()
                .position(|e| e.role == Role::Link)
                .unwrap_or(0)
        );
    }

    /// The marked-content sequences of a page: `P:3` for an element's (by role and id),
    /// `Artifact` and `Pagination` for the others.
    fn marks(laid: &Laid, page: usize) -> Vec<String> {
        laid.pages[page]
            .entries
            .iter()
            .filter_map(|entry| match entry {
                Entry::Begin(sequence) => Some(match sequence.mark {
                    Mark::Content(_) => sequence.role.name().to_owned(),
                    Mark::Artifact => "Artifact".to_owned(),
                    Mark::Pagination => "Pagination".to_owned(),
                }),
                Entry::Draw(_) => None,
            })
            .collect()
    }

    #[test]
    fn a_table_header_repeated_on_a_new_page_is_furniture() {
        let rows: String = (0..150).map(|n| format!("| {n} | row {n} |\n")).collect();
        let laid = lay_out(&format!("| n | text |\n| --- | --- |\n{rows}"));
        assert!(laid.pages.len() > 1);
        let second = marks(&laid, 1);
        assert_eq!(
            second.first().map(String::as_str),
            Some("Pagination"),
            "{second:?}"
        );
        assert!(second.iter().any(|m| m == "TD"), "{second:?}");
        let header_cells = laid.structure.iter().filter(|e| e.role == Role::TH).count();
        assert_eq!(header_cells, 2, "the header is in the tree once");
        // Nothing is drawn outside a marked sequence: every page begins with one.
        for page in &laid.pages {
            assert!(matches!(page.entries.first(), Some(Entry::Begin(_)) | None));
        }
    }

    #[test]
    fn a_drawing_taller_than_the_room_is_scaled_to_it() {
        assert_eq!(fit((800.0, 400.0), 400.0, 1000.0), (400.0, 200.0, 0.5));
        assert_eq!(fit((800.0, 2000.0), 400.0, 500.0), (200.0, 500.0, 0.25));
    }

    #[test]
    fn a_link_on_one_line_is_one_area_as_wide_as_its_words() {
        let fonts = Fonts::load().expect("bundled fonts");
        let laid = lay_out("See [the FBI's statement](https://fbi.test/) now.");
        assert_eq!(laid.links.len(), 1);
        let link = &laid.links[0];
        assert_eq!(link.target, Link::Web("https://fbi.test/".into()));
        let size = Geometry::new(&super::super::style::Style::default()).body;
        let expected = fonts.width("the FBI's statement", Face::Regular, size);
        assert!(
            (link.rect.width - expected).abs() < 0.01,
            "{} vs {expected}",
            link.rect.width
        );
    }
}
