//! The JSON-lines export format used to move all data between engines and instances.
//!
//! The first line is an [`ExportHeader`]; every further line is `{"table": NAME, "row":
//! {...}}` with the row as the storage layer serializes it. Tables come in dependency
//! order, so an import can insert line by line.

use serde::{Deserialize, Serialize};

/// The value of [`ExportHeader::format`].
pub const FORMAT_NAME: &str = "tocsin-export";

/// The first line of an export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportHeader {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// The schema (migration) version of the exporting build.
    pub schema_version: i64,
}

/// A data line, borrowed for writing.
#[derive(Serialize)]
pub struct ExportLineRef<'a, T: Serialize> {
    /// The table.
    pub table: &'a str,
    /// The row.
    pub row: &'a T,
}

/// A data line, read back with the row not yet typed.
#[derive(Debug, Deserialize)]
pub struct RawExportLine {
    /// The table.
    pub table: String,
    /// The row.
    pub row: serde_json::Value,
}

/// Why a line is not a valid export line.
#[derive(Debug, thiserror::Error)]
pub enum ExportFormatError {
    /// Not JSON of the expected shape.
    #[error("line {line}: {source}")]
    Json {
        /// 1-based line number.
        line: usize,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// The header is missing or names another format.
    #[error("not a tocsin export (first line must be the header)")]
    NotAnExport,
    /// The export was written by a build with another schema.
    #[error("export has schema version {found}, this build has {expected}")]
    Version {
        /// In the file.
        found: i64,
        /// Of this build.
        expected: i64,
    },
}

/// Parses and checks the header line.
pub fn parse_header(line: &str, expected_version: i64) -> Result<ExportHeader, ExportFormatError> {
    let h: ExportHeader = serde_json::from_str(line).map_err(|_| ExportFormatError::NotAnExport)?;
    if h.format != FORMAT_NAME {
        return Err(ExportFormatError::NotAnExport);
    }
    if h.schema_version != expected_version {
        return Err(ExportFormatError::Version {
            found: h.schema_version,
            expected: expected_version,
        });
    }
    Ok(h)
}

/// Parses a data line (1-based `line` for messages).
pub fn parse_line(text: &str, line: usize) -> Result<RawExportLine, ExportFormatError> {
    serde_json::from_str(text).map_err(|source| ExportFormatError::Json { line, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header() {
        let ok = r#"{"format":"tocsin-export","schema_version":1}"#;
        assert!(parse_header(ok, 1).is_ok());
        assert!(matches!(
            parse_header(ok, 2),
            Err(ExportFormatError::Version {
                found: 1,
                expected: 2
            })
        ));
        assert!(matches!(
            parse_header("{}", 1),
            Err(ExportFormatError::NotAnExport)
        ));
        assert!(matches!(
            parse_header(r#"{"format":"x","schema_version":1}"#, 1),
            Err(ExportFormatError::NotAnExport)
        ));
        assert!(parse_line(r#"{"table":"t","row":{}}"#, 2).is_ok());
        assert!(matches!(
            parse_line("[", 7),
            Err(ExportFormatError::Json { line: 7, .. })
        ));
    }
}

#[cfg(test)]
mod no_panic {
    use super::*;

    proptest::proptest! {
        #[test]
        fn any_line_is_handled(s in proptest::prelude::any::<String>(), n in 0usize..10_000) {
            let _ = parse_header(&s, 1);
            let _ = parse_line(&s, n);
        }
    }
}
