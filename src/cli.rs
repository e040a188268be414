//! The command-line surface: every command and flag, documented here.

use crate::quiz::Kind;
use crate::schedule::Retention;
use crate::session::Mode;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0    success
  1    an error: invalid deck, unreadable file, unusable history database, or (check) an
       invalid deck file
  2    usage error: unknown command or flag, bad value
  130  interrupted with Ctrl-C, or ended by SIGTERM or SIGHUP (run, review: the terminal is
       restored and the summary of the answered questions is printed)";

const EXAMPLES: &str = "\
Examples:
  pmquiz run                          10 questions from the built-in decks
  pmquiz run --deck faq --count 20    20 questions from the FAQ deck
  pmquiz run --kinds mcq,tf --seed 7  a replayable multiple-choice and true/false quiz
  pmquiz review                       the cards that are due
  pmquiz check my-deck.toml           validate a deck you wrote
  pmquiz sync ~/Sync                  share the history with your other devices
  printf '1\\nt\\nb\\n' | pmquiz run --seed 5 --count 3 --kinds mcq,tf --format json";

#[derive(Debug, Parser)]
#[command(
    name = "pmquiz",
    version,
    about = "A terminal quiz and flashcard app with spaced review of missed cards",
    long_about = "A terminal quiz and flashcard app with spaced review of missed cards.\n\n\
pmquiz asks questions generated from TOML decks (built-in decks on production vs operation \
management, or your own), scores the answers and schedules missed cards for review with FSRS.\n\n\
In a terminal, run and review show a full-screen study view: one key answers (1-9 or a-i \
for options, t/f, Space Space for a flashcard graded Good), u undoes, o counts a wrong typed \
answer as right, e edits the card, s skips, ? lists every key, q ends. With TERM=dumb or \
fewer than 30 columns the line mode is used instead.\n\n\
When standard input is not a terminal, pmquiz reads one answer per line, so sessions can be \
scripted: multiple choice by the option's text, number or letter, true/false as t/f/true/false/y/n, typed text as \
is (several blanks separated by `;`), flashcards: any line reveals, then a grade 1-4.",
    after_help = EXIT_CODES,
    after_long_help = format!("{EXAMPLES}\n\n{EXIT_CODES}"),
)]
pub struct Cli {
    /// Where pmquiz keeps its history, config.toml, user decks and the cache of large decks
    /// (DIR/cache) [env: PMQUIZ_DATA_DIR] [default: the platform data directory, e.g.
    /// ~/.local/share/pmquiz, with the cache in ~/.cache/pmquiz]
    // PMQUIZ_DATA_DIR is read by `Cli::data_dir`, not by clap: clap would count a value from
    // the environment as given on the command line, and print `--data-dir <DIR>` in the usage
    // line of every usage error as if it were required.
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub(crate) command: Command,
}

