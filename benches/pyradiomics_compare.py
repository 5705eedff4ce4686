"""Compare radstudy's PyRadiomics-exact mode with PyRadiomics 3.1.4 itself on the five
PyRadiomics sample cases: Original + LoG sigma 1-5 mm + the 8 coif1 wavelet sub-bands, all
default feature classes (1,316 features per case), with and without preCrop, and the same with
the Original image type only. Writes the maximum relative difference per image type x feature
class and the per-case median times of both (one thread each: SimpleITK's global thread count
and the BLAS thread pools set to 1 for PyRadiomics, `--threads 1` for radstudy; `--repeats`
runs each, interleaved; same machine, same run) to benches/results/pyradiomics_compare.md.

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
import statistics
import subprocess
import sys
import tempfile
import time

# One thread for numpy's BLAS/LAPACK too (PyRadiomics' GLCM MCC calls numpy.linalg.eigvals);
# these must be set before numpy is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy  # noqa: E402
import SimpleITK as sitk  # noqa: E402

import radiomics  # noqa: E402
from radiomics import featureextractor  # noqa: E402

CASES = ["brain1", "brain2", "breast1", "lung1", "lung2"]
# Heading of the hand-written notes a rerun keeps (see `hand_notes`).
HAND_NOTES = "## Profile note"
CLASSES = ["shape", "firstorder", "glcm", "glrlm", "glszm", "gldm", "ngtdm"]
MESH = {"MeshVolume", "SurfaceArea", "SurfaceVolumeRatio", "Sphericity", "Maximum3DDiameter",
        "Maximum2DDiameterSlice", "Maximum2DDiameterColumn", "Maximum2DDiameterRow"}


def params_yaml(pre_crop, filters=True):
    types = "  Original: {}\n"
    if filters:
        types += "  LoG:\n    sigma: [1.0, 2.0, 3.0, 4.0, 5.0]\n  Wavelet: {}\n"
    return (
        "setting:\n"
        "  binWidth: 25\n"
        "  label: 1\n"
        f"  preCrop: {'true' if pre_crop else 'false'}\n"
        "imageType:\n" + types + "featureClass:\n" + "".join(f"  {c}:\n" for c in CLASSES)
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


def radstudy_extract(binary, params_path, inputs):
    """`radstudy extract` on one thread with `--timings`: (CSV rows, standard error, the
    process's wall seconds)."""
    t0 = time.perf_counter()
    p = subprocess.run(
        [binary, "--threads", "1", "--quiet", "--timings", "extract", *inputs, "--params", params_path],
        check=True, capture_output=True, text=True,
    )
    dt = time.perf_counter() - t0
    return list(csv.reader(io.StringIO(p.stdout))), p.stderr, dt


def run_radstudy(binary, params_path, image, mask):
    rows, stderr, dt = radstudy_extract(binary, params_path, ["--image", image, "--mask", mask])
    feats = {k: float(v) for k, v in zip(rows[0], rows[1]) if k not in ("Image", "Mask")}
    # In-process time (reading + features + CSV), the span PyRadiomics' execute() is timed over.
    inproc = float(stderr.split("timings: extract ")[1].split(" s")[0])
    return feats, dt, inproc


def run_radstudy_warm(binary, params_path, image, mask, tmp):
    """The case's own time (reading and features) as the second of two copies in one
    `radstudy extract --batch` process: code and memory already warm, as in a cohort batch."""
    batch = os.path.join(tmp, "warm_batch.csv")
    with open(batch, "w") as f:
        f.write(f"Image,Mask\n{image},{mask}\n{image},{mask}\n")
    rows, stderr, _ = radstudy_extract(binary, params_path, ["--batch", batch])
    if len(rows) != 3 or rows[1] != rows[2]:
        sys.exit(f"radstudy batch of two copies of {image}: the rows differ")
    return float(stderr.split("timings: case 2 of 2: ")[1].split(" s")[0])


def group_of(name):
    image_type, cls, feat = name.split("_", 2)
    if cls == "shape":
        return ("original", "shape (mesh)" if feat in MESH else "shape (voxel)")
    return (image_type if not image_type.startswith("wavelet") else "wavelet (8 sub-bands)", cls)


def ratio(a, b):
    return f"{a / b:.1f}x" if b > 0 else "n/a"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--radstudy", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--repeats", type=int, default=7, help="timed runs per tool, case and setting (median reported)")
    ap.add_argument("--cases", nargs="+", default=CASES)
    args = ap.parse_args()
    # Absolute, so the warm run's batch file (in a temporary directory; radstudy resolves its
    # relative paths from the file's own directory) names the same images.
    args.data = os.path.abspath(args.data)
    radiomics.setVerbosity(logging.ERROR)
    sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(1)
    sitk_threads = sitk.ProcessObject.GetGlobalDefaultNumberOfThreads()
    if sitk_threads != 1:
        sys.exit(f"SimpleITK still uses {sitk_threads} threads")
    load_before = os.getloadavg()

    worst = {}  # (pre_crop, group) -> (max rel diff, feature, case)
    worst_original_only = 0.0
    times = []  # (case, pre_crop, filters, n_pyrad, n_radstudy, [t_pyrad], [t_process], [t_in], [t_warm])
    missing = set()
    with tempfile.TemporaryDirectory() as tmp:
        for filters in (True, False):
            for pre_crop in (False, True):
                params_path = os.path.join(tmp, f"params_{pre_crop}_{filters}.yaml")
                with open(params_path, "w") as f:
                    f.write(params_yaml(pre_crop, filters))
                for case in args.cases:
                    image = os.path.join(args.data, f"{case}_image.nrrd")
                    mask = os.path.join(args.data, f"{case}_label.nrrd")
                    t_py, t_rs, t_in, t_warm = [], [], [], []
                    for _ in range(max(1, args.repeats)):  # interleaved, so load changes hit both
                        theirs, dt = run_pyradiomics(params_path, image, mask)
                        t_py.append(dt)
                        ours, dt, inproc = run_radstudy(args.radstudy, params_path, image, mask)
                        t_rs.append(dt)
                        t_in.append(inproc)
                        t_warm.append(run_radstudy_warm(args.radstudy, params_path, image, mask, tmp))
                    times.append((case, pre_crop, filters, len(theirs), len(ours), t_py, t_rs, t_in, t_warm))
                    missing |= set(theirs) ^ set(ours)
                    for name, v in theirs.items():
                        if name not in ours:
                            continue
                        d = rel_diff(ours[name], v)
                        if not filters:
                            worst_original_only = max(worst_original_only, d)
                            continue
                        g = (pre_crop, group_of(name))
                        if g not in worst or d > worst[g][0]:
                            worst[g] = (d, name, case)
                    print(
                        f"{case} preCrop={pre_crop} filters={filters}: {len(theirs)} features, pyradiomics "
                        f"{statistics.median(t_py):.3f} s, radstudy {statistics.median(t_rs):.3f} s process, "
                        f"{statistics.median(t_in):.4f} s in-process, {statistics.median(t_warm):.4f} s warm (medians)",
                        file=sys.stderr,
                    )
    load_after = os.getloadavg()

    lines = [
        "# radstudy vs PyRadiomics 3.1.4",
        "",
        "Written by `just pyradiomics-compare` (benches/pyradiomics_compare.sh + .py). Five PyRadiomics sample",
        "cases; image types Original + LoG sigma 1-5 mm + 8 coif1 wavelet sub-bands; feature classes shape,",
        "firstorder, glcm, glrlm, glszm, gldm, ngtdm with default features; binWidth 25.",
        "",
        f"Versions: Python {sys.version.split()[0]}, pyradiomics {radiomics.__version__}, "
        f"SimpleITK {sitk.Version.VersionString()}, numpy {numpy.__version__}.",
        f"Machine: {os.cpu_count()} CPUs; load average (1, 5, 15 min) {load_before[0]:.2f}, {load_before[1]:.2f}, "
        f"{load_before[2]:.2f} at the start and {load_after[0]:.2f}, {load_after[1]:.2f}, {load_after[2]:.2f} at the end.",
        "",
        "## Maximum relative difference (over the cases)",
        "",
        "| preCrop | image type | class | max rel. diff | worst feature (case) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for (pre_crop, (itype, cls)), (d, name, case) in sorted(worst.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        lines.append(f"| {pre_crop} | {itype} | {cls} | {d:.3g} | `{name}` ({case}) |")
    overall = max([d for d, _, _ in worst.values()] + [worst_original_only]) if worst else float("nan")
    mesh = max((d for (_, (_, c)), (d, _, _) in worst.items() if c == "shape (mesh)"), default=float("nan"))
    non_mesh = max((d for (_, (_, c)), (d, _, _) in worst.items() if c != "shape (mesh)"), default=float("nan"))
    lines += [
        "",
        f"Overall: max relative difference {overall:.3g}; mesh shape {mesh:.3g}; all other features {non_mesh:.3g}; "
        f"Original-only runs {worst_original_only:.3g}.",
        f"Columns present in only one of the two outputs: {len(missing)}"
        + (f" ({', '.join(sorted(missing)[:10])})" if missing else "")
        + ".",
    ]
    for filters, title in ((True, "all 14 image types (1,316 features)"), (False, "Original image type only")):
        lines += [
            "",
            f"## Per-case time, {title}",
            "",
            f"Median of {max(1, args.repeats)} runs per tool, one thread each, wall clock. PyRadiomics: `execute()`",
            "(reads both files, preprocesses, filters, computes; interpreter start, imports and parameter parsing",
            "excluded). radstudy, three ways: the whole process (`radstudy extract` as a subprocess: process start,",
            "parameter parsing, reading, features, CSV), in-process (`--timings`: reading, features and CSV",
            "text — the span `execute()` covers) in a fresh process, and warm: the case's own time (reading and",
            "features) as the second of two copies of it in one `radstudy extract --batch` process, as in a",
            "cohort batch (PyRadiomics' `execute()` also runs in a warm interpreter).",
            "Ratios = PyRadiomics median / radstudy median.",
            "",
            "| case | preCrop | features (PyRadiomics / radstudy) | PyRadiomics s | radstudy process s | ratio | "
            "radstudy in-process s | ratio in-process | radstudy warm s | ratio warm | radstudy process runs s |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        rows = [t for t in times if t[2] == filters]
        for case, pre_crop, _, n_py, n_rs, t_py, t_rs, t_in, t_warm in sorted(
            rows, key=lambda t: (t[1], CASES.index(t[0]))
        ):
            mp, mr, mi = statistics.median(t_py), statistics.median(t_rs), statistics.median(t_in)
            mw = statistics.median(t_warm)
            runs = ", ".join(f"{t:.3f}" for t in t_rs)
            lines.append(
                f"| {case} | {pre_crop} | {n_py} / {n_rs} | {mp:.3f} | {mr:.3f} | {ratio(mp, mr)} | {mi:.4f} | "
                f"{ratio(mp, mi)} | {mw:.4f} | {ratio(mp, mw)} | {runs} |"
            )
        for pre_crop in (False, True):
            tp = sum(statistics.median(t[5]) for t in rows if t[1] == pre_crop)
            tr = sum(statistics.median(t[6]) for t in rows if t[1] == pre_crop)
            ti = sum(statistics.median(t[7]) for t in rows if t[1] == pre_crop)
            tw = sum(statistics.median(t[8]) for t in rows if t[1] == pre_crop)
            lines.append(
                f"| **total** | {pre_crop} | | {tp:.3f} | {tr:.3f} | {ratio(tp, tr)} | {ti:.4f} | {ratio(tp, ti)} | "
                f"{tw:.4f} | {ratio(tp, tw)} | |"
            )
    lines.append("")
    text = "\n".join(lines)
    notes = hand_notes(args.out)
    tmp_out = args.out + ".tmp"
    with open(tmp_out, "w") as f:
        f.write(text + ("\n" + notes if notes else ""))
    os.replace(tmp_out, args.out)  # atomic: an interrupted run leaves the old file whole
    print(text)


def hand_notes(path):
    """The hand-written section of an earlier `path` (from its `HAND_NOTES` heading to the end),
    kept below the new tables so a rerun does not erase it; empty when there is none."""
    try:
        with open(path) as f:
            old = f.read()
    except FileNotFoundError:
        return ""
    at = old.find(HAND_NOTES)
    return old[at:] if at >= 0 else ""


if __name__ == "__main__":
    main()
