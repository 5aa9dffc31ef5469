"""Tests of saving and loading models (nn.serialize)."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import nn
from nn import MLP, Layer, Module, Neuron, serialize
from nn.serialize import ModelFileError, read_parameters

INPUTS = [[0.1, 0.2], [-1.0, 3.0], [2.5, -0.5]]


def outputs(model: MLP) -> list[float]:
    return [model(x).data for x in INPUTS]  # type: ignore[union-attr]


@pytest.fixture
def saved(tmp_path: Path) -> tuple[MLP, Path]:
    model = MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=11)
    path = tmp_path / "model.json"
    model.save(path)
    return model, path


def test_round_trip_gives_identical_outputs(saved: tuple[MLP, Path]) -> None:
    model, path = saved
    for loaded in (MLP.load(path), Module.load(path)):
        assert isinstance(loaded, MLP)
        assert loaded.config() == model.config()
        assert loaded.state_dict() == model.state_dict()  # bit for bit
        assert outputs(loaded) == outputs(model)
        assert loaded.parameters()[0].label == "layers.0.neurons.0.w.0"


def test_the_file_is_readable_json_with_names(saved: tuple[MLP, Path]) -> None:
    model, path = saved
    doc = json.loads(path.read_text())
    assert doc["format"] == "autograd-1986/nn" and doc["version"] == 1
    assert doc["class"] == "nn.layers.MLP"
    assert doc["config"]["output_activation"] == "sigmoid"
    assert doc["parameters"]["layers.1.neurons.0.b"] == model.layers[1].neurons[0].b.data


def test_load_state_dict_round_trip_into_a_fresh_model(saved: tuple[MLP, Path]) -> None:
    model, path = saved
    other = MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=99)
    assert outputs(other) != outputs(model)
    other.load_state_dict(read_parameters(path))
    assert outputs(other) == outputs(model)


def rewrite(path: Path, change: object) -> None:
    doc = json.loads(path.read_text())
    change(doc)  # type: ignore[operator]
    path.write_text(json.dumps(doc))


def set_param(name: str, value: object) -> object:
    return lambda doc: doc["parameters"].__setitem__(name, value)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.write_text(p.read_text()[:200]), "truncated or malformed JSON"),
        (lambda p: p.write_text(""), "truncated or malformed JSON"),
        (lambda p: p.write_bytes(b"\xff\xfe\x00"), "not UTF-8"),
        (lambda p: p.write_text("[1, 2]"), "not a model file"),
        (lambda p: rewrite(p, lambda d: d.__setitem__("version", 2)), "version 2; this library"),
        (lambda p: rewrite(p, lambda d: d.pop("parameters")), "missing field"),
        (lambda p: rewrite(p, set_param("layers.0.neurons.2.b", "0.5")), "'0.5', not a number"),
        (lambda p: rewrite(p, set_param("layers.0.neurons.2.b", True)), "True, not a number"),
        (
            lambda p: p.write_text(
                p.read_text().replace('"layers.1.neurons.0.b": ', '"x": NaN, "y": ')
            ),
            "NaN is not a number",
        ),
        (
            lambda p: rewrite(p, lambda d: d["parameters"].pop("layers.1.neurons.0.w.2")),
            r"missing 1 \(layers\.1\.neurons\.0\.w\.2\)",
        ),
        (
            lambda p: rewrite(p, set_param("layers.2.neurons.0.b", 0.0)),
            r"unexpected 1 \(layers\.2\.neurons\.0\.b\)",
        ),
        (
            lambda p: rewrite(p, lambda d: d["config"].__setitem__("nouts", [4, 1])),
            "does not fit this MLP",
        ),
        (
            lambda p: rewrite(p, lambda d: d["config"].__setitem__("activation", "swish")),
            "unknown activation 'swish'",
        ),
        (
            lambda p: rewrite(p, lambda d: d["config"].__setitem__("layers", 3)),
            "unexpected keyword argument 'layers'",
        ),
        (lambda p: rewrite(p, lambda d: d.__setitem__("class", "os.system")), "not a Module class"),
        (lambda p: rewrite(p, lambda d: d.__setitem__("class", "nn.layers.Layer")), "not a"),
    ],
)
def test_bad_files_are_rejected_with_a_clear_error(
    saved: tuple[MLP, Path], damage: object, message: str
) -> None:
    _, path = saved
    damage(path)  # type: ignore[operator]
    with pytest.raises(ModelFileError, match=message):
        MLP.load(path)


def test_infinite_and_duplicated_numbers_in_the_file_are_rejected(
    saved: tuple[MLP, Path],
) -> None:
    _, path = saved
    text = path.read_text()
    name = '"layers.1.neurons.0.b": '
    value = re.search(re.escape(name) + r"(\S+)\n", text)
    assert value is not None
    path.write_text(text.replace(name + value.group(1), name + "1e999"))
    with pytest.raises(ModelFileError, match=r"layers\.1\.neurons\.0\.b is inf, not finite"):
        MLP.load(path)
    path.write_text(text.replace(name, f"{name}0.0, {name}"))
    with pytest.raises(ModelFileError, match=r"key 'layers\.1\.neurons\.0\.b' appears twice"):
        MLP.load(path)


def replace_bias(path: Path, number: str) -> None:
    """Write ``number`` (JSON text) as the value of the output unit's bias."""
    text = path.read_text()
    name = '"layers.1.neurons.0.b": '
    value = re.search(re.escape(name) + r"(\S+)\n", text)
    assert value is not None
    path.write_text(text.replace(name + value.group(1), name + number))


