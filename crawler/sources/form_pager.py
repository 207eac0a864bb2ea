"""Find, on a list page, the form a browser posts back to show list page N.

Followed, as a pager link under the list calls them (``href="javascript:…"``
or ``onclick``), the link's text being the page number or 다음/next:

- ASP.NET WebForms' ``__doPostBack('…pager','N')`` (or ``'Page$N'``): the
  form holding ``__EVENTTARGET`` is posted with the target and argument set,
  its ``__VIEWSTATE`` and ``__EVENTVALIDATION`` as the page gave them;
- a function of the page's own scripts that sets a form's field to its one
  argument and submits the form, as eGovFrame's ``fn_link_page(N)`` and
  ``linkPage(N)`` set ``pageIndex`` (``document.listForm.pageIndex.value =
  pageNo``, ``getElementById('pageIndex').value = …``, ``$('#pageIndex').val(…)``);
- such a call whose function is not found: a form field ``pageIndex``,
  ``pageNo``, ``page``, ``cpage`` or ``currentPage``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scrapy.http import TextResponse

_CALL = re.compile(r"(?:javascript:\s*)?([A-Za-z_$][\w$]*)\s*\(([^()]*)\)")
_ARGUMENT = re.compile(r"""\s*(?:'([^']*)'|"([^"]*)"|(\d+))\s*(?:,|$)""")
_POSTBACK_PAGE = re.compile(r"(?:Page\$)?(\d+)")
_NEXT_WORDS = {"다음", "다음페이지", "다음 페이지", "next", "›", ">", "»"}
# a field ``name`` (of form ``form``) set to the function's parameter
_FIELD_SETTERS = (
    r"document\.(?P<form>\w+)\.(?P<name>\w+)\.value\s*=\s*{param}\b",
    r"forms\[\s*['\"](?P<form>\w+)['\"]\s*\]\.(?P<name>\w+)\.value\s*=\s*{param}\b",
    r"getElementById\(\s*['\"](?P<id>\w+)['\"]\s*\)\.value\s*=\s*{param}\b",
    r"\$\(\s*['\"]#(?P<id>\w+)['\"]\s*\)\.val\(\s*{param}\s*\)",
    r"\[name=['\"]?(?P<name>\w+)['\"]?\]['\"]\s*\)\.val\(\s*{param}\s*\)",
)
_USUAL_FIELDS = ("pageIndex", "pageNo", "page", "cpage", "currentPage")


@dataclass(frozen=True)
class FormPost:
    """How to post back for a list page: the form (by its place among the
    page's forms) and the fields to set in it."""

    form_number: int
    fields: dict[str, str]


def form_post(response: TextResponse, number: int) -> FormPost | None:
    """The post that shows list page ``number`` from ``response``, if a pager
    link on it asks for one."""
    for text, call in _pager_calls(response):
        name, arguments = call
        if name == "__doPostBack" and len(arguments) == 2:
            page = _POSTBACK_PAGE.fullmatch(arguments[1])
            if page is None or int(page[1]) != number or not _names(text, number):
                continue
            form = _form_with(response, "__EVENTTARGET") or _form_with(response, "__VIEWSTATE")
            if form is not None:
                fields = {"__EVENTTARGET": arguments[0], "__EVENTARGUMENT": arguments[1]}
                return FormPost(form, fields)
        elif len(arguments) == 1 and arguments[0] == str(number) and _names(text, number):
            found = _field_set_by(response, name)
            if found is not None:
                form, field = found
                return FormPost(form, {field: str(number)})
    return None


def _names(text: str, number: int) -> bool:
    """Whether a pager link's ``text`` shows page ``number`` or says next."""
    shown = " ".join(text.split())
    return shown == str(number) or shown.lower() in _NEXT_WORDS


def _pager_calls(response: TextResponse) -> list[tuple[str, tuple[str, tuple[str, ...]]]]:
    """Each link's text and the script call it makes (function, arguments)."""
    calls = []
    for link in response.xpath(
        "//a[starts-with(normalize-space(@href), 'javascript:') or @onclick]"
    ):
        script = link.attrib.get("onclick") or link.attrib.get("href", "")
        match = _CALL.search(script)
        if match is None:
            continue
        arguments = tuple(
            next(group for group in found.groups() if group is not None)
            for found in _ARGUMENT.finditer(match[2])
        )
        text = "".join(link.xpath(".//text()").getall()) or link.attrib.get("title", "")
        calls.append((text, (match[1], arguments)))
    return calls


def _field_set_by(response: TextResponse, function: str) -> tuple[int, str] | None:
    """The form and field the page's ``function`` sets to its argument."""
    scripts = "\n".join(response.xpath("//script[not(@src)]/text()").getall())
    definition = re.search(
        rf"function\s+{re.escape(function)}\s*\(\s*(\w+)\s*\)\s*\{{(.*?)\}}", scripts, re.S
    ) or re.search(
        rf"{re.escape(function)}\s*=\s*function\s*\(\s*(\w+)\s*\)\s*\{{(.*?)\}}", scripts, re.S
    )
    if definition is not None:
        param, body = re.escape(definition[1]), definition[2]
        for setter in _FIELD_SETTERS:
            found = re.search(setter.format(param=param), body)
            if found is None:
                continue
            groups = found.groupdict()
            field = groups.get("name") or _name_of_id(response, groups["id"])
            form = _form_with(response, field, groups.get("form")) if field else None
            if form is not None and field:
                return form, field
        return None
    for field in _USUAL_FIELDS:
        form = _form_with(response, field)
        if form is not None:
            return form, field
    return None


def _name_of_id(response: TextResponse, element_id: str) -> str | None:
    return response.xpath(f"//form//*[@id='{element_id}']/@name").get()


def _form_with(response: TextResponse, field: str, form: str | None = None) -> int | None:
    """The place among the page's forms of the one holding ``field`` (named or
    with the id ``form``, when given)."""
    for place, element in enumerate(response.xpath("//form")):
        if form is not None and form not in (element.attrib.get("name"), element.attrib.get("id")):
            continue
        if element.xpath(f".//*[@name='{field}']"):
            return place
    return None
