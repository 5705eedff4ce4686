//! Manifest v1 schema: every table and key a study file may hold, with defaults.
//! Unknown keys are rejected everywhere (`deny_unknown_fields`). Cross-field rules live in
//! `validate`. Must not read any file.

use super::ManifestError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole study file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub study: StudySection,
    #[serde(default)]
    pub published: Option<Published>,
    pub cohort: CohortSection,
    #[serde(rename = "sequence")]
    pub sequences: Vec<Sequence>,
    #[serde(rename = "roi")]
    pub rois: Vec<Roi>,
    #[serde(default)]
    pub preprocess: Preprocess,
    #[serde(default)]
    pub features: FeaturesSection,
    #[serde(default)]
    pub stability: Stability,
    #[serde(default)]
    pub select: Select,
    #[serde(rename = "model")]
    pub models: Vec<ModelSpec>,
    pub validation: Validation,
    /// `[harmonise]`: batch harmonisation fitted inside each split.
    #[serde(default)]
    pub harmonise: Option<Harmonise>,
    #[serde(default)]
    pub report: ReportSection,
}

/// `[study]`: what the study is and predicts.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StudySection {
    /// Short identifier: letters, digits, `_` and `-` only (used in output paths).
    pub name: String,
    pub title: String,
    /// Outcome kind: "binary" or "survival".
    #[serde(default = "default_kind")]
    pub kind: OutcomeKind,
    /// Outcome column of the cohort table: 0/1 for binary; the event indicator (1 = event,
    /// 0 = censored) for survival.
    pub outcome: String,
    /// Survival only: the follow-up time column (> 0, any unit, e.g. months).
    #[serde(default)]
    pub time: Option<String>,
    /// Seed of every random choice in the study.
    pub seed: u64,
}

fn default_kind() -> OutcomeKind {
    OutcomeKind::Binary
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Binary,
    Survival,
}

/// `[published]`: the paper's numbers, reported beside ours. Free-form numbers are allowed
/// under `values` so that each study can carry what its paper reported.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    /// Citation.
    pub source: String,
    #[serde(default)]
    pub doi: Option<String>,
    #[serde(default)]
    pub train_n: Option<u32>,
    #[serde(default)]
    pub test_n: Option<u32>,
    /// Published training AUC.
    #[serde(default)]
    pub auc_train: Option<f64>,
    /// Published validation (test) AUC.
    #[serde(default)]
    pub auc_test: Option<f64>,
    /// Published validation C-index (survival studies).
    #[serde(default)]
    pub c_index_test: Option<f64>,
    /// Published training C-index (survival studies).
    #[serde(default)]
    pub c_index_train: Option<f64>,
    /// Published odds ratio of the outcome between unsupervised subgroups (clustering
    /// models; the run-all index compares it with the subgroups' OR, high- vs low-risk).
    #[serde(default)]
    pub odds_ratio: Option<f64>,
    /// Published validation AUC 95% CI, if reported.
    #[serde(default)]
    pub auc_test_ci: Option<[f64; 2]>,
    /// Which of our cohorts the published validation AUC is compared with: "external" or "internal_cv".
    #[serde(default = "default_compare")]
    pub compare_with: String,
    #[serde(default)]
    pub notes: Option<String>,
    /// Which of our models the published value is compared with in the run-all index
    /// (default: the first model).
    #[serde(default)]
    pub model: Option<String>,
}

fn default_compare() -> String {
    "external".into()
}

/// `[cohort]`: either a synthetic cohort radstudy generates, or a cohort table on disk.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CohortSection {
    #[serde(default)]
    pub synthetic: Option<crate::synth::SynthSpec>,
    /// Cohort table (CSV), relative to the manifest.
    #[serde(default)]
    pub table: Option<String>,
    /// Column holding the centre (batch) of each patient.
    #[serde(default = "default_centre")]
    pub centre_column: String,
    /// Clinical columns carried into the report's design table.
    #[serde(default)]
    pub clinical: Vec<String>,
    /// Mask label to use when mask files hold several labels (default: the file must hold one).
    #[serde(default)]
    pub mask_label: Option<u32>,
    /// Largest image/mask origin difference (mm) still taken as the same grid (default 0.001).
    #[serde(default)]
    pub origin_tolerance_mm: Option<f64>,
}

fn default_centre() -> String {
    "centre".into()
}

/// `[[sequence]]`: one MR sequence; its image column is `image_<name>`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sequence {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// `[[roi]]`: the tumour or a peritumoural ring.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Roi {
    pub name: String,
    /// `[inner, outer]` mm: the ring of voxels at distance (inner, outer] outside the tumour.
    /// Absent: the tumour itself.
    #[serde(default)]
    pub ring_mm: Option<[f64; 2]>,
}

