//! The last stage: minifying and writing files.

pub mod minify;
pub mod write;
