"""The generated pages, one function per page, each returning Markdown for one language.

Every catalogue and link-state string goes through :mod:`tools.site.markdown` (``text`` for
plain strings, ``one_line`` and ``prose`` for contributor Markdown, ``link`` and ``attr`` for
attributes), which returns inert HTML; only markup written here is live.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from tools.catalog import Catalogue, Resource, Text
from tools.linkcheck.linkstatus import Entry, LinkStatus
from tools.site import i18n
from tools.site.html import clean, front_matter_value
from tools.site.i18n import label, t
from tools.site.inputs import Demo
from tools.site.markdown import attr, fenced, link, one_line, prose, safe_url, text
from tools.site.metrics import fill_metrics

GOOD_VERDICTS = ("ok", "redirected")
RECENT_CHECKS = 10


@dataclass(frozen=True)
class Context:
    """Everything a page needs: the catalogue, link states, demos, and the language."""

    catalogue: Catalogue
    links: LinkStatus
    demos: dict[str, Demo]
    lang: str

    def tr(self, value: Text) -> str:
        """The text in this page's language."""
        return value.get(self.lang)


# --- small pieces -------------------------------------------------------------------------------


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"[*_`#>|]+")


def plain(markdown_text: str, limit: int = 300) -> str:
    """One line of plain text from contributor Markdown (for meta descriptions); the theme
    escapes it when it writes the attribute."""
    value = _MD_MARKS.sub("", _MD_LINK.sub(r"\1", clean(markdown_text)))
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def front_matter(values: dict[str, object]) -> list[str]:
    """YAML front matter lines, written as JSON (which YAML reads as it is). ``title`` and
    ``description`` reach the theme's unescaped templates: they go through
    :func:`~tools.site.html.front_matter_value`."""
    return [
        f"{k}: {front_matter_value(v) if k in ('title', 'description') else json.dumps(v, ensure_ascii=False)}"
        for k, v in values.items()
    ]


def state_of(resource: Resource, links: LinkStatus) -> str:
    """The link state of a resource's main URL, with ``lost`` and ``unchecked`` added."""
    if resource.url is None:
        return "lost"
    info = links.get(resource.url)
    return info.state if info else "unchecked"


def anchor(value: str) -> str:
    """An HTML id fragment made only of safe characters (ids are slugs; this keeps them so)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", value)


def _date(stamp: str | None) -> str:
    return stamp[:10] if stamp else "—"


def _badge(kind: str, value: str, shown: str, state: str | None = None) -> str:
    extra = f' data-state="{attr(state)}"' if state else ""
    return (
        f'<span class="atlas-badge" data-kind="{attr(kind)}" data-value="{attr(value)}"{extra}>'
        f"{text(shown)}</span>"
    )


def state_badge(state: str, lang: str) -> str:
    """A link-state badge (``data-state`` is what the CSS and the filters read)."""
    return _badge("state", state, label(i18n.STATES, state, lang), state=state)


def _res_href(rid: str, prefix: str) -> str:
    return f"{prefix}resources/{rid}.md"


def title_html(resource: Resource, lang: str) -> str:
    """A resource's title, marked with its own language when it differs from the page's (so a
    screen reader reads a Japanese title in Japanese on an English page)."""
    if resource.lang != lang:
        return f'<span lang="{attr(resource.lang)}">{text(resource.full_title)}</span>'
    return text(resource.full_title)


def res_link(resource: Resource, prefix: str, lang: str | None = None) -> str:
    """A Markdown link to a resource page; ``prefix`` leads from the current file to docs root.
    With ``lang`` (the page's language), a title in another language carries ``lang``."""
    shown = title_html(resource, lang) if lang else text(resource.full_title)
    return f"[{shown}]({_res_href(resource.id, prefix)})"


def reading_order(catalogue: Catalogue) -> list[Resource]:
    """Every resource in the order the site recommends: ranked first, then the others."""
    return catalogue.ranked() + unranked(catalogue)


def unsearched(block: str) -> str:
    """Markdown kept out of the search index: what is already indexed on its own page (a
    resource's summary in the catalogue, a demo's code on every page that embeds it).

    A ``<section>``, not a ``<div>``: Material's search parser compares elements by tag name,
    so the first nested ``</div>`` would end the exclusion early.
    """
    return f"<section data-search-exclude markdown>\n\n{block}\n\n</section>"


def _indent(block: str, spaces: int = 4) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in block.split("\n"))