/// `[preprocess]`: image processing before feature extraction (IBSI terms).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Preprocess {
    /// Resample to this voxel size in mm (x, y, z) on IBSI's centre-aligned grid; absent = none.
    #[serde(default)]
    pub resample_mm: Option<[f64; 3]>,
    /// Image interpolation for resampling.
    #[serde(default = "default_interp")]
    pub interpolation: Interpolation,
    /// MRI intensity normalisation over the ROI: "none", "zscore", "range", "percentile".
    #[serde(default)]
    pub normalise: Normalise,
    /// Re-segmentation range [lower, upper] in (normalised) intensity units.
    #[serde(default)]
    pub resegment_range: Option<[f64; 2]>,
    /// Re-segmentation by outlier filtering: mean ± k·SD (IBSI uses 3).
    #[serde(default)]
    pub outlier_sd: Option<f64>,
    /// Discretisation: `{ bin_count = 32 }` (FBN) or `{ bin_width = 25.0 }` (FBS).
    #[serde(default)]
    pub discretise: Discretise,
    /// Round intensities to integers after interpolation (IBSI; e.g. CT in HU).
    #[serde(default)]
    pub round_intensities: bool,
    /// ROI partial-volume threshold after ROI interpolation (IBSI default 0.5).
    #[serde(default = "half")]
    pub roi_partial_volume: f64,
    /// Separate IVH discretisation: `{ bin_count = 1000 }` (default) or `{ bin_width = 2.5 }`.
    #[serde(default)]
    pub ivh_discretise: Option<Discretise>,
}

fn half() -> f64 {
    0.5
}

impl Default for Preprocess {
    fn default() -> Self {
        Preprocess {
            resample_mm: None,
            interpolation: Interpolation::Linear,
            normalise: Normalise::None,
            resegment_range: None,
            outlier_sd: None,
            discretise: Discretise::default(),
            round_intensities: false,
            roi_partial_volume: 0.5,
            ivh_discretise: None,
        }
    }
}

fn default_interp() -> Interpolation {
    Interpolation::Linear
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Interpolation {
    Nearest,
    Linear,
    Cubic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Normalise {
    #[default]
    None,
    Zscore,
    Range,
    Percentile,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Discretise {
    #[serde(default)]
    pub bin_count: Option<u32>,
    #[serde(default)]
    pub bin_width: Option<f64>,
}

impl Default for Discretise {
    fn default() -> Self {
        Discretise { bin_count: Some(32), bin_width: None }
    }
}

/// `[features]`: what to extract.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeaturesSection {
    /// Feature definitions: "ibsi" or "pyradiomics".
    #[serde(default = "default_convention")]
    pub convention: String,
    /// Families: "stats", "ih", "glcm", "glrlm", "glszm", "gldzm", "ngtdm", "ngldm", "morph".
    #[serde(default = "default_families")]
    pub families: Vec<String>,
    /// Image filters; v1 supports "original".
    #[serde(default = "default_filters")]
    pub filters: Vec<String>,
    /// Skip extraction: read features from this CSV (one row per patient, `patient` column).
    #[serde(default)]
    pub table: Option<String>,
    /// IBSI texture aggregation per family, e.g. `{ glcm = ["3d_avg", "2_5d_mrg"], ngtdm = ["2d"] }`
    /// (keys: 2d_avg, 2d_smrg, 2_5d_dmrg, 2_5d_mrg, 3d_avg, 3d_mrg; zone/neighbourhood families:
    /// 2d, 2_5d, 3d). Default: 3D merged (GLCM, GLRLM) and 3D (others); non-default
    /// aggregations appear in column names as `family_<aggregation>.feature`.
    #[serde(default)]
    pub aggregation: crate::features::TextureAggregations,
    /// Slice-by-slice (2D) configuration: in-plane resampling only and 2D default aggregations.
    #[serde(default)]
    pub by_slice: bool,
    /// With `table`: a second observer's feature CSV (same columns) for the ICC filter.
    #[serde(default)]
    pub table_2: Option<String>,
    /// convention "pyradiomics": a PyRadiomics parameter YAML (relative to the manifest).
    #[serde(default)]
    pub pyradiomics_params: Option<String>,
    /// convention "pyradiomics": inline parameters (`setting`, `imageType`, `featureClass`).
    #[serde(default)]
    pub pyradiomics: Option<toml::Table>,
}

impl Default for FeaturesSection {
    fn default() -> Self {
        FeaturesSection {
            convention: default_convention(),
            families: default_families(),
            filters: default_filters(),
            table: None,
            aggregation: Default::default(),
            by_slice: false,
            table_2: None,
            pyradiomics_params: None,
            pyradiomics: None,
        }
    }
}

fn default_convention() -> String {
    "ibsi".into()
}
fn default_families() -> Vec<String> {
    vec!["stats".into(), "glcm".into()]
}
fn default_filters() -> Vec<String> {
    vec!["original".into()]
}

/// `[stability]`: feature reproducibility across segmentations.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stability {
    /// ICC form, e.g. "ICC(2,1)".
    #[serde(default = "default_icc")]
    pub icc: String,
    /// Keep features whose ICC (or its lower CI bound) is at least this.
    #[serde(default = "default_icc_threshold")]
    pub threshold: f64,
    /// "value" (point estimate) or "lower_ci".
    #[serde(default = "default_filter_on")]
    pub filter_on: String,
    /// Set to false to skip the stability filter (icc.csv is still written).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Re-segmentation by perturbing each patient's primary mask, used when the cohort has one
    /// mask per patient (or in addition to further observers), e.g.
    /// `[{ kind = "erode", mm = 1.0 }, { kind = "dilate", mm = 1.0 }, { kind = "contour", magnitude_mm = 1.0, smoothness_mm = 3.0 }, { kind = "translate", max_mm = 1.0 }]`.
    #[serde(default)]
    pub perturbations: Vec<PerturbationSpec>,
}

/// One mask perturbation for stability analysis.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum PerturbationSpec {
    Erode { mm: f64 },
    Dilate { mm: f64 },
    Contour { magnitude_mm: f64, smoothness_mm: f64 },
    Translate { max_mm: f64 },
}

