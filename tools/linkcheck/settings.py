"""Every default of the link tracker in one place, each with a command-line flag (see cli.py)."""

from __future__ import annotations

import os
from dataclasses import dataclass

USER_AGENT = (
    "AttentionAtlasLinkCheck/0.1 (+https://github.com/attention-atlas/attention-atlas; "
    "link tracker of a reading list)"
)

DEFAULT_ARCHIVE_ENDPOINT = "https://archive.org/wayback/available"
DEFAULT_ARCHIVE_WEB = "https://web.archive.org/web/"
DEFAULT_OEMBED_ENDPOINT = "https://www.youtube.com/oembed"
DEFAULT_THUMBNAIL_ENDPOINT = "https://img.youtube.com/vi/{id}/0.jpg"


@dataclass
class Settings:
    """Politeness, deadlines and decision thresholds of one run.

    Times are in seconds. ``from_env`` fills the endpoints from the environment so that a CI job
    can point them elsewhere without changing the command line.
    """

    host_concurrency: int = 10
    host_interval: float = 0.05
    max_concurrency: int = 128
    connect_timeout: float = 10.0
    read_timeout: float = 15.0
    request_deadline: float = 30.0
    url_deadline: float = 90.0
    run_deadline: float | None = None
    max_retries: int = 2
    retry_backoff: float = 1.0
    max_retry_after: float = 60.0
    max_redirects: int = 20  # as Chromium and Firefox: a 21st redirect is an error
    max_body: int = 512 * 1024  # a <title> after 310 KB of inline script is still read
    max_header_bytes: int = 256 * 1024
    method: str = "auto"  # auto | get | head
    allow_private: bool = False
    allow_addresses: frozenset[str] = frozenset()
    probe_siblings: bool = True
    drift_bits: int = 18
    sibling_bits: int = 4
    dead_after_failures: int = 3
    dead_after_hours: float = 72.0
    history_cap: int = 20
    archive: bool = True
    # The archive is one service asked about many hosts, answering slowly (0.3 s and more):
    # a few requests at once to each of its two hosts (API, /web/), with no interval on top.
    archive_concurrency: int = 16
    archive_interval: float = 0.0
    archive_hit_days: float = 30.0  # an archive copy found is not looked up again for this long
    archive_miss_days: float = 7.0  # a miss is asked again after this long
    check_fragments: bool = True  # https://host/page#anchor: the anchor must be on the page
    lock_wait: float = 600.0  # seconds to wait for another tracker on the same history
    proxy: str | None = None  # http://host:port, used only when asked for (see fetch.py)
    archive_endpoint: str = DEFAULT_ARCHIVE_ENDPOINT
    archive_web: str = DEFAULT_ARCHIVE_WEB
    oembed_endpoint: str = DEFAULT_OEMBED_ENDPOINT
    thumbnail_endpoint: str = DEFAULT_THUMBNAIL_ENDPOINT
    user_agent: str = USER_AGENT
    ca_file: str | None = None  # extra trusted CA certificates (PEM), e.g. a test CA

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Defaults, with endpoints overridden by ``LINKCHECK_*`` environment variables."""
        env = dict(os.environ if env is None else env)
        s = cls()
        s.archive_endpoint = env.get("LINKCHECK_ARCHIVE_ENDPOINT", s.archive_endpoint)
        s.archive_web = env.get("LINKCHECK_ARCHIVE_WEB", s.archive_web)
        s.oembed_endpoint = env.get("LINKCHECK_OEMBED_ENDPOINT", s.oembed_endpoint)
        s.thumbnail_endpoint = env.get("LINKCHECK_THUMBNAIL_ENDPOINT", s.thumbnail_endpoint)
        return s
