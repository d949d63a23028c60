"""Pure domain types: no I/O, no SQL, no CLI."""
