//! The comparison chart: a table (Markdown, HTML, `|`-separated or aligned plain-text columns)
//! or, under a "Comparison Chart" heading, runs of short lines, one run per row with one line
//! per subject in the order of the subjects, each run optionally after a label line.

use super::article::{Block, Line, Mark, Table};
use super::text::{find_phrase, is_heading_shaped, squash};
use super::{RowDraft, TableDraft};

/// Header words that name the column of row labels rather than a subject.
const LABEL_HEADERS: [&str; 16] = [
    "",
    "aspect",
    "aspects",
    "basis",
    "basis for comparison",
    "comparison",
    "feature",
    "features",
    "criteria",
    "criterion",
    "parameter",
    "parameters",
    "category",
    "attribute",
    "factor",
    "point of difference",
];

/// Turns a table into a chart. The header row names the subjects; a first column whose header
/// is empty or a word like "Aspect" (or any first column of a table of three or more columns
/// whose first header is not a subject) holds the row labels. `None` when the table has no
/// usable subjects. Rows that do not fit are returned as left over, with their line.
pub(crate) fn from_table(
    table: &Table,
    subjects: &[String],
) -> Option<(TableDraft, Vec<(usize, String)>)> {
    let (header, body): (Vec<String>, Vec<(usize, Vec<String>)>) = match &table.header {
        Some(h) => (h.clone(), table.rows.clone()),
        None => {
            let width = table.rows.first()?.1.len();
            if !subjects.is_empty() && (width == subjects.len() || width == subjects.len() + 1) {
                let mut h = subjects.to_vec();
                if width == subjects.len() + 1 {
                    h.insert(0, String::new());
                }
                (h, table.rows.clone())
            } else {
                let (_, first) = table.rows.first()?;
                (first.clone(), table.rows[1..].to_vec())
            }
        }
    };
    let header: Vec<String> = header.iter().map(|h| squash(h)).collect();
    let first = header.first()?.to_lowercase();
    let names_subject = |h: &str| {
        subjects
            .iter()
            .any(|s| crate::quiz::normalize(s) == crate::quiz::normalize(h))
    };
    let labelled = LABEL_HEADERS.contains(&first.trim_end_matches(':'))
        || (header.len() >= 3 && !names_subject(&header[0]));
    let table_subjects: Vec<String> = if labelled {
        header[1..].to_vec()
    } else {
        header.clone()
    };
    if !valid_subjects(&table_subjects) {
        return None;
    }
    let mut rows = Vec::new();
    let mut left = Vec::new();
    for (no, cells) in body {
        let cells: Vec<String> = cells.iter().map(|c| squash(c)).collect();
        let (aspect, values) = if labelled {
            let (label, rest) = cells.split_first()?;
            (Some(label.clone()).filter(|l| !l.is_empty()), rest.to_vec())
        } else {
            (None, cells.clone())
        };
        if values.len() == table_subjects.len() && values.iter().all(|v| !v.is_empty()) {
            rows.push(RowDraft {
                no,
                aspect,
                cells: values.iter().map(|v| cell(v)).collect(),
            });
        } else if cells.iter().any(|c| !c.is_empty()) {
            left.push((no, cells.join(" | ")));
        }
    }
    if rows.is_empty() {
        return None;
    }
    Some((
        TableDraft {
            no: table.no,
            subjects: table_subjects,
            rows,
        },
        left,
    ))
}

fn valid_subjects(subjects: &[String]) -> bool {
    let norms: Vec<String> = subjects.iter().map(|s| crate::quiz::normalize(s)).collect();
    subjects.len() >= 2
        && norms.iter().all(|n| !n.is_empty())
        && norms
            .iter()
            .enumerate()
            .all(|(i, n)| !norms[..i].contains(n))
}

/// A cell as written, without one closing full stop (cells read as options, not sentences).
fn cell(text: &str) -> String {
    let t = text.trim();
    match t.strip_suffix('.') {
        Some(rest) if !rest.ends_with('.') && !rest.ends_with("etc") && !rest.is_empty() => {
            rest.to_string()
        }
        _ => t.to_string(),
    }
}

