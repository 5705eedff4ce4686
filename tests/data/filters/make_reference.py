"""Regenerate tests/data/filters/reference.json: PyRadiomics' own derived images (image types)
on two small inputs, summarised per image type.

Run from the crate root with a venv holding the packages recorded in the output, e.g.
    python3 -m venv .venv && .venv/bin/pip install pyradiomics-bhklab==3.1.4 PyWavelets SimpleITK scikit-image
    .venv/bin/python tests/data/filters/make_reference.py

Inputs
- "brain1_crop": PyRadiomics sample brain1 (../shared/reference/pyradiomics/data), label 1,
  cropped as PyRadiomics' preCrop does (cropToTumorMask with padDistance 5). int16.
- "synthetic": an int16 volume built from an integer formula (see `synthetic_value`), odd sizes
  and anisotropic spacing; mask = integer ellipsoid (see `synthetic_mask`). The Rust test builds
  the same volume from the same formula.

Per derived image the file holds stats inside the mask and over the whole image (count, mean,
population sd, min, max) and voxel values at fixed (x, y, z) indices (SimpleITK index order).
"""
import json
import os
import sys

import numpy
import pywt
import SimpleITK as sitk
import skimage

import radiomics
from radiomics import imageoperations as iop

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DATA = os.path.join(CRATE, "..", "shared", "reference", "pyradiomics", "data")

SYN_SIZE = (15, 12, 9)  # x, y, z
SYN_SPACING = (0.8, 1.1, 2.5)


def synthetic_value(i, j, k):
    return ((i * 37 + j * 91 + k * 53 + i * j * 7 + j * k * 3) % 101) - 40 + 2 * i


def synthetic_mask(i, j, k):
    # integer ellipsoid centred at (7, 6, 4), semi-axes (5, 4, 3)
    return int((i - 7) ** 2 * 144 + (j - 6) ** 2 * 225 + (k - 4) ** 2 * 400 <= 3600)


def make_synthetic():
    nx, ny, nz = SYN_SIZE
    arr = numpy.zeros((nz, ny, nx), dtype=numpy.int16)
    msk = numpy.zeros((nz, ny, nx), dtype=numpy.uint8)
    for k in range(nz):
        for j in range(ny):
            for i in range(nx):
                arr[k, j, i] = synthetic_value(i, j, k)
                msk[k, j, i] = synthetic_mask(i, j, k)
    im = sitk.GetImageFromArray(arr)
    im.SetSpacing(SYN_SPACING)
    ma = sitk.GetImageFromArray(msk)
    ma.CopyInformation(im)
    return im, ma


def make_brain1():
    im = sitk.ReadImage(os.path.join(DATA, "brain1_image.nrrd"))
    ma = sitk.ReadImage(os.path.join(DATA, "brain1_label.nrrd"))
    ma = iop.getMask(ma, label=1)
    bb, corrected = iop.checkMask(im, ma, label=1)
    assert corrected is None
    cim, cma = iop.cropToTumorMask(im, ma, bb, padDistance=5)
    size = numpy.array(ma.GetSize())
    lower = numpy.maximum(numpy.array(bb[0::2]) - 5, 0)
    upper = numpy.minimum(numpy.array(bb[1::2]) + 5, size - 1)
    crop = {"lower_xyz": [int(v) for v in lower], "upper_inclusive_xyz": [int(v) for v in upper]}
    return cim, cma, crop


