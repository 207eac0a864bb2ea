"""What a newcomer met configuring newsarchive, each now as the README says:
one bad site in sites.yaml is refused with its line and skipped while the
others run (``crawl``, ``daily``, ``sites``, ``scheduler.py`` and its
``--list``); sites.yaml ships with no live site; a YAML syntax error names the
line its quote or bracket opened; the window's arguments are named as the
user gave them; a broker that cannot be used is one line; ``--list`` writes
its times one way; the scheduler runs the sites due together in one
``scrapy daily``."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.sites import SitesConfigError, load_sites
from scheduling.jobs import read_jobs
from scheduling.launcher import DAILY_LOGS
from storage.archive import Archive
from storage.models import CrawlRun
from storage.run_records import RunCounts
from storage.types import SEOUL, now_seoul
from tests.conftest import FAST, ROOT, Portal, project_env, scrapy
from tests.test_failing_runs import unused_port
from tests.test_newcomer import one_error
from tests.test_scheduler import NEVER_SOON, run_scheduler, wait_until

BROKEN = "  - name: broken\n    list_url: 'http://127.0.0.1:9/news/?page={page}'\n    cms: xe\n"


@pytest.fixture
def archive_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


def with_broken_site(portal: Portal) -> Path:
    """The portal's sites.yaml, every site due never soon, plus ``broken``: a bad cms."""
    yaml = portal.portal.sites_yaml(portal.base_url)
    for cms in ("gnuboard5", "newscms", "generic"):
        yaml = yaml.replace(f"    cms: {cms}\n", f'    cms: {cms}\n    schedule: "{NEVER_SOON}"\n')
    portal.sites_file.write_text(yaml + BROKEN, encoding="utf-8")
    return portal.sites_file


def broken_line(sites_file: Path) -> str:
    return (
        f"{sites_file}: site 'broken': field 'cms': unknown cms 'xe' "
        "(known: gnuboard5, newscms, articleview, generic)"
    )


