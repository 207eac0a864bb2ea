"""Near copies after a body is written again, on SQLite and PostgreSQL: a
story archived with its site's standing block, placed as a copy of another
by that block alone, leaves the other's story once the block is learned and
taken out; a true copy stays linked; a reprint the block kept apart from
its first copy joins it; and the rewrite waits for a writer of one of its
stories."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from crawler.archiving.boilerplate_learning import relearn
from pipelines.boilerplate import line_key
from pipelines.fingerprint import fingerprint
from storage.archive import Archive
from storage.models import BandKeyStories, MinhashBand
from storage.story_locks import hold_story_locks
from tests.test_dedup import PUBLISHED, archive, articles, save

__all__ = ["archive"]  # the fixture

SITE, OTHER = "standing", "plain"
PAIRS = {
    pair["id"]: pair
    for line in (Path(__file__).parent / "fixtures" / "dedup" / "pairs.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if (pair := json.loads(line))
}
# the site's standing block, ending every body it archives
BLOCK = (
    "많이 본 뉴스 지역 소식과 생활 정보를 가장 먼저 전해 드리는 우리 신문에서 오늘 가장 많이"
    " 읽힌 이야기들을 한곳에 모아 보여 드립니다",
    "구독 안내 우리 신문은 독자 여러분의 구독료와 후원으로 만들어지며 종이 신문과 모바일 신문을"
    " 함께 받아 보실 수 있습니다",
    "제보 안내 독자 여러분의 소중한 제보를 기다립니다 사건 사고와 미담 그리고 생활 속 불편한"
    " 점을 알려 주시면 직접 찾아가 듣겠습니다",
)
# short stories of one day, which the block alone makes alike
FIRST = "시립도서관은 다음 주부터 주말에도 어린이 열람실을 저녁까지 연다."
SENTENCE = (
    "읍내 전통시장 주차장 공사가 끝나 장날마다 되풀이되던 교통 혼잡이 크게 줄어들"
    " 전망이며, 상인회는 손님이 늘어날 것으로 기대하면서 다음 달부터 주말 야시장을"
    " 열고 지역 농산물 장터도 함께 꾸리기로 했다."
    " 군은 시장 입구의 낡은 아케이드도 고쳐 비가 오는 날에도 편하게 장을 볼 수 있게 할 계획이다."
)
# stories of other weeks (the block is learned from stories over several days)
OTHERS = (
    "구청은 골목길 가로등을 밝은 등으로 바꾸는 사업을 마쳤다고 전했다.",
    "시민 체육관 수영장이 보수 공사를 마치고 다시 문을 열었다.",
    "하천 산책로에 쉼터와 꽃길이 새로 생겨 주민들의 발길이 늘었다.",
    "보건소는 어르신 대상 치매 예방 교실 참가자를 모집하고 있다.",
)


# a longer one: it keeps a reprint apart from a first copy archived without it
LONG_BLOCK = (
    *BLOCK,
    "오늘의 날씨 맑은 하늘 아래 선선한 바람이 불겠으며 외출하실 때에는"
    " 얇은 겉옷을 챙기시기 바랍니다",
    "독자 게시판 우리 동네의 즐거운 소식과 이웃의 따뜻한 이야기를 누구나"
    " 자유롭게 올려 주시면 됩니다",
    "알림 마당 행사와 모임 그리고 강좌 소식을 보내 주시면 정성껏 살펴 지면과"
    " 누리집에 함께 싣겠습니다",
    "바로잡습니다 지난 기사 가운데 사실과 다른 내용이 있으면 언제든 알려 주시기를 부탁드립니다",
)


def dressed(*paragraphs: str, block: tuple[str, ...] = BLOCK) -> str:
    return "\n\n".join((*paragraphs, *block))


def stories_of(archive: Archive, article_id: int) -> list[int]:
    """How many stories carry each of the article's band keys."""
    with archive.sessions() as session:
        keys = select(MinhashBand.key).where(MinhashBand.article_id == article_id)
        query = select(BandKeyStories.stories).where(BandKeyStories.key.in_(keys))
        return list(session.scalars(query))


