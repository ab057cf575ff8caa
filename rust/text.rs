//! Text normalisation and tokenisation shared by cue extraction and lexicons.
//!
//! Lower-case, `n't` -> ` not`, accents folded (NFKD, marks dropped), split on
//! anything that is not a letter or digit; `.` or `,` between two ASCII digits
//! stays inside a number. Content words are stemmed (see [`stem`]) and hashed with FNV-1a (64 bit), so token ids need
//! no vocabulary and are the same in every process.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// Characters kept of a content word: a crude stemmer that is the same in
/// French and English ("interdire", "interdit", "interdiction" -> "interd").
pub const STEM_CHARS: usize = 6;

/// Punctuation that closes a clause and so ends a negation's scope.
pub fn is_clause_break(c: char) -> bool {
    matches!(c, '.' | ';' | ':' | '!' | '?' | '\n')
}

/// Lower-cased, accent-folded text with English `n't` expanded.
///
/// Same result as lower-casing the whole string, replacing `’` and `n't`,
/// then NFKD without combining marks, but in one or two passes with no
/// intermediate strings for plain ASCII text. Dropping every combining mark
/// makes NFKD's canonical reordering irrelevant (every character with a
/// non-zero combining class is a mark; a test checks all of Unicode), so each
/// character can be decomposed on its own.
pub fn normalize(text: &str) -> String {
    if text.contains('\u{3a3}') {
        // Capital sigma lower-cases by context (final sigma): let std decide.
        return normalize_by_steps(text);
    }
    let mut lower = String::with_capacity(text.len() + 8);
    let mut ascii = true;
    for c in text.chars() {
        if c.is_ascii() {
            lower.push(c.to_ascii_lowercase());
        } else if c == '\u{2019}' {
            lower.push('\'');
        } else {
            ascii = false;
            lower.extend(c.to_lowercase());
        }
    }
    if lower.contains("n't") {
        lower = lower.replace("n't", " not");
    }
    if ascii {
        return lower;
    }
    let mut out = String::with_capacity(lower.len() + 8);
    for c in lower.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            decompose_compatible(c, |d| {
                if !is_combining_mark(d) {
                    out.push(d);
                }
            });
        }
    }
    out
}

/// [`normalize`] written as its definition: whole-string steps.
pub fn normalize_by_steps(text: &str) -> String {
    let lower = text.to_lowercase().replace('\u{2019}', "'").replace("n't", " not");
    if lower.is_ascii() {
        return lower;
    }
    lower.nfkd().filter(|c| !is_combining_mark(*c)).collect()
}

/// A token of normalised text, with whether a clause break preceded it.
#[derive(Debug, Clone, PartialEq)]
pub struct Token<'a> {
    pub text: &'a str,
    pub after_break: bool,
}

/// Splits normalised text into tokens.
pub fn tokenize(norm: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    for_each_token(norm, |t| tokens.push(t));
    tokens
}

/// Calls `f` with each token of normalised text, in order, allocating nothing.
pub fn for_each_token<'a>(norm: &'a str, mut f: impl FnMut(Token<'a>)) {
    let mut start: Option<usize> = None;
    let mut pending_break = false;
    let mut prev: Option<char> = None;
    let mut chars = norm.char_indices().peekable();
    while let Some((byte, c)) = chars.next() {
        let joins_number = (c == '.' || c == ',')
            && start.is_some()
            && prev.is_some_and(|p| p.is_ascii_digit())
            && chars.peek().is_some_and(|n| n.1.is_ascii_digit());
        prev = Some(c);
        if c.is_alphanumeric() || joins_number {
            if start.is_none() {
                start = Some(byte);
            }
            continue;
        }
        if let Some(s) = start.take() {
            f(Token { text: &norm[s..byte], after_break: pending_break });
            pending_break = false;
        }
        if is_clause_break(c) {
            pending_break = true;
        }
    }
    if let Some(s) = start {
        f(Token { text: &norm[s..], after_break: pending_break });
    }
}