impl Cli {
    /// The data directory: `--data-dir`, else `PMQUIZ_DATA_DIR` when set and not empty.
    pub(crate) fn data_dir(&self) -> Option<PathBuf> {
        self.data_dir.clone().or_else(|| {
            std::env::var_os("PMQUIZ_DATA_DIR")
                .filter(|dir| !dir.is_empty())
                .map(PathBuf::from)
        })
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run a scored quiz session
    #[command(after_help = EXIT_CODES)]
    Run(RunArgs),
    /// Review the cards that are due (missed and most overdue first)
    ///
    /// A card in review is due from the start of its due day, in your time zone (TZ), with
    /// days starting at 4 am or at `day_starts_at` (0-23) in DATA_DIR/config.toml, as in
    /// Anki; cards missed recently are due after their step of minutes.
    #[command(after_help = EXIT_CODES)]
    Review(ReviewArgs),
    /// Show learning progress: cards by state, due counts, accuracy, streak, hardest cards
    #[command(after_help = EXIT_CODES)]
    Stats(StatsArgs),
    /// Clear the review schedule of a deck or card (the answer history is kept)
    #[command(after_help = EXIT_CODES)]
    Forget(ForgetArgs),
    /// Fit the scheduler's FSRS parameters to your review history
    #[command(
        long_about = "Fit the scheduler's FSRS parameters to your review history.\n\n\
Reads every answer in the history, fits FSRS's 21 parameters to the cards' answers on the \
older 80% of them (in time order), and compares the fitted parameters with the ones in use on \
the newer 20%, which the fit never saw: log loss and RMSE over bins, lower is better. When the \
fitted parameters predict better, they are fitted again on every answer and written to \
`parameters` in DATA_DIR/config.toml, which `run` and `review` then schedule with; otherwise \
nothing changes. With fewer than 400 answers given on a later day than the card's previous \
one, there is too little history and nothing changes.",
        after_help = EXIT_CODES
    )]
    Optimize(OptimizeArgs),
    /// List the available decks: built-in and your own
    #[command(after_help = EXIT_CODES)]
    Decks(FormatArgs),
    /// Show the cards of a deck
    #[command(after_help = EXIT_CODES)]
    Show(ShowArgs),
    /// Validate deck files and report every problem with its line and column
    #[command(
        after_help = "Exit codes:\n  0  every file is valid\n  1  a file is invalid or unreadable, or a deck in a deck folder has the id of another\n  2  usage error"
    )]
    Check(CheckArgs),
    /// Write a commented starter deck that uses every card kind
    #[command(after_help = EXIT_CODES)]
    New(NewArgs),
    /// Import cards from Anki, Quizlet, CSV/TSV, hashcards or Obsidian as pmquiz decks
    #[command(
        long_about = IMPORT_ABOUT,
        after_help = EXIT_CODES,
        after_long_help = format!("{IMPORT_EXAMPLES}\n\n{EXIT_CODES}"),
    )]
    Import(ImportArgs),
    /// Export decks for Anki (.apkg), for Anki's text import (CSV, TSV) or as hashcards Markdown
    #[command(
        long_about = EXPORT_ABOUT,
        after_help = EXIT_CODES,
        after_long_help = format!("{EXPORT_EXAMPLES}\n\n{EXIT_CODES}"),
    )]
    Export(ExportArgs),
    /// Print a shell completion script (see README: Shell completions)
    #[command(after_long_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print pmquiz's manual page (roff), or write one page per command into a folder
    #[command(after_long_help = MAN_HELP)]
    Man(ManArgs),
    /// Draft a deck from an article (plain text, Markdown or HTML) for you to read and edit
    #[command(
        long_about = DRAFT_ABOUT,
        after_help = "Exit codes:\n  0  the deck was drafted\n  1  the article is empty, binary or has nothing to draft, it cannot be read, or the output file exists\n  2  usage error"
    )]
    Draft(DraftArgs),
    /// Sync the review history with your other devices through a shared folder
    #[command(
        long_about = "Sync the review history with your other devices through a shared folder.\n\n\
pmquiz writes this device's new answers (and forgets, undos and overrides) to \
DIR/pmquiz/DEVICE.log, a file no other device writes, and reads every other device's log from where it last stopped. \
Any tool that copies a folder between machines carries the logs: Syncthing, Dropbox, \
Nextcloud, iCloud Drive, a git repository, a network share. The schedules of the cards that \
new answers touch are computed again from all their answers in time order, so devices that \
have seen the same answers have the same schedules. Copies a sync tool makes of a log \
(`*.sync-conflict-*`, `* (conflicted copy)*`, `*.orig`) are read like the log.\n\n\
Set `sync_dir = \"~/Sync\"` in DATA_DIR/config.toml to leave out DIR, and \
`sync = \"auto\"` to sync at the start and end of every run and review.",
        after_help = SYNC_EXIT_CODES
    )]
    Sync(SyncArgs),
    /// Export the whole review history to a file, or import one (a backup, or another device's)
    #[command(after_help = EXIT_CODES)]
    History(HistoryArgs),
}

