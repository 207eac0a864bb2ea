"""Per-site boilerplate learning: how its thresholds trade off.

    .venv/bin/python benchmarks/boilerplate.py [--stories 300]

Each of the sample portal's three sites gets a stream of generated stories
(``sample_portal.content.Newsroom``, 1-3 a day), as its archive would hold
them, in two versions:

- as the generator writes them: nothing may be learned;
- with a site's boilerplate planted at the bodies' ends (a channel
  invitation and a tip line in 60% of the articles, a copyright line with the
  year in 90%, a 관련기사 heading in 35%, a corrections notice in 10%) and
  with lines of the articles' own text that recur: a series' standing
  sentences opening and closing one story in 15, a column's standing closing
  line in one in 7 (14%), a short series' closing line in every other story
  four times, an election-day notice ending six stories of one day, a bare
  city name heading the stories of that city, and a short story re-posted six
  times in three days with its lead kept (not linked as copies: the rest was
  rewritten).

For each threshold (the others at their chosen values) it prints how many
planted boilerplate kinds were learned, how many own-text lines were learned
(any line of the articles' own text, generated or planted: each would
be cut from every article that ends with it), and the lines learned from
the untouched sites; then how many stories a new site needs before its
boilerplate is learned.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.boilerplate import StoredStory, Thresholds, learn, line_key
from sample_portal.content import Newsroom, schedule

SITES = ("gnuboard", "newscms", "generic")
PROMO = "▶ 대경포커스 카카오톡 채널 추가하고 주요 뉴스 받아보기"
TIP = "▶ 제보하기: 전화 053-000-1234 / 이메일 jebo@dkfocus.example"
RELATED = "관련기사"
CORRECTION = "※ 바로잡습니다: 이 기사는 독자 의견을 반영해 일부 수정했습니다."
SERIES = "[기획] '우리 동네 숨은 명소'는 매주 지역 곳곳의 명소를 찾아 소개합니다."
SERIES_END = "'우리 동네 숨은 명소'는 다음 주에도 이어집니다."
COLUMN_END = "※ 이 칼럼은 필자 개인의 의견으로 본지의 편집 방향과 다를 수 있습니다."
THREE_PART = "'지방소멸 위기 현장' 연속 보도는 다음 회에 이어집니다."
ELECTION_DAY = "※ 사전투표는 오늘 오후 6시까지 신분증을 지참하고 가까운 투표소에서 할 수 있습니다."


def copyright_line(year: int) -> str:
    return f"ⓒ {year} 대경포커스 All rights reserved"


BOILERPLATE = {
    "channel": line_key(PROMO),
    "tip line": line_key(TIP),
    "copyright": line_key(copyright_line(2024)),
    "관련기사": line_key(RELATED),
    "correction": line_key(CORRECTION),
}


def generated(site: str, count: int, seed: int = 11) -> list[StoredStory]:
    """``count`` stories of ``site`` as the generator writes them, oldest first."""
    newsroom = Newsroom(seed)
    times = sorted(schedule(newsroom.rng(site), count, seconds=False))
    return [StoredStory(when, newsroom.story(site, when).paragraphs) for when in times]


def planted(stories: list[StoredStory], seed: int = 5) -> tuple[list[StoredStory], set[str]]:
    """``stories`` with boilerplate and recurring own-text lines planted; and the
    keys of every line of the articles' own text (generated or planted)."""
    rng = random.Random(seed)
    own = {line_key(line) for line in (SERIES, SERIES_END, COLUMN_END, THREE_PART, ELECTION_DAY)}
    out = []
    for number, story in enumerate(stories):
        body = list(story.paragraphs)
        own.update(line_key(paragraph) for paragraph in body)
        city = next((w for w in body[0].split() if w.endswith(("시는", "군은"))), None)
        if city and rng.random() < 0.5:
            body.insert(0, city[:-1])  # a bare city name heads the story
            own.add(line_key(city[:-1]))
        if number % 15 == 7:
            body = [SERIES, *body, SERIES_END]
        elif number % 7 == 3:
            body.append(COLUMN_END)
        if number in range(len(stories) // 4, len(stories) // 4 + 8, 2):
            body.append(THREE_PART)  # a short series: every other story, four times
        if rng.random() < 0.35:
            body.append(RELATED)
        if rng.random() < 0.1:
            body.append(CORRECTION)
        if rng.random() < 0.6:
            body += [PROMO, TIP]
        if rng.random() < 0.9:
            body.append(copyright_line(story.published.year))
        out.append(StoredStory(story.published, tuple(body)))
    # election day: six stories of one day end with the same notice
    day = stories[len(stories) // 5].published
    for n in range(6):
        text = stories[(len(stories) // 6 + n) % len(stories)].paragraphs
        out.append(StoredStory(day + timedelta(minutes=20 * n), (*text, ELECTION_DAY)))
    # a short story re-posted six times in three days, its lead kept and the
    # rest rewritten (so not linked as copies): the lead recurs, at the end too
    origin = next(story for story in out[len(out) // 2 :] if len(story.paragraphs) <= 4)
    for n in range(6):
        when = origin.published + timedelta(hours=12 * n + 1)
        rewrite = stories[(len(stories) // 3 + n) % len(stories)].paragraphs[1:]
        out.append(StoredStory(when, (origin.paragraphs[0], *rewrite)))
    return out, own


def row(name: str, value: object, thresholds: Thresholds, count: int) -> str:
    kinds, own_learned, clean_learned = 0, 0, 0
    for site in SITES:
        stories = generated(site, count)
        dressed, own = planted(stories)
        learned = learn(dressed, thresholds)
        kinds += sum(key in learned for key in BOILERPLATE.values())
        own_learned += len(learned & own)
        clean_learned += len(learn(stories, thresholds))
    total = len(BOILERPLATE) * len(SITES)
    return f"{name:>13} {value!s:>6}   {kinds:>3}/{total}   {own_learned:>9}   {clean_learned:>9}"


def first_learned(thresholds: Thresholds, count: int) -> str:
    """How many of a new site's first stories learning needs to find each kind."""
    dressed, _ = planted(generated("generic", count))
    dressed.sort(key=lambda story: story.published)
    needed = {}
    for size in range(2, len(dressed) + 1):
        learned = learn(dressed[:size], thresholds)
        for kind, key in BOILERPLATE.items():
            if key in learned and kind not in needed:
                needed[kind] = size
    return ", ".join(f"{kind} {needed.get(kind, 'never')}" for kind in BOILERPLATE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=300, help="stories per site")
    args = parser.parse_args(argv)
    chosen = Thresholds()
    print(f"{args.stories} stories per site, {len(SITES)} sites; chosen: {chosen}")
    print(
        "    threshold  value   boilerplate kinds learned   own-text lines learned"
        "   lines learned from untouched sites"
    )
    grid = {
        "min_coverage": (0.1, 0.2, 0.3, 0.5, 0.7, 0.9),
        "min_stories": (2, 3, 5, 10, 20),
        "min_days": (0, 1, 2, 7),
        "tail": (1, 2, 3, 5),
    }
    for name, values in grid.items():
        for value in values:
            print(row(name, value, replace(chosen, **{name: value}), args.stories))
    print(f"a new site's stories needed to learn each kind: {first_learned(chosen, 60)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
