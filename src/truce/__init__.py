"""truce: software for monitoring and verifying a cease-fire.

The public API is re-exported here; see the README and ``docs/`` for the guides.
"""

from __future__ import annotations

from truce.errors import (
    AgreementError,
    AgreementNotFound,
    ConflictError,
    CRSError,
    GeometryError,
    InputError,
    NotFound,
    PlaceNotFound,
    StorageError,
    TruceError,
    ValidationError,
)

__version__ = "0.1.0"

__all__ = [
    "AgreementError",
    "AgreementNotFound",
    "CRSError",
    "ConflictError",
    "GeometryError",
    "InputError",
    "NotFound",
    "PlaceNotFound",
    "StorageError",
    "TruceError",
    "ValidationError",
    "__version__",
]
