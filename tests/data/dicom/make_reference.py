"""Independent reference for tests/dicom_real_files.rs, computed with pydicom + numpy.

Run from the crate root:  python tests/data/dicom/make_reference.py  (needs pydicom>=3, numpy,
pylibjpeg, pylibjpeg-openjpeg, pylibjpeg-libjpeg for the compressed files). Writes
tests/data/dicom/reference.json. Geometry convention: ITK/SimpleITK (LPS); index i = column,
j = row, k = slice along normal = row_dir x col_dir; direction columns = (row_dir, col_dir, normal);
spacing = (PixelSpacing[1], PixelSpacing[0], slice gap); for one slice the gap is
SpacingBetweenSlices, else SliceThickness, else 1. Voxel = stored * RescaleSlope + RescaleIntercept.
"""
import gzip, json, os, shutil, tempfile
import numpy as np
import pydicom

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(0)


def f3(v):
    return [float(x) for x in v]


def geometry(frames, single_gap):
    """frames: list of (ipp, iop, pixel_spacing, array2d_rescaled). Returns vol[i,j,k] and geometry."""
    iop = np.array(frames[0][1], float)
    r, c = iop[:3], iop[3:]
    n = np.cross(r, c)
    n /= np.linalg.norm(n)
    frames = sorted(frames, key=lambda f: float(np.dot(f[0], n)))
    d = [float(np.dot(f[0], n)) for f in frames]
    gap = (d[-1] - d[0]) / (len(d) - 1) if len(d) > 1 else single_gap
    ps = frames[0][2]
    vol = np.stack([f[3].T for f in frames], axis=2)  # [col, row, k]
    return vol, {
        "spacing": [float(ps[1]), float(ps[0]), float(gap)],
        "origin": f3(frames[0][0]),
        "direction": [[float(r[a]), float(c[a]), float(n[a])] for a in range(3)],
    }


def single_gap(ds):
    for key in ("SpacingBetweenSlices", "SliceThickness"):
        v = ds.get(key)
        if v not in (None, "") and float(v) > 0:
            return float(v)
    return 1.0


def summarise(vol, geo, files):
    idx = [tuple(int(rng.integers(0, s)) for s in vol.shape) for _ in range(40)]
    return {
        "files": files,
        "shape": list(vol.shape),
        **geo,
        "sum": float(vol.astype(np.float64).sum()),
        "min": float(vol.min()),
        "max": float(vol.max()),
        "samples": [[i, j, k, float(vol[i, j, k])] for (i, j, k) in idx],
    }


def classic(paths):
    frames, gap = [], 1.0
    for p in paths:
        ds = pydicom.dcmread(p)
        a = ds.pixel_array.astype(np.float64) * float(ds.get("RescaleSlope", 1)) + float(ds.get("RescaleIntercept", 0))
        frames.append((f3(ds.ImagePositionPatient), f3(ds.ImageOrientationPatient), f3(ds.PixelSpacing), a))
        gap = single_gap(ds)
    return geometry(frames, gap)


def enhanced(path):
    ds = pydicom.dcmread(path)
    arr = ds.pixel_array.astype(np.float64)
    sh = ds.SharedFunctionalGroupsSequence[0]
    frames = []
    for f, pf in enumerate(ds.PerFrameFunctionalGroupsSequence):
        def grp(name):
            return pf[name][0] if name in pf else sh[name][0]
        pvt = grp("PixelValueTransformationSequence")
        a = arr[f] * float(pvt.RescaleSlope) + float(pvt.RescaleIntercept)
        frames.append((f3(grp("PlanePositionSequence").ImagePositionPatient),
                       f3(grp("PlaneOrientationSequence").ImageOrientationPatient),
                       f3(grp("PixelMeasuresSequence").PixelSpacing), a))
    return geometry(frames, 1.0)


def mask_summary(mask):
    ni, nj, nk = mask.shape
    w = (np.arange(ni)[:, None] + ni * np.arange(nj)[None, :]).astype(np.int64)
    return {
        "shape": list(mask.shape),
        "per_slice_count": [int(mask[:, :, k].sum()) for k in range(nk)],
        "per_slice_checksum": [int((w * mask[:, :, k]).sum()) for k in range(nk)],
    }


def even_odd(polys, ni, nj):
    """Crossing-number test at voxel centres (i, j), ray towards +i, half-open edge rule."""
    I, J = np.meshgrid(np.arange(ni, dtype=float), np.arange(nj, dtype=float), indexing="ij")
    inside = np.zeros((ni, nj), bool)
    for poly in polys:
        for e in range(len(poly)):
            (ax, ay), (bx, by) = poly[e], poly[(e + 1) % len(poly)]
            crosses = (ay <= J) != (by <= J)
            with np.errstate(divide="ignore", invalid="ignore"):
                x = ax + (J - ay) * (bx - ax) / (by - ay)
            inside ^= crosses & (x > I)
    return inside


