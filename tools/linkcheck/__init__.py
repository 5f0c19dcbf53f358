"""The link tracker: check every URL of the catalogue, remember each link's state across runs.

``python -m tools.linkcheck`` is the command (see :mod:`tools.linkcheck.cli`). The pieces:

- :mod:`.settings`: every tunable default in one dataclass.
- :mod:`.safety`: the address policy (no loopback, private, link-local ... addresses).
- :mod:`.fetch`: a small HTTP/1.1 client on asyncio streams with per-host politeness.
- :mod:`.htmltext`: charset, title and a text fingerprint (simhash) of a page.
- :mod:`.classify`, :mod:`.soft404`, :mod:`.video`: from responses to one verdict per URL.
- :mod:`.archive`: the Wayback Machine copy of a failing link.
- :mod:`.history`: ``linkstatus.json``, its state machine and its atomic write.
- :mod:`.report`: text, Markdown, JSON and GitHub annotations.
"""

VERDICTS = (
    "ok",
    "redirected",
    "broken",
    "soft-404",
    "restricted",
    "transient",
    "drifted",
    "blocked",
)
