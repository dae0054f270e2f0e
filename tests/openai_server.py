"""A small OpenAI-compatible server for tests: `/v1/chat/completions` and `/v1/models` on 127.0.0.1.

It serves a local transformers model through the project's HF backend (so the chat template is applied on the
server, as vLLM does) and LoRA adapters under served names (as `vllm serve --lora-modules NAME=DIR` does).
Test hooks: `fail_next(k, status)` answers the next k requests with an error, `delay_s` holds every request,
`received` keeps each request's headers and body, `max_in_flight` the most requests handled at once,
`list_models = False` makes `/v1/models` a 404 (servers without it), `reply_model` names another model in
replies, and `answer_any_name` answers every model name with the base model (as llama.cpp does).
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from harness.backends.hf import HFBackend
from harness.models import resolve_adapter, resolve_model
from harness.types import GenerationRequest, Sampling


class OpenAIServer:
    def __init__(self, model_dir: str | Path, served_name: str = "tiny", adapters: dict[str, Path] | None = None,
                 *, precision: str = "fp32", delay_s: float = 0.0):
        adapter_refs = [resolve_adapter(path, name=name) for name, path in (adapters or {}).items()]
        self.backend = HFBackend(resolve_model(str(model_dir)), adapter_refs, precision=precision, batch_size=1,
                                 device="cpu")
        self.served_name = served_name
        self.adapters = [a.name for a in adapter_refs]
        self.delay_s = delay_s
        self.list_models = True
        self.reply_model: str | None = None
        self.answer_any_name = False
        self.received: list[dict[str, Any]] = []
        self.max_in_flight = 0
        self._in_flight = 0
        self._failures: list[int] = []
        self._state = threading.Lock()
        self._model = threading.Lock()  # one generation at a time: the HF backend is not thread-safe
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def fail_next(self, count: int, status: int = 500) -> None:
        with self._state:
            self._failures.extend([status] * count)

    def __enter__(self) -> "OpenAIServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def handle(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Status and JSON reply for one request (called on the request's thread)."""
        with self._state:
            self.received.append({"path": path, "headers": headers, "body": body})
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            failure = self._failures.pop(0) if self._failures else None
        try:
            time.sleep(self.delay_s)
            if failure is not None:
                return failure, {"error": {"message": f"injected failure {failure}", "type": "test"}}
            return self._complete(body)
        finally:
            with self._state:
                self._in_flight -= 1

    def _complete(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        model = body.get("model")
        if self.answer_any_name and model not in self.adapters:
            model = self.served_name
        if model != self.served_name and model not in self.adapters:
            return 404, {"error": {"message": f"The model `{model}` does not exist.", "type": "NotFoundError"}}
        sampling = Sampling(max_new_tokens=int(body.get("max_tokens", 16)), temperature=float(body.get("temperature", 0)),
                            top_p=float(body.get("top_p", 1.0)), seed=int(body.get("seed", 0)))
        request = GenerationRequest(tuple(body["messages"]), None if model == self.served_name else model)
        with self._model:
            [(_, generation)] = list(self.backend.generate([request], sampling))
        return 200, {
            "id": "chatcmpl-test", "object": "chat.completion", "model": self.reply_model or body.get("model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": generation.text},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": generation.prompt_tokens, "completion_tokens": generation.completion_tokens,
                      "total_tokens": generation.prompt_tokens + generation.completion_tokens},
        }


def _handler(server: OpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path != "/v1/chat/completions":
                return self._reply(404, {"error": {"message": f"no route {self.path}"}})
            length = int(self.headers.get("Content-Length", 0))
            try:
                body = json.loads(self.rfile.read(length))
            except json.JSONDecodeError as err:
                return self._reply(400, {"error": {"message": f"invalid JSON: {err}"}})
            self._reply(*server.handle(self.path, dict(self.headers), body))

        def do_GET(self) -> None:  # noqa: N802
            if self.path != "/v1/models" or not server.list_models:
                return self._reply(404, {"error": {"message": f"no route {self.path}"}})
            names = [server.served_name, *server.adapters]
            self._reply(200, {"object": "list", "data": [{"id": n, "object": "model"} for n in names]})

        def _reply(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                pass

        def log_message(self, format: str, *args: Any) -> None:  # keep pytest output quiet
            pass

    return Handler


def build_tiny_adapter(model_dir: Path, path: Path, seed: int = 0, **config: Any) -> Path:
    """A random (non-zero) LoRA adapter for the tiny model, so that it changes what the model generates."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_pretrained(model_dir)
    options = {"r": 4, "lora_alpha": 8, "target_modules": ["q_proj", "v_proj"], "init_lora_weights": False, **config}
    get_peft_model(model, LoraConfig(**options)).save_pretrained(path)
    return path
