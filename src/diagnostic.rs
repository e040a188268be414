//! One diagnostic type for problems in user files: where (path, line, column), what, and how to
//! fix it, rendered the way compilers do.

use std::fmt;
use std::ops::Range;

/// A problem found in a file, pointing at the spot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
    /// The offending source line, without its line break.
    pub source_line: String,
    /// How many characters to underline, at least 1.
    pub width: usize,
}

impl Diagnostic {
    /// Builds a diagnostic for the byte range `span` of `source`.
    pub fn at(path: &str, source: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let source_line = source[line_start..line_end].trim_end_matches('\r');
        let line = source[..line_start].matches('\n').count() + 1;
        let column = source[line_start..start].chars().count() + 1;
        let end = floor_char_boundary(source, span.end.clamp(start, line_end));
        let width = source[start..end].chars().count().max(1);
        Diagnostic {
            path: path.to_string(),
            line,
            column,
            message: message.into(),
            help: None,
            source_line: source_line.to_string(),
            width,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The first line alone: `path:line:column: error: message`.
    pub fn headline(&self) -> String {
        format!(
            "{}:{}:{}: error: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.headline())?;
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        writeln!(f, "{pad} |")?;
        writeln!(f, "{number} | {}", self.source_line)?;
        let lead: String = self
            .source_line
            .chars()
            .take(self.column - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "{pad} | {lead}{}", "^".repeat(self.width))?;
        if let Some(help) = &self.help {
            write!(f, "\n{pad} = help: {help}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_line_and_column_in_characters() {
        let src = "a = 1\nné = \"x\"\n";
        let d = Diagnostic::at("f.toml", src, 10..13, "bad");
        assert_eq!((d.line, d.column, d.width), (2, 4, 3));
        assert_eq!(d.source_line, "né = \"x\"");
        assert_eq!(d.headline(), "f.toml:2:4: error: bad");
    }

    #[test]
    fn renders_caret_and_help() {
        let src = "qestion = 1\n";
        let d = Diagnostic::at("f.toml", src, 0..7, "unknown field")
            .with_help("did you mean `question`?");
        let text = d.to_string();
        assert!(text.contains("1 | qestion = 1"), "{text}");
        assert!(
            text.contains("  | ^^^^^^^\n  = help: did you mean `question`?"),
            "{text}"
        );
    }

    #[test]
    fn span_at_end_of_file_is_clamped() {
        let d = Diagnostic::at("f", "abc", 3..3, "eof");
        assert_eq!((d.line, d.column, d.width), (1, 4, 1));
    }
}
