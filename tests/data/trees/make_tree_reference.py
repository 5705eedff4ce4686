"""Exact-agreement references for radstudy::model::{tree, boosting} (run from this directory:
python make_tree_reference.py). Uses the shipped WDBC split (../shared/reference/modelling,
folds/wdbc_split.csv), features z-scored with the training mean and ddof-0 SD.

Tree growth in scikit-learn visits features in a random order and keeps the first best split,
so with exactly tied splits (WDBC has several) two implementations can diverge after a few
stages; the small models below have no such ties and must agree to rounding:
- gb_proba[m]: GradientBoostingClassifier(n_estimators=m, random_state=42).predict_proba(test)[:, 1], m = 1, 2, 3;
- dtc_proba[d]: DecisionTreeClassifier(max_depth=d, random_state=0).predict_proba(test)[:, 1], d = 1, 2, 3;
- dtc_min_leaf10_proba: DecisionTreeClassifier(max_depth=4, min_samples_leaf=10, random_state=0).
"""
import json, sys
import numpy as np, pandas as pd, sklearn
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.tree import DecisionTreeClassifier

R = "../../../../shared/reference/modelling/"
d = pd.read_csv(R + "data/wdbc.csv")
sp = pd.read_csv(R + "folds/wdbc_split.csv")
feat = [c for c in d.columns if c not in ("row_id", "sklearn_target", "malignant")]
tr = sp.row_id[sp.set == "train"].values
te = sp.row_id[sp.set == "test"].values
X = d[feat].values
y = d.malignant.values
mu, sd = X[tr].mean(axis=0), X[tr].std(axis=0, ddof=0)
xtr, xte = (X[tr] - mu) / sd, (X[te] - mu) / sd
out = {
    "doc": __doc__,
    "versions": {"python": sys.version.split()[0], "sklearn": sklearn.__version__, "numpy": np.__version__},
    "test_row_ids": te.tolist(),
    "gb_proba": {str(m): GradientBoostingClassifier(n_estimators=m, random_state=42).fit(xtr, y[tr]).predict_proba(xte)[:, 1].tolist()
                 for m in (1, 2, 3)},
    "dtc_proba": {str(k): DecisionTreeClassifier(max_depth=k, random_state=0).fit(xtr, y[tr]).predict_proba(xte)[:, 1].tolist()
                  for k in (1, 2, 3)},
    "dtc_min_leaf10_proba": DecisionTreeClassifier(max_depth=4, min_samples_leaf=10, random_state=0)
    .fit(xtr, y[tr]).predict_proba(xte)[:, 1].tolist(),
}
json.dump(out, open("tree_reference.json", "w"), indent=1)
