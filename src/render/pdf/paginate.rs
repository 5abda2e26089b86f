//! Where things land on pages, decided apart from drawing: how many of a paragraph's lines go
//! on this page, what a list item or a table needs before it may start, how a table's columns
//! share the width. Pure functions of lengths and counts, each tested on its own; layout asks
//! them and draws what they say.

/// A paragraph of this many lines or fewer (a source entry with its wrapped URL) is never split.
pub const SHORT_PARAGRAPH: usize = 4;

/// How many of a paragraph's first lines must share a page: all of a short one, two of a longer
/// one.
pub fn kept_together(lines: usize) -> usize {
    if lines <= SHORT_PARAGRAPH { lines } else { 2 }
}

/// What comes after a heading, for what the heading keeps with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Next {
    Table,
    Text,
    /// A figure of this height (points), which never splits: the heading goes with all of it.
    Figure(f32),
    Nothing,
}

/// The room a heading needs where it starts, so that it never ends a page: the space above it
/// (`before`), its own lines (`lines` points), and the start of what follows: three lines of
/// body text (`body` points a line's size), as much as a table's header and first rows take, or
/// a whole figure.
pub fn heading_keep(before: f32, lines: f32, next: Next, body: f32) -> f32 {
    let follow = match next {
        Next::Table => body * 6.0,
        Next::Text => body * LEADING * 3.0,
        Next::Figure(height) => height,
        Next::Nothing => 0.0,
    };
    before + lines + follow
}

/// Whether a heading opens a page of its own: an annex does (a second-level heading whose text
/// begins "Annex"), so the body ends where the reference matter starts, in print as on screen.
/// A heading already at a page's top needs no new page.
pub fn opens_page(level: u8, title: &str) -> bool {
    level == 2
        && title
            .strip_prefix("Annex")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', ':']))
}

/// Body text's line height, as a multiple of its size.
pub const LEADING: f32 = 1.45;

/// How many of the `rest` lines still to set go on this page, where `fits` more lines fit and
/// `page_top` says whether nothing is on the page yet. No line is left alone at the foot of a
/// page or the head of the next, and a short paragraph is never split; a fresh page that cannot
/// hold all of it is filled. 0 means: start a new page first.
pub fn lines_here(rest: usize, fits: usize, page_top: bool) -> usize {
    if rest <= fits {
        rest
    } else if page_top {
        fits.max(1)
    } else if rest <= SHORT_PARAGRAPH || fits < 2 {
        0
    } else {
        fits.min(rest - 2)
    }
}

/// How much room a table needs to start: all of it when it fits on a page (`page`) and less
/// than half of it would fit in `room`, rather than a header and a row or two stranded at the
/// foot of a page; else its header and first two rows.
pub fn table_start(header: f32, rows: &[f32], room: f32, page: f32) -> f32 {
    let whole = header + rows.iter().sum::<f32>();
    if whole <= page && room < whole / 2.0 {
        whole
    } else {
        header + rows.iter().take(2).sum::<f32>()
    }
}

/// Column widths within `available`: each column's `natural` (one-line) width when all fit;
/// else each gets its `minimum` (its longest word) and the rest of the width is shared in
/// proportion to how much more each would want.
pub fn column_widths(natural: &[f32], minimum: &[f32], available: f32) -> Vec<f32> {
    if natural.iter().sum::<f32>() <= available {
        return natural.to_vec();
    }
    let floor: f32 = minimum.iter().sum();
    let spare = (available - floor).max(0.0);
    let wants: Vec<f32> = natural
        .iter()
        .zip(minimum)
        .map(|(n, m)| (n - m).max(0.0))
        .collect();
    let total_wants: f32 = wants.iter().sum::<f32>().max(1.0);
    minimum
        .iter()
        .zip(&wants)
        .map(|(m, w)| m + spare * w / total_wants)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_annex_opens_a_page_and_other_headings_do_not() {
        assert!(opens_page(2, "Annex A: Thefts in March 2024 in full"));
        assert!(opens_page(2, "Annex"));
        assert!(!opens_page(3, "Annex A: Thefts"), "only a section heading");
        assert!(
            !opens_page(2, "Annexation of Crimea"),
            "a word that begins so"
        );
        assert!(!opens_page(2, "Thefts in March 2024"));
    }

    #[test]
    fn a_paragraph_leaves_no_line_alone_at_either_end() {
        assert_eq!(lines_here(3, 10, false), 3, "all of it fits");
        assert_eq!(
            lines_here(10, 1, false),
            0,
            "one line alone at the foot: move on"
        );
        assert_eq!(lines_here(4, 3, false), 0, "a short paragraph is not split");
        assert_eq!(lines_here(10, 9, false), 8, "two lines carry over, not one");
        assert_eq!(lines_here(10, 5, false), 5);
        assert_eq!(lines_here(100, 40, true), 40, "a fresh page is filled");
        assert_eq!(lines_here(5, 0, true), 1, "and takes a line at least");
    }

    #[test]
    fn a_heading_keeps_with_the_start_of_what_follows() {
        assert_eq!(heading_keep(14.0, 20.0, Next::Nothing, 10.0), 34.0);
        assert!((heading_keep(14.0, 20.0, Next::Text, 10.0) - 77.5).abs() < 0.001);
        assert_eq!(heading_keep(14.0, 20.0, Next::Table, 10.0), 94.0);
    }

    #[test]
    fn the_first_lines_kept_together() {
        assert_eq!(kept_together(3), 3);
        assert_eq!(kept_together(4), 4);
        assert_eq!(kept_together(12), 2);
    }

    #[test]
    fn a_short_table_moves_whole_a_long_one_needs_its_head() {
        let rows = [10.0; 5];
        // 70 points in all, 30 free: less than half fits, and it fits on a page.
        assert_eq!(table_start(20.0, &rows, 30.0, 700.0), 70.0);
        // Half fits: the header and two rows are enough to start.
        assert_eq!(table_start(20.0, &rows, 40.0, 700.0), 40.0);
        // Longer than a page: it starts wherever its head fits.
        assert_eq!(table_start(20.0, &[300.0; 3], 100.0, 700.0), 620.0);
    }

    #[test]
    fn columns_share_what_width_there_is() {
        assert_eq!(
            column_widths(&[50.0, 70.0], &[20.0, 30.0], 200.0),
            [50.0, 70.0]
        );
        // 100 points for 120 of wants: each keeps its minimum and shares the spare 50 by
        // what it wants more (30 and 40).
        let widths = column_widths(&[50.0, 70.0], &[20.0, 30.0], 100.0);
        assert!(
            (widths[0] - (20.0 + 50.0 * 30.0 / 70.0)).abs() < 0.001,
            "{widths:?}"
        );
        assert!(
            (widths.iter().sum::<f32>() - 100.0).abs() < 0.001,
            "{widths:?}"
        );
        // Narrower than the minimums: the minimums, overflowing rather than cutting words.
        assert_eq!(
            column_widths(&[50.0, 70.0], &[40.0, 60.0], 80.0),
            [40.0, 60.0]
        );
    }
}
