"""Correct solutions written the way a learner might, deliberately unlike the reference solutions in
course_lib/exercises/definitions: one per notebook. The reference run of each notebook uses this
one in place of the reference (tests/notebook_runner.py), and tests/test_learner_code_drives.py
checks that the notebook then runs on it and shows the same figures as with the library's function.
"""
import textwrap

# One correct solution per notebook, deliberately unlike the reference in course_lib/exercises/definitions.
ALTERNATIVES = {
    "00": ("vector_length", """
        import math

        def vector_length(v):
            total = 0.0
            for x in v:
                total += float(x) * float(x)
            return math.sqrt(total)
        """),
    "01": ("top_k_neighbours", """
        import numpy as np

        def top_k_neighbours(word, words, vectors, k):
            m = np.asarray(vectors, dtype=float)
            i = list(words).index(word)
            lengths = np.sqrt((m * m).sum(axis=1))
            sims = [float(m[i] @ m[j] / (lengths[i] * lengths[j])) if lengths[i] and lengths[j] else 0.0
                    for j in range(len(words))]
            ranked = sorted((j for j in range(len(words)) if j != i), key=lambda j: -sims[j])
            return [(words[j], sims[j]) for j in ranked[:k]]
        """),
    "02": ("skipgram_pairs", """
        def skipgram_pairs(tokens, window):
            tokens = list(tokens)
            pairs = []
            for i, center in enumerate(tokens):
                left = tokens[max(0, i - window):i]
                right = tokens[i + 1:i + 1 + window]
                pairs.extend((center, context) for context in left + right)
            return pairs
        """),
    "03": ("solve_analogy", """
        import numpy as np

        def solve_analogy(a, b, c, words, vectors):
            v = np.asarray(vectors, dtype=np.float64)
            u = v / np.sqrt((v ** 2).sum(axis=1))[:, None]
            pos = {w: i for i, w in enumerate(words)}
            score = u @ u[pos[b]] - u @ u[pos[a]] + u @ u[pos[c]]   # ranks like cos(d, b − a + c)
            for j in np.argsort(-score, kind="stable"):
                if words[j] not in (a, b, c):
                    return words[j]
        """),
    "04": ("info_nce", """
        import torch

        def info_nce(queries, keys, temperature):
            q = queries / queries.norm(dim=1, keepdim=True)
            k = keys / keys.norm(dim=1, keepdim=True)
            logits = q @ k.T / temperature
            return (torch.logsumexp(logits, dim=1) - logits.diagonal()).mean()
        """),
    "05": ("truncate", """
        import numpy as np

        def truncate(embeddings, dims):
            rows = []
            for row in np.asarray(embeddings, dtype=np.float64):
                part = row[:dims]
                rows.append(part / np.sqrt(part @ part))
            return np.array(rows)
        """),
    "06": ("recall_at_k", """
        def recall_at_k(ranking, relevant, k):
            wanted = set(relevant)
            found = [doc for doc in list(ranking)[:k] if doc in wanted]
            return len(found) / len(wanted)
        """),
    "08": ("acl_filter", """
        def acl_filter(groups):
            quoted = []
            for g in groups:
                quoted.append('"' + g.replace('\\\\', '\\\\\\\\').replace('"', '\\\\"') + '"')
            return "access_group in [" + ",".join(quoted) + "]"
        """),
    # ---- notebook 09 (its own block: merges cleanly beside other notebooks' entries) ----
    "09": ("maxsim", """
        def maxsim(query_tokens, doc_tokens):
            total = 0.0
            for q in query_tokens:
                total += max(float(sum(a * b for a, b in zip(q, d))) for d in doc_tokens)
            return total
        """),
    # ---- notebook 07 ----
    "07": ("gradcache_step", """
        import torch

        def gradcache_step(encoder, queries, keys, chunk_size, temperature):
            spans = [(a, min(a + chunk_size, len(queries))) for a in range(0, len(queries), chunk_size)]
            cached = []
            for side in (queries, keys):
                with torch.no_grad():
                    cached.append(torch.cat([encoder(side[a:b]) for a, b in spans]).requires_grad_())
            q, k = cached
            q_unit = q / q.norm(dim=1, keepdim=True)
            k_unit = k / k.norm(dim=1, keepdim=True)
            log_p = torch.log_softmax(q_unit @ k_unit.T / temperature, dim=1)
            loss = -log_p.diagonal().mean()
            loss.backward()
            for side, emb in zip((queries, keys), (q, k)):
                for a, b in spans:
                    again = encoder(side[a:b])
                    (again * emb.grad[a:b]).sum().backward()
            return loss.item()
        """),
}


def alternative_sources(notebook: str) -> dict[str, str]:
    """{exercise id: cell source} for the notebook's alternative solution (empty if it has none)."""
    if notebook not in ALTERNATIVES:
        return {}
    ex_id, source = ALTERNATIVES[notebook]
    return {ex_id: textwrap.dedent(source).strip()}
