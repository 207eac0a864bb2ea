"""Bot checks are recognised by their shape (pipelines.bot_checks): a cookie set
by script and a reload, a page showing only a <noscript> "enable JavaScript",
a challenge interstitial; and the site's own pages never are, though they carry
a <noscript> pixel, a small cookie-consent script or an application shell."""

from __future__ import annotations

import pytest

from crawler.items import outcome_of
from pipelines.article_page import PageError, PageProblem, extract_and_fingerprint
from pipelines.bot_checks import bot_check
from sample_portal import SamplePortal, gnuboard5
from sample_portal import bot_check as cookie_check
from storage.models import Outcome

# the 297-byte page a provincial portal answered every request with
COOKIE_AND_RELOAD = (
    '<html><head><meta charset="utf-8"><title></title></head><body>'
    '<script type="text/javascript">var v="a7f3c21e9b0d4e8f1a2b3c4d5e6f7a8b9c0d";'
    'document.cookie="__wsc="+v+"; path=/; max-age=86400";location.reload();</script>'
    "<noscript>자바스크립트를 활성화해 주세요</noscript></body></html>"
)
CHALLENGES = {
    "just a moment": (
        "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
        "<div><h1>127.0.0.1</h1><p>Checking if the site connection is secure</p></div>"
        '<script>(function(){window._cf_chl_opt={cvId: "3"};'
        "var a=document.createElement('script');"
        "a.src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1';"
        "document.head.appendChild(a);}());</script></body></html>"
    ),
    "korean wording": (
        "<html><head><title>보안 확인</title></head><body><p>브라우저를 확인하고 있습니다. "
        "잠시만 기다려 주십시오.</p></body></html>"
    ),
    "captcha service": (
        '<html><head><title>example.kr</title></head><body><iframe src="https://geo.captcha-'
        'delivery.com/captcha/?initialCid=AHrlqAAAAAMA"></iframe></body></html>'
    ),
    "cookie and location.href": (
        "<html><body><script>document.cookie='ck_id=1; path=/';"
        "location.href=location.href;</script></body></html>"
    ),
}
NOSCRIPT_ONLY = (
    "<html><head><title>안내</title></head><body><noscript><p>이 사이트는 JavaScript를 "
    "사용해야 볼 수 있습니다. 브라우저 설정에서 자바스크립트를 허용해 주세요.</p></noscript>"
    "<script>setTimeout(function(){document.forms[0].submit()},10)</script>"
    '<form method="post" action="/"></form></body></html>'
)


def test_the_cookie_and_reload_page_is_a_bot_check() -> None:
    assert len(COOKIE_AND_RELOAD.encode()) == 297
    assert bot_check(COOKIE_AND_RELOAD) == "a script that sets a cookie and reloads the page"
    assert bot_check(COOKIE_AND_RELOAD.encode()) == bot_check(COOKIE_AND_RELOAD)


def test_the_sample_portals_bot_check_is_one() -> None:
    assert bot_check(cookie_check.PAGE) == "a script that sets a cookie and reloads the page"


@pytest.mark.parametrize("name", sorted(CHALLENGES))
def test_challenge_interstitials_are_bot_checks(name: str) -> None:
    found = bot_check(CHALLENGES[name])
    assert found is not None and found.startswith("a "), found


def test_a_page_showing_only_its_noscript_is_a_bot_check() -> None:
    found = bot_check(NOSCRIPT_ONLY)
    assert found is not None and found.startswith("a page that shows only <noscript>"), found


@pytest.fixture(scope="module")
def article_page() -> str:
    portal = SamplePortal(articles_per_site=3, sites=["newscms"])
    path = portal.articles("newscms")[0].path
    status, _, body = portal.render(path)
    assert status == 200
    return body.decode()


def test_an_article_with_a_noscript_analytics_pixel_is_no_bot_check(article_page: str) -> None:
    pixel = (
        '<noscript><img height="1" width="1" style="display:none" '
        'src="https://www.facebook.com/tr?id=1&ev=PageView&noscript=1"/>'
        "자바스크립트를 활성화해 주세요</noscript>"
    )
    page = article_page.replace("</body>", pixel + "</body>", 1)
    assert "<noscript>" in page
    assert bot_check(page) is None


def test_an_article_with_a_cookie_consent_script_is_no_bot_check(article_page: str) -> None:
    consent = (
        '<div id="cookie-bar">이 사이트는 쿠키를 사용합니다. <button onclick="'
        "document.cookie='consent=yes; path=/; max-age=31536000';"
        'this.parentNode.remove();location.reload()">동의</button></div>'
        "<script>if(document.cookie.indexOf('consent=')<0){"
        "document.getElementById('cookie-bar').style.display='block'}</script>"
    )
    page = article_page.replace("</body>", consent + "</body>", 1)
    assert bot_check(page) is None


def test_a_short_page_with_a_cookie_consent_script_is_no_bot_check() -> None:
    page = (
        "<html><body><p>구독 신청이 접수되었습니다.</p><script>"
        "function agree(){document.cookie='consent=yes; path=/'}</script>"
        '<button onclick="agree()">쿠키 사용에 동의</button></body></html>'
    )
    assert bot_check(page) is None


def test_an_application_shell_and_an_alert_page_are_no_bot_checks() -> None:
    shell = (
        '<html><head><script defer src="/static/js/main.3f2a.js"></script></head><body>'
        "<noscript>You need to enable JavaScript to run this app.</noscript>"
        '<div id="root"></div></body></html>'
    )
    assert bot_check(shell) is None
    assert bot_check(gnuboard5.alert_page(gnuboard5.NOT_FOUND)) is None


def test_what_is_no_html_is_no_bot_check() -> None:
    assert bot_check("") is None
    assert bot_check(b"%PDF-1.4 ...") is None


def test_an_article_answered_by_a_bot_check_fails_to_be_tried_again() -> None:
    url = "http://127.0.0.1/news/article.html?no=1"
    error = extract_and_fingerprint(cookie_check.PAGE, "text/html; charset=utf-8", url, None)
    assert error == PageError(PageProblem.BOT_CHECK, bot_check(cookie_check.PAGE))
    assert outcome_of(error) == Outcome.FAILED  # not "not_article": later runs fetch it again
    alert = gnuboard5.alert_page(gnuboard5.NOT_FOUND).encode()
    refused = extract_and_fingerprint(alert, "text/html; charset=utf-8", url, None)
    assert isinstance(refused, PageError) and refused.problem is PageProblem.NOT_ARTICLE
