"""Finished runs as Neo Blocks, written and read back with Neo's own IO (issue 12, item 3)."""
import json
import os
import subprocess
import sys
import tomllib

import neo
import numpy as np
import pytest
import quantities as pq
from elephant.statistics import mean_firing_rate

from spikehebb import cli
from spikehebb.export import FORMATS, export_run
from spikehebb.export_read import block_arrays, block_summary, signal_meta, train_meta
from spikehebb.model import load_model
from spikehebb.model.errors import ModelError
from spikehebb.results import RunResult, load_result

from conftest import MODELS

SONG = str(MODELS / "song2000_stdp.toml")
DURATION = 3.0
EXT = {"nwb": "nwb", "nix": "nix", "neo-pickle": "pkl"}


def _run(out, *extra):
    code = cli.main(["run", SONG, "--set", f"model.duration={DURATION:g} s", "--seed", "1", "--out", str(out),
                     "--no-progress", *extra])
    assert code == 0
    return str(out)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One short spiking run (numpy target, no compiler) and one rate run of the Song et al. model,
    and a task run (Hopfield recall, rate backend, quick): arrays and metrics, no spikes."""
    d = tmp_path_factory.mktemp("runs")
    task = str(d / "task")
    assert cli.main(["run", str(MODELS / "hopfield_random.toml"), "--backend", "rate", "--quick",
                     "--out", task, "--no-progress"]) == 0
    return {"spike": _run(d / "spike", "--target", "numpy"), "rate": _run(d / "rate", "--backend", "rate"),
            "task": task}


def _read(path, fmt):
    if fmt == "nwb":
        return neo.io.NWBIO(path, mode="r").read_all_blocks()[0]
    if fmt == "nix":
        with neo.io.NixIO(path, mode="ro") as io:
            return io.read_block()
    return neo.io.PickleIO(path).read_block()


def _signals(block, kind):
    return {signal_meta(s).get("population") or signal_meta(s).get("projection"): s
            for s in block.segments[0].irregularlysampledsignals if signal_meta(s).get("spikehebb") == kind}


@pytest.fixture(scope="module", params=FORMATS)
def spike_export(request, runs, tmp_path_factory):
    fmt = request.param
    out = str(tmp_path_factory.mktemp(fmt.replace("-", "_")) / f"run.{EXT[fmt]}")
    assert export_run(runs["spike"], fmt, out) == out
    return fmt, _read(out, fmt), load_result(runs["spike"])


def test_load_result_rebuilds_the_run(runs):
    res = load_result(runs["spike"])
    with open(os.path.join(runs["spike"], "summary.json")) as fh:
        summary = json.load(fh)
    assert res.metrics == summary["metrics"] and res.summary == summary
    assert res.info["duration"] == DURATION
    with np.load(os.path.join(runs["spike"], "results.npz")) as npz:
        np.testing.assert_array_equal(res.spikes["post"][0], npz["spikes/post/t"])
        np.testing.assert_array_equal(res.weights["input_to_post"]["w"], npz["weights/input_to_post/w"])
    assert isinstance(res.weights["input_to_post"]["w_max"], float)
    n_spikes = len(res.spikes["post"][0])
    assert n_spikes > 0
    text = repr(res)
    assert f"{n_spikes} spikes" in text and "song2000_stdp" in text and "output_rate_hz=" in text
    assert len(text.splitlines()) <= 6


def test_spike_trains_round_trip_exactly(spike_export):
    fmt, block, res = spike_export
    t, i = res.spikes["post"]
    metas = [train_meta(st) for st in block.segments[0].spiketrains]
    # the model keeps the spikes of inputs 0-99 of 1000 (record.spike_neurons): 100 trains, not 1000
    assert [m["neuron"] for m in metas if m["population"] == "inputs"] == list(range(100))
    trains = [st for st, m in zip(block.segments[0].spiketrains, metas) if m["population"] == "post"]
    assert len(trains) == 1  # one output neuron
    st = trains[0]
    np.testing.assert_array_equal(st.rescale("s").magnitude, t[i == 0])
    assert float(st.t_start.rescale("s")) == 0 and float(st.t_stop.rescale("s")) == DURATION
    if fmt != "nwb":  # NWB writes no spike train annotations and no groups (module docstring)
        assert st.annotations["population"] == "post" and st.annotations["neuron"] == 0
        assert [g.name for g in block.groups] == ["inputs", "post", "input_to_post"]


def test_elephant_rate_equals_the_output_rate_metric(spike_export):
    """Elephant on the read-back trains, over the metric's steady-state window (last ``fraction``)."""
    _, block, res = spike_export
    spec = [m for m in tomllib.loads(res.summary["provenance"]["model"])["metrics"] if m["type"] == "output_rate"][0]
    start = DURATION * (1 - spec["fraction"])  # as spikehebb.metrics.mean_rate computes it
    trains = [st for st in block.segments[0].spiketrains if st.name.startswith("post ")]
    rates = [mean_firing_rate(st, t_start=start * pq.s, t_stop=DURATION * pq.s).rescale("Hz") for st in trains]
    assert res.metrics["output_rate_hz"] > 0
    assert float(np.mean(rates)) == pytest.approx(res.metrics["output_rate_hz"], rel=1e-9)


