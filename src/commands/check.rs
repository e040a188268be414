//! `pmquiz check FILE...`: validate deck files and report every problem.

use super::{FAILURE, OK};
use crate::deck::plural;
use crate::library::load_file;
use crate::quiz::{Filter, available_questions};
use std::path::PathBuf;

pub(super) fn run(files: &[PathBuf]) -> u8 {
    let mut code = OK;
    for path in files {
        match load_file(path) {
            Ok(deck) => {
                let questions =
                    available_questions(std::slice::from_ref(&deck), &Filter::default());
                println!(
                    "{}: ok, {}, {}",
                    path.display(),
                    plural(deck.card_count(), "card"),
                    plural(questions, "question")
                );
            }
            Err(error) => {
                eprintln!("{error}\n");
                code = FAILURE;
            }
        }
    }
    code
}
