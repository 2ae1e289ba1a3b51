"""How to cite a dataset and the whole data package: GB/T 7714-2015 and APA 7.

What belongs here: the reference strings readers copy, built from a dataset's
content (datasets.py) or the package metadata. What does not: where they are
shown (catalog pages, XLSX, JSON, the ZIP's README).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .datasets import CST, DatasetContent


def gbt(info: DatasetContent) -> str:
    """GB/T 7714-2015 reference for a dataset (the reader fills in the date cited)."""
    publisher = info.package.get("publisher") or info.package.get("title") or ""
    updated = f"({info.updated_date()})" if info.updated else ""
    return f"{publisher}. {info.title}[DS/OL]. {updated}[引用日期]. {info.url()}."


def apa(info: DatasetContent) -> str:
    """APA 7 reference for a dataset."""
    publisher = info.package.get("publisher_en") or info.package.get("title_en") or ""
    year = info.updated.astimezone(CST).year if info.updated else "n.d."
    return f"{publisher}. ({year}). {info.title_en} [Data set]. {info.url()}"


def package_gbt(pkg: dict[str, Any], updated: datetime | None, url: str) -> str:
    """GB/T 7714-2015 reference for the whole package (the same fields as CITATION.cff)."""
    version = f"{pkg['version']}版. " if pkg.get("version") else ""
    when = f"({updated.astimezone(CST).date().isoformat()})" if updated else ""
    link = f"{url.rstrip('/')}/data/" if url else "/data/"
    return f"{pkg.get('publisher', '')}. {pkg.get('title', '')}[DS/OL]. {version}{when}[引用日期]. {link}."


def package_apa(pkg: dict[str, Any], updated: datetime | None, url: str) -> str:
    """APA 7 reference for the whole package."""
    year = updated.astimezone(CST).year if updated else "n.d."
    version = f" (Version {pkg['version']})" if pkg.get("version") else ""
    link = f"{url.rstrip('/')}/data/" if url else "/data/"
    title = pkg.get("title_en") or pkg.get("title", "")
    publisher = pkg.get("publisher_en") or pkg.get("publisher", "")
    return f"{publisher}. ({year}). {title}{version} [Data set]. {link}"


def _span(years: list[int]) -> str:
    return f"{years[0]}" if len(set(years)) == 1 else f"{min(years)}—{max(years)}"


def series_gbt(pkg: dict[str, Any], name: str, years: list[int], url: str) -> str:
    """GB/T 7714-2015 reference for one indicator's series (its page's address)."""
    return f"{pkg.get('publisher', '')}. {name}（{_span(years)}年）[DS/OL]. [引用日期]. {url}."


def series_apa(pkg: dict[str, Any], name_en: str, years: list[int], updated: datetime | None,
               url: str) -> str:
    """APA 7 reference for one indicator's series."""
    year = updated.astimezone(CST).year if updated else "n.d."
    publisher = pkg.get("publisher_en") or pkg.get("publisher", "")
    return f"{publisher}. ({year}). {name_en}, {_span(years).replace('—', '–')} [Data set]. {url}"
