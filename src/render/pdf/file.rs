//! The finished document as the bytes of a PDF 1.7 file, written here rather than by lopdf:
//! streams (pages, fonts, images, the XMP packet) as objects of their own, every other object
//! (the structure tree's thousands of elements, the link annotations, the outline) packed into
//! deflated object streams, and a cross-reference stream.
//!
//! Tagging makes a brief tens of thousands of small dictionaries. Written one by one they
//! tripled the file; lopdf's object streams kept it small but cloned every object and wrote
//! each twice, which took a year brief over 100 000 records from 190 to 370 MB and most of a
//! second. Here each object is serialised once, into its stream, and the streams are deflated
//! side by side. The file's id is the digest of everything before the trailer, so the same
//! document always gives the same bytes.

use lopdf::{Dictionary, Document, Object, StringFormat};
use rayon::prelude::*;
use std::io::Write as _;

/// Objects per object stream: small enough to deflate in parallel, large enough to compress.
const PER_STREAM: usize = 200;

/// Where an object is: at an offset in the file, or at an index in an object stream.
#[derive(Clone, Copy)]
enum Entry {
    Free,
    At(usize),
    In(u32, u16),
}

/// The document as a file, with `written`: objects outside the document, already in PDF
/// syntax (id and bytes), packed into the object streams with the rest.
pub fn write(doc: &Document, written: Vec<(u32, Vec<u8>)>, compression: u32) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(1 << 20);
    out.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    let max_id = doc
        .objects
        .keys()
        .map(|id| id.0)
        .chain(written.iter().map(|(id, _)| *id))
        .max()
        .unwrap_or(0);
    let mut entries = vec![Entry::Free; max_id as usize + 1];

    let mut packed: Vec<(u32, Vec<u8>)> = written;
    for (&(id, _), object) in &doc.objects {
        match object {
            Object::Stream(_) => {
                entries[id as usize] = Entry::At(out.len());
                let _ = writeln!(out, "{id} 0 obj");
                serialise(object, &mut out);
                out.extend_from_slice(b"\nendobj\n");
            }
            other => {
                let mut bytes = Vec::with_capacity(64);
                serialise(other, &mut bytes);
                packed.push((id, bytes));
            }
        }
    }

    // In id order, whatever they came from: the same document, the same bytes.
    packed.sort_unstable_by_key(|(id, _)| *id);
    let chunks: Vec<&[(u32, Vec<u8>)]> = packed.chunks(PER_STREAM).collect();
    let streams: Vec<(Vec<u8>, usize)> = chunks
        .par_iter()
        .map(|chunk| {
            let mut header = String::new();
            let mut body = Vec::new();
            for (id, bytes) in chunk.iter() {
                header.push_str(&format!("{id} {} ", body.len()));
                body.extend_from_slice(bytes);
                body.push(b'\n');
            }
            let first = header.len();
            let mut content = header.into_bytes();
            content.extend_from_slice(&body);
            (deflate(&content, compression), first)
        })
        .collect();
    let mut next_id = max_id + 1;
    for (chunk, (data, first)) in chunks.iter().zip(&streams) {
        let stream_id = next_id;
        next_id += 1;
        for (index, (id, _)) in chunk.iter().enumerate() {
            entries[*id as usize] = Entry::In(stream_id, index as u16);
        }
        entries.push(Entry::At(out.len()));
        let _ = writeln!(
            out,
            "{stream_id} 0 obj\n<</Type /ObjStm /N {} /First {first} /Filter /FlateDecode /Length {}>>stream",
            chunk.len(),
            data.len()
        );
        out.extend_from_slice(data);
        out.extend_from_slice(b"\nendstream\nendobj\n");
    }

    // The cross-reference stream, which is also the trailer.
    let xref_id = next_id;
    let xref_at = out.len();
    entries.push(Entry::At(xref_at));
    let mut rows = Vec::with_capacity(entries.len() * 7);
    for (id, entry) in entries.iter().enumerate() {
        let (kind, field, index): (u8, u32, u16) = match *entry {
            Entry::Free if id == 0 => (0, 0, u16::MAX),
            Entry::Free => (0, 0, 0),
            Entry::At(offset) => (1, u32::try_from(offset).unwrap_or(u32::MAX), 0),
            Entry::In(stream, index) => (2, stream, index),
        };
        rows.push(kind);
        rows.extend_from_slice(&field.to_be_bytes());
        rows.extend_from_slice(&index.to_be_bytes());
    }
    let rows = deflate(&rows, compression);
    let id: String = crate::digest::fingerprint(&out)
        .to_be_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let _ = write!(
        out,
        "{xref_id} 0 obj\n<</Type /XRef /Size {} /W [1 4 2]",
        entries.len()
    );
    for key in [b"Root".as_slice(), b"Info".as_slice()] {
        if let Ok(value) = doc.trailer.get(key) {
            out.push(b' ');
            name(key, &mut out);
            out.push(b' ');
            serialise(value, &mut out);
        }
    }
    let _ = writeln!(
        out,
        " /ID [<{id}> <{id}>] /Filter /FlateDecode /Length {}>>stream",
        rows.len()
    );
    out.extend_from_slice(&rows);
    let _ = writeln!(out, "\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF");
    out
}

