//! Export: render register rows to .csv and .xlsx.
