"""Reference for radstudy's RFE (src/select/rfe.rs): scikit-learn RFE with an L2 logistic
regression on the WDBC training rows.

Run:  .venv/bin/python tests/data/rfe/make_reference.py   (from the crate root)
Input: ../shared/reference/modelling/data/wdbc.csv (outcome `malignant`) and
       ../shared/reference/modelling/folds/wdbc_split.csv (set == "train", 398 rows).
Features are z-scored once on the 398 training rows (StandardScaler, sd with ddof = 0), as the
modelling references do. Estimator: LogisticRegression(C, lbfgs, tol = 1e-10, max_iter = 10000)
so the coefficients are the exact penalised optimum (the default tol = 1e-4 is also run and
recorded, to show whether the selection depends on solver accuracy).
RFE(estimator, n_features_to_select = k, step) for k in (5, 10), step in (1, 3), C in (1, 0.1).
Output: rfe_wdbc.json with the selected feature names (column order), sklearn's ranking_, versions.
"""
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.feature_selection import RFE
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "..", "..", "..", "..", "shared", "reference", "modelling")
data = pd.read_csv(os.path.join(REF, "data", "wdbc.csv"))
split = pd.read_csv(os.path.join(REF, "folds", "wdbc_split.csv"))
train_ids = split.loc[split["set"] == "train", "row_id"].to_numpy()
features = [c for c in data.columns if c not in ("row_id", "sklearn_target", "malignant")]
train = data.set_index("row_id").loc[train_ids]
z = StandardScaler().fit_transform(train[features].to_numpy())
y = train["malignant"].to_numpy()

cases = []
for c in (1.0, 0.1):
    for k in (5, 10):
        for step in (1, 3):
            row = {"C": c, "k": k, "step": step}
            for label, tol in (("exact", 1e-10), ("default_tol", 1e-4)):
                est = LogisticRegression(C=c, tol=tol, max_iter=10000)
                rfe = RFE(est, n_features_to_select=k, step=step).fit(z, y)
                row[label] = {
                    "selected": [f for f, s in zip(features, rfe.support_) if s],
                    "ranking": [int(r) for r in rfe.ranking_],
                }
            row["identical"] = row["exact"] == row["default_tol"]
            cases.append(row)

out = {
    "procedure": __doc__,
    "features": features,
    "n_train": int(len(train_ids)),
    "cases": cases,
    "_versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "pandas": pd.__version__},
}
with open(os.path.join(HERE, "rfe_wdbc.json"), "w") as f:
    json.dump(out, f, indent=1)
for r in cases:
    print(r["C"], r["k"], r["step"], r["identical"], r["exact"]["selected"])
