//! Word lists that drive the cues: negation markers, stopwords, and
//! oppositions (antonym pairs and stance pairs) in French and English.
//!
//! Formats: word lists hold one word per line; oppositions hold
//! `kind<TAB>side_a<TAB>side_b` with `kind` in {antonym, stance} and each side
//! a `|`-separated list of words. `#` starts a comment line. Words go through
//! the same normalisation and stemming as statements, so listing "ban" also
//! matches "banned" and "bannir" matches "banni".

use std::fmt;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::text::{normalize, stem_hash, tokenize};

/// Which family an opposition belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OppositionKind {
    Antonym,
    Stance,
}

/// A line of a lexicon file that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct LexiconError {
    pub file: &'static str,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} lexicon, line {}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for LexiconError {}

/// The compiled lexicon: normalised words and stem ids to pole ids.
///
/// A pole id is `2 * opposition + side`, so the opposite pole is `pole ^ 1`.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub negations: FxHashSet<String>,
    pub stopwords: FxHashSet<String>,
    pub poles: FxHashMap<u64, Vec<u32>>,
    pub kinds: Vec<OppositionKind>,
    /// The words of each pole, as written in the file (for explanations).
    pub pole_words: Vec<Vec<String>>,
}

impl Lexicon {
    /// Builds a lexicon from the text of its three files.
    pub fn parse(negations: &str, stopwords: &str, oppositions: &str) -> Result<Self, LexiconError> {
        let mut lex = Lexicon {
            negations: word_list(negations),
            stopwords: word_list(stopwords),
            ..Lexicon::default()
        };
        for (idx, raw) in oppositions.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: String| LexiconError { file: "oppositions", line: idx + 1, message };
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() != 3 {
                return Err(err(format!("expected 3 tab-separated columns, found {}", cols.len())));
            }
            let kind = match cols[0].trim() {
                "antonym" => OppositionKind::Antonym,
                "stance" => OppositionKind::Stance,
                other => return Err(err(format!("kind must be 'antonym' or 'stance', not {other:?}"))),
            };
            let pair = lex.kinds.len() as u32;
            lex.kinds.push(kind);
            for (side, col) in cols[1..].iter().enumerate() {
                let pole = 2 * pair + side as u32;
                let words: Vec<String> = col.split('|').map(|w| w.trim().to_string()).filter(|w| !w.is_empty()).collect();
                if words.is_empty() {
                    return Err(err(format!("side {} has no words", side + 1)));
                }
                for word in &words {
                    let id = lex.stem_id(word).ok_or_else(|| err(format!("{word:?} is a stopword, a negation or too short")))?;
                    let entry = lex.poles.entry(id).or_default();
                    if !entry.contains(&pole) {
                        entry.push(pole);
                    }
                }
                lex.pole_words.push(words);
            }
        }
        Ok(lex)
    }

    /// Stem id of a single content word, or `None` for stopwords and negations.
    pub fn stem_id(&self, word: &str) -> Option<u64> {
        let norm = normalize(word);
        let tokens = tokenize(&norm);
        let [token] = tokens.as_slice() else { return None };
        let t = token.text;
        if t.chars().count() < 2 || self.negations.contains(t) || self.stopwords.contains(t) {
            return None;
        }
        Some(stem_hash(t))
    }
}

fn word_list(text: &str) -> FxHashSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(normalize)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_oppositions_into_opposite_poles() {
        let lex = Lexicon::parse("not\n", "the\n", "antonym\tban|interdire\tallow|autoriser\nstance\tneutral\tpartisan\n").unwrap();
        assert_eq!(lex.kinds, vec![OppositionKind::Antonym, OppositionKind::Stance]);
        let ban = lex.poles[&lex.stem_id("banned").unwrap()].clone();
        let allow = lex.poles[&lex.stem_id("autorisé").unwrap()].clone();
        assert_eq!(ban, vec![0]);
        assert_eq!(allow, vec![1]);
        assert_eq!(lex.poles[&lex.stem_id("neutrality").unwrap()], vec![2]);
    }

    #[test]
    fn reports_bad_lines() {
        let err = Lexicon::parse("", "", "antonym\tban\n").unwrap_err();
        assert_eq!(err.line, 1);
        let err = Lexicon::parse("", "", "# c\nopposite\ta\tb\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.to_string().contains("kind must be"));
    }
}
