//! The PDF's logical structure, as layout builds it: a tree of elements (headings, paragraphs,
//! lists, tables, figures, links) in reading order, and for each element the pieces of page
//! content drawn for it. Whatever is drawn belongs to an element or is an artifact (running
//! header and footer, rules, frames, a table header repeated on a new page), which a screen
//! reader skips. [`super::structure`] writes the tree into the file.

/// An element's standard structure type (ISO 32000-1, 14.8.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Document,
    H1,
    H2,
    H3,
    P,
    L,
    LI,
    Lbl,
    LBody,
    Table,
    THead,
    TBody,
    TR,
    /// A header cell of a column.
    TH,
    TD,
    BlockQuote,
    Code,
    Figure,
    Caption,
    Link,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Document => "Document",
            Role::H1 => "H1",
            Role::H2 => "H2",
            Role::H3 => "H3",
            Role::P => "P",
            Role::L => "L",
            Role::LI => "LI",
            Role::Lbl => "Lbl",
            Role::LBody => "LBody",
            Role::Table => "Table",
            Role::THead => "THead",
            Role::TBody => "TBody",
            Role::TR => "TR",
            Role::TH => "TH",
            Role::TD => "TD",
            Role::BlockQuote => "BlockQuote",
            Role::Code => "Code",
            Role::Figure => "Figure",
            Role::Caption => "Caption",
            Role::Link => "Link",
        }
    }

    /// The heading element of a level (a brief uses three).
    pub fn heading(level: u8) -> Role {
        match level {
            1 => Role::H1,
            2 => Role::H2,
            _ => Role::H3,
        }
    }

    /// Elements whose place matters even when they hold nothing: an empty table cell still
    /// keeps the cells after it in their columns.
    fn kept_when_empty(self) -> bool {
        matches!(
            self,
            Role::Document | Role::TH | Role::TD | Role::TR | Role::Table
        )
    }
}

/// An element's index in its tree.
pub type ElementId = usize;

/// What an element holds, in reading order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kid {
    Element(ElementId),
    /// A marked-content sequence: its page (from 0) and its id on that page.
    Content {
        page: usize,
        mcid: u32,
    },
    /// A link annotation, by its index among the document's links.
    Annotation(usize),
}

#[derive(Clone, Debug)]
pub struct Element {
    pub role: Role,
    pub parent: Option<ElementId>,
    pub kids: Vec<Kid>,
    /// A figure's text alternative.
    pub alt: Option<String>,
    /// A figure's bounding box: its page and its rectangle in PDF coordinates (x1 y1 x2 y2).
    pub bbox: Option<(usize, [f32; 4])>,
}

/// What a piece of page content is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Part of the element's content.
    Content(ElementId),
    /// Not part of the text: a rule, a frame.
    Artifact,
    /// Page furniture: the running header and footer, a table's header repeated on a new page.
    Pagination,
}

/// The structure tree being built, and the marked-content ids used on each page.
#[derive(Debug)]
pub struct Tree {
    elements: Vec<Element>,
    /// The open elements, innermost last; the root is always open.
    open: Vec<ElementId>,
    next_mcid: Vec<u32>,
}

impl Default for Tree {
    fn default() -> Self {
        Tree {
            elements: vec![Element {
                role: Role::Document,
                parent: None,
                kids: Vec::new(),
                alt: None,
                bbox: None,
            }],
            open: vec![0],
            next_mcid: Vec::new(),
        }
    }
}

impl Tree {
    /// The root element.
    pub const ROOT: ElementId = 0;

    /// The innermost open element.
    pub fn current(&self) -> ElementId {
        self.open.last().copied().unwrap_or(Self::ROOT)
    }

    /// A new element as the last child of `parent`, not opened.
    pub fn add(&mut self, parent: ElementId, role: Role) -> ElementId {
        let id = self.elements.len();
        self.elements.push(Element {
            role,
            parent: Some(parent),
            kids: Vec::new(),
            alt: None,
            bbox: None,
        });
        if let Some(parent) = self.elements.get_mut(parent) {
            parent.kids.push(Kid::Element(id));
        }
        id
    }

