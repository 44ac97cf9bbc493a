"""Reading back what :mod:`spikehebb.export` wrote, from any of its formats.

NWB keeps fewer annotations than NIX or a Neo pickle (no spike-train
annotations, no Groups); these readers find the same facts in all three.
"""
import json

import numpy as np


def signal_meta(sig):
    """A signal's spikehebb annotations, read back from any of the three formats."""
    notes = sig.annotations.get("notes")
    return notes if isinstance(notes, dict) and "spikehebb" in notes else dict(sig.annotations)


def train_meta(train):
    """``{"population", "neuron"}`` of a spike train read back from any format (NWB: from its name)."""
    if "population" in train.annotations:
        return {"population": train.annotations["population"], "neuron": int(train.annotations["neuron"])}
    pop, _, k = train.name.rpartition(" ")
    return {"population": pop, "neuron": int(k)}


def block_summary(block):
    """``{"summary", "metrics", "info", "other_arrays"}`` of a Block read back from any format."""
    text = block.annotations.get("spikehebb") or block.annotations.get("notes")
    return json.loads(text)


def block_arrays(block):
    """The run's ``arrays``, rebuilt from a Block read back from any format."""
    out = {}
    for sig in block.segments[0].irregularlysampledsignals:
        meta = signal_meta(sig)
        if meta.get("spikehebb") == "array":
            out[meta["array"]] = np.asarray(sig.magnitude).reshape(meta["array_shape"]).astype(meta["array_dtype"])
    for name, rec in block_summary(block).get("other_arrays", {}).items():
        out[name] = np.asarray(rec["values"], dtype=rec["dtype"]).reshape(rec["shape"])
    return out
