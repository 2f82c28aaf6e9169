from ninja import Router

router = Router(tags=["dashboard 数据看板"])
