"""Regenerate tests/data/shape2d/shape2d_reference.json: PyRadiomics 3.1.4's own shape2D
features (force2D, every feature incl. the deprecated SphericalDisproportion) on single-slice
masks cut from the five PyRadiomics sample label maps, for force2Ddimension 0, 1 and 2, plus a
synthetic scattered slice (many ambiguous marching-squares cases), and which cases PyRadiomics
refuses (ROI thicker than one pixel: ValueError) or skips (its (x, y, z)-indexed size check).

Run from the crate root with a venv holding pyradiomics-bhklab 3.1.4:
    /work/venvs/pyrad/bin/python tests/data/shape2d/make_shape2d_reference.py

Slice rule: along numpy axis d (0 = z, 1 = y, 2 = x) keep only the label-1 voxels whose index is
s = the smallest index with the most label-1 voxels; everything else becomes 0.
Synthetic: size (x, y, z) = (17, 13, 1), spacing (0.7, 0.9, 2.5); pixel (i, j) is in the mask
when 1 <= i <= 15, 1 <= j <= 11 and (37i + 91j + 7ij) mod 7 < 4.
"""
import json
import logging
import os

import numpy
import SimpleITK as sitk

from radiomics import featureextractor

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DATA = os.path.join(CRATE, "..", "shared", "reference", "pyradiomics", "data")
CASES = ["brain1", "brain2", "breast1", "lung1", "lung2"]
FEATURES = ["MeshSurface", "PixelSurface", "Perimeter", "PerimeterSurfaceRatio", "Sphericity",
            "SphericalDisproportion", "MaximumDiameter", "MajorAxisLength", "MinorAxisLength", "Elongation"]


def extractor(dim):
    ext = featureextractor.RadiomicsFeatureExtractor(force2D=True, force2Ddimension=dim, label=1)
    ext.disableAllFeatures()
    ext.enableFeaturesByName(shape2D=FEATURES)
    return ext


def run(ext, img, mask):
    try:
        out = ext.execute(img, mask)
    except ValueError as e:
        return {"error": str(e)}
    feats = {k.split("_", 2)[2]: float(v) for k, v in out.items() if k.startswith("original_shape2D_")}
    return {"features": feats} if feats else {"skipped": True}


def main():
    logging.getLogger("radiomics").setLevel(logging.ERROR)
    cases = {}
    for case in CASES:
        img = sitk.ReadImage(os.path.join(DATA, f"{case}_image.nrrd"))
        lab = sitk.ReadImage(os.path.join(DATA, f"{case}_label.nrrd"))
        arr = sitk.GetArrayFromImage(lab)
        for dim in (0, 1, 2):
            idx = numpy.argwhere(arr == 1)[:, dim]
            counts = numpy.bincount(idx)
            s = int(numpy.argmax(counts))
            sl = [slice(None)] * 3
            sl[dim] = s
            cut = numpy.zeros_like(arr)
            cut[tuple(sl)] = (arr[tuple(sl)] == 1).astype(arr.dtype)
            m = sitk.GetImageFromArray(cut)
            m.CopyInformation(lab)
            cases[f"{case}/dim{dim}"] = {"dim": dim, "slice": s, **run(extractor(dim), img, m)}
        # The whole (multi-slice) ROI: PyRadiomics raises.
        cases[f"{case}/whole"] = {"dim": 0, "slice": -1, **run(extractor(0), img, lab)}
    syn = numpy.zeros((1, 13, 17), dtype=numpy.uint8)
    for i in range(1, 16):
        for j in range(1, 12):
            if (37 * i + 91 * j + 7 * i * j) % 7 < 4:
                syn[0, j, i] = 1
    m = sitk.GetImageFromArray(syn)
    m.SetSpacing((0.7, 0.9, 2.5))
    im = sitk.GetImageFromArray(numpy.ones(syn.shape, dtype=numpy.int16))
    im.SetSpacing((0.7, 0.9, 2.5))
    cases["synthetic/dim0"] = {"dim": 0, "slice": 0, **run(extractor(0), im, m)}
    out = {"pyradiomics": "3.1.4", "features": FEATURES, "cases": cases}
    with open(os.path.join(HERE, "shape2d_reference.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