def fixed_indices(size):
    nx, ny, nz = size
    pts = [(0, 0, 0), (nx - 1, ny - 1, nz - 1), (nx - 1, 0, nz // 2), (0, ny - 1, 1),
           (nx // 2, ny // 2, nz // 2), (nx // 3, (2 * ny) // 3, nz // 3), (1, 2, nz - 2)]
    return [list(p) for p in pts]


def stats(values):
    v = numpy.asarray(values, dtype=numpy.float64)
    return {"count": int(v.size), "mean": float(v.mean()), "sd": float(v.std()),
            "min": float(v.min()), "max": float(v.max())}


def summarise(img, mask_arr, pts):
    arr = sitk.GetArrayFromImage(img).astype(numpy.float64)
    return {
        "pixel_type": img.GetPixelIDTypeAsString(),
        "in_mask": stats(arr[mask_arr > 0]),
        "all": stats(arr),
        "voxels": [[p[0], p[1], p[2], float(arr[p[2], p[1], p[0]])] for p in pts],
    }


def run(gen, mask_arr, pts):
    out = []
    for img, name, _ in gen:
        out.append({"name": name, **summarise(img, mask_arr, pts)})
    return out


CONFIGS = {
    "brain1_crop": [
        ("Original", {}),
        ("LoG", {"sigma": [1.0, 2.0, 3.0, 4.0, 5.0]}),
        ("Wavelet", {}),
        ("Wavelet", {"wavelet": "haar"}),
        ("Wavelet", {"wavelet": "db2"}),
        ("Wavelet", {"wavelet": "sym4"}),
        ("Wavelet", {"wavelet": "coif2"}),
        ("Wavelet", {"wavelet": "coif1", "level": 2}),
        ("Wavelet", {"wavelet": "db3", "start_level": 1}),
        ("Square", {}),
        ("SquareRoot", {}),
        ("Logarithm", {}),
        ("Exponential", {}),
        ("Gradient", {}),
        ("Gradient", {"gradientUseSpacing": False}),
        ("LBP2D", {}),
        ("LBP2D", {"lbp2DRadius": 2, "lbp2DSamples": 12, "lbp2DMethod": "ror"}),
        ("LBP2D", {"lbp2DMethod": "default", "force2Ddimension": 1}),
        ("LBP2D", {"lbp2DRadius": 1.5, "lbp2DSamples": 12, "force2Ddimension": 2}),
    ],
    "synthetic": [
        ("Original", {}),
        ("LoG", {"sigma": [0.5, 1.0, 2.5, 25.0]}),
        ("Wavelet", {}),
        ("Wavelet", {"wavelet": "db1"}),
        ("Wavelet", {"wavelet": "db4"}),
        ("Wavelet", {"wavelet": "sym2"}),
        ("Wavelet", {"wavelet": "sym3"}),
        ("Wavelet", {"wavelet": "coif1", "level": 2, "start_level": 1}),
        ("Square", {}),
        ("SquareRoot", {}),
        ("Logarithm", {}),
        ("Exponential", {}),
        ("Gradient", {}),
        ("Gradient", {"gradientUseSpacing": False}),
        ("LBP2D", {}),
        ("LBP2D", {"lbp2DMethod": "default", "force2Ddimension": 2}),
        ("LBP2D", {"lbp2DRadius": 2, "lbp2DSamples": 8, "lbp2DMethod": "ror", "force2Ddimension": 1}),
    ],
}


def main():
    import logging
    radiomics.setVerbosity(logging.ERROR)
    cases = {}
    for case, cfgs in CONFIGS.items():
        if case == "synthetic":
            im, ma = make_synthetic()
            crop = None
        else:
            im, ma, crop = make_brain1()
        mask_arr = sitk.GetArrayFromImage(ma)
        pts = fixed_indices(im.GetSize())
        runs = []
        for image_type, kwargs in cfgs:
            gen = getattr(iop, "get%sImage" % image_type)(im, ma, **kwargs)
            runs.append({"image_type": image_type, "settings": kwargs, "images": run(gen, mask_arr, pts)})
        cases[case] = {
            "size_xyz": list(im.GetSize()),
            "spacing_xyz": list(im.GetSpacing()),
            "input_pixel_type": im.GetPixelIDTypeAsString(),
            "crop": crop,
            "runs": runs,
        }
    banks = {}
    for name in ["haar", "db1", "db2", "db3", "db4", "sym2", "sym3", "sym4", "coif1", "coif2"]:
        w = pywt.Wavelet(name)
        banks[name] = {"dec_lo": list(w.dec_lo), "dec_hi": list(w.dec_hi)}
    out = {
        "generated_by": "tests/data/filters/make_reference.py",
        "versions": {"python": sys.version.split()[0], "pyradiomics": radiomics.__version__,
                     "PyWavelets": pywt.__version__, "SimpleITK": sitk.Version_VersionString(),
                     "scikit-image": skimage.__version__, "numpy": numpy.__version__},
        "synthetic_formula": "value(i,j,k) = ((37i + 91j + 53k + 7ij + 3jk) mod 101) - 40 + 2i; "
                             "mask = 144(i-7)^2 + 225(j-6)^2 + 400(k-4)^2 <= 3600",
        "wavelet_filter_banks": banks,
        "cases": cases,
    }
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
