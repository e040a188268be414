//! Reads an HTML article into blocks with a small tokenizer that keeps each block's line in the
//! file: headings, paragraphs (`<br>` and list items start new lines), tables, `<dt>` terms and
//! `<pre>` text. Scripts, styles, navigation, forms and page footers are skipped; the author
//! and date come from `<meta>` tags, the title from the first `<h1>` or else `<title>`.

use super::article::{
    Article, Block, Facts, Format, Heading, Line, Mark, Table, mark_title, push_para,
};
use super::plain::{Paragraph, read_text};
use super::text::{find_ci, squash};

pub(crate) fn read(text: &str) -> Article {
    read_at(text, 0)
}

/// Reads HTML whose first line is line `offset + 1` of the article (HTML inside Markdown).
pub(crate) fn read_at(text: &str, offset: usize) -> Article {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |at: usize| offset + starts.partition_point(|&s| s <= at);
    let mut r = Reader::default();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        if bytes[i] != b'<' {
            let end = text[i..].find('<').map_or(text.len(), |e| i + e);
            let run = &text[i..end];
            let lead = run.len() - run.trim_start().len();
            r.text(&decode(run), line_of(i + lead));
            i = end;
            continue;
        }
        let rest = &text[i..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(text.len(), |e| i + e + 3);
            continue;
        }
        if let Some(cdata) = rest.strip_prefix("<![CDATA[") {
            let end = cdata.find("]]>").unwrap_or(cdata.len());
            r.text(&cdata[..end], line_of(i));
            i = (i + "<![CDATA[".len() + end + 3).min(text.len());
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i = rest.find('>').map_or(text.len(), |e| i + e + 1);
            continue;
        }
        let Some(tag) = parse_tag(rest) else {
            r.text("<", line_of(i));
            i += 1;
            continue;
        };
        let no = line_of(i);
        i += tag.len;
        if !tag.closing && RAW.contains(&tag.name.as_str()) {
            // Raw text: read up to the closing tag, whatever it contains.
            let close = format!("</{}", tag.name);
            let end = find_ci(&text[i..], &close).map_or(text.len(), |e| i + e);
            if tag.name == "title" {
                r.page_title = Some(squash(&decode(&text[i..end])));
            }
            i = text[end..].find('>').map_or(text.len(), |e| end + e + 1);
            continue;
        }
        r.tag(&tag, no);
    }
    r.flush();
    if let Some(table) = r.table.take() {
        r.finish_table(table);
    }
    mark_title(&mut r.blocks, false);
    let has_h1 = matches!(r.blocks.first(), Some(Block::Heading(h)) if h.level == 1);
    if !has_h1 && let Some(title) = r.page_title.take() {
        // "Tea vs. Coffee | Some Site": the part before the site's name.
        let title = title
            .split(" | ")
            .next()
            .unwrap_or(&title)
            .trim()
            .to_string();
        if !title.is_empty() {
            r.facts.title = Some(title);
        }
    }
    Article {
        format: Format::Html,
        blocks: r.blocks,
        facts: r.facts,
    }
}

/// Elements whose content is not markup.
const RAW: [&str; 6] = ["script", "style", "title", "textarea", "noscript", "xmp"];

/// Elements whose content is not part of the article.
const SKIPPED: [&str; 10] = [
    "nav", "footer", "aside", "form", "button", "select", "svg", "iframe", "object", "template",
];

/// Elements that start and end a paragraph.
const BLOCK: [&str; 22] = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "blockquote",
    "dl",
    "dd",
    "figure",
    "figcaption",
    "details",
    "summary",
    "address",
    "center",
    "body",
    "html",
    "head",
    "hr",
    "caption",
    "hgroup",
    "fieldset",
];