def scheduler_output(
    *args: str, database_url: str, sites_file: Path, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """``python scheduler.py ARGS`` run to its end (``env``: more environment):
    its exit code and output."""
    done = subprocess.run(
        [sys.executable, "scheduler.py", *args],
        cwd=ROOT,
        env={**project_env(database_url, sites_file), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout


def error_line(output: str) -> str:
    """The one line a refused scheduler.py call printed."""
    assert "Traceback" not in output, output[-3000:]
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output[-3000:]
    assert lines[0].startswith("newsarchive: error: "), lines[0]
    return lines[0].removeprefix("newsarchive: error: ")


# --- one bad site stops no other ------------------------------------------------------


def test_a_bad_site_leaves_crawl_of_the_others_running(portal: Portal, archive_url: str) -> None:
    sites_file = with_broken_site(portal)
    bad = scrapy("crawl", "portal", "-a", "site=broken", database_url=archive_url,
                 sites_file=sites_file)  # fmt: skip
    assert one_error(bad) == broken_line(sites_file)
    assert sum(portal.portal.hits.values()) == 0
    good = scrapy("crawl", "portal", "-a", "site=newscms", *FAST, database_url=archive_url,
                  sites_file=sites_file)  # fmt: skip
    assert good.returncode == 0, good.stderr[-3000:]
    archive = Archive.open(archive_url)
    assert archive.article_counts() == {"newscms": len(portal.portal.articles("newscms"))}
    archive.close()


def test_daily_runs_the_good_sites_and_exits_non_zero_naming_the_bad(
    portal: Portal, archive_url: str
) -> None:
    sites_file = with_broken_site(portal)
    done = scrapy("daily", "newscms", "broken", *FAST, database_url=archive_url,
                  sites_file=sites_file)  # fmt: skip
    assert done.returncode == 2, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    said = [line for line in done.stderr.splitlines() if line.startswith("newsarchive: error: ")]
    assert said == [
        f"newsarchive: error: {broken_line(sites_file)} (skipped: the other sites run)",
        f"newsarchive: error: skipped for their entry in {sites_file}: broken",
    ]
    archive = Archive.open(archive_url)
    with archive.sessions() as session:
        (run,) = session.scalars(select(CrawlRun)).all()
        assert (run.site.name, run.status, run.exit_code) == ("newscms", "finished", 0)
    archive.close()


def test_list_and_sites_show_the_bad_site_as_a_config_error(
    portal: Portal, archive_url: str
) -> None:
    sites_file = with_broken_site(portal)
    code, output = scheduler_output("--list", database_url=archive_url, sites_file=sites_file)
    assert code == 0, output
    rows = {line.split()[0]: line for line in output.splitlines()[1:]}
    assert set(rows) == {"gnuboard", "newscms", "generic", "broken"}
    assert rows["broken"].split(None, 1)[1] == f"config error: {broken_line(sites_file)}"
    assert rows["gnuboard"].rstrip().endswith("never")

    sites = scrapy("sites", database_url=archive_url, sites_file=sites_file)
    assert sites.returncode == 0, sites.stderr
    assert sites.stdout.splitlines()[-1] == f"config error: {broken_line(sites_file)}"


def test_the_scheduler_schedules_the_good_sites_and_logs_the_bad(
    portal: Portal, archive_url: str, tmp_path: Path
) -> None:
    sites_file = with_broken_site(portal)
    output = tmp_path / "scheduler.log"
    scheduler = run_scheduler(database_url=archive_url, sites_file=sites_file, output=output)
    try:
        wait_until(
            lambda: "generic: next run" in output.read_text(encoding="utf-8") or None,
            "the scheduler to schedule the good sites",
        )
        scheduler.send_signal(signal.SIGTERM)
        assert scheduler.wait(timeout=120) == 0
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
    log = output.read_text(encoding="utf-8")
    assert f"ERROR: {broken_line(sites_file)}: not scheduled" in log
    assert sorted(job.id for job in read_jobs(archive_url)) == [
        "crawl:generic",
        "crawl:gnuboard",
        "crawl:newscms",
    ]


# --- sites.yaml ships with no live site -----------------------------------------------


def test_sites_yaml_ships_without_sites_and_the_examples_are_apart(
    archive_url: str, tmp_path: Path
) -> None:
    assert load_sites(ROOT / "sites.yaml") == {}  # and nothing refused
    assert set(load_sites(ROOT / "sites.example.yaml")) == {"gyeongsan-news", "daejeon-news"}

    code, listed = scheduler_output("--list", database_url=archive_url,
                                    sites_file=ROOT / "sites.yaml")  # fmt: skip
    assert code == 0
    assert listed.splitlines() == [
        f"no sites in {ROOT / 'sites.yaml'}: nothing to schedule (add yours, as in "
        "sites.example.yaml, then send SIGHUP or start again)"
    ]
    output = tmp_path / "scheduler.log"
    scheduler = run_scheduler(database_url=archive_url, sites_file=ROOT / "sites.yaml",
                              output=output)  # fmt: skip
    try:
        wait_until(
            lambda: "no sites in" in output.read_text(encoding="utf-8") or None,
            "the scheduler to say it has no sites",
        )
        scheduler.send_signal(signal.SIGTERM)
        assert scheduler.wait(timeout=120) == 0
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
    said = [line for line in output.read_text(encoding="utf-8").splitlines() if "sites" in line]
    assert len(said) == 1 and said[0].endswith(listed.strip())


# --- the window's arguments -----------------------------------------------------------


def test_a_future_since_is_named_without_an_until(portal: Portal, archive_url: str) -> None:
    done = scrapy("crawl", "portal", "-a", "site=newscms", "-a", "since=2030-01-01",
                  database_url=archive_url, sites_file=portal.sites_file)  # fmt: skip
    line = one_error(done)
    today = now_seoul().date()
    assert line == (
        f"-a since=2030-01-01 is in the future (today is {today} in Korea): "
        "a backfill's window ends by today"
    )
    assert "until" not in line.split(":")[0] and sum(portal.portal.hits.values()) == 0


def test_since_without_run_now_is_refused(portal: Portal, archive_url: str) -> None:
    code, output = scheduler_output("--since", "2024-02-01", database_url=archive_url,
                                    sites_file=portal.sites_file)  # fmt: skip
    assert code == 2
    assert error_line(output) == (
        "--since and --until go with --run-now SITE: a backfill of one site, now"
    )
    assert not Path(archive_url.removeprefix("sqlite:///")).exists()  # nothing opened


def test_run_now_names_its_own_options(portal: Portal, archive_url: str) -> None:
    code, output = scheduler_output("--run-now", "newscms", "--since", "2024-02-30",
                                    database_url=archive_url,
                                    sites_file=portal.sites_file)  # fmt: skip
    assert code == 2 and "Traceback" not in output
    assert output.strip().splitlines()[-1] == "newsarchive: error: --since 2024-02-30: no such day"
    assert sum(portal.portal.hits.values()) == 0


# --- sites.yaml's own errors --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (  # an unclosed quote, closed by the next line's quote
            'sites:\n  - name: "gs\n    list_url: "http://a.example/{page}"\n'
            '  - name: b\n    list_url: "http://b.example/{page}"\n',
            "line 2: a quote opened here (column 11) is not closed on its line",
        ),
        (  # an unclosed quote at the end of the file
            'sites:\n  - name: a\n    list_url: "http://a.example/{page}"\n'
            "    cms: 'gnuboard5\n\n\n",
            "line 4: a quote opened here (column 10) is not closed",
        ),
        (  # an unclosed bracket
            'sites:\n  - name: a\n    feeds: [/rss.xml\n    list_url: "http://a.example/{page}"\n'
            '  - name: b\n    list_url: "http://b.example/{page}"\n',
            "line 3: a '[' opened here (column 12) is not closed",
        ),
    ],
)
def test_a_yaml_syntax_error_names_the_line_it_opened(
    tmp_path: Path, archive_url: str, text: str, line: str
) -> None:
    sites_file = tmp_path / "sites.yaml"
    sites_file.write_text(text, encoding="utf-8")
    with pytest.raises(SitesConfigError) as raised:
        load_sites(sites_file)
    assert str(raised.value).startswith(f"{sites_file}: {line}")
    done = scrapy("daily", "a", database_url=archive_url, sites_file=sites_file)
    assert one_error(done) == str(raised.value)  # still fatal: nothing can be read


