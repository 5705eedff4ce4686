"""Regenerate tests/data/pyradiomics/shape_reference.json: PyRadiomics 3.1.4's own 3D shape
features (mesh-based ones included, deprecated ones enabled by name) on the five PyRadiomics
sample cases and on a synthetic scattered mask full of ambiguous marching-cubes cases.

Run from the crate root with a venv holding pyradiomics-bhklab 3.1.4, e.g.
    python3.11 -m venv /work/venvs/pyrad && /work/venvs/pyrad/bin/pip install pyradiomics-bhklab==3.1.4
    /work/venvs/pyrad/bin/python tests/data/pyradiomics/make_shape_reference.py

Configurations per sample case: "default" (label 1, no resampling) and "resampled"
(resampledPixelSpacing [2, 2, 2], sitkBSpline, as the baseline's *_resampling columns).
Synthetic case: size (x, y, z) = (13, 11, 9), spacing (0.7, 0.9, 2.0); voxel (i, j, k) is in
the mask when 2 <= i <= 10, 2 <= j <= 8, 1 <= k <= 7 and (37i + 91j + 53k + 7ij + 3jk) mod 5 < 3.
"""
import json
import logging
import os
import sys

import numpy
import SimpleITK as sitk

import radiomics
from radiomics import featureextractor

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DATA = os.path.join(CRATE, "..", "shared", "reference", "pyradiomics", "data")
CASES = ["brain1", "brain2", "breast1", "lung1", "lung2"]
SHAPE = [
    "MeshVolume", "VoxelVolume", "SurfaceArea", "SurfaceVolumeRatio", "Sphericity",
    "Compactness1", "Compactness2", "SphericalDisproportion", "Maximum3DDiameter",
    "Maximum2DDiameterSlice", "Maximum2DDiameterColumn", "Maximum2DDiameterRow",
    "MajorAxisLength", "MinorAxisLength", "LeastAxisLength", "Elongation", "Flatness",
]
SYN_SIZE = (13, 11, 9)
SYN_SPACING = (0.7, 0.9, 2.0)


def synthetic():
    arr = numpy.zeros(SYN_SIZE[::-1], dtype=numpy.uint8)  # (z, y, x)
    for i in range(2, 11):
        for j in range(2, 9):
            for k in range(1, 8):
                if (37 * i + 91 * j + 53 * k + 7 * i * j + 3 * j * k) % 5 < 3:
                    arr[k, j, i] = 1
    mask = sitk.GetImageFromArray(arr)
    mask.SetSpacing(SYN_SPACING)
    img = sitk.GetImageFromArray(numpy.ones(SYN_SIZE[::-1], dtype=numpy.int16))
    img.SetSpacing(SYN_SPACING)
    return img, mask


def shape_features(image, mask, **settings):
    ext = featureextractor.RadiomicsFeatureExtractor(**settings)
    ext.disableAllFeatures()
    ext.enableFeaturesByName(shape=SHAPE)
    out = ext.execute(image, mask)
    return {k[len("original_shape_"):]: float(v) for k, v in out.items() if k.startswith("original_shape_")}


def main():
    radiomics.setVerbosity(logging.ERROR)
    result = {
        "generated_by": "tests/data/pyradiomics/make_shape_reference.py",
        "versions": {
            "python": sys.version.split()[0],
            "pyradiomics": radiomics.__version__,
            "SimpleITK": sitk.Version.VersionString(),
            "numpy": numpy.__version__,
        },
        "cases": {},
    }
    configs = {
        "default": {},
        "resampled": {"resampledPixelSpacing": [2, 2, 2], "interpolator": "sitkBSpline"},
    }
    for case in CASES:
        img = os.path.join(DATA, f"{case}_image.nrrd")
        lab = os.path.join(DATA, f"{case}_label.nrrd")
        for cname, settings in configs.items():
            result["cases"][f"{case}/{cname}"] = shape_features(img, lab, **settings)
    img, mask = synthetic()
    result["cases"]["synthetic/default"] = shape_features(img, mask)
    with open(os.path.join(HERE, "shape_reference.json"), "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
