"""Convolutional Hebbian network: patch extraction, pooling and normalisation."""
import numpy as np
import pytest

from spikehebb.model.schema import parse_fields
from spikehebb.tasks.mnist import task_conv
from spikehebb.tasks.mnist.conv import ConvNet, patches


def _net(**over):
    p = parse_fields(task_conv.PARAMS, over, "task")
    p["da_hidden"], p["da_class"] = np.asarray(p["da_hidden"]), np.asarray(p["da_class"])
    return ConvNet(p, np.random.default_rng(0)), p


def test_patches_are_the_5x5_windows_of_the_padded_image():
    x = np.random.default_rng(1).random((2, 28, 28))
    P = patches(x).reshape(2, 28, 28, 25)
    xp = np.pad(x, ((0, 0), (2, 2), (2, 2)))
    for (b, r, c) in [(0, 0, 0), (1, 13, 27), (0, 27, 5)]:
        np.testing.assert_array_equal(P[b, r, c], xp[b, r:r + 5, c:c + 5].ravel())


def test_conv_activity_softmax_across_maps_and_patch_normalisation():
    net, p = _net(n_maps=6)
    x = np.random.default_rng(2).random((3, 28, 28)) * 255
    y, s = net.conv_activity(x)
    assert y.shape == (3 * 784, 25) and s.shape == (3 * 784, 6)
    np.testing.assert_allclose(y.sum(1), p["A_conv"])  # every patch sums to A_conv
    np.testing.assert_allclose(s.sum(1), 1.0)  # competition across maps at each position


def test_features_are_2x2_sum_pooled_maps():
    net, p = _net(n_maps=4)
    x = np.random.default_rng(3).random((2, 28, 28)) * 255
    f = net.features(x)
    assert f.shape == (2, 14 * 14 * 4)
    np.testing.assert_allclose(f.sum(1), p["A_feedf"], rtol=1e-5)
    s = net.conv_activity(x)[1].reshape(2, 28, 28, 4)
    pooled = s[:, 0:2, 2:4].sum((1, 2))  # pooled position (0, 1)
    D = f.shape[1]
    # normalisation: (A - D) * pooled / total + 1, with total = 784 (softmax sums to 1 per position)
    expect = (p["A_feedf"] - D) * pooled / 784 + 1
    np.testing.assert_allclose(f.reshape(2, 14, 14, 4)[:, 0, 1], expect, rtol=1e-5)


def test_conv_hebbian_epoch_moves_filters_toward_patches():
    net, p = _net(n_maps=3, conv_batch=2)
    x = np.zeros((4, 28, 28))
    x[:, 10:18, 13:15] = 255  # vertical bars
    W0 = net.W_conv.copy()
    net.train_conv_epoch(x, np.random.default_rng(4))
    assert net.conv_done == 1 and not np.array_equal(W0, net.W_conv)
    # columns relax toward the patch sum A_conv (they start near 975)
    assert np.all(np.abs(net.W_conv.sum(0) - p["A_conv"]) < np.abs(W0.sum(0) - p["A_conv"]))


class _Stop(Exception):
    pass


def test_conv_resume_after_filter_passes_is_bit_identical(tmp_path, monkeypatch):
    from pathlib import Path
    import os
    from spikehebb.tasks import Context
    from spikehebb.tasks.mnist.shallow import ShallowNet
    data = Path(os.environ.get("SPIKEHEBB_DATA") or Path(__file__).parents[1] / ".." / "shared" / "data" / "mnist")
    if not (data / "t10k-labels-idx1-ubyte.gz").exists():
        import pytest
        pytest.skip("MNIST not found")
    over = dict(n_maps=4, n_feedf=8, quick_n_train=60, quick_n_test=50, quick_conv_epochs=2,
                quick_epochs_hebb=1, quick_epochs_dopa=1)
    params = parse_fields(task_conv.PARAMS, over, "task")

    def ctx(d, resume=False):
        return Context(seed=2, out_dir=str(tmp_path / d), quick=True, data_dir=str(data), progress=False,
                       resume=resume)
    full = task_conv.run(params, ctx("a"))
    orig = ShallowNet.train_epoch

    def stop(self, *a, **k):  # interrupted in the first epoch of the upper layers
        raise _Stop
    monkeypatch.setattr(ShallowNet, "train_epoch", stop)
    try:
        task_conv.run(params, ctx("b"))
    except _Stop:
        pass
    monkeypatch.setattr(ShallowNet, "train_epoch", orig)
    assert (tmp_path / "b" / "checkpoint_conv.npz").exists() and not (tmp_path / "b" / "checkpoint.npz").exists()
    # the resumed run must reuse the checkpointed filters, not train them again
    monkeypatch.setattr(ConvNet, "train_conv_epoch", stop)
    resumed = task_conv.run(params, ctx("b", resume=True))
    for k in ("W_conv", "W_feedf", "W_out", "test_error_per_epoch"):
        np.testing.assert_array_equal(resumed.arrays[k], full.arrays[k])


def test_feedforward_normalisation_must_exceed_inputs():
    from spikehebb.model.errors import ModelError
    from spikehebb.tasks import Context
    params = parse_fields(task_conv.PARAMS, {"n_maps": 32}, "task")  # 6,272 inputs > default 4,704
    with pytest.raises(ModelError, match="A_feedf"):
        task_conv.run(params, Context(progress=False))


def test_odd_pooling_window_is_refused():
    from spikehebb.model.errors import ModelError
    from spikehebb.tasks import Context
    params = parse_fields(task_conv.PARAMS, {"pool_size": 3}, "task")
    with pytest.raises(ModelError, match="pool_size"):
        task_conv.run(params, Context(progress=False))


def test_overlapping_pooling_sums_4x4_windows_with_stride_2():
    from spikehebb.tasks.mnist.conv import pool
    s = np.random.default_rng(5).random((2, 28, 28, 3))
    got = pool(s, 4).reshape(2, 14, 14, 3)
    sp = np.pad(s, ((0, 0), (1, 1), (1, 1), (0, 0)))  # (4 - 2) / 2 zeros on each side
    for (r, c) in [(0, 0), (5, 9), (13, 13)]:
        np.testing.assert_allclose(got[:, r, c], sp[:, 2 * r:2 * r + 4, 2 * c:2 * c + 4].sum((1, 2)))
    # size 2 is the reference network's non-overlapping pooling
    np.testing.assert_allclose(pool(s, 2).reshape(2, 14, 14, 3)[:, 3, 4], s[:, 6:8, 8:10].sum((1, 2)))


def test_patch_offset_keeps_faint_patches_near_uniform():
    x = np.zeros((1, 28, 28))
    x[0, 14, 14] = 10.0  # one faint pixel
    y0 = _net(n_maps=2)[0].conv_activity(x)[0]
    net, p = _net(n_maps=2, patch_offset=0.6)
    y = net.conv_activity(x)[0]
    np.testing.assert_allclose(y.sum(1), p["A_conv"])
    centre = 14 * 28 + 14  # the patch centred on the pixel: row 12 = its centre
    # without an offset the faint pixel takes all of A_conv - 25; with it, a share
    # 10 / (10 + 25 * 0.6 * 255) of it: the patch stays near uniform
    assert y0[centre, 12] == pytest.approx(p["A_conv"] - 25 + 1, rel=1e-4)
    expect = (p["A_conv"] - 25) * (10 + 0.6 * 255 + 1e-5) / (10 + 25 * (0.6 * 255 + 1e-5)) + 1
    assert y[centre, 12] == pytest.approx(expect, rel=1e-9)
