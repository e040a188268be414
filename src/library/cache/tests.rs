use super::entry::{BLOCKS_HASHED, Bytes, CachedDeck, Key};
use super::*;
use crate::deck::{BLOCK_PARSES, DeckSource, Origin, parse_deck};
use proptest::prelude::*;
use std::borrow::Cow;
use std::cell::Cell;
use std::thread::LocalKey;

const DECK: &str = r#"
# A deck with a card of every kind.
[deck]
id = "cached"
name = "Cached"
tags = ["all"]

[[card]]
question = "Which is older, production or operation management?"
answer = "production management"
accept = ["production"]
wrong = ["operation management"]
explain = "Production management came first."
tags = ["history"]

[[term]]
term = "throughput"
definition = "output per unit of time"
examples = ["the line's {{throughput}} doubled"]

[[term]]
term = "Operations"
definition = "running what makes goods and services"
includes = ["throughput"]

[[statement]]
text = "Operation management also covers services."
answer = true

[[cloze]]
text = "Production management is about {{goods|products}}."

[[choice]]
question = "Pick one"
options = ["a", "b", "c"]
answer = "b"

[[table]]
id = "compare"
subjects = ["production", "operation"]

[[table.row]]
aspect = "output"
cells = ["goods", "goods and services"]
tags = ["rows"]

[[table.row]]
aspect = "focus"
cells = ["efficiency", "customers"]

[[card]]
id = "second"
question = "Another question?"
answer = "another answer"
"#;

fn key(source: &str) -> Key {
    Key::of(7, source.as_bytes())
}

fn parses_by_blocks(text: &str) -> bool {
    parse_by_blocks(text, "cached.toml", "cached", Origin::BuiltIn).is_some()
}

/// The entry of `text` as a deck parsed from scratch gives it.
fn entry_of(text: &str) -> AlignedVec<16> {
    let parsed =
        parse_by_blocks(text, "cached.toml", "cached", Origin::BuiltIn).expect("valid deck");
    let blocks: Vec<BlockOf> = parsed
        .blocks
        .iter()
        .map(|b| {
            let hash = block_hash(text[b.range.clone()].as_bytes());
            (hash, b.range.len(), b.kind, b.cards)
        })
        .collect();
    encode(&parsed.deck, Some(&blocks), key(text), 0).expect("encodes")
}

fn open(bytes: &[u8], text: &str) -> Option<CachedDeck> {
    let mut owned = AlignedVec::<16>::new();
    owned.extend_from_slice(bytes);
    let fallback = parse_deck(text, "cached.toml", "cached", Origin::BuiltIn).ok();
    CachedDeck::open(
        Bytes::Owned(owned),
        key(text),
        PathBuf::from("cached.toml"),
        Box::new(move || fallback.clone()),
    )
}

fn json(deck: &Deck) -> String {
    let mut deck = deck.clone();
    deck.origin = Origin::BuiltIn;
    serde_json::to_string(&deck).unwrap()
}

/// Everything a command can read of a deck, as text.
fn everything(deck: &impl DeckSource) -> String {
    let slots = deck.slots(&[]);
    let ids: Vec<String> = deck.review_ids().into_iter().map(Cow::into_owned).collect();
    let wanted: Vec<&str> = ids.iter().map(String::as_str).chain(["nope"]).collect();
    let answers: Vec<(String, Vec<String>)> = deck
        .answers()
        .iter()
        .map(|a| {
            (
                a.text.to_string(),
                a.tags.iter().map(str::to_string).collect(),
            )
        })
        .collect();
    let terms: Vec<String> = deck
        .terms()
        .iter()
        .map(|t| {
            let includes: Vec<&str> = t.includes.iter().collect();
            format!("{} {} {} {:?}", t.term, t.definition, t.exclusive, includes)
        })
        .collect();
    format!(
        "{} {} {} {}\n{slots:?}\n{ids:?}\n{:?}\n{answers:?}\n{terms:?}\n{:?}\n{}",
        deck.id(),
        deck.name(),
        deck.description(),
        deck.card_count(),
        deck.find(&wanted),
        deck.slots(&["rows".to_string(), "history".to_string()]),
        json(&deck.to_deck()),
    )
}

