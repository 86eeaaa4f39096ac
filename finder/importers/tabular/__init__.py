"""What the list importers (CSV/TSV, JSON, XLSX) share: mapping columns to fields, reading rows."""
