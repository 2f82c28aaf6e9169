from ninja import Router

router = Router(tags=["participation 共建共治"])
