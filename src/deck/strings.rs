//! Where each character of a TOML string value sits in the file, so that a problem inside a
//! string (a blank, a brace) is reported at its own line and column, also in multi-line strings
//! and after escapes.

/// A string value decoded again from its source, with the source offset of each byte.
#[derive(Debug)]
pub(super) struct StringSource {
    text: String,
    /// For each byte of `text`, the offset in the file of what wrote it.
    offsets: Vec<usize>,
}

impl StringSource {
    /// Decodes the string literal `raw` (quotes included) that starts at byte `start` of the
    /// file. `None` when `raw` is not a string literal this decoder reads the way TOML does.
    pub(super) fn decode(raw: &str, start: usize) -> Option<StringSource> {
        let (delim, basic) = if raw.starts_with("\"\"\"") {
            ("\"\"\"", true)
        } else if raw.starts_with("'''") {
            ("'''", false)
        } else if raw.starts_with('"') {
            ("\"", true)
        } else if raw.starts_with('\'') {
            ("'", false)
        } else {
            return None;
        };
        let body_len = raw.len().checked_sub(2 * delim.len())?;
        let mut body_start = delim.len();
        let body = &raw[body_start..body_start + body_len];
        let mut body = body;
        // A multi-line string drops the line break right after its opening delimiter.
        if delim.len() == 3 {
            for newline in ["\r\n", "\n"] {
                if let Some(rest) = body.strip_prefix(newline) {
                    body = rest;
                    body_start += newline.len();
                    break;
                }
            }
        }
        let base = start + body_start;
        let mut out = StringSource {
            text: String::with_capacity(body.len()),
            offsets: Vec::with_capacity(body.len()),
        };
        if !basic {
            out.push_str(body, base);
            return Some(out);
        }
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c, base + i);
                continue;
            }
            let (_, e) = chars.next()?;
            let decoded = match e {
                'b' => '\u{8}',
                't' => '\t',
                'n' => '\n',
                'f' => '\u{c}',
                'r' => '\r',
                'e' => '\u{1b}',
                '"' => '"',
                '\\' => '\\',
                'x' | 'u' | 'U' => {
                    let digits = match e {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let mut hex = String::new();
                    for _ in 0..digits {
                        hex.push(chars.next()?.1);
                    }
                    char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
                }
                // A line-ending backslash: the line break and the white space after it go.
                ' ' | '\t' | '\r' | '\n' if delim.len() == 3 => {
                    while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
                    continue;
                }
                _ => return None,
            };
            out.push(decoded, base + i);
        }
        Some(out)
    }

    fn push(&mut self, c: char, at: usize) {
        self.text.push(c);
        self.offsets.extend(std::iter::repeat_n(at, c.len_utf8()));
    }

    fn push_str(&mut self, s: &str, base: usize) {
        self.text.push_str(s);
        self.offsets.extend(base..base + s.len());
    }

    /// The file offset of byte `offset` of `value` (a part of the decoded string, such as the
    /// value with its surrounding white space trimmed), if `value` is found where it should be.
    pub(super) fn locate(&self, value: &str, offset: usize) -> Option<usize> {
        let lead = self.text.len() - self.text.trim_start().len();
        let found = self.text.get(lead..lead + value.len())?;
        (found == value).then(|| {
            self.offsets
                .get(lead + offset)
                .copied()
                .unwrap_or_else(|| self.offsets.last().map_or(0, |&o| o + 1))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where `needle` (in the decoded, trimmed value) is in `file`, which holds one key = value.
    fn at(file: &str, value: &str, needle: &str) -> Option<usize> {
        let start = file.find(['"', '\'']).unwrap();
        let end = file.trim_end().len();
        let source = StringSource::decode(&file[start..end], start)?;
        source.locate(value, value.find(needle).unwrap())
    }

    #[test]
    fn offsets_follow_escapes_and_line_breaks() {
        let file = "text = \"a\\u00e9 \\\"q\\\" {{x}}\"";
        assert_eq!(at(file, "aé \"q\" {{x}}", "{{"), file.find("{{"));
        let file = "text = \"\"\"\nfirst line\n  second {{}} line\"\"\"";
        assert_eq!(
            at(file, "first line\n  second {{}} line", "{{"),
            file.find("{{")
        );
        let file = "text = \"\"\"\\\n    joined \\\n    {{x}}\"\"\"";
        assert_eq!(at(file, "joined {{x}}", "{{"), file.find("{{"));
        let file = "text = '''\n C:\\path {{x}}'''";
        assert_eq!(at(file, "C:\\path {{x}}", "{{"), file.find("{{"));
    }

    #[test]
    fn a_value_that_does_not_match_is_not_located() {
        assert_eq!(at("t = \"abc\"", "abd", "d"), None);
        assert!(StringSource::decode("\"\\q\"", 0).is_none());
        assert!(StringSource::decode("x", 0).is_none());
    }
}
