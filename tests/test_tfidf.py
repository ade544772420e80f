import math

from storyline.features.tfidf import IdfModel, content_tokens, cosine, stem, tfidf_weights


def test_tokens_drop_stop_words_numbers_and_stem():
    assert content_tokens("The floods were flooding 12 cities, killing people.") == [
        "flood", "flood", "city", "kill", "people",
    ]
    assert stem("stopped") == "stop"
    assert stem("boss") == "boss"


def test_background_idf_ranks_rare_words_higher():
    idf = IdfModel.default()
    assert idf.idf("earthquake") > idf.idf("government") > idf.idf("time")
    assert idf.idf("zzyzxqq") >= idf.idf("earthquake")  # unknown = rarest


def test_fit_and_update_shift_idf_towards_corpus():
    base = IdfModel.default()
    before = base.idf("earthquake")
    fitted = IdfModel.default().fit(["earthquake kills many"] * 200 + ["budget vote"] * 10)
    assert fitted.idf("earthquake") < before
    assert fitted.n_docs == 210
    streamed = IdfModel.default()
    for t in ["earthquake kills many"] * 200 + ["budget vote"] * 10:
        streamed.update(t)
    assert math.isclose(streamed.idf("earthquake"), fitted.idf("earthquake"))


def test_weights_are_unit_norm_and_cosine_bounds():
    idf = IdfModel.default()
    a = tfidf_weights(content_tokens("Earthquake hits southern Turkey, killing twelve"), idf)
    b = tfidf_weights(content_tokens("Twelve killed as earthquake strikes Turkey"), idf)
    c = tfidf_weights(content_tokens("Chelsea beat Manchester City at Stamford Bridge"), idf)
    assert math.isclose(math.sqrt(sum(v * v for v in a.values())), 1.0)
    assert math.isclose(cosine(a, a), 1.0)
    assert cosine(a, b) > 0.3 > cosine(a, c)
    assert cosine({}, a) == 0.0


def test_counts_of_parts_add_up_to_fit():
    from collections import Counter

    from storyline.features.tfidf import document_frequencies

    texts = ["Floods hit the city", "The city council met", "Floods and storms", "storms again"]
    whole = IdfModel.default().fit(texts)
    df1, n1 = document_frequencies(texts[:2])
    df2, n2 = document_frequencies(texts[2:])
    parts = IdfModel.default().fit_counts(df1 + df2, n1 + n2)
    assert parts.n_docs == whole.n_docs == 4
    assert parts.df == whole.df and whole.df["flood"] == 2
    for t in ("flood", "city", "storm", "council", "unseen"):
        assert parts.idf(t) == whole.idf(t)
    assert isinstance(df1, Counter)
