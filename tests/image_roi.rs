//! ROI geometry against definitions: the EDT against brute force, rings against the analytic
//! spherical-shell volume, morphological identities, crop geometry, and seeded perturbations.
use ndarray::Array3;
use radstudy::image::edt::distance_to;
use radstudy::image::roi::{
    bounding_box, crop, dilate_mm, distance_mm, erode_mm, perturb, ring, Perturbation, RoiError,
};
use radstudy::image::Volume;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn random_mask(rng: &mut ChaCha8Rng, shape: (usize, usize, usize), p: f64, spacing: [f64; 3]) -> Volume<u8> {
    Volume::new(Array3::from_shape_simple_fn(shape, || u8::from(rng.random_bool(p))), spacing)
}

/// d(x) = min over ROI voxels y of sqrt(Σ (spacing_a (x_a − y_a))²), by enumeration.
fn brute_force(mask: &Volume<u8>) -> Array3<f64> {
    let roi: Vec<(usize, usize, usize)> = mask.data.indexed_iter().filter(|(_, &v)| v > 0).map(|(i, _)| i).collect();
    let s = mask.spacing;
    Array3::from_shape_fn(mask.data.raw_dim(), |(i, j, k)| {
        roi.iter()
            .map(|&(a, b, c)| {
                let d = [(i as f64 - a as f64) * s[0], (j as f64 - b as f64) * s[1], (k as f64 - c as f64) * s[2]];
                (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt()
            })
            .fold(f64::INFINITY, f64::min)
    })
}

#[test]
fn edt_equals_brute_force_on_random_anisotropic_masks() {
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    for trial in 0..40 {
        let shape = (rng.random_range(1..9), rng.random_range(1..9), rng.random_range(1..9));
        let spacing = [rng.random_range(0.3..3.0), rng.random_range(0.3..3.0), rng.random_range(0.3..5.0)];
        let p = [0.02, 0.1, 0.3, 0.7][trial % 4];
        let mask = random_mask(&mut rng, shape, p, spacing);
        let got = distance_mm(&mask);
        let want = brute_force(&mask);
        for (g, w) in got.iter().zip(want.iter()) {
            assert!(g == w || (g - w).abs() <= 1e-12, "trial {trial}: {g} vs {w}");
        }
        // Erosion = voxels farther than r from every background voxel (brute force on the complement).
        let r = rng.random_range(0.0..4.0);
        let bg = mask.with_data(mask.data.mapv(|v| u8::from(v == 0)));
        let want_eroded = brute_force(&bg).mapv(|d| u8::from(d > r));
        let want_eroded = ndarray::Zip::from(&want_eroded).and(&mask.data).map_collect(|&e, &m| e & m);
        assert_eq!(erode_mm(&mask, r).data, want_eroded, "trial {trial}");
        assert_eq!(dilate_mm(&mask, r).data, want.mapv(|d| u8::from(d <= r)), "trial {trial}");
    }
}

#[test]
fn distance_to_empty_seed_is_infinite() {
    let d = distance_to(&Array3::from_elem((3, 3, 3), false), [1.0; 3]);
    assert!(d.iter().all(|v| *v == f64::INFINITY));
}

fn sphere(radius_mm: f64, half_extent_mm: f64, spacing: [f64; 3]) -> Volume<u8> {
    let n = spacing.map(|s| (2.0 * half_extent_mm / s).round() as usize + 1);
    let c = [0, 1, 2].map(|a| (n[a] - 1) as f64 / 2.0);
    let data = Array3::from_shape_fn((n[0], n[1], n[2]), |(i, j, k)| {
        let d2: f64 = [i, j, k].iter().enumerate().map(|(a, &x)| ((x as f64 - c[a]) * spacing[a]).powi(2)).sum();
        u8::from(d2 <= radius_mm * radius_mm)
    });
    Volume::new(data, spacing)
}

fn count(v: &Volume<u8>) -> f64 {
    v.data.iter().filter(|&&x| x == 1).count() as f64
}

fn ball(r: f64) -> f64 {
    4.0 / 3.0 * std::f64::consts::PI * r.powi(3)
}

#[test]
fn ring_around_a_point_is_a_spherical_shell() {
    // One ROI voxel: the ring is exactly the lattice points at inner < |x| <= outer mm.
    let spacing = [0.4, 0.5, 0.7];
    let mut m = Volume::new(Array3::<u8>::zeros((41, 33, 25)), spacing);
    m.data[[20, 16, 12]] = 1;
    let vox: f64 = spacing.iter().product();
    for (inner, outer) in [(0.0, 5.0), (3.0, 7.5)] {
        let got = count(&ring(&m, inner, outer, None).unwrap()) * vox;
        let want = ball(outer) - ball(inner);
        println!("point ring ({inner}, {outer}]: {got:.1} vs {want:.1} mm³");
        assert!((got / want - 1.0).abs() < 0.01, "ring ({inner}, {outer}]: {got} vs {want} mm³");
    }
}

#[test]
fn sphere_ring_volume_matches_spherical_shell() {
    let spacing = [0.5, 0.5, 0.75];
    let vox: f64 = spacing.iter().product();
    let mask = sphere(8.0, 19.0, spacing);
    // Radius of the ball with the digital sphere's volume.
    let r = (3.0 * count(&mask) * vox / (4.0 * std::f64::consts::PI)).cbrt();
    // Distances run to ROI voxel *centres*, which sit up to half a voxel inside the
    // digital surface: the shell is slightly thinner than the analytic one (bias ~1-2 %).
    for (inner, outer) in [(0.0, 10.0), (2.0, 10.0)] {
        let rg = ring(&mask, inner, outer, None).unwrap();
        let got = count(&rg) * vox;
        let want = ball(r + outer) - ball(r + inner);
        println!("sphere ring ({inner}, {outer}]: {got:.1} vs {want:.1} mm³");
        assert!((got / want - 1.0).abs() < 0.03, "ring ({inner}, {outer}]: {got} vs {want} mm³");
        assert!(ndarray::Zip::from(&rg.data).and(&mask.data).all(|&g, &m| !(g == 1 && m == 1)));
    }
    // inner = 0 touches the tumour: the ring is every outside voxel with 0 < d <= outer.
    let rg = ring(&mask, 0.0, 1.0, None).unwrap();
    let d = distance_mm(&mask);
    ndarray::Zip::from(&rg.data).and(&d).for_each(|&g, &dd| assert_eq!(g == 1, dd > 0.0 && dd <= 1.0));
}

#[test]
fn ring_clip_and_errors() {
    let mask = sphere(3.0, 6.0, [1.0; 3]);
    let mut clip = mask.with_data(Array3::<u8>::zeros(mask.data.raw_dim()));
    clip.data.slice_mut(ndarray::s![..6, .., ..]).fill(1);
    let full = ring(&mask, 0.0, 2.0, None).unwrap();
    let clipped = ring(&mask, 0.0, 2.0, Some(&clip)).unwrap();
    let expect = ndarray::Zip::from(&full.data).and(&clip.data).map_collect(|&a, &b| a & b);
    assert_eq!(clipped.data, expect);
    let count = |v: &Volume<u8>| v.data.iter().filter(|&&x| x == 1).count();
    assert!(count(&clipped) > 0 && count(&clipped) < count(&full));
    assert!(matches!(ring(&mask, 2.0, 1.0, None), Err(RoiError::InvalidRadius { .. })));
    assert!(matches!(ring(&mask, -1.0, 1.0, None), Err(RoiError::InvalidRadius { .. })));
    let mut other = clip.clone();
    other.spacing[0] = 2.0;
    assert!(matches!(ring(&mask, 0.0, 1.0, Some(&other)), Err(RoiError::ClipGeometry(_))));
}

#[test]
fn closing_contains_and_opening_is_contained() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..10 {
        let mask = random_mask(&mut rng, (9, 8, 7), 0.4, [0.8, 1.1, 2.5]);
        let r = rng.random_range(0.5..3.0);
        let closed = erode_mm(&dilate_mm(&mask, r), r);
        let opened = dilate_mm(&erode_mm(&mask, r), r);
        ndarray::Zip::from(&mask.data).and(&closed.data).and(&opened.data).for_each(|&m, &c, &o| {
            assert!(c >= m, "closing must contain the mask");
            assert!(o <= m, "opening must lie inside the mask");
        });
    }
    let m = sphere(5.0, 8.0, [1.0; 3]);
    let n = |v: &Volume<u8>| v.data.iter().filter(|&&x| x == 1).count();
    assert!(n(&erode_mm(&m, 1.0)) < n(&m) && n(&m) < n(&dilate_mm(&m, 1.0)));
}

