//! Text as pmquiz compares it: folded for matching (case, accents, punctuation, spacing), split
//! into the items of a list, and told apart by how far one spelling is from another.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-cases, strips accents, drops punctuation anywhere (`¿Cómo estás?` → `como estas`),
/// folds white space, and keeps numbers as written (`1,000` → `1000`, `3,5` → `3.5`).
///
/// Punctuation is the marks that only punctuate: `. , ; : ! ? ' " ( ) [ ] { } - _ /`, `¿ ¡`,
/// typographic quotes and dashes, and the like. Symbols that change a meaning (`+ # & % $ = < >`,
/// so `C++` is not `C`) are kept. Apostrophes join (`don't` → `dont`); other marks separate
/// words (`end-to-end` → `end to end`). Text made only of punctuation keeps it, so that such an
/// answer can still be matched.
///
/// Written as one pass over the folded text (ASCII, the common case, needs no Unicode
/// decomposition and is lower-cased on the way), since deck loading and question generation
/// call it for every answer and term.
pub fn normalize(text: &str) -> String {
    if text.is_ascii() {
        normalize_folded(text, true)
    } else {
        normalize_folded(&fold(text), false)
    }
}

/// [`normalize`] with the accents kept: `año` and `ano` differ. Two options of a multiple-choice
/// question, or a wrong option and the answer, must differ this way: to a language learner,
/// accents tell words apart.
pub fn normalize_accented(text: &str) -> String {
    if text.is_ascii() {
        return normalize(text);
    }
    let lower: String = text.nfc().flat_map(char::to_lowercase).collect();
    normalize_folded(&lower, false)
}

/// [`normalize`] of a text already folded (or, with `lower`, ASCII to lower-case on the way).
/// The look-around for numbers reads bytes: digits, commas and points are ASCII, and no byte of
/// a multi-byte character is.
fn normalize_folded(folded: &str, lower: bool) -> String {
    let bytes = folded.as_bytes();
    let mut out = String::with_capacity(folded.len());
    // Runs of white space and separating punctuation become one space, and only between words.
    let mut space = false;
    for (i, c) in folded.char_indices() {
        let c = if lower { c.to_ascii_lowercase() } else { c };
        let digit_before = i > 0 && bytes[i - 1].is_ascii_digit();
        let digit_after = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        let kept = if (c == ',' || c == '.') && digit_before && digit_after {
            // Inside a number: a comma before exactly three digits separates thousands, any
            // other comma or point is a decimal point.
            let digits = bytes[i + 1..]
                .iter()
                .take_while(|d| d.is_ascii_digit())
                .count();
            if c == ',' && digits == 3 {
                None
            } else {
                Some('.')
            }
        } else if is_apostrophe(c) {
            None
        } else if c.is_whitespace() || is_punctuation(c) {
            space = !out.is_empty();
            None
        } else {
            Some(c)
        };
        if let Some(c) = kept {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if out.is_empty() {
        // Nothing but punctuation (or nothing at all): keep the marks, spaced as words.
        let folded = if lower {
            folded.to_ascii_lowercase()
        } else {
            folded.to_string()
        };
        return folded.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    out
}

/// Lower-cased, without accents.
fn fold(text: &str) -> String {
    text.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '`' | '\u{2018}' | '\u{2019}' | '\u{02bc}')
}

/// Marks that only punctuate (see [`normalize`]).
pub(crate) fn is_punctuation(c: char) -> bool {
    matches!(
        c,
        '!' | '"'
            | '('
            | ')'
            | ','
            | '-'
            | '.'
            | '/'
            | ':'
            | ';'
            | '?'
            | '['
            | ']'
            | '_'
            | '{'
            | '}'
            | '¡'
            | '¿'
            | '«'
            | '»'
            | '·'
            | '\u{037e}'
            | '\u{0387}'
            | '\u{055d}'
            | '\u{060c}'
            | '\u{061f}'
            | '\u{06d4}'
            | '\u{2039}'
            | '\u{203a}'
    ) || is_apostrophe(c)
        // Dashes, quotation marks, bullets and ellipsis.
        || ('\u{2010}'..='\u{2027}').contains(&c)
        // Supplemental punctuation.
        || ('\u{2e00}'..='\u{2e4f}').contains(&c)
        // CJK commas, full stops, brackets and quotation marks.
        || ('\u{3001}'..='\u{3003}').contains(&c)
        || ('\u{3008}'..='\u{3011}').contains(&c)
        || ('\u{3014}'..='\u{301f}').contains(&c)
}

/// `normalize` without its spaces: what two answers must share to be the same answer, so that
/// `re-engineering`, `re engineering` and `reengineering` agree.
pub(crate) fn compact(normalized: &str) -> String {
    normalized.chars().filter(|c| *c != ' ').collect()
}

/// The spelling a learner should see: lower-cased, without punctuation or spaces, but with its
/// accents. Two answers that normalize alike but differ here differ in accents only.
pub(crate) fn spelling(text: &str) -> String {
    text.nfc()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace() && !is_punctuation(*c))
        .collect()
}

/// How many edits a typed answer may be off by, from the number of letters in the right answer:
/// 1 from 5 letters, 2 from 12. Digits do not count: numbers must match exactly.
pub(crate) fn typo_allowance(letters: usize) -> usize {
    match letters {
        0..=4 => 0,
        5..=11 => 1,
        _ => 2,
    }
}

/// How close a typed text is to a right one (both normalized).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Closeness {
    Same,
    /// Within the typo allowance, with the same numbers.
    Typo,
    Far,
}

