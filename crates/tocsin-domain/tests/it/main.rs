//! The domain rules' integration tests, in one binary.

mod no_panic;
