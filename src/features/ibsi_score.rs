//! IBSI 1 benchmark scorer: the digital-phantom setting and CT-phantom configurations A–E
//! (IBSI manual, "Reference data sets"), loading the phantoms, running `extract_ibsi`, and
//! scoring every reference row with IBSI's rule (round to 3 significant digits, then
//! |value − reference| ≤ tolerance). It reads reference files; it computes no features.

use crate::features::extract::{extract_ibsi, FamilyName, IbsiSettings, TextureAggregations};
use crate::features::texture::Aggregation;
use crate::features::Feature;
use crate::image::io::{read_image, read_mask};
use crate::image::preprocess::{Discretisation, Interpolation, IvhDiscretisation, Resegmentation};
use crate::image::Volume;
use std::path::Path;

/// The six IBSI 1 reference data sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IbsiDataSet {
    DigitalPhantom,
    ConfigA,
    ConfigB,
    ConfigC,
    ConfigD,
    ConfigE,
}

impl IbsiDataSet {
    /// All data sets in manual order.
    pub const ALL: [IbsiDataSet; 6] = [
        IbsiDataSet::DigitalPhantom,
        IbsiDataSet::ConfigA,
        IbsiDataSet::ConfigB,
        IbsiDataSet::ConfigC,
        IbsiDataSet::ConfigD,
        IbsiDataSet::ConfigE,
    ];

    /// The `data` key of the reference CSV ("dig_phantom", "config_A", ...).
    pub fn key(self) -> &'static str {
        match self {
            IbsiDataSet::DigitalPhantom => "dig_phantom",
            IbsiDataSet::ConfigA => "config_A",
            IbsiDataSet::ConfigB => "config_B",
            IbsiDataSet::ConfigC => "config_C",
            IbsiDataSet::ConfigD => "config_D",
            IbsiDataSet::ConfigE => "config_E",
        }
    }
}

fn all_2d_aggregations() -> TextureAggregations {
    use Aggregation::*;
    let cm = Some(vec![D2Averaged, D2SliceMerged, D25DirectionMerged, D25Merged]);
    let other = Some(vec![D2, D25]);
    TextureAggregations {
        glcm: cm.clone(),
        glrlm: cm,
        glszm: other.clone(),
        gldzm: other.clone(),
        ngtdm: other.clone(),
        ngldm: other,
    }
}

fn all_3d_aggregations() -> TextureAggregations {
    use Aggregation::*;
    let cm = Some(vec![D3Averaged, D3Merged]);
    let other = Some(vec![D3]);
    TextureAggregations {
        glcm: cm.clone(),
        glrlm: cm,
        glszm: other.clone(),
        gldzm: other.clone(),
        ngtdm: other.clone(),
        ngldm: other,
    }
}

fn all_aggregations() -> TextureAggregations {
    use Aggregation::*;
    let cm = Some(vec![D2Averaged, D2SliceMerged, D25DirectionMerged, D25Merged, D3Averaged, D3Merged]);
    let other = Some(vec![D2, D25, D3]);
    TextureAggregations {
        glcm: cm.clone(),
        glrlm: cm,
        glszm: other.clone(),
        gldzm: other.clone(),
        ngtdm: other.clone(),
        ngldm: other,
    }
}