def test_an_integer_parameter_is_read_as_a_float(saved: tuple[MLP, Path]) -> None:
    _, path = saved
    replace_bias(path, "-2")
    loaded = MLP.load(path)
    assert loaded.layers[1].neurons[0].b.data == -2.0
    assert type(read_parameters(path)["layers.1.neurons.0.b"]) is float


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (
            "1" + "0" * 400,
            r"parameter layers\.1\.neurons\.0\.b is an integer too large for a float",
        ),
        (
            "-" + "9" * 400,
            r"parameter layers\.1\.neurons\.0\.b is an integer too large for a float",
        ),
        ("7" * 5000, r"an integer of 5000 digits is not a number a model file may hold"),
    ],
    ids=["400 digits", "minus 400 digits", "5000 digits"],
)
def test_integers_beyond_the_floats_are_model_file_errors(
    saved: tuple[MLP, Path], number: str, message: str
) -> None:
    _, path = saved
    replace_bias(path, number)
    for read in (MLP.load, Module.load, read_parameters):
        with pytest.raises(ModelFileError, match=f"^{re.escape(str(path))}: {message}"):
            read(path)


def test_deeply_nested_json_is_a_model_file_error(saved: tuple[MLP, Path]) -> None:
    _, path = saved
    doc = path.read_text()
    start = doc.index('"config": ') + len('"config": ')
    end = doc.index('"parameters"')
    path.write_text(doc[:start] + "[" * 100_000 + "]" * 100_000 + ",\n " + doc[end:])
    with pytest.raises(ModelFileError, match="nested too deeply"):
        MLP.load(path)


def test_a_failed_load_leaves_the_model_unchanged(saved: tuple[MLP, Path]) -> None:
    _, path = saved
    other = MLP(2, [3, 1], seed=5)
    before = other.state_dict()
    # Every parameter fits except the last, which is not finite: nothing may be set.
    state = dict(read_parameters(path))
    state["layers.1.neurons.0.b"] = math.inf
    with pytest.raises(
        ValueError, match=r"load_state_dict: layers\.1\.neurons\.0\.b is inf, not finite"
    ):
        other.load_state_dict(state)
    assert other.state_dict() == before
    with pytest.raises(TypeError, match=r"layers\.1\.neurons\.0\.b is 'x', not a number"):
        other.load_state_dict(read_parameters(path) | {"layers.1.neurons.0.b": "x"})
    assert other.state_dict() == before
    for huge in (10**400, -(10**5000)):
        with pytest.raises(
            ValueError, match=r"layers\.1\.neurons\.0\.b is an integer too large for a float"
        ):
            other.load_state_dict(read_parameters(path) | {"layers.1.neurons.0.b": huge})
        assert other.state_dict() == before
    # A truncated file, or one of another shape, never reaches the model either.
    path.write_text(path.read_text()[:-30])
    with pytest.raises(ModelFileError):
        other.load_state_dict(read_parameters(path))
    assert other.state_dict() == before
    wrong = MLP(2, [4, 1], seed=0)
    wrong_path = path.with_name("wrong.json")
    wrong.save(wrong_path)
    with pytest.raises(ValueError, match="does not fit this MLP"):
        other.load_state_dict(read_parameters(wrong_path))
    assert other.state_dict() == before