impl PerturbationSpec {
    /// The image-module perturbation.
    pub fn to_perturbation(self) -> crate::image::perturb::Perturbation {
        use crate::image::perturb::Perturbation as P;
        match self {
            PerturbationSpec::Erode { mm } => P::Erode { mm },
            PerturbationSpec::Dilate { mm } => P::Dilate { mm },
            PerturbationSpec::Contour { magnitude_mm, smoothness_mm } => P::Contour { magnitude_mm, smoothness_mm },
            PerturbationSpec::Translate { max_mm } => P::Translate { max_mm },
        }
    }
}

impl Default for Stability {
    fn default() -> Self {
        Stability {
            icc: default_icc(),
            threshold: default_icc_threshold(),
            filter_on: default_filter_on(),
            enabled: true,
            perturbations: Vec::new(),
        }
    }
}

fn default_icc() -> String {
    "ICC(2,1)".into()
}
fn default_icc_threshold() -> f64 {
    0.75
}
fn default_filter_on() -> String {
    "value".into()
}
fn yes() -> bool {
    true
}

/// `[select]`: the selection chain, fitted inside each training split.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Select {
    pub steps: Vec<SelectStep>,
}

impl Default for Select {
    fn default() -> Self {
        Select {
            steps: vec![
                SelectStep::MannWhitney { p: 0.05, fdr: false },
                SelectStep::Correlation { max_abs_r: 0.9 },
                SelectStep::Lasso { folds: 5, rule: LambdaRule::OneSe, max_features: None },
            ],
        }
    }
}

/// One selection step.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum SelectStep {
    /// Drop features with training variance below `min`.
    Variance { min: f64 },
    /// Keep features with Mann–Whitney U p < `p` (Benjamini–Hochberg q when `fdr`).
    MannWhitney {
        p: f64,
        #[serde(default)]
        fdr: bool,
    },
    /// Of each pair with |Pearson r| > `max_abs_r`, drop the one with the weaker univariate AUC.
    Correlation { max_abs_r: f64 },
    /// L1-penalised path with inner CV (logistic for binary, Cox for survival); keep the
    /// non-zero coefficients.
    Lasso {
        #[serde(default = "five")]
        folds: usize,
        #[serde(default)]
        rule: LambdaRule,
        /// Keep at most this many (largest |coefficient|).
        #[serde(default)]
        max_features: Option<usize>,
    },
    /// Keep the k features with the smallest Mann–Whitney p (binary) or univariate Cox p (survival).
    KBest { k: usize },
    /// Survival: keep features whose univariate Cox (Efron) Wald p < `p`.
    Cox { p: f64 },
    /// Keep the top `pct` percent of features by Mann–Whitney p (binary).
    Percentile { pct: f64 },
    /// Minimum-redundancy maximum-relevance (FCQ: ANOVA F / mean |r|), `k` features (binary).
    Mrmr { k: usize },
    /// Recursive feature elimination with an L2 logistic model (scikit-learn's C), down to `k`.
    Rfe {
        k: usize,
        #[serde(default = "one")]
        c: f64,
        #[serde(default = "one_usize")]
        step: usize,
    },
}