/// Compares two normalized texts: the same but for spaces, a few letters off (optimal string
/// alignment: a swap of two neighbouring letters is one edit), or far apart. Any difference in
/// a number is far.
pub(crate) fn closeness(given: &str, expected: &str) -> Closeness {
    let (g, e) = (compact(given), compact(expected));
    if g == e {
        return Closeness::Same;
    }
    if g.is_empty() || numbers(&g) != numbers(&e) {
        return Closeness::Far;
    }
    let letters = e.chars().filter(|c| c.is_alphabetic()).count();
    let allowance = typo_allowance(letters);
    if allowance > 0 && strsim::osa_distance(&g, &e) <= allowance {
        Closeness::Typo
    } else {
        Closeness::Far
    }
}

/// The numbers in a normalized text, in order (`1066`, `3.5`).
fn numbers(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_digit()
                    || (bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
            {
                i += 1;
            }
            out.push(&text[start..i]);
        } else {
            i += 1;
        }
    }
    out
}

/// Words that join the items of a list.
const JOINERS: [&str; 5] = ["and", "or", "&", "and/or", "plus"];

/// The items of a list as written (`Raw materials, machinery and labor` → `Raw materials`,
/// `machinery`, `labor`): split on commas, semicolons and the words `and`, `or`, `&`, `and/or`,
/// `plus` and `as well as`, with a leading `both` or `either` dropped. Text that is not a list
/// gives one item. Commas inside numbers do not split.
pub(crate) fn list_items(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut start = 0;
    for (k, &(i, c)) in chars.iter().enumerate() {
        let in_number = c == ','
            && k > 0
            && chars[k - 1].1.is_ascii_digit()
            && chars.get(k + 1).is_some_and(|n| n.1.is_ascii_digit());
        if (c == ',' || c == ';') && !in_number {
            split_words(&text[start..i], &mut items);
            start = i + c.len_utf8();
        }
    }
    split_words(&text[start..], &mut items);
    if let Some(first) = items.first_mut() {
        for lead in ["both ", "either "] {
            if first.len() > lead.len()
                && first
                    .get(..lead.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(lead))
            {
                *first = first[lead.len()..].trim_start().to_string();
            }
        }
    }
    items
}

