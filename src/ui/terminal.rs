//! The interactive front end: dialoguer prompts in a real terminal (a select list for multiple
//! choice, true/false and grades; an input line for typed and fill-in answers).

use super::render;
use super::{Asked, Frontend, interrupted};
use crate::quiz::{Body, Grade, Question, Response};
use crate::session::{Attempt, Progress};
use console::{Term, style};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Input, Select};

pub(crate) struct Terminal {
    term: Term,
    theme: ColorfulTheme,
}

impl Terminal {
    /// Draws on `term`: stdout, or stderr when stdout carries a JSON summary.
    pub(crate) fn new(term: Term) -> Self {
        Terminal {
            term,
            // The answer line is echoed with a neutral mark: whether it was right comes next.
            theme: ColorfulTheme {
                success_prefix: style("›".to_string()).for_stderr().dim(),
                ..ColorfulTheme::default()
            },
        }
    }

    /// Maps dialoguer's result: Ctrl-C and a closed terminal end the session instead of failing.
    fn settle<T>(&self, result: dialoguer::Result<T>) -> std::io::Result<Result<T, Asked>> {
        match result {
            Ok(value) => Ok(Ok(value)),
            Err(dialoguer::Error::IO(e)) => {
                let _ = self.term.show_cursor();
                match e.kind() {
                    std::io::ErrorKind::Interrupted => Ok(Err(Asked::Interrupted)),
                    std::io::ErrorKind::UnexpectedEof => Ok(Err(Asked::End)),
                    _ if interrupted() => Ok(Err(Asked::Interrupted)),
                    _ => Err(e),
                }
            }
        }
    }

    fn select(&self, prompt: &str, items: &[String]) -> std::io::Result<Result<usize, Asked>> {
        let result = Select::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items)
            .default(0)
            .report(true)
            .interact_on_opt(&self.term);
        Ok(match self.settle(result)? {
            Ok(Some(i)) => Ok(i),
            // Esc: treat like Ctrl-C, the learner wants out.
            Ok(None) => Err(Asked::Interrupted),
            Err(asked) => Err(asked),
        })
    }

    fn input(&self, prompt: &str) -> std::io::Result<Result<String, Asked>> {
        let result = Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .allow_empty(true)
            .interact_text_on(&self.term);
        self.settle(result)
    }
}

impl Frontend for Terminal {
    fn ask(&mut self, question: &Question, progress: &Progress) -> std::io::Result<Asked> {
        if interrupted() {
            return Ok(Asked::Interrupted);
        }
        self.term.write_line("")?;
        self.term.write_line(&render::header(progress, question))?;
        self.term
            .write_line(&style(&question.prompt).bold().to_string())?;
        let response = match &question.body {
            Body::Choice { options, .. } => {
                self.select("Your answer", options)?.map(Response::Choice)
            }
            Body::TrueFalse { .. } => self
                .select("True or false", &["True".to_string(), "False".to_string()])?
                .map(|i| Response::Bool(i == 0)),
            Body::Typed { .. } => self.input("Your answer")?.map(Response::Text),
            Body::Blank { blanks, .. } => {
                let prompt = if blanks.len() > 1 {
                    format!("Missing words ({}, separated by ;)", blanks.len())
                } else {
                    "Missing word(s)".to_string()
                };
                self.input(&prompt)?.map(Response::Text)
            }
            Body::Flash { back } => {
                if let Err(asked) = self.input("Press Enter to reveal")? {
                    return Ok(asked);
                }
                self.term.write_line(&style(back).cyan().to_string())?;
                let grades: Vec<String> =
                    Grade::ALL.iter().map(|g| g.label().to_string()).collect();
                self.select("How well did you know it?", &grades)?
                    .map(|i| Response::Grade(Grade::ALL[i]))
            }
        };
        Ok(match response {
            Ok(r) => Asked::Answer(r),
            Err(asked) => asked,
        })
    }

    fn feedback(&mut self, question: &Question, attempt: &Attempt) -> std::io::Result<()> {
        self.term.write_str(&render::feedback(question, attempt))
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        // Whatever happened, leave the cursor visible.
        let _ = self.term.show_cursor();
    }
}
