//! One computed feature value with its identity (family, aggregation, name, IBSI code).
//! This module only defines the record; it computes nothing.

/// A single feature value as produced by an extractor.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Short family key, e.g. "stats", "glcm", "morph".
    pub family: &'static str,
    /// Texture aggregation key, e.g. "3d_merged", "2d_avg"; "" for non-texture families.
    pub aggregation: &'static str,
    /// Snake-case feature name, e.g. "joint_entropy".
    pub name: &'static str,
    /// IBSI permanent identifier, e.g. "TU9B"; "" where IBSI defines none.
    pub ibsi_code: &'static str,
    pub value: f64,
}

impl Feature {
    /// Column key without sequence/ROI prefix: `family.name`, or `family_aggregation.name`
    /// when an aggregation other than the family's default is used.
    pub fn key(&self, default_aggregation: bool) -> String {
        if self.aggregation.is_empty() || default_aggregation {
            format!("{}.{}", self.family, self.name)
        } else {
            format!("{}_{}.{}", self.family, self.aggregation, self.name)
        }
    }
}
