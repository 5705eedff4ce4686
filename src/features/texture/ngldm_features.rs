//! The 17 IBSI NGLDM features (IBSI 1 section "Neighbouring grey level dependence based
//! features"): names and codes mapped onto the shared formulas in `emphasis_features`
//! (j = dependence count), plus dependence count energy. No matrix building, no aggregation.

use super::emphasis_features::*;

/// All 17 NGLDM features in IBSI order.
pub const NGLDM_FEATURES: [EmphasisFeature; 17] = [
    ("low_dependence_emphasis", "SODN", low_count_emphasis),
    ("high_dependence_emphasis", "IMOQ", high_count_emphasis),
    ("low_grey_level_count_emphasis", "TL9H", low_grey_level_emphasis),
    ("high_grey_level_count_emphasis", "OAE7", high_grey_level_emphasis),
    ("low_dependence_low_grey_level_emphasis", "EQ3F", low_count_low_grey_level_emphasis),
    ("low_dependence_high_grey_level_emphasis", "JA6D", low_count_high_grey_level_emphasis),
    ("high_dependence_low_grey_level_emphasis", "NBZI", high_count_low_grey_level_emphasis),
    ("high_dependence_high_grey_level_emphasis", "9QMG", high_count_high_grey_level_emphasis),
    ("grey_level_non_uniformity", "FP8K", grey_level_non_uniformity),
    ("normalised_grey_level_non_uniformity", "5SPA", normalised_grey_level_non_uniformity),
    ("dependence_count_non_uniformity", "Z87G", count_non_uniformity),
    ("normalised_dependence_count_non_uniformity", "OKJI", normalised_count_non_uniformity),
    ("dependence_count_percentage", "6XV8", percentage),
    ("grey_level_variance", "1PFV", grey_level_variance),
    ("dependence_count_variance", "DNX2", count_variance),
    ("dependence_count_entropy", "FCBV", entropy),
    ("dependence_count_energy", "CAS9", energy),
];
