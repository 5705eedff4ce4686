"""Regenerate tests/data/pyradiomics/glcm_variants_reference.json: PyRadiomics 3.1.4's own GLCM
and GLRLM features with the matrix settings the default parameters leave alone —
asymmetric GLCMs (symmetricalGLCM: False) and directions merged by weightingNorm — on the five
PyRadiomics sample cases, Original and LoG sigma 2 mm images, binWidth 25, preCrop.

Run from the crate root with a venv holding pyradiomics-bhklab 3.1.4, e.g.
    python3.11 -m venv /work/venvs/pyrad && /work/venvs/pyrad/bin/pip install pyradiomics-bhklab==3.1.4
    /work/venvs/pyrad/bin/python tests/data/pyradiomics/make_glcm_variants_reference.py

Each configuration's YAML is stored next to its values, so the test runs exactly these settings.
"""
import json
import logging
import os

import radiomics
from radiomics import featureextractor

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DATA = os.path.join(CRATE, "..", "shared", "reference", "pyradiomics", "data")
CASES = ["brain1", "brain2", "breast1", "lung1", "lung2"]
CONFIGS = {
    "asymmetric": "symmetricalGLCM: false",
    "euclidean": "weightingNorm: euclidean",
    "asymmetric_manhattan": "symmetricalGLCM: false\n  weightingNorm: manhattan",
}


def params(extra):
    return (
        "setting:\n  binWidth: 25\n  label: 1\n  preCrop: true\n  " + extra + "\n"
        "imageType:\n  Original: {}\n  LoG:\n    sigma: [2.0]\n"
        "featureClass:\n  glcm:\n  glrlm:\n"
    )


def main():
    radiomics.setVerbosity(logging.ERROR)
    out = {"pyradiomics": radiomics.__version__, "configs": {}}
    for name, extra in CONFIGS.items():
        yaml_text = params(extra)
        path = os.path.join(HERE, f"_tmp_{name}.yaml")
        with open(path, "w") as f:
            f.write(yaml_text)
        try:
            ext = featureextractor.RadiomicsFeatureExtractor(path)
            cases = {}
            for case in CASES:
                res = ext.execute(os.path.join(DATA, f"{case}_image.nrrd"), os.path.join(DATA, f"{case}_label.nrrd"))
                cases[case] = {k: float(v) for k, v in res.items() if not k.startswith("diagnostics_")}
        finally:
            os.remove(path)
        out["configs"][name] = {"params": yaml_text, "cases": cases}
    with open(os.path.join(HERE, "glcm_variants_reference.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
