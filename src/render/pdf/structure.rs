//! Writes what makes the PDF accessible (PDF/UA-1, ISO 14289-1) into the document printpdf
//! made: the structure tree layout built ([`super::tags`]), with the parent tree that maps each
//! page's marked content back to its element; the link annotations, each an object of its own
//! with a description and its place in the tree; and the catalog's language, marking, title
//! display and XMP metadata with the PDF/UA identification.
//!
//! printpdf has no tagging of its own, and writes link annotations inline in the page, where no
//! structure element can point to them; so the annotations are written here too, as the
//! outline is (lopdf, which printpdf already builds on).

use super::file::serialise;
use super::outline::text_string;
use super::tags::{Element, Kid, Role};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use std::io::Write as _;

/// Where a link goes.
pub enum Action {
    /// A place in this document: a page (from 0) and the PDF y to show at the top.
    GoTo { page: usize, top: f32 },
    /// A web address (http, https or mailto: the only schemes a brief links to).
    Uri(String),
}

/// A link area as the reader meets it: where, where to, and what a screen reader says of it.
pub struct Annotation {
    pub page: usize,
    /// x1, y1, x2, y2 in PDF coordinates.
    pub rect: [f32; 4],
    pub action: Action,
    pub description: String,
}

/// The document's metadata, in the information dictionary and the XMP packet alike.
pub struct Metadata {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub producer: String,
    /// Seconds since the Unix epoch.
    pub date: i64,
    /// A BCP 47 language tag.
    pub lang: String,
}

