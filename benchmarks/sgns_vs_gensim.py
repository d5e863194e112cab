"""Our PyTorch SGNS vs gensim Word2Vec: same corpus slice, same hyperparameters, 2 threads each.

    .venv/bin/python benchmarks/sgns_vs_gensim.py --profile laptop

Trains both on the profile's corpus slice (``course_lib.word2vec.config_for``), then evaluates
both with gensim's evaluate_word_pairs / evaluate_word_analogies. Words per second = corpus
tokens × epochs / seconds of training (vocabulary building excluded for both). Also times a naive
autograd version (nn.Embedding + torch.optim.SGD on the mean loss, per-pair negatives) for a few
hundred batches. Progress on stderr; one JSON object last on stdout.
"""
from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Timer, emit, log, parse_args  # noqa: E402

THREADS = 2


def _extra(parser):
    parser.add_argument("--repeats", type=int, default=1, help="alternate ours/gensim this many times (median)")
    parser.add_argument("--naive-batches", type=int, default=200, help="batches timed for the naive autograd version")


def naive_pairs_per_s(vocab, config, batches: int, seed: int = 0) -> float:
    """Pairs per second of the textbook version: nn.Embedding tables, autograd, an optimizer step."""
    import torch

    from course_lib.word2vec import SGNS, NoiseSampler

    torch.manual_seed(seed)
    model = SGNS(len(vocab), config.dim)
    opt = torch.optim.SGD(model.parameters(), lr=config.alpha)
    sampler = NoiseSampler(vocab.counts, config.ns_exponent)
    B = 1024
    gen = torch.Generator().manual_seed(seed)
    center = torch.randint(0, len(vocab), (batches, B), generator=gen)
    context = torch.randint(0, len(vocab), (batches, B), generator=gen)
    with Timer() as t:
        for b in range(batches):
            negatives = sampler.sample((B, config.negative), generator=gen)
            opt.zero_grad()
            model(center[b], context[b], negatives).backward()
            opt.step()
    return batches * B / t.seconds


def main():
    args = parse_args(__doc__.splitlines()[0], extra=_extra)
    import statistics

    import torch

    from course_lib import runtime
    from course_lib.data import load_sentences
    from course_lib.text import Vocab
    from course_lib.word2vec import config_for, evaluate, train_gensim, train_sgns

    load_start = os.getloadavg()
    config = config_for(args.profile)
    device = runtime.pick_device()
    sentences = load_sentences(config.max_tokens)
    vocab = Vocab.build(sentences, min_count=config.min_count)
    tokens = sum(len(s) for s in sentences)
    log(f"profile={args.profile} device={device} tokens={tokens:,} vocab={len(vocab):,} epochs={config.epochs} "
        f"load average={load_start}")
    torch.set_num_threads(THREADS)
    ours_wps, gensim_wps, ours_s, gensim_s = [], [], [], []
    ours = gensim_model = result = None
    for r in range(args.repeats):
        log(f"[{r + 1}/{args.repeats}] ours (PyTorch SGNS, {THREADS} threads) …")
        result = train_sgns(sentences, config, vocab=vocab, device=device, threads=THREADS, progress=False)
        ours_wps.append(result.words_per_s); ours_s.append(result.seconds)
        log(f"  {result.seconds:.1f} s, {result.words_per_s:,.0f} words/s")
        log(f"[{r + 1}/{args.repeats}] gensim Word2Vec ({THREADS} workers) …")
        gensim_model, seconds = train_gensim(sentences, config, workers=THREADS)
        gensim_wps.append(tokens * config.epochs / seconds); gensim_s.append(seconds)
        log(f"  {seconds:.1f} s, {gensim_wps[-1]:,.0f} words/s")
    ours = result.keyed_vectors()
    log("evaluating …")
    e_ours, e_gensim = evaluate(ours), evaluate(gensim_model.wv)
    log(f"naive autograd version, {args.naive_batches} batches of 1024 pairs …")
    torch.set_num_threads(THREADS)
    naive_pps = naive_pairs_per_s(vocab, config, args.naive_batches)
    out = {
        "profile": args.profile, "device": str(device), "machine": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(), "threads": THREADS, "load_average_start": list(load_start),
        "load_average_end": list(os.getloadavg()), "tokens": tokens, "vocab": len(vocab), "epochs": config.epochs,
        "config": config.as_dict(), "repeats": args.repeats,
        "ours_seconds": statistics.median(ours_s), "gensim_seconds": statistics.median(gensim_s),
        "ours_words_per_s": statistics.median(ours_wps), "gensim_words_per_s": statistics.median(gensim_wps),
        "ours_pairs_per_s": result.pairs / result.seconds, "naive_autograd_pairs_per_s": naive_pps,
        "ours_vs_naive_speedup": result.pairs / result.seconds / naive_pps,
    }
    for key, value in e_ours.items():
        out[f"ours_{key}"] = value
    for key, value in e_gensim.items():
        out[f"gensim_{key}"] = value
    out["throughput_ratio"] = out["ours_words_per_s"] / out["gensim_words_per_s"]
    out["wordsim353_ratio"] = out["ours_wordsim353"] / out["gensim_wordsim353"]
    out["targets_met"] = {"throughput_ge_0.5x_gensim": out["throughput_ratio"] >= 0.5,
                          "wordsim353_ge_0.9x_gensim": out["wordsim353_ratio"] >= 0.9}
    emit(out)


if __name__ == "__main__":
    main()
