"""Use cases: orchestrate the pure core and the storage ports, and own the transactions."""
