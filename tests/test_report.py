from storyline.report import report_html


def test_report_escapes_article_text():
    page = report_html(
        "Demo <b>", {"articles": 3}, [("Rows", [{"id": "x", "text": "<script>alert(1)</script>"}])]
    )
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Demo &lt;b&gt;" in page
    assert "<td>articles</td><td>3</td>" in page


def test_report_empty_section():
    assert "(none)" in report_html("t", {}, [("Empty", [])])


# -- the stories and duplicates parts -------------------------------------------------------
from storyline.charts import Bar, Lane, bar_chart, short_id, story_lanes  # noqa: E402
from storyline.report import DuplicateGroups, MemberInfo, headlines, reason_kind, story_report  # noqa: E402
from storyline.stories import Story  # noqa: E402

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'
LONG = "https://example.com/" + "a" * 60


def _stories() -> tuple[list[Story], dict[str, str], dict[str, MemberInfo]]:
    big = Story("story:" + LONG, [LONG, "b", "c"], LONG, "quake, " + EVIL,
                "2024-01-01T10:00:00Z", "2024-01-02T09:00:00Z", ["A", "B"])
    small = Story("story:z", ["z", "y"], "z", "floods", "2024-01-03T00:00:00Z",
                  "2024-01-03T05:00:00Z", ["C"])
    titles = {LONG: "37 dead " + EVIL, "b": "", "c": "70 dead as toll rises", "z": "Floods",
              "y": "Floods"}
    info = {LONG: MemberInfo(titles[LONG], "A", "2024-01-01T10:00:00Z", None, None),
            "b": MemberInfo(None, "B", "2024-01-01T12:00:00Z", "same_story", 0.8),
            "c": MemberInfo(titles["c"], "A", "2024-01-02T09:00:00Z", "revision", 0.9),
            "z": MemberInfo("Floods", "C", "2024-01-03T00:00:00Z", None, None),
            "y": MemberInfo("Floods", "C", "2024-01-03T05:00:00Z", "duplicate", 1.0)}
    return [big, small], titles, info


def test_story_label_follows_the_latest_version_and_keeps_the_first():
    stories, titles, _ = _stories()
    assert headlines(stories[0], titles) == ("70 dead as toll rises", "37 dead " + EVIL)
    assert headlines(stories[1], titles) == ("Floods", "Floods")


def test_story_report_escapes_shortens_and_links():
    stories, titles, info = _stories()
    page = story_report("t", {"story ARI": 0.9}, stories, titles, members=info,
                        compare={"c": "compare/0001.html"})
    assert "<script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)" in page
    assert "adjusted Rand index" in page  # the metric explained where it appears
    import re

    shown = re.sub(r'title="[^"]*"|<code>.*?</code>', "", page)  # tooltips, copyable commands
    assert LONG not in shown
    assert short_id(LONG) in page and len(short_id(LONG)) == 18
    assert 'href="compare/0001.html"' in page and 'href="#story-1"' in page
    assert page.count("<svg") == 1 and 'class="chart lanes"' in page
    assert 'id="sort-size"' in page and 'class="by-recent"' in page
    # by recency, the floods story (active on the 3rd) comes first; by size, the quake
    size_part, recent_part = page.split('class="by-size"')[1].split('class="by-recent"')
    assert size_part.index("70 dead") < size_part.index("Floods")
    assert recent_part.index("Floods") < recent_part.index("70 dead")


def test_lanes_grow_by_one_per_member_and_skip_undated():
    svg = story_lanes([Lane("a <b>", 3, [0.0, 3600.0, 7200.0]), Lane("undated", 4, [])])
    assert svg.count('class="lane"') == 1 and "a &lt;b&gt;" in svg
    path = svg.split('class="grow"')[0].rsplit("<path", 1)[1]
    assert path.count("V") == 4  # up at each of the 3 members, then back to the base
    assert story_lanes([Lane("x", 2, [])]) == ""


def test_bar_chart_stacks_series_and_escapes():
    svg = bar_chart([Bar("<g>", {"exact": 2, "near": 3}), Bar("none", {})], ["exact", "near"],
                    title="t")
    assert svg.count('class="bar"') == 1 and "&lt;g&gt;" in svg and ">5</text>" in svg
    assert svg.count("<rect") == 2 + 2  # two legend swatches, two segments


def test_duplicate_groups_count_per_group_and_reason():
    g = DuplicateGroups()
    recs = [{"id": "k", "cluster_id": "k", "kept": True, "reason": "kept"},
            {"id": "d1", "cluster_id": "k", "kept": False, "reason": "exact", "score": 1.0},
            {"id": "d2", "cluster_id": "k", "kept": False, "reason": "near: jaccard 0.91"},
            {"id": "d3", "cluster_id": "k", "kept": False,
             "reason": "near (via cluster): jaccard 0.70"},
            {"id": "u", "cluster_id": "u", "kept": True, "reason": "unique"}]
    for r in recs:
        g.add(r)
    assert reason_kind("contained: 0.97") == "contained"
    assert g.by_reason == {"exact": 1, "near": 1, "via cluster": 1}
    assert g.largest(5) == ["k"] and g.wanted() == {"k", "d1", "d2", "d3"}
    g.describe("k", title=EVIL, source="S", published="2024-01-01T00:00:00Z")
    page = "".join(g.blocks())
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "3 copies removed (1 exact, 1 near, 1 via cluster)" in page


def test_story_report_with_titles_only_as_the_spark_engine_writes_it():
    stories, titles, _ = _stories()
    page = story_report("t", {}, stories, titles)  # no member details, no comparison pages
    assert 'class="chart lanes"' in page and "first and last only" in page
    assert 'id="story-1"' in page and "compare-first" not in page


def test_lanes_axis_ignores_a_stray_date_but_says_so():
    day = 86400.0
    lanes = [Lane(f"s{i}", 5, [1e9 + i * 3600 + k * 600 for k in range(5)]) for i in range(8)]
    lanes.append(Lane("old", 2, [1e9 - 400 * day, 1e9 - 399 * day]))
    svg = story_lanes(lanes)
    assert "2 articles dated far off the rest: drawn at the edge" in svg
    assert "first 2000-08-05" in svg  # the tooltip keeps the true date (1e9 s - 400 days)
    assert "dated far off" not in story_lanes(lanes[:-1])