#[test]
fn an_entry_gives_what_the_parsed_deck_gives() {
    let deck = parse_deck(DECK, "cached.toml", "cached", Origin::BuiltIn).unwrap();
    let bytes = entry_of(DECK);
    let cached = open(&bytes, DECK).expect("entry opens");
    assert_eq!(everything(&cached), everything(&deck));
    // Terms come normalized from the entry.
    assert_eq!(cached.terms()[1].normalized, Some("operations"));
    // Cards one by one, in any order.
    for i in (0..deck.cards.len() as u32).rev() {
        assert_eq!(
            serde_json::to_string(cached.card(i).unwrap()).unwrap(),
            serde_json::to_string(&deck.cards[i as usize]).unwrap()
        );
    }
    assert!(cached.card(deck.cards.len() as u32).is_none());
}

#[test]
fn an_entry_is_written_the_same_every_time() {
    assert_eq!(entry_of(DECK).as_slice(), entry_of(DECK).as_slice());
}

#[test]
fn an_entry_of_other_text_or_another_build_is_not_used() {
    let bytes = entry_of(DECK);
    let edited = DECK.replace("came first", "came earlier");
    assert!(open(&bytes, &edited).is_none());
    assert_eq!(entry::key_of(&bytes), Some(key(DECK)));
    let mut owned = AlignedVec::<16>::new();
    owned.extend_from_slice(&bytes);
    let other_build = Key::of(8, DECK.as_bytes());
    assert!(
        CachedDeck::open(
            Bytes::Owned(owned),
            other_build,
            "x".into(),
            Box::new(|| None)
        )
        .is_none()
    );
    let mut damaged = bytes.to_vec();
    damaged[0] = b'x';
    assert!(entry::key_of(&damaged).is_none());
    // A damaged header is refused, wherever the damage is.
    for at in [8, 30, 60, entry::HEADER - 1] {
        let mut damaged = bytes.to_vec();
        damaged[at] ^= 1;
        assert!(open(&damaged, DECK).is_none(), "byte {at}");
    }
}

#[test]
fn a_damaged_part_makes_the_deck_parse_its_file() {
    let deck = parse_deck(DECK, "cached.toml", "cached", Origin::BuiltIn).unwrap();
    let bytes = entry_of(DECK);
    let whole = everything(&deck);
    // Past the header and the meta segment (a damaged meta segment refuses the entry).
    let mut refused = 0;
    for at in entry::HEADER..bytes.len() {
        let mut damaged = bytes.to_vec();
        damaged[at] ^= 0x55;
        match open(&damaged, DECK) {
            Some(cached) => assert_eq!(everything(&cached), whole, "byte {at}"),
            None => refused += 1,
        }
    }
    assert!(refused > 0 && refused < 1024, "{refused}");
    // Cut short, as by a full disk.
    assert!(open(&bytes[..bytes.len() / 2], DECK).is_none());
    assert!(open(&bytes[..entry::HEADER], DECK).is_none());
}

#[test]
fn a_damaged_entry_with_a_broken_file_asks_nothing_it_cannot_read() {
    let bytes = entry_of(DECK);
    let mut damaged = bytes.to_vec();
    let at = damaged.len() - 40;
    damaged[at] ^= 0x55;
    let mut owned = AlignedVec::<16>::new();
    owned.extend_from_slice(&damaged);
    let cached = CachedDeck::open(
        Bytes::Owned(owned),
        key(DECK),
        "x".into(),
        Box::new(|| None),
    )
    .unwrap();
    // Whatever was damaged, nothing panics, and what is read is what the deck holds.
    let _ = everything(&cached);
}

