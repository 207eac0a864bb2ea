"""The Korean news CMS of many regional papers: ``news/article.html?no=N``,
the view page with "기사 메일전송", "기사수정" and ``등록 YYYY-MM-DD hh:mm:ss``;
lists at ``news/section_list_all.html?page=N``."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.families.base import ArticleLayout, PortalFamily, first_match


class NewsCms(PortalFamily):
    name = "newscms"
    article_link = re.compile(r"/news/article\.html\?(?=.*\bno=\d+)")
    article_params = ("no",)
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

    def looks_like(self, tree: HtmlElement) -> bool:
        return first_match(
            tree, ("#news_body_area", ".art_list_all", "a[href*='article.html?no=']")
        )
