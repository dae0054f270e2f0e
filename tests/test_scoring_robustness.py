"""Scoring survives what the issue 13 attack found: killed parents, corrupt databases, concurrent caches."""
import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness.benchmarks.spider import SpiderBenchmark
from harness.errors import DataError
from harness.runs.cache import GenerationCache
from harness.types import Generation

LOOP = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"


def children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG and /proc are Linux")
def test_kill_9_of_harness_score_leaves_no_worker_behind(tiny_spider, tmp_path):
    preds = tmp_path / "pred.sql"
    preds.write_text(f"{LOOP}\n" * 6)
    cmd = [sys.executable, "-c", "import sys; from harness.cli import main; sys.exit(main())", "score", "spider", "--data", str(tiny_spider), "--predictions",
           str(preds), "-O", "timeout_s=60", "--out", str(tmp_path / "run")]
    env = {**os.environ, "HARNESS_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not (workers := children(proc.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert workers, "no worker process started"
        time.sleep(0.3)  # the workers are inside their runaway query
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 5
        while any(map(alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(alive, workers))
    finally:
        proc.kill()


def test_corrupt_database_is_one_line_naming_the_file(tiny_spider):
    bad = tiny_spider / "database" / "shop" / "shop.sqlite"
    bad.write_bytes(os.urandom(4096))
    with pytest.raises(DataError, match=r"shop\.sqlite: not a readable SQLite database"):
        SpiderBenchmark(tiny_spider, "dev").examples()


@pytest.mark.parametrize("benchmark", ["sql2text", "bird"])
def test_corrupt_database_of_sql2text_or_bird_is_one_line_before_any_work(benchmark, tiny_spider, tmp_path, capsys):
    from harness.benchmarks.bird_mini import build
    from harness.cli import main

    if benchmark == "bird":
        data = build(tmp_path / "bird")
        bad = sorted((data / "dev_databases").rglob("*.sqlite"))[0]
    else:
        data, bad = tiny_spider, tiny_spider / "database" / "shop" / "shop.sqlite"
    bad.write_bytes(os.urandom(4096))
    (tmp_path / "pred.txt").write_text("x\n")
    code = main(["score", benchmark, "--data", str(data), "--predictions", str(tmp_path / "pred.txt"), "--limit", "1",
                 "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err
    assert code == 2 and f"{bad.name}: not a readable SQLite database" in err.replace("\n", "")
    assert not (tmp_path / "run").exists()


def _writer(path: str, worker: int, n: int) -> None:
    with GenerationCache(path) as cache:
        for start in range(0, n, 10):
            cache.put_many([(f"{worker}-{i}", Generation(f"text {worker} {i}")) for i in range(start, start + 10)])


def test_four_processes_writing_one_cache_lose_nothing(tmp_path):
    path = str(tmp_path / "generations.sqlite")
    GenerationCache(path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, w, 2000)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    with GenerationCache(path) as cache:
        found = cache.get_many(f"{w}-{i}" for w in range(4) for i in range(2000))
    assert len(found) == 8000


def test_failed_write_leaves_no_open_transaction(tmp_path, monkeypatch):
    path = tmp_path / "generations.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    with GenerationCache(path) as cache:
        import harness.runs.cache as cache_module
        monkeypatch.setattr(cache_module, "_WRITE_ATTEMPTS", 2)
        cache._db.execute("PRAGMA busy_timeout = 50")
        holder.execute("BEGIN IMMEDIATE")          # another process holds the write lock
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            cache.put_many([("k", Generation("x"))])
        assert not cache._db.in_transaction
        holder.execute("COMMIT")
        cache.put_many([("k", Generation("x"))])   # the same connection writes again
        assert cache.get_many(["k"]) == {"k": Generation("x")}
    holder.close()
