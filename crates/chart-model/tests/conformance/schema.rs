//! values.schema.json validation during `.Values` computation, against Helm, suite `schema`.

use crate::coalesce::check;
use crate::golden;

#[test]
fn schema_matches_helm() {
    golden::check_all("schema", check);
}
