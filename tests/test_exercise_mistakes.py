"""Every exercise: at least two typical wrong solutions fail the visible checks, and the learner is
shown the hint meant for that mistake (the hint of the first failing check, as the check cell shows it)."""
import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_lib.exercises import core
from course_lib.exercises.definitions import nb01, nb02, nb03
from test_nb03_exercises import _unit
from test_nb03_exercises import forgets_exclusion as analogy_without_exclusion
from test_nb03_exercises import forgets_normalising as analogy_without_normalising

# ---- notebook 00 ----------------------------------------------------------------------------------


def length_without_squares(v):
    return float(np.sum(v))


def length_without_root(v):
    return float(np.sum(np.asarray(v, dtype=float) ** 2))


# ---- notebook 01 ----------------------------------------------------------------------------------


def one_hot_one_based(word, vocab):
    v = np.zeros(len(vocab))
    v[(vocab.index(word) + 1) % len(vocab)] = 1.0
    return v


def one_hot_sorted_vocab(word, vocab):
    vocab = sorted(set(vocab))
    v = np.zeros(len(vocab))
    v[vocab.index(word)] = 1.0
    return v


def cosine_without_normalising(u, v):
    return float(np.dot(u, v))


def cosine_without_zero_guard(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))


def top_k_keeps_the_query(word, words, vectors, k):
    query = vectors[words.index(word)]
    scored = [(w, nb01.cosine_similarity(query, v)) for w, v in zip(words, vectors)]
    return sorted(scored, key=lambda p: p[1], reverse=True)[:k]


def top_k_lowest_first(word, words, vectors, k):
    query = vectors[words.index(word)]
    scored = [(w, nb01.cosine_similarity(query, v)) for w, v in zip(words, vectors) if w != word]
    return sorted(scored, key=lambda p: p[1])[:k]


def top_k_dot_product(word, words, vectors, k):
    query = vectors[words.index(word)]
    scored = [(w, float(query @ v)) for w, v in zip(words, vectors) if w != word]
    return sorted(scored, key=lambda p: p[1], reverse=True)[:k]


# ---- notebook 02 ----------------------------------------------------------------------------------


def pairs_window_one_short(tokens, window):
    return [(c, tokens[j]) for i, c in enumerate(tokens)
            for j in range(max(0, i - window), min(len(tokens), i + window)) if j != i]


def pairs_by_word_not_position(tokens, window):
    out = []
    for center in tokens:
        i = tokens.index(center)   # the first occurrence, wrong for repeated words
        out += [(center, tokens[j]) for j in range(max(0, i - window), min(len(tokens), i + window + 1)) if j != i]
    return out


def noise_without_power(counts, power=0.75):
    c = np.asarray(counts, dtype=float)
    return c / c.sum()


def noise_fixed_power(counts, power=0.75):
    w = np.asarray(counts, dtype=float) ** 0.75
    return w / w.sum()


def noise_not_normalised(counts, power=0.75):
    return np.asarray(counts, dtype=float) ** power


def sgns_detached(v_w, v_c, v_n):
    return nb02.sgns_loss(v_w.detach(), v_c.detach(), v_n.detach())


def sgns_negatives_wrong_sign(v_w, v_c, v_n):
    positive = F.logsigmoid((v_w * v_c).sum(dim=1))
    negative = F.logsigmoid((v_n @ v_w.unsqueeze(2)).squeeze(2)).sum(dim=1)
    return -(positive + negative).mean()


def sgns_summed_over_batch(v_w, v_c, v_n):
    positive = F.logsigmoid((v_w * v_c).sum(dim=1))
    negative = F.logsigmoid(-(v_n @ v_w.unsqueeze(2)).squeeze(2)).sum(dim=1)
    return -(positive + negative).sum()


# ---- notebook 03 ----------------------------------------------------------------------------------
# (the two solve_analogy mistakes are the ones tests/test_nb03_exercises.py already defines)


def accuracy_counts_unknown_as_wrong(questions, words, vectors):
    right = sum(set(q) <= set(words) and nb03.solve_analogy(*q[:3], words, vectors) == q[3] for q in questions)
    return right / len(questions)


def accuracy_without_guard(questions, words, vectors):
    known = [q for q in questions if set(q) <= set(words)]
    return sum(nb03.solve_analogy(*q[:3], words, vectors) == q[3] for q in known) / len(known)