const SYNC_EXIT_CODES: &str = "\
Exit codes:
  0  synced (damaged records in other devices' logs are reported on stderr and skipped)
  1  an error: no sync folder given or configured, the folder is missing or cannot be written,
     or the history cannot be used; what was read before the error is kept
  2  usage error";

const MAN_HELP: &str = "\
Examples:
  pmquiz man | man -l -
  pmquiz man --dir ~/.local/share/man/man1     pmquiz.1, pmquiz-run.1, pmquiz-review.1, ...";

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write pmquiz.1 and a page for each command (pmquiz-run.1, ...) into DIR instead of
    /// printing pmquiz.1
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

const COMPLETIONS_HELP: &str = "\
Examples:
  pmquiz completions bash > ~/.local/share/bash-completion/completions/pmquiz
  pmquiz completions zsh > ~/.zfunc/_pmquiz        (with fpath+=~/.zfunc before compinit)
  pmquiz completions fish > ~/.config/fish/completions/pmquiz.fish
  pmquiz completions elvish >> ~/.config/elvish/rc.elv
  pmquiz completions powershell >> $PROFILE";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

const DRAFT_ABOUT: &str = "\
Draft a deck from an article (plain text, Markdown or HTML) for you to read and edit.

pmquiz reads the article's layout: a comparison chart becomes a [[table]] (rows without a label \
get aspect = \"?\"), definitions become [[term]] cards, questions with their answers [[card]]s, \
and sentences contrasting the subjects (while, whereas, in contrast, on the other hand, unlike) \
true [[statement]]s. Every card has a `# line N` comment pointing into the article, and what \
became no card is listed at the end. The draft passes `pmquiz check`. pmquiz never asks, never \
fetches anything, and never overwrites a file. See docs/drafting.md.

Examples:
  pmquiz draft article.txt -o my-deck.toml
  pmquiz draft page.html --name \"Tea vs. coffee\" > tea.toml
  pmquiz draft - --from markdown < notes.md";

const IMPORT_ABOUT: &str = "\
Import cards from Anki, Quizlet, CSV/TSV, hashcards or Obsidian as pmquiz decks.

Files are recognised by their content: Anki packages (.apkg, .colpkg: collection.anki2,
collection.anki21 and the zstd-compressed collection.anki21b) and collection files; CSV and TSV,
including Anki's text export with its #separator:/#html:/#columns:/... headers and Quizlet's
export; Markdown in hashcards' format (Q:/A:, C: with [deletions]) or Obsidian's
spaced-repetition notes (question::answer, question:::answer, ? and ?? lines, ==cloze==).

Anki note types are recognised by their fields and templates: Basic becomes a card, Basic (and
reversed card) a term asked both ways, Basic (type in the answer) a card asked typed, Cloze one
cloze card per cloze number; other note types a card from their first template, with a warning.
HTML becomes plain text; images and sounds are listed, not carried. Card ids come from Anki's
note ids (guids), so importing the same package again with --force updates the decks and keeps
their review history. Each deck of the package becomes one deck file (Geography::Capitals →
geography-capitals.toml); with -o, one file holds every card, tagged with its Anki deck.

With --with-history, Anki's review log comes along: every review becomes a pmquiz answer (cramming
in a filtered deck becomes practice), and each card's schedule is computed by replaying its
reviews through pmquiz's FSRS scheduler, counting days as Anki does. Importing again adds only the
reviews not yet imported. See docs/import-export.md.

Every deck is checked by pmquiz's deck loader before it is written, and written to a temporary
file renamed into place: a failed import leaves nothing behind.";

const EXPORT_ABOUT: &str = "\
Export decks for Anki (.apkg), for Anki's text import (CSV, TSV) or as hashcards Markdown.

Cards become Anki notes: question/answer cards Basic (typed cards Basic (type in the answer)),
terms Basic (and reversed card), cloze cards Cloze (all blanks on one card, as pmquiz asks them),
true/false statements, multiple choice and table rows Basic notes with the statement, the options
or the row on the front. Tags are kept. Every note's guid comes from its deck and card ids, so a
package exported again updates the notes in Anki instead of adding them twice, and pmquiz import
reads the ids back.

With --with-history (apkg only), the answers become Anki review-log rows and the cards carry
their pmquiz schedule. See docs/import-export.md.";

