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
