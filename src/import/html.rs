//! HTML fields as plain text: line breaks kept, tags dropped, entities decoded, and the media
//! they refer to (`<img>`, `<audio>`, Anki's `[sound:...]`) listed, since pmquiz shows text only.

/// A field turned into text, with the media files it referred to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Text {
    pub(crate) text: String,
    pub(crate) media: Vec<String>,
}

/// Tags after which text starts on a new line.
const BLOCKS: [&str; 20] = [
    "address",
    "article",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "ul",
];

/// Converts an HTML field to plain text.
pub(crate) fn to_text(html: &str) -> Text {
    let mut media = Vec::new();
    let mut out = String::with_capacity(html.len());
    let mut chunk = String::new();
    let mut rest = html;
    while let Some(at) = rest.find(['<', '[']) {
        let (before, from) = rest.split_at(at);
        chunk.push_str(before);
        if let Some(after) = from.strip_prefix('[') {
            if let Some(name) = after.strip_prefix("sound:").and_then(|s| s.split_once(']')) {
                media.push(name.0.trim().to_string());
                rest = name.1;
            } else {
                chunk.push('[');
                rest = after;
            }
            continue;
        }
        if let Some(after) = from.strip_prefix("<!--") {
            rest = after.split_once("-->").map_or("", |(_, r)| r);
            continue;
        }
        let Some(tag) = Tag::parse(from) else {
            // A `<` that opens no tag ("a < b") is text.
            chunk.push('<');
            rest = &from[1..];
            continue;
        };
        rest = &from[tag.len..];
        flush(&mut out, &mut chunk);
        match tag.name.as_str() {
            "br" => out.push('\n'),
            "img" | "audio" | "video" | "source" | "embed" => {
                media.extend(tag.attribute("src").filter(|s| !s.is_empty()));
            }
            "script" | "style" if !tag.closing => {
                let close = format!("</{}", tag.name);
                rest = find_ignore_case(rest, &close).map_or("", |i| {
                    let after = &rest[i..];
                    after.find('>').map_or("", |j| &after[j + 1..])
                });
            }
            "td" | "th" if tag.closing => out.push(' '),
            "tr" => out.push('\n'),
            name if BLOCKS.contains(&name) => out.push('\n'),
            _ => {}
        }
    }
    chunk.push_str(rest);
    flush(&mut out, &mut chunk);
    Text {
        text: tidy_lines(&out),
        media,
    }
}

/// Appends a run of text: entities decoded, white space collapsed as a browser does.
fn flush(out: &mut String, chunk: &mut String) {
    if chunk.is_empty() {
        return;
    }
    let decoded = html_escape::decode_html_entities(chunk.as_str());
    for c in decoded.chars() {
        // A no-break space is a space for pmquiz: answers are compared without it.
        let c = if c == '\u{a0}' { ' ' } else { c };
        if c.is_whitespace() {
            if !out.ends_with([' ', '\n']) && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    chunk.clear();
}

/// Trims every line and keeps at most one empty line between paragraphs.
fn tidy_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut empty_run = 0;
    for line in text.split('\n') {
        let line = line.trim();
        if line.is_empty() {
            empty_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if empty_run > 1 { "\n\n" } else { "\n" });
        }
        out.push_str(line);
        empty_run = 0;
    }
    out
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let lower = haystack.to_ascii_lowercase();
    lower.find(&needle.to_ascii_lowercase())
}

/// One tag: `<name attr="value">` or `</name>`.
struct Tag<'a> {
    name: String,
    closing: bool,
    /// Everything between the name and the closing `>`.
    attributes: &'a str,
    /// Bytes from `<` to `>` included.
    len: usize,
}