def admonition(kind: str, title: str, body: str) -> str:
    """A Material admonition written as one raw HTML block (what the ``admonition`` extension
    would produce), so that ``body`` is never indented into Markdown that would re-read it.

    Args:
        kind: the admonition type (``warning``, ``info``, ``question``).
        title: plain text.
        body: inert HTML from :mod:`tools.site.markdown` (``prose``, ``one_line``, ``link``).
    """
    return (
        f'<div class="admonition {attr(kind)}"><p class="admonition-title">{text(title)}</p>'
        f"{body}</div>\n"
    )


def badges(resource: Resource, ctx: Context) -> str:
    """Type, language, level, year, access and link state (with the last check's date)."""
    lang = ctx.lang
    year = resource.year_text(lang) if resource.year_value else t("year_unknown", lang)
    parts = [
        _badge("type", resource.type, label(i18n.TYPES, resource.type, lang)),
        _badge("lang", resource.lang, label(i18n.LANGUAGES, resource.lang, lang)),
        _badge("level", resource.level, label(i18n.LEVELS, resource.level, lang)),
        _badge("year", str(resource.year_value or ""), year),
        _badge("access", resource.access, label(i18n.ACCESS, resource.access, lang)),
    ]
    if resource.number is not None:
        parts.append(_badge("source", "listed", t("source_listed", lang, n=str(resource.number))))
    else:
        parts.append(_badge("source", "added", t("source_added", lang)))
    state = state_of(resource, ctx.links)
    info = ctx.links.get(resource.url)
    checked = (
        t("checked_on", lang, date=_date(info.last_checked))
        if info and info.last_checked
        else t("not_checked", lang)
    )
    if state in ("lost", "unchecked"):
        checked = ""
    shown = label(i18n.STATES, state, lang) + (f" · {checked}" if checked else "")
    parts.append(_badge("state", state, shown, state=state))
    return '<span class="atlas-badges">' + " ".join(parts) + "</span>"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def _order_table(resources: list[Resource], ctx: Context, ranked: bool) -> str:
    lang = ctx.lang
    header = [t("col_title", lang), t("col_type", lang), t("col_lang", lang)]
    header += [t("col_level", lang), t("col_state", lang)]
    if ranked:
        header.insert(0, t("col_rank", lang))
    rows = []
    for r in resources:
        row = [
            res_link(r, "", lang),
            text(label(i18n.TYPES, r.type, lang)),
            text(label(i18n.LANGUAGES, r.lang, lang)),
            text(label(i18n.LEVELS, r.level, lang)),
            state_badge(state_of(r, ctx.links), lang),
        ]
        if ranked:
            row.insert(0, str(r.rank))
        rows.append(row)
    return _table(header, rows)


def unranked(catalogue: Catalogue) -> list[Resource]:
    """Resources without a rank: by their number in the source list, then later additions by id."""
    rest = [r for r in catalogue.resources if r.rank is None]
    return sorted(rest, key=lambda r: (r.number is None, r.number or 0, r.id))


# --- pages --------------------------------------------------------------------------------------


def home(ctx: Context, intro: str) -> str:
    """The home page: the hand-written ``intro``, where to start, and the recommended order."""
    lang = ctx.lang
    out = [intro.rstrip(), ""]
    if ctx.links.updated_at:
        out += [t("links_home_checked", lang, date=text(_date(ctx.links.updated_at))), ""]
    else:
        out += [t("links_home_never", lang), ""]
    ranked = ctx.catalogue.ranked()
    if ranked:
        first = ranked[0]
        out += [f"## {t('where_to_start', lang)}", ""]
        out += [f"{t('start_with', lang)} **{res_link(first, '', lang)}**", ""]
        out += [prose(ctx.tr(first.summary)), ""]
        out += [f"## {t('recommended_order', lang)}", "", t("order_note", lang), ""]
        out += [unsearched(_order_table(ranked, ctx, ranked=True)), ""]
    rest = unranked(ctx.catalogue)
    if rest:
        table = unsearched(_order_table(rest, ctx, ranked=False))
        out += [f"## {t('unranked', lang)}", "", table, ""]
    return "\n".join(out)


