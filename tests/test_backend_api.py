"""The API backend against a real HTTP server on 127.0.0.1 serving the tiny model (tests/openai_server.py)."""
from __future__ import annotations

import argparse
import json
import logging
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openai_server import OpenAIServer, build_tiny_adapter

from harness.backends.api import APIBackend, APIError, api_adapter_ref, api_model_ref, normalize_base_url
from harness.backends.hf import HFBackend
from harness.cli.common import add_backend_arguments, backend_options_given
from harness.benchmarks.spider import SpiderBenchmark
from harness.errors import ModelError
from harness.evaluate import GenerationSpec, generate, run
from harness.models import resolve_adapter, resolve_model
from harness.options import as_kwargs
from harness.runs.cache import GenerationCache
from harness.types import GenerationRequest, Sampling

SAMPLING = Sampling(max_new_tokens=6)


@pytest.fixture(scope="module")
def sql_adapter(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_adapter(tiny_model_dir, tmp_path_factory.mktemp("adapters") / "sql", seed=1)


def _requests(n: int, adapter: str | None = None) -> list[GenerationRequest]:
    return [GenerationRequest(({"role": "system", "content": "You write SQL."},
                               {"role": "user", "content": f"How many singers are older than {20 + i}?"}), adapter)
            for i in range(n)]


def _backend(server: OpenAIServer, adapters: tuple[str, ...] = (), **options) -> APIBackend:
    options = {"backoff_s": 0.01, **options}
    return APIBackend(api_model_ref("tiny", server.url), [api_adapter_ref(a) for a in adapters],
                      base_url=server.url, **options)


def _collect(backend, requests, sampling=SAMPLING) -> list[str]:
    out = dict(backend.generate(requests, sampling))
    assert sorted(out) == list(range(len(requests)))
    return [out[i].text for i in range(len(requests))]


def test_outputs_equal_local_generation_for_base_and_served_adapter(tiny_model_dir, sql_adapter):
    requests = _requests(3) + _requests(3, adapter="sql")
    local = HFBackend(resolve_model(str(tiny_model_dir)), [resolve_adapter(sql_adapter, name="sql")],
                      precision="fp32", batch_size=1, device="cpu")
    expected = _collect(local, requests)
    with OpenAIServer(tiny_model_dir, adapters={"sql": sql_adapter}) as server:
        got = _collect(_backend(server, ("sql",)), requests)
        bodies = [r["body"] for r in server.received]
    assert got == expected
    assert expected[:3] != expected[3:]  # the adapter really changes the output, so routing is tested
    assert sorted(b["model"] for b in bodies) == ["sql"] * 3 + ["tiny"] * 3
    first = bodies[0]
    assert first["max_tokens"] == 6 and first["temperature"] == 0.0 and first["messages"][0]["role"] == "system"


def test_concurrency_is_bounded_and_used(tiny_model_dir):
    with OpenAIServer(tiny_model_dir, delay_s=0.3) as server:
        started = time.perf_counter()
        _collect(_backend(server, concurrency=3), _requests(9))
        elapsed = time.perf_counter() - started
        assert server.max_in_flight == 3
    assert elapsed < 9 * 0.3 * 0.6  # 3 waves of 0.3 s, not 9 sequential requests


@pytest.mark.parametrize("status", [429, 500, 503])
def test_retries_transient_errors_then_succeeds(tiny_model_dir, status):
    with OpenAIServer(tiny_model_dir) as server:
        expected = _collect(_backend(server), _requests(2))
        server.received.clear()
        server.fail_next(3, status)
        got = _collect(_backend(server, concurrency=1, max_retries=3), _requests(2))
        assert len(server.received) == 2 + 3
    assert got == expected


def test_gives_up_after_max_retries_with_a_clear_error(tiny_model_dir):
    with OpenAIServer(tiny_model_dir) as server:
        server.fail_next(5, 503)
        with pytest.raises(APIError, match=r"HTTP 503 after 3 attempt\(s\): injected failure 503"):
            _collect(_backend(server, concurrency=1, max_retries=2), _requests(1))
        assert len(server.received) == 3


def test_client_errors_are_not_retried_and_name_the_model(tiny_model_dir):
    with OpenAIServer(tiny_model_dir) as server:
        with pytest.raises(APIError, match=r"model 'nope'.*HTTP 404 after 1 attempt.*GET /v1/models"):
            _collect(_backend(server, ("nope",), skip_model_check=True), _requests(1, adapter="nope"))
        assert len(server.received) == 1


def test_names_the_server_does_not_list_are_refused_before_any_request(tiny_model_dir, sql_adapter):
    with OpenAIServer(tiny_model_dir, adapters={"sql": sql_adapter}) as server:
        server.answer_any_name = True  # as llama.cpp: any name is answered, so only the check can catch a typo
        wrong = APIBackend(api_model_ref("no-such-model", server.url), [api_adapter_ref("sql")], base_url=server.url)
        with pytest.raises(ModelError, match=r"/v1/models: the server does not serve 'no-such-model'; it serves: "
                                             r"tiny, sql \(check --model/--adapter"):
            _collect(wrong, _requests(1) + _requests(1, adapter="sql"))
        with pytest.raises(ModelError, match=r"does not serve 'sqll'"):
            _collect(_backend(server, ("sqll",)), _requests(1, adapter="sqll"))
        assert server.received == []
        assert len(_collect(_backend(server, ("sql",)), _requests(1) + _requests(1, adapter="sql"))) == 2


def test_servers_without_a_model_list_need_the_override(tiny_model_dir):
    with OpenAIServer(tiny_model_dir) as server:
        server.list_models = False
        with pytest.raises(ModelError, match=r"/v1/models: cannot list the served models \(.*HTTP 404.*\); if the "
                                             r"server has no /v1/models, pass --skip-model-check"):
            _collect(_backend(server), _requests(1))
        assert server.received == []
        assert len(_collect(_backend(server, skip_model_check=True), _requests(2))) == 2
    parser = argparse.ArgumentParser()
    add_backend_arguments(parser)
    assert backend_options_given(parser.parse_args(["--base-url", server.url]), ["api"]) == {
        "api": {"base_url": server.url}}
    given = backend_options_given(parser.parse_args(["--base-url", server.url, "--skip-model-check"]), ["api"])
    assert APIBackend(api_model_ref("tiny", server.url), **given["api"]).check_models is False


def test_a_reply_naming_another_model_is_logged_once(tiny_model_dir, caplog):
    with OpenAIServer(tiny_model_dir) as server:
        _collect(_backend(server), _requests(2))
        assert not caplog.records
        server.reply_model = "/models/other.gguf"
        with caplog.at_level(logging.WARNING, logger="harness.backends.api"):
            _collect(_backend(server, concurrency=1), _requests(3))
    [warning] = caplog.records
    assert "asked for model 'tiny' but the reply names '/models/other.gguf'" in warning.getMessage()


def test_timeout_is_retried_then_reported(tiny_model_dir):
    with OpenAIServer(tiny_model_dir, delay_s=1.0) as server:
        started = time.perf_counter()
        with pytest.raises(APIError, match=r"timed out.*after 2 attempt\(s\) \(timeout 0.2 s\)"):
            _collect(_backend(server, timeout_s=0.2, max_retries=1), _requests(1))
        assert time.perf_counter() - started < 1.0
        assert len(server.received) == 2


def test_connection_refused_is_reported():
    backend = APIBackend(api_model_ref("tiny", "http://127.0.0.1:9"), base_url="http://127.0.0.1:9",
                         max_retries=1, backoff_s=0.01)
    with pytest.raises(ModelError, match="cannot list the served models.*is the server running"):
        _collect(backend, _requests(1))
    backend.check_models = False
    with pytest.raises(APIError, match="is the server running"):
        _collect(backend, _requests(1))


def _stub_server(delay_s: float, port: int = 0) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, str(Path(__file__).parent / "stub_openai_server.py"),
                             "--delay", str(delay_s), "--port", str(port)], stdout=subprocess.PIPE, text=True)
    return proc, f"http://127.0.0.1:{int(proc.stdout.readline())}/v1"


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)
    proc.stdout.close()


