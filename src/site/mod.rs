//! The site model: every document (home, sections, pages) in every language, with its URL,
//! place in the section tree, translations, taxonomies, aliases and assets.
//!
//! Built once by [`build::build`] from validated content and never changed afterwards;
//! later stages borrow it. Documents refer to each other by [`DocId`], an index into
//! [`Site::docs`].

pub mod build;
mod from_data;
mod model;
mod taxonomy;
mod urls;

pub use build::{SiteOptions, build};
pub use model::{Alias, AssetCopy, Body, DataRow, Doc, Kind, Meta, NotFound, SectionInfo, Site, Taxonomy, Term};
