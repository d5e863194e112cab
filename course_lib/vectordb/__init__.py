"""Embeddings in production (notebook 08): the course's vectors in a real vector database.

Milvus (Wang et al. 2021, *Milvus: a purpose-built vector data management system*) through its
Python client ``pymilvus``. By default the engine is Milvus Lite, embedded in the notebook's
process and keeping its data under a local folder; the same ``MilvusClient`` calls address a
Milvus server on a loopback port or a cluster (``client.connect``).

One concept per module:

* ``client``      — connect (embedded file, local server, cluster URI) and clear errors;
* ``collections`` — the schema (vector + payload + model version) and the batched ingest that
  builds a new collection and only then points the alias at it;
* ``versions``    — the model-version guard;
* ``swap``        — shadow collection, canary comparison, atomic alias switch, rollback;
* ``freshness``   — incremental upserts and deletes vs a rebuild;
* ``acl``         — filter expressions from a user's groups; pre- vs post-filtering;
* ``drift``       — drift statistics over a stream of query embeddings;
* ``timing``      — query latency percentiles and ingest throughput.
"""
