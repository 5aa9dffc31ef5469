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

This module knows modules only by what it calls on them (`Saveable`), so that
`nn.module` can use it without the two importing each other.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from autograd.core.files import write_atomically

__all__ = [
    "FORMAT",
    "MAX_FIELD",
    "MAX_FILE_SIZE",
    "MAX_PARAMETERS",
    "VERSION",
    "ModelFileError",
    "Saveable",
    "load",
    "read",
    "read_parameters",
    "save",
]

FORMAT = "autograd-1986/nn"
VERSION = 1
MAX_FILE_SIZE = 256 * 2**20  # bytes: room for MAX_PARAMETERS with long dotted names
# A scalar engine's model: each parameter is a Value in memory. The limit is checked
# while the file is read, so a file of junk parameters is refused before it fills memory.
MAX_PARAMETERS = 2**21
MAX_FIELD = 2**20  # bytes of JSON for any field but "parameters" (a config is small)


class Saveable(Protocol):
    """What saving and loading need of a module (`nn.Module` has it all)."""

    def state_dict(self) -> dict[str, float]: ...

    def config(self) -> dict[str, Any] | None: ...

    def load_state_dict(self, state: Mapping[str, object]) -> None: ...

    @classmethod
    def parameter_count(cls, config: dict[str, Any]) -> int | None: ...


M = TypeVar("M", bound=Saveable)

# Every Module subclass by "module.qualname", so `load` can rebuild the class a
# file names without ever importing anything by name from the file.
_REGISTRY: dict[str, type[Any]] = {}


def register(cls: type[Saveable]) -> None:
    """Make ``cls`` loadable by its name (every `nn.Module` subclass is, on definition)."""
    _REGISTRY[class_name(cls)] = cls


def registered(name: str) -> type[Any] | None:
    """The registered module class called ``name`` ("module.qualname"), if one is defined."""
    return _REGISTRY.get(name)


def class_name(cls: type[Any]) -> str:
    """The name under which ``cls`` is registered and saved."""
    return f"{cls.__module__}.{cls.__qualname__}"


def parameter_value(x: object, what: str) -> float:
    """A parameter's stored value ``x`` as a finite float, or an error that starts with ``what``.

    TypeError for anything but an int or float (bools included); ValueError for an
    int beyond the floats or a value that is not finite.
    """
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise TypeError(f"{what} is {shown(x)}, not a number")
    try:
        value = float(x)
    except OverflowError:  # an int beyond the floats; its repr may be too long to make
        raise ValueError(
            f"{what} is an integer too large for a float ({int(x).bit_length()} bits)"
        ) from None
    if not math.isfinite(value):
        raise ValueError(f"{what} is {shown(x)}, not finite")
    return value


class ModelFileError(ValueError):
    """A model file that is truncated, malformed, of another version, or does not fit."""


