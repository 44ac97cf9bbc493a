"""The MNIST loader: shapes, the official split, checksums, the data directory."""
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from spikehebb.datasets import load_mnist
from spikehebb.datasets.mnist import FILES
from spikehebb.model.errors import ModelError

DATA = Path(os.environ.get("SPIKEHEBB_DATA") or Path(__file__).parents[1] / ".." / "shared" / "data" / "mnist")
needs_data = pytest.mark.skipif(not (DATA / "t10k-labels-idx1-ubyte.gz").exists(),
                                reason=f"MNIST not found in {DATA}")

# label counts from ../shared/data/README.md
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@needs_data
def test_loader_shapes_and_official_split():
    d = load_mnist(DATA)
    assert d["x_train"].shape == (60000, 28, 28) and d["x_train"].dtype == np.uint8
    assert d["x_test"].shape == (10000, 28, 28)
    assert np.bincount(d["y_train"]).tolist() == TRAIN_COUNTS  # no class trimming
    assert np.bincount(d["y_test"]).tolist() == TEST_COUNTS
    assert d["x_train"].max() == 255 and d["x_train"].min() == 0


def _copy_data(tmp_path):
    for name in FILES:
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


@needs_data
@pytest.mark.parametrize("damage", ["flip", "truncate", "missing"])
def test_loader_rejects_bad_file(tmp_path, damage):
    d = _copy_data(tmp_path)
    bad = d / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(bad.read_bytes())
    if damage == "flip":
        raw[-20] ^= 0xFF
        bad.write_bytes(bytes(raw))
    elif damage == "truncate":
        bad.write_bytes(bytes(raw[: len(raw) // 2]))
    else:
        bad.unlink()
    with pytest.raises(ModelError) as exc:
        load_mnist(d)
    msg = str(exc.value)
    assert str(bad) in msg and "\n" not in msg
    assert ("not found" in msg) if damage == "missing" else ("md5" in msg)


@needs_data
def test_loader_uses_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("SPIKEHEBB_DATA", str(tmp_path))  # empty folder: must not fall back elsewhere
    with pytest.raises(ModelError, match="not found"):
        load_mnist()