/// Adds the structure tree, the annotations (`links[i]` is the link the tree's
/// `Kid::Annotation(i)` names; `None` for one with nowhere to go, which is not written) and
/// the catalog's accessibility entries.
///
/// The elements and annotations, tens of thousands in a long brief, are returned as objects
/// already in PDF syntax (id and bytes) for [`super::file::write`] to pack, rather than built as
/// lopdf dictionaries: building those took a year brief's annotations 80-110 ms.
pub fn add(
    doc: &mut Document,
    elements: &[Element],
    links: &[Option<Annotation>],
    metadata: &Metadata,
) -> Vec<(u32, Vec<u8>)> {
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let Ok(Object::Reference(catalog)) = doc.trailer.get(b"Root").cloned() else {
        return Vec::new();
    };
    let mut written: Vec<(u32, Vec<u8>)> = Vec::with_capacity(elements.len() + links.len());
    let element_ids: Vec<ObjectId> = elements.iter().map(|_| doc.new_object_id()).collect();
    let root = doc.new_object_id();

    // Each annotation is an object, keyed in the parent tree after the pages.
    let mut next_key = pages.len() as i64;
    let mut annotation_ids: Vec<Option<(ObjectId, i64)>> = Vec::with_capacity(links.len());
    let mut per_page: Vec<Vec<Object>> = vec![Vec::new(); pages.len()];
    for link in links {
        let Some(link) = link.as_ref().filter(|l| l.page < pages.len()) else {
            annotation_ids.push(None);
            continue;
        };
        let id = doc.new_object_id();
        // No border: the link's colour already marks it. Printable (flag 4), as text is.
        let mut out = Vec::with_capacity(192);
        out.extend_from_slice(b"<</Type /Annot /Subtype /Link /Rect ");
        serialise(&reals(&link.rect), &mut out);
        out.extend_from_slice(b" /Border [0 0 0] /F 4 /Contents ");
        serialise(&text_string(&link.description), &mut out);
        let _ = write!(out, " /StructParent {next_key} /A ");
        serialise(&action(&link.action, &pages), &mut out);
        out.extend_from_slice(b">>");
        written.push((id.0, out));
        per_page[link.page].push(Object::Reference(id));
        annotation_ids.push(Some((id, next_key)));
        next_key += 1;
    }

    // The parent tree: for each page, the element of each marked-content id in order; for each
    // annotation, its element.
    let mut by_page: Vec<Vec<Object>> = vec![Vec::new(); pages.len()];
    let mut annotation_parents: Vec<(i64, ObjectId)> = Vec::new();
    for (index, element) in elements.iter().enumerate() {
        for kid in &element.kids {
            match *kid {
                Kid::Content { page, mcid } => {
                    if let Some(slots) = by_page.get_mut(page) {
                        let at = mcid as usize;
                        if slots.len() <= at {
                            slots.resize(at + 1, Object::Null);
                        }
                        slots[at] = Object::Reference(element_ids[index]);
                    }
                }
                Kid::Annotation(link) => {
                    if let Some(Some((_, key))) = annotation_ids.get(link) {
                        annotation_parents.push((*key, element_ids[index]));
                    }
                }
                Kid::Element(_) => {}
            }
        }
    }

    // The elements themselves.
    for (index, element) in elements.iter().enumerate() {
        let mut out = Vec::with_capacity(96);
        let parent = element.parent.map_or(root, |p| element_ids[p]);
        let _ = write!(
            out,
            "<</Type /StructElem /S /{} /P {} 0 R",
            element.role.name(),
            parent.0
        );
        // The page most of an element's content is on is its /Pg, where a bare marked-content
        // id names the content; content on another page names its page.
        let home = element
            .kids
            .iter()
            .find_map(|kid| match kid {
                Kid::Content { page, .. } => Some(*page),
                _ => None,
            })
            .or(element.bbox.map(|(page, _)| page))
            .and_then(|page| Some((page, *pages.get(page)?)));
        if let Some((_, page)) = home {
            let _ = write!(out, " /Pg {} 0 R", page.0);
        }
        let kids: Vec<String> = element
            .kids
            .iter()
            .filter_map(|kid| match *kid {
                Kid::Element(child) => Some(format!("{} 0 R", element_ids[child].0)),
                Kid::Content { page, mcid } if home.is_some_and(|(h, _)| h == page) => {
                    Some(mcid.to_string())
                }
                Kid::Content { page, mcid } => Some(format!(
                    "<</Type /MCR /Pg {} 0 R /MCID {mcid}>>",
                    pages.get(page)?.0
                )),
                Kid::Annotation(link) => {
                    let (annotation, _) = (*annotation_ids.get(link)?)?;
                    let page = links.get(link)?.as_ref()?.page;
                    Some(format!(
                        "<</Type /OBJR /Obj {} 0 R /Pg {} 0 R>>",
                        annotation.0,
                        pages.get(page)?.0
                    ))
                }
            })
            .collect();
        // One kid stands alone, as most writers give it (and some readers expect).
        match kids.as_slice() {
            [one] => {
                let _ = write!(out, " /K {one}");
            }
            many => {
                let _ = write!(out, " /K [{}]", many.join(" "));
            }
        }
        if let Some(alt) = &element.alt {
            out.extend_from_slice(b" /Alt ");
            serialise(&text_string(alt), &mut out);
        }
        if let Some((_, bbox)) = element.bbox {
            out.extend_from_slice(b" /A <</O /Layout /BBox ");
            serialise(&reals(&bbox), &mut out);
            out.extend_from_slice(b">>");
        }
        if element.role == Role::TH {
            out.extend_from_slice(b" /A <</O /Table /Scope /Column>>");
        }
        out.extend_from_slice(b">>");
        written.push((element_ids[index].0, out));
    }

    let mut nums = Vec::with_capacity(2 * (pages.len() + annotation_parents.len()));
    for (page, slots) in by_page.into_iter().enumerate() {
        nums.push(Object::Integer(page as i64));
        nums.push(Object::Array(slots));
    }
    for (key, element) in annotation_parents {
        nums.push(Object::Integer(key));
        nums.push(Object::Reference(element));
    }
    let mut parent_tree = Dictionary::new();
    parent_tree.set("Nums", Object::Array(nums));
    let parent_tree = doc.add_object(Object::Dictionary(parent_tree));
    let mut tree_root = Dictionary::new();
    tree_root.set("Type", Object::Name(b"StructTreeRoot".to_vec()));
    if let Some(first) = element_ids.first() {
        tree_root.set("K", Object::Reference(*first));
    }
    tree_root.set("ParentTree", Object::Reference(parent_tree));
    tree_root.set("ParentTreeNextKey", Object::Integer(next_key));
    doc.objects.insert(root, Object::Dictionary(tree_root));

    for (index, page) in pages.iter().enumerate() {
        let annotations = std::mem::take(&mut per_page[index]);
        if let Ok(Object::Dictionary(dict)) = doc.get_object_mut(*page) {
            dict.set("StructParents", Object::Integer(index as i64));
            // Tab order follows the structure: links are reached in reading order.
            dict.set("Tabs", Object::Name(b"S".to_vec()));
            if !annotations.is_empty() {
                dict.set("Annots", Object::Array(annotations));
            }
        }
    }

    let xmp = doc.add_object(xmp_stream(metadata));
    if let Ok(Object::Dictionary(catalog)) = doc.get_object_mut(catalog) {
        catalog.set("StructTreeRoot", Object::Reference(root));
        let mut mark_info = Dictionary::new();
        mark_info.set("Marked", Object::Boolean(true));
        catalog.set("MarkInfo", Object::Dictionary(mark_info));
        catalog.set("Lang", text_string(&metadata.lang));
        let mut viewer = Dictionary::new();
        viewer.set("DisplayDocTitle", Object::Boolean(true));
        catalog.set("ViewerPreferences", Object::Dictionary(viewer));
        catalog.set("Metadata", Object::Reference(xmp));
    }
    written
}

