"""Shared fixtures: paths, a quiet Brian2, and small network builders."""
import logging
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
#: the canonical MNIST files beside the checkout (CI puts ../shared there); tests never download
MNIST_DIR = Path(os.environ.get("SPIKEHEBB_DATA") or ROOT.parent / "shared" / "data" / "mnist")
os.environ.setdefault("SPIKEHEBB_DATA", str(MNIST_DIR))

#: a small, valid network model for command-line tests (20 Poisson inputs onto 2 LIF neurons, pair STDP)
TINY_MODEL = """
[model]
name = "tiny"
duration = "200 ms"
quick_duration = "50 ms"
[populations.inp]
type = "poisson"
n = 20
rate = "20 Hz"
[populations.out]
type = "lif"
n = 2
[projections.ff]
pre = "inp"
post = "out"
w_init = "200 pA"
w_max = "400 pA"
[projections.ff.rule]
type = "pair_stdp"
[record]
spikes = ["out"]
rates = ["out"]
weights = ["ff"]
weight_dt = "50 ms"
[[metrics]]
type = "output_rate"
population = "out"
[[metrics]]
type = "weight_distribution"
projection = "ff"
"""


@pytest.fixture(autouse=True, scope="session")
def _quiet_brian():
    logging.getLogger("brian2").setLevel(logging.ERROR)


@pytest.fixture
def models_dir():
    return MODELS


@pytest.fixture(autouse=True, scope="session")
def _own_build_cache(tmp_path_factory):
    """Compiled standalone builds go to a cache of this test session (subprocesses inherit it),
    never to the user's, so no test depends on builds left by an earlier session."""
    import os
    old = os.environ.get("SPIKEHEBB_CACHE")
    os.environ["SPIKEHEBB_CACHE"] = str(tmp_path_factory.mktemp("build_cache"))
    yield
    if old is None:
        os.environ.pop("SPIKEHEBB_CACHE", None)
    else:
        os.environ["SPIKEHEBB_CACHE"] = old