struct Tag {
    name: String,
    closing: bool,
    attrs: Vec<(String, String)>,
    /// Bytes the tag takes in the source.
    len: usize,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses `<name attr="v" ...>` or `</name>` at the start of `text`.
fn parse_tag(text: &str) -> Option<Tag> {
    let b = text.as_bytes();
    let mut i = 1;
    let closing = b.get(1) == Some(&b'/');
    if closing {
        i += 1;
    }
    let start = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b':') {
        i += 1;
    }
    if i == start || !b[start].is_ascii_alphabetic() {
        return None;
    }
    let name = text[start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return Some(Tag {
                name,
                closing,
                attrs,
                len: b.len(),
            });
        }
        if b[i] == b'>' {
            return Some(Tag {
                name,
                closing,
                attrs,
                len: i + 1,
            });
        }
        let key_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let key = text[key_start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if b.get(i) == Some(&b'=') {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = text[i + 1..].find(q as char).map_or(b.len(), |e| i + 1 + e);
                    value = decode(&text[i + 1..end]);
                    i = (end + 1).min(b.len());
                }
                _ => {
                    let v = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = decode(&text[v..i]);
                }
            }
        }
        if key.is_empty() {
            i += 1;
        } else {
            attrs.push((key, value));
        }
    }
}

/// A table being read.
struct TableState {
    table: Table,
    row: Option<(usize, Vec<String>, bool)>,
    cell: Option<String>,
    in_head: bool,
    /// Depth of tables nested in a cell, read as the cell's text.
    nested: usize,
}

#[derive(Default)]
struct Reader {
    blocks: Vec<Block>,
    facts: Facts,
    page_title: Option<String>,
    para: Paragraph,
    lists: usize,
    heading: Option<(u8, usize, String)>,
    term: Option<(usize, String)>,
    table: Option<TableState>,
    pre: Option<(usize, String)>,
    /// The skipped element being passed over, and how deep in it.
    skipping: Option<(String, usize)>,
}

