"""Tests of demos.framework.core: the narrator's formatting, devices, seeds."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from demos.framework.core import (
    DemoError,
    DemoResult,
    DeviceUnavailable,
    Explorer,
    Narrator,
    available_devices,
    format_array,
    format_number,
    metrics_json,
    parse_seed,
    resolve_device,
    seed_everything,
    to_numpy,
)
from tools.catalog import AtlasError


def test_show_prints_name_shape_and_fixed_decimals_in_both_languages():
    n = Narrator()
    n.show("w", np.array([[0.5, 1e-9], [-1e-7, 2.0]]))
    expected = ["w (2, 2):", "  [[0.5000 0.0000]", "   [0.0000 2.0000]]"]
    assert n.lines == {"en": expected, "ja": expected}


def test_show_is_the_same_for_torch_and_numpy_and_has_no_negative_zero():
    a, b = Narrator(), Narrator()
    values = [[-0.00001, 0.25], [1.0, -3.0]]
    a.show("x", np.array(values))
    b.show("x", torch.tensor(values, dtype=torch.float32))
    assert a.lines == b.lines
    assert "-0.0000" not in "\n".join(a.lines["en"])


def test_integer_and_boolean_arrays_are_shown_without_decimals():
    assert format_array(np.array([[1, 0], [0, 1]])) == "[[1 0]\n [0 1]]"


def test_heading_notice_value_and_check_lines():
    n = Narrator()
    n.heading("Scores", "スコア")
    n.value("scale", 0.5773502)
    n.check("vs torch", "torch との比較", 3e-7, 1e-5)
    n.check("vs numpy", "NumPy との比較", 1e-3, 1e-5)
    n.say()
    n.notice("first\nsecond", "一つ目です。\n二つ目です。")
    assert n.lines["en"] == [
        "== Scores ==",
        "scale = 0.5774",
        "vs torch: max |difference| <= 1e-05 (OK)",
        "vs numpy: max |difference| > 1e-05 (MISMATCH)",
        "",
        "",
        "== What to notice ==",
        "first",
        "second",
    ]
    assert n.lines["ja"] == [
        "== スコア ==",
        "scale = 0.5774",
        "torch との比較: 差の最大値 <= 1e-05(一致)",
        "NumPy との比較: 差の最大値 > 1e-05(不一致)",
        "",
        "",
        "== ここに注目 ==",
        "一つ目です。",
        "二つ目です。",
    ]


def test_say_refuses_english_without_japanese():
    with pytest.raises(DemoError, match="say\\(\\) needs the Japanese text too: 'only English'"):
        Narrator().say("only English")


def test_explorer_name_must_hold_both_languages():
    with pytest.raises(DemoError, match="explorer view name must be"):
        Explorer("layer 1", ["a"], {"h": np.ones((1, 1))})  # type: ignore[arg-type]
    assert Explorer({"en": "layer 1", "ja": "第 1 層"}, ["a"], {"h": np.ones((1, 1))}).name["ja"]


@pytest.mark.parametrize("text", ["0", "7", "+3", " 12 ", "4294967295"])
def test_parse_seed_accepts_what_numpy_and_torch_both_take(text):
    seed = parse_seed(text)
    np.random.seed(seed)
    torch.manual_seed(seed)
    assert seed == int(text)


@pytest.mark.parametrize("text", ["-1", "4294967296", "1.5", "abc", "", "1e3", "0x10", "１"])
def test_parse_seed_refuses_others_in_one_clear_message(text):
    with pytest.raises(DemoError, match=r"^--seed must be an integer from 0 to 4294967295, got "):
        parse_seed(text)


def test_metrics_json_is_sorted_and_refuses_numpy_scalars_and_nan():
    ok = DemoResult("x", "cpu", 0, {"en": [], "ja": []}, metrics={"b": 1, "a": [0.5, 2]})
    assert metrics_json(ok) == '{\n  "a": [\n    0.5,\n    2\n  ],\n  "b": 1\n}\n'
    bad = DemoResult("x", "cpu", 0, {"en": [], "ja": []}, metrics={"w": np.float32(0.5)})
    with pytest.raises(DemoError, match="demo 'x': metric 'w' must be a python int, float or list"):
        metrics_json(bad)
    nan = DemoResult("x", "cpu", 0, {"en": [], "ja": []}, metrics={"w": [1.0, float("nan")]})
    with pytest.raises(DemoError, match=r"metric 'w'\[1\] is not a finite number"):
        metrics_json(nan)


def test_format_number_never_prints_negative_zero():
    assert format_number(-0.00001) == "0.0000"
    assert format_number(-1.5, 2) == "-1.50"


def test_resolve_device_cpu_and_auto():
    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") == available_devices()[0]
    assert available_devices()[-1] == "cpu"


def test_resolve_device_rejects_unknown_names_clearly():
    with pytest.raises(
        DemoError, match=r"unknown device 'tpu' \(choose from: auto, cpu, cuda, mps\)"
    ):
        resolve_device("tpu")


@pytest.mark.parametrize("device", ["cuda", "mps"])
def test_missing_device_says_what_is_available(device):
    if device in available_devices():
        pytest.skip(f"{device} is present on this machine")
    with pytest.raises(DeviceUnavailable) as info:
        resolve_device(device)
    assert isinstance(info.value, AtlasError)
    listed = ", ".join(available_devices())
    assert str(info.value) == f"device '{device}' is not available here (available: {listed})"


def test_seed_everything_makes_torch_and_numpy_repeat():
    seed_everything(3)
    first = (torch.randn(4), np.random.rand(4))
    seed_everything(3)
    second = (torch.randn(4), np.random.rand(4))
    assert torch.equal(first[0], second[0])
    assert np.array_equal(first[1], second[1])


def test_to_numpy_copies_tensors_to_cpu_arrays():
    t = torch.ones(2, 3, requires_grad=True) * 2
    a = to_numpy(t)
    assert isinstance(a, np.ndarray) and a.shape == (2, 3) and a[0, 0] == 2
    assert to_numpy([1, 2]).tolist() == [1, 2]
