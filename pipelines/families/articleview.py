"""The newspaper CMS of ``news/articleView.html?idxno=N`` pages, run by many
Korean dailies and regional weeklies; lists at
``news/articleList.html?page=N&view_type=sm``.

Two skins: the responsive one (since about 2015: ``#article-view-content-div``,
``입력``/``수정`` stamps in ``ul.infomation``) and the table skin before it,
usually served in EUC-KR (``#articleBody``, ``기사입력 2009-03-02 14:11``).
"""

from __future__ import annotations

import re

from pipelines.families.base import ArticleLayout, PortalFamily


class ArticleView(PortalFamily):
    name = "articleview"
    article_link = re.compile(r"/news/articleView\.html\?(?=.*\bidxno=\d+)")
    article_params = ("idxno",)
    article_url = "/news/articleView.html?idxno={id}"
    # every article; section feeds are /rss/S1N1.xml, S1N2, ... (announced by the pages)
    feed_paths = ("/rss/allArticle.xml",)
    list_links = (
        "#section-list a[href], .article-list a[href], .list-block a[href], "
        ".ArtList_Title a[href], .list-titles a[href]"
    )
    layouts = (
        ArticleLayout(
            name="responsive",
            body="#article-view-content-div",
            title=".article-view-header .heading, .article-head-title",
            author=".article-view-header .infomation li:first-child, .article-head-info .writer",
            published=".article-view-header .infomation, .article-head-info",
        ),
        ArticleLayout(
            name="table",
            body="#articleBody",
            title=".View_Title",
            author=".View_Info .View_Reporter",
            published=".View_Info .View_Time, .View_Info",
        ),
    )
