"""Full-text search over products, one API for PostgreSQL and SQLite.

Each product keeps `search_document`: its names, descriptions and specifications in both languages,
lower-cased, followed by the bigrams of every run of Chinese characters.

PostgreSQL: a trigger (migration 0002) turns the document into `search_vector` with the `simple`
configuration, and a GIN index serves `@@` queries. Why `simple`: a product document mixes English,
Chinese, model numbers and units; the English stemmer would mangle "PN16" or "IP67", and PostgreSQL
ships no Chinese parser (zhparser/pg_jieba are not available to us). Chinese has no spaces, so the
document carries overlapping character bigrams ("注塑机" → "注塑 塑机"), and the query is cut the
same way: every bigram must be present, which finds a Chinese word wherever it sits in a longer run.
English words match by prefix (`pump:*` also finds "pumps"). pg_trgm would handle Chinese too, but a
trigram index over a million long documents is several times larger and slower to keep up to date.

SQLite (development, tests): every query word must appear in the document (`icontains`); relevance
falls back to newest first. Same FilterSet, same results for whole words.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"[\w][\w.\-/+]*", re.UNICODE)
MAX_TERMS = 8


def cjk_bigrams(text: str) -> list[str]:
    """Overlapping two-character pieces of each run of Chinese characters; a lone character stays whole."""
    grams = []
    for run in CJK.findall(text):
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def build_document(*parts: str) -> str:
    text = " ".join(p for p in parts if p).lower()
    grams = cjk_bigrams(text)
    return f"{text} {' '.join(grams)}".strip()


def _terms(query: str) -> list[str]:
    """Query words, lower-cased; Chinese runs become their bigrams so they match the document's."""
    terms: list[str] = []
    for chunk in query.lower().split()[:MAX_TERMS]:
        for piece in CJK.split(chunk):
            terms.extend(w.strip(".-/+") for w in WORD.findall(piece) if w.strip(".-/+"))
        terms.extend(cjk_bigrams(chunk))
    return [t for t in dict.fromkeys(terms) if t][: MAX_TERMS * 3]


def _tsquery(terms: list[str]) -> str:
    # Each term is quoted as a tsquery lexeme, so nothing a visitor types is read as an operator.
    quoted = ["'" + t.replace("'", "''").replace("\\", "\\\\") + "':*" for t in terms]
    return " & ".join(quoted)


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def apply_search(queryset: QuerySet, query: str, *, rank: bool) -> QuerySet:
    """Keep the products that match every word of `query`; annotate `rank` when asked (PostgreSQL)."""
    terms = _terms(query)
    if not terms:
        return queryset
    if uses_postgres():
        ts = SearchQuery(_tsquery(terms), search_type="raw", config="simple")
        queryset = queryset.filter(search_vector=ts)
        if rank:
            queryset = queryset.annotate(rank=SearchRank(F("search_vector"), ts))
        return queryset
    condition = Q()
    for term in terms:
        condition &= Q(search_document__contains=term)
    return queryset.filter(condition)
