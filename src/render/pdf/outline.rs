//! The PDF outline (bookmarks): the headings, nested by level and in document order, each
//! jumping to where its heading stands on its page. printpdf's own bookmarks are flat, sorted by
//! name and jump to the top of the page, so the outline is written with lopdf.

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};

/// A heading as laid out: its level (1 for `#`), text, page (from 0) and the PDF y of its top.
pub struct Heading {
    pub level: u8,
    pub title: String,
    pub page: usize,
    pub top: f32,
}

/// One entry and the entries nested under it.
struct Node<'h> {
    heading: &'h Heading,
    children: Vec<Node<'h>>,
}

/// Nests headings by level: each heading goes under the nearest earlier one of a lower level.
fn nest(headings: &[Heading]) -> Vec<Node<'_>> {
    fn insert<'h>(nodes: &mut Vec<Node<'h>>, heading: &'h Heading) {
        match nodes.last_mut() {
            Some(last) if last.heading.level < heading.level => insert(&mut last.children, heading),
            _ => nodes.push(Node {
                heading,
                children: Vec::new(),
            }),
        }
    }
    let mut roots = Vec::new();
    for heading in headings {
        insert(&mut roots, heading);
    }
    roots
}

/// Adds the outline to the document's catalog and asks viewers to show it. No headings, no
/// outline.
pub fn add(doc: &mut Document, headings: &[Heading]) {
    let roots = nest(headings);
    if roots.is_empty() {
        return;
    }
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let Ok(Object::Reference(catalog)) = doc.trailer.get(b"Root").cloned() else {
        return;
    };
    let outlines = doc.new_object_id();
    let (first, last, count) = add_level(doc, &roots, outlines, &pages);
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Outlines".to_vec()));
    dict.set("First", Object::Reference(first));
    dict.set("Last", Object::Reference(last));
    dict.set("Count", Object::Integer(count));
    doc.objects.insert(outlines, Object::Dictionary(dict));
    if let Ok(Object::Dictionary(catalog)) = doc.get_object_mut(catalog) {
        catalog.set("Outlines", Object::Reference(outlines));
        catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    }
}

/// Writes `nodes` as siblings under `parent`; returns the first and last entry and how many
/// entries show when all are open.
fn add_level(
    doc: &mut Document,
    nodes: &[Node<'_>],
    parent: ObjectId,
    pages: &[ObjectId],
) -> (ObjectId, ObjectId, i64) {
    let ids: Vec<ObjectId> = nodes.iter().map(|_| doc.new_object_id()).collect();
    let mut shown = 0;
    for (i, node) in nodes.iter().enumerate() {
        let mut dict = Dictionary::new();
        dict.set("Title", text_string(&node.heading.title));
        dict.set("Parent", Object::Reference(parent));
        if i > 0 {
            dict.set("Prev", Object::Reference(ids[i - 1]));
        }
        if let Some(next) = ids.get(i + 1) {
            dict.set("Next", Object::Reference(*next));
        }
        if let Some(page) = pages.get(node.heading.page) {
            dict.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference(*page),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(node.heading.top),
                    Object::Null,
                ]),
            );
        }
        if !node.children.is_empty() {
            let (first, last, count) = add_level(doc, &node.children, ids[i], pages);
            dict.set("First", Object::Reference(first));
            dict.set("Last", Object::Reference(last));
            // Positive: the entry opens showing its children.
            dict.set("Count", Object::Integer(count));
            shown += count;
        }
        doc.objects.insert(ids[i], Object::Dictionary(dict));
        shown += 1;
    }
    (ids[0], ids[ids.len() - 1], shown)
}

/// A PDF text string: bytes as they are when ASCII, else UTF-16BE with its byte-order mark.
pub fn text_string(text: &str) -> Object {
    if text.is_ascii() {
        Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(level: u8, title: &str) -> Heading {
        Heading {
            level,
            title: title.into(),
            page: 0,
            top: 0.0,
        }
    }

    #[test]
    fn headings_nest_under_the_nearest_earlier_lower_level() {
        let headings = [
            heading(1, "Brief"),
            heading(2, "Key figures"),
            heading(3, "Detail"),
            heading(2, "Sources"),
            heading(1, "Annex"),
        ];
        let roots = nest(&headings);
        let shape: Vec<(String, Vec<(String, usize)>)> = roots
            .iter()
            .map(|n| {
                (
                    n.heading.title.clone(),
                    n.children
                        .iter()
                        .map(|c| (c.heading.title.clone(), c.children.len()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            vec![
                (
                    "Brief".to_owned(),
                    vec![("Key figures".to_owned(), 1), ("Sources".to_owned(), 0)]
                ),
                ("Annex".to_owned(), vec![]),
            ]
        );
    }

    #[test]
    fn a_heading_deeper_than_the_first_still_starts_the_outline() {
        let headings = [heading(3, "Deep"), heading(2, "Shallow")];
        let roots = nest(&headings);
        assert_eq!(roots.len(), 2);
    }

    #[test]
    fn non_ascii_titles_are_utf16_with_a_byte_order_mark() {
        assert_eq!(
            text_string("€"),
            Object::String(vec![0xFE, 0xFF, 0x20, 0xAC], StringFormat::Hexadecimal)
        );
        assert_eq!(
            text_string("Sources"),
            Object::String(b"Sources".to_vec(), StringFormat::Literal)
        );
    }
}
