"""The default study (`studies/tace_response.toml`) written as a research team's glue script
with PyRadiomics + scikit-learn: the Python peer of `radstudy run studies/tace_response.toml`
for the whole-study speed benchmark (radstudy issue #10). Same synthetic NIfTI cohort: make it
first with `radstudy --data DIR synth studies/tace_response.toml`, then

    python benches/study_python.py --data DIR/tace_response --manifest studies/tace_response.toml \
        --workers 1 --out OUT

Steps, mirroring the manifest as closely as PyRadiomics and scikit-learn allow:
  1. extraction: per patient, sequence (AP, PVP, DP), ROI (tumour; 5 mm peritumoural ring =
     voxels outside the mask within 5 mm, Euclidean distance in mm, scipy EDT) and observer
     (mask, mask_2): z-score of the image over the ROI, PyRadiomics binCount 32, feature
     classes firstorder (IBSI stats + ih), glcm, glrlm, glszm. `--workers N` > 1 runs the
     patients on a multiprocessing Pool of N workers and the CV folds of step 4 with joblib
     n_jobs = N (radstudy runs every stage on `--threads 2`).
  2. ICC(2,1) (numpy, Shrout & Fleiss) per feature over all patients, observer 1 vs 2; keep
     features with ICC >= threshold and no NaN.
  3. model `rad_lr`: inside every training set, Mann-Whitney p < 0.05 -> |Pearson r| <= 0.9
     (greedy, most outcome-relevant |AUC - 0.5| first) -> L1 logistic (LogisticRegressionCV,
     5 stratified folds, 1-SE rule on the log loss) -> L2 logistic C = 1 on the standardised
     selected features + diameter_mm.
  4. internal validation: 5 x 5 repeated stratified k-fold on the training centre (whole
     selection chain refitted per fold; out-of-fold probabilities averaged over the repeats);
     external validation: final model on the training centre, tested on the validation centre.
     ROC AUC with a 1000-resample percentile bootstrap CI ([report] bootstrap).
Writes OUT/metrics.csv and OUT/features.csv (observer 1); prints one JSON line with the stage
times (extraction, the rest and its parts), the feature counts, the final model's features and AUCs.
Needs scikit-learn >= 1.8 (`l1_ratio` API), pyradiomics(-bhklab) 3.x, scipy, SimpleITK.
"""
import argparse
import csv
import json
import logging
import os
import sys
import time
import tomllib

# One BLAS thread per process: the Pool supplies the parallelism (set before numpy is imported).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import SimpleITK as sitk  # noqa: E402
from scipy import ndimage, stats  # noqa: E402

CLASS_OF_FAMILY = {"stats": "firstorder", "ih": "firstorder", "glcm": "glcm", "glrlm": "glrlm",
                   "glszm": "glszm", "gldzm": None, "ngtdm": "ngtdm", "ngldm": "gldm", "morph": "shape"}

_EXTRACTOR = None
_SETTINGS = None


def init_worker(settings):
    global _EXTRACTOR, _SETTINGS
    from radiomics import featureextractor
    logging.getLogger("radiomics").setLevel(logging.ERROR)
    _SETTINGS = settings
    ex = featureextractor.RadiomicsFeatureExtractor(binCount=settings["bin_count"], label=1,
                                                    normalize=False, preCrop=True)
    ex.disableAllFeatures()
    for c in settings["classes"]:
        ex.enableFeatureClassByName(c)
    ex.disableAllImageTypes()
    ex.enableImageTypeByName("Original")
    _EXTRACTOR = ex


def roi_masks(mask_arr, spacing_zyx, rings):
    """{roi name: 0/1 array}: the tumour and each [inner, outer] mm ring outside it."""
    tumour = (mask_arr > 0)
    out = {"tumour": tumour}
    if rings:
        dist = ndimage.distance_transform_edt(~tumour, sampling=spacing_zyx)
        for name, (inner, outer) in rings.items():
            out[name] = (~tumour) & (dist > inner + 1e-9) & (dist <= outer + 1e-9)
    return out


