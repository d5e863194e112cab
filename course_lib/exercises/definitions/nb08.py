"""Notebook 08 — a user's filter expression, a drift statistic, the order of a safe model swap.

The functions below are the reference solutions, written the way a learner might write them.
The library's own versions (``course_lib.vectordb``) add input checks and friendlier errors.
``acl_filter`` is graded on behaviour: each expression runs as a filter in a real (embedded)
Milvus collection, and must keep exactly the documents the reference keeps. ``safe_swap`` is
graded on behaviour too, against a small stand-in for ``MilvusClient`` that records whether a
query could have failed at any moment of the swap.
"""
import json
import tempfile

import numpy as np

from ...vectordb import client as vclient
from ...vectordb.collections import Documents, build_collection
from ..core import Case, Exercise, Mismatch, register


def acl_filter(groups):
    """A Milvus filter expression that keeps only the documents whose ``access_group`` is one of
    ``groups``. Write each group as a double-quoted string with its quotes and backslashes escaped
    (``json.dumps`` does exactly that). No groups: an expression that matches nothing."""
    return "access_group in " + json.dumps(list(groups))


def drift_score(reference, recent):
    """1 − cos(μ_ref, μ_recent), where μ is the mean row (query embedding) of each window."""
    mu_ref = np.mean(np.asarray(reference, dtype=float), axis=0)
    mu_new = np.mean(np.asarray(recent, dtype=float), axis=0)
    return float(1 - mu_ref @ mu_new / (np.linalg.norm(mu_ref) * np.linalg.norm(mu_new)))


def safe_swap(client, alias, shadow, canary):
    """Switch ``alias`` to the collection ``shadow`` only if ``canary(client, shadow)`` is True
    (load the shadow first: the canary searches it); never leave the alias pointing at nothing;
    keep the old collection; return the name of the collection the alias pointed to before."""
    previous = client.describe_alias(alias)["collection_name"]
    client.load_collection(shadow)
    if canary(client, shadow):
        client.alter_alias(shadow, alias)
    return previous


# ---- acl_filter: graded by running the expressions in a real collection -----------------------------

GROUP_NAMES = ["public", "staff", "finance", "legal", 'say "hi"', "back\\slash", "it's", "x\"] or access_group != [\""]
_DB: dict = {}


def _collection():
    """One embedded collection with a document in every group (built once per process)."""
    if not _DB:
        db = vclient.connect(vclient.database_path("acl-exercise", tempfile.mkdtemp(prefix="course-nb08-")))
        n = 2 * len(GROUP_NAMES)
        rng = np.random.default_rng(0)
        docs = Documents(np.arange(n), rng.normal(size=(n, 4)), [f"d{i}" for i in range(n)], ["t"] * n,
                         [GROUP_NAMES[i % len(GROUP_NAMES)] for i in range(n)])
        _DB.update(client=db, name=build_collection(db, "acl", docs, "exercise", progress=False)[0])
    return _DB["client"], _DB["name"]


def _kept(expression):
    db, name = _collection()
    try:
        return sorted(r["id"] for r in db.query(name, filter=expression, output_fields=["id"]))
    except Exception as err:  # noqa: BLE001 - the database rejects a malformed expression
        raise Mismatch(f"Milvus could not run the expression {expression!r}: {str(err)[:200]}") from None


def _compare_filter(result, expected):
    if not isinstance(result, str):
        raise AssertionError(f"return the expression as a str, got {type(result).__name__}")
    got, want = _kept(result), _kept(expected)
    if got != want:
        groups = lambda ids: sorted({GROUP_NAMES[i % len(GROUP_NAMES)] for i in ids})  # noqa: E731
        raise AssertionError(f"{result!r} keeps documents of {groups(got)}; expected {groups(want)}")


