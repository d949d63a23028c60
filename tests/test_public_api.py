"""The curated public API (as httpx tests its __all__)."""

import truce


def test_all_is_sorted_and_importable():
    assert truce.__all__ == sorted(truce.__all__, key=str.lower) or truce.__all__ == sorted(truce.__all__)
    for name in truce.__all__:
        assert hasattr(truce, name), name


def test_error_tree_exit_codes():
    assert truce.ValidationError("x").exit_code == 2
    assert truce.AgreementError("x").exit_code == 2
    assert truce.StorageError("x").exit_code == 1
    assert issubclass(truce.AgreementNotFound, truce.NotFound)
