//! Statistical models for radiomics studies: logistic regression (Newton/IRLS), elastic-net
//! logistic and Gaussian paths (glmnet-style coordinate descent) with fold-based CV, Cox
//! proportional hazards (Efron / Breslow), LASSO / elastic-net Cox paths with CV,
//! and random forests, SVMs with Platt scaling, gradient boosting, k-means / Ward clustering and odds ratios. Plain functions on `ndarray` arrays; no file I/O here.
pub mod boosting;
pub mod cox;
pub mod cox_baseline;
pub mod coxnet;
pub mod coxnet_cv;
mod coxnet_newton;
pub mod error;
pub mod forest;
pub mod glmnet;
pub mod glmnet_cv;
pub mod hclust;
mod kernels;
pub mod kmeans;
pub mod lasso_select;
pub mod linalg;
pub mod logistic;
pub mod odds_ratio;
pub mod orthant_newton;
pub mod platt;
pub mod standardize;
pub mod svm;
pub mod tree;

pub use error::ModelError;
