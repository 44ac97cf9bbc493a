"""A finished run as a Neo Block, written as NWB, NIX or a Neo pickle.

The Block (:func:`to_block`) has one Segment, ``"run"``:

- **spike trains**: one ``neo.SpikeTrain`` per neuron of each population with
  recorded spikes (times in s, ``t_start`` 0, ``t_stop`` the run's duration),
  named ``"POP INDEX"`` and annotated ``population``, ``neuron``; one
  ``neo.Group`` per population holds them and the population's rate.
- **signals** (``neo.IrregularlySampledSignal``, the recorded sample times kept
  exactly), each annotated ``spikehebb`` = its kind:

  - ``"rate"``: a population's rate in Hz (annotation ``population``);
  - ``"weights"``: a projection's traced weights, one channel per synapse, in
    the weights' SI unit (``S``, ``A`` or ``dimensionless``; annotation
    ``unit``, ``"unknown"`` where the run did not record it), channel ``k``
    being synapse ``i[k] -> j[k]`` (array annotations ``i``, ``j``);
  - ``"final_weights"``: every synapse's final weight, one channel whose
    "times" are the synapse index ``k`` (not seconds), synapse ``k`` being
    ``i[k] -> j[k]`` (annotations ``i``, ``j``);
  - ``"array"``: each numeric entry of ``results.npz``'s ``arrays`` (a task's
    results, modulator traces), dimensionless, flattened into one channel
    whose "times" are the flat index, with annotations ``array`` (its name),
    ``array_shape`` and ``array_dtype`` to undo that (:func:`spikehebb.export_read.block_arrays`).

- **Block annotations**: ``model``, ``backend``, ``target``, ``seed``,
  ``duration``, ``metrics`` (JSON), with provenance ``model_toml`` and
  ``overrides`` (JSON), and ``spikehebb``: JSON of the whole ``summary.json``
  plus the arrays that are empty or not numeric (:func:`spikehebb.export_read.block_summary`).

NWB keeps less of Neo's structure, and these are worked around: Groups and
annotations of spike trains are not written (the names say population and
neuron: :func:`spikehebb.export_read.train_meta`); a signal's annotations travel as JSON in its
``description`` (read back as ``annotations["notes"]``; :func:`spikehebb.export_read.signal_meta`
reads either form), the Block's ``spikehebb`` annotation as the NWB file's
``notes``. NWB requires a session start time: ``provenance.started`` when the
summary has it, else the modification time of ``summary.json``; the file's
identifier is the run directory's name.
"""
import datetime
import json
import logging
import os
import warnings

import numpy as np

from .errors import ModelError
from .results import RunResult, atomic_write, jsonable, load_result

FORMATS = ("nwb", "nix", "neo-pickle")
_INSTALL = "pip install 'spikehebb[export]'"


def _import(module):
    try:
        return __import__(module)
    except ImportError:
        raise ModelError("--format", f"needs {module}, an optional dependency: {_INSTALL}")


def _neo():
    return _import("neo"), _import("quantities")


def export_run(run_dir, fmt, out):
    """Write the finished run in ``run_dir`` to the file ``out`` as ``fmt``.

    Parameters
    ----------
    run_dir : str
        A run directory with ``summary.json`` and ``results.npz``.
    fmt : {"nwb", "nix", "neo-pickle"}
    out : str
        The file to create; it must not exist, its directory must.

    Returns
    -------
    str
        ``out``. The file appears complete or not at all (written under a
        temporary name in the same directory, then renamed).

    Raises
    ------
    ModelError
        With ``where`` ``--format`` (unknown format, or its optional
        dependency missing), ``RUN_DIR`` (no such directory, not a finished
        run) or ``--out`` (exists already, or no such directory).
    """
    if fmt not in FORMATS:
        raise ModelError("--format", f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    if not os.path.isdir(run_dir):
        raise ModelError("RUN_DIR", f"no such directory: {run_dir}")
    if not os.path.isfile(os.path.join(run_dir, "summary.json")):
        raise ModelError("RUN_DIR", f"{run_dir} is not a finished run (no summary.json)")
    if os.path.lexists(out):
        raise ModelError("--out", f"{out} exists already; choose a new file name")
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent):
        raise ModelError("--out", f"no such directory: {parent}")
    neo, _ = _neo()
    if fmt != "neo-pickle":
        _import({"nwb": "pynwb", "nix": "nixio"}[fmt])
    result = load_result(run_dir)
    block = to_block(result)
    if fmt == "nwb":
        session = _nwb_session(result, block, run_dir)
        # pynwb warns about names not ending in .nwb
        atomic_write(out, lambda tmp: _write_nwb(neo, tmp, block, session), suffix=".part.nwb")
    elif fmt == "nix":
        atomic_write(out, lambda tmp: _write_nix(neo, tmp, block))
    else:
        atomic_write(out, lambda tmp: neo.io.PickleIO(tmp).write_block(block))
    return out


