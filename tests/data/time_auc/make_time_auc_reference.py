"""Reference values for radstudy::metrics::survival::time_auc
(run from this folder: /path/to/python make_time_auc_reference.py; needs scikit-survival 0.28).

Input: the shipped WHAS500 train/test split and Cox (Efron) linear predictors of
<reference>/modelling/predictions/whas500_cox_lp.csv (the `lp` of the test rows is the risk score;
the train rows' (time, event) fit the censoring Kaplan-Meier for the IPC weights).
Every case is sksurv.metrics.cumulative_dynamic_auc(survival_train, survival_test, score, times)
with the default tied_tol = 1e-8; `auc` is its first output (at np.unique(times)), `mean_auc`
its second. Cases:
- years: times 365, 730, 1095, 1460, 1825 days, the shipped test lp;
- tied_times: times that equal tied observed test times (2, 14, 259: tied events; 422: an event
  and a censoring; 1266, 1887: two censorings), the shipped test lp;
- tied_scores: test lp rounded to one decimal (many tied risk scores; the rounded scores are
  written here as `score`), the yearly times;
- unsorted_duplicates: times [1095, 365, 1095, 730] (sksurv sorts and de-duplicates);
- single_time: times [730] (mean_auc = auc);
- train_on_test: censoring distribution fitted on the training rows, scores and outcomes of the
  training rows themselves (apparent), times 182, 365, 1095.
Also `out_of_range`: the largest test time, for which sksurv raises ValueError (times must lie in
[min test time, max test time[).
"""
import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import sksurv
from sksurv.metrics import cumulative_dynamic_auc
from sksurv.util import Surv

HERE = Path(__file__).resolve().parent
# as tests/common/mod.rs::reference_dir(): $RADSTUDY_REFERENCE or ../shared/reference beside the repo
REF = Path(os.environ.get("RADSTUDY_REFERENCE", HERE.parents[2] / ".." / "shared" / "reference")) / "modelling"

d = pd.read_csv(REF / "predictions" / "whas500_cox_lp.csv")
train = d[d.set == "train"]
test = d[d.set == "test"]
y_train = Surv.from_arrays(event=train.event.values == 1, time=train.time.values.astype(float))
y_test = Surv.from_arrays(event=test.event.values == 1, time=test.time.values.astype(float))
lp_test = test.lp.values.astype(float)
years = [365.0, 730.0, 1095.0, 1460.0, 1825.0]
rounded = np.round(lp_test, 1)

cases = []


def case(name, surv_test, score, times, write_score=False):
    auc, mean_auc = cumulative_dynamic_auc(y_train, surv_test, score, times)
    rec = {"name": name, "times_in": list(map(float, times)), "times": sorted(set(map(float, times))),
           "auc": [float(a) for a in np.atleast_1d(auc)], "mean_auc": float(mean_auc)}
    if write_score:
        rec["score"] = [float(s) for s in score]
    cases.append(rec)


case("years", y_test, lp_test, years)
case("tied_times", y_test, lp_test, [2.0, 14.0, 259.0, 422.0, 1266.0, 1887.0])
case("tied_scores", y_test, rounded, years, write_score=True)
case("unsorted_duplicates", y_test, lp_test, [1095.0, 365.0, 1095.0, 730.0])
case("single_time", y_test, lp_test, [730.0])
case("train_on_test", y_train, train.lp.values.astype(float), [182.0, 365.0, 1095.0])

t_max = float(test.time.max())
try:
    cumulative_dynamic_auc(y_train, y_test, lp_test, [365.0, t_max])
    raised = False
except ValueError:
    raised = True
assert raised

out = {
    "doc": __doc__,
    "versions": {"python": sys.version.split()[0], "sksurv": sksurv.__version__, "numpy": np.__version__,
                 "pandas": pd.__version__},
    "input": "modelling/predictions/whas500_cox_lp.csv",
    "out_of_range": {"time": t_max, "sksurv_raises": raised},
    "cases": cases,
}
(HERE / "time_auc_reference.json").write_text(json.dumps(out, indent=1) + "\n")
