"""Model files: JSON only (never pickle), written atomically, read with full checks.

A file holds one module::

    {
      "format": "autograd-1986/nn",
      "version": 1,
      "class": "nn.layers.MLP",
      "config": {"nin": 2, "nouts": [2, 1], "activation": "sigmoid", ...},
      "parameters": {"layers.0.neurons.0.w.0": 0.123, ...}
    }

``config`` holds the constructor arguments that rebuild the architecture (null
for a module that has none, see `Module.config`); ``parameters`` every weight
by its dotted name, as exact decimal floats (``repr``), so a round trip is
bit-for-bit. Reading never runs code from the file: the class must be a
`Module` subclass already defined in the program.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from autograd.files import write_atomically
from nn.module import parameter_value

if TYPE_CHECKING:
    from nn.module import Module

__all__ = ["FORMAT", "VERSION", "ModelFileError", "load", "read", "read_parameters", "save"]

FORMAT = "autograd-1986/nn"
VERSION = 1

M = TypeVar("M", bound="Module")


class ModelFileError(ValueError):
    """A model file that is truncated, malformed, of another version, or does not fit."""


def save(module: Module, path: str | os.PathLike[str]) -> None:
    """Write ``module``'s class, config and parameters to ``path``, atomically.

    Raises ValueError (and writes nothing) if a parameter is not finite.
    """
    from nn.module import class_name

    params = module.state_dict()
    for name, x in params.items():
        if not math.isfinite(x):
            raise ValueError(f"save: parameter {name} is {x!r}; a model file holds finite numbers")
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "class": class_name(type(module)),
        "config": module.config(),
        "parameters": params,
    }
    text = json.dumps(doc, indent=1, allow_nan=False) + "\n"
    write_atomically(path, text.encode("utf-8"))


def _no_constant(name: str) -> Any:
    raise ModelFileError(f"{name} is not a number a model file may hold")


def _integer(digits: str) -> int:
    # Python will not convert more than sys.get_int_max_str_digits() digits (a
    # ValueError without the file's name); no model file holds such a number.
    try:
        return int(digits)
    except ValueError:
        raise ModelFileError(
            f"an integer of {len(digits.lstrip('-'))} digits is not a number a model file may hold"
        ) from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ModelFileError(f"key {k!r} appears twice")
        out[k] = v
    return out


def read(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The checked contents of a model file (see the module docstring).

    Raises `ModelFileError` naming the file and the problem: not UTF-8 JSON
    (e.g. truncated), nested too deeply to read, another format or version, or a
    field of the wrong kind, including any parameter that is not a finite number
    (or is an integer too large for a float).
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ModelFileError(f"{path}: not a model file (not UTF-8 text: {e})") from None
    try:
        doc = json.loads(
            text,
            parse_constant=_no_constant,
            parse_int=_integer,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as e:
        raise ModelFileError(
            f"{path}: truncated or malformed JSON ({e.msg} at line {e.lineno}, column {e.colno})"
        ) from None
    except ModelFileError as e:
        raise ModelFileError(f"{path}: {e}") from None
    except RecursionError:
        raise ModelFileError(f"{path}: not a model file (JSON nested too deeply)") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ModelFileError(f'{path}: not a model file (no "format": {FORMAT!r})')
    version = doc.get("version")
    if version != VERSION or isinstance(version, bool):
        raise ModelFileError(
            f"{path}: model file version {version!r}; this library reads version {VERSION}"
        )
    missing = [k for k in ("class", "config", "parameters") if k not in doc]
    if missing:
        raise ModelFileError(f"{path}: missing field(s) {', '.join(missing)}")
    if not isinstance(doc["class"], str):
        raise ModelFileError(f'{path}: "class" must be a string, got {doc["class"]!r}')
    if doc["config"] is not None and not isinstance(doc["config"], dict):
        raise ModelFileError(f'{path}: "config" must be an object or null')
    params = doc["parameters"]
    if not isinstance(params, dict):
        raise ModelFileError(f'{path}: "parameters" must be an object of name: number')
    for name, x in params.items():
        try:
            parameter_value(x, f"{path}: parameter {name}")
        except (TypeError, ValueError) as e:
            raise ModelFileError(str(e)) from None
    return doc


def read_parameters(path: str | os.PathLike[str]) -> dict[str, float]:
    """Just the checked ``{name: value}`` of a model file, for ``model.load_state_dict``."""
    return {k: float(v) for k, v in read(path)["parameters"].items()}


def load(cls: type[M], path: str | os.PathLike[str]) -> M:
    """Rebuild the module saved in ``path``; it must be a ``cls`` (any module if `Module`).

    Raises `ModelFileError` if the file is bad, names a class that is not a
    ``cls`` defined in this program, holds a config the class rejects, or
    parameters that do not fit the architecture.
    """
    from nn.module import class_name, registered

    doc = read(path)
    found = registered(doc["class"])
    if found is None:
        raise ModelFileError(
            f"{path}: holds a {doc['class']}, which is not a Module class defined in this program"
        )
    if not issubclass(found, cls):
        raise ModelFileError(f"{path}: holds a {doc['class']}, not a {class_name(cls)}")
    config = doc["config"]
    if config is None:
        raise ModelFileError(
            f"{path}: holds no architecture (config is null); build the {doc['class']} yourself "
            "and call model.load_state_dict(nn.serialize.read_parameters(path))"
        )
    # A config asking for far more parameters than the file holds is refused before
    # building it (a hostile "nin": 10**9 would otherwise hang); a near miss is built
    # and load_state_dict names exactly which parameters are missing.
    expected = found.parameter_count(config)
    if expected is not None and expected > len(doc["parameters"]) + 1000:
        raise ModelFileError(
            f"{path}: the config describes a {doc['class']} with {expected} parameters, "
            f"but the file holds {len(doc['parameters'])}"
        )
    try:
        module = found(**config)
    except (TypeError, ValueError) as e:
        raise ModelFileError(f"{path}: the config does not build a {doc['class']}: {e}") from None
    try:
        module.load_state_dict(doc["parameters"])
    except (TypeError, ValueError) as e:
        raise ModelFileError(f"{path}: {e}") from None
    return module
