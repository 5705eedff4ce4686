//! The 16 IBSI GLRLM features (IBSI 1 section "Grey level run length based features"): names
//! and codes mapped onto the shared formulas in `emphasis_features` (j = run length).
//! No matrix building, no aggregation.

use super::emphasis_features::*;

/// All 16 GLRLM features in IBSI order.
pub const GLRLM_FEATURES: [EmphasisFeature; 16] = [
    ("short_runs_emphasis", "22OV", low_count_emphasis),
    ("long_runs_emphasis", "W4KF", high_count_emphasis),
    ("low_grey_level_run_emphasis", "V3SW", low_grey_level_emphasis),
    ("high_grey_level_run_emphasis", "G3QZ", high_grey_level_emphasis),
    ("short_run_low_grey_level_emphasis", "HTZT", low_count_low_grey_level_emphasis),
    ("short_run_high_grey_level_emphasis", "GD3A", low_count_high_grey_level_emphasis),
    ("long_run_low_grey_level_emphasis", "IVPO", high_count_low_grey_level_emphasis),
    ("long_run_high_grey_level_emphasis", "3KUM", high_count_high_grey_level_emphasis),
    ("grey_level_non_uniformity", "R5YN", grey_level_non_uniformity),
    ("normalised_grey_level_non_uniformity", "OVBL", normalised_grey_level_non_uniformity),
    ("run_length_non_uniformity", "W92Y", count_non_uniformity),
    ("normalised_run_length_non_uniformity", "IC23", normalised_count_non_uniformity),
    ("run_percentage", "9ZK5", percentage),
    ("grey_level_variance", "8CE5", grey_level_variance),
    ("run_length_variance", "SXLW", count_variance),
    ("run_entropy", "HJ9O", entropy),
];
