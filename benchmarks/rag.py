"""The RAG retrieval loop of notebook 06: quality on the evaluation set, latency, HNSW recall.

    .venv/bin/python benchmarks/rag.py [--profile ci|laptop|gpu]

Prints progress on stderr and one JSON object last on stdout:

* ``ndcg10``: {bm25, dense, hybrid, hybrid_rerank, dense_rerank} with the base MiniLM, and
  ``ndcg10_by_model``: the same per dense model (base, fine-tuned, mrl-64);
* ``p50_ms`` / ``p95_ms``: one question at a time, dense retrieval + cross-encoder re-rank of the
  top 20 (10 in ci) + prompt + extractive answer, on this CPU, with the cross-encoder served in
  int8 (as notebook 06 does); ``fp32``: the same latency and the re-rank nDCG@10 with the float32
  cross-encoder, for comparison;
* ``hnsw_recall10``: recall@10 of HNSW against exact search at the smallest efSearch reaching
  0.95 (or the best one measured), with ``hnsw_ef_search``;
* ``eval_questions``, ``collection`` (what was searched), ``notes`` (fallbacks used).
"""
from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _common import emit, log, parse_args  # noqa: E402


def ndcg_by_model(results) -> dict[str, dict[str, float]]:
    """{model: {method: nDCG@10}} from ``evaluate.evaluate``'s table ("+" becomes "_" in method names)."""
    return {m: {meth.replace("+", "_"): round(float(v), 4)
                for meth, v in results[results.model == m].set_index("method")["ndcg@10"].items()}
            for m in results.model.unique()}


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    from course_lib import runtime
    from course_lib.data import load_articles
    from course_lib.retrieval import chunking, eval_set, evaluate, indexes, pipeline
    from course_lib.retrieval.rerank import is_int8, quantize_for_cpu
    from course_lib.trained import encoders
    from course_lib.trained.cross_encoder import load_course_cross_encoder

    runtime.seed_everything(0)
    t_start = time.perf_counter()
    dev, questions = eval_set.load_eval_questions(half="dev"), eval_set.load_eval_questions(half="test")
    articles = load_articles()
    doc_ids = eval_set.eval_collection(dev + questions)   # the collection notebook 06 searches
    collection = articles.set_index("doc_id").loc[doc_ids].reset_index()
    label = eval_set.collection_label(doc_ids)
    log(f"[rag] profile={args.profile}: {len(questions)} test questions (figures), {len(dev)} dev (index choice), {label}")
    chunks = chunking.chunk_collection(collection, size=112, overlap=16)
    log(f"[rag] {len(chunks):,} chunks; loading models …")
    encs = encoders.load_encoders(args.profile)
    cross = load_course_cross_encoder(args.profile)   # float32 first, for the comparison below
    notes = encoders.notes(encs) + [f"cross-encoder: {cross.note}"]
    for n in notes:
        log("[rag]  ", n)
    depth = runtime.by_profile(ci=10, laptop=20)
    t0 = time.perf_counter()
    rag = pipeline.RAGPipeline.from_chunks(chunks, encoders.available(encs), reranker=cross.model,
                                           reranker_note=cross.note, rerank_depth=depth, label=label)
    log(f"[rag] embedded and indexed in {time.perf_counter() - t0:.1f} s; evaluating …")
    results = evaluate.evaluate(rag, questions)
    log(results.round(3).to_string())

    log("[rag] latency, one question at a time (dense + re-rank) …")
    texts = [q.question for q in questions]
    fp32 = {}
    if rag.has_reranker and runtime.pick_device().type == "cpu":   # serve int8, as notebook 06 does
        lat32 = evaluate.per_query_latency(rag, texts, method="dense+rerank", model="base", k=10)
        fp32 = {"ndcg10": {m: v for m, v in ndcg_by_model(results)["base"].items() if "rerank" in m},
                "p50_ms": round(float(lat32.total.median()), 1), "p95_ms": round(float(lat32.total.quantile(0.95)), 1)}
        rag.set_reranker(quantize_for_cpu(cross.model), cross.note + ", int8")
        log("[rag] re-evaluating with the int8 cross-encoder …")
        results = evaluate.evaluate(rag, questions)
        log(results.round(3).to_string())
    by_model = ndcg_by_model(results)
    lat = evaluate.per_query_latency(rag, texts, method="dense+rerank", model="base", k=10)
    stages = {s: round(float(lat[s].median()), 2) for s in ("embed query", "dense search", "re-rank", "answer")
              if s in lat}

    log("[rag] nDCG@10 by question style (base model) …")
    by_style = {}
    for method in pipeline.METHODS:
        ranks = rag.doc_rankings(texts, method, "base")
        for style in eval_set.STYLES:
            keep = [i for i, q in enumerate(questions) if q.style == style]
            if keep:
                m = evaluate.evaluate_doc_rankings([ranks[i] for i in keep], [questions[i].doc_ids for i in keep])
                by_style.setdefault(style, {})[method.replace("+", "_")] = round(float(m["ndcg@10"]), 4)

    log("[rag] index sweep (chosen on the dev half) …")
    base = rag.models["base"]
    sweep_queries = base.encode_queries([q.question for q in dev] + [d for d in collection.description if d][:300])
    table, _ = indexes.sweep(base.vectors, sweep_queries, k=10, M=32)
    log(table.round(4).to_string())
    hnsw = table[table.kind == "hnsw"]
    ok = hnsw[hnsw.recall10 >= 0.95]
    pick = ok.iloc[0] if len(ok) else hnsw.sort_values("recall10").iloc[-1]

    emit({
        "profile": args.profile,
        "eval_questions": len(dev) + len(questions), "test_questions": len(questions), "eval_split": "test",
        "title_in_question_share": round(eval_set.title_in_question_share(dev + questions), 4),
        "ndcg10_by_style": by_style,
        "collection": label,
        "chunks": int(rag.size),
        "rerank_depth": depth,
        "ndcg10": by_model["base"],
        "ndcg10_by_model": by_model,
        "recall10": {m.replace("+", "_"): round(float(v), 4) for m, v in results[results.model == "base"].set_index("method")["recall@10"].items()},
        "p50_ms": round(float(lat.total.median()), 1),
        "p95_ms": round(float(lat.total.quantile(0.95)), 1),
        "stage_p50_ms": stages,
        "reranker_int8": is_int8(rag.reranker),
        "fp32": fp32,
        "hnsw_recall10": round(float(pick.recall10), 4),
        "hnsw_ef_search": int(pick.value),
        "hnsw_ms_per_query": round(float(pick.ms_per_query), 4),
        "flat_ms_per_query": round(float(table.iloc[0].ms_per_query), 4),
        "notes": notes,
        "seconds": round(time.perf_counter() - t_start, 1),
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    })


if __name__ == "__main__":
    main()