#[test]
fn binaries_with_the_same_size_and_time_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::write(&a, "same bytes").unwrap();
    std::fs::write(&b, "same bytes").unwrap();
    // As a package manager or an archive leaves them.
    let epoch = SystemTime::UNIX_EPOCH + Duration::from_secs(1);
    for path in [&a, &b] {
        File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(epoch)
            .unwrap();
    }
    let identity = |p: &Path| build_identity(&std::fs::metadata(p).unwrap()).unwrap();
    assert_ne!(identity(&a), identity(&b));
    assert_eq!(identity(&a), identity(&a));
}

#[test]
fn a_file_is_hashed_as_a_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.toml");
    let text = DECK.repeat(3000);
    std::fs::write(&path, &text).unwrap();
    assert_eq!(
        hash_file(&path),
        Some((text.len() as u64, xxh3_128(text.as_bytes())))
    );
}

/// How much `counter` grows while `f` runs, and what `f` returns.
fn counted<T>(counter: &'static LocalKey<Cell<usize>>, f: impl FnOnce() -> T) -> (usize, T) {
    let before = counter.with(Cell::get);
    let result = f();
    (counter.with(Cell::get) - before, result)
}

/// A cache in a temporary directory, and the path of a deck file beside it.
fn cache_in(dir: &tempfile::TempDir) -> (DeckCache, PathBuf) {
    let cache = DeckCache {
        dir: dir.path().join("cache"),
        build: 7,
    };
    (cache, dir.path().join("cached.toml"))
}

/// Opens the deck file at `path` through `cache`, checks that it reads as the file parsed, and
/// says how many times the file was hashed.
fn hashes_to_open(cache: &DeckCache, path: &Path) -> usize {
    let (hashes, opened) = counted(&FILE_HASHES, || cache.open(path));
    let opened = opened.expect("valid deck").expect("large enough to cache");
    let text = std::fs::read_to_string(path).unwrap();
    let parsed = parse_deck(&text, "cached.toml", "cached", Origin::BuiltIn).unwrap();
    assert!(
        everything(&opened) == everything(&parsed),
        "not the parsed deck"
    );
    hashes
}

#[test]
fn a_deck_file_is_hashed_once_unless_its_entry_has_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, path) = cache_in(&dir);
    let text = deck_text(1000);
    assert!(text.len() >= CACHE_FROM);
    std::fs::write(&path, &text).unwrap();
    let entry = cache.entry_path(&path);

    // No entry: the file is read and hashed once, and its entry written.
    assert_eq!(hashes_to_open(&cache, &path), 1);
    assert!(std::fs::read(&entry).unwrap() == entry_of(&text).as_slice());
    // The entry matches: the file is hashed as it is read, and not kept.
    assert_eq!(hashes_to_open(&cache, &path), 1);

    // Edited to another length: the entry cannot match, and is brought up to date.
    let edited = text.replace("Question 504?", "Question five hundred and four?");
    assert_ne!(edited, text);
    std::fs::write(&path, &edited).unwrap();
    assert_eq!(hashes_to_open(&cache, &path), 1);
    assert!(std::fs::read(&entry).unwrap() == entry_of(&edited).as_slice());

    // Edited to the same length: hashed as it is read to compare with the entry, then again
    // once read whole.
    let same_length = edited.replace("Question 602?", "Question 603?");
    assert_ne!(same_length, edited);
    std::fs::write(&path, &same_length).unwrap();
    assert_eq!(hashes_to_open(&cache, &path), 2);
    assert!(std::fs::read(&entry).unwrap() == entry_of(&same_length).as_slice());

    // An entry of another build is not compared with: its file is not hashed for it.
    let other = DeckCache {
        build: 8,
        ..cache.clone()
    };
    assert_eq!(hashes_to_open(&other, &path), 1);
}

