//! Reads a Markdown article with pulldown-cmark (CommonMark with tables, definition lists and
//! front matter) into blocks, keeping each block's line: headings, paragraphs (a list is one
//! paragraph of item lines), tables; emphasis, links and code are kept as their text.

use super::article::{Article, Block, Facts, Format, Heading, Mark, Table, mark_title};
use super::plain::{Paragraph, read_text};
use super::text::squash;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

pub(crate) fn read(text: &str) -> Article {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_STRIKETHROUGH;
    let mut r = Reader::default();
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        let no = line_of(range.start);
        match event {
            Event::Start(tag) => r.start(tag, no),
            Event::End(tag) => r.end(tag, text, &range),
            Event::Text(t) | Event::Code(t) => r.text(&t, no),
            Event::SoftBreak | Event::HardBreak => r.line_break(),
            Event::Html(html) => r.html.push_str(&html),
            Event::InlineHtml(_) | Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
            Event::InlineMath(t) | Event::DisplayMath(t) => r.text(&t, no),
            Event::Rule => r.flush(),
        }
    }
    r.flush();
    mark_title(&mut r.blocks, false);
    Article {
        format: Format::Markdown,
        blocks: r.blocks,
        facts: r.facts,
    }
}

#[derive(Default)]
struct Reader {
    blocks: Vec<Block>,
    facts: Facts,
    /// The paragraph or list being read.
    para: Paragraph,
    lists: usize,
    heading: Option<(u8, usize, String)>,
    term: Option<(usize, String)>,
    table: Option<Table>,
    row: Option<(usize, Vec<String>)>,
    cell: Option<String>,
    in_table_head: bool,
    /// Inside an image (its alt text is not article text) or a metadata block.
    skip: usize,
    code: Option<(usize, String)>,
    metadata: Option<String>,
    html: String,
}

