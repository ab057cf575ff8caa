"""Extraction of attributed, dated statements from news articles (French and English).

>>> from contradict.extract import extract_statements
>>> extract_statements("« X doit rester neutre », a déclaré Elon Musk.", date="2022-04")[0]["speaker"]
'Elon Musk'
"""

from .articles import Article, parse_article, read_article
from .extractor import detect_lang, extract_article, extract_corpus, extract_statements

__all__ = [
    "Article",
    "detect_lang",
    "extract_article",
    "extract_corpus",
    "extract_statements",
    "parse_article",
    "read_article",
]
