"""Reference values for radstudy::model::odds_ratio (run: python make_or_reference.py).

Tables are [[a, b], [c, d]] = rows exposed / unexposed, columns outcome / no outcome.
- or, ci95: scipy.stats.contingency.odds_ratio(table, kind='sample') and its
  confidence_interval(0.95) (Woolf log method). For tables with a zero cell scipy gives 0 / inf,
  so the Haldane-Anscombe value (+0.5 to every cell, then the same Woolf formula with
  scipy.special.ndtri(0.975)) is written instead and flagged haldane=True.
- p_fisher: scipy.stats.fisher_exact(table, alternative='two-sided').
- chi2 / p_chi2: scipy.stats.chi2_contingency(table, correction=False);
  chi2_yates / p_chi2_yates: correction=True (scipy default).
"""
import json, sys
import numpy as np, scipy
from scipy.stats import fisher_exact, chi2_contingency
from scipy.stats.contingency import odds_ratio
from scipy.special import ndtri

tables = [
    [[12, 5], [7, 20]],
    [[3, 17], [9, 11]],
    [[40, 160], [25, 275]],
    [[1, 9], [11, 3]],
    [[8, 2], [1, 5]],       # scipy docs example-sized small table
    [[5, 5], [5, 5]],       # OR 1, p = 1 (ties in Fisher)
    [[0, 10], [6, 14]],     # zero cell -> Haldane
    [[7, 0], [3, 9]],       # zero cell -> Haldane
    [[150, 30], [60, 90]],  # very small p
]
out = []
for t in tables:
    t = np.array(t)
    rec = {"table": t.tolist()}
    if (t == 0).any():
        tc = t + 0.5
        o = tc[0, 0] * tc[1, 1] / (tc[0, 1] * tc[1, 0])
        se = np.sqrt((1 / tc).sum())
        z = ndtri(0.975)
        rec.update(haldane=True, odds_ratio=o, ci95=[o * np.exp(-z * se), o * np.exp(z * se)])
    else:
        r = odds_ratio(t, kind="sample")
        ci = r.confidence_interval(0.95)
        rec.update(haldane=False, odds_ratio=float(r.statistic), ci95=[float(ci.low), float(ci.high)])
    rec["p_fisher"] = float(fisher_exact(t, alternative="two-sided").pvalue)
    c0 = chi2_contingency(t, correction=False)
    c1 = chi2_contingency(t, correction=True)
    rec.update(chi2=float(c0.statistic), p_chi2=float(c0.pvalue), chi2_yates=float(c1.statistic), p_chi2_yates=float(c1.pvalue))
    out.append(rec)
json.dump({"doc": __doc__, "versions": {"python": sys.version.split()[0], "scipy": scipy.__version__, "numpy": np.__version__},
           "tables": out}, open("or_reference.json", "w"), indent=1)
