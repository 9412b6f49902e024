//! Charts as SVG text, drawn by hand: a horizontal bar chart and a line chart, enough for
//! the public monthly statistics and the newsletter. No fonts are loaded (text is left to
//! the reader's renderer), no script, and every label is escaped, so the output is safe to
//! serve as `image/svg+xml` and to inline. The `viewBox` makes it scale to a phone.

use std::fmt::Write;

/// Width of every chart in user units; it scales with `viewBox`.
const WIDTH: f64 = 640.0;
/// Height of one bar's row.
const ROW: f64 = 28.0;
/// Room for the labels left of the bars.
const LABEL_W: f64 = 220.0;
/// Room for the title.
const TITLE_H: f64 = 32.0;

/// Escapes text for SVG character data and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

fn open(out: &mut String, height: f64, title: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" \
         width=\"100%\" role=\"img\" aria-label=\"{t}\" font-family=\"sans-serif\" font-size=\"14\">\
         <title>{t}</title>\
         <rect width=\"{WIDTH}\" height=\"{height}\" fill=\"#fff\"/>\
         <text x=\"8\" y=\"22\" font-size=\"16\" font-weight=\"bold\">{t}</text>",
        t = escape(title)
    );
}

/// A horizontal bar chart of `(label, value)` rows, each bar's value written after it.
/// An empty series draws the title and `empty` (e.g. "no data").
pub fn bar_chart(title: &str, rows: &[(String, u64)], empty: &str) -> String {
    let n = rows.len().max(1) as f64;
    let height = TITLE_H + n * ROW + 8.0;
    let mut out = String::new();
    open(&mut out, height, title);
    if rows.is_empty() {
        let _ = write!(
            out,
            "<text x=\"8\" y=\"{}\" fill=\"#555\">{}</text>",
            TITLE_H + 18.0,
            escape(empty)
        );
    }
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    let room = WIDTH - LABEL_W - 60.0;
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = TITLE_H + i as f64 * ROW;
        let w = (*value as f64 / max * room).max(if *value > 0 { 1.0 } else { 0.0 });
        let _ = write!(
            out,
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>\
             <rect x=\"{LABEL_W}\" y=\"{ry}\" width=\"{w:.1}\" height=\"{h}\" fill=\"#1f5fa8\"/>\
             <text x=\"{vx:.1}\" y=\"{ty}\">{value}</text>",
            lx = LABEL_W - 8.0,
            ty = y + 19.0,
            ry = y + 5.0,
            h = ROW - 10.0,
            vx = LABEL_W + w + 6.0,
            label = escape(label),
        );
    }
    out.push_str("</svg>");
    out
}

/// A line chart of one series over labelled points (e.g. twelve months), with each
/// point's value written above it.
pub fn line_chart(title: &str, points: &[(String, u64)]) -> String {
    let height = 260.0;
    let (left, right, top, bottom) = (40.0, WIDTH - 20.0, TITLE_H + 24.0, height - 40.0);
    let mut out = String::new();
    open(&mut out, height, title);
    let _ = write!(
        out,
        "<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\" stroke=\"#888\"/>"
    );
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1) as f64;
    let step = if points.len() > 1 {
        (right - left) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let xy = |i: usize, v: u64| {
        (
            left + step * i as f64,
            bottom - v as f64 / max * (bottom - top),
        )
    };
    if !points.is_empty() {
        let path: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (x, y) = xy(i, p.1);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(
            out,
            "<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\" points=\"{}\"/>",
            path.join(" ")
        );
    }
    for (i, (label, value)) in points.iter().enumerate() {
        let (x, y) = xy(i, *value);
        let _ = write!(
            out,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#1f5fa8\"/>\
             <text x=\"{x:.1}\" y=\"{vy:.1}\" text-anchor=\"middle\" font-size=\"12\">{value}</text>\
             <text x=\"{x:.1}\" y=\"{ly}\" text-anchor=\"middle\" font-size=\"11\">{label}</text>",
            vy = y - 8.0,
            ly = bottom + 18.0,
            label = escape(label),
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_scale() {
        let svg = bar_chart(
            "A <b> & \"c\"",
            &[("<script>".into(), 10), ("b".into(), 5)],
            "none",
        );
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"));
        assert!(
            svg.contains("width=\"360.0\""),
            "the largest bar fills the room: {svg}"
        );
        assert!(
            svg.contains("width=\"180.0\""),
            "half the value, half the bar: {svg}"
        );
        assert!(bar_chart("t", &[], "no data").contains("no data"));
    }

    #[test]
    fn a_line_chart_has_one_point_per_label() {
        let pts: Vec<(String, u64)> = (1..=12).map(|m| (format!("{m:02}"), m)).collect();
        let svg = line_chart("trend", &pts);
        assert_eq!(svg.matches("<circle").count(), 12);
        assert!(line_chart("empty", &[]).ends_with("</svg>"));
    }
}
