"""Read model files (TOML) into descriptions, with command-line overrides.

A task model's ``[task]`` table is returned as parsed (:attr:`Model.task_table`):
the task registry, :func:`spikehebb.tasks.resolve`, validates it. The loader
imports nothing above the model layer.
"""
import copy
import os
import tomllib
from dataclasses import dataclass, field

from .errors import ModelError
from .network import Network, split_model_table
from .neurons import MODEL_DIR

NETWORK_SECTIONS = ("populations", "projections", "modulators", "record", "metrics")
#: keys of [model] that are the network's run settings (next to name and description)
RUN_KEYS = ("duration", "quick_duration", "dt")
#: tables of values for one backend, laid out like the file (see :func:`load_model`)
BACKEND_SECTIONS = ("spike", "rate")
#: every top-level table a model file may have
FILE_SECTIONS = ("model", "task") + NETWORK_SECTIONS + ("quick",) + BACKEND_SECTIONS
#: model files are hand-written text; anything larger is the wrong file
MAX_MODEL_BYTES = 16 << 20


@dataclass
class Model:
    """A loaded model file: a :class:`Network`, or a task with its ``[task]`` table.

    A task model has a network exactly when its file has ``[populations]``;
    :func:`spikehebb.tasks.resolve` checks that against the task and validates
    :attr:`task_table`.
    """

    name: str
    description: str = ""
    path: str = ""
    network: Network = None
    task: str = None
    #: the ``[task]`` table without ``type``, as parsed (unvalidated)
    task_table: dict = field(default_factory=dict)
    #: the file's data as run: backend table, ``[quick]`` and ``--set`` applied (provenance)
    resolved: dict = field(default_factory=dict)


def parse_override(text):
    """``"section.key=value"`` to ``(["section", "key"], value)``; value read as TOML, else a string."""
    if "=" not in text:
        raise ModelError("--set", f"expected KEY=VALUE, got {text!r}")
    key, raw = text.split("=", 1)
    keys = key.strip().split(".")
    if not all(keys):
        raise ModelError("--set", f"bad key {key!r}")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return keys, value


def apply_overrides(data, overrides):
    """Set each ``(keys, value)`` into the nested dict ``data`` (in place)."""
    for keys, value in overrides:
        node = data
        for k in keys[:-1]:
            node = node.setdefault(k, {})
            if not isinstance(node, dict):
                raise ModelError(".".join(keys), "cannot set a key inside a value")
        node[keys[-1]] = value
    return data


def _flatten(table, prefix=()):
    """``{"a": {"b": 1}}`` -> ``[(["a", "b"], 1)]``."""
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _flatten(value, prefix + (key,))
        else:
            yield list(prefix + (key,)), value


def load_model(path, overrides=(), quick=False, backend=None):
    """Load and validate a model file.

    Parameters
    ----------
    path : str or path-like
        The ``.toml`` file.
    overrides : sequence of str
        ``"section.key=value"`` strings applied before validation (after ``[quick]``).
    quick : bool
        Apply the file's ``[quick]`` table: the same layout as the file, with
        the values of the small, fast variant (``--quick``).
    backend : {"spike", "rate"}, optional
        Apply the file's ``[spike]`` or ``[rate]`` table (laid out like the
        file): values that one backend needs to differ, e.g. a shorter
        training protocol for the spiking network. Their ``quick`` sub-table
        applies with ``quick``, after ``[quick]``. Order: file, backend
        table, ``[quick]``, backend ``quick``, ``overrides``.

    Raises
    ------
    ModelError
        With ``file`` set, for any problem in the file or the overrides.
    """
    path = os.fspath(path)
    try:
        data = _read_toml(path)
        layers = {}
        for key in ("quick",) + BACKEND_SECTIONS:
            layers[key] = data.pop(key, {})
            if not isinstance(layers[key], dict):
                raise ModelError(key, "expected a table laid out like the file")
        given = [parse_override(o) for o in overrides]
        # ``--set spike.task.x=...`` edits a layer (it applies only where that layer does)
        apply_overrides(layers, [(k, v) for k, v in given if k[0] in layers and len(k) > 1])
        own = dict(layers.get(backend, {}))
        own_quick = own.pop("quick", {})
        apply_overrides(data, list(_flatten(own)))
        if quick:
            apply_overrides(data, list(_flatten(layers["quick"])) + list(_flatten(own_quick)))
        apply_overrides(data, [(k, v) for k, v in given if not (k[0] in layers and len(k) > 1)])
        resolved = copy.deepcopy(data)
        # data files named in the model (e.g. spike_times.file) are read relative to it
        token = MODEL_DIR.set(os.path.dirname(os.path.abspath(path)))
        try:
            model = _build(data, path)
        finally:
            MODEL_DIR.reset(token)
        model.resolved = resolved
        return model
    except ModelError as e:
        e.file = e.file or path
        raise


