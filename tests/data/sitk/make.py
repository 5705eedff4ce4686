"""Regenerate the SimpleITK-written fixtures and the geometry SimpleITK reads back from them.

Run with a Python that has SimpleITK and numpy:  python make.py
Writes sitk_rot.nii.gz, sitk_perm.nii, sitk_rot.nrrd and expected.json (what SimpleITK's
reader reports: size, spacing, origin, direction row-major, voxel values in x-fastest order).
"""
import json, math
import numpy as np
import SimpleITK as sitk

a = np.arange(5 * 3 * 4, dtype=np.float32).reshape(4, 3, 5) * 0.5 - 7.25  # (z, y, x)
img = sitk.GetImageFromArray(a)
img.SetSpacing((0.75, 1.25, 3.0))
img.SetOrigin((-120.5, 33.25, -7.0))
s, c = math.sin(0.4), math.cos(0.4)
img.SetDirection((c, -s, 0, s, c, 0, 0, 0, -1))
sitk.WriteImage(img, "sitk_rot.nii.gz")
sitk.WriteImage(img, "sitk_rot.nrrd", useCompression=True)
perm = sitk.Cast(img, sitk.sitkInt16)
perm.SetDirection((0, 0, 1, 1, 0, 0, 0, 1, 0))
sitk.WriteImage(perm, "sitk_perm.nii")

out = {"simpleitk_version": sitk.Version_VersionString(), "files": {}}
for f in ["sitk_rot.nii.gz", "sitk_perm.nii", "sitk_rot.nrrd"]:
    r = sitk.ReadImage(f)
    arr = sitk.GetArrayFromImage(r).astype(np.float64)  # (z, y, x)
    out["files"][f] = {
        "size": list(r.GetSize()),
        "spacing": list(r.GetSpacing()),
        "origin": list(r.GetOrigin()),
        "direction": list(r.GetDirection()),
        "values_x_fastest": arr.ravel().tolist(),
    }
with open("expected.json", "w") as fh:
    json.dump(out, fh, indent=1)