#[test]
fn a_broken_deck_is_parsed_block_by_block_once() {
    let dir = tempfile::tempdir().unwrap();
    let (cache, path) = cache_in(&dir);
    let text = deck_text(3000);
    for broken in [
        text.replacen("answer = \"answer 1001\"", "answer = = \"answer 1001\"", 1),
        text.replacen("term = \"Term1003\"", "term = \"Term1003\"\nunknown = 1", 1),
    ] {
        assert_ne!(broken, text);
        std::fs::write(&path, &broken).unwrap();
        let shown = path.display().to_string();
        let origin = Origin::File(path.clone());
        // Large enough that parsing it for a command tries blocks first.
        let (parses, parsed) = counted(&BLOCK_PARSES, || {
            parse_deck(&broken, &shown, "cached", origin)
        });
        assert_eq!(parses, 1);
        let expected = LoadError::Invalid(parsed.unwrap_err()).to_string();
        // The cache tries blocks, then parses the whole file for its diagnostics.
        let (parses, opened) = counted(&BLOCK_PARSES, || cache.open(&path));
        assert_eq!(parses, 1);
        assert_eq!(opened.unwrap_err().to_string(), expected);
        assert!(!cache.entry_path(&path).exists());
    }
}

/// A deck of `n` cards of every kind, one block each.
fn deck_text(n: usize) -> String {
    let mut text = String::from("# generated\n[deck]\nname = \"Gen\"\ntags = [\"all\"]\n\n");
    for i in 0..n {
        text.push_str(&card_block(i, i));
    }
    text
}

/// Card block `i` of a generated deck, its text numbered `v` (another `v` rewords it).
fn card_block(i: usize, v: usize) -> String {
    match i % 7 {
        0 => format!(
            "[[card]]\nid = \"c{i}\"\nquestion = \"Question {v}?\"\nanswer = \"answer {v}\"\ntags = [\"t{}\"]\n\n",
            v % 3
        ),
        1 => format!("[[card]]\nquestion = \"Unnamed question {v}?\"\nanswer = \"reply {v}\"\n\n"),
        2 => format!(
            "[[term]]\nterm = \"Term{i}\"\ndefinition = \"meaning number {v}\"\nexamples = [\"we use Term{i} daily\"]\n\n"
        ),
        3 => format!(
            "[[term]]\nterm = \"Wide{i}\"\ndefinition = \"broad meaning {v}\"\nincludes = [\"Term{}\"]\n\n",
            i - 1
        ),
        4 => format!(
            "[[statement]]\ntext = \"Statement {v} holds.\"\nanswer = {}\n\n",
            v.is_multiple_of(2)
        ),
        5 => format!(
            "[[table]]\nid = \"tab{i}\"\nsubjects = [\"A\", \"B\"]\n\n[[table.row]]\naspect = \"row {v}\"\ncells = [\"a{v}\", \"b{v}\"]\ntags = [\"r\"]\n\n[[table.row]]\naspect = \"other\"\ncells = [\"x\", \"y\"]\n\n"
        ),
        _ => format!("[[cloze]]\ntext = \"Fill {{{{gap {v}}}}} here {i}.\"\n\n"),
    }
}

#[test]
fn an_update_hashes_each_new_block_once() {
    let old_text = deck_text(40);
    let old_bytes = entry_of(&old_text);
    let old = open(&old_bytes, &old_text).unwrap();
    // Block 20 reworded to another length, and a card inserted before block 30.
    let (reworded, inserted) = (card_block(20, 1020), card_block(2002, 2002));
    let new_text = old_text
        .replacen(&card_block(20, 20), &reworded, 1)
        .replacen(
            &card_block(30, 30),
            &format!("{inserted}{}", card_block(30, 30)),
            1,
        );
    let new = new_text.as_bytes();

    BLOCKS_HASHED.with(|hashed| hashed.borrow_mut().clear());
    let updated = update::update(&old, new, "cached.toml", key(&new_text)).expect("up to date");
    let hashed = BLOCKS_HASHED.with(|hashed| hashed.take());
    assert!(updated.as_slice() == entry_of(&new_text).as_slice());
    for block in [&reworded, &inserted] {
        let start = new_text.find(block.as_str()).unwrap();
        let times = hashed
            .iter()
            .filter(|&&h| h == (new[start..].as_ptr() as usize, block.len()))
            .count();
        assert_eq!(times, 1, "{block}");
    }
}

