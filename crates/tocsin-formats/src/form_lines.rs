//! Line-level helpers shared by the TXT forms (vuln_form, intel_form): the colons people
//! type after a label, label matching that forgives case, inner spaces, full-width forms
//! and the look-alike punctuation Big5 and CP950 decode to, and a parenthesized hint behind
//! a label. One copy, so both forms read labels alike.
//!
//! Folding is for recognizing labels and the form's own punctuation only: values are
//! always kept as the reporter wrote them. Big5 has two slashes (0xA1FE `／` and 0xA241,
//! which WHATWG's Big5 table, used by encoding_rs, reads as `∕` U+2215), CP950 editors and
//! IMEs write either, and the same holds for the small forms of colons, commas and
//! parentheses (`﹕﹐﹙﹚`), so a label written `產品開發者∕廠商：` is the label
//! `產品開發者／廠商`.

/// The colons accepted after a label: ASCII, full-width, the small and vertical forms
/// Big5 decodes to (`﹕` 0xA152, `︰` 0xA14A) and the ratio sign IMEs produce.
pub(crate) const COLONS: [char; 5] = [':', '：', '﹕', '︰', '∶'];

/// The number of characters of `s` that are not whitespace (labels are compared so).
pub(crate) fn folded_len(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// Folds a character for label comparison: ASCII case, the full-width forms of ASCII
/// (`／：－＿．，（）` and letters, U+FF01–U+FF5E), the small forms (`﹐﹒﹔﹕﹙﹚﹣` …) and
/// the look-alikes of `/`, `\`, `:` and `-` that Big5 and CP950 text decodes to.
pub(crate) fn fold(c: char) -> char {
    let c = match c {
        // The full-width block mirrors ASCII 0x21–0x7E at a fixed distance.
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
        c if COLONS.contains(&c) => ':',
        '∕' | '⁄' => '/',
        '﹨' | '∖' => '\\',
        '﹐' => ',',
        '﹒' => '.',
        '﹔' => ';',
        '﹖' => '?',
        '﹗' => '!',
        '﹙' => '(',
        '﹚' => ')',
        '﹛' => '{',
        '﹜' => '}',
        '﹟' => '#',
        '﹠' => '&',
        '﹡' => '*',
        '﹢' => '+',
        '﹣' | '‐' | '‑' | '‒' | '–' | '−' => '-',
        '﹍' | '﹎' | '﹏' => '_',
        '﹤' => '<',
        '﹥' => '>',
        '﹦' => '=',
        '﹩' => '$',
        '﹪' => '%',
        '﹫' => '@',
        c => c,
    };
    c.to_ascii_lowercase()
}

/// Matches `alias` at the start of `s`, ignoring case, whitespace inside and the forms
/// [`fold`] folds (`∕`, `／` and `/` alike); returns the rest. An alias ending in a letter
/// or digit must end a word.
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

/// The rest of `s` after a leading colon of any width or form ([`COLONS`]).
pub(crate) fn strip_colon(s: &str) -> Option<&str> {
    s.strip_prefix(COLONS)
}

/// A parenthesized group at the start of `s`: (inside, after). Any form of parenthesis
/// opens and closes it (`(`, `（`, `﹙`; see [`fold`]).
pub(crate) fn strip_group(s: &str) -> Option<(&str, &str)> {
    let open = s.chars().next().filter(|c| fold(*c) == '(')?;
    let inner_start = s.get(open.len_utf8()..)?;
    let (end, close) = inner_start.char_indices().find(|(_, c)| fold(*c) == ')')?;
    Some((
        inner_start.get(..end)?,
        inner_start.get(end + close.len_utf8()..)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_fold_to_what_they_stand_for() {
        for (look_alike, plain) in [
            ('∕', '/'),
            ('／', '/'),
            ('﹨', '\\'),
            ('：', ':'),
            ('﹕', ':'),
            ('︰', ':'),
            ('∶', ':'),
            ('，', ','),
            ('﹐', ','),
            ('（', '('),
            ('﹙', '('),
            ('﹚', ')'),
            ('－', '-'),
            ('﹣', '-'),
            ('＿', '_'),
            ('﹏', '_'),
            ('．', '.'),
            ('Ｅ', 'e'),
        ] {
            assert_eq!(fold(look_alike), plain, "{look_alike}");
        }
        // Characters with no plain form stay themselves.
        for c in ['廠', '◎', '■', '、', '。'] {
            assert_eq!(fold(c), c);
        }
    }

    #[test]
    fn labels_match_through_big5_punctuation() {
        assert_eq!(
            match_alias("產品開發者∕廠商﹕techOh Inc.", "產品開發者／廠商"),
            Some("﹕techOh Inc.")
        );
        assert_eq!(match_alias("Ｅ－mail﹕a@b.tw", "E-mail"), Some("﹕a@b.tw"));
        assert_eq!(strip_colon("﹕ techOh"), Some(" techOh"));
        assert_eq!(
            strip_group("﹙Report date﹐ YYYY-MM-DD﹚﹕x"),
            Some(("Report date﹐ YYYY-MM-DD", "﹕x"))
        );
        assert_eq!(strip_group("（hint）x"), Some(("hint", "x")));
        assert_eq!(strip_group("(open"), None);
    }
}