def extract_patient(row):
    """All features of one patient: {observer: {column: value}}."""
    s = _SETTINGS
    base = s["data"]
    images = {q: sitk.ReadImage(os.path.join(base, row[f"image_{q}"]), sitk.sitkFloat32) for q in s["sequences"]}
    result = []
    for mcol in s["mask_columns"]:
        m_img = sitk.ReadImage(os.path.join(base, row[mcol]))
        m_arr = sitk.GetArrayFromImage(m_img)
        spacing_zyx = tuple(reversed(m_img.GetSpacing()))
        rois = roi_masks(m_arr, spacing_zyx, s["rings"])
        feats = {}
        for q, img in images.items():
            arr = sitk.GetArrayFromImage(img).astype(np.float64)
            for roi, r in rois.items():
                r_img = sitk.GetImageFromArray(r.astype(np.uint8))
                r_img.CopyInformation(img)
                if s["zscore"]:
                    v = arr[r]
                    sd = v.std()
                    z = (arr - v.mean()) / (sd if sd > 0 else 1.0)
                    i_img = sitk.GetImageFromArray(z.astype(np.float32))
                    i_img.CopyInformation(img)
                else:
                    i_img = img
                try:
                    out = _EXTRACTOR.execute(i_img, r_img)
                except Exception as e:  # an empty or one-voxel ROI: the features are undefined
                    print(f"{row['patient']} {q} {roi} {mcol}: {e}", file=sys.stderr)
                    out = {}
                for k, val in out.items():
                    if k.startswith("original_"):
                        feats[f"{q}_{roi}_{k[len('original_'):]}"] = float(val)
        result.append(feats)
    return row["patient"], result


