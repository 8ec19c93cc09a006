"""The package's public face: its names, its typing marker, its light import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import backup_client
from backup_client import model_utils

ROOT = Path(__file__).resolve().parent.parent


def test_public_names_are_pinned() -> None:
    """The package exports exactly these names, so none change by accident."""
    assert sorted(backup_client.__all__) == [
        "ApiAttributeError",
        "ApiClient",
        "ApiConnectionError",
        "ApiException",
        "ApiKeyError",
        "ApiTimeoutError",
        "ApiTypeError",
        "ApiValueError",
        "Configuration",
        "ForbiddenException",
        "NotFoundException",
        "OpenApiException",
        "ServiceException",
        "UnauthorizedException",
        "__version__",
    ]


def test_model_utils_public_names_are_pinned() -> None:
    """model_utils exports the names response types and models are written with."""
    assert sorted(model_utils.__all__) == [
        "Attribute",
        "ModelNormal",
        "OpenApiModel",
        "attribute",
        "convert_wire_value",
        "date",
        "datetime",
        "file_type",
        "none_type",
        "parse_json",
        "sanitize_for_serialization",
    ]


def test_every_public_name_resolves() -> None:
    """Every exported name of the package can be imported."""
    for name in backup_client.__all__:
        assert getattr(backup_client, name) is not None


def test_unknown_package_attribute_raises() -> None:
    """An unknown name on the package raises AttributeError."""
    try:
        backup_client.NoSuchThing  # noqa: B018  # the access is the test
    except AttributeError as err:
        assert "NoSuchThing" in str(err)
    else:
        raise AssertionError("expected AttributeError")


def test_package_ships_py_typed() -> None:
    """The package carries the py.typed marker."""
    assert (Path(backup_client.__file__).parent / "py.typed").is_file()


def test_models_import_without_urllib3() -> None:
    """Importing the models loads neither urllib3 nor python-dateutil."""
    code = (
        "import sys, backup_client.models as m; m.BackupAttempt; "
        "print(sorted(n for n in ('urllib3', 'dateutil') if n in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert result.stdout.strip() == "[]"
