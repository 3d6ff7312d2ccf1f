"""Background work of the knowledge base (Django tasks API: the database worker in production, immediate in
tests): building the index. Tasks call services only."""

from django_tasks import task

from linli.core import context


@task()
def build_index(build_id: int) -> str:
    """Tokenise every passage and build the BM25 index (``services.index_run``); progress on the build row."""
    from .services import index_run

    with context.acting_as("task"):
        return index_run(build_id)