fn action(action: &Action, pages: &[ObjectId]) -> Object {
    let mut dict = Dictionary::new();
    match action {
        Action::GoTo { page, top } => {
            dict.set("S", Object::Name(b"GoTo".to_vec()));
            let page = pages.get(*page).or(pages.first());
            dict.set(
                "D",
                Object::Array(vec![
                    page.map_or(Object::Null, |p| Object::Reference(*p)),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(*top),
                    Object::Null,
                ]),
            );
        }
        Action::Uri(uri) => {
            dict.set("S", Object::Name(b"URI".to_vec()));
            dict.set(
                "URI",
                Object::String(uri.as_bytes().to_vec(), StringFormat::Literal),
            );
        }
    }
    Object::Dictionary(dict)
}

fn reals(values: &[f32]) -> Object {
    Object::Array(values.iter().map(|v| Object::Real(*v)).collect())
}

/// The XMP packet: Dublin Core title, creator and description, the dates, the producer, and
/// the PDF/UA-1 identification. Not compressed, so that any tool can find it.
fn xmp_stream(m: &Metadata) -> Object {
    let date = chrono::DateTime::from_timestamp(m.date, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let (title, author, subject, producer, lang) = (
        xml(&m.title),
        xml(&m.author),
        xml(&m.subject),
        xml(&m.producer),
        xml(&m.lang),
    );
    let packet = format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:MetadataDate>{date}</xmp:MetadataDate>
<xmp:CreatorTool>{producer}</xmp:CreatorTool>
<pdf:Producer>{producer}</pdf:Producer>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#
    );
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Metadata".to_vec()));
    dict.set("Subtype", Object::Name(b"XML".to_vec()));
    let mut stream = Stream::new(dict, packet.into_bytes());
    stream.allows_compression = false;
    Object::Stream(stream)
}

/// Text as XML character data. XML 1.0 has no place for most control characters; record text
/// never holds them here (validation refuses them), and a tab or newline reads as a space.
fn xml(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(spaced.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, &spaced);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_text_is_escaped_xml() {
        assert_eq!(
            xml("A & B <c> \"d\"\tе"),
            "A &amp; B &lt;c&gt; &quot;d&quot; е"
        );
    }
}