/// The IBSI processing settings of a data set (manual tables; distances 1, coarseness 0).
pub fn ibsi_settings(ds: IbsiDataSet) -> IbsiSettings {
    let base = IbsiSettings { families: FamilyName::ALL.to_vec(), ..Default::default() };
    let range = |a: f64, b: f64, outliers: bool| Resegmentation {
        min: Some(a),
        max: Some(b),
        outlier_sigma: outliers.then_some(3.0),
    };
    let resampled_3d = |method: Interpolation| IbsiSettings {
        resample_spacing: Some([2.0, 2.0, 2.0]),
        interpolation: method,
        round_intensities: true,
        roi_interpolation: Interpolation::Linear,
        roi_partial_volume: 0.5,
        texture_aggregations: all_3d_aggregations(),
        ..base.clone()
    };
    match ds {
        IbsiDataSet::DigitalPhantom => IbsiSettings {
            discretisation: Discretisation::None,
            ivh_discretisation: IvhDiscretisation::None,
            texture_aggregations: all_aggregations(),
            ..base
        },
        IbsiDataSet::ConfigA => IbsiSettings {
            by_slice: true,
            resegmentation: range(-500.0, 400.0, false),
            discretisation: Discretisation::Fbs(25.0),
            ivh_discretisation: IvhDiscretisation::None,
            texture_aggregations: all_2d_aggregations(),
            ..base
        },
        IbsiDataSet::ConfigB => IbsiSettings {
            by_slice: true,
            resample_spacing: Some([2.0, 2.0, 2.0]),
            interpolation: Interpolation::Linear,
            round_intensities: true,
            roi_interpolation: Interpolation::Linear,
            roi_partial_volume: 0.5,
            resegmentation: range(-500.0, 400.0, false),
            discretisation: Discretisation::Fbn(32),
            ivh_discretisation: IvhDiscretisation::None,
            texture_aggregations: all_2d_aggregations(),
            ..base
        },
        IbsiDataSet::ConfigC => IbsiSettings {
            resegmentation: range(-1000.0, 400.0, false),
            discretisation: Discretisation::Fbs(25.0),
            ivh_discretisation: IvhDiscretisation::Fbs(2.5),
            ..resampled_3d(Interpolation::Linear)
        },
        IbsiDataSet::ConfigD => IbsiSettings {
            resegmentation: Resegmentation { outlier_sigma: Some(3.0), ..Default::default() },
            discretisation: Discretisation::Fbn(32),
            ivh_discretisation: IvhDiscretisation::None,
            ..resampled_3d(Interpolation::Linear)
        },
        IbsiDataSet::ConfigE => IbsiSettings {
            resegmentation: range(-1000.0, 400.0, true),
            discretisation: Discretisation::Fbn(32),
            ivh_discretisation: IvhDiscretisation::Fbn(1000),
            ..resampled_3d(Interpolation::CubicSpline)
        },
    }
}

/// Load a data set's image and mask from the IBSI reference directory (`.../ibsi`). CT
/// intensities are rounded to the nearest integer (IBSI advice for the NIfTI phantom).
pub fn load_data_set(ibsi_dir: &Path, ds: IbsiDataSet) -> Result<(Volume<f32>, Volume<u8>), String> {
    let sub = if ds == IbsiDataSet::DigitalPhantom { "digital_phantom" } else { "ct_radiomics_phantom" };
    let base = ibsi_dir.join(sub).join("nifti");
    let image = read_image(&base.join("image/phantom.nii.gz")).map_err(|e| e.to_string())?;
    let mask = read_mask(&base.join("mask/mask.nii.gz"), Some(1)).map_err(|e| e.to_string())?;
    // IBSI advice: round CT intensities to integers after loading.
    let image = image.with_data(image.data.mapv(f32::round));
    Ok((image, mask))
}

/// One row of `ibsi_1_reference_values.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceRow {
    /// Feature.family key ("stats", "glcm", ...), derived from the manual's family heading.
    pub family: String,
    pub feature: String,
    pub ibsi_code: String,
    /// snake_case of the table caption (separates e.g. V10 and V90, which share BC2M).
    pub caption_name: String,
    /// `data` column: "dig_phantom", "config_A", ...
    pub data: String,
    /// Feature.aggregation key ("" for non-texture rows).
    pub aggregation: String,
    /// `None` where the manual has no consensus value.
    pub value: Option<f64>,
    pub tolerance: f64,
}

