//! IBSI feature aggregation: builds each family's matrices once (per slice and/or for the
//! volume), merges or averages them as each requested aggregation prescribes and labels the
//! values. Averages skip empty matrices (e.g. a one-voxel slice has no co-occurrence);
//! with no non-empty matrix at all every feature is NaN. No formulas live here.

use super::emphasis_features::{emphasis_values, EmphasisFeature};
use super::glcm_features::{glcm_values, GLCM_FEATURES};
use super::glrlm_features::GLRLM_FEATURES;
use super::grid::{chebyshev_neighbourhood, face_neighbours, Grid, DIRECTIONS_2D, DIRECTIONS_3D};
use super::matrix::glcm::glcm_matrices;
use super::matrix::gldzm::gldzm_matrix;
use super::matrix::glrlm::glrlm_matrices;
use super::matrix::glszm::glszm_matrix;
use super::matrix::ngldm::ngldm_matrix;
use super::matrix::ngtdm::{ngtdm_matrix, Ngtdm};
use super::matrix::CountMatrix;
use super::ngldm_features::NGLDM_FEATURES;
use super::ngtdm_features::{ngtdm_values, NGTDM_FEATURES};
use super::szm_features::{GLDZM_FEATURES, GLSZM_FEATURES};
use super::{Aggregation, PreparedRoi, TextureFamily, TextureSettings};
use crate::features::Feature;
use ndarray::s;

/// Features of `family` under each of `aggregations` (all supported by the family).
pub fn family_features(
    roi: &PreparedRoi,
    family: TextureFamily,
    aggregations: &[Aggregation],
    settings: &TextureSettings,
) -> Vec<Feature> {
    let pad = [settings.glcm_distance, settings.ngtdm_distance, settings.ngldm_distance, settings.szm_linkage]
        .into_iter()
        .max()
        .unwrap_or(1)
        .max(1) as usize;
    let slices = if aggregations.iter().any(|a| a.is_slice_based()) { slice_grids(roi, pad) } else { Vec::new() };
    let volume = if aggregations.iter().any(|a| !a.is_slice_based()) {
        Some(Grid::new(roi.levels.view(), roi.morph.view(), [pad; 3]))
    } else {
        None
    };
    let ctx = Context { slices: &slices, volume: volume.as_ref(), n_g: roi.n_levels };
    let mut out = Vec::new();
    match family {
        TextureFamily::Glcm => {
            let d = settings.glcm_distance;
            let per_slice = ctx.per_slice(|g| glcm_matrices(g, ctx.n_g, &DIRECTIONS_2D, d));
            let vol = ctx.on_volume(|g| glcm_matrices(g, ctx.n_g, &DIRECTIONS_3D, d));
            let names: Vec<(&str, &str)> = GLCM_FEATURES.iter().map(|f| (f.0, f.1)).collect();
            for &agg in aggregations {
                let v = directional(agg, &per_slice, vol.as_deref(), ctx.n_g, glcm_values);
                push(&mut out, family, agg, &names, v);
            }
        }
        TextureFamily::Glrlm => {
            let per_slice = ctx.per_slice(|g| glrlm_matrices(g, ctx.n_g, &DIRECTIONS_2D));
            let vol = ctx.on_volume(|g| glrlm_matrices(g, ctx.n_g, &DIRECTIONS_3D));
            let f = |m: &CountMatrix| emphasis_values(m, &GLRLM_FEATURES);
            for &agg in aggregations {
                let v = directional(agg, &per_slice, vol.as_deref(), ctx.n_g, f);
                push(&mut out, family, agg, &table_names(&GLRLM_FEATURES), v);
            }
        }
        TextureFamily::Glszm => {
            let build = |g: &Grid, in_plane: bool| {
                let link = g.offsets(&chebyshev_neighbourhood(settings.szm_linkage, in_plane));
                glszm_matrix(g, ctx.n_g, &link)
            };
            ctx.count_family(&mut out, family, aggregations, build, &GLSZM_FEATURES);
        }
        TextureFamily::Gldzm => {
            let build = |g: &Grid, in_plane: bool| {
                let link = g.offsets(&chebyshev_neighbourhood(settings.szm_linkage, in_plane));
                let faces = g.offsets(&face_neighbours(in_plane));
                gldzm_matrix(g, ctx.n_g, &link, &faces)
            };
            ctx.count_family(&mut out, family, aggregations, build, &GLDZM_FEATURES);
        }
        TextureFamily::Ngldm => {
            let build = |g: &Grid, in_plane: bool| {
                let nb = g.offsets(&chebyshev_neighbourhood(settings.ngldm_distance, in_plane));
                ngldm_matrix(g, ctx.n_g, &nb, settings.ngldm_coarseness)
            };
            ctx.count_family(&mut out, family, aggregations, build, &NGLDM_FEATURES);
        }
        TextureFamily::Ngtdm => {
            let build = |g: &Grid, in_plane: bool| {
                let nb = g.offsets(&chebyshev_neighbourhood(settings.ngtdm_distance, in_plane));
                ngtdm_matrix(g, ctx.n_g, &nb)
            };
            let per_slice = ctx.per_slice(|g| build(g, true));
            let vol = ctx.on_volume(|g| build(g, false));
            let names: Vec<(&str, &str)> = NGTDM_FEATURES.iter().map(|f| (f.0, f.1)).collect();
            let empty = |m: &Ngtdm| m.n_valid() <= 0.0;
            for &agg in aggregations {
                let v = match agg {
                    Aggregation::D2 => mean_values(&refs(&per_slice), names.len(), empty, ngtdm_values),
                    Aggregation::D25 => ngtdm_values(&Ngtdm::merge(ctx.n_g, &per_slice)),
                    _ => vol.as_ref().map(ngtdm_values).unwrap_or_else(|| nan(names.len())),
                };
                push(&mut out, family, agg, &names, v);
            }
        }
    }
    out
}

