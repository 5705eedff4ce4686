"""Reference for radstudy's LBP3D image type: PyRadiomics 3.1.4 itself on a crop of its breast1
sample case (the ROI touches the crop's faces, so icosphere samples fall outside the image),
the whole breast1 image with preCrop, and the whole brain1 image (firstorder + glcm).

Environment (scipy >= 1.15 removed `sph_harm`, and PyRadiomics' getLBP3DImage then yields
nothing without an error):
    python3.11 -m venv /work/venvs/lbp3d
    /work/venvs/lbp3d/bin/pip install pyradiomics-bhklab==3.1.4 "scipy<1.15" trimesh
    /work/venvs/lbp3d/bin/python tests/data/lbp3d/make_lbp3d_reference.py ../shared/reference

Writes tests/data/lbp3d/reference.json: per configuration the parameter file (as JSON, which is
YAML), the firstorder features of every LBP3D image from `RadiomicsFeatureExtractor.execute`,
and the ROI values (numpy C order) of every image `imageoperations.getLBP3DImage` yields.
"""
import json
import os
import sys

import numpy as np
import SimpleITK as sitk
import scipy
import trimesh
import radiomics
from radiomics import featureextractor, imageoperations

ref = sys.argv[1] if len(sys.argv) > 1 else '../shared/reference'
data = os.path.join(ref, 'pyradiomics', 'data')
image = sitk.ReadImage(os.path.join(data, 'breast1_image.nrrd'))
label = sitk.ReadImage(os.path.join(data, 'breast1_label.nrrd'))

# ROI bounding box (x, y, z) and a crop whose faces the ROI touches on some sides.
ma = sitk.GetArrayFromImage(label) == 1
zz, yy, xx = np.nonzero(ma)
lo = [int(xx.min()), int(yy.min()), int(zz.min())]
hi = [int(xx.max()), int(yy.max()), int(zz.max())]
size = image.GetSize()
crop_lo = [max(lo[0] - 2, 0), lo[1], max(lo[2] - 1, 0)]
crop_hi = [min(hi[0] + 3, size[0]), min(hi[1] + 4, size[1]), hi[2] + 1]  # exclusive
img_c = image[crop_lo[0]:crop_hi[0], crop_lo[1]:crop_hi[1], crop_lo[2]:crop_hi[2]]
lab_c = label[crop_lo[0]:crop_hi[0], crop_lo[1]:crop_hi[1], crop_lo[2]:crop_hi[2]]

# float32 variant: x * 0.5 + 0.25 (exact in float32), so map_coordinates stores float32.
img_f32 = sitk.Cast(img_c, sitk.sitkFloat32) * 0.5 + 0.25

base = {'binWidth': 25, 'label': 1, 'additionalInfo': False}
custom = {'lbp3DLevels': 3, 'lbp3DIcosphereRadius': 2, 'lbp3DIcosphereSubdivision': 2}
configs = [
    ('default', 'int16', dict(base), {}),
    ('custom', 'int16', dict(base), custom),
    ('float32', 'float32', dict(base), {}),
    ('normalize', 'int16', dict(base, normalize=True), {'lbp3DLevels': 3}),
    # The whole breast1 image with preCrop (what `radstudy extract` reads as a box).
    ('precrop_whole_image', 'whole', dict(base, preCrop=True), {}),
    # brain1 (4137 ROI voxels), whole image, firstorder + glcm.
    ('brain1_whole_image', 'whole', dict(base), dict(custom, lbp3DIcosphereRadius=1)),
]
brain_img = sitk.ReadImage(os.path.join(data, 'brain1_image.nrrd'))
brain_lab = sitk.ReadImage(os.path.join(data, 'brain1_label.nrrd'))


def finite(v):
    v = float(v)
    return v if np.isfinite(v) else None


out = {
    'source': 'PyRadiomics %s, scipy %s, trimesh %s, numpy %s' % (
        radiomics.__version__, scipy.__version__, trimesh.__version__, np.__version__),
    'case': 'breast1',
    'crop': {'lower_xyz': crop_lo, 'upper_exclusive_xyz': crop_hi},
    'configs': [],
}
for name, pixel, settings, lbp_args in configs:
    brain = name.startswith('brain1')
    img = brain_img if brain else {'float32': img_f32, 'int16': img_c, 'whole': image}[pixel]
    lab = brain_lab if brain else (label if pixel == 'whole' else lab_c)
    classes = ['firstorder', 'glcm'] if brain else ['firstorder']
    ext = featureextractor.RadiomicsFeatureExtractor(**settings)
    ext.disableAllImageTypes()
    ext.enableImageTypeByName('LBP3D', customArgs=lbp_args)
    ext.disableAllFeatures()
    for cls in classes:
        ext.enableFeatureClassByName(cls)
    feats = ext.execute(img, lab)
    feats = {k: finite(v) for k, v in feats.items() if not k.startswith('diagnostics_')}
    assert feats, 'PyRadiomics computed no LBP3D features (is scipy < 1.15 installed?)'
    entry = {
        'name': name,
        'pixel': pixel,
        'case': 'brain1' if brain else 'breast1',
        'params': {'setting': settings, 'imageType': {'LBP3D': lbp_args},
                   'featureClass': {c: None for c in classes}},
        'features': feats,
        # Column order as PyRadiomics writes it (JSON objects are read back unordered).
        'feature_order': list(feats),
    }
    if not settings.get('normalize') and pixel != 'whole':
        kwargs = dict(settings, **lbp_args)
        values = {}
        for im, im_name, _ in imageoperations.getLBP3DImage(img, lab_c, **kwargs):
            arr = sitk.GetArrayFromImage(im)
            values[im_name] = [finite(v) for v in arr[sitk.GetArrayFromImage(lab_c) == 1]]
        entry['roi_values'] = values
        entry['image_order'] = list(values)
    out['configs'].append(entry)
    print(name, len(feats), 'features')

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'reference.json')
with open(path, 'w') as f:
    json.dump(out, f, indent=1, sort_keys=False)
    f.write('\n')
print('wrote', path)