/// Feature.family key for the manual's family heading.
pub fn family_key(heading: &str) -> Option<&'static str> {
    Some(match heading {
        "Morphological features" => "morph",
        "Local intensity features" => "li",
        "Intensity-based statistical features" => "stats",
        "Intensity histogram features" => "ih",
        "Intensity-volume histogram features" => "ivh",
        "Grey level co-occurrence based features" => "glcm",
        "Grey level run length based features" => "glrlm",
        "Grey level size zone based features" => "glszm",
        "Grey level distance zone based features" => "gldzm",
        "Neighbourhood grey tone difference based features" => "ngtdm",
        "Neighbouring grey level dependence based features" => "ngldm",
        _ => return None,
    })
}

/// Feature.aggregation key for the CSV's aggregation label (TEXTURE_API.md mapping).
pub fn aggregation_key(label: &str) -> Option<&'static str> {
    Some(match label.trim() {
        "" => "",
        "2D, averaged" => "2d_avg",
        "2D, slice-merged" => "2d_smrg",
        "2.5D, direction-merged" => "2_5d_dmrg",
        "2.5D, merged" => "2_5d_mrg",
        "3D, averaged" => "3d_avg",
        "3D, merged" => "3d_mrg",
        "2D" => "2d",
        "2.5D" => "2_5d",
        "3D" => "3d",
        _ => return None,
    })
}

/// snake_case: lower-case, every run of non-alphanumeric characters becomes one `_`.
pub fn snake_case(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// Read the reference CSV (header: family, feature, ibsi_code, table_caption, data,
/// aggregation, value, tolerance, ...).
pub fn load_reference(csv_path: &Path) -> Result<Vec<ReferenceRow>, String> {
    let mut rdr = csv::Reader::from_path(csv_path).map_err(|e| format!("{}: {e}", csv_path.display()))?;
    let headers = rdr.headers().map_err(|e| e.to_string())?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name).ok_or(format!("column {name} missing"));
    let (cf, cn, cc, ct, cd, ca, cv, ctol) = (
        col("family")?,
        col("feature")?,
        col("ibsi_code")?,
        col("table_caption")?,
        col("data")?,
        col("aggregation")?,
        col("value")?,
        col("tolerance")?,
    );
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let r = rec.map_err(|e| e.to_string())?;
        let family = family_key(&r[cf]).ok_or(format!("unknown family {:?}", &r[cf]))?;
        let aggregation = aggregation_key(&r[ca]).ok_or(format!("unknown aggregation {:?}", &r[ca]))?;
        let num = |s: &str| -> Result<Option<f64>, String> {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                s.trim().parse::<f64>().map(Some).map_err(|e| format!("{s:?}: {e}"))
            }
        };
        rows.push(ReferenceRow {
            family: family.to_string(),
            feature: r[cn].to_string(),
            ibsi_code: r[cc].to_string(),
            caption_name: snake_case(&r[ct]),
            data: r[cd].to_string(),
            aggregation: aggregation.to_string(),
            value: num(&r[cv])?,
            tolerance: num(&r[ctol])?.unwrap_or(0.0),
        });
    }
    Ok(rows)
}

/// Round to 3 significant digits (IBSI's comparison rule); 0 and non-finite values unchanged.
pub fn round_sig3(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    format!("{v:.2e}").parse().unwrap_or(v)
}

/// IBSI match: |round_sig3(ours) − reference| ≤ tolerance (with 1e-9 relative slack for the
/// binary representation of decimal numbers). NaN never matches.
pub fn matches_reference(ours: f64, reference: f64, tolerance: f64) -> bool {
    let r = round_sig3(ours);
    r.is_finite() && (r - reference).abs() <= tolerance + 1e-9 * reference.abs().max(1e-300)
}

/// Pass counts for one (family, aggregation) group of a data set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupScore {
    pub family: String,
    pub aggregation: String,
    pub passed: usize,
    pub failed: usize,
    /// Rows of a family that produced no features at all (e.g. a stand-in family).
    pub not_computed: usize,
}

/// A reference row that did not match.
#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    pub family: String,
    pub aggregation: String,
    pub ibsi_code: String,
    pub feature: String,
    /// Our value, NaN when the feature was missing from the output.
    pub ours: f64,
    pub reference: f64,
    pub tolerance: f64,
}

