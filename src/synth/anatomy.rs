//! Tumour and liver geometry of one synthetic patient: the latent tumour properties, a
//! lobulated, rotated ellipsoid with a necrotic core inside a liver crop (optional vessels),
//! the crop grid (tumour bounding box + margin), and the observers' masks.
//! This module must not assign intensities (see appearance.rs) or write files.

use ndarray::Array3;
use rand::Rng;
use rand_distr::StandardNormal;
use statrs::function::erf::erf;

use super::field::smooth_noise;
use super::outcome::unit_weights;

/// Standard normal CDF Φ(z).
fn phi(z: f64) -> f64 {
    0.5 * (1.0 + erf(z / std::f64::consts::SQRT_2))
}

/// Names of the latent properties, in the order of `Latent::z`.
pub const LATENT_NAMES: [&str; 6] = ["size", "heterogeneity", "rim_enhancement", "necrosis", "lobulation", "washout"];

/// Standardised latent tumour properties z ~ N(0, 1), independent; the first four drive the outcome.
/// Each is expressed in the images (see appearance.rs), so every sequence family shows
/// size, texture and necrosis, and the rim property as a sequence-specific peripheral /
/// peritumoural pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latent {
    pub z: [f64; 6],
}

impl Latent {
    /// Draw six independent standard normals.
    pub fn sample<R: Rng>(rng: &mut R) -> Self {
        let mut z = [0.0; 6];
        for v in &mut z {
            *v = rng.sample(StandardNormal);
        }
        Latent { z }
    }
    /// Unit-weighted outcome score u = Σ wᵢ zᵢ over size, heterogeneity, rim, necrosis (~N(0,1)).
    pub fn score(&self) -> f64 {
        unit_weights().iter().zip(&self.z).map(|(w, z)| w * z).sum()
    }
    /// Equivalent-sphere diameter, mm: log-normal, median 32 mm, log-SD 0.4, clipped to 15–80.
    pub fn diameter_mm(&self) -> f64 {
        (32f64.ln() + 0.4 * self.z[0]).exp().clamp(15.0, 80.0)
    }
    // The three outcome-driving appearance properties below are log-linear in z over the
    // central ±2.5 SD (no Φ saturation), so radiomic features, which respond roughly to the
    // logarithm of a texture amplitude, a rim contrast or a necrotic volume, can recover z
    // about linearly, as the linear outcome model needs.

    /// Relative amplitude of the intratumoural texture: 0.12·e^{0.45 z}, clipped to 0.03–0.40
    /// (median 0.12).
    pub fn heterogeneity(&self) -> f64 {
        (0.12 * (0.45 * self.z[1]).exp()).clamp(0.03, 0.40)
    }
    /// Peripheral rim strength (rim enhancement / targetoid pattern, scaled per sequence by
    /// `Contrast::rim_gain` and `Contrast::peri_gain`): 0.5·e^{0.6 z}, at most 2.5 (median 0.5).
    pub fn rim(&self) -> f64 {
        (0.5 * (0.6 * self.z[2]).exp()).min(2.5)
    }
    /// Necrotic volume fraction of the tumour: 0.45·logistic(0.9 z − 1) (median 0.12; about
    /// 0.45·e^{0.9 z − 1} for small fractions, so small necrotic cores still scale with z).
    pub fn necrosis_fraction(&self) -> f64 {
        0.45 / (1.0 + (-(0.9 * self.z[3] - 1.0)).exp())
    }
    /// Lobulation amplitude (relative radius modulation): 0.03 + 0.15·Φ(z).
    pub fn lobulation(&self) -> f64 {
        0.03 + 0.15 * phi(self.z[4])
    }
    /// Portal-venous / delayed washout strength in [0, 1]: Φ(z).
    pub fn washout(&self) -> f64 {
        phi(self.z[5])
    }
}

/// One cosine lobe of the surface: amplitude·(cos(k·(d·n) + phase) − its sphere mean).
#[derive(Debug, Clone, Copy)]
struct Lobe {
    n: [f64; 3],
    k: f64,
    phase: f64,
    mean: f64,
}

/// Lobulated ellipsoid centred at the origin (mm).
#[derive(Debug, Clone)]
pub struct TumourShape {
    axes: [f64; 3],
    rot: [[f64; 3]; 3],
    lobes: Vec<Lobe>,
    lobulation: f64,
}