def cosmul_is_3cosadd(a, b, c, words, vectors, eps=0.001):
    return nb03.solve_analogy(a, b, c, words, vectors)


def cosmul_without_exclusion(a, b, c, words, vectors, eps=0.001):
    unit = _unit(vectors)
    s = (1 + unit @ unit[[words.index(a), words.index(b), words.index(c)]].T) / 2
    return words[int(np.argmax(s[:, 1] * s[:, 2] / (s[:, 0] + eps)))]


# ---- notebook 04 ----------------------------------------------------------------------------------


def info_nce_tau_multiplied(queries, keys, temperature):
    logits = F.normalize(queries, dim=1) @ F.normalize(keys, dim=1).T * temperature
    return F.cross_entropy(logits, torch.arange(len(queries)))


def info_nce_dot_product(queries, keys, temperature):
    return F.cross_entropy(queries @ keys.T / temperature, torch.arange(len(queries)))


def info_nce_detached(queries, keys, temperature):
    logits = F.normalize(queries, dim=1) @ F.normalize(keys, dim=1).T / temperature
    return torch.tensor(F.cross_entropy(logits, torch.arange(len(queries))).item())


def labels_as_float(batch_size):
    return torch.arange(batch_size, dtype=torch.float32)


def labels_from_one(batch_size):
    return torch.arange(1, batch_size + 1)


def miner_without_answer_filter(scores, positive, answers, k, margin):
    order = [int(c) for c in np.argsort(-np.asarray(scores), kind="stable")]
    return [c for c in order if c != positive and scores[c] < scores[positive] - margin][:k]


def miner_without_margin(scores, positive, answers, k, margin):
    order = [int(c) for c in np.argsort(-np.asarray(scores), kind="stable")]
    return [c for c in order if c != positive and answers[c] != answers[positive]][:k]


# ---- notebook 05 ----------------------------------------------------------------------------------


def normalise_then_truncate(embeddings, dims):
    x = np.asarray(embeddings, dtype=float)
    return (x / np.linalg.norm(x, axis=1, keepdims=True))[:, :dims]


def truncate_with_one_norm_for_all_rows(embeddings, dims):
    x = np.asarray(embeddings, dtype=float)[:, :dims]
    return x / np.linalg.norm(x)


def _mrl(queries, keys, dims, weights, temperature, *, tau_times=False, normalise_first=False, use_weights=True):
    labels = torch.arange(len(queries))
    if normalise_first:
        queries, keys = F.normalize(queries, dim=1), F.normalize(keys, dim=1)
    total = torch.zeros(())
    for m, w in zip(dims, weights):
        q, k = queries[:, :m], keys[:, :m]
        if not normalise_first:
            q, k = F.normalize(q, dim=1), F.normalize(k, dim=1)
        logits = q @ k.T * temperature if tau_times else q @ k.T / temperature
        total = total + (w if use_weights else 1.0) * F.cross_entropy(logits, labels)
    return total


def mrl_tau_multiplied(queries, keys, dims, weights, temperature):
    return _mrl(queries, keys, dims, weights, temperature, tau_times=True)


def mrl_normalises_before_truncating(queries, keys, dims, weights, temperature):
    return _mrl(queries, keys, dims, weights, temperature, normalise_first=True)


def mrl_ignores_weights(queries, keys, dims, weights, temperature):
    return _mrl(queries, keys, dims, weights, temperature, use_weights=False)


def mrl_detached(queries, keys, dims, weights, temperature):
    return _mrl(queries, keys, dims, weights, temperature).detach()


def storage_binary_as_bytes(n_docs, dims, dtype):
    per_dim = {"float32": 4, "float16": 2, "int8": 1, "binary": 1}[dtype]
    return n_docs * dims * per_dim


def storage_binary_not_rounded_up(n_docs, dims, dtype):
    per_dim = {"float32": 4, "float16": 2, "int8": 1, "binary": 1 / 8}[dtype]
    return int(n_docs * dims * per_dim)


def storage_as_float(n_docs, dims, dtype):
    per_dim = {"float32": 4, "float16": 2, "int8": 1, "binary": 1 / 8}[dtype]
    return n_docs * math.ceil(dims * per_dim) / 1


# ---- notebook 06 ----------------------------------------------------------------------------------