def _filter_cases():
    rng = np.random.default_rng(8)
    hidden = [Case(args=(sorted(rng.choice(GROUP_NAMES, size=int(s), replace=False).tolist()),), hidden=True)
              for s in (1, 2, 3, 5, 7)]
    return [
        Case(args=(["staff"],), label="one group", expected=acl_filter(["staff"]),
             hint="The form is: access_group in [\"staff\"]"),
        Case(args=(["public", "finance"],), label="two groups", expected=acl_filter(["public", "finance"]),
             hint="List every group: access_group in [\"public\", \"finance\"]"),
        Case(args=(['say "hi"'],), label="a group name with double quotes", expected=acl_filter(['say "hi"']),
             hint="Escape the quotes inside a name (json.dumps does): otherwise the string ends early."),
        Case(args=(["x\"] or access_group != [\"", "public"],), label="a group name that tries to rewrite the filter",
             expected=acl_filter(["x\"] or access_group != [\"", "public"]),
             hint="A name is data, never code: escape it (json.dumps), or the user sees every group."),
        Case(args=(["back\\slash", "it's"],), label="backslashes and apostrophes", expected=acl_filter(["back\\slash", "it's"]),
             hint="Escape backslashes too (json.dumps does)."),
        Case(args=([],), label="a user with no groups sees nothing", expected=acl_filter([]),
             hint="No groups: `access_group in []` matches nothing. An empty string would match everything."),
        *hidden,
    ]


# ---- drift_score ------------------------------------------------------------------------------------

def _drift_cases():
    rng = np.random.default_rng(9)
    hidden = []
    for n_a, n_b, d in ((5, 7, 3), (50, 20, 16), (200, 40, 64), (10, 10, 384)):
        shift = rng.normal(size=d)
        hidden.append(Case(args=(rng.normal(size=(n_a, d)) + shift, rng.normal(size=(n_b, d)) + 0.5 * shift), hidden=True))
    ref = np.array([[1.0, 0.0], [1.0, 2.0]])          # mean (1, 1)
    return [
        # symmetric windows first: their row and column means agree, so only a length-based answer fails here
        Case(args=(np.array([[2.0, 1.0], [1.0, 2.0]]), np.array([[3.0, 3.0], [3.0, 3.0]])),
             label="same direction, longer mean: 0", expected=0.0,
             hint="Compare the directions of the two mean vectors (a cosine), not their lengths or distance."),
        Case(args=(ref, np.array([[2.0, 0.0], [0.0, 0.0]])), label="mean (1, 0) vs (1, 1)",
             expected=1 - 1 / np.sqrt(2),
             hint="Average over the rows (axis=0): one mean vector per window, then 1 − cos."),
        Case(args=(ref, np.array([[-1.0, -1.0]])), label="opposite: 2", expected=2.0,
             hint="Return 1 − cos, which is 0 for the same direction and 2 for the opposite one."),
        Case(args=(np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 4.0, 0.0], [0.0, 2.0, 0.0]])),
             label="windows of different sizes, orthogonal means", expected=1.0,
             hint="Each window has its own number of rows: average each over its rows."),
        *hidden,
    ]


# ---- safe_swap: a stand-in client that records whether a query could have failed ---------------------

class RecordingClient:
    """The alias calls of ``MilvusClient``, in memory. After every call it checks what a query on
    each alias would find; ``gaps`` counts the moments a query would have failed."""

    def __init__(self, collections, aliases, loaded):
        self.collections, self.aliases, self.loaded = set(collections), dict(aliases), set(loaded)
        self.gaps = []

    def _probe(self, call):
        for alias, target in self.aliases.items():
            if target not in self.collections or target not in self.loaded:
                self.gaps.append(f"after {call}, a query on {alias!r} fails")
        return None

    def describe_alias(self, alias):
        if alias not in self.aliases:
            raise ValueError(f"alias {alias!r} does not exist")
        return {"alias": alias, "collection_name": self.aliases[alias]}

    def has_collection(self, name):
        return name in self.collections or name in self.aliases

    def list_collections(self):
        return sorted(self.collections)

    def load_collection(self, collection_name):
        self.loaded.add(collection_name)

    def release_collection(self, collection_name):
        self.loaded.discard(collection_name)
        self._probe(f"release_collection({collection_name!r})")

    def alter_alias(self, collection_name, alias):
        self.aliases[alias] = collection_name
        self._probe(f"alter_alias({collection_name!r}, {alias!r})")

    def create_alias(self, collection_name, alias):
        if alias in self.aliases:
            raise ValueError(f"alias {alias!r} already exists")
        self.aliases[alias] = collection_name
        self._probe(f"create_alias({collection_name!r}, {alias!r})")

    def drop_alias(self, alias):
        self.aliases.pop(alias, None)
        self.gaps.append(f"after drop_alias({alias!r}), a query on {alias!r} fails: the alias is gone")

    def drop_collection(self, collection_name):
        self.collections.discard(collection_name)
        self.loaded.discard(collection_name)
        self._probe(f"drop_collection({collection_name!r})")

    def __deepcopy__(self, memo):
        twin = RecordingClient(self.collections, self.aliases, self.loaded)
        _SEEN.append(twin)          # the grader's copy: its state is read after the call
        return twin


