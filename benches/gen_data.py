"""Generate the shared benchmark data (300 patients x 1,500 features) as CSV, so that the
Rust and the Python sides read identical inputs. Columns: y (0/1), time, event, f0000..f1499.
Features come in correlated blocks of 5 (latent factor + noise), so the |r| > 0.9 filter has
pairs to drop; the outcome and the hazard depend on 10 latent factors."""
import sys
import numpy as np

def main(out, n=300, p=1500, seed=42):
    rng = np.random.default_rng(seed)
    k = p // 5
    latent = rng.standard_normal((n, k))
    noise = rng.standard_normal((n, p))
    sd = np.repeat(rng.uniform(0.1, 1.0, k), 5)
    x = np.repeat(latent, 5, axis=1) + sd * noise
    beta = np.zeros(k)
    beta[:10] = rng.choice([-1.0, 1.0], 10) * rng.uniform(0.4, 1.0, 10)
    eta = latent @ beta
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    t_event = rng.exponential(1 / np.exp(0.7 * eta))
    t_cens = rng.exponential(2.0, n)
    time = np.minimum(t_event, t_cens)
    event = (t_event <= t_cens).astype(int)
    cols = ["y", "time", "event"] + [f"f{j:04d}" for j in range(p)]
    data = np.column_stack([y, time, event, x])
    np.savetxt(out, data, delimiter=",", header=",".join(cols), comments="", fmt="%.17g")

if __name__ == "__main__":
    main(sys.argv[1])
