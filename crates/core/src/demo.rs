//! The sample workspace: a realistic demo portfolio.