def chunks_without_overlap(tokens, size, overlap):
    return [list(tokens[i:i + size]) for i in range(0, len(tokens), size)]


def chunks_past_the_end(tokens, size, overlap):
    return [list(tokens[i:i + size]) for i in range(0, len(tokens), size - overlap)]


def recall_over_k(ranking, relevant, k):
    return len(set(ranking[:k]) & set(relevant)) / k


def recall_one_too_many(ranking, relevant, k):
    return len(set(ranking[:k + 1]) & set(relevant)) / len(set(relevant))


def recall_one_too_few(ranking, relevant, k):
    return len(set(ranking[:k - 1]) & set(relevant)) / len(set(relevant))


def rr_ranks_from_zero(ranking, relevant, k):
    return next((1 / r if r else 1.0 for r, d in enumerate(ranking[:k]) if d in relevant), 0.0)


def rr_ignores_k(ranking, relevant, k):
    return next((1 / r for r, d in enumerate(ranking, start=1) if d in relevant), 0.0)


def rr_first_listed_relevant(ranking, relevant, k):
    """The rank of the first document in ``relevant``'s order, not the first relevant one in the ranking."""
    if relevant[0] not in ranking[:k]:
        return 0.0
    return 1 / (ranking.index(relevant[0]) + 1)


def ndcg_ranks_from_zero(ranking, relevant, k):
    dcg = sum(1 / math.log2(r) for r, d in enumerate(ranking[:k]) if d in relevant)
    ideal = sum(1 / math.log2(r) for r in range(min(len(relevant), k)))
    return dcg / ideal


def ndcg_unnormalised(ranking, relevant, k):
    return sum(1 / math.log2(r + 1) for r, d in enumerate(ranking[:k], start=1) if d in relevant)


def ndcg_ideal_ignores_k(ranking, relevant, k):
    dcg = sum(1 / math.log2(r + 1) for r, d in enumerate(ranking[:k], start=1) if d in relevant)
    return dcg / sum(1 / math.log2(r + 1) for r in range(1, len(set(relevant)) + 1))


def retrieve_without_clamp(index, query_vector, k):
    scores, ids = index.search(np.asarray(query_vector, dtype=np.float32).reshape(1, -1), k)
    return ids[0], scores[0]


def retrieve_swapped(index, query_vector, k):
    ids, scores = index.search(np.asarray(query_vector, dtype=np.float32).reshape(1, -1), min(k, index.ntotal))
    return ids[0], scores[0]


def retrieve_keeps_2d(index, query_vector, k):
    scores, ids = index.search(np.asarray(query_vector, dtype=np.float32).reshape(1, -1), min(k, index.ntotal))
    return ids, scores


# ---- notebook 08 ----------------------------------------------------------------------------------


def acl_filter_unescaped(groups):
    return "access_group in [" + ", ".join(f'"{g}"' for g in groups) + "]"


def acl_filter_empty_means_everything(groups):
    return "" if not groups else "access_group in " + json.dumps(list(groups))


def drift_distance_of_means(reference, recent):
    return float(np.linalg.norm(np.mean(reference, axis=0) - np.mean(recent, axis=0)))


def drift_mean_over_columns(reference, recent):
    a, b = np.mean(reference, axis=1), np.mean(recent, axis=1)
    n = min(len(a), len(b))
    return float(1 - a[:n] @ b[:n] / (np.linalg.norm(a[:n]) * np.linalg.norm(b[:n])))


def swap_without_canary(client, alias, shadow, canary):
    previous = client.describe_alias(alias)["collection_name"]
    client.load_collection(shadow)
    client.alter_alias(shadow, alias)
    return previous


def swap_drop_then_create(client, alias, shadow, canary):
    previous = client.describe_alias(alias)["collection_name"]
    client.load_collection(shadow)
    if canary(client, shadow):
        client.drop_alias(alias)
        client.create_alias(shadow, alias)
    return previous


def swap_drops_the_old_collection(client, alias, shadow, canary):
    previous = client.describe_alias(alias)["collection_name"]
    client.load_collection(shadow)
    if canary(client, shadow):
        client.alter_alias(shadow, alias)
        client.drop_collection(previous)
    return previous


# ---- notebook 09 ----------------------------------------------------------------------------------


def maxsim_wrong_axis(query_tokens, doc_tokens):
    return float((np.asarray(query_tokens) @ np.asarray(doc_tokens).T).max(axis=0).sum())


