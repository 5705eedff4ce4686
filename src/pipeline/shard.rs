//! Scale-out extraction: `radstudy shard <manifest> --shard i/n --out DIR` extracts one
//! contiguous block of patients (by cohort-table order) and writes its feature tables;
//! `radstudy merge <manifest> DIR...` checks that the shards belong to this study and its
//! exact inputs, cover every patient once, and stores them as the feature-cache entry the
//! whole run would use — `radstudy run` then goes straight to modelling.
//! Must not fit anything; a shard's tables hold only features, never outcomes.

use super::{cache, load_study, ExtractionPlan, RunOptions, StudyError};
use crate::cohort::Cohort;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for ShardSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("--shard `{s}`: expected i/n with 1 ≤ i ≤ n (e.g. 2/8)");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(ShardSpec { index, count })
    }
}

impl ShardSpec {
    /// The rows (cohort order) of this shard: contiguous, sizes differ by at most one.
    pub fn rows(&self, n_patients: usize) -> Range<usize> {
        let start = (self.index - 1) * n_patients / self.count;
        let end = self.index * n_patients / self.count;
        start..end
    }
}

/// What a shard folder says about itself (`shard.json`, written last).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct ShardInfo {
    key: String,
    index: usize,
    count: usize,
    observers: usize,
    patients: Vec<String>,
}

fn sub_cohort(cohort: &Cohort, rows: Range<usize>) -> Cohort {
    Cohort { patients: cohort.patients[rows].to_vec(), source: cohort.source.clone() }
}

/// Extract one shard into `out`; returns the number of patients extracted.
pub fn extract_shard(path: &Path, spec: ShardSpec, out: &Path, opts: &RunOptions) -> Result<usize, StudyError> {
    let (study, cohort, table) = load_study(path, opts)?;
    let n = cohort.patients.len();
    if spec.count > n {
        return Err(StudyError::bad(format!(
            "--shard {}/{}: the cohort {} has only {n} patients; use at most {n} shards",
            spec.index,
            spec.count,
            table.display()
        )));
    }
    let plan = ExtractionPlan::new(&study, &cohort, &table)?;
    let part = sub_cohort(&cohort, spec.rows(n));
    let bar = super::progress::bar(part.patients.len() as u64, "extracting shard", opts.quiet);
    let entry = plan.extract(&study, &part, &|| bar.inc(1))?;
    bar.finish_and_clear();
    std::fs::create_dir_all(out).map_err(|e| {
        StudyError::bad(format!("shard output folder {}: cannot create it ({e}); choose another --out", out.display()))
    })?;
    let _ = std::fs::remove_file(out.join("shard.json"));
    cache::write_files(out, &entry).map_err(StudyError::Internal)?;
    let info = ShardInfo {
        key: plan.key.clone(),
        index: spec.index,
        count: spec.count,
        observers: plan.observers,
        patients: plan.patients(&part),
    };
    let text = serde_json::to_string_pretty(&info).map_err(|e| StudyError::Internal(e.into()))? + "\n";
    crate::io_util::write_atomic(&out.join("shard.json"), text.as_bytes())
        .map_err(|e| StudyError::Internal(e.into()))?;
    Ok(part.patients.len())
}

/// Merge shard folders into the study's feature-cache entry; returns the entry folder.
pub fn merge(path: &Path, dirs: &[PathBuf], opts: &RunOptions) -> Result<PathBuf, StudyError> {
    let (study, cohort, table) = load_study(path, opts)?;
    let plan = ExtractionPlan::new(&study, &cohort, &table)?;
    let mut shards = Vec::new();
    for d in dirs {
        let f = d.join("shard.json");
        let text = std::fs::read_to_string(&f).map_err(|e| {
            StudyError::bad(format!("{}: {e}; is {} a finished `radstudy shard` output?", f.display(), d.display()))
        })?;
        let info: ShardInfo = serde_json::from_str(&text)
            .map_err(|e| StudyError::bad(format!("{}: not a shard description: {e}", f.display())))?;
        if info.key != plan.key {
            return Err(StudyError::bad(format!(
                "shard {}: it was extracted from other inputs or settings than {} now names (feature key {} ≠ {}); re-run `radstudy shard` for it",
                d.display(),
                path.display(),
                &info.key[..12.min(info.key.len())],
                &plan.key[..12]
            )));
        }
        shards.push((info, d.clone()));
    }
    let count =
        shards.first().map(|s| s.0.count).ok_or_else(|| StudyError::bad("merge: name at least one shard folder"))?;
    shards.sort_by_key(|s| s.0.index);
    let indices: Vec<usize> = shards.iter().map(|s| s.0.index).collect();
    if shards.iter().any(|s| s.0.count != count) || indices != (1..=count).collect::<Vec<_>>() {
        return Err(StudyError::bad(format!(
            "merge: shards {} given, but every shard 1..{count} of {count} is needed exactly once",
            indices.iter().map(|i| format!("{i}/{count}")).collect::<Vec<_>>().join(", ")
        )));
    }
    let mut parts = Vec::new();
    for (info, d) in &shards {
        let e = cache::read_files(d, plan.observers)
            .map_err(|e| StudyError::bad(format!("shard {}: {e:#}", d.display())))?;
        if e.observers.iter().any(|t| t.patients != info.patients) {
            return Err(StudyError::bad(format!("shard {}: its tables do not match its shard.json", d.display())));
        }
        parts.push(e);
    }
    let entry = concat(&parts).map_err(StudyError::bad)?;
    if entry.observers[0].patients != plan.patients(&cohort) {
        return Err(StudyError::bad(format!(
            "merge: the shards' patients differ from the cohort table {} (order or membership)",
            table.display()
        )));
    }
    cache::store(&opts.cache_root(), &plan.key, &entry).map_err(StudyError::Internal)
}

/// Stack shard entries row-wise (shard order).
fn concat(parts: &[cache::Entry]) -> Result<cache::Entry, String> {
    let n_obs = parts[0].observers.len();
    let mut observers = Vec::with_capacity(n_obs);
    for o in 0..n_obs {
        let columns = parts[0].observers[o].columns.clone();
        if parts.iter().any(|p| p.observers[o].columns != columns) {
            return Err("merge: the shards have different feature columns; re-extract them with one radstudy".into());
        }
        let views: Vec<_> = parts.iter().map(|p| p.observers[o].values.view()).collect();
        let values = ndarray::concatenate(ndarray::Axis(0), &views).map_err(|e| format!("merge: {e}"))?;
        let patients = parts.iter().flat_map(|p| p.observers[o].patients.iter().cloned()).collect();
        observers.push(crate::features::table::FeatureTable { patients, columns, values });
    }
    let warnings = parts.iter().flat_map(|p| p.warnings.iter().cloned()).collect();
    Ok(cache::Entry { observers, warnings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_partitions() {
        assert_eq!("2/3".parse::<ShardSpec>().unwrap(), ShardSpec { index: 2, count: 3 });
        for bad in ["0/3", "4/3", "x", "1/0", "1-3"] {
            assert!(bad.parse::<ShardSpec>().is_err(), "{bad}");
        }
        for n in [3usize, 10, 122] {
            for k in 1..=3usize {
                let mut all = Vec::new();
                for i in 1..=k {
                    all.extend(ShardSpec { index: i, count: k }.rows(n));
                }
                assert_eq!(all, (0..n).collect::<Vec<_>>());
            }
        }
    }
}