fn five() -> usize {
    5
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LambdaRule {
    #[serde(rename = "min")]
    Min,
    #[default]
    #[serde(rename = "1se")]
    OneSe,
}

/// `[[model]]`: a model fitted on the selected features (and/or clinical columns).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    pub name: String,
    /// "logistic", "random_forest", "svm" or "gradient_boosting" (binary outcome), or "cox"
    /// (survival outcome, Efron ties).
    pub kind: String,
    /// "none" or "l2".
    #[serde(default = "default_penalty")]
    pub penalty: String,
    /// Inverse L2 strength (scikit-learn's C) when penalty = "l2".
    #[serde(default = "one")]
    pub c: f64,
    /// Inputs: "radiomics" (the selected features) and/or clinical columns.
    #[serde(default = "default_inputs")]
    pub inputs: Vec<String>,
    /// Sequences whose features this model may use (default: all).
    #[serde(default)]
    pub sequences: Option<Vec<String>>,
    /// Expand into one model per non-empty combination of `sequences` (or of all sequences),
    /// named `<name>_<SEQ1+SEQ2>`, reported as one table (e.g. T2WI, AP, PVP, T2WI+AP, …).
    #[serde(default)]
    pub sequence_grid: bool,
    /// random_forest / gradient_boosting: number of trees (500 / 100).
    #[serde(default)]
    pub n_trees: Option<usize>,
    /// random_forest / gradient_boosting: maximum tree depth (none / 3).
    #[serde(default)]
    pub max_depth: Option<usize>,
    /// gradient_boosting: shrinkage (0.1).
    #[serde(default)]
    pub learning_rate: Option<f64>,
    /// svm: "linear" or "rbf" (default "rbf"; γ = "scale" as scikit-learn).
    #[serde(default)]
    pub kernel: Option<String>,
    /// Hyperparameter grid tuned by inner stratified CV on each split's training rows, e.g.
    /// `{ c = [0.01, 0.1, 1, 10] }` or `{ n_trees = [100, 300], max_depth = [2, 4] }`.
    #[serde(default)]
    pub grid: Option<BTreeMap<String, Vec<f64>>>,
    /// kmeans / hierarchical: number of subgroups (default 2).
    #[serde(default)]
    pub clusters: Option<usize>,
    /// Selection chain for this model only (default: `[select] steps`; for kmeans /
    /// hierarchical: variance + correlation, which use no outcome).
    #[serde(default)]
    pub select: Option<Vec<SelectStep>>,
    /// cox: times (follow-up units) at which absolute risk is reported (Breslow baseline).
    #[serde(default)]
    pub risk_times: Vec<f64>,
}

impl ModelSpec {
    /// Unsupervised subgroup discovery (k-means or Ward hierarchical clustering).
    pub fn is_clustering(&self) -> bool {
        matches!(self.kind.as_str(), "kmeans" | "hierarchical")
    }
}

/// Grid keys each model kind may tune.
pub fn grid_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "logistic" | "svm" => &["c"],
        "random_forest" => &["n_trees", "max_depth"],
        "gradient_boosting" => &["n_trees", "max_depth", "learning_rate"],
        _ => &[],
    }
}

fn default_penalty() -> String {
    "none".into()
}
fn one() -> f64 {
    1.0
}
fn default_inputs() -> Vec<String> {
    vec!["radiomics".into()]
}

/// `[validation]`: internal and external validation designs.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Validation {
    #[serde(default)]
    pub internal: Option<Internal>,
    #[serde(default)]
    pub external: Option<External>,
    /// Survival studies: times (follow-up units, > 0) of the time-dependent AUC (time_auc.csv);
    /// empty = the 25th, 50th and 75th percentiles of the training event times.
    #[serde(default)]
    pub auc_times: Vec<f64>,
}

