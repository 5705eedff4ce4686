"""Compare radstudy's PyRadiomics-exact mode with PyRadiomics 3.1.4 itself on the five
PyRadiomics sample cases: Original + LoG sigma 1-5 mm + the 8 coif1 wavelet sub-bands, all
default feature classes (1,316 features per case), with and without preCrop. Writes the maximum
relative difference per image type x feature class and the per-case times of both (one thread
each, same machine, same run) to benches/results/pyradiomics_compare.md.

Run through benches/pyradiomics_compare.sh (it prepares the venv and the release binary).
Relative difference: |radstudy - pyradiomics| / |pyradiomics| (absolute difference when the
PyRadiomics value is 0; both NaN counts as equal).
"""
import argparse
import csv
import io
import logging
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy
import SimpleITK as sitk

import radiomics
from radiomics import featureextractor

CASES = ["brain1", "brain2", "breast1", "lung1", "lung2"]
CLASSES = ["shape", "firstorder", "glcm", "glrlm", "glszm", "gldm", "ngtdm"]
MESH = {"MeshVolume", "SurfaceArea", "SurfaceVolumeRatio", "Sphericity", "Maximum3DDiameter",
        "Maximum2DDiameterSlice", "Maximum2DDiameterColumn", "Maximum2DDiameterRow"}


def params_yaml(pre_crop):
    return (
        "setting:\n"
        "  binWidth: 25\n"
        "  label: 1\n"
        f"  preCrop: {'true' if pre_crop else 'false'}\n"
        "imageType:\n"
        "  Original: {}\n"
        "  LoG:\n"
        "    sigma: [1.0, 2.0, 3.0, 4.0, 5.0]\n"
        "  Wavelet: {}\n"
        "featureClass:\n" + "".join(f"  {c}:\n" for c in CLASSES)
    )


def rel_diff(ours, theirs):
    if math.isnan(theirs) or math.isnan(ours):
        return 0.0 if (math.isnan(theirs) and math.isnan(ours)) else math.inf
    if theirs == 0.0:
        return abs(ours)
    return abs(ours - theirs) / abs(theirs)


def run_pyradiomics(params_path, image, mask):
    ext = featureextractor.RadiomicsFeatureExtractor(params_path)
    t0 = time.perf_counter()
    out = ext.execute(image, mask)
    dt = time.perf_counter() - t0
    return {k: float(v) for k, v in out.items() if not k.startswith("diagnostics_")}, dt


def run_radstudy(binary, params_path, image, mask):
    t0 = time.perf_counter()
    p = subprocess.run(
        [binary, "--threads", "1", "--quiet", "extract", "--image", image, "--mask", mask, "--params", params_path],
        check=True, capture_output=True, text=True,
    )
    dt = time.perf_counter() - t0
    rows = list(csv.reader(io.StringIO(p.stdout)))
    feats = {k: float(v) for k, v in zip(rows[0], rows[1]) if k not in ("Image", "Mask")}
    return feats, dt


def group_of(name):
    image_type, cls, feat = name.split("_", 2)
    if cls == "shape":
        return ("original", "shape (mesh)" if feat in MESH else "shape (voxel)")
    return (image_type if not image_type.startswith("wavelet") else "wavelet (8 sub-bands)", cls)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--radstudy", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    radiomics.setVerbosity(logging.ERROR)
    sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(1)

    worst = {}  # (pre_crop, group) -> (max rel diff, feature, case)
    times = []  # (case, pre_crop, n_features, t_pyrad, t_radstudy)
    missing = set()
    with tempfile.TemporaryDirectory() as tmp:
        for pre_crop in (False, True):
            params_path = os.path.join(tmp, f"params_{pre_crop}.yaml")
            with open(params_path, "w") as f:
                f.write(params_yaml(pre_crop))
            for case in CASES:
                image = os.path.join(args.data, f"{case}_image.nrrd")
                mask = os.path.join(args.data, f"{case}_label.nrrd")
                theirs, t_py = run_pyradiomics(params_path, image, mask)
                ours, t_rs = run_radstudy(args.radstudy, params_path, image, mask)
                times.append((case, pre_crop, len(theirs), len(ours), t_py, t_rs))
                missing |= set(theirs) ^ set(ours)
                for name, v in theirs.items():
                    if name not in ours:
                        continue
                    g = (pre_crop, group_of(name))
                    d = rel_diff(ours[name], v)
                    if g not in worst or d > worst[g][0]:
                        worst[g] = (d, name, case)
                print(f"{case} preCrop={pre_crop}: {len(theirs)} features, pyradiomics {t_py:.2f} s, radstudy {t_rs:.2f} s",
                      file=sys.stderr)

    lines = [
        "# radstudy vs PyRadiomics 3.1.4",
        "",
        "Written by `just pyradiomics-compare` (benches/pyradiomics_compare.sh + .py). Five PyRadiomics sample",
        "cases; image types Original + LoG sigma 1-5 mm + 8 coif1 wavelet sub-bands; feature classes shape,",
        "firstorder, glcm, glrlm, glszm, gldm, ngtdm with default features; binWidth 25.",
        "",
        f"Versions: Python {sys.version.split()[0]}, pyradiomics {radiomics.__version__}, "
        f"SimpleITK {sitk.Version.VersionString()}, numpy {numpy.__version__}.",
        "",
        "## Maximum relative difference (over the 5 cases)",
        "",
        "| preCrop | image type | class | max rel. diff | worst feature (case) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for (pre_crop, (itype, cls)), (d, name, case) in sorted(worst.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        lines.append(f"| {pre_crop} | {itype} | {cls} | {d:.3g} | `{name}` ({case}) |")
    overall = max(d for d, _, _ in worst.values()) if worst else float("nan")
    mesh = max((d for (_, (_, c)), (d, _, _) in worst.items() if c == "shape (mesh)"), default=float("nan"))
    non_mesh = max((d for (_, (_, c)), (d, _, _) in worst.items() if c != "shape (mesh)"), default=float("nan"))
    lines += [
        "",
        f"Overall: max relative difference {overall:.3g}; mesh shape {mesh:.3g}; all other features {non_mesh:.3g}.",
        f"Columns present in only one of the two outputs: {len(missing)}" + (f" ({', '.join(sorted(missing)[:10])})" if missing else "") + ".",
        "",
        "## Per-case time (one thread each; wall clock; radstudy includes process start and image reading,",
        "PyRadiomics includes image reading inside `execute`)",
        "",
        "| case | preCrop | features (PyRadiomics / radstudy) | PyRadiomics s | radstudy s | ratio |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for case, pre_crop, n_py, n_rs, t_py, t_rs in times:
        lines.append(f"| {case} | {pre_crop} | {n_py} / {n_rs} | {t_py:.2f} | {t_rs:.2f} | {t_py / t_rs:.1f}x |")
    for pre_crop in (False, True):
        tp = sum(t[4] for t in times if t[1] == pre_crop)
        tr = sum(t[5] for t in times if t[1] == pre_crop)
        lines.append(f"| **total** | {pre_crop} | | {tp:.2f} | {tr:.2f} | {tp / tr:.1f}x |")
    lines.append("")
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
