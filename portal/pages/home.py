"""Registry of home-page blocks: apps contribute sections (e.g. "Calls closing soon") from
their ``AppConfig.ready()`` without the pages app importing them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string


@dataclass(frozen=True)
class HomeBlock:
    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any]]
    order: int = 100


_blocks: dict[str, HomeBlock] = {}


def register_home_block(block: HomeBlock) -> None:
    _blocks[block.key] = block


def render_blocks(request: HttpRequest) -> list[str]:
    blocks = sorted(_blocks.values(), key=lambda b: (b.order, b.key))
    return [render_to_string(b.template, b.context(request), request=request) for b in blocks]