def filter_labels(ctx: Context) -> str:
    """The JSON block with the filter labels that ``filters.js`` reads."""
    lang = ctx.lang
    facets = [
        ("type", i18n.TYPES),
        ("lang", i18n.LANGUAGES),
        ("level", i18n.LEVELS),
    ]
    entries: list[dict[str, object]] = []
    for key, table in facets:
        entries.append(
            {
                "key": key,
                "label": t(f"facet_{key}", lang),
                "values": {k: label(table, k, lang) for k in table},
            }
        )
    entries.append(
        {
            "key": "topics",
            "label": t("facet_topics", lang),
            "values": {tp.id: clean(tp.label.get(lang)) for tp in ctx.catalogue.topics},
        }
    )
    entries.append(
        {
            "key": "state",
            "label": t("facet_state", lang),
            "values": {k: label(i18n.STATES, k, lang) for k in i18n.STATES},
        }
    )
    data = {"facets": entries, "all": t("filter_all", lang), "shown": t("filter_shown", lang)}
    payload = json.dumps(data, ensure_ascii=False, sort_keys=False)
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="atlas-filter-labels">{payload}</script>'


def catalogue_page(ctx: Context) -> str:
    """Every resource, with the data attributes the filters read."""
    lang = ctx.lang
    api = "../api/resources.json" if lang == "ja" else "../../api/resources.json"
    out = [f"# {t('catalogue', lang)}", "", t("catalogue_intro", lang), ""]
    out += [
        filter_labels(ctx),
        "",
        '<section data-search-exclude markdown>\n\n<div class="atlas-catalogue" markdown>',
        "",
    ]
    for r in ctx.catalogue.ranked() + unranked(ctx.catalogue):
        item = (
            f'<div class="atlas-item" data-type="{attr(r.type)}" data-lang="{attr(r.lang)}" '
            f'data-level="{attr(r.level)}" data-topics="{attr(" ".join(r.topics))}" '
            f'data-state="{attr(state_of(r, ctx.links))}" markdown>'
        )
        out += [
            item,
            "",
            f"**{res_link(r, '', lang)}**",
            "",
            badges(r, ctx),
            "",
            one_line(ctx.tr(r.summary)),
        ]
        out += ["", "</div>", ""]
    out += [
        "</div>",
        "",
        "</section>",
        "",
        f'{t("data_export", lang)} <a href="{api}">resources.json</a>',
        "",
    ]
    return "\n".join(out)


def _since(info: Entry) -> str | None:
    """When the URL entered its current state: failing_since, or the start of its good run."""
    if info.failing_since:
        return info.failing_since
    start = None
    for check in reversed(info.history):
        if check.verdict in GOOD_VERDICTS:
            start = check.at
        elif check.verdict != "transient":
            break
    return start or info.first_seen


EXPLORER_KEYS = ("view", "head", "queries", "keys", "hint", "gives", "legend", "failed")


def explorer_text(lang: str) -> str:
    """The explorer's interface words for ``explorer.js``, as a JSON block (one per page)."""
    data = {k: t(f"explorer_{k}", lang) for k in EXPLORER_KEYS}
    return f'<script type="application/json" id="atlas-explorer-text">{_json_html(data)}</script>'


def _json_html(data: object) -> str:
    """JSON that cannot end the surrounding ``<script>`` element."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=False)
    return payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def code_block(code: str) -> str:
    """A demo's code as it sits in its content tab (indented under the tab's title)."""
    return _indent(fenced(code, "python"))


def output_block(output: str) -> str:
    """A demo's narrated output."""
    return fenced(output, "text")


def command_block(command: str) -> str:
    """The command that runs a demo."""
    return fenced(command, "bash")


