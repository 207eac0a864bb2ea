"""Bot checks: pages a site serves in place of the one asked for until a browser
proves itself, recognised by their shape, whatever the site.

:func:`bot_check` names three kinds, on one line:

- a script that sets a cookie and reloads (or re-opens) the page, on a page
  that shows next to nothing;
- a ``<noscript>`` "enable JavaScript" message on a page that shows nothing
  else and loads no script of its own (an application shell loads its bundle);
- a challenge interstitial: the script, form or wording of the usual WAF and
  anti-bot services ("Just a moment...", "Checking your browser", a captcha),
  on a page that shows little besides.

A page that shows its own text is never a bot check: an article with a
``<noscript>`` analytics pixel, or with a small cookie-consent script, is an
article. Pure functions of the page: no network.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from pipelines.pages import Unparseable, html_tree, shows_more_than

# a page showing more text than this (characters, outside scripts) is the site's own page
SHOWN_AT_MOST = 300
# scripts: a cookie set, and the page reloaded or opened again
_SETS_COOKIE = re.compile(r"document\s*\.\s*cookie\s*=[^=]")
_RELOADS = re.compile(
    r"location\s*\.\s*(?:reload|replace|assign)\s*\("
    r"|location(?:\s*\.\s*href)?\s*=[^=]"
    r"|\.submit\s*\(\s*\)"
)
# what a <noscript> says when the page needs JavaScript to show anything
_ENABLE_SCRIPT = re.compile(
    r"(?:자바\s*스크립트|javascript|js)[^.!。]{0,40}"
    r"(?:활성화|사용|허용|켜|enable|turn\s+on|allow|required|필요)"
    r"|(?:enable|turn\s+on|allow)[^.!]{0,20}javascript",
    re.IGNORECASE,
)
# the markup of the usual challenge services: scripts, forms, ids and cookies
_CHALLENGE_MARKUP = re.compile(
    r"/cdn-cgi/challenge-platform/|cf_chl_|cf-browser-verification|challenges\.cloudflare\.com"
    r"|_Incapsula_Resource|incap_ses_|captcha-delivery\.com|geo\.captcha-delivery"
    r"|awsWafCookieDomainList|AwsWafIntegration|aws-waf-token|/_Incapsula_"
    r"|window\._pxAppId|px-captcha|/_sec/cp_challenge|sgcaptcha|ddos-guard"
    r"|hcaptcha\.com/1/api\.js|google\.com/recaptcha/api\.js",
    re.IGNORECASE,
)
# what their interstitials say
_CHALLENGE_WORDS = re.compile(
    r"just a moment\.\.\.|checking your browser|checking if the site connection is secure"
    r"|verify(?:ing)? (?:that )?you are (?:a )?human|are you a robot|not a robot"
    r"|attention required!? \| cloudflare|ddos protection by|pardon our interruption"
    r"|request unsuccessful\. incapsula|please enable cookies"
    r"|사람인지 확인|로봇이 아닙니다|자동입력 방지|브라우저를 확인|브라우저 확인 중|보안 확인 중"
    r"|잠시만 기다려 주십시오|잠시만 기다려주세요",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_SHOWN_TEXT = "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]"


def bot_check(page: str | bytes | HtmlElement) -> str | None:
    """What kind of bot check ``page`` is (its text, bytes or parsed tree), on
    one line, or None when it is the site's own page."""
    if not isinstance(page, HtmlElement):
        text = page.decode("utf-8", "replace") if isinstance(page, bytes) else page
        try:
            page = html_tree(text)
        except Unparseable:
            return None
    if shows_more_than(page, SHOWN_AT_MOST):  # most pages: no XPath needed to tell
        return None
    shown = _text(page.xpath(_SHOWN_TEXT))
    if len(shown) > SHOWN_AT_MOST:
        return None
    scripts = "\n".join(page.xpath("//script[not(@src)]/text()"))
    sources = " ".join(page.xpath("//script/@src | //form/@action | //iframe/@src | //@id"))
    if _CHALLENGE_MARKUP.search(f"{scripts}\n{sources}"):
        return "a challenge interstitial (an anti-bot service's challenge script)"
    title = _text(page.xpath("//title//text()"))
    said = _CHALLENGE_WORDS.search(f"{title} {shown}")
    if said:
        return f"a challenge interstitial ({said.group(0)!r})"
    if _SETS_COOKIE.search(scripts) and _RELOADS.search(scripts):
        return "a script that sets a cookie and reloads the page"
    noscript = _text(page.xpath("//noscript//text()"))
    # an application shell loads its scripts and shows what they build: not a check
    shell = bool(page.xpath("//script[@src]"))
    if not shell and len(shown) < len(noscript) and _ENABLE_SCRIPT.search(noscript):
        return f"a page that shows only <noscript> {noscript[:60]!r}"
    return None


def _text(parts: list[str]) -> str:
    return _SPACES.sub(" ", " ".join(parts)).strip()