def _read_toml(path):
    """The parsed file; every way a path can fail to be a TOML text file is a ModelError."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_MODEL_BYTES + 1)  # bounded: /dev/zero or a disk image is no model
    except FileNotFoundError:
        raise ModelError("", "no such model file") from None
    except IsADirectoryError:
        raise ModelError("", "is a directory, not a model file") from None
    except PermissionError:
        raise ModelError("", "cannot be read (permission denied)") from None
    except OSError as e:
        raise ModelError("", f"cannot be read: {e.strerror or e}") from None
    if len(raw) > MAX_MODEL_BYTES:
        raise ModelError("", f"larger than {MAX_MODEL_BYTES >> 20} MiB: not a model file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        # tomllib decodes without catching: a binary file would end in a raw traceback
        raise ModelError("", f"not a text file: TOML must be UTF-8, found byte 0x{raw[e.start]:02x} "
                             f"at offset {e.start}") from None
    nul = text.find("\x00")
    if nul >= 0:  # valid UTF-8 but binary (e.g. an all-zero file)
        raise ModelError("", f"not a text file: NUL byte at offset {nul}")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ModelError("", f"not valid TOML: {e}") from None


def _build(data, path):
    stem = os.path.splitext(os.path.basename(path))[0]
    allowed = ("model", "task") + NETWORK_SECTIONS
    for key in data:
        if key not in allowed:
            raise ModelError(key, f"unknown section; expected one of: {', '.join(allowed)}")
    if not isinstance(data.get("model", {}), dict):
        raise ModelError("model", "expected a table")
    meta, run = split_model_table(data.get("model", {}))
    name = meta["name"] or stem
    if "task" in data:
        return _task_model(data, run, meta, name, path)
    if "populations" not in data:
        raise ModelError("populations", "a model needs [populations] (or a [task])")
    sections = {k: data[k] for k in NETWORK_SECTIONS if k in data}
    if "metrics" in sections and not isinstance(sections["metrics"], list):
        raise ModelError("metrics", "expected a list of tables ([[metrics]])")
    for key in run:
        if key not in RUN_KEYS:
            raise ModelError(f"model.{key}", "unknown key; expected one of: "
                                             f"{', '.join(sorted(RUN_KEYS + ('name', 'description')))}")
    try:
        network = Network(_where="", name=name, **run, **sections)
    except ModelError as e:
        # the network's own fields come from [model]: name them as the file does
        if e.where.split(".")[0].split("[")[0] in RUN_KEYS:
            e.where = f"model.{e.where}"
        raise
    return Model(name=name, description=meta["description"], path=path, network=network)


def _task_model(data, run, meta, name, path):
    """A task model: its network (when the file has ``[populations]``) and its raw ``[task]`` table."""
    task = data["task"]
    if not isinstance(task, dict) or "type" not in task:
        raise ModelError("task.type", "required key is missing")
    if run:
        raise ModelError(f"model.{next(iter(run))}", "not used by a task model")
    sections = {k: data[k] for k in NETWORK_SECTIONS if k in data}
    if sections and "populations" not in sections:
        # whether the task uses a network is the task registry's to say; without
        # [populations] these sections describe nothing either way
        raise ModelError(next(iter(sections)), "not used by a task model without [populations]")
    network = Network(_where="", name=name, **sections) if sections else None
    return Model(name=name, description=meta["description"], path=path, network=network, task=task["type"],
                 task_table={k: v for k, v in task.items() if k != "type"})