def demo_blocks(demo: Demo, lang: str | None = None) -> list[str]:
    """Every fenced block a page in ``lang`` (None: either language) can show for ``demo``,
    exactly as the pages write it."""
    blocks = [code_block(code) for _, code in demo.code]
    if demo.output is not None:
        texts = demo.output.values() if lang is None else [demo.output[lang]]
        blocks += [output_block(text) for text in dict.fromkeys(texts)]
    langs = ("ja", "en") if lang is None else (lang,)
    return blocks + [command_block(demo_command(demo, each)) for each in langs]


def demo_command(demo: Demo, lang: str) -> str:
    """The command a reader of a ``lang`` page runs: it narrates in the page's language."""
    return demo.command if lang == "en" else f"{demo.command} --lang {lang}"


def _demo_section(
    demo: Demo, ctx: Context, depth: int, level: str = "###", full: bool = True
) -> list[str]:
    """A demo: title, summary, the explorer hook right before the static figure, then (when
    ``full``) the code tabs and the real output, and the command. What the reader looks at
    comes before the code that computes it."""
    lang = ctx.lang
    md_prefix = "../" * depth
    url_prefix = "../" * (depth + 1)  # raw HTML is resolved against the page URL (a folder)
    out = [f"{level} {text(demo.title[lang])} {{#demo-{anchor(demo.id)}}}", ""]
    body: list[str] = []
    if demo.summary[lang]:
        body += [prose(demo.summary[lang]), ""]
    if demo.folder is None:
        body += [t("not_rendered", lang), ""]
    if demo.explorer:
        src = f"{url_prefix}assets/demos/{demo.id}/{demo.explorer}"
        body += [f'<div class="atlas-explorer" data-src="{attr(src)}" data-view="0"></div>', ""]
    for fig in demo.figures:
        alt = text(fig.alt[lang])
        body += [f"![{alt}]({md_prefix}assets/demos/{demo.id}/{fig.file[lang]})", ""]
    if full:
        for tab_label, code in demo.code:
            body += [f'=== "{text(tab_label).replace(chr(34), "&quot;")}"', ""]
            body += [code_block(code), ""]
        if demo.output is not None:
            body += [f"**{t('output', lang)}**", "", output_block(demo.output[lang]), ""]
    body += [f"{t('run_it', lang)}", "", command_block(demo_command(demo, lang)), ""]
    # The gallery is where a demo is indexed; a resource page embedding it adds only its title.
    if full:
        return out + [unsearched("\n".join(body).rstrip("\n")), ""]
    return out + body


def _with_explorer_text(lines: list[str], demos: list[Demo], lang: str) -> list[str]:
    if any(d.explorer for d in demos):
        return lines + [explorer_text(lang), ""]
    return lines


