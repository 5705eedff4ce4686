//! CSV export of report tables following RFC 4180 (CRLF line ends, fields quoted only when they
//! contain a comma, double quote, CR or LF; quotes doubled). Must not reformat cell contents.
use super::doc::Table;

fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

fn push_record(out: &mut String, cells: &[String], width: usize) {
    for i in 0..width {
        if i > 0 {
            out.push(',');
        }
        push_field(out, cells.get(i).map_or("", String::as_str));
    }
    out.push_str("\r\n");
}

/// Header (if any) then rows, each padded to the table's column count, CRLF-terminated.
pub fn table_to_csv(table: &Table) -> String {
    let width = table.column_count();
    let mut out = String::new();
    if !table.header.is_empty() {
        push_record(&mut out, &table.header, width);
    }
    for row in &table.rows {
        push_record(&mut out, row, width);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn quotes_only_when_needed() {
        let t = Table {
            title: "t".into(),
            header: s(&["feature", "value"]),
            rows: vec![s(&["glcm, contrast", "1.5"]), s(&["say \"hi\"", "line1\nline2"]), s(&["short"])],
            note: None,
        };
        let csv = table_to_csv(&t);
        assert_eq!(csv, "feature,value\r\n\"glcm, contrast\",1.5\r\n\"say \"\"hi\"\"\",\"line1\nline2\"\r\nshort,\r\n");
        // Cross-check with the csv crate's RFC 4180 reader.
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(csv.as_bytes());
        let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
        assert_eq!(&rows[0][0], "glcm, contrast");
        assert_eq!(&rows[1][0], "say \"hi\"");
        assert_eq!(&rows[1][1], "line1\nline2");
        assert_eq!(rows[2].len(), 2);
    }

    #[test]
    fn empty_table_is_empty_string() {
        assert_eq!(table_to_csv(&Table::default()), "");
    }
}