impl Reader {
    fn tag(&mut self, tag: &Tag, no: usize) {
        let name = tag.name.as_str();
        if let Some((skipped, depth)) = &mut self.skipping {
            if name == skipped {
                if tag.closing {
                    *depth -= 1;
                    if *depth == 0 {
                        self.skipping = None;
                    }
                } else {
                    *depth += 1;
                }
            }
            return;
        }
        if SKIPPED.contains(&name) && !tag.closing {
            self.skipping = Some((name.to_string(), 1));
            return;
        }
        if name == "meta" {
            self.meta(tag);
            return;
        }
        if let Some(t) = &mut self.table {
            match (name, tag.closing) {
                ("table", false) => t.nested += 1,
                ("table", true) if t.nested > 0 => t.nested -= 1,
                ("table", true) => {
                    let t = self.table.take().expect("a table");
                    self.finish_table(t);
                }
                (_, _) if t.nested > 0 => {}
                ("thead", closing) => t.in_head = !closing,
                ("tr", false) => {
                    finish_row(t);
                    t.row = Some((no, Vec::new(), true));
                }
                ("tr", true) => finish_row(t),
                ("td" | "th", false) => {
                    finish_cell(t);
                    if t.row.is_none() {
                        t.row = Some((no, Vec::new(), true));
                    }
                    if name == "td"
                        && let Some(row) = &mut t.row
                    {
                        row.2 = false;
                    }
                    t.cell = Some(String::new());
                }
                ("td" | "th", true) => finish_cell(t),
                ("br" | "p" | "li" | "div", _) => {
                    if let Some(cell) = &mut t.cell {
                        cell.push(' ');
                    }
                }
                _ => {}
            }
            return;
        }
        if self.pre.is_some() {
            if name == "pre" && tag.closing {
                let (no, text) = self.pre.take().expect("a pre");
                self.blocks.extend(read_text(&text, no - 1));
            } else if name == "br"
                && let Some((_, text)) = &mut self.pre
            {
                text.push('\n');
            }
            return;
        }
        match (name, tag.closing) {
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) => {
                self.flush();
                let level = name.as_bytes()[1] - b'0';
                self.heading = Some((level, no, String::new()));
            }
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => {
                if let Some((level, no, text)) = self.heading.take() {
                    let text = squash(&text);
                    if !text.is_empty() {
                        self.blocks.push(Block::Heading(Heading {
                            level,
                            mark: Mark::Markup,
                            text,
                            no,
                        }));
                    }
                }
            }
            ("dt", false) => {
                self.flush();
                self.term = Some((no, String::new()));
            }
            ("dt", true) => self.end_term(),
            ("ul" | "ol", false) => {
                if self.lists == 0 {
                    self.flush();
                }
                self.lists += 1;
            }
            ("ul" | "ol", true) => {
                self.lists = self.lists.saturating_sub(1);
                if self.lists == 0 {
                    self.flush();
                }
            }
            ("li", closing) => {
                self.para.line_break();
                self.para.set_item(!closing);
            }
            ("br", _) => self.line_break(),
            ("table", false) => {
                self.flush();
                self.table = Some(TableState {
                    table: Table {
                        no,
                        header: None,
                        rows: Vec::new(),
                    },
                    row: None,
                    cell: None,
                    in_head: false,
                    nested: 0,
                });
            }
            ("pre", false) => {
                self.flush();
                self.pre = Some((no, String::new()));
            }
            (_, _) if BLOCK.contains(&name) => {
                if self.term.is_some() {
                    self.end_term();
                }
                if self.lists > 0 {
                    self.line_break();
                } else {
                    self.flush();
                }
            }
            _ => {}
        }
    }

    fn end_term(&mut self) {
        if let Some((no, text)) = self.term.take() {
            let text = squash(&text);
            if !text.is_empty() {
                self.blocks.push(Block::Heading(Heading {
                    level: 2,
                    mark: Mark::Inferred,
                    text,
                    no,
                }));
            }
        }
    }

    fn meta(&mut self, tag: &Tag) {
        let key = tag
            .attr("name")
            .or_else(|| tag.attr("property"))
            .unwrap_or("")
            .to_ascii_lowercase();
        let Some(content) = tag.attr("content").map(squash).filter(|c| !c.is_empty()) else {
            return;
        };
        let day = content.split('T').next().unwrap_or(&content).to_string();
        match key.as_str() {
            "author" | "article:author" => self.facts.author = Some(content),
            "article:published_time" | "date" | "dc.date" => {
                self.facts.date.get_or_insert(format!("published on {day}"));
            }
            "article:modified_time" => self.facts.date = Some(format!("updated on {day}")),
            _ => {}
        }
    }

    fn text(&mut self, text: &str, no: usize) {
        if self.skipping.is_some() {
            return;
        }
        if let Some(t) = &mut self.table {
            if let Some(cell) = &mut t.cell {
                cell.push_str(text);
            }
            return;
        }
        if let Some((_, pre)) = &mut self.pre {
            pre.push_str(text);
            return;
        }
        if let Some((_, _, heading)) = &mut self.heading {
            heading.push_str(text);
            return;
        }
        if let Some((_, term)) = &mut self.term {
            term.push_str(text);
            return;
        }
        self.para.text(text, no);
    }

    fn line_break(&mut self) {
        self.para.line_break();
    }

    fn flush(&mut self) {
        self.para.flush(&mut self.blocks);
    }

    /// A table of two or more columns is a table; a layout table of one column is text.
    fn finish_table(&mut self, mut t: TableState) {
        finish_row(&mut t);
        let width = t
            .table
            .header
            .iter()
            .chain(t.table.rows.iter().map(|(_, r)| r))
            .map(Vec::len)
            .max()
            .unwrap_or(0);
        if width >= 2 {
            self.blocks.push(Block::Table(t.table));
        } else {
            for (no, row) in t.table.rows {
                push_para(
                    &mut self.blocks,
                    row.into_iter()
                        .map(|text| Line {
                            no,
                            text,
                            item: false,
                        })
                        .collect(),
                );
            }
        }
    }
}

fn finish_cell(t: &mut TableState) {
    if let (Some(cell), Some(row)) = (t.cell.take(), t.row.as_mut()) {
        row.1.push(squash(&cell));
    }
}

/// Ends the row being read: a row in `<thead>`, or a first row of `<th>` cells only, is the
/// header.
fn finish_row(t: &mut TableState) {
    finish_cell(t);
    if let Some((no, cells, all_th)) = t.row.take() {
        if cells.iter().all(String::is_empty) {
            return;
        }
        if t.table.header.is_none() && t.table.rows.is_empty() && (t.in_head || all_th) {
            t.table.header = Some(cells);
            t.table.no = no;
        } else {
            t.table.rows.push((no, cells));
        }
    }
}

