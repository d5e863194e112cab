"""The training wrapper, pooling and the course models' data pipeline (ci sizes, small)."""
import json

import numpy as np
import pytest
import torch

from course_lib import runtime


@pytest.fixture(scope="module")
def minilm():
    from course_lib.models import load_minilm

    return load_minilm("cpu")


def test_mean_pooling_plus_l2_equals_the_model(minilm):
    from course_lib.contrastive import pooling
    from course_lib.models import encode
    from course_lib.vectors import l2_normalise

    texts = ["Edible berry", "A hat is a shaped head covering worn for protection."]
    tokens, mask = pooling.token_embeddings(minilm, texts)
    ours = l2_normalise(pooling.mean_pool(tokens, mask)).numpy()
    assert np.abs(ours - encode(minilm, texts)).max() < 1e-5
    # CLS = first token; last = last real token (the shorter text is padded)
    assert torch.equal(pooling.cls_pool(tokens, mask), tokens[:, 0])
    n0 = int(mask[0].sum())
    assert torch.equal(pooling.last_token_pool(tokens, mask)[0], tokens[0, n0 - 1])
    with pytest.raises(ValueError, match="non-empty"):
        pooling.token_embeddings(minilm, [""])
    with pytest.raises(ValueError, match="pooling"):
        pooling.pool(tokens, mask, "max")


def test_fine_tune_one_step_changes_weights_and_records_history(minilm):
    from datasets import Dataset
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    from course_lib.contrastive.training import fine_tune, training_arguments, uses_in_batch_negatives

    minilm.max_seq_length = 16
    data = Dataset.from_dict({"anchor": ["Edible berry", "Shaped head covering", "Family of birds", "Capital of France"],
                              "positive": ["The tomato is a berry.", "A hat covers the head.", "Crows are birds.",
                                           "Paris is the capital."]})
    before = next(minilm.parameters()).detach().clone()
    loss = MultipleNegativesRankingLoss(minilm)
    assert uses_in_batch_negatives(loss)
    args = training_arguments(steps=1, batch_size=4, learning_rate=1e-4, seed=0, output_dir="/tmp/x", no_duplicates=True)
    assert args.report_to in ([], ["none"], "none") and args.save_strategy == "no" and args.batch_sampler == "no_duplicates"
    fine_tune(minilm, data, loss, steps=1, batch_size=4, learning_rate=1e-4)
    assert not torch.equal(before, next(minilm.parameters()).detach())
    assert minilm.training_history and "loss" in minilm.training_history[0]
    with pytest.raises(ValueError, match="fewer than one batch"):
        fine_tune(minilm, data, loss, steps=1, batch_size=8)


def test_training_triplets_never_pair_a_query_with_its_own_answer():
    from course_lib.trained import recipes, train_split

    runtime.set_profile("ci")
    recipe = recipes.RECIPES["ci"]
    split = train_split.train_split()
    rows = train_split.training_rows(recipe)
    negatives, counts = train_split.mine_triplets(rows, recipe, cross_encoder=None)
    assert len(negatives) == len(rows) == recipe.steps * recipe.batch_size
    assert all(split.groups[n] != split.groups[r] for r, n in zip(rows, negatives))
    # train split only: no test-split description ever appears
    from course_lib.data.wiki import split_of

    assert all(split_of(d) == "train" for d in split.descriptions)


def test_loss_datasets_share_the_same_rows():
    from datasets import Dataset

    from course_lib.trained.loss_comparison import loss_dataset, make_loss

    t = Dataset.from_dict({"anchor": ["a1", "a2"], "positive": ["p1", "p2"], "negative": ["n1", "n2"]})
    cos = loss_dataset("cosine", t)
    assert cos["sentence1"] == ["a1", "a1", "a2", "a2"]
    assert cos["sentence2"] == ["p1", "n1", "p2", "n2"] and cos["label"] == [1.0, 0.0, 1.0, 0.0]
    assert loss_dataset("mnr_inbatch", t).column_names == ["anchor", "positive"]
    assert loss_dataset("mnr_hardneg", t).column_names == ["anchor", "positive", "negative"]
    with pytest.raises(ValueError, match="Unknown loss"):
        make_loss("hinge", None, None)


