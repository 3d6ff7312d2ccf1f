from ninja import Router

router = Router(tags=["owners' decisions"])
