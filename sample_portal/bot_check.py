"""A cookie bot check in front of the sample portal (``SamplePortal(bot_check=True)``):
every request without the pass cookie gets a small page whose script sets the
cookie and reloads, as Korean hosting WAFs serve it; a browser then gets the
page it asked for, a plain HTTP client never does. The cookie's value is
computed by the script, so only a client that runs it passes."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

COOKIE = "wafpass"
_FACTORS = (1297, 4093)  # the script multiplies them: the pass value is their product
PASS_VALUE = str(_FACTORS[0] * _FACTORS[1])
PAGE = (
    '<html><head><meta charset="utf-8"></head><body>'
    f'<script>document.cookie="{COOKIE}="+({_FACTORS[0]}*{_FACTORS[1]})+"; path=/";'
    "location.reload();</script>"
    "<noscript>자바스크립트를 활성화해 주세요</noscript></body></html>"
).encode()


def passed(cookie_header: str | None) -> bool:
    """Whether a request's ``Cookie`` header carries the pass cookie."""
    if not cookie_header:
        return False
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except CookieError:
        return False
    morsel = cookies.get(COOKIE)
    return morsel is not None and morsel.value == PASS_VALUE
