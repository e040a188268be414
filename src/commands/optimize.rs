//! `pmquiz optimize`: fit the scheduler's FSRS parameters to the review history and adopt them
//! when they predict the learner's answers better.

use super::history::open_store;
use super::{Context, OK};
use crate::cli::OptimizeArgs;
use crate::config::{CONFIG_FILE_NAME, write_parameters};
use crate::deck::DeckSource;
use crate::library::{LoadError, OpenDeck};
use crate::optimize::{Answer, Comparison, OptimizeError, TrainingSet, compare, fit};
use chrono::DateTime;
use fsrs::CombinedProgressState;
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub(crate) fn run(cx: &Context, args: &OptimizeArgs) -> anyhow::Result<u8> {
    let current = cx.parameters()?;
    let days = cx.days()?;
    // Decks named by id or path; an id that only the history still knows is taken as it is.
    let mut decks: Vec<OpenDeck> = Vec::new();
    let mut deck_ids: Vec<String> = Vec::new();
    for arg in &args.deck {
        match cx.deck(arg) {
            Ok(deck) => {
                deck_ids.push(deck.id().to_string());
                decks.push(deck);
            }
            Err(e) => match e.downcast::<LoadError>() {
                Ok(LoadError::UnknownDeck { id, .. }) => deck_ids.push(id),
                Ok(other) => return Err(other.into()),
                Err(e) => return Err(e),
            },
        }
    }
    let store = open_store(cx, &decks)?;
    let mut cards: Vec<Vec<Answer>> = Vec::new();
    store.for_each_card_history(&deck_ids, |_, _, answers| {
        cards.push(
            answers
                .iter()
                .map(|&(rating, at_ms)| Answer {
                    rating,
                    day: days.day_of(DateTime::from_timestamp_millis(at_ms).unwrap_or_default()),
                    at_ms,
                })
                .collect(),
        );
    })?;
    drop(store);
    let set = TrainingSet::new(cards.iter().map(Vec::as_slice));
    println!(
        "History: {} to {}; {} given on a later day than the card's previous answer.",
        count(set.answers, "answer"),
        count(set.cards, "card"),
        set.len()
    );

    let comparison = match with_progress("Fitting on the older 80%", |p| {
        compare(&set, &current, Some(p))
    }) {
        Ok(comparison) => comparison,
        Err(e @ OptimizeError::TooLittleHistory { .. }) => {
            println!("{e}");
            return Ok(OK);
        }
        Err(e) => return Err(e.into()),
    };
    print!("{}", report(&comparison, current.is_default()));

    let config = cx.data_dir()?.join(CONFIG_FILE_NAME);
    if !comparison.fitted_is_better() {
        println!(
            "The fitted parameters predict the newer answers no better than the ones in use: \
             {} was not changed.",
            config.display()
        );
        return Ok(OK);
    }
    if args.dry_run {
        println!(
            "The fitted parameters predict better. --dry-run: {} was not changed.",
            config.display()
        );
        return Ok(OK);
    }
    let fitted = with_progress("Fitting on every answer", |p| fit(&set, Some(p)))?;
    write_parameters(&config, &fitted)?;
    println!(
        "The fitted parameters predict better: written to `parameters` in {}.\n\
         `pmquiz review` and `pmquiz run` now schedule with them; delete that line to go back \
         to FSRS's defaults.",
        config.display()
    );
    Ok(OK)
}

/// The comparison as a small table.
fn report(c: &Comparison, current_is_default: bool) -> String {
    let current = if current_is_default {
        "FSRS defaults"
    } else {
        "in use (fitted before)"
    };
    format!(
        "Fitted on the older {} items, compared on the newer {} (lower is better):\n\
         \x20 {:<24}  log loss {:.4}  RMSE(bins) {:.4}\n\
         \x20 {:<24}  log loss {:.4}  RMSE(bins) {:.4}\n",
        c.train_items,
        c.test_items,
        current,
        c.current.log_loss,
        c.current.rmse_bins,
        "fitted",
        c.fitted.log_loss,
        c.fitted.rmse_bins,
    )
}

fn count(n: usize, word: &str) -> String {
    crate::deck::plural(n, word)
}

/// Runs `work` with a progress bar on stderr fed by the optimizer's progress (hidden when stderr
/// is not a terminal).
fn with_progress<T>(
    message: &'static str,
    work: impl FnOnce(Arc<Mutex<CombinedProgressState>>) -> T,
) -> T {
    let state = CombinedProgressState::new_shared();
    let bar = ProgressBar::new(0).with_message(message);
    bar.set_style(
        ProgressStyle::with_template("{msg} {bar:30} {percent:>3}%")
            .expect("a valid progress template"),
    );
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (state, bar, done) = (Arc::clone(&state), bar.clone(), Arc::clone(&done));
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if let Ok(s) = state.lock() {
                    bar.set_length(s.total().max(1) as u64);
                    bar.set_position(s.current() as u64);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let result = work(state);
    done.store(true, Ordering::Relaxed);
    let _ = watcher.join();
    bar.finish_and_clear();
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::Fit;

    #[test]
    fn the_report_shows_both_fits() {
        let c = Comparison {
            train_items: 800,
            test_items: 200,
            current: Fit {
                log_loss: 0.3391,
                rmse_bins: 0.0721,
            },
            fitted: Fit {
                log_loss: 0.3202,
                rmse_bins: 0.044,
            },
        };
        assert_eq!(
            report(&c, true),
            "Fitted on the older 800 items, compared on the newer 200 (lower is better):\n\
             \x20 FSRS defaults             log loss 0.3391  RMSE(bins) 0.0721\n\
             \x20 fitted                    log loss 0.3202  RMSE(bins) 0.0440\n"
        );
        assert!(c.fitted_is_better());
    }
}
