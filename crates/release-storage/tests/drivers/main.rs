//! Driver and Storage tests: the shared driver suite run against the memory driver, and Storage's history rules.

mod storage;
mod suite;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use release_storage::MemoryDriver;

/// Runs a future that needs no reactor (the memory driver never waits) to completion.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::yield_now();
    }
}

#[test]
fn memory_driver_passes_the_suite() {
    block_on(suite::run(&MemoryDriver::new()));
}

#[test]
fn memory_driver_as_a_trait_object() {
    let boxed: Box<dyn release_storage::Driver> = Box::new(MemoryDriver::new());
    assert_eq!(boxed.name(), "Memory");
    block_on(suite::run(&boxed));
}
