"""The generation backend protocol. A backend turns chat prompts into text for a base model and its adapters."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterator, Sequence

from harness.options import NoOptions
from harness.types import Generation, GenerationRequest, Sampling

if TYPE_CHECKING:
    from harness.models import AdapterRef, ModelRef


class Backend(ABC):
    """Generates for many requests at once; requests name the adapter they go to (None = base model).

    `generate` yields `(request_index, Generation)` as results finish, in any order, so the caller can
    persist each batch before the next one starts.

    `Options` is a dataclass of the backend's options (fields made with `harness.options.option`); the constructor
    takes them by keyword after the model and adapters. They become CLI flags of `harness run`, and the fields
    marked `cache_key` (those that can change the text) enter the generation cache key. Keep the module that
    defines the backend light to import (heavy libraries inside methods): `harness --help` reads every Options.
    """

    name: ClassVar[str]
    Options: ClassVar[type] = NoOptions
    # Set by the caller: called with how many sequences of the batch in flight have finished so far, for
    # per-example progress. Backends that cannot tell leave it unused; progress then moves per yield.
    progress: Callable[[int], None] | None = None

    @classmethod
    def references(cls, model: str | None, adapters: Sequence[str], options: Any
                   ) -> tuple[ModelRef, list[AdapterRef]]:
        """What the user named as model and adapters -> the references (identities) this backend serves, given
        its Options. Default: local or hub models and adapter folders."""
        from harness.models import resolve_adapter, resolve_model

        return resolve_model(model), [resolve_adapter(a) for a in adapters]

    @classmethod
    def resolve_options(cls, options: Any, model: ModelRef) -> Any:
        """The options with every "auto" value decided (what the cache key and manifest record). Default: as given."""
        return options

    @abstractmethod
    def generate(self, requests: Sequence[GenerationRequest], sampling: Sampling) -> Iterator[tuple[int, Generation]]:
        ...
