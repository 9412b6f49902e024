//! Line-level helpers shared by the TXT forms (vuln_form, intel_form): the colons people
//! type after a label, label matching that forgives case, inner spaces and full-width
//! forms, and a parenthesized hint behind a label. One copy, so both forms read labels alike.

/// The colons accepted after a label: ASCII, full-width and the look-alikes IMEs produce.
pub(crate) const COLONS: [char; 5] = [':', '：', '﹕', '︰', '∶'];

/// The number of characters of `s` that are not whitespace (labels are compared so).
pub(crate) fn folded_len(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// Folds a character for label comparison: ASCII case and the full-width `／－＿．` forms.
pub(crate) fn fold(c: char) -> char {
    match c {
        '／' => '/',
        '－' | '‐' | '‑' => '-',
        '＿' => '_',
        '．' => '.',
        c => c.to_ascii_lowercase(),
    }
}

/// Matches `alias` at the start of `s`, ignoring case, whitespace inside and `／`/`/`;
/// returns the rest. An alias ending in a letter or digit must end a word.
pub(crate) fn match_alias<'a>(s: &'a str, alias: &str) -> Option<&'a str> {
    let mut chars = s.char_indices();
    let mut end = 0usize;
    let mut first = true;
    for a in alias.chars().filter(|c| !c.is_whitespace()).map(fold) {
        loop {
            let (i, c) = chars.next()?;
            if !first && c.is_whitespace() {
                continue;
            }
            if fold(c) != a {
                return None;
            }
            end = i + c.len_utf8();
            break;
        }
        first = false;
    }
    let rest = s.get(end..)?;
    let alias_ends_word = alias
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if alias_ends_word
        && rest
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return None;
    }
    Some(rest)
}

/// The rest of `s` after a leading colon of any width.
pub(crate) fn strip_colon(s: &str) -> Option<&str> {
    s.strip_prefix(COLONS)
}

/// A parenthesized group at the start of `s`: (inside, after).
pub(crate) fn strip_group(s: &str) -> Option<(&str, &str)> {
    let close = if s.starts_with('(') {
        ')'
    } else if s.starts_with('（') {
        '）'
    } else {
        return None;
    };
    let open_len = s.chars().next()?.len_utf8();
    let inner_start = s.get(open_len..)?;
    let end = inner_start.find(close)?;
    Some((&inner_start[..end], &inner_start[end + close.len_utf8()..]))
}
