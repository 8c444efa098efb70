//! Nothing to see: this crate only unifies the features of shared dependencies (see its Cargo.toml).
