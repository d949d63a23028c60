"""The exceptions truce raises.

Every error the library raises on purpose is a :class:`TruceError`; the CLI turns them into a
one-line message and an exit code (2 for bad input, 1 for a failure), the API into one JSON shape.

    TruceError
    ├── InputError                  bad input: exit code 2
    │   ├── ValidationError         a record, field or file does not fit its contract
    │   ├── AgreementError          an agreement directory is invalid (names file, field, reason)
    │   ├── GeometryError           a geometry is empty, invalid or of the wrong type
    │   └── CRSError                planar maths asked of lon/lat, or an unusable CRS
    ├── NotFound                    a named thing does not exist
    │   ├── AgreementNotFound
    │   └── PlaceNotFound
    ├── ConflictError               the record already holds something incompatible
    └── StorageError                the record could not be read or written
"""

from __future__ import annotations


class TruceError(Exception):
    """Base class of every error truce raises on purpose."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(TruceError):
    """The input is wrong; fixing it is up to the caller."""

    exit_code = 2


class ValidationError(InputError):
    """A record, field or file does not fit its contract.

    ``where`` names the file and line or record, ``field`` the field, when known.
    """

    def __init__(self, message: str, *, where: str | None = None, field: str | None = None):
        prefix = ": ".join(p for p in (where, field) if p)
        super().__init__(f"{prefix}: {message}" if prefix else message)
        self.where = where
        self.field = field
        self.reason = message


class AgreementError(ValidationError):
    """An agreement directory does not load: the message names the file, the field and why."""


class GeometryError(InputError):
    """A geometry is empty, invalid, or not of the expected type."""


class CRSError(InputError):
    """Metric work was asked of geographic coordinates, or the CRS cannot be used."""


class NotFound(TruceError):
    """A named thing does not exist."""

    exit_code = 2

    def __init__(self, message: str, *, name: str | None = None) -> None:
        super().__init__(message)
        self.name = name


class AgreementNotFound(NotFound):
    """No bundled agreement and no directory by that name."""


class PlaceNotFound(NotFound):
    """The gazetteer has no place by that name."""


class ConflictError(TruceError):
    """The record already holds something incompatible with the request."""


class StorageError(TruceError):
    """The record could not be read or written."""
