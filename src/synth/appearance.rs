//! Per-sequence MR appearance of a synthetic patient: tissue signal by sequence name
//! (T1WI, T2WI, DWI b800, ADC, arterial, portal-venous, delayed, hepatobiliary, generic),
//! intratumoural texture, peripheral rim and peritumoural halo, washout, capsule, coil bias, point-spread blur,
//! Rician noise, and the centre's intensity scale and offset.
//! This module must not decide geometry (anatomy.rs) or write files.

use ndarray::{Array3, Zip};
use rand::Rng;
use rand_distr::StandardNormal;

use super::anatomy::{Anatomy, Latent};
use super::field::gaussian_blur;
use super::spec::CentreSpec;

/// Tissue signals of one sequence, as multiples of the liver parenchyma signal `liver`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contrast {
    /// Canonical sequence family ("T1WI", …, or "generic").
    pub family: &'static str,
    /// Liver parenchyma signal before the centre's scale and offset.
    pub liver: f64,
    /// Viable tumour relative to liver.
    pub tumour: f64,
    /// Necrotic core relative to liver.
    pub necrosis: f64,
    /// Vessel lumen relative to liver.
    pub vessel: f64,
    /// Extra relative signal of the 3 mm tumour rim per unit of rim strength (arterial rim
    /// enhancement; the targetoid pattern of DWI / ADC / HBP; a peripheral T2 / T1 rim).
    pub rim_gain: f64,
    /// Extra relative signal of the liver just outside the tumour per unit of rim strength,
    /// decaying as e^{−d/2 mm} with the distance d from the surface, cut at 6 mm
    /// (peritumoural arterial enhancement, peritumoural oedema, peritumoural HBP hypointensity).
    pub peri_gain: f64,
    /// Relative signal of the 1.5 mm enhancing capsule (0: no capsule).
    pub capsule: f64,
    /// Relative signal lost by the viable tumour per unit of washout strength.
    pub washout_gain: f64,
}

/// Table row: family, then [liver, tumour, necrosis, vessel, rim_gain, capsule, washout_gain, peri_gain].
const fn c(family: &'static str, v: [f64; 8]) -> Contrast {
    Contrast {
        family,
        liver: v[0],
        tumour: v[1],
        necrosis: v[2],
        vessel: v[3],
        rim_gain: v[4],
        capsule: v[5],
        washout_gain: v[6],
        peri_gain: v[7],
    }
}

/// The contrast table (HCC on gadoxetic-acid MRI, plausible but not calibrated to a scanner).
/// Every family expresses the rim property somewhere (rim and/or peritumoural halo), so the
/// outcome-driving latents are measurable from any single sequence a study declares.
pub const CONTRASTS: [Contrast; 9] = [
    c("T1WI", [400.0, 0.70, 0.35, 0.40, -0.25, 0.0, 0.0, 0.0]),
    c("T2WI", [250.0, 1.60, 2.80, 2.20, 0.50, 0.0, 0.0, 0.10]),
    c("DWI", [150.0, 2.20, 0.90, 0.30, 0.90, 0.0, 0.0, 0.0]),
    c("ADC", [1300.0, 0.65, 1.70, 2.20, -0.30, 0.0, 0.0, 0.0]),
    c("AP", [350.0, 1.45, 0.55, 1.80, 0.60, 0.0, 0.0, 0.25]),
    c("PVP", [500.0, 1.00, 0.45, 1.70, 0.20, 0.0, 0.35, 0.10]),
    c("DP", [450.0, 0.95, 0.45, 1.50, 0.0, 1.30, 0.45, 0.05]),
    c("HBP", [600.0, 0.50, 0.20, 0.45, -0.20, 0.0, 0.0, -0.20]),
    c("generic", [300.0, 1.20, 0.80, 1.20, 0.20, 0.0, 0.0, 0.10]),
];

