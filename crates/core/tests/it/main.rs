//! Integration tests of core's API.
