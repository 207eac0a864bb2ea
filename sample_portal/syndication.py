"""Syndication mode of the sample portal (off by default): the same story
reaching an archive many ways.

- Reprints: every fifth news-CMS article is a lightly edited copy of a
  Gnuboard article (its own URL, time and reporter; a new lead sentence and
  one added sentence), as regional papers print a provincial press release.
- URL variants: each Gnuboard list page also links its first article by
  variant URLs (a share link with tracking parameters, a hit-sorted listing,
  a category listing) that all lead to the same post.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from html import escape

from .content import Article

EVERY = 5
ADDED = "이 기사는 도청 보도자료를 바탕으로 재구성했습니다."
_LIST_START = '<div id="bo_list" style="width:100%">'


def reprint(original: Article, slot: Article) -> Article:
    """``original``'s story as the paper owning ``slot`` prints it."""
    first = original.paragraphs[0]
    rest = first.split(". ", 1)[1] if ". " in first else ""
    lead = f"{original.title} 소식이다. {rest}".strip()
    return replace(
        slot,
        title=f"{original.title} (종합)",
        paragraphs=(lead, *original.paragraphs[1:], ADDED),
    )


def reprints(
    originals: Sequence[Article], articles: Sequence[Article]
) -> tuple[tuple[Article, ...], list[tuple[Article, Article]]]:
    """``articles`` with every fifth regular one replaced by a reprint of an
    original; and the (original, reprint) pairs."""
    out, pairs = list(articles), []
    regular = [i for i, article in enumerate(articles) if not article.notice]
    for k, index in enumerate(regular):
        if k % EVERY == 2 and k < len(originals):
            copy = reprint(originals[k], articles[index])
            out[index] = copy
            pairs.append((originals[k], copy))
    return tuple(out), pairs


def variant_hrefs(path: str, page: int) -> list[str]:
    """URLs other than the list row's that lead to the post at ``path``."""
    return [
        f"{path}&page={page}&utm_source=kakaotalk&utm_medium=share",
        f"{path}&sst=wr_hit&sod=desc&page={page}",
        f"{path}&sca=%EC%A7%80%EC%97%AD#bo_vc",
    ]


def with_variant_links(html: str, rows: Sequence[Article], page: int, host: str) -> str:
    """A Gnuboard list page that also links its first article by variant URLs."""
    if not rows:
        return html
    links = "".join(
        f'<li><a href="http://{host}{escape(href)}">{escape(rows[0].title)}</a></li>'
        for href in variant_hrefs(rows[0].path, page)
    )
    return html.replace(_LIST_START, f'{_LIST_START}\n<ul class="bo_related">{links}</ul>', 1)