def test_sitemaps_yes_lists_the_accepted_values(tmp_path: Path) -> None:
    sites_file = tmp_path / "sites.yaml"
    sites_file.write_text(
        "- name: a\n  list_url: 'http://a.example/{page}'\n  sitemaps: yes\n", encoding="utf-8"
    )
    with pytest.raises(SitesConfigError) as raised:
        load_sites(sites_file)
    assert str(raised.value) == (
        f"{sites_file}: site 'a': field 'sitemaps': must be 'auto' (the default), 'off' "
        "or a list of URLs, not yes"
    )


# --- what the scheduler prints ------------------------------------------------------


def test_migrations_run_quietly(portal: Portal, archive_url: str) -> None:
    scheduler_output("--run-now", "nowhere", database_url=archive_url,
                     sites_file=portal.sites_file)  # fmt: skip
    code, output = scheduler_output("--run-now", "nowhere", database_url=archive_url,
                                    sites_file=portal.sites_file)  # fmt: skip
    assert code == 2
    assert "no site named 'nowhere'" in error_line(output)  # no Alembic INFO line


def test_list_writes_every_time_one_way(portal: Portal, archive_url: str) -> None:
    archive = Archive.open(archive_url)
    site = archive.site_id("gnuboard", "gnuboard5", "http://127.0.0.1/bbs/?page={page}")
    archive.runs.finish(archive.runs.start(site, "daily", None, None), "finished", RunCounts())
    archive.close()
    code, output = scheduler_output("--list", database_url=archive_url,
                                    sites_file=portal.sites_file)  # fmt: skip
    assert code == 0, output
    heads, *rows = output.splitlines()
    assert "next run (KST)" in heads and "last run (KST)" in heads
    gnuboard = next(row for row in rows if row.startswith("gnuboard "))
    times = re.findall(r"\d{4}-\d\d-\d\d[ T][\d:]+(?:[+-]\d\d:\d\d)?", gnuboard)
    assert len(times) == 2 and all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", t) for t in times)
    assert gnuboard.endswith(f"{now_seoul():%Y-%m-%d} {times[1][11:]} finished")


