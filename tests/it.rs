//! berth's integration tests: one binary (see tests/util for the harness).
