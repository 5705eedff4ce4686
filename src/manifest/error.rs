//! Manifest errors: one clear line naming the file, the TOML key path and the line.
//! Must not decide what is valid (that is `types::validate`); it only phrases problems.

use std::path::PathBuf;

/// Everything that can be wrong with a manifest.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read manifest {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    /// TOML syntax or schema problem. `key` is the dotted key path where known.
    #[error("{}{}{}: {message}", file_prefix(file), key_part(key), line_part(*line))]
    Invalid { file: Option<PathBuf>, key: Option<String>, line: Option<usize>, message: String },
}

fn file_prefix(f: &Option<PathBuf>) -> String {
    match f {
        Some(p) => format!("manifest {}", p.display()),
        None => "manifest".to_string(),
    }
}
fn key_part(k: &Option<String>) -> String {
    match k {
        Some(k) if !k.is_empty() => format!(", key `{k}`"),
        _ => String::new(),
    }
}
fn line_part(l: Option<usize>) -> String {
    match l {
        Some(l) => format!(", line {l}"),
        None => String::new(),
    }
}

impl ManifestError {
    /// An invalid value at a key path (no line known).
    pub fn at(key: &str, message: impl Into<String>) -> Self {
        ManifestError::Invalid { file: None, key: Some(key.to_string()), line: None, message: message.into() }
    }

    /// Attach the manifest file name.
    pub fn with_path(self, path: &std::path::Path) -> Self {
        match self {
            ManifestError::Invalid { key, line, message, .. } => {
                ManifestError::Invalid { file: Some(path.to_path_buf()), key, line, message }
            }
            other => other,
        }
    }
}

/// Turn a toml/serde error into one line: key path, line number, message, and a
/// spelling suggestion for unknown keys.
pub fn from_toml(text: &str, e: toml::de::Error) -> ManifestError {
    let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    let raw = e.message().trim().to_string();
    let key = e.span().map(|s| key_path_at(text, s.start));
    let message = match unknown_field(&raw) {
        Some((found, expected)) => match suggest(&found, &expected) {
            Some(s) => format!("unknown key `{found}`; did you mean `{s}`? (allowed: {})", expected.join(", ")),
            None => format!("unknown key `{found}` (allowed: {})", expected.join(", ")),
        },
        None => plain_types(&raw.replace('\n', " ")),
    };
    ManifestError::Invalid { file: None, key, line, message }
}

/// Rust type names in serde messages, in words a user knows.
fn plain_types(msg: &str) -> String {
    let mut s = msg.to_string();
    for (t, word) in [
        ("expected u64", "expected a non-negative integer"),
        ("expected u32", "expected a non-negative integer"),
        ("expected usize", "expected a non-negative integer"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
    ] {
        s = s.replace(t, word);
    }
    s
}

/// The dotted key path in force at byte `pos`: the enclosing `[table]` header plus the key on
/// the line of `pos` (good enough to point a user at the place).
fn key_path_at(text: &str, pos: usize) -> String {
    let before = &text[..pos.min(text.len())];
    let mut table = String::new();
    for l in before.lines() {
        let t = l.trim();
        if t.starts_with('[') && !t.starts_with("[[") {
            table = t.trim_matches(|c| c == '[' || c == ']').trim().to_string();
        } else if t.starts_with("[[") {
            table = t.trim_matches(|c| c == '[' || c == ']').trim().to_string();
        }
    }
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_text = text[line_start..].lines().next().unwrap_or("");
    let key = line_text.split('=').next().unwrap_or("").trim();
    let key = if key.starts_with('[') || key.is_empty() { "" } else { key };
    match (table.is_empty(), key.is_empty()) {
        (true, _) => key.to_string(),
        (false, true) => table,
        (false, false) => format!("{table}.{key}"),
    }
}

/// Parse serde's "unknown field `x`, expected one of `a`, `b`" message.
fn unknown_field(msg: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (found, rest) = rest.split_once('`')?;
    let expected: Vec<String> = rest.split('`').skip(1).step_by(2).map(|s| s.to_string()).collect();
    Some((found.to_string(), expected))
}

/// The closest allowed key by edit distance, if it is close enough to be a typo.
pub fn suggest(found: &str, expected: &[String]) -> Option<String> {
    expected
        .iter()
        .map(|e| (levenshtein(found, e), e))
        .filter(|(d, e)| *d <= 2.max(e.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, e)| e.clone())
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn suggests_close_keys() {
        let exp = vec!["seed".to_string(), "name".to_string(), "outcome".to_string()];
        assert_eq!(suggest("seeed", &exp).as_deref(), Some("seed"));
        assert_eq!(suggest("outcom", &exp).as_deref(), Some("outcome"));
        assert_eq!(suggest("zzzzzzzz", &exp), None);
    }
}
