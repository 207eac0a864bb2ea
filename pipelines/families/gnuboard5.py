"""Gnuboard5 boards used as newspapers: ``bbs/board.php?bo_table=..&wr_id=N``.

List pages are ``#bo_list`` (list skin) or ``#bo_gall`` (gallery skin). Two
view skins: Gnuboard's own ``basic`` skin (body ``#bo_v_con``, date in
``#bo_v_info`` as ``y-m-d H:i``, two-digit year) and the Eyoom builder's
(body ``.board-view-con``, date ``Y.m.d H:i``). The poster (``.sv_member``) is
often the newspaper's account; the reporter is named in the body's byline.
Pinned notices repeat on every list page.
"""

from __future__ import annotations

import re

from pipelines.families.base import ArticleLayout, PortalFamily


class Gnuboard5(PortalFamily):
    name = "gnuboard5"
    article_link = re.compile(r"/bbs/board\.php\?(?=.*\bbo_table=)(?=.*\bwr_id=\d+)")
    article_params = ("bo_table", "wr_id")
    feed_paths = ("rss.php?bo_table={bo_table}",)  # beside board.php
    list_links = "#bo_list a[href], #bo_gall a[href], #bo_webzine a[href]"
    layouts = (
        ArticleLayout(
            name="basic",
            body="#bo_v_con",
            title="#bo_v_title .bo_v_tit, #bo_v_title",
            author="#bo_v_info .sv_member, #bo_v_info .sv_guest",
            published="#bo_v_info .if_date, #bo_v_info",
            # what follows the body on the page: an unclosed tag in the post
            # (common in editor HTML) pulls it all into #bo_v_con
            drop=(
                ".bo_v_nb, #bo_v_share, #bo_v_act, #bo_v_bot, .bo_v_com, #bo_vc, #bo_vc_w, "
                ".cmt_btn, aside, form, nav, footer, #ft"
            ),
        ),
        ArticleLayout(
            name="eyoom",
            body=".board-view .board-view-con",
            title=".board-view .headline h5, .board-view .lbvtitle",
            author=".board-view-info .sv_member, .board-view-info .sv_guest",
            published=".board-view-info .right, .board-view-info",
        ),
    )
