"""The package's public face: its names, its typing marker, its light import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import backup_client
from backup_client import model_utils, models, timeconv
from backup_client.model import backup_attempt, backup_data_stats

ROOT = Path(__file__).resolve().parent.parent


def test_public_names_are_pinned() -> None:
    """The package exports exactly these names, so none change by accident."""
    assert sorted(backup_client.__all__) == [
        "ApiAttributeError",
        "ApiClient",
        "ApiConnectionError",
        "ApiException",
        "ApiKeyError",
        "ApiProxyError",
        "ApiTLSError",
        "ApiTimeoutError",
        "ApiTypeError",
        "ApiValueError",
        "Configuration",
        "ForbiddenException",
        "NotFoundException",
        "OpenApiException",
        "ServiceException",
        "UnauthorizedException",
        "UnverifiedTLSWarning",
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


def test_models_public_names_are_pinned() -> None:
    """backup_client.models exports exactly the models and their constants."""
    assert models.__all__ == ["BackupAttempt", "BackupAttemptStatus", "BackupDataStats"]


def test_model_modules_public_names_are_pinned() -> None:
    """Each model module exports its model, then its constants classes."""
    assert backup_attempt.__all__ == ["BackupAttempt", "BackupAttemptStatus"]
    assert backup_data_stats.__all__ == ["BackupDataStats"]


def test_timeconv_public_names_are_pinned() -> None:
    """timeconv exports the epoch and the four conversions."""
    assert sorted(timeconv.__all__) == [
        "EPOCH",
        "datetime_from_usecs",
        "timedelta_from_usecs",
        "usecs_from_datetime",
        "usecs_from_timedelta",
    ]


def test_every_models_name_resolves() -> None:
    """Every name backup_client.models lists is listed by dir() and importable."""
    assert set(models.__all__) <= set(dir(models))
    for name in models.__all__:
        assert getattr(models, name).__name__ == name


def test_models_index_refuses_unknown_and_partial_names() -> None:
    """Only whole class names resolve; others raise AttributeError naming them."""
    for name in ("Backup", "backup_attempt", "BackupAttempt backup_attempt", ""):
        with pytest.raises(AttributeError, match="has no attribute"):
            getattr(models, name)


def test_models_star_import_gives_every_class() -> None:
    """``from backup_client.models import *`` binds exactly the listed classes."""
    namespace: dict[str, object] = {}
    exec("from backup_client.models import *", namespace)
    assert sorted(set(namespace) - {"__builtins__"}) == sorted(models.__all__)


def test_timeconv_imports_only_datetime_and_exceptions() -> None:
    """Importing timeconv loads no other part of the package and no dependency."""
    code = (
        "import sys, backup_client.timeconv; "
        "print(sorted(n for n in sys.modules if n.startswith('backup_client.') "
        "or n in ('urllib3', 'dateutil')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    )
    assert (
        result.stdout.strip()
        == "['backup_client.exceptions', 'backup_client.timeconv']"
    )