def _write_nwb(neo, path, block, session):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # Neo's own call of pynwb.validate
        logging.disable(logging.WARNING)  # Neo logs a warning for every named signal
        try:
            neo.io.NWBIO(path, mode="w", **session).write_all_blocks([_for_nwb(block)])
        finally:
            logging.disable(logging.NOTSET)


def _write_nix(neo, path, block):
    with neo.io.NixIO(path, mode="ow") as io:
        io.write_block(block)


def to_block(result):
    """The :class:`~spikehebb.results.RunResult` as a ``neo.Block`` (layout: module docstring).

    Population sizes and weight units come from the result
    (:meth:`~spikehebb.results.RunResult.note_network`), else from the model
    text in the summary's provenance; failing both, a population has as many
    spike trains as its highest spiking index + 1 and the weight unit is
    ``"unknown"`` (stored dimensionless).
    """
    neo, pq = _neo()
    summary = result.summary
    sizes, units = _network_facts(result)
    duration = _duration(result)
    block = neo.Block(name=summary.get("model", "spikehebb run"), **_block_annotations(result, duration))
    seg = neo.Segment(name="run")
    block.segments.append(seg)
    for pop, (t, idx) in result.spikes.items():
        t, idx = np.asarray(t, float), np.asarray(idx, int)
        n = int(sizes.get(pop, idx.max() + 1 if idx.size else 0))
        # only neurons whose spikes were kept get a train: an empty train would claim silence
        n = int(result.info.get("spikes_recorded", {}).get(pop, n))
        group = neo.Group(name=pop)
        for k in range(n):
            train = neo.SpikeTrain(t[idx == k] * pq.s, t_start=0 * pq.s, t_stop=duration * pq.s,
                                   name=f"{pop} {k}", population=pop, neuron=k)
            seg.spiketrains.append(train)
            group.add(train)
        block.groups.append(group)
    groups = {g.name: g for g in block.groups}
    for pop, (t, r) in result.rates.items():
        sig = _signal(neo, pq, t, r, "Hz", f"rate {pop}", spikehebb="rate", population=pop)
        seg.irregularlysampledsignals.append(sig)
        if pop not in groups:
            groups[pop] = neo.Group(name=pop)
            block.groups.append(groups[pop])
        groups[pop].add(sig)
    for proj, rec in result.weights.items():
        unit = units.get(proj, "unknown")
        meta = dict(projection=proj, unit=unit, w_min=float(rec.get("w_min", np.nan)),
                    w_max=float(rec.get("w_max", np.nan)))
        group = neo.Group(name=proj)
        sigs = []
        if np.size(rec.get("w", ())):
            sigs.append(_signal(neo, pq, rec["t"], rec["w"], unit, f"weights {proj}", spikehebb="weights",
                                array_annotations={"i": np.asarray(rec["i"]), "j": np.asarray(rec["j"])}, **meta))
        if np.size(rec.get("final", ())):
            # one channel over the synapse index, not one channel per synapse: NIX writes a
            # data array per channel, which takes seconds per thousand synapses
            final = np.asarray(rec["final"], float)
            sigs.append(_signal(neo, pq, np.arange(final.size), final, unit, f"final weights {proj}",
                                spikehebb="final_weights", i=np.asarray(rec["final_i"]).tolist(),
                                j=np.asarray(rec["final_j"]).tolist(), **meta))
        for sig in sigs:
            seg.irregularlysampledsignals.append(sig)
            group.add(sig)
        block.groups.append(group)
    for name, value in result.arrays.items():
        value = np.asarray(value)
        if _as_signal(value):
            data = value.astype(float).reshape(-1, 1)  # one channel, for the reason above
            seg.irregularlysampledsignals.append(
                _signal(neo, pq, np.arange(len(data)), data, "dimensionless", f"array {name.replace('/', '.')}",
                        spikehebb="array", array=name, array_shape=list(value.shape),
                        array_dtype=str(value.dtype)))
    return block