#[test]
fn bounding_box_and_crop_keep_physical_positions() {
    let mut m = Volume::new(Array3::<u8>::zeros((10, 8, 6)), [0.5, 2.0, 3.0]);
    m.origin = [10.0, -5.0, 2.0];
    m.direction = [[0.0, 1.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 0.0, 1.0]];
    m.data[[3, 2, 1]] = 1;
    m.data[[5, 4, 1]] = 1;
    assert_eq!(bounding_box(&m, 0), Some(([3, 2, 1], [6, 5, 2])));
    assert_eq!(bounding_box(&m, 2), Some(([1, 0, 0], [8, 7, 4])));
    assert_eq!(bounding_box(&m.with_data(Array3::<u8>::zeros((2, 2, 2))), 1), None);
    let c = crop(&m, bounding_box(&m, 1).unwrap());
    assert_eq!(c.shape(), [5, 5, 3]);
    assert_eq!(c.data.sum(), 2);
    // Voxel (i, j, k) of the crop is voxel start + (i, j, k) of the original, physically.
    assert_eq!(c.physical_point([1.0, 1.0, 1.0]), m.physical_point([3.0, 2.0, 1.0]));
    assert_eq!(c.data[[1, 1, 1]], 1);
    // Out-of-range boxes are clamped, not a panic.
    assert_eq!(crop(&m, ([8, 0, 0], [99, 99, 99])).shape(), [2, 8, 6]);
}

