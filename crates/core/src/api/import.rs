//! Importing systems from .xlsx, .ods and .csv.
