//! Statistical models for radiomics studies: logistic regression (Newton/IRLS), elastic-net
//! logistic and Gaussian paths (glmnet-style coordinate descent) with fold-based CV, Cox
//! proportional hazards (Efron / Breslow), LASSO / elastic-net Cox paths with CV, and a
//! nothing else (no random forest yet). Plain functions on `ndarray` arrays; no file I/O here.
pub mod cox;
pub mod cox_baseline;
pub mod coxnet;
pub mod coxnet_cv;
pub mod error;
pub mod glmnet;
pub mod glmnet_cv;
pub mod lasso_select;
pub mod linalg;
pub mod logistic;
pub mod orthant_newton;
pub mod standardize;

pub use error::ModelError;