/// Score of one data set.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreReport {
    pub data_set: IbsiDataSet,
    /// Groups in reference-file order of first appearance.
    pub groups: Vec<GroupScore>,
    pub misses: Vec<Miss>,
}

impl ScoreReport {
    /// (passed, failed, not_computed) summed over groups, optionally for one family only.
    pub fn totals(&self, family: Option<&str>) -> (usize, usize, usize) {
        self.groups
            .iter()
            .filter(|g| family.is_none_or(|f| g.family == f))
            .fold((0, 0, 0), |acc, g| (acc.0 + g.passed, acc.1 + g.failed, acc.2 + g.not_computed))
    }
}

/// Find the feature for a reference row: same code and aggregation; where several features
/// share them, the one named like the row's table caption.
fn find_feature<'a>(features: &'a [Feature], row: &ReferenceRow) -> Option<&'a Feature> {
    let same: Vec<&Feature> = features
        .iter()
        .filter(|f| f.family == row.family && f.ibsi_code == row.ibsi_code && f.aggregation == row.aggregation)
        .collect();
    match same.len() {
        0 => None,
        1 => Some(same[0]),
        _ => same.into_iter().find(|f| f.name == row.caption_name),
    }
}

/// Score `features` of data set `ds` against its rows in `rows` (rows without a consensus
/// value are skipped).
pub fn score(ds: IbsiDataSet, features: &[Feature], rows: &[ReferenceRow]) -> ScoreReport {
    let mut groups: Vec<GroupScore> = Vec::new();
    let mut misses = Vec::new();
    for row in rows.iter().filter(|r| r.data == ds.key()) {
        let Some(reference) = row.value else { continue };
        let gi = match groups.iter().position(|g| g.family == row.family && g.aggregation == row.aggregation) {
            Some(i) => i,
            None => {
                groups.push(GroupScore {
                    family: row.family.clone(),
                    aggregation: row.aggregation.clone(),
                    passed: 0,
                    failed: 0,
                    not_computed: 0,
                });
                groups.len() - 1
            }
        };
        if !features.iter().any(|f| f.family == row.family) {
            groups[gi].not_computed += 1;
            continue;
        }
        let ours = find_feature(features, row).map_or(f64::NAN, |f| f.value);
        if matches_reference(ours, reference, row.tolerance) {
            groups[gi].passed += 1;
        } else {
            groups[gi].failed += 1;
            misses.push(Miss {
                family: row.family.clone(),
                aggregation: row.aggregation.clone(),
                ibsi_code: row.ibsi_code.clone(),
                feature: row.caption_name.clone(),
                ours,
                reference,
                tolerance: row.tolerance,
            });
        }
    }
    ScoreReport { data_set: ds, groups, misses }
}

/// Load data set `ds` from `ibsi_dir`, extract with its IBSI settings and score against `rows`.
pub fn run_benchmark(ibsi_dir: &Path, ds: IbsiDataSet, rows: &[ReferenceRow]) -> Result<ScoreReport, String> {
    let (image, mask) = load_data_set(ibsi_dir, ds)?;
    let features = extract_ibsi(&image, &mask, &ibsi_settings(ds)).map_err(|e| e.to_string())?;
    Ok(score(ds, &features, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibsi_rounding_rule() {
        assert_eq!(round_sig3(2.1486), 2.15);
        assert_eq!(round_sig3(-0.35546), -0.355);
        assert_eq!(round_sig3(1_649_823_000.0), 1.65e9);
        assert!(matches_reference(0.09459, 0.0946, 0.0));
        assert!(!matches_reference(0.0948, 0.0946, 0.0));
        assert!(matches_reference(6.9e-5, 6.980000000000002e-05, 1.0300000000000001e-05));
        assert!(!matches_reference(f64::NAN, 1.0, 10.0));
    }

    #[test]
    fn caption_names() {
        assert_eq!(snake_case("volume fraction at 10% intensity"), "volume_fraction_at_10_intensity");
        assert_eq!(snake_case("(excess) kurtosis"), "excess_kurtosis");
    }
}