/// Contrast for a sequence name (case and punctuation ignored; e.g. "t2w", "ART", "Delayed",
/// "DWI_b800", "hepatobiliary"); unknown names get the generic contrast.
pub fn contrast_for(name: &str) -> Contrast {
    let key: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase();
    let family = match key.as_str() {
        "T1" | "T1W" | "T1WI" | "T1PRE" | "PRE" => "T1WI",
        "T2" | "T2W" | "T2WI" => "T2WI",
        "DWI" | "B800" | "DWIB800" | "DWI800" | "DW" => "DWI",
        "ADC" => "ADC",
        "AP" | "ART" | "ARTERIAL" | "AP1" | "LAP" => "AP",
        "PVP" | "PV" | "PORTAL" | "PORTALVENOUS" | "VP" => "PVP",
        "DP" | "DELAYED" | "TP" | "TRANSITIONAL" | "EQ" | "EP" => "DP",
        "HBP" | "HEPATOBILIARY" | "HB" => "HBP",
        _ => "generic",
    };
    *CONTRASTS.iter().find(|c| c.family == family).unwrap_or(&CONTRASTS[8])
}

/// Noise-free, bias-free signal of one voxel (before blur, noise and the centre's scaling).
fn tissue_signal(k: &Contrast, latent: &Latent, sd: f32, nec: f32, ves: f32, ltex: f32, ttex: f32) -> f64 {
    let liver = k.liver * (1.0 + 0.04 * ltex as f64);
    if ves > 0.5 {
        return k.liver * k.vessel;
    }
    if sd >= 0.0 {
        if k.peri_gain != 0.0 && sd < 6.0 {
            let halo = k.peri_gain * latent.rim() * (-(sd as f64) / 2.0).exp();
            return (liver + k.liver * halo).max(0.0);
        }
        return liver;
    }
    if nec > 0.5 {
        return k.liver * k.necrosis * (1.0 + 0.03 * ttex as f64);
    }
    if k.capsule > 0.0 && sd > -1.5 {
        return k.liver * k.capsule;
    }
    let rim = if sd > -3.0 { k.rim_gain * latent.rim() } else { 0.0 };
    let rel = (k.tumour + rim - k.washout_gain * latent.washout()).max(0.05);
    (k.liver * rel * (1.0 + latent.heterogeneity() * ttex as f64)).max(0.0)
}

/// Render one sequence on the anatomy grid: tissue signal × bias, Gaussian point-spread blur
/// (SD 0.5 voxel), Rician noise (SD = noise_sd × liver signal), then offset + scale × signal.
pub fn render<R: Rng>(anat: &Anatomy, latent: &Latent, k: &Contrast, centre: &CentreSpec, rng: &mut R) -> Array3<f32> {
    let mut img = Array3::<f32>::zeros(anat.sd.raw_dim());
    Zip::from(&mut img)
        .and(&anat.sd)
        .and(&anat.necrosis)
        .and(&anat.vessel)
        .and(&anat.liver_tex)
        .and(&anat.tumour_tex)
        .for_each(|o, &sd, &nec, &ves, &lt, &tt| {
            *o = tissue_signal(k, latent, sd, nec, ves, lt, tt) as f32;
        });
    Zip::from(&mut img).and(&anat.bias).for_each(|o, &b| *o *= b);
    gaussian_blur(&mut img, [0.5, 0.5, 0.5]);
    let sigma = centre.noise_sd * k.liver;
    let (scale, offset) = (centre.intensity_scale, centre.intensity_offset);
    img.mapv_inplace(|v| {
        let n1: f64 = rng.sample(StandardNormal);
        let n2: f64 = rng.sample(StandardNormal);
        let mag = ((v as f64 + sigma * n1).powi(2) + (sigma * n2).powi(2)).sqrt();
        (offset + scale * mag) as f32
    });
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_families() {
        assert_eq!(contrast_for("t2w").family, "T2WI");
        assert_eq!(contrast_for("DWI_b800").family, "DWI");
        assert_eq!(contrast_for("Delayed").family, "DP");
        assert_eq!(contrast_for("hepatobiliary").family, "HBP");
        assert_eq!(contrast_for("FLAIR").family, "generic");
    }

    #[test]
    fn designed_tumour_to_liver_contrast() {
        let latent = Latent { z: [0.0; 6] };
        for k in CONTRASTS {
            let t = tissue_signal(&k, &latent, -5.0, 0.0, 0.0, 0.0, 0.0);
            let l = tissue_signal(&k, &latent, 5.0, 0.0, 0.0, 0.0, 0.0);
            let expect_hyper = matches!(k.family, "T2WI" | "DWI" | "AP" | "generic");
            assert_eq!(t > l, expect_hyper, "{}", k.family);
        }
    }
}
