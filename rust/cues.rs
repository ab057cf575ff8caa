//! Per-statement cue extraction, done once per statement, in parallel.
//!
//! The result is a [`CueTable`] of flat CSR arrays so that pair scoring reads
//! plain slices: content stem ids (sorted, unique) with a negated flag each,
//! the negation count, the numbers mentioned, and the opposition poles hit.

use rayon::prelude::*;

use crate::lexicon::Lexicon;
use crate::text::{for_each_token, normalize, parse_number, stem_hash};

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

/// Reusable buffers of one worker, so extraction allocates per chunk, not per statement.
#[derive(Debug, Default)]
struct Scratch {
    words: Vec<(u64, u8)>,
    numbers: Vec<f64>,
    poles: Vec<u32>,
}

/// Extracts the cues of one statement.
pub fn extract_one(text: &str, lex: &Lexicon) -> StatementCues {
    let mut table = CueTable::with_offsets(1);
    extract_into(text, lex, &mut Scratch::default(), &mut table);
    StatementCues {
        stems: table.stems,
        negated: table.negated,
        negations: table.negations[0],
        numbers: table.numbers,
        poles: table.poles,
    }
}

/// Appends the cues of one statement as the next row of `table`.
fn extract_into(text: &str, lex: &Lexicon, scratch: &mut Scratch, table: &mut CueTable) {
    let norm = normalize(text);
    let Scratch { words, numbers, poles } = scratch;
    words.clear();
    numbers.clear();
    poles.clear();
    let mut negations = 0u32;
    let mut scope = 0u32;
    let mut last_marker: Option<usize> = None;
    let mut pos = 0usize;
    for_each_token(&norm, |token| {
        let here = pos;
        pos += 1;
        if token.after_break {
            scope = 0;
        }
        let t = token.text;
        if lex.negations.contains(t) {
            if last_marker.is_none_or(|p| here - p >= NEGATION_MERGE) {
                negations += 1;
            }
            last_marker = Some(here);
            scope = NEGATION_SCOPE;
            return;
        }
        if let Some(value) = parse_number(t) {
            numbers.push(value);
            return;
        }
        let short = if t.is_ascii() { t.len() < 2 } else { t.chars().nth(1).is_none() };
        if short || lex.stopwords.contains(t) || t.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        let id = stem_hash(t);
        words.push((id, u8::from(scope > 0)));
        scope = scope.saturating_sub(1);
        if let Some(hit) = lex.poles.get(&id) {
            poles.extend_from_slice(hit);
        }
    });
    words.sort_unstable();
    for &(id, neg) in words.iter() {
        if table.stems.len() as u64 > *table.stem_offsets.last().unwrap_or(&0) && table.stems.last() == Some(&id) {
            if let Some(last) = table.negated.last_mut() {
                *last |= neg;
            }
        } else {
            table.stems.push(id);
            table.negated.push(neg);
        }
    }
    numbers.sort_by(f64::total_cmp);
    numbers.dedup();
    poles.sort_unstable();
    poles.dedup();
    table.numbers.extend_from_slice(numbers);
    table.poles.extend_from_slice(poles);
    table.negations.push(negations);
    table.stem_offsets.push(table.stems.len() as u64);
    table.number_offsets.push(table.numbers.len() as u64);
    table.pole_offsets.push(table.poles.len() as u64);
}

/// Statements per unit of parallel work.
const CHUNK: usize = 2048;

impl CueTable {
    fn with_offsets(capacity: usize) -> Self {
        let mut table = CueTable {
            stem_offsets: Vec::with_capacity(capacity + 1),
            number_offsets: Vec::with_capacity(capacity + 1),
            pole_offsets: Vec::with_capacity(capacity + 1),
            negations: Vec::with_capacity(capacity),
            ..CueTable::default()
        };
        table.stem_offsets.push(0);
        table.number_offsets.push(0);
        table.pole_offsets.push(0);
        table
    }

    /// Appends `other`'s rows after this table's rows.
    fn append(&mut self, other: &CueTable) {
        let shift = |offsets: &mut Vec<u64>, more: &[u64]| {
            let base = *offsets.last().unwrap_or(&0);
            offsets.extend(more[1..].iter().map(|o| o + base));
        };
        shift(&mut self.stem_offsets, &other.stem_offsets);
        shift(&mut self.number_offsets, &other.number_offsets);
        shift(&mut self.pole_offsets, &other.pole_offsets);
        self.stems.extend_from_slice(&other.stems);
        self.negated.extend_from_slice(&other.negated);
        self.negations.extend_from_slice(&other.negations);
        self.numbers.extend_from_slice(&other.numbers);
        self.poles.extend_from_slice(&other.poles);
    }
}

/// Extracts the cues of every statement, in parallel, into flat arrays.
///
/// Statements are cut into fixed chunks, each extracted into its own small
/// table by one worker, and the tables are joined in order: the result does
/// not depend on the number of threads.
pub fn extract<S: AsRef<str> + Sync>(texts: &[S], lex: &Lexicon) -> CueTable {
    let parts: Vec<CueTable> = texts
        .par_chunks(CHUNK)
        .map_init(Scratch::default, |scratch, chunk| {
            let mut part = CueTable::with_offsets(chunk.len());
            for text in chunk {
                extract_into(text.as_ref(), lex, scratch, &mut part);
            }
            part
        })
        .collect();
    if parts.len() == 1 {
        return parts.into_iter().next().unwrap_or_default();
    }
    let mut table = CueTable::with_offsets(texts.len());
    let total = |f: fn(&CueTable) -> usize| parts.iter().map(f).sum::<usize>();
    table.stems.reserve(total(|p| p.stems.len()));
    table.negated.reserve(total(|p| p.negated.len()));
    table.numbers.reserve(total(|p| p.numbers.len()));
    table.poles.reserve(total(|p| p.poles.len()));
    for part in &parts {
        table.append(part);
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
        let ban = crate::text::stem_hash("ban");
        let rest = crate::text::stem_hash("rest");
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
    fn chunked_extraction_equals_row_by_row_for_any_thread_count() {
        let lex = lex();
        let texts: Vec<String> = (0..5000)
            .map(|i| match i % 5 {
                0 => String::new(),
                1 => format!("I will not ban {i} things. The rest stays"),
                2 => "Il ne va pas interdire la fracturation, jamais".to_string(),
                3 => format!("allow allow ban {} and 3,5", i % 13),
                _ => "élevée ÉTÉ naïve".to_string(),
            })
            .collect();
        let mut by_row = CueTable::with_offsets(texts.len());
        for t in &texts {
            let one = extract_one(t, &lex);
            let mut single = CueTable::with_offsets(1);
            single.stems = one.stems;
            single.negated = one.negated;
            single.numbers = one.numbers;
            single.poles = one.poles;
            single.negations.push(one.negations);
            single.stem_offsets.push(single.stems.len() as u64);
            single.number_offsets.push(single.numbers.len() as u64);
            single.pole_offsets.push(single.poles.len() as u64);
            by_row.append(&single);
        }
        for threads in [1, 2, 3] {
            assert_eq!(crate::with_threads(threads, || extract(&texts, &lex)), by_row, "threads={threads}");
        }
    }

    #[test]
    fn repeated_words_keep_one_stem_negated_if_any_is() {
        let cues = extract_one("ban it. Not ban", &lex());
        assert_eq!(cues.stems.len(), 2);
        let ban = crate::text::stem_hash("ban");
        let idx = cues.stems.iter().position(|&s| s == ban).unwrap();
        assert_eq!(cues.negated[idx], 1);
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
