"""List pages paged by posting a form back, as a browser does: each list page
read is searched for the post that shows the next one
(:mod:`crawler.sources.form_pager`); when it holds one, the next list page
is that post, built from the page as received (its ``__VIEWSTATE`` and other
hidden fields), else a GET of ``list_url`` as on any site. The post is kept
per list page with the run, so a resumed run goes on from it."""

from __future__ import annotations

import logging
from typing import Any

import scrapy
from form2request import form2request
from scrapy.http import Response, TextResponse

from crawler.sources.archive_view import ResumePoint
from crawler.sources.form_pager import form_post
from crawler.sources.list_pages import ListPages
from crawler.sources.source import Requests

logger = logging.getLogger(__name__)


class FormListPages(ListPages):
    """List pages that go on by a form post where the page's pager asks for one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._posts: dict[int, scrapy.FormRequest] = {}  # list page number -> its post

    def list_request(self, number: int) -> scrapy.Request:
        post = self._posts.pop(number, None)
        return post if post is not None else super().list_request(number)

    def parse_list(self, response: Response, number: int) -> Requests:
        if isinstance(response, TextResponse):
            self._remember_post(response, number + 1)
        yield from super().parse_list(response, number)

    def next_post(self, number: int) -> dict[str, str] | None:
        """The post that shows list page ``number + 1``, as kept with the run."""
        post = self._posts.get(number + 1)
        if post is None:
            return None
        return {"url": post.url, "body": post.body.decode("latin-1")}

    def resume(self, point: ResumePoint) -> Requests:
        assert point.number is not None
        kept = point.form
        if kept is not None:
            self._posts[point.number + 1] = self._post(kept["url"], kept["body"], point.number + 1)
            logger.info("list page %d is paged on by the form post kept with it", point.number)
        yield from super().resume(point)

    def _remember_post(self, response: TextResponse, number: int) -> None:
        found = form_post(response, number)
        if found is None:
            return
        form = response.xpath("//form")[found.form_number]
        request = form2request(form, found.fields, click=False, method="POST")
        if number == 2:
            logger.info("the list is paged by a form post: %s", found.fields)
        self._posts[number] = self._post(request.url, request.body.decode("latin-1"), number)

    def _post(self, url: str, body: str, number: int) -> scrapy.FormRequest:
        return scrapy.FormRequest(
            url,
            method="POST",
            body=body.encode("latin-1"),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            callback=self.parse_list,
            errback=self.list_failed,
            cb_kwargs={"number": number},
            dont_filter=True,  # see crawler.sources.source.UrlSource.request
        )
