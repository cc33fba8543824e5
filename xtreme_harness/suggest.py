"""Closest known names for a name that is not known."""

from __future__ import annotations

from collections.abc import Iterable


def closest(name: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """Up to `limit` known names that resemble `name`, best first (case-insensitive).

    A known name that starts with, or contains, what was typed counts as close even when it is
    much longer (`pan` -> `panx`, `resource` -> `low-resource-diverse`).
    """
    import difflib

    by_folded: dict[str, str] = {}
    for item in known:
        by_folded.setdefault(item.casefold(), item)
    folded = name.casefold()
    if folded in by_folded:
        return [by_folded[folded]]
    similar = difflib.get_close_matches(folded, list(by_folded), n=limit, cutoff=0.6)
    contained = sorted(k for k in by_folded if len(folded) >= 2 and folded in k)
    picked: list[str] = []
    for key in similar + contained:
        if key not in picked:
            picked.append(key)
    return [by_folded[k] for k in picked[:limit]]
