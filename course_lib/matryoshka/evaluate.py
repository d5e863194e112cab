"""How much quality truncated embeddings keep, and the targets notebook 05 checks.

Measuring the quality on the course's retrieval task is ``course_lib.trained.matryoshka.ndcg_by_dims``."""
from __future__ import annotations

from typing import Mapping


def retained(curve: Mapping[int, float]) -> dict[int, float]:
    """Each score as a percentage of the same model's score at its largest dimension."""
    full = curve[max(curve)]
    return {m: 100.0 * v / full for m, v in curve.items()}


def check_targets(mrl: Mapping[int, float], standard: Mapping[int, float], two_stage_recall: float | None = None,
                  small: int = 64, smallest: int = 32) -> list[tuple[str, bool, str]]:
    """The notebook's targets as (target, met?, the measured numbers) rows."""
    full = max(mrl)
    kept = 100 * mrl[small] / mrl[full]
    gap_small, gap_smallest = mrl[small] - standard[small], mrl[smallest] - standard[smallest]
    rows = [
        (f"MRL keeps ≥ 95% of its own {full}-d nDCG@10 at {small} dims", kept >= 95,
         f"{kept:.1f}% ({mrl[small]:.3f} / {mrl[full]:.3f})" + ("" if kept >= 95 else f" — missed by {95 - kept:.1f} points")),
        (f"MRL beats the standard model at {small} dims", gap_small > 0,
         f"{mrl[small]:.3f} vs {standard[small]:.3f} ({gap_small:+.3f})" + ("" if gap_small > 0 else " — missed")),
        (f"MRL beats the standard model at {smallest} dims", gap_smallest > 0,
         f"{mrl[smallest]:.3f} vs {standard[smallest]:.3f} ({gap_smallest:+.3f})" + ("" if gap_smallest > 0 else " — missed")),
    ]
    if two_stage_recall is not None:
        met = two_stage_recall >= 0.98
        rows.append((f"two-stage search ({small}-d scan) recovers ≥ 0.98 recall@10 of {full}-d search", met,
                     f"{two_stage_recall:.3f}" + ("" if met else f" — missed by {0.98 - two_stage_recall:.3f}")))
    return rows


def reading(curves: Mapping[str, Mapping[int, float]], small: int = 64, noise: float = 0.01,
            base: str = "base MiniLM", standard: str = "standard (MNR)", mrl: str = "MRL") -> list[str]:
    """What notebook 05's quality curves say, as sentences built from the numbers: which model keeps
    the most of its own full-size score at ``small`` dimensions, and whether a trained model beats
    the base model at full size. A gap below ``noise`` (nDCG@10) is called too close to tell."""
    full = max(curves[mrl])
    kept = {name: retained(curve)[small] for name, curve in curves.items()}
    lines = [f"At {small} dimensions the base model keeps {kept[base]:.1f}% of its {full}-d nDCG@10, "
             f"the standard model {kept[standard]:.1f}% and the MRL model {kept[mrl]:.1f}%."]
    others = max(kept[base], kept[standard])
    gap = curves[mrl][small] - max(curves[base][small], curves[standard][small])
    if kept[mrl] > others and gap > noise:
        lines.append("The MRL model holds on longer: every prefix was trained, so its first coordinates carry more.")
    else:
        lines.append(f"In this run the MRL model does **not** clearly hold on longer ({gap:+.3f} nDCG@10 at {small} "
                     "dimensions against the better of the other two): see the budget note below.")
    best_trained = max(curves[mrl][full], curves[standard][full])
    beats = best_trained - curves[base][full]
    if beats > noise:
        lines.append(f"At {full} dimensions training helped: the better trained model is {beats:+.3f} above base MiniLM.")
    else:
        lines.append(f"At {full} dimensions neither trained model beats base MiniLM by more than {noise} "
                     f"({beats:+.3f}): a linear layer trained on a few thousand pairs adds little to a model "
                     "already trained on about a billion; what it *can* do is move information into the first "
                     "coordinates, which is what MRL asks of it.")
    return lines
