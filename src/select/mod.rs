//! Feature selection: univariate screening tests, correlation redundancy filter and scaling.
//! Every data-fitted step is applied by `validate::fit` to a split's training rows only.
pub mod correlation;
pub mod kbest;
pub mod mrmr;
pub mod rfe;
pub mod scale;
pub mod univariate;

pub use univariate::{
    anova_f_oneway, benjamini_hochberg, bonferroni, mann_whitney_u, point_biserial, student_t_test, univariate_tests,
    welch_t_test, AnovaF, MannWhitney, PointBiserial, TTest, UnivariateTests,
};
