"""Agreements as data: a directory with ``agreement.yaml`` and GeoJSON files.

``load_agreement(name_or_dir)`` returns a validated :class:`Agreement`; ``bundled_agreements()``
lists the ones shipped with truce.  The format is documented in ``docs/agreement.md``.
"""

from truce.agreement.model import (
    Agreement,
    DisengagementArea,
    Party,
    Region,
    Rule,
    WeaponClass,
)

__all__ = [
    "Agreement",
    "DisengagementArea",
    "Party",
    "Region",
    "Rule",
    "WeaponClass",
]