/// An edit of a generated deck's text.
#[derive(Debug, Clone)]
enum Edit {
    /// Reword card block `at`.
    Reword(usize, usize),
    Remove(usize),
    /// A new card before block `at`.
    Insert(usize, usize),
    /// Move block `from` before block `to`.
    Move(usize, usize),
    /// A second copy of a block: a duplicate id.
    Duplicate(usize),
    /// A block that does not parse, or does not validate.
    Break(usize, bool),
    /// New deck tags: every card changes.
    DeckTags,
    /// A comment before the first header.
    Preamble,
    /// A comment at the end of a block: its bytes change, its cards do not.
    Comment(usize),
    /// A multi-line string opened in one block and closed in another, which takes the headers
    /// in between.
    Swallow(usize, usize),
    /// The file no longer ends with a line break.
    NoFinalNewline,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<usize>(), 1000usize..2000).prop_map(|(a, v)| Edit::Reword(a, v)),
        2 => any::<usize>().prop_map(Edit::Remove),
        2 => (any::<usize>(), 2000usize..3000).prop_map(|(a, v)| Edit::Insert(a, v)),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Move(a, b)),
        1 => any::<usize>().prop_map(Edit::Duplicate),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(a, b)| Edit::Break(a, b)),
        1 => Just(Edit::DeckTags),
        1 => Just(Edit::Preamble),
        2 => any::<usize>().prop_map(Edit::Comment),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Swallow(a, b)),
        1 => Just(Edit::NoFinalNewline),
    ]
}

/// Applies edits to the card blocks of a generated deck (`blocks[i]`, the text of each).
fn apply(header: &str, mut blocks: Vec<String>, edits: &[Edit]) -> String {
    let mut header = header.to_string();
    for edit in edits {
        let n = blocks.len();
        if n == 0 {
            break;
        }
        match edit.clone() {
            Edit::Reword(at, v) => {
                let at = at % n;
                // Block `at` was generated as card `i`: find its kind again from its text.
                let i = (0..7 * n)
                    .find(|&i| card_block(i, i) == blocks[at])
                    .unwrap_or(at);
                blocks[at] = card_block(i, v);
            }
            Edit::Remove(at) => {
                blocks.remove(at % n);
            }
            Edit::Insert(at, v) => blocks.insert(at % (n + 1), card_block(v, v)),
            Edit::Move(from, to) => {
                let block = blocks.remove(from % n);
                blocks.insert(to % n, block);
            }
            Edit::Duplicate(at) => {
                let block = blocks[at % n].clone();
                blocks.push(block);
            }
            Edit::Break(at, syntax) => {
                let at = at % n;
                blocks[at] = if syntax {
                    blocks[at].replacen(" = ", " = = ", 1)
                } else {
                    blocks[at].replacen("\n", "\nunknown = 1\n", 1)
                };
            }
            Edit::DeckTags => header = header.replace("tags = [\"all\"]", "tags = [\"every\"]"),
            Edit::Preamble => header = format!("# edited\n{header}"),
            Edit::Comment(at) => blocks[at % n].push_str("# a comment [[card]]\n"),
            Edit::Swallow(a, b) => {
                let (a, b) = (a % n, b % n);
                blocks[a.min(b)].push_str("explain = \"\"\"\n");
                let closed = format!("\"\"\"\n{}", blocks[a.max(b)]);
                blocks[a.max(b)] = closed;
            }
            Edit::NoFinalNewline => {
                let last = blocks.last_mut().expect("a block");
                while last.ends_with('\n') {
                    last.pop();
                }
            }
        }
    }
    header + &blocks.concat()
}

