"""The retrieval engine of the knowledge base, free of Django models: tokenising (``text``), reading uploaded files
(``parsing``), the BM25 index and the answer's confidence (``retrieval``)."""