fn unit_vector<R: Rng>(rng: &mut R) -> [f64; 3] {
    loop {
        let v: [f64; 3] = [rng.sample(StandardNormal), rng.sample(StandardNormal), rng.sample(StandardNormal)];
        let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
        if n > 1e-6 {
            return [v[0] / n, v[1] / n, v[2] / n];
        }
    }
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Random rotation matrix (rows orthonormal) from a random unit quaternion.
fn random_rotation<R: Rng>(rng: &mut R) -> [[f64; 3]; 3] {
    let q: [f64; 4] = loop {
        let v: [f64; 4] = [
            rng.sample(StandardNormal),
            rng.sample(StandardNormal),
            rng.sample(StandardNormal),
            rng.sample(StandardNormal),
        ];
        let n = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        if n > 1e-6 {
            break [v[0] / n, v[1] / n, v[2] / n, v[3] / n];
        }
    };
    let [w, x, y, z] = q;
    [
        [1.0 - 2.0 * (y * y + z * z), 2.0 * (x * y - z * w), 2.0 * (x * z + y * w)],
        [2.0 * (x * y + z * w), 1.0 - 2.0 * (x * x + z * z), 2.0 * (y * z - x * w)],
        [2.0 * (x * z - y * w), 2.0 * (y * z + x * w), 1.0 - 2.0 * (x * x + y * y)],
    ]
}

impl TumourShape {
    /// Volume-preserving ellipsoid (axis ratios log-normal, SD 0.12) with five zero-mean lobes.
    pub fn sample<R: Rng>(latent: &Latent, rng: &mut R) -> Self {
        let r = latent.diameter_mm() / 2.0;
        let e1 = (0.12 * rng.sample::<f64, _>(StandardNormal)).exp();
        let e2 = (0.12 * rng.sample::<f64, _>(StandardNormal)).exp();
        let axes = [r * e1, r * e2, r / (e1 * e2)];
        let rot = random_rotation(rng);
        let lobes = (0..5)
            .map(|_| {
                let n = unit_vector(rng);
                let k = rng.random_range(2.5..5.0);
                let phase = rng.random_range(0.0..std::f64::consts::TAU);
                // d·n is uniform on [-1, 1] over the sphere, so the mean of cos(k t + φ) is cos φ sin k / k.
                Lobe { n, k, phase, mean: phase.cos() * k.sin() / k }
            })
            .collect();
        TumourShape { axes, rot, lobes, lobulation: latent.lobulation() }
    }

    /// Distance (mm) from the centre to the surface along the direction of `p` (p ≠ 0).
    pub fn surface_radius(&self, p: [f64; 3]) -> f64 {
        let norm = dot(p, p).sqrt();
        let d = [p[0] / norm, p[1] / norm, p[2] / norm];
        let mut e2 = 0.0;
        for a in 0..3 {
            let qa = dot(self.rot[a], d);
            e2 += (qa / self.axes[a]).powi(2);
        }
        let f: f64 = self.lobes.iter().map(|l| ((l.k * dot(d, l.n) + l.phase).cos() - l.mean) / 5.0).sum();
        (1.0 + self.lobulation * f) / e2.sqrt()
    }

    /// Tight bounding box (min, max per axis, mm) of the surface and the largest surface
    /// radius, from 4000 directions.
    fn bounding_box(&self) -> ([f64; 3], [f64; 3], f64) {
        let n = 4000;
        let mut lo = [f64::MAX; 3];
        let mut hi = [f64::MIN; 3];
        let mut r_max = 0f64;
        let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
        for i in 0..n {
            let z = 1.0 - 2.0 * (i as f64 + 0.5) / n as f64;
            let rr = (1.0 - z * z).sqrt();
            let d = [rr * (golden * i as f64).cos(), rr * (golden * i as f64).sin(), z];
            let r = self.surface_radius(d);
            r_max = r_max.max(r);
            for a in 0..3 {
                lo[a] = lo[a].min(r * d[a]);
                hi[a] = hi[a].max(r * d[a]);
            }
        }
        (lo, hi, r_max)
    }
}

/// The voxel maps of one patient on the shared (co-registered) crop grid.
#[derive(Debug, Clone)]
pub struct Anatomy {
    /// Voxel spacing, mm.
    pub spacing: [f64; 3],
    /// Physical position of voxel (0,0,0), mm (LPS, identity direction).
    pub origin: [f64; 3],
    /// Signed radial distance to the tumour surface, mm (negative inside).
    pub sd: Array3<f32>,
    /// Necrotic core (1) or not (0).
    pub necrosis: Array3<f32>,
    /// Vessel lumen (1) or not (0).
    pub vessel: Array3<f32>,
    /// Liver parenchyma texture, smooth (3 mm), mean 0, SD 1.
    pub liver_tex: Array3<f32>,
    /// Intratumoural texture, smooth (2 mm), mean 0, SD 1.
    pub tumour_tex: Array3<f32>,
    /// Multiplicative coil-sensitivity (bias) field, ±5 % across the crop.
    pub bias: Array3<f32>,
}

impl Anatomy {
    /// Build the crop (tumour bounding box + `margin_mm`) at `spacing` and all voxel maps.
    pub fn build<R: Rng>(latent: &Latent, spacing: [f64; 3], margin_mm: f64, rng: &mut R) -> Self {
        let shape_t = TumourShape::sample(latent, rng);
        let (lo, hi, r_max) = shape_t.bounding_box();
        // Beyond this radius the exact surface distance is not needed (masks move the surface
        // by a few mm at most): there sd is the lower bound |p| − r_far ≥ FAR_MM.
        const FAR_MM: f64 = 8.0;
        let r_far = 1.02 * r_max + 0.5;
        let mut n = [0usize; 3];
        let mut rel0 = [0.0; 3];
        for a in 0..3 {
            let extent = hi[a] - lo[a] + 2.0 * margin_mm;
            n[a] = ((extent / spacing[a]).ceil() as usize + 1).max(3);
            let mid = 0.5 * (lo[a] + hi[a]);
            rel0[a] = mid - (n[a] - 1) as f64 * spacing[a] / 2.0;
        }
        // Tumour centre somewhere in the right liver lobe (LPS mm); cosmetic only.
        let centre_phys =
            [rng.random_range(-120.0..-60.0), rng.random_range(-20.0..40.0), rng.random_range(-180.0..-100.0)];
        let origin = [centre_phys[0] + rel0[0], centre_phys[1] + rel0[1], centre_phys[2] + rel0[2]];
        let pos = |i: usize, j: usize, k: usize| {
            [rel0[0] + i as f64 * spacing[0], rel0[1] + j as f64 * spacing[1], rel0[2] + k as f64 * spacing[2]]
        };
        let dims = (n[0], n[1], n[2]);
        let mut sd = Array3::<f32>::zeros(dims);
        let mut rel = Array3::<f32>::zeros(dims);
        let r_min = shape_t.axes.iter().cloned().fold(f64::MAX, f64::min);
        for ((i, j, k), v) in sd.indexed_iter_mut() {
            let p = pos(i, j, k);
            let norm = dot(p, p).sqrt();
            if norm < 1e-9 {
                *v = -r_min as f32;
                continue;
            }
            if norm > r_far + FAR_MM {
                *v = (norm - r_far) as f32;
                rel[[i, j, k]] = (norm / r_far) as f32;
                continue;
            }
            let rs = shape_t.surface_radius(p);
            *v = (norm - rs) as f32;
            rel[[i, j, k]] = (norm / rs) as f32;
        }
        let liver_tex = smooth_noise(rng, n, spacing, 3.0);
        let tumour_tex = smooth_noise(rng, n, spacing, 2.0);
        let nec_field = smooth_noise(rng, n, spacing, 3.0);
        let nf = latent.necrosis_fraction();
        let rn = nf.cbrt() as f32;
        let mut necrosis = Array3::<f32>::zeros(dims);
        if nf > 0.005 {
            ndarray::Zip::from(&mut necrosis).and(&rel).and(&nec_field).and(&sd).for_each(|o, &r, &f, &d| {
                if d < -1.0 && r + 0.1 * f < rn {
                    *o = 1.0;
                }
            });
        }
        let mut vessel = Array3::<f32>::zeros(dims);
        // Vessels pass beside the tumour: their axis stays clear of the largest bounding-box
        // half-width, and vessel voxels never come within 2 mm of the surface.
        let r_out = hi.iter().chain(lo.iter()).fold(0f64, |m, v| m.max(v.abs()));
        let n_vessels = rng.random_range(0..=2);
        for _ in 0..n_vessels {
            let radius = rng.random_range(1.5..3.5);
            let dir = unit_vector(rng);
            let through = [
                rel0[0] + rng.random_range(0.0..1.0) * (n[0] - 1) as f64 * spacing[0],
                rel0[1] + rng.random_range(0.0..1.0) * (n[1] - 1) as f64 * spacing[1],
                rel0[2] + rng.random_range(0.0..1.0) * (n[2] - 1) as f64 * spacing[2],
            ];
            let t = dot(through, dir);
            let closest = [through[0] - t * dir[0], through[1] - t * dir[1], through[2] - t * dir[2]];
            if dot(closest, closest).sqrt() < r_out + radius + 2.0 {
                continue;
            }
            for ((i, j, k), v) in vessel.indexed_iter_mut() {
                let p = pos(i, j, k);
                let w = [p[0] - through[0], p[1] - through[1], p[2] - through[2]];
                let along = dot(w, dir);
                let perp2 = dot(w, w) - along * along;
                if perp2 < radius * radius && sd[[i, j, k]] > 2.0 {
                    *v = 1.0;
                }
            }
        }
        let g = unit_vector(rng);
        let half = (0..3).map(|a| ((n[a] - 1) as f64 * spacing[a] / 2.0).powi(2)).sum::<f64>().sqrt().max(1.0);
        let mid = [
            rel0[0] + (n[0] - 1) as f64 * spacing[0] / 2.0,
            rel0[1] + (n[1] - 1) as f64 * spacing[1] / 2.0,
            rel0[2] + (n[2] - 1) as f64 * spacing[2] / 2.0,
        ];
        let bias = Array3::from_shape_fn(dims, |(i, j, k)| {
            let p = pos(i, j, k);
            let proj = dot([p[0] - mid[0], p[1] - mid[1], p[2] - mid[2]], g) / half;
            (0.05 * proj).exp() as f32
        });
        Anatomy { spacing, origin, sd, necrosis, vessel, liver_tex, tumour_tex, bias }
    }

    /// Grid shape.
    pub fn shape(&self) -> [usize; 3] {
        let s = self.sd.shape();
        [s[0], s[1], s[2]]
    }

    /// Observer 1's mask: the generating tumour (signed distance < 0).
    pub fn truth_mask(&self) -> Array3<u8> {
        self.sd.mapv(|d| u8::from(d < 0.0))
    }

    /// A further observer's mask: the surface moved outward by a smooth (6 mm) random field
    /// of SD `sigma_mm` (mean zero, so no systematic shrink or growth).
    pub fn observer_mask<R: Rng>(&self, sigma_mm: f64, rng: &mut R) -> Array3<u8> {
        let d = smooth_noise(rng, self.shape(), self.spacing, 6.0);
        let mut m = Array3::<u8>::zeros(self.sd.raw_dim());
        ndarray::Zip::from(&mut m).and(&self.sd).and(&d).for_each(|o, &s, &dv| {
            *o = u8::from((s as f64) < sigma_mm * dv as f64);
        });
        m
    }
}

/// Equivalent-sphere diameter (mm) of a mask: (6·V/π)^(1/3), V = voxel count × voxel volume.
pub fn equivalent_diameter_mm(mask: &Array3<u8>, spacing: [f64; 3]) -> f64 {
    let count = mask.iter().filter(|&&v| v != 0).count() as f64;
    let vol = count * spacing[0] * spacing[1] * spacing[2];
    (6.0 * vol / std::f64::consts::PI).cbrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn equivalent_diameter_of_a_voxelised_sphere() {
        // Sphere of radius 10 mm at 0.5 mm: diameter ≈ 20 mm.
        let m = Array3::from_shape_fn((50, 50, 50), |(i, j, k)| {
            let p = [i as f64 * 0.5 - 12.25, j as f64 * 0.5 - 12.25, k as f64 * 0.5 - 12.25];
            u8::from(dot(p, p) < 100.0)
        });
        assert!((equivalent_diameter_mm(&m, [0.5; 3]) - 20.0).abs() < 0.2);
    }

    #[test]
    fn rotation_is_orthonormal_and_lobes_are_zero_mean() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let r = random_rotation(&mut rng);
        for a in 0..3 {
            for b in 0..3 {
                let expect = if a == b { 1.0 } else { 0.0 };
                assert!((dot(r[a], r[b]) - expect).abs() < 1e-12);
            }
        }
        let latent = Latent { z: [0.0, 0.0, 0.0, 0.0, 3.0, 0.0] };
        let s = TumourShape::sample(&latent, &mut rng);
        // Mean of r³ over the sphere ≈ volume-equivalent r³ (lobes and ellipsoid preserve volume).
        let n = 20000;
        let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
        let mut m3 = 0.0;
        for i in 0..n {
            let z = 1.0 - 2.0 * (i as f64 + 0.5) / n as f64;
            let rr = (1.0 - z * z).sqrt();
            let d = [rr * (golden * i as f64).cos(), rr * (golden * i as f64).sin(), z];
            m3 += s.surface_radius(d).powi(3) / n as f64;
        }
        let r_eq = latent.diameter_mm() / 2.0;
        assert!((m3.cbrt() / r_eq - 1.0).abs() < 0.05, "{} vs {r_eq}", m3.cbrt());
    }
}
