"""Names vulture reports as unused that are used, each with the reason it cannot see the use.

Read by tests/test_dead_code.py (``vulture tools demos tests/vulture_whitelist.py``); never
imported by the project. An entry here is a claim: when the use goes, the entry goes too.
"""

from tools import vocab


class _AnyName:
    """``_.name`` marks ``name`` as used wherever it is defined (vulture matches by name)."""

    def __getattr__(self, name: str) -> None:
        return None


_ = _AnyName()

# Methods and attributes a framework calls or reads by name: vulture cannot see the call.
_.forward  # torch.nn.Module.__call__ runs forward
_.handle_startendtag  # html.parser.HTMLParser, while it parses
_.handle_data  # html.parser.HTMLParser, while it parses
_.log_message  # http.server.BaseHTTPRequestHandler, for each request
_.daemon_threads  # socketserver.ThreadingMixIn, when a request thread starts
_.on_config  # mkdocs, for each plugin event of the build
_.on_page_markdown  # mkdocs
_.on_page_content  # mkdocs
_.on_page_context  # mkdocs
_.eps  # torch.nn.LayerNorm reads it in forward
_.claims  # each demo module's claims(result), looked up by name by the demo contract tests

# Public state whose only reader is outside tools/ and demos/, where vulture does not look.
_.last_error  # SiteServer: why the last rebuild failed; tests/test_site_serve.py waits on it

# Counters of the tracker's work that only tests read (vulture is not run over tests/):
# test_linkcheck_fetch checks that kept connections are reused, test_linkcheck_soft404 that a
# 404 seen on the host spares the probe.
_.connections_opened
_.probes_sent

# Vocabulary members are read from the catalogue and from linkstatus.json by value
# (``Level("beginner")``) and offered as the allowed choices by iteration (``Level.values()``);
# code names only the few it treats specially, so vulture sees the rest as never read.
vocab.Lang.EN
vocab.ResourceType.ARTICLE
vocab.ResourceType.BLOG
vocab.ResourceType.VIDEO
vocab.ResourceType.PAPER
vocab.ResourceType.COURSE
vocab.ResourceType.SLIDES
vocab.ResourceType.WIKI
vocab.Level.BEGINNER
vocab.Level.INTERMEDIATE
vocab.Level.ADVANCED
vocab.Access.FREE
vocab.Access.REGISTRATION
vocab.Access.PAYWALL
vocab.Mark.STARRED
vocab.Mark.CELEBRATED
vocab.Mark.NEW
vocab.Mark.NICHE
vocab.AlternateKind.TRANSLATION
vocab.AlternateKind.MOVED
vocab.AlternateKind.ARCHIVE
vocab.AlternateKind.COMPANION
vocab.ExtraKind.SOURCE
vocab.ExtraKind.TRANSLATION
vocab.ExtraKind.EXPLANATION
vocab.ExtraKind.RELATED_ARTICLE

# The verdicts' and link states' one definition. The tracker and the site still spell them as
# strings of their own (issue 10 moves them onto these enumerations); until then only
# tests/test_vocab.py reads them, so vulture sees them as unused.
vocab.Verdict
vocab.Verdict.OK
vocab.Verdict.REDIRECTED
vocab.Verdict.BROKEN
vocab.Verdict.SOFT_404
vocab.Verdict.RESTRICTED
vocab.Verdict.TRANSIENT
vocab.Verdict.DRIFTED
vocab.Verdict.BLOCKED
vocab.LinkState
vocab.LinkState.ALIVE
vocab.LinkState.FAILING
vocab.LinkState.DEAD
vocab.LinkState.RESTRICTED
vocab.LinkState.MOVED
vocab.LinkState.DRIFTED