def save(module: Saveable, path: str | os.PathLike[str]) -> None:
    """Write ``module``'s class, config and parameters to ``path``, atomically.

    Raises ValueError (and writes nothing) if a parameter is not finite. An existing
    file keeps its permissions; see `autograd.core.files` for links and read-only files.
    """
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


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut in the middle when long: what an error quotes from a file stays short."""
    if len(text) <= limit:
        return text
    return f"{text[: limit // 2]}…{text[-limit // 4 :]} ({len(text)} characters)"


def shown(x: object, limit: int = 60) -> str:
    """``repr(x)``, shortened (see `shorten`)."""
    return shorten(repr(x), limit)


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
            raise ModelFileError(f"key {shown(k)} appears twice")
        out[k] = v
    return out


def _read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the regular file ``path``, at most `MAX_FILE_SIZE` of them.

    Opened without blocking and checked on the open descriptor, so that neither a
    FIFO (which would block for ever) nor a device such as /dev/zero (which never
    ends) can be read, even if the name is swapped between a check and the open.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):  # before open(): it would name the descriptor
        os.close(fd)
        what = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise ModelFileError(f"{path}: not a model file ({what})")
    with open(fd, "rb") as f:
        if st.st_size > MAX_FILE_SIZE:
            raise ModelFileError(
                f"{path}: {st.st_size} bytes, more than a model file may hold "
                f"({MAX_FILE_SIZE // 2**20} MB)"
            )
        # The size it has, and one byte more to see it growing: read(n) would set
        # aside n bytes first, whatever the file holds.
        data = f.read(st.st_size + 1)
        if len(data) > st.st_size:
            data += f.read(MAX_FILE_SIZE + 1 - len(data)) if len(data) <= MAX_FILE_SIZE else b""
    if len(data) > MAX_FILE_SIZE:  # it grew while we read
        raise ModelFileError(f"{path}: more than a model file may hold ({MAX_FILE_SIZE} bytes)")
    return data


_DECODER = json.JSONDecoder(
    parse_constant=_no_constant, parse_int=_integer, object_pairs_hook=_unique_keys
)
_SPACE = re.compile(r"[ \t\n\r]*")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')  # a string, or a bracket


def _document(text: str, expect: Callable[[dict[str, Any]], int | None] | None = None) -> Any:
    """The JSON of a model file, read member by member so that its size is checked as it
    is read: at most `MAX_PARAMETERS` parameters and `MAX_FIELD` bytes of any other
    field, refused before a file of junk (within `MAX_FILE_SIZE`) can fill memory.

    Anything but a top-level object is left to ``json`` as it is (it is refused later).
    ``expect`` gives, from the fields read so far, how many parameters the file should
    hold (None: unknown); past that and a margin the parameters are refused at once.
    """
    i = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    if not text.startswith("{", i):
        return _DECODER.decode(text)
    doc: dict[str, Any] = {}
    i = _SPACE.match(text, i + 1).end()  # type: ignore[union-attr]
    if text.startswith("}", i):
        return _end(text, i + 1, doc)
    while True:
        key, i = _scan(text, i)
        if not isinstance(key, str):
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, i)
        if key in doc:
            raise ModelFileError(f"key {shown(key)} appears twice")
        i = _expect(text, i, ":")
        if key == "parameters" and text.startswith("{", i):
            expected = expect(doc) if expect is not None else None
            limit = MAX_PARAMETERS if expected is None else min(expected + 1000, MAX_PARAMETERS)
            doc[key], i = _parameters(text, i, limit, expected)
        else:
            _check_field(text, i, key)
            doc[key], i = _scan(text, i)
        i = _SPACE.match(text, i).end()  # type: ignore[union-attr]
        if text.startswith("}", i):
            return _end(text, i + 1, doc)
        i = _expect(text, i, ",")


def _parameters(text: str, i: int, limit: int, expected: int | None) -> tuple[dict[str, Any], int]:
    """The "parameters" object at ``text[i]`` (a ``{``), refused past ``limit`` entries."""
    params: dict[str, Any] = {}
    i = _SPACE.match(text, i + 1).end()  # type: ignore[union-attr]
    if text.startswith("}", i):
        return params, i + 1
    while True:
        name, i = _scan(text, i)
        if not isinstance(name, str):
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, i)
        i = _expect(text, i, ":")
        value, i = _scan(text, i)
        if name in params:
            raise ModelFileError(f"key {shown(name)} appears twice")
        params[name] = value
        if len(params) > limit:
            if expected is not None and limit < MAX_PARAMETERS:
                raise ModelFileError(
                    f"more than {limit} parameters, where the config describes {expected}"
                )
            raise ModelFileError(f"more than {limit} parameters, more than a model file may hold")
        i = _SPACE.match(text, i).end()  # type: ignore[union-attr]
        if text.startswith("}", i):
            return params, i + 1
        i = _expect(text, i, ",")


def _check_field(text: str, i: int, key: str) -> None:
    """Refuse a field whose JSON runs past `MAX_FIELD` bytes, looking no further than that."""
    if not text.startswith(("{", "["), i):
        if text.startswith('"', i) and len(text) - i > MAX_FIELD:
            end = _TOKEN.match(text, i)
            if end is None or end.end() - i > MAX_FIELD:
                raise ModelFileError(f"field {shown(key)} is longer than {MAX_FIELD} bytes")
        return
    depth = 0
    for token in _TOKEN.finditer(text, i):
        if token.end() - i > MAX_FIELD:
            raise ModelFileError(f"field {shown(key)} is longer than {MAX_FIELD} bytes")
        c = token.group()
        depth += 1 if c in "[{" else -1 if c in "]}" else 0
        if depth == 0:
            return


def _scan(text: str, i: int) -> tuple[Any, int]:
    i = _SPACE.match(text, i).end()  # type: ignore[union-attr]
    try:
        return _DECODER.scan_once(text, i)  # type: ignore[attr-defined,no-any-return]
    except StopIteration as e:
        raise json.JSONDecodeError("Expecting value", text, e.value) from None


def _expect(text: str, i: int, char: str) -> int:
    i = _SPACE.match(text, i).end()  # type: ignore[union-attr]
    if not text.startswith(char, i):
        raise json.JSONDecodeError(f"Expecting {char!r} delimiter", text, i)
    return _SPACE.match(text, i + 1).end()  # type: ignore[union-attr]


def _end(text: str, i: int, doc: dict[str, Any]) -> dict[str, Any]:
    if _SPACE.match(text, i).end() != len(text):  # type: ignore[union-attr]
        raise json.JSONDecodeError("Extra data", text, i)
    return doc


def read(
    path: str | os.PathLike[str],
    expect: Callable[[dict[str, Any]], int | None] | None = None,
) -> dict[str, Any]:
    """The checked contents of a model file (see the module docstring).

    Raises `ModelFileError` naming the file and the problem: not UTF-8 JSON
    (e.g. truncated), nested too deeply to read, another format or version, or a
    field of the wrong kind, including any parameter that is not a finite number
    (or is an integer too large for a float).
    """
    try:
        text = _read_bytes(path).decode("utf-8")
    except UnicodeDecodeError as e:
        raise ModelFileError(f"{path}: not a model file (not UTF-8 text: {e})") from None
    try:
        doc = _document(text, expect)
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
            f"{path}: model file version {shown(version)}; this library reads version {VERSION}"
        )
    missing = [k for k in ("class", "config", "parameters") if k not in doc]
    if missing:
        raise ModelFileError(f"{path}: missing field(s) {', '.join(missing)}")
    if not isinstance(doc["class"], str):
        raise ModelFileError(f'{path}: "class" must be a string, got {shown(doc["class"])}')
    if doc["config"] is not None and not isinstance(doc["config"], dict):
        raise ModelFileError(f'{path}: "config" must be an object or null')
    params = doc["parameters"]
    if not isinstance(params, dict):
        raise ModelFileError(f'{path}: "parameters" must be an object of name: number')
    for name, x in params.items():
        try:
            parameter_value(x, f"{path}: parameter {shorten(name)}")
        except (TypeError, ValueError) as e:
            raise ModelFileError(str(e)) from None
    return doc


def read_parameters(path: str | os.PathLike[str]) -> dict[str, float]:
    """Just the checked ``{name: value}`` of a model file, for ``model.load_state_dict``."""
    return {k: float(v) for k, v in read(path)["parameters"].items()}


def _expected_parameters(head: dict[str, Any]) -> int | None:
    """How many parameters the class and config read so far describe, if they say."""
    found = registered(head["class"]) if isinstance(head.get("class"), str) else None
    config = head.get("config")
    if found is None or not isinstance(config, dict):
        return None
    try:
        count = found.parameter_count(config)
    except Exception:  # a config it cannot read: load says so, with the whole file read
        return None
    return count if isinstance(count, int) else None


def load(cls: type[M], path: str | os.PathLike[str]) -> M:
    """Rebuild the module saved in ``path``; it must be a ``cls`` (any module if `Module`).

    Raises `ModelFileError` if the file is bad, names a class that is not a
    ``cls`` defined in this program, holds a config the class rejects, or
    parameters that do not fit the architecture.
    """
    doc = read(path, _expected_parameters)
    found = registered(doc["class"])
    if found is None:
        raise ModelFileError(
            f"{path}: holds a {shorten(doc['class'])}, which is not a Module class "
            "defined in this program"
        )
    if not issubclass(found, cls):
        raise ModelFileError(f"{path}: holds a {shorten(doc['class'])}, not a {class_name(cls)}")
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
        raise ModelFileError(
            f"{path}: the config does not build a {doc['class']}: {shorten(str(e), 200)}"
        ) from None
    try:
        module.load_state_dict(doc["parameters"])
    except (TypeError, ValueError) as e:
        raise ModelFileError(f"{path}: {shorten(str(e), 400)}") from None
    return module