/// Grids and parameters shared by the matrix builders of one call.
struct Context<'a> {
    slices: &'a [Grid],
    volume: Option<&'a Grid>,
    n_g: usize,
}

impl Context<'_> {
    fn per_slice<M>(&self, f: impl Fn(&Grid) -> M) -> Vec<M> {
        self.slices.iter().map(f).collect()
    }

    fn on_volume<M>(&self, f: impl Fn(&Grid) -> M) -> Option<M> {
        self.volume.map(f)
    }

    /// One matrix per slice (2D: averaged, 2.5D: merged) or one volumetric matrix (3D).
    fn count_family(
        &self,
        out: &mut Vec<Feature>,
        family: TextureFamily,
        aggregations: &[Aggregation],
        build: impl Fn(&Grid, bool) -> CountMatrix,
        table: &[EmphasisFeature],
    ) {
        let per_slice = self.per_slice(|g| build(g, true));
        let vol = self.on_volume(|g| build(g, false));
        let values = |m: &CountMatrix| emphasis_values(m, table);
        let names = table_names(table);
        for &agg in aggregations {
            let v = match agg {
                Aggregation::D2 => mean_values(&refs(&per_slice), table.len(), is_empty, values),
                Aggregation::D25 => values(&CountMatrix::merge(self.n_g, &per_slice)),
                _ => vol.as_ref().map(values).unwrap_or_else(|| nan(table.len())),
            };
            push(out, family, agg, &names, v);
        }
    }
}

/// Per-slice grids (slice axis = index 2) of the slices holding intensity-mask voxels.
fn slice_grids(roi: &PreparedRoi, pad: usize) -> Vec<Grid> {
    (0..roi.levels.shape()[2])
        .filter_map(|k| {
            let lv = roi.levels.slice(s![.., .., k..k + 1]);
            if lv.iter().all(|&l| l == 0) {
                return None;
            }
            let mm = roi.morph.slice(s![.., .., k..k + 1]);
            Some(Grid::new(lv, mm, [pad, pad, 0]))
        })
        .collect()
}

/// GLCM/GLRLM aggregations from per-slice 2D direction matrices and 3D direction matrices.
fn directional(
    agg: Aggregation,
    per_slice: &[Vec<CountMatrix>],
    volume: Option<&[CountMatrix]>,
    n_g: usize,
    values: impl Fn(&CountMatrix) -> Vec<f64>,
) -> Vec<f64> {
    let n_feat = values(&CountMatrix::zeros(n_g, 0, 0.0)).len();
    let vol: &[CountMatrix] = volume.unwrap_or(&[]);
    match agg {
        Aggregation::D2Averaged => {
            let all: Vec<&CountMatrix> = per_slice.iter().flatten().collect();
            mean_values(&all, n_feat, is_empty, values)
        }
        Aggregation::D2SliceMerged => {
            let merged: Vec<CountMatrix> = per_slice.iter().map(|dirs| CountMatrix::merge(n_g, dirs)).collect();
            mean_values(&refs(&merged), n_feat, is_empty, values)
        }
        Aggregation::D25DirectionMerged => {
            let n_dir = per_slice.first().map_or(0, |d| d.len());
            let merged: Vec<CountMatrix> =
                (0..n_dir).map(|d| CountMatrix::merge(n_g, per_slice.iter().map(|dirs| &dirs[d]))).collect();
            mean_values(&refs(&merged), n_feat, is_empty, values)
        }
        Aggregation::D25Merged => values(&CountMatrix::merge(n_g, per_slice.iter().flatten())),
        Aggregation::D3Averaged => mean_values(&refs(vol), n_feat, is_empty, values),
        _ => values(&CountMatrix::merge(n_g, vol)),
    }
}

fn is_empty(m: &CountMatrix) -> bool {
    m.total() <= 0.0
}

fn refs<M>(v: &[M]) -> Vec<&M> {
    v.iter().collect()
}

fn nan(n: usize) -> Vec<f64> {
    vec![f64::NAN; n]
}

/// Feature-wise mean over the non-empty matrices; NaN when there is none.
fn mean_values<M>(
    mats: &[&M],
    n_feat: usize,
    is_empty: impl Fn(&M) -> bool,
    values: impl Fn(&M) -> Vec<f64>,
) -> Vec<f64> {
    let mut sum = vec![0.0; n_feat];
    let mut n = 0usize;
    for m in mats.iter().filter(|m| !is_empty(m)) {
        for (acc, v) in sum.iter_mut().zip(values(m)) {
            *acc += v;
        }
        n += 1;
    }
    if n == 0 {
        return nan(n_feat);
    }
    sum.iter().map(|v| v / n as f64).collect()
}

fn table_names(table: &[EmphasisFeature]) -> Vec<(&'static str, &'static str)> {
    table.iter().map(|f| (f.0, f.1)).collect()
}

fn push(
    out: &mut Vec<Feature>,
    family: TextureFamily,
    agg: Aggregation,
    names: &[(&'static str, &'static str)],
    values: Vec<f64>,
) {
    for (&(name, code), value) in names.iter().zip(values) {
        out.push(Feature { family: family.key(), aggregation: agg.key(), name, ibsi_code: code, value });
    }
}
