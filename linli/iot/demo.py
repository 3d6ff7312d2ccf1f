def seed(ctx):
    return None