def test_a_story_linked_by_the_standing_block_alone_leaves_once_it_is_taken_out(
    archive: Archive,
) -> None:
    pair = PAIRS["06-copy"]  # a release and its reprint
    save(archive, SITE, "http://standing.example/1", dressed(FIRST))
    second = PUBLISHED + timedelta(hours=2)
    save(archive, SITE, "http://standing.example/2", dressed(SENTENCE), second)
    later = PUBLISHED + timedelta(days=10)
    save(archive, SITE, "http://standing.example/3", dressed(pair["a"]), later)
    save(archive, SITE, "http://standing.example/4", dressed(pair["b"]), later + timedelta(hours=1))
    for week, story in enumerate(OTHERS, start=3):
        save(archive, SITE, f"http://standing.example/{week + 2}", dressed(story),
             PUBLISHED + timedelta(weeks=week))  # fmt: skip
    before = articles(archive)
    first, sentence = before["http://standing.example/1"], before["http://standing.example/2"]
    release, reprint = before["http://standing.example/3"], before["http://standing.example/4"]
    # placed with the block: the sentence is a copy of the first story by the block alone
    assert sentence.duplicate_of_id == first.id and reprint.duplicate_of_id == release.id
    assert sum(a.duplicate_of_id is not None for a in before.values()) == 2

    relearned = relearn(archive.engine, SITE)
    assert {line_key(line) for line in BLOCK} <= relearned.lines
    after = articles(archive)
    assert not [a.url for a in after.values() if BLOCK[0] in a.body]
    sentence = after["http://standing.example/2"]
    assert sentence.duplicate_of_id is None  # a story of its own, its keys a story's
    assert stories_of(archive, sentence.id) and min(stories_of(archive, sentence.id)) >= 1
    assert after["http://standing.example/4"].duplicate_of_id == release.id  # a true copy stays
    assert sum(a.duplicate_of_id is not None for a in after.values()) == 1
    cleaned = fingerprint(sentence.title, sentence.body)
    assert (sentence.content_hash, sentence.minhash) == (cleaned.content_hash, cleaned.signature)
    reprint = after["http://standing.example/4"]
    assert reprint.compared_text == fingerprint(reprint.title, reprint.body).compared_text
    assert BLOCK[0] not in (reprint.compared_text or BLOCK[0])


def test_a_reprint_the_standing_block_kept_apart_joins_its_first_copy(archive: Archive) -> None:
    pair = PAIRS["01-copy"]
    save(archive, OTHER, "http://plain.example/1", pair["a"])  # its first copy, elsewhere
    reprint_url = "http://standing.example/1"
    dressed_reprint = dressed(pair["b"], block=LONG_BLOCK)
    save(archive, SITE, reprint_url, dressed_reprint, PUBLISHED + timedelta(hours=3))
    for week, story in enumerate(OTHERS, start=1):
        save(archive, SITE, f"http://standing.example/{week + 1}", dressed(story, block=LONG_BLOCK),
             PUBLISHED + timedelta(weeks=week))  # fmt: skip
    first = articles(archive)["http://plain.example/1"]
    reprint = articles(archive)[reprint_url]
    assert reprint.duplicate_of_id is None  # the block kept it apart

    relearn(archive.engine, SITE)
    reprint = articles(archive)[reprint_url]
    assert BLOCK[0] not in reprint.body
    assert reprint.duplicate_of_id == first.id


def test_a_rewrite_waits_for_a_writer_of_one_of_its_stories(archive: Archive) -> None:
    save(archive, SITE, "http://standing.example/1", dressed(FIRST))
    save(archive, SITE, "http://standing.example/2", dressed(SENTENCE))
    for week, story in enumerate(OTHERS, start=1):
        save(archive, SITE, f"http://standing.example/{week + 2}", dressed(story),
             PUBLISHED + timedelta(weeks=week))  # fmt: skip
    sentence = articles(archive)["http://standing.example/2"]
    with archive.sessions() as session:
        keys = list(session.scalars(select(MinhashBand.key).where(
            MinhashBand.article_id == sentence.id)))  # fmt: skip
    with ThreadPoolExecutor(1) as relearning:
        # a crawl saving a copy of the sentence's story, as archive.save_page does
        with archive.engine.begin() as writer:
            hold_story_locks(writer, keys)
            relearned = relearning.submit(relearn, archive.engine, SITE)
            assert not wait([relearned], timeout=1.5).done  # the rewrite waits
            assert BLOCK[0] in articles(archive)["http://standing.example/2"].body
        assert relearned.result(timeout=60).cleaned
    assert BLOCK[0] not in articles(archive)["http://standing.example/2"].body
