"""The Korean news CMS of many regional papers: ``news/article.html?no=N``,
the view page with "기사 메일전송", "기사수정" and ``등록 YYYY-MM-DD hh:mm:ss``;
lists at ``news/section_list_all.html?page=N``."""

from __future__ import annotations

import re

from pipelines.families.base import ArticleLayout, PortalFamily


class NewsCms(PortalFamily):
    name = "newscms"
    article_link = re.compile(r"/news/article\.html\?(?=.*\bno=\d+)")
    article_params = ("no",)
    article_url = "/news/article.html?no={id}"
    view_paths = {
        "/news/article_print.html": "/news/article.html",
        "/m/news/article.html": "/news/article.html",
    }
    list_links = ".art_list_all a[href], .list_wrap a[href]"
    layouts = (
        ArticleLayout(
            name="2017",
            body="#news_body_area",
            title=".art_title",
            author=".art_info .name",
            published=".art_info .date, .art_info",
        ),
    )
