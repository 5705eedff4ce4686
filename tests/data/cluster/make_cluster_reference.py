"""Reference values for radstudy::model::hclust (run: python make_cluster_reference.py).

A small 14 x 3 matrix (numpy default_rng(20240611): three loose groups, values rounded to 3
decimals, so it is fully given in the JSON). Written:
- x: the matrix;
- linkage_raw: scipy.cluster.hierarchy.linkage(x, method='ward') (rows: id1, id2, height, size);
- z: column z-scores with ddof 0 (sklearn StandardScaler);
- linkage_z: linkage(z, method='ward');
- fcluster_z: {k: fcluster(linkage_z, k, criterion='maxclust')} for k = 2, 3, 4;
- kmeans_z: {k: {labels, inertia}} of sklearn KMeans(k, n_init=50, random_state=0) on z, k = 2, 3.
"""
import json, sys
import numpy as np, scipy
from scipy.cluster.hierarchy import linkage, fcluster
import sklearn
from sklearn.cluster import KMeans

rng = np.random.default_rng(20240611)
centres = np.array([[0.0, 0.0, 0.0], [4.0, 1.0, -2.0], [1.0, 5.0, 3.0]])
sizes = [6, 5, 3]
x = np.vstack([c + rng.normal(scale=[1.0, 0.8, 1.5], size=(s, 3)) for c, s in zip(centres, sizes)])
x = np.round(x[rng.permutation(len(x))], 3)
z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=0)
lr = linkage(x, method="ward")
lz = linkage(z, method="ward")
out = {
    "doc": __doc__,
    "versions": {"python": sys.version.split()[0], "scipy": scipy.__version__, "numpy": np.__version__, "sklearn": sklearn.__version__},
    "x": x.tolist(),
    "linkage_raw": lr.tolist(),
    "z": z.tolist(),
    "linkage_z": lz.tolist(),
    "kmeans_z": {str(k): {"labels": km.labels_.tolist(), "inertia": float(km.inertia_)}
                 for k in (2, 3) for km in [KMeans(k, n_init=50, random_state=0).fit(z)]},
    "fcluster_z": {str(k): fcluster(lz, k, criterion="maxclust").tolist() for k in (2, 3, 4)},
}
json.dump(out, open("cluster_reference.json", "w"), indent=1)
