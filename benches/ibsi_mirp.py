"""MIRP 2.x on the IBSI 1 CT radiomics phantom, configurations C, D and E (3D, 2 mm isotropic
resampling, all feature families), one thread: wall seconds per configuration, the
counterpart of `bench_radstudy ibsi`. Prints one JSON line {"C_s": .., "D_s": .., "E_s": ..}.
Settings follow the IBSI 1 reference manual, section "Reference data sets"."""
import json, sys, time, warnings
from pathlib import Path

warnings.filterwarnings("ignore")
from mirp import extract_features

COMMON = dict(
    image_modality="CT",
    by_slice=False,
    new_spacing=2.0,
    anti_aliasing=False,
    roi_spline_order=1,
    roi_interpolation_mask_inclusion_threshold=0.5,
    base_feature_families="all",
    ivh_discretisation_method="none",
    num_cpus=1,
)
CONFIGS = {
    "C": dict(spline_order=1, resegmentation_intensity_range=[-1000.0, 400.0],
              base_discretisation_method="fixed_bin_size", base_discretisation_bin_width=25.0,
              ivh_discretisation_method="fixed_bin_size", ivh_discretisation_bin_width=2.5),
    "D": dict(spline_order=1, resegmentation_sigma=3.0,
              base_discretisation_method="fixed_bin_number", base_discretisation_n_bins=32,
              ivh_discretisation_method="fixed_bin_number", ivh_discretisation_n_bins=1000),
    "E": dict(spline_order=3, resegmentation_intensity_range=[-1000.0, 400.0], resegmentation_sigma=3.0,
              base_discretisation_method="fixed_bin_number", base_discretisation_n_bins=32,
              ivh_discretisation_method="fixed_bin_number", ivh_discretisation_n_bins=1000),
}

def main(ibsi_dir):
    d = Path(ibsi_dir) / "ct_radiomics_phantom" / "nifti"
    image, mask = str(d / "image" / "phantom.nii.gz"), str(d / "mask" / "mask.nii.gz")
    out = {}
    for name, cfg in CONFIGS.items():
        settings = {**COMMON, **cfg}
        t0 = time.perf_counter()
        df = extract_features(image=image, mask=mask, **settings)
        out[f"{name}_s"] = round(time.perf_counter() - t0, 3)
        out[f"{name}_columns"] = int(df[0].shape[1]) if isinstance(df, list) else int(df.shape[1])
    print(json.dumps(out))

if __name__ == "__main__":
    main(sys.argv[1])