/// Reads the runs of short lines that follow a "Comparison Chart" heading, as many as there
/// are. Returns the chart and the number of blocks it took (runs and their labels).
pub(crate) fn from_runs(blocks: &[Block], subjects: &[String]) -> Option<(TableDraft, usize)> {
    if subjects.len() < 2 {
        return None;
    }
    let n = subjects.len();
    let mut rows = Vec::new();
    let mut label: Option<String> = None;
    let mut i = 0;
    while i < blocks.len() {
        match &blocks[i] {
            Block::Heading(h)
                if h.mark == Mark::Inferred
                    && label.is_none()
                    && is_label(&h.text, subjects)
                    && matches!(blocks.get(i + 1), Some(Block::Para(l)) if is_run(l, n)) =>
            {
                label = Some(h.text.clone());
            }
            Block::Para(lines) if is_run(lines, n) => {
                rows.push(RowDraft {
                    no: lines[0].no,
                    aspect: label.take(),
                    cells: lines.iter().map(|l| cell(&l.text)).collect(),
                });
            }
            Block::Para(lines)
                if label.is_none()
                    && lines.len() == n + 1
                    && is_heading_shaped(&lines[0].text)
                    && is_label(&lines[0].text, subjects)
                    && is_run(&lines[1..], n) =>
            {
                rows.push(RowDraft {
                    no: lines[0].no,
                    aspect: Some(lines[0].text.trim_end_matches(':').to_string()),
                    cells: lines[1..].iter().map(|l| cell(&l.text)).collect(),
                });
            }
            _ => break,
        }
        i += 1;
    }
    if rows.is_empty() {
        return None;
    }
    Some((
        TableDraft {
            no: rows[0].no,
            subjects: subjects.to_vec(),
            rows,
        },
        i,
    ))
}

/// A row label: not the name of a subject (that starts a definition) nor a section heading.
fn is_label(text: &str, subjects: &[String]) -> bool {
    !subjects.iter().any(|s| !find_phrase(text, s).is_empty())
        && super::classify(text) == super::SectionKind::Other
}

/// A run: exactly `n` short lines that are not questions.
fn is_run(lines: &[Line], n: usize) -> bool {
    lines.len() == n
        && lines.iter().all(|l| {
            l.text.split_whitespace().count() <= 20
                && l.text.chars().count() <= 160
                && !l.text.trim_end().ends_with('?')
        })
}

/// Reads a plain-text paragraph as a table when its lines are separated by `|` or line up in
/// columns (at least two spaces between columns, in every line). A line whose first column is
/// empty continues the row above.
pub(crate) fn aligned_table(raw: &[(usize, &str)]) -> Option<Table> {
    if raw.len() < 2 {
        return None;
    }
    let is_rule = |l: &str| {
        let t = l.trim();
        !t.is_empty()
            && t.chars()
                .all(|c| matches!(c, '-' | '=' | '+' | '|' | ':' | ' '))
    };
    let content: Vec<(usize, String)> = raw
        .iter()
        .filter(|(_, l)| !is_rule(l))
        .map(|&(no, l)| (no, expand_tabs(l)))
        .collect();
    if content.len() < 2 {
        return None;
    }
    let rows = if content.iter().all(|(_, l)| {
        let t = l.trim();
        !t.contains("||") && (t.starts_with('|') || t.matches('|').count() >= 2)
    }) {
        pipe_rows(&content)?
    } else {
        column_rows(&content)?
    };
    let mut rows = rows.into_iter();
    let (no, header) = rows.next()?;
    let rows: Vec<_> = rows.collect();
    if rows.is_empty() {
        return None;
    }
    Some(Table {
        no,
        header: Some(header),
        rows,
    })
}

fn expand_tabs(line: &str) -> String {
    let mut out = String::new();
    for c in line.trim_end().chars() {
        if c == '\t' {
            let width = out.chars().count();
            out.extend(std::iter::repeat_n(' ', 8 - width % 8));
        } else {
            out.push(c);
        }
    }
    out
}

fn pipe_rows(lines: &[(usize, String)]) -> Option<Vec<(usize, Vec<String>)>> {
    let rows: Vec<(usize, Vec<String>)> = lines
        .iter()
        .map(|(no, l)| {
            let t = l.trim();
            let t = t.strip_prefix('|').unwrap_or(t);
            let t = t.strip_suffix('|').unwrap_or(t);
            (*no, t.split('|').map(|c| c.trim().to_string()).collect())
        })
        .collect();
    let width = rows[0].1.len();
    (width >= 2 && rows.iter().all(|(_, r)| r.len() == width)).then_some(rows)
}

