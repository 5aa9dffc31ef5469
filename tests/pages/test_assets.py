"""autograd.pages.assets: templates filled from static/, and data embedded in pages one way,
so that no user text can end a script or open a comment, and inf and nan read back."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest

from autograd import Value, explain
from autograd.pages.assets import fill, html_page, json_for_script, new_prefix, widget_scripts
from autograd.pages.practice_page import practice_fragment, practice_html
from autograd.pages.stepper import stepper_fragment, stepper_html
from autograd.pages.worksheet import worksheet_html

# User text that would end a script, open a comment in it or end a line of JavaScript.
HOSTILE = "</script><script>pwned=1</script><!-- <script> ]]> \u2028\u2029 & '\""

DATA_SCRIPT = re.compile(r'<script type="application/json" id="([^"]+)data">(.*?)</script>', re.S)


def embedded(page: str) -> list[dict[str, Any]]:
    """The data of every widget of ``page``, as its script reads it."""
    found = [json.loads(text) for _, text in DATA_SCRIPT.findall(page)]
    assert found
    return found


def test_json_for_script_cannot_end_its_script_and_reads_back() -> None:
    data = {"label": HOSTILE, "nested": [HOSTILE, {"k": HOSTILE}]}
    text = json_for_script(data)
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == data


def test_inf_and_nan_are_spelled_as_both_languages_read_them() -> None:
    text = json_for_script({"a": [math.inf, -math.inf, math.nan, 1.5], "b": (math.inf,)})
    assert text == '{"a":["Infinity","-Infinity","NaN",1.5],"b":["Infinity"]}'
    read = [float(x) for x in json.loads(text)["a"]]  # Python's float(), as JS's Number()
    assert read[:2] == [math.inf, -math.inf] and math.isnan(read[2])


def test_both_widgets_embed_non_finite_gradients_the_same_way() -> None:
    x = Value(0.0, label="x")
    root = x.sqrt() - x.sqrt()  # ∂f/∂x = (−1)·inf + 1·inf = nan, and each sqrt's local is inf
    (steps,) = embedded(stepper_fragment(root))
    (practice,) = embedded(practice_fragment(root))
    grads = [s["grad"] for s in steps["steps"]]
    answers = [q["answer"] for q in practice["questions"]]
    assert "NaN" in grads and "Infinity" in answers
    assert not {"inf", "-inf", "nan"} & {str(v) for v in grads + answers}


def test_user_text_reaches_both_widgets_only_as_escaped_text() -> None:
    x = Value(2.0, label=HOSTILE)
    root = x * x + x
    for page in (stepper_html(root, title=HOSTILE), practice_html(root, title=HOSTILE)):
        # Two scripts, the data and the code: no label or title adds one or opens a comment
        # in them (Graphviz's own comments in the SVG come before both).
        assert page.count("<script") == 2 and "<script>pwned" not in page
        assert "<!--" not in page[page.index("<script") :]
        (data,) = embedded(page)
        # Names are cut short in the listing, so the start of the label is what arrives.
        assert "</script><script>pwned=1</script><!--" in json.dumps(data, ensure_ascii=False)
        assert "${" not in page and "__UID__" not in page and "ROOT_ID" not in page


def test_every_id_of_a_widget_carries_its_prefix() -> None:
    x = Value(3.0, label="x")
    for fragment in (stepper_fragment(x * x), practice_fragment(x * x)):
        prefix = re.findall(r'data-prefix="([^"]+)"', fragment)[0]
        ids = re.findall(r'\bid="([^"]+)"', fragment)
        assert f"{prefix}root" in ids and f"{prefix}data" in ids
        assert all(i.startswith(prefix) for i in ids) and len(ids) == len(set(ids))


def test_the_stepper_sends_no_grad_text_and_the_practice_page_does() -> None:
    # The stepper shows each gradient from its box in the drawing; the practice page writes
    # it in when the learner finds it.
    x = Value(3.0, label="x")
    (steps,) = embedded(stepper_fragment(x * x))
    (practice,) = embedded(practice_fragment(x * x))
    assert not any("grad_text" in s for s in steps["steps"])
    assert {q["grad_text"] for q in practice["questions"] if q["kind"] == "grad"} == {"grad 6.000"}


def test_an_explanation_of_another_root_names_the_function_refusing_it() -> None:
    x = Value(3.0, label="x")
    with pytest.raises(ValueError, match=r"^stepper_fragment: the explanation is of another"):
        stepper_fragment(x * x, explain(x + x))
    with pytest.raises(ValueError, match=r"^practice_fragment: the explanation is of another"):
        practice_fragment(x * x, explain(x + x))


def test_a_template_left_without_a_value_is_an_error_not_a_blank() -> None:
    with pytest.raises(KeyError, match="title"):
        fill("page.html", body="", kind="k", viewport="width=980")
    page = html_page("<b>", "<p>body</p>", "some-page")
    assert "<title>&lt;b&gt;</title>" in page and '<body class="some-page">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page


def test_a_phone_fits_the_widgets_to_its_width_and_shows_a_worksheet_as_paper() -> None:
    x = Value(3.0, label="x")
    assert 'content="width=device-width, initial-scale=1"' in stepper_html(x * x)
    assert 'content="width=device-width, initial-scale=1"' in practice_html(x * x)
    sheet = worksheet_html([("x*x", {"x": 3.0}, x * x)])
    assert '<meta name="viewport" content="width=980">' in sheet


def test_widget_scripts_run_the_code_in_a_scope_of_its_own() -> None:
    prefix = new_prefix()
    assert re.fullmatch(r"ag[0-9a-f]{8}-", prefix)
    out = widget_scripts(prefix, {"a": 1}, ("stepper-logic.js",), "start")
    data, code = re.findall(r"<script[^>]*>(.*?)</script>", out, re.S)
    assert json.loads(data) == {"a": 1}
    assert code.startswith("\n(function () {\n")
    assert code.endswith(f'\nstart(document.getElementById("{prefix}root"));\n}})();\n')