    /// A new element as the last child of the current one, opened: what is drawn until it is
    /// closed belongs to it.
    pub fn open(&mut self, role: Role) -> ElementId {
        let id = self.add(self.current(), role);
        self.open.push(id);
        id
    }

    /// Closes `id` and any element opened inside it and left open.
    pub fn close(&mut self, id: ElementId) {
        if let Some(at) = self.open.iter().rposition(|&e| e == id)
            && at > 0
        {
            self.open.truncate(at);
        }
    }

    /// A new marked-content id on `page`, recorded as the next thing `element` holds.
    pub fn content(&mut self, element: ElementId, page: usize) -> u32 {
        if self.next_mcid.len() <= page {
            self.next_mcid.resize(page + 1, 0);
        }
        let mcid = self.next_mcid[page];
        self.next_mcid[page] += 1;
        if let Some(e) = self.elements.get_mut(element) {
            e.kids.push(Kid::Content { page, mcid });
        }
        mcid
    }

    /// Records that the link annotation `link` belongs to `element`.
    pub fn annotation(&mut self, element: ElementId, link: usize) {
        if let Some(e) = self.elements.get_mut(element) {
            e.kids.push(Kid::Annotation(link));
        }
    }

    pub fn set_figure(&mut self, element: ElementId, alt: &str, page: usize, rect: [f32; 4]) {
        if let Some(e) = self.elements.get_mut(element) {
            e.alt = Some(alt.to_owned());
            e.bbox = Some((page, rect));
        }
    }

    pub fn role(&self, element: ElementId) -> Option<Role> {
        self.elements.get(element).map(|e| e.role)
    }

    /// The elements, with those that hold nothing (no content, link or kept element) removed
    /// from their parents' kids: an empty paragraph is noise to a screen reader.
    pub fn finished(mut self) -> Vec<Element> {
        let mut holds = vec![false; self.elements.len()];
        // Children always come after their parents, so one backward pass settles each.
        for id in (0..self.elements.len()).rev() {
            let e = &self.elements[id];
            holds[id] = e.role.kept_when_empty()
                || e.kids.iter().any(|kid| match kid {
                    Kid::Element(child) => holds[*child],
                    Kid::Content { .. } | Kid::Annotation(_) => true,
                });
        }
        for e in &mut self.elements {
            e.kids.retain(|kid| match kid {
                Kid::Element(child) => holds[*child],
                _ => true,
            });
        }
        self.elements
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_nest_as_opened_and_content_gets_ids_per_page() {
        let mut tree = Tree::default();
        let p = tree.open(Role::P);
        assert_eq!(tree.content(p, 0), 0);
        let link = tree.add(p, Role::Link);
        assert_eq!(tree.content(link, 0), 1);
        tree.annotation(link, 0);
        assert_eq!(tree.content(p, 1), 0, "ids start again on each page");
        tree.close(p);
        assert_eq!(tree.current(), Tree::ROOT);
        let empty = tree.open(Role::P);
        tree.close(empty);
        let elements = tree.finished();
        assert_eq!(
            elements[0].kids,
            [Kid::Element(p)],
            "the empty paragraph is left out"
        );
        assert_eq!(
            elements[p].kids,
            [
                Kid::Content { page: 0, mcid: 0 },
                Kid::Element(link),
                Kid::Content { page: 1, mcid: 0 }
            ]
        );
        assert_eq!(
            elements[link].kids,
            [Kid::Content { page: 0, mcid: 1 }, Kid::Annotation(0)]
        );
    }

    #[test]
    fn closing_an_element_closes_what_was_left_open_inside_it() {
        let mut tree = Tree::default();
        let list = tree.open(Role::L);
        tree.open(Role::LI);
        tree.open(Role::LBody);
        tree.close(list);
        assert_eq!(tree.current(), Tree::ROOT);
        tree.close(Tree::ROOT);
        assert_eq!(tree.current(), Tree::ROOT, "the root stays open");
    }
}