/// `data` deflated (zlib) at `level`; empty only if the encoder failed, which in memory it
/// cannot.
pub fn deflate(data: &[u8], level: u32) -> Vec<u8> {
    use flate2::{Compression, write::ZlibEncoder};
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::new(level));
    // Writing to memory cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

/// An object in PDF syntax. A space separates every two tokens, which every reader accepts;
/// the object streams' deflation takes the spaces back.
pub fn serialise(object: &Object, out: &mut Vec<u8>) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(value) => {
            let _ = write!(out, "{value}");
        }
        Object::Real(value) => real(*value, out),
        Object::Name(bytes) => name(bytes, out),
        Object::String(bytes, StringFormat::Literal) => {
            out.push(b'(');
            for &byte in bytes {
                match byte {
                    b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', byte]),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(byte),
                }
            }
            out.push(b')');
        }
        Object::String(bytes, StringFormat::Hexadecimal) => {
            out.push(b'<');
            for byte in bytes {
                let _ = write!(out, "{byte:02x}");
            }
            out.push(b'>');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                serialise(item, out);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => dictionary(dict, None, out),
        Object::Stream(stream) => {
            dictionary(&stream.dict, Some(stream.content.len()), out);
            out.extend_from_slice(b"stream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => {
            let _ = write!(out, "{id} {generation} R");
        }
    }
}

/// A dictionary; a stream's with its content's `length`, whatever its `/Length` said.
fn dictionary(dict: &Dictionary, length: Option<usize>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict {
        if length.is_some() && key.as_slice() == b"Length" {
            continue;
        }
        name(key, out);
        out.push(b' ');
        serialise(value, out);
        out.push(b' ');
    }
    if let Some(length) = length {
        let _ = write!(out, "/Length {length}");
    }
    out.extend_from_slice(b">>");
}

/// A name: bytes outside `!`..`~`, white space and delimiters as `#xx`.
fn name(bytes: &[u8], out: &mut Vec<u8>) {
    out.push(b'/');
    for &byte in bytes {
        if b" \t\n\r\x0C()<>[]{}/%#".contains(&byte) || !(33..=126).contains(&byte) {
            let _ = write!(out, "#{byte:02X}");
        } else {
            out.push(byte);
        }
    }
}

/// A real number with at most four decimals, without trailing zeros: page coordinates need no
/// more, and `1e-7` is not PDF syntax.
fn real(value: f32, out: &mut Vec<u8>) {
    let value = if value.is_finite() { value } else { 0.0 };
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    out.extend_from_slice(if text == "-0" { b"0" } else { text.as_bytes() });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(object: &Object) -> String {
        let mut out = Vec::new();
        serialise(object, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn objects_are_written_in_pdf_syntax() {
        let mut dict = Dictionary::new();
        dict.set("Type", Object::Name(b"Annot".to_vec()));
        dict.set(
            "Rect",
            Object::Array(vec![
                Object::Real(1.5),
                Object::Real(-0.00001),
                Object::Real(100.0),
                Object::Integer(7),
            ]),
        );
        dict.set(
            "Contents",
            Object::String(b"a (b) \\ c".to_vec(), StringFormat::Literal),
        );
        dict.set("P", Object::Reference((12, 0)));
        dict.set("N#", Object::Name(b"A B".to_vec()));
        assert_eq!(
            text(&Object::Dictionary(dict)),
            "<</Type /Annot /Rect [1.5 0 100 7] /Contents (a \\(b\\) \\\\ c) /P 12 0 R /N#23 /A#20B >>"
        );
        assert_eq!(
            text(&Object::String(
                vec![0xFE, 0xFF, 0, 0x41],
                StringFormat::Hexadecimal
            )),
            "<feff0041>"
        );
    }

    #[test]
    fn every_object_is_found_through_the_cross_reference_stream() {
        let mut doc = Document::with_version("1.7");
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        let stream = lopdf::Stream::new(Dictionary::new(), b"BT ET".to_vec());
        let content = doc.add_object(Object::Stream(stream));
        catalog.set("C", Object::Reference(content));
        let root = doc.add_object(Object::Dictionary(catalog));
        doc.trailer.set("Root", Object::Reference(root));
        let bytes = write(&doc, vec![(9, b"<</Extra true>>".to_vec())], 6);
        // lopdf reads it back: the catalog from an object stream, the content stream direct.
        let read = Document::load_mem(&bytes).expect("a readable file");
        let catalog = read.catalog().expect("the catalog");
        let Ok(Object::Reference(content)) = catalog.get(b"C") else {
            panic!("the catalog's reference")
        };
        let Ok(Object::Stream(stream)) = read.get_object(*content) else {
            panic!("the stream")
        };
        assert_eq!(stream.content, b"BT ET");
        let Ok(Object::Dictionary(extra)) = read.get_object((9, 0)) else {
            panic!("the object written beside the document")
        };
        assert!(matches!(extra.get(b"Extra"), Ok(Object::Boolean(true))));
        assert_eq!(
            write(&doc, vec![(9, b"<</Extra true>>".to_vec())], 6),
            bytes,
            "the same document, the same bytes"
        );
    }
}
