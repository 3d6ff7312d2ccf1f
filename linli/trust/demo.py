def seed(ctx):
    return []