def test_save_refuses_non_finite_weights_and_keeps_the_old_file(saved: tuple[MLP, Path]) -> None:
    model, path = saved
    old = path.read_bytes()
    model.layers[0].neurons[1].w[0].data = math.nan
    with pytest.raises(ValueError, match=r"layers\.0\.neurons\.1\.w\.0 is nan"):
        model.save(path)
    assert path.read_bytes() == old
    assert sorted(os.listdir(path.parent)) == ["model.json"]


def test_a_crash_while_saving_leaves_the_old_file_and_no_temporary(
    saved: tuple[MLP, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path = saved
    old = path.read_bytes()

    def crash(src: str, dst: str) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        MLP(2, [5, 1], seed=0).save(path)
    assert path.read_bytes() == old
    assert sorted(os.listdir(path.parent)) == ["model.json"]


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_a_saved_file_has_the_permissions_the_umask_gives(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        MLP(1, [1], seed=0).save(tmp_path / "model.json")
    finally:
        os.umask(old)
    assert (tmp_path / "model.json").stat().st_mode & 0o777 == 0o666 & ~umask


def test_layers_and_custom_modules_save_too(tmp_path: Path) -> None:
    layer = Layer(3, 2, activation="relu", seed=1)
    layer.save(tmp_path / "layer.json")
    loaded = Layer.load(tmp_path / "layer.json")
    assert loaded.state_dict() == layer.state_dict()
    assert loaded([1.0, 2.0, 3.0])[1].data == layer([1.0, 2.0, 3.0])[1].data

    class Pair(Module):
        def __init__(self) -> None:
            self.a = Layer(1, 1, seed=0)
            self.b = Layer(1, 1, seed=1)

    pair = Pair()
    pair.save(tmp_path / "pair.json")
    with pytest.raises(ModelFileError, match="holds no architecture"):
        Module.load(tmp_path / "pair.json")
    fresh = Pair()
    fresh.b.neurons[0].b.data = 123.0
    fresh.load_state_dict(nn.serialize.read_parameters(tmp_path / "pair.json"))
    assert fresh.state_dict() == pair.state_dict()


@pytest.mark.parametrize(
    "config",
    [
        {"nin": 10**9, "nouts": [3, 1]},  # would build a billion weights before any check
        {"nin": 2, "nouts": [10**6, 1]},
    ],
)
def test_a_config_far_bigger_than_its_parameters_is_rejected_before_building(
    saved: tuple[MLP, Path], config: dict[str, object]
) -> None:
    _model, path = saved
    doc = json.loads(path.read_text())
    doc["config"].update(config)
    path.write_text(json.dumps(doc))
    with pytest.raises(
        ModelFileError, match=r"describes a nn.layers.MLP with \d+ parameters, but the file holds"
    ):
        MLP.load(path)


def test_parameter_counts_match_the_built_modules() -> None:
    for module in (MLP(3, [4, 2, 1], seed=0), Layer(5, 2, seed=0), nn.Neuron(4, seed=0)):
        config = module.config()
        assert config is not None
        assert type(module).parameter_count(config) == len(module.parameters())


# ==== faults and hostile input (issue 12; the numbers are the items) ====


def test_loading_refuses_devices_fifos_and_oversized_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ModelFileError, match=r"^/dev/zero: not a model file \(not a regular"):
        MLP.load("/dev/zero")
    fifo = tmp_path / "model.fifo"
    os.mkfifo(fifo)
    # Run in a child so that a blocking open would fail the test, not hang it.
    code = (
        "import sys, nn\n"
        "try:\n    nn.MLP.load(sys.argv[1])\n"
        "except nn.serialize.ModelFileError as e:\n    print(e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(fifo)], capture_output=True, text=True, timeout=60
    )
    assert done.stdout == f"{fifo}: not a model file (not a regular file)\n", done.stderr
    path = tmp_path / "model.json"
    MLP(2, [2, 1], seed=0).save(path)
    monkeypatch.setattr(serialize, "MAX_FILE_SIZE", path.stat().st_size - 1)
    with pytest.raises(ModelFileError, match=r"bytes, more than a model file may hold"):
        MLP.load(path)


def test_a_neuron_config_with_a_bad_fan_out_is_a_model_file_error(tmp_path: Path) -> None:
    # tanh units start from xavier_uniform, which divides by nin + fan_out.
    for fan_out, complaint in [
        (-2, "fan_out must be an integer >= 1, got -2"),
        (10**400, "fan_out must be at most 2**53, got an integer of 1329 bits"),
    ]:
        with pytest.raises(ValueError, match=re.escape(f"Neuron: {complaint}")):
            Neuron(2, "tanh", fan_out=fan_out)
        path = tmp_path / "neuron.json"
        Neuron(2, "tanh", seed=0).save(path)
        text = path.read_text().replace('"nin": 2,', f'"nin": 2, "fan_out": {fan_out},')
        path.write_text(text)
        with pytest.raises(ModelFileError, match=re.escape(complaint)) as e:
            Neuron.load(path)
        assert str(e.value).startswith(f"{path}: the config does not build a nn.layers.Neuron")


# ==== errors name the path, quote briefly (issue 26, item 8) ====


def test_loading_a_folder_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError) as caught:
        nn.MLP.load(tmp_path)
    assert str(caught.value) == f"{tmp_path}: not a model file (a folder)"


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("class", "x" * 500_000, "which is not a Module class"),
        ("class", ["x"] * 100_000, '"class" must be a string'),
        ("version", [1] * 100_000, "this library reads version 1"),
        ("parameters", {"w" * 1_000_000: 1.0}, "the state does not fit this MLP"),
        ("parameters", {"w" * 1_000_000: "x" * 1_000_000}, "not a number"),
    ],
)
def test_a_huge_field_is_quoted_short(tmp_path: Path, field: str, value: object, says: str) -> None:
    path = tmp_path / "model.json"
    nn.MLP(2, [1]).save(path)
    doc = json.loads(path.read_text())
    doc[field] = {**doc[field], **value} if isinstance(value, dict) else value
    path.write_text(json.dumps(doc))
    with pytest.raises(ModelFileError) as caught:
        nn.MLP.load(path)
    message = str(caught.value)
    assert says in message and len(message) < 400 and "characters)" in message