def test_a_sigtermed_server_costs_only_the_requests_in_flight():
    """Finished replies are yielded (and so cached) before the failure; the requests in flight when the
    server dies are retried, then the run stops; nothing finished is lost."""
    proc, url = _stub_server(delay_s=1.0)
    try:
        backend = APIBackend(api_model_ref("stub", url), base_url=url, concurrency=2, max_retries=1, backoff_s=0.01)
        finished: dict[int, str] = {}
        with pytest.raises(APIError, match=r"after 2 attempt\(s\).*is the server running"):
            for i, generation in backend.generate(_requests(6), SAMPLING):
                finished[i] = generation.text
                if len(finished) == 2:  # requests 3 and 4 are in flight now
                    proc.send_signal(signal.SIGTERM)
                    proc.wait(timeout=10)
    finally:
        _stop(proc)
    assert len(finished) == 2 and all(text.startswith("echo: How many singers") for text in finished.values())


def test_after_a_server_dies_the_rerun_sends_only_the_unfinished_prompts(tiny_spider, tmp_path):
    proc, url = _stub_server(delay_s=1.0)
    port = int(url.split(":")[2].split("/")[0])
    spec = GenerationSpec(model=api_model_ref("stub", url), sampling=SAMPLING, backend="api",
                          backend_options={"base_url": url, "concurrency": 2, "max_retries": 1, "backoff_s": 0.01})
    bench = SpiderBenchmark(tiny_spider, "dev", workers=1)
    sent: list[int] = []

    class SigtermAfterTwo(APIBackend):  # the real backend; the test only times the server's death
        def generate(self, requests, sampling):
            sent.append(len(requests))
            for k, (i, generation) in enumerate(super().generate(requests, sampling), start=1):
                yield i, generation
                if k == 2 and len(sent) == 1:
                    proc.send_signal(signal.SIGTERM)
                    proc.wait(timeout=10)

    def factory() -> APIBackend:
        return SigtermAfterTwo(spec.model, **as_kwargs(spec.backend_options))

    try:
        with GenerationCache(tmp_path / "cache.sqlite") as cache:
            with pytest.raises(APIError, match="is the server running"):
                generate(bench, bench.examples(), spec, cache, backend_factory=factory)
            _stop(proc)
            proc, _ = _stub_server(delay_s=0.0, port=port)  # restarted on the same address
            outputs = generate(bench, bench.examples(), spec, cache, backend_factory=factory)["base"]
    finally:
        _stop(proc)
    assert sent == [6, 4]  # the 2 replies finished before the SIGTERM came from the cache
    assert [g.text for g in outputs] == [f"echo: {bench.messages(e)[-1]['content']}" for e in bench.examples()]


