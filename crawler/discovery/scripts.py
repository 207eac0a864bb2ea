"""Script-only list rows: ``href="javascript:goView('12345')"`` or
``onclick="fn_view('12345'); return false;"``. The id is read from the call's
arguments; the script itself is never run."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

# a function call: its name and its argument list
_CALL = re.compile(r"([A-Za-z_$][\w$.]*)\s*\(([^()]*)\)")
# calls that turn a list's pages or do nothing, not open an article
_NOT_VIEWS = re.compile(r"page|paging|list|postback|^void$", re.IGNORECASE)
_NUMBER_ARGUMENT = re.compile(r"""^\s*['"]?(\d+)['"]?\s*$""")


def script_id(code: str) -> str | None:
    """The article id a script call passes (its longest numeric argument), or None."""
    numbers = [
        match.group(1)
        for call in _CALL.finditer(code)
        if not _NOT_VIEWS.search(call.group(1))
        for argument in call.group(2).split(",")
        if (match := _NUMBER_ARGUMENT.match(argument))
    ]
    return max(numbers, key=len) if numbers else None


def script_rows(tree: HtmlElement) -> Iterator[tuple[HtmlElement, str]]:
    """Each element linked to an article only by script, with the id it passes."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        href = (element.get("href") or "").strip() if element.tag == "a" else ""
        code = element.get("onclick") or ""
        if href.lower().startswith("javascript:"):
            code = href[len("javascript:") :] + ";" + code
        if not code:
            continue
        found = script_id(code)
        if found is not None:
            yield element, found