# ==== a file of junk is refused as it is read (issue 26, item 6) ====


def test_too_many_parameters_are_refused_while_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracemalloc

    from nn import serialize

    path = tmp_path / "junk.json"
    nn.MLP(2, [1]).save(path)
    doc = json.loads(path.read_text())
    junk = ",".join(f'"j{i}":0.5' for i in range(300_000))  # about 4 MB of parameters
    text = json.dumps(doc)[:-2] + "," + junk + "}}"
    path.write_text(text)
    monkeypatch.setattr(serialize, "MAX_PARAMETERS", 1000)
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match=r"more than 1000 parameters"):
            nn.MLP.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * len(text)  # the text and a little: not 300,000 parsed entries


@pytest.mark.parametrize("field", ["config", "extra", "class"])
def test_a_field_past_its_size_is_refused_without_reading_it_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str
) -> None:
    from nn import serialize

    path = tmp_path / "big.json"
    nn.MLP(2, [1]).save(path)
    doc = json.loads(path.read_text())
    doc[field] = "x" * 5000 if field == "class" else {"junk": ["x"] * 2000}
    path.write_text(json.dumps(doc))
    monkeypatch.setattr(serialize, "MAX_FIELD", 4096)
    with pytest.raises(ModelFileError, match=rf"field '{field}' is longer than 4096 bytes"):
        nn.MLP.load(path)


def test_the_member_by_member_reader_reads_what_json_reads(tmp_path: Path) -> None:
    from nn import serialize

    path = tmp_path / "m.json"
    model = nn.MLP(3, [4, 2])
    model.save(path)
    assert serialize.read(path) == json.loads(path.read_text())
    for bad, says in (
        ('{"a": 1,}', "Expecting"),
        ('{"a" 1}', "Expecting ':' delimiter"),
        ('{"a": 1} x', "Extra data"),
        ('{"parameters": {"w": 1, "w": 2}}', "appears twice"),
        ("{1: 2}", "property name"),
    ):
        path.write_text(bad)
        with pytest.raises(ModelFileError, match=says):
            serialize.read(path)


def test_parameters_past_what_the_config_describes_stop_the_reading(tmp_path: Path) -> None:
    path = tmp_path / "junk.json"
    nn.MLP(2, [1]).save(path)
    doc = json.loads(path.read_text())
    doc["parameters"].update({f"j{i}": 0.5 for i in range(5000)})
    path.write_text(json.dumps(doc))
    with pytest.raises(
        ModelFileError, match=r"more than 1003 parameters, where the config describes 3$"
    ):
        nn.MLP.load(path)
