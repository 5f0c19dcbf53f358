"""Helpers shared by the tests that drive headless chromium (the browser fixture is in conftest)."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import pytest


def browser_unavailable(reason: str) -> None:
    """Skip a browser test, except under ``CI=true``, where the browser tests must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI=true, so the browser tests must run (.ci/run installs chromium)")
    pytest.skip(reason)


# Chromium flags: every request to a host other than 127.0.0.1 goes to a proxy where nothing
# listens (port 9, discard), so it fails inside the browser. ``<-loopback>`` sends the other
# loopback addresses (localhost, 127.0.0.2, [::1]) to that proxy too.
DEAD_PROXY_ARGS = ["--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>;127.0.0.1"]


def record_leaving_requests(context: Any, refused: list[str]) -> None:
    """Append to ``refused`` every request of ``context`` whose host is not 127.0.0.1.

    The browser fixture already makes such requests fail; this names them, so a test can fail.
    """

    def seen(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob", "about") and parts.hostname != "127.0.0.1":
            refused.append(request.url)

    context.on("request", seen)
