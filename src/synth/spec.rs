//! The synthetic-cohort specification (`SynthSpec`) as read from a study file, with defaults
//! and validation. Every field's doc comment is user documentation (copied to docs/manifest.md).
//! This module must not generate anything; it only describes and checks what to generate.

use serde::{Deserialize, Serialize};

use super::SynthError;

/// A synthetic multi-centre MRI cohort of hepatocellular carcinoma (one lesion per patient).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynthSpec {
    /// The centres (hospitals / scanners). Patients are numbered centre by centre in this order.
    /// Default: two centres, "centre_A" (70 patients, 1.0 × 1.0 × 3 mm, noise SD 0.04) and "centre_B"
    /// (52 patients, 1.5 × 1.5 × 5 mm, intensity scale 0.6, offset 50, noise SD 0.08).
    #[serde(default = "default_centres")]
    pub centres: Vec<CentreSpec>,
    /// How the outcome is generated. Default: binary, prevalence 0.35, target AUC 0.80.
    #[serde(default)]
    pub outcome: OutcomeSpec,
    /// Number of tumour masks per patient (observer 1 is the generating shape; observers 2…
    /// have the surface displaced by a smooth random field of about one voxel). Default 2; 1–5.
    #[serde(default = "default_observers")]
    pub observers: usize,
    /// Margin in mm added on every side of the tumour's bounding box to form the image crop.
    /// Default 15 mm.
    #[serde(default = "default_margin")]
    pub crop_margin_mm: f64,
}

/// One acquisition centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentreSpec {
    /// Centre name (written to the `centre` column). Required, unique.
    pub name: String,
    /// Number of patients from this centre. Required, 1–20000 (20000 in total at most).
    pub patients: usize,
    /// Voxel spacing in mm along x, y (in-plane) and z (slice). Default [1.0, 1.0, 3.0].
    #[serde(default = "default_spacing")]
    pub spacing_mm: [f64; 3],
    /// Multiplicative scanner gain applied to every sequence's signal (stored value =
    /// offset + scale × signal). Default 1.0; must be > 0.
    #[serde(default = "one")]
    pub intensity_scale: f64,
    /// Additive scanner offset in stored units. Default 0.
    #[serde(default)]
    pub intensity_offset: f64,
    /// Rician noise SD as a fraction of the liver parenchyma signal of each sequence
    /// (1 / SNR of the liver). Default 0.05; 0–0.5.
    #[serde(default = "default_noise")]
    pub noise_sd: f64,
    /// Scanner model, for the record only (written to truth.json). Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scanner: Option<String>,
}

/// Outcome generating model; `kind` selects "binary" or "survival".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OutcomeSpec {
    /// Binary outcome (e.g. microvascular invasion) drawn from a logistic model.
    Binary(BinaryOutcome),
    /// Time-to-event outcome (months) from an exponential model with censoring.
    Survival(SurvivalOutcome),
}

/// Binary outcome parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BinaryOutcome {
    /// Expected fraction of positives (sets the intercept). Default 0.35; 0.05–0.95.
    #[serde(default = "default_prevalence")]
    pub prevalence: f64,
    /// Expected AUC of the true probabilities against the drawn outcomes (sets the scale of
    /// the linear predictor). Default 0.80; 0.5–0.99.
    #[serde(default = "default_auc")]
    pub target_auc: f64,
}

/// Survival outcome parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurvivalOutcome {
    /// Expected Harrell C-index of the true linear predictor against the observed times.
    /// Default 0.70; 0.5–0.95.
    #[serde(default = "default_c_index")]
    pub target_c_index: f64,
    /// Expected fraction of patients with an observed event (sets the baseline hazard).
    /// Default 0.60; 0.05–0.95.
    #[serde(default = "default_event_rate")]
    pub event_rate: f64,
    /// Administrative end of follow-up in months; everyone still event-free is censored
    /// then (10 % are also lost to follow-up by then, at a constant rate). Default 60.
    #[serde(default = "default_follow_up")]
    pub follow_up_months: f64,
}

impl Default for SynthSpec {
    fn default() -> Self {
        SynthSpec {
            centres: default_centres(),
            outcome: OutcomeSpec::default(),
            observers: default_observers(),
            crop_margin_mm: default_margin(),
        }
    }
}

impl Default for OutcomeSpec {
    fn default() -> Self {
        OutcomeSpec::Binary(BinaryOutcome::default())
    }
}

impl Default for BinaryOutcome {
    fn default() -> Self {
        BinaryOutcome { prevalence: default_prevalence(), target_auc: default_auc() }
    }
}

impl Default for SurvivalOutcome {
    fn default() -> Self {
        SurvivalOutcome {
            target_c_index: default_c_index(),
            event_rate: default_event_rate(),
            follow_up_months: default_follow_up(),
        }
    }
}

