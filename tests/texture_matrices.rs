//! Every texture matrix builder against the IBSI digital phantom's expected matrices,
//! parsed at run time from `ibsi/manual/06_Digital_phantom_texture_matrices.rst`.

mod common;
#[path = "common/phantom.rs"]
mod phantom;

use ndarray::{s, Array3};
use radstudy::features::texture::grid::{chebyshev_neighbourhood, face_neighbours, Grid, DIRECTIONS_2D, DIRECTIONS_3D};
use radstudy::features::texture::matrix::{glcm, gldzm, glrlm, glszm, ngldm, ngtdm, CountMatrix};

/// One rst table: rows of numbers.
type Table = Vec<Vec<f64>>;

/// Sections (title, tables) of the rst file.
fn reference_sections() -> Vec<(String, Vec<Table>)> {
    let path = common::reference_dir().join("ibsi/manual/06_Digital_phantom_texture_matrices.rst");
    let text = std::fs::read_to_string(&path).expect("read matrices rst");
    let lines: Vec<&str> = text.lines().collect();
    let mut sections: Vec<(String, Vec<Table>)> = Vec::new();
    let mut in_table = false;
    for (n, line) in lines.iter().enumerate() {
        let next = lines.get(n + 1).copied().unwrap_or("");
        if !line.is_empty() && next.starts_with("---") && next.trim_end().chars().all(|c| c == '-') {
            sections.push((line.trim().to_string(), Vec::new()));
            continue;
        }
        let t = line.trim();
        if t.starts_with('|') {
            let cells: Vec<&str> = t.trim_matches('|').split('|').map(str::trim).collect();
            let nums: Option<Vec<f64>> = cells.iter().map(|c| c.parse::<f64>().ok()).collect();
            match nums {
                None => {
                    // header row (i | j | n): a new table starts
                    if let Some(sec) = sections.last_mut() {
                        sec.1.push(Vec::new());
                        in_table = true;
                    }
                }
                Some(row) if in_table => sections.last_mut().unwrap().1.last_mut().unwrap().push(row),
                Some(_) => {}
            }
        } else if t.is_empty() {
            in_table = false;
        }
    }
    sections
}

fn section(sections: &[(String, Vec<Table>)], title: &str, expected_tables: usize) -> Vec<Table> {
    let sec = sections
        .iter()
        .find(|s| s.0 == title)
        .unwrap_or_else(|| panic!("section {title:?} missing from the reference"));
    assert_eq!(sec.1.len(), expected_tables, "number of tables in {title:?}");
    sec.1.clone()
}

/// Non-zero entries (i, j, count) of a matrix, sorted.
fn entries(m: &CountMatrix) -> Vec<(usize, usize, f64)> {
    let mut out = Vec::new();
    for i in 1..=m.n_rows {
        for j in 1..=m.n_cols {
            let v = m.get(i, j);
            if v != 0.0 {
                out.push((i, j, v));
            }
        }
    }
    out
}

fn table_entries(t: &Table) -> Vec<(usize, usize, f64)> {
    let mut out: Vec<(usize, usize, f64)> = t.iter().map(|r| (r[0] as usize, r[1] as usize, r[2])).collect();
    out.sort_by_key(|a| (a.0, a.1));
    out
}

fn matches(m: &CountMatrix, t: &Table) -> bool {
    entries(m) == table_entries(t)
}

/// Match reference tables to computed matrices one-to-one (order of directions in the
/// manual's captions is not reliable after conversion), by backtracking.
fn bijection(reference: &[Vec<&Table>], ours: &[Vec<&CountMatrix>]) -> bool {
    fn go(r: usize, reference: &[Vec<&Table>], ours: &[Vec<&CountMatrix>], used: &mut Vec<bool>) -> bool {
        if r == reference.len() {
            return true;
        }
        for o in 0..ours.len() {
            if !used[o] && reference[r].iter().zip(&ours[o]).all(|(t, m)| matches(m, t)) {
                used[o] = true;
                if go(r + 1, reference, ours, used) {
                    return true;
                }
                used[o] = false;
            }
        }
        false
    }
    reference.len() == ours.len() && go(0, reference, ours, &mut vec![false; ours.len()])
}

struct Phantom {
    levels: Array3<u32>,
    morph: Array3<bool>,
    n_g: usize,
}

impl Phantom {
    fn load() -> Phantom {
        let (levels, morph) = phantom::digital_phantom();
        Phantom { levels, morph, n_g: phantom::PHANTOM_LEVELS as usize }
    }
    fn volume(&self) -> Grid {
        Grid::new(self.levels.view(), self.morph.view(), [1, 1, 1])
    }
    fn slices(&self) -> Vec<Grid> {
        (0..self.levels.shape()[2])
            .map(|k| {
                let v = s![.., .., k..k + 1];
                Grid::new(self.levels.slice(v), self.morph.slice(v), [1, 1, 0])
            })
            .collect()
    }
}

