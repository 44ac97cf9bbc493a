"""Shared fixtures: paths, a quiet Brian2, and small network builders."""
import logging
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"


@pytest.fixture(autouse=True, scope="session")
def _quiet_brian():
    logging.getLogger("brian2").setLevel(logging.ERROR)


@pytest.fixture
def models_dir():
    return MODELS
