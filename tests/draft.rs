//! `pmquiz draft`: decks drafted from articles in plain text, Markdown and HTML (the fixtures in
//! tests/fixtures/articles, written for these tests, and the seed article of the built-in decks
//! when it is present), and the refusals: bad input, an existing output file.

mod common;

use common::{assert_contains, fixtures, pmquiz};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The article the built-in decks were made from; kept outside the repository.
const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seed/000_abd58447dbd1ee26.txt"
);

/// A drafted deck: its text and its TOML.
struct Drafted {
    text: String,
    toml: toml::Table,
    stderr: String,
}

impl Drafted {
    fn all(&self, kind: &str) -> Vec<&toml::Table> {
        self.toml
            .get(kind)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_table()).collect())
            .unwrap_or_default()
    }

    fn strs<'a>(&'a self, kind: &str, field: &str) -> Vec<&'a str> {
        self.all(kind)
            .into_iter()
            .filter_map(|t| t.get(field).and_then(|v| v.as_str()))
            .collect()
    }
}

fn str_of<'a>(t: &'a toml::Table, field: &str) -> &'a str {
    t.get(field).and_then(|v| v.as_str()).unwrap_or("")
}

fn strings(t: &toml::Table, field: &str) -> Vec<String> {
    t.get(field)
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Drafts `article` into a new file in a temporary directory, checks that `pmquiz check`
/// accepts the file, and returns the deck.
#[track_caller]
fn draft(article: &Path, extra: &[&str]) -> Drafted {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("draft.toml");
    let run = pmquiz([
        "draft".as_ref(),
        article.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ])
    .arg_all(extra)
    .run();
    run.success();
    assert_eq!(run.stdout, "", "with -o, the deck goes to the file only");
    let text = std::fs::read_to_string(&out).expect("the draft file");
    let check = pmquiz(["check".as_ref(), out.as_os_str()]).run();
    check.success();
    assert_contains(&check.stdout, ": ok, ");
    assert_every_card_has_a_line_comment(&text, article);
    let toml = text.parse::<toml::Table>().expect("the draft is TOML");
    Drafted {
        text,
        toml,
        stderr: run.stderr,
    }
}

trait ArgAll {
    fn arg_all(self, args: &[&str]) -> Self;
}

impl ArgAll for common::Pmquiz {
    fn arg_all(mut self, args: &[&str]) -> Self {
        for a in args {
            self = self.arg(*a);
        }
        self
    }
}

/// Every `[[kind]]` header is right after a `# line N` comment, N a line of the article.
#[track_caller]
fn assert_every_card_has_a_line_comment(text: &str, article: &Path) {
    let article_lines = std::fs::read_to_string(article)
        .map(|t| t.lines().count())
        .unwrap_or(usize::MAX);
    let lines: Vec<&str> = text.lines().collect();
    let mut headers = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("[[") {
            headers += 1;
            let before = lines[..i].iter().rev().find(|l| !l.trim().is_empty());
            let n: usize = before
                .and_then(|l| l.strip_prefix("# line "))
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| {
                    panic!("no `# line N` comment before {line:?} (line {})", i + 1)
                });
            assert!(
                (1..=article_lines).contains(&n),
                "line {n} is not in the article"
            );
        }
    }
    assert!(headers > 0, "no card in the draft");
}

fn article(name: &str) -> PathBuf {
    fixtures().join("articles").join(name)
}

/// The text of line `n` (1-based) of a file.
fn line_of(path: &Path, n: usize) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .nth(n - 1)
        .unwrap_or("")
        .to_string()
}

