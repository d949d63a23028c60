"""The examples in the gazetteer's docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["admin1", "model", "naming", "normalize", "registry", "sources", "store", "translit"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"truce.gazetteer.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