impl Reader {
    fn start(&mut self, tag: Tag<'_>, no: usize) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush();
                self.heading = Some((level as u8, no, String::new()));
            }
            Tag::List(_) => {
                if self.lists == 0 {
                    self.flush();
                }
                self.lists += 1;
            }
            Tag::Item => {
                self.line_break();
                self.para.set_item(true);
            }
            Tag::Paragraph if self.lists == 0 => self.flush(),
            Tag::DefinitionListTitle => {
                self.flush();
                self.term = Some((no, String::new()));
            }
            Tag::DefinitionListDefinition => self.flush(),
            Tag::Table(_) => {
                self.flush();
                self.table = Some(Table {
                    no,
                    header: None,
                    rows: Vec::new(),
                });
            }
            Tag::TableHead => {
                self.in_table_head = true;
                self.row = Some((no, Vec::new()));
            }
            Tag::TableRow => self.row = Some((no, Vec::new())),
            Tag::TableCell => self.cell = Some(String::new()),
            Tag::Image { .. } => self.skip += 1,
            Tag::MetadataBlock(_) => self.metadata = Some(String::new()),
            Tag::CodeBlock(_) => {
                self.flush();
                self.code = Some((no, String::new()));
            }
            Tag::HtmlBlock => {
                self.flush();
                self.html.clear();
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, source: &str, range: &std::ops::Range<usize>) {
        match tag {
            TagEnd::Heading(_) => {
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
            TagEnd::Paragraph | TagEnd::Item => {
                self.line_break();
                if self.lists == 0 {
                    self.flush();
                }
            }
            TagEnd::List(_) => {
                self.lists = self.lists.saturating_sub(1);
                if self.lists == 0 {
                    self.flush();
                }
            }
            TagEnd::DefinitionListTitle => {
                if let Some((no, text)) = self.term.take() {
                    self.blocks.push(Block::Heading(Heading {
                        level: 2,
                        mark: Mark::Inferred,
                        text: squash(&text),
                        no,
                    }));
                }
            }
            TagEnd::DefinitionListDefinition => self.flush(),
            TagEnd::TableCell => {
                if let (Some(cell), Some((_, row))) = (self.cell.take(), self.row.as_mut()) {
                    row.push(squash(&cell));
                }
            }
            TagEnd::TableHead => {
                self.in_table_head = false;
                if let (Some((_, row)), Some(table)) = (self.row.take(), self.table.as_mut()) {
                    table.header = Some(row);
                }
            }
            TagEnd::TableRow => {
                if let (Some(row), Some(table)) = (self.row.take(), self.table.as_mut()) {
                    table.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.blocks.push(Block::Table(table));
                }
            }
            TagEnd::Image => self.skip = self.skip.saturating_sub(1),
            TagEnd::MetadataBlock(_) => {
                if let Some(meta) = self.metadata.take() {
                    self.front_matter(&meta);
                }
            }
            TagEnd::CodeBlock => {
                if let Some((no, code)) = self.code.take() {
                    // A chart may be kept as aligned columns in a code block.
                    self.blocks.extend(read_text(&code, no));
                }
            }
            TagEnd::HtmlBlock => {
                let before = source[..range.start].matches('\n').count();
                let html = std::mem::take(&mut self.html);
                self.blocks
                    .extend(super::html::read_at(&html, before).blocks);
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str, no: usize) {
        if self.skip > 0 {
            return;
        }
        if let Some(meta) = &mut self.metadata {
            meta.push_str(text);
        } else if let Some((_, code)) = &mut self.code {
            code.push_str(text);
        } else if let Some((_, _, heading)) = &mut self.heading {
            heading.push_str(text);
        } else if let Some((_, term)) = &mut self.term {
            term.push_str(text);
        } else if let Some(cell) = &mut self.cell {
            cell.push_str(text);
        } else {
            self.para.text(text, no);
        }
    }

    /// Ends the line being built (soft and hard breaks, list items).
    fn line_break(&mut self) {
        if let Some((_, _, heading)) = &mut self.heading {
            heading.push(' ');
            return;
        }
        if let Some(cell) = &mut self.cell {
            cell.push(' ');
            return;
        }
        self.para.line_break();
    }

    /// Ends the paragraph (or list) being read.
    fn flush(&mut self) {
        self.line_break();
        self.para.flush(&mut self.blocks);
    }

    /// `title:`, `author:` and `date:` from YAML front matter.
    fn front_matter(&mut self, yaml: &str) {
        for line in yaml.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim().trim_matches(['"', '\'']).trim().to_string();
            if value.is_empty() {
                continue;
            }
            match key.trim().to_lowercase().as_str() {
                "title" => self.facts.title = Some(value),
                "author" | "authors" => self.facts.author = Some(value),
                "date" => self.facts.date = Some(format!("dated {value}")),
                "updated" | "lastmod" | "last_modified" => {
                    self.facts.date = Some(format!("updated on {value}"))
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::article::Line;

    #[test]
    fn markdown_blocks_with_lines() {
        let md = "---\ntitle: Tea vs. Coffee\nauthor: A. Writer\n---\n\n# Tea vs. Coffee\n\nTea is **older**,\nwhile coffee is newer.\n\n## Comparison chart\n\n| Aspect | Tea | Coffee |\n|---|---|---|\n| Origin | China | Ethiopia |\n\n- **Tea**: a drink\n- *Coffee*: another `drink`\n\nTea\n: A drink made from leaves.\n";
        let a = read(md);
        assert_eq!(a.facts.title.as_deref(), Some("Tea vs. Coffee"));
        assert_eq!(a.facts.author.as_deref(), Some("A. Writer"));
        let Block::Heading(h) = &a.blocks[0] else {
            panic!("{:?}", a.blocks)
        };
        assert_eq!((h.level, h.no, h.text.as_str()), (1, 6, "Tea vs. Coffee"));
        assert_eq!(
            a.blocks[1],
            Block::Para(vec![Line {
                no: 8,
                text: "Tea is older, while coffee is newer.".into(),
                item: false
            }])
        );
        let Block::Table(t) = &a.blocks[3] else {
            panic!("{:?}", a.blocks[3])
        };
        assert_eq!(t.no, 13);
        assert_eq!(
            t.rows,
            [(15, vec!["Origin".into(), "China".into(), "Ethiopia".into()])]
        );
        let Block::Para(items) = &a.blocks[4] else {
            panic!("{:?}", a.blocks[4])
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].text, "Coffee: another drink");
        assert!(items.iter().all(|l| l.item));
        assert!(matches!(&a.blocks[5], Block::Heading(h) if h.text == "Tea" && h.no == 20));
        assert!(matches!(&a.blocks[6], Block::Para(l) if l[0].no == 21));
    }
}
