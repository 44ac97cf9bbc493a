"""MNIST Hebbian + dopamine networks: loader, update rule, dopamine table,
--quick accuracy and bit-exact resume."""
import gzip
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from spikehebb.datasets import load_mnist
from spikehebb.datasets.mnist import FILES
from spikehebb.model.errors import ModelError
from spikehebb.model.schema import parse_fields
from spikehebb.tasks import Context
from spikehebb.tasks.mnist import task_shallow
from spikehebb.tasks.mnist.hebb import dopamine, hebbian_step, normalize, softmax
from spikehebb.tasks.mnist.shallow import ShallowNet

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


def test_normalize_sums_to_A_with_offset():
    x = np.array([[0.0, 1.0, 3.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    y = normalize(x, 10.0)
    np.testing.assert_allclose(y.sum(1), [10.0, 10.0])
    np.testing.assert_allclose(y[0], [1.0, 1.0 + 6 * 0.25, 1.0 + 6 * 0.75, 1.0])
    np.testing.assert_allclose(y[1], 2.5)  # blank input: uniform


def test_hebbian_step_equals_hand_computation():
    W = np.array([[1.0, 2.0], [3.0, 0.5], [2.0, 1.5]])  # 3 inputs, 2 units
    pre = np.array([[4.0, 1.0, 1.0], [0.0, 2.0, 4.0]])
    post = np.array([[0.75, 0.25], [0.1, 0.9]])
    da = np.array([2.0, -0.5])
    eps = 0.01
    expect = W.copy()
    for i in range(3):
        for j in range(2):
            expect[i, j] += eps * sum(da[b] * post[b, j] * (pre[b, i] - W[i, j]) for b in range(2))
    got = hebbian_step(W.copy(), pre, post, eps, da)
    np.testing.assert_allclose(got, expect, rtol=1e-13)
    # without dopamine (DA = 1) the rule keeps columns at the input sum A = 6
    W6 = np.array([[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]])
    out = hebbian_step(W6, pre, post, 0.05)
    np.testing.assert_allclose(out.sum(0), 6.0, rtol=1e-13)


def test_softmax_temperature():
    s = softmax(np.array([[0.0, np.log(3.0)]]), 1.0)
    np.testing.assert_allclose(s, [[0.25, 0.75]])
    assert softmax(np.array([[0.0, 1.0]]), 0.01)[0, 1] > 0.999


def test_dopamine_table_all_four_cases():
    table = [4.5, 0.02, -0.1, -2.0]
    #        explored+rewarded  greedy+rewarded  explored+wrong  greedy+wrong
    greedy = np.array([1, 3, 5, 7])
    taken = np.array([2, 3, 6, 7])
    labels = np.array([2, 3, 0, 0])
    da, reward = dopamine(greedy, taken, labels, table)
    assert da.tolist() == [4.5, 0.02, -0.1, -2.0]
    assert reward.tolist() == [True, True, False, False]


def test_dopamine_phase_uses_the_table():
    """In a dopamine epoch the hidden update is exactly the rule with the table's DA."""
    rng = np.random.default_rng(3)
    p = dict(t=0.5, eps=0.01, eps_class=1e-3, batch=4, da_hidden=np.array([4.5, 0.02, -0.1, -2.0]),
             da_class=np.array([0.0, 0.2, -0.3, -0.5]), explore_noise=2.0, class_noise=1.0)
    net = ShallowNet(6, 5, 3, p, rng)
    y = normalize(rng.random((4, 6)), 8.0)
    labels = np.array([0, 1, 2, 0])
    W0, Wout0 = net.W_hid.copy(), net.W_out.copy()
    r1, r2 = np.random.default_rng(7), np.random.default_rng(7)
    net.train_epoch(y, labels, True, r1)
    # replay by hand with the same generator
    order = r2.permutation(4)
    yb, lb = y[order], labels[order]
    u = yb @ np.log(W0)
    greedy = np.argmax(softmax(u, 0.5) @ np.log(Wout0), 1)
    s_n = softmax(u + r2.uniform(0, 2.0, u.shape), 0.5)
    taken = np.argmax(s_n @ np.log(Wout0), 1)
    da = np.where(taken == lb, np.where(greedy == taken, 0.02, 4.5), np.where(greedy == taken, -2.0, -0.1))
    expect = W0 + 0.01 * (yb.T @ (s_n * da[:, None]) - (s_n * da[:, None]).sum(0) * W0)
    np.testing.assert_allclose(net.W_hid, np.maximum(expect, 1e-10), rtol=1e-12)
    np.testing.assert_array_equal(net.W_out, Wout0)  # classifier frozen in the dopamine phase


def _params(**over):
    return parse_fields(task_shallow.PARAMS, over, "task")


def test_bad_dopamine_table_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="da_hidden"):
        task_shallow.run(_params(da_hidden=[1.0, 2.0]), Context(out_dir=str(tmp_path), progress=False))


@needs_data
def test_quick_shallow_well_below_chance(tmp_path):
    ctx = Context(seed=0, out_dir=str(tmp_path), quick=True, data_dir=str(DATA), progress=False)
    res = task_shallow.run(_params(), ctx)
    m = res.metrics
    # chance is 90 % error; --quick (2,000 images, 10 + 3 epochs) measured 10.6 %
    assert m["test_error"] < 0.2, m
    assert m["epochs"] == 13 and m["seconds_per_epoch"] > 0
    assert 0 <= m["train_error"] < 0.2
    # the dopamine phase must not make things worse than the Hebbian phase
    assert m["test_error"] <= m["test_error_after_hebbian"] + 0.01
    assert {"receptive_fields", "learning_curve", "confusion_matrix"} <= set(res.figures)
    assert res.arrays["confusion"].sum() == 10000


class _Interrupt(Exception):
    pass


@needs_data
def test_resume_gives_identical_weights(tmp_path, monkeypatch):
    over = dict(n_hidden=20, quick_n_train=600, quick_epochs_hebb=2, quick_epochs_dopa=2)
    full = task_shallow.run(_params(**over), Context(seed=5, out_dir=str(tmp_path / "a"), quick=True,
                                                     data_dir=str(DATA), progress=False))
    (tmp_path / "b").mkdir()
    ctx = Context(seed=5, out_dir=str(tmp_path / "b"), quick=True, data_dir=str(DATA), progress=False)
    original, calls = ShallowNet.train_epoch, []

    def interrupted(self, *a, **k):
        calls.append(1)
        if len(calls) == 3:  # die during the third epoch: two epochs are checkpointed
            raise _Interrupt
        return original(self, *a, **k)

    monkeypatch.setattr(ShallowNet, "train_epoch", interrupted)
    with pytest.raises(_Interrupt):
        task_shallow.run(_params(**over), ctx)
    monkeypatch.setattr(ShallowNet, "train_epoch", original)
    with np.load(tmp_path / "b" / "checkpoint.npz") as z:
        assert int(z["epoch"]) == 2
    ctx.resume = True
    resumed = task_shallow.run(_params(**over), ctx)
    for k in ("W_hid", "W_out", "test_error_per_epoch", "train_error_per_epoch"):
        np.testing.assert_array_equal(resumed.arrays[k], full.arrays[k])
    assert resumed.metrics["epochs"] == 4
    # resuming with another seed is refused
    with pytest.raises(ModelError, match="--resume"):
        task_shallow.run(_params(**over), Context(seed=6, out_dir=str(tmp_path / "b"), quick=True, resume=True,
                                                  data_dir=str(DATA), progress=False))


@needs_data
def test_cli_summary_names_the_backend_the_task_ran(tmp_path):
    """The shallow network exists only as a rate network: the summary says "rate" even
    under the default ``--backend spike``, and the errors are fractions."""
    import json

    from spikehebb.cli import main
    root = Path(__file__).parents[1]
    out = tmp_path / "run"
    rc = main(["run", str(root / "models" / "hebbian_mnist_shallow.toml"), "--quick", "--data", str(DATA),
               "--out", str(out), "--no-progress", "--set", "task.quick_n_train=100",
               "--set", "task.quick_epochs_hebb=1", "--set", "task.quick_epochs_dopa=0"])
    assert rc == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["backend"] == "rate" and "backend" not in summary["info"]
    assert 0.0 <= summary["metrics"]["test_error"] <= 1.0 and summary["metrics"]["epochs"] == 1