def test_weights_and_rates_keep_their_units_and_synapses(spike_export):
    _, block, res = spike_export
    rec = res.weights["input_to_post"]
    w = _signals(block, "weights")["input_to_post"]
    assert w.units.dimensionality.string == "S"  # onto a conductance-based LIF neuron
    np.testing.assert_array_equal(w.magnitude, rec["w"])
    np.testing.assert_array_equal(w.times.rescale("s").magnitude, rec["t"])
    meta = signal_meta(w)
    ij = w.array_annotations if "i" in w.array_annotations else meta  # NWB: in the JSON description
    np.testing.assert_array_equal(np.asarray(ij["i"]), rec["i"])
    np.testing.assert_array_equal(np.asarray(ij["j"]), rec["j"])
    assert meta["w_max"] == rec["w_max"] and meta["unit"] == "S"
    final = _signals(block, "final_weights")["input_to_post"]
    np.testing.assert_array_equal(final.magnitude[:, 0], rec["final"])
    np.testing.assert_array_equal(signal_meta(final)["i"], rec["final_i"])
    rate = _signals(block, "rate")["post"]
    assert rate.units.dimensionality.string == "Hz"
    np.testing.assert_array_equal(rate.magnitude[:, 0], res.rates["post"][1])


def test_run_annotations_and_metrics(spike_export):
    fmt, block, res = spike_export
    stored = block_summary(block)
    assert stored["metrics"] == res.metrics and stored["summary"]["seed"] == 1
    assert stored["summary"]["provenance"]["overrides"] == [f"model.duration={DURATION:g} s"]
    if fmt == "nwb":
        assert block.annotations["session_start_time"].isoformat() == res.summary["provenance"]["started"]
    else:
        ann = block.annotations
        assert (ann["model"], ann["backend"], ann["target"], ann["seed"]) == ("song2000_stdp", "spike", "numpy", 1)
        assert ann["model_toml"] == res.summary["provenance"]["model"]
        assert json.loads(ann["overrides"]) == [f"model.duration={DURATION:g} s"]
        assert json.loads(ann["metrics"]) == res.metrics


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("run", ["rate", "task"])
def test_rate_and_task_runs_round_trip_arrays_and_metrics(run, fmt, runs, tmp_path):
    res = load_result(runs[run])
    out = export_run(runs[run], fmt, str(tmp_path / f"{run}.{EXT[fmt]}"))
    block = _read(out, fmt)
    assert len(block.segments[0].spiketrains) == 0
    arrays = block_arrays(block)
    assert sorted(arrays) == sorted(res.arrays) and arrays
    for name, value in res.arrays.items():
        assert arrays[name].dtype == value.dtype and arrays[name].shape == value.shape
        np.testing.assert_array_equal(arrays[name], value)
    stored = block_summary(block)
    assert stored["metrics"] == res.metrics and stored["summary"]["backend"] == "rate"
    if run == "rate":  # weights onto a LIF population stay in siemens on the rate backend too
        assert _signals(block, "weights")["input_to_post"].units.dimensionality.string == "S"


def test_in_memory_result_to_neo():
    res = RunResult(spikes={"a": (np.array([0.1, 0.25]), np.array([0, 2]))}, info={"duration": 1.0},
                    arrays={"empty": np.array([]), "labels": np.array(["x", "y"])})
    block = res.to_neo()
    trains = block.segments[0].spiketrains
    assert [st.name for st in trains] == ["a 0", "a 1", "a 2"]  # size from the highest index: none recorded
    assert [len(st) for st in trains] == [1, 0, 1] and float(trains[2][0]) == 0.25
    back = block_arrays(block)  # empty and non-numeric arrays travel as JSON in the Block annotation
    assert back["empty"].shape == (0,) and back["labels"].tolist() == ["x", "y"]