/// Directional family: per-slice 2D matrices (groups of 4 slices per direction), per-slice
/// merged, 13 3D matrices, 3D merged.
fn check_directional(name: &str, build: impl Fn(&Grid, &[[i32; 3]]) -> Vec<CountMatrix>, n_g: usize) {
    let p = Phantom::load();
    let secs = reference_sections();
    let per_slice: Vec<Vec<CountMatrix>> = p.slices().iter().map(|g| build(g, &DIRECTIONS_2D)).collect();

    let t2d = section(&secs, &format!("{name} (2D)"), 16);
    let reference: Vec<Vec<&Table>> = t2d.chunks(4).map(|c| c.iter().collect()).collect();
    let ours: Vec<Vec<&CountMatrix>> = (0..4).map(|d| per_slice.iter().map(|s| &s[d]).collect()).collect();
    assert!(bijection(&reference, &ours), "{name} 2D per-slice direction matrices");

    let t2m = section(&secs, &format!("{name} (2D, merged)"), 4);
    for (k, t) in t2m.iter().enumerate() {
        let merged = CountMatrix::merge(n_g, &per_slice[k]);
        assert!(matches(&merged, t), "{name} 2D merged slice {k}: {:?} vs {:?}", entries(&merged), t);
    }

    let vol = build(&p.volume(), &DIRECTIONS_3D);
    let t3d = section(&secs, &format!("{name} (3D)"), 13);
    let reference: Vec<Vec<&Table>> = t3d.iter().map(|t| vec![t]).collect();
    let ours: Vec<Vec<&CountMatrix>> = vol.iter().map(|m| vec![m]).collect();
    assert!(bijection(&reference, &ours), "{name} 3D direction matrices");

    let t3m = section(&secs, &format!("{name} (3D, merged)"), 1);
    let merged = CountMatrix::merge(n_g, &vol);
    assert!(matches(&merged, &t3m[0]), "{name} 3D merged: {:?}", entries(&merged));
}

#[test]
fn glcm_matches_phantom_reference() {
    let n_g = phantom::PHANTOM_LEVELS as usize;
    check_directional("Grey level co-occurrence matrix", |g, d| glcm::glcm_matrices(g, n_g, d, 1), n_g);
}

#[test]
fn glrlm_matches_phantom_reference() {
    let n_g = phantom::PHANTOM_LEVELS as usize;
    check_directional("Grey level run length matrix", |g, d| glrlm::glrlm_matrices(g, n_g, d), n_g);
}

/// Zone-like family: one matrix per slice and one volumetric matrix.
fn check_per_slice_and_volume(name: &str, build: impl Fn(&Grid, bool) -> CountMatrix) {
    let p = Phantom::load();
    let secs = reference_sections();
    let t2d = section(&secs, &format!("{name} (2D)"), 4);
    for (k, (g, t)) in p.slices().iter().zip(&t2d).enumerate() {
        let m = build(g, true);
        assert!(matches(&m, t), "{name} 2D slice {k}: ours {:?}, reference {:?}", entries(&m), t);
    }
    let t3d = section(&secs, &format!("{name} (3D)"), 1);
    let m = build(&p.volume(), false);
    assert!(matches(&m, &t3d[0]), "{name} 3D: ours {:?}", entries(&m));
}

#[test]
fn glszm_matches_phantom_reference() {
    let n_g = phantom::PHANTOM_LEVELS as usize;
    check_per_slice_and_volume("Grey level size zone matrix", |g, in_plane| {
        glszm::glszm_matrix(g, n_g, &g.offsets(&chebyshev_neighbourhood(1, in_plane)))
    });
}

#[test]
fn gldzm_matches_phantom_reference() {
    let n_g = phantom::PHANTOM_LEVELS as usize;
    check_per_slice_and_volume("Grey level distance zone matrix", |g, in_plane| {
        let link = g.offsets(&chebyshev_neighbourhood(1, in_plane));
        gldzm::gldzm_matrix(g, n_g, &link, &g.offsets(&face_neighbours(in_plane)))
    });
}

#[test]
fn ngldm_matches_phantom_reference() {
    let n_g = phantom::PHANTOM_LEVELS as usize;
    check_per_slice_and_volume("Neighbouring grey level dependence matrix", |g, in_plane| {
        ngldm::ngldm_matrix(g, n_g, &g.offsets(&chebyshev_neighbourhood(1, in_plane)), 0)
    });
}

#[test]
fn ngtdm_matches_phantom_reference() {
    let p = Phantom::load();
    let secs = reference_sections();
    let name = "Neighbourhood grey tone difference matrix";
    let check = |m: &ngtdm::Ngtdm, t: &Table, what: &str| {
        let ours: Vec<(usize, f64, f64)> =
            (0..m.n.len()).filter(|&i| m.n[i] > 0.0).map(|i| (i + 1, m.s[i], m.n[i])).collect();
        assert_eq!(ours.len(), t.len(), "{what}: levels present, ours {ours:?}");
        for (o, r) in ours.iter().zip(t) {
            assert_eq!(o.0, r[0] as usize, "{what}: grey level");
            assert!((o.1 - r[1]).abs() <= 5e-6, "{what}: s_{} = {} vs {}", o.0, o.1, r[1]);
            assert_eq!(o.2, r[2], "{what}: n_{}", o.0);
        }
    };
    let t2d = section(&secs, &format!("{name} (2D)"), 4);
    for (k, (g, t)) in p.slices().iter().zip(&t2d).enumerate() {
        let m = ngtdm::ngtdm_matrix(g, p.n_g, &g.offsets(&chebyshev_neighbourhood(1, true)));
        check(&m, t, &format!("NGTDM 2D slice {k}"));
    }
    let t3d = section(&secs, &format!("{name} (3D)"), 1);
    let g = p.volume();
    let m = ngtdm::ngtdm_matrix(&g, p.n_g, &g.offsets(&chebyshev_neighbourhood(1, false)));
    check(&m, &t3d[0], "NGTDM 3D");
}