def _as_signal(value):
    return value.size > 0 and (np.issubdtype(value.dtype, np.number) or value.dtype == bool)


def _signal(neo, pq, times, values, si_unit, label, array_annotations=None, **meta):
    values = np.asarray(values, float)
    if values.ndim == 1:
        values = values[:, None]
    units = pq.dimensionless if si_unit in ("dimensionless", "unknown") else si_unit
    return neo.IrregularlySampledSignal(np.asarray(times, float) * pq.s, values * pq.Quantity(1, units), name=label,
                                        array_annotations=array_annotations, **meta)


def _duration(result):
    """The run's duration (s): ``info["duration"]``, else the last time anything was recorded."""
    if "duration" in result.info:
        return float(result.info["duration"])
    ends = [np.max(t) for t, _ in list(result.spikes.values()) + list(result.rates.values()) if np.size(t)]
    ends += [np.max(rec["t"]) for rec in result.weights.values() if np.size(rec.get("t", ()))]
    return float(max(ends, default=0.0))


def _block_annotations(result, duration):
    s = result.summary
    ann = {k: s[k] for k in ("model", "backend", "seed") if s.get(k) is not None}
    ann.update(target=str(s.get("target")), duration=duration, metrics=json.dumps(result.metrics))
    prov = s.get("provenance") or {}
    if "model" in prov:
        ann["model_toml"] = prov["model"]
    if "overrides" in prov:
        ann["overrides"] = json.dumps(prov["overrides"])
    other = {k: {"dtype": str(np.asarray(v).dtype), "shape": list(np.shape(v)), "values": np.asarray(v).tolist()}
             for k, v in result.arrays.items() if not _as_signal(np.asarray(v))}
    ann["spikehebb"] = json.dumps({"summary": s, "metrics": result.metrics, "info": result.info,
                                   "other_arrays": other}, default=jsonable)
    return ann


def _network_facts(result):
    """(population sizes, weight units) from the result, else from the provenance model text."""
    sizes = dict(result.info.get("population_sizes", {}))
    units = {p: rec["unit"] for p, rec in result.weights.items() if "unit" in rec}
    missing = set(result.spikes) - set(sizes) or set(result.weights) - set(units)
    text = (result.summary.get("provenance") or {}).get("model")
    if missing and text:
        model = _model_from_text(text, result.summary.get("backend"))
        if model is not None and model.network is not None:
            shadow = RunResult(weights={p: {} for p in result.weights})
            shadow.note_network(model.network)
            for p, n in shadow.info["population_sizes"].items():
                sizes.setdefault(p, n)
            for p, rec in shadow.weights.items():
                if "unit" in rec:
                    units.setdefault(p, rec["unit"])
    return sizes, units


def _model_from_text(text, backend):
    import tempfile
    from .model import load_model
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.toml")
        with open(path, "w") as fh:
            fh.write(text)
        try:
            return load_model(path, backend=backend)
        except (ModelError, OSError):  # a model text this version cannot read: fall back, don't fail
            return None


def _nwb_session(result, block, run_dir):
    """NWB's required file-level fields, from the summary."""
    s = result.summary
    started = (s.get("provenance") or {}).get("started")
    if started:
        when = datetime.datetime.fromisoformat(started)
    else:
        when = datetime.datetime.fromtimestamp(os.path.getmtime(os.path.join(run_dir, "summary.json")))
    if when.tzinfo is None:
        when = when.astimezone()  # NWB requires a time zone; a naive time is local
    return {"session_start_time": when, "identifier": os.path.basename(os.path.abspath(run_dir)),
            "session_description": f"spikehebb {s.get('backend', '')} run of {s.get('model', 'a model')}",
            "notes": block.annotations["spikehebb"]}


def _for_nwb(block):
    """Signal annotations as JSON descriptions: NWB drops other annotations."""
    for sig in block.segments[0].irregularlysampledsignals:
        meta = {k: v for k, v in sig.annotations.items()}
        meta.update({k: np.asarray(v).tolist() for k, v in sig.array_annotations.items()})
        sig.annotations["nwb:description"] = json.dumps(meta)
    return block