fn default_centres() -> Vec<CentreSpec> {
    vec![
        CentreSpec {
            name: "centre_A".into(),
            patients: 70,
            spacing_mm: [1.0, 1.0, 3.0],
            intensity_scale: 1.0,
            intensity_offset: 0.0,
            noise_sd: 0.04,
            scanner: None,
        },
        CentreSpec {
            name: "centre_B".into(),
            patients: 52,
            spacing_mm: [1.5, 1.5, 5.0],
            intensity_scale: 0.6,
            intensity_offset: 50.0,
            noise_sd: 0.08,
            scanner: None,
        },
    ]
}
fn default_observers() -> usize {
    2
}
fn default_margin() -> f64 {
    15.0
}
fn default_spacing() -> [f64; 3] {
    [1.0, 1.0, 3.0]
}
fn one() -> f64 {
    1.0
}
fn default_noise() -> f64 {
    0.05
}
fn default_prevalence() -> f64 {
    0.35
}
fn default_auc() -> f64 {
    0.80
}
fn default_c_index() -> f64 {
    0.70
}
fn default_event_rate() -> f64 {
    0.60
}
fn default_follow_up() -> f64 {
    60.0
}

fn in_range(what: &str, v: f64, lo: f64, hi: f64) -> Result<(), SynthError> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(())
    } else {
        Err(SynthError::Spec(format!("{what} = {v} must lie in [{lo}, {hi}]")))
    }
}

impl SynthSpec {
    /// Check every field; the message names the offending field and value.
    pub fn validate(&self) -> Result<(), SynthError> {
        if self.centres.is_empty() {
            return Err(SynthError::Spec("centres must list at least one centre".into()));
        }
        for (n, c) in self.centres.iter().enumerate() {
            if c.name.trim().is_empty() {
                return Err(SynthError::Spec(format!("centres[{n}].name is empty")));
            }
            if self.centres[..n].iter().any(|o| o.name == c.name) {
                return Err(SynthError::Spec(format!("centre name {:?} appears twice", c.name)));
            }
            if c.patients == 0 || c.patients > 20_000 {
                return Err(SynthError::Spec(format!("centre {:?}: patients must be 1–20000", c.name)));
            }
            for (a, s) in c.spacing_mm.iter().enumerate() {
                in_range(&format!("centre {:?} spacing_mm[{a}]", c.name), *s, 0.2, 10.0)?;
            }
            in_range(&format!("centre {:?} intensity_scale", c.name), c.intensity_scale, 1e-3, 100.0)?;
            in_range(&format!("centre {:?} intensity_offset", c.name), c.intensity_offset, -10_000.0, 10_000.0)?;
            in_range(&format!("centre {:?} noise_sd", c.name), c.noise_sd, 0.0, 0.5)?;
        }
        if !(1..=5).contains(&self.observers) {
            return Err(SynthError::Spec(format!("observers = {} must be 1–5", self.observers)));
        }
        in_range("crop_margin_mm", self.crop_margin_mm, 0.0, 100.0)?;
        match &self.outcome {
            OutcomeSpec::Binary(b) => {
                in_range("outcome.prevalence", b.prevalence, 0.05, 0.95)?;
                in_range("outcome.target_auc", b.target_auc, 0.5, 0.99)?;
            }
            OutcomeSpec::Survival(s) => {
                in_range("outcome.target_c_index", s.target_c_index, 0.5, 0.95)?;
                in_range("outcome.event_rate", s.event_rate, 0.05, 0.95)?;
                in_range("outcome.follow_up_months", s.follow_up_months, 1.0, 600.0)?;
            }
        }
        Ok(())
    }

    /// Total number of patients over all centres.
    pub fn n_patients(&self) -> usize {
        self.centres.iter().map(|c| c.patients).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_missing_fields_and_unknown_fields_are_rejected() {
        let s: SynthSpec = serde_json::from_str(
            r#"{"centres":[{"name":"a","patients":3}],"outcome":{"kind":"survival","event_rate":0.5}}"#,
        )
        .unwrap();
        assert_eq!(s.centres[0].spacing_mm, [1.0, 1.0, 3.0]);
        assert_eq!(s.observers, 2);
        assert_eq!(s.crop_margin_mm, 15.0);
        match &s.outcome {
            OutcomeSpec::Survival(o) => {
                assert_eq!(o.event_rate, 0.5);
                assert_eq!(o.target_c_index, 0.7);
            }
            _ => panic!("expected survival"),
        }
        s.validate().unwrap();
        assert!(serde_json::from_str::<SynthSpec>(r#"{"centers":[]}"#).is_err());
        assert!(serde_json::from_str::<SynthSpec>(r#"{"outcome":{"kind":"binary","auc":0.8}}"#).is_err());
        assert!(serde_json::from_str::<SynthSpec>(r#"{"centres":[{"name":"a","patients":1,"noise":1}]}"#).is_err());
        SynthSpec::default().validate().unwrap();
        assert_eq!(SynthSpec::default().n_patients(), 122);
    }

    #[test]
    fn validation_names_the_field() {
        let mut s = SynthSpec::default();
        s.centres[1].spacing_mm[2] = 0.0;
        let e = s.validate().unwrap_err().to_string();
        assert!(e.contains("spacing_mm[2]"), "{e}");
        let s = SynthSpec {
            outcome: OutcomeSpec::Binary(BinaryOutcome { prevalence: 0.3, target_auc: 1.0 }),
            ..SynthSpec::default()
        };
        assert!(s.validate().unwrap_err().to_string().contains("target_auc"));
    }
}