/// Splits one comma-free piece of a list on its joining words.
fn split_words(piece: &str, items: &mut Vec<String>) {
    let words: Vec<&str> = piece.split_whitespace().collect();
    let mut current: Vec<&str> = Vec::new();
    let mut push = |current: &mut Vec<&str>| {
        let item = current.join(" ");
        let item = item.trim_matches(|c: char| is_punctuation(c) && !is_apostrophe(c));
        if !item.is_empty() {
            items.push(item.to_string());
        }
        current.clear();
    };
    let mut i = 0;
    while i < words.len() {
        let word = words[i].to_lowercase();
        let as_well_as = word == "as"
            && words
                .get(i + 1)
                .is_some_and(|w| w.eq_ignore_ascii_case("well"))
            && words
                .get(i + 2)
                .is_some_and(|w| w.eq_ignore_ascii_case("as"));
        if as_well_as {
            push(&mut current);
            i += 3;
        } else if JOINERS.contains(&word.as_str()) {
            push(&mut current);
            i += 1;
        } else {
            current.push(words[i]);
            i += 1;
        }
    }
    push(&mut current);
}

/// Whether an answer reads as a list to be judged item by item without being marked as one: at
/// least three items of at most four words each, and not a yes/no reply.
pub(crate) fn reads_as_list(answer: &str) -> bool {
    let items = list_items(answer);
    items.len() >= 3 && items.iter().all(|i| word_count(i) <= 4) && !is_yes_no(answer)
}

/// Words in a text: runs of characters between spaces and punctuation that hold a letter or a
/// digit (`end-to-end` is three).
pub(crate) fn word_count(text: &str) -> usize {
    text.split(|c: char| c.is_whitespace() || (is_punctuation(c) && !is_apostrophe(c)))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// Whether an answer is a yes/no reply (`Yes, …`, `No`, `Not typically`).
pub(crate) fn is_yes_no(answer: &str) -> bool {
    let first = normalize(answer);
    let first = first.split_whitespace().next().unwrap_or("");
    ["yes", "no", "not"].contains(&first)
}

/// Words that hedge a claim.
const HEDGES: [&str; 22] = [
    "may",
    "might",
    "can",
    "could",
    "some",
    "somewhat",
    "partly",
    "partially",
    "usually",
    "typically",
    "generally",
    "often",
    "mainly",
    "mostly",
    "primarily",
    "largely",
    "sometimes",
    "rarely",
    "probably",
    "likely",
    "tend",
    "tends",
];

/// Words that make a claim absolute.
const ABSOLUTES: [&str; 11] = [
    "only",
    "never",
    "always",
    "none",
    "nothing",
    "entirely",
    "exactly",
    "completely",
    "solely",
    "alone",
    "nobody",
];

/// Whether a claim is hedged, absolute, or neither: a right option that alone is hedged among
/// absolute ones gives itself away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    Hedged,
    Absolute,
    Plain,
}

pub(crate) fn tone(text: &str) -> Tone {
    let norm = normalize(text);
    let words: Vec<&str> = norm.split_whitespace().collect();
    if words.iter().any(|w| HEDGES.contains(w)) {
        Tone::Hedged
    } else if words.iter().any(|w| ABSOLUTES.contains(w))
        || words.windows(2).any(|w| w == ["at", "all"])
    {
        Tone::Absolute
    } else {
        Tone::Plain
    }
}

/// How an answer reads at a glance: what a wrong option must share with the right one so that
/// its form alone does not tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Items of a list (1 for an answer that is not one).
    pub(crate) items: usize,
    pub(crate) tone: Tone,
    /// 0: up to three words, 1: four to seven, 2: eight or more.
    pub(crate) length: u8,
    pub(crate) yes_no: bool,
}

pub(crate) fn shape(text: &str) -> Shape {
    let words = word_count(text);
    Shape {
        items: item_count(text),
        tone: tone(text),
        length: match words {
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        },
        yes_no: is_yes_no(text),
    }
}

/// How many things an answer lists: its list items when it reads as a list (three or more, or
/// two joined by a word such as `and`), not counting a leading yes or no; otherwise 1. A comma
/// alone (`Smooth, cost-effective production`, `Yes, with some overlap`) does not make a list.
fn item_count(text: &str) -> usize {
    let mut items = list_items(text);
    if is_yes_no(text) && items.len() > 1 && word_count(&items[0]) == 1 {
        items.remove(0);
    }
    let joined = text
        .split_whitespace()
        .any(|w| JOINERS.contains(&w.to_lowercase().as_str()))
        || text.to_lowercase().contains(" as well as ");
    match items.len() {
        0 | 1 => 1,
        2 if !joined => 1,
        n => n,
    }
}