def test_int8_quantisation_keeps_minilm_vectors_and_runs_a_cross_encoder(minilm):
    import copy

    from sentence_transformers import CrossEncoder

    from course_lib.models import minilm_path
    from course_lib.retrieval.rerank import is_int8, quantize_for_cpu

    texts = ["Which planet is red?", "Mars is known as the Red Planet.", "The tomato is an edible berry.",
             "Lake Baikal is the deepest lake.", "Chess is a board game for two players."]
    fp32 = minilm.encode(texts, convert_to_numpy=True, normalize_embeddings=True)
    small = quantize_for_cpu(copy.deepcopy(minilm))
    int8 = small.encode(texts, convert_to_numpy=True, normalize_embeddings=True)
    assert is_int8(small) and not np.array_equal(fp32, int8)       # really a different computation …
    assert np.min(np.sum(fp32 * int8, axis=1)) > 0.95                 # … giving nearly the same vectors
    assert np.argmax(int8[1:] @ int8[0]) == 0                         # the red-planet question still finds Mars

    ce = CrossEncoder(str(minilm_path()), num_labels=1, max_length=48, local_files_only=True, device="cpu",
                      config_kwargs={"num_hidden_layers": 1})
    assert quantize_for_cpu(ce) is ce and is_int8(ce)
    assert any(type(m).__module__.startswith("torch.ao.nn.quantized.dynamic") for m in ce.modules())
    scores = ce.predict([(texts[0], t) for t in texts[1:]], show_progress_bar=False)
    assert scores.shape == (4,) and np.isfinite(scores).all()


def test_saved_bi_encoder_reads_whole_texts_and_records_what_it_trained_on():
    """Issue 12, item 9: the saved model loads with MiniLM's own max_seq_length (not the training
    length, which would silently cut every text), and is reused only while its recipe, training
    articles and course_lib version match."""
    from dataclasses import replace

    from course_lib.models import minilm_path
    from course_lib.trained.bi_encoder import bi_encoder_provenance, load_or_train_bi_encoder, training_record
    from course_lib.trained.provenance import stale_reason
    from course_lib.trained.recipes import BI_ENCODER, RECIPES

    recipe = RECIPES["ci"]
    model = load_or_train_bi_encoder("ci")          # shared with notebook 04's ci run (trained once)
    record = training_record(f"{BI_ENCODER}-ci")
    packaged = json.loads((minilm_path() / "sentence_bert_config.json").read_text())["max_seq_length"]
    assert model.max_seq_length == packaged > recipe.max_seq_length
    assert record["trained_max_seq_length"] == recipe.max_seq_length
    assert stale_reason(record, bi_encoder_provenance(recipe)) == ""
    assert stale_reason(record, bi_encoder_provenance(replace(recipe, steps=recipe.steps + 1))) == \
        "its recipe, trained_on differ from today's"          # more steps: more training rows too
    assert stale_reason(record, bi_encoder_provenance(replace(recipe, learning_rate=recipe.learning_rate * 2))) == \
        "its recipe differ from today's"
    assert "course_lib" in stale_reason({**record, "course_lib": "0.0.0"}, bi_encoder_provenance(recipe))
    assert stale_reason(None, bi_encoder_provenance(recipe)) == "no training record was saved with it"


def test_saved_cross_encoder_records_its_settings_and_articles(capsys):
    from course_lib.models import saved_model_path
    from course_lib.trained.cross_encoder import RECORD_FILE, cross_encoder_provenance, load_or_train_cross_encoder
    from course_lib.trained.provenance import reusable
    from course_lib.trained.recipes import CROSS_ENCODER, RECIPES

    load_or_train_cross_encoder("ci")                # shared with notebook 04's ci run
    record = json.loads((saved_model_path(f"{CROSS_ENCODER}-ci") / RECORD_FILE).read_text())
    ids = record.pop("article_ids")   # what its rows contained (tests/test_training_data_held_out.py checks them)
    assert record == json.loads(json.dumps(cross_encoder_provenance(RECIPES["ci"])))
    assert len(ids) >= RECIPES["ci"].ce_queries
    assert all(k.startswith("ce_") or k == "seed" for k in record["recipe"])
    assert not reusable("cross-encoder-ci", {**record, "trained_on": "x"}, record, exists=True)
    assert "out of date (its trained_on differ from today's)" in capsys.readouterr().out