impl<'a> Tag<'a> {
    fn parse(text: &'a str) -> Option<Tag<'a>> {
        let body = text.strip_prefix('<')?;
        let (closing, body) = match body.strip_prefix('/') {
            Some(b) => (true, b),
            None => (false, body),
        };
        let name_len = body
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(body.len());
        if name_len == 0 || !body.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        // Find the closing `>` outside quoted attribute values.
        let mut quote = None;
        let mut end = None;
        for (i, c) in body.char_indices().skip(name_len) {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '>') => {
                    end = Some(i);
                    break;
                }
                (None, '<') => return None,
                _ => {}
            }
        }
        let end = end?;
        Some(Tag {
            name: body[..name_len].to_ascii_lowercase(),
            closing,
            attributes: &body[name_len..end],
            len: 1 + usize::from(closing) + end + 1,
        })
    }

    /// The value of an attribute, entities decoded.
    fn attribute(&self, wanted: &str) -> Option<String> {
        let mut rest = self.attributes;
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() {
                return None;
            }
            let name_end = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
                .unwrap_or(rest.len());
            let name = &rest[..name_end];
            rest = rest[name_end..].trim_start();
            let value = if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                let (value, next) = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let inner = &after[1..];
                        let end = inner.find(q).unwrap_or(inner.len());
                        (&inner[..end], inner.get(end + 1..).unwrap_or(""))
                    }
                    _ => {
                        let end = after.find(char::is_whitespace).unwrap_or(after.len());
                        (&after[..end], &after[end..])
                    }
                };
                rest = next;
                value
            } else {
                ""
            };
            if name.eq_ignore_ascii_case(wanted) {
                return Some(html_escape::decode_html_entities(value).into_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        to_text(html).text
    }

    #[test]
    fn tags_go_and_line_breaks_stay() {
        assert_eq!(
            text("What is the capital of <b>France</b>?"),
            "What is the capital of France?"
        );
        assert_eq!(
            text("one<br>two<br/>three<BR />four"),
            "one\ntwo\nthree\nfour"
        );
        assert_eq!(text("<div>Nairobi</div>"), "Nairobi");
        assert_eq!(text("<div>a</div><div>b</div>"), "a\nb");
        assert_eq!(text("<ul><li>x</li><li>y</li></ul>"), "x\ny");
        assert_eq!(text("<p>one</p><p></p><p></p><p>two</p>"), "one\n\ntwo");
        assert_eq!(
            text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"),
            "a b\nc"
        );
    }

    #[test]
    fn white_space_collapses_as_in_a_browser() {
        assert_eq!(text("  a \n\t b  "), "a b");
        assert_eq!(
            text("Lima&nbsp;&mdash; on the <i>coast</i>"),
            "Lima — on the coast"
        );
        assert_eq!(text("a&nbsp;&nbsp;b"), "a b");
    }

    #[test]
    fn entities_are_decoded_once() {
        assert_eq!(text("Gracias &amp; de nada"), "Gracias & de nada");
        assert_eq!(text("&lt;b&gt; is bold"), "<b> is bold");
        assert_eq!(text("caf&eacute; &#233; &#x1F600;"), "café é 😀");
        assert_eq!(text("H<sub>2</sub>O"), "H2O");
    }

    #[test]
    fn media_is_listed_not_shown() {
        let t = to_text(
            r#"Paris<br><img src="paris.jpg"> [sound:tokyo.mp3]<img alt='x > y' src='a&amp;b.png'>"#,
        );
        assert_eq!(t.text, "Paris");
        assert_eq!(t.media, ["paris.jpg", "tokyo.mp3", "a&b.png"]);
    }

    #[test]
    fn what_is_not_a_tag_is_text() {
        assert_eq!(text("a < b and c > d"), "a < b and c > d");
        assert_eq!(text("x <3"), "x <3");
        assert_eq!(text("[not sound] [1]"), "[not sound] [1]");
        assert_eq!(text("unclosed <b"), "unclosed <b");
    }

    #[test]
    fn scripts_styles_and_comments_are_dropped() {
        assert_eq!(
            text("<style>.x{color:red}</style>a<script>if (a < b) {}</script>b<!-- note -->c"),
            "abc"
        );
    }
}
