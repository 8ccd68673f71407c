"""The implementation guide's Python examples, read from the seeds beside the repository (never copied
into it): each code block with the heading it sits under, `app.analytics` replaced by
`learning_analytics.engine`, run with top-level await in one namespace, as a reader would run them."""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The guide's file in the seeds next to the repository (`../shared/seeds/`), unless LA_GUIDE_PATH names one.
GUIDE_NAME = "000_b457c121e9ae7a8b.txt"
REPO = Path(__file__).resolve().parents[1]
DEFAULT_GUIDE = REPO.parent / "shared" / "seeds" / GUIDE_NAME


def guide_path() -> Path:
    return Path(os.environ.get("LA_GUIDE_PATH") or DEFAULT_GUIDE)


@dataclass(frozen=True, slots=True)
class Block:
    heading: str
    source: str


_FENCE = re.compile(r"^```(\w*)\s*$")


def python_blocks(text: str) -> list[Block]:
    """Every ```python block, in order, with the nearest heading above it."""
    blocks: list[Block] = []
    heading = ""
    language: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        fence = _FENCE.match(line.strip())
        if language is None:
            if fence:
                language, lines = fence.group(1), []
            elif line.startswith("#"):
                heading = line.lstrip("#").strip()
        elif line.strip() == "```":
            if language == "python":
                blocks.append(Block(heading, "\n".join(lines)))
            language = None
        else:
            lines.append(line)
    return blocks


def adapted(source: str) -> str:
    """The block as it runs here: only the package name changes."""
    return source.replace("app.analytics", "learning_analytics.engine")


async def run_block(source: str, namespace: dict[str, Any]) -> str:
    """Run one block in `namespace` (top-level await allowed); returns what it printed."""
    code = compile(source, "<guide>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = eval(code, namespace)
        if result is not None:
            await result
    return out.getvalue()