/// Internal validation on the training centres.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Internal {
    /// "repeated_kfold" (stratified), "nested_cv", "split", "bootstrap", "fixed" or "loco".
    #[serde(default = "default_scheme")]
    pub scheme: String,
    #[serde(default = "five")]
    pub folds: usize,
    #[serde(default = "one_usize")]
    pub repeats: usize,
    /// split: share of the training patients that train (stratified by outcome), default 0.7.
    #[serde(default)]
    pub ratio: Option<f64>,
    /// bootstrap: number of bootstrap resamples (Harrell's optimism correction), default 200.
    #[serde(default)]
    pub resamples: Option<usize>,
    /// fixed: column (values `train` / `test`) of the cohort table or of `file`.
    #[serde(default)]
    pub column: Option<String>,
    /// fixed: CSV with `patient` and `column` (default: the cohort table).
    #[serde(default)]
    pub file: Option<String>,
    /// Inner stratified folds for hyperparameter tuning (`[[model]] grid`).
    #[serde(default = "five")]
    pub inner_folds: usize,
}

/// The internal validation schemes.
pub const SCHEMES: &[&str] = &["repeated_kfold", "nested_cv", "split", "bootstrap", "fixed", "loco"];

fn default_scheme() -> String {
    "repeated_kfold".into()
}
fn one_usize() -> usize {
    1
}

/// External validation: fit on `train` centres, test on each `test` centre.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct External {
    pub train: Vec<String>,
    pub test: Vec<String>,
}

/// `[harmonise]`: batch harmonisation, fitted on each split's training rows only.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Harmonise {
    #[serde(default)]
    pub combat: Option<CombatSpec>,
}

/// `[harmonise] combat = { ... }`: ComBat (Johnson 2007, as neuroCombat) on the radiomics columns.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CombatSpec {
    /// Batch column of the cohort table (default: the centre column).
    #[serde(default = "default_centre")]
    pub batch: String,
    /// Clinical columns (in `[cohort] clinical`) whose effects ComBat preserves.
    #[serde(default)]
    pub covariates: Vec<String>,
    /// Parametric (true) or non-parametric empirical Bayes.
    #[serde(default = "yes")]
    pub parametric: bool,
    /// Held-out patient of a batch absent from the training rows: "error" or "no_correction".
    #[serde(default = "default_unseen")]
    pub unseen: String,
}

fn default_unseen() -> String {
    "error".into()
}

/// `[report]`: what the report shows.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSection {
    /// Stratified bootstrap resamples for AUC CIs (0 = DeLong only).
    #[serde(default = "default_boot")]
    pub bootstrap: usize,
    /// Threshold rule for sensitivity/specificity: "youden_oof" (Youden on out-of-fold training predictions).
    #[serde(default = "default_threshold_rule")]
    pub threshold: String,
    /// Free notes shown in the report.
    #[serde(default)]
    pub notes: BTreeMap<String, String>,
}

impl Default for ReportSection {
    fn default() -> Self {
        ReportSection { bootstrap: default_boot(), threshold: default_threshold_rule(), notes: BTreeMap::new() }
    }
}

fn default_boot() -> usize {
    1000
}
fn default_threshold_rule() -> String {
    "youden_oof".into()
}

const KNOWN_FAMILIES: &[&str] =
    &["morph", "li", "stats", "ih", "ivh", "glcm", "glrlm", "glszm", "gldzm", "ngtdm", "ngldm"];