#[test]
fn perturbations_are_seeded_and_never_empty() {
    let m = sphere(4.0, 8.0, [0.8, 0.8, 1.5]);
    let kinds =
        [Perturbation::Contour { magnitude_mm: 1.0, smoothness_mm: 2.0 }, Perturbation::Translate { max_mm: 2.0 }];
    for p in kinds {
        let a = perturb(&m, &p, &mut ChaCha8Rng::seed_from_u64(11));
        let b = perturb(&m, &p, &mut ChaCha8Rng::seed_from_u64(11));
        assert_eq!(a, b, "{p:?} must be reproducible from its seed");
        let differ = (12..20).any(|s| perturb(&m, &p, &mut ChaCha8Rng::seed_from_u64(s)) != a);
        assert!(differ, "{p:?} must depend on the seed");
        assert_eq!(a.shape(), m.shape());
        let (na, nm) = (a.data.iter().filter(|&&v| v == 1).count(), m.data.iter().filter(|&&v| v == 1).count());
        assert!(na > nm / 2 && na < 2 * nm, "{p:?}: {na} vs {nm} voxels");
    }
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    // Zero-size perturbations change nothing; eroding everything falls back to the input.
    assert_eq!(perturb(&m, &Perturbation::Contour { magnitude_mm: 0.0, smoothness_mm: 1.0 }, &mut rng), m);
    assert_eq!(perturb(&m, &Perturbation::Translate { max_mm: 0.0 }, &mut rng), m);
    assert_eq!(perturb(&m, &Perturbation::Erode { mm: 100.0 }, &mut rng), m);
    assert_eq!(perturb(&m, &Perturbation::Dilate { mm: 1.0 }, &mut rng), dilate_mm(&m, 1.0));
    assert_eq!(perturb(&m, &Perturbation::Erode { mm: f64::NAN }, &mut rng), m);
}

#[test]
fn contour_noise_only_moves_the_boundary() {
    // With magnitude 0.3 mm and 1 mm voxels, voxels deeper than 6σ = 1.8 mm from the
    // boundary keep their label in practice; the deep core must survive intact.
    let m = sphere(6.0, 10.0, [1.0; 3]);
    let p = perturb(
        &m,
        &Perturbation::Contour { magnitude_mm: 0.3, smoothness_mm: 1.0 },
        &mut ChaCha8Rng::seed_from_u64(3),
    );
    let core = erode_mm(&m, 2.0);
    let outside = dilate_mm(&m, 2.0);
    ndarray::Zip::from(&p.data).and(&core.data).and(&outside.data).for_each(|&v, &c, &o| {
        if c == 1 {
            assert_eq!(v, 1);
        }
        if o == 0 {
            assert_eq!(v, 0);
        }
    });
    assert_ne!(p, m);
}
