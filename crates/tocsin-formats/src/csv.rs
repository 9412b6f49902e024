//! CSV as tocsin writes it (RFC 4180), for the feeds people open in spreadsheets.

/// Quotes a CSV field when it needs it (RFC 4180); a leading `=`, `+`, `-` or `@` is
/// prefixed with `'` so that a spreadsheet never runs it as a formula.
pub fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// One CSV line (with its newline) of `fields`.
pub fn line<S: AsRef<str>>(fields: &[S]) -> String {
    let mut out = fields
        .iter()
        .map(|f| field(f.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=cmd()"), "'=cmd()");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(line(&["a", "-1", "b,c"]), "a,'-1,\"b,c\"\n");
    }
}