const EXPORT_EXAMPLES: &str = "\
Examples:
  pmquiz export spanish --to apkg                 spanish.apkg, for Anki's File > Import
  pmquiz export spanish --to apkg --with-history -o spanish-with-reviews.apkg
  pmquiz export faq key-differences --to tsv > cards.tsv
  pmquiz export my-deck.toml --to md -o my-deck.md      hashcards' format";

const IMPORT_EXAMPLES: &str = "\
Examples:
  pmquiz import Spanish.apkg               one deck file per Anki deck, in your deck folder
  pmquiz import collection.colpkg --dry-run     what would be written
  pmquiz import Spanish.apkg -o spanish.toml    every card in one deck file
  pmquiz import Spanish.apkg --with-history     the decks and your Anki review history
  pmquiz import quizlet.txt --separator tab --card-separator newline
  pmquiz import notes.md --into decks/     hashcards or Obsidian cards";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct FormatArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Options shared by `run` and `review`.
#[derive(Debug, Args)]
pub(crate) struct SessionArgs {
    /// practice: feedback after each answer; exam: feedback at the end, no self-graded
    /// flashcards; learn: a missed question comes back after two others, options reshuffled,
    /// until answered right (the score counts first attempts)
    #[arg(long, default_value = "practice", value_parser = parse_mode)]
    pub mode: Mode,

    /// Question kinds to ask, comma-separated: flash, mcq, tf, blank, typed [default: all, in
    /// about equal shares; exam mode: all but flash]
    #[arg(long, value_delimiter = ',', value_parser = parse_kind)]
    pub kinds: Vec<Kind>,

    /// Seed for the random choices; the same seed, decks and options give the same session
    /// [default: random, printed in the summary]
    #[arg(long)]
    pub seed: Option<u64>,

    /// Summary format; with json, stdout holds only the summary object and prompts go to stderr
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Record nothing in the review history
    #[arg(long)]
    pub no_save: bool,

    /// After the full-screen view, print the whole summary (every kind and tag, every missed
    /// question with your answer) instead of the short one
    #[arg(long, short)]
    pub verbose: bool,

    /// Desired retention for scheduling, from 0.7 to 0.99; higher means shorter intervals
    /// [default: 0.9, or `retention` in DATA_DIR/config.toml]
    #[arg(long)]
    pub retention: Option<Retention>,
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Deck to draw from: an id (see `pmquiz decks`) or a path to a .toml file; repeatable
    /// [default: all built-in decks, each replaced by a user deck with its id if there is one]
    #[arg(long, short, value_name = "DECK")]
    pub deck: Vec<String>,

    /// Number of questions, at least 1 (fewer when the decks have fewer cards)
    #[arg(long, short = 'n', default_value_t = 10, value_parser = parse_count)]
    pub count: usize,

    /// Only cards with this tag; repeatable (a card needs any one of them)
    #[arg(long, short, value_name = "TAG")]
    pub tag: Vec<String>,

