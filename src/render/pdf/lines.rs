//! Breaking a paragraph's words into lines: where each line ends, decided from measured widths
//! alone, so it is tested without a font or a page.

use super::fonts::Face;
use crate::render::document::Link;

/// A word or a space, in one style: what a line is made of.
#[derive(Clone, Debug)]
pub struct Piece {
    pub text: String,
    pub face: Face,
    pub size: f32,
    /// The link the piece is part of: a place in the brief or a web address.
    pub link: Option<Link>,
    /// Which link of the document the piece belongs to: the words of one link, however many
    /// lines they take, make one `Link` element.
    pub link_key: usize,
    pub anchor: Option<String>,
    pub space: bool,
    pub width: f32,
}

/// `pieces` as lines no wider than `width`. Lines break only at spaces, so a word split
/// across runs ("Bridge" then ",") stays whole; the space a line breaks at stays on the line,
/// as wide as nothing, so the text keeps the words apart; a word longer than a line (a URL) is
/// cut where it reaches the edge, by `cut(piece, room)`, which returns the part that fits
/// (a character at least) and the rest.
pub fn fill(
    pieces: Vec<Piece>,
    width: f32,
    mut cut: impl FnMut(&Piece, f32) -> (Piece, Piece),
) -> Vec<Vec<Piece>> {
    let mut groups: Vec<Vec<Piece>> = Vec::new();
    let mut fresh = true;
    for piece in pieces {
        if piece.space {
            groups.push(vec![piece]);
            fresh = true;
        } else if fresh {
            groups.push(vec![piece]);
            fresh = false;
        } else if let Some(last) = groups.last_mut() {
            last.push(piece);
        }
    }
    let mut lines: Vec<Vec<Piece>> = vec![Vec::new()];
    let mut used = 0.0;
    for group in groups {
        let group_width: f32 = group.iter().map(|p| p.width).sum();
        let Some(line) = lines.last_mut() else { break };
        if group.first().is_some_and(|p| p.space) {
            if !line.is_empty() {
                used += group_width;
                line.extend(group);
            }
            continue;
        }
        if used + group_width > width && !line.is_empty() {
            for piece in line.iter_mut().rev().take_while(|p| p.space) {
                piece.width = 0.0;
            }
            lines.push(Vec::new());
            used = 0.0;
        }
        for piece in group {
            let mut piece = piece;
            // `nth(1)`, not a count: a count per cut made a long word quadratic.
            while used + piece.width > width && piece.text.chars().nth(1).is_some() {
                let (head, tail) = cut(&piece, width - used);
                if let Some(line) = lines.last_mut() {
                    line.push(head);
                }
                lines.push(Vec::new());
                used = 0.0;
                piece = tail;
            }
            used += piece.width;
            if let Some(line) = lines.last_mut() {
                line.push(piece);
            }
        }
    }
    lines.retain(|l| !l.is_empty());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pieces for `text`, every character 1 point wide, split at spaces.
    fn pieces(text: &str) -> Vec<Piece> {
        let piece = |text: &str, space: bool| Piece {
            text: text.to_owned(),
            face: Face::Regular,
            size: 10.0,
            link: None,
            link_key: 0,
            anchor: None,
            space,
            width: text.chars().count() as f32,
        };
        let mut out = Vec::new();
        for (i, word) in text.split(' ').enumerate() {
            if i > 0 {
                out.push(piece(" ", true));
            }
            // A word and the comma after it come as two pieces, as two runs give them.
            match word.strip_suffix(',') {
                Some(stem) => {
                    out.push(piece(stem, false));
                    out.push(piece(",", false));
                }
                None => out.push(piece(word, false)),
            }
        }
        out
    }

    fn by_one(piece: &Piece, room: f32) -> (Piece, Piece) {
        let at = (room.max(1.0) as usize).min(piece.text.chars().count());
        let head: String = piece.text.chars().take(at).collect();
        let tail: String = piece.text.chars().skip(at).collect();
        let with = |text: String| Piece {
            width: text.chars().count() as f32,
            text,
            ..piece.clone()
        };
        (with(head), with(tail))
    }

    fn shown(lines: &[Vec<Piece>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|p| p.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn lines_break_at_spaces_and_keep_the_space_they_break_at() {
        let lines = fill(pieces("the Bridge, and more words"), 12.0, by_one);
        assert_eq!(shown(&lines), ["the Bridge, ", "and more ", "words"]);
        // The space a line ends with takes no width; the one inside it does.
        assert_eq!(lines[0].last().map(|p| p.width), Some(0.0));
        assert_eq!(lines[0][1].width, 1.0);
    }

    #[test]
    fn a_word_longer_than_a_line_is_cut_at_the_edge() {
        let lines = fill(pieces("see https://example.test/a/long/path"), 10.0, by_one);
        assert_eq!(
            shown(&lines),
            ["see ", "https://ex", "ample.test", "/a/long/pa", "th"]
        );
        assert!(
            lines
                .iter()
                .all(|l| l.iter().map(|p| p.width).sum::<f32>() <= 10.0)
        );
    }
}