#[test]
fn the_seed_article_gives_every_faq_the_chart_the_definitions_and_key_differences() {
    let seed = Path::new(SEED);
    if !seed.exists() {
        eprintln!("skipped: the seed article is not at {SEED}");
        return;
    }
    let d = draft(seed, &[]);
    let text = std::fs::read_to_string(seed).unwrap();

    // All 20 questions of the FAQ, each with an answer.
    let questions: Vec<&str> = text
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| l.ends_with('?'))
        .collect();
    assert_eq!(questions.len(), 20, "the seed article has 20 questions");
    let cards = d.all("card");
    let drafted: Vec<&str> = cards.iter().map(|c| str_of(c, "question")).collect();
    assert_eq!(drafted, questions);
    for card in &cards {
        let answer = str_of(card, "answer");
        assert!(answer.len() > 10, "{card:?}");
        let q = str_of(card, "question");
        let asked_at = text.lines().position(|l| l.trim() == q).unwrap();
        let answered = text
            .lines()
            .skip(asked_at + 1)
            .find(|l| !l.trim().is_empty());
        assert!(answered.unwrap().starts_with(answer), "{q}: {answer}");
    }
    let faq20 = cards.last().unwrap();
    assert_eq!(strings(faq20, "accept"), ["no", "not typically"]);

    // The 5-row chart with both subjects.
    let tables = d.all("table");
    assert_eq!(tables.len(), 1);
    assert_eq!(
        strings(tables[0], "subjects"),
        ["Production Management", "Operation Management"]
    );
    let rows = tables[0]["row"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let aspects: Vec<&str> = rows.iter().map(|r| r["aspect"].as_str().unwrap()).collect();
    assert_eq!(aspects, ["?", "?", "Sector Relevance", "?", "?"]);
    assert_eq!(
        strings(rows[0].as_table().unwrap(), "cells"),
        [
            "Manufacturing of products",
            "Entire end-to-end business process"
        ]
    );
    assert_eq!(
        d.text
            .matches("the article gives this row no label")
            .count(),
        4
    );

    // The 10 definitions, grouped under their 2 terms, each with its example.
    let terms = d.all("term");
    assert_eq!(terms.len(), 10);
    let names: Vec<&str> = terms.iter().map(|t| str_of(t, "term")).collect();
    assert_eq!(names[..5], ["Production Management"; 5]);
    assert_eq!(names[5..], ["Operation Management"; 5]);
    assert!(terms.iter().all(|t| strings(t, "examples").len() == 1));
    assert_eq!(
        str_of(terms[0], "definition"),
        "Involves planning, organizing, and controlling production activities."
    );

    // Key differences as true statements in the article's words.
    let statements = d.all("statement");
    let true_ones: Vec<&str> = statements
        .iter()
        .filter(|s| s["answer"].as_bool() == Some(true))
        .map(|s| str_of(s, "text"))
        .collect();
    assert!(true_ones.len() >= 5, "{true_ones:#?}");
    assert!(true_ones.contains(
        &"Operation management considers not only manufacturing but also other functions like procurement, logistics, and even customer service."
    ));
    for s in &true_ones {
        let words: Vec<&str> = s.split_whitespace().collect();
        assert_contains(&text, &words[words.len() - 6..].join(" "));
    }

    let source = str_of(d.toml["deck"].as_table().unwrap(), "source");
    assert_eq!(
        source,
        "\"Production Management vs. Operation Management: What's the Difference?\" by Harlon Moss, edited by Aimie Carlson, updated on October 6, 2023"
    );
    assert_contains(
        &d.stderr,
        "Drafted 1 comparison table (5 rows), 10 definitions of 2 terms, 20 questions",
    );
}