# --- brokers ------------------------------------------------------------------------


def test_a_broker_that_cannot_be_used_is_one_line(portal: Portal, archive_url: str) -> None:
    port = unused_port()
    for args in (("--run-now", "newscms"), ()):
        code, output = scheduler_output(
            *args, database_url=archive_url, sites_file=portal.sites_file,
            env={"NEWSARCHIVE_BROKER": f"amqp://newsarchive:SECRET@127.0.0.1:{port}//"},
        )  # fmt: skip
        assert code == 2
        line = error_line(output)
        assert line.startswith(f"cannot reach the broker amqp://newsarchive:**@127.0.0.1:{port}//")
        assert "SECRET" not in line and "start RabbitMQ" in line
    code, output = scheduler_output(
        "--run-now", "newscms", database_url=archive_url, sites_file=portal.sites_file,
        env={"NEWSARCHIVE_BROKER": "redis://:SECRET@127.0.0.1:6379/0"},
    )  # fmt: skip
    assert code == 2
    assert error_line(output) == (
        "NEWSARCHIVE_BROKER=redis://:**@127.0.0.1:6379/0: the broker must be RabbitMQ, "
        "amqp://USER:PASSWORD@HOST:5672// (runs rely on its acknowledgements)"
    )


# --- sites due together ---------------------------------------------------------------


def test_sites_due_together_run_in_one_daily_process(
    portal: Portal, archive_url: str, tmp_path: Path
) -> None:
    """gnuboard and newscms due at the same second: one ``scrapy daily`` of
    both; generic due 30 s later: a ``scrapy crawl`` of its own."""
    together = now_seoul() + timedelta(seconds=30)
    alone = together + timedelta(seconds=30)

    def cron(moment) -> str:  # type: ignore[no-untyped-def]
        moment = moment.astimezone(SEOUL)
        return f"{moment.second} {moment.minute} {moment.hour} * * *"

    yaml = portal.portal.sites_yaml(portal.base_url)
    for cms, when in (("gnuboard5", together), ("newscms", together), ("generic", alone)):
        yaml = yaml.replace(f"    cms: {cms}\n", f'    cms: {cms}\n    schedule: "{cron(when)}"\n')
    portal.sites_file.write_text(yaml, encoding="utf-8")
    logs = tmp_path / "logs"
    output = tmp_path / "scheduler.log"
    scheduler = run_scheduler("--logs", str(logs), *FAST, database_url=archive_url,
                              sites_file=portal.sites_file, output=output)  # fmt: skip
    archive = Archive.open(archive_url)
    try:

        def ended() -> list[CrawlRun] | None:
            with archive.sessions() as session:
                runs = session.scalars(select(CrawlRun).where(CrawlRun.exit_code.is_not(None)))
                found = [(run.site.name, run.pid, run.log_file) for run in runs]
            return found if len(found) == 3 else None  # type: ignore[return-value]

        runs = wait_until(ended, "the three scheduled runs", timeout=300)
        scheduler.send_signal(signal.SIGTERM)
        assert scheduler.wait(timeout=180) == 0
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
        archive.close()
    by_site = {site: (pid, Path(log)) for site, pid, log in runs}
    assert by_site["gnuboard"][0] == by_site["newscms"][0]  # one process for both
    assert by_site["gnuboard"][1] == by_site["newscms"][1]
    assert by_site["gnuboard"][1].parent == logs / DAILY_LOGS
    assert by_site["generic"][0] != by_site["gnuboard"][0]
    assert by_site["generic"][1].parent == logs / "generic"
    log = output.read_text(encoding="utf-8")
    assert "crawl of 2 sites (gnuboard, newscms) started" in log
