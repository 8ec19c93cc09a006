"""Packaging for backup_client."""

import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(
    r'^__version__ = "([^"]+)"',
    (HERE / "backup_client" / "__init__.py").read_text(encoding="utf-8"),
    re.MULTILINE,
).group(1)
REQUIRES = [
    line.strip()
    for line in (HERE / "requirements.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]

setup(
    name="backup-client",
    version=VERSION,
    description="Typed Python models and client for the backup platform's REST API",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.9",
    install_requires=REQUIRES,
    packages=find_packages(include=["backup_client", "backup_client.*"]),
    package_data={
        "backup_client": ["py.typed"],
        "backup_client.models": ["*.pyi"],
        "backup_client.samples": ["*.json"],
    },
    include_package_data=True,
    zip_safe=False,
    entry_points={
        "console_scripts": ["backup-client = backup_client.cli:main"],
        "pytest11": ["backup_client = backup_client.testing"],
    },
    classifiers=[
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Typing :: Typed",
    ],
)
