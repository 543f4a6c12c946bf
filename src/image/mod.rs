//! Image references, manifests and configs.