/// Inflection endings stripped before truncation, tried in this order.
pub const SUFFIXES: [&str; 5] = ["ing", "ed", "es", "s", "e"];

/// The stem of a content word: one inflection ending stripped (keeping at
/// least three characters), a final doubled consonant undoubled, then the
/// first [`STEM_CHARS`] characters ("banned", "bans" -> "ban").
pub fn stem(word: &str) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    for suffix in SUFFIXES {
        let n = suffix.chars().count();
        if chars.len() >= n + 3 && word.ends_with(suffix) {
            chars.truncate(chars.len() - n);
            break;
        }
    }
    let len = chars.len();
    if len >= 4 && chars[len - 1] == chars[len - 2] && !"aeiouy".contains(chars[len - 1]) && chars[len - 1].is_alphabetic() {
        chars.pop();
    }
    chars.into_iter().take(STEM_CHARS).collect()
}

/// The stem of `word` as a byte length: a stem is always a prefix of its word.
pub fn stem_len(word: &str) -> usize {
    let ascii = word.is_ascii();
    let mut len = if ascii { word.len() } else { word.chars().count() };
    for suffix in SUFFIXES {
        if len >= suffix.len() + 3 && word.ends_with(suffix) {
            len -= suffix.len();
            break;
        }
    }
    if ascii {
        let b = word.as_bytes();
        if len >= 4 && b[len - 1] == b[len - 2] && !b"aeiouy".contains(&b[len - 1]) && b[len - 1].is_ascii_alphabetic() {
            len -= 1;
        }
        return len.min(STEM_CHARS);
    }
    let mut ends = word.char_indices().map(|(i, c)| (i + c.len_utf8(), c));
    let mut kept: [(usize, char); 2] = [(0, ' '); 2];
    let mut total = 0usize;
    let mut prefix_bytes = [0usize; STEM_CHARS + 1];
    for n in 1..=len {
        let (end, c) = ends.next().expect("len counts chars of word");
        if n <= STEM_CHARS {
            prefix_bytes[n] = end;
        }
        kept = [kept[1], (end, c)];
        total = n;
    }
    let (last, before) = (kept[1].1, kept[0].1);
    if total >= 4 && last == before && !"aeiouy".contains(last) && last.is_alphabetic() {
        total -= 1;
    }
    let keep = total.min(STEM_CHARS);
    prefix_bytes[keep]
}

/// Stem id of a content word: [`hash`] of its [`stem`], without building the stem.
pub fn stem_hash(word: &str) -> u64 {
    hash(&word[..stem_len(word)])
}

