"""Demo data for owners' decisions (filled in below)."""


def seed(ctx) -> list[str]:
    return []