def icc(y1, y2, form):
    """ICC of n x 2 ratings per column (Shrout & Fleiss 1979); y1, y2: n x p."""
    y = np.stack([y1, y2], axis=2)  # n, p, k
    n, _, k = y.shape
    grand = y.mean(axis=(0, 2))
    rows = y.mean(axis=2)
    cols = y.mean(axis=0)
    ssr = k * ((rows - grand) ** 2).sum(axis=0)
    ssc = n * ((cols - grand[:, None]) ** 2).sum(axis=1)
    sst = ((y - grand[None, :, None]) ** 2).sum(axis=(0, 2))
    sse = sst - ssr - ssc
    msr = ssr / (n - 1)
    msw = (sst - ssr) / (n * (k - 1))
    msc = ssc / (k - 1)
    mse = sse / ((n - 1) * (k - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        if form == "ICC(1,1)":
            return (msr - msw) / (msr + (k - 1) * msw)
        if form == "ICC(2,1)":
            return (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
        if form == "ICC(3,1)":
            return (msr - mse) / (msr + (k - 1) * mse)
        if form == "ICC(1,k)":
            return (msr - msw) / msr
        if form == "ICC(2,k)":
            return (msr - mse) / (msr + (msc - mse) / n)
        if form == "ICC(3,k)":
            return (msr - mse) / msr
    raise SystemExit(f"unsupported [stability] icc = {form!r}")


def auc(y, p):
    from sklearn.metrics import roc_auc_score
    return float(roc_auc_score(y, p))


def correlation_filter(x, y, max_abs_r):
    rel = np.array([abs(auc(y, x[:, j]) - 0.5) for j in range(x.shape[1])])
    order = sorted(range(x.shape[1]), key=lambda j: (-rel[j], j))
    r = np.abs(np.corrcoef(x, rowvar=False))
    kept = []
    for j in order:
        if not any(r[j, k] > max_abs_r for k in kept):
            kept.append(j)
    return sorted(kept)


def lasso_1se(x, y, folds, rule, seed):
    from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import StandardScaler
    z = StandardScaler().fit_transform(x)
    folds = max(2, min(folds, int(np.bincount(y).min())))  # as radstudy: no more folds than the minority class
    cs = np.logspace(-3, 1, 30)
    # scikit-learn >= 1.8 API (l1_ratio instead of the deprecated `penalty`)
    cv = LogisticRegressionCV(Cs=cs, cv=StratifiedKFold(folds, shuffle=True, random_state=seed), l1_ratios=[1.0],
                              solver="liblinear", scoring="neg_log_loss", max_iter=1000, use_legacy_attributes=False)
    cv.fit(z, y)
    scores = np.asarray(cv.scores_).reshape(folds, -1)  # folds x Cs (one l1_ratio)
    mean = scores.mean(axis=0)
    se = scores.std(axis=0, ddof=1) / np.sqrt(folds)
    best = int(np.argmax(mean))
    if rule == "1se":
        ok = np.where(mean >= mean[best] - se[best])[0]
        best = int(ok.min())  # smallest C = strongest penalty within one SE
    lr = LogisticRegression(C=cs[best], l1_ratio=1.0, solver="liblinear", max_iter=1000)
    lr.fit(z, y)
    return [j for j in range(x.shape[1]) if lr.coef_[0, j] != 0.0]


def select(x, y, steps, seed):
    cols = list(range(x.shape[1]))
    for st in steps:
        if not cols:
            break
        sub = x[:, cols]
        if st["method"] == "mann_whitney":
            p = stats.mannwhitneyu(sub[y == 1], sub[y == 0], axis=0, alternative="two-sided").pvalue
            keep = [j for j in range(sub.shape[1]) if p[j] < st["p"]]
        elif st["method"] == "correlation":
            keep = correlation_filter(sub, y, st["max_abs_r"])
        elif st["method"] == "lasso":
            keep = lasso_1se(sub, y, st.get("folds", 5), st.get("rule", "min"), seed)
        else:
            raise SystemExit(f"selection step {st['method']!r} is not mirrored in this script")
        cols = [cols[k] for k in keep]
    return cols


def fit_predict(x_rad, x_clin, y, train, tests, steps, model, seed):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    cols = select(x_rad[train], y[train], steps, seed)
    xt = np.hstack([x_rad[:, cols], x_clin])
    clf = make_pipeline(StandardScaler(), LogisticRegression(C=model.get("c", 1.0), l1_ratio=0.0, max_iter=1000))
    clf.fit(xt[train], y[train])
    return [clf.predict_proba(xt[t])[:, 1] for t in tests], cols


def boot_ci(y, p, n, seed):
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(n):
        i = rng.integers(0, len(y), len(y))
        if y[i].min() != y[i].max():
            vals.append(auc(y[i], p[i]))
    return float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="folder holding cohort.csv (radstudy synth output)")
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    t0 = time.perf_counter()
    m = tomllib.load(open(a.manifest, "rb"))
    rows = list(csv.DictReader(open(os.path.join(a.data, "cohort.csv"))))
    classes = []
    for f in m["features"]["families"]:
        c = CLASS_OF_FAMILY.get(f)
        if c is None:
            raise SystemExit(f"IBSI family {f!r} has no PyRadiomics class")
        if c not in classes:
            classes.append(c)
    settings = {
        "data": a.data,
        "sequences": [s["name"] for s in m["sequence"]],
        "rings": {r["name"]: r["ring_mm"] for r in m["roi"] if "ring_mm" in r},
        "zscore": m.get("preprocess", {}).get("normalise") == "zscore",
        "bin_count": m["preprocess"]["discretise"]["bin_count"],
        "classes": classes,
        "mask_columns": ["mask", "mask_2"][: m["cohort"]["synthetic"].get("observers", 1)],
    }
    if a.workers > 1:
        import multiprocessing as mp
        with mp.Pool(a.workers, initializer=init_worker, initargs=(settings,)) as pool:
            extracted = pool.map(extract_patient, rows, chunksize=1)
    else:
        init_worker(settings)
        extracted = [extract_patient(r) for r in rows]
    t_extract = time.perf_counter() - t0

    # Feature table(s) and the ICC filter.
    names = sorted(set().union(*(obs[0].keys() for _, obs in extracted)))
    tabs = [np.array([[obs[o].get(k, np.nan) for k in names] for _, obs in extracted])
            for o in range(len(settings["mask_columns"]))]
    x = tabs[0]
    t_tables = time.perf_counter() - t0
    keep = np.all(np.isfinite(x), axis=0)
    st = m.get("stability", {})
    if len(tabs) >= 2:
        keep &= np.all(np.isfinite(tabs[1]), axis=0)
        iccs = icc(tabs[0], tabs[1], st.get("icc", "ICC(2,1)"))
        keep &= np.nan_to_num(iccs, nan=-1.0) >= st.get("threshold", 0.75)
    x_rad = x[:, keep]
    outcome = m["study"]["outcome"]
    y = np.array([int(r[outcome]) for r in rows])
    model = m["model"][0]
    clin = [c for c in model["inputs"] if c != "radiomics"]
    x_clin = np.array([[float(r[c]) for c in clin] for r in rows]).reshape(len(rows), len(clin))
    centres = np.array([r["centre"] for r in rows])
    ext = m["validation"]["external"]
    train = np.where(np.isin(centres, ext["train"]))[0]
    test = np.where(np.isin(centres, ext["test"]))[0]
    seed = m["study"]["seed"]
    steps = m["select"]["steps"]

    # Internal validation: repeated stratified k-fold on the training centre.
    from sklearn.model_selection import RepeatedStratifiedKFold
    t_icc = time.perf_counter() - t0
    iv = m["validation"]["internal"]
    rskf = RepeatedStratifiedKFold(n_splits=iv["folds"], n_repeats=iv["repeats"], random_state=seed)
    splits = list(rskf.split(np.zeros(len(train)), y[train]))
    jobs = [(train[tr], train[te], k) for k, (tr, te) in enumerate(splits)]

    def one(job):
        tr, te, k = job
        (p,), _ = fit_predict(x_rad, x_clin, y, tr, [te], steps, model, seed + k)
        return te, p

    if a.workers > 1:
        from joblib import Parallel, delayed
        outs = Parallel(n_jobs=a.workers)(delayed(one)(j) for j in jobs)
    else:
        outs = [one(j) for j in jobs]
    oof = np.zeros(len(y))
    for te, p in outs:
        oof[te] += p / iv["repeats"]
    t_cv = time.perf_counter() - t0
    (p_train, p_test), final_cols = fit_predict(x_rad, x_clin, y, train, [train, test], steps, model, seed)
    t_final = time.perf_counter() - t0
    nboot = m.get("report", {}).get("bootstrap", 1000)
    res = []
    for name, idx, p in [("train (apparent)", train, p_train), ("internal CV", train, oof[train]),
                         (f"external {ext['test'][0]}", test, p_test)]:
        lo, hi = boot_ci(y[idx], p, nboot, seed)
        res.append((model["name"], name, len(idx), auc(y[idx], p), lo, hi))
    t_total = time.perf_counter() - t0

    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "metrics.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model", "cohort", "n", "auc", "auc_ci_low", "auc_ci_high"])
        for r in res:
            w.writerow([r[0], r[1], r[2]] + [f"{v:.4f}" for v in r[3:]])
    with open(os.path.join(a.out, "features.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["patient"] + names)
        for (pid, obs) in extracted:
            w.writerow([pid] + [obs[0].get(k, "") for k in names])
    print(json.dumps({
        "workers": a.workers, "extraction_s": round(t_extract, 2), "modelling_s": round(t_total - t_extract, 2),
        "total_s": round(t_total, 2),
        "rest_parts_s": {"tables": round(t_tables - t_extract, 2), "icc_and_design": round(t_icc - t_tables, 2),
                         "internal_cv": round(t_cv - t_icc, 2), "final_fit": round(t_final - t_cv, 2),
                         "bootstrap_ci": round(t_total - t_final, 2)},
        "features": len(names), "stable": int(keep.sum()),
        "selected_final": [names[j] for j in np.where(keep)[0][final_cols]],
        "auc_internal": round(res[1][3], 4), "auc_external": round(res[2][3], 4),
    }))


if __name__ == "__main__":
    main()
