//! Per-statement cue extraction, done once per statement, in parallel.
//!
//! The result is a [`CueTable`] of flat CSR arrays so that pair scoring reads
//! plain slices: content stem ids (sorted, unique) with a negated flag each,
//! the negation count, the numbers mentioned, and the opposition poles hit.

use rayon::prelude::*;

use crate::lexicon::Lexicon;
use crate::text::{hash, normalize, parse_number, stem, tokenize};

/// How many content words after a negation marker it scopes over.
pub const NEGATION_SCOPE: u32 = 6;
/// Negation markers closer than this (in tokens) count once ("ne ... pas").
pub const NEGATION_MERGE: usize = 4;

/// Cues of one statement, before flattening.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatementCues {
    pub stems: Vec<u64>,
    pub negated: Vec<u8>,
    pub negations: u32,
    pub numbers: Vec<f64>,
    pub poles: Vec<u32>,
}

/// Cues of many statements as CSR arrays (`*_offsets` has `n + 1` entries).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CueTable {
    pub stem_offsets: Vec<u64>,
    pub stems: Vec<u64>,
    pub negated: Vec<u8>,
    pub negations: Vec<u32>,
    pub number_offsets: Vec<u64>,
    pub numbers: Vec<f64>,
    pub pole_offsets: Vec<u64>,
    pub poles: Vec<u32>,
}

impl CueTable {
    pub fn len(&self) -> usize {
        self.negations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.negations.is_empty()
    }
}

/// Extracts the cues of one statement.
pub fn extract_one(text: &str, lex: &Lexicon) -> StatementCues {
    let norm = normalize(text);
    let mut words: Vec<(u64, u8)> = Vec::new();
    let mut numbers = Vec::new();
    let mut poles = Vec::new();
    let mut negations = 0u32;
    let mut scope = 0u32;
    let mut last_marker: Option<usize> = None;
    for (pos, token) in tokenize(&norm).into_iter().enumerate() {
        if token.after_break {
            scope = 0;
        }
        let t = token.text;
        if lex.negations.contains(t) {
            if last_marker.is_none_or(|p| pos - p >= NEGATION_MERGE) {
                negations += 1;
            }
            last_marker = Some(pos);
            scope = NEGATION_SCOPE;
            continue;
        }
        if let Some(value) = parse_number(t) {
            numbers.push(value);
            continue;
        }
        if t.chars().count() < 2 || lex.stopwords.contains(t) || t.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let id = hash(&stem(t));
        words.push((id, u8::from(scope > 0)));
        scope = scope.saturating_sub(1);
        if let Some(hit) = lex.poles.get(&id) {
            poles.extend_from_slice(hit);
        }
    }
    words.sort_unstable();
    let mut stems: Vec<u64> = Vec::with_capacity(words.len());
    let mut negated: Vec<u8> = Vec::with_capacity(words.len());
    for (id, neg) in words {
        if stems.last() == Some(&id) {
            let last = negated.len() - 1;
            negated[last] |= neg;
        } else {
            stems.push(id);
            negated.push(neg);
        }
    }
    numbers.sort_by(f64::total_cmp);
    numbers.dedup();
    poles.sort_unstable();
    poles.dedup();
    StatementCues { stems, negated, negations, numbers, poles }
}

/// Extracts the cues of every statement, in parallel, into flat arrays.
pub fn extract<S: AsRef<str> + Sync>(texts: &[S], lex: &Lexicon) -> CueTable {
    let per: Vec<StatementCues> = texts.par_iter().map(|t| extract_one(t.as_ref(), lex)).collect();
    let mut table = CueTable {
        stem_offsets: Vec::with_capacity(per.len() + 1),
        number_offsets: Vec::with_capacity(per.len() + 1),
        pole_offsets: Vec::with_capacity(per.len() + 1),
        negations: Vec::with_capacity(per.len()),
        ..CueTable::default()
    };
    table.stem_offsets.push(0);
    table.number_offsets.push(0);
    table.pole_offsets.push(0);
    for cues in per {
        table.stems.extend_from_slice(&cues.stems);
        table.negated.extend_from_slice(&cues.negated);
        table.numbers.extend_from_slice(&cues.numbers);
        table.poles.extend_from_slice(&cues.poles);
        table.negations.push(cues.negations);
        table.stem_offsets.push(table.stems.len() as u64);
        table.number_offsets.push(table.numbers.len() as u64);
        table.pole_offsets.push(table.poles.len() as u64);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        Lexicon::parse("not\nne\npas\nnever\n", "the\nwill\nle\nla\nil\nva\ni\n", "antonym\tban\tallow\n").unwrap()
    }

    #[test]
    fn negation_scopes_over_following_content_words() {
        let cues = extract_one("I will not ban fracking. The rest stays.", &lex());
        assert_eq!(cues.negations, 1);
        let ban = hash(&stem("ban"));
        let rest = hash(&stem("rest"));
        let idx = cues.stems.iter().position(|&s| s == ban).unwrap();
        assert_eq!(cues.negated[idx], 1);
        let idx = cues.stems.iter().position(|&s| s == rest).unwrap();
        assert_eq!(cues.negated[idx], 0, "scope ends at the full stop");
        assert_eq!(cues.poles, vec![0]);
    }

    #[test]
    fn french_ne_pas_counts_once() {
        let cues = extract_one("Il ne va pas interdire la fracturation", &lex());
        assert_eq!(cues.negations, 1);
    }

    #[test]
    fn numbers_are_collected_sorted_and_unique() {
        let cues = extract_one("44 billion, then 44 and 3,5 in 2022", &lex());
        assert_eq!(cues.numbers, vec![3.5, 44.0]);
    }

    #[test]
    fn table_offsets_match_rows() {
        let table = extract(&["ban it", "", "allow 3 things"], &lex());
        assert_eq!(table.len(), 3);
        assert_eq!(table.stem_offsets.len(), 4);
        assert_eq!(table.stem_offsets[1], table.stem_offsets[2], "empty text has no stems");
        assert_eq!(table.number_offsets[3] - table.number_offsets[2], 1);
        assert_eq!(&table.poles, &[0, 1]);
    }
}
