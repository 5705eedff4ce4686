"""The selection chain of benches/selection.rs in scikit-learn, on the same CSV:
20 x 5-fold repeated stratified CV; in each training split: z-score, |Pearson r| > 0.9
filter (of each pair drop the feature with the weaker univariate AUC), L1 logistic
(fixed C; or C chosen by inner 5-fold CV over a 50-value grid = the same number of penalties
radstudy searches; or over scikit-learn's default 10-value grid),
then an L2 logistic (C = 1) on the selected features; pooled out-of-fold AUC.
Prints one JSON line: {"fixed_s", "nested_s" (50 C), "nested10_s" (10 C), and their AUCs}."""
import json, sys, time, warnings
import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.preprocessing import StandardScaler

def column_auc(x, y):
    """roc_auc_score(y, x[:, j]) for every column at once (Mann-Whitney U from mid-ranks;
    equal to roc_auc_score including ties), so the peer does not spend its time in 1,500
    Python-level roc_auc_score calls per split."""
    ranks = rankdata(x, axis=0)
    pos = y == 1
    n1, n0 = pos.sum(), (~pos).sum()
    return (ranks[pos].sum(axis=0) - n1 * (n1 + 1) / 2) / (n1 * n0)

def corr_filter(x, y, cut=0.9):
    auc = np.abs(column_auc(x, y) - 0.5)
    r = np.corrcoef(x, rowvar=False)
    keep = np.ones(x.shape[1], bool)
    for j in np.argsort(-auc, kind="stable"):
        if not keep[j]:
            continue
        drop = (np.abs(r[j]) > cut) & keep
        drop[j] = False
        keep[drop] = False
    return np.flatnonzero(keep)

def chain(x, y, nested, cs=50):
    scaler = StandardScaler().fit(x)
    xs = scaler.transform(x)
    kept = corr_filter(xs, y)
    xk = xs[:, kept]
    if nested:
        l1 = LogisticRegressionCV(Cs=cs, cv=5, penalty="l1", solver="liblinear", scoring="neg_log_loss").fit(xk, y)
    else:
        l1 = LogisticRegression(penalty="l1", C=0.1, solver="liblinear").fit(xk, y)
    sel = kept[np.flatnonzero(l1.coef_[0])]
    if sel.size == 0:
        sel = kept[:1]
    model = LogisticRegression(C=1.0).fit(xs[:, sel], y)
    return scaler, sel, model

def run(x, y, nested, cs=50):
    cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=20, random_state=1)
    aucs = []
    t0 = time.perf_counter()
    for r, (tr, te) in enumerate(cv.split(x, y)):
        scaler, sel, model = chain(x[tr], y[tr], nested, cs)
        p = model.predict_proba(scaler.transform(x[te])[:, sel])[:, 1]
        aucs.append(roc_auc_score(y[te], p))
    return time.perf_counter() - t0, float(np.mean(aucs))

def main(path):
    # scikit-learn 1.8+ deprecates `penalty=` (still honoured): silence the per-fit warnings
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", message="Inconsistent values")
    d = pd.read_csv(path)
    y = d["y"].to_numpy().astype(int)
    x = d.drop(columns=["y", "time", "event"]).to_numpy()
    fixed_s, auc_f = run(x, y, False)
    nested10_s, auc_n10 = run(x, y, True, 10)
    nested_s, auc_n = run(x, y, True)
    print(json.dumps({"fixed_s": fixed_s, "nested_s": nested_s, "nested10_s": nested10_s, "auc_fixed": auc_f,
                      "auc_nested": auc_n, "auc_nested10": auc_n10}))

if __name__ == "__main__":
    main(sys.argv[1])