def maxsim_mean(query_tokens, doc_tokens):
    return float((np.asarray(query_tokens) @ np.asarray(doc_tokens).T).max(axis=1).mean())


def zipf_ranks_from_one(n_tokens, sif_coefficient):
    p = 1 / np.arange(1, n_tokens + 1)
    return sif_coefficient / (sif_coefficient + p / p.sum())


def zipf_not_normalised(n_tokens, sif_coefficient):
    return sif_coefficient / (sif_coefficient + 1 / np.arange(2, n_tokens + 2))


def lora_full_matrix(shapes, rank):
    return int(sum(rank * d_out * d_in for d_out, d_in in shapes))


def lora_only_a(shapes, rank):
    return int(sum(rank * d_in for _, d_in in shapes))


def lora_first_matrix_only(shapes, rank):
    d_out, d_in = shapes[0]
    return int(rank * (d_in + d_out))


MISTAKES_09 = [
    ("maxsim", maxsim_wrong_axis, "max over axis=1 of Q @ D.T"),
    ("maxsim", maxsim_mean, "MaxSim is a sum, not a mean"),
    ("zipf_weights", zipf_ranks_from_one, "np.arange(2, n + 2)"),
    ("zipf_weights", zipf_not_normalised, "Normalise p to sum to 1"),
    ("lora_parameter_count", lora_full_matrix, "not d_in · d_out"),
    ("lora_parameter_count", lora_only_a, "Count both A (rank × d_in) and B (d_out × rank)"),
    ("lora_parameter_count", lora_first_matrix_only, "Add up the adapters of every matrix"),
]


