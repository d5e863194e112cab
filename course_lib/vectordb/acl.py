"""Access control: every document belongs to an access group; a user sees only their groups.

**Pre-filtering** hands the database the user's filter expression, so it ranks only the documents
the user may see and fills all ``k`` places from them. **Post-filtering** searches everything and
drops the forbidden hits afterwards: it never leaks if done right, but the top ``k`` it got back
can be mostly forbidden, so the user receives fewer than ``k`` results (or none).
"""
from __future__ import annotations

import json
from typing import Mapping, Sequence

import numpy as np
from pymilvus import MilvusClient

from .client import VectorDBError
from .search import Hits, search

GROUP_FIELD = "access_group"


def acl_filter(groups: Sequence[str]) -> str:
    """The Milvus filter expression that keeps the documents of ``groups`` only.

    Group names are written as JSON strings, which escapes quotes and backslashes: a group called
    ``x"] or access_group != ["`` stays one string instead of rewriting the expression. No groups
    gives an expression that matches nothing."""
    if isinstance(groups, str):
        raise VectorDBError(f"Pass a list of groups, not the string {groups!r}.")
    groups = sorted(set(groups))
    if not all(isinstance(g, str) for g in groups):
        raise VectorDBError(f"Group names must be strings, got {groups!r}.")
    return f"{GROUP_FIELD} in {json.dumps(groups, ensure_ascii=False)}"


def assign_groups(n_docs: int, groups: Sequence[str], seed: int = 0) -> list[str]:
    """One access group per document, drawn uniformly (seeded)."""
    rng = np.random.default_rng(seed)
    return [groups[i] for i in rng.integers(0, len(groups), size=n_docs)]


def random_users(groups: Sequence[str], n_users: int, seed: int = 0) -> dict[str, list[str]]:
    """Users with random non-empty group sets, proper subsets of ``groups`` (so each has forbidden documents)."""
    rng = np.random.default_rng(seed)
    users = {}
    for u in range(n_users):
        size = int(rng.integers(1, len(groups)))
        users[f"user{u:03d}"] = sorted(rng.choice(groups, size=size, replace=False).tolist())
    return users


def user_groups(users: Mapping[str, Sequence[str]], user: str) -> list[str]:
    if user not in users:
        raise VectorDBError(f"Unknown user {user!r}: no access groups are known for them, so they see nothing. "
                            f"Known users: {', '.join(sorted(users)[:5])}{' …' if len(users) > 5 else ''}")
    return list(users[user])


def pre_filter_search(client: MilvusClient, name: str, queries, groups: Sequence[str], k: int = 10) -> Hits:
    return search(client, name, queries, k, filter=acl_filter(groups), output_fields=(GROUP_FIELD, "title"))


def post_filter_search(client: MilvusClient, name: str, queries, groups: Sequence[str], k: int = 10) -> Hits:
    """Search without a filter, then drop the hits outside ``groups``."""
    hits = search(client, name, queries, k, output_fields=(GROUP_FIELD, "title"))
    allowed = set(groups)
    keep = [[j for j, p in enumerate(row) if p[GROUP_FIELD] in allowed] for row in hits.payload]
    return Hits([[hits.ids[i][j] for j in js] for i, js in enumerate(keep)],
                [[hits.scores[i][j] for j in js] for i, js in enumerate(keep)],
                [[hits.payload[i][j] for j in js] for i, js in enumerate(keep)])


def leaks(hits: Hits, groups: Sequence[str], group_of: Mapping[int, str]) -> int:
    """Hits whose document (looked up in ``group_of``, the source of truth) is outside ``groups``."""
    allowed = set(groups)
    return sum(group_of[i] not in allowed for row in hits.ids for i in row)


def lost_results(pre: Hits, post: Hits) -> int:
    """Result places post-filtering fails to fill that pre-filtering fills."""
    return sum(len(a) - len(b) for a, b in zip(pre.ids, post.ids))
