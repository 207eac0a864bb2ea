"""Boilerplate learning at a flat cost, on SQLite and PostgreSQL: a run learns
from its site's newest stories (a window) down to the articles learned from
before; a run after which the site has no new article reads no body; only the
articles holding a newly learned line are written again, a revisit's new
body among them."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select

from crawler.archiving import boilerplate_learning
from crawler.archiving.boilerplate_learning import relearn, windows
from pipelines.boilerplate import end_lines
from storage.archive import Archive
from storage.bulk import load_articles
from storage.database import MIGRATIONS
from storage.models import Article, BoilerplateMark, Capture, Outcome, RevisitResult
from storage.revisits import PageVersion, Revisited, save_revisit
from storage.site_boilerplate import in_force, learning, save_cleaned
from tests.test_boilerplate import PROMO, SITE, own_text
from tests.test_query_plans import FETCHED, bulk, statements

WINDOW = 20
SECOND = "대경포커스 앱에서 더 많은 소식을 만나 보세요."  # a line the template added later


@pytest.fixture
def archive(database_url: str) -> Iterator[Archive]:
    opened = Archive.open(database_url)
    yield opened
    opened.close()


Ending = Callable[[int], tuple[str, ...]]  # article n's last paragraphs


def load(archive: Archive, first: int, count: int, ending: Ending) -> None:
    """Archive the site's articles ``first`` to ``first + count``, one a day,
    article ``n`` ending in ``ending(n)``."""
    site_id = archive.site_id(SITE, None, "http://dkfocus.example/news?page={page}")
    texts = own_text(first + count)
    a_day = timedelta(days=1) // timedelta(minutes=10)  # bulk's articles are 10 minutes apart
    articles = [
        bulk(site_id, None, n * a_day, ending=(*texts[n], *ending(n)))
        for n in range(first, first + count)
    ]
    load_articles(archive.engine, articles)


def rows(archive: Archive) -> dict[int, tuple[str, str, str | None]]:
    """Each article's body, content hash and compared text, by id."""
    with archive.sessions() as session:
        found = session.execute(
            select(Article.id, Article.body, Article.content_hash, Article.compared_text)
        )
        return {row.id: (row.body, row.content_hash, row.compared_text) for row in found}


def promo(n: int) -> tuple[str, ...]:
    return PROMO if n % 2 == 0 else ()


def test_a_run_learns_from_the_newest_window_down_to_the_mark(archive: Archive) -> None:
    load(archive, 0, 60, promo)
    first = relearn(archive.engine, SITE, WINDOW)
    assert first.added == 2 and first.cleaned == 30  # the windows reach the site's first article
    load(archive, 60, 5, promo)
    stand = learning(archive.engine, SITE)
    assert stand is not None and stand.newest - stand.learned_through == 5
    read = list(windows(archive.engine, stand, WINDOW))
    # one window: the newest WINDOW stories, the 5 new ones among them
    assert [len(window.stories) for window in read] == [WINDOW]
    assert read[0].new == 5
    days = sorted((story.published - FETCHED).days for story in read[0].stories)
    assert days == list(range(65 - WINDOW, 65))


def test_a_run_with_nothing_new_reads_no_body(archive: Archive) -> None:
    load(archive, 0, 30, promo)
    relearn(archive.engine, SITE, WINDOW)
    with archive.sessions() as session:
        mark = session.scalars(select(BoilerplateMark)).one()
    assert mark.learned_through == max(rows(archive)) and mark.articles == 30
    sent = statements(archive.engine, lambda: relearn(archive.engine, SITE, WINDOW))
    assert not [sql for sql, _ in sent if "articles.body" in sql]
    assert relearn(archive.engine, SITE, WINDOW).version == 1


