//! Text normalisation and tokenisation shared by cue extraction and lexicons.
//!
//! Lower-case, `n't` -> ` not`, accents folded (NFKD, marks dropped), split on
//! anything that is not a letter or digit; `.` or `,` between two ASCII digits
//! stays inside a number. Content words are stemmed (see [`stem`]) and hashed with FNV-1a (64 bit), so token ids need
//! no vocabulary and are the same in every process.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Characters kept of a content word: a crude stemmer that is the same in
/// French and English ("interdire", "interdit", "interdiction" -> "interd").
pub const STEM_CHARS: usize = 6;

/// Punctuation that closes a clause and so ends a negation's scope.
pub fn is_clause_break(c: char) -> bool {
    matches!(c, '.' | ';' | ':' | '!' | '?' | '\n')
}

/// Lower-cased, accent-folded text with English `n't` expanded.
pub fn normalize(text: &str) -> String {
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
    let chars: Vec<(usize, char)> = norm.char_indices().collect();
    let mut tokens = Vec::new();
    let mut start: Option<usize> = None;
    let mut pending_break = false;
    for (pos, &(byte, c)) in chars.iter().enumerate() {
        let joins_number = (c == '.' || c == ',')
            && start.is_some()
            && pos > 0
            && chars[pos - 1].1.is_ascii_digit()
            && chars.get(pos + 1).is_some_and(|n| n.1.is_ascii_digit());
        if c.is_alphanumeric() || joins_number {
            if start.is_none() {
                start = Some(byte);
            }
            continue;
        }
        if let Some(s) = start.take() {
            tokens.push(Token { text: &norm[s..byte], after_break: pending_break });
            pending_break = false;
        }
        if is_clause_break(c) {
            pending_break = true;
        }
    }
    if let Some(s) = start {
        tokens.push(Token { text: &norm[s..], after_break: pending_break });
    }
    tokens
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
