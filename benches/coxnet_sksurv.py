"""LASSO-Cox path + 10-fold CV in scikit-survival on the benchmark CSV: z-score, the path
(100 lambdas, ratio 0.01) on all rows, then the same lambda grid refitted in each of 10
folds and scored by held-out Harrell's C. The folds are the ones bench_radstudy uses
(row i in fold i mod 10), so both sides fit identical training sets and the best index
is comparable. Prints one JSON line with the wall time."""
import json, sys, time
import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler
from sksurv.linear_model import CoxnetSurvivalAnalysis
from sksurv.metrics import concordance_index_censored
from sksurv.util import Surv

def main(path):
    d = pd.read_csv(path)
    x = StandardScaler().fit_transform(d.drop(columns=["y", "time", "event"]).to_numpy())
    ev = d["event"].to_numpy().astype(bool)
    tm = d["time"].to_numpy()
    y = Surv.from_arrays(ev, tm)
    t0 = time.perf_counter()
    full = CoxnetSurvivalAnalysis(l1_ratio=1.0, n_alphas=100, alpha_min_ratio=0.01).fit(x, y)
    alphas = full.alphas_
    cvc = np.zeros((10, len(alphas)))
    fold = np.arange(x.shape[0]) % 10
    for f in range(10):
        tr, te = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
        m = CoxnetSurvivalAnalysis(l1_ratio=1.0, alphas=alphas).fit(x[tr], y[tr])
        for k in range(len(m.alphas_)):
            risk = x[te] @ m.coef_[:, k]
            cvc[f, k] = concordance_index_censored(ev[te], tm[te], risk)[0]
    secs = time.perf_counter() - t0
    best = int(np.argmax(cvc.mean(axis=0)))
    print(json.dumps({"coxnet_cv_s": secs, "n_lambdas": len(alphas), "best_index": best, "best_c": float(cvc.mean(axis=0)[best])}))

if __name__ == "__main__":
    main(sys.argv[1])