#[test]
fn plain_text_with_a_chart_of_short_lines_and_answers_of_several_paragraphs() {
    let path = article("tea-coffee.txt");
    let d = draft(&path, &[]);
    let deck = d.toml["deck"].as_table().unwrap();
    assert_eq!(str_of(deck, "name"), "Tea vs. Coffee: How Do They Differ?");
    assert_eq!(
        str_of(deck, "source"),
        "\"Tea vs. Coffee: How Do They Differ?\" by Mara Lindqvist, reviewed by Tomasz Wren, updated on March 2, 2024"
    );

    let table = d.all("table")[0];
    assert_eq!(strings(table, "subjects"), ["Tea", "Coffee"]);
    let rows = table["row"].as_array().unwrap();
    let aspects: Vec<&str> = rows.iter().map(|r| r["aspect"].as_str().unwrap()).collect();
    assert_eq!(aspects, ["?", "Caffeine", "?"]);
    assert_eq!(
        strings(rows[1].as_table().unwrap(), "cells"),
        [
            "Lower, about 30 to 50 mg per cup",
            "Higher, about 80 to 120 mg per cup"
        ]
    );

    // Definitions given Coffee first, alternating; kept together by term.
    let terms: Vec<(&str, &str)> = d
        .all("term")
        .into_iter()
        .map(|t| (str_of(t, "term"), str_of(t, "definition")))
        .collect();
    assert_eq!(
        terms.iter().map(|t| t.0).collect::<Vec<_>>(),
        ["Coffee", "Coffee", "Tea", "Tea"]
    );
    let meal = d.all("term")[3];
    assert_eq!(
        strings(meal, "examples"),
        [
            "We were invited to tea at four.",
            "The hotel serves tea in the garden."
        ]
    );

    // A FAQ answer of two paragraphs: the first sentence answers, the rest explains.
    let cards = d.all("card");
    assert_eq!(cards.len(), 3);
    assert_eq!(str_of(cards[1], "question"), "Why is coffee roasted?");
    assert_eq!(
        str_of(cards[1], "answer"),
        "Roasting turns the green seeds brown and creates the flavours people expect."
    );
    assert_eq!(
        str_of(cards[1], "explain"),
        "Unroasted seeds taste grassy. Light roasts keep more of the seed's acidity, while dark roasts taste more bitter."
    );
    assert_eq!(strings(cards[0], "accept"), ["yes"]);
    assert_eq!(strings(cards[2], "accept"), ["no", "not necessarily"]);
    assert!(d.all("card").iter().all(|c| strings(c, "tags") == ["faq"]));

    // Contrasts: in the article's words, the other side as the explanation, and a false
    // statement only from a sentence that states both sides naming each subject once (the
    // first sentence names tea and coffee twice each: swapping would be a guess).
    let statements = d.all("statement");
    let texts: Vec<(&str, bool)> = statements
        .iter()
        .map(|s| (str_of(s, "text"), s["answer"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        texts,
        [
            (
                "Tea is brewed from the leaves of the tea plant, while coffee is brewed from roasted seeds of the coffee plant.",
                true
            ),
            (
                "Coffee delivers a stronger dose that many people rely on in the morning.",
                true
            ),
            ("Coffee is mostly taken at breakfast or after meals.", true),
            (
                "Unlike coffee, tea can be brewed several times from the same leaves.",
                true
            ),
            (
                "Unlike tea, coffee can be brewed several times from the same leaves.",
                false
            ),
        ]
    );
    assert_eq!(
        str_of(statements[1], "explain"),
        "Tea usually carries less caffeine per cup."
    );
    assert_eq!(strings(statements[1], "tags"), ["key-differences"]);
    assert_eq!(str_of(statements[1], "id"), "key-differences-1");

    // What became no card is listed with its line.
    assert_contains(
        &d.text,
        "# line 11: Both drinks are traded around the world and grown in warm, wet climates.",
    );
}

#[test]
fn line_comments_point_at_the_cards_text_in_the_article() {
    let path = article("tea-coffee.txt");
    let d = draft(&path, &[]);
    let lines: Vec<&str> = d.text.lines().collect();
    let mut checked = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(n) = line
            .strip_prefix("# line ")
            .and_then(|n| n.parse::<usize>().ok())
        else {
            continue;
        };
        let Some(field) = lines[i + 2..].iter().find(|l| {
            l.starts_with("question =") || l.starts_with("definition =") || l.starts_with("cells =")
        }) else {
            continue;
        };
        if lines[i + 1].starts_with("[[statement]]") || lines[i + 1] == "[[table]]" {
            continue;
        }
        let value = field.split_once('"').unwrap().1;
        let words: String = value
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        assert_contains(&line_of(&path, n), words.trim_end_matches(['"', ',', ']']));
        checked += 1;
    }
    assert!(checked >= 10, "checked {checked} cards");
}

#[test]
fn plain_text_without_a_chart_glossary_and_labelled_questions() {
    let d = draft(&article("crocodile-alligator.txt"), &[]);
    assert!(d.all("table").is_empty());
    assert_eq!(
        d.strs("term", "term"),
        ["Snout", "Alligator", "Crocodile", "Salt gland"]
    );
    assert_eq!(
        d.strs("term", "definition")[1],
        "A large reptile with a broad, U-shaped snout, living mainly in fresh water."
    );
    assert!(
        d.all("term")
            .iter()
            .all(|t| strings(t, "tags") == ["key-terms"])
    );
    assert_eq!(
        d.strs("card", "question"),
        [
            "Which one is more aggressive?",
            "Can alligators live in salt water?",
            "Are crocodiles and alligators related?"
        ]
    );
    assert_eq!(d.strs("card", "answer")[0], "The crocodile.");
    assert_eq!(
        d.strs("card", "explain")[0],
        "Saltwater and Nile crocodiles are behind most attacks on people. Alligators usually avoid people unless they are provoked or fed."
    );
    let statements: Vec<&str> = d.strs("statement", "text");
    assert_eq!(
        statements,
        [
            "An alligator has a wide, rounded snout, whereas a crocodile has a long, pointed one.",
            "A crocodile has a wide, rounded snout, whereas an alligator has a long, pointed one.",
            "Crocodiles are found in Africa, Australia, Asia and the Americas, often near the sea.",
        ]
    );
    assert_contains(
        &d.text,
        "# line 15: When its mouth is closed, a crocodile still shows the fourth tooth of its lower jaw.",
    );
}

#[test]
fn markdown_with_a_table_numbered_definitions_and_question_headings() {
    let d = draft(&article("weather-climate.md"), &[]);
    let deck = d.toml["deck"].as_table().unwrap();
    assert_eq!(str_of(deck, "name"), "Weather vs. Climate");
    assert_eq!(
        str_of(deck, "source"),
        "\"Weather vs. Climate\" by Ines Okafor, dated 2024-05-14"
    );
    let table = d.all("table")[0];
    assert_eq!(strings(table, "subjects"), ["Weather", "Climate"]);
    let aspects: Vec<&str> = table["row"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["aspect"].as_str().unwrap())
        .collect();
    assert_eq!(
        aspects,
        ["Time span", "Area", "Forecast by", "Studied with"]
    );
    assert!(!d.text.contains("aspect = \"?\""));

    // Climate is defined first here, twice, the second with an example.
    let terms = d.all("term");
    assert_eq!(d.strs("term", "term"), ["Climate", "Climate", "Weather"]);
    assert_eq!(
        str_of(terms[1], "definition"),
        "The prevailing attitudes of a time or a group."
    );
    assert_eq!(
        strings(terms[1], "examples"),
        ["The political climate made reform difficult."]
    );

    let cards = d.all("card");
    assert_eq!(cards.len(), 2);
    assert_eq!(
        str_of(cards[0], "answer"),
        "No, a single season is weather."
    );
    assert_eq!(strings(cards[0], "accept"), ["no"]);
    assert_contains(str_of(cards[0], "explain"), "A run of hot summers, though");

    assert_eq!(
        d.strs("statement", "text")[2],
        "Climate is an average of thirty years of such measurements."
    );
}

#[test]
fn html_with_a_table_a_glossary_and_a_faq() {
    let d = draft(&article("tcp-udp.html"), &[]);
    let deck = d.toml["deck"].as_table().unwrap();
    assert_eq!(str_of(deck, "name"), "TCP vs. UDP");
    assert_eq!(
        str_of(deck, "source"),
        "\"TCP vs. UDP\" by Kenji Abara, updated on 2024-09-30"
    );
    let table = d.all("table")[0];
    assert_eq!(strings(table, "subjects"), ["TCP", "UDP"]);
    let rows = table["row"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        strings(rows[1].as_table().unwrap(), "cells"),
        [
            "Acknowledges and resends lost data",
            "Best effort — no resending"
        ]
    );
    assert_eq!(d.strs("term", "term"), ["Datagram", "Handshake"]);
    assert_eq!(
        d.strs("card", "question"),
        [
            "Is UDP faster than TCP?",
            "Which protocol does a video call use?"
        ]
    );
    assert_eq!(d.strs("card", "answer")[0], "Usually, yes.");
    assert_eq!(strings(d.all("card")[0], "accept"), ["yes"]);
    assert_contains(d.strs("card", "explain")[0], "That speed comes at a price");
    assert!(
        d.strs("statement", "text")
            .contains(&"UDP leaves recovery to the application.")
    );
    // Navigation, scripts and the footer are not article text.
    assert!(!d.text.contains("Home"));
    assert!(!d.text.contains("not text"));
    assert!(!d.text.contains("©"));
    // The line comments count lines of the HTML file.
    assert_contains(&d.text, "# line 43\n[[card]]");
}

#[test]
fn without_o_the_deck_goes_to_stdout_and_name_sets_its_name() {
    let out = pmquiz([
        "draft",
        "articles/tcp-udp.html",
        "--name",
        "Transport \"protocols\"",
    ])
    .run();
    out.success();
    assert_contains(&out.stdout, "name = \"Transport \\\"protocols\\\"\"\n");
    assert_contains(&out.stderr, "Drafted 1 comparison table (3 rows)");
    let md = std::fs::read_to_string(article("weather-climate.md")).unwrap();
    let out = pmquiz(["draft", "-", "--from", "markdown"]).stdin(md).run();
    out.success();
    assert_contains(&out.stdout, "from standard input (read as Markdown)");
    assert_contains(&out.stdout, "aspect = \"Time span\"");
}

#[test]
fn bad_input_is_refused_with_a_message_and_nothing_is_written() {
    let dir = TempDir::new().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "\n  \n").unwrap();
    let binary = dir.path().join("picture.txt");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let cases = [
        (empty.clone(), "empty.txt: the article is empty"),
        (
            binary,
            "picture.txt: this is not a text article (binary data at byte 6)",
        ),
        (
            article("walk.txt"),
            "walk.txt: found nothing to draft in this article (read as plain text)",
        ),
        (dir.path().join("missing.txt"), "cannot read"),
    ];
    for (input, message) in cases {
        let target = dir.path().join("deck.toml");
        let out = pmquiz([
            "draft".as_ref(),
            input.as_os_str(),
            "-o".as_ref(),
            target.as_os_str(),
        ])
        .run();
        out.code(1);
        assert_contains(&out.stderr, message);
        assert_eq!(out.stdout, "");
        assert!(!target.exists(), "nothing written for {}", input.display());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains("tmp"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    }
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let dir = TempDir::new().unwrap();
    let target = dir.path().join("mine.toml");
    std::fs::write(&target, "# my own deck\n").unwrap();
    let out = pmquiz([
        "draft".as_ref(),
        article("tea-coffee.txt").as_os_str(),
        "-o".as_ref(),
        target.as_os_str(),
    ])
    .run();
    out.code(1);
    assert_contains(
        &out.stderr,
        "already exists; pmquiz draft never overwrites a file",
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "# my own deck\n");

    let out = pmquiz(["draft", "articles/tea-coffee.txt", "-o", "deck.txt"]).run();
    out.code(1);
    assert_contains(&out.stderr, "does not end in .toml");
}

/// The fenced block of `lang` that comes first in `text`.
fn fenced<'a>(text: &'a str, lang: &str) -> &'a str {
    let open = format!("```{lang}\n");
    let start = text.find(&open).expect("the block") + open.len();
    let end = text[start..].find("```").expect("the block's end") + start;
    &text[start..end]
}

#[test]
fn the_example_in_the_drafting_notes_is_what_pmquiz_drafts() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/drafting.md")).unwrap();
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("tea-coffee.txt"), fenced(&doc, "text")).unwrap();
    let out = pmquiz(["draft", "tea-coffee.txt"])
        .current_dir(dir.path())
        .run();
    out.success();
    assert_eq!(out.stdout, fenced(&doc, "toml"));
}