def test_only_articles_holding_a_new_line_are_written_again(archive: Archive) -> None:
    load(archive, 0, 30, promo)
    assert relearn(archive.engine, SITE, WINDOW).added == 2
    # the template adds a line to one article in three from then on (the
    # promo lines a crawl takes out as it extracts)
    load(archive, 30, 30, lambda n: (SECOND,) if n % 3 == 0 else ())
    before = rows(archive)
    holders = {id for id, (body, *_) in before.items() if SECOND in body}
    assert len(holders) == 10
    relearned = relearn(archive.engine, SITE, WINDOW)
    assert (relearned.added, relearned.cleaned) == (1, 10)
    after = rows(archive)
    # written again: the holders alone (another's compared text would be gone too)
    assert {id for id, row in after.items() if row != before[id]} == holders
    assert all(SECOND not in after[id][0] + (after[id][2] or SECOND) for id in holders)


def test_a_revisit_indexes_its_new_body_by_its_end_lines(archive: Archive) -> None:
    load(archive, 0, 30, promo)
    relearn(archive.engine, SITE, WINDOW)  # every article indexed by its end lines
    revisited = min(rows(archive))
    with archive.sessions() as session:
        row = session.get_one(Article, revisited)
    site_id = row.site_id
    run_id = archive.start_run(site_id, "daily", None, None)
    # its page now ends with a line the template adds from then on
    paragraphs = (*row.body.split("\n\n"), SECOND)
    page = PageVersion(row.title, None, "\n\n".join(paragraphs), None, None, end_lines(paragraphs))
    later = FETCHED + timedelta(days=40)
    result = save_revisit(
        archive.engine,
        Capture(site_id=site_id, run_id=run_id, url=row.url, final_url=row.url, status=200,
                headers={}, body_zlib=zlib.compress(b"<html></html>"), fetched_at=later,
                outcome=Outcome.DUPLICATE),
        run_id, later, Revisited(revisited, page), lambda stored, new: True,
        lambda stored, at: None,
    )  # fmt: skip
    assert result is RevisitResult.CHANGED
    load(archive, 30, 30, lambda n: (SECOND,) if n % 3 == 0 else ())
    relearned = relearn(archive.engine, SITE, WINDOW)
    assert (relearned.added, relearned.cleaned) == (1, 11)  # the revisited article among them
    assert SECOND not in rows(archive)[revisited][0]


def test_a_relearning_stopped_while_it_cleans_is_finished_by_the_next_run(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process ends after the holders of one new line were cleaned, before
    those of the other: the version was recorded, the mark was not moved, and
    the next run cleans the rest."""
    load(archive, 0, 30, lambda n: (PROMO[n % 2],))  # each line ends half the articles

    def stops_after_one_batch(engine: object, bodies: list[object]) -> None:
        monkeypatch.setattr(boilerplate_learning, "save_cleaned", stopped)
        save_cleaned(archive.engine, bodies)  # type: ignore[arg-type]

    def stopped(engine: object, bodies: list[object]) -> None:
        raise SystemExit("killed")

    monkeypatch.setattr(boilerplate_learning, "save_cleaned", stops_after_one_batch)
    with pytest.raises(SystemExit):
        relearn(archive.engine, SITE, WINDOW)
    left = [body for body, *_ in rows(archive).values() if any(p in body for p in PROMO)]
    assert len(left) == 15 and in_force(archive.engine, SITE).version == 1
    monkeypatch.undo()
    relearned = relearn(archive.engine, SITE, WINDOW)
    assert (relearned.version, relearned.added, relearned.cleaned) == (1, 0, 15)
    assert not [body for body, *_ in rows(archive).values() if any(p in body for p in PROMO)]
    assert relearn(archive.engine, SITE, WINDOW).cleaned == 0


def test_an_older_archives_marks_name_the_version_its_runs_cleaned_of(archive: Archive) -> None:
    """Marks moved before the mark named its version were moved by runs that
    finished cleaning: the upgrade names the site's newest version."""
    load(archive, 0, 30, promo)
    assert relearn(archive.engine, SITE, WINDOW).version == 1
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    for step, to in ((command.downgrade, "0023"), (command.upgrade, "head")):
        with archive.engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, to)
    with archive.sessions() as session:
        assert session.scalars(select(BoilerplateMark.cleaned_of)).all() == [1]
    assert relearn(archive.engine, SITE, WINDOW).cleaned == 0
