"""Reference values for the report's new numbers, from established packages.

Run from the repository root with a venv that has numpy, scikit-learn and statsmodels:
    python tests/data/report_refs/make_report_refs.py ../shared/reference/modelling
Writes tests/data/report_refs/report_refs.json:
  * roc_band: 95% pointwise percentile band of the ROC over the shipped stratified bootstrap
    index matrix (WDBC test set) — sklearn.metrics.roc_curve per resample, numpy.interp onto
    the FPR grid 0, 0.01, ..., 1 (as in scikit-learn's ROC cross-validation example), then
    numpy.percentile (linear interpolation = R type 7) at 2.5 and 97.5.
  * lowess: statsmodels.nonparametric.smoothers_lowess.lowess(y, p, frac=2/3, it=0, delta=0).
"""
import csv
import json
import sys
from pathlib import Path

import numpy as np
import sklearn
import statsmodels
from sklearn.metrics import roc_curve
from statsmodels.nonparametric.smoothers_lowess import lowess

ref = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/modelling")
rows = list(csv.DictReader(open(ref / "predictions/wdbc_test_predictions.csv")))
y = np.array([int(r["y"]) for r in rows])
idx = np.loadtxt(ref / "predictions/wdbc_test_bootstrap_idx_stratified.csv", delimiter=",", dtype=int)
grid = np.linspace(0.0, 1.0, 101)
out = {
    "versions": {"numpy": np.__version__, "scikit-learn": sklearn.__version__, "statsmodels": statsmodels.__version__},
    "grid": grid.tolist(),
    "roc_band": {},
    "lowess": {},
}
for model in ["logreg_l2", "rf", "svm_rbf"]:
    p = np.array([float(r[model]) for r in rows])
    tprs = []
    for b in idx:
        fpr, tpr, _ = roc_curve(y[b], p[b])
        tprs.append(np.interp(grid, fpr, tpr))
    tprs = np.array(tprs)
    out["roc_band"][model] = {
        "lower": np.percentile(tprs, 2.5, axis=0).tolist(),
        "upper": np.percentile(tprs, 97.5, axis=0).tolist(),
        "n_boot": int(len(idx)),
    }
for model in ["logreg_l2", "svm_rbf"]:
    p = np.array([float(r[model]) for r in rows])
    fit = lowess(y.astype(float), p, frac=2.0 / 3.0, it=0, delta=0.0, return_sorted=True)
    out["lowess"][model] = {"x": fit[:, 0].tolist(), "fit": fit[:, 1].tolist()}
Path(__file__).with_name("report_refs.json").write_text(json.dumps(out, indent=1) + "\n")
