//! The Go text/template language, Sprig and Helm functions, and Helm's chart renderer.
//!
//! This crate is laid out now so the workspace shows its final shape; its
//! contents arrive with the issue that builds it.