_SEEN: list = []


class Canary:
    """Passes or fails the shadow; like a real canary it searches it, so it must be loaded."""

    def __init__(self, verdict):
        self.verdict = verdict

    def __call__(self, client, collection):
        if collection not in client.loaded:
            raise RuntimeError(f"collection {collection!r} is not loaded: load it before searching it")
        return self.verdict

    def __repr__(self):
        return f"Canary({self.verdict})"


class SwapOutcome:
    """What a correct swap leaves behind (the expected value of a case)."""

    def __init__(self, previous, alias, final, collections):
        self.previous, self.alias, self.final, self.collections = previous, alias, final, set(collections)

    def __repr__(self):
        return f"SwapOutcome(returns {self.previous!r}, {self.alias!r} → {self.final!r})"


def _compare_swap(result, expected):
    if not isinstance(expected, SwapOutcome):
        raise AssertionError("internal: the expected value is not a swap outcome")
    client = _SEEN[-1]           # the copy the learner's function just worked on
    _SEEN.clear()
    if client.gaps:
        raise Mismatch(client.gaps[0], hint="Switch with one call, client.alter_alias(shadow, alias): between "
                                            "drop_alias and create_alias (or after releasing/dropping the live "
                                            "collection), every query fails.")
    if not expected.collections <= client.collections:
        raise Mismatch(f"collections {sorted(expected.collections - client.collections)} were dropped",
                       hint="Keep the old collection: rolling back is then one alter_alias call.")
    final = client.aliases.get(expected.alias)
    if final != expected.final:
        raise Mismatch(f"the alias points to {final!r}, expected {expected.final!r}",
                       hint="Run the canary on the shadow first; switch only when it passes, and leave the "
                            "alias alone when it fails.")
    if result != expected.previous:
        raise AssertionError(f"returned {result!r}; expected the previous collection {expected.previous!r}")


def _swap_case(live, shadow, verdict, alias="docs", others=(), **kw):
    cols = {live, shadow, *others}
    args = (RecordingClient(cols, {alias: live}, {live, *others}), alias, shadow, Canary(verdict))
    return Case(args=args, expected=SwapOutcome(live, alias, shadow if verdict else live, cols), **kw)


def _swap_cases():
    return [
        _swap_case("docs_v1", "docs_v2", False, label="the canary fails: the alias stays on docs_v1",
                   hint="Run the canary on the shadow before switching; when it fails, do not switch."),
        _swap_case("docs_v1", "docs_v2", True, label="the canary passes: switch to docs_v2, keep docs_v1",
                   hint="load_collection(shadow), canary, then one alter_alias(shadow, alias); drop nothing."),
        _swap_case("kb_base", "kb_tuned", True, alias="kb", others=("kb_old",), label="another alias and an older collection"),
        _swap_case("a1", "a2", True, alias="a", hidden=True),
        _swap_case("a1", "a2", False, alias="a", hidden=True),
        _swap_case("live_x", "live_y", True, alias="live", others=("live_w", "unrelated"), hidden=True),
    ]


register(Exercise(
    id="acl_filter", notebook="08", title="A user's filter expression", reference=acl_filter, cases=_filter_cases,
    compare=_compare_filter, returns=str,
    hint="access_group in [...] with every group written as an escaped string: json.dumps(list(groups)).",
))
register(Exercise(
    id="drift_score", notebook="08", title="A drift statistic", reference=drift_score, cases=_drift_cases,
    hint="Mean of each window over its rows (axis=0), then 1 − cosine of the two means.",
    returns=(float, np.floating),
))
register(Exercise(
    id="safe_swap", notebook="08", title="The order of a safe model migration", reference=safe_swap,
    cases=_swap_cases, compare=_compare_swap, returns=str,
    hint="previous = describe_alias → load the shadow → canary → alter_alias only if it passed → return previous.",
))