    #[command(flatten)]
    pub session: SessionArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ReviewArgs {
    /// Only cards of this deck (id or path); repeatable [default: all available decks]
    #[arg(long, short, value_name = "DECK")]
    pub deck: Vec<String>,

    /// Ask at most this many due cards in one session, missed and most overdue first
    #[arg(long, default_value_t = 200, value_parser = parse_count)]
    pub limit: usize,

    #[command(flatten)]
    pub session: SessionArgs,
}

#[derive(Debug, Args)]
pub(crate) struct StatsArgs {
    /// Only this deck (id or path) [default: every available deck: the built-in decks and the
    /// user decks that load]
    #[arg(long, short, value_name = "DECK")]
    pub deck: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct OptimizeArgs {
    /// Only the history of this deck (an id, or a path to a deck file); repeatable [default:
    /// every deck in the history]
    #[arg(long, short, value_name = "DECK")]
    pub deck: Vec<String>,

    /// Fit and compare, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ForgetArgs {
    /// Deck id (or path) whose schedule to clear
    pub deck: String,

    /// Only this card
    #[arg(long, value_name = "ID")]
    pub card: Option<String>,

    /// Do not ask for confirmation
    #[arg(long, short)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// Deck id (see `pmquiz decks`) or path to a .toml file
    pub deck: String,

    /// Output format; json gives the normalized cards for scripts
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Deck files to validate
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// Where to write the new deck (refuses to overwrite an existing file)
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct DraftArgs {
    /// The article: a plain-text, Markdown or HTML file, or - for standard input
    #[arg(value_name = "ARTICLE")]
    pub(crate) article: PathBuf,

    /// Write the deck to this new .toml file (refuses to overwrite one) [default: standard
    /// output]
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,

    /// The deck's name [default: the article's title]
    #[arg(long)]
    pub(crate) name: Option<String>,

    /// How to read the article [default: by the file's extension (.txt, .md, .html), else by
    /// its content]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) from: Option<ArticleFormat>,
}

/// The formats `pmquiz draft` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ArticleFormat {
    Text,
    Markdown,
    Html,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// Files to import: Anki packages (.apkg, .colpkg) or collections, CSV/TSV (Anki's text
    /// export, Quizlet), Markdown (hashcards, Obsidian). A note in several of them is imported
    /// once, as the last of them has it
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Write every card into this one deck file (ending in .toml); cards of several decks are
    /// tagged with their deck's name
    #[arg(short, long, value_name = "OUT.toml", conflicts_with = "into")]
    pub output: Option<PathBuf>,

    /// Write one deck file per source deck into this folder [default: your deck folder,
    /// DATA_DIR/decks]
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,

    /// Also import Anki's review history: every review becomes a pmquiz answer, and each card's
    /// schedule is computed by replaying its reviews through pmquiz's FSRS scheduler
    #[arg(long)]
    pub with_history: bool,

    /// Print what would be imported and written; write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Replace deck files that exist (card ids are stable: their history is kept)
    #[arg(long)]
    pub force: bool,

    /// Separator between term and definition (Quizlet's custom export): tab, comma,
    /// semicolon, or any text. The file is then read as Quizlet writes it: no quoting, each
    /// card cut at its first separator
    #[arg(long, value_name = "SEP")]
    pub separator: Option<String>,

    /// Separator between cards (Quizlet's custom export): newline, semicolon, or any text
    /// [default: newline]
    #[arg(long, value_name = "SEP")]
    pub card_separator: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    /// The shared folder (pmquiz uses DIR/pmquiz in it) [default: `sync_dir` in
    /// DATA_DIR/config.toml]
    pub dir: Option<PathBuf>,

    /// Show the devices seen, their last answer, and the events waiting in each direction;
    /// change nothing
    #[arg(long)]
    pub status: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub(crate) struct HistoryArgs {
    #[command(subcommand)]
    pub command: HistoryCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum HistoryCommand {
    /// Write every answer, forget and undo of the history, of every device, to FILE (replaced
    /// at once if it exists), in the log format of `pmquiz sync`
    Export {
        /// The file to write
        file: PathBuf,
    },
    /// Add the answers of FILE (made by `history export`, or a device's sync log) that the
    /// history lacks, and compute the schedules of the cards they touch again
    Import {
        /// The file to read
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Decks to export: ids (see `pmquiz decks`) or paths to .toml files
    #[arg(required = true, value_name = "DECK")]
    pub decks: Vec<String>,

    /// What to write: apkg (an Anki package), csv or tsv (Anki's text import), md (hashcards)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub to: ExportFormat,

    /// Where to write [default: DECK-ID.apkg for apkg; standard output for the others]
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also export the review history (apkg only): answers become Anki review-log rows, and
    /// cards carry their pmquiz schedule
    #[arg(long)]
    pub with_history: bool,

    /// Replace the output file if it exists
    #[arg(long)]
    pub force: bool,
}

/// The formats `pmquiz export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormat {
    Apkg,
    Csv,
    Tsv,
    Md,
}

fn parse_count(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    s.parse()
}

fn parse_mode(s: &str) -> Result<Mode, String> {
    s.parse()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
