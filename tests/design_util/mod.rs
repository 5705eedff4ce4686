//! Shared helpers for the validation-design tests: a seeded synthetic radiomics design matrix
//! (a few informative features, noise features, per-centre location/scale shifts, optional
//! survival times) and manifests built from TOML text.
#![allow(dead_code)]
use ndarray::{Array1, Array2};
use radstudy::manifest::{parse, Manifest};
use radstudy::validate::{Design, DesignColumns};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A design matrix with its row labels.
pub struct Data {
    pub x: Array2<f64>,
    pub y: Array1<f64>,
    pub time: Array1<f64>,
    pub columns: Vec<String>,
    pub n_radiomics: usize,
    pub centres: Vec<String>,
    pub patients: Vec<String>,
    pub extra: DesignColumns,
}

impl Data {
    pub fn design(&self) -> Design<'_> {
        Design {
            x: &self.x,
            y: &self.y,
            time: &self.time,
            columns: &self.columns,
            n_radiomics: self.n_radiomics,
            centres: &self.centres,
            patients: &self.patients,
            extra: &self.extra,
        }
    }
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller
    let u1: f64 = rng.random::<f64>().max(1e-300);
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// `n_per_centre` patients in each centre, `p` radiomics features of which the first 3 carry
/// the outcome; centre c shifts every feature by 0.8·c and scales it by 1 + 0.3·c.
/// `survival`: exponential event times with rate exp(linear predictor), 30% censoring.
pub fn synthetic(centres: &[&str], n_per_centre: usize, p: usize, seed: u64, survival: bool) -> Data {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = centres.len() * n_per_centre;
    let mut x = Array2::<f64>::zeros((n, p));
    let mut y = Array1::<f64>::zeros(n);
    let mut time = Array1::<f64>::from_elem(n, f64::NAN);
    let mut cs = Vec::new();
    for i in 0..n {
        let c = i / n_per_centre;
        cs.push(centres[c].to_string());
        let mut lp = 0.0;
        for j in 0..p {
            let z = normal(&mut rng);
            if j < 3 {
                lp += [1.2, -0.9, 0.7][j] * z;
            }
            x[[i, j]] = z * (1.0 + 0.3 * c as f64) + 0.8 * c as f64;
        }
        if survival {
            let u: f64 = rng.random::<f64>().max(1e-12);
            let t = -u.ln() / (0.05 * lp.exp());
            let cens: f64 = rng.random::<f64>() * 60.0 + 5.0;
            time[i] = t.min(cens).max(0.1);
            y[i] = if t <= cens { 1.0 } else { 0.0 };
        } else {
            let prob = 1.0 / (1.0 + (-lp).exp());
            y[i] = if rng.random::<f64>() < prob { 1.0 } else { 0.0 };
        }
    }
    Data {
        x,
        y,
        time,
        columns: (0..p).map(|j| format!("AP.tumour.stats.f{j:02}")).collect(),
        n_radiomics: p,
        centres: cs,
        patients: (0..n).map(|i| format!("P{i:03}")).collect(),
        extra: DesignColumns::default(),
    }
}

/// A manifest: fixed header (binary or survival) + `body` (models, validation, select, ...).
pub fn manifest(survival: bool, body: &str) -> Manifest {
    manifest_seeded(survival, body, 11)
}

/// As `manifest` with another study seed.
pub fn manifest_seeded(survival: bool, body: &str, seed: u64) -> Manifest {
    let kind = if survival {
        "kind = \"survival\"\noutcome = \"event\"\ntime = \"months\""
    } else {
        "kind = \"binary\"\noutcome = \"y\""
    };
    let text = format!(
        "[study]\nname = \"t\"\ntitle = \"t\"\n{kind}\nseed = {seed}\n\n[cohort]\ntable = \"unused.csv\"\n\n[[sequence]]\nname = \"AP\"\n\n[[roi]]\nname = \"tumour\"\n\n{body}\n"
    );
    parse(&text).unwrap_or_else(|e| panic!("manifest: {e}\n{text}"))
}