/// FNV-1a, 64 bit: a stable id for a stem.
pub fn hash(word: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in word.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The value of a number token, or `None` if it is not one (or is a year).
///
/// `,` and `.` followed by groups of exactly three digits are thousands
/// separators, otherwise the decimal point. Bare four-digit years
/// (1900-2100) are dates, not quantities, and are left out.
pub fn parse_number(token: &str) -> Option<f64> {
    let first = token.chars().next()?;
    if !first.is_ascii_digit() || !token.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return None;
    }
    let groups: Vec<&str> = token.split(['.', ',']).collect();
    let value = if groups.len() > 1 && groups[1..].iter().all(|g| g.len() == 3) {
        groups.concat().parse::<f64>().ok()?
    } else if groups.len() == 2 {
        format!("{}.{}", groups[0], groups[1]).parse::<f64>().ok()?
    } else if groups.len() == 1 {
        token.parse::<f64>().ok()?
    } else {
        return None;
    };
    let is_year = groups.len() == 1 && token.len() == 4 && (1900.0..=2100.0).contains(&value);
    (!is_year).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_accents_case_and_contractions() {
        assert_eq!(normalize("Élon DOESN'T"), "elon does not");
        assert_eq!(normalize("L’interdiction"), "l'interdiction");
    }

    #[test]
    fn tokenizes_numbers_and_breaks() {
        let toks: Vec<_> = tokenize("il a dit 3,5 fois. puis 1,000").into_iter().map(|t| (t.text, t.after_break)).collect();
        assert_eq!(toks, vec![("il", false), ("a", false), ("dit", false), ("3,5", false), ("fois", false), ("puis", true), ("1,000", false)]);
    }

    #[test]
    fn parses_numbers_but_not_years() {
        assert_eq!(parse_number("3,5"), Some(3.5));
        assert_eq!(parse_number("1,000"), Some(1000.0));
        assert_eq!(parse_number("12.000.000"), Some(12_000_000.0));
        assert_eq!(parse_number("2022"), None);
        assert_eq!(parse_number("44"), Some(44.0));
        assert_eq!(parse_number("abc"), None);
    }

    #[test]
    fn fast_normalize_equals_the_whole_string_steps() {
        let samples = [
            "Élon DOESN'T", "L’interdiction", "ÇA N’EST PAS", "straße ŒUVRE ﬁn ½ Ⅻ ℌ", "ΣΑΣ σοφός ΟΔΟΣ",
            "İstanbul", "Ｗｏｎ＇ｔ ｃａｆé", "naïve café déjà vu", "한국어 日本語", "e\u{301}te\u{301}", "x\u{327}\u{301}",
            "n\u{2019}t", "N'T", "",
        ];
        for s in samples {
            assert_eq!(normalize(s), normalize_by_steps(s), "{s:?}");
        }
        let mut buf = String::new();
        for cp in 0..0x3_0000u32 {
            let Some(c) = char::from_u32(cp) else { continue };
            buf.clear();
            buf.push('a');
            buf.push(c);
            buf.push('t');
            assert_eq!(normalize(&buf), normalize_by_steps(&buf), "U+{cp:04X}");
        }
    }

    #[test]
    fn every_non_starter_is_a_combining_mark() {
        use unicode_normalization::char::canonical_combining_class;
        for cp in 0..=0x10_FFFFu32 {
            if let Some(c) = char::from_u32(cp) {
                assert!(canonical_combining_class(c) == 0 || is_combining_mark(c), "U+{cp:04X}");
            }
        }
    }

    #[test]
    fn stem_is_a_prefix_and_stem_hash_matches() {
        let words = ["interdiction", "élevée", "no", "ban", "bans", "banned", "banning", "endorsed", "réformés",
                     "passées", "fossés", "ŒUVRE", "cœur", "naïve", "aéé", "ééée", "garçonss", "abcddes", "3.5.7",
                     "été", "ﬁnish", "xx", "ssss", "ñññing"];
        for w in words {
            let s = stem(w);
            assert!(w.starts_with(&s), "{w}");
            assert_eq!(&w[..stem_len(w)], s, "{w}");
            assert_eq!(stem_hash(w), hash(&s), "{w}");
        }
    }

    #[test]
    fn streaming_tokens_equal_collected_tokens() {
        let text = "il a dit 3,5 fois. puis 1,000; 2.5.7 ,4 5, x!?\nfin";
        let mut streamed = Vec::new();
        for_each_token(text, |t| streamed.push(t));
        assert_eq!(streamed, tokenize(text));
        assert_eq!(streamed.iter().map(|t| t.text).collect::<Vec<_>>(), ["il", "a", "dit", "3,5", "fois", "puis", "1,000", "2.5.7", "4", "5", "x", "fin"]);
        assert!(streamed.last().unwrap().after_break);
    }

    #[test]
    fn stems_by_characters_not_bytes() {
        assert_eq!(stem("interdiction"), "interd");
        assert_eq!(stem("élevée"), "élevé");
        assert_eq!(stem("no"), "no");
        for w in ["ban", "bans", "banned", "banning"] {
            assert_eq!(stem(w), "ban", "{w}");
        }
        assert_eq!(stem("endorsed"), stem("endorse"));
    }
}
