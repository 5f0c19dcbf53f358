"""The link tracker: check every URL of the catalogue, remember each link's state across runs.

``python -m tools.linkcheck`` is the command (see :mod:`tools.linkcheck.cli`). The pieces:

- :mod:`.settings`: every tunable default in one dataclass.
- :mod:`.targets`: where the URLs come from (a list, the catalogue, a git ref).
- :mod:`.safety`: the address policy (no loopback, private, link-local ... addresses).
- :mod:`.fetch`: a small HTTP/1.1 client on asyncio streams with per-host politeness.
- :mod:`.htmltext`: charset, title, anchors and a text fingerprint (simhash) of a page.
- :mod:`.classify`, :mod:`.soft404`, :mod:`.video`: from responses to one verdict per URL.
- :mod:`.check`: every link of a run, concurrently; :mod:`.archive`: Wayback copies.
- :mod:`.results`: the immutable records passed between the stages.
- :mod:`.linkstatus`: ``linkstatus.json`` typed (read, validate, write atomically, lock);
  the site reads it through :func:`tools.linkcheck.linkstatus.load` too.
- :mod:`.history`: the rules that move each link's state across runs.
- :mod:`.text`, :mod:`.report`: server text made inert; text, Markdown, JSON, annotations.

Performance machinery stays only where removing it cost a measurable amount (the benchmark
``bench/bench_linkcheck.py``, or a side-by-side timing of the step it speeds up); each place
quotes its numbers: the staged start (tasks and imports) and one page read per turn of the
loop in :mod:`.check`, ``os._exit`` in :mod:`.cli`, the collector kept off while the modules
load in :mod:`.__main__`, the immediate ACKs, the turn order, the timers' slack and the
connections opened ahead of a turn in :mod:`.fetch`, the probe inside its page's turn in
:mod:`.soft404`, the page-wide patterns screened by their words in :mod:`.classify`, the
report's JSON layout (made as results arrive) in :mod:`.report`, and each import inside a
function, with its cost or reason on the line.
Imports that cost nothing measurable moved to the top. This package re-exports nothing: importing
any part of the tracker imports it, and nothing it could load is needed before the first requests
leave (the lists of states and verdicts are :data:`.linkstatus.STATES` and ``VERDICTS``).
"""
