"""Interface words of the site in Japanese and English (catalogue text lives in resources.yaml)."""

from __future__ import annotations

from tools import vocab

LANGS = tuple(vocab.Lang.values())

# Catalogue and tracker words come from tools.vocab (one vocabulary); the site adds the two link
# states only it shows: a URL never checked, and a resource whose URL is unknown.
TYPES = vocab.ResourceType.table()
LANGUAGES = vocab.Lang.table()
LEVELS = vocab.Level.table()
ACCESS = vocab.Access.table()
MARKS = vocab.Mark.table()
STATES = {
    **vocab.LinkState.table(),
    "unchecked": ("未確認", "Not checked yet"),
    "lost": ("URL不明", "Lost link"),
}
VERDICTS = vocab.Verdict.table()
VERDICT_SYMBOLS = {
    "ok": "✓",
    "redirected": "↪",
    "broken": "✗",
    "soft-404": "✗",
    "restricted": "🔒",
    "transient": "…",
    "drifted": "≠",
    "blocked": "–",
}
ALTERNATE_KINDS = vocab.AlternateKind.table()

# Other names a reader may search for, shown under each topic on the topics page (and so found
# by the search): Japanese writes many of these terms in katakana or in kanji, as it likes.
TOPIC_ALIASES = {
    "attention-basics": (
        ("アテンション", "注意", "Attention", "注意メカニズム"),
        ("attention mechanism",),
    ),
    "self-attention": (
        ("セルフアテンション", "自己注意機構", "Self-Attention"),
        ("self attention", "intra-attention"),
    ),
    "query-key-value": (
        ("クエリ", "キー", "バリュー", "QKV", "内積", "ソフトマックス", "softmax"),
        ("QKV", "dot product", "softmax", "scaled dot-product attention"),
    ),
    "seq2seq": (
        ("エンコーダ・デコーダ", "機械翻訳", "クロスアテンション", "seq2seq"),
        ("encoder-decoder", "machine translation", "cross-attention"),
    ),
    "transformer": (
        ("トランスフォーマー", "Attention Is All You Need"),
        ("Attention Is All You Need",),
    ),
    "multi-head": (("マルチヘッドアテンション", "ヘッド"), ("heads",)),
    "positional-encoding": (
        ("位置符号化", "ポジショナルエンコーディング", "位置情報"),
        ("position embeddings", "positional embeddings"),
    ),
    "masking": (("マスキング", "因果マスク", "パディングマスク"), ("causal mask", "padding mask")),
    "bert": (("エンコーダ",), ("encoder-only",)),
    "word-embeddings": (
        ("埋め込み", "単語ベクトル", "エンベディング"),
        ("word vectors", "embedding"),
    ),
    "vision": (("画像認識", "コンピュータビジョン"), ("images", "computer vision")),
    "cnn-comparison": (
        ("畳み込み", "畳み込みニューラルネットワーク"),
        ("convolution", "path length"),
    ),
    "survey": (("総説", "分類"), ("taxonomy", "overview")),
    "gan": (("画像生成", "SAGAN"), ("image generation", "SAGAN")),
    "object-detection": (("DETR", "物体クエリ"), ("DETR", "object queries")),
    "efficiency": (("計算コスト", "長い系列"), ("quadratic cost", "long sequences")),
}