fn column_rows(lines: &[(usize, String)]) -> Option<Vec<(usize, Vec<String>)>> {
    let chars: Vec<Vec<char>> = lines.iter().map(|(_, l)| l.chars().collect()).collect();
    let width = chars.iter().map(Vec::len).max()?;
    let blank: Vec<bool> = (0..width)
        .map(|p| chars.iter().all(|l| l.get(p).is_none_or(|c| *c == ' ')))
        .collect();
    // Gutters: runs of at least two blank columns with text on both sides.
    let mut cuts = Vec::new();
    let mut p = 0;
    while p < width {
        if blank[p] {
            let start = p;
            while p < width && blank[p] {
                p += 1;
            }
            if start > 0 && p < width && p - start >= 2 {
                cuts.push((start, p));
            }
        } else {
            p += 1;
        }
    }
    if cuts.is_empty() {
        return None;
    }
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for ((no, _), line) in lines.iter().zip(&chars) {
        let mut cells = Vec::new();
        let mut from = 0;
        for &(start, end) in cuts.iter().chain(std::iter::once(&(width, width))) {
            let cell: String = line
                .get(from..start.min(line.len()))
                .unwrap_or(&[])
                .iter()
                .collect();
            cells.push(cell.trim().to_string());
            from = end;
        }
        match rows.last_mut() {
            Some((_, last)) if cells[0].is_empty() => {
                for (into, more) in last.iter_mut().zip(cells) {
                    if !more.is_empty() {
                        if !into.is_empty() {
                            into.push(' ');
                        }
                        into.push_str(&more);
                    }
                }
            }
            _ => rows.push((*no, cells)),
        }
    }
    // Every row but continuation lines must fill at least two columns, and the header all
    // but the first.
    let ok = rows.len() >= 2
        && rows
            .iter()
            .all(|(_, r)| r.iter().filter(|c| !c.is_empty()).count() >= 2)
        && rows[0].1[1..].iter().all(|c| !c.is_empty());
    ok.then_some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subjects() -> Vec<String> {
        vec!["Tea".into(), "Coffee".into()]
    }

    #[test]
    fn aligned_columns_with_a_wrapped_cell() {
        let text = [
            (5, "Aspect      Tea                Coffee"),
            (6, "----------  -----------------  ------------"),
            (7, "Origin      China              Ethiopia"),
            (8, "Caffeine    Less caffeine per  More"),
            (9, "            cup"),
        ];
        let table = aligned_table(&text).expect("a table");
        assert_eq!(table.no, 5);
        assert_eq!(
            table.header.as_deref(),
            Some(&["Aspect".to_string(), "Tea".into(), "Coffee".into()][..])
        );
        assert_eq!(
            table.rows,
            [
                (7, vec!["Origin".into(), "China".into(), "Ethiopia".into()]),
                (
                    8,
                    vec![
                        "Caffeine".into(),
                        "Less caffeine per cup".into(),
                        "More".into()
                    ]
                ),
            ]
        );
        let (chart, left) = from_table(&table, &subjects()).unwrap();
        assert_eq!(chart.subjects, ["Tea", "Coffee"]);
        assert_eq!(chart.rows[1].aspect.as_deref(), Some("Caffeine"));
        assert!(left.is_empty());
    }

    #[test]
    fn prose_is_not_a_table() {
        let text = [
            (1, "Tea grows on bushes.  Coffee grows on trees."),
            (2, "Both are drunk hot, and both can be iced."),
        ];
        assert_eq!(aligned_table(&text), None);
    }

    #[test]
    fn pipe_tables_and_tables_without_labels() {
        let text = [
            (1, "| Tea | Coffee |"),
            (2, "|---|---|"),
            (3, "| Leaves | Beans |"),
        ];
        let table = aligned_table(&text).unwrap();
        let (chart, _) = from_table(&table, &[]).unwrap();
        assert_eq!(chart.subjects, ["Tea", "Coffee"]);
        assert_eq!(chart.rows[0].aspect, None);
        assert_eq!(chart.rows[0].cells, ["Leaves", "Beans"]);
    }

    #[test]
    fn runs_of_short_lines_with_and_without_labels() {
        let line = |no, text: &str| Line {
            no,
            text: text.into(),
            item: false,
        };
        let blocks = vec![
            Block::Para(vec![line(3, "Leaves."), line(4, "Beans.")]),
            Block::Heading(super::super::article::Heading {
                level: 2,
                mark: Mark::Inferred,
                text: "Caffeine".into(),
                no: 6,
            }),
            Block::Para(vec![line(8, "Less"), line(9, "More")]),
            Block::Heading(super::super::article::Heading {
                level: 2,
                mark: Mark::Inferred,
                text: "Tea".into(),
                no: 11,
            }),
            Block::Para(vec![line(12, "A drink."), line(13, "I like tea.")]),
        ];
        let (chart, used) = from_runs(&blocks, &subjects()).unwrap();
        assert_eq!(used, 3);
        assert_eq!(chart.rows.len(), 2);
        assert_eq!(chart.rows[0].aspect, None);
        assert_eq!(chart.rows[0].cells, ["Leaves", "Beans"]);
        assert_eq!(chart.rows[1].aspect.as_deref(), Some("Caffeine"));
    }
}
