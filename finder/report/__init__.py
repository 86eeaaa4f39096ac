"""Report formats (the comparison report and exports)."""
