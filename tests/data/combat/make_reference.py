"""Reference values for radstudy's ComBat (src/harmonise/) from the neuroCombat package.

Run:  .venv-combat/bin/python tests/data/combat/make_reference.py   (from the crate root)
Made with neuroCombat 0.2.12 (Fortin et al.; github.com/Jfortin1/neuroCombat), numpy 1.26, pandas 2.2
(neuroCombatFromTraining needs numpy < 2: it calls int() on a 1-element array).

Data: a deterministic synthetic study, 60 patients x 25 features, 3 scanners with feature-wise
additive shifts and multiplicative scales, two covariates to preserve: age (integer years, so the
float32 cast neuroCombat applies to continuous covariates is exact) and sex (0/1, categorical).
Patients of the three scanners are interleaved. Files written next to this script:
  input.csv             patient, batch, age, sex, set (train/test), f00..f24
  combat_<mode>.csv     neuroCombat output (patients x features, same row order as input.csv)
  estimates.json        gamma_star / delta_star (batch x feature, batches in sorted order),
                        var_pooled, grand mean, for every mode; the neuroCombat version
Modes: parametric, nonparametric, meanonly_parametric, meanonly_nonparametric,
       ref_parametric (ref_batch = "scanner_B"), train_parametric (train rows only) and
       from_training (neuroCombatFromTraining applied to the test rows with the train estimates),
       and the same two without covariates (train_nocov_parametric, from_training_nocov).
neuroCombat 0.2.12 calls np.int (removed in numpy >= 1.24) on the ref_batch path; the
script restores that alias (np.int = int) before calling it, nothing else is patched.
"""
import json
import os
from importlib.metadata import version

import numpy as np
import pandas as pd
from neuroCombat import neuroCombat, neuroCombatFromTraining

np.int = int  # compatibility alias for neuroCombat 0.2.12's ref_batch path

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240607)
n, p = 60, 25
levels = ["scanner_C", "scanner_A", "scanner_B"]  # listed unsorted on purpose
sizes = [24, 21, 15]
batch = np.array(sum([[lv] * s for lv, s in zip(levels, sizes)], []), dtype=object)
perm = rng.permutation(n)
batch = batch[perm]
age = rng.integers(35, 85, size=n).astype(float)
sex = rng.integers(0, 2, size=n).astype(float)
base = rng.uniform(2.0, 40.0, size=p)
age_eff = rng.normal(0.0, 0.05, size=p)
sex_eff = rng.normal(0.0, 1.0, size=p)
shift = {lv: rng.normal(0.0, 2.0, size=p) for lv in levels}
scale = {lv: rng.uniform(0.6, 1.8, size=p) for lv in levels}
noise_sd = rng.uniform(0.5, 3.0, size=p)
x = np.empty((n, p))
for i in range(n):
    b = batch[i]
    eps = rng.normal(0.0, 1.0, size=p) * noise_sd
    x[i] = base + age_eff * (age[i] - 60) + sex_eff * sex[i] + shift[b] + scale[b] * eps
# train/test: the last 5 patients of each scanner (in row order) are test rows
is_test = np.zeros(n, dtype=bool)
for lv in levels:
    idx = np.where(batch == lv)[0]
    is_test[idx[-5:]] = True

feat = [f"f{j:02d}" for j in range(p)]
inp = pd.DataFrame(x, columns=feat)
inp.insert(0, "set", np.where(is_test, "test", "train"))
inp.insert(0, "sex", sex)
inp.insert(0, "age", age)
inp.insert(0, "batch", batch)
inp.insert(0, "patient", np.arange(n))
inp.to_csv(os.path.join(HERE, "input.csv"), index=False, float_format="%.17g")


def covars_of(rows, with_cov=True):
    d = {"batch": batch[rows]}
    if with_cov:
        d["age"] = age[rows]
        d["sex"] = sex[rows]
    return pd.DataFrame(d)


def run(rows, with_cov=True, **kw):
    cov = covars_of(rows, with_cov)
    extra = dict(categorical_cols=["sex"], continuous_cols=["age"]) if with_cov else {}
    return neuroCombat(dat=np.ascontiguousarray(x[rows].T), covars=cov, batch_col="batch", **extra, **kw)


def save(name, data_fxp, rows):
    out = pd.DataFrame(np.asarray(data_fxp, dtype=float).T, columns=feat)
    out.insert(0, "patient", rows)
    out.to_csv(os.path.join(HERE, f"combat_{name}.csv"), index=False, float_format="%.17g")


def est(res):
    e = res["estimates"]
    # with ref_batch neuroCombat reports batches as integer codes into the sorted labels
    names = [b if isinstance(b, str) else sorted(levels)[int(b)] for b in e["batches"]]
    return {
        "batches": names,
        "gamma_star": np.asarray(e["gamma.star"], dtype=float).tolist(),
        "delta_star": np.asarray(e["delta.star"], dtype=float).tolist(),
        "var_pooled": np.asarray(e["var.pooled"], dtype=float).ravel().tolist(),
        "grand_mean": np.asarray(e["stand.mean"], dtype=float)[:, 0].tolist(),
    }


all_rows = np.arange(n)
train = np.where(~is_test)[0]
test = np.where(is_test)[0]
estimates = {}
modes = {
    "parametric": dict(parametric=True),
    "nonparametric": dict(parametric=False),
    "meanonly_parametric": dict(parametric=True, mean_only=True),
    "meanonly_nonparametric": dict(parametric=False, mean_only=True),
    "ref_parametric": dict(parametric=True, ref_batch="scanner_B"),
    "ref_nonparametric": dict(parametric=False, ref_batch="scanner_B"),
}
for name, kw in modes.items():
    res = run(all_rows, **kw)
    save(name, res["data"], all_rows)
    estimates[name] = est(res)

for suffix, with_cov in (("", True), ("_nocov", False)):
    res = run(train, with_cov=with_cov, parametric=True)
    save(f"train{suffix}_parametric", res["data"], train)
    estimates[f"train{suffix}_parametric"] = est(res)
    new = neuroCombatFromTraining(dat=np.ascontiguousarray(x[test].T), batch=batch[test], estimates=res["estimates"])
    save(f"from_training{suffix}", new["data"], test)

estimates["_versions"] = {"neuroCombat": version("neuroCombat"), "numpy": np.__version__, "pandas": pd.__version__}
with open(os.path.join(HERE, "estimates.json"), "w") as f:
    json.dump(estimates, f, indent=1)
print("written", sorted(os.listdir(HERE)))
