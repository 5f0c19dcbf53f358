"""YouTube links through fake oEmbed and thumbnail servers (tools/linkcheck/video.py)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from conftest_linkcheck import Reply, check, fast_settings

from tools.linkcheck.video import youtube_id

VIDEOS = {
    "publicVid01": (200, json.dumps({"title": "Attention in 10 minutes"})),
    "noEmbed0001": (401, "Unauthorized"),
    "privateVid1": (200, "Forbidden"),
    "deletedVid1": (404, "Not Found"),
    "hiddenVid01": (401, "Unauthorized"),
    "busyVideo01": (503, "later"),
}
THUMBS = {"publicVid01", "noEmbed0001", "deletedVid1"}

pytest_plugins = ("conftest_linkcheck",)


def test_video_verdicts(sites):
    oembed, thumbs = sites(), sites()

    def answer(seen):
        watch = parse_qs(urlsplit(seen.path).query)["url"][0]
        vid = parse_qs(urlsplit(watch).query)["v"][0]
        status, body = VIDEOS[vid]
        return Reply(
            status, body, {"Content-Type": "application/json" if status == 200 else "text/plain"}
        )

    oembed.default = answer
    thumbs.default = lambda seen: Reply(200 if seen.path.split("/")[2] in THUMBS else 404, b"img",
                                        {"Content-Type": "image/jpeg"})  # fmt: skip
    settings = fast_settings(
        oembed_endpoint=oembed.url("/oembed"),
        thumbnail_endpoint=thumbs.url("/vi/{id}/0.jpg"),
        max_retries=0,
    )
    urls = [
        "https://www.youtube.com/watch?v=publicVid01",
        "https://youtu.be/noEmbed0001",
        "https://www.youtube.com/shorts/privateVid1",
        "https://www.youtube.com/embed/deletedVid1",
        "https://m.youtube.com/watch?v=hiddenVid01&t=10",
        "https://www.youtube.com/watch?v=busyVideo01",
    ]
    results = check(urls, settings)
    assert [r.verdict for r in results] == [
        "ok",
        "ok",
        "restricted",
        "broken",
        "restricted",
        "transient",
    ]
    assert results[0].title == "Attention in 10 minutes"
    assert "embedding disabled" in results[1].detail
    assert "thumbnail survives" in results[3].detail
    assert len(oembed.requests) == 6
    assert all(seen.path.startswith("/oembed?url=") for seen in oembed.requests)


def test_youtube_ids():
    assert youtube_id("https://www.youtube.com/watch?v=g5DSLeJozdw") == "g5DSLeJozdw"
    assert youtube_id("https://youtu.be/-9vVhYEXeyQ?t=3") == "-9vVhYEXeyQ"
    assert youtube_id("https://www.youtube.com/shorts/T35ba_VXkMY") == "T35ba_VXkMY"
    assert youtube_id("https://www.youtube-nocookie.com/embed/T35ba_VXkMY") == "T35ba_VXkMY"
    assert youtube_id("https://www.youtube.com/playlist?list=PLam9sigHPGw") is None
    assert youtube_id("https://example.com/watch?v=g5DSLeJozdw") is None