/// Edits found by the property test below, kept as examples.
#[test]
fn edits_next_to_unchanged_blocks_are_cut_as_the_whole_file_is() {
    let old_text = deck_text(3);
    let old_bytes = entry_of(&old_text);
    let old = open(&old_bytes, &old_text).unwrap();
    for new_text in [
        // A comment at the top: one text before the first header, not two.
        format!("# edited\n{old_text}"),
        // A card at the end, and one at the start.
        format!("{old_text}{}", card_block(20, 20)),
        old_text.replacen("[[card]]", &format!("{}[[card]]", card_block(13, 13)), 1),
        // The last line break gone.
        old_text.trim_end().to_string(),
    ] {
        let updated = update::update(&old, new_text.as_bytes(), "cached.toml", key(&new_text));
        let updated = updated.unwrap_or_else(|| panic!("brought up to date:\n{new_text}"));
        assert!(
            updated.as_slice() == entry_of(&new_text).as_slice(),
            "{new_text}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// An entry brought up to date after edits is the entry parsing the new text gives, byte
    /// for byte; when it cannot be brought up to date, parsing is needed (and finds what is
    /// wrong, or the `[deck]` table changed).
    #[test]
    fn an_entry_brought_up_to_date_equals_a_full_parse(
        n in 1usize..40,
        edits in proptest::collection::vec(edit(), 1..6),
    ) {
        let old_text = deck_text(n);
        let header_end = old_text.find("[[").unwrap();
        let header = &old_text[..header_end];
        let blocks: Vec<String> = (0..n).map(|i| card_block(i, i)).collect();
        prop_assert_eq!(header.to_string() + &blocks.concat(), old_text.clone());
        let old_bytes = entry_of(&old_text);
        let old = open(&old_bytes, &old_text).unwrap();

        let new_text = apply(header, blocks, &edits);
        let updated = update::update(&old, new_text.as_bytes(), "cached.toml", key(&new_text));
        let full = parse_deck(&new_text, "cached.toml", "cached", Origin::BuiltIn);
        let deck_changed = !new_text.contains(&old_text[old_text.find("[deck]").unwrap()..header_end]);
        match updated {
            Some(bytes) => {
                let full = full.expect("an entry is brought up to date only for a valid deck");
                let fresh = entry_of(&new_text);
                prop_assert!(bytes.as_slice() == fresh.as_slice(), "not the entry a full parse gives");
                let cached = open(&bytes, &new_text).unwrap();
                prop_assert_eq!(everything(&cached), everything(&full));
            }
            None => prop_assert!(
                full.is_err() || deck_changed || !parses_by_blocks(&new_text),
                "a valid edit of card blocks only was not brought up to date: {edits:?}"
            ),
        }
    }

    /// Whatever bytes an entry holds, opening it and reading everything from it gives a deck
    /// or nothing, never a panic.
    #[test]
    fn any_entry_gives_a_deck_or_nothing(
        cut in any::<prop::sample::Index>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        noise in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let good = entry_of(DECK);
        let mut damaged = good.to_vec();
        for (at, flip) in &flips {
            let at = at.index(damaged.len());
            damaged[at] ^= flip;
        }
        if let Some(deck) = open(&damaged, DECK) {
            let _ = everything(&deck);
        }
        let short = &good[..cut.index(good.len())];
        if let Some(deck) = open(short, DECK) {
            let _ = everything(&deck);
        }
        // A valid header over noise.
        let mut forged = good[..entry::HEADER].to_vec();
        forged.extend_from_slice(&noise);
        if let Some(deck) = open(&forged, DECK) {
            let _ = everything(&deck);
        }
    }
}