/// Cross-field rules that serde cannot express. Each error names its key.
pub fn validate(m: &Manifest) -> Result<(), ManifestError> {
    let name = &m.study.name;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(ManifestError::at(
            "study.name",
            format!("`{name}` may hold only letters, digits, `_` and `-` (it names the output folder)"),
        ));
    }
    match (&m.cohort.synthetic, &m.cohort.table) {
        (Some(_), Some(_)) => return Err(ManifestError::at("cohort", "give either `synthetic` or `table`, not both")),
        (None, None) => {
            return Err(ManifestError::at("cohort", "give `synthetic = {...}` or `table = \"cohort.csv\"`"))
        }
        _ => {}
    }
    if m.sequences.is_empty() {
        return Err(ManifestError::at("sequence", "at least one [[sequence]] is needed"));
    }
    unique("sequence.name", m.sequences.iter().map(|s| s.name.as_str()))?;
    for s in &m.sequences {
        if s.name.is_empty() || s.name.contains(['.', '/', '\\', ' ']) {
            return Err(ManifestError::at("sequence.name", format!("`{}`: no dots, slashes or spaces", s.name)));
        }
    }
    if m.rois.is_empty() {
        return Err(ManifestError::at("roi", "at least one [[roi]] is needed"));
    }
    unique("roi.name", m.rois.iter().map(|r| r.name.as_str()))?;
    for r in &m.rois {
        if r.name.contains(['.', '/', '\\', ' ']) {
            return Err(ManifestError::at("roi.name", format!("`{}`: no dots, slashes or spaces", r.name)));
        }
        if let Some([a, b]) = r.ring_mm {
            if !(a >= 0.0 && b > a && b.is_finite()) {
                return Err(ManifestError::at("roi.ring_mm", format!("[{a}, {b}] must satisfy 0 ≤ inner < outer")));
            }
        }
    }
    let d = m.preprocess.discretise;
    match (d.bin_count, d.bin_width) {
        (Some(n), None) if n >= 2 => {}
        (None, Some(w)) if w > 0.0 => {}
        _ => {
            return Err(ManifestError::at(
                "preprocess.discretise",
                "give exactly one of `bin_count` (≥ 2) or `bin_width` (> 0)",
            ))
        }
    }
    if !(m.preprocess.roi_partial_volume > 0.0 && m.preprocess.roi_partial_volume <= 1.0) {
        return Err(ManifestError::at("preprocess.roi_partial_volume", "must be in (0, 1]"));
    }
    if let Some(d) = m.preprocess.ivh_discretise {
        if !matches!((d.bin_count, d.bin_width), (Some(n), None) if n >= 2)
            && !matches!((d.bin_count, d.bin_width), (None, Some(w)) if w > 0.0)
        {
            return Err(ManifestError::at(
                "preprocess.ivh_discretise",
                "give exactly one of `bin_count` (≥ 2) or `bin_width` (> 0)",
            ));
        }
    }
    if let Some(r) = m.preprocess.resample_mm {
        if r.iter().any(|v| v.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater)) {
            return Err(ManifestError::at("preprocess.resample_mm", "all three spacings must be > 0"));
        }
    }
    crate::features::pyrad_cohort::validate_manifest_keys(&m.features)?;
    for f in &m.features.families {
        if !KNOWN_FAMILIES.contains(&f.as_str()) {
            let exp: Vec<String> = KNOWN_FAMILIES.iter().map(|s| s.to_string()).collect();
            let hint = super::error::suggest(f, &exp).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
            return Err(ManifestError::at("features.families", format!("unknown family `{f}`{hint}")));
        }
    }
    for f in &m.features.filters {
        if f != "original" {
            return Err(ManifestError::at(
                "features.filters",
                format!("filter `{f}` is not available yet; use \"original\""),
            ));
        }
    }
    if crate::stability::icc::IccForm::parse(&m.stability.icc).is_none() {
        return Err(ManifestError::at(
            "stability.icc",
            format!("`{}`: use one of ICC(1,1), ICC(2,1), ICC(3,1), ICC(1,k), ICC(2,k), ICC(3,k)", m.stability.icc),
        ));
    }
    if !(m.stability.threshold >= 0.0 && m.stability.threshold <= 1.0) {
        return Err(ManifestError::at(
            "stability.threshold",
            format!(
                "{} is outside [0, 1]; an ICC threshold is usually 0.75 (good) or 0.9 (excellent)",
                m.stability.threshold
            ),
        ));
    }
    if !["value", "lower_ci"].contains(&m.stability.filter_on.as_str()) {
        return Err(ManifestError::at("stability.filter_on", "use \"value\" or \"lower_ci\""));
    }
    for (i, s) in m.select.steps.iter().enumerate() {
        let key = format!("select.steps[{i}]");
        match s {
            SelectStep::MannWhitney { p, .. } if !(*p > 0.0 && *p <= 1.0) => {
                return Err(ManifestError::at(&key, "p must be in (0, 1]"))
            }
            SelectStep::Correlation { max_abs_r } if !(*max_abs_r > 0.0 && *max_abs_r <= 1.0) => {
                return Err(ManifestError::at(&key, "max_abs_r must be in (0, 1]"))
            }
            SelectStep::Lasso { folds, .. } if *folds < 2 => return Err(ManifestError::at(&key, "folds must be ≥ 2")),
            SelectStep::KBest { k } if *k == 0 => return Err(ManifestError::at(&key, "k must be ≥ 1")),
            _ => {}
        }
    }
    if m.models.is_empty() {
        return Err(ManifestError::at("model", "at least one [[model]] is needed"));
    }
    unique("model.name", m.models.iter().map(|x| x.name.as_str()))?;
    if let Some(t) = m.cohort.origin_tolerance_mm {
        if !(t.is_finite() && t >= 0.0) {
            return Err(ManifestError::at(
                "cohort.origin_tolerance_mm",
                format!("{t} must be a finite number ≥ 0 (mm)"),
            ));
        }
    }
    let survival = m.study.kind == OutcomeKind::Survival;
    if survival && m.study.time.is_none() {
        return Err(ManifestError::at("study.time", "a survival study needs `time = \"<follow-up column>\"`"));
    }
    if !survival && m.study.time.is_some() {
        return Err(ManifestError::at("study.time", "`time` is only for kind = \"survival\""));
    }
    if m.validation.auc_times.iter().any(|t| !(t.is_finite() && *t > 0.0)) {
        return Err(ManifestError::at("validation.auc_times", "times must be finite and > 0 (follow-up units)"));
    }
    if !survival && !m.validation.auc_times.is_empty() {
        return Err(ManifestError::at(
            "validation.auc_times",
            "the time-dependent AUC is only for kind = \"survival\"",
        ));
    }
    for (i, s) in m.select.steps.iter().enumerate() {
        let key = format!("select.steps[{i}]");
        match s {
            SelectStep::MannWhitney { .. } if survival => {
                return Err(ManifestError::at(
                    &key,
                    "mann_whitney needs a binary outcome; use method = \"cox\" for survival",
                ))
            }
            SelectStep::Cox { .. } if !survival => {
                return Err(ManifestError::at(&key, "method = \"cox\" needs kind = \"survival\"; use mann_whitney"))
            }
            SelectStep::Cox { p } if !(*p > 0.0 && *p <= 1.0) => {
                return Err(ManifestError::at(&key, "p must be in (0, 1]"))
            }
            _ => {}
        }
    }
    for md in &m.models {
        validate_model(md, survival)?;
        if !["none", "l2"].contains(&md.penalty.as_str()) {
            return Err(ManifestError::at("model.penalty", format!("`{}`: use \"none\" or \"l2\"", md.penalty)));
        }
        if let Some(seqs) = &md.sequences {
            unique("model.sequences", seqs.iter().map(String::as_str))?;
            for s in seqs {
                if !m.sequences.iter().any(|q| &q.name == s) {
                    return Err(ManifestError::at(
                        "model.sequences",
                        format!("`{s}` is not a [[sequence]] of this study"),
                    ));
                }
            }
        }
    }
    for md in m.models.iter().filter(|md| md.sequence_grid) {
        let n = md.sequences.as_ref().map_or(m.sequences.len(), Vec::len);
        if n > MAX_GRID_SEQUENCES {
            return Err(ManifestError::at(
                "model.sequence_grid",
                format!(
                    "model `{}`: a sequence grid over {n} sequences would make {} models; list at most \
                     {MAX_GRID_SEQUENCES} in `sequences`",
                    md.name,
                    if n < 64 { ((1u64 << n) - 1).to_string() } else { format!("2^{n} - 1") }
                ),
            ));
        }
    }
    if m.validation.internal.is_none() && m.validation.external.is_none() {
        return Err(ManifestError::at("validation", "give `internal`, `external` or both"));
    }
    if let Some(i) = &m.validation.internal {
        validate_internal(i)?;
    }
    if let Some(c) = m.harmonise.as_ref().and_then(|h| h.combat.as_ref()) {
        if !["error", "no_correction"].contains(&c.unseen.as_str()) {
            return Err(ManifestError::at("harmonise.combat.unseen", "use \"error\" or \"no_correction\""));
        }
        if let Some(v) = c.covariates.iter().find(|v| !m.cohort.clinical.contains(v)) {
            return Err(ManifestError::at(
                "harmonise.combat.covariates",
                format!("`{v}` is not in `[cohort] clinical`; add it there"),
            ));
        }
    }
    if let Some(e) = &m.validation.external {
        if e.train.is_empty() || e.test.is_empty() {
            return Err(ManifestError::at("validation.external", "name at least one train and one test centre"));
        }
        if let Some(c) = e.test.iter().find(|c| e.train.contains(c)) {
            return Err(ManifestError::at(
                "validation.external.test",
                format!("centre `{c}` is also a training centre"),
            ));
        }
    }
    if m.report.threshold != "youden_oof" {
        return Err(ManifestError::at("report.threshold", "use \"youden_oof\""));
    }
    Ok(())
}