/// Decodes character references: numeric ones and the named ones articles use.
fn decode(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|e| e + 1);
        if let Some(end) = end
            && rest[end..].starts_with(';')
            && let Some(c) = entity(&rest[1..end])
        {
            out.push_str(&c);
            rest = &rest[end + 1..];
            continue;
        }
        out.push('&');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return Some(char::from_u32(code).unwrap_or('\u{fffd}').to_string());
    }
    let c = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "ndash" => "–",
        "mdash" => "—",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "hellip" => "…",
        "middot" => "·",
        "bull" => "•",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "deg" => "°",
        "times" => "×",
        "divide" => "÷",
        "plusmn" => "±",
        "frac12" => "½",
        "frac14" => "¼",
        "frac34" => "¾",
        "euro" => "€",
        "pound" => "£",
        "yen" => "¥",
        "cent" => "¢",
        "sect" => "§",
        "para" => "¶",
        "laquo" => "«",
        "raquo" => "»",
        "rarr" => "→",
        "larr" => "←",
        "harr" => "↔",
        "le" => "≤",
        "ge" => "≥",
        "ne" => "≠",
        "asymp" => "≈",
        "micro" => "µ",
        "shy" => "",
        "zwj" | "zwnj" | "lrm" | "rlm" => "",
        "eacute" => "é",
        "egrave" => "è",
        "aacute" => "á",
        "agrave" => "à",
        "ouml" => "ö",
        "uuml" => "ü",
        "auml" => "ä",
        "szlig" => "ß",
        "ccedil" => "ç",
        "ntilde" => "ñ",
        _ => return None,
    };
    Some(c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities() {
        assert_eq!(
            decode("Tea &amp; coffee &mdash; &#8220;both&#x201D; &unknown; & more"),
            "Tea & coffee — “both” &unknown; & more"
        );
    }

    #[test]
    fn html_blocks_with_lines_skipping_page_furniture() {
        let html = "<!DOCTYPE html>\n<html><head><title>Tea vs. Coffee | Drinks Site</title>\n<meta name=\"author\" content=\"A. Writer\">\n<script>if (a < b) { x = '<p>'; }</script></head>\n<body><nav><ul><li>Home</li></ul></nav>\n<h1>Tea vs. Coffee</h1>\n<p>Tea is <b>older</b>,\nwhile coffee is newer.<br>Both are drunk hot.</p>\n<table><tr><th>Aspect</th><th>Tea</th><th>Coffee</th></tr>\n<tr><td>Origin</td><td>China</td><td>Ethiopia</td></tr></table>\n<dl><dt>Tea</dt><dd>A drink &amp; more.</dd></dl>\n<footer>Copyright</footer></body></html>";
        let a = read(html);
        assert_eq!(a.facts.author.as_deref(), Some("A. Writer"));
        assert_eq!(a.facts.title, None, "the <h1> is the title");
        let texts: Vec<String> = a
            .blocks
            .iter()
            .map(|b| match b {
                Block::Heading(h) => format!("H{} {}@{}", h.level, h.text, h.no),
                Block::Para(l) => l
                    .iter()
                    .map(|l| format!("{}@{}", l.text, l.no))
                    .collect::<Vec<_>>()
                    .join(" / "),
                Block::Table(t) => format!("table@{} {:?} {:?}", t.no, t.header, t.rows),
            })
            .collect();
        assert_eq!(
            texts,
            [
                "H1 Tea vs. Coffee@6",
                "Tea is older, while coffee is newer.@7 / Both are drunk hot.@8",
                "table@9 Some([\"Aspect\", \"Tea\", \"Coffee\"]) [(10, [\"Origin\", \"China\", \"Ethiopia\"])]",
                "H2 Tea@11",
                "A drink & more.@11",
            ]
        );
    }

    #[test]
    fn the_page_title_stands_in_for_a_missing_h1() {
        let a = read("<title>Tea vs. Coffee | Site</title><p>Tea is old.</p>");
        assert_eq!(a.facts.title.as_deref(), Some("Tea vs. Coffee"));
    }
}
