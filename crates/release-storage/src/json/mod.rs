//! A release in JSON exactly as Helm's `encoding/json` writes and reads `release.Release`.

mod read;
mod write;

pub(crate) use read::read_release;
pub(crate) use write::write_release;
