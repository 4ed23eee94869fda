//! Tests against real services: the drivers on a real API server and PostgreSQL, Leases, and real `helm` reading
//! our releases and the other way round. Services come from `HELM_API_TEST_*` (see `support`).

mod interop;
mod kube_drivers;
mod lock;
mod sql_driver;
#[path = "../drivers/suite.rs"]
mod suite;
mod support;
