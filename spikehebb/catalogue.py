"""``spikehebb models``: the bundled model files and what each shows."""
import os
import tomllib

MODELS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models")


def bundled_models(directory=MODELS_DIR):
    """``[(path, kind, description)]`` for each ``*.toml`` in ``directory``, sorted by name.

    ``kind`` is the task type, or ``"network"`` for a network model.
    """
    out = []
    if not os.path.isdir(directory):
        return out
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".toml"):
            continue
        path = os.path.join(directory, name)
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
        task = data.get("task", {})
        kind = task.get("type", "network") if isinstance(task, dict) else "network"
        desc = data.get("model", {}).get("description", "") if isinstance(data.get("model"), dict) else ""
        desc = " ".join(str(desc).split())
        out.append((path, kind, desc if len(desc) <= 90 else desc[:87].rstrip() + "..."))
    return out


def print_models():
    """Print one line per bundled model; returns the exit code."""
    models = bundled_models()
    if not models:
        print(f"no bundled models found (expected them in {MODELS_DIR}; they ship with the source tree)")
        return 0
    width = max(len(os.path.relpath(p)) for p, _, _ in models)
    for path, kind, desc in models:
        print(f"{os.path.relpath(path):{width}s}  {kind:15s} {desc}")
    return 0