UI = {
    "source_listed": ("元記事 {n}", "Source list no. {n}"),
    "source_added": ("後から追加", "Added later"),
    "previous": ("前の資料", "Previous"),
    "next": ("次の資料", "Next"),
    "links_home_never": (
        "リンクの確認はまだ一度も行われていません。確認の結果は[リンクの状態](links.md)に載ります。",
        "No link check has run yet; its results will appear under [Link health](links.md).",
    ),
    "links_home_checked": (
        "リンクを最後に確認したのは {date} です([リンクの状態](links.md))。",
        "The links were last checked on {date} (see [Link health](links.md)).",
    ),
    "action_label": ("この資料について", "About this entry"),
    "action_edit": ("この資料の記述を編集する", "Edit this resource"),
    "action_report": ("リンク切れを報告する", "Report a broken link"),
    "action_suggest": ("関連する資料を提案する", "Suggest a resource"),
    "also_called": ("別の呼び方", "Also called"),
    "site_name": ("Attention Atlas", "Attention Atlas"),
    "home": ("ホーム", "Home"),
    "catalogue": ("カタログ", "Catalogue"),
    "path": ("学習の道筋", "Learning paths"),
    "questions": ("元記事の3つの疑問", "The source article's three questions"),
    "links": ("リンクの状態", "Link health"),
    "demos": ("デモ", "Demo gallery"),
    "topics": ("トピック", "Topics"),
    "resources": ("資料", "Resources"),
    "where_to_start": ("どこから読むか", "Where to start"),
    "start_with": ("まずはこれから:", "Start with:"),
    "recommended_order": ("おすすめの順番", "Recommended order"),
    "order_note": (
        "順位は元記事のおおまかな推薦順です。",
        "The ranking follows the source list's rough order of recommendation.",
    ),
    "unranked": ("その他の資料", "Other resources"),
    "col_rank": ("順位", "Rank"),
    "col_title": ("資料", "Resource"),
    "col_type": ("種類", "Type"),
    "col_lang": ("言語", "Language"),
    "col_level": ("レベル", "Level"),
    "col_state": ("リンク", "Link"),
    "col_topics": ("トピック", "Topics"),
    "col_url": ("URL", "URL"),
    "col_since": ("この状態になった日", "Since"),
    "col_checked": ("最終確認", "Last check"),
    "col_http": ("HTTP", "HTTP"),
    "col_recent": ("最近の確認", "Recent checks"),
    "col_archive": ("アーカイブ", "Archive copy"),
    "col_resource": ("資料", "Resource"),
    "facet_type": ("種類", "Type"),
    "facet_lang": ("言語", "Language"),
    "facet_level": ("レベル", "Level"),
    "facet_topics": ("トピック", "Topic"),
    "facet_state": ("リンクの状態", "Link state"),
    "filter_all": ("すべて", "All"),
    "filter_shown": ("{n} / {m} 件を表示", "{n} of {m} shown"),
    "catalogue_intro": (
        "掲載しているすべての資料です。JavaScriptが有効なら、上の選択欄で絞り込めます。",
        "Every resource in the atlas. With JavaScript on, the selectors above narrow the list.",
    ),
    "badge_year": ("年", "Year"),
    "year_unknown": ("年不明", "year unknown"),
    "checked_on": ("{date} 確認", "checked {date}"),
    "not_checked": ("未確認", "not checked yet"),
    "summary": ("概要", "Summary"),
    "why": ("役に立つ理由", "Why it helps"),
    "highlights": ("注目するところ", "What to look at"),
    "caveats": ("注意点", "Caveats"),
    "caveat": ("注意", "Caveat"),
    "status_note": ("リンクについて", "About this link"),
    "original": ("元の資料", "Original"),
    "open_original": ("元の資料を開く", "Open the original"),
    "by": ("著者", "By"),
    "publisher": ("掲載", "Published by"),
    "alternates": ("翻訳・別の場所", "Translations and other copies"),
    "archive_copy": ("アーカイブのコピー", "Archive copy"),
    "archive_note": (
        "元のリンクが失敗しているため、Internet Archiveの保存版を案内します。",
        "The original link is failing, so here is the Internet Archive's copy.",
    ),
    "lost_title": ("この資料のURLは見つかっていません", "This resource's URL has not been found"),
    "how_to_help": ("見つけるのを手伝う", "Help find it"),
    "how_to_help_text": (
        "正しいURLやアーカイブを見つけたら、`resources.yaml`を直すプルリクエストか、"
        "「リンク切れの報告」Issueで教えてください。",
        "If you find the right URL or an archived copy, open a pull request that fixes "
        '`resources.yaml`, or tell us in a "Report a broken link" issue.',
    ),
    "related": ("関連する資料", "Related resources"),
    "topics_label": ("トピック", "Topics"),
    "marks_label": ("元記事での評価", "In the source list"),
    "demos_heading": ("デモ", "Demos"),
    "run_it": ("手元で動かす:", "Run it yourself:"),
    "output": ("実際の出力", "Real output"),
    "not_rendered": (
        "このデモの出力はまだ用意されていません。コマンドを実行すると見られます。",
        "This demo's output has not been rendered yet; run the command to see it.",
    ),
    "illustrates": ("この資料のデモ:", "Illustrates:"),
    "path_steps": ("手順", "Steps"),
    "path_demo": ("デモ:", "Demo:"),
    "question": ("疑問", "Question"),
    "our_answer": ("私たちの答え", "Our answer"),
    "answered_in_article": ("元記事の中で解決済み", "Answered in the article itself"),
    "open_in_article": ("元記事では未解決", "Left open in the article"),
    "about_resources": ("関連する資料:", "About:"),
    "links_intro": (
        "リンク追跡ツールが記録した、すべてのURLの状態です。失敗が数日にわたって繰り返されたときだけ"
        "「リンク切れ」とみなします。",
        "The state of every URL, as recorded by the link tracker. A link counts as dead only "
        "after repeated failures spread over several days.",
    ),
    "links_updated": ("最終更新: {date}", "Last updated: {date}"),
    "links_never": (
        "まだ一度もリンクの確認を行っていません。そのため、下の表のリンクはすべて「未確認」です。"
        "確認を一度行うと(`python -m tools.linkcheck`)、ここに確認した日と結果が載ります。",
        'No link check has run yet, so every link below shows as "not checked yet". Once a '
        "check has run (`python -m tools.linkcheck`), its date and results appear here.",
    ),
    "lost_links": ("見つかっていないリンク", "Lost links"),
    "no_lost_links": ("見つかっていないリンクはありません。", "No link is lost."),
    "demos_intro": (
        "それぞれのデモは、自己注意のひとつの考え方を小さなコードで確かめます。",
        "Each demo checks one idea about self-attention with a small piece of code.",
    ),
    "topics_intro": (
        "トピックごとの資料の一覧です。",
        "The resources, grouped by topic.",
    ),
    "no_resources": ("該当する資料はありません。", "No resource yet."),
    "explorer_view": ("ビュー", "View"),
    "explorer_head": ("ヘッド", "Head"),
    "explorer_queries": ("クエリ(行)", "Query (row)"),
    "explorer_keys": ("{q} が各トークンに与える重み", "Weights that {q} gives to each token"),
    "explorer_hint": (
        "クエリのトークンを選ぶ(カーソルを合わせる、タップする、Tabと矢印キーで移動する)と、"
        "そのクエリが各トークンに与える重みが数値と色で表示されます。",
        "Choose a query token (hover, tap, or Tab and the arrow keys) to see the weight it gives "
        "to every token, as a number and as a colour.",
    ),
    "explorer_gives": ("{q} の重みが大きい順: ", "{q} gives the most weight to: "),
    "explorer_legend": (
        "重み(色の濃さは0から1の共通の目盛り。1つのクエリの重みの合計は1)",
        "Weight (one shared 0 to 1 scale; each query's weights add up to 1)",
    ),
    "explorer_failed": (
        "注意の重みを読み込めませんでした。下の図をご覧ください。",
        "Could not load the attention weights; the figure below shows them.",
    ),
    "data_export": (
        "カタログ全体とリンクの状態はJSONでも取得できます:",
        "The whole catalogue with link states is also available as JSON:",
    ),
}


def t(key: str, lang: str, **fields: str) -> str:
    """Return the interface string ``key`` in ``lang``, with ``{name}`` fields filled in."""
    ja, en = UI[key]
    value = ja if lang == "ja" else en
    return value.format(**fields) if fields else value


def label(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    """Return the label of ``key`` from one of the tables above, or the key itself if unknown."""
    pair = table.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "ja" else pair[1]