def test_note_network_records_units_and_sizes():
    song = load_model(SONG).network
    res = RunResult(weights={"input_to_post": {}})
    res.note_network(song)
    assert res.weights["input_to_post"]["unit"] == "S"
    assert res.info["population_sizes"] == {"inputs": 1000, "post": 1}
    pca = load_model(str(MODELS / "hebbian_pca.toml")).network
    name = next(iter(pca.projections))
    res = RunResult(weights={name: {}})
    res.note_network(pca)
    assert res.weights[name]["unit"] == "dimensionless"


def test_load_result_needs_summary_and_results(tmp_path):
    (tmp_path / "summary.json").write_text('{"metrics": {}}')
    with pytest.raises(ModelError) as e:  # summary.json without results.npz: damaged, not a run
        load_result(str(tmp_path))
    assert e.value.where == "RUN_DIR" and "cannot read" in e.value.message
    (tmp_path / "summary.json").unlink()
    with pytest.raises(ModelError) as e:
        load_result(str(tmp_path))
    assert e.value.where == "RUN_DIR" and "not a finished run" in e.value.message


def _bad(argv, capsys):
    code = cli.main(["export", *argv])
    err = capsys.readouterr().err.strip()
    return code, err


def test_bad_input_exits_2_and_writes_nothing(runs, tmp_path, capsys):
    unfinished = tmp_path / "unfinished"
    unfinished.mkdir()
    (unfinished / "results.npz").write_bytes(b"")
    taken = tmp_path / "taken.nwb"
    taken.write_text("keep me")
    out = str(tmp_path / "x.nwb")
    cases = [
        ([runs["spike"], "--format", "hdf9", "--out", out], "--format", "nwb, nix, neo-pickle"),
        ([str(tmp_path / "nope"), "--format", "nwb", "--out", out], "RUN_DIR", "no such directory"),
        ([str(unfinished), "--format", "nwb", "--out", out], "RUN_DIR", "no summary.json"),
        ([runs["spike"], "--format", "nix", "--out", str(taken)], "--out", "exists already"),
        ([runs["spike"], "--format", "nix", "--out", str(tmp_path / "no" / "x.nix")], "--out", "no such directory"),
    ]
    before = sorted(os.listdir(tmp_path))
    for argv, where, words in cases:
        code, err = _bad(argv, capsys)
        assert code == 2, argv
        assert len(err.splitlines()) == 1 and where in err and words in err, err
    assert sorted(os.listdir(tmp_path)) == before
    assert taken.read_text() == "keep me"


def test_export_through_the_command_line(runs, tmp_path, capsys):
    out = tmp_path / "run.pkl"
    assert cli.main(["export", runs["spike"], "--format", "neo-pickle", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"written: {out}"
    assert len(_read(str(out), "neo-pickle").segments[0].spiketrains) == 1 + 100  # post, inputs 0-99


@pytest.mark.parametrize("module", ["neo", "nixio"])
def test_missing_optional_dependency(module, runs, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, module, None)  # makes "import MODULE" fail
    with pytest.raises(ModelError) as e:
        export_run(runs["spike"], "nix", str(tmp_path / "x.nix"))
    assert e.value.where == "--format" and "pip install 'spikehebb[export]'" in e.value.message
    assert module in e.value.message and os.listdir(tmp_path) == []


def test_interrupted_export_leaves_nothing(runs, tmp_path, monkeypatch):
    def fail(self, block):
        with open(self.filename, "wb") as fh:
            fh.write(b"half a file")
        raise KeyboardInterrupt
    monkeypatch.setattr(neo.io.PickleIO, "write_block", fail)
    with pytest.raises(KeyboardInterrupt):
        export_run(runs["spike"], "neo-pickle", str(tmp_path / "x.pkl"))
    assert os.listdir(tmp_path) == []


def test_import_spikehebb_does_not_import_neo():
    code = ("import sys, spikehebb, spikehebb.results, spikehebb.export; "
            "print([m for m in ('neo', 'pynwb', 'nixio', 'quantities') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
