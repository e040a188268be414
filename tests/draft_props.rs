//! Property tests of the drafter: whatever article it is given, in any format, `draft` either
//! refuses it with a reason or returns a deck that the deck loader accepts (the drafter checks
//! its output, so a failed check shows as `DraftError::Invalid`). It never panics.

use pmquiz::draft::{DraftError, Format, Options, draft};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// Pieces of articles: the layouts the drafter looks for, mixed with text that could trip up
/// the TOML writer or the deck loader (quotes, backslashes, braces, control characters).
fn line() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("Tea".to_string()),
        Just("coffee".to_string()),
        Just("Tea Leaves".to_string()),
        Just("while".to_string()),
        Just("whereas".to_string()),
        Just("unlike".to_string()),
        Just("In contrast,".to_string()),
        Just("{{blank}}".to_string()),
        Just("}}".to_string()),
        Just("\"quoted\"".to_string()),
        Just("back\\slash".to_string()),
        Just("'''".to_string()),
        Just("|".to_string()),
        Just("<b>".to_string()),
        Just("&amp;".to_string()),
        Just("**".to_string()),
        Just("e.g.".to_string()),
        Just("\u{7f}".to_string()),
        Just("\u{200b}".to_string()),
        Just("é".to_string()),
        "[a-z]{1,8}",
        "[A-Z][a-z]{0,6}",
    ];
    let sentence = prop::collection::vec(word, 1..12).prop_map(|w| w.join(" "));
    prop_oneof![
        sentence.clone(),
        sentence.clone().prop_map(|s| format!("{s}.")),
        sentence.clone().prop_map(|s| format!("{s}?")),
        sentence.clone().prop_map(|s| format!("Is {s}?")),
        sentence.clone().prop_map(|s| format!("Yes, {s}.")),
        sentence.clone().prop_map(|s| format!("Tea: {s}")),
        sentence
            .clone()
            .prop_map(|s| format!("Tea, while coffee {s}.")),
        sentence
            .clone()
            .prop_map(|s| format!("| {s} | Tea | Coffee |")),
        sentence.clone().prop_map(|s| format!("- {s}")),
        sentence.clone().prop_map(|s| format!("## {s}")),
        sentence.prop_map(|s| format!("<h2>{s}</h2>")),
        Just("Tea vs. Coffee".to_string()),
        Just("Comparison Chart".to_string()),
        Just("Definitions".to_string()),
        Just("Key Differences".to_string()),
        Just("FAQ".to_string()),
        Just("Aspect      Tea     Coffee".to_string()),
        Just("Origin      China   Ethiopia".to_string()),
        Just(
            "<table><tr><th>Tea</th><th>Coffee</th></tr><tr><td>a</td><td>b</td></tr></table>"
                .to_string()
        ),
        Just("|---|---|".to_string()),
        Just(String::new()),
        Just(String::new()),
    ]
}

fn article() -> impl Strategy<Value = String> {
    prop::collection::vec(line(), 1..40).prop_map(|lines| lines.join("\n"))
}

/// Deterministic runs: a fixed seed, and no regression files written into the source tree.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 400,
        rng_seed: RngSeed::Fixed(0x0064_7261_6674),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_article_gives_a_valid_deck_or_a_reason(
        text in article(),
        format in prop_oneof![Just(Format::Text), Just(Format::Markdown), Just(Format::Html)],
    ) {
        let options = Options {
            format: Some(format),
            file_name: "article".into(),
            ..Options::default()
        };
        match draft(text.as_bytes(), &options) {
            Ok(d) => {
                prop_assert!(d.text.contains("[deck]"));
                prop_assert!(d.counts.describe().len() > 3);
            }
            Err(DraftError::Invalid(details)) => {
                prop_assert!(false, "invalid draft:\n{details}\nfrom:\n{text}");
            }
            Err(_) => {}
        }
    }

    #[test]
    fn any_bytes_give_a_valid_deck_or_a_reason(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let options = Options { file_name: "article".into(), ..Options::default() };
        if let Err(DraftError::Invalid(details)) = draft(&bytes, &options) {
            prop_assert!(false, "invalid draft:\n{details}");
        }
    }
}
