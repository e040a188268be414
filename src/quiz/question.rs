//! A question as asked: what to show, the options, and what counts as right.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// The kinds of question pmquiz asks.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Show the front, reveal the back, the learner grades themself.
    Flash,
    /// Pick the right option.
    Mcq,
    /// True or false.
    Tf,
    /// Type the missing words.
    Blank,
    /// Type the answer.
    Typed,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Flash, Kind::Mcq, Kind::Tf, Kind::Blank, Kind::Typed];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Flash => "flash",
            Kind::Mcq => "mcq",
            Kind::Tf => "tf",
            Kind::Blank => "blank",
            Kind::Typed => "typed",
        }
    }

    /// A name for people, used in summaries.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Flash => "flashcard",
            Kind::Mcq => "multiple choice",
            Kind::Tf => "true/false",
            Kind::Blank => "fill in the blank",
            Kind::Typed => "typed answer",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "flash" | "flashcard" => Ok(Kind::Flash),
            "mcq" | "choice" => Ok(Kind::Mcq),
            "tf" | "truefalse" | "true-false" => Ok(Kind::Tf),
            "blank" | "cloze" => Ok(Kind::Blank),
            "typed" | "type" => Ok(Kind::Typed),
            other => Err(format!(
                "unknown question kind `{other}` (expected flash, mcq, tf, blank or typed)"
            )),
        }
    }
}

/// One question, ready to ask.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    pub deck_id: String,
    /// The id the answer is recorded under (`TABLE/ROW` for table rows).
    pub card_id: String,
    pub kind: Kind,
    /// The text shown to the learner. Blanks appear as `_____`.
    pub prompt: String,
    pub body: Body,
    pub explain: Option<String>,
    pub tags: Vec<String>,
}

/// What the learner chooses from, and what is right.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Body {
    Flash {
        back: String,
    },
    Choice {
        options: Vec<String>,
        correct: usize,
    },
    TrueFalse {
        answer: bool,
    },
    /// Accepted answers of each blank, the first of each being the one shown.
    Blank {
        blanks: Vec<Vec<String>>,
        /// Groups of blanks (indices) whose answers may be given in any order.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        any_order: Vec<Vec<usize>>,
    },
    /// Accepted answers, the first being the one shown.
    Typed {
        accepted: Vec<String>,
        /// Words that make an answer right when all appear, each with its alternatives.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        keywords: Vec<Vec<String>>,
        /// The answer is a list, judged item by item in any order.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        list: bool,
        /// Wrong options of the card that match an accepted answer once accents are set aside
        /// (`ano` for `año`): typed, they are wrong, not a spelling of the answer.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        rejected: Vec<String>,
    },
}

impl Question {
    /// The right answer, as shown after answering.
    pub fn expected(&self) -> String {
        match &self.body {
            Body::Flash { back } => back.clone(),
            Body::Choice { options, correct } => options[*correct].clone(),
            Body::TrueFalse { answer } => if *answer { "true" } else { "false" }.to_string(),
            Body::Blank { blanks, .. } => blanks
                .iter()
                .map(|b| b[0].as_str())
                .collect::<Vec<_>>()
                .join("; "),
            Body::Typed { accepted, .. } => accepted[0].clone(),
        }
    }
}
