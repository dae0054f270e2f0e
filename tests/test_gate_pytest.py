"""The pytest plugin, run in a child pytest on crafted runs: collected gates files and the harness_gate fixture."""
import importlib.metadata
import subprocess
import sys

from fake_runs import make_run

BASE = [True] * 10 + [False] * 10
BIG_DROP = [False] * 9 + [True] + [False] * 10


def child_pytest(cwd, *args):
    registered = any(ep.value.startswith("harness.pytest_plugin")
                     for ep in importlib.metadata.entry_points(group="pytest11"))
    plugin = [] if registered else ["-p", "harness.pytest_plugin"]
    (cwd / "pytest.ini").write_text("[pytest]\n")
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *plugin, *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def test_gates_file_is_collected_and_failures_show_metric_ci_and_flips(tmp_path):
    make_run(tmp_path / "base", BASE)
    make_run(tmp_path / "big", BIG_DROP, variant="big")
    (tmp_path / "harness_gates.toml").write_text(
        '[[gate]]\nname = "no drop"\nrun = "big"\nbaseline = "base"\nno_significant_drop = true\n'
        '[[gate]]\nname = "floor"\nrun = "base"\nmin_value = 0.4\n')
    proc = child_pytest(tmp_path, "-rA")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert "1 failed, 1 passed" in out
    assert "FAIL no drop" in out and "accuracy = 0.0500 [" in out and "McNemar p = 0.003906" in out
    assert "right->wrong on accuracy: 9" in out and "#0 question 0?" in out


def test_gates_file_named_on_the_command_line_is_collected(tmp_path):
    make_run(tmp_path / "base", BASE)
    (tmp_path / "ci.yaml").write_text("gates:\n  - run: base\n    baseline: base\n    max_flips: 0\n")
    proc = child_pytest(tmp_path, "ci.yaml")
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout + proc.stderr


def test_harness_gate_fixture(tmp_path):
    make_run(tmp_path / "base", BASE)
    make_run(tmp_path / "big", BIG_DROP, variant="big")
    (tmp_path / "test_model.py").write_text(
        "def test_same(harness_gate):\n"
        "    assert harness_gate('base', baseline='base', max_flips=0).passed\n"
        "def test_drop(harness_gate):\n"
        "    harness_gate('big', baseline='base', min_delta=-0.1)\n")
    proc = child_pytest(tmp_path, "test_model.py")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 failed, 1 passed" in proc.stdout and "delta -0.4500 < min_delta -0.1" in proc.stdout


def test_gates_file_typo_is_one_failing_item_not_a_collection_error(tmp_path):
    make_run(tmp_path / "base", BASE)
    (tmp_path / "harness_gates.toml").write_text('[[gate]]\nrun = "base"\nmin_valeu = 0.4\n')
    (tmp_path / "test_other.py").write_text("def test_still_runs():\n    pass\n")
    proc = child_pytest(tmp_path, "-rA")
    out = proc.stdout
    assert proc.returncode == 1 and "1 failed, 1 passed" in out, out + proc.stderr
    assert "unknown field(s) min_valeu" in out
    assert "error" not in out.lower().split("short test summary")[0].split("FAILURES")[0]  # not a collection error
    assert "Traceback" not in out
