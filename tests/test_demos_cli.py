"""The demos CLI, run as a real subprocess (``python -m demos``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from demo_helpers import result_of

from demos.framework.cli import main
from demos.framework.core import available_devices
from demos.framework.registry import DEMO_IDS

REPO = Path(__file__).resolve().parent.parent


def demos(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "demos", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_list_shows_every_demo_in_order():
    proc = demos("list")
    assert proc.returncode == 0, proc.stderr
    rows = [line.split("\t") for line in proc.stdout.splitlines()]
    assert [r[0] for r in rows] == list(DEMO_IDS)
    assert all(len(r) == 2 and r[1].strip() for r in rows)


def test_list_in_japanese():
    proc = demos("list", "--lang", "ja")
    assert proc.returncode == 0, proc.stderr
    assert "masks\tパディングマスクと因果マスク" in proc.stdout.splitlines()


def test_run_prints_the_narration():
    proc = demos("run", "qkv_step_by_step", "--device", "cpu", "--seed", "0")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "== Where the numbers come from =="
    assert "== What to notice ==" in lines
    assert proc.stderr == ""


def test_run_auto_says_which_device_first():
    proc = demos("run", "masks", "--device", "auto")
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    if available_devices() == ["cpu"]:
        assert first == "device: cpu (auto: no CUDA or MPS)"
    else:
        assert first.startswith(f"device: {available_devices()[0]} (auto: ")


def test_different_seed_changes_the_output():
    a = demos("run", "masks", "--device", "cpu", "--seed", "0")
    b = demos("run", "masks", "--device", "cpu", "--seed", "1")
    assert a.returncode == b.returncode == 0
    assert a.stdout != b.stdout


def _one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_unknown_id_is_one_line_and_exit_2():
    line = _one_line_error(demos("run", "no_such_demo"))
    assert "unknown demo 'no_such_demo'" in line
    assert "available: word_vectors, qkv_step_by_step" in line


@pytest.mark.parametrize("device", ["cuda", "mps"])
def test_missing_device_is_one_line_and_exit_2(device):
    if device in available_devices():
        pytest.skip(f"{device} is present here")
    line = _one_line_error(demos("run", "masks", "--device", device))
    assert line == (
        f"error: device '{device}' is not available here "
        f"(available: {', '.join(available_devices())})"
    )


def test_unknown_device_name_is_one_line_and_exit_2():
    line = _one_line_error(demos("run", "masks", "--device", "tpu"))
    assert "unknown device 'tpu'" in line and "auto, cpu, cuda, mps" in line


def test_render_unknown_id_writes_nothing(tmp_path):
    line = _one_line_error(demos("render", "--out", str(tmp_path), "masks", "nope"))
    assert "unknown demo 'nope'" in line
    assert list(tmp_path.iterdir()) == []


def test_check_reports_missing_renderings_and_exits_1(tmp_path):
    proc = demos("check", "--out", str(tmp_path))
    assert proc.returncode == 1
    assert "masks: stale (no rendering); run: python -m demos render masks" in proc.stdout


def test_run_in_japanese_prints_the_japanese_narration():
    proc = demos("run", "masks", "--device", "cpu", "--lang", "ja")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == result_of("masks", 0).lines["ja"]


def test_json_prints_the_metrics_with_sorted_keys_and_nothing_else():
    proc = demos("run", "masks", "--device", "auto", "--seed", "1", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert list(data) == sorted(data)
    assert data == json.loads(json.dumps(result_of("masks", 1).metrics))


BAD_SEEDS = {"-1": "-1", "4294967296": "4294967296", "2.5": "'2.5'", "seven": "'seven'"}


@pytest.mark.parametrize("demo_id", DEMO_IDS)
@pytest.mark.parametrize("seed", list(BAD_SEEDS))
def test_a_seed_numpy_or_torch_cannot_take_is_one_line_and_exit_2(demo_id, seed, capsys):
    assert main(["run", demo_id, "--device", "cpu", "--seed", seed]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"error: --seed must be an integer from 0 to 4294967295, got {BAD_SEEDS[seed]}\n"


def test_list_and_mistyped_names_answer_without_importing_torch():
    code = (
        "import sys\n"
        "from demos.framework.cli import main\n"
        "codes = [main(['list', '--lang', 'ja']), main(['run', 'masks', '--device', 'tpu']),\n"
        "         main(['render', 'masks', 'nope'])]\n"
        "print(codes, sorted(m for m in ('torch', 'matplotlib') if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.stdout.splitlines()[-1] == "[0, 2, 2] []", proc.stdout + proc.stderr
