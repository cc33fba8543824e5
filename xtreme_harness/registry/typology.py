"""Typological distances between languages, from URIEL (Littell et al. 2017, "URIEL and
lang2vec: Representing languages as typological, geographical, and phylogenetic vectors", EACL),
computed offline from the feature vectors the `lang2vec` package ships (pinned: 1.1.2, the
release on PyPI; its data files are read directly, because its module imports `pkg_resources`,
which current setuptools no longer has).

Kinds (`KINDS`), each a distance in [0, 1]:

- ``genetic``: cosine distance between the languages' Glottolog family-membership vectors
  (lang2vec's ``fam``): 0 for the same lineage, 1 for different families;
- ``syntactic``, ``phonological``, ``inventory``: cosine distance between the k-nearest-neighbour
  predicted feature vectors (``syntax_knn``, ``phonology_knn``, ``inventory_knn``), the vectors
  URIEL predicts where its sources are missing, so every language has one;
- ``geographic``: the orthodromic (great-circle) distance divided by the antipodal distance, as
  URIEL defines it. Each language's ``geo`` vector holds its great-circle distances (divided by
  pi) to 299 fixed points; its position is recovered exactly from them by least squares
  (cos(pi d_k) = p_k . x for the points' unit vectors p_k).

Codes are the language registry's (ISO 639-1 where it has one); they are mapped to the ISO 639-3
code URIEL holds with a family, else the macrolanguage's code (Estonian: URIEL's ``ekk`` has no
family vector, ``est`` has). An isolate has no family vector: its genetic distance is NaN.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from xtreme_harness.errors import DataError, UsageError

PACKAGE = "lang2vec"
KINDS = ("genetic", "syntactic", "phonological", "inventory", "geographic")
_VECTORS = {
    "genetic": ("family_features.npz", "FAM", "F_"),
    "syntactic": ("feature_predictions.npz", "predicted", "S_"),
    "phonological": ("feature_predictions.npz", "predicted", "P_"),
    "inventory": ("feature_predictions.npz", "predicted", "INV_"),
    "geographic": ("geocoord_features.npz", "GEOCOORDS", "GC_"),
}
"""Kind -> (lang2vec data file, source name in it, prefix of its features)."""


def version() -> str:
    """The version of the package whose data the distances come from (for provenance)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed(PACKAGE)
    except PackageNotFoundError:
        raise UsageError(
            f"typological distances need the {PACKAGE} package: pip install {PACKAGE}==1.1.2"
        ) from None


def _data_file(name: str) -> str:
    """A data file of the installed distribution, found through its metadata: the wheel also
    installs a script called ``lang2vec.py`` into the environment's bin folder, which shadows the
    package for an import lookup from a console script."""
    from importlib.metadata import distribution

    version()  # raises the installation hint
    path = str(distribution(PACKAGE).locate_file(f"{PACKAGE}/data/{name}"))
    if not os.path.isfile(path):
        raise DataError(path, f"missing from the {PACKAGE} installation; reinstall it")
    return path


@cache
def _vectors(kind: str) -> tuple[dict[str, int], Any, list[str]]:
    """(URIEL code -> row, vectors, feature names) of one kind."""
    import numpy as np

    name, source, prefix = _VECTORS[kind]
    with np.load(_data_file(name)) as data:
        sources = [str(s) for s in data["sources"]]
        features = [str(f) for f in data["feats"]]
        columns = [i for i, f in enumerate(features) if f.startswith(prefix)]
        vectors = data["data"][:, columns, sources.index(source)].astype(np.float64)
        rows = {str(code): i for i, code in enumerate(data["langs"])}
    return rows, vectors, [features[i] for i in columns]


def uriel_code(code: str) -> str:
    """The ISO 639-3 code under which URIEL holds `code` (a registry code or an ISO 639-3 one)."""
    from xtreme_harness.registry.languages import default_registry

    rows, families, _ = _vectors("genetic")
    registry = default_registry()
    candidates = [code]
    if code in registry:
        record = registry.get(code)
        candidates = [record.iso639_3, record.macro_iso639_3, code]
    held = [c for c in candidates if c and c in rows]
    for candidate in held:  # the first URIEL holds with its family (ekk has none; est has)
        if families[rows[candidate]].any():
            return candidate
    if held:  # an isolate (Basque) has no family vector: its genetic distances are undefined
        return held[0]
    raise UsageError(f"language {code!r} is not in URIEL ({PACKAGE} {version()})")


@cache
def _position(code: str) -> Any:
    """The unit vector of the language's position, from its distances to URIEL's fixed points."""
    import numpy as np

    rows, vectors, features = _vectors("geographic")
    latlon = np.radians([[float(x) for x in f[3:].split("_")] for f in features])
    points = np.column_stack([
        np.cos(latlon[:, 0]) * np.cos(latlon[:, 1]),
        np.cos(latlon[:, 0]) * np.sin(latlon[:, 1]),
        np.sin(latlon[:, 0]),
    ])  # fmt: skip
    found = np.linalg.lstsq(points, np.cos(np.pi * vectors[rows[code]]), rcond=None)[0]
    return found / np.linalg.norm(found)


def distance(first: str, second: str, kind: str) -> float:
    """The URIEL distance of `kind` between two languages."""
    import numpy as np

    if kind not in KINDS:
        raise UsageError(f"distance kind {kind!r}: expected one of {', '.join(KINDS)}")
    a, b = uriel_code(first), uriel_code(second)
    if kind == "geographic":
        cosine = float(np.clip(_position(a) @ _position(b), -1.0, 1.0))
        return float(np.arccos(cosine) / np.pi)
    rows, vectors, _ = _vectors(kind)
    u, v = vectors[rows[a]], vectors[rows[b]]
    known = (u >= 0) & (v >= 0)  # URIEL writes a missing value as -1
    u, v = u[known], v[known]
    norms = float(np.linalg.norm(u) * np.linalg.norm(v))
    if norms == 0:
        return float("nan")
    return float(1.0 - (u @ v) / norms)