/// Most sequences a `sequence_grid` model may combine (2^8 - 1 = 255 models).
pub const MAX_GRID_SEQUENCES: usize = 8;

/// Rules of one `[[model]]` (kind, grid, clusters, risk times).
fn validate_model(md: &ModelSpec, survival: bool) -> Result<(), ManifestError> {
    let binary_kinds = ["logistic", "random_forest", "svm", "gradient_boosting", "kmeans", "hierarchical"];
    let ok = if survival { md.kind == "cox" } else { binary_kinds.contains(&md.kind.as_str()) };
    if !ok {
        let expected = if survival { "\"cox\"".to_string() } else { binary_kinds.join(", ") };
        return Err(ManifestError::at(
            "model.kind",
            format!("model `{}`: kind `{}` does not fit this outcome; use {expected}", md.name, md.kind),
        ));
    }
    if let Some(grid) = &md.grid {
        let keys = grid_keys(&md.kind);
        for (k, v) in grid {
            if !keys.contains(&k.as_str()) {
                return Err(ManifestError::at(
                    "model.grid",
                    format!("model `{}` ({}): `{k}` cannot be tuned; tunable: {}", md.name, md.kind, keys.join(", ")),
                ));
            }
            if v.is_empty() || v.iter().any(|x| !(x.is_finite() && *x > 0.0)) {
                return Err(ManifestError::at("model.grid", format!("model `{}`: `{k}` needs values > 0", md.name)));
            }
        }
        if md.kind == "logistic" && md.penalty != "l2" {
            return Err(ManifestError::at(
                "model.grid",
                format!("model `{}`: tuning `c` needs penalty = \"l2\"", md.name),
            ));
        }
    }
    if md.is_clustering() && md.clusters.unwrap_or(2) < 2 {
        return Err(ManifestError::at("model.clusters", format!("model `{}`: clusters must be ≥ 2", md.name)));
    }
    if md.risk_times.iter().any(|t| !(t.is_finite() && *t > 0.0)) {
        return Err(ManifestError::at("model.risk_times", format!("model `{}`: times must be > 0", md.name)));
    }
    if !md.risk_times.is_empty() && md.kind != "cox" {
        return Err(ManifestError::at("model.risk_times", format!("model `{}`: only for kind = \"cox\"", md.name)));
    }
    Ok(())
}

