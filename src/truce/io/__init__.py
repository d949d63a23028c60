"""File readers and writers: the I/O edge (CSV, JSONL, GeoJSON)."""
