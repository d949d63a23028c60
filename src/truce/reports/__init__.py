"""Reports: figures and maps built from domain values (rendering only; no storage access)."""