def resource_page(resource: Resource, ctx: Context) -> str:
    """The page of one resource at ``resources/<id>/``."""
    lang = ctx.lang
    r = resource
    cat = ctx.catalogue
    front = {
        "title": r.full_title,
        "description": plain(ctx.tr(r.summary)),
        "atlas_resource": r.id,
        "atlas_line": r.line,
        "atlas_url": clean(r.url) if r.url and safe_url(r.url) else "",
        "atlas_card": f"assets/cards/{r.id}.png",
        "atlas_actions": {
            k: t(f"action_{k}", lang) for k in ("label", "edit", "report", "suggest")
        },
    }
    out = ["---", *front_matter(front), "---", ""]
    crumbs = (
        f"[{text(t('home', lang))}](../index.md) › [{text(t('catalogue', lang))}](../catalogue.md)"
    )
    out += [unsearched(f"{crumbs}\n{{ .atlas-crumbs }}"), ""]
    heading_lang = f' {{ lang="{attr(r.lang)}" }}' if r.lang != lang else ""
    out += [f"# {text(r.full_title)}{heading_lang}", "", badges(r, ctx), ""]
    if r.url and safe_url(r.url):
        out += [f"**{link(t('open_original', lang), r.url)}**", ""]
    who = []
    if r.authors:
        who.append(f"{t('by', lang)}: " + ", ".join(text(a) for a in r.authors))
    if r.publisher:
        who.append(f"{t('publisher', lang)}: {text(r.publisher)}")
    if who:
        out += [" · ".join(who), ""]
    if r.marks:
        marks = ", ".join(text(label(i18n.MARKS, m, lang)) for m in r.marks)
        out += [f"{t('marks_label', lang)}: {marks}", ""]
    state = state_of(r, ctx.links)
    info = ctx.links.get(r.url)
    if r.url is None:
        body = ""
        if r.url_reason:
            body = prose(ctx.tr(r.url_reason))
        body += prose(f"**{t('how_to_help', lang)}:** {t('how_to_help_text', lang)}")
        out += [admonition("lostlink", t("lost_title", lang), body), ""]
    elif state in ("failing", "dead") and info and info.archive_url and safe_url(info.archive_url):
        body = f"<p>{text(t('archive_note', lang))}</p>"
        body += f"<p>{link(t('archive_copy', lang), info.archive_url)}</p>"
        out += [admonition("warning", t("archive_copy", lang), body), ""]
    if r.status_note:
        out += [admonition("info", t("status_note", lang), prose(ctx.tr(r.status_note))), ""]
    out += [f"## {t('summary', lang)}", "", prose(ctx.tr(r.summary)), ""]
    out += [f"## {t('why', lang)}", "", prose(ctx.tr(r.why)), ""]
    highlights = r.highlights.get(lang)
    if highlights:
        out += [f"## {t('highlights', lang)}", ""]
        out += [f"- {one_line(h)}" for h in highlights] + [""]
    caveats = r.caveats.get(lang)
    if caveats:
        out += [f"## {t('caveats', lang)}", ""]
        for c in caveats:
            out += [admonition("warning", t("caveat", lang), prose(c)), ""]
    alternates = [a for a in r.alternates if safe_url(a.url)]
    extras = [e for e in cat.extras if e.resource == r.id and safe_url(e.url)]
    if alternates or extras:
        out += [f"## {t('alternates', lang)}", ""]
        for a in alternates:
            kind = label(i18n.ALTERNATE_KINDS, a.kind, lang)
            lang_name = label(i18n.LANGUAGES, a.lang, lang)
            if a.title:
                line = f"- {link(a.title, a.url)} ({text(kind)}, {text(lang_name)})"
            else:
                line = f"- {link(kind, a.url)} ({text(lang_name)})"
            if a.note:
                line += f": {one_line(ctx.tr(a.note))}"
            alt_info = ctx.links.get(a.url)
            line += " " + state_badge(alt_info.state if alt_info else "unchecked", lang)
            out.append(line)
        for e in extras:
            lang_name = label(i18n.LANGUAGES, e.lang, lang)
            line = f"- {link(e.title, e.url)} ({text(lang_name)}): {one_line(ctx.tr(e.note))}"
            extra_info = ctx.links.get(e.url)
            out.append(
                line + " " + state_badge(extra_info.state if extra_info else "unchecked", lang)
            )
        out.append("")
    topics = [tp for tp in cat.topics if tp.id in r.topics]
    if topics:
        out += [f"## {t('topics_label', lang)}", ""]
        out += [
            unsearched(
                ", ".join(
                    f"[{text(tp.label.get(lang))}](../topics.md#topic-{anchor(tp.id)})"
                    for tp in topics
                )
            )
        ]
        out += [""]
    related = [cat.resource(rid) for rid in r.related]
    if related:
        out += [f"## {t('related', lang)}", ""]
        items = [
            f"- [{text(o.full_title)}]({o.id}.md): {one_line(ctx.tr(o.summary))}" for o in related
        ]
        out += [unsearched("\n".join(items)), ""]
    if r.demos:
        out += [f"## {t('demos_heading', lang)}", ""]
        for demo_id in r.demos:
            out += _demo_section(ctx.demos[demo_id], ctx, depth=1)
    out += pager(r, ctx)
    out = _with_explorer_text(out, [ctx.demos[d] for d in r.demos], lang)
    return "\n".join(out)


