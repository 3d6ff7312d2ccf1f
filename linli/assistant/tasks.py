"""Background work of the assistant (Django tasks API; the database worker by default)."""

from django_tasks import task

from linli.core.context import acting_as


@task()
def train_router(user_id: int | None = None, note: str = "") -> dict:
    """Train, evaluate and (if not worse) put in use a new routing model version."""
    from django.contrib.auth import get_user_model

    from .services import train_version

    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    with acting_as("task"):
        row = train_version(actor=actor, note=note)
    return {"version": row.version, "status": row.status, "top1": str(row.top1)}