def test_request_for_an_adapter_that_was_not_given_fails_before_sending():
    backend = APIBackend(api_model_ref("tiny", "http://127.0.0.1:9"), base_url="http://127.0.0.1:9")
    with pytest.raises(ValueError, match=r"adapter 'sql', but only \[\] were given"):
        list(backend.generate(_requests(1, adapter="sql"), SAMPLING))


def test_key_is_sent_but_never_written_and_responses_are_cached(tiny_model_dir, tiny_spider, tmp_path, monkeypatch):
    secret = "sk-test-do-not-record-0123456789"
    monkeypatch.setenv("HARNESS_TEST_API_KEY", secret)
    parser = argparse.ArgumentParser()
    add_backend_arguments(parser)
    bench = SpiderBenchmark(tiny_spider, "dev", workers=1)
    with OpenAIServer(tiny_model_dir) as server:
        args = parser.parse_args(["--base-url", server.url, "--api-key-env", "HARNESS_TEST_API_KEY",
                                  "--concurrency", "2"])
        spec = GenerationSpec(model=api_model_ref("tiny", server.url), sampling=SAMPLING, backend="api",
                              backend_options=backend_options_given(args, ["api"])["api"])

        def factory() -> APIBackend:
            return APIBackend(spec.model, spec.adapters, **as_kwargs(spec.backend_options))

        with GenerationCache(tmp_path / "cache.sqlite") as cache:
            summary = run(bench, spec, tmp_path / "out", cache, backend_factory=factory)["base"].summary
            assert len(server.received) == 6
            run(bench, spec, tmp_path / "again", cache, backend_factory=factory)
        assert len(server.received) == 6  # the second run came from the cache
        assert {r["headers"]["Authorization"] for r in server.received} == {f"Bearer {secret}"}
    assert summary.n == 6
    assert summary.manifest["model"] == {"api_model": "tiny", "base_url": server.url}
    assert summary.manifest["generation"]["api_key_env"] == "HARNESS_TEST_API_KEY"
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "records.jsonl" for p in written) and any(p.name.startswith("cache.sqlite") for p in written)
    for path in written:
        assert secret.encode() not in path.read_bytes(), path


def test_base_url_is_normalised_without_credentials():
    assert normalize_base_url("http://user:pw@127.0.0.1:8000/") == "http://127.0.0.1:8000/v1"
    assert normalize_base_url("https://api.example.com/v1/?key=x") == "https://api.example.com/v1"
    with pytest.raises(ValueError, match="expected http"):
        normalize_base_url("127.0.0.1:8000")
    with pytest.raises(ValueError, match="--model NAME"):
        api_model_ref("", "http://127.0.0.1:8000")


def test_adapter_specs_are_served_names_with_an_optional_local_copy(sql_adapter):
    served = api_adapter_ref("sql")
    assert (served.name, served.identity) == ("sql", {"name": "sql", "served_name": "sql"})
    with_copy = api_adapter_ref(f"sql-v2={sql_adapter}")
    assert with_copy.name == "sql-v2" and with_copy.identity["served_name"] == "sql-v2"
    assert len(with_copy.identity["sha256"]) == 64 and with_copy.identity["r"] == 4
    with pytest.raises(ValueError, match="expected NAME or NAME=DIR"):
        api_adapter_ref("=x")


def test_a_reply_with_a_lone_surrogate_is_kept_and_cached(tiny_model_dir, tmp_path, monkeypatch):
    """A server may answer "\\udc80" (valid JSON, not Unicode): it must not fail every run at the cache write."""
    with OpenAIServer(tiny_model_dir) as server:
        backend = _backend(server)
        ask = backend._request

        def reply(path, body, model):
            if path != "/chat/completions":
                return ask(path, body, model)
            return {"model": model, "choices": [{"message": {"content": json.loads('"{\\"x\\": \\"a\\udc80b\\"}"')}}]}

        monkeypatch.setattr(backend, "_request", reply)
        [(index, generation)] = list(backend.generate(_requests(1), SAMPLING))
    assert index == 0 and generation.text == '{"x": "a\ufffdb"}'
    with GenerationCache(tmp_path / "cache.sqlite") as cache:
        cache.put_many([("k", generation)])
        assert cache.get_many(["k"])["k"].text == generation.text