/// A text with what is needed to tell whether it overlaps another: its normalized form and,
/// for a list, its items.
#[derive(Debug, Clone)]
pub(crate) struct Folded {
    norm: String,
    /// Compact items, sorted, when the text is a list of two or more.
    items: Vec<String>,
}

impl Folded {
    pub(crate) fn new(text: &str) -> Self {
        let norm = normalize(text);
        let items = if norm.contains(' ') {
            let mut items: Vec<String> = list_items(text)
                .iter()
                .map(|i| compact(&normalize(i)))
                .collect();
            items.sort();
            items.dedup();
            if items.len() < 2 {
                items.clear();
            }
            items
        } else {
            Vec::new()
        };
        Folded { norm, items }
    }

    pub(crate) fn norm(&self) -> &str {
        &self.norm
    }

    /// Whether two texts say the same or one says part of the other: equal (spaces aside), one
    /// contained in the other as whole words, or the same list of items in another order. Such
    /// a text cannot be offered as wrong beside the other as right.
    pub(crate) fn overlaps(&self, other: &Folded) -> bool {
        let (a, b) = (&self.norm, &other.norm);
        if a.is_empty() || b.is_empty() {
            return a == b;
        }
        compact(a) == compact(b)
            || contains_words(a, b)
            || contains_words(b, a)
            || (!self.items.is_empty() && self.items == other.items)
    }
}

