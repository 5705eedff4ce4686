//! The 16 IBSI GLSZM and 16 GLDZM features (IBSI 1 sections "Grey level size zone based
//! features" and "Grey level distance zone based features"): both are zone matrices, so
//! names and codes map onto the shared formulas in `emphasis_features` (j = zone size or
//! zone distance). No matrix building, no aggregation.

use super::emphasis_features::*;

/// All 16 GLSZM features in IBSI order.
pub const GLSZM_FEATURES: [EmphasisFeature; 16] = [
    ("small_zone_emphasis", "5QRC", low_count_emphasis),
    ("large_zone_emphasis", "48P8", high_count_emphasis),
    ("low_grey_level_zone_emphasis", "XMSY", low_grey_level_emphasis),
    ("high_grey_level_zone_emphasis", "5GN9", high_grey_level_emphasis),
    ("small_zone_low_grey_level_emphasis", "5RAI", low_count_low_grey_level_emphasis),
    ("small_zone_high_grey_level_emphasis", "HW1V", low_count_high_grey_level_emphasis),
    ("large_zone_low_grey_level_emphasis", "YH51", high_count_low_grey_level_emphasis),
    ("large_zone_high_grey_level_emphasis", "J17V", high_count_high_grey_level_emphasis),
    ("grey_level_non_uniformity", "JNSA", grey_level_non_uniformity),
    ("normalised_grey_level_non_uniformity", "Y1RO", normalised_grey_level_non_uniformity),
    ("zone_size_non_uniformity", "4JP3", count_non_uniformity),
    ("normalised_zone_size_non_uniformity", "VB3A", normalised_count_non_uniformity),
    ("zone_percentage", "P30P", percentage),
    ("grey_level_variance", "BYLV", grey_level_variance),
    ("zone_size_variance", "3NSA", count_variance),
    ("zone_size_entropy", "GU8N", entropy),
];

/// All 16 GLDZM features in IBSI order.
pub const GLDZM_FEATURES: [EmphasisFeature; 16] = [
    ("small_distance_emphasis", "0GBI", low_count_emphasis),
    ("large_distance_emphasis", "MB4I", high_count_emphasis),
    ("low_grey_level_zone_emphasis", "S1RA", low_grey_level_emphasis),
    ("high_grey_level_zone_emphasis", "K26C", high_grey_level_emphasis),
    ("small_distance_low_grey_level_emphasis", "RUVG", low_count_low_grey_level_emphasis),
    ("small_distance_high_grey_level_emphasis", "DKNJ", low_count_high_grey_level_emphasis),
    ("large_distance_low_grey_level_emphasis", "A7WM", high_count_low_grey_level_emphasis),
    ("large_distance_high_grey_level_emphasis", "KLTH", high_count_high_grey_level_emphasis),
    ("grey_level_non_uniformity", "VFT7", grey_level_non_uniformity),
    ("normalised_grey_level_non_uniformity", "7HP3", normalised_grey_level_non_uniformity),
    ("zone_distance_non_uniformity", "V294", count_non_uniformity),
    ("normalised_zone_distance_non_uniformity", "IATH", normalised_count_non_uniformity),
    ("zone_percentage", "VIWW", percentage),
    ("grey_level_variance", "QK93", grey_level_variance),
    ("zone_distance_variance", "7WT1", count_variance),
    ("zone_distance_entropy", "GBDU", entropy),
];