/// Rules of `[validation] internal`.
fn validate_internal(i: &Internal) -> Result<(), ManifestError> {
    if !SCHEMES.contains(&i.scheme.as_str()) {
        return Err(ManifestError::at("validation.internal.scheme", format!("use one of {}", SCHEMES.join(", "))));
    }
    if i.folds < 2 || i.repeats < 1 || i.inner_folds < 2 {
        return Err(ManifestError::at("validation.internal", "folds ≥ 2, inner_folds ≥ 2 and repeats ≥ 1"));
    }
    if let Some(r) = i.ratio {
        if !(r > 0.0 && r < 1.0) {
            return Err(ManifestError::at("validation.internal.ratio", "ratio must be in (0, 1)"));
        }
    }
    if i.resamples == Some(0) {
        return Err(ManifestError::at("validation.internal.resamples", "resamples must be ≥ 1"));
    }
    if i.scheme == "fixed" && i.column.is_none() {
        return Err(ManifestError::at("validation.internal.column", "scheme = \"fixed\" needs `column = \"split\"`"));
    }
    Ok(())
}

fn unique<'a>(key: &str, names: impl Iterator<Item = &'a str>) -> Result<(), ManifestError> {
    let mut seen = std::collections::BTreeSet::new();
    for n in names {
        if !seen.insert(n) {
            return Err(ManifestError::at(key, format!("`{n}` appears twice")));
        }
    }
    Ok(())
}

impl Manifest {
    /// Expand `sequence_grid` models into one model per non-empty combination of sequences
    /// (in manifest order), leaving other models as they are.
    pub fn expand_sequence_grids(&mut self) {
        let all: Vec<String> = self.sequences.iter().map(|s| s.name.clone()).collect();
        let mut out = Vec::new();
        for m in &self.models {
            if !m.sequence_grid {
                out.push(m.clone());
                continue;
            }
            let seqs = m.sequences.clone().unwrap_or_else(|| all.clone());
            let n = seqs.len();
            let mut subsets: Vec<Vec<String>> = (1u32..(1 << n))
                .map(|mask| (0..n).filter(|i| mask & (1 << i) != 0).map(|i| seqs[i].clone()).collect())
                .collect();
            subsets.sort_by_key(|s| s.len());
            for s in subsets {
                let mut e = m.clone();
                e.name = format!("{}_{}", m.name, s.join("+"));
                e.sequences = Some(s);
                e.sequence_grid = false;
                out.push(e);
            }
        }
        self.models = out;
    }

    /// Clinical columns the study reads: `[cohort] clinical` plus every non-radiomics model input.
    pub fn cohort_clinical_inputs(&self) -> Vec<String> {
        let mut out = self.cohort.clinical.clone();
        for m in &self.models {
            for i in &m.inputs {
                if i != "radiomics" && !out.contains(i) {
                    out.push(i.clone());
                }
            }
        }
        out
    }
}
