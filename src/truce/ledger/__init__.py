"""The ledger: an append-only, SHA-256 hash-chained list of every write to the record (pure)."""

from truce.ledger.chain import (
    GENESIS_HASH,
    LedgerEntry,
    RowFold,
    VerifyResult,
    canonical,
    entry_hash,
    fold_digest,
    make_entry,
    sha256_hex,
    verify_chain,
)

__all__ = ["GENESIS_HASH", "LedgerEntry", "RowFold", "VerifyResult", "canonical", "entry_hash",
           "fold_digest", "make_entry", "sha256_hex", "verify_chain"]
