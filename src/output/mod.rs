//! The last stage: writing files.

pub mod write;