def pager(resource: Resource, ctx: Context) -> list[str]:
    """Previous and next resource along the recommended reading order."""
    lang = ctx.lang
    order = reading_order(ctx.catalogue)
    i = next(k for k, o in enumerate(order) if o.id == resource.id)
    parts = []
    if i > 0:
        prev = order[i - 1]
        parts.append(f"← {t('previous', lang)}: [{title_html(prev, lang)}]({prev.id}.md)")
    if i + 1 < len(order):
        nxt = order[i + 1]
        parts.append(f"{t('next', lang)}: [{title_html(nxt, lang)}]({nxt.id}.md) →")
    if not parts:
        return []
    return [unsearched(" · ".join(parts) + "\n{ .atlas-pager }"), ""]


def path_page(ctx: Context) -> str:
    """The learning paths: ordered steps through the resources, with the demo to run."""
    lang = ctx.lang
    out = [f"# {t('path', lang)}", ""]
    for p in ctx.catalogue.paths:
        out += [f"## {text(p.title.get(lang))} {{#path-{anchor(p.id)}}}", ""]
        out += [_badge("level", p.level, label(i18n.LEVELS, p.level, lang)), ""]
        out += [prose(p.description.get(lang)), ""]
        for i, step in enumerate(p.steps, start=1):
            r = ctx.catalogue.resource(step.resource)
            line = f"{i}. **{res_link(r, '', lang)}**: {one_line(step.note.get(lang))}"
            if step.demo:
                demo = ctx.demos[step.demo]
                line += f" {t('path_demo', lang)} [{text(demo.title[lang])}](demos.md#demo-{anchor(demo.id)})"
            out.append(line)
        out.append("")
    if not ctx.catalogue.paths:
        out += [t("no_resources", lang), ""]
    return "\n".join(out)


def questions_page(ctx: Context) -> str:
    """The source article's open questions with our answers, each backed by its demos."""
    lang = ctx.lang
    out = [f"# {t('questions', lang)}", ""]
    metrics = {d.id: d.metrics for d in ctx.demos.values() if d.metrics is not None}
    for q in sorted(ctx.catalogue.questions, key=lambda q: (q.number, q.id)):
        out += [f"## {q.number}. {text(q.question.get(lang))} {{#q-{anchor(q.id)}}}", ""]
        status = "answered_in_article" if q.answered_in_article else "open_in_article"
        out += [_badge("answered", status, t(status, lang)), ""]
        about = [ctx.catalogue.resource(rid) for rid in q.about]
        if about:
            out += [
                f"{t('about_resources', lang)} " + ", ".join(res_link(r, "", lang) for r in about),
                "",
            ]
        answer = fill_metrics(q.answer.get(lang), metrics, f"question {q.number} answer ({lang})")
        out += [f"### {t('our_answer', lang)}", "", prose(answer), ""]
        for demo_id in q.demos:
            demo = ctx.demos[demo_id]
            out += [
                f"- {t('path_demo', lang)} [{text(demo.title[lang])}](demos.md#demo-{anchor(demo.id)})"
            ]
        out.append("")
    return "\n".join(out)


def _strip(info: Entry, lang: str) -> str:
    checks = info.history[-RECENT_CHECKS:]
    spans = []
    for c in checks:
        status = f" {c.http_status}" if c.http_status is not None else ""
        title = f"{_date(c.at)} {label(i18n.VERDICTS, c.verdict, lang)}{status}"
        symbol = i18n.VERDICT_SYMBOLS.get(c.verdict, "?")
        spans.append(
            f'<span class="atlas-check" data-verdict="{attr(c.verdict)}" title="{attr(title)}">'
            f"{symbol}</span>"
        )
    return '<span class="atlas-strip">' + "".join(spans) + "</span>" if spans else "—"