/// Whether `needle`'s words appear together in `hay` (both normalized).
fn contains_words(hay: &str, needle: &str) -> bool {
    if needle.len() > hay.len() {
        return false;
    }
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        before.is_none_or(|c| c == ' ') && after.is_none_or(|c| c == ' ')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `normalize` spelled out step by step: the definition the fast version must agree with.
    fn normalize_by_steps(text: &str) -> String {
        let folded: String = text
            .nfkd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .collect();
        let chars: Vec<char> = folded.chars().collect();
        let mut marked = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let between_digits = i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit);
            if between_digits && (c == ',' || c == '.') {
                let next: String = chars[i + 1..]
                    .iter()
                    .take_while(|d| d.is_ascii_digit())
                    .collect();
                if !(c == ',' && next.len() == 3) {
                    marked.push('.');
                }
            } else if is_apostrophe(c) {
            } else if is_punctuation(c) {
                marked.push(' ');
            } else {
                marked.push(c);
            }
        }
        let words: Vec<&str> = marked.split_whitespace().collect();
        if words.is_empty() {
            folded.split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            words.join(" ")
        }
    }

    proptest! {
        #[test]
        fn normalize_agrees_with_its_definition(
            text in r"[ \t\n\u{a0}\u{2003}.,!?;:'’¿¡«»—a-zA-Z0-9éÉçñÅøßİĲﬁ①ΣΑάЖйё日本\u{301}\u{308}+#-]{0,24}",
        ) {
            prop_assert_eq!(normalize(&text), normalize_by_steps(&text));
        }

        #[test]
        fn normalize_agrees_with_its_definition_on_any_text(text in any::<String>()) {
            prop_assert_eq!(normalize(&text), normalize_by_steps(&text));
        }

        #[test]
        fn normalizing_twice_changes_nothing(text in any::<String>()) {
            let once = normalize(&text);
            prop_assert_eq!(normalize(&once), once.clone());
        }
    }

    #[test]
    fn punctuation_is_ignored_anywhere_and_symbols_are_kept() {
        assert_eq!(normalize("  Café   AU lait!! "), "cafe au lait");
        assert_eq!(normalize("¿Cómo estás?"), "como estas");
        assert_eq!(
            normalize("Procurement, logistics; “service”"),
            "procurement logistics service"
        );
        assert_eq!(normalize("end-to-end — really"), "end to end really");
        assert_eq!(normalize("Don't"), "dont");
        assert_eq!(normalize("C++"), "c++");
        assert_eq!(normalize("R&D"), "r&d");
        assert_eq!(normalize("ÉTÉ"), "ete");
        assert_eq!(normalize(" ? "), "?");
        assert_eq!(normalize("  "), "");
    }

    #[test]
    fn numbers_keep_their_digits_and_decimal_point() {
        assert_eq!(normalize("12,345"), "12345");
        assert_eq!(normalize("3,5 kg"), "3.5 kg");
        assert_eq!(normalize("3.14."), "3.14");
        assert_eq!(normalize("1066 AD."), "1066 ad");
        assert_eq!(numbers("1066 ad or 3.5"), ["1066", "3.5"]);
    }

    #[test]
    fn closeness_counts_letters_only_and_numbers_exactly() {
        let c = |a: &str, b: &str| closeness(&normalize(a), &normalize(b));
        assert_eq!(c("Pairs", "Paris"), Closeness::Typo);
        assert_eq!(c("1067 AD", "1066 AD"), Closeness::Far);
        assert_eq!(c("12346", "12345"), Closeness::Far);
        assert_eq!(c("48 BC", "49 BC"), Closeness::Far);
        assert_eq!(c("1066AD", "1066 AD"), Closeness::Same);
        assert_eq!(c("reengineering", "Re-engineering"), Closeness::Same);
        assert_eq!(c("TQN", "TQM"), Closeness::Far);
    }

    #[test]
    fn lists_split_on_commas_and_joining_words() {
        assert_eq!(
            list_items("Raw materials, machinery, and labor"),
            ["Raw materials", "machinery", "labor"]
        );
        assert_eq!(
            list_items("Both manufacturing and service sectors"),
            ["manufacturing", "service sectors"]
        );
        assert_eq!(
            list_items("quality control; standards as well as inspections."),
            ["quality control", "standards", "inspections"]
        );
        assert_eq!(list_items("Six Sigma or BPR"), ["Six Sigma", "BPR"]);
        assert_eq!(list_items("1,000 units"), ["1,000 units"]);
        assert_eq!(list_items("Manufacturing"), ["Manufacturing"]);
        assert_eq!(list_items("bothé x"), ["bothé x"]);
        assert!(reads_as_list(
            "Machinery downtime, quality defects and inventory"
        ));
        assert!(!reads_as_list("Manufacturing and services"));
        assert!(!reads_as_list(
            "No, also materials, quality, costs and more"
        ));
    }

    #[test]
    fn overlapping_texts_say_the_same_or_part_of_it() {
        let f = Folded::new;
        assert!(
            f("The entire business process")
                .overlaps(&f("the entire business process, end to end"))
        );
        assert!(f("Manufacturing").overlaps(&f("Both manufacturing and service industries")));
        assert!(f("Lean, TQM").overlaps(&f("TQM and Lean")));
        assert!(f("re-engineering").overlaps(&f("reengineering")));
        assert!(!f("Manufacturing of products").overlaps(&f("Production activities only")));
        assert!(!f("om").overlaps(&f("Production management")));
        assert!(f("cost").overlaps(&f("cost-effective production")));
    }

    #[test]
    fn shapes_count_items_tone_and_length() {
        assert_eq!(
            tone("Both, but operation management might be more holistic"),
            Tone::Hedged
        );
        assert_eq!(tone("No, only to manufacturing firms"), Tone::Absolute);
        assert_eq!(tone("Yes, with no overlap at all"), Tone::Absolute);
        assert_eq!(tone("Manufacturing of products"), Tone::Plain);
        let s = shape("Production planning, quality control and cost control");
        assert_eq!((s.items, s.length, s.yes_no), (3, 1, false));
        assert_eq!(shape("Lean Manufacturing and TQM").items, 2);
        assert_eq!(shape("Smooth, cost-effective production").items, 1);
        assert_eq!(shape("Yes, with some overlap").items, 1);
        assert_eq!(shape("No, Lean and TQM").items, 2);
        assert!(shape("Not typically").yes_no);
    }

    #[test]
    fn spelling_keeps_accents_only() {
        assert_eq!(spelling("¿Cómo estás?"), "cómoestás");
        assert_ne!(spelling("como estas"), spelling("¿Cómo estás?"));
        assert_eq!(spelling("Como, estas!"), spelling("como estas"));
    }
}