out = {"license_note": "see LICENSES.md", "images": {}, "pixels": {}, "seg": {}, "rtstruct": {}}
py = "pydicom"
for name in ["MR_small.dcm", "MR_small_RLE.dcm", "MR_small_jp2klossless.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm"]:
    vol, geo = classic([os.path.join(HERE, py, name)])
    out["images"][f"{py}/{name}"] = summarise(vol, geo, [f"{py}/{name}"])
series = sorted(os.listdir(os.path.join(HERE, "nibabel/series")))
vol, geo = classic([os.path.join(HERE, "nibabel/series", f) for f in series])
out["images"]["nibabel/series"] = summarise(vol, geo, ["nibabel/series/" + f for f in series])
vol, geo = classic([os.path.join(HERE, "nibabel/slicethickness_empty_string.dcm")])
out["images"]["nibabel/slicethickness_empty_string.dcm"] = summarise(vol, geo, ["nibabel/slicethickness_empty_string.dcm"])
tmp = tempfile.mkdtemp()
with gzip.open(os.path.join(HERE, "nibabel/philips_mprage.dcm.gz")) as src, open(os.path.join(tmp, "philips_mprage.dcm"), "wb") as dst:
    shutil.copyfileobj(src, dst)
vol, geo = enhanced(os.path.join(tmp, "philips_mprage.dcm"))
out["images"]["nibabel/philips_mprage.dcm.gz"] = summarise(vol, geo, ["nibabel/philips_mprage.dcm.gz"])

# stored values of frames of files without usable geometry (multi-frame without functional groups, JPEG)
for name in ["pydicom_data/emri_small.dcm", "pydicom_data/emri_small_RLE.dcm", "pydicom_data/emri_small_jpeg_2k_lossless.dcm", "pydicom_data/JPEG-LL.dcm"]:
    ds = pydicom.dcmread(os.path.join(HERE, name))
    arr = ds.pixel_array.astype(np.float64)
    arr = arr if arr.ndim == 3 else arr[None]
    out["pixels"][name] = {"frames": int(arr.shape[0]), "rows": int(arr.shape[1]), "cols": int(arr.shape[2]),
                           "per_frame_sum": [float(a.sum()) for a in arr], "first_row_frame0": [float(x) for x in arr[0, 0]],
                           "middle_row_last_frame": [float(x) for x in arr[-1, arr.shape[1] // 2]]}

# DICOM-SEG: reference grid = the grid spanned by the SEG's own frames
ds = pydicom.dcmread(os.path.join(HERE, "pydicom_data/liver.dcm"))
sh = ds.SharedFunctionalGroupsSequence[0]
iop = f3(sh.PlaneOrientationSequence[0].ImageOrientationPatient)
ps = f3(sh.PixelMeasuresSequence[0].PixelSpacing)
frames = [(f3(pf.PlanePositionSequence[0].ImagePositionPatient), iop, ps, ds.pixel_array[f].astype(np.uint8))
          for f, pf in enumerate(ds.PerFrameFunctionalGroupsSequence)
          if pf.SegmentIdentificationSequence[0].ReferencedSegmentNumber == 1]
mask, geo = geometry(frames, 1.0)
out["seg"]["pydicom_data/liver.dcm"] = {"segment": 1, "label": str(ds.SegmentSequence[0].SegmentLabel), **geo, **mask_summary(mask)}

# RTSTRUCT: ROI "patient" rasterised on a 5 mm grid whose centres avoid the contour edges
ds = pydicom.dcmread(os.path.join(HERE, "pydicom/rtstruct.dcm"), force=True)
grid = {"shape": [100, 100, 3], "spacing": [5.0, 5.0, 10.0], "origin": [-247.5, -247.5, -200.0],
        "direction": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]}
roi = [r.ROINumber for r in ds.StructureSetROISequence if r.ROIName == "patient"][0]
polys = {k: [] for k in range(3)}
for rc in ds.ROIContourSequence:
    if rc.ReferencedROINumber != roi:
        continue
    for c in rc.ContourSequence:
        if c.ContourGeometricType != "CLOSED_PLANAR":
            continue
        p = np.array([float(x) for x in c.ContourData]).reshape(-1, 3)
        ij = (p - np.array(grid["origin"])) / np.array(grid["spacing"])
        polys[int(round(ij[0, 2]))].append([(a, b) for a, b, _ in ij])
mask = np.stack([even_odd(polys[k], 100, 100) for k in range(3)], axis=2).astype(np.uint8)
out["rtstruct"]["pydicom/rtstruct.dcm"] = {"roi": "patient", **grid, **mask_summary(mask)}

with open(os.path.join(HERE, "reference.json"), "w") as f:
    json.dump(out, f, indent=1)
print("wrote reference.json")