MISTAKES = [
    ("vector_length", length_without_squares, "Square every entry"),
    ("vector_length", length_without_root, "take the square root"),
    ("one_hot", one_hot_one_based, "'cat' is at position 0"),
    ("one_hot", one_hot_sorted_vocab, "Keep the vocabulary's own order"),
    ("cosine_similarity", cosine_without_normalising, "Divide the dot product by the product of the two lengths"),
    ("cosine_similarity", cosine_without_zero_guard, "check for it before dividing and return 0.0"),
    ("top_k_neighbours", top_k_keeps_the_query, "Skip the query word"),
    ("top_k_neighbours", top_k_lowest_first, "highest first"),
    ("top_k_neighbours", top_k_dot_product, "Use the cosine, not the dot product"),
    ("skipgram_pairs", pairs_window_one_short, "look at positions i-window … i+window"),
    ("skipgram_pairs", pairs_by_word_not_position, "Loop over positions (enumerate), not over distinct words"),
    ("noise_distribution", noise_without_power, "16**0.75 = 8"),
    ("noise_distribution", noise_fixed_power, "Use the power argument, not a fixed 0.75"),
    ("noise_distribution", noise_not_normalised, "divide each weight by their total"),
    ("sgns_loss", sgns_detached, "torch operations only, so that autograd can differentiate it"),
    ("sgns_loss", sgns_negatives_wrong_sign, "log σ(−v_w·v_n) for each negative (note the minus)"),
    ("sgns_loss", sgns_summed_over_batch, "Compute one loss per row, then .mean()"),
    ("solve_analogy", analogy_without_exclusion, "set the scores of a, b and c to -inf"),
    ("solve_analogy", analogy_without_normalising, "Divide every vector by its length"),
    ("analogy_accuracy", accuracy_counts_unknown_as_wrong, "skip that question entirely"),
    ("analogy_accuracy", accuracy_without_guard, "Guard the division"),
    ("solve_analogy_cosmul", cosmul_is_3cosadd, "Shift every cosine to (1 + cos) / 2"),
    ("solve_analogy_cosmul", cosmul_without_exclusion, "Set the scores of a, b and c to -inf"),
    ("info_nce", info_nce_tau_multiplied, "Divide the cosine similarities by τ"),
    # on unit vectors the value is right, so the gradient is what catches it
    ("info_nce", info_nce_dot_product, "normalised q @ normalised k.T"),
    ("info_nce", info_nce_detached, "training needs its gradient"),
    ("in_batch_labels", labels_as_float, "cross_entropy wants int64 class labels"),
    ("in_batch_labels", labels_from_one, "Labels count from 0"),
    ("mine_hard_negatives", miner_without_answer_filter, "shares the answer 'birds'"),
    ("mine_hard_negatives", miner_without_margin, "not below 0.60 − 0.05 = 0.55"),
    ("truncate", normalise_then_truncate, "Slice first (x[:, :dims])"),
    ("truncate", truncate_with_one_norm_for_all_rows, "Each row is divided by its own length"),
    ("mrl_info_nce", mrl_tau_multiplied, "Divide the cosine logits by the temperature"),
    ("mrl_info_nce", mrl_normalises_before_truncating, "Normalise after slicing"),
    ("mrl_info_nce", mrl_ignores_weights, "Multiply each prefix's loss by its weight"),
    ("mrl_info_nce", mrl_detached, "training needs the gradient of the sum"),
    ("storage_bytes", storage_binary_as_bytes, "one bit per dimension"),
    ("storage_bytes", storage_binary_not_rounded_up, "math.ceil(dims / 8)"),
    ("storage_bytes", storage_as_float, "Return a whole number of bytes as an int"),
    ("chunk_tokens", chunks_without_overlap, "size − overlap = 2 tokens after the previous one"),
    ("chunk_tokens", chunks_past_the_end, "no chunk ['g'] follows"),
    ("recall_at_k", recall_over_k, "Divide by the number of relevant documents, not by k"),
    ("recall_at_k", recall_one_too_many, "Only the first k positions count"),
    ("recall_at_k", recall_one_too_few, "ranking[:k] keeps ranks 1 … k"),
    ("mrr_at_k", rr_ranks_from_zero, "Ranks start at 1"),
    ("mrr_at_k", rr_ignores_k, "Only the first k positions count"),
    ("mrr_at_k", rr_first_listed_relevant, "first relevant document"),
    ("ndcg_at_k", ndcg_ranks_from_zero, "Ranks start at 1"),
    ("ndcg_at_k", ndcg_unnormalised, "The ideal DCG puts min(len(relevant), k) hits"),
    ("ndcg_at_k", ndcg_ideal_ignores_k, "the ideal uses min(len(relevant), k) hits"),
    ("retrieve", retrieve_without_clamp, "Clamp k to index.ntotal"),
    ("retrieve", retrieve_swapped, "returns (scores, ids)"),
    ("retrieve", retrieve_keeps_2d, "return row 0"),
    ("acl_filter", acl_filter_unescaped, "Escape the quotes inside a name"),
    ("acl_filter", acl_filter_empty_means_everything, "An empty string would match everything"),
    ("drift_score", drift_distance_of_means, "not their lengths or distance"),
    ("drift_score", drift_mean_over_columns, "Average over the rows (axis=0)"),
    ("safe_swap", swap_without_canary, "leave the alias alone when it fails"),
    ("safe_swap", swap_drop_then_create, "Switch with one call"),
    ("safe_swap", swap_drops_the_old_collection, "Keep the old collection"),
]
MISTAKES += MISTAKES_09   # notebook 09 (kept in its own block above)


# ---- notebook 07 ----------------------------------------------------------------------------------


def _cached(encoder, inputs, chunk):
    with torch.no_grad():
        return torch.cat([encoder(inputs[a:a + chunk]) for a in range(0, len(inputs), chunk)]).requires_grad_()


def _infonce(q, k, temperature):
    logits = torch.nn.functional.normalize(q, dim=1) @ torch.nn.functional.normalize(k, dim=1).T / temperature
    return torch.nn.functional.cross_entropy(logits, torch.arange(len(q)))


def gradcache_loss_per_chunk(encoder, queries, keys, chunk_size, temperature):
    total = 0.0
    for a in range(0, len(queries), chunk_size):
        q, k = _cached(encoder, queries[a:a + chunk_size], chunk_size), _cached(encoder, keys[a:a + chunk_size], chunk_size)
        loss = _infonce(q, k, temperature) * len(q) / len(queries)
        loss.backward()
        encoder(queries[a:a + chunk_size]).backward(q.grad)
        encoder(keys[a:a + chunk_size]).backward(k.grad)
        total += float(loss.detach())
    return total


def gradcache_without_injection(encoder, queries, keys, chunk_size, temperature):
    q, k = _cached(encoder, queries, chunk_size), _cached(encoder, keys, chunk_size)
    loss = _infonce(q, k, temperature)
    loss.backward()
    for a in range(0, len(queries), chunk_size):
        encoder(queries[a:a + chunk_size]).sum().backward()
        encoder(keys[a:a + chunk_size]).sum().backward()
    return float(loss)