def links_page(ctx: Context) -> str:
    """Link health: every URL with its state, history and archive copy; then the lost links."""
    lang = ctx.lang
    cat = ctx.catalogue
    out = [f"# {t('links', lang)}", "", t("links_intro", lang), ""]
    if ctx.links.updated_at:
        out += [text(t("links_updated", lang, date=_date(ctx.links.updated_at))), ""]
    else:
        out += [t("links_never", lang), ""]
    header = [
        t("col_resource", lang),
        t("col_url", lang),
        t("col_state", lang),
        t("col_since", lang),
        t("col_checked", lang),
        t("col_http", lang),
        t("col_recent", lang),
        t("col_archive", lang),
    ]
    rows = []
    owners = {r.id: r for r in cat.resources}
    extras = {e.id: e for e in cat.extras}
    for url, owner, _line in cat.all_urls():
        info = ctx.links.get(url)
        state = info.state if info else "unchecked"
        extra = extras.get(owner)
        if owner in owners:
            who = res_link(owners[owner], "")
        elif extra is not None:
            who = text(extra.title)
        else:
            who = text(owner)
        archive = "—"
        if info and info.archive_url and safe_url(info.archive_url):
            archive = link(t("archive_copy", lang), info.archive_url)
        rows.append(
            [
                who,
                link(url, url),
                state_badge(state, lang),
                text(_date(_since(info))) if info else "—",
                text(_date(info.last_checked)) if info else "—",
                str(info.http_status) if info and info.http_status is not None else "—",
                _strip(info, lang) if info else "—",
                archive,
            ]
        )
    out += [unsearched(_table(header, rows)), ""]
    out += [f"## {t('lost_links', lang)}", ""]
    lost = [r for r in cat.resources if r.url is None]
    if not lost:
        out += [t("no_lost_links", lang), ""]
    for r in lost:
        out += [
            f"### {text(r.full_title)} {{#lost-{anchor(r.id)}}}",
            "",
            f"{res_link(r, '', lang)}",
            "",
        ]
        if r.url_reason:
            out += [prose(ctx.tr(r.url_reason)), ""]
    if lost:
        out += [f"**{t('how_to_help', lang)}:** {t('how_to_help_text', lang)}", ""]
    return "\n".join(out)


def learning_order(catalogue: Catalogue, demo_ids: list[str]) -> list[str]:
    """Demos in the order a learner meets them: along the learning paths (beginner first), then
    through the resources in reading order, then any left."""
    levels = {"beginner": 0, "intermediate": 1, "advanced": 2}
    seen: list[str] = []
    for p in sorted(catalogue.paths, key=lambda p: levels.get(p.level, 3)):
        for step in p.steps:
            found = [step.demo] if step.demo else []
            found += list(catalogue.resource(step.resource).demos)
            seen += [d for d in found if d in demo_ids and d not in seen]
    for r in reading_order(catalogue):
        seen += [d for d in r.demos if d in demo_ids and d not in seen]
    return seen + [d for d in demo_ids if d not in seen]


def demos_page(ctx: Context, demo_ids: list[str]) -> str:
    """The demo gallery: each demo with its figure and the resources it illustrates."""
    lang = ctx.lang
    out = [f"# {t('demos', lang)}", "", t("demos_intro", lang), ""]
    for demo_id in learning_order(ctx.catalogue, demo_ids):
        demo = ctx.demos[demo_id]
        section = _demo_section(demo, ctx, depth=0, level="##", full=False)
        out += section
        users = [r for r in ctx.catalogue.resources if demo_id in r.demos]
        if users:
            out += [
                f"{t('illustrates', lang)} " + ", ".join(res_link(r, "", lang) for r in users),
                "",
            ]
    out = _with_explorer_text(out, [ctx.demos[d] for d in demo_ids], lang)
    return "\n".join(out)


def topics_page(ctx: Context) -> str:
    """Resources grouped by the catalogue's topics (the only tags the site has)."""
    lang = ctx.lang
    out = [f"# {t('topics', lang)}", "", t("topics_intro", lang), ""]
    for tp in ctx.catalogue.topics:
        out += [f"## {text(tp.label.get(lang))} {{#topic-{anchor(tp.id)}}}", ""]
        aliases = i18n.TOPIC_ALIASES.get(tp.id, ((), ()))[0 if lang == "ja" else 1]
        if aliases:
            sep = "、" if lang == "ja" else ", "
            out += [f"{t('also_called', lang)}: {text(sep.join(aliases))}", ""]
        members = [r for r in ctx.catalogue.resources if tp.id in r.topics]
        if members:
            out += [f"- {res_link(r, '', lang)}" for r in members]
        else:
            out.append(t("no_resources", lang))
        out.append("")
    return "\n".join(out)
