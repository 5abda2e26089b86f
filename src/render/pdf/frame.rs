//! What layout makes of a page: positioned items, in the order they are drawn, each inside the
//! marked-content sequence it belongs to. Lengths are points from the page's top-left corner.
//! No PDF types: the writer ([`super::draw`]) turns a frame into a page's content stream.

use super::fonts::Face;
use super::tags::{Mark, Role};

/// A colour as fractions of full red, green and blue.
pub type Colour = (f32, f32, f32);

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// Text in one face, its baseline starting at `(x, baseline)`.
    Text {
        text: String,
        face: Face,
        size: f32,
        x: f32,
        baseline: f32,
        colour: Colour,
    },
    /// A straight line.
    Line {
        from: (f32, f32),
        to: (f32, f32),
        thickness: f32,
        colour: Colour,
    },
    /// The brief's chart `index`, its top-left corner at `(left, top)`, `scale` points to its
    /// unit.
    Chart {
        index: usize,
        left: f32,
        top: f32,
        scale: f32,
    },
    /// A thin grey frame around a chart.
    Frame {
        left: f32,
        top: f32,
        width: f32,
        height: f32,
    },
}

/// A link's area on its page, in PDF coordinates (points from the bottom-left corner).
#[derive(Clone, Debug, PartialEq)]
pub struct Area {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// The start of a marked-content sequence: an element's content, with its role and its id on
/// the page, or an artifact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sequence {
    pub mark: Mark,
    pub role: Role,
    pub mcid: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// Ends the sequence before it, if any, and begins one.
    Begin(Sequence),
    Draw(Item),
}

/// One page: its entries in drawing order, and the mark of the sequence open at its end.
#[derive(Clone, Debug, Default)]
pub struct Frame {
    pub entries: Vec<Entry>,
    open: Option<Mark>,
}

impl Frame {
    /// The mark of the sequence open, if any.
    pub fn mark(&self) -> Option<Mark> {
        self.open
    }

    pub fn begin(&mut self, sequence: Sequence) {
        self.open = Some(sequence.mark);
        self.entries.push(Entry::Begin(sequence));
    }

    pub fn draw(&mut self, item: Item) {
        self.entries.push(Entry::Draw(item));
    }

    /// The items, without their sequences.
    #[cfg(test)]
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.entries.iter().filter_map(|entry| match entry {
            Entry::Draw(item) => Some(item),
            Entry::Begin(_) => None,
        })
    }
}