def gradcache_whole_batch_with_graph(encoder, queries, keys, chunk_size, temperature):
    _cached(encoder, queries, chunk_size), _cached(encoder, keys, chunk_size)
    loss = _infonce(encoder(queries), encoder(keys), temperature)
    loss.backward()
    return float(loss)


def bank_loss_ignores_the_bank(queries, keys, bank, temperature):
    return _infonce(queries, keys, temperature)


def bank_loss_bank_first(queries, keys, bank, temperature):
    q = torch.nn.functional.normalize(queries, dim=1)
    candidates = torch.nn.functional.normalize(torch.cat([bank, keys]), dim=1)
    return torch.nn.functional.cross_entropy(q @ candidates.T / temperature, torch.arange(len(q)))


def bank_loss_bank_not_normalised(queries, keys, bank, temperature):
    q, k = torch.nn.functional.normalize(queries, dim=1), torch.nn.functional.normalize(keys, dim=1)
    candidates = torch.cat([k, bank])
    return torch.nn.functional.cross_entropy(q @ candidates.T / temperature, torch.arange(len(q)))


def update_bank_keeps_the_oldest(bank, keys, size):
    return torch.cat([bank, torch.nn.functional.normalize(keys.detach(), dim=1)])[:size]


def update_bank_not_normalised(bank, keys, size):
    queue = torch.cat([bank, keys.detach()])
    return queue[max(0, len(queue) - size):] if size else queue[:0]


def update_bank_not_detached(bank, keys, size):
    queue = torch.cat([bank, torch.nn.functional.normalize(keys, dim=1)])
    return queue[max(0, len(queue) - size):] if size else queue[:0]


MISTAKES += [
    ("gradcache_step", gradcache_loss_per_chunk, "A loss per chunk is gradient accumulation"),
    ("gradcache_step", gradcache_without_injection, "not emb.sum().backward()"),
    ("gradcache_step", gradcache_whole_batch_with_graph, "re-embeds chunk by chunk"),
    ("memory_bank_loss", bank_loss_ignores_the_bank, "Append the bank's rows to the candidates"),
    ("memory_bank_loss", bank_loss_bank_first, "Keys first, then the bank"),
    ("memory_bank_loss", bank_loss_bank_not_normalised, "Normalise the bank's rows too"),
    ("update_bank", update_bank_keeps_the_oldest, "Dequeue from the front"),
    ("update_bank", update_bank_not_normalised, "Store the keys L2-normalised"),
    ("update_bank", update_bank_not_detached, "Detach the keys before queueing"),
]


@pytest.mark.parametrize("ex_id, wrong, hint", MISTAKES, ids=[f"{e}-{f.__name__}" for e, f, _ in MISTAKES])
def test_typical_mistake_fails_with_its_hint(ex_id, wrong, hint):
    result = core.run_cases(core.get(ex_id), wrong, include_hidden=False)
    assert result.attempted and not result.passed and result.score < 1
    shown = result.summary()
    assert "Hint: " in shown and hint in shown, shown
    # graded with the hidden cases too, it still does not get full marks
    assert core.run_cases(core.get(ex_id), wrong, include_hidden=True).score < core.get(ex_id).points


def test_every_exercise_has_at_least_two_mistake_tests():
    counts = {ex_id: 0 for ex_id in core.load_all()}
    for ex_id, _, _ in MISTAKES:
        counts[ex_id] += 1
    assert {ex_id: n for ex_id, n in counts.items() if n < 2} == {}


def test_a_consistent_log_base_cancels_out_in_ndcg():
    """Why "a wrong log base" is not among the nDCG mistakes: with binary relevance, the base divides
    DCG and the ideal DCG alike, so natural logs give the same nDCG (and get full marks, rightly)."""
    def ndcg_natural_log(ranking, relevant, k):
        dcg = sum(1 / math.log(r + 1) for r, d in enumerate(ranking[:k], start=1) if d in relevant)
        return dcg / sum(1 / math.log(r + 1) for r in range(1, min(len(set(relevant)), k) + 1))

    assert core.run_cases(core.get("ndcg_at_k"), ndcg_natural_log, include_hidden=True).passed
